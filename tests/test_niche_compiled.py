"""Horn's dense sums compiled with numba (the ``fast`` extra) against the numpy loop: the same
doubles, bit for bit, whatever the blocks, threads, shapes and sparse columns; the numpy loop
runs where numba is missing or switched off (``ECOBELT_NUMBA=0``)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ecosystem.niche._kernels as kernels
from ecosystem.niche import _compiled, mean_overlap, overlap

pytest.importorskip("numba")


def numpy_loop(monkeypatch, call):
    with monkeypatch.context() as patch:
        patch.setenv(_compiled.ENVIRONMENT_VARIABLE, "0")
        assert not _compiled.available()
        return call()


def compiled(monkeypatch, call):
    """``call()`` with the compiled passes, checking they ran."""
    ran = []
    real = _compiled.horn_sums

    def spy(*args):
        ran.append(args[1:4])
        return real(*args)

    with monkeypatch.context() as patch:
        patch.delenv(_compiled.ENVIRONMENT_VARIABLE, raising=False)
        patch.setattr(_compiled, "horn_sums", spy)
        assert _compiled.available()
        out = call()
    assert ran
    return out


def use(seed, n, r, sparse_share=0.0):
    rng = np.random.default_rng(seed)
    U = rng.random((n, r)) * rng.choice([1e-6, 1.0, 1e6], size=(n, 1))
    if sparse_share:  # some resources used by few members (summed pair by pair)
        few = rng.random(r) < sparse_share
        U[:, few] *= rng.random((n, few.sum())) < 0.05
        U[U.sum(axis=1) == 0, 0] = 1.0
    return U


@given(st.integers(0, 2**32 - 1), st.integers(2, 90), st.integers(1, 12),
       st.sampled_from([0.0, 0.5]), st.sampled_from([1, 2]))
def test_compiled_horn_is_the_numpy_loop_bit_for_bit(seed, n, r, sparse_share, workers):
    U = use(seed, n, r, sparse_share)
    with pytest.MonkeyPatch.context() as monkeypatch:
        plain = numpy_loop(monkeypatch, lambda: overlap(U, "horn", workers=1))
        fast = compiled(monkeypatch, lambda: overlap(U, "horn", workers=workers))
    assert np.array_equal(plain, fast)


@pytest.mark.parametrize("n, r, buffer, block", [(700, 50, 2**16, 4_000_000),
                                                  (300, 7, 2**10, 20_000),
                                                  (257, 130, 2**9, 9_000)])
def test_tiles_and_blocks_of_every_size_give_the_same_matrix(monkeypatch, n, r, buffer, block):
    # small buffers and blocks: many tiles and column chunks, a resource per chunk
    U = use(n + r, n, r)
    plain = numpy_loop(monkeypatch, lambda: overlap(U, "horn"))
    monkeypatch.setattr(_compiled, "_BUFFER", buffer)
    monkeypatch.setattr(kernels, "_BLOCK_ELEMENTS", block)
    fast = compiled(monkeypatch, lambda: overlap(U, "horn"))
    assert np.array_equal(plain, fast)
    # and a statistic streamed over the blocks
    assert compiled(monkeypatch, lambda: mean_overlap(U, "horn")) == numpy_loop(
        monkeypatch, lambda: mean_overlap(U, "horn"))


def test_against_the_formula_pair_by_pair(monkeypatch):
    U = use(5, 40, 9)
    p = U / U.sum(axis=1, keepdims=True)
    loop = np.array([[(((a + b) * np.log(a + b)).sum() - (a * np.log(a)).sum()
                       - (b * np.log(b)).sum()) / (2 * np.log(2)) for b in p] for a in p])
    fast = compiled(monkeypatch, lambda: overlap(U, "horn"))
    np.testing.assert_allclose(fast, loop, rtol=0, atol=1e-14)


def test_the_numpy_loop_runs_without_numba(monkeypatch):
    U = use(3, 60, 5)
    fast = compiled(monkeypatch, lambda: overlap(U, "horn"))
    monkeypatch.setattr(_compiled, "_kernels", lambda: None)
    assert not _compiled.available()
    monkeypatch.setattr(_compiled, "horn_sums", None)  # would fail if called
    assert np.array_equal(overlap(U, "horn"), fast)
