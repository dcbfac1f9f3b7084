"""GraphML and GEXF files read as a stream into columns (see :mod:`ecosystem.files`).

expat, the C parser under :mod:`xml.etree`, reads the file a piece at a time
and calls back for each element; no element tree is built. Each node and
each edge becomes one record, and the records are turned into typed columns
a block at a time, so the text, a tree and a record per link are never in
memory together. What the file says about its values as a whole (the keys'
defaults, ecobelt's record of JSON-encoded and int attributes, which
networkx writes after the edges, another tool's ids and geometry) is applied
to whole columns at the end, and the columns are built into the ecosystem by
the bulk table path.

Where that path would read a table differently from a spec (a NaN value, a
flow spelled another way, a value that needs a closer check, an edge before
its node) or finds a problem, the same columns are handed to
:func:`ecosystem._spec.build` as records instead, which checks them row by
row and names the node or edge of any problem, so every file reads to one
ecosystem, or one error, either way.

Entity declarations are refused (nothing in a GraphML or GEXF file needs
them, and they are the way to make a small file expand in memory).
"""

from __future__ import annotations

import json
import math
import operator
import xml.etree.ElementTree as ET
import xml.parsers.expat as expat
from itertools import chain, repeat
from typing import Any, Callable

import numpy as np
import pandas as pd

from ._errors import EcosystemError, SpecError
from ._spec import SPEC_VERSION, _new_ecosystem, build, value_problem
from .graph import Ecosystem
from .taxonomy import LINK_NUMERIC_ATTRIBUTES

__all__ = ["read_graphml", "read_gexf"]

_META = "ecobelt"
_PREFIX = "ecobelt."
#: Records turned into columns at once, and bytes handed to expat at once.
BLOCK = 1 << 15
PIECE = 1 << 22
_FLOWS = ("information", "logistics", "capital", "technology")
_FLOW_CODES = {name: code for code, name in enumerate(_FLOWS)}


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


_ABSENT = _Absent()


class _Records(Exception):
    """The columns go to the row-by-row builder."""


def _part(values: list) -> np.ndarray:
    """One column of one block: typed when every row has a value of one plain type."""
    kinds = set(map(type, values))
    if len(kinds) == 1:
        kind = kinds.pop()
        if kind is float:
            return np.array(values, dtype=np.float64)
        if kind is bool:
            return np.array(values, dtype=np.bool_)
        if kind is int:
            try:
                return np.array(values, dtype=np.int64)
            except OverflowError:
                pass
    return np.fromiter(values, dtype=object, count=len(values))


class _Rows:
    """Records gathered into columns a block at a time (``_ABSENT`` where a row has none)."""

    def __init__(self) -> None:
        self.block: list[dict[str, Any]] = []
        self.count = 0
        self.parts: dict[str, list[tuple[int, np.ndarray]]] = {}

    def flush(self) -> None:
        records = self.block
        if not records:
            return
        for name in dict.fromkeys(chain.from_iterable(records)):
            values = list(map(dict.get, records, repeat(name), repeat(_ABSENT)))
            self.parts.setdefault(name, []).append((self.count, _part(values)))
        self.count += len(records)
        self.block = []

    def columns(self) -> dict[str, np.ndarray]:
        """Every column, typed when every row has a value of one type, else objects;
        the blocks are let go as the columns are made."""
        self.flush()
        out = {}
        for name in list(self.parts):
            out[name] = _joined(self.parts.pop(name), self.count)
        return out


def _joined(parts: list[tuple[int, np.ndarray]], count: int) -> np.ndarray:
    dtypes = {array.dtype for _, array in parts}
    if len(dtypes) == 1 and np.dtype(object) not in dtypes and \
            sum(len(array) for _, array in parts) == count:
        return np.concatenate([array for _, array in parts])
    out = np.full(count, _ABSENT, dtype=object)
    for start, array in parts:
        out[start:start + len(array)] = array if array.dtype == object else array.astype(object)
    return out


def _present(column: np.ndarray) -> np.ndarray:
    if column.dtype != object:
        return np.ones(len(column), dtype=bool)
    return np.fromiter(map(operator.is_not, column, repeat(_ABSENT)), dtype=bool,
                       count=len(column))


def _as_objects(column: np.ndarray) -> np.ndarray:
    return column if column.dtype == object else column.astype(object)


