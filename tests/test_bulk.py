"""The column-wise paths of the Ecosystem (ecosystem._bulk, ecosystem._inspect, the bulk
adds of ecosystem.tables) against plain per-member and per-link references.

The fast paths walk networkx's dicts directly and keep the list of links in
the graph's ``__networkx_cache__``; these tests check that they give exactly
what networkx's own methods and a plain loop give, and that the cached list
never goes stale.
"""

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecosystem import (DEFAULT_ROLES, Ecosystem, Flow, ParameterError, Ring, SpecError,
                       ValidationError)
from ecosystem._errors import NumericalWarning
from ecosystem.taxonomy import LINK_NUMERIC_ATTRIBUTES, link_attribute_problem
from networks import industrial_belt

ROLES = sorted(DEFAULT_ROLES)
FLOWS = [f.value for f in Flow]
# link attribute values, good and bad, of every type a direct edit could leave
ANY_VALUE = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 60),
                      st.integers(2 ** 1030, 2 ** 1031), st.booleans(), st.none(),
                      st.text(max_size=3), st.builds(np.float64, st.floats(-1, 2)),
                      st.builds(np.int64, st.integers(-3, 3)))


@st.composite
def edited_ecosystems(draw, bad_values=True):
    """Ecosystems built straight on eco.graph, so any attribute value can appear."""
    eco = Ecosystem("edited")
    n = draw(st.integers(0, 8))
    ids = [f"m{i}" for i in draw(st.permutations(range(n)))]
    for member in ids:
        role = draw(st.sampled_from(ROLES))
        eco.add_member(member, role, ring=draw(st.none() | st.sampled_from(list(Ring))))
    if not ids:
        return eco
    triples = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids),
                                      st.sampled_from(FLOWS)), unique=True, max_size=25))
    names = st.sampled_from(list(LINK_NUMERIC_ATTRIBUTES) + ["colour"])
    for source, target, flow in triples:
        if bad_values:
            attributes = draw(st.dictionaries(names, ANY_VALUE, max_size=4))
        else:  # valid values: whole lead times, numbers in [0, 1] otherwise
            attributes = {name: draw(st.integers(0, 9) if name == "lead_time" else
                                     st.floats(0, 1))
                          for name in draw(st.lists(names, unique=True, max_size=4))}
        eco.graph.add_edge(source, target, key=flow, **attributes)
    return eco


def reference_summary(eco):
    """The summary as one would write it with pandas, link by link: one volume column per flow."""
    nodes = pd.DataFrame([(d["role"], d["ring"]) for _, d in eco.graph.nodes(data=True)],
                         columns=["role", "ring"], index=list(eco.graph))
    edges = pd.DataFrame([(u, k, d.get("volume", 0.0))
                          for u, _, k, d in eco.graph.edges(keys=True, data=True)],
                         columns=["source", "flow", "volume"]).join(nodes, on="source")
    edges["link_flow"] = edges["flow"]
    rows = []
    for kind, names in (("ring", [r.value for r in Ring]),
                        ("role", sorted(nodes["role"].unique())), ("flow", FLOWS)):
        members = nodes[kind].value_counts() if kind != "flow" else {}
        count = edges.groupby(kind).size()
        volume = edges.groupby([kind, "link_flow"])["volume"].sum()
        rows += [(kind, name, int(members.get(name, 0)), int(count.get(name, 0)),
                  *[float(volume.get((name, flow), 0.0)) for flow in FLOWS]) for name in names]
    return pd.DataFrame(rows, columns=["kind", "name", "members", "links", *FLOWS]
                        ).set_index(["kind", "name"])


def reference_link_problems(eco):
    """Link by link, each link's problems in the order the taxonomy lists the attributes
    (not the order of the link's own dict, which a column store does not keep per link)."""
    return [f"link {u!r} -> {v!r} ({k}): {problem}"
            for u, v, k, d in eco.graph.edges(keys=True, data=True)
            for name in LINK_NUMERIC_ATTRIBUTES if name in d
            if (problem := link_attribute_problem(name, d[name]))]


# ------------------------------------------------------------------- reading
@settings(max_examples=60)
@given(eco=edited_ecosystems())
def test_problems_match_a_link_by_link_check(eco):
    assert eco.problems() == reference_link_problems(eco)


@settings(max_examples=40)
@given(eco=edited_ecosystems(bad_values=False))
def test_summary_matches_pandas(eco):
    pd.testing.assert_frame_equal(eco.summary(), reference_summary(eco), check_flags=False)


