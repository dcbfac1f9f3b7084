"""Knowledge spillover: ecobelt against plain baselines, in one process.

* Independent cascade and linear threshold: ecobelt's Monte Carlo (all runs
  advance together with numpy, touching only the links that leave the members
  adopting in the previous step) against the textbook plain-Python loop, one
  run at a time, one random draw per tried link (cascade) or per threshold.
  Both start from the same link chances / shares, built once and timed
  separately ("graph"); both estimate each member's adoption probability, and
  the last column is the largest difference in standard errors (|z| below ~5
  is Monte Carlo noise).
* Heat diffusion: ``ecosystem.spillover.heat`` (sparse ``expm_multiply``, or
  shift-and-invert Krylov where ||L|| t is large) against the dense matrix
  exponential ``scipy.linalg.expm`` of the same Laplacian; where a dense
  exponential is out of reach (10k members), against the implicit BDF
  integrator the stiff path used before; the last column is the largest
  absolute difference.

Wall and CPU seconds (``time.process_time``) and the load average are printed.

    python benchmarks/bench_spillover.py
"""

import random

import numpy as np
import scipy.linalg

import networks
from _timing import header, load, timed
from ecosystem.spillover import heat, laplacian
from ecosystem.spillover._heat import _STIFF, _integrate, _norm_bound
from ecosystem.spillover._kernel import spread
from ecosystem.spillover._network import cascade_chances, in_shares, layer_weights
from ecosystem.spillover._result import summarise

FLOWS = ("technology", "information")


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


def plain_threshold(members, out, seeds, runs, seed):
    rng = random.Random(seed)
    counts = dict.fromkeys(members, 0)
    for _ in range(runs):
        active, frontier = set(seeds), list(seeds)
        pressure, bar = {}, {}
        while frontier:
            nxt = []
            for u in frontier:
                for v, w in out[u]:
                    if v in active:
                        continue
                    pressure[v] = pressure.get(v, 0.0) + w
                    if v not in bar:
                        bar[v] = rng.random()
                    if pressure[v] >= bar[v] - 1e-12:
                        active.add(v)
                        nxt.append(v)
            frontier = nxt
        for m in active:
            counts[m] += 1
    return np.array([counts[m] / runs for m in members])


def diffusion_cases():
    rural = networks.rural_cluster(2000, seed=1)
    belt2k = networks.industrial_belt(2000, seed=1)
    belt10k = networks.industrial_belt(10000, seed=1)
    return [("rural_cluster(2000)", rural, rural.members(role="association")[0], "cascade", None),
            ("industrial_belt(2k)", belt2k, belt2k.members(role="research")[0], "cascade", 0.3),
            ("industrial_belt(10k)", belt10k, belt10k.members(role="research")[0], "cascade",
             0.3),
            ("rural_cluster(2000)", rural, rural.members(role="association")[0], "threshold",
             None),
            ("industrial_belt(10k)", belt10k, belt10k.members(role="research")[0], "threshold",
             None)]


def bench_diffusion(runs=1000):
    print(f"{load()}; {runs} runs; seconds wall (CPU)")
    print(f"{'network':>21} {'members':>8} {'links':>7} {'model':>9} {'p':>4} {'graph':>6} "
          f"{'ecobelt':>14} {'plain':>14} {'ratio wall (CPU)':>17} {'adopters':>9} "
          f"{'max |z|':>7}")
    for label, eco, source, model, probability in diffusion_cases():
        threshold = model == "threshold"
        if threshold:
            graph = timed(lambda: in_shares(layer_weights(eco, FLOWS, "volume")))
        else:
            graph = timed(cascade_chances, eco, FLOWS, probability or "weighted_cascade")
        weights = graph.result
        members = list(eco.graph)
        coo = weights.tocoo()
        out = {m: [] for m in members}
        for u, v, w in zip(coo.row, coo.col, coo.data):
            out[members[u]].append((members[v], w))
        seeds = np.array([eco.index()[source]])

        def ours():
            events = spread(weights, seeds, runs, None, np.random.default_rng(0),
                            threshold=threshold)
            return summarise(eco, events, runs)

        ecobelt = timed(ours)
        plain = timed(plain_threshold if threshold else plain_cascade, members, out, [source],
                      runs, seed=0)
        ours_p, theirs = ecobelt.result.adoption.to_numpy(), plain.result
        pooled = (ours_p + theirs) / 2
        se = np.sqrt(np.maximum(pooled * (1 - pooled), 1e-300) * 2 / runs)
        z = np.where(pooled * (1 - pooled) > 0, np.abs(ours_p - theirs) / se, 0.0).max()
        print(f"{label:>21} {len(eco):>8} {eco.graph.number_of_edges():>7} {model:>9} "
              f"{probability or 'wc':>4} {graph.wall:>6.3f} {ecobelt.wall:>6.3f} "
              f"({ecobelt.cpu:>5.3f}) {plain.wall:>6.3f} ({plain.cpu:>5.3f}) "
              f"{plain.wall / ecobelt.wall:>8.1f} ({plain.cpu / ecobelt.cpu:>5.1f}) "
              f"{ecobelt.result.expected_spread:>9.1f} {z:>7.1f}")


