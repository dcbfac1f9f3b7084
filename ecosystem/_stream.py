"""JSON and YAML specs laid out as ecobelt writes them, read a block of rows at a time.

:func:`ecosystem._spec.iter_json` writes the head keys one per line, then each
member and each link on a line of its own. :func:`read_json_blocks` reads such
a file in pieces of a few megabytes (bytes, with the line ends and byte-order mark
of text mode), parses a block of rows at a time with the json module and turns
each block into typed columns at once, so that the text, the parsed records and
the columns of the whole file are never in memory together: at the end the
columns (numbers as numpy arrays, link ends as member positions) are built into
the ecosystem by the bulk table path, as :func:`ecosystem._columnar.from_spec_fast`
builds a parsed spec.

With pyarrow installed, a block whose lines all hold the same keys in the same
order, with strings and numbers only, is cut into columns by the positions of its
quotes (:mod:`ecosystem._jsonrows`, no parser); another block without escapes is
parsed by pyarrow's JSON reader (on every core) straight into typed columns (no
dict per record). The link ends are looked up among the members once, at the
end; the few rows holding a list or a mapping are read by the json module, and a
block the json module might read differently (a null, an int among a column's
floats, NaN, a number beyond int64) is read by the json module whole, so every
path gives the same columns.

Whatever does not fit (another layout, a duplicate key, a NaN value, a link to
no member, a flow spelled another way, a value that needs checking) makes it
return None, and the file is read whole and checked row by row as before, so
every file reads to the same ecosystem, or the same error, either way.
"""

from __future__ import annotations

import json
import math
import operator
import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import chain, compress, repeat
from types import SimpleNamespace
from typing import IO, TYPE_CHECKING, Any, Iterator, NamedTuple

import numpy as np
import pandas as pd
import yaml

from . import _arrow, _jsonrows
from ._errors import EcosystemError
from ._spec import _new_ecosystem, _refuse_duplicates, plain_head, value_problem
from .graph import Ecosystem
from .tables import _add_links
from .taxonomy import LINK_FIELDS, LINK_NUMERIC_ATTRIBUTES, MEMBER_FIELDS

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["read_json_blocks"]

#: Characters read at a time; a block of rows is what they hold (whole lines).
PIECE = 1 << 23
#: Bytes of a block that one of pyarrow's threads parses at a time.
_ARROW_BLOCK = 1 << 21
#: Blocks parsed at once, at most (at most one a core).
_WORKERS = 2
_FLOWS = ("information", "logistics", "capital", "technology")
_FLOW_CODES = {name: code for code, name in enumerate(_FLOWS)}
#: ``0, "`` read as a little-endian 32-bit number (what follows the dot of a whole float).
_ZERO_COMMA_QUOTE = int.from_bytes(b'0, "', "little")
#: Kinds of values of a column that may be handed over sparse (see ``_Table.column``).
_SPARSE_KINDS = frozenset({str, int, float, bool, list, dict})


class _Unusual(Exception):
    """The file is left to the whole-file reader."""


class _Absent:
    pass


_ABSENT = _Absent()


def _parse(block: bytes) -> tuple[list, int | None]:
    """The records of a block of row lines (each ``    {...},``) and the number of keys
    its text names (None when the records were checked for duplicate keys already)."""
    text = block.decode().rstrip()
    text = "[" + (text[:-1] if text.endswith(",") else text) + "]"
    if "\\" in text:  # escapes: keys cannot be counted in the text, so refuse duplicates
        return json.loads(text, object_pairs_hook=_refuse_duplicates), None
    # without escapes every '": ' ends a key: a duplicate key, which json.loads drops,
    # shows as fewer keys in the records than in the text
    return json.loads(text), text.count('": ')


class _Parsed(NamedTuple):
    """A block of row lines parsed by pyarrow."""

    table: Any  # pyarrow.Table, a row a line
    block: bytes  # the text as read
    text: np.ndarray  # its bytes with the comma after each row made a space
    ends: np.ndarray  # the position of every line end


def _parse_checked(block: bytes, arrow: Any, compiled: bool = False
                   ) -> _jsonrows.Rows | _Parsed | None:
    """The columns of a block cut by positions (:func:`ecosystem._jsonrows.parse_rows`), or
    else :func:`_parse_arrow` of it; the block must be UTF-8 text, as the whole-file reader
    reads it (pyarrow's reader takes a stray byte in a string for a replacement character)."""
    if not block.isascii():
        block.decode()
    rows = _jsonrows.parse_rows(block, arrow, compiled)
    return rows if rows is not None else _parse_arrow(block, arrow)


