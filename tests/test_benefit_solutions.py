"""ecosystem.benefit: nucleolus, core, least core, Banzhaf, Nash, modified Shapley, Owen,
Myerson."""

import itertools

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from ecosystem import UnknownMemberError
from ecosystem.benefit import (Game, GameError, StabilityWarning, banzhaf, compare_allocations,
                               core_nonempty, equal_split, graph_restricted, in_core, kohlberg,
                               least_core, modified_shapley, myerson, nash_bargaining, nucleolus,
                               owen, proportional_split, shapley, stability)


def bankruptcy(estate, claims):
    """v(S) = max(0, E - claims of the others) (O'Neill 1982)."""
    total = sum(claims)
    return Game.from_function(range(len(claims)), lambda s: max(
        0.0, estate - (total - sum(claims[i] for i in s))))


def constrained_equal_awards(amount, claims):
    claims = np.asarray(claims, dtype=float)
    lo, hi = 0.0, claims.max()
    for _ in range(200):  # bisection on the common award
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.minimum(claims, mid).sum() < amount else (lo, mid)
    return np.minimum(claims, (lo + hi) / 2)


def talmud(estate, claims):
    """The Talmud rule (Aumann & Maschler 1985): CEA on half-claims up to half the total,
    then each claimant's loss is CEA-divided over the half-claims."""
    claims = np.asarray(claims, dtype=float)
    half = claims / 2
    if estate <= half.sum():
        return constrained_equal_awards(estate, half)
    return claims - constrained_equal_awards(claims.sum() - estate, half)


def naive_nucleolus(game):
    """Textbook sequential LPs: after each level, fix every coalition whose slack cannot be
    made positive (one LP per candidate). Slow but independent of the dual-based method."""
    n, table = game.n, game.values
    full = (1 << n) - 1
    masks = np.arange(1, full)
    rows = ((masks[:, None] >> np.arange(n)) & 1).astype(float)
    free = np.ones(len(masks), dtype=bool)
    eq_a, eq_b = [np.r_[np.ones(n), 0.0]], [table[full]]
    bounds = [(table[1 << i], None) for i in range(n)] + [(None, None)]
    while free.any() and np.linalg.matrix_rank(np.array(eq_a)[:, :n]) < n:
        a_ub = np.hstack([-rows[free], -np.ones((free.sum(), 1))])
        b_ub = -table[masks[free]]
        res = linprog(np.r_[np.zeros(n), 1.0], A_ub=a_ub, b_ub=b_ub,
                      A_eq=np.array(eq_a), b_eq=eq_b, bounds=bounds, method="highs")
        level = res.x[n]
        bounds_t = bounds[:n] + [(level, level)]
        for k in np.flatnonzero(free):
            c = np.r_[rows[k], 0.0]  # maximise x(S): slack of S at level t
            r = linprog(-c, A_ub=a_ub, b_ub=b_ub, A_eq=np.array(eq_a),
                        b_eq=eq_b, bounds=bounds_t, method="highs")
            if -r.fun - (table[masks[k]] - level) <= 1e-9:
                eq_a.append(np.r_[rows[k], 0.0])
                eq_b.append(table[masks[k]] - level)
                free[k] = False
        span = np.array(eq_a)[:, :n]
        for k in np.flatnonzero(free):
            if np.linalg.matrix_rank(np.vstack([span, rows[k]])) == np.linalg.matrix_rank(span):
                free[k] = False
    return np.linalg.lstsq(np.array(eq_a)[:, :n], np.array(eq_b), rcond=None)[0]


# ------------------------------------------------------------------ nucleolus
@pytest.mark.parametrize("estate, expected", [
    (100, [100 / 3, 100 / 3, 100 / 3]), (200, [50, 75, 75]), (300, [50, 100, 150])])
def test_nucleolus_bankruptcy_talmud_published(estate, expected):
    """Aumann & Maschler (1985, J. Economic Theory 36:195-213), the Talmud's estates of
    100, 200 and 300 for claims 100, 200, 300: the nucleolus is the Talmud division."""
    x = nucleolus(bankruptcy(estate, [100, 200, 300]))
    np.testing.assert_allclose(x.to_numpy(), expected, atol=1e-7)


