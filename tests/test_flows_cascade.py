"""ecosystem.flows: disruption cascades and the most-critical-members ranking.

The cascade engine runs rounds as sparse matrix products over many shocks at
once; here it is checked against hand-computed outcomes and against
``reference_cascade``, a plain-Python version written from the rules'
definitions (one dictionary lookup at a time over the networkx graph).
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import networks
from ecosystem import Ecosystem
from ecosystem._errors import ParameterError, UnknownMemberError
from ecosystem.flows import (DEFAULT_RULES, FLOWS, MinInboundShare, MinProviders, Rule,
                             cascade, critical_members)


# ------------------------------------------------------------------------ reference

def _inbound(eco, member, flow):
    """(source, volume) of every link into ``member`` in ``flow``."""
    return [(source, data.get("volume", 1.0))
            for source, _, key, data in eco.graph.in_edges(member, keys=True, data=True)
            if key == flow]


def _supply(eco, rule, member, capacity):
    links = _inbound(eco, member, rule.flow.value)
    if isinstance(rule, MinProviders):
        return sum(1 for source, volume in links if capacity[source] > 0 and volume > 0
                   and (rule.providers is None
                        or eco.graph.nodes[source]["role"] in rule.providers))
    return sum(volume * capacity[source] for source, volume in links)


def _threshold(eco, rule, member):
    if isinstance(rule, MinProviders):
        return rule.minimum
    return rule.fraction * sum(volume for _, volume in _inbound(eco, member, rule.flow.value))


def _binds(eco, rule, member):
    node = eco.graph.nodes[member]
    if rule.roles is not None and node["role"] not in rule.roles:
        return False
    if rule.rings is not None and node["ring"] not in rule.rings:
        return False
    everyone = {m: 1.0 for m in eco.graph}
    before = _supply(eco, rule, member, everyone)
    return before >= rule.minimum if isinstance(rule, MinProviders) else before > 0


def reference_cascade(eco, fail=(), cut=None, rules=(), max_rounds=None):
    """Failure round per failed member, and volume after the cascade per flow."""
    capacity = {m: 1.0 for m in eco.graph}
    for member in fail:
        capacity[member] = 0.0
    for member, fraction in (cut or {}).items():
        capacity[member] = min(capacity[member], 1.0 - fraction)
    failed = {m: 0 for m, c in capacity.items() if c == 0}
    binding = {(i, m): _binds(eco, rule, m) for i, rule in enumerate(rules) for m in eco.graph}
    round_number = 0
    while max_rounds is None or round_number < max_rounds:
        round_number += 1
        newly = []
        for member in eco.graph:
            if member in failed:
                continue
            for i, rule in enumerate(rules):
                if not binding[i, member]:
                    continue
                supply = _supply(eco, rule, member, capacity)
                limit = _threshold(eco, rule, member)
                if supply < limit * (1 - 1e-9 if isinstance(rule, MinInboundShare) else 1):
                    newly.append(member)
                    break
        if not newly:
            break
        for member in newly:  # synchronous: the round's failures act together next round
            failed[member] = round_number
            capacity[member] = 0.0
    after = {}
    for source, target, flow, data in eco.graph.edges(keys=True, data=True):
        alive = capacity[source] > 0 and capacity[target] > 0
        after[flow] = after.get(flow, 0.0) + (data.get("volume", 1.0) * capacity[source]
                                              if alive else 0.0)
    return failed, after


def brute_force_ranking(eco, rules):
    """Every member's single-failure cascade, ranked by the share of each flow's volume lost,
    averaged over the flows that move (ties: member order): flows are never added."""
    before = {}
    for *_, flow, data in eco.graph.edges(keys=True, data=True):
        before[flow] = before.get(flow, 0.0) + data.get("volume", 1.0)
    moving = [flow for flow, volume in before.items() if volume > 0]
    rows = []
    for position, member in enumerate(eco.graph):
        failed, after = reference_cascade(eco, [member], rules=rules)
        shares = [(before[f] - after.get(f, 0.0)) / before[f] for f in moving]
        share = sum(shares) / len(shares) if shares else 0.0
        rows.append((-share, position, member, len(failed)))
    rows.sort(key=lambda row: (round(row[0], 9), row[1]))
    return [(member, -share, count) for share, _, member, count in rows]


# ---------------------------------------------------------------------- hand-made case

@pytest.fixture
def supply_chain():
    """lg -> s1 -> m1 -> m2 -> cb carry goods, lg2 also ships to m2; the bank pays the firms.

    Volumes: logistics 10, 8, 6, 5 along the chain and 4 from lg2 (33 in all),
    capital 1, 2, 3, 4 to s1, m1, m2, cb (10 in all).
    """
    eco = Ecosystem("hand-made")
    eco.add_members_from(pd.DataFrame({
        "id": ["lg", "lg2", "bank", "s1", "m1", "m2", "cb"],
        "role": ["logistics", "logistics", "finance", "supplier", "manufacturer",
                 "manufacturer", "cbec_enterprise"]}))
    for source, target, volume in [("lg", "s1", 10), ("s1", "m1", 8), ("m1", "m2", 6),
                                   ("m2", "cb", 5), ("lg2", "m2", 4)]:
        eco.link(source, target, "logistics", volume=float(volume))
    for target, volume in [("s1", 1), ("m1", 2), ("m2", 3), ("cb", 4)]:
        eco.link("bank", target, "capital", volume=float(volume))
    return eco


def test_hand_made_cascade_has_the_known_outcome(supply_chain):
    """Losing lg: s1 has no logistics provider left (round 1), then m1 (round 2); m2 still
    gets goods from lg2, so m2 and cb survive. Lost: every logistics link except lg2 -> m2 and
    m2 -> cb (33 - 9 = 24) and the bank's payments to s1 and m1 (1 + 2 = 3)."""
    result = cascade(supply_chain, "lg")
    assert result.rounds == 2
    assert result.failed["round"].to_dict() == {"lg": 0, "s1": 1, "m1": 2}
    assert result.failed.loc["m1", "reason"] == "fewer than 1 logistics provider(s) (ring core)"
    assert result.failed.loc["lg", "reason"] == "shock"
    assert result.survivors == ["lg2", "bank", "m2", "cb"]
    assert result.per_round["failed"].tolist() == [1, 1, 1]
    assert result.per_round["cumulative"].tolist() == [1, 2, 3]
    assert result.by_ring().loc["core"].tolist() == [4, 2, 0.5]
    assert result.by_ring().loc["sub_core", ["members", "failed"]].tolist() == [3, 1]
    assert result.by_ring().loc["outer"].tolist() == [0, 0, 0]
    assert result.by_role().loc["manufacturer", ["members", "failed"]].tolist() == [2, 1]
    lost = result.lost_volume
    assert lost.loc["logistics", ["before", "after", "lost"]].tolist() == [33, 9, 24]
    assert lost.loc["capital", ["before", "after", "lost"]].tolist() == [10, 7, 3]
    assert lost.loc["information", ["before", "after", "lost", "share"]].tolist() == [0, 0, 0, 0]
    assert "total" not in lost.index  # goods and money are not added
    assert lost["unit"].tolist() == ["messages", "units of goods", "units of money",
                                     "service days"]
    assert result.lost_share == pytest.approx((24 / 33 + 3 / 10) / 2)
    assert "3 failed in 2 round(s)" in str(result)
    assert ("lost: logistics 24 of 33 units of goods (72.7%); capital 3 of 10 units of money "
            "(30.0%); mean share lost over the flows 51.4%") in str(result)


