"""The member and link records of a column-backed ecosystem, for the spec writers.

:func:`ecosystem._spec.spec_parts` hands the writers one :class:`ColumnRecords`
per table. Iterated, it gives the records a chunk of rows at a time (what
``to_spec`` and other readers of records see); asked for text, it writes the
rows of JSON or YAML flow style a column at a time: each column's values are
encoded once (numbers through ``float.__repr__`` / ``int.__repr__``, strings
through the json module's own escaping, member ids once for every link that
names them) and a row is one ``%`` formatting of its cells. With pyarrow
installed, numbers are spelled and rows joined by pyarrow's compute functions a
chunk at a time instead (the same text: floats as ``float.__repr__`` spells
them, see :func:`ecosystem._arrow.float_texts`). Any row holding a
value that needs a closer look (a list, a dict, a numpy scalar, a string with a
backslash or a character YAML cannot hold) is written by the record writer of
:mod:`ecosystem._spec`, so every file is byte for byte the one the record writer
would give, errors included.
"""

from __future__ import annotations

import json.encoder
from itertools import compress
from typing import TYPE_CHECKING, Any, Iterator, Sequence

import numpy as np

from . import _arrow, _spec

if TYPE_CHECKING:
    from .graph import Ecosystem

__all__ = ["ColumnRecords", "member_records", "link_records"]

#: Rows encoded at once: large enough for numpy, small enough to keep the text of a chunk
#: a small fraction of the ecosystem.
CHUNK = 1 << 16

_encode_string = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) uses
_JSON_SPECIAL = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}
_YAML_SPECIAL = {"nan": ".nan", "inf": ".inf", "-inf": "-.inf"}


class _Cell:
    """One column of a table: its key, values and the rows that have it (None: all).

    ``rows`` (if given) maps the table's rows to positions in ``values``: the
    link order for link columns, and for the link ends and flows the member or
    flow of each link. The values of a ``gather`` cell (member ids, flows) are
    encoded once per save, for both tables, then taken row by row.
    """

    __slots__ = ("key", "values", "present", "rows", "gather")

    def __init__(self, key: str, values: np.ndarray, present: np.ndarray | None,
                 rows: np.ndarray | None = None, gather: bool = False):
        self.key, self.values, self.present, self.rows = key, values, present, rows
        self.gather = gather

    def take(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray | None]:
        if self.rows is None:
            values = self.values[start:stop]
            present = None if self.present is None else self.present[start:stop]
        else:
            rows = self.rows[start:stop]
            values = self.values[rows]
            present = None if self.present is None else self.present[rows]
        return values, present

    def value(self, row: int) -> tuple[bool, Any]:
        position = row if self.rows is None else int(self.rows[row])
        if self.present is not None and not self.present[position]:
            return False, None
        value = self.values[position]
        return True, value.item() if self.values.dtype != object else value


def _string_text(value: str, yaml_row: bool) -> str | None:
    """A string's text in a row, or None if its row must go through the record writer."""
    text = _encode_string(value)
    if yaml_row:
        if "\\" in text or (not text.isascii() or "\x7f" in text) and \
                _spec._YAML_UNSAFE.search(text):
            return None  # quoting decided for the whole row; escapes of its own
        return text[1:-1] if _spec._UNQUOTE.fullmatch(text) else text
    if not text.isascii() and _spec._SURROGATE.search(text):
        return None
    return text


def _float_texts(values: np.ndarray, yaml_row: bool) -> list[str]:
    texts = list(map(float.__repr__, values.tolist()))
    special = _YAML_SPECIAL if yaml_row else _JSON_SPECIAL
    for i in np.flatnonzero(~np.isfinite(values)).tolist():
        texts[i] = special[texts[i]]
    if yaml_row:  # an exponent: YAML 1.1 needs a dot in the mantissa and a sign
        size = np.abs(values)
        for i in np.flatnonzero((size >= 1e15) & np.isfinite(size)
                                | (size < 1e-3) & (size > 0)).tolist():
            if "e" in texts[i]:
                texts[i] = _spec._JSON_TOKEN.sub(_spec._yaml_number, texts[i])
    return texts


