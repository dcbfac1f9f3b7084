"""``ecobelt convergence``: convergence between industry groups and upstreamness."""

from __future__ import annotations

import argparse

from ._common import add_spec_argument, print_table, read_spec


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "convergence", help="convergence index between industry groups, and upstreamness")
    add_spec_argument(parser)
    parser.add_argument("--groups", default="industry", metavar="ATTR",
                        help="the member attribute whose values are the industry groups")
    parser.add_argument("--later", metavar="SPEC",
                        help="a later snapshot of the same ecosystem, to show the change")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..convergence import index, upstreamness
    eco = read_spec(args.spec)
    snapshots = {"first": eco, "later": read_spec(args.later)} if args.later else eco
    print_table(index(snapshots, args.groups))
    print_table(upstreamness(eco).dropna().sort_values(ascending=False).to_frame())
    return 0
