"""Fuzzy c-means: ecobelt's ecosystem.segment.fuzzy_cmeans against scikit-fuzzy's cmeans.

Both start from the same initial memberships and run to a tight tolerance, so
they must reach the same fixed point; the script prints the largest difference
in memberships and centres and in the objective, the iterations, wall and CPU
seconds, the ratio and the load average. scikit-fuzzy is a benchmark-only
dependency (``pip install scikit-fuzzy``); the two stop on different
criteria (largest membership change, Frobenius norm of the change), which
can cost either one iteration more.

    python benchmarks/bench_segment.py
"""

import os
import time

import numpy as np

from ecosystem.segment import fuzzy_cmeans

try:
    import skfuzzy
except ImportError:  # pragma: no cover - benchmark-only dependency
    raise SystemExit("scikit-fuzzy is not installed: pip install scikit-fuzzy")


def _data(n, d, c, seed):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, (c, d))
    return centres[rng.integers(0, c, n)] + rng.normal(0, 1.5, (n, d))


def timed(function, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - wall, time.process_time() - cpu


def main():
    print(f"scikit-fuzzy {skfuzzy.__version__}; load average {os.getloadavg()[0]:.1f}; "
          "seconds wall (CPU), best of 3")
    print(f"{'points':>8} {'dims':>4} {'c':>2} {'m':>4} {'ecobelt':>15} {'skfuzzy':>15} "
          f"{'ratio wall (CPU)':>17} {'iters':>9} {'max |du|':>9} {'max |dv|':>9} "
          f"{'|dJ|/J':>8}")
    for n, d, c, m in [(1_000, 4, 3, 2.0), (10_000, 5, 4, 2.0), (10_000, 5, 4, 1.5),
                       (100_000, 5, 4, 2.0)]:
        x = _data(n, d, c, seed=n)
        u0 = np.random.default_rng(1).dirichlet(np.ones(c), size=n)
        ours = min((timed(fuzzy_cmeans, x, c, m=m, tol=1e-9, max_iter=1000,
                          initial_memberships=u0) for _ in range(3)), key=lambda r: r[1])
        theirs = min((timed(skfuzzy.cluster.cmeans, x.T, c, m, error=1e-9, maxiter=1000,
                            init=u0.T) for _ in range(3)), key=lambda r: r[1])
        fit, wall, cpu = ours
        (centres, u, _, _, history, p, _), s_wall, s_cpu = theirs
        du = np.abs(fit.memberships.to_numpy() - u.T).max()
        dv = np.abs(fit.centres.to_numpy() - centres).max()
        d2 = ((x[:, None, :] - centres[None]) ** 2).sum(axis=2)
        their_objective = float(((u.T ** m) * d2).sum())
        dj = abs(fit.objective - their_objective) / their_objective
        print(f"{n:>8} {d:>4} {c:>2} {m:>4} {wall:>6.3f} ({cpu:>6.3f}) {s_wall:>6.3f} "
              f"({s_cpu:>6.3f}) {s_wall / wall:>8.2f} ({s_cpu / cpu:>5.2f}) "
              f"{fit.n_iter:>4}/{p:<4} {du:>9.1e} {dv:>9.1e} {dj:>8.1e}")


if __name__ == "__main__":
    main()
