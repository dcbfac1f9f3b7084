"""Independent cascade: ecobelt's vectorised Monte Carlo against a plain-Python per-run loop.

Both start from the same link probabilities (built once, the same for both, and
timed separately as "graph s"), so the ratio compares the simulation kernels:
ecobelt advances all runs together with numpy, touching only the links that
leave the members adopting in the previous step; the baseline is the textbook
loop, one run at a time, one random draw per tried link. Both estimate every
member's adoption probability; the last column is the largest difference
(Monte Carlo noise).

    python benchmarks/bench_spillover.py
"""

import random
import time

import numpy as np

import networks
from ecosystem.spillover import _in_shares, _layers, _spread, _summarise


def plain_cascade(members, out, seeds, runs, seed):
    rng = random.Random(seed)
    counts = dict.fromkeys(members, 0)
    for _ in range(runs):
        active, frontier = set(seeds), list(seeds)
        while frontier:
            nxt = []
            for u in frontier:
                for v, p in out[u]:
                    if v not in active and rng.random() < p:
                        active.add(v)
                        nxt.append(v)
            frontier = nxt
        for m in active:
            counts[m] += 1
    return np.array([counts[m] / runs for m in members])


def main():
    print(f"{'network':>20} {'members':>8} {'links':>7} {'p':>5} {'runs':>5} {'graph s':>8} "
          f"{'ecobelt s':>10} {'plain s':>8} {'ratio':>6} {'adopters':>9} {'max |dp|':>9}")
    cases = [("rural_cluster(2000)", networks.rural_cluster(2000, seed=1), None, 1000),
             ("industrial_belt(2k)", networks.industrial_belt(2000, seed=1), 0.3, 1000),
             ("industrial_belt(10k)", networks.industrial_belt(10000, seed=1), 0.3, 1000)]
    for label, eco, probability, runs in cases:
        seed_member = (eco.members(role="training") or eco.members(role="research"))[0]
        start = time.perf_counter()
        chance = _in_shares(_layers(eco, ("technology", "information"), "volume")).tocsr()
        if probability is not None:
            chance.data[:] = probability
        t_graph = time.perf_counter() - start
        members = list(eco.graph)
        coo = chance.tocoo()
        out = {m: [] for m in members}
        for u, v, p in zip(coo.row, coo.col, coo.data):
            out[members[u]].append((members[v], p))

        start = time.perf_counter()
        events = _spread(chance, np.array([eco.index()[seed_member]]), runs, None,
                        np.random.default_rng(0), threshold=False)
        result = _summarise(eco, events, runs)
        t_ours = time.perf_counter() - start
        start = time.perf_counter()
        theirs = plain_cascade(members, out, [seed_member], runs, seed=0)
        t_plain = time.perf_counter() - start
        print(f"{label:>20} {len(eco):>8} {eco.graph.number_of_edges():>7} "
              f"{probability or 'wc':>5} {runs:>5} {t_graph:>8.3f} {t_ours:>10.3f} "
              f"{t_plain:>8.3f} {t_plain / t_ours:>6.1f} {result.expected_spread:>9.0f} "
              f"{np.abs(result.adoption.to_numpy() - theirs).max():>9.3f}")


if __name__ == "__main__":
    main()
