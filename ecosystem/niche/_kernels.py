"""Row-block kernels of the overlap indices, streamed by overlap, mean_overlap and
competition_pairs.

A kernel computes any rectangle ``rows start:stop x columns first:n`` of the
members x members overlap matrix, so callers can build the whole matrix or
stream it without holding n x n values. Symmetric indices are computed on the
upper triangle only (``first = start``) and mirrored by the caller.

Speed (benchmarks/bench_niche.py, 10,000 members x 50 resources): pianka,
macarthur_levins, morisita_horn, morisita and hurlbert are BLAS matrix
products; czekanowski (no product form) is scipy's C L1 loop on the upper
triangle; horn (no product form, a logarithm per resource and pair) is a
resource-by-resource numpy loop over row tiles, about 10 times faster than
scipy's ``jensenshannon`` distance (benchmarks/RESULTS.md, section niche).
"""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np
import pandas as pd
from scipy.spatial.distance import cdist
from scipy.special import xlogy

from .._errors import ParameterError
from ._input import Utilization

__all__ = ["Kernel", "shares"]

_BLOCK_ELEMENTS = 4_000_000  # rows per block x members stays near 32 MB of float64
_HORN_TILE = 16  # rows per horn tile: a tile of every member's values stays in cache
_TINY = 1e-9  # czekanowski / horn values below this are recomputed pair by pair
_LOG_FLOOR = 5e-301  # added to both shares before ln: two zeros add -7e-298, not 0 * -inf


class Kernel:
    """One overlap index on the members that use something (rows of ``values``)."""

    def __init__(self, method: str, util: Utilization, values: np.ndarray,
                 availability: Any = None):
        self.method = method
        self.n, self.r = values.shape
        self._support: np.ndarray | None = None
        if method != "hurlbert" and availability is not None:
            raise ParameterError("availability is only used by method='hurlbert'")
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
            elif method == "czekanowski":
                self.halves = 0.5 * p  # the L1 distance of half shares is L1 / 2
            elif method == "horn":
                self.own = xlogy(p, p).sum(axis=1)
                self.shifted = p + _LOG_FLOOR
                self.columns = np.asfortranarray(self.shifted)  # each resource contiguous

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

    @property
    def symmetric(self) -> bool:
        return self.method != "macarthur_levins"

    def block(self, start: int, stop: int, first: int = 0) -> np.ndarray:
        """Rows ``start:stop`` and columns ``first:n`` of the overlap matrix."""
        method = self.method
        if method == "czekanowski":  # 1 - L1/2 equals sum_k min(p_ik, p_jk)
            out = cdist(self.halves[start:stop], self.halves[first:], "cityblock")
            np.subtract(1.0, out, out=out)
        elif method == "horn":
            out = self._horn(start, stop, first)
        else:
            out = self.left[start:stop] @ self.right[first:].T
            if method in ("morisita_horn", "morisita"):
                # divide by (d_i + d_j) a slab at a time: no n x n temporary
                d = self.denominator
                for low in range(0, stop - start, 512):
                    high = min(low + 512, stop - start)
                    out[low:high] /= d[start + low:start + high, None] + d[None, first:]
        if method in ("czekanowski", "horn"):
            self._fix_small(out, start, first)
        if method not in ("morisita", "hurlbert"):
            # identical shares overlap exactly 1; rounding would otherwise leave 1 - 1e-16
            diagonal = np.arange(max(start, first), stop)
            out[diagonal - start, diagonal - first] = 1.0
        return out

    def _horn(self, start: int, stop: int, first: int) -> np.ndarray:
        """Horn's index: [sum (p+q) ln(p+q) - sum p ln p - sum q ln q] / (2 ln 2)."""
        out = np.zeros((stop - start, self.n - first))
        tile = min(_HORN_TILE, stop - start)
        total, logs = np.empty((tile, out.shape[1])), np.empty((tile, out.shape[1]))
        # a loop over resources (and row tiles): each step is one vectorised pass over a
        # tile x members slab that stays in cache, where a 3-D broadcast would not fit
        for low in range(0, stop - start, tile):
            high = min(low + tile, stop - start)
            rows, acc = self.shifted[start + low:start + high], out[low:high]
            s, lg = total[:high - low], logs[:high - low]
            for k in range(self.r):
                np.add(rows[:, k, None], self.columns[None, first:, k], out=s)
                np.log(s, out=lg)
                lg *= s
                acc += lg
        out -= self.own[start:stop, None]
        out -= self.own[None, first:]
        out *= 1.0 / (2.0 * np.log(2.0))
        np.minimum(out, 1.0, out=out)
        return out

    def _fix_small(self, out: np.ndarray, start: int, first: int) -> None:
        """Members sharing no resource overlap exactly 0, and tiny overlaps get their exact
        value: both come out of 1 - L1/2 and the entropy difference as rounding residue."""
        flat = np.flatnonzero(out <= _TINY)
        if not flat.size:
            return
        width = out.shape[1]
        i, j = start + flat // width, first + flat % width
        if flat.size * self.r > out.size:  # many disjoint pairs (sparse use): one product
            if self._support is None:
                self._support = (self.p > 0).astype(float)
            support = self._support
            shared = (support[start:start + out.shape[0]] @ support[first:].T).ravel()[flat] > 0
            out.ravel()[flat[~shared]] = 0.0
            flat, i, j = flat[shared], i[shared], j[shared]
        # a loop over chunks of pairs only to bound the (pairs x resources) temporaries
        for low in range(0, flat.size, 65536):
            a, b = i[low:low + 65536], j[low:low + 65536]
            pa, pb = self.p[a], self.p[b]
            if self.method == "czekanowski":
                exact = np.minimum(pa, pb).sum(axis=1)
            else:  # only resources both use contribute to Horn's numerator
                both = (pa > 0) & (pb > 0)
                terms = xlogy(pa + pb, pa + pb) - xlogy(pa, pa) - xlogy(pb, pb)
                exact = np.where(both, terms, 0.0).sum(axis=1) / (2.0 * np.log(2.0))
            out.ravel()[flat[low:low + 65536]] = np.clip(exact, 0.0, 1.0)

    def distinct_pairs(self, start: int, first: int, shape: tuple[int, int]) -> np.ndarray:
        """Mask of a block's entries that are pairs of distinct members, each counted once:
        column > row for a symmetric index, column != row for an asymmetric one."""
        rows = np.arange(start, start + shape[0])[:, None]
        cols = np.arange(first, first + shape[1])[None, :]
        return (cols > rows) if self.symmetric else (cols != rows)

    def blocks(self, rows: int | None = None) -> Iterator[tuple[int, int, np.ndarray]]:
        """``(start, first, block)`` covering the matrix: the upper triangle (with the
        diagonal) of a symmetric index, every entry of an asymmetric one."""
        if rows is None:
            rows = max(1, _BLOCK_ELEMENTS // max(self.n, 1))
            if self.symmetric:  # at least 8 blocks, so that skipping the lower triangle pays
                rows = max(1, min(rows, -(-self.n // 8)))
        for start in range(0, self.n, rows):
            first = start if self.symmetric else 0
            yield start, first, self.block(start, min(start + rows, self.n), first)


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
