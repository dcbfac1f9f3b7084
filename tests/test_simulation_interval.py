"""The t-interval of the simulation's tables against scipy.stats and a hand-checked one."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from ecosystem.simulation._result import interval

VALUES = hnp.arrays(float, st.tuples(st.integers(1, 4), st.integers(2, 12)),
                    elements=st.floats(-1e6, 1e6))


@settings(max_examples=200, deadline=None)
@given(VALUES, st.sampled_from([0.5, 0.9, 0.95, 0.99]))
def test_bounds_are_scipys_t_interval(values, confidence):
    """Row by row, scipy.stats.t.interval around the mean with the standard error of the
    mean (sample standard deviation over the square root of the count)."""
    from scipy import stats
    mean, low, high = interval(values, confidence)
    for row, m, lo, hi in zip(values, mean, low, high):
        assert np.isclose(m, row.mean(), rtol=1e-12, atol=1e-9)
        spread = row.std(ddof=1)
        if spread == 0:
            assert lo == hi == m
            continue
        ref_low, ref_high = stats.t.interval(confidence, len(row) - 1, loc=row.mean(),
                                             scale=spread / np.sqrt(len(row)))
        assert np.isclose(lo, ref_low, rtol=1e-9, atol=1e-9)
        assert np.isclose(hi, ref_high, rtol=1e-9, atol=1e-9)


def test_one_replication_has_no_interval():
    mean, low, high = interval(np.array([[3.0], [4.0]]), 0.95)
    assert mean.tolist() == [3.0, 4.0]
    assert np.isnan(low).all() and np.isnan(high).all()


def test_half_width_of_a_hand_checked_interval():
    """Values 1, 2, 3: mean 2, sample sd 1, t(0.975, 2) = 4.302653, so the half-width is
    4.302653 / sqrt(3) = 2.484138 (any statistics table)."""
    mean, low, high = interval(np.array([[1.0, 2.0, 3.0]]), 0.95)
    assert mean.tolist() == [2.0]
    assert np.allclose(high - mean, 2.484138, atol=1e-6)
    assert np.allclose(mean - low, 2.484138, atol=1e-6)
