"""The ``ecobelt`` command line (also ``python -m ecosystem``).

Each subcommand is one small module: a module of this package whose name does
not start with ``_``, or a module named by an ``ecobelt.commands`` entry point
(how ``networks`` and ``viz`` add theirs without ``ecosystem`` importing them).
The module defines ``register(subparsers)``, which adds its parser(s) and sets
``func``: a function of the parsed arguments returning the exit status.
Add-ons read their SPEC argument with :func:`add_spec_argument` and
:func:`read_spec`, as the built-in commands do.

Errors raised on purpose (:class:`ecosystem.EcosystemError`) and unreadable
files print one line on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from importlib.metadata import entry_points
from typing import Sequence

from .._errors import EcosystemError
from ._common import add_spec_argument, first_line, read_spec

__all__ = ["main", "build_parser", "add_spec_argument", "read_spec"]


def _command_modules() -> list:
    """Every subcommand module; one that cannot be imported is left out with a one-line
    warning, so that a broken add-on does not take the other commands down with it."""
    loaders = [(info.name, lambda name=info.name: importlib.import_module(f"{__name__}.{name}"))
               for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_")]
    loaders += [(point.value, point.load) for point in entry_points(group="ecobelt.commands")]
    modules = []
    for name, load in loaders:
        try:
            modules.append(load())
        except Exception as error:  # whatever an add-on raises while importing
            print(f"ecobelt: warning: the commands of {name} are unavailable: "
                  f"{type(error).__name__}: {first_line(error)}",
                  file=sys.stderr)
    return modules


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="ecobelt",
        description="Model the supply-chain ecosystem of an industrial belt that sells "
                    "through cross-border e-commerce.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _command_modules():
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (EcosystemError, OSError) as error:
        print(f"ecobelt {args.command}: error: {first_line(error, type(error).__name__)}",
              file=sys.stderr)
        return 2
