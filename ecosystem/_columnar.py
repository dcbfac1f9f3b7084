"""Column-at-a-time reading of the CSV pair, and the Parquet pair.

The CSV pair that ecobelt wrote (it has a sidecar declaring every column's
type) is read by ``pandas.read_csv`` into typed columns and built by the bulk
table path (:meth:`Ecosystem.add_members_from` / :meth:`~Ecosystem.add_links_from`),
so no Python object is made per cell for numbers and no record dict per row.
Anything unusual (a column the sidecar does not declare, a cell the fast
decoders do not read exactly as the exact reader would, a NaN value, which the
tables would take for a missing one, a broken file) makes :func:`read_csv_fast`
return None, and the exact reader of :mod:`ecosystem._csv` reads the file and
names any problem by its spreadsheet row.

Parquet (``belt.parquet``: ``belt.members.parquet`` + ``belt.links.parquet``)
holds each attribute as a typed column (``string``, ``int64``, ``double``,
``bool``; lists, dicts, None, mixed ints and floats and ints beyond int64 as
JSON text), a missing attribute as null and the rest of the ecosystem (name,
description, graph attributes, custom roles, the column types) as JSON in
the members file's schema metadata under ``ecobelt``. It needs pyarrow
(``pip install ecobelt[parquet]``).
"""

from __future__ import annotations

import csv
import json
import math
from itertools import repeat
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from . import _arrow
from ._atomic import atomic_paths
from ._errors import EcosystemError, ParameterError, SpecError
from ._spec import SPEC_VERSION, _new_ecosystem, plain, plain_head, value_problem
from .graph import Ecosystem
from .taxonomy import LINK_FIELDS, LINK_NUMERIC_ATTRIBUTES, MEMBER_FIELDS, Flow

_FLOW_NAMES = tuple(flow.value for flow in Flow)

__all__ = ["read_csv_fast", "parquet_paths", "read_parquet_pair", "write_parquet_pair"]

_RESERVED = {"members": MEMBER_FIELDS, "links": LINK_FIELDS}
# what ecobelt's writer puts in a cell, and what int() and float() read to the same value
_INT_CELL = r"-?[0-9]{1,18}"
_FLOAT_CELL = r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|-?inf"


class _Unusual(Exception):
    """The fast reader leaves this file to the exact one."""


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle, strict=True), [])


def _object(values: list, filled: np.ndarray) -> pd.Series:
    out = np.full(len(filled), np.nan, dtype=object)
    out[filled] = values
    return pd.Series(out, dtype=object)  # not inferred: pandas would make None of str NaN


def _decode(cells: pd.Series, kind: str) -> Any:
    """A column of cell texts as the values the exact reader would give (NaN: missing)."""
    filled = (cells != "").to_numpy()
    present = cells[filled]
    if kind == "str":
        return cells.where(filled, np.nan) if not filled.all() else cells
    if kind == "bool":
        if not present.isin(["true", "false"]).all():
            raise _Unusual
        truth = (present == "true").to_numpy()
        return truth if filled.all() else _object(truth.tolist(), filled)
    if kind == "json":
        values = []
        for text in present.tolist():
            value = json.loads(text)
            if value_problem(value) or (type(value) is float and math.isnan(value)):
                raise _Unusual
            values.append(value)
        return _object(values, filled)
    if present.str.fullmatch(r"-?[0-9]{19,}").any():
        raise _Unusual  # beyond int64 (and a float's 17 digits): the exact reader's int()
    ints = present.str.fullmatch(_INT_CELL).to_numpy(dtype=bool)
    if kind == "int" or kind == "number" and ints.all():
        if not ints.all():
            raise _Unusual
        numbers = present.astype("int64").to_numpy()
        return numbers if filled.all() and kind == "int" else _object(numbers.tolist(), filled)
    if not present.str.fullmatch(_FLOAT_CELL).all():  # "nan" too: NaN would mean missing
        raise _Unusual
    if kind == "float":
        return present.astype("float64").to_numpy() if filled.all() else \
            cells.where(filled, "nan").astype("float64").to_numpy()
    numbers = present.to_numpy(dtype=object)  # number: ints stay ints, floats floats
    numbers[ints] = present[ints].astype("int64").tolist()
    numbers[~ints] = present[~ints].astype("float64").tolist()
    return _object(numbers.tolist(), filled)


