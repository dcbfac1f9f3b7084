"""Helpers shared by the subcommand modules, and the grammar every command follows.

* the spec comes first and is positional: :func:`add_spec_argument`;
* a command that writes takes ``-o/--output FILE``, and an analysis writes its
  table as CSV or JSON by the extension: :func:`add_table_output`,
  :func:`write_table`; every output is checked before the work starts
  (:func:`check_outputs`: an existing file needs ``--force``);
* a list is one comma-separated value (``--flows a,b``); an option that may be
  repeated also takes commas (``--flow a,b --flow c``): :class:`CommaList`;
* every option has a help text (a test checks it);
* nothing heavy is imported here or at the top of a command's module, so that
  ``ecobelt --help`` and each command start without numpy, pandas or networkx.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from .._atomic import atomic_open, atomic_path
from .._errors import ParameterError, SpecError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["read_spec", "add_spec_argument", "print_table", "split_list", "read_csv",
           "first_line", "add_output_argument", "check_outputs", "check_output",
           "check_figure_path", "write_frame", "save_figure", "add_table_output", "write_table",
           "TABLE_FORMATS", "CommaList", "hidden_alias", "addon_figure"]

#: What an output argument names: one file, a chart (its extension a matplotlib
#: format), a folder to write into, a spec file (a ``.csv`` one names a pair), a table
#: (CSV or JSON by the extension) or a JSON document.
OUTPUT_KINDS = ("file", "figure", "folder", "spec", "table", "json")
#: The formats :func:`write_table` writes, by extension.
TABLE_FORMATS = (".csv", ".json")


def add_spec_argument(parser: argparse.ArgumentParser) -> None:
    """Add the positional SPEC argument (a spec file or a bundled example's name)."""
    parser.add_argument("spec", metavar="SPEC",
                        help="a spec file (yaml, json, csv, graphml) or the name of a bundled "
                             "example (see `ecobelt examples`)")


def resolve_spec(spec: str) -> str:
    """The path a SPEC argument names: the file itself, or a bundled example's file."""
    if os.path.exists(spec):
        return spec
    from ..files import FORMATS, written_paths
    if os.path.splitext(spec)[1].lower().lstrip(".") in FORMATS and \
            os.path.exists(written_paths(spec)[0]):  # belt.csv or belt.parquet: a pair
        return spec
    from importlib.metadata import entry_points

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
    import pandas as pd

    with pd.option_context("display.max_rows", None, "display.max_columns", None,
                           "display.width", 200, "display.float_format", float_format.format):
        print(frame.to_string())


def split_list(text: str, sep: str = ",") -> list[str]:
    """The items of an option such as ``--flows a,b``: stripped, empty ones left out."""
    return [item.strip() for item in text.split(sep) if item.strip()]


def read_csv(path: str, **options) -> pd.DataFrame:
    """:func:`pandas.read_csv`, with a file it cannot parse as a :class:`SpecError` naming it."""
    import pandas as pd

    try:
        return pd.read_csv(path, **options)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise SpecError(f"cannot read as CSV: {error}", file=path) from error


def first_line(error: BaseException | str, default: str = "") -> str:
    """The first line of an error's message (or of a message; ``default`` when it has none),
    for one-line reports."""
    text = str(error)
    return text.splitlines()[0] if text else default


def add_output_argument(parser: argparse.ArgumentParser, *flags: str, kind: str = "file",
                        **options) -> argparse.Action:
    """``parser.add_argument(*flags, **options)`` for an option naming a file or folder the
    command writes; :func:`ecosystem.cli.main` checks it (:func:`check_outputs`) before the
    command runs, so an existing target is refused (unless ``--force``) before any work."""
    if kind not in OUTPUT_KINDS:
        raise ValueError(f"kind must be one of {OUTPUT_KINDS}, got {kind!r}")
    action = parser.add_argument(*flags, **options)
    parser.set_defaults(_outputs=[*(parser.get_default("_outputs") or ()), (action.dest, kind)])
    return action


def check_outputs(args: argparse.Namespace) -> None:
    """Check every output argument of the parsed ``args`` (see :func:`add_output_argument`)."""
    for dest, kind in getattr(args, "_outputs", None) or ():
        value = getattr(args, dest, None)
        if not value:
            continue
        if kind in ("table", "json"):
            formats = TABLE_FORMATS if kind == "table" else (".json",)
            if os.path.splitext(str(value))[1].lower() not in formats:
                raise ParameterError(f"-o {value}: the extension says which format to write; "
                                     "use " + " or ".join(formats))
        if kind == "figure":
            check_figure_path(value, args)
        elif kind == "spec":  # a CSV or Parquet spec is a pair of tables (and a sidecar)
            from ..files import FORMATS, written_paths
            name = getattr(args, "format", None) or os.path.splitext(str(value))[1]
            known = str(name).lower().lstrip(".") in FORMATS
            for path in written_paths(value, name) if known else [value]:
                check_output(path, args)
        else:
            check_output(value, args, folder=kind == "folder")


def check_output(path: str | os.PathLike, force: bool | argparse.Namespace = False, *,
                 folder: bool = False) -> str:
    """``path`` if a command may write it: refuse an existing file (or, with ``folder``, an
    existing non-empty folder) unless ``force``; call it before any work or file is opened.

    ``force`` may also be the parsed arguments (their ``force`` is used). The
    error names the path and the option, and says what is there.
    """
    if not isinstance(force, bool):
        force = bool(getattr(force, "force", False))
    path = os.fspath(path)
    if folder:
        if os.path.isdir(path):
            if os.listdir(path) and not force:
                raise ParameterError(f"the folder {path} exists and is not empty; files in it "
                                     "may be replaced: pass --force to write there anyway")
        elif os.path.exists(path):
            raise ParameterError(f"{path} is a file, not a folder; give a folder to write into")
        return path
    if os.path.isdir(path):
        raise ParameterError(f"{path} is a folder; give a file name to write")
    if os.path.exists(path) and not force:
        raise ParameterError(f"{path} exists; pass --force to replace it")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise ParameterError(f"cannot write {path}: no folder {parent}")
    return path


def write_frame(frame: pd.DataFrame, path: str | os.PathLike, force=False, **options) -> None:
    """``frame.to_csv(path, **options)`` written whole or not at all, refusing to replace an
    existing file unless ``force`` (a bool or the parsed arguments)."""
    check_output(path, force)
    with atomic_open(path, "w", encoding="utf-8", newline="") as handle:
        frame.to_csv(handle, **options)


def check_figure_path(path: str | os.PathLike, force=False) -> str:
    """:func:`check_output` for a chart, and its extension one matplotlib can write
    (``.png``, ``.svg``, ``.pdf``, ...): call it before the work that the chart shows."""
    from matplotlib.backend_bases import FigureCanvasBase
    check_output(path, force)
    extension = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    formats = FigureCanvasBase.get_supported_filetypes()
    if extension not in formats:
        raise ParameterError(f"cannot save a chart as {path}: the extension must be one of "
                             + ", ".join(f".{e}" for e in sorted(formats)))
    return os.fspath(path)


def addon_figure(name: str, option: str):
    """The figure function ``name`` that an add-on offers the built-in commands.

    ``ecosystem`` draws no figure itself: an add-on's command module (an
    ``ecobelt.commands`` entry point, such as ``viz``'s) names the figures it
    draws in a ``FIGURES`` mapping, ``name -> "module:function"``. Call this
    before the work the figure shows, so that a missing add-on fails first.
    """
    import importlib

    from . import entry_points

    for point in entry_points(group="ecobelt.commands"):
        target = getattr(point.load(), "FIGURES", {}).get(name)
        if target is not None:
            module, _, function = target.partition(":")
            return getattr(importlib.import_module(module), function)
    raise ParameterError(f"{option} needs the {name} figure, which no installed add-on draws; "
                         "install ecobelt with its viz package, or leave out " + option)


def save_figure(figure, path: str | os.PathLike, force=False, **options) -> None:
    """``figure.savefig(path, **options)`` written whole or not at all (see :func:`write_frame`)."""
    check_figure_path(path, force)
    with atomic_path(path) as temporary:
        figure.savefig(temporary, **options)


def add_table_output(parser: argparse.ArgumentParser, what: str = "the result table",
                     kind: str = "table") -> None:
    """Add ``-o/--output FILE``: where to write ``what``, CSV or JSON by the extension
    (``kind="json"``: JSON only)."""
    names = "CSV or JSON, by the extension" if kind == "table" else "JSON"
    add_output_argument(parser, "-o", "--output", kind=kind, metavar="FILE",
                        help=f"write {what} to FILE ({names})")


def write_table(frame: pd.DataFrame, path: str) -> None:
    """Write ``frame`` as CSV (with its index) or JSON (a list of records, index included)
    by the extension of ``path``, whole or not at all, and say where it went. The path
    was checked before the run (:func:`check_outputs`).

    Lists and dicts in cells are written as JSON text in CSV, so that
    ``pandas.read_csv`` reads the file without options.
    """
    import json

    if str(path).lower().endswith(".json"):
        text = frame.reset_index().to_json(orient="records", indent=1, force_ascii=False)
        with atomic_open(path, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    else:
        def cell(value):
            return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, tuple, dict)) \
                else value
        objects = [c for c in frame.columns if frame[c].dtype == object]
        plain = frame.assign(**{c: frame[c].map(cell) for c in objects}) if objects else frame
        write_frame(plain, path, force=True)
    print(f"wrote {path}")


class CommaList(argparse.Action):
    """A list option: comma-separated items, and repeating the option adds more
    (``--flow a,b --flow c`` is ``[a, b, c]``)."""

    def __call__(self, parser, namespace, values, option_string=None):
        items = split_list(values)
        if not items:
            raise argparse.ArgumentError(self, f"an empty list {values!r}")
        current = getattr(namespace, self.dest, None)
        setattr(namespace, self.dest, (list(current) if current else []) + items)


def hidden_alias(parser: argparse.ArgumentParser, old: str, new: str, **options) -> None:
    """Accept ``old`` (an earlier spelling) as ``new`` without showing it in the help."""
    dest = new.lstrip("-").replace("-", "_")
    parser.add_argument(old, dest=options.pop("dest", dest), help=argparse.SUPPRESS, **options)
