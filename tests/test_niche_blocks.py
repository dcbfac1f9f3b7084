"""Row blocks, the upper-triangle kernels and exact small values (ecosystem.niche).

The reference is ``reference_overlap`` of test_niche.py: the textbook formulas
(Krebs 1999, ch. 14) evaluated pair by pair in plain Python.
"""

import math

import numpy as np
import pandas as pd
import pytest

import ecosystem.niche._kernels as kernels
from ecosystem.niche import competition_pairs, mean_overlap, overlap
from test_niche import reference_overlap

METHODS = ["pianka", "czekanowski", "macarthur_levins", "morisita_horn", "horn", "morisita",
           "hurlbert"]


def _kwargs(method, r):
    return {"availability": np.arange(1, r + 1)} if method == "hurlbert" else {}


def _sparse_counts(seed, n=23, r=6):
    """Integer counts with many zeros (so many disjoint pairs), every row N > 1 and
    Simpson's lambda > 0 (a count of 2 on its own resource)."""
    rng = np.random.default_rng(seed)
    U = rng.integers(0, 4, size=(n, r)) * (rng.random((n, r)) < 0.3)
    U[np.arange(n), np.arange(n) % r] += 2
    return U


@pytest.mark.parametrize("method", METHODS)
def test_small_blocks_stitch_to_the_reference(method, monkeypatch):
    """Two rows per block, upper triangles mirrored: the same matrix, mean and pairs."""
    U = _sparse_counts(1)
    kwargs = _kwargs(method, U.shape[1])
    expected = reference_overlap(U, method, kwargs.get("availability"))
    if method not in ("morisita", "hurlbert"):
        np.fill_diagonal(expected, 1.0)
    whole = overlap(U, method, **kwargs)
    monkeypatch.setattr(kernels, "_BLOCK_ELEMENTS", 50)
    streamed = overlap(U, method, **kwargs)
    assert np.allclose(streamed, expected, atol=1e-12) and np.allclose(whole, expected,
                                                                        atol=1e-12)
    n = len(U)
    off = ~np.eye(n, dtype=bool)
    if method != "macarthur_levins":
        off &= np.triu(np.ones((n, n), dtype=bool))
    assert mean_overlap(U, method, **kwargs) == pytest.approx(expected[off].mean())
    pairs = competition_pairs(U, method, 0.3, **kwargs)
    wanted = {(i, j) for i, j in zip(*np.nonzero(off & (expected >= 0.3)))}
    assert len(wanted) > 50  # the comparison below is not between two empty sets
    assert set(zip(pairs["member"], pairs["competitor"])) == wanted


@pytest.mark.parametrize("method", ["czekanowski", "horn", "pianka", "morisita_horn"])
def test_disjoint_pairs_are_exact_zeros_in_sparse_use(method, monkeypatch):
    """Most pairs share nothing: exactly 0 (not a 1e-17 residue), also block by block."""
    U = _sparse_counts(2, n=40, r=12)
    disjoint = (U > 0).astype(int) @ (U > 0).astype(int).T == 0
    assert disjoint.sum() > 100
    for block_elements in (4_000_000, 50):
        monkeypatch.setattr(kernels, "_BLOCK_ELEMENTS", block_elements)
        O = overlap(U, method)
        assert (O[disjoint] == 0.0).all()
        assert (O[~disjoint] > 0).all()


def test_tiny_overlaps_get_their_exact_value():
    """a = (1, 1e-14) and b = (0, 1) share 1e-14 / (1 + 1e-14) of a's use.
    czekanowski: min shares = 1e-14 / (1 + 1e-14), which 1 - L1/2 cannot resolve;
    horn: only the shared resource contributes, [(p+q) ln(p+q) - p ln p - q ln q] / (2 ln 2)
    with p = 1e-14 / (1 + 1e-14), q = 1."""
    U = np.array([[1.0, 1e-14], [0.0, 1.0]])
    p = 1e-14 / (1 + 1e-14)
    assert overlap(U, "czekanowski")[0, 1] == pytest.approx(p, rel=1e-9)
    horn = ((p + 1) * math.log(p + 1) - p * math.log(p)) / (2 * math.log(2))
    assert overlap(U, "horn")[0, 1] == pytest.approx(horn, rel=1e-9)
    assert overlap(U, "horn")[1, 0] == overlap(U, "horn")[0, 1]


@pytest.mark.parametrize("method", ["czekanowski", "horn", "pianka"])
def test_empty_rows_with_small_blocks(method, monkeypatch):
    """empty='nan' with the matrix streamed: NaN rows and columns, the rest unchanged."""
    U = pd.DataFrame(_sparse_counts(3, n=9, r=5), index=[f"m{i}" for i in range(9)])
    with_idle = pd.concat([U.iloc[:4], pd.DataFrame([[0] * 5], index=["idle"]), U.iloc[4:]])
    monkeypatch.setattr(kernels, "_BLOCK_ELEMENTS", 20)
    O = overlap(with_idle, method, empty="nan")
    assert O.loc["idle"].isna().all() and O["idle"].isna().all()
    assert np.allclose(O.drop(index="idle", columns="idle"), overlap(U, method), atol=1e-12)
    assert mean_overlap(with_idle, method, empty="nan") == pytest.approx(mean_overlap(U, method))
