"""Benchmark: niche overlap matrices and the null model against plain-Python loops.

Run ``python benchmarks/bench_niche.py``. For every overlap index it times
``ecosystem.niche.overlap`` on 10,000 members x 50 resources and a
plain-Python double loop (the textbook formula, pair by pair) on a subset of
members, and prints both per-pair costs and their ratio. Then it times the
RA3 null model (1,000 iterations) against a loop that randomises and scores
one matrix at a time, the way EcoSimR does. No dependency beyond ecobelt's.
"""

from __future__ import annotations

import math
import time

import numpy as np

from ecosystem.niche import null_model, overlap

MEMBERS, RESOURCES, SUBSET, HORN_MEMBERS = 10_000, 50, 150, 3_000


def loop_overlap(U: np.ndarray, method: str, availability=None) -> list[list[float]]:
    """The baseline: formulas evaluated pair by pair in plain Python."""
    rows = [list(map(float, row)) for row in U]
    shares = [[x / sum(row) for x in row] for row in rows]
    a = None if availability is None else [x / sum(availability) for x in availability]
    out = []
    for i, p in enumerate(shares):
        line = []
        for j, q in enumerate(shares):
            cross = sum(x * y for x, y in zip(p, q))
            sp, sq = sum(x * x for x in p), sum(y * y for y in q)
            if method == "pianka":
                value = cross / math.sqrt(sp * sq)
            elif method == "czekanowski":
                value = sum(min(x, y) for x, y in zip(p, q))
            elif method == "macarthur_levins":
                value = cross / sp
            elif method == "morisita_horn":
                value = 2 * cross / (sp + sq)
            elif method == "hurlbert":
                value = sum(x * y / w for x, y, w in zip(p, q, a))
            elif method == "horn":
                def xlnx(v):
                    return sum(t * math.log(t) for t in v if t > 0)
                value = (xlnx([x + y for x, y in zip(p, q)]) - xlnx(p) - xlnx(q)) / (
                    2 * math.log(2))
            else:  # morisita, on counts
                ni, nj = rows[i], rows[j]
                Ni, Nj = sum(ni), sum(nj)
                li = sum(x * (x - 1) for x in ni) / (Ni * (Ni - 1))
                lj = sum(y * (y - 1) for y in nj) / (Nj * (Nj - 1))
                value = 2 * sum(x * y for x, y in zip(ni, nj)) / ((li + lj) * Ni * Nj)
            line.append(value)
        out.append(line)
    return out


def timed(function, repeats: int = 1) -> tuple[float, object]:
    best, result = math.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def bench_overlap() -> None:
    rng = np.random.default_rng(0)
    dense = rng.random((MEMBERS, RESOURCES))
    counts = rng.integers(0, 20, size=(MEMBERS, RESOURCES)) + 2 * (
        np.arange(RESOURCES) == 0)
    availability = rng.random(RESOURCES) + 0.1
    print(f"overlap matrix, {MEMBERS:,} members x {RESOURCES} resources (horn: {HORN_MEMBERS:,}); "
          f"baseline: plain-Python double loop on {SUBSET} members")
    print(f"{'method':<18}{'members':>8}{'ours (s)':>10}{'ns/pair':>10}{'loop (s)':>10}{'us/pair':>10}"
          f"{'ratio':>10}{'max |diff|':>12}")
    for method in ("pianka", "macarthur_levins", "morisita_horn", "morisita", "hurlbert",
                   "czekanowski", "horn"):
        U = counts if method == "morisita" else dense
        kwargs = {"availability": availability} if method == "hurlbert" else {}
        repeats = 3 if method not in ("czekanowski", "horn") else 1
        if method == "horn":  # O(n^2 r) logarithms: about 2 minutes at 10,000 members
            U = U[:HORN_MEMBERS]
        members = len(U)
        ours, matrix = timed(lambda: overlap(U, method, **kwargs), repeats)
        del matrix
        subset = U[:SUBSET]
        loop, reference = timed(lambda: loop_overlap(subset, method, kwargs.get("availability")))
        diff = np.abs(overlap(subset, method, **kwargs) - np.array(reference))
        np.fill_diagonal(diff, 0.0)  # we set an exact 1 on the diagonal of symmetric indices
        ours_pair, loop_pair = ours / members**2, loop / SUBSET**2
        print(f"{method:<18}{members:>8,}{ours:>10.3f}{ours_pair * 1e9:>10.2f}{loop:>10.2f}"
              f"{loop_pair * 1e6:>10.2f}{loop_pair / ours_pair:>10.0f}{diff.max():>12.1e}")


def loop_null_model(U: np.ndarray, iterations: int, seed: int) -> list[float]:
    """The baseline: EcoSimR's way, one randomised matrix and one pair at a time."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(iterations):
        shuffled = np.array([rng.permutation(row) for row in U])
        matrix = loop_overlap(shuffled, "pianka")
        n = len(U)
        out.append(sum(matrix[i][j] for i in range(n) for j in range(i + 1, n))
                   / (n * (n - 1) / 2))
    return out


def bench_null_model() -> None:
    rng = np.random.default_rng(1)
    print("\nnull model, ra3 + pianka mean, 1,000 iterations; baseline: per-iteration loop")
    print(f"{'matrix':<18}{'ours (s)':>10}{'loop (s)':>10}{'ratio':>10}")
    for n, r in ((5, 16), (30, 12)):
        U = rng.random((n, r)) * (rng.random((n, r)) < 0.6) + 0.01 * (np.arange(r) == 0)
        ours, _ = timed(lambda: null_model(U, "ra3", iterations=1000, seed=0), 3)
        loop, _ = timed(lambda: loop_null_model(U, 1000, 0))
        print(f"{f'{n} x {r}':<18}{ours:>10.3f}{loop:>10.2f}{loop / ours:>10.0f}")
    U = rng.random((1000, 50))
    ours, _ = timed(lambda: null_model(U, "ra4", "czekanowski", iterations=1000, seed=0))
    print(f"{'1000 x 50 (ra4, czekanowski)':<30}{ours:>8.2f} s, no loop run (it would take "
          "hours)")


if __name__ == "__main__":
    bench_overlap()
    bench_null_model()
