"""Zhu Chunquan's state-potential niche and niche suitability (ecosystem.niche)."""

import numpy as np
import pandas as pd
import pytest

from ecosystem import ParameterError
from ecosystem.niche import state_potential, suitability

S = pd.DataFrame({"sales": [60.0, 30.0, 10.0], "customers": [10.0, 20.0, 20.0]},
                 index=["a", "b", "c"])
P = pd.DataFrame({"sales": [0.0, 10.0, 10.0], "customers": [5.0, 0.0, -10.0]},
                 index=["a", "b", "c"])


def test_state_potential_by_hand():
    """Zhu (1997) N_i = (S_i + A P_i) / sum_j (S_j + A P_j), A = 1:
    sales (60, 40, 20) / 120; customers (15, 20, 10) / 45; weights 3:2 -> 0.6, 0.4."""
    result = state_potential(S, P, weights=[3, 2])
    assert result["sales"].tolist() == pytest.approx([60 / 120, 40 / 120, 20 / 120])
    assert result["customers"].tolist() == pytest.approx([15 / 45, 20 / 45, 10 / 45])
    assert result["niche"].tolist() == pytest.approx(
        [0.6 * 0.5 + 0.4 * 15 / 45, 0.6 * 40 / 120 + 0.4 * 20 / 45,
         0.6 * 20 / 120 + 0.4 * 10 / 45])
    assert result[["sales", "customers", "niche"]].sum().tolist() == pytest.approx([1, 1, 1])
    assert list(result.index) == ["a", "b", "c"]


def test_state_potential_scale_per_dimension_and_weights_by_name():
    """A = 2 years for sales: (60 + 0, 30 + 20, 10 + 20) / 140."""
    result = state_potential(S, P, scale=pd.Series({"customers": 1.0, "sales": 2.0}),
                             weights={"sales": 1, "customers": 0})
    assert result["sales"].tolist() == pytest.approx([60 / 140, 50 / 140, 30 / 140])
    assert result["niche"].tolist() == pytest.approx(result["sales"].tolist())


def test_state_potential_zero_potential_is_the_state_share():
    result = state_potential([[3.0], [1.0]], [[0.0], [0.0]])
    assert result["niche"].tolist() == pytest.approx([0.75, 0.25])


def test_state_potential_errors():
    with pytest.raises(ParameterError, match=r"'c', dimension 'customers': S \+ A P = -10"):
        state_potential(S, P, scale=3.0)
    with pytest.raises(ParameterError, match="shape"):
        state_potential(S, P.iloc[:2])
    with pytest.raises(ParameterError, match="same members"):
        state_potential(S, P.rename(index={"c": "z"}))
    with pytest.raises(ParameterError, match="state must be >= 0"):
        state_potential(-S, P * 0)
    with pytest.raises(ParameterError, match="every member has S \\+ A P = 0"):
        state_potential([[0.0], [0.0]], [[0.0], [0.0]])
    with pytest.raises(ParameterError, match="weights has 3 values for 2"):
        state_potential(S, P, weights=[1, 1, 1])
    with pytest.raises(ParameterError, match="not all zero"):
        state_potential(S, P, weights=[0, 0])
    with pytest.raises(ParameterError, match="missing or infinite"):
        state_potential([[np.nan]], [[1.0]])


X = pd.DataFrame({"output": [10.0, 5.0, 8.0], "cost": [2.0, 4.0, 3.0]}, index=["a", "b", "c"])


def test_suitability_by_hand():
    """Standardised by column max: output (1, .5, .8), cost (.5, 1, .75); ideal (1, .5) since
    cost is negative; deviations a (0, 0), b (.5, .5), c (.2, .25); d_min 0, d_max .5;
    eps .5: F = mean of (0 + .25) / (d + .25)."""
    F = suitability(X, negative=["cost"])
    assert F.name == "suitability"
    assert F.tolist() == pytest.approx([1.0, 0.25 / 0.75, (0.25 / 0.45 + 0.25 / 0.5) / 2])
    weighted = suitability(X, negative=["cost"], weights=[3, 1])
    assert weighted["c"] == pytest.approx(0.75 * 0.25 / 0.45 + 0.25 * 0.25 / 0.5)


def test_suitability_epsilon_auto_scores_the_mean_deviation_one_half():
    """d_mean = (0 + 0 + .5 + .5 + .2 + .25) / 6; eps = (d_mean - 2 * 0) / .5."""
    d_mean = 1.45 / 6
    eps = d_mean / 0.5
    F = suitability(X, negative=["cost"], epsilon="auto")
    assert F["b"] == pytest.approx((eps * 0.5) / (0.5 + eps * 0.5))
    assert (eps * 0.5) / (d_mean + eps * 0.5) == pytest.approx(0.5)


def test_suitability_with_an_ideal_point_and_minmax():
    """Ideal (12, 1): max-standardised over members and ideal, output / 12, cost / 4."""
    F = suitability(X, ideal=[12.0, 1.0])
    dev = np.abs(np.array([[10, 2], [5, 4], [8, 3]]) / [12, 4] - np.array([12, 1]) / [12, 4])
    expected = ((dev.min() + 0.5 * dev.max()) / (dev + 0.5 * dev.max())).mean(axis=1)
    assert F.tolist() == pytest.approx(expected.tolist())
    # min-max: output (1, 0, .6), cost (0, 1, .5); ideal (1, 0); d_max = 1
    G = suitability(X, negative=["cost"], standardize="minmax")
    assert G.tolist() == pytest.approx([1.0, 0.5 / 1.5, (0.5 / 0.9 + 0.5 / 1.0) / 2])


def test_suitability_everyone_at_the_ideal_scores_one():
    assert suitability(np.array([[2.0, 3.0], [2.0, 3.0]])).tolist() == [1.0, 1.0]


def test_suitability_errors():
    with pytest.raises(ParameterError, match="epsilon must be in"):
        suitability(X, epsilon=0)
    with pytest.raises(ParameterError, match="epsilon must be in"):
        suitability(X, epsilon=1.5)
    with pytest.raises(ParameterError, match="epsilon='auto' gives"):
        suitability(np.array([[1.0], [1.0]]), ideal=[2.0], epsilon="auto")
    with pytest.raises(ParameterError, match="not columns of X"):
        suitability(X, negative=["price"])
    with pytest.raises(ParameterError, match="one finite value per factor"):
        suitability(X, ideal=[1.0])
    with pytest.raises(ParameterError, match="standardize='max' needs values >= 0"):
        suitability(-X)
    with pytest.raises(ParameterError, match="standardize must be"):
        suitability(X, standardize="zscore")
