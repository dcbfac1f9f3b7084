"""JSON and YAML specs laid out as ecobelt writes them, read a block of rows at a time.

:func:`ecosystem._spec.iter_json` writes the head keys one per line, then each
member and each link on a line of its own. :func:`read_json_blocks` reads such
a file in pieces of a few megabytes, parses a block of rows at a time with the
json module and turns each block into typed columns at once, so that the text,
the parsed records and the columns of the whole file are never in memory
together: at the end the columns (numbers as numpy arrays, link ends as member
positions) are built into the ecosystem by the bulk table path, as
:func:`ecosystem._columnar.from_spec_fast` builds a parsed spec.

With pyarrow installed, a block without escapes or nulls is parsed by its JSON
reader straight into typed columns (no dict per record); the few rows holding a
list or a mapping are read by the json module, and a block the json module might
read differently (an int among a column's floats, NaN, a number beyond int64)
is read by the json module whole, so both paths give the same columns.

Whatever does not fit (another layout, a duplicate key, a NaN value, a link to
no member, a flow spelled another way, a value that needs checking) makes it
return None, and the file is read whole and checked row by row as before, so
every file reads to the same ecosystem, or the same error, either way.
"""

from __future__ import annotations

import io
import json
import math
import operator
import os
from itertools import chain, compress, repeat
from types import SimpleNamespace
from typing import IO, TYPE_CHECKING, Any, Iterator

import numpy as np
import pandas as pd
import yaml

from . import _arrow
from ._errors import EcosystemError
from ._spec import _new_ecosystem, _refuse_duplicates, plain_head, value_problem
from .graph import Ecosystem
from .taxonomy import LINK_FIELDS, LINK_NUMERIC_ATTRIBUTES, MEMBER_FIELDS

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["read_json_blocks"]

#: Characters read at a time; a block of rows is what they hold (whole lines).
PIECE = 1 << 23
_FLOWS = ("information", "logistics", "capital", "technology")
_FLOW_CODES = {name: code for code, name in enumerate(_FLOWS)}


class _Unusual(Exception):
    """The file is left to the whole-file reader."""


class _Absent:
    pass


_ABSENT = _Absent()


def _parse(block: str) -> tuple[list, int | None]:
    """The records of a block of row lines (each ``    {...},``) and the number of keys
    its text names (None when the records were checked for duplicate keys already)."""
    text = block.rstrip()
    text = "[" + (text[:-1] if text.endswith(",") else text) + "]"
    if "\\" in text:  # escapes: keys cannot be counted in the text, so refuse duplicates
        return json.loads(text, object_pairs_hook=_refuse_duplicates), None
    # without escapes every '": ' ends a key: a duplicate key, which json.loads drops,
    # shows as fewer keys in the records than in the text
    return json.loads(text), text.count('": ')


def _parse_arrow(block: str, arrow: Any) -> tuple[Any, bytes] | None:
    """The rows of a block as a pyarrow table and the bytes it was read from, or None
    where the json module reads the block."""
    if "\\" in block or "null" in block:
        return None  # escapes, and nulls that pyarrow would take for missing keys
    try:
        data = block.replace(",\n", "\n").encode()  # a comma before a line end ends a row
        table = arrow.json.read_json(io.BytesIO(data), read_options=arrow.json.ReadOptions(
            block_size=len(data) + 1))
    except (arrow.pa.ArrowException, ValueError):
        return None  # duplicate keys, mixed types in a column, anything else
    if table.num_rows != data.count(b"\n"):
        return None  # two rows on a line, a blank line
    return table, data


def _keys(value: Any) -> int:
    """Keys in the dicts nested in ``value``."""
    if type(value) is dict:
        return len(value) + sum(map(_keys, value.values()))
    if type(value) is list:
        return sum(map(_keys, value))
    return 0


def _piece_column(values: list, nested: list[int]) -> tuple[np.ndarray, frozenset]:
    """One column of one block: an array (NaN where a row lacks the key) and the types;
    the keys of dicts among the values are added to ``nested[0]``."""
    kinds = frozenset(map(type, values))
    missing = _Absent in kinds
    given = kinds - {_Absent}
    if given == {float}:
        column = np.array([math.nan if v is _ABSENT else v for v in values], dtype=float) \
            if missing else np.array(values, dtype=float)
        if np.isnan(column).sum() != (values.count(_ABSENT) if missing else 0):
            raise _Unusual  # a NaN value: the tables would take it for a missing one
        return column, kinds
    if not missing and given in ({int}, {bool}):
        try:
            return np.array(values, dtype=np.int64 if given == {int} else np.bool_), kinds
        except OverflowError:
            pass
    absent = np.fromiter(map(operator.is_, values, repeat(_ABSENT)), bool, len(values)) \
        if missing else None
    if given & {float, int, list, dict}:
        for value in compress(values, (~absent).tolist()) if absent is not None else values:
            kind = type(value)
            if kind is float and value != value:
                raise _Unusual
            if kind in (int, list, dict) and value_problem(value):
                raise _Unusual  # the row-by-row reader names the place
    if list in given or dict in given:
        nested[0] += sum(map(_keys, values))
    out = np.fromiter(values, dtype=object, count=len(values))  # a list stays one value
    if absent is not None:
        out[absent] = math.nan
    return out, kinds