class _Gather:
    """Members and links of one file as columns, and the checks made while reading."""

    def __init__(self, file: str):
        self.file = file
        self.index: dict[str, int] = {}  # member id -> position
        self.ids: list[str] = []
        self.members = _Rows()
        self.links = _Rows()
        self.other_nodes: set[str] = set()  # ids of nodes outside the graph that is read
        # link ends as positions, flows as codes (raw values where not a flow name),
        # edge ids (None for a block whose ids are e0, e1, ... as ecobelt writes them)
        self.ends: list[tuple[list, list, list, list, list]] = []
        self.sources: list[np.ndarray] = []
        self.targets: list[np.ndarray] = []
        self.flows: list[np.ndarray] = []
        self.keys: list[tuple[int, int, np.ndarray | None]] = []
        self.had_flow: list[np.ndarray] = []
        self.pending: dict[int, tuple[Any, Any]] = {}  # rows with an end not a member (yet)
        self.block_ends: tuple[list, list, list, list, list] = ([], [], [], [], [])
        self.pattern = 0  # edges so far whose ids are exactly e0, e1, ...
        self.in_pattern = True
        self.edge_ids: set[str] = set()
        # networkx's GraphML reader checked links in its graph's order, not the file's
        self.graph_order = False

    # ------------------------------------------------------------ members
    def node_id_seen(self, node_id: str) -> None:
        """Refuse a second node with this id (networkx would merge the two)."""
        if node_id in self.index or node_id in self.other_nodes:
            raise SpecError("duplicate node id", file=self.file, location=f"node {node_id!r}",
                            value=node_id)

    def add_member(self, node_id: str, record: dict[str, Any]) -> None:
        self.index[node_id] = len(self.ids)
        self.ids.append(node_id)
        rows = self.members
        rows.block.append(record)
        if len(rows.block) >= BLOCK:
            rows.flush()

    # -------------------------------------------------------------- links
    def edge_id_seen(self, edge_id: str | None, where: Callable[[], str]) -> None:
        """Refuse a second edge with this id; ids e0, e1, ... in order are not stored."""
        if edge_id is None:
            return
        if self.in_pattern:
            if edge_id == f"e{self.pattern}":
                self.pattern += 1
                return
            self.in_pattern = False
        if edge_id in self.edge_ids or self._implicit(edge_id):
            raise SpecError("duplicate edge id", file=self.file, location=where(),
                            value=edge_id)
        self.edge_ids.add(edge_id)

    def _implicit(self, edge_id: str) -> bool:
        digits = edge_id[1:]
        return edge_id[:1] == "e" and digits.isascii() and digits.isdigit() and \
            (digits == "0" or digits[0] != "0") and int(digits) < self.pattern

    def add_link(self, source: str | None, target: str | None, flow: object, key: object,
                 had_flow: bool, record: dict[str, Any]) -> None:
        us, vs, flows, keys, had = self.block_ends
        us.append(source)
        vs.append(target)
        flows.append(flow)
        keys.append(key)
        had.append(had_flow)
        rows = self.links
        rows.block.append(record)
        if len(rows.block) >= BLOCK:
            self.flush_links()

    def flush_links(self) -> None:
        us, vs, flows, keys, had = self.block_ends
        n = len(us)
        if not n:
            return
        start = self.links.count
        get = self.index.get
        source = np.fromiter(map(get, us, repeat(-1)), dtype=np.int64, count=n)
        target = np.fromiter(map(get, vs, repeat(-1)), dtype=np.int64, count=n)
        for row in np.flatnonzero((source < 0) | (target < 0)).tolist():
            self.pending[start + row] = (us[row], vs[row])
        codes = np.fromiter(map(_FLOW_CODES.get, flows, repeat(-1)), dtype=np.int8, count=n)
        self.sources.append(source)
        self.targets.append(target)
        self.flows.append(codes if (codes >= 0).all() else _part(flows))
        if self.in_pattern and keys == [f"e{i}" for i in range(start, start + n)]:
            self.keys.append((start, n, None))
        else:
            self.keys.append((start, n, np.fromiter(keys, dtype=object, count=n)))
        self.had_flow.append(np.array(had, dtype=bool))
        self.links.flush()
        self.block_ends = ([], [], [], [], [])

    def stop_pattern(self) -> None:
        """An edge without an id, or with another one: from here on every id is stored."""
        self.in_pattern = False

    # ------------------------------------------------------------ the end
    def link_keys(self) -> np.ndarray:
        """Every edge's key (its id, as a rule) in row order."""
        out = np.empty(self.links.count, dtype=object)
        for start, n, keys in self.keys:
            out[start:start + n] = [f"e{i}" for i in range(start, start + n)] \
                if keys is None else keys
        return out

    def flow_column(self) -> np.ndarray:
        """Flow codes, or the values as read (flow names for codes) where some value is
        not a flow's name."""
        if not self.flows:
            return np.zeros(0, dtype=np.int8)
        if all(part.dtype == np.int8 for part in self.flows):
            return np.concatenate(self.flows)
        names = np.array(_FLOWS, dtype=object)
        return np.concatenate([names[part] if part.dtype == np.int8 else part
                               for part in self.flows])


# ------------------------------------------------------------------ restoring
def _meta_parts(meta: dict[str, Any] | None, file: str
                ) -> tuple[dict[str, set], dict[str, dict[str, set]], Any]:
    """The JSON-encoded names, the int ids per name and the roles of ecobelt's record."""
    encoded: dict[str, set] = {"graph": set(), "node": set(), "edge": set()}
    ints: dict[str, dict[str, set]] = {"graph": {}, "node": {}, "edge": {}}
    roles: Any = {}
    if meta is None:
        return encoded, ints, roles
    if meta.get("ecobelt") != SPEC_VERSION:
        raise SpecError(f"unsupported schema version; this ecobelt reads version "
                        f"{SPEC_VERSION}", file=file, location="ecobelt",
                        value=meta.get("ecobelt"))
    try:
        for scope in encoded:
            encoded[scope] = set(meta.get("json", {}).get(scope, ()))
            ints[scope] = {name: set(keys) for name, keys in
                           meta.get("int", {}).get(scope, {}).items()}
    except (AttributeError, TypeError):
        raise SpecError("the ecobelt metadata is damaged", file=file) from None
    return encoded, ints, meta.get("roles", {})


