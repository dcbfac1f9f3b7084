"""Helpers shared by the subcommand modules."""

from __future__ import annotations

import argparse
import os
from importlib.metadata import entry_points

import pandas as pd

from .._errors import SpecError

__all__ = ["read_spec", "add_spec_argument", "print_table", "split_list", "read_csv",
           "first_line"]


def add_spec_argument(parser: argparse.ArgumentParser) -> None:
    """Add the positional SPEC argument (a spec file or a bundled example's name)."""
    parser.add_argument("spec", metavar="SPEC",
                        help="a spec file (yaml, json, csv, graphml) or the name of a bundled "
                             "example (see `ecobelt examples`)")


def resolve_spec(spec: str) -> str:
    """The path a SPEC argument names: the file itself, or a bundled example's file."""
    if os.path.exists(spec):
        return spec
    for point in entry_points(group="ecobelt.examples"):
        path = point.load()(spec)
        if path is not None:
            return str(path)
    raise SpecError(f"no file {spec!r} and no bundled example of that name "
                    "(`ecobelt examples` lists them)")


def read_spec(spec: str):
    """Load the ecosystem a SPEC argument names."""
    from ..files import load
    return load(resolve_spec(spec))


def print_table(frame: pd.DataFrame, float_format: str = "{:.4g}") -> None:
    """Print a DataFrame whole, with compact numbers."""
    with pd.option_context("display.max_rows", None, "display.max_columns", None,
                           "display.width", 200, "display.float_format", float_format.format):
        print(frame.to_string())


def split_list(text: str, sep: str = ",") -> list[str]:
    """The items of an option such as ``--flows a,b``: stripped, empty ones left out."""
    return [item.strip() for item in text.split(sep) if item.strip()]


def read_csv(path: str, **options) -> pd.DataFrame:
    """:func:`pandas.read_csv`, with a file it cannot parse as a :class:`SpecError` naming it."""
    try:
        return pd.read_csv(path, **options)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise SpecError(f"cannot read as CSV: {error}", file=path) from error


def first_line(error: BaseException, default: str = "") -> str:
    """The first line of an error's message (``default`` when it has none), for one-line
    reports."""
    text = str(error)
    return text.splitlines()[0] if text else default
