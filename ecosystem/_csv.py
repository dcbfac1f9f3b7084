"""The CSV pair: ``<stem>.members.csv`` and ``<stem>.links.csv``, with the sidecar
``<stem>.meta.json`` (see :mod:`ecosystem.files`).

The two tables are plain CSV (one header row of plain names, JSON in list-valued
cells) so that ``pandas.read_csv`` or a spreadsheet reads them as they are; what
plain CSV cannot say (column types, the name, description, graph attributes and
custom roles) goes to the sidecar. Files written before the sidecar (a
``# ecobelt: {...}`` first line and typed headers such as ``employees:int``)
are still read.

The writer writes a column-backed ecosystem a chunk of rows at a time; with
pyarrow installed its compute functions spell the numbers and join the cells
(the bytes Python's csv module writes, which a test checks).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from . import _arrow
from ._atomic import atomic_paths
from ._errors import SpecError
from ._spec import _SURROGATE, SPEC_VERSION, _escape, build, plain
from .graph import Ecosystem
from .taxonomy import LINK_FIELDS, MEMBER_FIELDS

__all__ = ["pair_paths", "meta_path", "csv_paths", "read_csv_pair", "write_csv_pair",
           "COLUMN_TYPES"]

#: The types an attribute header can carry (``employees:int``).
COLUMN_TYPES = ("str", "int", "float", "number", "bool", "json")
_RESERVED = {"members": MEMBER_FIELDS, "links": LINK_FIELDS}
_META_PREFIX = "# ecobelt:"
_INT = re.compile(r"[+-]?\d+")


def pair_paths(path: str | Path) -> tuple[Path, Path]:
    """The members and links files a ``.csv`` path names.

    ``belt.csv``, ``belt.members.csv`` and ``belt.links.csv`` all name the pair
    ``belt.members.csv`` + ``belt.links.csv``; ``members.csv`` and ``links.csv``
    name each other.
    """
    path = Path(path)
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    if stem in ("members", "links"):
        return path.with_name("members.csv"), path.with_name("links.csv")
    for table in (".members", ".links"):
        if stem.endswith(table):
            stem = stem[: -len(table)]
            break
    return path.with_name(f"{stem}.members.csv"), path.with_name(f"{stem}.links.csv")


def meta_path(path: str | Path) -> Path:
    """The sidecar of the pair a ``.csv`` path names: ``<stem>.meta.json`` (``meta.json``
    beside ``members.csv`` and ``links.csv``).

    Examples
    --------
    >>> meta_path("out/belt.csv").as_posix(), meta_path("links.csv").as_posix()
    ('out/belt.meta.json', 'meta.json')
    """
    members = pair_paths(path)[0]
    stem = members.name[: -len(".csv")]
    stem = stem[: -len("members")] if stem.endswith("members") else stem
    return members.with_name(f"{stem}meta.json")


def csv_paths(path: str | Path) -> tuple[Path, Path, Path]:
    """Every file :func:`write_csv_pair` writes for ``path``: members, links, sidecar."""
    return (*pair_paths(path), meta_path(path))


# ------------------------------------------------------------------ writing
def _column_type(values: list[Any]) -> str:
    kinds = {type(v) for v in values}
    if len(kinds) == 1:
        kind = kinds.pop()
        if kind is str and all(values):  # an empty string would read back as missing
            return "str"
        if kind in (int, float, bool):
            return kind.__name__
    if kinds == {int, float}:  # "3" and "3.0" tell an int from a float
        return "number"
    return "json"


def _encoder(kind: str) -> Callable[[Any], str]:
    encoders: dict[str, Callable[[Any], str]] = {
        "str": str, "int": str, "float": repr, "number": repr,
        "bool": lambda v: "true" if v else "false",
        "json": lambda v: json.dumps(v, ensure_ascii=False)}
    return encoders[kind]


def _write_table(path: Path, reserved: tuple[str, ...],
                 rows: list[tuple[list, dict]], file: Path) -> dict[str, str]:
    """Write one table with a plain header to ``path`` (standing in for ``file``); return its
    attribute columns' types."""
    names = list(dict.fromkeys(k for _, attrs in rows for k in attrs))
    kinds: dict[str, str] = {}
    encoders = []
    for name in names:  # a column's type needs every cell of it, before any row is written
        kinds[name] = _column_type([attrs[name] for _, attrs in rows if name in attrs])
        encoders.append(_encoder(kinds[name]))
    header = list(reserved) + names
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)  # \r\n rows, so a lone \r in a cell gets quoted
        writer.writerow(header)
        try:
            writer.writerows(
                fixed + [encode(attrs[name]) if name in attrs else ""
                         for name, encode in zip(names, encoders)]
                for fixed, attrs in rows)
        except (TypeError, ValueError) as error:
            raise SpecError(f"a value cannot be written to CSV: {error}", file=str(file)) from None
    return kinds