def test_max_rounds_stops_the_cascade(supply_chain):
    result = cascade(supply_chain, ["lg"], max_rounds=1)
    assert result.failed["round"].to_dict() == {"lg": 0, "s1": 1}
    assert cascade(supply_chain, ["lg"], max_rounds=0).failed.index.tolist() == ["lg"]


def test_inbound_share_rule_and_capacity_cuts(supply_chain):
    """m2 needs half its 10 inbound logistics units: m1's 6 and lg2's 4."""
    rule = MinInboundShare("logistics", fraction=0.5, roles="manufacturer")
    assert cascade(supply_chain, "m1", rules=[rule]).failed["round"].to_dict() == \
        {"m1": 0, "m2": 1}
    cut = cascade(supply_chain, cut={"m1": 0.6}, rules=[rule])      # 2.4 + 4 >= 5
    assert cut.failed.empty and cut.rounds == 0
    assert cut.lost_volume.loc["logistics", "lost"] == pytest.approx(0.6 * 6)
    assert "m1" in cut.survivors and cut.shock == {"m1": 0.6}
    exactly = cascade(supply_chain, cut={"m1": 5 / 6}, rules=[rule])  # 1 + 4 = 5: just enough
    assert exactly.failed.empty
    assert cascade(supply_chain, cut={"m1": 0.9}, rules=[rule]).failed.index.tolist() == ["m2"]
    assert cascade(supply_chain, cut={"m1": 1.0}, rules=[rule]).failed["round"].to_dict() == \
        {"m1": 0, "m2": 1}


