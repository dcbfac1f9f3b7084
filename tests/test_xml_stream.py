"""The streaming GraphML and GEXF readers read every file as the readers they replaced did
(networkx's GraphML reader, and a whole ElementTree for GEXF, kept as they were in
``tests/_xml_reference.py``): the same ecosystem with the same value types, or the same
error. Blocks are made tiny here so that the boundaries between blocks are crossed.

The files are ecobelt's own (random ecosystems saved) and other tools' (random GraphML
with typed keys and defaults, random Gephi-style GEXF 1.2 and 1.3 with labels, viz
elements, attribute defaults and edge ids). Left out on purpose, where the old readers
did something else: an edge to an undeclared node (networkx made a node of it, the
streaming reader calls it a dangling link) and edge ids made only of digits (networkx
turned them into ints and dropped them; they are kept now). An edge with neither an id nor
a flow is refused by both, now as a link with no flow rather than with the flow 0. A file
with broken markup is refused by both in one line; the stream may name a refused member or
link it met before the broken markup, where the whole-tree reader named the markup.
"""

import contextlib
import os
import re
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import _xml_reference as reference
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_roundtrip import assert_same, ecosystems

from ecosystem import DEFAULT_ROLES, EcosystemError, SpecError
from ecosystem import _xmlread
from ecosystem.files import save

DATA = Path(__file__).parent / "data"
NEW = {"graphml": _xmlread.read_graphml, "gexf": _xmlread.read_gexf}
OLD = {"graphml": reference.read_graphml, "gexf": reference.read_gexf}


@contextlib.contextmanager
def tiny_blocks(size: int = 2):
    previous = _xmlread.BLOCK
    _xmlread.BLOCK = size
    try:
        yield
    finally:
        _xmlread.BLOCK = previous


def outcome(read, path):
    """What reading gives: the ecosystem, or the error's text."""
    try:
        return read(path)
    except SpecError as error:
        return f"SpecError: {error}"


def compare(path, kind: str) -> None:
    """The new reader gives what the old one gave: an equal ecosystem or the same error."""
    with tiny_blocks():
        new = outcome(NEW[kind], str(path))
    old = outcome(OLD[kind], str(path))
    if isinstance(old, str):  # the old GraphML reader wrapped its duplicate-id error twice
        old = old.replace(f"cannot read as GraphML: {path}: ", "")
    if isinstance(new, str) or isinstance(old, str):
        if isinstance(old, str) and "not well-formed" in old:
            # the whole-tree reader parsed the file before checking anything; the stream
            # may meet a refused member or link before it meets the broken markup
            assert isinstance(new, str) and new.startswith("SpecError: ") and "\n" not in new
            return
        if isinstance(old, str) and re.search(r"flow must be one of: .* \(got \d+\)$", old):
            # an edge with no id and no flow: networkx numbered it and took the number
            # for its flow; now it has none
            assert isinstance(new, str) and "link has no flow" in new
            return
        assert new == old
    else:
        assert_same(new, old)


# ------------------------------------------------------------ other tools' files
printable = st.characters(categories=["L", "N", "P", "S", "Zs"])
words = st.text(printable, min_size=1, max_size=6)
ids = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=5).filter(
    lambda s: not s.isdigit())
ROLES = sorted(DEFAULT_ROLES) + ["wizard"]
FLOWS = ["logistics", "information", "capital", "technology", "trade"]
TYPES = {"string": words, "int": st.integers(-10 ** 6, 10 ** 6),
         "long": st.integers(-10 ** 12, 10 ** 12), "double": st.floats(-1e6, 1e6),
         "float": st.floats(allow_nan=False, allow_infinity=False),
         "boolean": st.booleans()}
# what tools write: yEd's geometry as text, zip codes, a role and a flow
NODE_NAMES = ["employees", "zip", "score", "exporter", "label", "x", "y", "note"]
EDGE_NAMES = ["volume", "weight", "note", "kind", "lead_time"]


def spelled(value, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    return escape(repr(value) if isinstance(value, float) else str(value))


@st.composite
def declarations(draw, names):
    chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=4))
    out = {}
    for name in chosen:
        kind = draw(st.sampled_from(sorted(TYPES)))
        default = draw(st.none() | TYPES[kind])
        out[name] = (kind, default)
    return out