@settings(max_examples=40)
@given(eco=edited_ecosystems(bad_values=False))
def test_edge_arrays_layer_and_copy_match_networkx(eco):
    index = eco.index()
    src, dst, flow, weight = eco.edge_arrays("reliability", default=-1.0)
    assert list(zip(src.tolist(), dst.tolist(), flow.tolist(), weight.tolist())) == [
        (index[u], index[v], FLOWS.index(k), d.get("reliability", -1.0))
        for u, v, k, d in eco.graph.edges(keys=True, data=True)]
    for f in FLOWS:
        layer = eco.layer(f)
        expected = nx.DiGraph()
        expected.add_nodes_from(eco.graph.nodes(data=True))
        expected.add_edges_from((u, v, d) for u, v, k, d in eco.graph.edges(keys=True, data=True)
                                if k == f)
        assert list(layer.nodes(data=True)) == list(expected.nodes(data=True))
        assert list(layer.edges(data=True)) == list(expected.edges(data=True))
        assert all(list(layer.pred[m]) == list(expected.pred[m]) for m in eco)
    copied, plain = eco.copy().graph, eco.graph.copy()
    assert list(copied.nodes(data=True)) == list(plain.nodes(data=True))
    assert list(copied.edges(keys=True, data=True)) == list(plain.edges(keys=True, data=True))
    assert all(list(copied.pred[m]) == list(plain.pred[m]) for m in eco)
    assert all(copied._pred[v][u] is copied._succ[u][v] for u, v in copied.edges())


def test_the_list_of_links_follows_every_change():
    """Links added or removed through eco or eco.graph, and changed values, always show."""
    eco = Ecosystem()
    for member, role in (("a", "supplier"), ("b", "manufacturer"), ("c", "platform")):
        eco.add_member(member, role)
    eco.link("a", "b", "logistics", volume=1.0)
    assert eco.adjacency("logistics").toarray()[0, 1] == 1.0
    eco.graph.edges["a", "b", "logistics"]["volume"] = 7.0  # a value: read afresh
    assert eco.adjacency("logistics").toarray()[0, 1] == 7.0
    eco.graph.add_edge("b", "c", key="logistics", volume=2.0)  # networkx's own method
    assert eco.adjacency("logistics").toarray()[1, 2] == 2.0
    eco.link("c", "a", "capital", volume=3.0)
    eco.add_links_from([{"source": "a", "target": "c", "flow": "capital", "volume": 4.0}])
    assert eco.adjacency("capital").toarray()[[2, 0], [0, 2]].tolist() == [3.0, 4.0]
    eco.unlink("a", "b", "logistics")
    assert eco.adjacency("logistics").nnz == 1
    eco.remove("b")
    assert eco.adjacency("logistics").shape == (2, 2) and eco.adjacency("logistics").nnz == 0
    eco.add_members_from([{"id": "d", "role": "market"}])
    eco.graph.remove_edges_from([("c", "a", "capital")])
    assert eco.adjacency("capital").toarray().tolist() == [[0, 4, 0], [0, 0, 0], [0, 0, 0]]
    src, *_ = eco.edge_arrays()
    src[:] = 99  # the caller's own array
    assert eco.edge_arrays()[0].tolist() == [0]


def test_a_link_whose_key_is_not_a_flow_is_reported():
    eco = Ecosystem()
    eco.add_member("a", "supplier")
    eco.graph.add_edge("a", "a", key="money")
    with pytest.raises(ValidationError, match="link 'a' -> 'a': key 'money' is not a flow"):
        eco.adjacency("capital")
    with pytest.raises(ValidationError, match="key 'money' is not a flow"):
        eco.summary()
    assert eco.to_pandas()[1]["flow"].tolist() == ["money"]  # tables show it as it is
    assert eco.problems() == ["link 'a' -> 'a': key 'money' is not a flow"]


def test_a_weight_that_is_not_a_number_is_named():
    eco = Ecosystem()
    eco.add_member("a", "supplier")
    eco.add_member("b", "manufacturer")
    eco.link("a", "b", "logistics", grade="high")
    with pytest.raises(ParameterError, match="link 'a' -> 'b': grade 'high' is not a number"):
        eco.adjacency("logistics", weight="grade")


