"""Industry convergence and upstreamness (ecosystem.convergence)."""

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from ecosystem import Ecosystem, ParameterError, UnknownMemberError
from ecosystem.cli import main
from ecosystem.convergence import group_profiles, index, upstreamness


def _belt():
    eco = Ecosystem()
    for m, role, industry in [("tex1", "manufacturer", "textiles"),
                              ("tex2", "manufacturer", "textiles"),
                              ("toy1", "manufacturer", "toys"),
                              ("lab", "research", None), ("uni", "research", None),
                              ("amz", "platform", None), ("ebay", "platform", None)]:
        attrs = {"industry": industry} if industry else {}
        eco.add_member(m, role, **attrs)
    return eco


def test_disjoint_groups_give_zero_and_identical_give_one():
    eco = _belt()
    eco.link("lab", "tex1", "technology", volume=1.0)
    eco.link("uni", "toy1", "technology", volume=1.0)
    eco.link("tex1", "amz", "logistics", volume=4.0)
    eco.link("toy1", "amz", "logistics", volume=2.0)
    table = index(eco, "industry", flows=["technology", "logistics"])
    value = table.set_index("flow")["convergence"]
    assert value["technology"] == 0.0
    assert value["logistics"] == pytest.approx(1.0)  # same partner, shares differ only in scale
    same = index(eco, {"a": ["tex1"], "b": ["tex1"]}, flows=["technology"])
    assert same["convergence"].iloc[0] == pytest.approx(1.0)


def test_snapshots_show_convergence_as_change():
    before = _belt()
    before.link("lab", "tex1", "technology", volume=1.0)
    before.link("uni", "toy1", "technology", volume=1.0)
    after = before.copy()
    after.link("lab", "toy1", "technology", volume=1.0)
    table = index({"2019": before, "2023": after}, "industry", flows=["technology"])
    assert list(table["snapshot"]) == ["2019", "2023"]
    assert table["change"].tolist() == pytest.approx([0.0, np.sqrt(0.5)])


def test_group_without_links_is_nan_and_profiles_add_volumes():
    eco = _belt()
    eco.link("lab", "tex1", "technology", volume=1.0)
    eco.link("lab", "tex2", "technology", volume=2.0)
    assert np.isnan(index(eco, "industry", flows=["technology"])["convergence"].iloc[0])
    profiles = group_profiles(eco, "industry", "technology", direction="in")
    assert profiles.loc["textiles", "lab"] == 3.0
    listed_twice = group_profiles(eco, {"t": ["tex1", "tex1", "tex2"], "u": ["toy1"]},
                                  "technology", direction="in")
    assert listed_twice.loc["t", "lab"] == 3.0  # a member counts once per group


def test_upstreamness_closed_form_chain_and_split():
    """Antras et al. (2012): U = 1 + sum_j delta_ij U_j; a k-stage chain gives k, k-1, ..., 1."""
    eco = Ecosystem()
    chain = ["s", "m", "c", "p", "mk"]
    for member, role in zip(chain, ["supplier", "manufacturer", "cbec_enterprise", "platform",
                                    "market"]):
        eco.add_member(member, role)
    for a, b in zip(chain, chain[1:]):
        eco.link(a, b, "logistics", volume=5.0)
    eco.add_member("idle", "finance")
    u = upstreamness(eco)
    assert u[chain].tolist() == [5.0, 4.0, 3.0, 2.0, 1.0]
    assert np.isnan(u["idle"])
    eco.add_member("eu", "market")
    eco.link("m", "eu", "logistics", volume=15.0)  # m now sends 1/4 into the long branch
    assert upstreamness(eco)["m"] == pytest.approx(1 + 0.25 * 3 + 0.75 * 1)