def test_nucleolus_bankruptcy_talmud_random():
    """Random bankruptcy problems: nucleolus = Talmud rule (Aumann & Maschler 1985)."""
    rng = np.random.default_rng(0)
    for _ in range(15):
        n = rng.integers(2, 7)
        claims = rng.integers(1, 100, n).astype(float)
        estate = float(rng.uniform(0.05, 0.95) * claims.sum())
        np.testing.assert_allclose(nucleolus(bankruptcy(estate, claims)).to_numpy(),
                                   talmud(estate, claims), atol=1e-6)


@pytest.mark.parametrize("n", [9, 12])
def test_nucleolus_bankruptcy_talmud_with_row_generation(n):
    """Bankruptcy with 9 and 12 claimants (510 and 4,094 coalitions, of which the
    restricted programs hold a few dozen): the nucleolus is still the Talmud division
    (Aumann & Maschler 1985)."""
    rng = np.random.default_rng(n)
    claims = rng.integers(1, 100, n).astype(float)
    for share in (0.3, 0.7):
        estate = share * claims.sum()
        np.testing.assert_allclose(nucleolus(bankruptcy(estate, claims)).to_numpy(),
                                   talmud(estate, claims), atol=1e-6)


def test_nucleolus_matches_naive_sequential_lp():
    rng = np.random.default_rng(1)
    for n in (3, 4, 5):
        for _ in range(3):
            values = rng.integers(0, 10, 1 << n).astype(float)  # ties: degenerate LPs
            values[0] = 0
            values[(1 << np.arange(n))] = 0
            values[-1] = values.max() * 2
            game = Game(range(n), values)
            np.testing.assert_allclose(nucleolus(game).to_numpy(), naive_nucleolus(game),
                                       atol=1e-7)


def test_glove_game_core_and_nucleolus():
    """Glove game 2 left, 3 right gloves: the core is {left holders get 1, right get 0}
    (Shapley & Shubik 1969 market games), so the nucleolus is that point."""
    left = {"L1", "L2"}
    game = Game.from_function(["L1", "L2", "R1", "R2", "R3"],
                              lambda s: float(min(len(s & left), len(s - left))))
    np.testing.assert_allclose(nucleolus(game).to_numpy(), [1, 1, 0, 0, 0], atol=1e-9)
    assert in_core(game, [1, 1, 0, 0, 0])
    assert not in_core(game, [0.9, 1, 0.1, 0, 0])
    assert not in_core(game, shapley(game))


def test_glove_market_nucleolus_with_large_excess_levels():
    """Glove market, 5 left and 7 right gloves: the core is the single point where every
    left glove gets 1 (Shapley & Shubik 1969). 3,300 coalitions share the top excess
    0, one balancedness LP in the Kohlberg check (once a dense k x k program)."""
    left = set(range(5))
    game = Game.from_function(range(12), lambda s: float(min(len(s & left), len(s - left))))
    x = nucleolus(game)
    np.testing.assert_allclose(x.to_numpy(), [1] * 5 + [0] * 7, atol=1e-9)
    assert kohlberg(game, x) and not kohlberg(game, [1] * 4 + [0.9, 0.1] + [0] * 6)


def test_prenucleolus_differs_from_nucleolus_when_imputations_bind():
    """coopgame's documented example: v = 10 for {a,b}, 2 for N, 0 otherwise:
    nucleolus (1, 1, 0) but prenucleolus (3, 3, -4)."""
    game = Game.from_dict({"a": 0, "b": 0, "c": 0, ("a", "b"): 10, ("a", "c"): 0,
                           ("b", "c"): 0, ("a", "b", "c"): 2})
    np.testing.assert_allclose(nucleolus(game).to_numpy(), [1, 1, 0], atol=1e-9)
    np.testing.assert_allclose(nucleolus(game, imputations=False).to_numpy(), [3, 3, -4],
                               atol=1e-9)


def test_nucleolus_and_least_core_at_tiny_and_mixed_magnitudes():
    """Found by hypothesis: HiGHS's absolute 1e-7 tolerances once made row generation cycle
    on a game worth 1e-8 everywhere (solved unscaled) and on one of 2s and 1.2e-7s (a
    vertex breaking its own rows by 6e-8). Symmetric game: everyone gets v(N) / 3."""
    tiny = Game(range(3), np.r_[0.0, np.full(7, 1e-8)])
    np.testing.assert_allclose(nucleolus(tiny, imputations=False).to_numpy(), [1e-8 / 3] * 3,
                               rtol=1e-9)
    assert least_core(tiny).epsilon == pytest.approx(1e-8 * 2 / 3, rel=1e-9)
    mixed = np.full(16, 1.192092896e-07)
    mixed[0], mixed[3] = 0.0, 2.0
    x = nucleolus(Game(range(4), mixed), imputations=False)  # Kohlberg-verified
    assert x.sum() == pytest.approx(mixed[-1], abs=1e-12)
    assert x[0] == pytest.approx(x[1]) and x[2] == pytest.approx(x[3])