# Rows written at once by the column writer: a chunk's cells are a small part of the ecosystem.
_CHUNK = 1 << 16


def _cells(values: np.ndarray, present: np.ndarray | None, kind: str) -> list[str]:
    """The cells of one column ("" where a row has no value), as :func:`_encoder` makes them."""
    if values.dtype.kind == "f":
        texts = list(map(float.__repr__, values.tolist()))
    elif values.dtype.kind == "i":
        texts = list(map(int.__repr__, values.tolist()))
    elif values.dtype.kind == "b":
        texts = np.where(values, "true", "false").tolist()
    else:
        encode = _encoder(kind)
        items = values.tolist()
        if present is None:
            return [encode(plain(v)) for v in items]
        return [encode(plain(v)) if has else "" for v, has in zip(items, present.tolist())]
    if present is not None:
        return [text if has else "" for text, has in zip(texts, present.tolist())]
    return texts


class _NotArrow(Exception):
    """A chunk the csv module writes (a value pyarrow cannot hold, such as a lone surrogate)."""


def _pa_strings(arrow: Any, values: list | np.ndarray) -> Any:
    """A list or array of str as a pyarrow string array (anything else: :class:`_NotArrow`)."""
    try:
        return arrow.pa.array(values, arrow.pa.string())
    except (arrow.pa.ArrowException, ValueError, TypeError):
        raise _NotArrow from None


def _arrow_cells(arrow: Any, texts: Any) -> Any:
    """CSV cells of a pyarrow string array: quoted by the csv module where a cell needs it."""
    needs = arrow.pc.match_substring_regex(texts, '[,"\r\n]')
    if not arrow.pc.any(needs).as_py():
        return texts
    where = needs.to_numpy(zero_copy_only=False)
    quoted = []
    for text in arrow.pc.filter(texts, needs).to_pylist():
        line = io.StringIO()
        csv.writer(line).writerow([text])
        quoted.append(line.getvalue()[:-2])  # the cell as the csv module writes it
    return arrow.pc.replace_with_mask(texts, arrow.pa.array(where), arrow.pa.array(quoted))


def _arrow_chunk(arrow: Any, fixed_texts: list, fixed: Sequence[tuple[np.ndarray, Any]],
                 table: list[tuple[str, Any, str]], rows: np.ndarray | None, start: int,
                 stop: int) -> bytes | None:
    """The bytes of the rows ``start:stop`` made by pyarrow, or None where the csv module must
    write them (a value pyarrow cannot hold)."""
    pa, pc = arrow.pa, arrow.pc
    cells = []
    for texts, (_, positions) in zip(fixed_texts, fixed):
        cells.append(texts.slice(start, stop - start) if positions is None else
                     texts.take(pa.array(positions[start:stop])))
    index = slice(start, stop) if rows is None else rows[start:stop]
    for _, column, kind in table:
        values = column.values[index]
        present = None if column.present is None else column.present[index]
        try:
            if values.dtype.kind in "fib":
                texts = _arrow.number_texts(arrow, values, lambda v: list(map(repr, v.tolist())))
            else:
                texts = _arrow_cells(arrow, _pa_strings(arrow, _cells(values, present, kind)))
        except (TypeError, ValueError, _NotArrow):
            return None
        cells.append(texts if present is None else pc.if_else(pa.array(present), texts, ""))
    parts = [part for cell in cells for part in (",", cell)][1:] + ["\r\n"]
    try:
        lines = pc.binary_join_element_wise(*parts, "")
    except pa.ArrowException:  # beyond a string array's 2 GiB
        return None
    return _arrow.text_of(arrow, lines)


