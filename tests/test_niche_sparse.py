"""Niche indices on sparse use (ecosystem.niche._sparse) against the dense path.

Every sparse result is compared with the dense function on the same table (itself
tested against the textbook formulas in test_niche.py): breadth, the community mean
(closed forms and blocked products) and the competing pairs (blocked sparse
products filtered by the threshold), with blocks of a few pairs so that many blocks
are joined.
"""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings, strategies as st

import networks
from ecosystem._errors import MemoryNeedError
from ecosystem.niche import (SparseUtilization, breadth, competition_pairs, mean_overlap,
                             null_model, overlap, resource_matrix)
from ecosystem.niche import _sparse

PRODUCT = ["pianka", "macarthur_levins", "morisita_horn", "morisita", "hurlbert"]


def _use(seed, n=120, r=60, empty_rows=0, counts=True):
    """Each member uses 1-5 resources; a few popular resources many use."""
    rng = np.random.default_rng(seed)
    U = np.zeros((n, r))
    for i in range(n):
        k = rng.integers(1, 6)
        weights = np.linspace(3, 1, r)
        picks = rng.choice(r, size=k, replace=False, p=weights / weights.sum())
        U[i, picks] = rng.integers(2, 9, size=k) if counts else rng.uniform(0.1, 5, size=k)
    U[rng.choice(n, size=empty_rows, replace=False)] = 0.0
    frame = pd.DataFrame(U, index=[f"m{i}" for i in range(n)], columns=[f"p{k}" for k in range(r)])
    return frame, SparseUtilization(sp.csr_array(U), frame.index, frame.columns)


def _options(method, r):
    return {"availability": np.linspace(1, 2, r)} if method == "hurlbert" else {}


def _same_pairs(sparse, dense):
    """The same pairs with the same overlaps to rounding (pairs whose overlaps tie may
    swap places, their values differing in the last bits)."""
    assert len(sparse) == len(dense)
    merged = dense.merge(sparse, on=["member", "competitor"], how="outer")
    assert not merged.isna().any().any()
    assert np.allclose(merged.overlap_x, merged.overlap_y, rtol=1e-12, atol=0)
    assert (np.diff(sparse["overlap"]) <= 0).all()  # strongest first


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(_sparse, "_PAIRS_PER_BLOCK", 40)


@pytest.mark.parametrize("method", ["levins", "levins_standardized", "shannon"])
def test_breadth_is_the_dense_breadth(method):
    frame, use = _use(1, empty_rows=4)
    dense = breadth(frame, method, empty="nan")
    sparse = breadth(use, method, empty="nan")
    assert sparse.index.equals(dense.index) and sparse.name == dense.name
    assert np.allclose(sparse, dense, rtol=1e-13, atol=0, equal_nan=True)
    assert sparse.isna().sum() == 4


@pytest.mark.parametrize("method", PRODUCT)
def test_mean_overlap_is_the_dense_mean(method, small_blocks):
    frame, use = _use(2, empty_rows=3)
    options = _options(method, frame.shape[1])
    dense = mean_overlap(frame, method, empty="nan", **options)
    assert mean_overlap(use, method, empty="nan", **options) == pytest.approx(dense, rel=1e-12)


@pytest.mark.parametrize("method", PRODUCT)
# not 0.05 or 0.5: counts give overlaps of exactly such values, which rounding in another
# order of summation can put on either side
@pytest.mark.parametrize("threshold", [0.0501, 0.5003, 0.9007])
def test_competition_pairs_are_the_dense_pairs(method, threshold, small_blocks):
    frame, use = _use(3, empty_rows=2)
    options = _options(method, frame.shape[1])
    dense = competition_pairs(frame, method, threshold, empty="nan", **options)
    sparse = competition_pairs(use, method, threshold, empty="nan", **options)
    assert len(dense) > 0
    _same_pairs(sparse, dense)
    top = competition_pairs(use, method, threshold, empty="nan", top=3, **options)
    assert top.equals(sparse.head(3))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from(PRODUCT), st.floats(0.01, 1.0))
def test_any_sparse_use_gives_the_dense_pairs(seed, method, threshold):
    frame, use = _use(seed, n=40, r=25)
    options = _options(method, frame.shape[1])
    dense = competition_pairs(frame, method, threshold, **options)
    sparse = competition_pairs(use, method, threshold, **options)
    # the same pairs, unless a value lies within rounding of the threshold
    near = np.isclose(dense["overlap"], threshold, rtol=1e-12) .any() or \
        np.isclose(sparse["overlap"], threshold, rtol=1e-12).any()
    if not near:
        _same_pairs(sparse, dense)
    assert mean_overlap(use, method, **options) == pytest.approx(
        mean_overlap(frame, method, **options), rel=1e-12)


