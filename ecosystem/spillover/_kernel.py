"""Vectorised Monte Carlo kernels: all runs advance together in one array of cells.

A cell is ``run * n + member``. :func:`spread` simulates the cascade or
threshold process event by event; :func:`live_edge_graphs` and :func:`reach`
use the equivalent live-edge form of both models (Kempe, Kleinberg & Tardos
2003, Claim 2.3 and Theorem 2.5): a member adopts at step t exactly when a
seed reaches it in t steps over the links that came out "live".
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["spread", "live_edge_graphs", "reach"]

# draws per chunk when sampling live-edge graphs: bounds the memory to ~64 MB of floats
_CHUNK = 8_000_000
# cells (runs x members) simulated together: ~20 MB of scratch arrays
_CELLS = 1_000_000


def _gather(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (into ``indices``/``data``) of the stored entries of ``rows``, and their row's
    place in ``rows``: a vectorised ``for r in rows: range(indptr[r], indptr[r + 1])``."""
    start = indptr[rows]
    count = indptr[rows + 1] - start
    first = np.cumsum(count) - count
    owner = np.repeat(np.arange(rows.size), count)
    return np.arange(owner.size) + (start - first)[owner], owner


def _distinct(cells: np.ndarray, stamp: np.ndarray) -> np.ndarray:
    """``cells`` without repeats, in first-seen order, using a scratch array (no sort).

    ``stamp`` holds 0 everywhere on entry and on exit (so it can be a lazy np.zeros).
    """
    position = np.arange(1, cells.size + 1)
    stamp[cells] = cells.size + 1  # larger than any position
    np.minimum.at(stamp, cells, position)  # defined for repeats, unlike plain assignment
    keep = stamp[cells] == position
    stamp[cells] = 0
    return cells[keep]


