"""GraphML and GEXF files written a block of rows at a time from an ecosystem's columns.

The text is byte for byte what networkx's GraphML and GEXF writers gave for the
graph :mod:`ecosystem._graphml` encodes (the same indentation, attribute order,
key and attribute ids, number texts and XML escaping), so tools and readers see
the same files as before; the test suite keeps that path as its reference.

Every value is checked and every error raised before the temporary file is
opened. Then members and links go out :data:`CHUNK` rows at a time: each
block's text is made column by column (numbers through ``float.__repr__`` and
``int.__repr__``, the strings of a column escaped in one pass over their joined
text) and each row is one ``%`` formatting of its cells, so the memory beyond
the ecosystem is one block of text.
"""

from __future__ import annotations

import json
import time
from itertools import repeat
from typing import TYPE_CHECKING, Any, Iterator

import networkx as nx
import numpy as np
import pandas as pd

from ._atomic import atomic_path
from ._columns import FLOW_NAMES, Column, table_from_dicts
from ._errors import SpecError
from ._graphml import (_EXACT_INT, _META, _NOT_XML, _check_id, _encode_scope, _json_text,
                       _stored_name, _viz)
from ._spec import SPEC_VERSION, plain

if TYPE_CHECKING:
    from .graph import Ecosystem

__all__ = ["write_graphml", "write_gexf"]

#: Rows made into text at once: a block's text is a small part of the ecosystem.
CHUNK = 1 << 16
#: Some rows of a table: a range of positions or an array of them.
Rows = slice | np.ndarray

_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})
_XML_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}
_DTYPE_TYPES = {"f": float, "i": int, "b": bool}
_GEXF_FLOATS = {"inf": "INF", "nan": "NaN", "-inf": "-INF"}
# \x00 cannot be in any text written (XML cannot hold it; JSON escapes it): it joins a
# column's texts so that one pass of str.replace escapes them all
_JOIN = "\x00"
_GRAPHML_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
_GEXF_NS = "http://www.gexf.net/1.2draft"


def _escape_text(text: str) -> str:
    """XML character data as ElementTree escapes it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(text: str) -> str:
    """An XML attribute value as ElementTree escapes it (line ends and tabs as references)."""
    return (_escape_text(text).replace('"', "&quot;").replace("\r", "&#13;")
            .replace("\n", "&#10;").replace("\t", "&#09;"))


def _escaped(texts: list[str], attribute: bool) -> list[str]:
    """Every text escaped, in one pass over their joined text (the same list if none needs it)."""
    if not texts:
        return texts
    joined = _JOIN.join(texts)
    special = '&<>"\r\n\t' if attribute else "&<>"
    if not any(character in joined for character in special):
        return texts
    return (_escape_attribute(joined) if attribute else _escape_text(joined)).split(_JOIN)


def _no_control(texts: list[str]) -> np.ndarray:
    """Which texts hold no character XML cannot hold."""
    if not _NOT_XML.search("\n".join(texts)):  # \n is allowed: it cannot make a false match
        return np.ones(len(texts), bool)
    return np.fromiter((not _NOT_XML.search(t) for t in texts), bool, len(texts))


# ------------------------------------------------------------------ the tables
class _Table:
    """One table's attribute columns (over stored rows) and its rows in file order."""

    def __init__(self, count: int, columns: dict[Any, Column], rows: np.ndarray | None):
        self.count, self.columns, self.rows = count, columns, rows

    def index(self, start: int, stop: int) -> Rows:
        """The stored rows of file rows ``start:stop``."""
        return slice(start, stop) if self.rows is None else self.rows[start:stop]

    def in_file_order(self, values: np.ndarray) -> np.ndarray:
        return values if self.rows is None else values[self.rows]


class _Attribute:
    """One attribute column as the file holds it.

    ``kind`` is "native" (one scalar type, written as it is), "number" (ints and
    floats, written as doubles) or "json" (JSON text); ``pytype`` the Python type
    of the written values, which names the XML type.
    """

    __slots__ = ("name", "stored", "column", "kind", "pytype", "first")

    def __init__(self, name: Any, stored: str, column: Column, kind: str, pytype: type,
                 first: int):
        self.name, self.stored, self.column = name, stored, column
        self.kind, self.pytype, self.first = kind, pytype, first


