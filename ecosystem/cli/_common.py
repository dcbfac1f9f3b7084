"""Helpers shared by the subcommand modules."""

from __future__ import annotations

import argparse
import os
from importlib.metadata import entry_points

import pandas as pd

from .._errors import SpecError

__all__ = ["read_spec", "add_spec_argument", "print_table"]


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
