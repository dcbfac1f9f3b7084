"""chain_from passes through carriers, and the route it followed travels with every result."""

import re
from pathlib import Path


import networks
from ecosystem import Ecosystem, bullwhip
from ecosystem.benefit import sharing_game
from ecosystem.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_cross_border_chains_pass_through_carriers():
    belt = networks.example("cross_border_belt")
    chain = bullwhip.chain_from(belt, "us_market")
    # into swiftair, silkroad's 15 thousand pairs are all for us_market, globalmall's 30 only
    # 13 of them (the links' to attributes): silkroad is the heavier supplier of this market
    assert chain.members == ("silkroad", "sunstep", "elasticore")
    assert chain.route == ("elasticore", "sunstep", "silkroad", "swiftair", "us_market")
    assert str(chain) == "elasticore -> sunstep -> silkroad -> [swiftair] -> us_market"
    # bluesea carries beltlink's goods to Europe; riverbend -> beltlink takes 2 weeks, + 1 review
    eu = bullwhip.chain_from(belt, "eu_market")
    assert str(eu) == "yarnwell -> riverbend -> beltlink -> [bluesea] -> eu_market"
    assert eu.lead_times == (3, 2, 2)
    # a carrier never becomes a stage, even when every ring may
    assert "swiftair" not in bullwhip.chain_from(belt, "us_market", rings=None).members


def test_a_to_mapping_gives_the_amounts_per_destination():
    eco = routed()
    eco.update_link("big", "air", "logistics", to={"us": 80.0, "eu": 10.0})
    # big sends 10 of its 90 to 'eu', small 10 x 5/100 = 0.5
    assert bullwhip.chain_from(eco, "eu").members == ("big",)


def routed():
    """Two shops hand goods to one carrier; only the small shop's goods go to 'eu'."""
    eco = Ecosystem()
    for member, role in [("big", "platform"), ("small", "platform"), ("air", "logistics"),
                         ("us", "market"), ("eu", "market")]:
        eco.add_member(member, role)
    eco.link("big", "air", "logistics", volume=90.0, to="us")
    eco.link("small", "air", "logistics", volume=10.0)
    eco.link("air", "us", "logistics", volume=95.0)
    eco.link("air", "eu", "logistics", volume=5.0)
    return eco


def test_upstream_of_a_carrier_only_goods_bound_for_the_market_count():
    eco = routed()
    # big's 90 are all for 'us'; small's 10 split 95:5, so 0.5 of them reach 'eu'
    assert bullwhip.chain_from(eco, "eu").members == ("small",)
    assert bullwhip.chain_from(eco, "us").members == ("big",)
    eco.update_link("big", "air", "logistics", to=["us", "eu"])
    assert bullwhip.chain_from(eco, "eu").members == ("big",)  # 90 * 5/100 = 4.5 > 0.5


def test_the_route_is_part_of_every_result():
    belt = networks.example("cross_border_belt")
    chain = bullwhip.chain_from(belt, "eu_market")
    result = bullwhip.simulate(chain, replications=20, periods=200, seed=1)
    assert result.settings["chain"] is chain
    assert bullwhip.simulate(3, replications=5, periods=100, seed=1).settings["chain"] is None
    table = bullwhip.compare_sharing(belt, {"beltlink"}, market="eu_market", replications=20,
                                     periods=200, seed=1)
    assert table.attrs["chain"].route == chain.route
    game = sharing_game(belt, "eu_market")
    assert game.name == ("information sharing along yarnwell -> riverbend -> beltlink -> "
                         "[bluesea] -> eu_market")


def test_the_cli_prints_the_chain(capsys):
    assert main(["bullwhip", "--spec", "cross_border_belt", "--market", "us_market",
                 "--replications", "10", "--periods", "100"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "chain: elasticore -> sunstep -> silkroad -> [swiftair] -> us_market "
        "(carriers and other pass-through members in brackets)")
    assert main(["benefit", "cross_border_belt", "--game", "sharing", "--market",
                 "eu_market", "--method", "shapley"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "chain: yarnwell -> riverbend -> beltlink -> [bluesea] -> eu_market")


def test_the_readme_toy_example_runs_bullwhip_included(tmp_path, monkeypatch):
    text = (ROOT / "README.md").read_text()
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    eco, chain, result = namespace["eco"], namespace["chain"], namespace["result"]
    assert str(chain) == "sockco -> shopx -> mall -> [express] -> us"
    # mall waits 3 weeks for shopx (after update_link) plus the review period
    assert chain.lead_times == (4, 2, 2)
    assert result.summary()["order_ratio"].is_monotonic_increasing
    assert result.summary()["order_ratio"].iloc[0] > 1
    assert eco.flow_unit("capital") == "thousand CNY" and eco.problems(warnings=True) == []
    assert (tmp_path / "toy.yaml").exists()
