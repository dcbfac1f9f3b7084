"""Niche breadth and overlap indices (ecosystem.niche)."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ecosystem import ParameterError
from ecosystem.niche import (EmptyNicheError, OVERLAP_METHODS, breadth, mean_overlap, overlap)

# Two members over four resources, used for every hand computation below.
#   a = (6, 3, 1, 0): N = 10, p = (0.6, 0.3, 0.1, 0.0)
#   b = (2, 2, 4, 2): N = 10, p = (0.2, 0.2, 0.4, 0.2)
HAND = pd.DataFrame([[6, 3, 1, 0], [2, 2, 4, 2]], index=["a", "b"], columns=list("wxyz"))
PA = [0.6, 0.3, 0.1, 0.0]
PB = [0.2, 0.2, 0.4, 0.2]
CROSS = 0.6 * 0.2 + 0.3 * 0.2 + 0.1 * 0.4 + 0.0 * 0.2  # 0.22
SQ_A = 0.6**2 + 0.3**2 + 0.1**2  # 0.46
SQ_B = 3 * 0.2**2 + 0.4**2  # 0.28


def xlnx(values):
    return sum(v * math.log(v) for v in values if v > 0)


def reference_overlap(U, method, availability=None):
    """A plain-Python double loop straight from the textbook formulas (Krebs 1999, ch. 14)."""
    U = np.asarray(U, dtype=float)
    n = len(U)
    P = [row / row.sum() for row in U]
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            p, q = P[i], P[j]
            cross = sum(x * y for x, y in zip(p, q))
            sp, sq = sum(x * x for x in p), sum(y * y for y in q)
            if method == "pianka":
                out[i, j] = cross / math.sqrt(sp * sq)
            elif method == "czekanowski":
                out[i, j] = sum(min(x, y) for x, y in zip(p, q))
            elif method == "macarthur_levins":
                out[i, j] = cross / sp
            elif method == "morisita_horn":
                out[i, j] = 2 * cross / (sp + sq)
            elif method == "horn":
                out[i, j] = (xlnx([x + y for x, y in zip(p, q)]) - xlnx(p) - xlnx(q)) / (
                    2 * math.log(2))
            elif method == "hurlbert":
                a = np.asarray(availability, float) / sum(availability)
                out[i, j] = sum(x * y / w for x, y, w in zip(p, q, a))
            elif method == "morisita":
                ni, nj = U[i], U[j]
                Ni, Nj = ni.sum(), nj.sum()
                li = sum(x * (x - 1) for x in ni) / (Ni * (Ni - 1))
                lj = sum(y * (y - 1) for y in nj) / (Nj * (Nj - 1))
                out[i, j] = 2 * sum(x * y for x, y in zip(ni, nj)) / ((li + lj) * Ni * Nj)
    return out


# --------------------------------------------------------------- hand values
def test_pianka_by_hand():
    """Pianka (1973): 0.22 / sqrt(0.46 * 0.28)."""
    O = overlap(HAND, "pianka")
    assert O.loc["a", "b"] == pytest.approx(0.22 / math.sqrt(0.46 * 0.28))
    assert O.loc["a", "b"] == pytest.approx(CROSS / math.sqrt(SQ_A * SQ_B))
    assert O.loc["a", "b"] == pytest.approx(0.6130060, abs=1e-7)


def test_czekanowski_is_schoener_by_hand():
    """Schoener (1970): sum of min shares = 0.2 + 0.2 + 0.1 + 0 = 1 - (0.4+0.1+0.3+0.2)/2."""
    O = overlap(HAND, "czekanowski")
    assert O.loc["a", "b"] == pytest.approx(0.5)
    assert O.loc["a", "b"] == pytest.approx(1 - 0.5 * (0.4 + 0.1 + 0.3 + 0.2))
    assert overlap(HAND, "schoener").equals(O)


def test_macarthur_levins_by_hand_both_directions():
    """MacArthur & Levins (1967): alpha_ab = 0.22 / 0.46, alpha_ba = 0.22 / 0.28 (Krebs 1999)."""
    O = overlap(HAND, "macarthur_levins")
    assert O.loc["a", "b"] == pytest.approx(0.22 / 0.46)  # effect of b on a
    assert O.loc["b", "a"] == pytest.approx(0.22 / 0.28)  # effect of a on b
    assert O.loc["a", "a"] == O.loc["b", "b"] == 1.0


def test_macarthur_levins_exceeds_one_for_a_specialist():
    """p_i = (0.6, 0.4), p_j = (1, 0): alpha_ij = 0.6 / (0.36 + 0.16) = 1.1538."""
    O = overlap(np.array([[6, 4], [1, 0]]), "macarthur_levins")
    assert O[0, 1] == pytest.approx(0.6 / 0.52)
    assert O[1, 0] == pytest.approx(0.6 / 1.0)


def test_morisita_horn_by_hand():
    """Horn (1966) simplified Morisita: 2 * 0.22 / (0.46 + 0.28)."""
    O = overlap(HAND, "morisita_horn")
    assert O.loc["a", "b"] == pytest.approx(0.44 / 0.74)


def test_true_morisita_by_hand():
    """Morisita (1959): lambda_a = (6*5 + 3*2 + 0 + 0) / (10*9) = 0.4,
    lambda_b = (2*1 + 2*1 + 4*3 + 2*1) / 90 = 0.2, sum n_a n_b = 12 + 6 + 4 + 0 = 22,
    C = 2 * 22 / ((0.4 + 0.2) * 10 * 10) = 0.7333."""
    O = overlap(HAND, "morisita")
    assert O.loc["a", "b"] == pytest.approx(2 * 22 / (0.6 * 100))
    # self-overlap is not 1: 2 * (36+9+1) / (0.8 * 100) = 1.15 -- the index can exceed 1
    assert O.loc["a", "a"] == pytest.approx(2 * 46 / 80)
    assert O.loc["a", "a"] > 1


def test_true_morisita_differs_from_morisita_horn():
    """spaa's "morisita" is really Morisita-Horn; ours keeps them apart."""
    assert overlap(HAND, "morisita").loc["a", "b"] != pytest.approx(
        overlap(HAND, "morisita_horn").loc["a", "b"])