def test_nucleolus_empty_imputation_set():
    game = Game.from_dict({"a": 2, "b": 2, ("a", "b"): 3})
    with pytest.raises(GameError, match="imputation set is empty.*prenucleolus"):
        nucleolus(game)
    np.testing.assert_allclose(nucleolus(game, imputations=False).to_numpy(), [1.5, 1.5])


def test_kohlberg_criterion():
    """The majority game's nucleolus is the equal split; other imputations fail."""
    game = Game.from_function("abc", lambda s: float(len(s) >= 2))
    assert kohlberg(game, [1 / 3, 1 / 3, 1 / 3])
    assert not kohlberg(game, [0.4, 0.3, 0.3])
    assert not kohlberg(game, [0.5, 0.5, 0.5])  # not efficient


# ------------------------------------------------------------------ core, least core
def test_empty_core_majority_game():
    """The 3-player majority game has an empty core; least-core epsilon 1/3 at (1/3, 1/3, 1/3)
    (Maschler, Peleg & Shapley 1979)."""
    game = Game.from_function("abc", lambda s: float(len(s) >= 2))
    assert not core_nonempty(game)
    lc = least_core(game)
    assert lc.epsilon == pytest.approx(1 / 3)
    np.testing.assert_allclose(lc.allocation.to_numpy(), [1 / 3] * 3, atol=1e-9)
    np.testing.assert_allclose(nucleolus(game).to_numpy(), [1 / 3] * 3, atol=1e-9)


def test_convex_game_shapley_in_core():
    """Convex games: the Shapley value is in the core (Shapley 1971)."""
    rng = np.random.default_rng(2)
    w = rng.random(6)
    game = Game.from_function(range(6), lambda s: sum(w[i] for i in s) ** 2)
    assert core_nonempty(game) and in_core(game, shapley(game))
    assert least_core(game).epsilon < 0


def test_stability_report():
    game = Game.from_function("abc", lambda s: float(len(s) >= 2))
    report = stability(game, pd.Series({"c": 0.0, "a": 0.5, "b": 0.5}, name="deal"))
    assert report.allocation.name == "deal" and report.allocation["a"] == 0.5
    assert report.individually_rational and report.in_core is False
    assert report.most_dissatisfied == ("a", "c") and report.max_excess == pytest.approx(0.5)
    assert list(report.dissatisfied["excess"])[:2] == pytest.approx([0.5, 0.5])
    assert "most dissatisfied coalition: {a, c}" in str(report)
    below = stability(game, [1.2, -0.1, -0.1])
    assert not below.individually_rational
    assert below.members.loc["b", "shortfall"] == pytest.approx(0.1)
    table = compare_allocations(game, {"equal": equal_split(game), "deal": [0.5, 0.5, 0]})
    assert list(table.index) == ["equal", "deal"]
    assert table.loc["equal", "max_excess"] == pytest.approx(1 / 3)


def test_stability_ties_ignore_rounding_noise():
    """d is a null player, so Shapley pays it 0 and {d} and {a, b, c} both have excess 0;
    rounding leaves {a, b, c} at +4.4e-16. The report must name the smaller coalition
    and call the split stable."""
    w = {"a": 0.3, "b": 0.6, "c": 0.1, "d": 0.0}
    game = Game.from_function("abcd", lambda s: sum(w[p] for p in sorted(s))
                              + (0.3 if set("abc") <= s else 0.0))
    x = shapley(game)
    raw = game.values - game.coalition_sums(x.to_numpy())
    assert raw[0b0111] > 0  # the noise this test is about
    report = stability(game, x)
    assert report.most_dissatisfied == ("d",) and report.max_excess == 0 and report.in_core
    assert list(report.dissatisfied["coalition"].iloc[:2]) == ["{d}", "{a, b, c}"]
    with pytest.raises(ValueError, match="top must be >= 0"):
        stability(game, x, top=-1)