def _sources(eco: Ecosystem, file: str
             ) -> tuple[np.ndarray, _Table, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                        _Table]:
    """``(ids, members, source, target, flow, flow_names, links)``: the member ids, the
    link ends (positions in ``ids``) and flow codes (positions in ``flow_names``) over
    stored link rows, and both tables."""
    graph = eco._graph
    if graph is None:
        store = eco._columns()
        order = store.order()
        members = _Table(len(store.ids), store.members, None)
        links = _Table(len(store.source), store.links, order)
        return (store.ids, members, store.source, store.target, store.flow,
                np.asarray(FLOW_NAMES, dtype=object), links)
    # the graph is the storage: its dicts become columns, in its own order
    ids = np.fromiter(graph._node, dtype=object, count=len(graph))
    members = _Table(len(ids), table_from_dicts(list(graph._node.values())), None)
    edges = list(graph.edges(keys=True, data=True))
    position = dict(zip(ids.tolist(), range(len(ids))))
    names: dict[Any, int] = {}
    for u, v, key, _ in edges:
        if key not in names:
            if not isinstance(key, str):
                raise SpecError("a link's key is not a flow name; links are keyed by their "
                                "flow (add links with eco.link)", file=file,
                                location=f"edge {u!r} -> {v!r}", value=key)
            names[key] = len(names)
    count = len(edges)
    source = np.fromiter((position[u] for u, *_ in edges), np.int64, count)
    target = np.fromiter((position[v] for _, v, *_ in edges), np.int64, count)
    flow = np.fromiter((names[k] for _, _, k, _ in edges), np.int64, count)
    links = _Table(count, table_from_dicts([d for *_, d in edges]), None)
    return ids, members, source, target, flow, np.asarray(list(names), dtype=object), links


def _given(column: Column) -> list:
    """The values of the rows that have the attribute (stored order), made plain."""
    values = column.values if column.present is None else column.values[column.present]
    given = values.tolist()
    if column.values.dtype == object and not set(map(type, given)) <= _PLAIN_TYPES:
        given = list(map(plain, given))
    return given


def _kind(column: Column) -> tuple[str, type]:
    """How an attribute is written (see :class:`_Attribute`), as the graph path decided."""
    dtype = column.values.dtype.kind
    if dtype in _DTYPE_TYPES:
        return "native", _DTYPE_TYPES[dtype]
    given = _given(column)
    kinds = set(map(type, given))
    if kinds == {int, float} and all(abs(v) < _EXACT_INT for v in given if type(v) is int):
        return "number", float
    if len(kinds) != 1 or not kinds <= set(_XML_TYPES):
        return "json", str
    kind = next(iter(kinds))
    # an empty string is an empty XML element, which older networkx readers skip
    if kind is str and (not all(given) or not _no_control(given).all()):
        return "json", str
    return "native", kind


def _attributes(table: _Table, scope: str) -> list[_Attribute]:
    """The attributes of a table in the order the graph path wrote them: by the first
    row (in file order) that has each, then by column."""
    found = []
    for position, (name, column) in enumerate(table.columns.items()):
        if not table.count:
            break
        present = column.present
        if present is None:
            first = 0
        else:
            present = table.in_file_order(present)
            if not present.any():
                continue
            first = int(np.argmax(present))
        found.append((first, position, name, column))
    found.sort(key=lambda item: item[:2])
    attributes = []
    for first, _, name, column in found:
        kind, pytype = _kind(column)
        attributes.append(_Attribute(name, _stored_name(name, scope), column, kind, pytype,
                                     first))
    return attributes


def _rows_where(column: Column, table: _Table, test: Any) -> list[int]:
    """The file rows (in file order) that have a value and whose value passes ``test``."""
    stored = np.flatnonzero(column.mask())
    values = column.values[stored].tolist()
    hits = stored[np.fromiter(map(test, values), bool, len(values))]
    if table.rows is None:
        return hits.tolist()
    marked = np.zeros(table.count, bool)
    marked[hits] = True
    return np.flatnonzero(marked[table.rows]).tolist()


