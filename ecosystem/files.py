"""Read and write ecosystems: YAML and JSON specs, a CSV pair, GraphML and GEXF.

The format comes from the file's extension (or ``format=``):

=========  ===================  ==========================================================
format     extensions           what it carries
=========  ===================  ==========================================================
yaml       ``.yaml``, ``.yml``  everything: the spec format below
json       ``.json``            everything: the same spec as JSON
csv        ``.csv``             everything: a pair of files (see below)
graphml    ``.graphml``         everything, for networkx, yEd, Gephi, Cytoscape
gexf       ``.gexf``            everything, plus node positions for Gephi
parquet    ``.parquet``         everything: a pair of typed, compressed column files
=========  ===================  ==========================================================

"Everything" means the name, description and other graph attributes, the
custom roles, the members in their order with role, ring and attributes,
and the links with their attributes, so that ``load(p) == eco`` after
``eco.save(p)``. Attribute values may be ``str``, ``int``, ``float``,
``bool``, ``None``, lists and string-keyed dicts of these, nested. Saving
turns tuples into lists and numpy scalars and arrays into Python numbers and
lists. Every format keeps NaN, but in pandas tables NaN means "missing"
(:mod:`ecosystem.tables`), so ``from_pandas(*eco.to_pandas())`` drops a NaN
attribute. JSON files hold NaN and infinity as ``NaN`` and ``Infinity``, as
Python's :mod:`json` (and JavaScript) writes them.

The spec (YAML or JSON)
-----------------------
The JSON Schema :data:`SCHEMA_PATH` (``ecosystem/ecobelt.schema.json``)
describes it; point an editor at it for completion and checks (for YAML in
VS Code: a first line ``# yaml-language-server: $schema=<path>``)::

    ecobelt: 1                 # schema version (required)
    name: archetype
    description: free text
    attributes:                # other graph-level attributes (optional), such as
      units: {logistics: thousand pairs, capital: thousand CNY}   # each flow's unit
    roles: {broker: sub_core}  # roles of your own, with their ring (optional)
    members:                   # ring is optional: the role's ring by default
      - {id: m1, role: manufacturer, ring: core, name: "Yiwu Socks Co.", employees: 40}
    links:
      - {source: m1, target: p1, flow: logistics, volume: 10.0, lead_time: 2}

``id``, ``role`` and ``ring`` are reserved in members and ``source``,
``target`` and ``flow`` in links; every other key is an attribute. Rings
and flows are written in lower case (the loader also accepts other cases).
YAML dates such as ``2024-05-01`` are read as strings, and a key given twice
is an error. YAML is for files people edit; for ecosystems of many thousand
members JSON, the CSV pair and Parquet load many times faster.

A JSON spec laid out as ecobelt writes it (one member or link per line) is
read a block of rows at a time, each block turned into typed columns before
the next is parsed, so the whole text and all its parsed records are never in
memory at once; any other JSON file is parsed whole. A large YAML spec in that
layout is likewise turned into columns a chunk of rows at a time. With pyarrow
installed, the blocks of a large JSON file are parsed by pyarrow's JSON reader,
the CSV pair by its CSV reader, and the rows of large files are written through
its compute functions; the ecosystem read and the bytes written are the same
with or without it. A spec of less than half a mebibyte (:data:`SMALL_SPEC`
bytes) is read whole and checked and built a row at a time: at that size as
fast, the same ecosystem or the same error, and without importing pandas.

The CSV pair
------------
``save("belt.csv")`` writes ``belt.members.csv`` (columns ``id``, ``role``,
``ring`` and one per attribute), ``belt.links.csv`` (``source``, ``target``,
``flow`` and one per attribute) and the sidecar ``belt.meta.json``; ``load``
accepts ``belt.csv`` or either file of the pair, and also a pair named
``members.csv`` and ``links.csv`` (sidecar ``meta.json``). The two tables are
plain CSV that ``pandas.read_csv`` and spreadsheets read as they are: one
header row of attribute names, an empty cell for a missing attribute, and each
list, dict or ``null`` as JSON text in its cell. The sidecar holds the name,
description, graph attributes, custom roles and each attribute column's type,
one of ``str``, ``int``, ``float``, ``number`` (ints and floats: ``3`` is an
int, ``3.0`` a float), ``bool`` (``true``/``false``) and ``json`` (each cell a
JSON value: lists, dicts, ``null``, and columns whose values have several
other types), so that reading the pair back restores the exact values.

A hand-made pair (from a spreadsheet) needs no sidecar: a column without a
type gets one from its cells (``int`` if every filled cell is a whole number,
else ``float`` if every one is a number, else ``bool`` if every cell is true or
false, else ``str``; a number here is written as a spreadsheet writes one, so a
column holding the zip code ``007`` or the phone number ``+8613800000000``
stays text),
a header may carry a type itself (``employees:int``), custom roles can be
declared in a first line of the members file
(``# ecobelt: {"roles": {"broker": "sub_core"}}``, as files written before the
sidecar had), and errors name the row as a spreadsheet numbers it. Files are
UTF-8 (a byte-order mark is fine), comma-separated.

The CSV pair that ecobelt wrote (with its sidecar) is read a column at a time
by ``pandas.read_csv``; a pair edited by hand in ways that reader cannot
vouch for (a header typed in place, a ``+40`` in an int column, a NaN) is read
row by row, so every file reads to the same values either way.

The Parquet pair
----------------
``save("belt.parquet")`` writes ``belt.members.parquet`` and
``belt.links.parquet`` (``load`` accepts either name too): the same two
tables as the CSV pair, but each attribute a typed column (text, 64-bit
integer, double, boolean; lists, dicts, None, a column mixing ints and floats
and integers beyond 64 bits as JSON text), a missing attribute as null, NaN
as NaN, and the name, description, graph attributes, custom roles and column
types in the members file's metadata. It is the format for large belts: the
smallest files, read and written a column at a time with about the ecosystem's
own memory at peak (``benchmarks/RESULTS.md`` has the measured figures). It needs pyarrow (``pip install ecobelt[parquet]``).

GraphML and GEXF
----------------
An attribute whose values are all ``str``, all ``int``, all ``float`` or
all ``bool`` is written as a typed GraphML/GEXF attribute that any tool
reads. Any other attribute (lists, dicts, ``None``, or values of several
types across members, which networkx would split into two keys) is written
as JSON text, and the graph's ``ecobelt`` attribute (GraphML) or the
``<meta><description>`` (GEXF) records which attributes are encoded, the
custom roles and, for GEXF, the graph attributes, so reading the file back
restores the exact values. Each link is an edge with a unique id and a
``flow`` attribute. Attribute names the formats use themselves (``label``,
``weight``, ``id``, ...) or that start with ``ecobelt`` are stored as
``ecobelt.<name>``. Member ids and string values may not contain characters
XML cannot hold (control characters other than tab and newline); saving
such an id is an error, such a value is JSON-encoded.

GEXF adds what Gephi shows: each node's label is its ``label`` or ``name``
attribute (or its id), members with numeric ``x`` and ``y`` (and optionally
``z``) attributes, or a ``pos`` pair such as networkx's layouts return, get
those as their position, a ``color`` such as ``#e66414`` and a numeric
``size`` become the node's colour and size, a link's ``volume`` is also its
edge weight, and links that all have distinct ``id`` attributes keep them as
edge ids (GraphML too).

Files from other tools
----------------------
GraphML and GEXF files from other tools load when their nodes have a
``role`` attribute (and their edges a ``flow`` attribute, a ``flow`` key with
a default, or a flow as edge key), and keep what the tool showed: from Gephi
(GEXF 1.1 to 1.3) each node's ``label``, position (``x``, ``y``, ``z``),
``color``, ``size`` and ``shape``, each edge's ``id``, ``label`` and
``weight``, and the meta's ``creator``, ``keywords`` and ``description``; from
GraphML (yEd included) the keys' ``<default>`` values where a node or edge
has none, the edge ids and yEd's ``label``, ``x`` and ``y``. All of these are
attributes like any other, so saving writes them back. Two nodes (or two
edges) with the same id are an error, not a merge.

Reading and writing safely
--------------------------
Every file is written to a temporary file in the same folder and renamed
over the target only when complete, so a failure half-way (a value the
format cannot hold, a full disk, Ctrl-C) leaves the previous file as it was;
the CSV pair and its sidecar are all written before any is replaced. YAML,
JSON and the CSV pair are written from the ecosystem's columns (without
building ``eco.graph``) and stream to disk a block of rows at a time. Reading refuses what could
exhaust memory or makes no sense as data, in one line naming the place:
YAML aliases (``*name``), tags for values JSON cannot hold (``!!set``,
``!!binary``, ``!!timestamp``, custom tags), integers beyond the range of
floating-point numbers (about 1.8e308) and nesting deeper than 100 levels.

Examples
--------
>>> import os, tempfile
>>> from ecosystem import Ecosystem
>>> eco = Ecosystem("toy", roles={"broker": "sub_core"})
>>> eco.add_member("m1", "manufacturer", employees=40, tags=["socks", "hosiery"])
>>> eco.add_member("b1", "broker", name="Ningbo Trade Agency")
>>> eco.link("b1", "m1", "information", volume=3.0)
>>> folder = tempfile.mkdtemp()
>>> for extension in ("yaml", "json", "csv", "graphml", "gexf"):
...     path = os.path.join(folder, f"toy.{extension}")
...     eco.save(path)
...     assert load(path) == eco, extension
>>> sorted(os.listdir(folder))  # doctest: +NORMALIZE_WHITESPACE
['toy.gexf', 'toy.graphml', 'toy.json', 'toy.links.csv', 'toy.members.csv', 'toy.meta.json', 'toy.yaml']
"""  # noqa: E501