def test_errors():
    eco = _belt()
    eco.link("tex1", "tex2", "logistics", volume=1.0)
    eco.link("tex2", "tex1", "logistics", volume=1.0)
    with pytest.raises(ParameterError, match="never reach final use") as error:
        upstreamness(eco)
    assert "members ['tex1', 'tex2'] pass logistics volume" in str(error.value)
    eco.graph.edges["tex1", "tex2", "logistics"]["grade"] = -1.0
    with pytest.raises(ParameterError, match="link 'tex1' -> 'tex2' has grade=-1.0"):
        upstreamness(eco, weight="grade")
    with pytest.raises(ParameterError, match="at least two"):
        index(eco, {"only": ["tex1"]})
    with pytest.raises(UnknownMemberError, match="ghost"):
        index(eco, {"a": ["tex1"], "b": ["ghost"]})
    with pytest.raises(ParameterError, match="direction"):
        index(eco, "industry", direction="sideways")
    with pytest.raises(ParameterError, match="at least one flow"):
        index(eco, "industry", flows=[])
    with pytest.raises(ParameterError, match="snapshot 'b' is a str"):
        index({"a": eco, "b": "eco.yaml"}, "industry")
    with pytest.raises(ParameterError, match="defines 0 group"):
        index(eco, "region")
    eco.graph.nodes["tex1"]["region"] = "north"
    with pytest.raises(ParameterError, match="defines 1 group"):
        index(eco, "region")
    eco.graph.edges["tex1", "tex2", "logistics"]["volume"] = -3.0
    with pytest.raises(ParameterError, match="'tex1' -> 'tex2' has volume=-3.0"):
        upstreamness(eco)


# random links among 8 members (two industries of 3, two providers), volumes > 0
links = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7),
                           st.sampled_from(["technology", "logistics"]), st.floats(0.1, 10)),
                 max_size=25)


def _two_industries(drawn):
    eco = Ecosystem()
    for i in range(8):
        eco.add_member(f"m{i}", "manufacturer" if i < 6 else "research",
                       **({"industry": "a" if i < 3 else "b"} if i < 6 else {}))
    for u, v, flow, w in drawn:
        if u != v and not eco.graph.has_edge(f"m{u}", f"m{v}", flow):
            eco.link(f"m{u}", f"m{v}", flow, volume=w)
    return eco


@given(links, st.floats(0.01, 100), st.sampled_from(["both", "out", "in"]))
def test_index_is_a_symmetric_scale_free_share(drawn, scale, direction):
    """Pianka's overlap of the profiles: in [0, 1] (NaN only for a group without links), the
    same with the groups swapped, and unchanged when every volume is multiplied by a
    constant."""
    eco = _two_industries(drawn)
    groups = {"a": ["m0", "m1", "m2"], "b": ["m3", "m4", "m5"]}
    table = index(eco, groups, flows=["technology", "logistics"], direction=direction)
    swapped = index(eco, {"b": groups["b"], "a": groups["a"]},
                    flows=["technology", "logistics"], direction=direction)
    values, again = table["convergence"].to_numpy(), swapped["convergence"].to_numpy()
    assert np.array_equal(np.isnan(values), np.isnan(again))
    assert np.allclose(values[~np.isnan(values)], again[~np.isnan(again)])
    assert ((values[~np.isnan(values)] >= -1e-12) & (values[~np.isnan(values)] <= 1 + 1e-12)).all()
    scaled = Ecosystem()
    for m, d in eco.graph.nodes(data=True):
        scaled.add_member(m, d["role"])
    for u, v, flow, d in eco.graph.edges(keys=True, data=True):
        scaled.link(u, v, flow, volume=d["volume"] * scale)
    other = index(scaled, groups, flows=["technology", "logistics"], direction=direction)
    assert np.allclose(other["convergence"], values, equal_nan=True)
    for flow, value in zip(table["flow"], values):
        profiles = group_profiles(eco, groups, flow, direction=direction)
        shared = ((profiles.loc["a"] > 0) & (profiles.loc["b"] > 0)).any()
        if not np.isnan(value):
            assert (value > 0) == shared  # 0 exactly when no partner is shared


@settings(max_examples=30)
@given(links)
def test_a_group_against_itself_converges_fully(drawn):
    """Identical groups have identical profiles: index 1 wherever the group has a link."""
    eco = _two_industries(drawn)
    table = index(eco, {"x": ["m0", "m4"], "y": ["m4", "m0"]}, flows=["technology", "logistics"])
    for flow, value in zip(table["flow"], table["convergence"]):
        has_links = group_profiles(eco, {"x": ["m0"], "y": ["m4"]}, flow).to_numpy().sum() > 0
        assert value == pytest.approx(1.0) if has_links else np.isnan(value)