def _risky(value: Any) -> bool:
    """Whether a value's JSON text could fail (not a plain scalar of a printable size)."""
    kind = type(value)
    return kind not in _PLAIN_TYPES or kind is int and value.bit_length() > 9000


def _check_json(attribute: _Attribute, table: _Table, keys: Any, scope: str, file: str) -> None:
    """Raise the error the graph path gave for the first value of a JSON column that cannot
    be written as JSON text (in file order)."""
    column = attribute.column
    if column.values.dtype != object:
        return
    for row in _rows_where(column, table, _risky):
        stored = row if table.rows is None else int(table.rows[row])
        try:
            _json_text(plain(column.values[stored]))
        except (TypeError, ValueError) as error:
            raise SpecError(f"a value cannot be written as JSON text: {error}",
                            file=file, location=f"{scope} {keys(row)!r}.{attribute.name}"
                            ) from None


def _int_keys(attribute: _Attribute, table: _Table, keys: Any) -> list[str]:
    """The keys of the rows whose value is an int, for a "number" attribute (file order)."""
    rows = _rows_where(attribute.column, table, lambda v: type(plain(v)) is int)
    return [keys(row) for row in rows]


def _present(column: Column, index: Rows, count: int) -> np.ndarray:
    return np.ones(count, bool) if column.present is None else column.present[index]


# ------------------------------------------------------------------ texts of a block
def _number_texts(values: np.ndarray, form: Any) -> Any:
    """``form`` (``float.__repr__``, ``int.__repr__``) of every value of a float64 or int64
    array; values that repeat (rounded figures, small counts) are formatted once."""
    if len(values) >= 4096 and len(np.unique(values[:2048].view(np.int64))) < 1024:
        # their bits, so that -0.0 and 0.0 stay apart
        unique, inverse = np.unique(values.view(np.int64), return_inverse=True)
        texts = np.array(list(map(form, unique.view(values.dtype).tolist())), dtype=object)
        return texts[inverse]
    return list(map(form, values.tolist()))


def _float_texts(values: np.ndarray, gexf: bool) -> Any:
    texts = _number_texts(values, float.__repr__)
    if gexf and not np.isfinite(values).all():
        texts = [_GEXF_FLOATS.get(t, t) for t in texts]
    return texts


def _json_texts(values: list) -> list[str]:
    return [_json_text(plain(v)) for v in values]


def _texts(attribute: _Attribute, index: Rows, gexf: bool
           ) -> tuple[list[str], np.ndarray | None]:
    """The escaped texts of the rows ``index`` (stored rows) that have the attribute, and
    which rows have it (None: all)."""
    column = attribute.column
    values = column.values[index]
    present = None if column.present is None else column.present[index]
    if present is not None:
        values = values[present]
    dtype = values.dtype.kind
    if dtype == "f":
        return _float_texts(values, gexf), present
    if dtype == "i":
        return _number_texts(values, int.__repr__), present
    if dtype == "b":
        words = ("true", "false") if gexf else ("True", "False")
        return np.where(values, *words).tolist(), present
    items = values.tolist()
    if attribute.kind == "json":
        texts = _json_texts(items)
    else:
        if dtype == "O" and not set(map(type, items)) <= _PLAIN_TYPES:
            items = list(map(plain, items))
        kind = attribute.pytype
        if attribute.kind == "number":
            texts = _float_texts(np.array(list(map(float, items)), dtype=np.float64), gexf)
        elif kind is float:
            texts = _float_texts(np.array(items, dtype=np.float64), gexf)
        elif kind is int:
            texts = list(map(int.__repr__, items))
        elif kind is bool:
            words = ("true", "false") if gexf else ("True", "False")
            texts = [words[0] if v else words[1] for v in items]
        else:
            texts = items
    if attribute.pytype is str:
        texts = _escaped(texts, attribute=gexf)
    return texts, present


def _cells(count: int, texts: list[str], present: np.ndarray, piece: str) -> list[str]:
    """``piece % text`` in the rows that have a value, "" in the others."""
    cells = np.full(count, "", dtype=object)
    cells[present] = np.fromiter(map(piece.__mod__, texts), dtype=object, count=len(texts))
    return cells.tolist()