def _restore(columns: dict[str, np.ndarray], keys: Callable[[], np.ndarray], scope: str,
             place: Callable[[int], str], meta: dict[str, Any] | None,
             encoded: dict[str, set], ints: dict[str, dict[str, set]], file: str
             ) -> dict[str, np.ndarray]:
    """Columns with JSON text decoded, ints restored and ``ecobelt.`` names unwrapped."""
    out: dict[str, np.ndarray] = {}
    for name, column in columns.items():
        if name in encoded[scope]:
            column = _as_objects(column).copy()
            for row in np.flatnonzero(_present(column)).tolist():
                try:
                    column[row] = json.loads(column[row])
                except (TypeError, ValueError, RecursionError):
                    raise SpecError("an encoded attribute is not JSON text", file=file,
                                    location=f"{place(row)}.{name}",
                                    value=column[row]) from None
        elif name in ints[scope]:
            wanted = ints[scope][name]
            rows = [row for row, key in enumerate(keys().tolist()) if key in wanted]
            if rows:
                column = _as_objects(column).copy()
                for row in rows:
                    value = column[row]
                    if value is _ABSENT:
                        continue
                    try:
                        column[row] = int(value)
                    except (TypeError, ValueError, OverflowError):
                        raise SpecError("a whole number is not a finite number", file=file,
                                        location=f"{place(row)}.{name}", value=value) from None
        if meta is not None and name.startswith(_PREFIX):
            name = name[len(_PREFIX):]
            if name.startswith('"'):  # a name with a control character, JSON-escaped
                try:
                    name = json.loads(name)
                except ValueError:
                    raise SpecError("an attribute name is not JSON text", file=file,
                                    location=scope, value=name) from None
                if not isinstance(name, str):
                    raise SpecError("an attribute name is not JSON text", file=file,
                                    location=scope, value=name)
            if name in out:
                column = _merged(out[name], column)
        out[name] = column
    return out


def _merged(under: np.ndarray, over: np.ndarray) -> np.ndarray:
    """``over`` where it has a value, ``under`` elsewhere."""
    if over.dtype != object:
        return over
    out = _as_objects(under).copy()
    present = _present(over)
    out[present] = over[present]
    return out


def _with_defaults(columns: dict[str, np.ndarray], shown: dict[str, np.ndarray]
                   ) -> dict[str, np.ndarray]:
    """``columns`` with ``shown``'s values where a row has none of its own."""
    out = dict(shown)
    for name, column in columns.items():
        out[name] = _merged(out[name], column) if name in out else column
    return out


def _to_numbers(column: np.ndarray) -> np.ndarray:
    """Text that reads as a number made a float (another tool's geometry)."""
    if column.dtype != object:
        return column
    out = column.copy()
    for row, value in enumerate(out.tolist()):
        if isinstance(value, str):
            try:
                out[row] = float(value)
            except ValueError:
                pass
    return out


# -------------------------------------------------------------- building
def _table_column(column: np.ndarray, numeric: bool) -> Any:
    """A column for the bulk table path, or :class:`_Records` where that path would read
    it otherwise than a spec."""
    if column.dtype != object:
        if column.dtype.kind == "f" and np.isnan(column).any():
            raise _Records  # the tables would take NaN for a missing value
        return column
    present = _present(column)
    values = column[present].tolist()
    kinds = set(map(type, values))
    if numeric and kinds - {int, float}:
        raise _Records  # the tables read None as missing here; the spec refuses it
    if float in kinds and any(v != v for v in values if type(v) is float):
        raise _Records
    if kinds & {int, list, dict} and any(value_problem(v) for v in values
                                        if type(v) in (int, list, dict)):
        raise _Records  # the row-by-row builder names the place
    if present.all() and kinds == {float}:
        return np.array(values, dtype=np.float64)
    out = column.copy()
    out[~present] = math.nan
    return pd.Series(out, dtype=object)


def _build(gather: _Gather, members: dict[str, np.ndarray], links: dict[str, np.ndarray],
           flows: np.ndarray, head: tuple[str, str, dict[str, Any], Any],
           edge_place: Callable[[int], str]) -> Ecosystem:
    name, description, attributes, roles = head
    file = gather.file
    if not isinstance(name, str) or not isinstance(description, str) or \
            not isinstance(roles, dict):
        raise SpecError("the graph's name, description or roles have the wrong type", file=file)
    ids = np.fromiter(gather.ids, dtype=object, count=len(gather.ids))
    source = np.concatenate(gather.sources) if gather.sources else np.zeros(0, np.int64)
    target = np.concatenate(gather.targets) if gather.targets else np.zeros(0, np.int64)
    eco = _new_ecosystem(name, description, attributes, roles, file)
    try:
        if gather.pending or flows.dtype == object:
            raise _Records
        member_frame = {"id": ids}
        for key, column in members.items():
            if key in ("role", "ring"):
                if column.dtype != object or set(map(type, column[_present(column)].tolist())) \
                        - {str}:
                    raise _Records
                if key == "role" and not _present(column).all():
                    raise _Records
            member_frame[key] = _table_column(column, False)
        if len(ids) and "role" not in members:
            raise _Records
        link_frame: dict[str, Any] = {}
        for key, column in links.items():
            link_frame[key] = _table_column(column, key in LINK_NUMERIC_ATTRIBUTES)
        if len(ids):
            eco.add_members_from(pd.DataFrame(member_frame, index=pd.RangeIndex(len(ids)),
                                              copy=False))
        if len(source):
            index = pd.Index(ids, dtype=object)
            link_frame["source"] = pd.Categorical.from_codes(source, categories=index)
            link_frame["target"] = pd.Categorical.from_codes(target, categories=index)
            link_frame["flow"] = pd.Categorical.from_codes(
                flows, categories=pd.Index(_FLOWS, dtype=object))
            eco.add_links_from(pd.DataFrame(link_frame, index=pd.RangeIndex(len(source)),
                                            copy=False))
        return eco
    except (_Records, EcosystemError, ValueError, TypeError, OverflowError):
        pass
    del eco
    return _build_records(gather, ids, members, links, flows, source, target, head,
                          edge_place)


