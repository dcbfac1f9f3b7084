"""The GraphML and GEXF readers as they were before they streamed: networkx's GraphML
reader and a whole ElementTree for GEXF, then records checked row by row. Kept only as
the reference the streaming readers are compared with (tests/test_xml_stream.py)."""

import json
import xml.etree.ElementTree as ET
from typing import Any

import networkx as nx

from ecosystem._errors import SpecError
from ecosystem._spec import SPEC_VERSION, build
from ecosystem.graph import Ecosystem

_META = "ecobelt"
_PREFIX = "ecobelt."


def _decode(nodes: list[tuple[str, dict]], edges: list[tuple[str, str, str, str, dict]],
            meta: dict[str, Any] | None, file: str, graph_attributes: dict[str, Any],
            restore_graph: bool = True) -> Ecosystem:
    """Members and links of a read graph, restored and built (and checked) like a spec.

    ``edges`` holds ``(source, target, flow, edge_id, data)``.
    """
    encoded: dict[str, Any] = {"graph": set(), "node": set(), "edge": set()}
    ints: dict[str, Any] = {"graph": {}, "node": {}, "edge": {}}
    roles: Any = {}
    if meta is not None:
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
        roles = meta.get("roles", {})

    def restore(key: str, d: dict[str, Any], scope: str, where: str) -> dict[str, Any]:
        out = {}
        for name, value in d.items():
            if name in encoded[scope]:
                try:
                    value = json.loads(value)
                except (TypeError, ValueError):
                    raise SpecError("an encoded attribute is not JSON text", file=file,
                                    location=f"{where}.{name}", value=value) from None
            elif name in ints[scope] and key in ints[scope][name]:
                value = int(value)
            if meta is not None and name.startswith(_PREFIX):
                name = name[len(_PREFIX):]
                if name.startswith('"'):  # a name with a control character, JSON-escaped
                    name = json.loads(name)
            out[name] = value
        return out

    attributes = restore("graph", graph_attributes, "graph", "graph") if restore_graph \
        else dict(graph_attributes)
    name = attributes.pop("name", "")
    description = attributes.pop("description", "")
    members = []
    for member_id, d in nodes:
        record = restore(member_id, d, "node", f"node {member_id!r}")
        record["id"] = member_id
        members.append(record)
    links = []
    for u, v, flow, edge_id, d in edges:
        record = restore(edge_id, d, "edge", f"edge {u!r} -> {v!r}")
        record.setdefault("flow", flow)
        record.update(source=u, target=v)
        links.append(record)

    def where(table: str, row: int, field: str | None) -> tuple[str, str]:
        place = f"node {nodes[row][0]!r}" if table == "members" else \
            f"edge {edges[row][0]!r} -> {edges[row][1]!r}"
        return file, place + (f".{field}" if field else "")

    if not isinstance(name, str) or not isinstance(description, str) or \
            not isinstance(roles, dict):
        raise SpecError("the graph's name, description or roles have the wrong type", file=file)
    return build(members, links, name=name, description=description, attributes=attributes,
                 roles=roles, where=where, roles_file=file)


def _read_meta(text: Any, file: str) -> dict[str, Any]:
    try:
        meta = json.loads(text)
    except (TypeError, ValueError):
        meta = None
    if not isinstance(meta, dict):
        raise SpecError("the ecobelt metadata is not a JSON object", file=file, value=text)
    return meta


def _parse_error(error: Exception, file: str, what: str) -> SpecError:
    position = getattr(error, "position", None)
    return SpecError(f"malformed {what}: {error}", file=file,
                     location=f"line {position[0]}, column {position[1] + 1}"
                     if position else None)


def _refuse_duplicate_ids(path: str) -> None:
    """networkx merges nodes (and edges) that share an id: refuse such a file instead."""
    seen: dict[str, set[str]] = {"node": set(), "edge": set()}
    for _, element in ET.iterparse(path, events=("start",)):
        tag = _tag(element)
        if tag in seen:
            identifier = element.get("id")
            if identifier is not None:
                if identifier in seen[tag]:
                    raise SpecError(f"duplicate {tag} id", file=path,
                                    location=f"{tag} {identifier!r}", value=identifier)
                seen[tag].add(identifier)


def _as_number(value: Any) -> Any:
    try:
        return float(value) if isinstance(value, str) else value
    except ValueError:
        return value