def _read_table(path: Path, table: str, declared: dict[str, str]) -> pd.DataFrame:
    names = _header(path)
    reserved = _RESERVED[table]
    if len(set(names)) != len(names) or any(n not in reserved and n not in declared
                                            for n in names) \
            or any(n not in names for n in reserved[:2 if table == "members" else 3]):
        raise _Unusual
    if table == "links" and any(declared.get(n) not in ("int", "float", "number")
                                for n in names if n in LINK_NUMERIC_ATTRIBUTES):
        raise _Unusual  # the tables read None as missing here; the spec refuses it
    arrow = _arrow.modules(path.stat().st_size)
    if arrow is not None:
        return _read_table_arrow(arrow, path, reserved, declared, names)
    # floats parsed by pandas (as exactly as float()); any empty float cell: all as text
    # (ints are checked as text: pandas reads "1e3" and "5.0" as ints). Link ends and flows
    # as categories: a code per row instead of a string per row.
    numbers = {n: "float64" for n in names if declared.get(n) == "float"}
    categories = dict.fromkeys(("source", "target", "flow") if table == "links" else (),
                               "category")
    options = dict(keep_default_na=False, na_filter=False, encoding="utf-8-sig",
                   skip_blank_lines=True, engine="c")
    try:
        frame = pd.read_csv(path, dtype={**dict.fromkeys(names, str), **numbers,
                                         **categories}, **options)
        done = set(numbers)
    except (ValueError, OverflowError):
        frame = pd.read_csv(path, dtype=str, **options)
        done = set()
    if list(frame.columns) != names or frame.isna().to_numpy().any():
        raise _Unusual  # a short row (pandas pads it with NaN), a renamed duplicate
    columns: dict[str, Any] = {}
    for name in names:
        if name in reserved:
            cells = frame[name]
            columns[name] = cells.where(cells != "", np.nan) if name == "ring" else cells
        elif name in done:
            values = frame[name].to_numpy()
            if np.isnan(values).any():
                raise _Unusual
            columns[name] = values
        else:
            columns[name] = _decode(frame[name], declared[name])
    return pd.DataFrame(columns, index=frame.index)


def _read_table_arrow(arrow: Any, path: Path, reserved: tuple[str, ...],
                      declared: dict[str, str], names: list[str]) -> pd.DataFrame:
    """:func:`_read_table` by pyarrow's CSV reader: int and float columns parsed by it (its
    numbers are those of int() and float(), or an error), the rest decoded as text."""
    pa = arrow.pa
    kinds = {n: None if n in reserved else declared[n] for n in names}
    types = {n: pa.float64() if kind == "float" else pa.int64() if kind == "int" else pa.string()
             for n, kind in kinds.items()}
    try:
        data = arrow.csv.read_csv(
            path, parse_options=arrow.csv.ParseOptions(newlines_in_values=True),
            convert_options=arrow.csv.ConvertOptions(
                column_types=types, null_values=[""], strings_can_be_null=False,
                quoted_strings_can_be_null=False))
    except (pa.ArrowException, ValueError):
        raise _Unusual from None  # short or long rows, a cell that is not a number, ...
    if data.column_names != names:
        raise _Unusual
    columns: dict[str, Any] = {}
    for name, column in zip(names, data.columns):
        kind = kinds[name]
        if kind is None:
            if name == "ring":
                cells = column.to_pandas()
                columns[name] = cells.where(cells != "", np.nan)
                continue
            if arrow.pc.any(arrow.pc.equal(column, "")).as_py():
                raise _Unusual  # a row without an id or a link end: the exact reader says so
            # link ends and flows as categories: a code per row instead of a string per row
            columns[name] = (column.dictionary_encode() if name in ("source", "target", "flow")
                             else column).to_pandas()
        elif kind == "float":
            values = column.to_numpy()
            if np.count_nonzero(np.isnan(values)) != column.null_count:
                raise _Unusual  # "nan": NaN would mean missing
            columns[name] = values
        elif kind == "int":
            values = column.to_numpy(zero_copy_only=False)
            if column.null_count:
                filled = column.is_valid().to_numpy(zero_copy_only=False)
                values = _object(column.drop_null().to_pylist(), filled)
            columns[name] = values
        else:
            columns[name] = _decode(column.to_pandas(), kind)
    return pd.DataFrame(columns, index=pd.RangeIndex(data.num_rows))