def _column_table(columns: dict[Any, Any], rows: np.ndarray | None
                  ) -> list[tuple[str, Any, str]] | None:
    """``(name, column, type)`` of each attribute column of one table in the order the
    record writer names them (the order of first appearance over the rows), or None to
    leave the table to the record writer (a name that is not a string, or a reserved one)."""
    ordered = []
    for position, (name, column) in enumerate(columns.items()):
        if type(name) is not str or name in MEMBER_FIELDS + LINK_FIELDS:
            return None
        present = column.present if rows is None or column.present is None \
            else column.present[rows]
        if present is None:
            ordered.append((0, position, name, column))
        elif present.any():
            ordered.append((int(np.argmax(present)), position, name, column))
    ordered.sort(key=lambda item: item[:2])
    table = []
    for *_, name, column in ordered:
        values = column.values
        if values.dtype.kind in "fib":
            kind = {"f": "float", "i": "int", "b": "bool"}[values.dtype.kind]
        else:
            given = values.tolist() if column.present is None else \
                values[column.present].tolist()
            kind = _column_type([plain(v) for v in given])
        table.append((name, column, kind))
    return table


def _write_columns(path: Path, reserved: tuple[str, ...],
                   fixed: Sequence[tuple[np.ndarray, np.ndarray | None]], count: int,
                   columns: dict[Any, Any], rows: np.ndarray | None, file: Path
                   ) -> dict[str, str] | None:
    """Write one table from its columns to ``path`` (standing in for ``file``) a chunk of
    rows at a time; return its attribute columns' types, or None where the record writer
    must write it. ``fixed`` are the reserved columns as ``(values, positions)``
    (positions None: row order); ``rows`` the rows of ``columns`` in file order."""
    table = _column_table(columns, rows)
    if table is None:
        return None
    arrow = _arrow.modules(count * 64)  # bytes of a row or so
    fixed_texts: list | None = None
    if arrow is not None:
        try:  # each id, role, ring and flow as its cell once; a row takes its own
            fixed_texts = [_arrow_cells(arrow, _pa_strings(arrow, values))
                           for values, _ in fixed]
        except _NotArrow:
            fixed_texts = None
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)  # \r\n rows, so a lone \r in a cell gets quoted
        writer.writerow(list(reserved) + [name for name, _, _ in table])
        starts = range(0, count, _CHUNK)
        made: Iterable[bytes | None] = itertools.repeat(None)
        if arrow is not None and fixed_texts is not None:
            made = _arrow.in_order(lambda start: _arrow_chunk(
                arrow, fixed_texts, fixed, table, rows, start, min(start + _CHUNK, count)),
                starts)
        for start, text in zip(starts, made):
            stop = min(start + _CHUNK, count)
            if text is not None:
                handle.flush()
                handle.buffer.write(text)
                continue
            cells = [(values[start:stop] if positions is None else
                      values[positions[start:stop]]).tolist() for values, positions in fixed]
            index = slice(start, stop) if rows is None else rows[start:stop]
            for _, column, kind in table:
                present = None if column.present is None else column.present[index]
                try:
                    cells.append(_cells(column.values[index], present, kind))
                except (TypeError, ValueError):
                    return None  # the record writer names the first value it cannot write
            try:
                writer.writerows(zip(*cells))
            except (TypeError, ValueError) as error:
                raise SpecError(f"a value cannot be written to CSV: {error}",
                                file=str(file)) from None
    return {name: kind for name, _, kind in table}


def _records(eco: Ecosystem) -> tuple[list[tuple[list, dict]], list[tuple[list, dict]]]:
    """Members and links as the record writer takes them: ``(fixed cells, attributes)``."""
    if eco._graph is None:
        from ._columns import FLOW_NAMES
        store = eco._columns()
        member_rows = store.member_rows()
        rows = eco._ordered_rows()
        ids, flows = store.ids, np.asarray(FLOW_NAMES, dtype=object)
        nodes: Any = zip(store.ids.tolist(), member_rows)
        edges: Any = zip(ids[store.source[rows]].tolist(), ids[store.target[rows]].tolist(),
                         flows[store.flow[rows]].tolist(), store.link_rows(rows))
    else:
        nodes = eco.graph.nodes(data=True)
        edges = eco.graph.edges(keys=True, data=True)
    members = [([m, d["role"], d["ring"]],
                {k: plain(v) for k, v in d.items() if k not in ("role", "ring")})
               for m, d in nodes]
    links = [([u, v, k], {name: plain(x) for name, x in d.items()}) for u, v, k, d in edges]
    return members, links