def test_horn_by_hand():
    """Horn (1966): [sum (p+q) ln(p+q) - sum p ln p - sum q ln q] / (2 ln 2)
    with p + q = (0.8, 0.5, 0.5, 0.2)."""
    expected = (xlnx([0.8, 0.5, 0.5, 0.2]) - xlnx(PA) - xlnx(PB)) / (2 * math.log(2))
    O = overlap(HAND, "horn")
    assert O.loc["a", "b"] == pytest.approx(expected)
    assert O.loc["a", "b"] == pytest.approx(0.7477306, abs=1e-6)


def test_hurlbert_by_hand():
    """Hurlbert (1978): sum p_a p_b / a with a = (0.4, 0.2, 0.2, 0.2):
    0.12/0.4 + 0.06/0.2 + 0.04/0.2 + 0 = 0.8."""
    O = overlap(HAND, "hurlbert", availability=[2, 1, 1, 1])
    assert O.loc["a", "b"] == pytest.approx(0.8)
    # use in proportion to availability gives exactly 1
    even = overlap([[2, 1, 1, 1], [4, 2, 2, 2]], "hurlbert", availability=[2, 1, 1, 1])
    assert even[0, 1] == pytest.approx(1.0)


def test_hurlbert_availability_series_is_aligned_on_columns():
    series = pd.Series({"z": 1, "y": 1, "x": 1, "w": 2})
    O = overlap(HAND, "hurlbert", availability=series)
    assert O.loc["a", "b"] == pytest.approx(0.8)


def test_breadth_by_hand():
    """Levins B = 1 / sum p^2: 1/0.46 and 1/0.28; B_A = (B - 1) / (4 - 1);
    Shannon H' = -sum p ln p."""
    assert breadth(HAND, "levins").tolist() == pytest.approx([1 / 0.46, 1 / 0.28])
    assert breadth(HAND, "levins_standardized").tolist() == pytest.approx(
        [(1 / 0.46 - 1) / 3, (1 / 0.28 - 1) / 3])
    assert breadth(HAND, "shannon").tolist() == pytest.approx([-xlnx(PA), -xlnx(PB)])
    assert breadth(HAND, "shannon").name == "shannon"


def test_breadth_extremes():
    """A specialist has B = 1, B_A = 0, H' = 0; even use of r resources B = r, B_A = 1, H' = ln r."""  # noqa: E501
    U = np.array([[0, 5, 0], [2, 2, 2]])
    assert breadth(U, "levins").tolist() == pytest.approx([1, 3])
    assert breadth(U, "levins_standardized").tolist() == pytest.approx([0, 1])
    assert breadth(U, "shannon").tolist() == pytest.approx([0, math.log(3)])


# ------------------------------------------------------------- shape of output
def test_frame_in_frame_out_array_in_array_out():
    O = overlap(HAND)
    assert isinstance(O, pd.DataFrame)
    assert list(O.index) == list(O.columns) == ["a", "b"]
    assert isinstance(overlap(HAND.to_numpy()), np.ndarray)
    assert isinstance(breadth(HAND), pd.Series) and list(breadth(HAND).index) == ["a", "b"]
    assert isinstance(breadth(HAND.to_numpy()), np.ndarray)


