"""Lossless round trips through every file format and through pandas tables.

Hypothesis builds random ecosystems: built-in roles and a custom one, string
ids with unicode and spaces, attribute values of type str, int, float, bool,
None, lists and dicts (nested). NaN is left out on purpose: in tables it means
"missing" (see ecosystem.tables), and NaN != NaN would make equality useless.
Member ids avoid control characters, which XML (GraphML, GEXF) cannot hold;
attribute strings do not (they are JSON-encoded in XML when needed).
"""

import os
import re
import tempfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecosystem import DEFAULT_ROLES, Ecosystem, Flow, ParameterError, Ring
from ecosystem.files import load, save
from ecosystem.taxonomy import LINK_NUMERIC_ATTRIBUTES

FORMATS = ["yaml", "yml", "json", "csv", "graphml", "gexf"]
SETTINGS = settings(max_examples=25)

printable = st.characters(categories=["L", "N", "P", "S", "Zs"])
member_ids = st.text(printable, min_size=1, max_size=10).filter(str.strip)
names = st.one_of(
    # names the formats use themselves, or that collide with ecobelt's own keys
    st.sampled_from(["name", "label", "weight", "id", "key", "type", "viz", "x", "y", "z",
                     "ecobelt", "ecobelt.json", "mode", "node_default", "networkx_key",
                     "node_for_adding", "u_for_edge", "employees", "a:int", "<<", "roles",
                     "units_of"]),
    st.text(printable, min_size=1, max_size=8))
scalars = st.one_of(st.none(), st.booleans(), st.integers(),
                    st.integers(min_value=-2 ** 70, max_value=2 ** 70),
                    st.floats(allow_nan=False), st.text(max_size=8))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)),
    max_leaves=6)
link_numbers = {
    "volume": st.floats(min_value=0, max_value=1e12) | st.integers(0, 10 ** 6),
    "capacity": st.floats(min_value=0, max_value=1e12),
    "unit_cost": st.floats(min_value=0, max_value=1e6),
    "lead_time": st.integers(0, 52),
    "reliability": st.floats(min_value=0, max_value=1),
}


def typed(value):
    """``value`` with the type of every scalar spelled out: ``1``, ``1.0`` and ``True``
    are equal in Python, so ``==`` alone would miss a format that changes a type."""
    if isinstance(value, dict):
        return ("dict", sorted(((typed(k), typed(v)) for k, v in value.items()), key=repr))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [typed(v) for v in value])
    return (type(value).__name__, value)


def assert_same(back, eco):
    """Equal, in the same member order, with every attribute value of the same type."""
    assert back == eco
    assert back.custom_roles == eco.custom_roles
    assert typed(dict(back.graph.graph)) == typed(dict(eco.graph.graph))
    assert [(m, typed(d)) for m, d in back.graph.nodes(data=True)] == \
        [(m, typed(d)) for m, d in eco.graph.nodes(data=True)]
    links = {(u, v, k): typed(d) for u, v, k, d in eco.graph.edges(keys=True, data=True)}
    assert {(u, v, k): typed(d) for u, v, k, d in back.graph.edges(keys=True, data=True)} \
        == links


@st.composite
def ecosystems(draw, max_members=8):
    custom = draw(st.text(printable, min_size=1, max_size=8).filter(
        lambda r: r.strip() and r not in DEFAULT_ROLES))
    eco = Ecosystem(draw(st.text(max_size=10)), description=draw(st.text(max_size=20)),
                    roles={custom: draw(st.sampled_from(list(Ring)))})
    eco.graph.graph.update(draw(st.dictionaries(
        names.filter(lambda n: n not in ("name", "description")), values, max_size=3)))
    ids = draw(st.lists(member_ids, max_size=max_members, unique=True))
    roles = st.sampled_from([custom] + sorted(DEFAULT_ROLES))
    member_names = names.filter(lambda n: n not in ("id", "role", "ring"))
    for member_id in ids:
        eco.add_member(member_id, draw(roles), ring=draw(st.none() | st.sampled_from(list(Ring))),
                       **draw(st.dictionaries(member_names, values, max_size=4)))
    if ids:
        ends = st.sampled_from(ids)
        triples = draw(st.lists(st.tuples(ends, ends, st.sampled_from(list(Flow))),
                                max_size=3 * len(ids), unique=True))
        link_names = names.filter(lambda n: n not in ("source", "target", "flow")
                                  and n not in LINK_NUMERIC_ATTRIBUTES)
        for source, target, flow in triples:
            numbers = draw(st.fixed_dictionaries({}, optional=link_numbers))
            others = draw(st.dictionaries(link_names, values, max_size=2))
            eco.link(source, target, flow, **numbers, **others)
    return eco


@pytest.mark.parametrize("extension", FORMATS)
@SETTINGS
@given(eco=ecosystems())
def test_file_round_trip_is_lossless(extension, eco):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"eco.{extension}")
        eco.save(path)
        back = load(path)
    assert_same(back, eco)


