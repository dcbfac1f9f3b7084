"""ecosystem.benefit: games derived from an Ecosystem, the sharing game, and the CLI."""

import argparse
import itertools

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from ecosystem import Ecosystem, ParameterError, UnknownMemberError
from ecosystem.benefit import (Game, shapley, sharing_game, surplus_game, surplus_routes,
                               synergy_game)


def belt(extra_suppliers=0):
    """Two suppliers -> a cross-border firm -> a platform or a carrier -> an overseas market."""
    eco = Ecosystem("belt")
    members = [("s1", "supplier"), ("s2", "supplier"), ("f", "cbec_enterprise"),
               ("p", "platform"), ("lg", "logistics"), ("mk", "market"), ("bank", "finance")]
    members += [(f"x{k}", "supplier") for k in range(extra_suppliers)]
    for member, role in members:
        eco.add_member(member, role)
    eco.link("s1", "f", "logistics", volume=10.0)
    eco.link("s2", "f", "logistics", volume=5.0)
    for k in range(extra_suppliers):
        eco.link(f"x{k}", "f", "logistics", volume=1.0 + k)
    eco.link("f", "p", "logistics", volume=9.0)
    eco.link("f", "lg", "logistics", volume=6.0, unit_cost=0.2)
    eco.link("lg", "mk", "logistics", volume=6.0)
    eco.link("p", "mk", "logistics", volume=9.0, unit_cost=0.1)
    eco.link("p", "f", "information", volume=3.0)
    eco.link("bank", "f", "capital", volume=2.0)
    eco.link("f", "bank", "capital", volume=1.0)
    return eco


def random_ecosystem(n, seed):
    rng = np.random.default_rng(seed)
    eco = Ecosystem("random")
    for i in range(n):
        eco.add_member(f"m{i}", "manufacturer")
    for i, j in itertools.permutations(range(n), 2):
        for flow in ("information", "capital"):
            if rng.random() < 0.2:
                eco.link(f"m{i}", f"m{j}", flow, volume=float(rng.integers(1, 10)))
    return eco


# ------------------------------------------------------------------ synergy
def test_synergy_shapley_is_half_the_incident_weights():
    """Graph games (Deng & Papadimitriou 1994): phi_i = half the weight of i's links."""
    eco = random_ecosystem(12, seed=1)
    game = synergy_game(eco)
    incident = dict.fromkeys(eco.members(), 0.0)
    for u, v, _, d in eco.links(data=True):
        incident[u] += d["volume"]
        incident[v] += d["volume"]
    np.testing.assert_allclose(shapley(game).to_numpy(),
                               np.array([incident[m] for m in game.players]) / 2)


def test_synergy_table_matches_itertools():
    eco = random_ecosystem(7, seed=2)
    game = synergy_game(eco, flows="capital")
    links = eco.links(flow="capital", data=True)
    for size in range(8):
        for coalition in itertools.combinations(game.players, size):
            expected = sum(d["volume"] for u, v, _, d in links
                           if u in coalition and v in coalition)
            assert game(coalition) == pytest.approx(expected)


def test_synergy_large_is_lazy_and_vectorized():
    eco = random_ecosystem(30, seed=3)
    game = synergy_game(eco)
    assert not game.is_exact
    some = ["m0", "m3", "m7", "m12", "m29"]
    expected = sum(d["volume"] for u, v, _, d in eco.links(data=True) if u in some and v in some)
    assert game(some) == pytest.approx(expected)


def test_synergy_errors():
    eco = belt()
    with pytest.raises(UnknownMemberError, match="'nobody'"):
        synergy_game(eco, ["f", "nobody"])
    with pytest.raises(ParameterError, match="not one string"):
        synergy_game(eco, "f,p")
    with pytest.raises(ParameterError, match="flow 'water'"):
        synergy_game(eco, flows="water")


# ------------------------------------------------------------------ surplus
def test_surplus_routes_proportional_tracing():
    routes = surplus_routes(belt(), margin=2.0)
    flow = dict(zip(routes["path"], routes["flow"]))
    value = dict(zip(routes["path"], routes["value"]))
    # s1 ships 10; f sends 9/15 on to p and 6/15 to the carrier
    assert flow[("s1", "f", "p", "mk")] == pytest.approx(6.0)
    assert flow[("s1", "f", "lg", "mk")] == pytest.approx(4.0)
    assert value[("s2", "f", "lg", "mk")] == pytest.approx(2.0 * (2.0 - 0.2))
    assert routes["flow"].sum() == pytest.approx(15.0)  # everything reaches the market
    assert len(routes) == 4


