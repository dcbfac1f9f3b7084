"""``ecobelt segment``: fuzzy c-means segmentation of members by their attributes."""

from __future__ import annotations

import argparse

from ._common import add_spec_argument, print_table, read_spec


def register(subparsers) -> None:
    parser = subparsers.add_parser("segment", help="fuzzy c-means segments of members")
    add_spec_argument(parser)
    parser.add_argument("--features", required=True, metavar="ATTR[,ATTR...]",
                        help="numeric member attributes to segment by")
    parser.add_argument("--clusters", type=int, default=3)
    parser.add_argument("--m", type=float, default=2.0, help="fuzzifier (> 1)")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--csv", metavar="OUT", help="write the memberships to this CSV file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..segment import segment_members
    eco = read_spec(args.spec)
    fit = segment_members(eco, [f for f in args.features.split(",") if f], args.clusters,
                          m=args.m, seed=args.seed)
    table = fit.memberships.assign(segment=fit.labels)
    print_table(table)
    print(f"objective {fit.objective:.6g}, partition coefficient "
          f"{fit.partition_coefficient:.3f}, {fit.n_iter} iterations")
    if args.csv:
        table.to_csv(args.csv)
    return 0