from __future__ import annotations

import os
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from ._atomic import atomic_open
from ._errors import SpecError

if TYPE_CHECKING:
    from .graph import Ecosystem

__all__ = ["load", "save", "FORMATS", "format_of", "written_paths", "SCHEMA_PATH"]

#: The JSON Schema of YAML and JSON spec files (draft 2020-12).
SCHEMA_PATH = Path(__file__).with_name("ecobelt.schema.json")
#: File extensions and the format each means.
FORMATS = {"yaml": "yaml", "yml": "yaml", "json": "json", "csv": "csv",
           "graphml": "graphml", "gexf": "gexf", "parquet": "parquet"}
#: Bytes below which a YAML or JSON spec is checked and built a row at a time in plain
#: Python: at this size as fast as the column readers, which need pandas, whose import
#: would be most of the time of a command such as ``ecobelt validate``.
SMALL_SPEC = 1 << 19


def format_of(path: str | os.PathLike, format: str | None = None) -> str:
    """The format ``format`` names, or that the extension of ``path`` implies."""
    if format is not None:
        name = str(format).lower().lstrip(".")
        if name not in FORMATS:
            raise SpecError("unknown format; use one of: " + ", ".join(FORMATS), value=format)
        return FORMATS[name]
    extension = Path(path).suffix.lower().lstrip(".")
    if extension not in FORMATS:
        raise SpecError("cannot tell the format from the extension; use one of: "
                        + ", ".join(f".{e}" for e in FORMATS) + " (or pass format=)",
                        file=str(path))
    return FORMATS[extension]


