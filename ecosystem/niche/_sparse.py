"""Niche indices on sparse use: members that each draw on a few of many resources.

When the resources are the ecosystem's providers, a members x resources table
has as many columns as there are providers, and nearly every entry is 0: a
dense table of 20,000 members needs gigabytes. :class:`SparseUtilization`
keeps the non-zero uses only (a CSR matrix with the member and resource
labels) and the functions here never build a dense members x resources or
members x members array:

- breadth: row sums over the stored uses;
- the community mean of ``pianka``, ``macarthur_levins`` and ``hurlbert`` in
  closed form from the column totals of the (scaled) shares, as for the null
  models; ``morisita_horn`` and ``morisita`` from blocked products;
- competing pairs from blocked sparse products ``L[rows] @ R^T``, which hold
  only the pairs that share a resource, filtered by the threshold block by
  block; the rows of a block are chosen so that the pairs it can hold stay
  near a few million.

The values are those of the dense functions up to rounding (the products sum
the shared resources only, in another order). ``czekanowski`` and ``horn``
have no product form; on sparse use they go through the dense path, whose
memory :func:`ecosystem._memory.check_allocation` states first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, TypeAlias, TypeGuard

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike

from .._errors import ParameterError
from .._memory import check_allocation
from ._input import EmptyNicheError, EmptyPolicy
from ._registry import OVERLAP_INDICES

__all__ = ["SparseUtilization", "PRODUCT_METHODS"]

#: The overlap indices with a matrix-product form, computed without dense arrays.
PRODUCT_METHODS = tuple(name for name, row in OVERLAP_INDICES.items() if row.kernel == "product")
_PAIRS_PER_BLOCK = 4_000_000  # candidate pairs of one block product (about 100 MB)


@dataclass(frozen=True)
class SparseUtilization:
    """A members x resources utilization matrix that stores only the non-zero uses.

    Attributes
    ----------
    values : scipy.sparse.csr_array
        Non-negative, finite uses (members x resources).
    members, resources : pandas.Index
        The row and column labels.
    attrs : dict
        What the table measures, as a :func:`resource_matrix` DataFrame's
        ``attrs``: ``flows``, ``direction``, ``resources``, ``units`` and
        ``roles`` (each member's role, the guilds :func:`competition_pairs`
        compares within). Not compared by ``==``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> U = SparseUtilization(sp.csr_array(np.array([[3.0, 0.0], [0.0, 2.0]])),
    ...                       pd.Index(["a", "b"]), pd.Index(["x", "y"]))
    >>> U.shape, U.nnz
    ((2, 2), 2)
    >>> U.to_frame()
    resource    x    y
    member
    a         3.0  0.0
    b         0.0  2.0
    """

    values: sp.csr_array
    members: pd.Index
    resources: pd.Index
    attrs: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        values = sp.csr_array(self.values, dtype=float)
        values.sum_duplicates()
        values.eliminate_zeros()
        if values.shape != (len(self.members), len(self.resources)):
            raise ParameterError(f"sparse utilization: {values.shape} values for "
                                 f"{len(self.members)} members x {len(self.resources)} resources")
        if not pd.Index(self.members).is_unique:
            dupes = pd.Index(self.members)
            raise ParameterError(f"sparse utilization has duplicate member labels "
                                 f"{dupes[dupes.duplicated()].unique().tolist()[:5]}")
        if not np.isfinite(values.data).all() or (values.data < 0).any():
            raise ParameterError("sparse utilization: every use must be a finite number >= 0")
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "members", pd.Index(self.members, name="member"))
        object.__setattr__(self, "resources", pd.Index(self.resources, name="resource"))

    @property
    def shape(self) -> tuple[int, int]:
        """(members, resources)."""
        return self.values.shape

    @property
    def nnz(self) -> int:
        """The number of non-zero uses stored."""
        return int(self.values.nnz)

    def totals(self) -> np.ndarray:
        """Each member's total use (row sums)."""
        return np.asarray(self.values.sum(axis=1)).ravel()

    def rows(self, mask: np.ndarray) -> SparseUtilization:
        """The members where ``mask`` is true, in order."""
        mask = np.asarray(mask, dtype=bool)
        return SparseUtilization(self.values[np.flatnonzero(mask)], self.members[mask],
                                 self.resources, dict(self.attrs))

    def to_frame(self) -> pd.DataFrame:
        """The dense DataFrame (its memory is checked first)."""
        n, r = self.shape
        check_allocation(8.0 * n * r, f"a dense {n:,} x {r:,} utilization table (members x "
                         "resources)", "keep the sparse table (sparse=True) or pool resources "
                         "with group_by")
        frame = pd.DataFrame(self.values.toarray(), index=self.members, columns=self.resources)
        frame.attrs.update(self.attrs)
        return frame