def test_a_weight_name_that_is_not_a_string_is_refused():
    """A list as the weight name raised a raw TypeError (unhashable) from the dict lookup."""
    eco = Ecosystem()
    eco.add_member("a", "supplier")
    eco.add_member("b", "manufacturer")
    eco.link("a", "b", "logistics", volume=2.0)
    with pytest.raises(ParameterError, match=r"weight must be the name of a link attribute"):
        eco.adjacency("logistics", weight=["volume"])
    with pytest.raises(ParameterError, match=r"weight must be the name"):
        eco.edge_arrays(weight=3)


def test_attribute_names_must_be_strings():
    eco = Ecosystem()
    eco.add_member("a", "supplier")
    eco.graph.nodes["a"][3] = "x"
    eco.graph.add_edge("a", "a", key="capital", **{"volume": 1.0})
    eco.graph.edges["a", "a", "capital"][(1, 2)] = 0
    assert eco.problems() == ["member 'a': attribute names must be strings",
                              "link 'a' -> 'a' (capital): attribute names must be strings"]
    members = pd.DataFrame({"id": ["b"], "role": ["market"], 7: [1]})
    with pytest.raises(SpecError, match="attribute names .* must be strings"):
        eco.add_members_from(members)


# ------------------------------------------------------------------- writing
def test_bulk_adds_accept_every_spelling_and_catch_every_duplicate():
    eco = Ecosystem(roles={"broker": "sub_core"})
    eco.add_members_from(pd.DataFrame({
        "id": ["a", "b", "c", "d"], "role": ["supplier", "broker", "platform", "market"],
        "ring": [None, np.nan, "OUTER", Ring.SUB_CORE]}))
    assert [eco.member(m)["ring"] for m in "abcd"] == ["core", "sub_core", "outer", "sub_core"]
    eco.add_links_from(pd.DataFrame({"source": ["a", "b", np.str_("c")],
                                     "target": ["b", "c", "d"],
                                     "flow": [Flow.CAPITAL, " Logistics", "information"]}))
    assert eco.links() == [("a", "b", "capital"), ("b", "c", "logistics"),
                           ("c", "d", "information")]
    assert all(type(u) is str for u, _, _ in eco.links())
    with pytest.raises(SpecError, match=r"links\[1\]: a second capital link .*'a', 'b'"):
        eco.add_links_from([{"source": "d", "target": "a", "flow": "capital"},
                            {"source": "a", "target": "b", "flow": "CAPITAL"}])
    with pytest.raises(SpecError, match=r"links\[0\].flow: flow must be one of"):
        eco.add_links_from([{"source": "a", "target": "b", "flow": ["capital"]}])
    with pytest.raises(SpecError, match=r"links\[0\].source: must be a non-empty string"):
        eco.add_links_from([{"source": ["a"], "target": "b", "flow": "capital"}])
    with pytest.raises(SpecError, match=r"members\[0\].ring: ring must be one of"):
        eco.add_members_from([{"id": "e", "role": "market", "ring": "middle"}])
    with pytest.raises(SpecError, match=r"members\[1\].id: must be a non-empty string"):
        eco.add_members_from(pd.DataFrame({"id": ["e", " "], "role": ["market"] * 2}))
    assert len(eco) == 4 and eco.graph.number_of_edges() == 3


@settings(max_examples=30)
@given(eco=edited_ecosystems(bad_values=False), data=st.data())
def test_bulk_adds_equal_one_at_a_time(eco, data):
    """from_pandas builds exactly what add_member and link build, in the same order."""
    members, links = eco.to_pandas()
    links = links.sample(frac=1.0, random_state=data.draw(st.integers(0, 99)))
    one_by_one = Ecosystem("edited")
    for row in members.to_dict("records"):
        one_by_one.add_member(row.pop("id"), row.pop("role"), ring=row.pop("ring"))
    for row in links.to_dict("records"):
        one_by_one.link(row.pop("source"), row.pop("target"), row.pop("flow"),
                        **{k: v for k, v in row.items() if not (isinstance(v, float)
                                                                and math.isnan(v))})
    bulk = Ecosystem.from_pandas(members, links, name="edited")
    assert bulk == one_by_one
    assert list(bulk.graph.edges(keys=True)) == list(one_by_one.graph.edges(keys=True))
    assert all(list(bulk.graph.pred[m]) == list(one_by_one.graph.pred[m]) for m in bulk)


def _from_pandas(members, links):
    try:
        eco = Ecosystem.from_pandas(members, links, name="edited")
    except SpecError as error:
        return str(error)
    return eco, list(eco.graph.edges(keys=True, data=True))


