"""``ecobelt compare``: alliance configurations side by side, or a sweep of them.

ALLIANCES.yaml::

    alliances:                     # the configurations (the baseline is added)
      - {name: export chain, members: [beltlink, riverbend], cost_cut: 0.15}
    candidates: {max_size: 2, cost_cut: 0.1}   # and/or: every subset of core enterprises
    greedy: {metric: players_profit, max_size: 3, cost_cut: 0.1}  # and/or: a greedy path
    players: [beltlink, riverbend]             # optional (default: the core enterprises)
    periods: 52                                # optional simulation settings
    replications: 200
    benefit: true                              # distribute each alliance's gain (Shapley)

SWEEP.yaml::

    parameters: {cost_cut: [0.0, 0.1, 0.2], replications: [100, 200]}
    seeds: [0, 1, 2]
    processes: 2                               # optional (local runs)
"""

from __future__ import annotations

import argparse
from typing import Any

from .._errors import EcosystemError, SpecError
from ._common import (add_output_argument, add_spec_argument, first_line, print_table,
                      read_spec, write_frame)

_COMPARE_KEYS = {"alliances", "candidates", "greedy", "players", "replications", "periods",
                 "warmup", "holding", "backorder", "seed", "benefit", "shapley_replications",
                 "processes",
                 "n_resamples"}  # the earlier name of shapley_replications
_SWEEP_KEYS = {"parameters", "seeds", "processes"}


def register(subparsers) -> None:
    parser = subparsers.add_parser("compare", help="compare alliance configurations "
                                                   "(optionally a parameter sweep)",
                                   description=__doc__.split("\n", 1)[1],
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    add_spec_argument(parser)
    parser.add_argument("alliances", metavar="ALLIANCES.yaml",
                        help="the alliance configurations to compare (see above)")
    parser.add_argument("--sweep", metavar="SWEEP.yaml", help="parameters and seeds to sweep")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run the sweep on this Dask scheduler (needs ecobelt[dask])")
    add_output_argument(parser, "-o", "--output", metavar="results.csv",
                        help="write the table as CSV")
    parser.set_defaults(func=run)


def _read(path: str, allowed: set[str]) -> dict[str, Any]:
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            spec = yaml.safe_load(handle) or {}
    except yaml.YAMLError as error:
        raise SpecError(f"not valid YAML: {first_line(error)}", file=path) from None
    if not isinstance(spec, dict):
        raise SpecError("expected a mapping at the top", file=path)
    unknown = set(spec) - allowed
    if unknown:
        raise SpecError(f"unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}", file=path)
    return spec


def _alliances(eco, spec: dict[str, Any], file: str) -> list:
    """The configurations an ALLIANCES.yaml names: listed, candidates and a greedy path."""
    from ..alliance import Alliance, candidates, greedy_path

    alliances = []
    for i, entry in enumerate(spec.pop("alliances", None) or []):
        if not isinstance(entry, dict):
            raise SpecError("each alliance must be a mapping", file=file,
                            location=f"alliances[{i}]", value=entry)
        try:
            alliances.append(Alliance.from_dict(entry))
        except EcosystemError as error:
            raise SpecError(str(error), file=file, location=f"alliances[{i}]") from None
    for key in ("candidates", "greedy"):
        options = spec.pop(key, None)
        if options is None:
            continue
        if not isinstance(options, dict):
            raise SpecError(f"'{key}' must be a mapping of options", file=file, value=options)
        try:
            if key == "candidates":
                alliances += candidates(eco, **options)
            else:
                alliances += greedy_path(eco, **_greedy_options(options, spec))
        except EcosystemError as error:
            raise SpecError(str(error), file=file, location=key) from None
    if not alliances:
        raise SpecError("no alliances: give 'alliances', 'candidates' and/or 'greedy'", file=file)
    return alliances


def _greedy_options(options: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    from ..alliance import Alliance

    search = {"metric", "members", "max_size"}
    levers = set(Alliance.__dataclass_fields__) - {"name", "members"}
    unknown = set(options) - search - levers
    if unknown:
        raise SpecError(f"unknown greedy options {sorted(unknown)}; allowed: "
                        f"{sorted(search | levers)}")
    return {**{k: v for k, v in options.items() if k in search}, **spec,
            "levers": {k: v for k, v in options.items() if k in levers}}


def run(args: argparse.Namespace) -> int:
    from ..alliance import compare, sweep

    eco = read_spec(args.spec)
    spec = _read(args.alliances, _COMPARE_KEYS)
    alliances = _alliances(eco, spec, args.alliances)
    if args.sweep or args.scheduler:
        plan = _read(args.sweep, _SWEEP_KEYS) if args.sweep else {}
        seeds = plan.get("seeds", [spec.pop("seed", 0)])
        spec.pop("seed", None)
        table = sweep(eco, alliances, parameters=plan.get("parameters"), seeds=seeds,
                      processes=plan.get("processes"), scheduler=args.scheduler, **spec)
    else:
        comparison = compare(eco, alliances, **spec)
        print(comparison)
        print()
        print(f"Shapley split of each alliance's gain ({comparison.units['belt_profit']}):")
        print_table(comparison.allocation.dropna(how="all"))
        table = comparison.to_frame()
    if args.sweep or args.scheduler:
        print_table(table)
    if args.output:
        write_frame(table, args.output, force=True)  # checked before the run
        print(f"wrote {args.output}")
    return 0
