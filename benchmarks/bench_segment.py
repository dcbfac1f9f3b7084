"""Fuzzy c-means: ecobelt's ecosystem.segment.fuzzy_cmeans against scikit-fuzzy's cmeans.

Both start from the same initial memberships and run to a tight tolerance, so
they must reach the same fixed point; the script prints the largest difference
in memberships and centres and in the objective, the iterations, wall and CPU
seconds, the ratio and the load average. scikit-fuzzy is a benchmark-only
dependency (``sh benchmarks/peers.sh`` installs it in .venv-peers; run this with
``.venv-peers/bin/python``); the two stop on different
criteria (largest membership change, Frobenius norm of the change), which
can cost either one iteration more.

    python benchmarks/bench_segment.py
"""

import numpy as np

from _timing import header, timed
from ecosystem.segment import fuzzy_cmeans

try:
    import skfuzzy
except ImportError:  # benchmark-only dependency: without it ecobelt's columns only
    skfuzzy = None


def _data(n, d, c, seed):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, (c, d))
    return centres[rng.integers(0, c, n)] + rng.normal(0, 1.5, (n, d))


def main():
    print(header(__doc__.splitlines()[0], "scikit-fuzzy"))
    if skfuzzy is None:
        print("scikit-fuzzy is not installed (sh benchmarks/peers.sh, then run with "
              ".venv-peers/bin/python): baseline skipped")
    print("seconds wall (CPU), best of 3")
    print(f"{'points':>8} {'dims':>4} {'c':>2} {'m':>4} {'ecobelt':>15} {'skfuzzy':>15} "
          f"{'ratio wall (CPU)':>17} {'iters':>9} {'max |du|':>9} {'max |dv|':>9} "
          f"{'|dJ|/J':>8}")
    for n, d, c, m in [(1_000, 4, 3, 2.0), (10_000, 5, 4, 2.0), (10_000, 5, 4, 1.5),
                       (100_000, 5, 4, 2.0)]:
        x = _data(n, d, c, seed=n)
        u0 = np.random.default_rng(1).dirichlet(np.ones(c), size=n)
        ours = timed(fuzzy_cmeans, x, c, m=m, tol=1e-9, max_iter=1000, initial_memberships=u0,
                     repeat=3)
        fit = ours.result
        if skfuzzy is None:
            print(f"{n:>8} {d:>4} {c:>2} {m:>4} {ours.wall:>6.3f} ({ours.cpu:>6.3f}) "
                  f"{'-':>15} {'-':>17} {fit.n_iter:>4}/-    {'-':>9} {'-':>9} {'-':>8}")
            continue
        theirs = timed(skfuzzy.cluster.cmeans, x.T, c, m, error=1e-9, maxiter=1000, init=u0.T,
                       repeat=3)
        centres, u, _, _, history, p, _ = theirs.result
        du = np.abs(fit.memberships.to_numpy() - u.T).max()
        dv = np.abs(fit.centres.to_numpy() - centres).max()
        d2 = ((x[:, None, :] - centres[None]) ** 2).sum(axis=2)
        their_objective = float(((u.T ** m) * d2).sum())
        dj = abs(fit.objective - their_objective) / their_objective
        print(f"{n:>8} {d:>4} {c:>2} {m:>4} {ours.wall:>6.3f} ({ours.cpu:>6.3f}) "
              f"{theirs.wall:>6.3f} ({theirs.cpu:>6.3f}) {theirs.wall / ours.wall:>8.2f} "
              f"({theirs.cpu / ours.cpu:>5.2f}) {fit.n_iter:>4}/{p:<4} {du:>9.1e} {dv:>9.1e} "
              f"{dj:>8.1e}")


if __name__ == "__main__":
    main()
