"""``ecobelt info SPEC``: the summary table of an ecosystem."""

from __future__ import annotations

import argparse

from ._common import (add_table_output, add_spec_argument, print_table,
                      read_spec, write_table)

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Print the ecosystem's name, size and :meth:`Ecosystem.summary` table."""
    eco = read_spec(args.spec)
    title = eco.name or args.spec
    print(f"{title}: {len(eco)} members, {eco.number_of_links()} links")
    description = eco.attributes.get("description")
    if isinstance(description, str) and description.strip():
        print(description.strip())
    summary = eco.summary()
    if args.nonzero:
        summary = summary[(summary["members"] > 0) | (summary["links"] > 0)]
    print()
    print("volume per period of each flow, in its own unit: "
          + "; ".join(f"{flow} in {unit}" for flow, unit in eco.units.items()))
    print_table(summary)
    if args.output:
        write_table(summary, args.output)
    return 0


def register(subparsers) -> None:
    """Add the ``info`` subcommand."""
    parser = subparsers.add_parser(
        "info", help="members, links and volume per flow by ring, role and flow",
        description="Print the counts of members and links and the total link volume of "
                    "each flow (in that flow's unit) by ring, role and flow.")
    add_spec_argument(parser)
    parser.add_argument("--nonzero", action="store_true",
                        help="leave out rings, roles and flows with no members and no links")
    add_table_output(parser, "the table of counts and volumes")
    parser.set_defaults(func=run)