def test_unlabelled_scipy_matrices_work_like_arrays():
    frame, _ = _use(4)
    matrix = sp.csr_matrix(frame.to_numpy())
    assert np.allclose(breadth(matrix), breadth(frame.to_numpy()), rtol=1e-13)
    _same_pairs(competition_pairs(matrix, "pianka", 0.3),
                competition_pairs(frame.to_numpy(), "pianka", 0.3))


@pytest.mark.parametrize("method", ["czekanowski", "horn"])
def test_indices_without_a_product_form_go_dense(method):
    frame, use = _use(5, n=50)
    assert np.array_equal(competition_pairs(use, method, 0.2).overlap,
                          competition_pairs(frame, method, 0.2).overlap)
    assert mean_overlap(use, method) == mean_overlap(frame, method)
    assert np.array_equal(overlap(use, method).to_numpy(), overlap(frame, method).to_numpy())


def test_threshold_zero_lists_pairs_that_share_nothing():
    frame, use = _use(6, n=30)
    dense = competition_pairs(frame, "pianka", 0.0)
    assert len(dense) == 30 * 29 // 2
    assert competition_pairs(use, "pianka", 0.0).equals(dense)  # the dense path itself


def test_empty_rows_raise_by_default_and_the_null_model_densifies():
    frame, use = _use(7, n=30, empty_rows=1)
    with pytest.raises(Exception, match="use no resource"):
        breadth(use)
    kept = use.rows(use.totals() > 0)
    assert kept.shape == (29, frame.shape[1])
    a = null_model(kept, "ra3", "pianka", replications=20, seed=1)
    b = null_model(kept.to_frame(), "ra3", "pianka", replications=20, seed=1)
    assert a.observed == b.observed and np.array_equal(a.simulated, b.simulated)


def test_resource_matrix_sparse_is_the_dense_table():
    eco = networks.industrial_belt(300, seed=2)
    dense = resource_matrix(eco, drop_empty=False)
    use = resource_matrix(eco, sparse=True, drop_empty=False)
    assert isinstance(use, SparseUtilization)
    assert use.to_frame().equals(dense)
    kept = resource_matrix(eco, sparse=True)
    assert kept.to_frame().equals(resource_matrix(eco))


def test_a_dense_table_beyond_the_memory_limit_is_refused_first(monkeypatch):
    eco = networks.industrial_belt(300, seed=2)
    n, r = resource_matrix(eco, sparse=True, drop_empty=False).shape
    used = resource_matrix(eco, sparse=True).shape[0]
    unlimited = competition_pairs(resource_matrix(eco, sparse=True), "pianka", 0.5)
    monkeypatch.setenv("ECOBELT_MEMORY_LIMIT", str(8 * min(n * r, used * used) - 1))
    with pytest.raises(MemoryNeedError, match="sparse=True") as error:
        resource_matrix(eco, drop_empty=False)
    assert str(error.value).count("\n") == 0 and f"{n:,} x {r:,}" in str(error.value)
    use = resource_matrix(eco, sparse=True)  # the sparse table needs no dense memory
    pairs = competition_pairs(use, "pianka", 0.5)
    assert len(pairs) > 0 and pairs.equals(unlimited)
    with pytest.raises(MemoryNeedError, match="competition_pairs"):
        overlap(use)


def test_bad_sparse_tables_are_parameter_errors():
    with pytest.raises(ValueError, match=">= 0"):
        SparseUtilization(sp.csr_array(np.array([[1.0, -1.0]])), pd.Index(["a"]),
                          pd.Index(["x", "y"]))
    with pytest.raises(ValueError, match="duplicate"):
        SparseUtilization(sp.csr_array(np.ones((2, 1))), pd.Index(["a", "a"]), pd.Index(["x"]))
    with pytest.raises(ValueError, match="2 members x 2 resources"):
        SparseUtilization(sp.csr_array(np.ones((2, 1))), pd.Index(["a", "b"]),
                          pd.Index(["x", "y"]))