def _rows_of(columns: dict[str, np.ndarray], count: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [{} for _ in range(count)]
    for name, column in columns.items():
        for row, value in zip(np.flatnonzero(_present(column)).tolist(),
                              column[_present(column)].tolist()):
            rows[row][name] = value
    return rows


def _build_records(gather: _Gather, ids: np.ndarray, members: dict[str, np.ndarray],
                   links: dict[str, np.ndarray], flows: np.ndarray, source: np.ndarray,
                   target: np.ndarray, head: tuple[str, str, dict[str, Any], Any],
                   edge_place: Callable[[int], str]) -> Ecosystem:
    """The ecosystem built and checked row by row (:func:`ecosystem._spec.build`)."""
    name, description, attributes, roles = head
    id_list = ids.tolist()
    member_records = _rows_of(members, len(id_list))
    for record, member_id in zip(member_records, id_list):
        record["id"] = member_id
    link_records = _rows_of(links, len(source))
    flow_values = [_FLOWS[code] for code in flows.tolist()] if flows.dtype != object else \
        flows.tolist()
    ends: list[tuple[Any, Any]] = []
    for row, (record, u, v, flow) in enumerate(zip(link_records, source.tolist(),
                                                   target.tolist(), flow_values)):
        if row in gather.pending:
            ends.append(gather.pending[row])
        else:
            ends.append((id_list[u], id_list[v]))
        if flow is not _ABSENT:  # an edge with neither a flow nor a key: "no flow"
            record["flow"] = flow
        record["source"], record["target"] = ends[-1]
    if gather.graph_order:
        order = _graph_order(gather, source, target, ends, len(id_list))
        link_records = [link_records[row] for row in order]
        ends = [ends[row] for row in order]

    def where(table: str, row: int, field: str | None) -> tuple[str, str]:
        place = f"node {id_list[row]!r}" if table == "members" else \
            f"edge {ends[row][0]!r} -> {ends[row][1]!r}"
        return gather.file, place + (f".{field}" if field else "")

    return build(member_records, link_records, name=name, description=description,
                 attributes=attributes, roles=roles, where=where, roles_file=gather.file)


def _graph_order(gather: _Gather, source: np.ndarray, target: np.ndarray,
                 ends: list[tuple[Any, Any]], count: int) -> list[int]:
    """Rows in the order a networkx graph of these edges lists them (source by source in
    node order, then by the first edge of each pair), so that the first problem found is
    the one networkx's reader made it report."""
    if not len(source):
        return []
    index = {member_id: row for row, member_id in enumerate(gather.ids)}
    source = source.copy()
    target = target.copy()
    for row in gather.pending:  # an end that names no member: after every member
        u, v = ends[row]
        source[row] = index.get(u, count) if isinstance(u, str) else count
        target[row] = index.get(v, count) if isinstance(v, str) else count
    pair = source * (count + 1) + target
    _, first, inverse = np.unique(pair, return_index=True, return_inverse=True)
    return np.lexsort((np.arange(len(pair)), first[inverse], source)).tolist()


def _finish(gather: _Gather, meta: dict[str, Any] | None, graph: dict[str, Any],
            restore_graph: bool, shown: tuple[dict, dict] | None = None,
            foreign: Callable[[dict, dict, Callable[[], np.ndarray]], None] | None = None
            ) -> Ecosystem:
    """The ecosystem of the gathered columns (see the module docstring)."""
    file = gather.file
    gather.flush_links()
    encoded, ints, roles = _meta_parts(meta, file)
    ids = gather.ids
    source = np.concatenate(gather.sources) if gather.sources else np.zeros(0, np.int64)
    target = np.concatenate(gather.targets) if gather.targets else np.zeros(0, np.int64)
    pending = gather.pending

    def edge_place(row: int) -> str:
        u, v = pending[row] if row in pending else (ids[source[row]], ids[target[row]])
        return f"edge {u!r} -> {v!r}"

    cache: list[np.ndarray] = []

    def keys() -> np.ndarray:
        if not cache:
            cache.append(gather.link_keys())
        return cache[0]

    node_ids = np.fromiter(ids, dtype=object, count=len(ids))
    members = _restore(gather.members.columns(), lambda: node_ids, "node",
                       lambda row: f"node {ids[row]!r}", meta, encoded, ints, file)
    links = _restore(gather.links.columns(), keys, "edge", edge_place, meta, encoded, ints,
                     file)
    if restore_graph:
        one = {}
        for k, v in graph.items():
            one[k] = np.empty(1, dtype=object)
            one[k][0] = v
        graph = {k: v[0] for k, v in _restore(one, lambda: np.array(["graph"], dtype=object),
                                              "graph", lambda row: "graph", meta, encoded,
                                              ints, file).items()}
    if shown is not None:
        members = _with_defaults(members, shown[0])
        links = _with_defaults(links, shown[1])
    flows = gather.flow_column()
    if foreign is not None:
        foreign(members, links, keys)
    members.pop("id", None)
    for end in ("source", "target"):
        links.pop(end, None)
    attributes = dict(graph)
    name = attributes.pop("name", "")
    description = attributes.pop("description", "")
    return _build(gather, members, links, flows, (name, description, attributes, roles),
                  edge_place)


def _read_meta(text: Any, file: str) -> dict[str, Any]:
    try:
        meta = json.loads(text)
    except (TypeError, ValueError, RecursionError):
        meta = None
    if not isinstance(meta, dict):
        raise SpecError("the ecobelt metadata is not a JSON object", file=file, value=text)
    return meta


# ------------------------------------------------------------------- expat
def _new_parser(path: str, what: str) -> Any:
    """An expat parser that reports names as ``namespace}local`` and refuses entities."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.buffer_size = 1 << 16

    def refuse(name: str, *_: Any) -> None:
        raise SpecError(f"an entity declaration ({name!r}); {what} files need none, and "
                        "entities can make a small file expand without bound", file=path,
                        location=f"line {parser.CurrentLineNumber}, column "
                                 f"{parser.CurrentColumnNumber + 1}")

    parser.EntityDeclHandler = refuse
    return parser


def _feed(parser: Any, path: str, what: str) -> None:
    """Feed ``path`` to ``parser`` a piece at a time."""
    try:
        with open(path, "rb") as handle:
            while True:
                piece = handle.read(PIECE)
                parser.Parse(piece, not piece)
                if not piece:
                    break
    except expat.ExpatError as error:
        raise SpecError(f"malformed {what}: {error}", file=path,
                        location=f"line {error.lineno}, column {error.offset + 1}") from None
    except RecursionError:
        raise SpecError(f"malformed {what}: nested too deeply", file=path) from None


def _local(name: str) -> str:
    return name.rpartition("}")[2]


class _Capture:
    """An element's subtree rebuilt with :class:`xml.etree.ElementTree.TreeBuilder` (yEd's
    graphics inside a ``<data>``, which are few)."""

    def __init__(self) -> None:
        self.builder = ET.TreeBuilder()

    @staticmethod
    def tag(name: str) -> str:
        return "{" + name if "}" in name else name

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.builder.start(self.tag(name), attrs)

    def end(self, name: str) -> None:
        self.builder.end(self.tag(name))


# ---------------------------------------------------------------- GraphML
_GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_NS_Y = "http://www.yworks.com/xml/graphml"
_PYTHON_TYPES: dict[str, Callable[[str], Any]] = {
    "integer": int, "yfiles": str, "string": str, "int": int, "long": int, "float": float,
    "double": float, "boolean": bool}
_BOOLS = {"true": True, "false": False, "0": False, "1": True}
(_ROOT, _KEY, _DEFAULT, _GRAPH, _NODE, _EDGE, _DATA, _HYPEREDGE, _OTHER) = range(9)
_GRAPHML_KINDS = {"graphml": _ROOT, "key": _KEY, "default": _DEFAULT, "graph": _GRAPH,
                  "node": _NODE, "edge": _EDGE, "data": _DATA, "hyperedge": _HYPEREDGE}


class _GraphMLError(Exception):
    """What networkx's reader refused: reported as ``cannot read as GraphML``."""