def _rows_text(count: int, head: str, head_args: list[list], parts: list[tuple],
               inner: tuple[str, str], foot: str, empty: str) -> str:
    """The text of ``count`` rows.

    ``parts`` are ``(piece, texts, present, is_inner)``: ``piece % text`` in the
    rows that ``present`` marks (None: all). A row is ``head % head_args``, its
    outer parts, its inner parts between ``inner[0]`` and ``inner[1]`` (if it has
    any), then ``foot``; a row with no part at all is ``empty % head_args``.
    """
    if not count:
        return ""
    shown = [part for part in parts if part[2] is None or part[2].any()]
    inside = [part for part in shown if part[3]]
    if inside and all(part[2] is not None for part in inside):
        return _rows_by_row(count, head, head_args, shown, inner, foot, empty)
    if all(part[2] is not None for part in shown):
        has_part = np.zeros(count, bool)
        for part in shown:
            has_part |= part[2]
        if not has_part.all():
            return _rows_by_row(count, head, head_args, shown, inner, foot, empty)
    template, args = [head], list(head_args)
    opened = False
    for piece, texts, present, is_inner in shown:
        if is_inner and not opened:
            template.append(inner[0])
            opened = True
        if present is None:
            template.append(piece)
            args.append(texts)
        else:
            template.append("%s")
            args.append(_cells(count, texts, present, piece))
    if inside:
        template.append(inner[1])
    template.append(foot)
    # the rows as a table of literals and cells, read row by row: one join, no
    # formatting call per row
    literals = "".join(template).split("%s")
    table = np.empty((count, len(literals) + len(args)), dtype=object)
    for j, literal in enumerate(literals):
        table[:, 2 * j] = literal
    for j, arg in enumerate(args):
        table[:, 2 * j + 1] = arg
    return "".join(table.ravel().tolist())


def _rows_by_row(count: int, head: str, head_args: list[list], parts: list[tuple],
                 inner: tuple[str, str], foot: str, empty: str) -> str:
    """:func:`_rows_text` one row at a time (rows that differ in their structure)."""
    cells: list[list[tuple[str, bool]]] = [[] for _ in range(count)]
    for piece, texts, present, is_inner in parts:
        rows = range(count) if present is None else np.flatnonzero(present).tolist()
        for row, text in zip(rows, texts):
            cells[row].append((piece % text, is_inner))
    out = []
    for row, row_cells in enumerate(cells):
        values = tuple(arg[row] for arg in head_args)
        if not row_cells:
            out.append(empty % values)
            continue
        out.append(head % values)
        out.extend(text for text, is_inner in row_cells if not is_inner)
        inside = [text for text, is_inner in row_cells if is_inner]
        if inside:
            out.append(inner[0])
            out.extend(inside)
            out.append(inner[1])
        out.append(foot)
    return "".join(out)


