"""Chains read from an ecosystem, partial sharing by an alliance, and the CLI."""

import numpy as np
import pytest

from ecosystem import Ecosystem, ParameterError, UnknownMemberError
from ecosystem.bullwhip import (Demand, SupplyChain, chain_from, compare_sharing, exact_ratio,
                                sharing_savings, simulate)
from ecosystem.cli import bullwhip as command


def main(argv):
    """Run one of this module's subcommands the way ``ecobelt`` does (exit 2 on our errors),
    without loading the other packages' commands."""
    import argparse
    parser = argparse.ArgumentParser(prog="ecobelt")
    command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ParameterError as error:
        import sys
        print(f"ecobelt {args.command}: error: {error}", file=sys.stderr)
        return 2


@pytest.fixture
def belt():
    eco = Ecosystem("belt")
    for member, role in [("eu", "market"), ("shop", "platform"), ("mall", "platform"),
                         ("ship", "logistics"), ("plant", "manufacturer"),
                         ("yarn", "supplier"), ("bank", "finance")]:
        eco.add_member(member, role)
    eco.link("shop", "eu", "logistics", volume=80.0, lead_time=3)
    eco.link("mall", "eu", "logistics", volume=20.0, lead_time=1)
    eco.link("plant", "ship", "logistics", volume=80.0, lead_time=1)
    eco.link("ship", "shop", "logistics", volume=80.0, lead_time=2)
    eco.link("plant", "mall", "logistics", volume=20.0, lead_time=1)
    eco.link("yarn", "plant", "logistics", volume=50.0)
    eco.link("bank", "plant", "capital", volume=9.0)
    return eco


def test_chain_follows_heaviest_logistics_links(belt):
    """The shop ships most to the market; the carrier between plant and shop holds no
    stock (sub-core), so its two links add up: L = 1 + 2 + review period."""
    chain = chain_from(belt, "eu")
    assert chain.members == ("shop", "plant", "yarn")
    assert chain.lead_times == (4, 2, 2)  # yarn: default lead time 1 for link and source
    assert chain.market == "eu"
    every = chain_from(belt, "eu", rings=None)  # a carrier is never a stage
    assert every.members == ("shop", "plant", "yarn") and every.lead_times == (4, 2, 2)
    assert str(every) == "yarn -> plant -> [ship] -> shop -> eu"
    belt.update_member("ship", role="customs")  # a sub-core member that is no carrier
    every = chain_from(belt, "eu", rings=None)
    assert every.members == ("shop", "ship", "plant", "yarn")
    assert every.lead_times == (3, 2, 2, 2)
    belt.update_member("ship", role="logistics")
    assert chain_from(belt, "eu", max_stages=2).members == ("shop", "plant")
    assert chain_from(belt, "eu", source_lead_time=5).lead_times[-1] == 6
    belt.graph.nodes["yarn"]["lead_time"] = 4
    assert chain_from(belt, "eu").lead_times[-1] == 5
    assert chain_from(belt, "eu", review_period=0, default_lead_time=2).lead_times == (3, 2, 4)


def test_chain_survives_cycles(belt):
    belt.link("shop", "plant", "logistics", volume=1.0)  # returns flow back upstream
    assert chain_from(belt, "eu").members == ("shop", "plant", "yarn")


def test_alliance_sharing_by_member_ids_equals_stage_numbers(belt):
    """An alliance of plant and yarn shares end demand: same as sharing stages 2 and 3."""
    chain = chain_from(belt, "eu")
    by_id = simulate(chain, sharing={"plant", "yarn", "eu"}, replications=30, periods=300,
                     seed=5)
    by_stage = simulate(3, lead_time=list(chain.lead_times), sharing={2, 3},
                        replications=30, periods=300, seed=5)
    np.testing.assert_allclose(by_id.summary()["order_ratio"], by_stage.summary()["order_ratio"])
    assert list(by_id.summary().index) == ["shop", "plant", "yarn"]
    assert by_id.summary()["shares"].tolist() == [False, True, True]
    alliance = exact_ratio(chain, sharing={"plant", "yarn"}).iloc[-1]
    alone = exact_ratio(chain).iloc[-1]
    assert alliance < alone
    assert sharing_savings(chain, {"plant", "yarn"}, sigma=10.0) > 0


def test_chain_errors(belt):
    with pytest.raises(UnknownMemberError, match="no member 'moon'"):
        chain_from(belt, "moon")
    with pytest.raises(ParameterError, match="no member ships to 'yarn'"):
        chain_from(belt, "yarn")
    chain = chain_from(belt, "eu")
    with pytest.raises(ParameterError, match="'bank' is not a stage of this chain"):
        simulate(chain, sharing={"bank"})
    with pytest.raises(ParameterError, match="conflicts with the chain"):
        simulate(chain, lead_time=[1, 1, 1])
    with pytest.raises(ParameterError, match="max_stages must be"):
        chain_from(belt, "eu", max_stages=0)
    with pytest.raises(ParameterError, match="max_stages must be"):
        chain_from(belt, "eu", max_stages=True)
    with pytest.raises(ParameterError, match="review_period must be a whole number >= 0"):
        chain_from(belt, "eu", review_period=-1)
    with pytest.raises(ParameterError, match="source_lead_time must be"):
        chain_from(belt, "eu", source_lead_time=1.5)
    belt.graph.nodes["yarn"]["lead_time"] = "slow"
    with pytest.raises(ParameterError, match="lead_time of member 'yarn' must be"):
        chain_from(belt, "eu")
    with pytest.raises(ParameterError, match="lead_times has 1 values for 2"):
        SupplyChain(("a", "b"), (1,))
    with pytest.raises(ParameterError, match=r"lead_time must be .*\(stage 2\)"):
        SupplyChain(("a", "b"), (1, -3))
    with pytest.raises(ParameterError, match="appears twice"):
        SupplyChain(("a", "a"), (1, 1))


