"""Members and links as typed columns: the storage of an :class:`~ecosystem.Ecosystem`.

An ecosystem keeps its members as an array of ids plus one :class:`Column`
per attribute (``role`` and ``ring`` first), and its links as three integer
arrays (source and target positions in member order, the flow's position in
``list(Flow)``) plus one :class:`Column` per link attribute. A column is a
numpy array of float64, int64 or bool when every value it holds is a Python
``float``, ``int`` or ``bool`` (the values come back as exactly those types),
an object array otherwise, and a mask of the rows that have the attribute at
all (``None`` when all have it).

Members and links added one at a time wait in a list and join the columns on
the next read, so an interactive model built by thousands of ``link`` calls
does not copy the arrays thousands of times; changing a waiting row changes its
dict. A link is found by its code (source, target, flow as one integer) in a
sorted array of the codes, built once, and a dict of the codes added since,
which is merged into the array once it holds an eighth as many (and more than
65,536): no Python object per link of a large ecosystem, a dict alone for a
small one, and about one sort per doubling of a model built link by link.

Attribute order
---------------
``Store.members`` and ``Store.links`` give the columns in the order networkx
meets them when it walks its dicts: by the first member (in member order) or
the first link (in link order, below) that has each; columns first met in the
same row in the order they were made (a bulk table's in its own order). That is
the order of ``to_pandas`` and the files whatever edits came before, removals
included, and the order a networkx-backed ecosystem gives too, except among
columns first met in the same row: a networkx dict keeps each row's own order of
its keys, the columns one order for every row.

Link order
----------
Rows are kept in the order links were added. The order every reader sees
(:meth:`Store.order`) is networkx's: source by source in member order, then
by the first link of each (source, target) pair, then by row, which is what
iterating the networkx graph built from these rows gives. Removing the first
link of a pair that keeps other links moves the pair's next link into its row,
so the pair keeps its place, as it does in networkx's dicts.
"""

from __future__ import annotations

from collections import deque
from itertools import chain, compress, repeat
from operator import is_not
from typing import TYPE_CHECKING, Any, Callable, Hashable, Iterable, Mapping

import numpy as np

if TYPE_CHECKING:  # networkx loads when a graph is first built, pandas when a table is read
    import networkx as nx
    import pandas as pd

__all__ = ["Column", "Store", "column_from_values", "column_from_series", "FLOW_NAMES"]

#: Flow names in ``list(Flow)`` order (the flow code of a link is its position here).
FLOW_NAMES = ("information", "logistics", "capital", "technology")
_FLOW_CODES = {name: code for code, name in enumerate(FLOW_NAMES)}
_TYPED = {float: np.dtype(np.float64), int: np.dtype(np.int64), bool: np.dtype(np.bool_)}
_FILL = {"f": np.nan, "i": 0, "b": False}
# what pandas' isna finds that is a missing value in a table too (NaN, and pandas' NA added
# by column_from_series; None is a value)
_MISSING_KINDS = {float, np.float64, np.float32, np.float16}
# links added since the sorted codes were built, looked up in a dict, before a merge: an
# eighth of the sorted ones, and at least as many as a small model holds in all
_RECENT = 1 << 16


