"""``ecobelt validate SPEC``: check a spec file and say how big the ecosystem is."""

from __future__ import annotations

import argparse
import sys

from ._common import add_table_output, add_spec_argument, read_spec

__all__ = ["register", "run"]


def run(args: argparse.Namespace) -> int:
    """Load and check SPEC; print ``ok: N members, M links`` and any goods-balance warnings
    (on stderr; they do not change the exit status)."""
    eco = read_spec(args.spec).validate()
    warnings = eco.problems(warnings=True)
    note = f" ({len(warnings)} warning{'s' if len(warnings) != 1 else ''})" if warnings else ""
    print(f"ok: {len(eco)} members, {eco.number_of_links()} links{note}")
    for sentence in warnings:
        print(sentence, file=sys.stderr)
    if args.output:
        import json

        from .._atomic import atomic_open

        with atomic_open(args.output, "w", encoding="utf-8") as handle:
            json.dump({"spec": args.spec, "ok": True, "members": len(eco),
                       "links": eco.number_of_links(), "warnings": warnings}, handle,
                      ensure_ascii=False)
            handle.write("\n")
        print(f"wrote {args.output}")
    return 0


def register(subparsers) -> None:
    """Add the ``validate`` subcommand."""
    parser = subparsers.add_parser(
        "validate", help="check a spec file (exit status 2 and one line if it is wrong)",
        description="Read SPEC, check every member and link, and print 'ok: N members, M "
                    "links', or one line naming the problem and exit with status 2. Goods "
                    "that do not balance (a member that is no producer shipping more than it "
                    "receives, a market fed the same goods directly and through a carrier) "
                    "are warnings: one line each on stderr, exit status 0.")
    add_spec_argument(parser)
    add_table_output(parser, "the verdict and the counts", kind="json")
    parser.set_defaults(func=run)