# ------------------------------------------------------------------ the plan
class _Plan:
    """Everything a file needs before its first byte, every value checked."""

    def __init__(self, eco: Ecosystem, file: str, gexf: bool):
        self.gexf = gexf
        (self.ids, self.members, self.source, self.target, self.flow, flow_names,
         self.links) = _sources(eco, file)
        ids = self.ids.tolist()
        if ids and not _no_control(ids).all():
            for member_id in ids:
                _check_id(member_id, file)
        self.escaped_ids = np.fromiter(_escaped(ids, attribute=True), dtype=object,
                                       count=len(ids))
        self.flow_texts = np.fromiter(_escaped(flow_names.tolist(), attribute=gexf),
                                      dtype=object, count=len(flow_names))
        self.edge_ids = self._own_edge_ids()
        meta: dict[str, Any] = {"ecobelt": SPEC_VERSION, "json": {}, "int": {}}
        self.node_attributes = _attributes(self.members, "node")
        self.edge_attributes = _attributes(self.links, "edge")
        scopes = [("node", self.node_attributes, self.members, ids.__getitem__),
                  ("edge", self.edge_attributes, self.links, self.edge_key)]
        for scope, attributes, table, keys in scopes:
            encoded, ints = [], {}
            for attribute in attributes:
                if attribute.kind == "json":
                    _check_json(attribute, table, keys, scope, file)
                    encoded.append(attribute.stored)
                elif attribute.kind == "number":
                    ints[attribute.stored] = _int_keys(attribute, table, keys)
            meta["json"][scope], meta["int"][scope] = encoded, ints
        graph = {k: plain(v) for k, v in eco.attributes.items()}
        if not gexf:
            meta["json"]["graph"], meta["int"]["graph"] = _encode_scope(
                [("graph", graph)], "graph", file)
        if eco.custom_roles:
            meta["roles"] = {role: ring.value for role, ring in eco.custom_roles.items()}
        if gexf:
            meta["graph"] = graph
            try:
                self.description = json.dumps(meta, allow_nan=True)
            except (TypeError, ValueError) as error:
                raise SpecError(f"a graph attribute cannot be written as JSON: {error}",
                                file=file) from None
            self.name = "" if _NOT_XML.search(str(eco.name)) else str(eco.name)
        else:
            graph[_META] = json.dumps(meta)
            self.graph = graph

    def _own_edge_ids(self) -> np.ndarray | None:
        """The links' own ``id`` attributes (stored order) when every link has a distinct
        one that XML can hold (a file from Gephi or yEd, read and written back), else None
        (the ids are ``e0``, ``e1``, ... in file order)."""
        column = self.links.columns.get("id")
        if not self.links.count or column is None or column.present is not None:
            return None
        given = _given(column)
        if not all(isinstance(i, str) and i for i in given) or not _no_control(given).all() \
                or pd.Index(given).has_duplicates:
            return None
        return np.fromiter(map(str, given), dtype=object, count=len(given))

    def edge_key(self, row: int) -> str:
        if self.edge_ids is None:
            return f"e{row}"
        return self.edge_ids[row if self.links.rows is None else int(self.links.rows[row])]

    def blocks(self, table: _Table) -> Iterator[tuple[int, int, Rows]]:
        return _blocks(table)

    def edge_heads(self, start: int, stop: int, index: Rows) -> list[list]:
        """Source, target and id of the links ``start:stop`` (file order)."""
        ends = [self.escaped_ids[self.source[index]].tolist(),
                self.escaped_ids[self.target[index]].tolist()]
        if self.edge_ids is None:
            return [*ends, list(map(int.__repr__, range(start, stop)))]
        return [*ends, _escaped(self.edge_ids[index].tolist(), attribute=True)]

    def edge_id_piece(self) -> str:
        return "e%s" if self.edge_ids is None else "%s"


def _write_blocks(path: str, pieces: Iterator[str]) -> None:
    with atomic_path(path) as temporary:
        # as ElementTree writes: characters UTF-8 cannot hold become references
        with open(temporary, "w", encoding="utf-8", errors="xmlcharrefreplace") as handle:
            for piece in pieces:
                handle.write(piece)


# ------------------------------------------------------------------ GraphML
def write_graphml(eco: Ecosystem, path: str) -> None:
    """Write ``eco`` as GraphML (see :mod:`ecosystem.files`)."""
    plan = _Plan(eco, path, gexf=False)
    _write_blocks(path, _graphml_text(plan))


def _graphml_keys(plan: _Plan) -> tuple[list[str], dict[str, str], dict[str, str], str]:
    """The key elements (in file order) and the key ids of the graph, node and edge data."""
    keys: list[tuple[str, str, str]] = []  # (scope, name, type) in the order of their ids
    keys += [("graph", str(k), _XML_TYPES[type(v)]) for k, v in plan.graph.items()]
    keys += [("node", a.stored, _XML_TYPES[a.pytype]) for a in plan.node_attributes]
    flow_at = sum(a.first == 0 for a in plan.edge_attributes)
    edge = [("edge", a.stored, _XML_TYPES[a.pytype]) for a in plan.edge_attributes]
    if plan.links.count:
        edge.insert(flow_at, ("edge", "flow", "string"))
    keys += edge
    ids = {key: f"d{i}" for i, key in enumerate(keys)}
    lines = [f'  <key id="{ids[key]}" for="{key[0]}" attr.name="{_escape_attribute(key[1])}" '
             f'attr.type="{key[2]}" />\n' for key in reversed(keys)]
    flow_id = ids.get(("edge", "flow", "string"), "")
    return (lines, {key[1]: ids[key] for key in keys if key[0] == "node"},
            {key[1]: ids[key] for key in keys if key[0] == "edge"}, flow_id)