@st.composite
def foreign_graphs(draw):
    nodes = draw(st.lists(ids, min_size=1, max_size=6, unique=True))
    node_keys = draw(declarations(NODE_NAMES))
    node_keys["role"] = ("string", draw(st.none() | st.sampled_from(ROLES)))
    edge_keys = draw(declarations(EDGE_NAMES))
    edge_keys["flow"] = ("string", draw(st.none() | st.sampled_from(FLOWS)))
    members = []
    for node in nodes:
        values = {}
        for name, (kind, _) in node_keys.items():
            if draw(st.booleans()):
                values[name] = draw(st.sampled_from(ROLES)) if name == "role" else \
                    draw(TYPES[kind])
        members.append((node, values, draw(st.none() | words)))
    ends = st.sampled_from(nodes)
    links = []
    for i, (u, v) in enumerate(draw(st.lists(st.tuples(ends, ends), max_size=8))):
        values = {}
        for name, (kind, _) in edge_keys.items():
            if draw(st.booleans()):
                values[name] = draw(st.sampled_from(FLOWS)) if name == "flow" else \
                    draw(TYPES[kind])
        edge_id = draw(st.sampled_from([None, f"e{i}", f"x{i}"] + FLOWS))
        links.append((u, v, edge_id, values, draw(st.none() | words),
                      draw(st.none() | st.floats(0, 100))))
    graph = draw(st.dictionaries(st.sampled_from(["name", "description", "creator", "year"]),
                                 words, max_size=3))
    return node_keys, edge_keys, members, links, graph


def graphml_text(node_keys, edge_keys, members, links, graph) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n'
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">']
    key_ids = {}
    for scope, keys in (("node", node_keys), ("edge", edge_keys)):
        for name, (kind, default) in keys.items():
            key_ids[scope, name] = f"k{len(key_ids)}"
            out.append(f'<key id="{key_ids[scope, name]}" for="{scope}" '
                       f'attr.name="{name}" attr.type="{kind}">')
            if default is not None:
                out.append(f"<default>{spelled(default, kind)}</default>")
            out.append("</key>")
    for name in graph:
        key_ids["graph", name] = f"k{len(key_ids)}"
        out.append(f'<key id="{key_ids["graph", name]}" for="graph" attr.name="{name}" '
                   'attr.type="string"/>')
    out.append('<graph edgedefault="directed">')
    for name, value in graph.items():
        out.append(f'<data key="{key_ids["graph", name]}">{escape(value)}</data>')
    for node, values, _ in members:
        out.append(f"<node id={quoteattr(node)}>")
        for name, value in values.items():
            out.append(f'<data key="{key_ids["node", name]}">'
                       f'{spelled(value, node_keys[name][0])}</data>')
        out.append("</node>")
    for u, v, edge_id, values, _, _ in links:
        given = f" id={quoteattr(edge_id)}" if edge_id else ""
        out.append(f"<edge source={quoteattr(u)} target={quoteattr(v)}{given}>")
        for name, value in values.items():
            out.append(f'<data key="{key_ids["edge", name]}">'
                       f'{spelled(value, edge_keys[name][0])}</data>')
        out.append("</edge>")
    out.append("</graph></graphml>")
    return "\n".join(out)


GEXF_TYPES = {"string": "string", "int": "integer", "long": "long", "double": "double",
              "float": "float", "boolean": "boolean"}


def gexf_text(node_keys, edge_keys, members, links, graph, version, draw_viz) -> str:
    namespace = {"1.2": "http://www.gexf.net/1.2draft", "1.3": "http://gexf.net/1.3"}[version]
    out = [f'<?xml version="1.0" encoding="UTF-8"?>\n<gexf xmlns="{namespace}" '
           f'xmlns:viz="{namespace}/viz" version="{version}">', "<meta>"]
    for name, value in graph.items():
        out.append(f"<{name}>{escape(value)}</{name}>")
    out.append('</meta><graph defaultedgetype="directed">')
    attribute_ids = {}
    for scope, keys in (("node", node_keys), ("edge", edge_keys)):
        out.append(f'<attributes class="{scope}">')
        for name, (kind, default) in keys.items():
            attribute_ids[scope, name] = str(len(attribute_ids))
            out.append(f'<attribute id="{attribute_ids[scope, name]}" title="{name}" '
                       f'type="{GEXF_TYPES[kind]}">')
            if default is not None:
                out.append(f"<default>{spelled(default, kind)}</default>")
            out.append("</attribute>")
        out.append("</attributes>")
    out.append("<nodes>")
    for (node, values, label), viz in zip(members, draw_viz):
        shown = f" label={quoteattr(label)}" if label is not None else ""
        out.append(f"<node id={quoteattr(node)}{shown}><attvalues>")
        for name, value in values.items():
            out.append(f'<attvalue for="{attribute_ids["node", name]}" '
                       f'value="{spelled(value, node_keys[name][0])}"/>')
        out.append("</attvalues>")
        out.extend(viz)
        out.append("</node>")
    out.append("</nodes><edges>")
    for u, v, edge_id, values, label, weight in links:
        given = f" id={quoteattr(edge_id)}" if edge_id else ""
        given += f" label={quoteattr(label)}" if label is not None else ""
        given += f' weight="{weight!r}"' if weight is not None else ""
        out.append(f"<edge source={quoteattr(u)} target={quoteattr(v)}{given}><attvalues>")
        for name, value in values.items():
            out.append(f'<attvalue for="{attribute_ids["edge", name]}" '
                       f'value="{spelled(value, edge_keys[name][0])}"/>')
        out.append("</attvalues></edge>")
    out.append("</edges></graph></gexf>")
    return "".join(out)