def _parse_arrow(block: bytes, arrow: Any) -> _Parsed | None:
    """The rows of a block parsed by pyarrow's JSON reader, or None where the json module
    reads the block."""
    if b"\\" in block:
        return None  # escapes: their keys and values are the json module's to read
    text = np.frombuffer(bytearray(block), np.uint8)
    ends = np.flatnonzero(text == 10)
    # a comma before a line end ends a row; as a space it leaves one JSON value a line
    before = ends[ends > 0] - 1
    text[before[text[before] == 44]] = 32
    try:
        table = arrow.json.read_json(
            arrow.pa.BufferReader(arrow.pa.py_buffer(text)),
            read_options=arrow.json.ReadOptions(block_size=_ARROW_BLOCK, use_threads=True))
    except (arrow.pa.ArrowException, ValueError):
        return None  # duplicate keys, mixed types in a column, anything else
    if table.num_rows != len(ends):
        return None  # two rows on a line, a blank line
    return _Parsed(table, block, text, ends)


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


def _written_whole(parsed: _Parsed, arrow: SimpleNamespace, columns: list,
                   others: np.ndarray) -> int:
    """How many numbers of the rows ``others`` (those not read by the json module) are
    written as ``<digits>.0``: pyarrow reads an int among a column's floats as a whole
    float, so every whole float must be one of these.

    Such a number ends with ``.0`` and is followed by ``, "`` (the next key) or ends the
    row (``}`` at a line end). Without escapes, ``.0, "`` is found elsewhere only where
    a string ending with ``.0, `` closes (a value or a key, counted from the columns;
    such a quote is followed by a comma, a brace, a colon or a space), and a row's end
    never inside a string (a string holds no line end).
    """
    table, block, text, ends = parsed
    size = len(text)
    dots = np.flatnonzero(text[:size - 4] == 46)
    # one comparison per dot instead of four: a four-byte view that starts at every byte
    after = np.ndarray((size - 4,), "<u4", text, 1, (1,))
    dots = dots[after[dots] == _ZERO_COMMA_QUOTE]
    if not others.all():
        dots = dots[others[np.searchsorted(ends, dots)]]
    # the row's last character before its line end (the comma is a space now)
    last = ends - 1 - (text[ends - 1] == 32)
    ending = (text[last] == 125) & (text[last - 1] == 48) & (text[last - 2] == 46)
    count = len(dots) + int(np.count_nonzero(ending & others))
    if not np.isin(text[np.minimum(dots + 5, size - 1)], (9, 10, 32, 44, 58, 125)).any():
        return count  # no string closes at one of the quotes counted
    keep = None if others.all() else arrow.pa.array(others)
    for name, column in zip(table.column_names, columns):
        present = column if keep is None else column.filter(keep)
        if name.endswith(".0, "):
            count -= len(present) - present.null_count
        if arrow.pa.types.is_string(column.type):
            count -= arrow.pc.sum(arrow.pc.ends_with(present, ".0, ")).as_py() or 0
    return count


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
        # the link attributes whose values must be numbers (none for the members)
        self.numeric = frozenset(LINK_NUMERIC_ATTRIBUTES) if reserved == LINK_FIELDS \
            else frozenset()

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
                if name in self.numeric and set(map(type, values)) - {int, float, _Absent}:
                    raise _Unusual  # the tables read None as missing here; the spec refuses it
                array, kinds = _piece_column(values, nested)
            self.parts.setdefault(name, []).append((self.count, array))
            self.kinds.setdefault(name, set()).update(kinds)
        if keys is not None and keys != sum(map(len, records)) + nested[0]:
            raise _Unusual  # a duplicate key: the whole-file reader reports it
        self.count += len(records)

    def add_arrow(self, parsed: _Parsed, arrow: SimpleNamespace) -> bool:
        """Add the columns of a block parsed by pyarrow; False (nothing added) where the
        json module must read the block."""
        table, block, text, ends = parsed
        types = arrow.pa.types
        count = table.num_rows
        names = table.column_names
        if any(c.null_count for c in table.columns) and b"null" in block:
            return False  # pyarrow reads a null as a missing key
        try:
            columns = [column.combine_chunks() for column in table.columns]
        except arrow.pa.ArrowException:  # seen with lists of nulls only
            return False
        flat = [types.is_string(c.type) or types.is_int64(c.type) or types.is_float64(c.type)
                or types.is_boolean(c.type) for c in columns]
        rows = np.empty(0, np.intp)
        records: list = []
        if not all(flat):  # lists and mappings: those rows read by the json module
            has = np.zeros(count, bool)
            for column, plain in zip(columns, flat):
                if not plain:
                    has |= column.is_valid().to_numpy(zero_copy_only=False)
            rows = np.flatnonzero(has)
            if len(rows) > count // 4:
                return False
            starts = np.concatenate(([0], ends[:-1] + 1))
            records = [json.loads(block[a:b].rstrip().removesuffix(b","))
                       for a, b in zip(starts[rows].tolist(), ends[rows].tolist())]
            if set(map(type, records)) - {dict}:
                return False
        others = np.ones(count, bool)
        others[rows] = False
        whole = 0  # whole floats outside the json-read rows
        added = []
        for name, column, plain in zip(names, columns, flat):
            kinds: set = {_Absent} if column.null_count else set()
            if not plain:
                values = [_ABSENT] * count
                for row, record in zip(rows.tolist(), records):
                    values[row] = record.get(name, _ABSENT)
                array, found = _piece_column(values, [0])
                kinds |= found
                if name in self.reserved or name in self.numeric:
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
            elif name in self.numeric and kinds - {int, float, _Absent}:
                return False
            if column.null_count and float not in kinds:
                array = np.full(count, math.nan, dtype=object)
                valid = column.is_valid().to_numpy(zero_copy_only=False)
                array[valid] = column.drop_null().to_pylist()
            else:
                array = column.to_numpy(zero_copy_only=False)
            added.append((name, array, kinds))
        if whole and whole != _written_whole(parsed, arrow, columns, others):
            return False  # an int among a column's floats, read by pyarrow as a float
        for name, array, kinds in added:
            self.parts.setdefault(name, []).append((self.count, array))
            self.kinds.setdefault(name, set()).update(kinds)
        self.count += count
        return True

    def add_rows(self, rows: _jsonrows.Rows) -> bool:
        """Add the columns of a block cut by positions; False (nothing added) where the
        json module must read the block."""
        added: list[tuple[str, Any, type]] = []
        for name, values, kind in rows.columns:
            if name in self.reserved:
                if kind is not str:
                    return False
                if name in self.arrow_codes:
                    added.append((name, self.arrow_codes[name](values), kind))
                    continue
            elif kind is str and name in self.numeric:
                return False
            added.append((name, values if kind is not str else
                          values.to_numpy(zero_copy_only=False), kind))
        for name, array, kind in added:
            self.parts.setdefault(name, []).append((self.count, array))
            self.kinds.setdefault(name, set()).add(kind)
        self.count += rows.size
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
        if out.dtype != object:
            return out
        if missing and given <= _SPARSE_KINDS and name not in self.reserved \
                and name not in self.numeric:
            # NaN is exactly the rows without the key here (a NaN value was refused, and
            # no value pandas takes for missing can be among these kinds): kept sparse,
            # the tables make the column without a Python step per row
            # (from a Series: pandas then keeps the objects as they are, unconverted)
            dense = pd.Series(out, dtype=object, copy=False)
            return pd.Series(pd.arrays.SparseArray(dense, dtype=pd.SparseDtype(object, math.nan)))
        return pd.Series(out, dtype=object)

    def frame(self) -> pd.DataFrame:
        """The whole table; its blocks are let go of a column at a time as they are joined
        (so that at most one column is held twice), which leaves the table empty."""
        columns = {}
        for name in list(self.parts):
            columns[name] = self.column(name)
            del self.parts[name]
        # not copied into blocks of one type: the tables copy what they keep
        return pd.DataFrame(columns, index=pd.RangeIndex(self.count), copy=False)