#: Sparse use: a :class:`SparseUtilization` or a scipy sparse matrix.
SparseUse: TypeAlias = "SparseUtilization | sp.sparray | sp.spmatrix"
#: Use as the niche functions take it: a members x resources table, array or sparse use.
UseTable: TypeAlias = "pd.DataFrame | ArrayLike | SparseUse"


def is_sparse(U: object) -> TypeGuard[SparseUse]:
    """Whether ``U`` is a :class:`SparseUtilization` or a scipy sparse matrix."""
    return isinstance(U, SparseUtilization) or sp.issparse(U)


def as_sparse(U: SparseUse) -> tuple[sp.csr_array, pd.Index | None]:
    """The CSR values (validated) and the member labels (None for a scipy matrix)."""
    if isinstance(U, SparseUtilization):
        return U.values, U.members
    if U.ndim != 2:
        raise ParameterError(f"U must be 2-D (members x resources), got shape {U.shape}")
    labelled = SparseUtilization(U, pd.RangeIndex(U.shape[0]), pd.RangeIndex(U.shape[1]))
    return labelled.values, None


def _used(values: sp.csr_array, members: pd.Index | None, empty: EmptyPolicy) -> np.ndarray:
    if empty not in ("raise", "nan"):
        raise ParameterError(f"empty must be 'raise' or 'nan', got {empty!r}")
    used = np.diff(values.indptr) > 0
    if empty == "raise" and not used.all():
        bad = np.flatnonzero(~used)
        names = ([repr(members[p]) for p in bad[:5]] if members is not None
                 else [f"row {p}" for p in bad[:5]])
        raise EmptyNicheError(
            f"{bad.size} member(s) use no resource (all-zero rows): {', '.join(names)}"
            f"{' ...' if bad.size > 5 else ''}; their niche is undefined. Drop them "
            "(U.rows(U.totals() > 0)) or pass empty='nan' to get NaN for them, kept out of "
            "community means")
    return used


def _shares(values: sp.csr_array) -> sp.csr_array:
    totals = np.asarray(values.sum(axis=1)).ravel()
    rows = np.repeat(np.arange(values.shape[0]), np.diff(values.indptr))
    return sp.csr_array((values.data / totals[rows], values.indices, values.indptr),
                        shape=values.shape)


def _scale_rows(matrix: sp.csr_array, factor: np.ndarray) -> sp.csr_array:
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    return sp.csr_array((matrix.data * factor[rows], matrix.indices, matrix.indptr),
                        shape=matrix.shape)


def breadth(U: SparseUse, method: str, empty: EmptyPolicy) -> pd.Series | np.ndarray:
    """:func:`ecosystem.niche.breadth` on sparse use (same definitions)."""
    values, members = as_sparse(U)
    if method == "levins_standardized" and values.shape[1] < 2:
        raise ParameterError(f"U needs at least 2 resource column(s), got {values.shape[1]}")
    used = _used(values, members, empty)
    p = _shares(values[np.flatnonzero(used)])
    rows = np.repeat(np.arange(p.shape[0]), np.diff(p.indptr))
    if method == "shannon":
        scores = 0.0 - np.bincount(rows, p.data * np.log(p.data), minlength=p.shape[0])
    else:
        scores = 1.0 / np.bincount(rows, p.data * p.data, minlength=p.shape[0])
        if method == "levins_standardized":
            scores = (scores - 1.0) / (values.shape[1] - 1)
    result = np.full(values.shape[0], np.nan)
    result[used] = scores
    if members is not None:
        return pd.Series(result, index=members, name=method)
    return result