def test_cli_bullwhip_prints_both_sharings(capsys, tmp_path):
    chart = tmp_path / "ratios.png"
    status = main(["bullwhip", "--stages", "3", "--lead-time", "2", "--window", "5", "--rho",
                   "0.5", "--sharing", "both", "--share", "3", "--replications", "40",
                   "--periods", "400", "--plot", str(chart)])
    out = capsys.readouterr().out
    assert status == 0
    for word in ("decentralized", "centralized", "partial", "order_ratio", "exact", "chen"):
        assert word in out
    assert chart.stat().st_size > 1000


def test_cli_beergame(capsys, tmp_path):
    chart = tmp_path / "orders.png"
    assert main(["beergame", "--weekly", "--plot", str(chart)]) == 0
    out = capsys.readouterr().out
    assert "factory" in out and "team cost" in out
    assert chart.exists()


def test_cli_reports_bad_input(capsys):
    assert main(["bullwhip", "--lead-time", "-1"]) == 2
    assert "lead_time must be a whole number" in capsys.readouterr().err
    assert main(["bullwhip", "--stages", "3", "--lead-time", "1,2"]) == 2
    assert "per-stage values" in capsys.readouterr().err
    assert main(["bullwhip", "--rho", "1"]) == 2
    assert "|rho| < 1" in capsys.readouterr().err
    assert main(["beergame", "--alpha-s", "2"]) == 2


def test_compare_sharing_on_an_ecosystem(belt):
    """The alliance sits between no sharing and full sharing; simulated values match the
    exact filter within 2%; members off the chain are listed, not silently used."""
    table = compare_sharing(belt, {"yarn", "bank"}, market="eu", replications=100,
                            periods=1500, seed=2)
    assert list(table.index) == ["decentralized", "alliance", "centralized"]
    assert table.attrs["outside"] == ["bank"]
    assert table.loc["alliance", "sharing_stages"] == ["yarn"]
    exact = table["exact"]
    assert exact["decentralized"] > exact["alliance"] > exact["centralized"]
    np.testing.assert_allclose(table["order_ratio"], exact, rtol=0.02)
    np.testing.assert_allclose(table["total_cost"], table["expected_cost"], rtol=0.02)
    nonlinear = compare_sharing(belt, {"plant"}, market="eu", z=1.0, replications=10,
                                periods=200, seed=2)
    assert nonlinear["exact"].isna().all()


def test_compare_sharing_errors(belt):
    with pytest.raises(ParameterError, match="needs market="):
        compare_sharing(belt, {"plant"})
    with pytest.raises(ParameterError, match="not one string"):
        compare_sharing(belt, "plant", market="eu")
    with pytest.raises(ParameterError, match="collection of member ids"):
        compare_sharing(belt, 5, market="eu")
    with pytest.raises(ParameterError, match="AR\\(1\\) or normal demand"):
        compare_sharing(belt, {"plant"}, market="eu", demand=Demand.step(1, 2, 3))


def test_cli_bullwhip_on_a_spec_file(belt, tmp_path, capsys):
    path = tmp_path / "belt.yaml"
    belt.save(str(path))
    status = main(["bullwhip", "--spec", str(path), "--market", "eu", "--share", "yarn",
                   "--replications", "20", "--periods", "300"])
    out = capsys.readouterr().out
    assert status == 0
    assert "shop" in out and "yarn" in out and "partial" in out
    assert main(["bullwhip", "--spec", str(path)]) == 2
    assert "SPEC needs --market" in capsys.readouterr().err
    assert main(["bullwhip", "--spec", str(path), "--market", "eu", "--lead-time", "3"]) == 2


def test_known_process_forecast_stays_linear_with_safety_stock(belt, capsys):
    """The AR(1) forecast's safety stock is a constant, so exact values exist for z > 0 too
    (Lee, Padmanabhan & Whang 1997): compare_sharing and the CLI report them."""
    demand = Demand.ar1(100.0, 0.6, 10.0)
    table = compare_sharing(belt, {"plant"}, market="eu", forecast="optimal", z=1.5,
                            demand=demand, replications=100, periods=1500, seed=3)
    assert table["exact"].notna().all()
    np.testing.assert_allclose(table["order_ratio"], table["exact"], rtol=0.02)
    assert main(["bullwhip", "--stages", "2", "--forecast", "ar1", "--rho", "0.6", "--z", "1.5",
                 "--replications", "20", "--periods", "300"]) == 0
    assert "exact" in capsys.readouterr().out