def _close(text: bytes) -> int:
    """Where the line closing a table (``  ]``) starts in ``text``, less one, or -1."""
    # the bracket alone is found fast; rows rarely hold one
    end = text.find(b"]")
    while end >= 0:
        if end >= 3 and text[end - 3:end] == b"\n  ":
            return end - 3
        end = text.find(b"]", end + 1)
    return -1


class _Reader:
    """Lines and blocks of row lines from a file read in pieces of :data:`PIECE` bytes,
    with the line ends text mode gives (``\\r\\n`` and ``\\r`` read as ``\\n``) and no
    byte-order mark, as the whole-file reader reads them."""

    def __init__(self, handle: IO[bytes]):
        self.handle, self.buffer = handle, b""
        self.first, self.carriage = True, False

    def read(self, size: int | None = None) -> bytes:
        if size is None:
            size = PIECE  # looked up now: tests make the pieces small
        if self.first:  # a byte-order mark is dropped whole
            self.first = False
            raw = self.handle.read(max(size, 3) if size >= 0 else size)
            piece = raw.removeprefix(b"\xef\xbb\xbf")
        else:
            raw = piece = self.handle.read(size)
        if self.carriage:  # a \r held back from the last piece: \r\n is one line end
            piece, self.carriage = b"\r" + piece, False
        if b"\r" in piece:
            if raw and size > 0 and piece.endswith(b"\r"):
                piece, self.carriage = piece[:-1], True
            piece = piece.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        return piece if piece or not raw else self.read(size)

    def line(self) -> bytes:
        while b"\n" not in self.buffer:
            piece = self.read()
            if not piece:
                line, self.buffer = self.buffer, b""
                return line
            self.buffer += piece
        end = self.buffer.index(b"\n") + 1
        line, self.buffer = self.buffer[:end], self.buffer[end:]
        return line

    def blocks(self) -> Iterator[bytes]:
        """Whole row lines up to the line that closes the table (``  ]``), which stays."""
        while True:
            text = self.buffer
            if text.startswith(b"  ]"):
                return
            close = _close(text)
            if close >= 0:
                self.buffer = text[close + 1:]
                yield text[:close + 1]
                return
            end = text.rfind(b"\n") + 1
            self.buffer = text[end:]
            if end:
                yield text[:end]
            piece = self.read()
            if not piece:
                raise _Unusual  # the file ends inside a table
            self.buffer += piece

    def rest(self) -> bytes:
        return self.buffer + self.read(-1)