def spread(weights: sp.csr_array, start: np.ndarray, runs: int, max_steps: int | None,
           rng: np.random.Generator, *, threshold: bool) -> tuple[np.ndarray, np.ndarray]:
    """Adoption events of all runs: cells (run * n + member) and the step of adoption.

    Each step touches only the links leaving the members that adopted in the
    previous step, so the work is that of a one-run-at-a-time loop without
    its Python overhead. Cascade (``threshold=False``): every touched link
    converts its target with probability equal to its weight. Threshold:
    weights are in-shares; a member's uniform threshold is drawn the first
    time a link reaches it (an untouched member's threshold never matters).
    """
    n = weights.shape[0]
    per_chunk = max(1, min(runs, _CELLS // max(n, 1)))
    state = _State(per_chunk * n, threshold)
    found_cells, found_steps = [], []
    # runs go in chunks so that the per-cell arrays stay small and resident (allocated once,
    # cleared where touched), instead of runs x members arrays paged in at first touch
    for first in range(0, runs, per_chunk):
        count = min(per_chunk, runs - first)
        cells, steps = _spread_chunk(weights, start, count, max_steps, rng, state)
        found_cells.append(cells + first * n)
        found_steps.append(steps)
    return np.concatenate(found_cells), np.concatenate(found_steps)


class _State:
    """Per-cell scratch arrays of one chunk of runs, all zero between chunks."""

    def __init__(self, size: int, threshold: bool):
        self.threshold = threshold
        self.adopted = np.zeros(size, dtype=bool)
        self.stamp = np.zeros(size, dtype=np.int64)
        if threshold:
            self.pressure = np.zeros(size)
            self.bar = np.zeros(size)
            self.drawn = np.zeros(size, dtype=bool)

    def clear(self, touched: np.ndarray) -> None:
        self.adopted[touched] = False
        if self.threshold:
            self.pressure[touched] = 0.0
            self.drawn[touched] = False


def _spread_chunk(weights: sp.csr_array, start: np.ndarray, runs: int, max_steps: int | None,
                  rng: np.random.Generator, state: _State) -> tuple[np.ndarray, np.ndarray]:
    n = weights.shape[0]
    fresh = (np.arange(runs)[:, None] * n + start[None, :]).ravel()
    state.adopted[fresh] = True
    found_cells, found_steps, touched = [fresh], [np.zeros(fresh.size, dtype=np.int64)], []
    limit = n if max_steps is None else max_steps
    # each step needs the adopters of the previous one: the loop over steps is inherent
    for step in range(1, limit + 1):
        member = fresh % n
        link, owner = _gather(weights.indptr, member)
        cells = (fresh - member)[owner] + weights.indices[link]
        weight = weights.data[link]
        if state.threshold:
            touched.append(cells)
            np.add.at(state.pressure, cells, weight)
            cells = _distinct(cells[~state.adopted[cells]], state.stamp)
            new = cells[~state.drawn[cells]]
            state.bar[new] = rng.random(new.size)
            state.drawn[new] = True
            # shares that should add to 1 may fall short by a rounding error
            cells = cells[state.pressure[cells] >= state.bar[cells] - 1e-12]
        else:
            cells = cells[rng.random(cells.size) < weight]
            cells = _distinct(cells[~state.adopted[cells]], state.stamp)
        if cells.size == 0:
            break
        state.adopted[cells] = True
        found_cells.append(cells)
        found_steps.append(np.full(cells.size, step, dtype=np.int64))
        fresh = cells
    cells = np.concatenate(found_cells)
    state.clear(np.concatenate([cells] + touched))
    return cells, np.concatenate(found_steps)


def live_edge_graphs(weights: sp.csr_array, runs: int, rng: np.random.Generator, *,
                     threshold: bool) -> sp.csr_array:
    """``runs`` live-edge graphs as one block-diagonal CSR array over cells.

    Cascade: each link is live with probability equal to its weight,
    independently. Threshold (weights are in-shares): each member keeps at
    most one incoming link, link (u, v) with probability w_uv, none with
    probability 1 - sum_u w_uv.
    """
    n = weights.shape[0]
    coo = weights.tocoo()
    src, dst, w = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data
    rows, cols = [], []
    if not threshold:
        per_chunk = max(1, _CHUNK // max(w.size, 1))
        # chunks of runs keep the runs x links draws bounded in memory
        for first in range(0, runs, per_chunk):
            count = min(per_chunk, runs - first)
            run, link = np.nonzero(rng.random((count, w.size)) < w)
            rows.append((run + first) * n + src[link])
            cols.append((run + first) * n + dst[link])
    else:
        order = np.lexsort((src, dst))  # incoming links grouped by target
        src, dst, w = src[order], dst[order], w[order]
        bounds = np.cumsum(w)  # link k covers [bounds[k] - w[k], bounds[k]) of the line
        firsts = np.flatnonzero(np.r_[True, dst[1:] != dst[:-1]]) if dst.size else dst
        targets = dst[firsts]  # the members with incoming links, in order
        target_start = bounds[firsts] - w[firsts]
        per_chunk = max(1, _CHUNK // max(targets.size, 1))
        for first in range(0, runs, per_chunk):
            count = min(per_chunk, runs - first)
            point = target_start + rng.random((count, targets.size))
            link = np.searchsorted(bounds, point, side="right")
            # a point past the target's own links means "no live incoming link"
            ok = link < dst.size
            ok[ok] &= dst[link[ok]] == np.broadcast_to(targets, link.shape)[ok]
            run = np.broadcast_to(np.arange(first, first + count)[:, None], link.shape)[ok]
            link = link[ok]
            rows.append(run * n + src[link])
            cols.append(run * n + dst[link])
    row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    col = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    size = runs * n
    return sp.csr_array((np.ones(row.size, dtype=bool), (row, col)), shape=(size, size))


def reach(live: sp.csr_array, sources: np.ndarray, seen: np.ndarray,
          max_steps: int | None = None) -> np.ndarray:
    """The cells newly reached from ``sources`` over ``live`` links (sources included).

    ``seen`` (bool, one per cell) marks cells already reached; it is updated
    in place, and the search does not pass through them.
    """
    frontier = np.unique(sources[~seen[sources]])
    seen[frontier] = True
    found = [frontier]
    limit = live.shape[0] if max_steps is None else max_steps
    # breadth-first search: each step needs the previous frontier
    for _ in range(limit):
        if frontier.size == 0:
            break
        link, _owner = _gather(live.indptr, frontier)
        targets = live.indices[link]
        frontier = np.unique(targets[~seen[targets]])
        seen[frontier] = True
        found.append(frontier)
    return np.concatenate(found)