def read_graphml(path: str) -> Ecosystem:
    """Read a GraphML file (see :mod:`ecosystem.files`)."""
    try:
        _refuse_duplicate_ids(path)
        graph = nx.read_graphml(path, node_type=str, force_multigraph=True)
    except ET.ParseError as error:
        raise _parse_error(error, path, "GraphML") from None
    except (nx.NetworkXError, ValueError, KeyError) as error:
        raise SpecError(f"cannot read as GraphML: {error}", file=path) from None
    if not graph.is_directed():
        raise SpecError("the GraphML graph is undirected; ecobelt links have a direction "
                        '(write edgedefault="directed")', file=path)
    attributes = {k: v for k, v in graph.graph.items()
                  if k not in ("node_default", "edge_default", _META)}
    meta = _read_meta(graph.graph[_META], path) if _META in graph.graph else None
    node_default = graph.graph.get("node_default") or {}
    edge_default = graph.graph.get("edge_default") or {}
    nodes, edges = [], []
    for node_id, d in graph.nodes(data=True):  # a key's <default> where a node has no value
        d = {**node_default, **d}
        if meta is None:  # yEd's geometry comes as text
            d.update((c, _as_number(d[c])) for c in ("x", "y") if c in d)
        nodes.append((node_id, d))
    for u, v, k, d in graph.edges(keys=True, data=True):
        d = {**edge_default, **d}
        if meta is None and isinstance(k, str) and "flow" in d:
            d.setdefault("id", k)  # another tool's edge id: kept, and written back
        edges.append((u, v, k, k, d))
    return _decode(nodes, edges, meta, path, attributes)


_GEXF_TYPES = {"integer": "int", "long": "int", "short": "int", "byte": "int",
               "float": "float", "double": "float", "boolean": "bool"}


def _tag(element: ET.Element) -> str:
    return element.tag.rpartition("}")[2]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _tag(child) == name]


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


def _gexf_colour(element: ET.Element) -> str:
    """``#rrggbb`` (``#rrggbbaa`` when not opaque) from ``r g b [a]`` or GEXF 1.3's ``hex``."""
    colour = element.get("hex")
    if colour:
        return colour.lower()
    r, g, b = (max(0, min(255, int(float(element.get(c, 0))))) for c in "rgb")
    alpha = float(element.get("a", 1))
    return f"#{r:02x}{g:02x}{b:02x}" + ("" if alpha >= 1 else f"{round(alpha * 255):02x}")