def test_provider_roles_minimum_and_rules_binding_only_those_that_met_them(supply_chain):
    supply_chain.add_member("m3", "manufacturer")      # goods from lg2, no capital at all
    supply_chain.link("lg2", "m3", "logistics", volume=1.0)
    finance = MinProviders("capital", providers="finance")
    result = cascade(supply_chain, "bank", rules=[finance])
    assert result.failed["round"].to_dict() == {"bank": 0, "s1": 1, "m1": 1, "m2": 1, "cb": 1}
    assert "m3" in result.survivors
    two = MinProviders("logistics", minimum=2)       # binds m2 only: the one with 2 providers
    assert cascade(supply_chain, "lg2", rules=[two]).failed.index.tolist() == ["lg2", "m2"]
    upstream = MinProviders("logistics", providers=["supplier"])   # binds m1 only
    assert cascade(supply_chain, "s1", rules=[upstream]).failed.index.tolist() == ["s1", "m1"]
    outer_only = MinProviders("logistics", rings="outer")
    assert cascade(supply_chain, "lg", rules=[outer_only]).failed.index.tolist() == ["lg"]


def test_rules_may_be_one_rule_or_any_iterable(supply_chain):
    """The engine compiles the checked tuple of rules: a lone rule and a generator (used up
    by the check) give the same cascade as a list."""
    rule = MinProviders("logistics")
    expected = {"lg": 0, "s1": 1, "m1": 2}
    assert cascade(supply_chain, "lg", rules=[rule]).failed["round"].to_dict() == expected
    assert cascade(supply_chain, "lg", rules=rule).failed["round"].to_dict() == expected
    assert cascade(supply_chain, "lg", rules=(r for r in [rule])).failed["round"].to_dict() \
        == expected


def test_default_rules_and_rule_descriptions():
    assert [str(rule) for rule in DEFAULT_RULES] == [
        "fewer than 1 logistics provider(s) (ring core)",
        "fewer than 1 capital provider(s) (ring core)"]
    assert str(MinInboundShare("capital", fraction=0.25, roles=["supplier"])) == \
        "inbound capital volume below 0.25 of its original (roles supplier)"


# ---------------------------------------------------------------- most critical members

def test_critical_members_ranking_equals_brute_force_on_the_hand_made_case(supply_chain):
    """Every single failure, by brute force. The bank ranks first: it is every firm's only
    capital provider, so all four firms fail with it and all of both flows is lost (share 1);
    lg loses 24 of 33 units of goods and 3 of 10 of money (see the hand-made cascade above)."""
    table = critical_members(supply_chain)
    expected = brute_force_ranking(supply_chain, DEFAULT_RULES)
    assert list(zip(table.index, table["lost_share"], table["failed"])) == \
        [(m, pytest.approx(share), count) for m, share, count in expected]
    assert table["rank"].tolist() == list(range(1, 8))
    assert table.loc["bank", "lost_share"] == 1.0 and table.loc["bank", "failed"] == 5
    assert table.index[0] == "bank"
    assert table.loc["lg", "lost_share"] == pytest.approx((24 / 33 + 3 / 10) / 2)
    assert table.loc["lg", ["lost_logistics", "lost_capital", "failed"]].tolist() == [24, 3, 3]
    assert "lost_volume" not in table.columns


