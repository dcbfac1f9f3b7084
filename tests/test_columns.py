"""The columns of an Ecosystem and its networkx view (``eco.graph``) always agree.

The same random sequence of edits (members and links added, changed and
removed, one at a time and in bulk) runs on three ecosystems: one that never
builds ``eco.graph`` (columns only), one whose graph is built before the first
edit (networkx is the storage throughout, as before the columns existed) and
one that builds it part-way and is then edited through networkx as well. Every
reader must give the same answer on all three, and the graph built from the
columns must equal the one networkx kept, in member order, link order and
predecessor order. The columns themselves are checked too: every link is
found at its row, every column has a value somewhere, and the attributes
come in the order networkx meets them. A deliberately broken edit makes the
check fail (``test_the_check_fails_on_a_broken_edit``).
"""

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecosystem import DuplicateError, Ecosystem, Flow, ParameterError, UnknownMemberError
from ecosystem.taxonomy import DEFAULT_ROLES

ROLES = sorted(DEFAULT_ROLES)
FLOWS = [f.value for f in Flow]
IDS = [f"m{i}" for i in range(7)]
VALUES = st.one_of(st.floats(0, 5), st.integers(0, 9), st.booleans(), st.text(max_size=2),
                   st.none(), st.lists(st.integers(0, 3), max_size=2))
ATTRS = st.dictionaries(st.sampled_from(["volume", "lead_time", "colour", "size"]), VALUES,
                        max_size=3)
MEMBER_ATTRS = st.dictionaries(st.sampled_from(["employees", "region", "size"]), VALUES,
                               max_size=2)
ENDS = st.tuples(st.sampled_from(IDS), st.sampled_from(IDS), st.sampled_from(FLOWS))

EDITS = st.one_of(
    st.tuples(st.just("add_member"), st.sampled_from(IDS), st.sampled_from(ROLES), MEMBER_ATTRS),
    st.tuples(st.just("update_member"), st.sampled_from(IDS), MEMBER_ATTRS),
    st.tuples(st.just("remove"), st.lists(st.sampled_from(IDS), max_size=2, unique=True)),
    st.tuples(st.just("link"), ENDS, ATTRS),
    st.tuples(st.just("update_link"), ENDS, ATTRS),
    st.tuples(st.just("unlink"), ENDS),
    st.tuples(st.just("links_from"), st.lists(st.tuples(ENDS, ATTRS), max_size=4)),
    st.tuples(st.just("members_from"), st.lists(st.tuples(st.sampled_from(IDS),
                                                          st.sampled_from(ROLES)), max_size=3)),
    st.tuples(st.just("read"), st.sampled_from(FLOWS)),
)
# edits straight on networkx's graph, for the ecosystems where it is the storage
GRAPH_EDITS = st.one_of(
    st.tuples(st.just("set_node"), st.sampled_from(IDS), st.sampled_from(["employees", "x"]),
              VALUES),
    st.tuples(st.just("set_edge"), ENDS, st.sampled_from(["volume", "colour"]), VALUES),
    st.tuples(st.just("add_edge"), ENDS, ATTRS),
    st.tuples(st.just("remove_edge"), ENDS),
)


def apply(eco, edit):
    """Apply one edit; the error it raises (if any) is part of the outcome."""
    kind, *args = edit
    try:
        if kind == "add_member":
            eco.add_member(args[0], args[1], **args[2])
        elif kind == "update_member":
            eco.update_member(args[0], **args[1])
        elif kind == "remove":
            eco.remove(*args[0])
        elif kind == "link":
            eco.link(*args[0], **args[1])
        elif kind == "update_link":
            eco.update_link(*args[0], **args[1])
        elif kind == "unlink":
            eco.unlink(*args[0])
        elif kind == "links_from":
            eco.add_links_from([{"source": s, "target": t, "flow": f, **a}
                                for (s, t, f), a in args[0]])
        elif kind == "members_from":
            eco.add_members_from([{"id": m, "role": r} for m, r in args[0]])
        elif kind == "read":  # a read between edits flushes the pending rows
            eco.adjacency(args[0])
        return None
    except (DuplicateError, UnknownMemberError, ParameterError, ValueError) as error:
        return type(error).__name__


