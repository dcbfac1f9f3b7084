"""ecosystem.benefit: building games, the errors the issue lists, Shapley exact and sampled."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from ecosystem import UnknownMemberError
from ecosystem.benefit import (Game, GameError, TooManyPlayersError, banzhaf, nucleolus,
                               shapley, shapley_estimate, stability)


def random_game(n, seed=0):
    values = np.random.default_rng(seed).normal(size=1 << n)
    values[0] = 0.0
    return Game(range(n), values)


def brute_shapley(game):
    """Average marginal contribution over all n! orders (definition, Shapley 1953)."""
    n, phi = game.n, np.zeros(game.n)
    for order in itertools.permutations(range(n)):
        mask = 0
        for i in order:
            phi[i] += game.values[mask | 1 << i] - game.values[mask]
            mask |= 1 << i
    return phi / math.factorial(n)


# ------------------------------------------------------------------ building games
def test_from_dict_function_and_array_agree():
    v = {("a",): 1, ("b",): 2, ("c",): 0, ("a", "b"): 5, ("a", "c"): 1, ("b", "c"): 3,
         ("a", "b", "c"): 9}
    from_dict = Game.from_dict(v)
    from_function = Game.from_function("abc", lambda s: v[tuple(sorted(s))] if s else 0)
    assert from_dict.players == ("a", "b", "c")
    np.testing.assert_array_equal(from_dict.values, from_function.values)
    assert from_dict({"b", "c"}) == 3 and from_dict("a") == 1 and from_dict([]) == 0
    table = Game(["a", "b", "c"], from_dict.values)
    assert table.to_series()["{a, b}"] == 5


def test_vectorized_function_and_lazy_game():
    weights = np.arange(1, 31, dtype=float)
    game = Game.from_function(range(30), lambda m: m @ weights, vectorized=True)
    assert not game.is_exact and game.n == 30
    assert game(range(30)) == weights.sum()
    assert game.stand_alone().tolist() == weights.tolist()


def test_allocations_are_series_indexed_by_player():
    glove = Game.from_function(["L", "R1", "R2"],
                               lambda s: float("L" in s and ("R1" in s or "R2" in s)))
    for result in (shapley(glove), banzhaf(glove), nucleolus(glove)):
        assert isinstance(result, pd.Series)
        assert list(result.index) == ["L", "R1", "R2"]


# ------------------------------------------------------------------ errors
def test_error_nonzero_empty_coalition():
    with pytest.raises(GameError, match=r"v\(empty coalition\) must be 0"):
        Game(["a", "b"], np.array([1.0, 1.0, 1.0, 3.0]))
    with pytest.raises(GameError, match=r"v\(empty coalition\) must be 0"):
        Game.from_function("ab", lambda s: 1.0)
    with pytest.raises(GameError, match=r"v\(empty coalition\) must be 0"):
        Game.from_dict({(): 2, "a": 1, "b": 1, ("a", "b"): 3})


def test_error_missing_coalitions_and_explicit_fill():
    with pytest.raises(GameError, match=r"1 of 3 coalitions have no value, e.g. \{b\}.*fill="):
        Game.from_dict({"a": 1, ("a", "b"): 3})
    filled = Game.from_dict({"a": 1, ("a", "b"): 3}, players=["a", "b"], fill=0.0)
    assert filled("b") == 0.0


def test_error_nan():
    with pytest.raises(GameError, match="NaN"):
        Game.from_dict({"a": float("nan"), "b": 1, ("a", "b"): 3})
    with pytest.raises(GameError, match=r"not finite.*\{a, b\}"):
        Game(["a", "b"], np.array([0.0, 1.0, 1.0, np.nan]))
    with pytest.raises(GameError, match=r"not finite"):
        Game.from_function("ab", lambda s: float("nan") if len(s) == 2 else 0.0)
    with pytest.raises(GameError, match="real number"):
        Game.from_function("ab", lambda s: "x")


def test_error_too_many_players_points_to_sampling():
    lazy = Game.from_function(range(40), lambda m: m.sum(axis=1).astype(float),
                              vectorized=True)
    for method in (shapley, banzhaf, nucleolus):
        with pytest.raises(TooManyPlayersError, match="sampling"):
            method(lazy)
    with pytest.raises(TooManyPlayersError, match="sampling"):
        Game.from_function(range(40), len, exact=True)
    with pytest.raises(TooManyPlayersError, match="sampling"):
        Game.from_dict({tuple(range(27)): 1.0})


def test_error_unknown_member():
    game = Game.from_dict({"a": 1, "b": 2, ("a", "b"): 4})
    with pytest.raises(UnknownMemberError, match="'z' is not a player"):
        game({"a", "z"})
    with pytest.raises(UnknownMemberError, match="'z'"):
        Game.from_dict({"a": 1, "z": 2, ("a", "z"): 4}, players=["a", "b"])
    with pytest.raises(UnknownMemberError, match="'z'"):
        stability(game, pd.Series({"a": 2.0, "z": 2.0}))


def test_error_bad_table_shape_and_duplicate_players():
    with pytest.raises(GameError, match="needs 4 entries"):
        Game(["a", "b"], np.zeros(3))
    with pytest.raises(GameError, match="distinct"):
        Game(["a", "a"], np.zeros(4))


# ------------------------------------------------------------------ Shapley
def test_exact_shapley_matches_definition():
    """Brute force over all 7! orders (the definition)."""
    game = random_game(7, seed=3)
    np.testing.assert_allclose(shapley(game).to_numpy(), brute_shapley(game), atol=1e-12)


def test_exact_shapley_blocked_path_matches_single_pass(monkeypatch):
    """The blocked kernel (tables over 2**BLOCK_BITS) gives the single-pass result."""
    import ecosystem.benefit._shapley as module
    game = random_game(9, seed=4)
    whole = shapley(game).to_numpy()
    monkeypatch.setattr(module, "BLOCK_BITS", 5)
    np.testing.assert_allclose(shapley(game).to_numpy(), whole, atol=1e-12)


def test_glove_game_shapley():
    """Glove game, one left and two right gloves: Shapley (2/3, 1/6, 1/6), the standard
    textbook figure (Maschler, Solan & Zamir 2013, Game Theory, chapter 18)."""
    glove = Game.from_function(["L", "R1", "R2"],
                               lambda s: float("L" in s and ("R1" in s or "R2" in s)))
    np.testing.assert_allclose(shapley(glove).to_numpy(), [2 / 3, 1 / 6, 1 / 6])


def test_airport_game_littlechild_owen():
    """Airport cost game c(S) = max cost in S: Littlechild & Owen (1973, Management Science
    20:370-372): with costs sorted c_1 <= ... <= c_n, phi_i = sum_{k<=i} (c_k - c_{k-1}) / (n-k+1)."""  # noqa: E501
    costs = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0])
    n = len(costs)
    game = Game.from_function(range(n), lambda s: max((costs[i] for i in s), default=0.0))
    order = np.argsort(costs, kind="stable")
    sorted_costs = np.concatenate([[0.0], costs[order]])
    closed = np.cumsum(np.diff(sorted_costs) / (n - np.arange(n)))
    expected = np.empty(n)
    expected[order] = closed
    np.testing.assert_allclose(shapley(game).to_numpy(), expected, atol=1e-12)


def test_weighted_voting_un_security_council():
    """UN Security Council [39; 7 x 5, 1 x 10]: Shapley-Shubik index 421/2145 for a permanent
    and 4/2145 for a non-permanent member; normalised Banzhaf 848/5080 and 84/5080
    (Felsenthal & Machover 1998, The Measurement of Voting Power, §9)."""
    weights = [7] * 5 + [1] * 10
    game = Game.from_function(range(15), lambda s: float(sum(weights[i] for i in s) >= 39))
    phi = shapley(game).to_numpy()
    np.testing.assert_allclose(phi[:5], 421 / 2145, rtol=1e-12)
    np.testing.assert_allclose(phi[5:], 4 / 2145, rtol=1e-12)
    beta = banzhaf(game, normalize=True).to_numpy()
    np.testing.assert_allclose(beta[:5], 848 / 5080, rtol=1e-12)
    np.testing.assert_allclose(beta[5:], 84 / 5080, rtol=1e-12)
    np.testing.assert_allclose(banzhaf(game).to_numpy()[:5], 848 / 2 ** 14, rtol=1e-12)


def test_weighted_voting_small():
    """[3; 2, 1, 1]: Shapley-Shubik (2/3, 1/6, 1/6), raw Banzhaf (3/4, 1/4, 1/4), counted
    by hand from the swings."""
    w = {"a": 2, "b": 1, "c": 1}
    game = Game.from_function("abc", lambda s: float(sum(w[p] for p in s) >= 3))
    np.testing.assert_allclose(shapley(game).to_numpy(), [2 / 3, 1 / 6, 1 / 6])
    np.testing.assert_allclose(banzhaf(game).to_numpy(), [0.75, 0.25, 0.25])


@pytest.mark.parametrize("method", ["permutation", "stratified"])
def test_sampled_shapley_within_standard_error(method):
    """Estimates fall within 4 standard errors of the exact value; seeded runs repeat."""
    game = random_game(8, seed=7)
    exact = shapley(game).to_numpy()
    est = shapley_estimate(game, method, tol=0.03, replications=5000, seed=11)
    assert est.converged and est.stderr.max() <= 0.03
    assert np.all(np.abs(est.value.to_numpy() - exact) <= 4 * est.stderr.to_numpy() + 1e-12)
    again = shapley_estimate(game, method, tol=0.03, replications=5000, seed=11)
    np.testing.assert_array_equal(est.value.to_numpy(), again.value.to_numpy())
    assert est.replications == again.replications


def test_sampled_shapley_stopping_rule_and_budget():
    tiny = Game(["a"], np.array([0.0, 1e-321]))  # 1e-3 v(N) underflows to 0
    assert shapley_estimate(tiny, seed=0).tol == 1e-3
    game = random_game(6, seed=1)
    short = shapley_estimate(game, "permutation", tol=1e-9, replications=40, seed=0)
    assert short.replications == 40 and not short.converged
    phi = shapley(game, "permutation", tol=0.05, seed=0)
    assert phi.attrs["converged"] and phi.attrs["stderr"].max() <= 0.05
    assert phi.attrs["replications"] < 5000


def test_stratified_is_exact_for_additive_games():
    """Every marginal contribution of an additive game is the player's weight: zero variance."""
    w = np.array([1.0, 2.0, 3.0, 4.0])
    game = Game.from_function(range(4), lambda m: m @ w, vectorized=True, exact=False)
    est = shapley_estimate(game, "stratified", seed=0)
    np.testing.assert_allclose(est.value.to_numpy(), w)
    assert est.stderr.max() == 0 and est.replications == 10


