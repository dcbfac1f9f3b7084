"""``ecobelt coupling CSV``: coupling coordination degree of subsystems in a table."""

from __future__ import annotations

import argparse
import os

from .._errors import ParameterError
from ._common import (CommaList, add_table_output, hidden_alias, print_table,
                      read_csv, split_list, write_table)

__all__ = ["register"]


def _zhejiang():
    from ..coupling import zhejiang_2016_2020
    return zhejiang_2016_2020()


#: Tables that can be named instead of a CSV file.
BUNDLED = {"zhejiang-2016-2020": _zhejiang}

#: A bundled table's own set-up (its worked example in ecosystem.coupling), used when the
#: command line gives no --subsystem / --row-names: the export side against the import side.
BUNDLED_SETUP = {"zhejiang-2016-2020": (
    {"export": ["export_volume", "export_growth"], "import": ["import_volume", "import_growth"]},
    "year")}


def register(subparsers) -> None:
    """Add the ``coupling`` subcommand."""
    parser = subparsers.add_parser(
        "coupling", help="coupling coordination degree (C, T, D) of subsystems",
        description="Coupling coordination degree of two or more subsystems: min-max "
                    "standardisation, entropy weights, coupling degree C (Wang et al. 2021's "
                    "adjusted C by default), development index T, D = sqrt(C T) and its band. "
                    "Rows of CSV are observations (years, regions), columns indicators.")
    parser.add_argument("csv", metavar="CSV",
                        help="a CSV file, or a bundled table: " + ", ".join(BUNDLED))
    parser.add_argument("--subsystem", action="append", default=[], metavar="NAME=COL,COL",
                        help="a subsystem and its indicator columns (repeat for each; by "
                             "default every column but --row-names is a subsystem of its own; "
                             "a bundled table has its own default, e.g. export against import)")
    parser.add_argument("--negative", action=CommaList, default=None, metavar="COL[,COL...]",
                        help="negative indicators, smaller is better")
    parser.add_argument("--row-names", metavar="COL",
                        help="the column naming the rows (e.g. year)")
    hidden_alias(parser, "--index", "--row-names")
    parser.add_argument("--method", choices=("adjusted", "standard"), default="adjusted",
                        help="coupling degree (default: adjusted)")
    parser.add_argument("--shift", type=float, default=0.01,
                        help="standardised value of each indicator's worst row (default 0.01)")
    parser.add_argument("--no-rescale", action="store_true",
                        help="the columns are already scores in [0, 1]: skip min-max "
                             "standardisation (then --negative and --shift do not apply)")
    add_table_output(parser, "the coupling table (C, T, D and band per row)")
    parser.set_defaults(func=run)


def _parse_subsystems(items: list[str]) -> dict[str, list[str]] | None:
    if not items:
        return None
    groups = {}
    for item in items:
        name, sep, columns = item.partition("=")
        if not sep or not name.strip() or not columns.strip():
            raise ParameterError(f"--subsystem {item!r} must look like NAME=COLUMN,COLUMN")
        groups[name.strip()] = split_list(columns)
    return groups


def _read_table(name: str):
    if name in BUNDLED and not os.path.exists(name):
        return BUNDLED[name]()
    return read_csv(name, comment="#")


def run(args: argparse.Namespace) -> int:
    """Compute and print the coupling table."""
    import pandas as pd

    from ..coupling import coordination
    subsystems = _parse_subsystems(args.subsystem)
    table = _read_table(args.csv)
    index = args.row_names
    if args.csv in BUNDLED and not os.path.exists(args.csv):
        default_subsystems, default_index = BUNDLED_SETUP[args.csv]
        subsystems = default_subsystems if subsystems is None else subsystems
        index = default_index if index is None else index
        print(f"{args.csv}: subsystems " + "; ".join(
            f"{name} = {', '.join(columns)}" for name, columns in subsystems.items())
              + f" (rows: {index})\n")
    result = coordination(table, subsystems, negative=args.negative or [], method=args.method,
                          shift=args.shift, row_names=index, rescale=not args.no_rescale)
    print_table(result)
    weights = pd.Series(result.attrs["weights"], name="weight").to_frame()
    print(f"\nindicator weights (entropy), coupling degree: {args.method}")
    print_table(weights)
    if args.output:
        write_table(result, args.output)
    return 0