def _graphml_text(plan: _Plan) -> Iterator[str]:
    lines, node_keys, edge_keys, flow_key = _graphml_keys(plan)
    yield _GRAPHML_HEAD + "".join(lines) + '  <graph edgedefault="directed">\n'
    for start, stop, index in plan.blocks(plan.members):
        parts = []
        for attribute in plan.node_attributes:
            texts, present = _texts(attribute, index, gexf=False)
            parts.append((f'      <data key="{node_keys[attribute.stored]}">%s</data>\n',
                          texts, present, False))
        yield _rows_text(stop - start, '    <node id="%s">\n',
                         [plan.escaped_ids[index].tolist()], parts, ("", ""),
                         "    </node>\n", '    <node id="%s" />\n')
    head = f'    <edge source="%s" target="%s" id="{plan.edge_id_piece()}">\n'
    for start, stop, index in plan.blocks(plan.links):
        parts = []
        for attribute in plan.edge_attributes:
            texts, present = _texts(attribute, index, gexf=False)
            parts.append((f'      <data key="{edge_keys[attribute.stored]}">%s</data>\n',
                          texts, present, False))
        parts.append((f'      <data key="{flow_key}">%s</data>\n',
                      plan.flow_texts[plan.flow[index]].tolist(), None, False))
        yield _rows_text(stop - start, head, plan.edge_heads(start, stop, index), parts,
                         ("", ""), "    </edge>\n", "")
    graph_lines = []
    for i, value in enumerate(plan.graph.values()):
        graph_lines.append(f'    <data key="d{i}">{_escape_text(str(value))}</data>\n')
    yield "".join(graph_lines) + "  </graph>\n</graphml>\n"


# --------------------------------------------------------------------- GEXF
def write_gexf(eco: Ecosystem, path: str) -> None:
    """Write ``eco`` as GEXF 1.2 with Gephi's positions (see :mod:`ecosystem.files`)."""
    plan = _Plan(eco, path, gexf=True)
    viz = _VizColumns(plan.members)
    _write_blocks(path, _gexf_text(plan, viz))


class _VizColumns:
    """Gephi's view of the members: positions, colours and sizes, from the columns that
    hold them (``x``, ``y``, ``z``, ``pos``, ``color``, ``size``)."""

    NAMES = ("x", "y", "z", "pos", "color", "size")

    def __init__(self, members: _Table):
        self.members = members
        self.columns = {name: members.columns[name] for name in self.NAMES
                        if name in members.columns}

    def texts(self, index: Rows, count: int) -> tuple[list[str], np.ndarray] | None:
        """The viz lines of the members ``index``, and which have any (None: none has)."""
        if not self.columns:
            return None
        if "pos" not in self.columns and all(
                self.columns[name].values.dtype.kind in "fi"
                for name in ("x", "y", "z", "size") if name in self.columns):
            return self._typed(index, count)
        values = {name: (column.values[index].tolist(),
                         _present(column, index, count).tolist())
                  for name, column in self.columns.items()}
        maybe = np.zeros(count, bool)
        for name in ("pos", "color", "size"):
            if name in values:
                maybe |= np.asarray(values[name][1], bool)
        if "x" in values and "y" in values:
            maybe |= np.asarray(values["x"][1], bool) & np.asarray(values["y"][1], bool)
        texts, has = [], np.zeros(count, bool)
        for row in np.flatnonzero(maybe).tolist():
            member = {name: value[row] for name, (value, present) in values.items()
                      if present[row]}
            text = _viz_text(_viz(member))
            if text:
                texts.append(text)
                has[row] = True
        return (texts, has) if texts else None

    def _typed(self, index: Rows, count: int) -> tuple[list[str], np.ndarray] | None:
        """:meth:`texts` a column at a time, where positions and sizes are float or int
        columns (no ``pos``)."""
        lines = np.full(count, "", dtype=object)
        colour = self.columns.get("color")
        if colour is not None and colour.values.dtype == object:
            present = _present(colour, index, count)
            for row, value in zip(np.flatnonzero(present).tolist(),
                                  colour.values[index][present].tolist()):
                viz = _viz({"color": value})
                if viz:
                    lines[row] = _viz_text(viz)
        numbers = {name: (self.columns[name].values[index],
                          _present(self.columns[name], index, count))
                   for name in ("x", "y", "z", "size") if name in self.columns}
        for name, (values, present) in numbers.items():
            numbers[name] = (values, present & np.isfinite(values))
        if "size" in numbers:
            values, ok = numbers["size"]
            if ok.any():
                lines[ok] += ('        <viz:size value="' + _object_texts(values[ok])
                              + '" />\n')
        if "x" in numbers and "y" in numbers:
            ok = numbers["x"][1] & numbers["y"][1]
            if ok.any():
                z = np.zeros(count)
                if "z" in numbers:
                    values, has_z = numbers["z"]
                    z[has_z] = values[has_z]
                lines[ok] += ('        <viz:position x="' + _object_texts(numbers["x"][0][ok])
                              + '" y="' + _object_texts(numbers["y"][0][ok])
                              + '" z="' + _object_texts(z[ok]) + '" />\n')
        has = lines.astype(bool)
        return (lines[has].tolist(), has) if has.any() else None

    def any(self) -> bool:
        return any(self.texts(index, stop - start) is not None
                   for start, stop, index in _blocks(self.members))