@SETTINGS
@given(eco=ecosystems())
def test_pandas_round_trip_is_lossless(eco):
    members, links = eco.to_pandas()
    # a graph attribute called "roles" cannot be a keyword here: the tables bring it
    back = Ecosystem.from_pandas(members, links, name=eco.name, roles=eco.custom_roles,
                                 **{k: v for k, v in eco.graph.graph.items()
                                    if k not in ("name", "roles")})
    assert_same(back, eco)


@SETTINGS
@given(eco=ecosystems())
def test_pandas_tables_carry_the_graph_attributes_and_custom_roles(eco):
    """Nothing but the two tables: their ``attrs`` bring back the name, the description,
    every other graph attribute and the custom roles; even after a filter that keeps
    every row (pandas keeps ``attrs``)."""
    members, links = eco.to_pandas()
    assert_same(Ecosystem.from_pandas(members, links), eco)
    kept = members[members["id"].notna()]
    assert_same(Ecosystem.from_pandas(kept, links.copy()), eco)


def test_pandas_attributes_given_win_over_the_tables_and_do_not_alias():
    eco = Ecosystem("belt", units={"capital": "EUR"}, period="month", roles={"broker": "sub_core"})
    eco.add_member("b", "broker")
    members, links = eco.to_pandas()
    members.attrs["ecosystem"]["attributes"]["units"]["capital"] = "USD"
    assert eco.flow_unit("capital") == "EUR"  # the tables hold a copy
    back = Ecosystem.from_pandas(members, links, name="copy", period="week",
                                 roles={"agent": "outer"})
    assert (back.name, back.attributes["period"], back.flow_unit("capital")) == \
        ("copy", "week", "USD")
    assert back.custom_roles == {"broker": Ring.SUB_CORE, "agent": Ring.OUTER}
    members.attrs["ecosystem"]["attributes"]["units"]["capital"] = "JPY"
    assert back.flow_unit("capital") == "USD"  # and the ecosystem holds its own
    fresh = [pd.DataFrame(table.to_dict("list")) for table in (members, links)]  # no attrs
    assert Ecosystem.from_pandas(*fresh, roles={"broker": "sub_core"}).attributes == \
        {"name": "", "description": ""}


def test_pandas_tables_hold_attributes_as_a_spec_file_does(tmp_path):
    """numpy values and tuples are stored plain, so pandas can compare the tables' attrs
    (concat, merge) and write them to Parquet; what JSON cannot hold (a lock, a set, a
    date) stays out, with a warning naming it, and the tables still work."""
    import datetime
    import threading
    eco = Ecosystem("belt", origin=np.array([1.0, 2.0]), size=np.int64(3), pair=(1, 2),
                    lock=threading.Lock(), tags={"a"}, day=datetime.date(2026, 1, 1))
    eco.add_member("m", "manufacturer")
    with pytest.warns(UserWarning, match=r"\['lock', 'tags', 'day'\] cannot be stored as "
                                         r"JSON.*from_pandas"):
        members, links = eco.to_pandas()
    stored = {"name": "belt", "description": "", "origin": [1.0, 2.0], "size": 3,
              "pair": [1, 2]}
    assert members.attrs["ecosystem"]["attributes"] == stored
    assert type(members.attrs["ecosystem"]["attributes"]["size"]) is int
    both = pd.concat([members, members.copy()])
    assert both.attrs == members.attrs
    assert members.merge(members, on="id").attrs == members.attrs
    pytest.importorskip("pyarrow")
    members.to_parquet(tmp_path / "members.parquet")
    back = Ecosystem.from_pandas(members[members["id"] == "m"], links)
    assert back.attributes == stored


def test_pandas_attribute_called_roles_or_not_named_by_a_string():
    eco = Ecosystem("belt", roles={"broker": "sub_core"}, period="week")
    eco.graph.graph.update({"roles": ["buyer", "seller"], 7: "seven"})
    eco.add_member("b", "broker")
    back = Ecosystem.from_pandas(*eco.to_pandas())
    assert back == eco and back.custom_roles == {"broker": Ring.SUB_CORE}


def test_internal_tables_carry_no_attrs():
    eco = Ecosystem("belt", period="week")
    eco.add_member("m", "manufacturer")
    assert all(not table.attrs for table in eco.to_pandas(attrs=False))


@pytest.mark.parametrize("saved, where", [
    (["units"], r" is \['units'\]"), ({"attributes": 3}, " is "), ({"roles": "broker"}, " is "),
    ({"attributes": {}, "extra": 1}, " is "),
    ({"roles": {"broker": "nowhere"}}, r"\['roles'\]\['broker'\]: ring 'nowhere' is not one of"),
    ({"attributes": {"units": {"money": "EUR"}}}, r"\['attributes'\]\['units'\]: .*money"),
    ({"attributes": {"name": 3}}, r"\['attributes'\]\['name'\] is 3, not a string"),
    ({"attributes": {"description": ["x"]}}, r"\['attributes'\]\['description'\] is")])
