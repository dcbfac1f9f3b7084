"""ecosystem.benefit: the Shapley axioms and other invariants as hypothesis properties."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ecosystem.benefit import (Game, banzhaf, in_core, kohlberg, least_core, myerson, nucleolus,
                               owen, shapley, shapley_estimate)

VALUES = st.floats(-100, 100, allow_nan=False, allow_infinity=False)


@st.composite
def games(draw, min_players=1, max_players=6):
    n = draw(st.integers(min_players, max_players))
    values = draw(arrays(np.float64, 1 << n, elements=VALUES))
    values[0] = 0.0
    return Game([f"p{i}" for i in range(n)], values)


def swap_bits(masks, i, j):
    bi, bj = (masks >> i) & 1, (masks >> j) & 1
    return masks ^ ((bi ^ bj) << i) ^ ((bi ^ bj) << j)


@given(games())
def test_efficiency(game):
    assert shapley(game).sum() == pytest.approx(game.grand_value, abs=1e-9)


@given(games(), st.integers(0, 2 ** 32 - 1))
def test_permutation_estimate_is_efficient(game, seed):
    """Every sampled order's marginal contributions add up to v(N), so the estimate does."""
    est = shapley_estimate(game, "permutation", replications=12, seed=seed)
    assert est.value.sum() == pytest.approx(game.grand_value, abs=1e-8)


@given(games(min_players=2), st.data())
def test_symmetry(game, data):
    i, j = data.draw(st.lists(st.integers(0, game.n - 1), min_size=2, max_size=2, unique=True))
    masks = np.arange(1 << game.n)
    symmetric = Game(game.players, (game.values + game.values[swap_bits(masks, i, j)]) / 2)
    phi = shapley(symmetric).to_numpy()
    assert phi[i] == pytest.approx(phi[j], abs=1e-9)
    beta = banzhaf(symmetric).to_numpy()
    assert beta[i] == pytest.approx(beta[j], abs=1e-9)


@given(games(min_players=2), st.data())
def test_null_player(game, data):
    k = data.draw(st.integers(0, game.n - 1))
    masks = np.arange(1 << game.n)
    null = Game(game.players, game.values[masks & ~(1 << k)])  # v(S) = v(S without k)
    assert shapley(null).iloc[k] == pytest.approx(0, abs=1e-9)
    assert banzhaf(null).iloc[k] == pytest.approx(0, abs=1e-9)


@given(games(), st.data())
def test_additivity(game, data):
    other = Game(game.players, data.draw(arrays(np.float64, 1 << game.n, elements=VALUES)) *
                 np.r_[0.0, np.ones((1 << game.n) - 1)])
    np.testing.assert_allclose(shapley(game + other).to_numpy(),
                               shapley(game).to_numpy() + shapley(other).to_numpy(), atol=1e-9)


@given(games(min_players=2, max_players=5))
def test_prenucleolus_is_in_least_core_and_passes_kohlberg(game):
    x = nucleolus(game, imputations=False)
    assert x.sum() == pytest.approx(game.grand_value, abs=1e-7)
    assert kohlberg(game, x, imputations=False, tol=1e-6)
    lc = least_core(game)
    excess = game.values - game.coalition_sums(x.to_numpy())
    assert excess[1:-1].max() == pytest.approx(lc.epsilon, abs=1e-6)
    if lc.epsilon <= -1e-7:
        assert in_core(game, x, tol=1e-7)


@given(games(min_players=2, max_players=6), st.data())
def test_owen_efficiency_and_union_quotient(game, data):
    """Owen value: efficient; each union receives its Shapley value in the quotient game."""
    labels = data.draw(st.lists(st.integers(0, 2), min_size=game.n, max_size=game.n))
    unions = [[p for p, l in zip(game.players, labels) if l == k] for k in sorted(set(labels))]
    x = owen(game, unions)
    assert x.sum() == pytest.approx(game.grand_value, abs=1e-9)
    union_masks = [game.mask(u) for u in unions]
    quotient = Game(range(len(unions)), np.array([
        game.values[sum(union_masks[k] for k in range(len(unions)) if m >> k & 1)]
        for m in range(1 << len(unions))]))
    np.testing.assert_allclose([x[u].sum() for u in unions], shapley(quotient).to_numpy(),
                               atol=1e-9)


@given(games(min_players=2, max_players=6), st.data())
def test_myerson_component_efficiency(game, data):
    """Myerson (1977): each connected component receives exactly its own value."""
    import networkx as nx
    pairs = [(a, b) for i, a in enumerate(game.players) for b in game.players[i + 1:]]
    chosen = data.draw(st.lists(st.sampled_from(pairs), max_size=len(pairs), unique=True))
    graph = nx.Graph(chosen)
    graph.add_nodes_from(game.players)
    x = myerson(game, graph)
    for component in nx.connected_components(graph):
        assert x[list(component)].sum() == pytest.approx(game(component), abs=1e-9)


@given(games(min_players=2, max_players=5), st.data())
def test_kohlberg_rejects_every_other_allocation(game, data):
    """The prenucleolus is unique (Schmeidler 1969), so Kohlberg's criterion must fail for
    any other efficient allocation, however close."""
    x = nucleolus(game, imputations=False).to_numpy()
    shift = np.array(data.draw(st.lists(st.floats(-1, 1), min_size=game.n, max_size=game.n)))
    shift -= shift.mean()
    if np.abs(shift).max() < 1e-3:
        shift = np.zeros(game.n)
        shift[0], shift[1] = 1e-3, -1e-3
    assert not kohlberg(game, x + shift, imputations=False, tol=1e-7)


@given(games(min_players=2, max_players=5))
def test_nucleolus_is_an_imputation_in_the_least_core(game):
    """Over imputations (Schmeidler 1969): x is an imputation whose largest excess is the
    least-core epsilon over imputations, it lies in the core whenever the core has a
    point, and it passes Kohlberg's criterion with the singleton completion."""
    values = game.values.copy()
    singles = 1 << np.arange(game.n)
    values[-1] = max(values[-1], values[singles].sum())  # imputations exist
    game = Game(game.players, values)
    x = nucleolus(game)
    assert x.sum() == pytest.approx(values[-1], abs=1e-7)
    assert np.all(x.to_numpy() >= values[singles] - 1e-7)
    assert kohlberg(game, x, tol=1e-6)
    excess = values - game.coalition_sums(x.to_numpy())
    assert excess[1:-1].max() == pytest.approx(least_core(game, imputations=True).epsilon,
                                               abs=1e-6)
    if least_core(game).epsilon <= -1e-7:
        assert in_core(game, x, tol=1e-7)