viz_elements = st.lists(st.sampled_from([
    '<viz:position x="1.5" y="-2.25" z="0.0"/>', '<viz:position x="3" y="4"/>',
    '<viz:color r="230" g="100" b="20"/>', '<viz:color r="1" g="2" b="3" a="0.5"/>',
    '<viz:color hex="#1F77B4"/>', '<viz:size value="12.5"/>', '<viz:shape value="disc"/>']),
    max_size=3, unique=True)


@settings(max_examples=60)
@given(parts=foreign_graphs())
def test_other_tools_graphml_reads_as_networkx_read_it(parts):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "tool.graphml")
        Path(path).write_text(graphml_text(*parts), encoding="utf-8")
        compare(path, "graphml")


@settings(max_examples=60)
@given(parts=foreign_graphs(), version=st.sampled_from(["1.2", "1.3"]), data=st.data())
def test_gephi_style_gexf_reads_as_the_whole_tree_read_it(parts, version, data):
    viz = [data.draw(viz_elements) for _ in parts[2]]
    graph = {k if k != "year" else "keywords": v for k, v in parts[4].items()}
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "gephi.gexf")
        Path(path).write_text(gexf_text(*parts[:4], graph, version, viz), encoding="utf-8")
        compare(path, "gexf")


@pytest.mark.parametrize("kind", ["graphml", "gexf"])
@settings(max_examples=30)
@given(eco=ecosystems())
def test_ecobelts_own_files_read_as_before(kind, eco):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"own.{kind}")
        save(eco, path)
        compare(path, kind)
        with tiny_blocks():
            assert_same(NEW[kind](path), eco)


@pytest.mark.parametrize("name", ["yed_belt.graphml", "gephi_belt.gexf"])
def test_the_hand_written_files_read_as_before(name):
    compare(DATA / name, name.rpartition(".")[2])


# ------------------------------------------------- the comparison can fail
def _swapped_flows(monkeypatch):
    monkeypatch.setattr(_xmlread, "_FLOW_CODES", {"information": 1, "logistics": 0,
                                                  "capital": 2, "technology": 3})


def _no_defaults(monkeypatch):
    add_key = _xmlread._add_key
    monkeypatch.setattr(_xmlread, "_add_key", lambda attrs, default, keys, defaults:
                        add_key(attrs, None, keys, defaults))


def _second_link_lost(monkeypatch):
    add_link = _xmlread._Gather.add_link

    def lossy(self, *args):
        if self.links.count + len(self.links.block) != 1:
            add_link(self, *args)

    monkeypatch.setattr(_xmlread._Gather, "add_link", lossy)


def _viz_ignored(monkeypatch):
    monkeypatch.setattr(_xmlread, "_gexf_colour", lambda attrs: "#000000")


@pytest.mark.parametrize("name, broken", [
    ("yed_belt.graphml", _swapped_flows), ("yed_belt.graphml", _no_defaults),
    ("yed_belt.graphml", _second_link_lost), ("gephi_belt.gexf", _viz_ignored),
    ("gephi_belt.gexf", _swapped_flows)])
def test_a_broken_reader_is_caught(monkeypatch, name, broken):
    compare(DATA / name, name.rpartition(".")[2])  # the reader as it is passes
    broken(monkeypatch)
    with pytest.raises(AssertionError):
        compare(DATA / name, name.rpartition(".")[2])


# ------------------------------------------------------------- bounded reading
@pytest.mark.parametrize("kind", ["graphml", "gexf"])
def test_an_entity_declaration_is_refused_in_one_line(tmp_path, kind):
    path = tmp_path / f"e.{kind}"
    root = "graphml" if kind == "graphml" else "gexf"
    path.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE {root} [<!ENTITY e "x">]>\n'
                    f'<{root}><graph/></{root}>', encoding="utf-8")
    with pytest.raises(EcosystemError, match=r"e\.\w+: line 2, column \d+: an entity "
                                             r"declaration \('e'\)") as caught:
        NEW[kind](str(path))
    assert "\n" not in str(caught.value)


def test_a_large_file_is_read_a_block_at_a_time(tmp_path, monkeypatch):
    """Records become columns a block at a time: no more than a block waits as records."""
    from ecosystem import Ecosystem

    eco = Ecosystem("chain")
    eco.add_members_from([{"id": f"m{i}", "role": "manufacturer", "n": i}
                          for i in range(50)])
    eco.add_links_from([{"source": f"m{i}", "target": f"m{i + 1}", "flow": "logistics",
                         "volume": float(i)} for i in range(49)])
    waiting = []
    flush = _xmlread._Rows.flush

    def watched(self):
        waiting.append(len(self.block))
        flush(self)

    monkeypatch.setattr(_xmlread._Rows, "flush", watched)
    for kind in ("graphml", "gexf"):
        save(eco, tmp_path / f"chain.{kind}")
        waiting.clear()
        with tiny_blocks(8):
            assert_same(NEW[kind](str(tmp_path / f"chain.{kind}")), eco)
        assert max(waiting) <= 8 and sum(waiting) >= 99
