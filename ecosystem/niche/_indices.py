"""Niche breadth and pairwise niche overlap of members over resource states.

Notation: ``U`` is a members x resources utilization matrix (non-negative),
``p_ik = u_ik / sum_k u_ik`` member i's share of its use spent on resource k,
``r`` the number of resource columns. Formulas follow Krebs (1999),
*Ecological Methodology*, 2nd ed., chapter 14, where every index is stated.

All-zero rows
-------------
A member that uses nothing has no niche: every index would divide by zero.
By default (``empty="raise"``) such a row raises :class:`EmptyNicheError`
naming the members. With ``empty="nan"`` their breadth and every overlap in
their row and column are NaN, and :func:`mean_overlap` leaves them out. Never
a silent 0 or Inf.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._compat import renamed
from .._errors import ParameterError
from .._memory import check_allocation
from ._input import EmptyPolicy, Utilization, as_utilization, check_method, check_workers
from ._kernels import Kernel, shares
from ._registry import INDEX_ALIASES, OVERLAP_INDICES
from . import _sparse
from ._sparse import UseTable

__all__ = ["breadth", "overlap", "mean_overlap", "BREADTH_METHODS", "OVERLAP_METHODS",
           "SYMMETRIC_METHODS"]

BREADTH_METHODS = ("levins", "levins_standardized", "shannon")
OVERLAP_METHODS = tuple(OVERLAP_INDICES)
SYMMETRIC_METHODS = tuple(name for name, index in OVERLAP_INDICES.items() if index.symmetric)
_ALIASES = INDEX_ALIASES


def breadth(U: UseTable, method: str = "levins", *, empty: EmptyPolicy = "raise"
            ) -> pd.Series | np.ndarray:
    """Niche breadth of every member.

    Parameters
    ----------
    U : DataFrame or array_like
        Members x resources utilization (any non-negative unit; rows are
        turned into shares ``p_ik``).
    method : {"levins", "levins_standardized", "shannon"}
        ``levins``: Levins' (1968) ``B = 1 / sum_k p_ik**2``, from 1 (one
        resource) to ``r`` (even use of all). ``levins_standardized``: Hurlbert's
        (1978) ``B_A = (B - 1) / (r - 1)`` in [0, 1], where ``r`` counts every
        resource column, used or not (needs r >= 2). ``shannon``:
        ``H' = -sum_k p_ik ln p_ik`` in nats, from 0 to ``ln r``.
    empty : {"raise", "nan"}
        What to do with members that use nothing (see the module notes).

    Returns
    -------
    Series (indexed by member, named after the method) for a DataFrame,
    otherwise a 1-D array.

    Raises
    ------
    EmptyNicheError
        An all-zero row with ``empty="raise"``.
    ParameterError
        Negative, missing or non-numeric values; an unknown method;
        ``levins_standardized`` with one resource.

    Examples
    --------
    >>> U = pd.DataFrame({"a": [1, 1], "b": [0, 1], "c": [0, 2]}, index=["m1", "m2"])
    >>> breadth(U)  # m2: p = (1/4, 1/4, 1/2), B = 1 / (1/16 + 1/16 + 1/4) = 8/3
    m1    1.000000
    m2    2.666667
    Name: levins, dtype: float64
    >>> breadth(U.to_numpy(), "levins_standardized")  # (8/3 - 1) / (3 - 1) = 5/6
    array([0.        , 0.83333333])
    """
    method = check_method(method, BREADTH_METHODS)
    if _sparse.is_sparse(U):
        return _sparse.breadth(U, method, empty)
    util = as_utilization(U, min_resources=2 if method == "levins_standardized" else 1)
    used = util.nonempty(empty)
    p = shares(util.values[used])
    if method == "shannon":
        positive = np.where(p > 0, p, 1.0)
        values = 0.0 - (p * np.log(positive)).sum(axis=1)  # 0.0 - x: no -0.0
    else:
        values = 1.0 / (p * p).sum(axis=1)
        if method == "levins_standardized":
            values = (values - 1.0) / (p.shape[1] - 1)
    result = np.full(util.values.shape[0], np.nan)
    result[used] = values
    if util.labelled:
        return pd.Series(result, index=util.members, name=method)
    return result


def _kernel(U: Any, method: str, availability: Any, empty: EmptyPolicy
            ) -> tuple[Utilization, np.ndarray, Kernel]:
    method = check_method(method, OVERLAP_METHODS, _ALIASES, what="index")
    util = as_utilization(U)
    used = util.nonempty(empty)
    return util, used, Kernel(method, util, util.values[used], availability)


@renamed(method="index")
def overlap(U: UseTable, index: str = "pianka", *, availability: ArrayLike | None = None,
            empty: EmptyPolicy = "raise", workers: int | None = None
            ) -> pd.DataFrame | np.ndarray:
    """Pairwise niche overlap matrix of the members.

    Parameters
    ----------
    U : DataFrame or array_like
        Members x resources utilization (non-negative; rows need not sum to 1).
    index : str
        ``pianka`` (Pianka 1973): ``sum p_i p_j / sqrt(sum p_i^2 sum p_j^2)``;
        symmetric, in [0, 1].

        ``czekanowski`` (also ``schoener``; Schoener's 1970 proportional
        similarity): ``1 - 1/2 sum |p_i - p_j| = sum min(p_i, p_j)``; symmetric,
        in [0, 1].

        ``macarthur_levins`` (MacArthur & Levins 1967): **asymmetric**. Entry
        ``[i, j] = sum_k p_ik p_jk / sum_k p_ik^2`` is the overlap of j on i:
        the competition coefficient alpha_ij, the effect of member j on
        member i in ``dN_i/dt = r_i N_i (K_i - N_i - sum_j alpha_ij N_j) / K_i``.
        The diagonal is 1; an entry exceeds 1 when j is the more specialised
        member. (R's spaa returns only one of the two directions.)

        ``morisita`` (Morisita 1959), the true index:
        ``2 sum n_i n_j / ((lambda_i + lambda_j) N_i N_j)`` with Simpson's
        ``lambda_i = sum n_ik (n_ik - 1) / (N_i (N_i - 1))``; needs integer
        counts, N_i > 1 and lambda_i > 0; nearly unbiased but can exceed 1 on
        small samples. (R's spaa calls Morisita-Horn "morisita".)

        ``morisita_horn`` (Horn 1966's simplified Morisita):
        ``2 sum p_i p_j / (sum p_i^2 + sum p_j^2)``; symmetric, in [0, 1].

        ``horn`` (Horn 1966, information theory):
        ``[sum (p_i+p_j) ln(p_i+p_j) - sum p_i ln p_i - sum p_j ln p_j] / (2 ln 2)``;
        symmetric, in [0, 1]. No matrix-product form: O(n^2 r) work.

        ``hurlbert`` (Hurlbert 1978): ``sum p_i p_j / a`` where ``a`` is the
        resources' share of what is available (``availability=``); 1 when both
        use resources in proportion to availability, above 1 when both favour
        the same resources; not bounded by 1.
    availability : array_like or Series, optional
        Needed by ``hurlbert`` only: one non-negative value per resource
        (normalised to shares; a Series is aligned on U's columns).
    empty : {"raise", "nan"}
        All-zero rows raise (default), or give NaN rows and columns.
    workers : int, optional
        Threads that compute czekanowski and horn row blocks: all cores
        (``os.cpu_count()``) by default, never more. The values are the same
        for any number. The other indices are one BLAS product, threaded by
        BLAS itself.

    Returns
    -------
    DataFrame (members x members) for a DataFrame, otherwise an n x n array.
    Symmetric indices get an exact 1 on the diagonal (morisita and hurlbert
    keep their computed self-overlap); members sharing no resource get an
    exact 0.

    Notes
    -----
    pianka, macarthur_levins, morisita_horn, morisita and hurlbert are one
    BLAS matrix product; czekanowski and horn have no product form and are
    computed on the upper triangle only, in row blocks on ``workers``
    threads (scipy's C L1 loop; a numpy loop over resources for horn's
    logarithms), where a resource few members use is summed only over the
    pairs that both use it. The product indices are the fastest and horn,
    with a logarithm per pair and shared resource, the slowest; sparse use
    (each member on a few resources) brings czekanowski and horn close to
    the products. The times measured on 10,000 members x 50 resources are in
    benchmarks/RESULTS.md, section niche. For the
    strongest pairs or the community mean of a large ecosystem use
    :func:`competition_pairs` and :func:`mean_overlap`, which stream the
    matrix in row blocks instead of holding n x n values.

    Raises
    ------
    EmptyNicheError
        An all-zero row with ``empty="raise"``.
    ParameterError
        Bad values, unknown method, or a method's own requirement unmet.

    Examples
    --------
    >>> U = pd.DataFrame([[2, 2, 0], [1, 0, 1]], index=["m1", "m2"], columns=list("abc"))
    >>> overlap(U)  # (0.5*0.5) / sqrt(0.5 * 0.5) = 0.5
         m1   m2
    m1  1.0  0.5
    m2  0.5  1.0
    >>> float(overlap(U, "czekanowski").loc["m1", "m2"])  # min shares: 0.5 + 0 + 0
    0.5
    >>> overlap([[1, 0], [1, 1]], "macarthur_levins")  # [0, 1] = 0.5 / 1; [1, 0] = 0.5 / 0.5
    array([[1. , 0.5],
           [1. , 1. ]])
    """
    workers = check_workers(workers)
    if _sparse.is_sparse(U):
        n = U.shape[0]
        check_allocation(8.0 * n * n, f"the {n:,} x {n:,} overlap matrix", "take "
                         "competition_pairs or mean_overlap, which never hold it whole")
        U = _sparse.densify(U, "take competition_pairs or mean_overlap")
    util, used, kernel = _kernel(U, index, availability, empty)
    n = util.values.shape[0]
    if used.all() and kernel.method not in ("czekanowski", "horn"):
        result = kernel.block(0, n)  # one matrix product is fastest
    else:
        result = np.empty((n, n)) if used.all() else np.full((n, n), np.nan)
        idx = np.flatnonzero(used)

        def place(start: int, first: int, block: np.ndarray) -> None:
            # runs on the block's thread: the rectangles of distinct blocks and of their
            # mirrors do not overlap, so no two threads write the same entry
            stop = start + block.shape[0]
            if used.all():
                result[start:stop, first:] = block
                if kernel.symmetric:  # the lower triangle mirrors the upper one
                    result[first:, start:stop] = block.T
            else:
                rows, cols = idx[start:stop], idx[first:]
                result[np.ix_(rows, cols)] = block
                if kernel.symmetric:
                    result[np.ix_(cols, rows)] = block.T

        for _ in kernel.map_blocks(place, workers=workers):
            pass
    if util.labelled:
        return pd.DataFrame(result, index=util.members, columns=util.members)
    return result


@renamed(method="index")
def mean_overlap(U: UseTable, index: str = "pianka", *, availability: ArrayLike | None = None,
                 empty: EmptyPolicy = "raise", workers: int | None = None) -> float:
    """Mean overlap over all pairs of distinct members (the community mean).

    Symmetric indices average the ``n (n - 1) / 2`` unordered pairs, as
    EcoSimR does; ``macarthur_levins`` averages the ``n (n - 1)`` ordered pairs.
    Members without any use (allowed with ``empty="nan"``) are left out. The
    matrix is streamed in row blocks, never held whole; ``availability``,
    ``empty`` and ``workers`` are as in :func:`overlap` (the blocks' sums are
    added in block order, so the mean does not depend on ``workers`` either).

    Raises
    ------
    ParameterError
        Fewer than two members that use something.

    Examples
    --------
    >>> U = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 1]])
    >>> round(mean_overlap(U), 6)  # pairs: 1/sqrt(2), 0, 0
    0.235702
    """
    workers = check_workers(workers)
    if _sparse.is_sparse(U):
        index = check_method(index, OVERLAP_METHODS, _ALIASES, what="index")
        if index in _sparse.PRODUCT_METHODS:
            return _sparse.mean_overlap(U, index, availability, empty)
        U = _sparse.densify(U, f"take one of {', '.join(_sparse.PRODUCT_METHODS)}, which "
                               "stay sparse")
    _, used, kernel = _kernel(U, index, availability, empty)
    n = kernel.n
    if n < 2:
        raise ParameterError(f"the mean overlap needs at least 2 members that use something, "
                             f"got {n}")
    total = 0.0
    for block_sum in kernel.map_blocks(
            lambda start, first, block: block[kernel.distinct_pairs(start, first,
                                                                    block.shape)].sum(),
            workers=workers):
        total += block_sum
    pairs = n * (n - 1) / (2 if kernel.symmetric else 1)
    return float(total / pairs)
