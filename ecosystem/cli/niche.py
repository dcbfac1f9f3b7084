"""``ecobelt niche SPEC``: niche breadth, overlap, competing pairs and a null model."""

from __future__ import annotations

import argparse

import pandas as pd

from .._errors import ParameterError
from ..niche import (NULL_ALGORITHMS, NULL_INDICES, OVERLAP_INDICES, breadth,
                     competition_pairs, mean_overlap, null_model, resource_matrix)
from ._common import add_spec_argument, print_table, read_spec

__all__ = ["register"]

_SHOWN_MEMBERS = 30
#: a spec does not carry resource availability
_CLI_INDICES = tuple(name for name, index in OVERLAP_INDICES.items()
                     if not index.needs_availability)


def register(subparsers) -> None:
    """Add the ``niche`` subcommand."""
    parser = subparsers.add_parser(
        "niche", help="niche breadth, overlap, competing pairs and a null model",
        description="Build each member's resource-use profile from the ecosystem's links "
                    "(its providers with --direction in, its outlets with --direction out), "
                    "then print niche breadth, the mean pairwise overlap, the most strongly "
                    "competing pairs and, with --null, an EcoSimR-style randomisation test.")
    add_spec_argument(parser)
    parser.add_argument("--index", choices=_CLI_INDICES, default="pianka",
                        help="overlap index (default: pianka)")
    parser.add_argument("--direction", choices=("in", "out"), default="in",
                        help="resources are the providers whose links reach a member (in, "
                             "default) or the members it sends to (out)")
    parser.add_argument("--flow", action="append", default=None, metavar="FLOW",
                        help="count only this flow (repeatable; default: all four)")
    parser.add_argument("--role", action="append", default=None, metavar="ROLE",
                        help="members of this role are the rows (repeatable; default: all)")
    parser.add_argument("--resource-role", action="append", default=None, metavar="ROLE",
                        help="count only resources of this role (repeatable)")
    parser.add_argument("--group-by", metavar="ATTR",
                        help="pool resources by this member attribute (e.g. role)")
    parser.add_argument("--weight", default="volume", metavar="ATTR",
                        help="link attribute summed (default: volume); 'none' counts links")
    parser.add_argument("--threshold", type=float, default=0.5,
                        help="smallest overlap listed as a competing pair (default: 0.5)")
    parser.add_argument("--top", type=int, default=10,
                        help="how many competing pairs to print (default: 10)")
    parser.add_argument("--null", choices=NULL_ALGORITHMS, metavar="ALGO",
                        help="run a null model: ra3 or ra4 (recommended), ra1, ra2")
    parser.add_argument("--iterations", type=int, default=1000,
                        help="null-model iterations (default: 1000)")
    parser.add_argument("--statistic", choices=("mean", "var", "skew"), default="mean",
                        help="null-model statistic of the pairwise overlaps (default: mean)")
    parser.add_argument("--seed", type=int, default=None, help="null-model random seed")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Compute and print the niche report."""
    if args.top < 1:
        raise ParameterError(f"--top must be >= 1, got {args.top}")
    if args.null and args.index not in NULL_INDICES:
        raise ParameterError(f"the null model does not support --index {args.index}; use one "
                             f"of {', '.join(NULL_INDICES)}")
    eco = read_spec(args.spec)
    weight = None if args.weight.lower() == "none" else args.weight
    full = resource_matrix(eco, direction=args.direction, flows=args.flow, role=args.role,
                           resource_role=args.resource_role, group_by=args.group_by,
                           weight=weight, drop_empty=False)
    U = full.loc[full.sum(axis=1) > 0]
    left_out = len(full) - len(U)
    where = "providers" if args.direction == "in" else "outlets"
    print(f"niche of {eco.name or args.spec!s}: {len(U)} members x {U.shape[1]} resources "
          f"({where}; flows: {', '.join(args.flow) if args.flow else 'all'}; weight: "
          f"{weight or 'link count'})")
    if left_out:
        print(f"{left_out} member(s) without any such resource left out")
    if U.empty:
        raise ParameterError("no member uses any resource with these options; try another "
                             "--direction or --flow")
    widths = pd.concat([breadth(U, "levins"), breadth(U, "shannon")], axis=1)
    if U.shape[1] > 1:
        widths.insert(1, "levins_standardized", breadth(U, "levins_standardized"))
    print("\nniche breadth")
    print_table(widths.head(_SHOWN_MEMBERS))
    if len(widths) > _SHOWN_MEMBERS:
        print(f"... and {len(widths) - _SHOWN_MEMBERS} more members")
    if len(U) < 2:
        print("\nonly one member: no overlap to measure")
        return 0
    mean = mean_overlap(U, args.index)
    pairs_kind = "ordered" if args.index == "macarthur_levins" else "unordered"
    print(f"\nmean overlap ({args.index}) over the {pairs_kind} pairs: {mean:.4g}")
    pairs = competition_pairs(U, args.index, args.threshold)
    print(f"competing pairs ({args.index} >= {args.threshold:g}): {len(pairs)}")
    if len(pairs):
        print_table(pairs.head(args.top).set_index(["member", "competitor"]))
    if args.null:
        result = null_model(U, args.null, args.index, replications=args.iterations,
                            statistic=args.statistic, seed=args.seed)
        print("\nnull model")
        print(result)
    return 0