def read_json_blocks(path: str) -> Ecosystem | None:
    """The ecosystem of a JSON spec laid out as ecobelt writes it, or None."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            return _read(_Reader(handle), _arrow.modules(size),
                         size >= _jsonrows.MIN_COMPILED_BYTES)
    except (_Unusual, EcosystemError, ValueError, TypeError, OverflowError, RecursionError,
            KeyError):
        return None


class _Build:
    """An ecosystem built from its members' blocks of records, then its links' blocks."""

    def __init__(self, head: Any, arrow: SimpleNamespace | None, compiled: bool = False):
        parts = plain_head(head) if type(head) is dict else None
        if parts is None:
            raise _Unusual
        self.parts, self.arrow, self.compiled = parts, arrow, compiled
        self.index: pd.Index | None = None
        self.eco: Ecosystem | None = None
        self.members = _Table(MEMBER_FIELDS)
        self.links = _Table(LINK_FIELDS, {"source": self.positions, "target": self.positions,
                                          "flow": self.flows},
                            {"source": self.arrow_positions, "target": self.arrow_positions,
                             "flow": self.arrow_flows})

    def positions(self, values: list) -> Any:
        """The members' positions of a block's link ends (with pyarrow: the ids, looked up
        at the end, all blocks at once)."""
        if self.arrow is not None:
            return self.arrow.pa.array(values, self.arrow.pa.string())
        assert self.index is not None
        found = self.index.get_indexer(values)
        if (found < 0).any():
            raise _Unusual  # a dangling link: the row-by-row reader names it
        return found

    @staticmethod
    def flows(values: list) -> np.ndarray:  # another spelling: left to the other readers
        return np.fromiter(map(_FLOW_CODES.__getitem__, values), np.int8, len(values))

    @staticmethod
    def arrow_positions(values: pa.StringArray) -> pa.StringArray:
        return values

    def arrow_flows(self, values: pa.StringArray) -> np.ndarray:
        encoded = values.dictionary_encode()
        found = self.flows(encoded.dictionary.to_pylist())
        return found[encoded.indices.to_numpy()]

    def add_blocks(self, table: _Table, blocks: Iterator[bytes]) -> None:
        """The blocks of JSON row lines (each ``{...},``) of a table, in order; with pyarrow
        the next blocks are parsed while this one's columns are made."""
        arrow = self.arrow
        if arrow is None:
            for block in blocks:
                table.add(_parse(block))
            return
        # the blocks cut by positions are parsed on one core each (numpy and pyarrow's
        # kernels let go of the interpreter), so as many at once as there are cores
        workers = max(1, min(_WORKERS, os.cpu_count() or 1))
        with ThreadPoolExecutor(workers) as pool:
            pending: deque[tuple[bytes, Future]] = deque()
            for block in blocks:
                pending.append((block, pool.submit(_parse_checked, block, arrow, self.compiled)))
                if len(pending) > workers:
                    self.add_parsed(table, *pending.popleft())
            while pending:
                self.add_parsed(table, *pending.popleft())

    def add_parsed(self, table: _Table, block: bytes, parsing: Future) -> None:
        assert self.arrow is not None
        parsed = parsing.result()
        if isinstance(parsed, _jsonrows.Rows):
            if not table.add_rows(parsed):
                table.add(_parse(block))
        elif parsed is None or not table.add_arrow(parsed, self.arrow):
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
            if self.arrow is not None:
                self.arrow_ends(links, index)
            frame = links.frame()
            self.links = _Table(LINK_FIELDS)
            if self.arrow is not None:  # the blocks' numbers pyarrow converted, let go of
                self.arrow.pa.default_memory_pool().release_unused()
            # the codes are positions among the categories already: nothing to validate
            members = pd.CategoricalDtype(index)
            for end in ("source", "target"):
                frame[end] = pd.Categorical.from_codes(frame[end].to_numpy(), dtype=members,
                                                       validate=False)
            frame["flow"] = pd.Categorical.from_codes(
                frame["flow"].to_numpy(), dtype=pd.CategoricalDtype(pd.Index(_FLOWS, dtype=object)),
                validate=False)
            # the frame's columns become the ecosystem's: not copied, the peak one frame less
            _add_links(eco, frame, copy=False)
        return eco

    def arrow_ends(self, links: _Table, index: pd.Index) -> None:
        """The link ends' ids of every block looked up among the members at once (one hash
        table of the ids, not one a block), the sources and the targets side by side."""
        arrow = self.arrow
        assert arrow is not None
        pa = arrow.pa
        ids = pa.array(index.to_numpy(), pa.string())

        def positions(end: str) -> np.ndarray:
            found = arrow.pc.index_in(
                pa.chunked_array([array for _, array in links.parts[end]], pa.string()),
                value_set=ids)
            if found.null_count:
                raise _Unusual  # a dangling link: the row-by-row reader names it
            return found.to_numpy()

        with ThreadPoolExecutor(2) as pool:
            found = dict(zip(("source", "target"), pool.map(positions, ("source", "target"))))
        for end, codes in found.items():
            links.parts[end] = [(0, codes)]
        # the ids' text is let go of; pyarrow's allocator would keep its pages for reuse
        pa.default_memory_pool().release_unused()


