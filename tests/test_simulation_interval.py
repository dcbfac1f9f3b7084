"""The t-interval of the simulation's tables: numpy's own mean and standard deviation, bit
for bit, and the half-width of a textbook t-interval."""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from ecosystem.simulation._result import interval

VALUES = hnp.arrays(float, hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=12),
                    elements=st.floats(-1e12, 1e12) | st.sampled_from([0.0, -0.0, np.nan]))


@settings(max_examples=300, deadline=None)
@given(VALUES, st.sampled_from([0.5, 0.9, 0.95, 0.99]))
def test_mean_and_bounds_are_numpys_bit_for_bit(values, confidence):
    from scipy.special import stdtrit
    mean, low, high = interval(values, confidence)
    count = values.shape[-1]
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy's mean of no values
        expected = values.mean(axis=-1)
        assert np.array_equal(mean, expected, equal_nan=True)
        if count < 2:
            assert np.isnan(low).all() and np.isnan(high).all()
            return
        half = stdtrit(count - 1, 0.5 + confidence / 2) * values.std(axis=-1, ddof=1) \
            / np.sqrt(count)
    assert np.array_equal(low, expected - half, equal_nan=True)
    assert np.array_equal(high, expected + half, equal_nan=True)


def test_half_width_of_a_hand_checked_interval():
    """Values 1, 2, 3: mean 2, sample sd 1, t(0.975, 2) = 4.302653, so the half-width is
    4.302653 / sqrt(3) = 2.484138 (any statistics table)."""
    mean, low, high = interval(np.array([[1.0, 2.0, 3.0]]), 0.95)
    assert mean.tolist() == [2.0]
    assert np.allclose(high - mean, 2.484138, atol=1e-6)
    assert np.allclose(mean - low, 2.484138, atol=1e-6)