def _gexf_parse(path: str) -> dict[str, Any]:
    """A GEXF file (versions 1.1 to 1.3) as plain records, nothing lost that a spec can hold.

    Nodes get their attribute values (with the declared defaults), ``label``,
    and from Gephi's viz elements ``x``, ``y``, ``z``, ``color``, ``size`` and
    ``shape``; edges their ``id``, ``label``, ``weight`` and attribute values;
    the ``<meta>`` element's creator, keywords and description come back as
    graph attributes.
    """
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise _parse_error(error, path, "GEXF") from None
    graphs = _children(root, "graph")
    if _tag(root) != "gexf" or len(graphs) != 1:
        raise SpecError("not a GEXF file: expected <gexf> with one <graph>", file=path)
    graph = graphs[0]
    meta = {}
    for element in _children(root, "meta"):
        for item in element:
            if item.text and item.text.strip():
                meta[_tag(item)] = item.text.strip()
        modified = element.get("lastmodifieddate")
        if modified:
            meta["lastmodifieddate"] = modified
    # ids and titles as the file gives them (None where it has none)
    declared: dict[str, dict[Any, tuple[Any, str, Any]]] = {"node": {}, "edge": {}}
    for block in _children(graph, "attributes"):
        scope = block.get("class", "node")
        if scope not in declared:
            continue
        for attribute in _children(block, "attribute"):
            key, title = attribute.get("id"), attribute.get("title") or attribute.get("id")
            kind = _GEXF_TYPES.get(attribute.get("type", "string"), "str")
            default = _children(attribute, "default")
            where = f"attribute {title!r} default"
            declared[scope][key] = (title, kind, _gexf_value(
                default[0].text, kind, path, where) if default else None)

    def values(element: ET.Element, scope: str, where: str) -> dict[str, Any]:
        data = {title: default for title, _, default in declared[scope].values()
                if default is not None}
        for block in _children(element, "attvalues"):
            for value in _children(block, "attvalue"):
                key = value.get("for") or value.get("id")
                if key not in declared[scope]:
                    raise SpecError(f"an attvalue for an undeclared {scope} attribute",
                                    file=path, location=where, value=key)
                title, kind, _ = declared[scope][key]
                data[title] = _gexf_value(value.get("value"), kind, path, f"{where}.{title}")
        return data

    nodes: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    seen: set[str] = set()
    for block in _children(graph, "nodes"):
        for node in _children(block, "node"):
            node_id = node.get("id")
            if node_id is None:
                raise SpecError("a node has no id", file=path)
            if node_id in seen:
                raise SpecError("duplicate node id", file=path, location=f"node {node_id!r}",
                                value=node_id)
            seen.add(node_id)
            if _children(node, "nodes"):
                raise SpecError("nested nodes (a hierarchy) are not supported", file=path,
                                location=f"node {node_id!r}")
            shown: dict[str, Any] = {}
            if node.get("label") is not None:
                shown["label"] = node.get("label")
            for viz in node:
                kind = _tag(viz)
                try:
                    if kind == "position":
                        shown.update((c, float(viz.get(c, ""))) for c in "xyz" if viz.get(c))
                    elif kind == "color":
                        shown["color"] = _gexf_colour(viz)
                    elif kind == "size":
                        shown["size"] = float(viz.get("value", ""))
                    elif kind == "shape":
                        shown["shape"] = viz.get("value") or viz.get("uri")
                except (TypeError, ValueError):
                    raise SpecError(f"a malformed viz:{kind}", file=path,
                                    location=f"node {node_id!r}") from None
            nodes.append((node_id, values(node, "node", f"node {node_id!r}"), shown))
    edges: list[tuple[str | None, str | None, str | None, dict[str, Any], dict[str, Any]]] = []
    edge_ids: set[str] = set()
    directed = graph.get("defaultedgetype", "undirected") == "directed"
    for block in _children(graph, "edges"):
        for edge in _children(block, "edge"):
            source, target, edge_id = edge.get("source"), edge.get("target"), edge.get("id")
            where = f"edge {source!r} -> {target!r}"
            if edge_id is not None:
                if edge_id in edge_ids:
                    raise SpecError("duplicate edge id", file=path, location=where,
                                    value=edge_id)
                edge_ids.add(edge_id)
            if edge.get("type", edge.get("edgetype", "directed" if directed else
                                         "undirected")) != "directed":
                raise SpecError("the GEXF graph is undirected; ecobelt links have a direction "
                                '(write defaultedgetype="directed")', file=path, location=where)
            shown = {}
            for name in ("label", "weight"):
                if edge.get(name) is not None:
                    shown[name] = edge.get(name) if name == "label" else \
                        _gexf_value(edge.get(name), "float", path, f"{where}.weight")
            if edge.get("kind") is not None:
                shown["kind"] = edge.get("kind")
            data = values(edge, "edge", where)
            key = data.pop("networkx_key", None)  # networkx's writers keep the edge key here
            if key is not None:
                data.setdefault("flow", key)
            edges.append((source, target, edge_id, data, shown))
    if not directed and not edges:
        raise SpecError("the GEXF graph is undirected; ecobelt links have a direction "
                        '(write defaultedgetype="directed")', file=path)
    return {"meta": meta, "nodes": nodes, "edges": edges}


def read_gexf(path: str) -> Ecosystem:
    """Read a GEXF file, versions 1.1 to 1.3 (see :mod:`ecosystem.files`)."""
    parsed = _gexf_parse(path)
    description = parsed["meta"].get("description")
    meta = None
    if description and description.lstrip().startswith("{"):
        candidate = _read_meta(description, path)
        meta = candidate if "ecobelt" in candidate else None
    nodes, edges = [], []
    if meta is not None:  # ecobelt's own file: label, positions and weights derive from it
        nodes = [(node_id, data) for node_id, data, _ in parsed["nodes"]]
        edges = [(u, v, data.get("flow"), edge_id, data)
                 for u, v, edge_id, data, _ in parsed["edges"]]
        attributes = dict(meta.get("graph", {}))
        return _decode(nodes, edges, meta, path, attributes, restore_graph=False)
    for node_id, data, shown in parsed["nodes"]:  # another tool's: keep what it shows too
        nodes.append((node_id, {**shown, **data}))
    for u, v, edge_id, data, shown in parsed["edges"]:
        record = {**shown, **data}
        if edge_id is not None:
            record.setdefault("id", edge_id)
        edges.append((u, v, data.get("flow"), edge_id, record))
    attributes = {key: value for key, value in parsed["meta"].items()}
    return _decode(nodes, edges, None, path, attributes, restore_graph=False)