def write_csv_pair(eco: Ecosystem, path: str | Path) -> None:
    """Write ``eco`` as a CSV pair and its sidecar (see :mod:`ecosystem.files`)."""
    members_path, links_path, sidecar = csv_paths(path)
    graph = {k: plain(v) for k, v in eco.attributes.items()}
    meta = {"ecobelt": SPEC_VERSION, "name": graph.pop("name", ""),
            "description": graph.pop("description", "")}
    if graph:
        meta["attributes"] = graph
    if eco.custom_roles:
        meta["roles"] = {role: ring.value for role, ring in eco.custom_roles.items()}
    try:
        json.dumps(meta)
    except (TypeError, ValueError) as error:
        raise SpecError(f"a graph attribute cannot be written as JSON: {error}",
                        file=str(sidecar)) from None
    # all three files whole before any replaces the old ones
    with atomic_paths([members_path, links_path, sidecar]) as temporaries:
        written = _write_from_columns(eco, temporaries[:2], (members_path, links_path)) \
            if eco._graph is None else None
        if written is None:
            members, links = _records(eco)
            written = {
                "members": _write_table(temporaries[0], _RESERVED["members"], members,
                                        members_path),
                "links": _write_table(temporaries[1], _RESERVED["links"], links, links_path)}
        meta["columns"] = written
        with open(temporaries[2], "w", encoding="utf-8") as handle:
            text = json.dumps(meta, ensure_ascii=False, indent=1)
            if not text.isascii():  # a lone surrogate: UTF-8 cannot hold it, a JSON escape can
                text = _SURROGATE.sub(_escape, text)
            handle.write(text + "\n")


def _write_from_columns(eco: Ecosystem, temporaries: list[Path], files: tuple[Path, Path]
                        ) -> dict[str, dict[str, str]] | None:
    """Both tables of a column-backed ``eco`` written from its columns, or None."""
    from ._columns import FLOW_NAMES
    store = eco._columns()
    columns = dict(store.members)
    count = len(store.ids)
    role, ring = columns.pop("role", None), columns.pop("ring", None)
    if count and (role is None or ring is None or role.present is not None
                  or ring.present is not None):
        return None
    empty = np.empty(0, dtype=object)
    fixed = [(store.ids, None), (empty if role is None else role.values, None),
             (empty if ring is None else ring.values, None)]
    members = _write_columns(temporaries[0], _RESERVED["members"], fixed, count, columns,
                             None, files[0])
    if members is None:
        return None
    rows = eco._ordered_rows()
    fixed = [(store.ids, store.source[rows]), (store.ids, store.target[rows]),
             (np.asarray(FLOW_NAMES, dtype=object), store.flow[rows].astype(np.intp))]
    links = _write_columns(temporaries[1], _RESERVED["links"], fixed, len(rows), store.links,
                           rows, files[1])
    return None if links is None else {"members": members, "links": links}


# ------------------------------------------------------------------ reading
def _split_header(cell: str) -> tuple[str, str | None]:
    name, _, kind = cell.rpartition(":")
    return (name, kind) if name and kind in COLUMN_TYPES else (cell, None)


# Numbers as a spreadsheet writes them: no leading zeros, no plus sign, no "nan" or "inf"
# words, no digit-group underscores. Anything else that Python could read as a number
# (the zip code 007, the phone number +8613800000000, 1_000) is a code: it stays a string.
_PLAIN_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_PLAIN_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|-?\.[0-9]+")