def read_csv_fast(members_path: Path, links_path: Path, meta: dict[str, Any],
                  declared: dict[str, dict[str, str]]) -> Ecosystem | None:
    """The pair as the exact reader would build it, or None to leave it to that reader."""
    if meta.get("ecobelt", SPEC_VERSION) != SPEC_VERSION or set(meta) - {
            "ecobelt", "name", "description", "attributes", "roles"}:
        return None
    try:
        members = _read_table(members_path, "members", declared.get("members", {}))
        links = _read_table(links_path, "links", declared.get("links", {}))
        name, description = meta.get("name", ""), meta.get("description", "")
        attributes, roles = meta.get("attributes", {}), meta.get("roles", {})
        if not (isinstance(name, str) and isinstance(description, str)
                and isinstance(attributes, dict) and isinstance(roles, dict)):
            return None
        eco = _new_ecosystem(name, description, attributes, roles, None)
        eco.add_members_from(members)
        eco.add_links_from(links)
    except (_Unusual, EcosystemError, ValueError, TypeError, OverflowError, csv.Error,
            UnicodeDecodeError, RecursionError):
        return None
    return eco


# ------------------------------------------------------------------ Parquet
def parquet_paths(path: str | Path) -> tuple[Path, Path]:
    """The members and links files a ``.parquet`` path names (as for the CSV pair).

    Examples
    --------
    >>> [p.name for p in parquet_paths("belt.parquet")]
    ['belt.members.parquet', 'belt.links.parquet']
    >>> [p.name for p in parquet_paths("belt.links.parquet")]
    ['belt.members.parquet', 'belt.links.parquet']
    """
    path = Path(path)
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    for table in (".members", ".links"):
        if stem.endswith(table):
            stem = stem[: -len(table)]
            break
    return path.with_name(f"{stem}.members.parquet"), path.with_name(f"{stem}.links.parquet")


def _pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ParameterError("Parquet files need pyarrow: pip install ecobelt[parquet] (or "
                             "pip install pyarrow), or save as .json or .csv") from None
    return pa, pq


_MISSING = object()
_INT64 = 2 ** 63


def _kind(values: list) -> str:
    kinds = set(map(type, values))
    if len(kinds) == 1:
        kind = next(iter(kinds))
        if kind is int:
            return "int" if all(-_INT64 <= v < _INT64 for v in values) else "json"
        if kind in (str, float, bool):
            return kind.__name__
    return "json"


def _columns_of(eco: Ecosystem) -> tuple[np.ndarray, dict, tuple, dict]:
    """Member ids, member columns, link ends (ids, ids, flow names) in networkx's link order
    and link columns; each column ``(values, present)``."""
    if getattr(eco, "_graph", True) is None:  # column-backed: read the columns as they are
        try:
            store, rows = eco._columns(), eco._ordered_rows()
            ids = store.ids
            flows = np.asarray(_FLOW_NAMES, dtype=object)
            members = {n: (c.values, c.mask()) for n, c in store.members.items()}
            links = {n: (c.values[rows], c.mask()[rows]) for n, c in store.links.items()}
            return ids, members, (ids[store.source[rows]], ids[store.target[rows]],
                                  flows[store.flow[rows]]), links
        except AttributeError:  # another storage: the general path below
            pass
    nodes = list(eco.graph.nodes(data=True))
    edges = list(eco.graph.edges(keys=True, data=True))

    def table(records: list[dict]) -> dict:
        out = {}
        for name in dict.fromkeys(k for record in records for k in record):
            values = list(map(dict.get, records, repeat(name), repeat(_MISSING)))
            present = np.fromiter((v is not _MISSING for v in values), bool, len(values))
            out[name] = (np.fromiter(values, dtype=object, count=len(values)), present)
        return out

    ids = np.fromiter((m for m, _ in nodes), dtype=object, count=len(nodes))
    ends = tuple(np.fromiter((e[i] for e in edges), dtype=object, count=len(edges))
                 for i in range(3))
    return ids, table([d for _, d in nodes]), ends, table([d for *_, d in edges])