def _object_texts(values: list, yaml_row: bool, bad: list[bool]) -> list[str]:
    """The texts of Python values; ``bad`` marks those left to the record writer."""
    texts: list[str] = []
    append = texts.append
    strings: dict[str, str | None] = {}
    special = _YAML_SPECIAL if yaml_row else _JSON_SPECIAL
    for i, value in enumerate(values):
        kind = type(value)
        text: str | None
        if kind is str:
            text = strings.get(value, "")
            if text == "":
                text = strings[value] = _string_text(value, yaml_row)
        elif kind is float:
            text = float.__repr__(value)
            if value - value != 0.0:  # NaN or infinite
                text = special[text]
            elif yaml_row and "e" in text:
                text = _spec._JSON_TOKEN.sub(_spec._yaml_number, text)
        elif kind is int:
            try:
                text = int.__repr__(value)
            except ValueError:  # beyond the digits Python converts: the writer reports it
                text = None
        elif kind is bool:
            text = "true" if value else "false"
        elif value is None:
            text = "null"
        else:
            text = None
        if text is None:
            bad[i] = True
            text = ""
        append(text)
    return texts


def _texts(values: np.ndarray, present: np.ndarray | None, yaml_row: bool
           ) -> tuple[list[str], np.ndarray | None]:
    """The text of every row's value ("" where absent) and the rows to write by record."""
    kind = values.dtype.kind
    if kind == "f":
        texts = _float_texts(values, yaml_row)
    elif kind == "i":
        texts = list(map(int.__repr__, values.tolist()))
    elif kind == "b":
        texts = np.where(values, "true", "false").tolist()
    else:
        if present is None:
            bad = [False] * len(values)
            encoded = _object_texts(values.tolist(), yaml_row, bad)
            return encoded, np.array(bad) if any(bad) else None
        given = list(compress(values.tolist(), present.tolist()))
        bad = [False] * len(given)
        encoded = _object_texts(given, yaml_row, bad)
        texts = [""] * len(values)
        flags = np.zeros(len(values), bool)
        where = np.flatnonzero(present)
        for position, text in zip(where.tolist(), encoded):
            texts[position] = text
        if any(bad):
            flags[where[np.array(bad)]] = True
            return texts, flags
        return texts, None
    return texts, None