def _object_texts(values: np.ndarray) -> np.ndarray:
    """The texts of numbers as floats, in an object array (to add strings to)."""
    texts = _float_texts(values.astype(np.float64), gexf=False)
    return texts if isinstance(texts, np.ndarray) else np.array(texts, dtype=object)


def _blocks(table: _Table) -> Iterator[tuple[int, int, Rows]]:
    for start in range(0, table.count, CHUNK):
        stop = min(start + CHUNK, table.count)
        yield start, stop, table.index(start, stop)


def _viz_text(viz: dict[str, Any]) -> str:
    lines = []
    colour = viz.get("color")
    if colour is not None:
        lines.append(f'        <viz:color r="{colour["r"]}" g="{colour["g"]}" b="{colour["b"]}" '
                     f'a="{colour["a"]}" />\n')
    if "size" in viz:
        lines.append(f'        <viz:size value="{viz["size"]}" />\n')
    position = viz.get("position")
    if position is not None:
        lines.append(f'        <viz:position x="{position["x"]}" y="{position["y"]}" '
                     f'z="{position["z"]}" />\n')
    return "".join(lines)


def _labels(plan: _Plan, index: Rows) -> list[str]:
    """Gephi's label of each member: its ``label``, else its ``name`` attribute (strings XML
    can hold), else its id."""
    labels = plan.ids[index].copy()
    for name in ("name", "label"):  # the label wins
        column = plan.members.columns.get(name)
        if column is None or column.values.dtype != object:
            continue
        values = column.values[index]
        items = values.tolist()
        ok = _present(column, index, len(items)) & np.fromiter(
            map(isinstance, items, repeat(str)), bool, len(items))
        if ok.any():
            candidates = np.flatnonzero(ok)
            ok[candidates] = _no_control([items[i] for i in candidates.tolist()])
            labels[ok] = values[ok]
    return _escaped(list(map(str, labels.tolist())), attribute=True)


def _weights(plan: _Plan, index: Rows) -> tuple[list[str], np.ndarray | None] | None:
    """Each link's ``weight`` attribute text: its volume where that is a finite number."""
    column = plan.links.columns.get("volume")
    if column is None:
        return None
    values = column.values[index]
    present = _present(column, index, len(values))
    kind = values.dtype.kind
    if kind == "f":
        ok = present & np.isfinite(values)
    elif kind == "i":
        ok = present
    elif kind == "b":
        return None
    else:
        from ._graphml import _is_number
        ok = present & np.fromiter(map(_is_number, values.tolist()), bool, len(values))
    if not ok.any():
        return None
    texts = _float_texts(values[ok].astype(np.float64), gexf=False)
    return texts, (None if ok.all() else ok)


