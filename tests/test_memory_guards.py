"""Co-evolution, diffusion and segmentation state their memory need before allocating, and
Jaffe's spillover pool never forms a members x members matrix."""

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from ecosystem import Ecosystem, dynamics, segment, spillover
from ecosystem._errors import MemoryNeedError

NEED = r"needs [\d.]+ [KMGT]?i?B but .* is available; "


def chain(n: int) -> Ecosystem:
    eco = Ecosystem()
    for i in range(n):
        eco.add_member(f"m{i}", "manufacturer", rd=float(i % 7))
    for i in range(n - 1):
        eco.link(f"m{i}", f"m{i + 1}", "technology", volume=1.0 + i % 3)
    return eco


@pytest.mark.parametrize("call, fix", [
    (lambda: dynamics.predator_prey(1.0, 0.5, 0.02, 0.5, (20, 40), 10.0, n_points=10 ** 12),
     "fewer output times"),
    (lambda: dynamics.symbiosis((1, 1), (10, 10), (0.1, 0.1), n_points=10 ** 12),
     "fewer output times"),
    (lambda: dynamics.generalized_lv(-np.eye(3), n_points=10 ** 11), "fewer output times"),
    (lambda: dynamics.predator_prey(1.0, 0.5, 0.02, 0.5, (20, 40), 10.0).phase_portrait(
        grid=10 ** 7), "smaller grid"),
    (lambda: segment.fuzzy_cmeans(np.arange(10.0 ** 6)[:, None], 10 ** 5), "fewer clusters"),
    (lambda: spillover.influence_maximization(chain(50), 1, replications=10 ** 12),
     "fewer replications"),
])
def test_huge_sizes_state_their_memory_need(call, fix):
    with pytest.raises(MemoryNeedError, match=NEED + ".*" + fix):
        call()


def test_fuzzy_cmeans_states_its_need(monkeypatch):
    monkeypatch.setenv("ECOBELT_MEMORY_LIMIT", "1M")
    x = np.random.default_rng(0).normal(size=(2000, 5))
    # 2,000 x 10 x (2 x 5 + 8) doubles = 2.7 MiB
    with pytest.raises(MemoryNeedError, match=r"fuzzy c-means of 2,000 points x 10 clusters x "
                       r"5 features needs 2\.7 MiB but 1\.0 MiB is available; ask for fewer"):
        segment.fuzzy_cmeans(x, 10, seed=1)
    assert segment.fuzzy_cmeans(x[:200], 2, seed=1).converged


def test_heat_states_the_need_of_its_levels(monkeypatch):
    monkeypatch.setenv("ECOBELT_MEMORY_LIMIT", "1M")
    # 8 bytes x 2 x 10,000 times x 50 members = 7.6 MiB
    with pytest.raises(MemoryNeedError, match=r"levels at 10,000 times x 50 members needs "
                                              r"7\.6 MiB but 1\.0 MiB is available; ask for fewer"):
        spillover.heat(chain(50), "m0", times=np.linspace(0, 1, 10_000))
    assert spillover.heat(chain(50), "m0", times=[0.0, 1.0]).shape == (2, 50)


def test_the_trajectory_need_counts_the_populations(monkeypatch):
    monkeypatch.setenv("ECOBELT_MEMORY_LIMIT", "1M")
    # 4 copies x 8 bytes x 10,000 times x (30 + 1) columns = 9.5 MiB
    with pytest.raises(MemoryNeedError, match=r"10,000 output times x 30 populations needs "
                                              r"9\.5 MiB"):
        dynamics.generalized_lv(-np.eye(30), n_points=10_000, goh=False)
    assert len(dynamics.generalized_lv(-np.eye(30), n_points=500, goh=False).series) == 500


def plain_pool(table: pd.DataFrame, research: dict) -> dict:
    """Jaffe's S_i = sum_{j != i} P_ij R_j by a loop over pairs, P the uncentred correlation."""
    f = {m: row.to_numpy(dtype=float) for m, row in table.iterrows() if row.to_numpy().any()}
    out = {}
    for i in f:
        total = 0.0
        for j in f:
            if j != i:
                total += f[i] @ f[j] / np.sqrt((f[i] @ f[i]) * (f[j] @ f[j])) * research[j]
        out[i] = total
    return out


@pytest.mark.parametrize("scale", [1.0, 1e200, 1e-200, 5e-324])
def test_the_pool_against_a_loop_over_pairs_at_any_scale(scale):
    rng = np.random.default_rng(3)
    table = pd.DataFrame(rng.integers(0, 3, (12, 4)).astype(float),
                         index=[f"m{i}" for i in range(12)], columns=list("wxyz"))
    table.iloc[0] = [0.0, 0.0, 0.0, 5.0]
    eco = Ecosystem()
    for member in table.index:
        eco.add_member(member, "manufacturer")
    research = {m: float(i + 1) for i, m in enumerate(table.index)}
    expected = plain_pool(table, research)  # uses of 0-2 times the scale are exact ratios
    pool = spillover.spillover_pool(eco, research, technology=table * scale)["pool"]
    assert set(pool.dropna().index) == set(expected)
    for member, value in expected.items():
        assert pool[member] == pytest.approx(value, rel=1e-12, abs=1e-12)


def test_the_pool_of_a_large_sparse_belt_stays_linear_in_memory():
    eco = chain(20_000)
    tracemalloc.start()
    try:
        pool = spillover.spillover_pool(eco)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # 20,000 x 20,000 doubles would be 3.2 GB; profiles, pool and frame take a few MB
    assert peak < 100 * 2 ** 20, peak
    # each member's only source feeds no one else: no shared column, so every pool is 0
    assert (pool["pool"].iloc[1:] == 0).all() and np.isnan(pool["pool"].iloc[0])
