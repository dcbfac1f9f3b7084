"""The GraphML and GEXF writers stream from the columns and write what networkx wrote.

The reference is the earlier writer, kept here as it was: the ecosystem encoded into a
networkx ``MultiDiGraph`` (``_reference_graph``) and written by networkx's own GraphML and
GEXF writers. Every file (or error) of the streaming writers is compared byte for byte
with the reference's, on the bundled examples, a belt, and random ecosystems with the
values XML finds awkward, held in columns and as a networkx graph, with blocks of a few
rows so that every block boundary is crossed.
"""

from __future__ import annotations

import json
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from networkx.readwrite.gexf import GEXFWriter

import networks
from ecosystem import Ecosystem, SpecError, _graphml, _xmlwrite
from ecosystem._graphml import (_META, _NOT_XML, _check_id, _encode_scope, _is_number,
                                _viz)
from ecosystem._spec import SPEC_VERSION, plain
from ecosystem.files import load, save
from ecosystem.taxonomy import DEFAULT_ROLES

EXAMPLES = sorted(p for p in (Path(networks.__file__).parent / "examples").iterdir()
                  if p.suffix in (".yaml", ".json"))
DATA = Path(__file__).parent / "data"


# ------------------------------------------------------- the reference: the earlier writer
def _reference_edge_ids(edges: list) -> list[str]:
    ids = [d.get("id") for *_, d in edges]
    if all(isinstance(i, str) and i and not _NOT_XML.search(i) for i in ids) \
            and len(set(ids)) == len(ids):
        return ids
    return [f"e{i}" for i in range(len(edges))]


def _reference_graph(eco: Ecosystem, file: str, gexf: bool
                     ) -> tuple[nx.MultiDiGraph, dict[str, Any]]:
    graph = {k: plain(v) for k, v in eco.graph.graph.items()}
    nodes = [(m, {k: plain(v) for k, v in d.items()}) for m, d in eco.graph.nodes(data=True)]
    for member_id, _ in nodes:
        _check_id(member_id, file)
    edges = [(u, v, k, {name: plain(x) for name, x in d.items()})
             for u, v, k, d in eco.graph.edges(keys=True, data=True)]
    edge_ids = _reference_edge_ids(edges)
    meta: dict[str, Any] = {"ecobelt": SPEC_VERSION, "json": {}, "int": {}}
    scopes = {"node": [(m, d) for m, d in nodes],
              "edge": [(e, d) for e, (*_, d) in zip(edge_ids, edges)]}
    if not gexf:
        scopes["graph"] = [("graph", graph)]
    for scope, items in scopes.items():
        meta["json"][scope], meta["int"][scope] = _encode_scope(items, scope, file)
    if eco.custom_roles:
        meta["roles"] = {role: ring.value for role, ring in eco.custom_roles.items()}
    if gexf:
        meta["graph"] = graph
        for member_id, d in nodes:
            member = eco.graph.nodes[member_id]
            label = next((value for value in (member.get("label"), member.get("name"))
                          if isinstance(value, str) and not _NOT_XML.search(value)), member_id)
            d["label"] = label
            viz = _viz(member)
            if viz:
                d["viz"] = viz
    out = nx.MultiDiGraph()
    if gexf:
        out.graph["name"] = "" if _NOT_XML.search(str(eco.name)) else str(eco.name)
    else:
        out.graph.update(graph)
    out.add_nodes_from(nodes)
    for edge_id, (u, v, k, d) in zip(edge_ids, edges):
        d["flow"] = k
        if gexf:
            if _is_number(eco.graph.edges[u, v, k].get("volume")):
                d["weight"] = float(eco.graph.edges[u, v, k]["volume"])
            out.add_edges_from([(u, v, k, {**d, "id": edge_id})])
        else:
            out.add_edges_from([(u, v, edge_id, d)])
    return out, meta


def _reference_graphml(eco: Ecosystem, path: str) -> None:
    graph, meta = _reference_graph(eco, path, gexf=False)
    graph.graph[_META] = json.dumps(meta)
    nx.write_graphml_xml(graph, path, edge_id_from_attribute="id")


def _reference_gexf(eco: Ecosystem, path: str) -> None:
    graph, meta = _reference_graph(eco, path, gexf=True)
    writer = GEXFWriter(version="1.2draft")
    try:
        text = json.dumps(meta, allow_nan=True)
    except (TypeError, ValueError) as error:
        raise SpecError(f"a graph attribute cannot be written as JSON: {error}",
                        file=path) from None
    ET.SubElement(writer.xml.find("meta"), "description").text = text
    writer.add_graph(graph)
    writer.write(path)


# ------------------------------------------------------------------------- comparing
def _written(write, eco: Ecosystem, extension: str) -> bytes | tuple[str, str]:
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/e.{extension}"
        try:
            write(eco, path)
        except SpecError as error:
            return "error", str(error).replace(folder, "")
        return Path(path).read_bytes()


def _graph_backed(eco: Ecosystem) -> Ecosystem:
    copy = eco.copy()
    assert copy.graph is not None and copy._graph is not None  # the graph is the storage
    return copy