def test_change_is_against_the_first_snapshot_even_where_it_is_nan():
    """A pair without value in the first snapshot has no change later (not a change against
    the second snapshot); attribute groups pair in name order whatever the member order."""
    first = _belt()
    first.link("lab", "tex1", "technology", volume=1.0)  # toys: no technology link yet
    second = _belt()
    second.link("uni", "toy1", "technology", volume=1.0)
    second.link("lab", "tex1", "technology", volume=1.0)
    third = second.copy()
    third.link("lab", "toy1", "technology", volume=1.0)
    table = index([first, second, third], "industry", flows=["technology"])
    assert table["group_a"].tolist() == ["textiles"] * 3
    assert np.isnan(table["convergence"].iloc[0]) and table["change"].isna().all()
    reordered = Ecosystem()
    for m in ["toy1", "tex1", "lab"]:
        attrs = dict(third.graph.nodes[m])
        reordered.add_member(m, attrs.pop("role"), **{k: v for k, v in attrs.items()
                                                      if k != "ring"})
    reordered.link("lab", "tex1", "technology", volume=1.0)
    reordered.link("lab", "toy1", "technology", volume=1.0)
    both = index({"then": second, "now": reordered}, "industry", flows=["technology"])
    assert both["group_a"].tolist() == ["textiles", "textiles"]
    assert both["change"].tolist() == pytest.approx([0.0, 1.0])


@settings(max_examples=40)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.floats(0.1, 10)),
                max_size=20))
def test_upstreamness_solves_its_defining_equation(drawn):
    """Antras et al. (2012): U_i = 1 + sum_j delta_ij U_j on a network without cycles
    (links only from lower to higher index), so U >= 1 and a member without output has 1."""
    eco = Ecosystem()
    for i in range(8):
        eco.add_member(f"m{i}", "supplier")
    for u, v, w in drawn:
        if u < v and not eco.graph.has_edge(f"m{u}", f"m{v}", "logistics"):
            eco.link(f"m{u}", f"m{v}", "logistics", volume=w)
    u = upstreamness(eco)
    layer = nx.DiGraph(eco.layer("logistics"))
    for i in range(8):
        member = f"m{i}"
        if layer.degree(member) == 0:
            assert np.isnan(u[member])
            continue
        out = {v: d["volume"] for _, v, d in layer.out_edges(member, data=True)}
        total = sum(out.values())
        expected = 1 + sum(w / total * u[v] for v, w in out.items()) if total else 1.0
        assert u[member] == pytest.approx(expected)
        assert u[member] >= 1.0


def test_cli_convergence_with_snapshots(tmp_path, capsys):
    before = _belt()
    before.link("lab", "tex1", "technology", volume=1.0)
    before.link("uni", "toy1", "technology", volume=1.0)
    before.link("tex1", "amz", "logistics", volume=4.0)
    before.link("toy1", "ebay", "logistics", volume=2.0)
    after = before.copy()
    after.link("lab", "toy1", "technology", volume=1.0)
    paths = []
    for name, eco in [("y2019", before), ("y2023", after)]:
        paths.append(str(tmp_path / f"{name}.yaml"))
        eco.save(paths[-1])
    assert main(["convergence", paths[0], "--later", paths[1], "--flows", "technology"]) == 0
    out = capsys.readouterr().out
    assert "y2019" in out and "y2023" in out and f"{np.sqrt(0.5):.4g}" in out
    assert "logistics" not in out.split("upstreamness")[0]
    assert "upstreamness along logistics" in out
    assert main(["convergence", paths[0], "--flows", "logistics", "--direction", "out"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "textiles" in line)
    assert row.split() == ["0", "y2019", "logistics", "textiles", "toys", "0"]  # amz vs ebay
    assert main(["convergence", paths[0], "--flows", "logistics", "--direction", "in"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "textiles" in line)
    assert row.split()[-1] == "NaN"  # nothing flows into either industry's logistics
    assert main(["convergence", paths[0], "--chain", "technology"]) == 0
    out = capsys.readouterr().out.split("upstreamness along technology")[1]
    assert "lab" in out and "amz" not in out
    assert main(["convergence", paths[0], "--groups", "nothing"]) != 0
    assert "defines 0 group(s)" in capsys.readouterr().err
