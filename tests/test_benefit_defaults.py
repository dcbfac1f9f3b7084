"""One default for outsiders and margins in the API and the CLI; a zero split says why."""

import pytest

import networks
from ecosystem import ParameterError, benefit
from ecosystem.benefit import DEFAULT_MARGIN, DEFAULT_OUTSIDERS, shapley, surplus_game
from ecosystem.cli import main

PLAYERS = ["beltlink", "riverbend", "yarnwell", "globalmall"]


def test_the_defaults_are_exported_and_used():
    assert DEFAULT_OUTSIDERS == "free" and DEFAULT_MARGIN is None
    assert benefit.DEFAULT_OUTSIDERS is DEFAULT_OUTSIDERS
    belt = networks.example("cross_border_belt")
    by_default = surplus_game(belt, PLAYERS)
    explicit = surplus_game(belt, PLAYERS, outsiders="free",
                            margin={"us_market": 8.0, "eu_market": 7.5, "sea_market": 5.0})
    assert by_default.values.tolist() == explicit.values.tolist()
    assert by_default.grand_value == pytest.approx(1001.87, abs=0.01)
    assert by_default.note == ""


def test_cli_default_matches_the_api(capsys):
    belt = networks.example("cross_border_belt")
    split = shapley(surplus_game(belt, PLAYERS))
    assert main(["benefit", "cross_border_belt", "--members", ",".join(PLAYERS),
                 "--method", "shapley"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "surplus game of cross_border_belt: 4 players, v(N) = 1001.87"
    row = next(line for line in out.splitlines() if line.startswith("beltlink"))
    assert float(row.split()[2]) == pytest.approx(split["beltlink"], rel=1e-3)
    assert split["beltlink"] > 0


def test_a_zero_split_names_the_non_players_it_needs(capsys):
    belt = networks.example("cross_border_belt")
    with pytest.warns(UserWarning, match="v\\(N\\) = 0: every profitable route"):
        game = surplus_game(belt, PLAYERS, outsiders="excluded")
    assert game.grand_value == 0
    # every route ends in a market, and no market is a player: the markets block the most
    assert game.note.startswith(
        "v(N) = 0: every profitable route of the players to a market passes through members "
        "who are not players (eu_market, us_market, ")
    assert main(["benefit", "cross_border_belt", "--members", ",".join(PLAYERS),
                 "--outsiders", "excluded", "--method", "shapley"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[1].startswith("note: v(N) = 0: every profitable route")
    assert "UserWarning" not in captured.err
    with_market = surplus_game(belt, PLAYERS + ["eu_market", "bluesea"], outsiders="excluded")
    assert with_market.grand_value > 0 and with_market.note == ""


def test_a_market_without_a_margin_is_an_error_everywhere(tmp_path, capsys):
    eco = networks.example("archetype")
    eco.graph.nodes["market"].pop("margin")
    with pytest.raises(ParameterError, match=r"markets \['market'\] have no 'margin' attribute"):
        surplus_game(eco)
    assert surplus_game(eco, margin=8.0).grand_value > 0
    path = tmp_path / "no_margin.yaml"
    eco.save(str(path))
    assert main(["benefit", str(path), "--method", "shapley"]) == 2
    assert "have no 'margin' attribute" in capsys.readouterr().err