def _same_files(eco: Ecosystem) -> None:
    backed = eco._graph is None
    for extension, write, reference in (("graphml", _graphml.write_graphml, _reference_graphml),
                                        ("gexf", _graphml.write_gexf, _reference_gexf)):
        expected = _written(reference, _graph_backed(eco), extension)
        assert _written(write, eco, extension) == expected, extension
        if backed:
            assert eco._graph is None  # written from the columns, no graph built
        assert _written(write, _graph_backed(eco), extension) == expected, extension


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_write_what_networkx_wrote(path):
    _same_files(load(path))


@pytest.mark.parametrize("name", ["gephi_belt.gexf", "yed_belt.graphml"])
def test_users_files_write_what_networkx_wrote(name):
    _same_files(load(DATA / name))  # own edge ids, labels, positions, colours, sizes


def test_a_belt_writes_what_networkx_wrote_in_blocks(monkeypatch):
    eco = networks.industrial_belt(300, seed=3)
    monkeypatch.setattr(_xmlwrite, "CHUNK", 1000)
    _same_files(eco)
    assert eco.number_of_links() > 3 * _xmlwrite.CHUNK


# ------------------------------------------------------------------- random ecosystems
_TEXT = st.one_of(
    st.text(max_size=5),
    st.sampled_from(["&", "<a>", 'q"t', "it's", "a\tb", "l\nm", "c\rd", "\x01", "\ud800",
                     "\x85", "\u2028", "caf\u00e9", "\U0001f600", "", " ", "]]>", "&amp;",
                     "\ufffe", "#aabbcc", "#AABBCC80", "#abc", "e0", "x%sy", "%d"]))
_SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(-2 ** 60, 2 ** 60),
    st.sampled_from([2 ** 53, -2 ** 53 - 1, 10 ** 30]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e-5, 1e16, -0.0, 1.5e300, 5e-324]), _TEXT)
_VALUE = st.one_of(
    _SCALAR, _SCALAR, _SCALAR,
    st.lists(_SCALAR, max_size=3),
    st.dictionaries(_TEXT, _SCALAR, max_size=2),
    st.builds(np.float64, st.floats(-1e3, 1e3)),
    st.builds(np.int64, st.integers(-5, 5)),
    st.builds(np.str_, _TEXT),
    st.builds(tuple, st.lists(st.floats(-9, 9), min_size=2, max_size=3)),
    st.just({1, 2}))  # neither format can hold a set: both writers must report it alike
_KEY = st.one_of(
    st.sampled_from(["employees", "id", "label", "name", "key", "viz", "x", "y", "z", "pos",
                     "color", "size", "flow", "weight", "volume", "ecobelt", "ecobelt.x",
                     "networkx_key", "start", "a\x01b", 'q"<&>', "t\tn", "description"]),
    st.text(min_size=1, max_size=3))
_ROLES = sorted(DEFAULT_ROLES)[:6]
_ID = st.one_of(st.text(min_size=1, max_size=4).filter(lambda s: s.strip()),
                st.sampled_from(["a&b", "<m>", 'q"', "t\tab", "n\nl", "m\x02", "e1", "x y"]))


@st.composite
def ecosystems(draw) -> Ecosystem:
    eco = Ecosystem(draw(_TEXT), roles={"broker": "sub_core"}) if draw(st.booleans()) \
        else Ecosystem("e")
    for key, value in draw(st.dictionaries(_KEY, _VALUE, max_size=2)).items():
        if key not in ("name", "description"):
            eco.attributes[key] = value
    ids = draw(st.lists(_ID, max_size=7, unique=True))
    for member in ids:
        role = draw(st.sampled_from(_ROLES + (["broker"] if "broker" in eco.roles else [])))
        attributes = draw(st.dictionaries(_KEY, _VALUE, max_size=4))
        try:
            eco.add_member(member, role, **attributes)
        except Exception:
            eco.add_member(member, role)
    own_ids = draw(st.booleans())
    for i in range(draw(st.integers(0, 12)) if ids else 0):
        source, target = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        flow = draw(st.sampled_from(["information", "logistics", "capital", "technology"]))
        attributes = draw(st.dictionaries(_KEY, _VALUE, max_size=3))
        if draw(st.booleans()):
            attributes["volume"] = draw(st.one_of(st.floats(0, 1e308), st.integers(0, 9)))
        if own_ids:  # a file from another tool: every link has its own id
            attributes["id"] = draw(st.sampled_from([f"L{i}", f"<{i}&>", f"t\t{i}"]))
        try:
            eco.link(source, target, flow, **attributes)
        except Exception:
            pass
    if ids and draw(st.booleans()):  # a column that earlier rows lack
        try:
            eco.update_member(ids[-1], **draw(st.dictionaries(_KEY, _VALUE, max_size=2)))
        except Exception:
            pass
    return eco


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ecosystems(), st.sampled_from([1, 2, 3, 1 << 16]))
def test_random_ecosystems_write_what_networkx_wrote(eco, chunk):
    saved, _xmlwrite.CHUNK = _xmlwrite.CHUNK, chunk
    try:
        _same_files(eco)
    finally:
        _xmlwrite.CHUNK = saved


