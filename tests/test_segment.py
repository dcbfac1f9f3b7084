"""Fuzzy c-means (ecosystem.segment)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from ecosystem import Ecosystem, ParameterError
from ecosystem.segment import fuzzy_cmeans, segment_members


def _blobs(seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]])
    x = np.vstack([rng.normal(c, 0.3, (30, 2)) for c in centres])
    return x, np.repeat([0, 1, 2], 30), centres


def test_recovers_separable_clusters():
    x, truth, centres = _blobs()
    fit = fuzzy_cmeans(x, 3, seed=2)
    labels = fit.labels.to_numpy()
    # each true cluster maps to exactly one segment and the three segments differ
    mapping = {t: set(labels[truth == t]) for t in range(3)}
    assert all(len(s) == 1 for s in mapping.values())
    assert len(set.union(*mapping.values())) == 3
    found = fit.centres.to_numpy()
    assert np.allclose(np.sort(found, axis=0), np.sort(centres, axis=0), atol=0.2)
    assert fit.converged and fit.partition_coefficient > 0.9


def test_two_point_closed_form():
    """Two points, two centres: the optimum puts one centre on each point, memberships crisp."""
    fit = fuzzy_cmeans(np.array([[0.0], [1.0]]), 2, seed=0, tol=1e-12, max_iter=2000)
    assert np.allclose(np.sort(fit.centres.to_numpy().ravel()), [0.0, 1.0], atol=1e-4)
    assert fit.objective == pytest.approx(0.0, abs=1e-6)


def test_membership_formula_one_step():
    """One update from fixed centres equals Bezdek's u_ik = 1 / sum_j (d_ik/d_ij)^(2/(m-1))."""
    x = np.array([[0.0], [1.0], [3.0]])
    u0 = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    fit = fuzzy_cmeans(x, 2, m=2.0, initial_memberships=u0, max_iter=1)
    w = u0 ** 2
    v = (w.T @ x) / w.sum(axis=0)[:, None]
    d = np.abs(x - v.T)
    expected = 1.0 / ((d[:, :, None] / d[:, None, :]) ** 2).sum(axis=2)
    assert np.allclose(fit.memberships.to_numpy(), expected)


def test_objective_never_increases_and_seed_reproducible():
    x, _, _ = _blobs(3)
    a = fuzzy_cmeans(x, 4, m=1.7, seed=11)
    b = fuzzy_cmeans(x, 4, m=1.7, seed=11)
    assert np.all(np.diff(a.history) <= 1e-9 * a.history[0])
    pd.testing.assert_frame_equal(a.memberships, b.memberships)


@settings(max_examples=40, deadline=None)
@given(arrays(float, st.tuples(st.integers(3, 25), st.integers(1, 4)),
              elements=st.floats(-100, 100)),
       st.integers(2, 3), st.floats(1.2, 4.0), st.integers(0, 2**16))
def test_memberships_sum_to_one(x, c, m, seed):
    fit = fuzzy_cmeans(x, c, m=m, seed=seed, max_iter=50)
    u = fit.memberships.to_numpy()
    assert np.all(u >= 0) and np.allclose(u.sum(axis=1), 1.0)
    assert np.isfinite(fit.objective)


def test_segment_members_by_attribute_and_table():
    eco = Ecosystem()
    sizes = [1, 2, 1, 50, 52, 49]
    for i, size in enumerate(sizes):
        eco.add_member(f"f{i}", "manufacturer", employees=size)
    eco.add_member("lg", "logistics")  # no employees: left out
    fit = segment_members(eco, ["employees"], 2, seed=0)
    assert list(fit.memberships.index) == [f"f{i}" for i in range(6)]
    assert fit.labels["f0"] == fit.labels["f2"] != fit.labels["f4"]
    table = pd.DataFrame({"x": sizes}, index=[f"f{i}" for i in range(6)])
    fit2 = segment_members(eco, table, 2, seed=0)
    assert (fit2.labels == fit.labels).all()


@pytest.mark.parametrize("kwargs, match", [
    ({"n_clusters": 1}, "n_clusters"),
    ({"n_clusters": 9}, "n_clusters"),
    ({"n_clusters": 2, "m": 1.0}, "fuzzifier"),
    ({"n_clusters": 2, "initial_memberships": np.ones((4, 2))}, "initial_memberships"),
])
def test_bad_parameters(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        fuzzy_cmeans(np.arange(8.0).reshape(4, 2), **kwargs)


def test_bad_data():
    with pytest.raises(ParameterError, match="NaN"):
        fuzzy_cmeans(np.array([[0.0], [np.nan], [1.0]]), 2)
    with pytest.raises(ParameterError, match="numeric"):
        fuzzy_cmeans(pd.DataFrame({"a": ["x", "y", "z"]}), 2)
    eco = Ecosystem()
    eco.add_member("a", "supplier", size="big")
    eco.add_member("b", "supplier", size=3)
    with pytest.raises(ParameterError, match="non-numeric"):
        segment_members(eco, ["size"], 2)