@settings(max_examples=40)
@given(eco=edited_ecosystems(bad_values=False), data=st.data())
def test_link_ends_given_as_categories_add_what_their_ids_add(eco, data):
    """Link ends as a Categorical (as the JSON reader hands them over) in the members'
    order, in another order or naming no member, add what the plain ids add."""
    members, links = eco.to_pandas()
    dangling = data.draw(st.booleans()) and len(links)
    if dangling:
        links.loc[links.index[0], "target"] = "nobody"
    ids = list(members["id"])
    extra = ["nobody"] if dangling or data.draw(st.booleans()) else []
    order = ids + extra if data.draw(st.booleans()) else data.draw(st.permutations(ids + extra))
    coded = links.copy()
    for end in ("source", "target"):
        coded[end] = pd.Categorical(links[end], categories=order)
    assert _from_pandas(members, coded) == _from_pandas(members, links)


@settings(max_examples=60)
@given(st.lists(st.one_of(st.sampled_from(["a", "b", "", " ", "\t", "\x1f", "\u3000", "c d"]),
                          st.builds(np.str_, st.sampled_from(["e", " "])),
                          st.integers(0, 2), st.none()), min_size=1, max_size=6, unique_by=repr))
def test_member_ids_must_be_strings_with_more_than_spaces(ids):
    """Ids in an object column against a plain loop: the first one that is not a string
    or holds nothing but white space is named; numpy strings are added as str."""
    first_bad = next((i for i, v in enumerate(ids) if not isinstance(v, str) or not v.strip()),
                     None)
    eco = Ecosystem()
    frame = pd.DataFrame({"id": pd.Series(ids, dtype=object),
                          "role": pd.Series(["supplier"] * len(ids), dtype=object)})
    if first_bad is None:
        try:
            eco.add_members_from(frame)
        except SpecError as error:
            assert "duplicate member id" in str(error)
            return
        assert list(eco) == [str(v) for v in ids] and all(type(m) is str for m in eco)
    else:
        with pytest.raises(SpecError, match=rf"members\[{first_bad}\].id: must be a non-empty "):
            eco.add_members_from(frame)


def test_belt_firms_have_whole_numbers_of_employees():
    belt = industrial_belt(300, seed=3)
    employees = [belt.member(m)["employees"] for m in belt.members(role="manufacturer")]
    assert employees and all(type(e) is int and e >= 1 for e in employees)
    assert "employees" not in belt.member(belt.members(role="platform")[0])


def test_ints_beyond_the_largest_float_are_checked_not_overflowed():
    eco = Ecosystem()
    eco.add_member("a", "supplier")
    eco.link("a", "a", "logistics", volume=2 ** 1030, lead_time=10 ** 400)
    with pytest.raises(ParameterError, match="reliability must be a number in"):
        eco.link("a", "a", "capital", reliability=2 ** 1030)
    assert eco.problems() == []
    with pytest.warns(NumericalWarning, match="a link's volume is itself infinite"):
        assert eco.summary().loc[("flow", "logistics"), "logistics"] == np.inf


def test_pickles_leave_the_list_of_links_behind():
    """A pickled ecosystem (sent to a worker process) carries no cached arrays."""
    import pickle

    belt = industrial_belt(200, seed=5)
    size = len(pickle.dumps(belt))
    expected = [belt.adjacency(f) for f in FLOWS]  # works out and caches the list of links
    assert len(pickle.dumps(belt)) < size + 100  # a marker, not 2,238 links' arrays
    back = pickle.loads(pickle.dumps(belt))
    assert back == belt
    assert all(abs(a - b).sum() == 0 for a, b in zip(expected, (back.adjacency(f) for f in FLOWS)))
    back.unlink(*back.links("capital")[0])
    assert back.adjacency("capital").nnz == expected[2].nnz - 1


# ------------------------------------------------- the checks of a large links table
@settings(max_examples=200)
@given(st.lists(st.integers(-3, 40), max_size=30))
def test_the_first_repeated_code_is_found_as_a_plain_loop_finds_it(codes):
    from ecosystem.tables import _first_repeat
    seen, first = set(), None
    for i, code in enumerate(codes):
        if code in seen:
            first = i
            break
        seen.add(code)
    assert _first_repeat(np.array(codes, dtype=np.int64)) == first


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.sampled_from(FLOWS)),
                min_size=1, max_size=25))
