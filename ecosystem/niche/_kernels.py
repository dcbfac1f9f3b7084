"""Row-block kernels of the overlap indices, streamed by overlap, mean_overlap and
competition_pairs.

A kernel computes any rectangle ``rows start:stop x columns first:n`` of the
members x members overlap matrix, so callers can build the whole matrix or
stream it without holding n x n values. Symmetric indices are computed on the
upper triangle only (``first = start``) and mirrored by the caller.

Speed (benchmarks/bench_niche.py, 10,000 members x 50 resources): pianka,
macarthur_levins, morisita_horn, morisita and hurlbert are BLAS matrix
products (BLAS has its own threads); czekanowski (no product form) is scipy's
C L1 loop on the upper triangle; horn (no product form, a logarithm per
resource and pair) is a resource-by-resource numpy loop over row tiles, or
with numba (the ``fast`` extra) two compiled passes around one call of numpy's
``log`` per tile, the same values bit for bit (:mod:`._compiled`).
czekanowski and horn sum a resource that few members use only over the pairs that both use it (it
adds 0 to the others). :meth:`Kernel.map_blocks` runs their row blocks on a
thread pool: scipy's ``cdist`` and numpy's ufuncs release the GIL. Every entry
is the value computed for its pair above the diagonal, by the same operations
in the same order whatever block holds it, so the values depend neither on the
thread count nor on the block size nor on which block finishes first
(benchmarks/RESULTS.md, section niche).
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterator, TypeVar

import numpy as np
import pandas as pd

from .._errors import ParameterError
from . import _compiled
from ._input import Utilization
from ._registry import OVERLAP_INDICES

__all__ = ["Kernel", "shares"]

T = TypeVar("T")

_BLOCK_ELEMENTS = 4_000_000  # rows per block x members stays near 32 MB of float64
# rows per horn tile: at least 16, and enough for 2**17 values per numpy call, so that the
# calls' overhead (under the GIL) stays small next to their work (released) on 2+ threads
_HORN_TILE, _HORN_SLAB = 16, 2**17
_TINY = 1e-9  # czekanowski / horn values below this are recomputed pair by pair
_HORN_SCALE = 1.0 / (2.0 * np.log(2.0))  # Horn's sums in bits: 1 for identical shares
_LOG_FLOOR = 5e-301  # added to both shares before ln: two zeros add -7e-298, not 0 * -inf
# czekanowski and horn sum a resource used by fewer than this share of the members over the
# pairs that both use it (about 10 ns per such pair, scattered into the block) instead of
# over every pair (0.45 ns in scipy's L1 loop, 1.4 ns in horn's loop); on 10,000 x 50, the
# sparse sums were faster below a share of about 0.3 (czekanowski) and 0.4 (horn)
_SPARSE_SHARE = {"czekanowski": 0.2, "horn": 0.3}
# the product indices leave threads to BLAS
_THREADED = tuple(name for name, index in OVERLAP_INDICES.items() if index.kernel == "pairwise")


class Kernel:
    """One overlap index on the members that use something (rows of ``values``)."""

    def __init__(self, method: str, util: Utilization, values: np.ndarray,
                 availability: Any = None):
        self.method = method
        self.n, self.r = values.shape
        self._support: np.ndarray | None = None
        if not OVERLAP_INDICES[method].needs_availability and availability is not None:
            needing = [n for n, i in OVERLAP_INDICES.items() if i.needs_availability]
            raise ParameterError(f"availability is only used by index={needing[0]!r}")
        if method == "pianka":
            # the cosine of the share vectors; shares first so tiny rows cannot underflow
            p = shares(values)
            self.left = p / np.linalg.norm(p, axis=1, keepdims=True)
            self.right = self.left
        elif method == "morisita":
            self._prepare_morisita(util, values)
        else:
            p = shares(values)
            self.p = p
            self.squares = (p * p).sum(axis=1)
            self.left = self.right = p
            # constant factors go into the left operand: no extra pass over the n x n result
            if method == "hurlbert":
                self.left = p / _availability(availability, util, values)
            elif method == "macarthur_levins":
                self.left = p / self.squares[:, None]
            elif method == "morisita_horn":
                self.left = 2.0 * p
                self.denominator = self.squares
            if method in _THREADED:
                self._prepare_sums(p)

    def _prepare_morisita(self, util: Utilization, values: np.ndarray) -> None:
        if not np.array_equal(values, np.round(values)):
            raise ParameterError(
                "morisita needs integer counts (individuals or links per resource); for shares, "
                "volumes or other continuous use take method='morisita_horn'")
        totals = values.sum(axis=1)
        names = np.flatnonzero(util.values.sum(axis=1) > 0)
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

    def _prepare_sums(self, p: np.ndarray) -> None:
        """czekanowski and horn: which resources are summed over every pair (dense) and which
        over the pairs that both use them (sparse); everything here, not lazily, as blocks
        run on several threads."""
        users = p > 0
        self._support = users.astype(float)
        sparse = users.sum(axis=0) < _SPARSE_SHARE[self.method] * self.n
        self.sparse_users = [(int(k), np.flatnonzero(users[:, k]))
                             for k in np.flatnonzero(sparse)]
        dense = ~sparse
        self.dense_count = int(dense.sum())
        dense_p = np.ascontiguousarray(p[:, dense])  # a mask keeps F order: cdist 1.8x slower
        if self.method == "czekanowski":
            self.halves = 0.5 * dense_p  # the L1 distance of half shares is L1 / 2
            # over some resources, sum_k min(p, q) = sum_k p / 2 + sum_k q / 2 - L1 / 2
            self.half_totals = self.halves.sum(axis=1) if sparse.any() else None
            return
        # p ln p with numpy's ln, the kernel's own: a resource only one member of a pair
        # uses then cancels exactly, (p + 0) ln(p + 0) - p ln p = 0
        self.terms = p * np.log(np.where(users, p, 1.0))
        self.dense_columns = np.ascontiguousarray((dense_p + _LOG_FLOOR).T)  # each resource
        self.dense_own = self.terms[:, dense].sum(axis=1)

    @property
    def symmetric(self) -> bool:
        return OVERLAP_INDICES[self.method].symmetric

    def block(self, start: int, stop: int, first: int = 0) -> np.ndarray:
        """Rows ``start:stop`` and columns ``first:n`` of the overlap matrix."""
        method = self.method
        if method in _THREADED:
            out = self._sums(start, stop, first)
            self._fix_small(out, start, first)
            self._mirror_square(out, start, stop, first)
        else:
            out = self.left[start:stop] @ self.right[first:].T
            if method in ("morisita_horn", "morisita"):
                # divide by (d_i + d_j) a slab at a time: no n x n temporary
                d = self.denominator
                for low in range(0, stop - start, 512):
                    high = min(low + 512, stop - start)
                    out[low:high] /= d[start + low:start + high, None] + d[None, first:]
        if method not in ("morisita", "hurlbert"):
            # identical shares overlap exactly 1; rounding would otherwise leave 1 - 1e-16
            diagonal = np.arange(max(start, first), stop)
            out[diagonal - start, diagonal - first] = 1.0
        return out

    def _sums(self, start: int, stop: int, first: int) -> np.ndarray:
        """czekanowski's sum_k min(p_k, q_k) or Horn's index,
        [sum (p+q) ln(p+q) - sum p ln p - sum q ln q] / (2 ln 2)."""
        if self.method == "horn" and self.dense_count and not self.sparse_users \
                and _compiled.available():
            # the whole index in the compiled passes: no pass over the block afterwards
            out = np.zeros((stop - start, self.n - first))
            _compiled.horn_sums(self.dense_columns, start, stop, first, out, self.dense_own,
                                _HORN_SCALE)
            self._mirror_square(out, start, stop, first)
            return out
        if not self.dense_count:
            out = np.zeros((stop - start, self.n - first))
        elif self.method == "czekanowski":
            out = self._czekanowski_dense(start, stop, first)
        else:
            out = self._horn_dense(start, stop, first)
        for k, users in self.sparse_users:
            # a resource adds nothing to a pair unless both use it
            low, high, left = np.searchsorted(users, (start, stop, first))
            rows, cols = users[low:high], users[left:]
            if rows.size and cols.size:
                out[np.ix_(rows - start, cols - first)] += self._shared_terms(k, rows, cols)
        if self.method == "horn":
            self._mirror_square(out, start, stop, first)  # the dense loop skips those pairs
            out *= _HORN_SCALE
        np.minimum(out, 1.0, out=out)
        return out

    def _shared_terms(self, k: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Resource k's terms for the pairs of ``rows`` and ``cols``, members that use it."""
        p, q = self.p[rows, k], self.p[cols, k]
        if self.method == "czekanowski":
            return np.minimum.outer(p, q)
        total = np.add.outer(p, q)
        term = np.log(total)
        term *= total
        term -= self.terms[rows, k, None]
        term -= self.terms[None, cols, k]
        return term

    def _czekanowski_dense(self, start: int, stop: int, first: int) -> np.ndarray:
        from scipy.spatial.distance import cdist  # here: most callers never need scipy.spatial
        out = cdist(self.halves[start:stop], self.halves[first:], "cityblock")
        if self.half_totals is None:  # every resource: 1 - L1/2 equals sum_k min(p_k, q_k)
            np.subtract(1.0, out, out=out)
        else:
            np.subtract(self.half_totals[start:stop, None], out, out=out)
            out += self.half_totals[None, first:]
        return out

    def _horn_dense(self, start: int, stop: int, first: int) -> np.ndarray:
        """The dense resources' sum (p+q) ln(p+q) - sum p ln p - sum q ln q, on and above
        the diagonal (pairs below it are left 0 - own terms, for _sums' mirror)."""
        out = np.zeros((stop - start, self.n - first))
        if _compiled.available():
            _compiled.horn_sums(self.dense_columns, start, stop, first, out)
            out -= self.dense_own[start:stop, None]
            out -= self.dense_own[None, first:]
            return out
        columns = self.dense_columns[:, first:]
        tile = min(max(_HORN_TILE, _HORN_SLAB // max(out.shape[1], 1)), stop - start)
        total, logs, sums = (np.empty(tile * out.shape[1]) for _ in range(3))
        # a loop over resources (and row tiles): each step is one vectorised pass over a
        # tile x members slab that stays in cache, where a 3-D broadcast would not fit
        for low in range(0, stop - start, tile):
            high = min(low + tile, stop - start)
            left = low if first == start else 0  # columns left of it are below the diagonal
            row_shares = self.dense_columns[:, start + low:start + high]
            shape = (high - low, out.shape[1] - left)
            # contiguous slabs: numpy's 2-D loops over short strided rows are 3x slower
            s, lg, acc = (buffer[:shape[0] * shape[1]].reshape(shape)
                          for buffer in (total, logs, sums))
            for k in range(columns.shape[0]):
                np.add(row_shares[k, :, None], columns[k, left:], out=s)
                np.log(s, out=lg)
                if k:
                    lg *= s
                    acc += lg
                else:
                    np.multiply(lg, s, out=acc)
            out[low:high, left:] = acc
        out -= self.dense_own[start:stop, None]
        out -= self.dense_own[None, first:]
        return out

    def _fix_small(self, out: np.ndarray, start: int, first: int) -> None:
        """Members sharing no resource overlap exactly 0, and tiny overlaps get their exact
        value: both come out of 1 - L1/2 and the entropy difference as rounding residue."""
        small = out <= _TINY
        if not self.dense_count:  # sparse sums alone never touch pairs sharing nothing
            small &= out != 0.0
        count = np.count_nonzero(small)
        if not count:
            return
        if count * self.r > out.size:  # many disjoint pairs (sparse use): one product
            support = self._support
            assert support is not None, "_prepare_sums sets the support of the resources"
            shared = support[start:start + out.shape[0]] @ support[first:].T > 0
            out[small & ~shared] = 0.0
            small &= shared
        flat = np.flatnonzero(small)
        i, j = start + flat // out.shape[1], first + flat % out.shape[1]
        # a loop over chunks of pairs only to bound the (pairs x resources) temporaries
        for low in range(0, flat.size, 65536):
            a, b = i[low:low + 65536], j[low:low + 65536]
            pa, pb = self.p[a], self.p[b]
            if self.method == "czekanowski":
                exact = np.minimum(pa, pb).sum(axis=1)
            else:  # only resources both use contribute to Horn's numerator
                from scipy.special import xlogy
                both = (pa > 0) & (pb > 0)
                terms = xlogy(pa + pb, pa + pb) - xlogy(pa, pa) - xlogy(pb, pb)
                exact = np.where(both, terms, 0.0).sum(axis=1) / (2.0 * np.log(2.0))
            out.ravel()[flat[low:low + 65536]] = np.clip(exact, 0.0, 1.0)

    @staticmethod
    def _mirror_square(out: np.ndarray, start: int, stop: int, first: int) -> None:
        """Pairs whose both orders fall in the block get the value of the order above the
        diagonal (horn's sums, subtracted in another order, can differ in the last bit)."""
        low = max(start, first)
        if stop - low < 2:
            return
        square = out[low - start:stop - start, low - first:stop - first]
        below = np.tril_indices(len(square), -1)
        square[below] = square.T[below]

    def distinct_pairs(self, start: int, first: int, shape: tuple[int, int]) -> np.ndarray:
        """Mask of a block's entries that are pairs of distinct members, each counted once:
        column > row for a symmetric index, column != row for an asymmetric one."""
        rows = np.arange(start, start + shape[0])[:, None]
        cols = np.arange(first, first + shape[1])[None, :]
        return (cols > rows) if self.symmetric else (cols != rows)

    def spans(self) -> list[tuple[int, int, int]]:
        """``(start, stop, first)`` of the blocks covering the matrix: the upper triangle
        (with the diagonal) of a symmetric index, every entry of an asymmetric one."""
        rows = max(1, _BLOCK_ELEMENTS // max(self.n, 1))
        if self.symmetric:  # at least 8 blocks, so that skipping the lower triangle pays
            rows = max(1, min(rows, -(-self.n // 8)))
        return [(start, min(start + rows, self.n), start if self.symmetric else 0)
                for start in range(0, self.n, rows)]

    def map_blocks(self, consume: Callable[[int, int, np.ndarray], T], *, workers: int = 1
                   ) -> Iterator[T]:
        """``consume(start, first, block)`` for every block of :meth:`spans`, yielded in
        block order. czekanowski and horn blocks, and ``consume``, run on up to ``workers``
        threads; at most ``2 * workers`` blocks are begun and not yet yielded, so memory
        stays bounded. ``consume`` must only write where its own block goes."""
        def run(span: tuple[int, int, int]) -> T:
            start, stop, first = span
            return consume(start, first, self.block(start, stop, first))

        spans = self.spans()
        if workers < 2 or len(spans) < 2 or self.method not in _THREADED:
            yield from map(run, spans)
            return
        pool = ThreadPoolExecutor(max_workers=min(workers, len(spans)))
        pending: deque = deque()
        try:
            for span in spans:
                if len(pending) == 2 * workers:
                    yield pending.popleft().result()
                pending.append(pool.submit(run, span))
            while pending:
                yield pending.popleft().result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def shares(values: np.ndarray) -> np.ndarray:
    """Each row as shares of its total (rows must not be all zero)."""
    return values / values.sum(axis=1, keepdims=True)


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
    return np.where(a > 0, a, 1.0)