class SparseKernel:
    """The product form ``left @ right^T`` (then a denominator) of one overlap index."""

    def __init__(self, method: str, values: sp.csr_array, availability: Any = None):
        if method not in PRODUCT_METHODS:
            raise ParameterError(f"{method} has no product form on sparse use")
        if method != "hurlbert" and availability is not None:
            raise ParameterError("availability is only used by method='hurlbert'")
        self.method, self.n = method, values.shape[0]
        self.symmetric = OVERLAP_INDICES[method].symmetric
        self.denominator = None
        if method == "morisita":
            data = values.data
            if not np.array_equal(data, np.round(data)):
                raise ParameterError(
                    "morisita needs integer counts (individuals or links per resource); for "
                    "shares, volumes or other continuous use take method='morisita_horn'")
            totals = np.asarray(values.sum(axis=1)).ravel()
            rows = np.repeat(np.arange(self.n), np.diff(values.indptr))
            if (totals < 2).any():
                raise ParameterError("morisita needs at least 2 counts per member (N > 1); "
                                     "take morisita_horn")
            simpson = (np.bincount(rows, data * (data - 1), minlength=self.n)
                       / (totals * (totals - 1)))
            if (simpson == 0).any():
                raise ParameterError("morisita is undefined for members with every count 0 or "
                                     "1 (Simpson's lambda = 0); take morisita_horn")
            self.denominator = simpson
            self.right = _scale_rows(values, 1.0 / totals)
            self.left = _scale_rows(self.right, np.full(self.n, 2.0))
            return
        p = _shares(values)
        rows = np.repeat(np.arange(self.n), np.diff(p.indptr))
        squares = np.bincount(rows, p.data * p.data, minlength=self.n)
        self.right = p
        if method == "pianka":
            self.right = _scale_rows(p, 1.0 / np.sqrt(squares))
            self.left = self.right
        elif method == "macarthur_levins":
            self.left = _scale_rows(p, 1.0 / squares)
        elif method == "morisita_horn":
            self.left = _scale_rows(p, np.full(self.n, 2.0))
            self.denominator = squares
        else:  # hurlbert
            a = np.asarray(availability, dtype=float).ravel() if availability is not None \
                else None
            if a is None or a.size != values.shape[1] or not np.isfinite(a).all() \
                    or (a < 0).any() or a.sum() <= 0:
                raise ParameterError("hurlbert needs availability=: one finite value >= 0 per "
                                     "resource, not all zero")
            a = a / a.sum()
            if ((a == 0)[p.indices]).any():
                raise ParameterError("a resource that is used has availability 0")
            self.left = sp.csr_array((p.data / a[p.indices], p.indices, p.indptr),
                                     shape=p.shape)
        self.left, self.right = self.left.tocsr(), self.right.tocsr()

    def closed_form_total(self) -> float | None:
        """The sum over distinct pairs without any product, or None for the methods
        with a per-pair denominator."""
        if self.denominator is not None:
            return None
        column_totals = np.asarray(self.right.sum(axis=0)).ravel()
        # sum_i left_i . (sum_j right_j) counts every ordered pair and each member once
        own = np.asarray(self.left.multiply(self.right).sum(axis=1)).ravel()
        everything = float((self.left @ column_totals).sum() - own.sum())
        return everything / 2.0 if self.symmetric else everything

    def blocks(self, threshold: float | None = None
               ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(i, j, value) of the pairs of distinct members sharing a resource (each
        unordered pair once, i < j, for a symmetric index) whose value is at least
        ``threshold`` (all of them for None), a block of rows at a time."""
        support = self.right.copy()
        support.data[:] = 1.0
        users = np.asarray(support.sum(axis=0)).ravel()
        # pairs rows 0..i can have, at most: a block ends before it could exceed the budget
        bound = np.concatenate([[0.0], np.cumsum(support @ users)])
        right_t = self.right.T.tocsc()
        start = 0
        while start < self.n:
            stop = int(np.searchsorted(bound, bound[start] + _PAIRS_PER_BLOCK, side="right")) - 1
            stop = min(max(stop, start + 1), self.n)
            first = start if self.symmetric else 0  # the upper triangle only
            product = (self.left[start:stop] @ right_t[:, first:]).tocsr()
            i = np.repeat(np.arange(start, stop), np.diff(product.indptr))
            j = product.indices.astype(np.int64) + first
            value = product.data
            if self.denominator is not None:
                value = value / (self.denominator[i] + self.denominator[j])
            keep = (j > i) if self.symmetric else (j != i)
            if threshold is not None:
                keep &= value >= threshold
            yield i[keep], j[keep], value[keep]
            start = stop


def mean_overlap(U: SparseUse, method: str, availability: ArrayLike | None,
                 empty: EmptyPolicy) -> float:
    """:func:`ecosystem.niche.mean_overlap` on sparse use (product-form methods)."""
    values, members = as_sparse(U)
    used = _used(values, members, empty)
    kernel = SparseKernel(method, values[np.flatnonzero(used)], availability)
    n = kernel.n
    if n < 2:
        raise ParameterError(f"the mean overlap needs at least 2 members that use something, "
                             f"got {n}")
    total = kernel.closed_form_total()
    if total is None:
        total = sum(float(value.sum()) for _, _, value in kernel.blocks())
    return float(total / (n * (n - 1) / (2 if kernel.symmetric else 1)))


def competition_pairs(U: SparseUse, method: str, threshold: float, availability: ArrayLike | None,
                      empty: EmptyPolicy, top: int | None,
                      guilds: Mapping[Any, Any] | None = None) -> pd.DataFrame:
    """:func:`ecosystem.niche.competition_pairs` on sparse use (threshold > 0).

    With ``guilds`` (member -> role) only members of the same role pair, and a
    member without a known role pairs with nobody: each guild's rows go through
    the blocked products on their own, so pairs across guilds are never formed.
    """
    values, members = as_sparse(U)
    used = _used(values, members, empty)
    positions = np.flatnonzero(used)
    if guilds is None:
        groups = [positions]
    else:
        labels = (np.asarray(members, dtype=object) if members is not None
                  else np.arange(values.shape[0]))
        codes: dict[str, int] = {}  # role -> guild number, in order of first appearance
        guild = np.array([codes.setdefault(guilds[m], len(codes)) if m in guilds else -1
                          for m in labels[positions].tolist()], dtype=np.int64)
        order = np.argsort(guild, kind="stable")
        bounds = np.searchsorted(guild[order], np.arange(len(codes) + 1))
        groups = [positions[order[a:b]] for a, b in zip(bounds[:-1], bounds[1:])]
    found = [(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))]
    for group in groups:
        if group.size < 2:
            continue
        kernel = SparseKernel(method, values[group], availability)
        found += [(group[i], group[j], value) for i, j, value in kernel.blocks(threshold)]
    i = np.concatenate([f[0] for f in found])
    j = np.concatenate([f[1] for f in found])
    found_values = np.concatenate([f[2] for f in found])
    del found
    if top is not None and top < found_values.size:
        # only the pairs at least as strong as the top-th need sorting (ties included)
        kth = -np.partition(-found_values, top - 1)[top - 1]
        strong = np.flatnonzero(found_values >= kth)
        order = strong[np.lexsort((j[strong], i[strong], -found_values[strong]))][:top]
    else:
        order = np.lexsort((j, i, -found_values))
    names = (np.asarray(members, dtype=object) if members is not None
             else np.arange(values.shape[0]))
    return pd.DataFrame({"member": names[i[order]], "competitor": names[j[order]],
                         "overlap": found_values[order]})


def densify(U: SparseUse, fix: str) -> pd.DataFrame | np.ndarray:
    """The dense table of sparse use, for the indices without a sparse path."""
    values, members = as_sparse(U)
    n, r = values.shape
    check_allocation(8.0 * n * r, f"a dense {n:,} x {r:,} utilization table (members x "
                     "resources)", fix)
    if members is None:
        return values.toarray()
    return pd.DataFrame(values.toarray(), index=members, columns=U.resources)