def written_paths(path: str | os.PathLike, format: str | None = None) -> list[Path]:
    """Every file :func:`save` writes for ``path``: one, or a pair (and a sidecar).

    Examples
    --------
    >>> [p.name for p in written_paths("belt.parquet")]
    ['belt.members.parquet', 'belt.links.parquet']
    >>> [p.name for p in written_paths("belt.json")]
    ['belt.json']
    """
    kind = format_of(path, format)
    if kind == "csv":
        from ._csv import csv_paths
        return list(csv_paths(os.fspath(path)))
    if kind == "parquet":
        from ._columnar import parquet_paths
        return list(parquet_paths(os.fspath(path)))
    return [Path(path)]


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    except UnicodeDecodeError as error:
        raise SpecError(f"not UTF-8 text (byte {error.start})", file=path) from None


def _smaller_than(path: str, size: int) -> bool:
    """Whether ``path`` is a file of fewer than ``size`` bytes (False when it cannot be
    asked: then opening it reports why)."""
    try:
        return os.stat(path).st_size < size
    except (OSError, ValueError):
        return False


def load(path: str | os.PathLike, format: str | None = None) -> "Ecosystem":
    """Read an ecosystem from a file (the format from the extension unless given).

    Raises
    ------
    SpecError
        The file cannot be read as an ecosystem; the message names the file,
        the place (``links[12].flow``, ``line 3, column 7``, ``row 5``), the
        bad value and what is allowed.
    OSError
        The file cannot be opened.
    """
    kind = format_of(path, format)
    path = os.fspath(path)
    if kind in ("yaml", "json"):
        from . import _spec
        small = _smaller_than(path, SMALL_SPEC)  # read whole and built without pandas
        if kind == "json" and not small:  # the layout ecobelt writes: a block of rows at a time
            from ._stream import read_json_blocks
            eco = read_json_blocks(path)
            if eco is not None:
                return eco
        text = _read_text(path)
        if kind == "yaml" and not small and len(text) > 1 << 16:  # ecobelt's rows, by chunks
            from ._stream import read_yaml_rows
            eco = read_yaml_rows(text)
            if eco is not None:
                return eco
        data = _spec.read_yaml(text, path) if kind == "yaml" else _spec.read_json(text, path)
        del text  # the parsed records and the columns are enough to hold at once
        if data is None:
            raise SpecError(f"the file is empty; a spec starts with `ecobelt: "
                            f"{_spec.SPEC_VERSION}`", file=path)
        if small:
            return _spec.from_spec(data, path)
        from ._columnar import from_spec_fast
        eco = from_spec_fast(data)  # None: anything to report goes through the exact path
        return eco if eco is not None else _spec.from_spec(data, path)
    if kind == "csv":
        from ._csv import read_csv_pair
        return read_csv_pair(path)
    if kind == "parquet":
        from ._columnar import read_parquet_pair
        return read_parquet_pair(path)
    from ._graphml import read_gexf, read_graphml
    return read_graphml(path) if kind == "graphml" else read_gexf(path)


def save(eco: "Ecosystem", path: str | os.PathLike, format: str | None = None) -> None:
    """Write ``eco`` to a file (the format from the extension unless given).

    A ``.csv`` path writes the pair ``<stem>.members.csv`` and
    ``<stem>.links.csv`` and their sidecar ``<stem>.meta.json`` next to it. See the module docstring for what each
    format carries.
    """  # noqa: E501
    kind = format_of(path, format)
    path = os.fspath(path)
    if kind in ("yaml", "json"):
        from . import _spec
        chunks = (_spec.iter_yaml if kind == "yaml" else _spec.iter_json)(
            *_spec.spec_parts(eco), path, encoded=True)
        # bytes: the same file on every platform ("\n" line ends), and no second encoding;
        # closing the chunks on a failed write stops the threads that make them
        with closing(chunks), atomic_open(path, "wb") as handle:
            handle.writelines(chunks)
    elif kind == "csv":
        from ._csv import write_csv_pair
        write_csv_pair(eco, path)
    elif kind == "parquet":
        from ._columnar import write_parquet_pair
        write_parquet_pair(eco, path)
    else:
        from ._graphml import write_gexf, write_graphml
        (write_graphml if kind == "graphml" else write_gexf)(eco, path)
