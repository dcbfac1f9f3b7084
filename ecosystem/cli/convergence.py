"""``ecobelt convergence``: convergence between industry groups and upstreamness."""

from __future__ import annotations

import argparse
import os

from ._common import (add_table_output, add_spec_argument, print_table,
                      read_spec, split_list, write_table)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "convergence", help="convergence index between industry groups, and upstreamness",
        description="How alike the industry groups' neighbourhoods are on each layer "
                    "(the convergence index, per snapshot), and each member's upstreamness "
                    "along the value chain.")
    add_spec_argument(parser)
    parser.add_argument("--groups", default="industry", metavar="ATTR",
                        help="the member attribute whose values are the industry groups "
                             "(e.g. industry, product, role)")
    parser.add_argument("--later", metavar="SPEC", action="append", default=[],
                        help="a later snapshot of the same ecosystem, to show the change "
                             "(repeat for several, in time order)")
    parser.add_argument("--flows", default="technology,information,logistics,capital",
                        metavar="FLOW[,FLOW...]", help="the layers to compare the groups on")
    parser.add_argument("--direction", choices=["both", "out", "in"], default="both",
                        help="which links make a group's neighbourhood")
    parser.add_argument("--chain", default="logistics", metavar="FLOW",
                        help="the layer for upstreamness (value-chain position)")
    add_table_output(parser, "the convergence index table")
    parser.set_defaults(func=run)


def _label(spec: str, taken: dict) -> str:
    name = os.path.splitext(os.path.basename(spec))[0] or spec
    return name if name not in taken else f"{name} ({len(taken)})"


def run(args: argparse.Namespace) -> int:
    from ..convergence import index, upstreamness
    eco = read_spec(args.spec)
    snapshots = {_label(args.spec, {}): eco}
    for spec in args.later:
        snapshots[_label(spec, snapshots)] = read_spec(spec)
    table = index(snapshots, args.groups, flows=split_list(args.flows),
                  direction=args.direction)
    print_table(table)
    print(f"upstreamness along {args.chain} (1 = final use):")
    print_table(upstreamness(eco, args.chain).dropna().sort_values(ascending=False).to_frame())
    if args.output:
        write_table(table, args.output)
    return 0
