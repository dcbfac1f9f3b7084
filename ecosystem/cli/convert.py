"""``ecobelt convert SPEC OUT``: write an ecosystem in another format."""

from __future__ import annotations

import argparse

from ..files import FORMATS
from ._common import add_output_argument, add_spec_argument, read_spec

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Load SPEC and save it to OUT (format from OUT's extension unless --format)."""
    from .._errors import ParameterError
    from ..files import format_of, save, written_paths

    if (args.out is None) == (args.output is None):
        raise ParameterError("give the file to write once: ecobelt convert SPEC OUT "
                             "(or -o OUT)")
    args.out = args.out or args.output
    format_of(args.out, args.format)  # a wrong extension fails before the spec is read
    eco = read_spec(args.spec)
    save(eco, args.out, format=args.format)
    paths = [str(p) for p in written_paths(args.out, args.format)]
    written = paths[0] if len(paths) == 1 else f"{', '.join(paths[:-1])} and {paths[-1]}"
    print(f"wrote {written}: {len(eco)} members, {eco.number_of_links()} links")
    return 0


def register(subparsers) -> None:
    """Add the ``convert`` subcommand."""
    parser = subparsers.add_parser(
        "convert", help="write a spec in another format (yaml, json, csv, graphml, gexf, "
                        "parquet)",
        description="Read SPEC and write it to OUT; the format comes from OUT's extension "
                    "(.yaml/.yml, .json, .csv for a members/links pair "
                    "and its .meta.json sidecar, .graphml, .gexf for Gephi, .parquet for a members/links pair of Parquet files, needing pyarrow). Every format keeps everything (see ecosystem.files).")  # noqa: E501
    add_spec_argument(parser)
    add_output_argument(parser, "out", kind="spec", metavar="OUT", nargs="?",
                        help="the file to write (refused if it exists, unless --force)")
    add_output_argument(parser, "-o", "--output", kind="spec", metavar="OUT",
                        help="the file to write (as OUT)")
    parser.add_argument("--format", choices=sorted(set(FORMATS)),
                        help="the format of OUT when its extension does not say")
    parser.set_defaults(func=run)