def test_surplus_table_matches_per_coalition_definition():
    eco = belt(extra_suppliers=3)
    game = surplus_game(eco, margin=1.5)
    routes = surplus_routes(eco, margin=1.5)
    for size in range(game.n + 1):
        for coalition in itertools.combinations(game.players, size):
            expected = sum(value for path, value in zip(routes["path"], routes["value"])
                           if set(path) <= set(coalition))
            assert game(coalition) == pytest.approx(expected)


def test_surplus_shapley_splits_each_route_equally():
    """v is a sum of unanimity games, one per route: each route's value is split
    equally among its members (Shapley 1953, unanimity games)."""
    eco = belt()
    game = surplus_game(eco, margin=2.0)
    expected = dict.fromkeys(game.players, 0.0)
    routes = surplus_routes(eco, margin=2.0)
    for path, value in zip(routes["path"], routes["value"]):
        for member in path:
            expected[member] += value / len(path)
    np.testing.assert_allclose(shapley(game).to_numpy(), [expected[p] for p in game.players],
                               atol=1e-12)
    assert shapley(game)["bank"] == pytest.approx(0, abs=1e-12)  # a null player: on no route


def test_surplus_outsiders_excluded_or_free():
    eco = belt()
    alliance = ["s1", "f", "p", "mk"]
    excluded = surplus_game(eco, alliance, margin=2.0, outsiders="excluded")
    free = surplus_game(eco, alliance, margin=2.0)  # the default, as in compare
    assert excluded.grand_value == pytest.approx(6.0 * (2.0 - 0.1))
    # non-players (s2, the carrier lg) serve everyone: every route counts for N
    assert free.grand_value == pytest.approx((6.0 + 3.0) * 1.9 + (4.0 + 2.0) * 1.8)
    assert free({"s1", "f", "mk"}) == pytest.approx((4.0 + 2.0) * 1.8)  # via the carrier


def test_surplus_margin_per_market_and_lazy_large_game():
    eco = belt(extra_suppliers=25)
    game = surplus_game(eco, margin={"mk": 3.0})
    assert not game.is_exact
    routes = surplus_routes(eco, margin={"mk": 3.0})
    assert game(game.players) == pytest.approx(routes["value"].sum())
    some = ["x3", "f", "p", "mk"]
    expected = sum(v for p, v in zip(routes["path"], routes["value"]) if set(p) <= set(some))
    assert game(some) == pytest.approx(expected)


def test_surplus_errors():
    eco = belt()
    with pytest.raises(ParameterError, match="no member has a market role"):
        surplus_game(eco, markets="customs")
    with pytest.raises(ParameterError, match="unknown role"):
        surplus_game(eco, markets="bazaar")
    with pytest.raises(UnknownMemberError, match="'ghost'"):
        surplus_game(eco, ["s1", "ghost"])
    with pytest.raises(UnknownMemberError, match="not a market"):
        surplus_game(eco, margin={"p": 1.0})
    with pytest.raises(ParameterError, match="outsiders"):
        surplus_game(eco, outsiders="maybe")
    with pytest.raises(ParameterError, match="unknown game 'profit'"):
        Game.from_ecosystem(eco, game="profit")


def test_from_ecosystem_constructor():
    eco = belt()
    game = Game.from_ecosystem(eco, ["s1", "f", "p", "mk"], "surplus", margin=2.0)
    assert game.players == ("s1", "f", "p", "mk")
    assert game.grand_value == surplus_game(eco, ["s1", "f", "p", "mk"], margin=2.0).grand_value
    assert Game.from_ecosystem(eco, game="synergy").grand_value == pytest.approx(
        synergy_game(eco).grand_value)


# ------------------------------------------------------------------ information sharing
def test_sharing_game_is_bullwhip_savings():
    """v(S) = cost without sharing - cost when S shares (ecosystem.bullwhip.sharing_savings)."""
    from ecosystem import bullwhip
    chain = bullwhip.SupplyChain(("shop", "factory", "yarn"), (2, 2, 3))
    game = sharing_game(chain, window=4, sigma=10)
    assert game.players == ("shop", "factory", "yarn")
    for size in range(4):
        for coalition in itertools.combinations(game.players, size):
            assert game(coalition) == pytest.approx(
                bullwhip.sharing_savings(chain, set(coalition), window=4, sigma=10))
    assert shapley(game).sum() == pytest.approx(game.grand_value)
    lazy = sharing_game(chain, window=4, sigma=10, exact=False)
    assert not lazy.is_exact and lazy({"shop", "yarn"}) == game({"shop", "yarn"})


