"""The goods balance as warnings: members that ship more than they receive, markets fed twice."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import networks
from ecosystem import Ecosystem, simulation
from ecosystem._goods import PRODUCER_ROLES, carrier_split
from ecosystem.cli import main


def shop_and_carriers(to=None):
    """globalmall's lane of the cross-border belt as it was: 52 in, 52 sold straight to the
    markets and 52 again handed to carriers for the same markets."""
    eco = Ecosystem("lane", units={"logistics": "thousand pairs"})
    for member, role in [("beltlink", "cbec_enterprise"), ("globalmall", "platform"),
                         ("swiftair", "logistics"), ("bonded_wh", "logistics"),
                         ("us_market", "market"), ("eu_market", "market"),
                         ("sea_market", "market")]:
        eco.add_member(member, role)
    eco.link("beltlink", "globalmall", "logistics", volume=52.0)
    eco.link("globalmall", "us_market", "logistics", volume=32.0)
    eco.link("globalmall", "eu_market", "logistics", volume=20.0)
    eco.link("globalmall", "swiftair", "logistics", volume=30.0, **({} if to is None else
                                                                     {"to": to[0]}))
    eco.link("globalmall", "bonded_wh", "logistics", volume=22.0, **({} if to is None else
                                                                      {"to": to[1]}))
    eco.link("swiftair", "us_market", "logistics", volume=40.0)
    eco.link("swiftair", "sea_market", "logistics", volume=19.0)
    eco.link("swiftair", "eu_market", "logistics", volume=18.0)
    eco.link("bonded_wh", "us_market", "logistics", volume=19.0)
    eco.link("bonded_wh", "eu_market", "logistics", volume=13.0)
    return eco


def test_a_shop_shipping_twice_what_it_receives_and_markets_fed_twice_are_warned():
    eco = shop_and_carriers()
    assert eco.problems() == [] and eco.validate() is eco  # warnings are not errors
    warnings = eco.problems(warnings=True)
    assert all(w.startswith("warning: ") for w in warnings)
    assert warnings[0].startswith("warning: member 'globalmall' (platform) ships 104 thousand "
                                  "pairs but receives 52: only producers")
    # swiftair takes 30 and ships 40 + 19 + 18 = 77: 30 * 40/77 = 15.58 of it to us_market
    fed_twice = [w for w in warnings if "fed twice" in w]
    assert len(fed_twice) == 4
    assert ("warning: market 'us_market' is fed twice by 'globalmall': directly (32 thousand "
            "pairs) and through carrier 'swiftair' (15.58 bound for it)") in fed_twice[0]
    assert "through carrier 'bonded_wh' (13.06 bound for it)" in fed_twice[1]  # 22 * 19/32


def test_the_to_attribute_routes_goods_and_silences_the_double_feed():
    # goods handed to the carriers are for the markets the shop does not sell to directly
    eco = shop_and_carriers(to=("sea_market", ["sea_market"]))
    warnings = eco.problems(warnings=True)
    assert not [w for w in warnings if "fed twice" in w]
    assert carrier_split(eco, "globalmall", "swiftair") == {"sea_market": 30.0}
    assert [w for w in warnings if "to names" in w] == [
        "warning: link 'globalmall' -> 'bonded_wh' (logistics): to names 'sea_market', to "
        "which 'bonded_wh' ships no goods"]


def test_goods_follow_carriers_handing_on_to_carriers():
    eco = Ecosystem()
    for member, role in [("mill", "manufacturer"), ("sea", "logistics"),
                         ("warehouse", "logistics"), ("eu", "market"), ("uk", "market")]:
        eco.add_member(member, role)
    eco.link("mill", "sea", "logistics", volume=60.0)
    eco.link("sea", "warehouse", "logistics", volume=40.0)
    eco.link("sea", "uk", "logistics", volume=20.0)
    eco.link("warehouse", "eu", "logistics", volume=30.0)
    eco.link("warehouse", "uk", "logistics", volume=10.0)
    # 60 split 40:20 at sea, then the warehouse's 40 split 30:10
    assert carrier_split(eco, "mill", "sea") == {"eu": 30.0, "uk": 30.0}
    assert eco.problems(warnings=True) == []
    eco.link("mill", "uk", "logistics", volume=5.0)
    assert eco.problems(warnings=True) == [
        "warning: market 'uk' is fed twice by 'mill': directly (5 units of goods) and through "
        "carrier 'sea' (30 bound for it); drop the direct link or name the carrier's other "
        "destinations in the link's to attribute"]


def test_a_carrier_that_ships_more_than_it_receives_is_warned():
    eco = Ecosystem()
    for member, role in [("mill", "manufacturer"), ("air", "logistics"), ("us", "market")]:
        eco.add_member(member, role)
    eco.link("mill", "air", "logistics", volume=10.0)
    eco.link("air", "us", "logistics", volume=10.5)
    assert eco.problems(warnings=True) == [
        "warning: member 'air' (logistics) ships 10.5 units of goods but receives 10: only "
        "producers (supplier, producer, manufacturer, production_base, processor, cooperative) "
        "and members that receive no goods may ship more than they receive"]
    eco.update_link("air", "us", "logistics", volume=10.0)
    assert eco.problems(warnings=True) == []


@pytest.mark.parametrize("name", ["archetype", "cross_border_belt"])
def test_bundled_examples_balance_their_goods(name):
    assert networks.example(name).problems(warnings=True) == []


def test_to_as_a_mapping_of_amounts():
    eco = shop_and_carriers(to=({"sea_market": 30.0}, {"us_market": 12.0, "eu_market": 10.0}))
    assert carrier_split(eco, "globalmall", "bonded_wh") == {"us_market": 12.0,
                                                             "eu_market": 10.0}
    warnings = eco.problems(warnings=True)
    assert sum("fed twice" in w for w in warnings) == 2  # bonded_wh's goods for us and eu
    eco.update_link("globalmall", "swiftair", "logistics", to={"sea_market": 20.0})
    assert carrier_split(eco, "globalmall", "swiftair") == {"sea_market": 30.0}  # scaled
    assert ("warning: link 'globalmall' -> 'swiftair' (logistics): to sends 20 thousand pairs "
            "on, but the link carries 30; the amounts are scaled to it") in \
        eco.problems(warnings=True)


def goods_ledger(eco):
    """Goods in and out of every member, and what each carrier was handed per destination,
    summed link by link."""
    received, shipped, handed = {}, {}, {}
    for u, v, flow, data in eco.links(data=True):
        if flow != "logistics":
            continue
        shipped[u] = shipped.get(u, 0.0) + data["volume"]
        received[v] = received.get(v, 0.0) + data["volume"]
        for market, amount in data.get("to", {}).items():
            handed[v, market] = handed.get((v, market), 0.0) + amount
    return received, shipped, handed


def assert_goods_balance(eco):
    received, shipped, handed = goods_ledger(eco)
    for member in eco:
        role = eco.member(member)["role"]
        if role in PRODUCER_ROLES or role == "market" or member not in received:
            continue
        assert shipped.get(member, 0.0) == pytest.approx(received[member], rel=1e-12), member
    for u, v, flow, data in eco.links(data=True):
        if flow == "logistics" and eco.member(u)["role"] == "logistics":
            assert data["volume"] == pytest.approx(handed.pop((u, v)), rel=1e-12), (u, v)
        if flow == "logistics" and eco.member(v)["role"] == "logistics":
            assert data["volume"] == pytest.approx(sum(data["to"].values()), rel=1e-12)
    assert handed == {}  # every destination named in a to is delivered to


@pytest.mark.parametrize("name", ["industrial_belt", "rural_cluster"])
def test_bundled_belts_balance_their_goods(name):
    belt = networks.example(name)
    assert belt.problems(warnings=True) == []
    assert_goods_balance(belt)
    # every carrier of these belts is handed its goods with the markets they are for
    lanes = [(u, v, d) for u, v, k, d in belt.links("logistics", data=True)
             if belt.member(v)["role"] == "logistics"]
    assert lanes and all(isinstance(d["to"], dict) for _, _, d in lanes)


@pytest.mark.parametrize("name", ["industrial_belt", "rural_cluster"])
def test_the_simulation_follows_the_carriers_lanes(name):
    belt = networks.example(name)
    result = simulation.run(belt, periods=4, replications=2, seed=1)
    assert len(result.markets) == len(belt.members(role="market"))


@given(n_firms=st.integers(1, 400), seed=st.integers(0, 2**32 - 1),
       carriers=st.one_of(st.none(), st.integers(1, 6)),
       markets=st.one_of(st.none(), st.integers(1, 14)))
@settings(max_examples=30)
def test_every_industrial_belt_balances_its_goods(n_firms, seed, carriers, markets):
    counts = {k: v for k, v in (("logistics", carriers), ("market", markets)) if v is not None}
    belt = networks.industrial_belt(n_firms, counts=counts, seed=seed)
    assert belt.problems(warnings=True) == []
    assert_goods_balance(belt)
    if n_firms >= 20:  # smaller belts may have no firm that sells, or too little to share
        assert {v for u, v, k in belt.links("logistics")} >= set(belt.members(role="market"))


@given(n_shops=st.integers(1, 300), seed=st.integers(0, 2**32 - 1), overseas=st.booleans())
@settings(max_examples=30)
def test_every_rural_cluster_balances_its_goods(n_shops, seed, overseas):
    village = networks.rural_cluster(n_shops, overseas=overseas, seed=seed)
    assert village.problems(warnings=True) == []
    assert_goods_balance(village)
    # every market is reached by goods
    assert {v for u, v, k in village.links("logistics")} >= set(village.members(role="market"))


def test_validate_prints_warnings_on_stderr_and_succeeds(capsys, tmp_path):
    path = tmp_path / "lane.yaml"
    shop_and_carriers().save(str(path))
    assert main(["validate", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "ok: 7 members, 10 links (7 warnings)\n"
    assert captured.err.splitlines()[0].startswith("warning: member 'globalmall' (platform)")
    assert main(["validate", "archetype"]) == 0
    assert capsys.readouterr() == ("ok: 23 members, 74 links\n", "")


def test_rural_cluster_has_its_outer_environment():
    village = networks.example("rural_cluster")
    outer = village.members(ring="outer")
    assert [village.member(m)["role"] for m in outer] == [
        "production_environment", "legal_environment", "innovation_environment",
        "policy_environment", "market_environment"]
    for member in outer:
        targets = [v for u, v, k in village.links("information") if u == member]
        assert targets and all(village.member(v)["ring"] != "outer" for v in targets)
    production = [v for u, v, k in village.links() if u == "production_env"]
    assert production == village.members(role="production_base")
    assert [v for u, v, k in village.links() if u == "policy_env"] == ["gov01", "assoc01"]