class ColumnRecords:
    """The records of one table, read from columns (see the module docstring).

    ``cells`` are the record's keys in order; ``build`` makes the record of one row
    from ``(key, value)`` pairs of the cells it has, as the record writer does.
    """

    def __init__(self, table: str, count: int, cells: Sequence[_Cell], members: bool,
                 texts: dict | None = None):
        self.table, self.count, self.cells, self.members = table, count, list(cells), members
        # the texts of gather cells' values, shared by the tables of one spec
        self.texts: dict = {} if texts is None else texts

    def __len__(self) -> int:
        return self.count

    # ---------------------------------------------------------------- records
    def _record(self, pairs: list[tuple[str, Any]]) -> dict:
        if self.members:
            record = dict(pairs[:2])  # id and role as they are, the rest plain
            record.update((k, v if k == "ring" else _spec.plain(v)) for k, v in pairs[2:])
            return record
        record = dict(pairs[:3])  # source, target, flow
        record.update((k, _spec.plain(v)) for k, v in pairs[3:])
        return record

    def _pairs(self, row: int) -> list[tuple[str, Any]]:
        pairs = []
        for cell in self.cells:
            has, value = cell.value(row)
            if has:
                pairs.append((cell.key, value))
        return pairs

    def _chunk_pairs(self, start: int, stop: int) -> list[list[tuple[str, Any]]]:
        rows: list[list[tuple[str, Any]]] = [[] for _ in range(stop - start)]
        for cell in self.cells:
            values, present = cell.take(start, stop)
            items = values.tolist()
            if present is None:
                for pairs, value in zip(rows, items):
                    pairs.append((cell.key, value))
            else:
                mask = present.tolist()
                for pairs, value in zip(compress(rows, mask), compress(items, mask)):
                    pairs.append((cell.key, value))
        return rows

    def __iter__(self) -> Iterator[dict]:
        for start in range(0, self.count, CHUNK):
            stop = min(start + CHUNK, self.count)
            yield from map(self._record, self._chunk_pairs(start, stop))

    # ------------------------------------------------------------------- text
    def text_chunks(self, file: str | None, yaml_row: bool, prefix: str, separator: str,
                    encoded: bool = False) -> Iterator[Any] | None:
        """The rows as text in chunks (``prefix`` before each row, ``separator`` between
        rows), or their UTF-8 bytes if ``encoded`` (bytes, or memoryviews of pyarrow's
        buffers: a gigabyte of rows is neither decoded nor encoded again), or None where a
        key needs the record writer."""
        keys = []
        for cell in self.cells:
            key = _string_text(cell.key, yaml_row) if type(cell.key) is str else None
            if key is None:
                return None
            keys.append(key)
        return self._text(keys, file, yaml_row, prefix, separator, encoded)

    def _text(self, keys: list[str], file: str | None, yaml_row: bool, prefix: str,
              separator: str, encoded: bool) -> Iterator[Any]:
        gathered = {}
        for cell in self.cells:  # member ids and flows: each one's text once
            if cell.gather and id(cell.values) not in gathered:
                spelling = (id(cell.values), yaml_row)
                if spelling not in self.texts:
                    texts, bad = _texts(cell.values, None, yaml_row)
                    self.texts[spelling] = (np.array(texts, dtype=object),
                                            np.zeros(len(texts), bool) if bad is None else bad)
                gathered[id(cell.values)] = self.texts[spelling]
        arrow = _arrow.modules(self.count * 64)  # bytes of a row or so
        arrow_gathered: dict | None = None
        if arrow is not None:
            try:  # each member's and flow's text once, as a pyarrow array to take rows from
                arrow_gathered = {key_id: arrow.pa.array(spelled, arrow.pa.string())
                                  for key_id, (spelled, _) in gathered.items()}
            except (arrow.pa.ArrowException, ValueError, TypeError):
                arrow_gathered = None

        def chunk(start: int) -> memoryview | str:
            stop = min(start + CHUNK, self.count)
            if arrow is not None and arrow_gathered is not None:
                view = self._arrow_text(arrow, arrow_gathered, gathered, keys, file, yaml_row,
                                        prefix, separator, start, stop)
                if view is not None:
                    return view
            return self._python_text(gathered, keys, file, yaml_row, prefix, separator,
                                     start, stop)

        starts = range(0, self.count, CHUNK)
        # pyarrow's kernels let go of the GIL: the next chunks are made while one is written
        made = _arrow.in_order(chunk, starts) if arrow is not None else map(chunk, starts)
        for i, text in enumerate(made):
            if encoded:
                if i:
                    yield separator.encode()
                yield text.encode() if isinstance(text, str) else text
            else:
                text = text if isinstance(text, str) else str(text, "utf-8")
                yield separator + text if i else text

    def _python_text(self, gathered: dict, keys: list[str], file: str | None, yaml_row: bool,
                     prefix: str, separator: str, start: int, stop: int) -> str:
        """The rows ``start:stop`` as text, each one ``%`` formatting of its cells."""
        layout = [prefix.replace("%", "%%") + "{"]
        columns: list[list[str]] = []
        slow: np.ndarray | None = None
        for j, (cell, key) in enumerate(zip(self.cells, keys)):
            lead = ("" if j == 0 else ", ") + key + ": "
            if cell.gather:
                once, flags = gathered[id(cell.values)]
                positions: slice | np.ndarray = slice(start, stop) if cell.rows is None \
                    else cell.rows[start:stop]
                texts = once[positions].tolist()
                bad = flags[positions] if flags.any() else None
                present = None
            else:
                values, present = cell.take(start, stop)
                texts, bad = _texts(values, present, yaml_row)
            if bad is not None:
                slow = bad if slow is None else slow | bad
            if present is None:  # the key goes in the layout, once
                layout.append(lead.replace("%", "%%") + "%s")
                columns.append(texts)
            else:
                layout.append("%s")
                columns.append([lead + text if has else ""
                                for has, text in zip(present.tolist(), texts)])
        layout.append("}")
        rows = list(map("".join(layout).__mod__, zip(*columns)))
        if slow is not None:
            for i in np.flatnonzero(slow).tolist():
                rows[i] = prefix + _spec._row_text(
                    self._record(self._pairs(start + i)), file,
                    f"{self.table}[{start + i}]", yaml_row)
        return separator.join(rows)

    def _arrow_text(self, arrow: Any, arrow_gathered: dict, gathered: dict, keys: list[str],
                    file: str | None, yaml_row: bool, prefix: str, separator: str,
                    start: int, stop: int) -> memoryview | None:
        """The UTF-8 bytes of the rows ``start:stop`` joined by pyarrow (the text the ``%``
        layout gives), or None where a value needs the Python path."""
        pa, pc = arrow.pa, arrow.pc
        parts: list = []
        lead = prefix + "{"  # text common to every row, up to the next column's values
        slow: np.ndarray | None = None
        try:
            for j, (cell, key) in enumerate(zip(self.cells, keys)):
                present = None
                bad = None
                if cell.gather:
                    texts = arrow_gathered[id(cell.values)]
                    positions: slice | np.ndarray
                    if cell.rows is None:
                        positions = slice(start, stop)
                        texts = texts.slice(start, stop - start)
                    else:
                        positions = cell.rows[start:stop]
                        texts = texts.take(pa.array(positions))
                    flags = gathered[id(cell.values)][1]
                    bad = flags[positions] if flags.any() else None
                else:
                    values, present = cell.take(start, stop)
                    if values.dtype.kind in "fib":
                        texts = _arrow.number_texts(
                            arrow, values, lambda v: _float_texts(v, yaml_row))
                    else:
                        listed, bad = _texts(values, present, yaml_row)
                        texts = pa.array(listed, pa.string())
                if bad is not None:
                    slow = bad if slow is None else slow | bad
                key_text = ("" if j == 0 else ", ") + key + ": "
                if present is None:
                    parts += [lead + key_text, texts]
                    lead = ""
                else:  # the key only in the rows that have a value
                    texts = pc.binary_join_element_wise(key_text, texts, "")
                    parts += [lead, pc.if_else(pa.array(present), texts, "")]
                    lead = ""
            parts.append(lead + "}" + separator)
            rows = pc.binary_join_element_wise(*parts, "")
            if slow is not None:
                where = np.flatnonzero(slow).tolist()
                rows = pc.replace_with_mask(rows, pa.array(slow), pa.array([
                    prefix + _spec._row_text(self._record(self._pairs(start + i)), file,
                                             f"{self.table}[{start + i}]", yaml_row)
                    + separator for i in where], pa.string()))
        except (pa.ArrowException, ValueError, TypeError):
            return None  # a lone surrogate, a chunk beyond 2 GiB: the Python path decides
        return _arrow.text_view(rows)[:-len(separator.encode())]


