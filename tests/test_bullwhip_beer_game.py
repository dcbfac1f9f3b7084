"""Sterman's (1989) beer game with the board setup of Edali & Yasarcan (2014)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecosystem import ParameterError
from ecosystem.bullwhip import beer_game
from ecosystem.bullwhip._beer_game import ECHELONS


def test_default_game_is_sterman_setup():
    """Sterman's mean estimates are the defaults; customer demand 4 then 8 from week 5."""
    game = beer_game()
    assert game.parameters.loc["retailer"].to_dict() == {
        "theta": 0.36, "alpha_s": 0.26, "beta": 0.34, "s_prime": 17.0}
    retailer = game.weeks[game.weeks["echelon"] == "retailer"]
    assert len(retailer) == 36
    assert retailer["incoming_order"].tolist() == [4.0] * 4 + [8.0] * 32
    # the board's delays: the retailer's first order (week 1) arrives in week 5
    first_order = retailer["order"].iloc[0]
    assert retailer["received"].iloc[:4].tolist() == [4.0] * 4
    assert retailer["received"].iloc[4] == pytest.approx(first_order)
    factory = game.weeks[game.weeks["echelon"] == "factory"]
    # the factory's production request of week 1 is finished in week 4
    assert factory["received"].iloc[3] == pytest.approx(factory["order"].iloc[0])


def test_default_game_shows_the_bullwhip():
    """Sterman (1989): order amplitude and variance grow from retailer to factory."""
    summary = beer_game().summary()
    assert summary["peak_order"].is_monotonic_increasing
    assert summary["peak_order"].iloc[-1] > 3 * 8
    assert (summary["order_variance_ratio"] > 1).all()
    assert summary["order_variance_ratio"].iloc[-1] > summary["order_variance_ratio"].iloc[0]
    assert summary["peak_week"].is_monotonic_increasing  # the wave travels upstream
    # oscillation: every echelon runs a backlog, then overshoots its starting stock of 12
    effective = beer_game().weeks.pivot(index="week", columns="echelon",
                                        values="effective_inventory")
    for echelon in ECHELONS:
        trough = effective[echelon].idxmin()
        assert effective[echelon].min() < 0
        assert effective.loc[trough:, echelon].max() > 12


def test_equilibrium_without_adjustment():
    """alpha_S = 0 and steady demand 4: orders equal expected demand, nothing moves;
    cost = 4 echelons x 12 cases x 0.5 x 36 weeks."""
    game = beer_game(alpha_s=0.0, demand=[4] * 36)
    assert game.total_cost == 864.0
    assert (game.weeks["inventory"] == 12.0).all()
    assert (game.weeks["order"] == 4.0).all()


def test_costs_add_up_and_per_echelon_parameters():
    game = beer_game(theta=[0.2, 0.4, 0.6, 0.8], s_prime=[15, 17, 19, 21], holding=0.5,
                     backlog_cost=1.0)
    weekly = game.weeks.groupby("echelon", observed=True)["cost"].sum()
    np.testing.assert_allclose(game.summary()["total_cost"], weekly[list(ECHELONS)])
    np.testing.assert_allclose(game.summary()["total_cost"],
                               game.summary()["holding_cost"] + game.summary()["backlog_cost"])
    assert game.parameters["theta"].tolist() == [0.2, 0.4, 0.6, 0.8]


def test_game_length_follows_the_demand_given():
    """A demand series sets the game's length unless weeks= takes a prefix of it."""
    assert beer_game(demand=[4] * 50).weeks["week"].max() == 50
    assert beer_game(demand=[4] * 50, weeks=20).weeks["week"].max() == 20
    assert beer_game().weeks["week"].max() == 36


def test_integer_orders():
    orders = beer_game(integer_orders=True).weeks["order"]
    assert (orders == np.round(orders)).all()


@given(theta=st.floats(0, 1), alpha_s=st.floats(0, 1), beta=st.floats(0, 1.5),
       s_prime=st.floats(0, 40), weeks=st.integers(1, 40))