def _gexf_text(plan: _Plan, viz: _VizColumns) -> Iterator[str]:
    node_ids = {a.stored: str(i) for i, a in enumerate(plan.node_attributes)}
    edge_titles = [(a.stored, a.pytype) for a in plan.edge_attributes]
    if plan.links.count:
        flow_at = sum(a.first == 0 for a in plan.edge_attributes)
        edge_titles[flow_at:flow_at] = [("flow", str), ("networkx_key", str)]
    edge_ids = {title: str(i + len(node_ids)) for i, (title, _) in enumerate(edge_titles)}
    namespace = f'xmlns:viz="{_GEXF_NS}/viz" ' if viz.any() else ""
    head = [
        "<?xml version='1.0' encoding='utf-8'?>\n"
        f'<gexf {namespace}xmlns="{_GEXF_NS}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{_GEXF_NS} {_GEXF_NS}/gexf.xsd" version="1.2">\n'
        f'  <meta lastmodifieddate="{time.strftime("%Y-%m-%d")}">\n'
        f"    <creator>NetworkX {_escape_text(nx.__version__)}</creator>\n"
        f"    <description>{_escape_text(plan.description)}</description>\n"
        "  </meta>\n"
        f'  <graph defaultedgetype="directed" mode="static" '
        f'name="{_escape_attribute(plan.name)}">\n']
    for scope, titles, ids in (("edge", edge_titles, edge_ids),
                               ("node", [(a.stored, a.pytype) for a in plan.node_attributes],
                                node_ids)):
        if titles:
            head.append(f'    <attributes mode="static" class="{scope}">\n')
            head += [f'      <attribute id="{ids[title]}" title="{_escape_attribute(title)}" '
                     f'type="{_XML_TYPES[kind]}" />\n' for title, kind in titles]
            head.append("    </attributes>\n")
    head.append("    <nodes>\n" if plan.members.count else "    <nodes />\n")
    yield "".join(head)
    inner = ("        <attvalues>\n", "        </attvalues>\n")
    for start, stop, index in plan.blocks(plan.members):
        count = stop - start
        parts: list[tuple] = []
        shown = viz.texts(index, count)
        if shown is not None:
            texts, has = shown
            parts.append(("%s", texts, None if has.all() else has, False))
        for attribute in plan.node_attributes:
            texts, present = _texts(attribute, index, gexf=True)
            parts.append((f'          <attvalue for="{node_ids[attribute.stored]}" '
                          'value="%s" />\n', texts, present, True))
        heads = [plan.escaped_ids[index].tolist(), _labels(plan, index)]
        yield _rows_text(count, '      <node id="%s" label="%s">\n', heads, parts, inner,
                         "      </node>\n", '      <node id="%s" label="%s" />\n')
    if plan.members.count:
        yield "    </nodes>\n"
    yield "    <edges>\n" if plan.links.count else "    <edges />\n"
    for start, stop, index in plan.blocks(plan.links):
        count = stop - start
        heads = plan.edge_heads(start, stop, index)
        weights = _weights(plan, index)
        weight_piece = ""
        if weights is not None:
            texts, present = weights
            if present is None:
                weight_piece = ' weight="%s"'
                heads.append(texts)
            else:
                weight_piece = "%s"
                heads.append(_cells(count, texts, present, ' weight="%s"'))
        edge = (f'      <edge source="%s" target="%s" id="{plan.edge_id_piece()}"'
                f'{weight_piece}>\n')
        parts = []
        for attribute in plan.edge_attributes:
            texts, present = _texts(attribute, index, gexf=True)
            parts.append((f'          <attvalue for="{edge_ids[attribute.stored]}" '
                          'value="%s" />\n', texts, present, True))
        flows = plan.flow_texts[plan.flow[index]].tolist()
        for title in ("flow", "networkx_key"):  # the flow is the link's key too
            parts.append((f'          <attvalue for="{edge_ids[title]}" value="%s" />\n',
                          flows, None, True))
        yield _rows_text(count, edge, heads, parts, inner, "      </edge>\n", "")
    if plan.links.count:
        yield "    </edges>\n"
    yield "  </graph>\n</gexf>\n"