@pytest.mark.parametrize("rules", [DEFAULT_RULES,
                                   (MinInboundShare("logistics", fraction=0.7),
                                    MinProviders("capital", providers="finance"))])
def test_critical_members_ranking_equals_brute_force_on_a_belt(rules):
    belt = networks.industrial_belt(30, seed=8)
    table = critical_members(belt, rules=rules, batch=7)
    expected = brute_force_ranking(belt, rules)
    assert table.index.tolist() == [member for member, _, _ in expected]
    np.testing.assert_allclose(table["lost_share"], [share for _, share, _ in expected],
                               rtol=1e-9)
    assert table["failed"].tolist() == [count for *_, count in expected]
    single = cascade(belt, table.index[0], rules=rules)
    assert single.lost_share == pytest.approx(table["lost_share"].iloc[0])


def test_critical_members_candidates_top_and_strongest_first():
    belt = networks.industrial_belt(30, seed=8)
    platforms = belt.members(role="platform")
    some = critical_members(belt, platforms, top=1)
    assert len(some) == 1 and some.index[0] in platforms
    few = critical_members(belt, max_candidates=5)
    assert len(few) == 5
    strength = {m: 0.0 for m in belt.graph}
    for source, target, data in belt.graph.edges(data=True):
        strength[source] += data["volume"]
        strength[target] += data["volume"]
    strongest = sorted(strength, key=strength.get, reverse=True)[:5]
    assert set(few.index) == set(strongest)


# ----------------------------------------------------------------------------- errors

@pytest.mark.parametrize("option", ["top", "max_candidates", "batch"])
@pytest.mark.parametrize("value", [0, -1, 2.5, True])
def test_critical_members_counts_must_be_whole_and_positive(supply_chain, option, value):
    """top=-1 used to drop the last row silently."""
    with pytest.raises(ParameterError, match=f"{option} must be a whole number >= 1"):
        critical_members(supply_chain, **{option: value})


def test_cascade_errors(supply_chain):
    with pytest.raises(UnknownMemberError, match="cascade: no member 'zz'"):
        cascade(supply_chain, ["lg", "zz"])
    with pytest.raises(UnknownMemberError, match="no member 'zz'"):
        cascade(supply_chain, cut={"zz": 0.5})
    with pytest.raises(ParameterError, match=r"capacity cut of 'm1' must be in \(0, 1\]"):
        cascade(supply_chain, cut={"m1": 0.0})
    with pytest.raises(ParameterError, match="needs at least one failed or cut member"):
        cascade(supply_chain)
    with pytest.raises(ParameterError, match="unknown role 'robot'"):
        cascade(supply_chain, "lg", rules=[MinProviders("logistics", providers="robot")])
    with pytest.raises(ParameterError, match="unknown role 'robot'"):
        cascade(supply_chain, "lg", rules=[MinProviders("logistics", roles="robot")])
    with pytest.raises(ParameterError, match="rule flow 'goods' is not one of"):
        MinProviders("goods")
    with pytest.raises(ParameterError, match="rule ring 'middle'"):
        MinProviders("logistics", rings="middle")
    with pytest.raises(ParameterError, match="minimum must be a whole number >= 1"):
        MinProviders("logistics", minimum=0)
    with pytest.raises(ParameterError, match=r"fraction must be a number in \(0, 1\]"):
        MinInboundShare("logistics", fraction=1.5)
    with pytest.raises(ParameterError, match="base of the rules"):
        cascade(supply_chain, "lg", rules=[Rule("logistics")])
    with pytest.raises(ParameterError, match="rules must be MinProviders"):
        cascade(supply_chain, "lg", rules=["logistics"])
    with pytest.raises(ParameterError, match="max_rounds"):
        cascade(supply_chain, "lg", max_rounds=True)
    with pytest.raises(UnknownMemberError, match="critical_members: no member 'zz'"):
        critical_members(supply_chain, ["zz"])
    with pytest.raises(ParameterError, match="batch"):
        critical_members(supply_chain, batch=0)