def test_beer_is_conserved(theta, alpha_s, beta, s_prime, weeks):
    """Cases on the board change only by production started and cases sold; stock and
    backlog are never negative and never both positive; orders are never negative."""
    game = beer_game(theta=theta, alpha_s=alpha_s, beta=beta, s_prime=s_prime, weeks=weeks)
    w = game.weeks
    assert (w["inventory"] >= -1e-9).all() and (w["backlog"] >= -1e-9).all()
    assert ((w["inventory"] < 1e-9) | (w["backlog"] < 1e-9)).all()
    assert (w["order"] >= 0).all()
    start = 4 * 12 + 4 * 2 * 4  # on hand, plus two boxes of 4 in front of every echelon
    # a production request enters the first production box a week after it is written;
    # the board's own request of 4 enters in week 1
    factory_orders = w.loc[w["echelon"] == "factory", "order"].to_numpy()
    started = 4.0 + factory_orders[:-1].sum()
    sold = w.loc[w["echelon"] == "retailer", "shipped"].sum()
    last = w[w["week"] == weeks]
    on_board = last["inventory"].sum() + last["in_transit"].sum()
    assert on_board == pytest.approx(start + started - sold, abs=1e-6)


@pytest.mark.parametrize("call, match", [
    (lambda: beer_game(theta=[0.3, 0.3, 0.3]), "3 per-stage values but the chain has 4"),
    (lambda: beer_game(alpha_s=1.5), r"alpha_s must be a number in \[0.0, 1.0\]"),
    (lambda: beer_game(beta=-0.1), "beta must be"),
    (lambda: beer_game(demand=[]), "demand is empty"),
    (lambda: beer_game(demand=[4, 4], weeks=36), "demand has 2 weeks but the game lasts 36"),
    (lambda: beer_game(demand=[4, -1] * 18), "demand must be finite numbers >= 0"),
    (lambda: beer_game(weeks=0), "weeks must be"),
    (lambda: beer_game(holding=-0.5), "holding must be"),
    (lambda: beer_game(weeks="long"), "weeks must be a whole number >= 1"),
    (lambda: beer_game(weeks=2.5), "weeks must be a whole number >= 1"),
    (lambda: beer_game(demand=[[4] * 36, [8] * 36]), r"1-D\), got shape \(2, 36\)"),
    (lambda: beer_game(demand="four"), "demand must be a sequence of numbers"),
    (lambda: beer_game(s_prime=float("nan")), "s_prime must be a number"),
    (lambda: beer_game(fixed_weeks=-1), "fixed_weeks must be a whole number >= 0"),
    (lambda: beer_game(fixed_order=-4), "fixed_order must be a finite number >= 0"),
])
def test_bad_input_is_reported(call, match):
    with pytest.raises(ParameterError, match=match):
        call()


@pytest.mark.parametrize("options", [{}, dict(theta=0.9, alpha_s=0.6, beta=0.0, s_prime=30)])
def test_supply_line_is_orders_placed_not_yet_received(options):
    """Sterman (1989): the supply line is what an echelon has ordered and not yet received.
    On the board (Edali & Yasarcan 2014) a distribution echelon starts with 16 cases owed to
    it (its order slip, the supplier's incoming slip, two shipping boxes of 4); the factory
    with 12 (its production request and two production boxes). Checked every week."""
    weeks = beer_game(**options).weeks
    for echelon, start in zip(ECHELONS, (16.0, 16.0, 16.0, 12.0)):
        rows = weeks[weeks["echelon"] == echelon]
        placed_before = np.concatenate(([0.0], np.cumsum(rows["order"].to_numpy())[:-1]))
        received = np.cumsum(rows["received"].to_numpy())
        np.testing.assert_allclose(rows["supply_line"], start + placed_before - received,
                                   atol=1e-9, err_msg=echelon)
    assert (weeks["backlog"] > 0).any()  # the supplier's backlog is part of the supply line


def test_first_decision_by_hand():
    """With the rule from week one (fixed_weeks=0), week 1 at the retailer: expected demand
    stays 4 (demand 4), effective inventory 12, supply line 12 after the week's delivery,
    so O = 4 + 0.26 (17 - 12 - 0.34 x 12)."""
    retailer = beer_game(fixed_weeks=0).weeks.query("echelon == 'retailer'").iloc[0]
    assert retailer["effective_inventory"] == 12.0 and retailer["supply_line"] == 12.0
    assert retailer["order"] == pytest.approx(4 + 0.26 * (17 - 12 - 0.34 * 12))


