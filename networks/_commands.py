"""``ecobelt`` subcommands contributed by :mod:`networks`: ``examples``."""

from __future__ import annotations

import argparse

from ecosystem.cli._common import add_table_output, write_table


def register(subparsers) -> None:
    """Add this package's subcommands to the ``ecobelt`` parser."""
    parser = subparsers.add_parser(
        "examples", help="list the bundled example ecosystems",
        description="List the bundled example ecosystems: any command's SPEC argument "
                    "accepts one of these names.")
    parser.add_argument("--paths", action="store_true", help="also show each example's file")
    add_table_output(parser, "the table of examples (name, members, links, description, "
                                "file)")
    parser.set_defaults(func=_examples)


def _examples(args: argparse.Namespace) -> int:
    from .bundled import examples
    table = examples()
    width = max(len("name"), *map(len, table.index))
    print(f"{'name':<{width}}  members   links  description")
    for name, row in table.iterrows():
        first_sentence = row["description"].split(". ")[0].rstrip(".")
        print(f"{name:<{width}}  {row['members']:>7}  {row['links']:>6}  {first_sentence}")
        if args.paths:
            print(f"{'':<{width}}  {row['file']}")
    if args.output:
        write_table(table, args.output)
    return 0