def _guild_pairs_by_loop(frame, method, threshold, roles, across_roles):
    """The reference: every pair of the dense overlap matrix, kept when the overlap reaches
    the threshold and, unless across_roles, both members have the same known role."""
    matrix = overlap(frame, method).to_numpy()
    members, rows = list(frame.index), []
    symmetric = method != "macarthur_levins"
    for i, member in enumerate(members):
        for j, competitor in enumerate(members):
            if i == j or (symmetric and j < i) or matrix[i, j] < threshold:
                continue
            if not across_roles and (member not in roles or competitor not in roles
                                     or roles[member] != roles[competitor]):
                continue
            rows.append((member, competitor, matrix[i, j]))
    return pd.DataFrame(rows, columns=["member", "competitor", "overlap"])


@pytest.mark.parametrize("method", ["pianka", "macarthur_levins", "morisita_horn"])
@pytest.mark.parametrize("across_roles", [False, True])
def test_pairs_within_roles_are_the_dense_pairs_and_the_loops(method, across_roles,
                                                              small_blocks):
    frame, use = _use(11, n=60, r=20, counts=False)  # no overlap exactly at the threshold
    roles = {m: ("shop", "bank", "mill")[k % 3] for k, m in enumerate(frame.index) if k != 4}
    sparse = competition_pairs(use, method, 0.3, roles=roles, across_roles=across_roles)
    dense = competition_pairs(frame, method, 0.3, roles=roles, across_roles=across_roles)
    columns = ["member", "competitor", "overlap"]
    _same_pairs(sparse[columns], dense[columns])
    assert sparse["role"].tolist() == [roles.get(m) for m in sparse["member"]]
    _same_pairs(sparse[columns], _guild_pairs_by_loop(frame, method, 0.3, roles, across_roles))
    if not across_roles:
        assert "m4" not in set(sparse["member"]) | set(sparse["competitor"])
        assert (sparse["member"].map(roles) == sparse["competitor"].map(roles)).all()
    top = competition_pairs(use, method, 0.3, roles=roles, across_roles=across_roles, top=5)
    assert top["overlap"].tolist() == sparse["overlap"].head(5).tolist()


def _belt_report(table, method, across_roles):
    return (breadth(table, "levins"), mean_overlap(table, method),
            competition_pairs(table, method, 0.5, across_roles=across_roles))


def _same_report(eco, method, across_roles):
    use = resource_matrix(eco, sparse=True)
    frame = resource_matrix(eco)
    assert use.attrs == frame.attrs  # the roles (guilds), the flows and their units
    widths, mean, pairs = _belt_report(use, method, across_roles)
    dense_widths, dense_mean, dense_pairs = _belt_report(frame, method, across_roles)
    pd.testing.assert_series_equal(widths, dense_widths, rtol=1e-12)
    assert mean == pytest.approx(dense_mean, rel=1e-12)
    assert list(pairs.columns) == list(dense_pairs.columns)
    _same_pairs(pairs[["member", "competitor", "overlap"]],
                dense_pairs[["member", "competitor", "overlap"]])
    assert pairs.drop(columns="overlap").sort_values(["member", "competitor"]).reset_index(
        drop=True).equals(dense_pairs.drop(columns="overlap").sort_values(
            ["member", "competitor"]).reset_index(drop=True))
    return pairs


@pytest.mark.parametrize("name", ["archetype", "cross_border_belt", "industrial_belt",
                                  "rural_cluster"])
@pytest.mark.parametrize("method", ["pianka", "macarthur_levins", "morisita_horn"])
def test_bundled_belts_give_the_dense_report(name, method):
    eco = networks.example(name)
    within = _same_report(eco, method, across_roles=False)
    across = _same_report(eco, method, across_roles=True)
    assert len(within) <= len(across)


@given(n_firms=st.integers(20, 400), seed=st.integers(0, 2**32 - 1),
       method=st.sampled_from(["pianka", "macarthur_levins", "morisita_horn"]),
       across_roles=st.booleans())
@settings(max_examples=15)
def test_random_belts_give_the_dense_report(n_firms, seed, method, across_roles):
    _same_report(networks.industrial_belt(n_firms, seed=seed), method, across_roles)


@given(n_shops=st.integers(5, 200), seed=st.integers(0, 2**32 - 1), across_roles=st.booleans())
@settings(max_examples=10)
def test_random_villages_give_the_dense_report(n_shops, seed, across_roles):
    _same_report(networks.rural_cluster(n_shops, seed=seed), "pianka", across_roles)
