"""The page reads a column-backed ecosystem's columns: the same page data as from its
networkx graph, and the graph is never built."""

import math

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import networks
import viz
from ecosystem import Ecosystem, niche
from viz._payload import network_payload


def graph_backed(eco):
    """A copy of ``eco`` whose storage is its networkx graph."""
    copy = eco.copy()
    assert isinstance(copy.graph, nx.MultiDiGraph) and copy._graph is not None
    return copy


def patchy():
    """Members and links with attributes some rows lack, None values, ints with gaps,
    text, lists; then a member removed (its attribute is then in no row)."""
    eco = Ecosystem("patchy")
    eco.add_member("a", "manufacturer", employees=3, note="x")
    eco.add_member("b", "platform", employees=None, tags=["p", "q"])
    eco.add_member("c", "logistics", margin=0.25)
    eco.add_member("gone", "finance", only_here=7)
    eco.link("a", "b", "logistics", volume=2.5, lead_time=3)
    eco.link("b", "c", "capital")
    eco.link("c", "a", "information", volume=4, lane="sea")
    eco.link("gone", "a", "capital", volume=1.0, only_here=True)
    eco.remove("gone")
    return eco


@pytest.mark.parametrize("make", [
    patchy, lambda: networks.example("cross_border_belt"),
    lambda: networks.industrial_belt(400, seed=5)], ids=["patchy", "bundled", "belt400"])
def test_columns_and_graph_give_the_same_page_data(make):
    eco = make()
    assert eco._graph is None
    other = eco.copy()  # the niche analysis reads the graph (of a copy, here)
    layer = {"competition": niche.competition_layer(
        niche.resource_matrix(other, direction="out"), eco=other)}
    for options in ({}, {"size_by": "strength", "overlays": layer}, {"labels": False}):
        from_columns = network_payload(eco, **options)
        assert eco._graph is None  # read, not converted
        assert from_columns == network_payload(graph_backed(eco), **options)


def test_a_large_column_backed_page_never_builds_the_graph():
    eco = networks.industrial_belt(6000, seed=2)
    page = viz.to_html(eco, metrics={"x": {eco.members()[0]: 1.0}}, size_by="employees")
    assert eco._graph is None and '"renderer":"canvas"' in page.html


values = st.one_of(st.none(), st.integers(-5, 5), st.floats(allow_nan=False, width=32),
                   st.text("ab", max_size=2), st.booleans())


@settings(max_examples=40, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["u", "v", "w"]), values, max_size=3),
                min_size=1, max_size=6),
       st.lists(st.dictionaries(st.sampled_from(["volume", "k"]), values, max_size=2),
                max_size=6))
def test_any_attribute_pattern_reads_the_same_from_columns(member_attrs, link_attrs):
    members = pd.DataFrame({"id": [f"m{i}" for i in range(len(member_attrs))],
                            "role": "manufacturer"})
    eco = Ecosystem.from_pandas(members, pd.DataFrame(columns=["source", "target", "flow"]))
    for i, attrs in enumerate(member_attrs):
        eco.update_member(f"m{i}", **attrs)
    n, seen = len(member_attrs), set()
    for j, attrs in enumerate(link_attrs):
        volume = attrs.get("volume")
        if "volume" in attrs and not (isinstance(volume, (int, float)) and not isinstance(
                volume, bool) and 0 <= volume < math.inf):
            attrs.pop("volume")  # a volume is a finite number >= 0
        key = (j % n, (j + 1) % n, ["logistics", "capital", "information"][j // n % 3])
        if key not in seen:
            seen.add(key)
            eco.link(f"m{key[0]}", f"m{key[1]}", key[2], **attrs)
    assert eco._graph is None
    assert network_payload(eco) == network_payload(graph_backed(eco))