@pytest.mark.parametrize("method", ["pianka", "czekanowski", "macarthur_levins",
                                    "morisita_horn", "horn", "morisita"])
def test_vectorised_matches_plain_double_loop(method):
    rng = np.random.default_rng(7)
    U = rng.integers(0, 6, size=(12, 7)) + np.eye(12, 7, dtype=int) * 3
    assert np.allclose(overlap(U, method), reference_overlap(U, method), atol=1e-12)


def test_hurlbert_matches_plain_double_loop():
    rng = np.random.default_rng(8)
    U = rng.random((9, 5))
    a = rng.random(5) + 0.1
    assert np.allclose(overlap(U, "hurlbert", availability=a),
                       reference_overlap(U, "hurlbert", a))


# ------------------------------------------------------ identical and disjoint
@pytest.mark.parametrize("method", ["pianka", "czekanowski", "macarthur_levins",
                                    "morisita_horn", "horn"])
def test_identical_rows_overlap_one_and_disjoint_rows_zero(method):
    U = np.array([[3, 1, 0, 0], [6, 2, 0, 0], [0, 0, 5, 5]])  # rows 0, 1 identical shares
    O = overlap(U, method)
    assert O[0, 1] == pytest.approx(1.0) and O[1, 0] == pytest.approx(1.0)
    assert O[0, 2] == 0.0 and O[2, 1] == 0.0


def test_disjoint_rows_give_zero_for_every_method():
    """Unlike spaa's petraitis, no index reports overlap for members sharing nothing."""
    U = np.array([[2, 3, 0, 0], [0, 0, 4, 2]])
    for method in OVERLAP_METHODS:
        kwargs = {"availability": [1, 1, 1, 1]} if method == "hurlbert" else {}
        assert overlap(U, method, **kwargs)[0, 1] == 0.0, method


# ----------------------------------------------------------- all-zero rows
def test_all_zero_row_is_a_clear_error_by_default():
    U = pd.DataFrame([[1, 2], [0, 0], [3, 0]], index=["m1", "idle", "m3"])
    with pytest.raises(EmptyNicheError, match=r"'idle'.*empty='nan'"):
        overlap(U)
    with pytest.raises(EmptyNicheError, match="all-zero"):
        breadth(U)
    with pytest.raises(EmptyNicheError):
        mean_overlap(U)


def test_all_zero_row_as_nan_is_kept_out_of_the_mean():
    U = pd.DataFrame([[1, 2], [0, 0], [3, 0]], index=["m1", "idle", "m3"])
    O = overlap(U, empty="nan")
    assert O.loc["idle"].isna().all() and O["idle"].isna().all()
    assert np.isfinite(O.drop(index="idle", columns="idle").to_numpy()).all()
    assert np.isnan(breadth(U, empty="nan")["idle"])
    kept = U.drop(index="idle")
    assert mean_overlap(U, empty="nan") == pytest.approx(mean_overlap(kept))
    assert mean_overlap(U, empty="nan") == pytest.approx(overlap(kept).loc["m1", "m3"])


@pytest.mark.parametrize("method", [m for m in OVERLAP_METHODS if m != "hurlbert"])
def test_every_row_empty_gives_all_nan(method):
    """No member uses anything: with empty='nan' every overlap is NaN (no crash on an empty block)."""  # noqa: E501
    O = overlap(np.zeros((3, 2)), method, empty="nan")
    assert O.shape == (3, 3) and np.isnan(O).all()


# ------------------------------------------------------------- bad input
def test_bad_inputs_raise_specific_errors():
    with pytest.raises(ParameterError, match="negative use -1"):
        overlap([[1, -1], [1, 1]])
    with pytest.raises(ParameterError, match="missing or infinite"):
        overlap([[1, np.nan], [1, 1]])
    with pytest.raises(ParameterError, match="must be 2-D"):
        overlap([1, 2, 3])
    with pytest.raises(ParameterError, match="non-numeric column"):
        overlap(pd.DataFrame({"name": ["a", "b"], "x": [1, 2]}))
    with pytest.raises(ParameterError, match="duplicate member labels"):
        overlap(pd.DataFrame([[1, 2], [2, 1]], index=["a", "a"]))
    with pytest.raises(ParameterError, match="index 'jaccard' is not one of"):
        overlap(HAND, "jaccard")
    with pytest.raises(ParameterError, match="not one of: levins"):
        breadth(HAND, "simpson")
    with pytest.raises(ParameterError, match="at least 2 resource"):
        breadth([[1], [2]], "levins_standardized")
    with pytest.raises(ParameterError, match="empty must be"):
        overlap(HAND, empty="zero")
    with pytest.raises(ParameterError, match="at least 2 members"):
        mean_overlap([[1, 2]])


