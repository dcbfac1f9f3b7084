"""Fuzzy c-means: ecobelt's ecosystem.segment.fuzzy_cmeans against scikit-fuzzy's cmeans.

Both start from the same initial memberships and run to a tight tolerance, so
they must reach the same fixed point; the script prints the largest difference
in memberships and centres, the times and the ratio. scikit-fuzzy is a
benchmark-only dependency (benchmarks/requirements.txt).

    python benchmarks/bench_segment.py
"""

import time

import numpy as np
import skfuzzy

from ecosystem.segment import fuzzy_cmeans


def _data(n, d, c, seed):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, (c, d))
    return centres[rng.integers(0, c, n)] + rng.normal(0, 1.5, (n, d))


def main():
    print(f"{'points':>8} {'dims':>4} {'c':>2} {'ecobelt s':>10} {'skfuzzy s':>10} "
          f"{'ratio':>6} {'iters':>6} {'max |du|':>9} {'max |dv|':>9}")
    for n, d, c in [(1_000, 4, 3), (10_000, 5, 4), (100_000, 5, 4)]:
        x = _data(n, d, c, seed=n)
        u0 = np.random.default_rng(1).dirichlet(np.ones(c), size=n)
        start = time.perf_counter()
        ours = fuzzy_cmeans(x, c, m=2.0, tol=1e-9, max_iter=1000, initial_memberships=u0)
        t_ours = time.perf_counter() - start
        start = time.perf_counter()
        centres, u, *_ = skfuzzy.cluster.cmeans(x.T, c, 2.0, error=1e-9, maxiter=1000,
                                                init=u0.T)
        t_theirs = time.perf_counter() - start
        du = np.abs(ours.memberships.to_numpy() - u.T).max()
        dv = np.abs(ours.centres.to_numpy() - centres).max()
        print(f"{n:>8} {d:>4} {c:>2} {t_ours:>10.3f} {t_theirs:>10.3f} "
              f"{t_theirs / t_ours:>6.2f} {ours.n_iter:>6} {du:>9.1e} {dv:>9.1e}")


if __name__ == "__main__":
    main()
