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


def two_passes(monkeypatch, yes):
    """The compiled path without the fused pass (the two passes around ``np.log``)."""
    if yes:
        real = _compiled._kernels()
        assert real is not None
        monkeypatch.setattr(_compiled, "_kernels", lambda: (real[0], real[1], None))


@given(st.integers(0, 2**32 - 1), st.integers(2, 90), st.integers(1, 12),
       st.sampled_from([0.0, 0.5]), st.sampled_from([1, 2]), st.booleans())
def test_compiled_horn_is_the_numpy_loop_bit_for_bit(seed, n, r, sparse_share, workers,
                                                      without_fused_pass):
    U = use(seed, n, r, sparse_share)
    with pytest.MonkeyPatch.context() as monkeypatch:
        plain = numpy_loop(monkeypatch, lambda: overlap(U, "horn", workers=1))
        two_passes(monkeypatch, without_fused_pass)
        fast = compiled(monkeypatch, lambda: overlap(U, "horn", workers=workers))
    assert np.array_equal(plain, fast)


@pytest.mark.parametrize("n, r, buffer, block", [(700, 50, 2**16, 4_000_000),
                                                  (300, 7, 2**10, 20_000),
                                                  (257, 130, 2**9, 9_000)])
@pytest.mark.parametrize("without_fused_pass", [False, True])
def test_tiles_and_blocks_of_every_size_give_the_same_matrix(monkeypatch, n, r, buffer, block,
                                                             without_fused_pass):
    # small buffers and blocks: many tiles and column chunks, a resource per chunk
    U = use(n + r, n, r)
    plain = numpy_loop(monkeypatch, lambda: overlap(U, "horn"))
    two_passes(monkeypatch, without_fused_pass)
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


@pytest.mark.parametrize("seed, n, r, share", [(0, 61, 9, 0.0), (1, 400, 50, 0.0),
                                              (2, 77, 13, 0.5), (3, 8, 3, 0.0), (4, 2, 1, 0.0)])
def test_the_fused_pass_gives_the_two_passes_matrix(monkeypatch, seed, n, r, share):
    """Where numpy's ``log`` is SVML's 8-lane one, the fused pass calls it: the same matrix
    as the two passes around ``np.log`` and as the numpy loop, with and without sparse
    resources, on shapes that leave every padding of the last 8 lanes."""
    kernels_here = _compiled._kernels()
    if kernels_here is None or kernels_here[2] is None:
        pytest.skip("numpy's log is not SVML's 8-lane logarithm on this machine")
    fill, weigh, fused = kernels_here
    U = use(seed, n, r, share)
    ran = []

    def spy(*args):
        ran.append(args[3:5])
        return fused(*args)

    with monkeypatch.context() as patch:
        patch.setattr(_compiled, "_kernels", lambda: (fill, weigh, spy))
        one = compiled(monkeypatch, lambda: overlap(U, "horn"))
        assert ran  # the fused pass ran
        patch.setattr(_compiled, "_kernels", lambda: (fill, weigh, None))
        two = compiled(monkeypatch, lambda: overlap(U, "horn"))
    plain = numpy_loop(monkeypatch, lambda: overlap(U, "horn"))
    assert np.array_equal(one, two) and np.array_equal(one, plain)


def test_numpys_logarithm_in_compiled_code_is_np_log():
    """The self-test's values and odd counts of values: the same bits as ``np.log``."""
    kernels_here = _compiled._kernels()  # declares the function's address
    if kernels_here is None or kernels_here[2] is None:
        pytest.skip("numpy's log is not SVML's 8-lane logarithm called from compiled code here")
    from ecosystem.niche import _numpy_log
    rng = np.random.default_rng(7)
    for values in (_compiled._log_test_values(), rng.random(8 * 999) * 1e-3,
                   np.exp(rng.uniform(-700.0, 700.0, 8 * 1000)), np.full(8, 1.0)):
        ours = values.copy()
        _numpy_log.logs(ours)
        assert np.array_equal(ours, np.log(values))


def test_without_the_cpu_feature_the_two_passes_run(monkeypatch):
    monkeypatch.setattr(_compiled, "_numpy_log8", lambda: None)
    assert _compiled._fused_kernel() is None


def test_with_numbas_jit_switched_off_the_two_passes_run(monkeypatch):
    """``NUMBA_DISABLE_JIT=1`` runs the compiled functions as Python, which cannot call
    numpy's machine-code logarithm: the fused pass stays out and Horn still works."""
    import numba
    monkeypatch.setattr(numba.config, "DISABLE_JIT", True)
    assert _compiled._fused_kernel() is None


def test_numpys_logarithm_takes_whole_groups_of_eight_only():
    kernels_here = _compiled._kernels()
    if kernels_here is None or kernels_here[2] is None:
        pytest.skip("numpy's log is not SVML's 8-lane logarithm called from compiled code here")
    from ecosystem.niche import _numpy_log
    values = np.full(24, 2.0)
    with pytest.raises(ValueError, match="multiple of 8"):
        _numpy_log.logs(values[:9])
    assert (values == 2.0).all()  # nothing written past the slice


def test_a_compiler_target_without_avx512_keeps_the_fused_pass_out(monkeypatch):
    """The 8-lane call needs the compiler's AVX-512 calling convention: a generic target
    (``NUMBA_CPU_NAME=generic``) would pass the lanes in other registers."""
    import numba
    monkeypatch.setattr(numba.config, "CPU_NAME", "generic", raising=False)
    assert _compiled._fused_kernel() is None