def _infer(cells: list[str]) -> str:
    """The type of an untyped column, from its filled cells (see _PLAIN_INT)."""
    if all(_PLAIN_INT.fullmatch(c.strip()) for c in cells):
        return "int" if all(len(c) < 309 for c in cells) else "str"
    if all(_PLAIN_FLOAT.fullmatch(c.strip()) for c in cells):
        return "float"
    if all(c.strip().lower() in ("true", "false") for c in cells):
        return "bool"
    return "str"


_DECODERS: dict[str, Callable[[str], Any]] = {
    "str": str, "int": int, "float": float, "json": json.loads,
    "number": lambda c: int(c.strip()) if _INT.fullmatch(c.strip()) else float(c),
    "bool": lambda c: {"true": True, "false": False}[c.strip().lower()],
}


class _Table:
    """One CSV file read as columns of cells, with spreadsheet row numbers."""

    def __init__(self, path: Path, table: str, declared: dict[str, str] | None = None):
        self.path, self.table = path, table
        self.declared = declared or {}  # column types from the sidecar
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                text = handle.read()
        except FileNotFoundError:
            raise SpecError(f"no such file; a CSV pair is {path.name} together with its "
                            f"{'links' if table == 'members' else 'members'} file",
                            file=str(path)) from None
        except UnicodeDecodeError as error:
            raise SpecError(f"not UTF-8 text (byte {error.start})", file=str(path)) from None
        self.meta: dict[str, Any] | None = None
        first_line = 1
        if text.startswith(_META_PREFIX):
            line, _, text = text.partition("\n")
            try:
                self.meta = json.loads(line[len(_META_PREFIX):])
            except ValueError as error:
                raise SpecError(f"the metadata line is not JSON: {error}", file=str(path),
                                location="row 1") from None
            if not isinstance(self.meta, dict):
                raise SpecError("the metadata line must hold a JSON object", file=str(path),
                                location="row 1", value=self.meta)
            first_line = 2
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        rows: list[tuple[int, list[str]]] = []
        try:  # a record is a spreadsheet row, even when a quoted cell spans lines
            for row in reader:
                rows.append((first_line + len(rows), row))
        except csv.Error as error:
            raise SpecError(f"malformed CSV: {error}", file=str(path),
                            location=f"row {first_line + len(rows)}") from None
        rows = [(n, row) for n, row in rows
                if row and (row[0].strip() or any(cell.strip() for cell in row))]
        if not rows:
            raise SpecError("the file has no header row", file=str(path))
        (_, header), body = rows[0], rows[1:]
        self.row_numbers = [n for n, _ in body]
        # spreadsheets often leave unnamed, empty columns at the right: drop those
        while header and not header[-1] and all(len(r) < len(header) or not r[len(header) - 1]
                                                for _, r in body):
            header = header[:-1]
        self.names: list[str] = []
        self.kinds: list[str | None] = []
        for j, cell in enumerate(header):
            # a name the sidecar declares is a plain name, even with a colon in it
            name, kind = (cell, None) if cell in self.declared else _split_header(cell)
            if not name:
                raise SpecError("a column has no name", file=str(path),
                                location=f"row {rows[0][0]}, column {j + 1}")
            if name in self.names:
                raise SpecError("a column name appears twice", file=str(path),
                                location=f"row {rows[0][0]}", value=name)
            self.names.append(name)
            self.kinds.append(kind)
        for name in _RESERVED[table][:2] if table == "members" else _RESERVED[table]:
            if name not in self.names:
                raise SpecError(f"the {table} file needs a {name!r} column; it has "
                                + ", ".join(map(repr, self.names)), file=str(path))
        width = len(self.names)
        for n, row in body:
            if len(row) > width and any(row[width:]):
                raise SpecError(f"{len(row)} cells but only {width} columns",
                                file=str(path), location=f"row {n}")
        self.cells = [row if len(row) == width else row[:width] + [""] * (width - len(row))
                      for _, row in body]

    def records(self) -> list[dict[str, Any]]:
        """One dict per row with the decoded values of its filled cells."""
        reserved = _RESERVED[self.table]
        records: list[dict[str, Any]] = [{} for _ in self.cells]
        for j, (name, kind) in enumerate(zip(self.names, self.kinds)):
            column = [row[j] for row in self.cells]
            filled = [i for i, cell in enumerate(column) if cell != ""]
            if name in reserved and kind is None:
                for i in filled:
                    records[i][name] = column[i]
                continue
            kind = kind or self.declared.get(name) or _infer([column[i] for i in filled])
            decode = _DECODERS[kind]
            i = 0
            try:
                for i in filled:  # Python ints and exact floats, so one call per cell
                    records[i][name] = decode(column[i])
            except (ValueError, KeyError):
                raise SpecError(f"not a valid {kind} value", file=str(self.path),
                                location=f"row {self.row_numbers[i]}, column {name!r}",
                                value=column[i]) from None
        return records

    def where(self, row: int, field: str | None) -> tuple[str, str]:
        return str(self.path), f"row {self.row_numbers[row]}" + (
            f", column {field!r}" if field else "")


