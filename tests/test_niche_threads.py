"""Row blocks on threads and sparse sums of czekanowski and horn (ecosystem.niche).

czekanowski and horn blocks run on a thread pool; every entry must come out of the
same operations whatever the thread count or the order in which blocks finish, so
threaded results are compared with the single-thread ones for equality (not closeness).
The reference is ``reference_overlap`` of test_niche.py: the textbook formulas
(Krebs 1999, ch. 14) evaluated pair by pair in plain Python.
"""

import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import ecosystem.niche._input as niche_input
import ecosystem.niche._kernels as kernels
from ecosystem import ParameterError
from ecosystem.niche import competition_pairs, mean_overlap, overlap
from ecosystem.niche._input import as_utilization
from test_niche import reference_overlap

THREADED = ["czekanowski", "horn"]


@pytest.fixture
def many_cores(monkeypatch):
    """Four cores, so that the pool really has several threads on any machine, and
    blocks of a few rows, so that there are many blocks to share out."""
    monkeypatch.setattr(niche_input.os, "cpu_count", lambda: 4)
    monkeypatch.setattr(kernels, "_BLOCK_ELEMENTS", 300)


def _mixed_use(seed, n=60, r=10):
    """Resources 0-3 used by most members (horn's dense loop), 4-9 by a few (its sparse
    sum); some members share nothing with each other."""
    rng = np.random.default_rng(seed)
    share_of_users = np.array([0.9, 0.8, 0.7, 0.5, 0.2, 0.15, 0.1, 0.05, 0.05, 0.02])[:r]
    U = rng.random((n, r)) * (rng.random((n, r)) < share_of_users)
    U[np.arange(n), rng.integers(4, r, n)] += 1.0  # every row uses something sparse
    return U


def _expected(U, method):
    expected = reference_overlap(U, method)
    np.fill_diagonal(expected, 1.0)
    return expected


@pytest.mark.parametrize("method", THREADED)
def test_threads_give_the_single_thread_values_and_the_reference(method, many_cores):
    U = _mixed_use(1)
    assert len(kernels.Kernel(method, as_utilization(U), U).spans()) > 8
    single = overlap(U, method, workers=1)
    assert np.allclose(single, _expected(U, method), atol=1e-12)
    assert np.array_equal(single, single.T)  # mirrored, not computed twice
    for workers in (2, 3, 4, None, 50):  # None: all (4) cores; 50 is capped to 4
        assert np.array_equal(overlap(U, method, workers=workers), single), workers
    assert mean_overlap(U, method, workers=4) == mean_overlap(U, method, workers=1)
    threaded = competition_pairs(U, method, 0.2, workers=4)
    assert len(threaded) > 100
    assert threaded.equals(competition_pairs(U, method, 0.2, workers=1))


