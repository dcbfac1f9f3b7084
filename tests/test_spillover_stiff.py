"""Stiff heat diffusion by the shift-and-invert Krylov method (ecosystem.spillover._heat).

The reference is the dense matrix exponential ``scipy.linalg.expm`` of the same
generator. Graphs larger than the Krylov basis's cap (150 vectors) make sure the basis
is truncated, so the comparison tests the rational approximation and not an exhausted,
exact subspace.
"""

import numpy as np
import pytest
import scipy.linalg
import scipy.sparse as sp
from hypothesis import given, settings, strategies as st

from ecosystem import Ecosystem
from ecosystem._threads import one_blas_thread
from ecosystem.spillover import _heat, heat, laplacian


def _stiff_generator(n, seed, hubs=3, links_per_member=3, spread=5.0):
    """-L of a random directed graph with volumes from 1 to 10**spread and a few hubs
    linked to and from many members (a belt's platforms)."""
    rng = np.random.default_rng(seed)
    rows = np.concatenate([rng.integers(0, n, n * links_per_member),
                           rng.integers(0, hubs, n), rng.integers(hubs, n, n)])
    cols = np.concatenate([rng.integers(0, n, n * links_per_member),
                           rng.integers(hubs, n, n), rng.integers(0, hubs, n)])
    keep = rows != cols
    a = sp.coo_array((10 ** rng.uniform(0, spread, keep.sum()), (rows[keep], cols[keep])),
                     shape=(n, n)).tocsr()
    a.sum_duplicates()
    lap = sp.diags_array(np.asarray(a.sum(axis=0)).ravel()) - a.T
    return (-lap).tocsc()


def _expm_levels(generator, x0, times):
    """The reference: scipy.linalg.expm of the dense generator at each time (on one BLAS
    thread, which on a busy machine is several times faster for these sizes)."""
    dense = generator.toarray()
    with one_blas_thread():
        return np.stack([scipy.linalg.expm(t * dense) @ x0 for t in times])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_truncated_basis_matches_the_dense_exponential(seed):
    n = 300
    generator = _stiff_generator(n, seed)
    rng = np.random.default_rng(10 + seed)
    x0 = rng.uniform(-1, 1, n) * (rng.random(n) < 0.1)
    times = np.array([0.0, 0.5, 2.0, 10.0])
    assert _heat._norm_bound(generator) * times[-1] > _heat._STIFF  # the stiff path
    levels = _heat._shift_invert(generator, x0, times)
    assert levels is not None  # converged within 150 < n vectors: a truncated basis
    expected = _expm_levels(generator, x0, times)
    assert np.abs(levels - expected).max() <= 1e-8 * np.abs(x0).max()
    assert np.array_equal(levels[0], x0)


@settings(max_examples=25, deadline=None)
@given(st.integers(5, 60), st.integers(0, 10**6), st.floats(1.0, 6.0),
       st.lists(st.one_of(st.floats(0.0, 50.0), st.floats(0.0, 1e-3)), min_size=1, max_size=4))
def test_any_stiff_graph_and_times_against_expm(n, seed, spread, times):
    generator = _stiff_generator(n, seed, hubs=min(3, n - 1), spread=spread)
    x0 = np.random.default_rng(seed).uniform(-2, 2, n)
    times = np.unique(times)
    levels = _heat._shift_invert(generator, x0, times)
    expected = _expm_levels(generator, x0, times)
    assert np.abs(levels - expected).max() <= 1e-8 * np.abs(x0).max()


def test_heat_falls_back_to_the_integrator_when_the_basis_is_full(monkeypatch):
    generator = _stiff_generator(400, 3)
    x0 = np.zeros(400)
    x0[5] = 1.0
    times = np.array([1.0, 10.0])
    assert _heat._shift_invert(generator, x0, times, max_size=5) is None
    eco = Ecosystem()
    members = [f"m{i}" for i in range(400)]
    for member in members:
        eco.add_member(member, "online_shop")
    coo = (-generator).tocoo()  # L = D - A^T: the off-diagonal -A^T gives the links back
    for i, j, value in zip(coo.row, coo.col, coo.data):
        if i != j:
            eco.link(members[j], members[i], "technology", volume=float(-value))
    assert np.allclose(laplacian(eco).toarray(), (-generator).toarray())
    calls = []
    monkeypatch.setattr(_heat, "_shift_invert", lambda *args: calls.append(1))
    fallback = heat(eco, "m5", times=[1.0, 10.0]).to_numpy()
    assert calls == [1]
    monkeypatch.undo()
    krylov = heat(eco, "m5", times=[1.0, 10.0]).to_numpy()
    assert np.abs(fallback - krylov).max() <= 1e-8


def test_zero_start_and_time_zero_are_exact():
    generator = _stiff_generator(50, 0)
    assert np.array_equal(_heat._shift_invert(generator, np.zeros(50), np.array([0.0, 3.0])),
                          np.zeros((2, 50)))
    x0 = np.arange(50.0)
    assert np.array_equal(_heat._shift_invert(generator, x0, np.array([0.0])), x0[None, :])