def test_sampling_large_synergy_game():
    """A 300-player graph game sampled: Shapley is half the incident weights
    (Deng & Papadimitriou 1994)."""
    rng = np.random.default_rng(5)
    n = 300
    weight = np.triu(rng.random((n, n)) * (rng.random((n, n)) < 0.02), 1)
    weight = weight + weight.T
    game = Game.from_function(range(n), lambda m: 0.5 * ((m @ weight) * m).sum(axis=1),
                              vectorized=True, exact=False)
    est = shapley_estimate(game, "permutation", tol=0.05, replications=400, seed=2)
    expected = weight.sum(axis=1) / 2
    assert np.all(np.abs(est.value.to_numpy() - expected) <= 5 * est.stderr.to_numpy() + 1e-9)


def test_sampling_rejects_bad_options():
    game = random_game(3)
    with pytest.raises(ValueError, match="sampling method"):
        shapley_estimate(game, "exact")
    with pytest.raises(ValueError, match="tol must be > 0"):
        shapley_estimate(game, tol=-1)
    with pytest.raises(ValueError, match="tol must be > 0"):
        shapley_estimate(game, tol=float("nan"))
    for method in ("permutation", "stratified"):  # one sample has no standard error
        with pytest.raises(ValueError,
                           match=r"replications \(1\) must be at least min_replications"):
            shapley_estimate(game, method, replications=1)
        with pytest.raises(ValueError, match="replications"):
            shapley_estimate(game, method, replications=0)
    with pytest.raises(ValueError, match="method 'foo'"):
        shapley(game, "foo")


