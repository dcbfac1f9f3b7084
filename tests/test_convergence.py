"""Industry convergence and upstreamness (ecosystem.convergence)."""

import numpy as np
import pytest

from ecosystem import Ecosystem, ParameterError, UnknownMemberError
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
    with pytest.raises(ParameterError, match="never reach final use"):
        upstreamness(eco)
    with pytest.raises(ParameterError, match="at least two"):
        index(eco, {"only": ["tex1"]})
    with pytest.raises(UnknownMemberError, match="ghost"):
        index(eco, {"a": ["tex1"], "b": ["ghost"]})
    with pytest.raises(ParameterError, match="direction"):
        index(eco, "industry", direction="sideways")