def test_sterman_protocol_fixes_the_first_four_orders():
    """Sterman (1989): every player orders 4 in weeks 1-4; the rule takes over in week 5,
    when the retailer expects 0.36 x 8 + 0.64 x 4 = 5.44 with effective inventory 8 and
    supply line 12: O = 5.44 + 0.26 (17 - 8 - 0.34 x 12)."""
    weeks = beer_game().weeks
    first = weeks[weeks["week"] <= 4]
    assert (first["order"] == 4.0).all() and (first["inventory"] == 12.0).all()
    assert (first["received"] == 4.0).all() and (first["cost"] == 6.0).all()
    retailer = weeks.query("echelon == 'retailer' and week == 5").iloc[0]
    assert retailer["expected_demand"] == pytest.approx(5.44)
    assert retailer["effective_inventory"] == 8.0 and retailer["supply_line"] == 12.0
    assert retailer["order"] == pytest.approx(5.44 + 0.26 * (17 - 8 - 0.34 * 12))
    # the protocol changes the game: team cost 2479.48 against 2254.74 from week one
    assert beer_game().total_cost == pytest.approx(2479.4776, abs=1e-3)
    assert beer_game(fixed_weeks=0).total_cost == pytest.approx(2254.7419, abs=1e-3)
    assert beer_game(fixed_weeks=2, fixed_order=5).weeks.query(
        "week <= 2")["order"].eq(5.0).all()


BENCHMARK = dict(theta=0.0, alpha_s=1.0, beta=1.0, s_prime=[28.0, 28.0, 28.0, 20.0])


@pytest.mark.parametrize("integer_orders", [False, True])
def test_benchmark_policy_costs_match_the_published_model(integer_orders):
    """Sterman (1989), "Modeling managerial behavior: misperceptions of feedback in a dynamic
    decision making experiment", compares the teams' costs with benchmark costs. Edali &
    Yasarcan (2014), "A mathematical model of the beer game" (JASSS 17(4) 2, section 5), state
    that their model reproduces those benchmark costs exactly with theta = 0, alpha_S = 1,
    beta = 1, S' = 28, 28, 28 and 20 (factory), holding 0.5 and backlog 1.0 per case-week,
    whole-case orders, orders fixed at 4 in weeks 1-4, 36 weeks. Their published R model, run
    with those settings (as ported in the NimaMan/invman repository,
    verification/classic_board_game.rs), gives 46, 50, 54 and 54 per echelon, team 204. We
    could not read Sterman's table itself, so these are the figures of Edali & Yasarcan's
    model, which they say equal Sterman's. Every input is a whole number here, so rounding
    the orders changes nothing."""
    game = beer_game(**BENCHMARK, integer_orders=integer_orders)
    assert game.summary()["total_cost"].tolist() == [46.0, 50.0, 54.0, 54.0]
    assert game.total_cost == 204.0
    # the benchmark is Sterman's protocol: the same policy from week one costs less
    assert beer_game(**BENCHMARK, fixed_weeks=0).total_cost == 180.0
    # week 5 by hand: expected demand stays 4 (theta = 0); the retailer has 8 on hand and
    # 12 on order, the wholesaler and distributor 12 and 12, the factory 12 and 8:
    # O = 4 + (S' - S - SL)
    week5 = game.weeks.query("week == 5").set_index("echelon")["order"]
    assert week5.tolist() == [4 + 28 - 8 - 12, 4 + 28 - 12 - 12, 4 + 28 - 12 - 12,
                              4 + 20 - 12 - 8]


def test_cli_plays_sterman_protocol_by_default(capsys):
    from ecosystem.cli import main
    assert main(["beergame"]) == 0
    assert ("team cost 2479.48 over 36 weeks (holding 0.5, backlog 1.0 per case-week; orders "
            "fixed at 4 in weeks 1-4)") in capsys.readouterr().out
    assert main(["beergame", "--fixed-weeks", "0"]) == 0
    assert "team cost 2254.74 over 36 weeks" in capsys.readouterr().out