def _typed(convert: Callable[[str], Any], text: str) -> Any:
    if convert is bool:
        return _BOOLS[text.lower()]
    return convert(text)


def _yed(element: ET.Element, data: dict[str, Any]) -> None:
    """yEd's graphics as networkx reads them: geometry, label and shape."""
    y = "{" + _NS_Y + "}"
    node_label = None
    generic = element.find(f"{y}GenericNode")
    if generic is not None:
        data["shape_type"] = generic.get("configuration")
    for kind in ("GenericNode", "ShapeNode", "SVGNode", "ImageNode"):
        prefix = f"{y}{kind}/{y}"
        geometry = element.find(f"{prefix}Geometry")
        if geometry is not None:
            data["x"] = geometry.get("x")
            data["y"] = geometry.get("y")
        if node_label is None:
            node_label = element.find(f"{prefix}NodeLabel")
        shape = element.find(f"{prefix}Shape")
        if shape is not None:
            data["shape_type"] = shape.get("type")
    if node_label is not None:
        data["label"] = node_label.text
    edge_label = None
    for kind in ("PolyLineEdge", "SplineEdge", "QuadCurveEdge", "BezierEdge", "ArcEdge"):
        edge_label = element.find(f"{y}{kind}/{y}EdgeLabel")
        if edge_label is not None:
            break
    if edge_label is not None:
        data["label"] = edge_label.text


def read_graphml(path: str) -> Ecosystem:
    """Read a GraphML file (see :mod:`ecosystem.files`)."""
    try:
        return _read_graphml(path)
    except _GraphMLError as error:
        raise SpecError(f"cannot read as GraphML: {error.args[0]}", file=path) from None