def apply_to_graph(eco, edit):
    graph = eco.graph
    kind, *args = edit
    if kind == "set_node" and args[0] in graph:
        graph.nodes[args[0]][args[1]] = args[2]
    elif kind == "set_edge" and graph.has_edge(*args[0][:2], key=args[0][2]):
        graph.edges[args[0]][args[1]] = args[2]
    elif kind == "add_edge" and args[0][0] in graph and args[0][1] in graph:
        graph.add_edge(*args[0][:2], key=args[0][2], **args[1])
    elif kind == "remove_edge" and graph.has_edge(*args[0][:2], key=args[0][2]):
        graph.remove_edge(*args[0][:2], key=args[0][2])


def numeric_volume(eco):
    """Whether every volume is a number (the weight readers refuse others)."""
    return all(isinstance(d.get("volume", 0.0), (int, float)) for *_, d in eco.links(data=True))


def readings(eco):
    """Everything the ecosystem answers, in comparable form."""
    out = {"members": eco.members(), "len": len(eco), "links": eco.number_of_links(),
           "member_dicts": [dict(eco.member(m)) for m in eco],
           "core": eco.members(ring="core"), "suppliers": eco.members(role="supplier"),
           "index": eco.index(), "list": eco.links(data=True),
           "attributes": eco.link_attributes(), "problems": eco.problems()}
    members, links = eco.to_pandas()
    out["tables"] = [(frame.dtypes.astype(str).to_dict(),  # NaN marks a missing value: named
                      frame.astype(object).where(frame.notna(), "<missing>").to_dict("list"))
                     for frame in (members, links)]
    out["column_order"] = [first_met(frame, dicts) for frame, dicts in (
        (members, out["member_dicts"]), (links, [d for *_, d in out["list"]]))]
    if numeric_volume(eco):
        src, dst, flow, weight = eco.edge_arrays()
        out["arrays"] = (src.tolist(), dst.tolist(), flow.tolist(), weight.tolist())
        out["adjacency"] = [eco.adjacency(f).toarray().tolist() for f in FLOWS]
        out["summary"] = eco.summary().to_dict()
    out["unweighted"] = [eco.adjacency(f, weight=None).toarray().tolist() for f in FLOWS]
    return out


def first_met(frame, dicts):
    """The attribute columns of a table as (row first having them, names): they come in the
    order their first rows do; names first met in the same row may come in either order
    (a networkx dict keeps each row's own order, the columns one order for all rows)."""
    names = list(frame.columns)[3:]
    rows = [min(i for i, d in enumerate(dicts) if name in d) for name in names]
    assert rows == sorted(rows), (names, rows)
    return [(row, sorted(n for n, r in zip(names, rows) if r == row))
            for row in sorted(set(rows))]


def sound_columns(eco):
    """The columns of a column-backed ecosystem hold together."""
    store = eco._store
    store.flush()
    for table, n in ((store.members, len(store.ids)), (store.links, len(store.source))):
        assert n or not table  # no column without a row
        for column in table.values():
            assert len(column) == n and (column.present is None or column.present.any())
    ids = store.ids.tolist()
    for row, (s, t, f) in enumerate(zip(store.source.tolist(), store.target.tolist(),
                                        store.flow.tolist())):
        assert eco._link_row(ids[s], ids[t], FLOWS[f]) == row


def agree(*ecos):
    """Every reading of every ecosystem equals the first's (the differing reading named)."""
    first, *others = [readings(eco) for eco in ecos]
    for other in others:
        assert first.keys() == other.keys()
        for key in first:
            assert first[key] == other[key], key


