"""Niche and Lotka-Volterra numbers per flow, and competition within a guild by default."""

import pytest

import networks
from ecosystem import dynamics, niche


@pytest.fixture(scope="module")
def belt():
    return networks.example("cross_border_belt")


def test_resource_matrix_never_adds_flows(belt):
    U = niche.resource_matrix(belt, direction="out")
    # riverbend ships 45 thousand pairs to beltlink and sends the bank 4 of information:
    # each (resource, flow) is a column of its own, in its own unit
    assert U.loc["riverbend", "beltlink (logistics)"] == 45.0
    assert U.loc["riverbend", "county_bank (information)"] == 4.0
    assert "county_bank" not in U.columns
    links = belt.to_pandas()[1]
    for label in U.columns:
        resource, flow = label[:-1].split(" (")
        chosen = links[(links["target"] == resource) & (links["flow"] == flow)]
        assert U[label].sum() == pytest.approx(chosen["volume"].sum())
    assert U.attrs["units"]["capital"] == "thousand CNY"
    assert U.attrs["resources"] == "information, logistics, capital, technology outlets"


def test_competition_within_a_guild_by_default(belt):
    U = niche.resource_matrix(belt, direction="out", flows=niche.DEFAULT_COMPETITION_FLOW)
    pairs = niche.competition_pairs(U, "pianka", 0.5)
    assert [tuple(p) for p in pairs[["member", "competitor", "role"]].to_numpy()] == [
        ("cozyfeet", "stride", "manufacturer"), ("riverbend", "maple", "manufacturer"),
        ("yarnwell", "dyebright", "supplier"), ("swiftair", "bonded_wh", "logistics"),
        ("globalmall", "shopwave", "platform"), ("beltlink", "oceancart", "cbec_enterprise"),
        ("bluesea", "bonded_wh", "logistics")]
    assert (pairs["resources"] == "logistics outlets").all()
    roles = {m: belt.member(m)["role"] for m in belt}
    assert all(roles[m] == roles[c] for m, c in zip(pairs["member"], pairs["competitor"]))
    # cross-role pairs only on request, and then they exist
    everyone = niche.competition_pairs(niche.resource_matrix(belt, direction="out"), "pianka",
                                       0.5, across_roles=True)
    cross = [(m, c) for m, c in zip(everyone["member"], everyone["competitor"])
             if roles[m] != roles[c]]
    assert len(cross) == 11
    layer = niche.competition_layer(U, threshold=0.5, eco=belt)
    assert layer.number_of_edges() == 7 and layer.graph["resources"] == "logistics outlets"
    assert all(layer.nodes[u]["role"] == layer.nodes[v]["role"] for u, v in layer.edges)
    wide = niche.competition_layer(U, threshold=0.5, eco=belt, across_roles=True)
    assert wide.number_of_edges() >= layer.number_of_edges()


def test_mutualism_is_scaled_per_flow(belt):
    """Each flow's strongest service link gets the full mutualism strength 0.1: the 10
    service-day technology link clouddata -> globalmall as much as the 700 thousand-yuan
    payment globalmall -> paybridge (it used to get 0.1 x 10/700)."""
    a = dynamics.interaction_matrix(belt)
    assert a.loc["globalmall", "clouddata"] == pytest.approx(0.1)
    assert a.loc["globalmall", "paybridge"] == pytest.approx(0.1)
    # county_bank -> riverbend: capital 500 of the largest 700, and information 4 of 77
    assert a.loc["riverbend", "county_bank"] == pytest.approx(0.1 * (500 / 700 + 4 / 77))