def _read_graphml(path: str) -> Ecosystem:
    gather = _Gather(path)
    gather.graph_order = True
    parser = _new_parser(path, "GraphML")
    keys: dict[str, tuple[str, Callable[[str], Any]]] = {}
    defaults: dict[str, dict[str, Any]] = {"node": {}, "edge": {}}
    graph_data: dict[str, Any] = {}
    kinds: dict[str, int] = {}
    # the open elements, each [kind, live, group, attrs, values]: a live graph's nodes and
    # edges are read, and so are a live node's or edge's values
    stack: list[list[Any]] = [[-1, False, False, None, None]]
    graphs = 0
    directed = False
    # the open <data>: elements open inside it (itself included), how to read its text
    # (None: not read), the attribute's name, its text, its subtree (yEd's graphics)
    depth = 0
    convert: Callable[[str], Any] | None = None
    data_name: str | None = None
    data_text: str | None = None
    capture: _Capture | None = None
    data_tag: tuple[str, dict[str, str]] = ("", {})
    key: list[Any] | None = None  # the open <key>: [attrs, default text parts or None]

    def kind_of(name: str) -> int:
        namespace, _, local = name.rpartition("}")
        kind = _GRAPHML_KINDS.get(local, _OTHER) if namespace in ("", _GRAPHML_NS) else _OTHER
        kinds[name] = kind
        return kind

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth, convert, data_name, data_text, capture, data_tag, graphs, directed, key
        if depth:
            depth += 1
            if capture is None:
                capture = _Capture()
                capture.start(*data_tag)
            capture.start(name, attrs)
            return
        kind = kinds.get(name)
        if kind is None:
            kind = kind_of(name)
        parent = stack[-1]
        if kind == _DATA:
            depth = 1
            data_text = None
            capture = None
            data_tag = (name, attrs)
            parser.CharacterDataHandler = text
            if parent[1] and parent[0] in (_NODE, _EDGE, _GRAPH):
                found = keys.get(attrs.get("key"))  # type: ignore[arg-type]
                if found is None:
                    raise _GraphMLError(f"Bad GraphML data: no key {attrs.get('key')}")
                data_name, convert = found
            else:
                data_name = convert = None
            return
        live = parent[0] == _GRAPH and parent[1]
        if kind == _EDGE:
            edge_id = attrs.get("id")
            if edge_id is None or not live:
                gather.stop_pattern()
            gather.edge_id_seen(edge_id, lambda: f"edge {edge_id!r}")
            stack.append([_EDGE, live, False, attrs, {}])
        elif kind == _NODE:
            node_id = attrs.get("id")
            if node_id is not None:
                gather.node_id_seen(node_id)
                if not live:
                    gather.other_nodes.add(node_id)
            stack.append([_NODE, live, attrs.get("yfiles.foldertype") == "group", attrs, {}])
        elif kind == _GRAPH:
            if parent[0] == _ROOT:
                graphs += 1
                if graphs == 1:
                    directed = attrs.get("edgedefault") == "directed"
                stack.append([_GRAPH, graphs == 1, False, None, None])
            else:  # a nested graph: read where its node is a yEd group, as networkx does
                stack.append([_GRAPH, parent[0] == _NODE and parent[1] and parent[2], False,
                              None, None])
        else:
            if kind == _KEY and parent[0] == _ROOT:
                key = [attrs, None]
            elif kind == _DEFAULT and parent[0] == _KEY and key is not None:
                key[1] = []
                parser.CharacterDataHandler = text
            elif kind == _HYPEREDGE and live:
                raise _GraphMLError("GraphML reader doesn't support hyperedges")
            elif kind == _ROOT and parent[0] != -1:
                kind = _OTHER
            stack.append([kind, False, False, None, None])

    def text(chunk: str) -> None:
        nonlocal data_text
        if depth == 1:
            if capture is None:
                data_text = chunk if data_text is None else data_text + chunk
        elif depth:
            assert capture is not None
            capture.builder.data(chunk)
        elif key is not None and key[1] is not None and stack[-1][0] == _DEFAULT:
            key[1].append(chunk)

    def end(name: str) -> None:
        nonlocal depth, capture, key
        if depth:
            depth -= 1
            if depth:
                assert capture is not None
                capture.end(name)
                return
            parser.CharacterDataHandler = None
            if data_name is None:
                return
            owner = stack[-1]
            target = owner[4] if owner[0] != _GRAPH else graph_data
            if capture is not None:
                capture.end(name)
                _yed(capture.builder.close(), target)
                capture = None
            elif data_text is not None:
                try:
                    target[data_name] = _typed(convert, data_text)  # type: ignore[arg-type]
                except (ValueError, KeyError) as error:
                    raise _GraphMLError(str(error)) from None
            else:
                target[data_name] = ""
            return
        kind, live, _, attrs, values = stack.pop()
        if not live:
            if kind == _KEY and key is not None:
                parser.CharacterDataHandler = None
                _add_key(key[0], key[1], keys, defaults)
                key = None
            return
        if kind == _EDGE:
            way = attrs.get("directed")
            if directed and way == "false":
                raise _GraphMLError("directed=false edge found in directed graph.")
            if not directed and way == "true":
                raise _GraphMLError("directed=true edge found in undirected graph.")
            edge_id = attrs.get("id")
            edge_key = edge_id if edge_id else values.get("key")
            edge_default = defaults["edge"]
            if edge_default:
                values = {**edge_default, **values}
            had_flow = "flow" in values
            flow = values.pop("flow") if had_flow else _ABSENT if edge_key is None else edge_key
            gather.add_link(attrs.get("source"), attrs.get("target"), flow, edge_key,
                            had_flow, values)
        elif kind == _NODE:
            node_id = attrs.get("id")
            if node_id is None:
                raise SpecError("a node has no id", file=path)
            node_default = defaults["node"]
            gather.add_member(node_id, {**node_default, **values} if node_default else values)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    _feed(parser, path, "GraphML")
    if graphs == 0:
        raise _GraphMLError("file not successfully read as graphml")
    if not directed:
        raise SpecError("the GraphML graph is undirected; ecobelt links have a direction "
                        '(write edgedefault="directed")', file=path)
    meta = _read_meta(graph_data[_META], path) if _META in graph_data else None
    attributes = {k: v for k, v in graph_data.items()
                  if k not in ("node_default", "edge_default", _META)}

    def foreign(members: dict, links: dict, link_keys: Callable[[], np.ndarray]) -> None:
        if meta is not None:
            return
        for name in ("x", "y"):  # yEd's geometry comes as text
            if name in members:
                members[name] = _to_numbers(members[name])
        if not gather.links.count:
            return
        had = np.concatenate(gather.had_flow)
        if had.any():  # another tool's edge id: kept, and written back
            given = links.get("id")
            ids = _as_objects(given).copy() if given is not None else \
                np.full(len(had), _ABSENT, dtype=object)
            edge_keys = link_keys()
            for row in np.flatnonzero(had).tolist():
                if ids[row] is _ABSENT and isinstance(edge_keys[row], str):
                    ids[row] = edge_keys[row]
            if _present(ids).any():
                links["id"] = ids

    return _finish(gather, meta, attributes, True, foreign=foreign)


