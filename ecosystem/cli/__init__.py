"""The ``ecobelt`` command line (also ``python -m ecosystem``).

Each subcommand is one small module: a module of this package whose name does
not start with ``_``, or a module named by an ``ecobelt.commands`` entry point
(how ``networks`` and ``viz`` add theirs without ``ecosystem`` importing them).
The module defines ``register(subparsers)``, which adds its parser(s) and sets
``func``: a function of the parsed arguments returning the exit status.
Add-ons read their SPEC argument with :func:`add_spec_argument` and
:func:`read_spec`, as the built-in commands do, and use the same option names
and messages. A command module imports its analysis inside the function that
runs it, never at the top: ``ecobelt --help`` imports every command module, and
a test checks that this loads neither numpy, pandas nor networkx.

Errors raised on purpose (:class:`ecosystem.EcosystemError`), unreadable
files and the command line's own usage errors print one line on stderr and
exit with status 2. Every command accepts ``--force``: without it, a command
refuses to write over an existing file or into an existing folder. Output cut
short by a closed pipe (``ecobelt info belt.yaml | head -3``) ends quietly.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import pkgutil
import sys
import warnings
from types import EllipsisType, ModuleType
from typing import Callable, Sequence

from .._errors import EcosystemError
from ._common import add_spec_argument, check_outputs, first_line, read_spec

__all__ = ["main", "build_parser", "add_spec_argument", "read_spec"]


def entry_points(group: str):
    """:func:`importlib.metadata.entry_points` of ``group``, imported when first needed."""
    from importlib.metadata import entry_points as installed

    return installed(group=group)


def _load(name: str, load: Callable[[], ModuleType]) -> ModuleType | None:
    """A subcommand module; one that cannot be imported is left out with a one-line
    warning, so that a broken add-on does not take the other commands down with it."""
    try:
        return load()
    except Exception as error:  # whatever an add-on raises while importing
        print(f"ecobelt: warning: the commands of {name} are unavailable: "
              f"{type(error).__name__}: {first_line(error)}", file=sys.stderr)
        return None


def _register_all(subparsers: _OnlyOne) -> None:
    """Register the built-in commands, then the add-ons' (``ecobelt.commands`` entry points),
    unless the one command wanted is built in: reading every installed package's entry
    points is most of the start time left."""
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            module = _load(info.name, functools.partial(importlib.import_module,
                                                        f"{__name__}.{info.name}"))
            if module is not None:
                module.register(subparsers)
    if subparsers.found:
        return

    for point in entry_points(group="ecobelt.commands"):
        module = _load(point.value, point.load)
        if module is not None:
            module.register(subparsers)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line and a pointer to ``--help``.

    Subcommand parsers are of the same class (argparse makes them so).
    """

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {first_line(message)} "
                     f"(see `{self.prog} --help`)\n")


def _add_force(parser: argparse.ArgumentParser) -> None:
    """``--force`` on every command that has no subcommands of its own."""
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for action in actions:
        for child in dict.fromkeys(action.choices.values()):  # aliases share a parser
            _add_force(child)
    if not actions and "--force" not in parser._option_string_actions:
        parser.add_argument("--force", action="store_true",
                            help="write over existing output files and into existing folders")


class _Stub:
    """Stands for a parser that is not needed in this run: takes every call, does nothing."""

    def __getattr__(self, name: str):
        return lambda *args, **kwargs: self

    def __iter__(self):
        return iter(())


class _OnlyOne:
    """The ``subparsers`` handed to ``register``: builds the full parser of one command
    (``wanted``; every command when it is ``...``) and only lists the others with their
    help, so that a run pays for one command's options, not for all of them."""

    def __init__(self, subparsers, wanted: str | None | EllipsisType):
        self.subparsers, self.wanted = subparsers, wanted
        self.found = False  # the wanted command is registered

    def add_parser(self, name: str, **options):
        if self.wanted is ... or name == self.wanted:
            self.found = self.wanted is not ...
            return self.subparsers.add_parser(name, **options)
        self.subparsers.add_parser(name, help=options.get("help"), add_help=False)
        return _Stub()


def build_parser(command: str | None | EllipsisType = ...) -> argparse.ArgumentParser:
    """The parser with every subcommand listed; ``command`` (default: every one) gets its
    options, the others only their name and help (``None``: none gets its options, as
    for ``ecobelt --help``)."""
    from .. import __version__

    parser = _Parser(
        prog="ecobelt",
        description="Model the supply-chain ecosystem of an industrial belt that sells "
                    "through cross-border e-commerce. Every command takes the spec first "
                    "(a file or a bundled example's name), lists as comma-separated values "
                    "and -o FILE to write its result.")
    parser.add_argument("--version", action="version", version=f"ecobelt {__version__}",
                        help="print the version and exit")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _register_all(_OnlyOne(subparsers, command))
    for child in dict.fromkeys(subparsers.choices.values()):
        _add_force(child)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand a command line names: its first word that is not an option."""
    return next((word for word in argv if not word.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    argv = sys.argv[1:] if argv is None else [str(word) for word in argv]
    parser = build_parser(_command_of(argv))
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _one_line_warning(args.command)
            check_outputs(args)
            status = int(args.func(args) or 0)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except (EcosystemError, OSError) as error:
        print(f"ecobelt {args.command}: error: {first_line(error, type(error).__name__)}",
              file=sys.stderr)
        return 2
    except MemoryError as error:  # an allocation no check foresaw: still one line
        print(f"ecobelt {args.command}: error: out of memory"
              + (f" ({first_line(error)})" if str(error) else "")
              + "; try a smaller problem", file=sys.stderr)
        return 2


def _one_line_warning(command: str):
    """Warnings as one line on stderr, like errors (not Python's file and line)."""
    def show(message, category, filename, lineno, file=None, line=None) -> None:
        print(f"ecobelt {command}: warning: {first_line(message)}", file=sys.stderr)
    return show


def _silence_stdout() -> None:
    """Point stdout at the null device, so the interpreter's last flush of a closed pipe
    (a reader such as ``head`` that stopped early) prints nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout replaced by something without a fd
        pass