def _arrow_column(pa, values: np.ndarray, present: np.ndarray, name: Any, file: str
                  ) -> tuple[Any, str]:
    if not isinstance(name, str):
        raise SpecError("attribute names must be strings", file=file, value=name)
    missing = None if present.all() else ~present
    if values.dtype != object:
        return pa.array(values, mask=missing), {"f": "float", "i": "int", "b": "bool"}[
            values.dtype.kind]
    given = [plain(v) for v in values[present].tolist()]
    kind = _kind(given)
    cells: Any = values.copy()
    if missing is not None:
        cells[missing] = None
    if kind == "json":
        try:
            texts = iter([json.dumps(v, ensure_ascii=False) for v in given])
        except (TypeError, ValueError) as error:
            raise SpecError(f"a value of attribute {name!r} cannot be written: {error}",
                            file=file) from None
        cells = [next(texts) if p else None for p in present.tolist()]
    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
             "json": pa.string()}
    try:
        return pa.array(cells, type=types[kind], from_pandas=False), kind
    except (pa.ArrowException, UnicodeEncodeError) as error:
        raise SpecError(f"a value of attribute {name!r} cannot be written: {error}",
                        file=file) from None


def _arrow_table(pa, leading: dict[str, np.ndarray], columns: dict, skip: tuple, file: str
                 ) -> tuple[Any, dict[str, str]]:
    arrays = {name: pa.array(values, type=pa.string()) for name, values in leading.items()}
    kinds: dict[str, str] = {}
    for name, (values, present) in columns.items():
        if name in skip:
            continue
        arrays[name], kinds[name] = _arrow_column(pa, values, present, name, file)
    return pa.table(arrays), kinds