def _add_key(attrs: dict[str, str], default: list[str] | None,
             keys: dict[str, tuple[str, Callable[[str], Any]]],
             defaults: dict[str, dict[str, Any]]) -> None:
    key_id = attrs.get("id")
    kind = attrs.get("attr.type")
    name = attrs.get("attr.name")
    if attrs.get("yfiles.type") is not None:
        name, kind = attrs["yfiles.type"], "yfiles"
    if kind is None:
        kind = "string"
    if name is None:
        raise _GraphMLError(f"Unknown key for id {key_id}.")
    convert = _PYTHON_TYPES.get(kind)
    if convert is None:
        raise _GraphMLError(repr(kind))
    keys[key_id] = (name, convert)  # type: ignore[index]
    if default is not None:
        scope = attrs.get("for")
        try:
            value = _typed(convert, "".join(default))
        except (ValueError, KeyError) as error:
            raise _GraphMLError(str(error)) from None
        if scope in defaults:
            defaults[scope][name] = value


# --------------------------------------------------------------------- GEXF
_CONVERT: dict[str, Callable[[Any], Any]] = {"int": int, "float": float}
_GEXF_TYPES = {"integer": "int", "long": "int", "short": "int", "byte": "int",
               "float": "float", "double": "float", "boolean": "bool"}


def _gexf_value(text: str | None, kind: str, file: str, where: str) -> Any:
    if text is None:
        return None
    try:
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
        if kind == "bool":
            return {"true": True, "false": False, "1": True, "0": False}[text.strip().lower()]
    except (ValueError, KeyError):
        raise SpecError(f"not a valid {kind} value", file=file, location=where,
                        value=text) from None
    return text


def _gexf_colour(attrs: dict[str, str]) -> str:
    """``#rrggbb`` (``#rrggbbaa`` when not opaque) from ``r g b [a]`` or GEXF 1.3's ``hex``."""
    colour = attrs.get("hex")
    if colour:
        return colour.lower()
    r, g, b = (max(0, min(255, int(float(attrs.get(c, 0))))) for c in "rgb")
    alpha = float(attrs.get("a", 1))
    return f"#{r:02x}{g:02x}{b:02x}" + ("" if alpha >= 1 else f"{round(alpha * 255):02x}")