class _Table:
    """The columns of one table, grown a block of records at a time."""

    def __init__(self, reserved: tuple[str, ...], codes: dict[str, Any] | None = None,
                 arrow_codes: dict[str, Any] | None = None):
        self.reserved = reserved
        self.codes = codes or {}  # reserved string columns kept as integer codes
        self.arrow_codes = arrow_codes or {}  # the same from pyarrow arrays
        self.count = 0
        self.parts: dict[str, list[tuple[int, np.ndarray]]] = {}
        self.kinds: dict[str, set] = {}

    def add(self, parsed: tuple[list, int | None]) -> None:
        records, keys = parsed
        if type(records) is not list or set(map(type, records)) - {dict}:
            raise _Unusual
        nested = [0]
        for name in dict.fromkeys(chain.from_iterable(records)):
            if type(name) is not str:
                raise _Unusual
            values = list(map(dict.get, records, repeat(name), repeat(_ABSENT)))
            kinds: Any
            if name in self.reserved:
                kinds = set(map(type, values))
                if kinds - {str, _Absent}:
                    raise _Unusual
                if name in self.codes:
                    if _Absent in kinds:
                        raise _Unusual
                    array = self.codes[name](values)
                else:
                    array = np.empty(len(values), dtype=object)
                    array[:] = [math.nan if v is _ABSENT else v for v in values]
            else:
                if name in LINK_NUMERIC_ATTRIBUTES and self.reserved == LINK_FIELDS and \
                        set(map(type, values)) - {int, float, _Absent}:
                    raise _Unusual  # the tables read None as missing here; the spec refuses it
                array, kinds = _piece_column(values, nested)
            self.parts.setdefault(name, []).append((self.count, array))
            self.kinds.setdefault(name, set()).update(kinds)
        if keys is not None and keys != sum(map(len, records)) + nested[0]:
            raise _Unusual  # a duplicate key: the whole-file reader reports it
        self.count += len(records)

    def add_arrow(self, parsed: tuple[pa.Table, bytes], arrow: SimpleNamespace) -> bool:
        """Add the columns of a block parsed by pyarrow; False (nothing added) where the
        json module must read the block."""
        table, data = parsed
        types = arrow.pa.types
        count = table.num_rows
        names = table.column_names
        columns = [column.combine_chunks() for column in table.columns]
        flat = [types.is_string(c.type) or types.is_int64(c.type) or types.is_float64(c.type)
                or types.is_boolean(c.type) for c in columns]
        rows = np.empty(0, np.intp)
        records: list = []
        text_floats = data.count(b'.0, "') + data.count(b'.0}\n')
        if not all(flat):  # lists and mappings: those rows read by the json module
            has = np.zeros(count, bool)
            for column, plain in zip(columns, flat):
                if not plain:
                    has |= column.is_valid().to_numpy(zero_copy_only=False)
            rows = np.flatnonzero(has)
            if len(rows) > count // 4:
                return False
            ends = np.flatnonzero(np.frombuffer(data, np.uint8) == 10)
            starts = np.concatenate(([0], ends[:-1] + 1))
            lines = [data[a:b] for a, b in zip(starts[rows].tolist(), ends[rows].tolist())]
            records = [json.loads(line) for line in lines]
            if set(map(type, records)) - {dict}:
                return False
            text_floats -= sum(line.count(b'.0, "') + line.endswith(b'.0}') for line in lines)
        others = np.ones(count, bool)
        others[rows] = False
        # an int written among a column's floats is read as a float by pyarrow: every whole
        # float outside the json-read rows must be one written with ".0" (the same count)
        whole = 0
        added = []
        for name, column, plain in zip(names, columns, flat):
            kinds: set = {_Absent} if column.null_count else set()
            if not plain:
                values = [_ABSENT] * count
                for row, record in zip(rows.tolist(), records):
                    values[row] = record.get(name, _ABSENT)
                array, found = _piece_column(values, [0])
                kinds |= found
                if name in self.reserved or name in LINK_NUMERIC_ATTRIBUTES and \
                        self.reserved == LINK_FIELDS:
                    return False
                added.append((name, array, kinds))
                continue
            if types.is_float64(column.type):
                values = column.to_numpy(zero_copy_only=False)
                given = values[others] if len(rows) else values
                if column.null_count:
                    given = given[~np.isnan(given)]
                if not np.isfinite(given).all():
                    return False  # NaN and infinity: the json module's reading
                whole += int(np.count_nonzero(given == np.floor(given)))
                if any(type(record[name]) is not float for record in records
                       if name in record):
                    return False
                kinds.add(float)
            elif types.is_int64(column.type):
                kinds.add(int)
            elif types.is_boolean(column.type):
                kinds.add(bool)
            else:
                kinds.add(str)
            if name in self.reserved:
                if kinds - {str, _Absent}:
                    return False
                if name in self.arrow_codes:
                    if column.null_count:
                        raise _Unusual
                    added.append((name, self.arrow_codes[name](column), kinds))
                    continue
            elif name in LINK_NUMERIC_ATTRIBUTES and self.reserved == LINK_FIELDS and \
                    kinds - {int, float, _Absent}:
                return False
            if column.null_count and float not in kinds:
                array = np.full(count, math.nan, dtype=object)
                valid = column.is_valid().to_numpy(zero_copy_only=False)
                array[valid] = column.drop_null().to_pylist()
            else:
                array = column.to_numpy(zero_copy_only=False)
            added.append((name, array, kinds))
        if whole != text_floats:
            return False
        for name, array, kinds in added:
            self.parts.setdefault(name, []).append((self.count, array))
            self.kinds.setdefault(name, set()).update(kinds)
        self.count += count
        return True

    def column(self, name: str) -> Any:
        """The whole column, as :func:`ecosystem._columnar.from_spec_fast` makes it from
        every record at once (NaN where a row lacks the key)."""
        parts, kinds, count = self.parts[name], self.kinds[name], self.count
        if sum(len(array) for _, array in parts) != count:
            kinds = kinds | {_Absent}  # blocks without the key
        missing = _Absent in kinds
        given = kinds - {_Absent}
        typed = not any(array.dtype == object for _, array in parts)
        if name in self.codes:
            if missing:
                raise _Unusual
            return np.concatenate([array for _, array in parts])
        if typed and (given == {float} or not missing and given in ({int}, {bool})):
            if not missing:
                return np.concatenate([array for _, array in parts])
            out = np.full(count, np.nan)
        else:
            out = np.full(count, np.nan, dtype=object)
            parts = [(start, array if array.dtype == object else array.astype(object))
                     for start, array in parts]
        for start, array in parts:
            out[start:start + len(array)] = array
        return pd.Series(out, dtype=object) if out.dtype == object else out

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({name: self.column(name) for name in self.parts},
                            index=pd.RangeIndex(self.count))