def _read(reader: _Reader, arrow: SimpleNamespace | None, compiled: bool = False
          ) -> Ecosystem | None:
    if reader.line() != b"{\n":
        return None
    head_lines = []
    line = reader.line()
    while line.startswith(b'  "') and not line.startswith((b'  "members": ', b'  "links": ')):
        head_lines.append(line.decode().rstrip("\n").removesuffix(","))
        line = reader.line()
    build = _Build(json.loads("{" + ",".join(head_lines) + "}",
                              object_pairs_hook=_refuse_duplicates), arrow, compiled)
    # with pyarrow the link blocks need nothing of the members until the end, so the
    # members are built into the ecosystem beside them, on a core the parser leaves free
    with ThreadPoolExecutor(1) as beside:
        members: Future | None = None
        for table, key, end in ((build.members, "members", ","), (build.links, "links", "")):
            if line == f'  "{key}": [\n'.encode():
                build.add_blocks(table, reader.blocks())
                line = reader.line()
                if line != f"  ]{end}\n".encode():
                    return None
            elif line != f'  "{key}": []{end}\n'.encode():
                return None
            if key == "members":
                if arrow is None:
                    build.members_read()
                else:
                    members = beside.submit(build.members_read)
            line = reader.line()
        if members is not None:
            members.result()  # its error, if any, as the members' own
        # after the end only what JSON counts as whitespace, as the whole-file reader reads it
        if line.rstrip(b"\n") != b"}" or reader.rest().strip(b" \t\n\r"):
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
