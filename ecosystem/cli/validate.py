"""``ecobelt validate SPEC``: check a spec file and say how big the ecosystem is."""

from __future__ import annotations

import argparse

from ._common import add_spec_argument, read_spec

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Load and check SPEC; print ``ok: N members, M links``."""
    eco = read_spec(args.spec).validate()
    print(f"ok: {len(eco)} members, {eco.graph.number_of_edges()} links")
    return 0


def register(subparsers) -> None:
    """Add the ``validate`` subcommand."""
    parser = subparsers.add_parser(
        "validate", help="check a spec file (exit status 2 and one line if it is wrong)",
        description="Read SPEC, check every member and link, and print 'ok: N members, M "
                    "links', or one line naming the problem and exit with status 2.")
    add_spec_argument(parser)
    parser.set_defaults(func=run)
