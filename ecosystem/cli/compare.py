"""``ecobelt compare``: alliance configurations side by side, or a sweep of them.

ALLIANCES.yaml::

    alliances:                     # the configurations (the baseline is added)
      - {name: export chain, members: [beltlink, riverbend], cost_cut: 0.15}
    candidates: {max_size: 2, cost_cut: 0.1}   # and/or: every subset of core enterprises
    players: [beltlink, riverbend]             # optional, see ecosystem.alliance.compare
    market: us_market                          # optional
    margin: 8.0                                # optional (default: the markets' margin)

SWEEP.yaml::

    parameters: {cost_cut: [0.0, 0.1, 0.2], window: [3, 5]}
    seeds: [0, 1, 2]
    processes: 2                               # optional (local runs)
"""

from __future__ import annotations

import argparse
from typing import Any

import yaml

from .._errors import SpecError
from ._common import add_spec_argument, print_table, read_spec

_COMPARE_KEYS = {"alliances", "candidates", "players", "market", "margin", "window",
                 "replications", "periods", "damping", "seed"}
_SWEEP_KEYS = {"parameters", "seeds", "processes"}


def register(subparsers) -> None:
    parser = subparsers.add_parser("compare", help="compare alliance configurations "
                                                   "(optionally a parameter sweep)")
    add_spec_argument(parser)
    parser.add_argument("alliances", metavar="ALLIANCES.yaml")
    parser.add_argument("--sweep", metavar="SWEEP.yaml", help="parameters and seeds to sweep")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run the sweep on this Dask scheduler (needs ecobelt[dask])")
    parser.add_argument("-o", "--output", metavar="results.csv", help="write the table as CSV")
    parser.set_defaults(func=run)


def _read(path: str, allowed: set[str]) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            spec = yaml.safe_load(handle) or {}
    except yaml.YAMLError as error:
        raise SpecError(f"not valid YAML: {str(error).splitlines()[0]}", file=path) from None
    if not isinstance(spec, dict):
        raise SpecError("expected a mapping at the top", file=path)
    unknown = set(spec) - allowed
    if unknown:
        raise SpecError(f"unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}", file=path)
    return spec


def run(args: argparse.Namespace) -> int:
    from ..alliance import Alliance, candidates, compare, sweep
    eco = read_spec(args.spec)
    spec = _read(args.alliances, _COMPARE_KEYS)
    alliances = []
    for i, entry in enumerate(spec.pop("alliances", []) or []):
        if not isinstance(entry, dict):
            raise SpecError("each alliance must be a mapping", file=args.alliances,
                            location=f"alliances[{i}]", value=entry)
        try:
            alliances.append(Alliance.from_dict(entry))
        except Exception as error:
            raise SpecError(str(error), file=args.alliances, location=f"alliances[{i}]") from None
    if "candidates" in spec:
        alliances += candidates(eco, **(spec.pop("candidates") or {}))
    if not alliances:
        raise SpecError("no alliances: give 'alliances' and/or 'candidates'", file=args.alliances)
    if args.sweep or args.scheduler:
        plan = _read(args.sweep, _SWEEP_KEYS) if args.sweep else {}
        spec.pop("seed", None)
        table = sweep(eco, alliances, parameters=plan.get("parameters"),
                      seeds=plan.get("seeds", [0]), processes=plan.get("processes"),
                      scheduler=args.scheduler, **spec)
    else:
        table = compare(eco, alliances, **spec)
    shown = [c for c in table.columns if not c.startswith(("flow:", "shapley:", "rank:"))]
    print_table(table[shown])
    if args.output:
        table.to_csv(args.output)
        print(f"wrote {args.output}")
    return 0