def test_sharing_game_from_ecosystem_and_errors():
    eco = belt()
    game = Game.from_ecosystem(eco, game="sharing", market="mk")
    assert set(game.players) <= set(eco.members()) and game.n >= 2
    with pytest.raises(ParameterError, match="market="):
        sharing_game(eco)
    with pytest.raises(UnknownMemberError, match="not a stage"):
        sharing_game(eco, market="mk", members=["bank"])
    with pytest.raises(ParameterError, match="do not pass sharing="):
        sharing_game(3, sharing="centralized")


# ------------------------------------------------------------------ command line
def run_cli(argv):
    from ecosystem.cli import benefit
    parser = argparse.ArgumentParser(prog="ecobelt")
    benefit.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_prints_allocation_and_stability(tmp_path, capsys):
    path = tmp_path / "belt.yaml"
    belt().save(str(path))
    status = run_cli(["benefit", str(path), "--members", "s1,s2,f,p,lg,mk", "--game", "surplus",
                      "--margin", "2", "--method",
                      "shapley,nucleolus,core,least_core,equal,owen,myerson", "--unions", "f,p"])
    out = capsys.readouterr().out
    assert status == 0
    assert "surplus game of belt: 6 players" in out and "core: non-empty" in out
    header = next(line for line in out.splitlines() if "stand_alone" in line)
    # core is a verdict (the line above and the in_core column), not a split of its own
    assert header.split() == ["stand_alone", "shapley", "nucleolus", "least_core", "equal",
                              "owen", "myerson"]
    assert "stability" in out and "most_dissatisfied" in out and "in_core" in out
    assert "-0 " not in out and "e-1" not in out  # rounding noise is printed as 0


def test_cli_reports_unstable_split_and_errors(tmp_path, capsys):
    path = tmp_path / "belt.yaml"
    eco = belt()
    eco.update_member("mk", margin=2.0)
    eco.save(str(path))
    run_cli(["benefit", str(path), "--game", "synergy", "--members", "s1,s2,f,p",
             "--method", "shapley,equal"])
    out = capsys.readouterr().out
    assert "equal is not in the core; most dissatisfied coalitions:" in out
    with pytest.raises(UnknownMemberError, match="'zz'"):
        run_cli(["benefit", str(path), "--members", "s1,zz"])
    with pytest.raises(ParameterError, match="unknown method 'magic'"):
        run_cli(["benefit", str(path), "--method", "shapley,magic"])
    with pytest.raises(ParameterError, match="--unions"):
        run_cli(["benefit", str(path), "--method", "owen"])
    with pytest.raises(ParameterError, match="--market"):
        run_cli(["benefit", str(path), "--game", "sharing"])
    with pytest.raises(ParameterError, match="needs --factors"):
        run_cli(["benefit", str(path), "--method", "modified_shapley"])
    with pytest.raises(ParameterError, match="member 's1' has no numeric attribute 'risk'"):
        run_cli(["benefit", str(path), "--method", "modified_shapley", "--factors", "risk"])


def test_cli_large_game_points_to_sampling(tmp_path, capsys):
    """30 players: exact methods are refused with the way out; sampling works."""
    path = tmp_path / "big.yaml"
    eco = belt(extra_suppliers=25)
    eco.update_member("mk", margin=2.0)
    eco.save(str(path))
    with pytest.raises(ParameterError, match="too many for --method shapley.*shapley_sampled"):
        run_cli(["benefit", str(path)])
    run_cli(["benefit", str(path), "--method", "shapley_sampled,equal", "--replications", "50",
             "--sampling", "stratified"])
    out = capsys.readouterr().out
    assert "32 players" in out and "after 50 coalitions per size" in out


def test_cli_modified_shapley_from_member_attributes(tmp_path, capsys):
    """--factors reads member attributes; the split is phi + (R - 1/n) v(N)."""
    from ecosystem.benefit import modified_shapley
    eco = Ecosystem("duo")
    for member, role, risk in [("s", "supplier", 3.0), ("f", "cbec_enterprise", 1.0),
                               ("mk", "market", 1.0)]:
        eco.add_member(member, role, risk=risk, investment=1.0)
    eco.link("s", "f", "logistics", volume=5.0)
    eco.link("f", "mk", "logistics", volume=5.0)
    path = tmp_path / "duo.yaml"
    eco.save(str(path))
    run_cli(["benefit", str(path), "--method", "modified_shapley", "--margin", "3",
             "--factors", "risk=0.5,investment=0.5"])
    out = capsys.readouterr().out
    game = surplus_game(eco, margin=3.0)
    factors = pd.DataFrame({"risk": [3.0, 1.0, 1.0], "investment": [1.0] * 3},
                           index=["s", "f", "mk"])
    expected = modified_shapley(game, factors)
    row = next(line for line in out.splitlines() if line.startswith("s "))
    assert float(row.split()[-1]) == pytest.approx(expected["s"], rel=1e-3)
    assert expected["s"] == pytest.approx(5 + (0.5 * 0.6 + 0.5 / 3 - 1 / 3) * 15)