def test_stability_reports_rounding_noise_as_no_excess():
    """An additive game with float weights: Shapley pays each player its weight, so every
    proper coalition's excess is 0; the raw arithmetic leaves +1.1e-16, reported as 0.0."""
    w = {"a": 0.1, "b": 0.2, "c": 0.7}
    game = Game.from_function(list(w), lambda s: 1.1 * sum(w[p] for p in s))
    x = shapley(game)
    raw = game.values - game.coalition_sums(x.to_numpy())
    assert raw[1:-1].max() > 0  # the noise this test is about
    assert stability(game, x).max_excess == 0.0


def test_stability_without_value_table():
    game = Game.from_function(range(30), lambda m: m.sum(axis=1).astype(float),
                              vectorized=True)
    report = stability(game, np.ones(30))
    assert report.in_core is None and report.individually_rational
    assert report.efficiency_gap == 0


# ------------------------------------------------------------------ other values
def test_nash_bargaining_closed_form():
    """x_i = d_i + w_i / sum(w) (v(N) - sum d) (Nash 1950; Kalai 1977)."""
    game = Game.from_dict({"a": 1, "b": 3, ("a", "b"): 8})
    assert nash_bargaining(game).tolist() == [3.0, 5.0]
    assert nash_bargaining(game, {"a": 0, "b": 2}, {"a": 1, "b": 3}).tolist() == [1.5, 6.5]
    with pytest.raises(GameError, match="no agreement benefits everyone"):
        nash_bargaining(game, disagreement=[5, 5])
    with pytest.raises(ValueError, match="weights must be > 0"):
        nash_bargaining(game, weights=[0, 1])
    with pytest.raises(UnknownMemberError, match="'z'"):
        nash_bargaining(game, weights={"a": 1, "z": 1})


def test_equal_and_proportional_split():
    game = Game.from_dict({"a": 1, "b": 3, ("a", "b"): 8})
    assert equal_split(game).tolist() == [4.0, 4.0]
    assert proportional_split(game).tolist() == [2.0, 6.0]
    assert proportional_split(game, [1, 1]).tolist() == [4.0, 4.0]
    with pytest.raises(GameError, match="add up to 0"):
        proportional_split(game, [0, 0])


def test_modified_shapley_formula_and_flags():
    """x_i = phi_i + (R_i - 1/n) v(N), R_i = sum_k w_k f_ik / sum_j f_jk
    (Dai & Xue 2004 risk correction, multi-factor form)."""
    game = Game.from_dict({"a": 0, "b": 0, "c": 0, ("a", "b"): 6, ("a", "c"): 6,
                           ("b", "c"): 6, ("a", "b", "c"): 12})
    factors = pd.DataFrame({"risk": [2, 1, 1], "investment": [1, 1, 2]}, index=["a", "b", "c"])
    x = modified_shapley(game, factors, {"risk": 0.75, "investment": 0.25})
    composite = 0.75 * np.array([0.5, 0.25, 0.25]) + 0.25 * np.array([0.25, 0.25, 0.5])
    np.testing.assert_allclose(x.to_numpy(), 4 + (composite - 1 / 3) * 12)
    assert x.sum() == pytest.approx(12) and x.attrs["in_core"]
    with pytest.warns(StabilityWarning, match="not in the core"):
        y = modified_shapley(game, pd.DataFrame({"risk": [8, 1, 1]}, index=["a", "b", "c"]))
    assert y.attrs["in_core"] is False and y.attrs["below_stand_alone"] == []
    stand_alone = Game.from_dict({"a": 5, "b": 0, ("a", "b"): 10})
    with pytest.warns(StabilityWarning, match="pays a less than their stand-alone"):
        z = modified_shapley(stand_alone, pd.DataFrame({"effort": [0, 1]}, index=["a", "b"]))
    assert z.attrs["below_stand_alone"] == ["a"]


def test_modified_shapley_errors():
    game = Game.from_dict({"a": 0, "b": 0, ("a", "b"): 10})
    with pytest.raises(UnknownMemberError, match="'z'"):
        modified_shapley(game, pd.DataFrame({"risk": [1, 1, 1]}, index=["a", "b", "z"]))
    with pytest.raises(GameError, match="no row for player 'b'"):
        modified_shapley(game, pd.DataFrame({"risk": [1]}, index=["a"]))
    with pytest.raises(ValueError, match="negative"):
        modified_shapley(game, pd.DataFrame({"risk": [1, -1]}, index=["a", "b"]))
    with pytest.raises(ValueError, match="not a factor"):
        modified_shapley(game, pd.DataFrame({"risk": [1, 1]}, index=["a", "b"]), {"luck": 1})