class Column:
    """One attribute over every row: ``values`` and ``present`` (None: every row has it)."""

    __slots__ = ("values", "present")

    def __init__(self, values: np.ndarray, present: np.ndarray | None = None):
        self.values = values
        self.present = None if present is None or present.all() else present

    def __len__(self) -> int:
        return len(self.values)

    def take(self, index: np.ndarray) -> "Column":
        return Column(self.values[index], None if self.present is None else self.present[index])

    def mask(self) -> np.ndarray:
        return np.ones(len(self.values), bool) if self.present is None else self.present

    def as_object(self) -> np.ndarray:
        """The values as Python objects (typed arrays' values become float, int, bool)."""
        return self.values if self.values.dtype == object else self.values.astype(object)

    def get(self, row: int) -> tuple[bool, Any]:
        if self.present is not None and not self.present[row]:
            return False, None
        value = self.values[row]
        return True, value.item() if self.values.dtype != object else value

    def set(self, row: int, value: Any) -> "Column":
        """This column with ``row`` set to ``value`` (a new object column if the type differs)."""
        values = self.values
        typed = _TYPED.get(type(value))
        # numpy reads a None dtype as float64, so "no typed array fits" must be asked first
        if values.dtype != object and (typed is None or typed != values.dtype):
            values = values.astype(object)
        elif values.dtype == np.int64:
            try:
                np.int64(value)
            except OverflowError:
                values = values.astype(object)
        if values.dtype == object:  # a list or tuple value is one object, not a sequence to spread
            values[row:row + 1] = _object_array([value], 1)
        else:
            values[row] = value
        present = self.present
        if present is not None:
            present[row] = True
        return Column(values, present)


def _object_array(values: Iterable[Any], count: int) -> np.ndarray:
    # fromiter keeps lists and tuples as single objects where np.array would nest them
    return np.fromiter(values, dtype=object, count=count)


def column_from_values(values: list[Any], present: np.ndarray | None = None) -> Column:
    """A column of Python values (rows where ``present`` is False have no value)."""
    given = values if present is None else list(compress(values, present.tolist()))
    kinds = set(map(type, given))
    if len(kinds) == 1:
        dtype = _TYPED.get(next(iter(kinds)))
        if dtype is not None:
            if present is not None:
                fill = _FILL[dtype.kind]
                values = [v if p else fill for v, p in zip(values, present.tolist())]
            try:
                return Column(np.array(values, dtype=dtype), present)
            except OverflowError:  # an int beyond 64 bits stays a Python int
                pass
    return Column(_object_array(values, len(values)), present)