def write_parquet_pair(eco: Ecosystem, path: str | Path) -> None:
    """Write ``eco`` as ``<stem>.members.parquet`` and ``<stem>.links.parquet``."""
    pa, pq = _pyarrow()
    members_path, links_path = parquet_paths(path)
    graph = {k: plain(v) for k, v in eco.attributes.items()}
    meta: dict[str, Any] = {"ecobelt": SPEC_VERSION, "name": graph.pop("name", ""),
                            "description": graph.pop("description", "")}
    if graph:
        meta["attributes"] = graph
    if eco.custom_roles:
        meta["roles"] = {role: ring.value for role, ring in eco.custom_roles.items()}
    ids, member_columns, ends, link_columns = _columns_of(eco)
    members, member_kinds = _arrow_table(
        pa, {"id": ids, "role": member_columns["role"][0], "ring": member_columns["ring"][0]},
        member_columns, ("role", "ring"), str(members_path)) if len(ids) else \
        _arrow_table(pa, {"id": ids, "role": ids, "ring": ids}, {}, (), str(members_path))
    links, link_kinds = _arrow_table(pa, dict(zip(LINK_FIELDS, ends)), link_columns, (),
                                     str(links_path))
    meta["columns"] = {"members": member_kinds, "links": link_kinds}
    try:
        text = json.dumps(meta, ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise SpecError(f"a graph attribute cannot be written as JSON: {error}",
                        file=str(members_path)) from None
    members = members.replace_schema_metadata({"ecobelt": text})
    links = links.replace_schema_metadata({"ecobelt": json.dumps(
        {"ecobelt": SPEC_VERSION, "columns": {"links": link_kinds}})})
    with atomic_paths([members_path, links_path]) as (first, second):
        pq.write_table(members, first)
        pq.write_table(links, second)


def _to_values(column, kind: str, name: str, file: str, table: str,
               nans: list[tuple[int, str, Any]]) -> Any:
    """An Arrow column as a pandas-ready column (NaN: missing); NaN *values* go to ``nans``."""
    nulls = column.null_count
    if kind == "str":
        return column.to_pandas()  # nulls become NaN
    if kind == "float":
        values = column.to_numpy(zero_copy_only=False)  # nulls become NaN
        valid = column.is_valid().to_numpy(zero_copy_only=False) if nulls else True
        for row in np.flatnonzero(np.isnan(values) & valid).tolist():
            nans.append((row, name, float("nan")))
        return values
    if nulls == 0:  # int, bool
        return column.to_numpy(zero_copy_only=False)
    cells = column.to_pylist()
    out = np.full(len(cells), np.nan, dtype=object)
    decode: Callable[[Any], Any] = json.loads if kind == "json" else (lambda v: v)
    for position, cell in enumerate(cells):
        if cell is None:
            continue
        try:
            value = decode(cell)
        except ValueError as error:
            raise SpecError(f"not JSON text: {error}", file=file,
                            location=f"{table}[{position}].{name}", value=cell) from None
        problem = value_problem(value)
        if problem:
            raise SpecError(problem[0], file=file,
                            location=f"{table}[{position}].{name}{problem[1]}", value=problem[2])
        if type(value) is float and math.isnan(value):
            nans.append((position, name, value))
        else:
            out[position] = value
    return pd.Series(out, dtype=object)  # not inferred: None stays a value


def _read_parquet_table(pq, path: Path, table: str, kinds: dict[str, str] | None
                        ) -> tuple[pd.DataFrame, dict[str, Any], list]:
    try:
        data = pq.read_table(path)
    except FileNotFoundError:
        raise SpecError(f"no such file; a Parquet pair is {path.name} together with its "
                        f"{'links' if table == 'members' else 'members'} file",
                        file=str(path)) from None
    except Exception as error:  # pyarrow's errors have no common base but ArrowException
        raise SpecError(f"not a Parquet file: {' '.join(str(error).split())[:200]}",
                        file=str(path)) from None
    raw = (data.schema.metadata or {}).get(b"ecobelt")
    try:
        meta = json.loads(raw) if raw else None
    except ValueError:
        meta = None
    if not isinstance(meta, dict):
        raise SpecError("not written by ecobelt: the schema metadata has no ecobelt entry",
                        file=str(path))
    if kinds is None:
        kinds = (meta.get("columns") or {}).get(table, {})
    reserved = _RESERVED[table]
    nans: list = []
    columns: dict[str, Any] = {}
    for name in data.column_names:
        column = data.column(name)
        if name in reserved:
            columns[name] = column.to_pandas()
            continue
        kind = kinds.get(name) if isinstance(kinds, dict) else None
        if kind not in ("str", "int", "float", "bool", "json"):
            raise SpecError("a column without a type in the ecobelt metadata", file=str(path),
                            location=name, value=kind)
        columns[name] = _to_values(column, kind, name, str(path), table, nans)
    return pd.DataFrame(columns), meta, nans


def _located(error: SpecError, file: str) -> SpecError:
    text = str(error)
    if error.location and text.startswith(f"{error.location}: "):
        text = text[len(error.location) + 2:]
    located = SpecError(text, file=file, location=error.location)
    located.value = error.value
    return located


def read_parquet_pair(path: str | Path) -> Ecosystem:
    """Read a Parquet pair written by :func:`write_parquet_pair`."""
    _, pq = _pyarrow()
    members_path, links_path = parquet_paths(path)
    members, meta, member_nans = _read_parquet_table(pq, members_path, "members", None)
    links, _, link_nans = _read_parquet_table(pq, links_path, "links", None)
    file = str(members_path)
    version = meta.get("ecobelt")
    if version != SPEC_VERSION:
        raise SpecError(f"unsupported schema version; this ecobelt reads version {SPEC_VERSION}",
                        file=file, value=version)
    for key, kind in (("name", str), ("description", str), ("attributes", dict),
                      ("roles", dict)):
        if key in meta and not isinstance(meta[key], kind):
            raise SpecError(f"{key} must be a {'string' if kind is str else 'JSON object'}",
                            file=file, location=key, value=meta[key])
    eco = _new_ecosystem(meta.get("name", ""), meta.get("description", ""),
                         meta.get("attributes", {}), meta.get("roles", {}), file)
    for frame, add, where in ((members, eco.add_members_from, file),
                              (links, eco.add_links_from, str(links_path))):
        try:
            add(frame)
        except SpecError as error:
            raise _located(error, where) from None
    ids = members["id"]
    for i, name, value in member_nans:  # NaN is a value here; the tables would drop it
        eco.update_member(ids[i], **{name: value})
    for i, name, value in link_nans:
        try:
            eco.update_link(links["source"][i], links["target"][i], links["flow"][i],
                            **{name: value})
        except (ParameterError, EcosystemError) as error:
            raise SpecError(str(error), file=str(links_path),
                            location=f"links[{i}].{name}", value=value) from None
    return eco


# ------------------------------------------------------------- YAML and JSON specs
class _Absent:
    """The value of a key a record does not have."""


_ABSENT = _Absent()
_FLOAT_MAX = float(np.finfo(float).max)


def _spec_column(values: list, kinds: set, name: str) -> Any:
    """One attribute over the records, as the bulk tables read it (NaN: no such attribute)."""
    missing = _Absent in kinds
    kinds = kinds - {_Absent}
    if kinds == {float}:
        column = np.array([math.nan if v is _ABSENT else v for v in values], dtype=float)
        if np.isnan(column).sum() != (values.count(_ABSENT) if missing else 0):
            raise _Unusual  # a NaN value: the tables would take it for a missing one
        return column
    if not missing and kinds in ({int}, {bool}):
        try:
            return np.array(values, dtype=np.int64 if kinds == {int} else np.bool_)
        except OverflowError:
            pass
    for value in values:
        kind = type(value)
        if kind is float and value != value:
            raise _Unusual
        if kind in (int, list, dict) and value_problem(value):
            raise _Unusual  # the exact reader names the place
    if missing:
        values = [math.nan if v is _ABSENT else v for v in values]
    return pd.Series(values, dtype=object)


def _spec_frame(records: Any, reserved: tuple[str, ...]) -> pd.DataFrame:
    if type(records) is not list or set(map(type, records)) - {dict}:
        raise _Unusual
    columns: dict[str, Any] = {}
    for name in dict.fromkeys(k for record in records for k in record):
        if type(name) is not str:
            raise _Unusual
        values = list(map(dict.get, records, repeat(name), repeat(_ABSENT)))
        kinds = set(map(type, values))
        if name in reserved:
            if kinds - {str, _Absent}:
                raise _Unusual
            columns[name] = pd.Series([math.nan if v is _ABSENT else v for v in values],
                                      dtype=object) if _Absent in kinds else values
        elif reserved == LINK_FIELDS and name in LINK_NUMERIC_ATTRIBUTES and \
                kinds - {int, float, _Absent}:
            raise _Unusual  # the tables read None as missing here; the spec refuses it
        else:
            columns[name] = _spec_column(values, kinds, name)
    return pd.DataFrame(columns, index=pd.RangeIndex(len(records)))


def from_spec_fast(data: Any) -> Ecosystem | None:
    """The ecosystem of a parsed spec built a column at a time, or None to leave the spec to
    :func:`ecosystem._spec.from_spec` (which checks row by row and names the place)."""
    parts = plain_head(data) if type(data) is dict else None
    if parts is None:
        return None
    name, description, attributes, roles = parts
    try:
        members = _spec_frame(data.get("members", []), MEMBER_FIELDS)
        links = _spec_frame(data.get("links", []), LINK_FIELDS)
        if len(members.columns) and any(n not in members for n in ("id", "role")) or \
                len(links.columns) and any(n not in links for n in LINK_FIELDS):
            return None
        eco = _new_ecosystem(name, description, attributes, roles, None)
        if len(members):
            eco.add_members_from(members)
        if len(links):
            eco.add_links_from(links)
    except (_Unusual, EcosystemError, ValueError, TypeError, OverflowError, RecursionError):
        return None
    return eco