# --------------------------------------------------------------------------- properties

ROLES = ["supplier", "manufacturer", "logistics", "finance", "platform", "market"]


@st.composite
def ecosystems(draw):
    n = draw(st.integers(2, 7))
    roles = draw(st.lists(st.sampled_from(ROLES), min_size=n, max_size=n))
    links = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                                    st.sampled_from(FLOWS),
                                    st.just(0.0) | st.floats(0.1, 10.0)),
                          max_size=4 * n, unique_by=lambda link: link[:3]))
    eco = Ecosystem()
    eco.add_members_from(pd.DataFrame({"id": [f"x{i}" for i in range(n)], "role": roles}))
    for source, target, flow, volume in links:
        if source != target:
            eco.link(f"x{source}", f"x{target}", flow, volume=volume)
    return eco


rules_lists = st.lists(st.one_of(
    st.builds(MinProviders, st.sampled_from(FLOWS), minimum=st.integers(1, 2),
              providers=st.none() | st.sampled_from([("logistics",), ("finance", "supplier")]),
              rings=st.none() | st.just(("core",))),
    st.builds(MinInboundShare, st.sampled_from(FLOWS), fraction=st.floats(0.05, 1.0))),
    min_size=1, max_size=3)


@settings(max_examples=60)
@given(eco=ecosystems(), rules=rules_lists, data=st.data())
def test_cascade_equals_the_plain_python_reference(eco, rules, data):
    members = list(eco.graph)
    fail = data.draw(st.lists(st.sampled_from(members), max_size=2, unique=True))
    cut = data.draw(st.dictionaries(st.sampled_from(members), st.floats(0.1, 1.0), max_size=2))
    if not fail and not cut:
        fail = members[:1]
    result = cascade(eco, fail, cut=cut, rules=rules)
    failed, after = reference_cascade(eco, fail, cut, rules)
    assert result.failed["round"].to_dict() == failed
    expected_after = [after.get(flow, 0.0) for flow in FLOWS]
    np.testing.assert_allclose(result.lost_volume["after"].iloc[:4], expected_after,
                               atol=1e-9)
    assert result.survivors == [m for m in members if m not in failed]


@settings(max_examples=40)
@given(eco=ecosystems(), rules=rules_lists, data=st.data())
def test_failing_more_members_fails_at_least_as_many(eco, rules, data):
    """The rules are monotone (fewer providers / less volume never helps), so is the cascade."""
    members = list(eco.graph)
    small = data.draw(st.lists(st.sampled_from(members), min_size=1, unique=True))
    large = sorted(set(small) | set(data.draw(st.lists(st.sampled_from(members)))))
    after_small, after_large = cascade(eco, small, rules=rules), cascade(eco, large, rules=rules)
    assert set(after_small.failed.index) <= set(after_large.failed.index)
    assert (after_small.lost_volume["lost"] <= after_large.lost_volume["lost"] + 1e-9).all()


@settings(max_examples=25)
@given(eco=ecosystems(), rules=rules_lists)
def test_critical_members_equals_one_cascade_per_member(eco, rules):
    table = critical_members(eco, rules=rules, batch=3)
    for member, row in table.iterrows():
        single = cascade(eco, member, rules=rules)
        assert row["failed"] == len(single.failed)
        assert row["lost_share"] == pytest.approx(single.lost_share, abs=1e-9)
        np.testing.assert_allclose(row[[f"lost_{f}" for f in FLOWS]].to_numpy(dtype=float),
                                   single.lost_volume["lost"].to_numpy(dtype=float), atol=1e-9)
    assert (np.diff(table["lost_share"].to_numpy()) <= 1e-9).all()