def same_graph(graph, reference):
    assert list(graph.nodes(data=True)) == list(reference.nodes(data=True))
    assert list(graph.edges(keys=True, data=True)) == list(reference.edges(keys=True, data=True))
    assert all(list(graph.pred[m]) == list(reference.pred[m]) for m in reference)
    assert all(graph._pred[v][u] is graph._succ[u][v] for u, v in graph.edges())
    assert graph.graph == reference.graph


def check_edits(edits, switch=0, graph_edits=()):
    """Run ``edits`` on the three ecosystems and check that every reading agrees."""
    columns, networkx, mixed = Ecosystem("x"), Ecosystem("x"), Ecosystem("x")
    _ = networkx.graph  # networkx is the storage from the start
    for step, edit in enumerate(edits):
        if step == switch:
            _ = mixed.graph
        outcomes = {apply(columns, edit), apply(networkx, edit), apply(mixed, edit)}
        assert len(outcomes) == 1, (edit, outcomes)
    assert columns._graph is None  # no reader built the graph behind our back
    sound_columns(columns)
    agree(networkx, columns, mixed)
    assert columns == networkx and mixed == networkx
    for copy in (columns.copy(), networkx.copy(), mixed.copy()):
        assert copy._graph is None and copy == networkx
        agree(networkx, copy)
    half = networkx.members()[::2]
    agree(networkx.subgraph(half), columns.subgraph(half))
    same_graph(columns.graph, networkx.graph)
    for edit in graph_edits:  # direct edits are seen by every reader
        apply_to_graph(mixed, edit)
        apply_to_graph(networkx, edit)
    agree(networkx, mixed, mixed.copy())


@settings(max_examples=60)
@given(edits=st.lists(EDITS, max_size=30), switch=st.integers(0, 30),
       graph_edits=st.lists(GRAPH_EDITS, max_size=6))
def test_columns_and_graph_agree_after_any_edits(edits, switch, graph_edits):
    check_edits(edits, switch, graph_edits)


# edits that the columns once got wrong, or could: each breaks one rule of the store
SEQUENCES = {
    # the first link of a pair removed while the pair keeps another: the pair keeps its place
    "unlink_first_of_pair": [
        ("add_member", "m0", "supplier", {}), ("add_member", "m1", "supplier", {}),
        ("add_member", "m2", "supplier", {}), ("link", ("m0", "m1", "logistics"), {}),
        ("link", ("m0", "m2", "logistics"), {"colour": "r"}),
        ("link", ("m0", "m1", "capital"), {"volume": 2.0}), ("read", "capital"),
        ("unlink", ("m0", "m1", "logistics"))],
    # the member that first had an attribute removed: the next one that has it decides
    "remove_first_holder": [
        ("add_member", "m0", "supplier", {"size": 1}), ("add_member", "m1", "supplier",
                                                        {"region": "n"}),
        ("add_member", "m2", "supplier", {"size": 2}), ("read", "capital"),
        ("remove", ["m0"])],
    # a link met before the others gets an attribute: it comes first in the table
    "update_earlier_link": [
        ("add_member", "m0", "supplier", {}), ("add_member", "m1", "supplier", {}),
        ("link", ("m1", "m0", "logistics"), {"volume": 1.0}),
        ("link", ("m0", "m1", "logistics"), {}), ("read", "logistics"),
        ("update_link", ("m0", "m1", "logistics"), {"colour": "b"}),
        ("update_link", ("m1", "m0", "logistics"), {"volume": 3.0})],
    # the last link removed: its attributes go with it
    "unlink_the_last_link": [
        ("add_member", "m0", "supplier", {}), ("link", ("m0", "m0", "capital"), {"volume": 1.0}),
        ("read", "capital"), ("unlink", ("m0", "m0", "capital"))],
    # a member added and changed between two reads, links found after many edits
    "waiting_rows": [
        ("add_member", "m0", "supplier", {}), ("add_member", "m1", "market", {}),
        ("link", ("m0", "m1", "capital"), {"volume": 1.0}),
        ("update_link", ("m0", "m1", "capital"), {"volume": 4.0}),
        ("update_member", "m1", {"employees": 3}), ("read", "capital"),
        ("link", ("m1", "m0", "capital"), {}), ("unlink", ("m0", "m1", "capital")),
        ("link", ("m0", "m1", "capital"), {"lead_time": 2}),
        ("update_link", ("m0", "m1", "capital"), {"volume": 5.0})],
}