def _read_sidecar(path: Path) -> dict[str, Any] | None:
    """The sidecar's JSON object, or None when there is no sidecar."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            meta = json.load(handle)
    except FileNotFoundError:
        return None
    except (ValueError, UnicodeDecodeError) as error:
        raise SpecError(f"the sidecar is not JSON: {error}", file=str(path)) from None
    if not isinstance(meta, dict):
        raise SpecError("the sidecar must hold a JSON object", file=str(path), value=meta)
    return meta


def _declared_columns(meta: dict[str, Any], file: str) -> dict[str, dict[str, str]]:
    """The sidecar's ``columns``: ``{"members": {name: type}, "links": {...}}``, checked."""
    columns = meta.pop("columns", None) or {}
    if not isinstance(columns, dict) or set(columns) - {"members", "links"}:
        raise SpecError('columns must be {"members": {...}, "links": {...}}', file=file,
                        location="columns", value=columns)
    for table, kinds in columns.items():
        if not isinstance(kinds, dict):
            raise SpecError("must map column names to types", file=file,
                            location=f"columns.{table}", value=kinds)
        for name, kind in kinds.items():
            if kind not in COLUMN_TYPES:
                raise SpecError(f"unknown column type; use one of {', '.join(COLUMN_TYPES)}",
                                file=file, location=f"columns.{table}.{name}", value=kind)
    return columns


def read_csv_pair(path: str | Path) -> Ecosystem:
    """Read a CSV pair (see :mod:`ecosystem.files`)."""
    members_path, links_path, sidecar = csv_paths(path)
    meta = _read_sidecar(sidecar)
    declared = {} if meta is None else _declared_columns(meta, str(sidecar))
    if meta is not None and members_path.exists() and links_path.exists():
        # the pair ecobelt wrote: typed columns through pandas, unless anything is unusual
        from ._columnar import read_csv_fast
        eco = read_csv_fast(members_path, links_path, meta, declared)
        if eco is not None:
            return eco
    members = _Table(members_path, "members", declared.get("members"))
    links = _Table(links_path, "links", declared.get("links"))
    if meta is None:  # a pair written before the sidecar, or made by hand
        meta, file, where = dict(members.meta or {}), str(members_path), "row 1"
    else:
        file, where = str(sidecar), None
    version = meta.pop("ecobelt", SPEC_VERSION)
    if version != SPEC_VERSION:
        raise SpecError(f"unsupported schema version; this ecobelt reads version {SPEC_VERSION}",
                        file=file, location=where, value=version)
    allowed = ("name", "description", "attributes", "roles")
    for key in meta:
        if key not in allowed:
            raise SpecError("unknown key in the metadata" + (" line" if where else "")
                            + "; allowed: ecobelt, " + ", ".join(allowed),
                            file=file, location=where, value=key)
    for key, kind in (("name", str), ("description", str), ("attributes", dict),
                      ("roles", dict)):
        if key in meta and not isinstance(meta[key], kind):
            raise SpecError(f"{key} must be a {'string' if kind is str else 'JSON object'}",
                            file=file, location=f"{where}: {key}" if where else key, value=meta[key])  # noqa: E501
    tables = {"members": members, "links": links}
    return build(members.records(), links.records(), name=meta.get("name", ""),
                 description=meta.get("description", ""), attributes=meta.get("attributes"),
                 roles=meta.get("roles"), roles_file=file,
                 where=lambda table, row, field: tables[table].where(row, field))