def member_records(eco: Ecosystem, texts: dict | None = None) -> ColumnRecords:
    """The member records of a column-backed ecosystem (``eco._graph`` is None);
    ``texts`` shares the ids' texts with :func:`link_records`."""
    store = eco._columns()
    count = len(store.ids)
    columns = store.members
    cells = [_Cell("id", store.ids, None, gather=True)]
    if count:
        role, ring = columns["role"], columns["ring"]
        rings = {role: ring.value for role, ring in eco.roles.items()}
        roles = role.as_object()
        default = np.fromiter(map(rings.get, roles.tolist()), dtype=object, count=count)
        differs = ring.as_object() != default
        if ring.present is not None:
            differs &= ring.present
        cells += [_Cell("role", roles, role.present), _Cell("ring", ring.as_object(), differs)]
    for key, column in columns.items():
        if key not in ("role", "ring"):
            cells.append(_Cell(key, column.values, column.present))
    return ColumnRecords("members", count, cells, members=True, texts=texts)


def link_records(eco: Ecosystem, texts: dict | None = None) -> ColumnRecords:
    """The link records of a column-backed ecosystem, in networkx's link order."""
    from ._columns import FLOW_NAMES
    store = eco._columns()
    rows = eco._ordered_rows()
    ids = store.ids
    flows = np.asarray(FLOW_NAMES, dtype=object)
    cells = [_Cell("source", ids, None, store.source[rows], gather=True),
             _Cell("target", ids, None, store.target[rows], gather=True),
             _Cell("flow", flows, None, store.flow[rows].astype(np.intp), gather=True)]
    cells += [_Cell(key, column.values, column.present, rows)
              for key, column in store.links.items()]
    return ColumnRecords("links", len(rows), cells, members=False, texts=texts)