@pytest.mark.parametrize("cyclic", [False, True])
def test_surplus_max_flow_matches_networkx_min_cost_flow(cyclic):
    """routing="max_flow": with margins above every route's cost, v(S) = margin * max flow
    - least cost of a max flow (networkx max_flow_min_cost on S's sub-network); also with
    links back and forth among the firms (cycles)."""
    rng = np.random.default_rng(8)
    eco = Ecosystem("mesh")
    layers = [["a", "b"], ["f", "g", "h"], ["p", "q"], ["mk"]]
    roles = ["supplier", "cbec_enterprise", "platform", "market"]
    for names, role in zip(layers, roles):
        for m in names:
            eco.add_member(m, role)
    for upper, lower in zip(layers, layers[1:]):
        for u in upper:
            for v in lower:
                if rng.random() < 0.8:
                    eco.link(u, v, "logistics", capacity=float(rng.integers(1, 9)),
                             volume=1.0, unit_cost=float(rng.integers(0, 3)))
    if cyclic:
        for u, v in itertools.permutations(["f", "g", "h", "p"], 2):
            if rng.random() < 0.6 and not eco.graph.has_edge(u, v, "logistics"):
                eco.link(u, v, "logistics", capacity=float(rng.integers(1, 9)), volume=1.0,
                         unit_cost=float(rng.integers(0, 2)))
    margin = 20.0
    game = surplus_game(eco, margin=margin, routing="max_flow")
    for size in range(2, game.n + 1):
        for coalition in itertools.combinations(game.players, size):
            graph = nx.DiGraph()
            graph.add_edges_from(["source", o] for o in ("a", "b") if o in coalition)
            graph.add_edges_from([("mk", "sink")] if "mk" in coalition else [])
            for u, v, _, d in eco.links(flow="logistics", data=True):
                if u in coalition and v in coalition:
                    graph.add_edge(u, v, capacity=d["capacity"], weight=d["unit_cost"])
            if not ({"source", "sink"} <= set(graph)):
                assert game(coalition) == 0
                continue
            flow = nx.max_flow_min_cost(graph, "source", "sink")
            delivered = sum(flow["source"].values())
            expected = margin * delivered - nx.cost_of_flow(graph, flow)
            assert game(coalition) == pytest.approx(expected)


def test_surplus_max_flow_options():
    eco = belt()
    free = surplus_game(eco, ["s1", "f", "p", "mk"], margin=2.0, routing="max_flow",
                        outsiders="free")
    # the free carrier and supplier s2 serve the alliance: 15 units, 9 via p, 6 via lg
    assert free.grand_value == pytest.approx(9 * (2.0 - 0.1) + 6 * (2.0 - 0.2))
    with pytest.raises(ParameterError, match="routing"):
        surplus_game(eco, routing="fastest")


def test_surplus_max_flow_needs_no_route_list(monkeypatch):
    """Max-flow routing re-routes within capacities: it neither enumerates the proportional
    routes nor stops at their limit."""
    from ecosystem.benefit import GameError, _graph_games
    monkeypatch.setattr(_graph_games, "MAX_ROUTES", 1)
    eco = belt()
    with pytest.raises(GameError, match="more than 1 logistics routes"):
        surplus_game(eco, margin=2.0)
    game = surplus_game(eco, ["s1", "f", "p", "mk"], margin=2.0, routing="max_flow",
                        outsiders="free")
    assert game.grand_value == pytest.approx(9 * (2.0 - 0.1) + 6 * (2.0 - 0.2))


def test_surplus_margin_defaults_to_the_market_attribute():
    """margin=None takes each market's 'margin' attribute (a market without one is an error,
    as in alliance.compare): the same game as passing those margins explicitly."""
    eco = belt()
    with pytest.raises(ParameterError, match=r"markets \['mk'\] have no 'margin' attribute"):
        surplus_game(eco)
    eco.graph.nodes["mk"]["margin"] = 3.0
    by_attribute = surplus_game(eco)
    explicit = surplus_game(eco, margin={"mk": 3.0})
    assert np.allclose(by_attribute.values, explicit.values)
    assert by_attribute.grand_value != pytest.approx(surplus_game(eco, margin=1.0).grand_value)