def test_a_broken_writer_is_caught(monkeypatch):
    """The comparison sees a writer that forgets to escape, or drops a block's last row."""
    eco = networks.industrial_belt(3, seed=1)
    eco.update_member(next(iter(eco)), note='a "quoted" <b> & c')
    _same_files(eco)
    monkeypatch.setattr(_xmlwrite, "_escaped", lambda texts, attribute: texts)
    with pytest.raises(AssertionError):
        _same_files(eco)
    monkeypatch.undo()
    real = _xmlwrite._Plan.blocks

    def dropping(self, table):  # a block without its last row
        for start, stop, _ in real(self, table):
            yield start, stop - 1, table.index(start, stop - 1)

    monkeypatch.setattr(_xmlwrite._Plan, "blocks", dropping)
    with pytest.raises(AssertionError):
        _same_files(eco)


def test_errors_come_before_any_file_is_opened(tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(_xmlwrite, "atomic_path", lambda path: opened.append(path))
    eco = Ecosystem()
    eco.add_member("m1", "manufacturer", tags={1, 2})
    eco.add_member("m\x01", "manufacturer")
    for extension in ("graphml", "gexf"):
        with pytest.raises(SpecError, match="member id has a character XML cannot hold"):
            save(eco, tmp_path / f"x.{extension}")
    eco = Ecosystem()
    eco.add_member("m1", "manufacturer", tags={1, 2})
    for extension in ("graphml", "gexf"):
        with pytest.raises(SpecError, match=r"node 'm1'\.tags: a value cannot be written as JSON"):
            save(eco, tmp_path / f"x.{extension}")
    eco = Ecosystem()
    eco.attributes["when"] = {1, 2}
    with pytest.raises(SpecError, match="a graph attribute cannot be written as JSON"):
        save(eco, tmp_path / "x.gexf")
    assert opened == [] and list(tmp_path.iterdir()) == []


def test_a_million_ids_are_not_needed_to_see_block_boundaries(monkeypatch):
    """Rows that lack every attribute, and rows that differ in their viz, across blocks."""
    monkeypatch.setattr(_xmlwrite, "CHUNK", 2)
    eco = Ecosystem()
    for i in range(5):
        eco.add_member(f"m{i}", "supplier", **({"x": 1.0, "y": 2.5} if i % 2 else {}),
                       **({"color": "#102030"} if i == 4 else {}))
    eco.link("m0", "m1", "logistics", volume=1.5)
    eco.link("m0", "m2", "capital", volume=2)
    eco.link("m3", "m2", "capital")
    _same_files(eco)
    bare = _graph_backed(eco)
    bare.graph.edges["m0", "m1", "logistics"]["volume"] = float("inf")  # no weight
    bare.graph.edges["m3", "m2", "capital"]["volume"] = np.float64(4.0)
    for member in bare.graph.nodes:
        bare.graph.nodes[member].clear()  # no attribute at all: <node id="m0" />
    assert _written(_graphml.write_graphml, bare, "graphml") == \
        _written(_reference_graphml, bare, "graphml")
    assert _written(_graphml.write_gexf, bare, "gexf") == \
        _written(_reference_gexf, bare, "gexf")


@pytest.mark.parametrize("z", ["float", "int", "none"])
def test_a_laid_out_belt_writes_what_networkx_wrote(monkeypatch, z):
    """Positions, sizes and colours held in number columns (a layout by Gephi or networkx)."""
    monkeypatch.setattr(_xmlwrite, "CHUNK", 7)
    eco = networks.industrial_belt(5, seed=2)
    rng = np.random.default_rng(5)
    for i, member in enumerate(eco):
        if i % 5 == 4:
            continue  # some members have no position
        position = {"x": float(rng.normal()), "y": round(float(rng.normal()), 1)}
        if z != "none":
            position["z"] = float(i % 3) if z == "float" else i % 3
        if i % 4 == 1:
            position["size"] = [1.5, 2.0, -0.0, float("nan")][i % 4 - 1 if i % 8 == 1 else 1]
        if i % 3 == 0:
            position["color"] = ["#a0b0c0", "#A0B0C0FF", "#123", "red"][i % 4]
        eco.update_member(member, **position)
    eco.update_member(next(iter(eco)), x=float("inf"))  # no position for this one
    _same_files(eco)


def test_a_link_keyed_by_something_other_than_a_flow_is_refused(tmp_path):
    eco = Ecosystem()
    eco.add_member("a", "supplier")
    eco.add_member("b", "supplier")
    eco.graph.add_edge("a", "b")  # networkx's own key 0: not a flow
    for extension in ("graphml", "gexf"):
        with pytest.raises(SpecError, match=r"edge 'a' -> 'b': a link's key is not a flow"):
            save(eco, tmp_path / f"x.{extension}")
    assert list(tmp_path.iterdir()) == []