@pytest.mark.parametrize("name", sorted(SEQUENCES))
def test_edits_the_columns_once_got_wrong(name):
    check_edits(SEQUENCES[name], switch=len(SEQUENCES[name]) // 2)


def _remove_link_without_keeping_the_pair(self, row):
    self.flush()
    keep = np.delete(np.arange(len(self.source)), row)
    self.links = {k: c.take(keep) for k, c in self._links.items()}
    self.source, self.target, self.flow = self.source[keep], self.target[keep], self.flow[keep]
    self._cache.clear()
    self._forget_link_index()


def _add_link_unindexed(self, source, target, flow, data):
    self._new_links.append((source, target, flow, data))


BREAKAGES = {  # what a broken store does instead, and a sequence that shows it
    "update_link_lost": ("set_link", lambda self, row, changes: None, "waiting_rows"),
    "update_member_lost": ("set_member", lambda self, position, changes: None, "waiting_rows"),
    "pair_moved": ("remove_link", _remove_link_without_keeping_the_pair,
                   "unlink_first_of_pair"),
    "order_kept_after_removal": ("members_in_first_met_order", lambda table: table,
                                 "remove_first_holder"),
    "order_of_links_as_set": ("links_in_first_met_order", lambda table, source, target: table,
                              "update_earlier_link"),
    "waiting_link_not_indexed": ("add_link", _add_link_unindexed, "waiting_rows"),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_the_check_fails_on_a_broken_edit(name, monkeypatch):
    """The check is not vacuous: break one thing the store does and it fails."""
    import ecosystem._columns as columns
    attribute, broken, sequence = BREAKAGES[name]
    owner = columns.Store if hasattr(columns.Store, attribute) else columns
    monkeypatch.setattr(owner, attribute, broken)
    with pytest.raises(AssertionError):
        check_edits(SEQUENCES[sequence], switch=len(SEQUENCES[sequence]) // 2)


def test_graph_is_built_once_and_then_is_the_storage():
    eco = Ecosystem("toy")
    eco.add_member("a", "supplier", size=1.5)
    eco.add_member("b", "manufacturer")
    eco.link("a", "b", "logistics", volume=3.0)
    assert eco._graph is None
    graph = eco.graph
    assert eco.graph is graph and graph.graph is eco.attributes
    graph.nodes["a"]["size"] = 2.5  # in place: seen by the methods
    graph.edges["a", "b", "logistics"]["volume"] = 4.0
    assert eco.member("a")["size"] == 2.5 and eco.adjacency("logistics")[0, 1] == 4.0
    eco.link("b", "a", "capital", volume=1.0)  # and the methods write to the graph
    assert graph.has_edge("b", "a", key="capital")
    copied = eco.copy()
    assert copied._graph is None and copied.member("a")["size"] == 2.5
    assert copied.adjacency("capital")[1, 0] == 1.0


def test_values_keep_their_python_types():
    """Columns are typed arrays, yet 3 comes back as int 3 and 3.0 as float, never numpy."""
    eco = Ecosystem()
    eco.add_members_from(pd.DataFrame({"id": ["a", "b"], "role": ["supplier", "market"],
                                       "staff": [3, 4], "score": [0.5, np.nan],
                                       "big": [2 ** 70, 1],
                                       "tag": pd.Series(["x", None], dtype=object)}))
    eco.add_member("c", "platform", staff=5.0, flag=True)
    assert [type(eco.member(m).get("staff")) for m in "abc"] == [int, int, float]
    assert dict(eco.member("b")) == {"role": "market", "ring": "core", "staff": 4, "big": 1,
                                     "tag": None}
    assert eco.member("a")["big"] == 2 ** 70 and eco.member("c")["flag"] is True
    eco.update_member("a", staff="many")
    assert eco.member("a")["staff"] == "many" and eco.member("b")["staff"] == 4
    assert eco.graph.nodes["c"] == {"role": "platform", "ring": "core", "staff": 5.0,
                                    "flag": True}


def test_subgraph_keeps_member_order_and_the_links_among_them():
    eco = Ecosystem()
    for m in "abcde":
        eco.add_member(m, "supplier")
    for u, v in ["ab", "ea", "ce", "db", "bd"]:
        eco.link(u, v, "logistics", volume=float(ord(u)))
    part = eco.subgraph(["e", "b", "a", "d", "a"])
    assert part.members() == ["a", "b", "d", "e"]
    assert part.links() == [("a", "b", "logistics"), ("b", "d", "logistics"),
                            ("d", "b", "logistics"), ("e", "a", "logistics")]
    part.update_member("a", size=1)
    assert "size" not in eco.member("a")
    with pytest.raises(UnknownMemberError):
        eco.subgraph(["z"])


def test_layer_of_a_column_ecosystem_is_the_graphs():
    eco = Ecosystem()
    eco.add_member("a", "supplier")
    eco.add_member("b", "manufacturer")
    eco.link("a", "b", "logistics", volume=1.0)
    layer = eco.layer("logistics")
    assert layer.edges["a", "b"] is eco.graph.edges["a", "b", "logistics"]
    assert isinstance(layer, nx.DiGraph)


@pytest.mark.parametrize("value", [[], [1, 2], (3,), {"a": 1}, None, "text", 7])
def test_any_value_replaces_a_typed_column_cell_as_networkx_stores_it(value):
    """A list written over a float cell is one value (numpy reads a None dtype as float64)."""
    stored = []
    for graph_first in (False, True):
        eco = Ecosystem("x")
        if graph_first:
            _ = eco.graph
        eco.add_member("m", "production_base", employees=2.5)
        eco.add_member("n", "production_base", employees=1.5)
        eco.update_member("m", employees=value)
        stored.append([dict(eco.member(m)) for m in eco])
    assert stored[0] == stored[1] and stored[0][0]["employees"] == value
    assert stored[0][1]["employees"] == 1.5


def _many_links(n_members=2_000, n_links=200_000, seed=5):
    rng = np.random.default_rng(seed)
    cells = rng.choice(n_members * n_members * 4, size=n_links, replace=False)
    pair, flow = np.divmod(cells, 4)
    source, target = np.divmod(pair, n_members)
    ids = np.array([f"m{i}" for i in range(n_members)], dtype=object)
    eco = Ecosystem()
    eco.add_members_from(pd.DataFrame({"id": ids, "role": "supplier"}))
    eco.add_links_from(pd.DataFrame({"source": ids[source], "target": ids[target],
                                     "flow": np.array(FLOWS, dtype=object)[flow],
                                     "volume": rng.random(n_links)}))
    return eco


def test_one_edit_of_a_big_ecosystem_costs_about_the_edit():
    """The first link() of a column-backed ecosystem holds its links' codes in arrays (16
    bytes a link at most, with the sort's work space 32), not a dict of every link (over
    100 bytes a link); later edits wait, or change a cell in place."""
    import tracemalloc
    eco = _many_links()
    n = eco.number_of_links()
    assert "m0" in eco  # the member index is built before measuring
    eco.adjacency("capital")
    store = eco._store
    tracemalloc.start()
    try:
        eco.link("m1", "m1", "capital", volume=1.0) if not eco._has_link(
            "m1", "m1", "capital") else eco.unlink("m1", "m1", "capital")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * n, peak / n
    assert len(store._recent) <= 1
    volume = store.links["volume"].values
    eco.update_link("m1", "m1", "capital", volume=2.0)  # waiting: its dict changes
    assert store._new_links and store._new_links[-1][3] == {"volume": 2.0}
    row = int(np.flatnonzero(store.links["volume"].mask())[0])
    u, v, f = (store.ids[store.source[row]], store.ids[store.target[row]],
               FLOWS[store.flow[row]])
    eco.update_link(u, v, f, volume=7.5)  # joined: the column is changed in place
    assert store.links["volume"].values is volume and volume[row] == 7.5
    assert eco.adjacency(f)[int(u[1:]), int(v[1:])] == 7.5


@pytest.mark.parametrize("recent", [8, None])
def test_links_found_after_many_single_edits_match_a_plain_set(recent, monkeypatch):
    """The sorted codes, the dict of recent links and removals: a plain set of triples as
    the reference, through many merges of the recent links (at most 8 of them wait) or
    none (a small model's links all in the dict)."""
    if recent is not None:
        import ecosystem._columns
        monkeypatch.setattr(ecosystem._columns, "_RECENT", recent)
    eco = _many_links(n_members=60, n_links=3_000)
    reference = set(eco.links())
    rng = np.random.default_rng(2)
    members = eco.members()
    for step in range(3_000):
        u, v = members[rng.integers(60)], members[rng.integers(60)]
        f = FLOWS[rng.integers(4)]
        if (u, v, f) in reference:
            if step % 3:
                eco.unlink(u, v, f)
                reference.discard((u, v, f))
            else:
                eco.update_link(u, v, f, volume=float(step))
        else:
            eco.link(u, v, f, volume=1.0)
            reference.add((u, v, f))
        if step % 500 == 0:
            eco.adjacency("logistics")
    assert set(eco.links()) == reference and eco.number_of_links() == len(reference)
    assert all(eco._has_link(u, v, f) for u, v, f in reference)
    sound_columns(eco)
    assert eco == Ecosystem.from_pandas(*eco.to_pandas())


def test_a_links_problems_come_in_the_taxonomys_order_in_both_stores():
    """A link breaking two rules lists them in the order the taxonomy lists the attributes
    (volume before lead_time), whether a networkx dict holds the link (it keeps the link's
    own key order, lead_time first here) or the columns of its copy do (one order for every
    link: volume first, made by an earlier link)."""
    eco = Ecosystem("x")
    for member in ("m0", "m6"):
        eco.add_member(member, "association")
    eco.link("m0", "m0", "information", volume=0.0)
    eco.graph.add_edge("m0", "m6", key="information", lead_time=2.4, volume=False)
    columns = eco.copy()
    assert eco._graph is not None and columns._graph is None
    expected = ["link 'm0' -> 'm6' (information): volume must be a finite number >= 0 "
                "(flow per period), got False",
                "link 'm0' -> 'm6' (information): lead_time must be a whole number of "
                "periods >= 0, got 2.4"]
    assert eco.problems() == expected
    assert columns.problems() == expected


def test_a_links_problems_keep_the_taxonomys_order_when_a_key_is_no_flow():
    """With a link whose key is no flow the links are checked one by one; each link's problems
    still come in the taxonomy's order (volume before capacity), not its dict's."""
    eco = Ecosystem("x")
    for member in ("a", "b"):
        eco.add_member(member, "association")
    eco.graph.add_edge("a", "b", key="information", capacity=-5, volume=-5)
    ordered = eco.problems()
    assert ordered[0].startswith("link 'a' -> 'b' (information): volume")
    assert "capacity" in ordered[1]
    eco.graph.add_edge("a", "b", key="bogus")
    checked = eco.problems()
    assert any("key 'bogus' is not a flow" in line for line in checked)
    assert [line for line in checked if "(information)" in line] == ordered