def read_gexf(path: str) -> Ecosystem:
    """Read a GEXF file, versions 1.1 to 1.3 (see :mod:`ecosystem.files`).

    Nodes get their attribute values (with the declared defaults), and unless
    the file is ecobelt's own, ``label`` and from Gephi's viz elements ``x``,
    ``y``, ``z``, ``color``, ``size`` and ``shape``; edges their ``id``,
    ``label``, ``weight`` and attribute values; the ``<meta>`` element's
    creator, keywords and description come back as graph attributes.
    """
    gather = _Gather(path)
    parser = _new_parser(path, "GEXF")
    shown_members, shown_links = _Rows(), _Rows()
    meta: dict[str, Any] = {}
    declared: dict[str, dict[Any, tuple[Any, str, Any]]] = {"node": {}, "edge": {}}
    fills: dict[str, dict[str, Any]] = {"node": {}, "edge": {}}
    stack: list[str] = []  # local names of the open elements
    stack_attrs: list[Any] = []  # their attributes, down to depth 2
    graphs = 0
    directed = False
    texts: list[Any] | None = None  # a meta item: [name, text parts, a child seen]
    item: list[Any] | None = None  # the open node or edge: [attrs, attvalues, viz, nested]
    attribute: list[Any] | None = None  # the open declaration: [class, attrs, default text]
    locals_: dict[str, str] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal graphs, directed, texts, item, attribute
        tag = locals_.get(name)
        if tag is None:
            tag = locals_[name] = _local(name)
        if tag == "attvalue" and item is not None and len(stack) == 5 and \
                stack[4] == "attvalues":
            item[1].append(attrs)
            stack.append(tag)
            stack_attrs.append(None)
            return
        depth = len(stack)
        stack.append(tag)
        stack_attrs.append(attrs if depth < 3 else None)
        if depth == 3:
            if stack[1] != "graph":
                pass
            elif tag in ("node", "edge") and stack[2] == tag + "s":
                item = [attrs, [], [], False]
            elif stack[2] == "attributes" and tag == "attribute":
                attribute = [stack_attrs[2].get("class", "node"), attrs, None]
        elif depth == 4:
            if item is not None:
                if tag in ("position", "color", "size", "shape"):
                    item[2].append((tag, attrs))
                elif tag == "nodes" and stack[3] == "node":
                    item[3] = True
            elif attribute is not None and tag == "default":
                attribute[2] = []
                parser.CharacterDataHandler = text
        elif depth == 2:
            if stack[1] == "meta":
                texts = [tag, [], False]
                parser.CharacterDataHandler = text
        elif depth == 1:
            if tag == "graph":
                graphs += 1
                if graphs > 1:
                    raise SpecError("not a GEXF file: expected <gexf> with one <graph>",
                                    file=path)
                directed = attrs.get("defaultedgetype", "undirected") == "directed"
            elif tag == "meta":
                modified = attrs.get("lastmodifieddate")
                if modified:
                    meta["lastmodifieddate"] = modified
        elif depth == 0 and tag != "gexf":
            raise SpecError("not a GEXF file: expected <gexf> with one <graph>", file=path)
        if texts is not None and depth > 2:
            texts[2] = True

    def text(chunk: str) -> None:
        if texts is not None:
            if not texts[2]:
                texts[1].append(chunk)
        elif attribute is not None and attribute[2] is not None and len(stack) == 5:
            attribute[2].append(chunk)

    def values(attvalues: list, scope: str, where: Callable[[], str]) -> dict[str, Any]:
        data = dict(fills[scope])
        known = declared[scope]
        for attrs in attvalues:
            key = attrs.get("for") or attrs.get("id")
            found = known.get(key)
            if found is None:
                raise SpecError(f"an attvalue for an undeclared {scope} attribute",
                                file=path, location=where(), value=key)
            title, kind, _ = found
            value = attrs.get("value")
            if kind != "str":
                convert = _CONVERT.get(kind)
                try:
                    value = convert(value)  # type: ignore[misc]
                except (TypeError, ValueError):  # None, or a value to name in an error
                    value = _gexf_value(value, kind, path, f"{where()}.{title}")
            data[title] = value
        return data

    def node_done(attrs: dict[str, str], attvalues: list, viz: list, nested: bool) -> None:
        node_id = attrs.get("id")
        if node_id is None:
            raise SpecError("a node has no id", file=path)
        gather.node_id_seen(node_id)
        if nested:
            raise SpecError("nested nodes (a hierarchy) are not supported", file=path,
                            location=f"node {node_id!r}")
        shown: dict[str, Any] = {}
        label = attrs.get("label")
        if label is not None:
            shown["label"] = label
        for kind, viz_attrs in viz:
            try:
                if kind == "position":
                    shown.update((c, float(viz_attrs.get(c, ""))) for c in "xyz"
                                 if viz_attrs.get(c))
                elif kind == "color":
                    shown["color"] = _gexf_colour(viz_attrs)
                elif kind == "size":
                    shown["size"] = float(viz_attrs.get("value", ""))
                elif kind == "shape":
                    shown["shape"] = viz_attrs.get("value") or viz_attrs.get("uri")
            except (TypeError, ValueError):
                raise SpecError(f"a malformed viz:{kind}", file=path,
                                location=f"node {node_id!r}") from None
        gather.add_member(node_id, values(attvalues, "node", lambda: f"node {node_id!r}"))
        rows = shown_members
        rows.block.append(shown)
        if len(rows.block) >= BLOCK:
            rows.flush()

    def edge_done(attrs: dict[str, str], attvalues: list) -> None:
        source, target, edge_id = attrs.get("source"), attrs.get("target"), attrs.get("id")

        def where() -> str:
            return f"edge {source!r} -> {target!r}"

        if edge_id is None:
            gather.stop_pattern()
        gather.edge_id_seen(edge_id, where)
        if attrs.get("type", attrs.get("edgetype", "directed" if directed else
                                       "undirected")) != "directed":
            raise SpecError("the GEXF graph is undirected; ecobelt links have a direction "
                            '(write defaultedgetype="directed")', file=path, location=where())
        shown: dict[str, Any] = {}
        label = attrs.get("label")
        if label is not None:
            shown["label"] = label
        weight = attrs.get("weight")
        if weight is not None:
            try:
                shown["weight"] = float(weight)
            except ValueError:
                shown["weight"] = _gexf_value(weight, "float", path, f"{where()}.weight")
        kind = attrs.get("kind")
        if kind is not None:
            shown["kind"] = kind
        if edge_id is not None:
            shown["id"] = edge_id
        record = values(attvalues, "edge", where)
        key = record.pop("networkx_key", None)  # networkx's writers keep the edge key here
        if key is not None:
            record.setdefault("flow", key)
        had_flow = "flow" in record
        flow = record.pop("flow") if had_flow else None
        gather.add_link(source, target, flow, edge_id, had_flow, record)
        rows = shown_links
        rows.block.append(shown)
        if len(rows.block) >= BLOCK:
            rows.flush()

    def end(name: str) -> None:
        nonlocal texts, item, attribute
        tag = stack.pop()
        stack_attrs.pop()
        if tag == "attvalue":
            return
        depth = len(stack)
        if depth == 3:
            if item is not None and tag in ("node", "edge"):
                attrs, attvalues, viz, nested = item
                item = None
                if tag == "node":
                    node_done(attrs, attvalues, viz, nested)
                else:
                    edge_done(attrs, attvalues)
            elif attribute is not None and tag == "attribute":
                parser.CharacterDataHandler = None
                scope, attrs, default = attribute
                attribute = None
                if scope in declared:
                    key, title = attrs.get("id"), attrs.get("title") or attrs.get("id")
                    kind = _GEXF_TYPES.get(attrs.get("type", "string"), "str")
                    value = _gexf_value("".join(default), kind, path,
                                        f"attribute {title!r} default") \
                        if default else None
                    declared[scope][key] = (title, kind, value)
                    fills[scope] = {t: d for t, _, d in declared[scope].values()
                                    if d is not None}
        elif depth == 2 and texts is not None:
            parser.CharacterDataHandler = None
            item_tag, parts, _ = texts
            texts = None
            content = "".join(parts)
            if content.strip():
                meta[item_tag] = content.strip()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    _feed(parser, path, "GEXF")
    if graphs != 1:
        raise SpecError("not a GEXF file: expected <gexf> with one <graph>", file=path)
    if not directed and not gather.links.count and not gather.block_ends[0]:
        raise SpecError("the GEXF graph is undirected; ecobelt links have a direction "
                        '(write defaultedgetype="directed")', file=path)
    description = meta.get("description")
    own = None
    if description and description.lstrip().startswith("{"):
        candidate = _read_meta(description, path)
        own = candidate if "ecobelt" in candidate else None
    if own is not None:  # ecobelt's own file: label, positions and weights derive from it
        graph = own.get("graph", {})
        if not isinstance(graph, dict):
            raise SpecError("the ecobelt metadata is damaged", file=path)
        return _finish(gather, own, dict(graph), False)
    return _finish(gather, None, dict(meta), False,
                   shown=(shown_members.columns(), shown_links.columns()))