def test_pandas_attrs_not_as_written_are_refused_with_the_fix(saved, where):
    eco = Ecosystem("belt")
    eco.add_member("m", "manufacturer")
    members, links = eco.to_pandas()
    links.attrs["ecosystem"] = saved
    del members.attrs["ecosystem"]
    with pytest.raises(ParameterError, match=r"^links\.attrs\['ecosystem'\]" + where +
                                             r".*del links\.attrs\['ecosystem'\]\)$"):
        Ecosystem.from_pandas(members, links)


@SETTINGS
@given(eco=ecosystems(max_members=5))
def test_converting_between_formats_is_lossless(eco):
    """yaml -> csv -> graphml -> gexf -> json -> yaml gives back the ecosystem."""
    with tempfile.TemporaryDirectory() as folder:
        current = eco
        for extension in ("yaml", "csv", "graphml", "gexf", "json", "yaml"):
            path = os.path.join(folder, f"step.{extension}")
            save(current, path)
            current = load(path)
    assert_same(current, eco)


def test_mixed_int_and_float_attribute_stays_numeric_in_graphml(tmp_path):
    """Tools other than ecobelt see a double column, and ecobelt gets the ints back."""
    eco = Ecosystem("mixed")
    eco.add_member("a", "manufacturer", size=3)
    eco.add_member("b", "supplier", size=2.5)
    eco.link("a", "b", "logistics", volume=4)
    eco.link("b", "a", "capital", volume=1.5)
    path = tmp_path / "mixed.graphml"
    eco.save(path)
    text = path.read_text(encoding="utf-8")
    assert 'attr.name="size" attr.type="double"' in text
    assert 'attr.name="volume" attr.type="double"' in text
    back = load(path)
    assert back == eco
    assert type(back.member("a")["size"]) is int
    assert type(back.graph.edges["a", "b", "logistics"]["volume"]) is int


def test_gexf_carries_positions_labels_and_weights(tmp_path):
    import xml.etree.ElementTree as ET

    eco = Ecosystem("gephi")
    eco.add_member("m1", "manufacturer", name="Yiwu Socks Co.", x=10.0, y=-2.5)
    eco.add_member("p1", "platform", x=3, y=4, z=1.0)
    eco.add_member("c1", "customs")  # no position
    eco.link("m1", "p1", "logistics", volume=12.5)
    path = tmp_path / "gephi.gexf"
    eco.save(path)
    root = ET.parse(path).getroot()
    nodes = {n.get("id"): n for n in root.iter() if n.tag.endswith("}node")}
    position = next(e for e in nodes["m1"] if e.tag.endswith("}position"))
    assert (position.get("x"), position.get("y")) == ("10.0", "-2.5")
    assert nodes["m1"].get("label") == "Yiwu Socks Co."
    assert next(e for e in nodes["p1"] if e.tag.endswith("}position")).get("z") == "1.0"
    assert not any(e.tag.endswith("}position") for e in nodes["c1"])
    layout = eco.copy()
    layout.graph.nodes["c1"]["pos"] = (0.5, 2)  # as networkx's layouts give them
    layout.save(tmp_path / "layout.gexf")
    node = next(n for n in ET.parse(tmp_path / "layout.gexf").getroot().iter()
                if n.tag.endswith("}node") and n.get("id") == "c1")
    assert next(e for e in node if e.tag.endswith("}position")).get("x") == "0.5"
    edge = next(e for e in root.iter() if e.tag.endswith("}edge"))
    assert edge.get("weight") == "12.5"
    assert load(path) == eco


def test_graphml_from_networkx_loads(tmp_path):
    """A file networkx wrote from eco.graph itself (flow as edge key) reads back."""
    import networkx as nx

    eco = Ecosystem("plain")
    eco.add_member("m1", "manufacturer", employees=40)
    eco.add_member("p1", "platform")
    eco.link("m1", "p1", "logistics", volume=10.0)
    eco.link("p1", "m1", "information")
    path = tmp_path / "plain.graphml"
    nx.write_graphml(eco.graph, path)
    assert load(path) == eco


@pytest.mark.parametrize("extension", ["graphml", "gexf"])
def test_empty_strings_are_not_empty_xml_elements(tmp_path, extension):
    """networkx 3.2's GraphML reader skips an empty <data> element: empty strings go as JSON."""
    eco = Ecosystem("blank")
    eco.add_member("a", "supplier", note="")
    eco.add_member("b", "market", note="")
    eco.link("a", "b", "logistics", tag="")
    path = tmp_path / f"blank.{extension}"
    eco.save(path)
    text = path.read_text(encoding="utf-8")
    assert 'value=""' not in text and not re.search(r'<data key="\w+"\s*/>', text)
    assert_same(load(path), eco)