@pytest.mark.parametrize("method", THREADED)
def test_block_order_does_not_change_values(method, many_cores):
    """Blocks computed last-first and on concurrent threads, stitched by hand, equal the
    matrix computed in order: no block depends on state another block left behind."""
    U = _mixed_use(2)
    kernel = kernels.Kernel(method, as_utilization(U), U)
    spans = kernel.spans()[::-1]
    blocks = {}

    def compute(part):
        for start, stop, first in part:
            blocks[start] = (first, kernel.block(start, stop, first))

    threads = [threading.Thread(target=compute, args=(spans[i::3],)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stitched = np.empty((len(U), len(U)))
    for start, (first, block) in sorted(blocks.items()):
        stitched[start:start + len(block), first:] = block
        stitched[first:, start:start + len(block)] = block.T
    assert np.array_equal(stitched, overlap(U, method, workers=1))
    # each entry is the value of its pair above the diagonal, whichever block holds it
    kernels._BLOCK_ELEMENTS = 10**9  # restored by the fixture's monkeypatch
    assert len(kernel.spans()) == 8 and np.array_equal(overlap(U, method), stitched)


def test_in_flight_blocks_stay_bounded(many_cores):
    """A consumer that stops reading leaves at most 2 x workers blocks begun."""
    U = _mixed_use(3)
    kernel = kernels.Kernel("horn", as_utilization(U), U)
    begun = []
    block = kernel.block

    def counting_block(start, stop, first=0):
        begun.append(start)
        return block(start, stop, first)

    kernel.block = counting_block
    blocks = kernel.map_blocks(lambda start, first, out: out, workers=2)
    next(blocks)
    time.sleep(0.3)  # the pool would have begun every block by now if nothing held it back
    assert len(kernel.spans()) > 10 and len(begun) <= 2 * 2 + 1
    assert len(list(blocks)) == len(kernel.spans()) - 1


@pytest.mark.parametrize("method", THREADED)
@pytest.mark.parametrize("sparse_share", [0.0, 0.3, 2.0])  # all dense, mixed, all sparse
def test_dense_and_sparse_sums_agree_with_the_reference(method, sparse_share, monkeypatch):
    """Only resources both members use add to Horn's numerator and to sum min(p, q), so
    summing a resource over the pairs that share it gives the dense loop's values."""
    monkeypatch.setitem(kernels._SPARSE_SHARE, method, sparse_share)
    U = _mixed_use(4)
    kernel = kernels.Kernel(method, as_utilization(U), U)
    sparse, r = len(kernel.sparse_users), U.shape[1]
    assert sparse == 0 if sparse_share == 0.0 else sparse == r if sparse_share == 2.0 \
        else 0 < sparse < r
    O = overlap(U, method)
    assert np.allclose(O, _expected(U, method), atol=1e-12)
    disjoint = (U > 0).astype(int) @ (U > 0).astype(int).T == 0
    assert disjoint.sum() > 50
    assert (O[disjoint] == 0.0).all() and (O[~disjoint] > 0).all()


@pytest.mark.parametrize("sparse_share", [0.0, 2.0])
def test_tiny_overlaps_exact_on_both_paths(sparse_share, monkeypatch):
    """a = (1, 1e-14) and b = (0, 1) share p = 1e-14 / (1 + 1e-14) of a's use, whether
    resource 1 is summed densely or sparsely. czekanowski: min shares = p; horn: only the
    shared resource contributes, [(p+1) ln(p+1) - p ln p] / (2 ln 2)."""
    for method in THREADED:
        monkeypatch.setitem(kernels._SPARSE_SHARE, method, sparse_share)
    U = np.array([[1.0, 1e-14], [0.0, 1.0], [0.0, 3.0]])
    p = 1e-14 / (1 + 1e-14)
    assert overlap(U, "czekanowski")[0, 1] == pytest.approx(p, rel=1e-9)
    horn = ((p + 1) * np.log(p + 1) - p * np.log(p)) / (2 * np.log(2))
    assert overlap(U, "horn")[0, 1] == pytest.approx(horn, rel=1e-9)


@st.composite
def sparse_utilization(draw):
    n = draw(st.integers(2, 12))
    r = draw(st.integers(1, 6))
    U = draw(arrays(float, (n, r), elements=st.sampled_from([0.0, 0.0, 0.0, 1e-12, 0.3, 1.0,
                                                            7.0, 1e6])))
    U[U.sum(axis=1) == 0, 0] = 1.0
    return U


@settings(max_examples=60)
@given(sparse_utilization())
def test_paths_and_threads_agree_on_random_sparse_use(U):
    """Mostly-zero use with tiny and huge values: the dense loop, the sparse sum and
    four threads over two-row blocks agree, in [0, 1], symmetric, 0 for disjoint pairs."""
    disjoint = (U > 0).astype(int) @ (U > 0).astype(int).T == 0
    for method in THREADED:
        original = (kernels._SPARSE_SHARE[method], kernels._BLOCK_ELEMENTS,
                    niche_input.os.cpu_count)
        try:
            kernels._SPARSE_SHARE[method] = 0.0
            dense = overlap(U, method)
            kernels._SPARSE_SHARE[method], kernels._BLOCK_ELEMENTS = 2.0, 2 * len(U)
            niche_input.os.cpu_count = lambda: 4
            sparse = overlap(U, method, workers=1)
            assert np.array_equal(overlap(U, method, workers=4), sparse)
        finally:
            (kernels._SPARSE_SHARE[method], kernels._BLOCK_ELEMENTS,
             niche_input.os.cpu_count) = original
        assert np.allclose(dense, sparse, atol=1e-12), method
        assert np.array_equal(sparse, sparse.T) and (sparse >= 0).all() and (sparse <= 1).all()
        assert (sparse[disjoint] == 0.0).all() and (dense[disjoint] == 0.0).all()


@pytest.mark.parametrize("workers", [0, -1, 1.5, True, "2"])
def test_bad_workers_raise(workers):
    with pytest.raises(ParameterError, match="workers must be a whole number >= 1"):
        overlap([[1, 0], [1, 1]], "horn", workers=workers)
    with pytest.raises(ParameterError, match="workers"):
        mean_overlap([[1, 0], [1, 1]], "czekanowski", workers=workers)