def bench_heat():
    print(f"\n{load()}; heat at 5 times vs dense scipy.linalg.expm")
    print(f"ecobelt uses shift-and-invert Krylov where the norm bound x t exceeds {_STIFF:g}, "
          "otherwise expm_multiply; baseline: dense expm, or BDF (the previous stiff path)")
    print(f"{'network':>21} {'members':>8} {'laplacian':>10} {'bound t':>9} {'ecobelt':>14} "
          f"{'dense expm':>16} {'ratio wall (CPU)':>17} {'max |dx|':>9}")
    times = [0.5, 1.0, 2.0, 5.0, 10.0]
    for label, eco in [("rural_cluster(500)", networks.rural_cluster(500, seed=1)),
                       ("industrial_belt(1k)", networks.industrial_belt(1000, seed=1)),
                       ("industrial_belt(10k)", networks.industrial_belt(10000, seed=1))]:
        source = eco.members(role="research")[0]
        for normalized in (False, True):
            lap = laplacian(eco, normalized=normalized)
            norm = _norm_bound(-lap.tocsc()) * times[-1]
            ours = timed(heat, eco, source, times, normalized=normalized)
            kind = "shares" if normalized else "volumes"
            if len(eco) > 2000:  # a dense n x n exponential is out of reach
                if norm <= _STIFF:
                    print(f"{label:>21} {len(eco):>8} {kind:>10} {norm:>9.1e} {ours.wall:>6.3f} "
                          f"({ours.cpu:>5.3f}) {'-':>16} {'-':>17} {'-':>9}")
                    continue
                x0 = np.zeros(len(eco))
                x0[eco.index()[source]] = 1.0
                bdf = timed(_integrate, (-lap).tocsc(), x0, np.array(times))
                print(f"{label:>21} {len(eco):>8} {kind:>10} {norm:>9.1e} {ours.wall:>6.3f} "
                      f"({ours.cpu:>5.3f}) {bdf.wall:>7.3f} ({bdf.cpu:>6.3f}) BDF "
                      f"{bdf.wall / ours.wall:>8.1f} ({bdf.cpu / ours.cpu:>5.1f}) "
                      f"{np.abs(ours.result.to_numpy() - bdf.result).max():>9.1e}")
                continue

            def dense():
                x0 = np.zeros(len(eco))
                x0[eco.index()[source]] = 1.0
                return np.stack([scipy.linalg.expm(-t * lap.toarray()) @ x0 for t in times])

            expm = timed(dense)
            print(f"{label:>21} {len(eco):>8} {kind:>10} {norm:>9.1e} {ours.wall:>6.3f} "
                  f"({ours.cpu:>5.3f}) {expm.wall:>7.3f} ({expm.cpu:>6.3f}) "
                  f"{expm.wall / ours.wall:>8.1f} ({expm.cpu / ours.cpu:>5.1f}) "
                  f"{np.abs(ours.result.to_numpy() - expm.result).max():>9.1e}")


if __name__ == "__main__":
    print(header(__doc__.splitlines()[0], "scipy"))
    bench_diffusion()
    bench_heat()