def test_morisita_requirements():
    with pytest.raises(ParameterError, match="integer counts"):
        overlap([[0.5, 1.5], [1, 1]], "morisita")
    with pytest.raises(ParameterError, match=r"N > 1.*row 1"):
        overlap([[2, 3], [0, 1]], "morisita")
    with pytest.raises(ParameterError, match="Simpson's lambda = 0"):
        overlap([[1, 1, 0], [0, 1, 1]], "morisita")  # a 0/1 link matrix


def test_hurlbert_requirements():
    with pytest.raises(ParameterError, match="hurlbert needs availability"):
        overlap(HAND, "hurlbert")
    with pytest.raises(ParameterError, match="4 values for 4|3 values for 4"):
        overlap(HAND, "hurlbert", availability=[1, 1, 1])
    with pytest.raises(ParameterError, match="used but have availability 0"):
        overlap(HAND, "hurlbert", availability=[1, 1, 0, 1])
    with pytest.raises(ParameterError, match="only used by index='hurlbert'"):
        overlap(HAND, "pianka", availability=[1, 1, 1, 1])


# ------------------------------------------------------------ properties
@st.composite
def utilization(draw, min_rows=2):
    n = draw(st.integers(min_rows, 6))
    r = draw(st.integers(1, 6))
    U = draw(arrays(float, (n, r), elements=st.floats(0, 100, allow_subnormal=False)))
    U[U.sum(axis=1) == 0, 0] = 1.0
    return U


SYMMETRIC = ["pianka", "czekanowski", "morisita_horn", "horn"]
SCALE_FREE = SYMMETRIC + ["macarthur_levins"]


@given(utilization())
def test_symmetric_indices_are_symmetric_and_in_unit_range(U):
    for method in SYMMETRIC:
        O = overlap(U, method)
        assert np.allclose(O, O.T, atol=1e-12), method
        assert (O >= 0).all() and (O <= 1 + 1e-12).all(), method
        assert np.allclose(np.diag(O), 1.0), method


@given(utilization(), st.data())
def test_invariance_to_row_scaling(U, data):
    factors = np.array(data.draw(st.lists(st.floats(0.01, 1000), min_size=len(U),
                                          max_size=len(U))))
    scaled = U * factors[:, None]
    for method in SCALE_FREE:
        assert np.allclose(overlap(scaled, method), overlap(U, method), atol=1e-9), method
    for method in ("levins", "shannon"):
        assert np.allclose(breadth(scaled, method), breadth(U, method)), method


@given(utilization())
def test_macarthur_levins_is_the_gram_matrix_over_own_concentration(U):
    """alpha_ij * sum p_i^2 = alpha_ji * sum p_j^2 = sum p_i p_j."""
    O = overlap(U, "macarthur_levins")
    concentration = 1 / breadth(U, "levins")
    product = O * concentration[:, None]
    assert np.allclose(product, product.T, atol=1e-12)


@given(utilization(min_rows=1))
def test_breadth_bounds(U):
    r = U.shape[1]
    B = breadth(U, "levins")
    H = breadth(U, "shannon")
    assert ((B >= 1 - 1e-12) & (B <= r + 1e-9)).all()
    assert ((H >= 0) & (H <= math.log(r) + 1e-12)).all()
    if r > 1:
        BA = breadth(U, "levins_standardized")
        assert ((BA >= -1e-12) & (BA <= 1 + 1e-12)).all()


def test_competition_layer_takes_sparse_use_with_an_ecosystem():
    """A scipy.sparse use table with ``eco=`` gives the layer of the dense table (it raised
    a TypeError: a sparse array has no len)."""
    import scipy.sparse as sp

    from ecosystem import Ecosystem
    from ecosystem.niche import competition_layer
    eco = Ecosystem()
    for m in ("a", "b", "c"):
        eco.add_member(m, "logistics")
    dense = np.array([[3.0, 1.0, 0.0], [2.0, 2.0, 0.0], [0.0, 1.0, 4.0]])
    want = competition_layer(dense, eco=eco, across_roles=True)
    got = competition_layer(sp.csr_array(dense), eco=eco, across_roles=True)
    assert list(got.edges(data="overlap")) == list(want.edges(data="overlap"))
    assert list(want.edges) == [(0, 1)]