class _Reader:
    """Lines and blocks of row lines from a text file read in pieces of :data:`PIECE`."""

    def __init__(self, handle: IO[str]):
        self.handle, self.buffer = handle, ""

    def line(self) -> str:
        while "\n" not in self.buffer:
            piece = self.handle.read(PIECE)
            if not piece:
                line, self.buffer = self.buffer, ""
                return line
            self.buffer += piece
        end = self.buffer.index("\n") + 1
        line, self.buffer = self.buffer[:end], self.buffer[end:]
        return line

    def blocks(self) -> Iterator[str]:
        """Whole row lines up to the line that closes the table (``  ]``), which stays."""
        while True:
            text = self.buffer
            if text.startswith("  ]"):
                return
            close = text.find("\n  ]")
            if close >= 0:
                self.buffer = text[close + 1:]
                yield text[:close + 1]
                return
            end = text.rfind("\n") + 1
            self.buffer = text[end:]
            if end:
                yield text[:end]
            piece = self.handle.read(PIECE)
            if not piece:
                raise _Unusual  # the file ends inside a table
            self.buffer += piece

    def rest(self) -> str:
        return self.buffer + self.handle.read()


def read_json_blocks(path: str) -> Ecosystem | None:
    """The ecosystem of a JSON spec laid out as ecobelt writes it, or None."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return _read(_Reader(handle), _arrow.modules(os.fstat(handle.fileno()).st_size))
    except (_Unusual, EcosystemError, ValueError, TypeError, OverflowError, RecursionError,
            KeyError):
        return None


class _Build:
    """An ecosystem built from its members' blocks of records, then its links' blocks."""

    def __init__(self, head: Any, arrow: SimpleNamespace | None):
        parts = plain_head(head) if type(head) is dict else None
        if parts is None:
            raise _Unusual
        self.parts, self.arrow = parts, arrow
        self.index: pd.Index | None = None
        self.eco: Ecosystem | None = None
        self.members = _Table(MEMBER_FIELDS)
        self.links = _Table(LINK_FIELDS, {"source": self.positions, "target": self.positions,
                                          "flow": self.flows},
                            {"source": self.arrow_positions, "target": self.arrow_positions,
                             "flow": self.arrow_flows})

    def positions(self, values: list) -> np.ndarray:
        assert self.index is not None
        found = self.index.get_indexer(values)
        if (found < 0).any():
            raise _Unusual  # a dangling link: the row-by-row reader names it
        return found

    @staticmethod
    def flows(values: list) -> np.ndarray:  # another spelling: left to the other readers
        return np.fromiter(map(_FLOW_CODES.__getitem__, values), np.int8, len(values))

    def arrow_positions(self, values: pa.StringArray) -> np.ndarray:
        # the block's distinct ids looked up in the members' index (hashed once)
        encoded = values.dictionary_encode()
        found = self.positions(encoded.dictionary.to_numpy(zero_copy_only=False))
        return found[encoded.indices.to_numpy()]

    def arrow_flows(self, values: pa.StringArray) -> np.ndarray:
        encoded = values.dictionary_encode()
        found = self.flows(encoded.dictionary.to_pylist())
        return found[encoded.indices.to_numpy()]

    def add_block(self, table: _Table, block: str) -> None:
        """A block of JSON row lines (each ``{...},``)."""
        arrow = self.arrow
        parsed = None if arrow is None else _parse_arrow(block, arrow)
        if arrow is None or parsed is None or not table.add_arrow(parsed, arrow):
            table.add(_parse(block))

    def members_read(self) -> None:
        members = self.members
        if members.count and any(n not in members.parts for n in ("id", "role")):
            raise _Unusual
        self.eco = eco = _new_ecosystem(*self.parts, None)
        if members.count:
            eco.add_members_from(members.frame())
        self.members = _Table(MEMBER_FIELDS)  # the columns are the ecosystem's now
        self.index = pd.Index(list(eco), dtype=object)

    def links_read(self) -> Ecosystem:
        eco, index, links = self.eco, self.index, self.links
        assert eco is not None and index is not None
        if links.count:
            if any(n not in links.parts for n in LINK_FIELDS):
                raise _Unusual
            frame = links.frame()
            self.links = _Table(LINK_FIELDS)
            for end in ("source", "target"):
                frame[end] = pd.Categorical.from_codes(frame[end].to_numpy(), categories=index)
            frame["flow"] = pd.Categorical.from_codes(frame["flow"].to_numpy(),
                                                      categories=pd.Index(_FLOWS, dtype=object))
            eco.add_links_from(frame)
        return eco


def _read(reader: _Reader, arrow: SimpleNamespace | None) -> Ecosystem | None:
    if reader.line() != "{\n":
        return None
    head_lines = []
    line = reader.line()
    while line.startswith('  "') and not line.startswith(('  "members": ', '  "links": ')):
        head_lines.append(line.rstrip("\n").removesuffix(","))
        line = reader.line()
    build = _Build(json.loads("{" + ",".join(head_lines) + "}",
                              object_pairs_hook=_refuse_duplicates), arrow)
    for table, key, end in ((build.members, "members", ","), (build.links, "links", "")):
        if line == f'  "{key}": [\n':
            for block in reader.blocks():
                build.add_block(table, block)
            line = reader.line()
            if line != f"  ]{end}\n":
                return None
        elif line != f'  "{key}": []{end}\n':
            return None
        if key == "members":
            build.members_read()
        line = reader.line()
    if line.rstrip("\n") != "}" or reader.rest().strip():
        return None
    return build.links_read()


def read_yaml_rows(text: str) -> Ecosystem | None:
    """The ecosystem of a YAML spec laid out as ecobelt writes it, built a chunk of rows at
    a time (the records of a whole table are never held at once), or None: then
    :func:`ecosystem._spec.read_yaml` reads it (the same ecosystem, or the error)."""
    from ._spec import MAX_DEPTH, _flow_depth, _Loader, _NotRows, _yaml_chunks
    start = text.find("\nmembers:\n")
    middle = text.find("\nlinks:\n", start) if start >= 0 else -1
    if middle < 0 or _flow_depth(text[:start + 1]) > MAX_DEPTH:
        return None
    try:
        head = yaml.load(text[:start + 1], Loader=_Loader)  # nesting checked just above
        if type(head) is not dict or "members" in head or "links" in head:
            return None
        build = _Build(head, None)
        for table, block in ((build.members, text[start + len("\nmembers:\n"):middle + 1]),
                             (build.links, text[middle + len("\nlinks:\n"):])):
            for rows, depth in _yaml_chunks(block.rstrip("\n")):
                if depth > MAX_DEPTH:
                    return None
                table.add((rows, None))  # duplicate keys were refused by the converter
            if table is build.members:
                build.members_read()
        return build.links_read()
    except (_Unusual, _NotRows, EcosystemError, ValueError, TypeError, OverflowError,
            RecursionError, KeyError, yaml.YAMLError):
        return None