def test_from_dict_conflicting_keys_and_non_string_players():
    with pytest.raises(GameError, match="given twice"):
        Game.from_dict({("a", "b"): 1, ("b", "a"): 2, "a": 0, "b": 0})
    game = Game.from_dict({1: 0, 2: 0, (1, 2): 1})
    assert game.players == (1, 2) and shapley(game).tolist() == [0.5, 0.5]
    simple = Game.from_function("abc", lambda s: len(s) >= 2)  # bools: a simple game
    assert simple.grand_value == 1.0
    weights = np.array([2, 1, 1])  # numpy comparisons return numpy bools
    voting = Game.from_function(range(3), lambda s: weights[list(s)].sum() >= 3)
    assert voting(0) == 0.0 and voting([0, 1]) == 1.0  # one player by name, or a list
    pairs = Game.from_dict({("a", 1): 1, ("b", 2): 2, (("a", 1), ("b", 2)): 4},
                           players=[("a", 1), ("b", 2)])
    assert pairs(("a", 1)) == 1 and pairs([("a", 1), ("b", 2)]) == 4  # tuple-named players


def test_one_player_game_every_method():
    """A lone player gets v(N) from every rule; its report has no coalition to name."""
    import networkx as nx

    from ecosystem.benefit import (equal_split, kohlberg, least_core, modified_shapley, myerson,
                                   nash_bargaining, owen, proportional_split)
    game = Game.from_dict({"a": 3.0})
    for rule in (shapley, banzhaf, nucleolus, equal_split, proportional_split, nash_bargaining):
        assert rule(game).tolist() == [3.0]
    assert owen(game, [["a"]]).tolist() == [3.0]
    assert myerson(game, nx.empty_graph(["a"])).tolist() == [3.0]
    assert modified_shapley(game, pd.DataFrame({"risk": [1.0]}, index=["a"])).tolist() == [3.0]
    assert least_core(game).epsilon == 0 and kohlberg(game, [3.0])
    report = stability(game, [3.0])
    assert report.in_core and report.most_dissatisfied is None
    assert "most dissatisfied" not in str(report) and "in the core: yes" in str(report)
