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

from typing import Any, Iterator

import numpy as np
import pandas as pd
from scipy.spatial.distance import cdist

from .._errors import ParameterError
from ._input import EmptyPolicy, Utilization, as_utilization, check_method

__all__ = ["breadth", "overlap", "mean_overlap", "BREADTH_METHODS", "OVERLAP_METHODS",
           "SYMMETRIC_METHODS"]

BREADTH_METHODS = ("levins", "levins_standardized", "shannon")
OVERLAP_METHODS = ("pianka", "czekanowski", "macarthur_levins", "morisita", "morisita_horn",
                   "horn", "hurlbert")
#: Methods whose matrix is symmetric; macarthur_levins is the asymmetric one.
SYMMETRIC_METHODS = tuple(m for m in OVERLAP_METHODS if m != "macarthur_levins")
_ALIASES = {"schoener": "czekanowski", "proportional_similarity": "czekanowski"}
_BLOCK_ELEMENTS = 4_000_000  # rows per block x members stays near 32 MB of float64


def _shares(values: np.ndarray) -> np.ndarray:
    return values / values.sum(axis=1, keepdims=True)


def breadth(U: Any, method: str = "levins", *, empty: EmptyPolicy = "raise"
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
    util = as_utilization(U, min_resources=2 if method == "levins_standardized" else 1)
    used = util.nonempty(empty)
    p = _shares(util.values[used])
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


class _Kernel:
    """One overlap index on the members that use something, computed by row blocks.

    ``block(start, stop)`` is rows ``start:stop`` of the full square matrix, so
    callers can build the whole matrix or stream it without holding it.
    """

    def __init__(self, method: str, util: Utilization, values: np.ndarray,
                 availability: Any = None):
        self.method = method
        self.n = values.shape[0]
        if method != "hurlbert" and availability is not None:
            raise ParameterError("availability is only used by method='hurlbert'")
        if method == "pianka":
            # the cosine of the share vectors; shares first so tiny rows cannot underflow
            p = _shares(values)
            self.left = p / np.linalg.norm(p, axis=1, keepdims=True)
            self.right = self.left
        elif method == "morisita":
            self._prepare_morisita(util, values)
        else:
            p = _shares(values)
            self.p = p
            self.squares = (p * p).sum(axis=1)
            self.left = self.right = p
            # constant factors go into the left operand: no extra pass over the n x n result
            if method == "hurlbert":
                a = _availability(availability, util, values)
                self.left = p / np.where(a > 0, a, 1.0)
            elif method == "macarthur_levins":
                self.left = p / self.squares[:, None]
            elif method == "morisita_horn":
                self.left = 2.0 * p
                self.denominator = self.squares
            elif method in ("czekanowski", "horn"):
                self.support = (p > 0).astype(float)

    def _prepare_morisita(self, util: Utilization, values: np.ndarray) -> None:
        if not np.array_equal(values, np.round(values)):
            raise ParameterError(
                "morisita needs integer counts (individuals or links per resource); for shares, "
                "volumes or other continuous use take method='morisita_horn'")
        totals = values.sum(axis=1)
        rows = util.values.sum(axis=1) > 0
        names = np.flatnonzero(rows)
        if (totals < 2).any():
            bad = names[totals < 2]
            raise ParameterError(
                "morisita needs at least 2 counts per member (N > 1): "
                + ", ".join(util.member_names(bad[:5])) + " have N = 1; take morisita_horn")
        simpson = (values * (values - 1)).sum(axis=1) / (totals * (totals - 1))
        if (simpson == 0).any():
            bad = names[simpson == 0]
            raise ParameterError(
                "morisita is undefined for members with every count 0 or 1 (Simpson's "
                "lambda = 0, e.g. a 0/1 link matrix): " + ", ".join(util.member_names(bad[:5]))
                + "; take morisita_horn")
        self.denominator = simpson
        self.right = values / totals[:, None]
        self.left = 2.0 * self.right

    @property
    def symmetric(self) -> bool:
        return self.method != "macarthur_levins"

    def block(self, start: int, stop: int) -> np.ndarray:
        method = self.method
        if method in ("czekanowski", "horn"):
            # neither has a matrix-product form; scipy's C loops beat numpy broadcasting
            if method == "czekanowski":  # 1 - L1/2 equals sum_k min(p_ik, p_jk)
                out = cdist(self.p[start:stop], self.p, "cityblock")
                out *= -0.5
            else:  # Horn's R_o = 1 - JSD / ln 2, JSD the Jensen-Shannon divergence in nats
                out = cdist(self.p[start:stop], self.p, "jensenshannon")
                # scipy takes the root of a divergence that rounding can push below 0
                np.nan_to_num(out, copy=False, nan=0.0)
                out **= 2
                out *= -1.0 / np.log(2.0)
            out += 1.0
            np.clip(out, 0.0, 1.0, out=out)
            # members sharing no resource overlap exactly 0, not a rounding residue
            out[(self.support[start:stop] @ self.support.T) == 0] = 0.0
        else:
            out = self.left[start:stop] @ self.right.T
            if method in ("morisita_horn", "morisita"):
                # divide by (d_i + d_j) a slab at a time: no n x n temporary
                d = self.denominator
                for first in range(0, stop - start, 512):
                    last = min(first + 512, stop - start)
                    out[first:last] /= d[start + first:start + last, None] + d[None, :]
        if method not in ("morisita", "hurlbert"):
            # identical shares overlap exactly 1; rounding would otherwise leave 1 - 1e-16
            idx = np.arange(start, stop)
            out[idx - start, idx] = 1.0
        return out

    def blocks(self, rows: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
        rows = rows or max(1, _BLOCK_ELEMENTS // max(self.n, 1))
        for start in range(0, self.n, rows):
            yield start, self.block(start, min(start + rows, self.n))


def _availability(availability: Any, util: Utilization, values: np.ndarray) -> np.ndarray:
    if availability is None:
        raise ParameterError("hurlbert needs availability=: the share of each resource in what "
                             "is available (one value per resource column)")
    if isinstance(availability, pd.Series) and util.resources is not None:
        missing = [c for c in util.resources if c not in availability.index]
        if missing:
            raise ParameterError(f"availability has no value for resource(s) {missing[:5]}")
        availability = availability.reindex(util.resources)
    try:
        a = np.asarray(availability, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ParameterError("availability must be numbers, one per resource") from None
    if a.size != values.shape[1]:
        raise ParameterError(f"availability has {a.size} values for {values.shape[1]} resources")
    if not np.isfinite(a).all() or (a < 0).any() or a.sum() <= 0:
        raise ParameterError("availability must be finite, >= 0 and not all zero")
    a = a / a.sum()
    unavailable_but_used = (a == 0) & (values > 0).any(axis=0)
    if unavailable_but_used.any():
        bad = util.resource_names(np.flatnonzero(unavailable_but_used)[:5])
        raise ParameterError(f"resource(s) {', '.join(bad)} are used but have availability 0")
    return a


def _kernel(U: Any, method: str, availability: Any, empty: EmptyPolicy
            ) -> tuple[Utilization, np.ndarray, _Kernel]:
    method = check_method(method, OVERLAP_METHODS, _ALIASES)
    util = as_utilization(U)
    used = util.nonempty(empty)
    return util, used, _Kernel(method, util, util.values[used], availability)


def overlap(U: Any, method: str = "pianka", *, availability: Any = None,
            empty: EmptyPolicy = "raise") -> pd.DataFrame | np.ndarray:
    """Pairwise niche overlap matrix of the members.

    Parameters
    ----------
    U : DataFrame or array_like
        Members x resources utilization (non-negative; rows need not sum to 1).
    method : str
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

    Returns
    -------
    DataFrame (members x members) for a DataFrame, otherwise an n x n array.
    Symmetric indices get an exact 1 on the diagonal (morisita and hurlbert
    keep their computed self-overlap); members sharing no resource get an
    exact 0.

    Notes
    -----
    pianka, macarthur_levins, morisita_horn, morisita and hurlbert are one
    BLAS matrix product: 10,000 members x 50 resources take about 0.5-1 s on
    two cores (benchmarks/bench_niche.py). czekanowski and horn have no
    product form and run scipy's C pair loops: about 2-9 ns (czekanowski)
    and 1.4 us (horn, a logarithm per resource) per pair. For the
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
    util, used, kernel = _kernel(U, method, availability, empty)
    n = util.values.shape[0]
    if used.all() and kernel.method not in ("czekanowski", "horn"):
        result = kernel.block(0, n)  # one matrix product is fastest
    elif used.all():
        result = np.empty((n, n))
        for start, block in kernel.blocks():
            result[start:start + block.shape[0]] = block
    else:
        result = np.full((n, n), np.nan)
        idx = np.flatnonzero(used)
        for start, block in kernel.blocks():
            result[np.ix_(idx[start:start + block.shape[0]], idx)] = block
    if util.labelled:
        return pd.DataFrame(result, index=util.members, columns=util.members)
    return result


def mean_overlap(U: Any, method: str = "pianka", *, availability: Any = None,
                 empty: EmptyPolicy = "raise") -> float:
    """Mean overlap over all pairs of distinct members (the community mean).

    Symmetric indices average the ``n (n - 1) / 2`` unordered pairs, as
    EcoSimR does; ``macarthur_levins`` averages the ``n (n - 1)`` ordered pairs.
    Members without any use (allowed with ``empty="nan"``) are left out. The
    matrix is streamed in row blocks, never held whole.

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
    _, used, kernel = _kernel(U, method, availability, empty)
    n = kernel.n
    if n < 2:
        raise ParameterError(f"the mean overlap needs at least 2 members that use something, "
                             f"got {n}")
    total = 0.0
    for start, block in kernel.blocks():
        rows = np.arange(start, start + block.shape[0])[:, None]
        cols = np.arange(n)[None, :]
        total += block[(cols > rows) if kernel.symmetric else (cols != rows)].sum()
    pairs = n * (n - 1) / (2 if kernel.symmetric else 1)
    return float(total / pairs)
