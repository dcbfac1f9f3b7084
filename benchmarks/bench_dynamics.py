"""Speed of ecosystem.dynamics and ecosystem.coupling against plain-Python baselines.

Run: python benchmarks/bench_dynamics.py

* generalized_lv (vectorised right-hand side on ln x, LSODA with the analytic
  Jacobian) against the same solver on a right-hand side written as a
  plain-Python double loop (no Jacobian), n populations.
* coupling.coordination on many observations against a plain-Python loop
  doing the same standardisation, entropy weights and adjusted C.
* goh_certificate on a random diagonally dominant n x n matrix (no baseline).
* generalized_lv of the bundled industrial_belt (what ``ecobelt coevolve glv
  industrial_belt`` computes) with its BLAS threads held to one, against the
  same call with the library's default threads (the code before the limit).

Times are best-of-3 wall and CPU seconds (``time.process_time``; the machine
is shared, so the load average is printed with the table); the ratio is the
baseline's CPU time over ours.
"""

from __future__ import annotations

import math
from unittest import mock

import numpy as np
import pandas as pd
from scipy.integrate import solve_ivp

import ecosystem.dynamics._glv as glv_module
from _timing import Timing, header, load, timed
from ecosystem.cli._common import read_spec
from ecosystem.coupling import coordination
from ecosystem.dynamics import generalized_lv, goh_certificate


def _random_community(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.normal(0.0, 0.3 / math.sqrt(n), (n, n))
    np.fill_diagonal(a, -1.0)
    return a, rng.uniform(0.5, 1.5, n)


def bench_glv(n: int, t_end: float = 20.0) -> tuple[Timing, Timing]:
    a, r = _random_community(n, seed=1)
    ours = timed(generalized_lv, a, r=r, x0=0.5, t_end=t_end, n_points=201, repeat=3)
    rows = a.tolist()
    rr = r.tolist()

    def loop_rhs(_t, x):
        return [x[i] * (rr[i] + sum(rows[i][j] * x[j] for j in range(n))) for i in range(n)]

    baseline = timed(solve_ivp, loop_rhs, (0.0, t_end), [0.5] * n, method="LSODA",
                     t_eval=np.linspace(0, t_end, 201), rtol=1e-8, atol=1e-10)
    return ours, baseline


def _loop_coupling(frame: pd.DataFrame, groups: dict[str, list[str]]) -> list[float]:
    m = len(frame)
    scores = {}
    for name, cols in groups.items():
        scaled = {}
        for col in cols:
            x = frame[col].tolist()
            lo, hi = min(x), max(x)
            scaled[col] = [0.01 + 0.99 * (v - lo) / (hi - lo) for v in x]
        div = {}
        for col, x in scaled.items():
            total = sum(x)
            div[col] = 1 + sum(v / total * math.log(v / total) for v in x) / math.log(m)
        weights = {col: d / sum(div.values()) for col, d in div.items()}
        scores[name] = [sum(weights[c] * scaled[c][i] for c in cols) for i in range(m)]
    out = []
    for u1, u2 in zip(*scores.values()):
        c = math.sqrt((1 - abs(u1 - u2)) * min(u1, u2) / max(u1, u2))
        out.append(math.sqrt(c * (u1 + u2) / 2))
    return out


def bench_coupling(rows: int, indicators: int = 12) -> tuple[Timing, Timing]:
    rng = np.random.default_rng(2)
    frame = pd.DataFrame(rng.uniform(1, 100, (rows, indicators)),
                         columns=[f"i{k}" for k in range(indicators)])
    half = indicators // 2
    groups = {"cbec": list(frame.columns[:half]), "cluster": list(frame.columns[half:])}
    ours = timed(coordination, frame, groups, repeat=3)
    baseline = timed(_loop_coupling, frame, groups)
    assert np.allclose(ours.result["D"], baseline.result)
    return ours, baseline


def bench_belt_threads() -> tuple[Timing, Timing]:
    eco = read_spec("industrial_belt")
    ours = timed(generalized_lv, eco, repeat=3)
    # the undecorated functions: what the call did before its threads were limited
    with mock.patch.object(glv_module, "goh_certificate", goh_certificate.__wrapped__):
        baseline = timed(generalized_lv.__wrapped__, eco)  # 10-30 s on a busy machine
    assert ours.result.goh.status == baseline.result.goh.status
    assert np.allclose(ours.result.series.to_numpy(), baseline.result.series.to_numpy(),
                       rtol=1e-6)
    return ours, baseline


def _row(case: str, ours: Timing, base: Timing | None) -> str:
    if base is None:
        return f"| {case} | {ours.wall:.4f} | {ours.cpu:.4f} | - | - | - |"
    return (f"| {case} | {ours.wall:.4f} | {ours.cpu:.4f} | {base.wall:.4f} | {base.cpu:.4f} | "
            f"{base.cpu / ours.cpu:.1f} |")


def main() -> None:
    print(header(__doc__.splitlines()[0], "scipy", "pandas"))
    print("| case | ecobelt wall (s) | ecobelt CPU (s) | baseline wall (s) | baseline CPU (s) | "
          "baseline / ecobelt (CPU) |")
    print("|---|---|---|---|---|---|")
    for n in (20, 100):
        ours, base = bench_glv(n)
        print(_row(f"generalized_lv n={n}, t_end=20 vs plain-Python loop RHS", ours, base))
    for rows in (10_000, 100_000):
        ours, base = bench_coupling(rows)
        print(_row(f"coordination {rows} rows x 12 indicators vs plain-Python loops", ours,
                   base))
    for n in (50, 200):
        a, _ = _random_community(n, seed=3)
        goh_certificate(a)  # untimed first call, as in the recorded results: the row is warm
        certificate = timed(goh_certificate, a)
        print(_row(f"goh_certificate n={n} ({certificate.result.reason})", certificate, None))
    ours, base = bench_belt_threads()
    print(_row("generalized_lv industrial_belt, one BLAS thread vs the default threads", ours,
               base))
    print(f"at the end: {load()}")


if __name__ == "__main__":
    main()