def _python(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def column_from_series(series: pd.Series, copy: bool = True) -> Column | None:
    """A column of a table: NaN, None-less NA and pandas' NA mean "no such attribute".

    In an object column ``None`` is a value; numpy scalars become Python ones,
    as :func:`ecosystem.tables` has always read them. None if no row has a value.
    ``copy=False``: a float, int or bool column keeps the series' own array where it
    has the column's type (the caller's series is not used again).
    """
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "fiub":
        values = series.to_numpy()
        if not copy and not values.flags.writeable:
            try:  # pandas hands out a read-only view of its own array
                values = values.view()
                values.setflags(write=True)
            except ValueError:
                copy = True  # an array no one may write to
        # otherwise a copy: set() writes in place
        if dtype.kind == "f":
            present = ~np.isnan(values)
            if not present.any():
                return None
            return Column(values.astype(np.float64, copy=copy), present)
        if dtype.kind == "u" and len(values) and values.max() > np.iinfo(np.int64).max:
            return Column(_object_array(values.tolist(), len(values)))
        return Column(values.astype(np.int64 if dtype.kind in "iu" else np.bool_, copy=copy))
    if isinstance(dtype, pd.StringDtype):  # strings and missing values only
        missing = series.isna().to_numpy(dtype=bool)
        if missing.all() and len(missing):
            return None
        return Column(series.to_numpy(dtype=object, na_value=None), ~missing)
    if isinstance(dtype, pd.SparseDtype) and dtype.subtype == np.dtype(object) and len(series) and \
            np.ndim(pd.isna(dtype.fill_value)) == 0 and pd.isna(dtype.fill_value) and \
            series.array.sp_index.npoints < len(series):
        return _sparse_column(series.array)
    if isinstance(dtype, np.dtype) and dtype.kind == "O":
        objects = series.to_numpy(dtype=object)
        values = objects.tolist()
        if any(issubclass(kind, np.generic) for kind in set(map(type, values))):
            values = [_python(v) for v in values]
        # pandas' isna is C-fast but also takes None and NaT, which are values here
        missing = pd.isna(objects)
        if not set(map(type, objects[missing].tolist())) <= _MISSING_KINDS | {type(pd.NA)}:
            for i in np.flatnonzero(missing).tolist():
                v = values[i]
                missing[i] = v is pd.NA or (isinstance(v, float) and v != v)
    else:
        values = series.tolist()
        missing = series.isna().to_numpy(dtype=bool)
    if missing.all() and len(values):
        return None
    return column_from_values(values, ~missing if missing.any() else None)


def _sparse_column(array: Any) -> Column | None:
    """:func:`column_from_series` of a sparse object array whose gaps (its fill value) are
    missing: the column the general path makes of its values and ``isna`` (where None is
    missing too), with a Python step per stored value, not per row."""
    import pandas as pd

    count = len(array)
    rows = array.sp_index.indices
    stored = array.sp_values
    held = ~pd.isna(stored)  # as the series' isna reads them, None too
    if not held.any():
        return None
    present = np.zeros(count, bool)
    present[rows[held]] = True
    given = stored[held].tolist()
    kinds = set(map(type, given))
    if len(kinds) == 1:
        typed = _TYPED.get(next(iter(kinds)))
        if typed is not None:
            values = np.full(count, _FILL[typed.kind], typed)
            try:
                values[rows[held]] = np.array(given, dtype=typed)
                return Column(values, present)
            except OverflowError:  # an int beyond 64 bits stays a Python int (as filled)
                values = np.full(count, _FILL[typed.kind], dtype=object)
                values[rows[held]] = stored[held]
                return Column(values, present)
    values = np.full(count, array.fill_value, dtype=object)
    values[rows] = stored
    return Column(values, present)


def _concat(first: Column | None, n_first: int, second: Column | None, n_second: int
            ) -> Column:
    parts: list[tuple[np.ndarray | None, np.ndarray]] = []
    for column, n in ((first, n_first), (second, n_second)):
        if column is None:
            parts.append((None, np.zeros(n, bool)))
        else:
            parts.append((column.values, column.mask()))
    dtypes = {values.dtype for values, _ in parts if values is not None}
    dtype = dtypes.pop() if len(dtypes) == 1 else np.dtype(object)
    if dtype.kind != "O":
        arrays = [values if values is not None else np.full(len(mask), _FILL[dtype.kind], dtype)
                  for values, mask in parts]
    else:
        arrays = [np.full(len(mask), None, object) if values is None else
                  (values if values.dtype == object else values.astype(object))
                  for values, mask in parts]
    return Column(np.concatenate(arrays), np.concatenate([mask for _, mask in parts]))


def concat_tables(first: dict[Any, Column], n_first: int, second: dict[Any, Column],
                  n_second: int) -> dict[Any, Column]:
    """Rows of ``second`` after those of ``first``; columns in first-seen order."""
    if n_first == 0:
        return dict(second)
    if n_second == 0:
        return dict(first)
    names = list(dict.fromkeys([*first, *second]))
    return {name: _concat(first.get(name), n_first, second.get(name), n_second)
            for name in names}


def table_from_dicts(rows: list[Mapping[Any, Any]]) -> dict[Any, Column]:
    """Columns of attribute dicts (a key missing from a dict: no value in that row)."""
    names = list(dict.fromkeys(chain.from_iterable(rows)))
    table = {}
    marker = object()
    get: Callable[..., Any] = dict.get  # map with a C method: no Python call per row
    for name in names:
        values = list(map(get, rows, repeat(name), repeat(marker)))
        present = np.fromiter(map(is_not, values, repeat(marker)), bool, len(values))
        table[name] = column_from_values(values, None if present.all() else present)
    return table


def table_take(table: dict[Any, Column], index: np.ndarray) -> dict[Any, Column]:
    taken = {name: column.take(index) for name, column in table.items()}
    # a column no row has any more is gone, as the key from every dict would be
    return {name: column for name, column in taken.items()
            if len(column) and (column.present is None or column.present.any())}


def table_rows(table: dict[Any, Column], n: int, index: np.ndarray | None = None
               ) -> list[dict[Any, Any]]:
    """Every row (or the rows ``index``) as a new attribute dict, built column by column."""
    count = n if index is None else len(index)
    rows: list[dict[Any, Any]] = [{} for _ in range(count)]
    for name, column in table.items():
        values = column.values if index is None else column.values[index]
        present = column.present
        if present is not None and index is not None:
            present = present[index]
        filled = values.tolist()
        if present is None:
            deque(map(dict.__setitem__, rows, repeat(name), filled), maxlen=0)
        else:
            mask = present.tolist()
            deque(map(dict.__setitem__, compress(rows, mask), repeat(name),
                      compress(filled, mask)), maxlen=0)
    return rows


def table_row(table: dict[Any, Column], row: int) -> dict[Any, Any]:
    out = {}
    for name, column in table.items():
        has, value = column.get(row)
        if has:
            out[name] = value
    return out


def _link_code(source: Any, target: Any, flow: Any) -> Any:
    # one integer per (source, target, flow): ids below 2**30 members
    return (source << 32) | (target << 2) | flow


class Store:
    """The columns of one ecosystem (see the module docstring)."""

    def __init__(self) -> None:
        self.ids = np.empty(0, dtype=object)
        # the columns in the order they were made; ``members`` and ``links`` give them in
        # first-met order (worked out when asked for, kept until a change can move one)
        self._members: dict[Any, Column] = {}
        self._members_view: dict[Any, Column] | None = None
        self.source = np.empty(0, dtype=np.int64)
        self.target = np.empty(0, dtype=np.int64)
        self.flow = np.empty(0, dtype=np.int8)
        self._links: dict[Any, Column] = {}
        self._links_view: dict[Any, Column] | None = None
        self._new_members: list[tuple[str, dict]] = []
        self._new_links: list[tuple[int, int, int, dict]] = []
        self._index: dict[str, int] | None = None
        # the link index: codes of rows [0, len(_sorted)) sorted, with their rows (None: the
        # codes are in row order), and the rows added since by code
        self._sorted: np.ndarray | None = None
        self._sorted_rows: np.ndarray | None = None
        self._recent: dict[int, int] = {}
        self._cache: dict[Any, Any] = {}

    def __getstate__(self) -> dict:
        self.flush()
        state = dict(self.__dict__)
        state.update(_index=None, _sorted=None, _sorted_rows=None, _recent={}, _cache={},
                     _members_view=None, _links_view=None)
        return state

    @property
    def members(self) -> dict[Any, Column]:
        """The member columns in first-met order (see the module docstring)."""
        if self._members_view is None:
            self._members_view = members_in_first_met_order(self._members)
        return self._members_view

    @members.setter
    def members(self, table: dict[Any, Column]) -> None:
        self._members, self._members_view = table, None

    @property
    def links(self) -> dict[Any, Column]:
        """The link columns in first-met order (see the module docstring)."""
        if self._links_view is None:
            self._links_view = links_in_first_met_order(self._links, self.source, self.target)
        return self._links_view

    @links.setter
    def links(self, table: dict[Any, Column]) -> None:
        self._links, self._links_view = table, None

    def _replace(self, kind: str, table: dict[Any, Column], reorder: bool) -> None:
        """New columns of ``kind``; the order kept unless ``reorder`` (a row gained or lost
        the first value of a column)."""
        view = getattr(self, f"_{kind}_view")
        if not reorder and view is not None:
            view = {name: table[name] for name in view if name in table}
        else:
            view = None
        setattr(self, f"_{kind}", table)
        setattr(self, f"_{kind}_view", view)

    # ------------------------------------------------------------- reading
    def n_members(self) -> int:
        return len(self.ids) + len(self._new_members)

    def n_links(self) -> int:
        return len(self.source) + len(self._new_links)

    def index(self) -> dict[str, int]:
        """Position of every member, pending ones included (kept while only appending)."""
        if self._index is None:
            ids = self.ids.tolist() + [m for m, _ in self._new_members]
            self._index = dict(zip(ids, range(len(ids))))
        return self._index

    def _forget_link_index(self) -> None:
        self._sorted = self._sorted_rows = None
        self._recent = {}

    def _link_index(self) -> np.ndarray:
        """The sorted codes (built, or merged with the recent ones, when due)."""
        if self._sorted is None or len(self._recent) > max(_RECENT, len(self._sorted) // 8):
            self.flush()
            codes = _link_code(self.source, self.target, self.flow.astype(np.int64))
            if len(codes) < 2 or bool(np.all(codes[1:] > codes[:-1])):
                self._sorted, self._sorted_rows = codes, None
            else:
                rows = np.argsort(codes, kind="stable")
                self._sorted, self._sorted_rows = codes[rows], rows
            self._recent = {}
        return self._sorted

    def link_row(self, source: int, target: int, flow: int) -> int | None:
        """The row of one link, pending ones included; None if there is no such link."""
        code = _link_code(source, target, flow)
        codes = self._link_index()
        row = self._recent.get(code)
        if row is not None or not len(codes):
            return row
        at = int(np.searchsorted(codes, code))
        if at == len(codes) or codes[at] != code:
            return None
        return at if self._sorted_rows is None else int(self._sorted_rows[at])

    def flush(self) -> None:
        """Move members and links added one at a time into the columns."""
        if self._new_members:
            ids = [m for m, _ in self._new_members]
            table = table_from_dicts([d for _, d in self._new_members])
            self.members = concat_tables(self._members, len(self.ids), table, len(ids))
            self.ids = np.concatenate([self.ids, _object_array(ids, len(ids))])
            self._new_members = []
            self._cache.clear()
        if self._new_links:
            new = self._new_links
            table = table_from_dicts([d for *_, d in new])
            self.links = concat_tables(self._links, len(self.source), table, len(new))
            self.source = np.concatenate([self.source, np.array([s for s, *_ in new], np.int64)])
            self.target = np.concatenate([self.target,
                                          np.array([t for _, t, *_ in new], np.int64)])
            self.flow = np.concatenate([self.flow, np.array([f for *_, f, _ in new], np.int8)])
            self._new_links = []
            self._cache.clear()

    def member_values(self, name: str) -> Column | None:
        self.flush()
        return self._members.get(name)

    def member_column(self, name: Hashable) -> Column | None:
        """One member column of the joined rows (by name: no order worked out)."""
        return self._members.get(name)

    def link_column(self, name: Hashable) -> Column | None:
        """One link column of the joined rows (by name: no order worked out)."""
        return self._links.get(name)

    def member_row(self, position: int) -> dict:
        self.flush()
        return table_row(self.members, position)

    def member_rows(self) -> list[dict]:
        self.flush()
        return table_rows(self.members, len(self.ids))

    def order(self) -> np.ndarray | None:
        """The rows in networkx's edge order (None: the rows are in that order already)."""
        self.flush()
        if "order" not in self._cache:
            n = max(len(self.ids), 1)
            pair = self.source * n + self.target
            if len(pair) < 2 or bool(np.all(pair[1:] >= pair[:-1])):
                order = None  # sorted pairs: by source, each pair's links together
            else:
                _, first, inverse = np.unique(pair, return_index=True, return_inverse=True)
                # one integer key (source, then the pair's first row); the stable sort
                # keeps a pair's links in row order
                key = self.source * len(pair) + first[inverse]
                order = np.argsort(key, kind="stable")
            self._cache["order"] = order
        return self._cache["order"]

    def csr_pattern(self, code: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(rows, indptr, indices)`` of one flow's CSR matrix (``rows``: each entry's link)."""
        self.flush()
        key = ("csr", code)
        if key not in self._cache:
            n = len(self.ids)
            rows = np.flatnonzero(self.flow == code)
            cell = self.source[rows] * max(n, 1) + self.target[rows]
            if len(cell) > 1 and not bool(np.all(cell[1:] > cell[:-1])):
                rows = rows[np.argsort(cell, kind="stable")]
            small = n < 2 ** 31 - 1 and len(rows) < 2 ** 31 - 1
            index_type = np.int32 if small else np.int64
            indptr = np.zeros(n + 1, dtype=index_type)
            np.cumsum(np.bincount(self.source[rows], minlength=n), out=indptr[1:])
            self._cache[key] = (rows, indptr, self.target[rows].astype(index_type))
        return self._cache[key]

    def link_rows(self, index: np.ndarray | None = None) -> list[dict]:
        self.flush()
        return table_rows(self.links, len(self.source), index)

    def link_row_dict(self, row: int) -> dict:
        self.flush()
        return table_row(self.links, row)

    # ------------------------------------------------------------- writing
    def add_member(self, member: str, data: dict) -> None:
        position = self.n_members()
        self._new_members.append((member, data))
        if self._index is not None:
            self._index[member] = position

    def add_link(self, source: int, target: int, flow: int, data: dict) -> None:
        row = self.n_links()
        self._new_links.append((source, target, flow, data))
        if self._sorted is not None:
            self._recent[_link_code(source, target, flow)] = row

    def add_members(self, ids: list[str], table: dict[Any, Column]) -> None:
        """Append checked members (new, distinct ids) with their columns."""
        self.flush()
        start = len(self.ids)
        self.members = concat_tables(self._members, start, table, len(ids))
        self.ids = np.concatenate([self.ids, _object_array(ids, len(ids))])
        if self._index is not None:
            self._index.update(zip(ids, range(start, start + len(ids))))
        self._cache.clear()

    def add_links(self, source: np.ndarray, target: np.ndarray, flow: np.ndarray,
                  table: dict[Any, Column]) -> None:
        """Append checked links (both ends members, none there already or twice)."""
        self.flush()
        start = len(self.source)
        self.links = concat_tables(self._links, start, table, len(source))
        self.source = np.concatenate([self.source, source.astype(np.int64, copy=False)])
        self.target = np.concatenate([self.target, target.astype(np.int64, copy=False)])
        self.flow = np.concatenate([self.flow, flow.astype(np.int8, copy=False)])
        if self._sorted is not None and len(self._recent) + len(source) <= max(
                _RECENT, len(self._sorted) // 8):
            codes = _link_code(self.source[start:], self.target[start:],
                               self.flow[start:].astype(np.int64))
            self._recent.update(zip(codes.tolist(), range(start, len(self.source))))
        else:
            self._forget_link_index()
        self._cache.clear()

    def has_any_link(self, source: np.ndarray, target: np.ndarray, flow: np.ndarray
                     ) -> np.ndarray:
        """Which of these links are there already."""
        self.flush()
        existing = _link_code(self.source, self.target, self.flow.astype(np.int64))
        return np.isin(_link_code(source.astype(np.int64), target.astype(np.int64),
                                  flow.astype(np.int64)), existing)

    def set_member(self, position: int, changes: Mapping[Any, Any]) -> None:
        """Set attributes of one member (a waiting one keeps waiting: its dict changes)."""
        if position >= len(self.ids):
            self._new_members[position - len(self.ids)][1].update(changes)
            return
        self._replace("members", _set_row(self._members, len(self.ids), position, changes),
                      _gains(self._members, position, changes))

    def set_link(self, row: int, changes: Mapping[Any, Any]) -> None:
        """Set attributes of one link (a waiting one keeps waiting: its dict changes)."""
        if row >= len(self.source):
            self._new_links[row - len(self.source)][3].update(changes)
            return
        self._replace("links", _set_row(self._links, len(self.source), row, changes),
                      _gains(self._links, row, changes))

    def remove_link(self, row: int) -> None:
        """Remove one link; if it was its pair's first and the pair keeps others, the next
        one takes its row (see the module docstring)."""
        self.flush()
        source, target = int(self.source[row]), int(self.target[row])
        pair = sorted(r for r in (self.link_row(source, target, f) for f in range(4))
                      if r is not None)
        moved = pair[1] if len(pair) > 1 and pair[0] == row else row
        removed = int(_link_code(source, target, int(self.flow[row])))
        # the others keep their places in networkx's order: only a column whose first link
        # this was can move, and then only one that not every link has
        first_of_some = any(column.present is not None and column.present[row]
                            for column in self._links.values())
        keep = np.ones(len(self.source), bool)
        keep[moved] = False
        links = {name: _take_moving(column, keep, row, moved)
                 for name, column in self._links.items()}
        flow = self.flow[keep]
        if moved != row:
            flow[row] = self.flow[moved]
        self.source, self.target, self.flow = self.source[keep], self.target[keep], flow
        # a column no link has any more is gone, as the key from every dict would be
        self._replace("links", {name: column for name, column in links.items()
                                if len(column) and (column.present is None
                                                    or column.present.any())},
                      first_of_some)
        self._cache.clear()
        if self._sorted is None:
            return
        if self._recent.pop(removed, None) is None:
            at = int(np.searchsorted(self._sorted, removed))
            self._sorted = np.delete(self._sorted, at)
            if self._sorted_rows is not None:
                self._sorted_rows = np.delete(self._sorted_rows, at)
            elif moved != row:
                self._sorted_rows = np.arange(len(self._sorted) + 1)
                self._sorted_rows = np.delete(self._sorted_rows, at)
        # the new row of every old row: the moved link takes the removed one's row
        if self._sorted_rows is not None:
            rows = self._sorted_rows
            renumbered = rows - (rows > moved)
            renumbered[rows == moved] = row
            self._sorted_rows = renumbered
        self._recent = {code: (row if old == moved else old - (old > moved))
                        for code, old in self._recent.items()}

    def remove_members(self, positions: list[int]) -> None:
        self.flush()
        keep = np.ones(len(self.ids), bool)
        keep[positions] = False
        taken = self.take(np.flatnonzero(keep))
        self.__dict__.update(taken.__dict__)

    def take(self, positions: np.ndarray) -> "Store":
        """A new store with the members at ``positions`` (in that order) and the links among
        them, in row order; the columns are new, the values they hold shared."""
        self.flush()
        other = Store()
        other.ids = self.ids[positions]
        other.members = table_take(self._members, positions)
        new = np.full(len(self.ids), -1, dtype=np.int64)
        new[positions] = np.arange(len(positions))
        source, target = new[self.source], new[self.target]
        keep = np.flatnonzero((source >= 0) & (target >= 0))
        other.source, other.target, other.flow = source[keep], target[keep], self.flow[keep]
        other.links = table_take(self._links, keep)
        return other

    def copy(self) -> "Store":
        self.flush()
        other = Store()
        other.ids = self.ids.copy()
        other.members = {name: Column(c.values.copy(), None if c.present is None
                                      else c.present.copy()) for name, c in self._members.items()}
        other.source, other.target, other.flow = (self.source.copy(), self.target.copy(),
                                                  self.flow.copy())
        other.links = {name: Column(c.values.copy(), None if c.present is None
                                    else c.present.copy()) for name, c in self._links.items()}
        return other

    # ------------------------------------------------------------- networkx
    def to_graph(self, attributes: dict) -> nx.MultiDiGraph:
        """A networkx graph of these rows, its ``graph`` dict ``attributes`` itself."""
        import networkx as nx
        from ._bulk import insert_links, insert_members, paused_gc
        self.flush()
        graph = nx.MultiDiGraph()
        graph.graph = attributes
        with paused_gc():
            insert_members(graph, self.ids.tolist(), self.member_rows())
            ids = self.ids
            insert_links(graph, zip(ids[self.source].tolist(), ids[self.target].tolist(),
                                    np.asarray(FLOW_NAMES, dtype=object)[self.flow].tolist(),
                                    self.link_rows()))
        return graph

    @classmethod
    def from_graph(cls, graph: nx.MultiDiGraph) -> "Store | None":
        """The columns of a graph; None if a link's key is not a flow."""
        from ._bulk import link_structure
        from ._errors import ValidationError
        try:
            structure = link_structure(graph)
        except ValidationError:
            return None
        store = cls()
        store.ids = _object_array(structure.members, len(structure.members))
        store.members = table_from_dicts(list(graph._node.values()))
        store.source, store.target = structure.source.copy(), structure.target.copy()
        store.flow = structure.flow.copy()
        store.links = table_from_dicts(structure.data)
        return store


def _set_row(table: dict[Any, Column], n: int, row: int, changes: Mapping[Any, Any]
             ) -> dict[Any, Column]:
    table = dict(table)
    for name, value in changes.items():
        column = table.get(name)
        if column is None:
            dtype = _TYPED.get(type(value))
            empty = (np.full(n, None, object) if dtype is None
                     else np.full(n, _FILL[dtype.kind], dtype))
            table[name] = Column(empty, np.zeros(n, bool)).set(row, value)
        else:
            table[name] = column.set(row, value)
    return table


def flow_code(name: str) -> int:
    return _FLOW_CODES[name]


def _take_moving(column: Column, keep: np.ndarray, row: int, moved: int) -> Column:
    """The rows ``keep`` of a column, the row ``moved`` (dropped) written over ``row``."""
    values = column.values[keep]
    present = None if column.present is None else column.present[keep]
    if moved != row:
        values[row:row + 1] = column.values[moved:moved + 1]  # a list value stays one object
        if present is not None:
            present[row] = column.present[moved]  # type: ignore[index]
    return Column(values, present)


def _gains(table: dict[Any, Column], row: int, changes: Mapping[Any, Any]) -> bool:
    """Whether ``row`` gets an attribute it did not have (only then can the order change)."""
    for name in changes:
        column = table.get(name)
        if column is None or (column.present is not None and not column.present[row]):
            return True
    return False


def _first_row(column: Column) -> int:
    return 0 if column.present is None else int(np.argmax(column.present))


def members_in_first_met_order(table: dict[Any, Column]) -> dict[Any, Column]:
    """The columns ordered by the first member that has each (ties: in the given order)."""
    first = [_first_row(column) for column in table.values()]
    if all(a <= b for a, b in zip(first, first[1:])):
        return table
    names = list(table)
    return {names[k]: table[names[k]] for k in np.argsort(first, kind="stable").tolist()}


def _first_met_link(source: np.ndarray, target: np.ndarray, present: np.ndarray | None
                    ) -> tuple[int, int, int]:
    """Where networkx's edge order first meets a row of ``present``: its source, the first
    row of its (source, target) pair, its row (compared as a tuple)."""
    rows = np.flatnonzero(present) if present is not None else None
    first_source = int(source.min() if rows is None else source[rows].min())
    leaving = np.flatnonzero(source == first_source)  # every link of that source, by row
    targets, pair_first = np.unique(target[leaving], return_index=True)
    candidates = leaving if present is None else leaving[present[leaving]]
    pair_row = leaving[pair_first][np.searchsorted(targets, target[candidates])]
    earliest = int(pair_row.min())
    return first_source, earliest, int(candidates[pair_row == earliest].min())


def links_in_first_met_order(table: dict[Any, Column], source: np.ndarray,
                             target: np.ndarray) -> dict[Any, Column]:
    """The columns ordered by the first link in networkx's edge order that has each
    (ties: in the given order)."""
    if len(table) < 2 or all(column.present is None for column in table.values()):
        return table  # every column starts at the first link
    every = _first_met_link(source, target, None)
    first = [every if column.present is None or column.present[every[2]]
             else _first_met_link(source, target, column.present)
             for column in table.values()]
    if all(a <= b for a, b in zip(first, first[1:])):
        return table
    names = list(table)
    order = sorted(range(len(names)), key=first.__getitem__)  # sorted() is stable
    return {names[k]: table[names[k]] for k in order}