def test_banzhaf_normalised_adds_to_grand_value():
    rng = np.random.default_rng(3)
    values = rng.random(1 << 5)
    values[0] = 0
    game = Game(range(5), values)
    assert banzhaf(game, normalize=True).sum() == pytest.approx(values[-1])


def _brute_owen(game, unions):
    phi, count = np.zeros(game.n), 0
    for union_order in itertools.permutations(unions):
        for inner in itertools.product(*[itertools.permutations(u) for u in union_order]):
            mask = 0
            for i in (p for block in inner for p in block):
                phi[i] += game.values[mask | 1 << i] - game.values[mask]
                mask |= 1 << i
            count += 1
    return phi / count


def test_owen_value_definition_and_special_cases():
    """Owen (1977): average over orders that keep each union together."""
    rng = np.random.default_rng(4)
    values = rng.normal(size=1 << 7)
    values[0] = 0
    game = Game(range(7), values)
    unions = [[0, 3], [1, 2, 5], [4], [6]]
    np.testing.assert_allclose(owen(game, unions).to_numpy(), _brute_owen(game, unions),
                               atol=1e-12)
    np.testing.assert_allclose(owen(game, [[i] for i in range(7)]).to_numpy(),
                               shapley(game).to_numpy(), atol=1e-12)
    np.testing.assert_allclose(owen(game, [list(range(7))]).to_numpy(),
                               shapley(game).to_numpy(), atol=1e-12)


def test_owen_errors():
    game = Game.from_dict({"a": 0, "b": 0, ("a", "b"): 1})
    with pytest.raises(UnknownMemberError, match="'z'"):
        owen(game, [["a"], ["b", "z"]])
    with pytest.raises(GameError, match="no union"):
        owen(game, [["a"]])
    with pytest.raises(GameError, match="must not overlap"):
        owen(game, [["a", "b"], ["b"]])


def test_myerson_value():
    """Myerson (1977): Shapley value of the graph-restricted game; complete graph gives
    Shapley; brute-force components on a random graph."""
    rng = np.random.default_rng(5)
    n = 8
    values = rng.normal(size=1 << n)
    values[0] = 0
    game = Game(range(n), values)
    np.testing.assert_allclose(myerson(game, nx.complete_graph(n)).to_numpy(),
                               shapley(game).to_numpy(), atol=1e-12)
    graph = nx.gnp_random_graph(n, 0.3, seed=3)
    restricted = graph_restricted(game, graph)
    for mask in range(1 << n):
        members = [i for i in range(n) if mask >> i & 1]
        expected = sum(values[sum(1 << i for i in c)]
                       for c in nx.connected_components(graph.subgraph(members)))
        assert restricted.values[mask] == pytest.approx(expected, abs=1e-12)
    majority = Game.from_function("abc", lambda s: float(len(s) >= 2))
    np.testing.assert_allclose(myerson(majority, nx.path_graph("abc")).to_numpy(),
                               [1 / 6, 2 / 3, 1 / 6])
    with pytest.raises(ValueError, match="Ecosystem or a networkx graph"):
        myerson(majority, [("a", "b")])


def test_least_core_over_imputations():
    """v({a, b}) = 10, v(N) = 2: over efficient allocations epsilon = 4 (x_c = -4 pays the
    pair); over imputations x_c >= 0 forces epsilon = 8 (worked by hand)."""
    game = Game.from_dict({"a": 0, "b": 0, "c": 0, ("a", "b"): 10, ("a", "c"): 0,
                           ("b", "c"): 0, ("a", "b", "c"): 2})
    assert least_core(game).epsilon == pytest.approx(4)
    restricted = least_core(game, imputations=True)
    assert restricted.epsilon == pytest.approx(8)
    assert restricted.allocation.min() >= -1e-9
    with pytest.raises(GameError, match="imputation set is empty"):
        least_core(Game.from_dict({"a": 2, "b": 2, ("a", "b"): 3}), imputations=True)