def test_a_links_table_names_its_first_duplicate_link(rows):
    """The duplicate named is the first row repeating an earlier row (a plain loop)."""
    eco = Ecosystem()
    ids = [f"m{i}" for i in range(4)]
    eco.add_members_from(pd.DataFrame({"id": ids, "role": ["supplier"] * 4}))
    table = pd.DataFrame({"source": [ids[s] for s, _, _ in rows],
                          "target": [ids[t] for _, t, _ in rows],
                          "flow": [f for _, _, f in rows]})
    seen: set = set()
    first = next((i for i, row in enumerate(rows) if row in seen or seen.add(row)), None)
    if first is None:
        eco.add_links_from(table)
        assert eco.number_of_links() == len(rows)
        return
    s, t, f = rows[first]
    with pytest.raises(SpecError, match=rf"links\[{first}\]: a second {f} link between the "
                       rf"same two members \(got \('{ids[s]}', '{ids[t]}', '{f}'\)\)"):
        eco.add_links_from(table)
    assert eco.number_of_links() == 0


@settings(max_examples=150)
@given(st.sampled_from(sorted(LINK_NUMERIC_ATTRIBUTES)),
       st.lists(st.one_of(st.integers(-3, 12), st.integers(-2 ** 63, 2 ** 63 - 1)), min_size=1,
                max_size=20),
       st.sampled_from([np.int64, np.int32, np.int8]))
def test_whole_numbers_of_a_link_column_are_checked_as_one_at_a_time(name, values, dtype):
    """An int column, checked once per distinct value, against a plain loop over the rows."""
    info = np.iinfo(dtype)
    values = [min(max(v, info.min), info.max) for v in values]
    eco = Ecosystem()
    eco.add_members_from(pd.DataFrame({"id": ["a", "b"], "role": ["supplier"] * 2}))
    count = len(values)
    table = pd.DataFrame({"source": ["a"] * count, "target": ["b"] * count,
                          "flow": (FLOWS * count)[:count], name: np.array(values, dtype=dtype)})
    if count > len(FLOWS):
        table["target"] = [["a", "b"][k // len(FLOWS) % 2] for k in range(count)]
        table["source"] = [["a", "b"][k // (2 * len(FLOWS)) % 2] for k in range(count)]
    table = table.iloc[:4 * len(FLOWS)]
    first = next((i for i, v in enumerate(table[name].tolist())
                  if link_attribute_problem(name, int(v))), None)
    if first is None:
        eco.add_links_from(table)
        return
    with pytest.raises(SpecError, match=rf"links\[{first}\]\.{name}: "):
        eco.add_links_from(table)


_SPARSE_VALUES = st.one_of(st.floats(allow_nan=True), st.integers(-3, 3),
                           st.integers(2 ** 64, 2 ** 65), st.booleans(), st.none(),
                           st.text(max_size=2), st.just(pd.NA), st.builds(np.float64, st.floats()),
                           st.lists(st.integers(0, 2), max_size=2),
                           st.dictionaries(st.sampled_from("ab"), st.floats(0, 1), max_size=2))


def _cells(column):
    if column is None:
        return None
    return ([(type(v), repr(v)) for v in column.values.tolist()], column.values.dtype,
            None if column.present is None else column.present.tolist())


@settings(max_examples=200)
@given(st.lists(st.one_of(st.just("gap"), _SPARSE_VALUES), min_size=1, max_size=12),
       st.sampled_from([np.nan, None, pd.NA]))
def test_a_sparse_column_reads_as_its_values_and_isna_read(cells, fill):
    """A sparse object column (what the JSON reader hands over for a column most rows
    lack) against the general path: its values listed, ``isna`` for the missing ones."""
    from ecosystem._columns import column_from_series, column_from_values
    dense = np.array([fill if isinstance(v, str) and v == "gap" else v for v in cells] + [fill],
                     dtype=object)
    array = pd.arrays.SparseArray(pd.Series(dense, dtype=object),
                                  dtype=pd.SparseDtype(object, fill))
    series = pd.Series(array)
    values = series.tolist()
    missing = series.isna().to_numpy(dtype=bool)
    expected = None if missing.all() else column_from_values(values, ~missing
                                                             if missing.any() else None)
    from ecosystem import _columns
    taken, sparse = [], _columns._sparse_column
    _columns._sparse_column = lambda array: taken.append(1) or sparse(array)
    try:
        assert _cells(column_from_series(series)) == _cells(expected)
    finally:
        _columns._sparse_column = sparse
    assert taken  # the sparse path itself, not the general one
