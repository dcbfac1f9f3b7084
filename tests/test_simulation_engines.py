"""The compiled period loop (numba, the ``fast`` extra) against the whole-array engine:
the same tallies to rounding on random belts, policies, sharing and capacities; and the
whole-array engine runs where numba is missing or switched off."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import networks
from ecosystem import simulation
from ecosystem.simulation import MarketDemand, Policy, _compiled

from _belts import draw_policies, policies, random_belts

numba = pytest.importorskip("numba")

POLICIES = policies(14)




def both(monkeypatch, eco, **kwargs):
    """The run with the compiled kernel, then with the whole-array engine."""
    monkeypatch.delenv(_compiled.ENVIRONMENT_VARIABLE, raising=False)
    assert _compiled.available()
    fast = simulation.run(eco, **kwargs)
    monkeypatch.setenv(_compiled.ENVIRONMENT_VARIABLE, "0")
    assert not _compiled.available()
    plain = simulation.run(eco, **kwargs)
    return fast, plain


def assert_same(fast, plain, rtol=1e-9):
    def close(a, b, what):
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        finite = np.abs(b[np.isfinite(b)])
        scale = max(1.0, float(finite.max())) if finite.size else 1.0
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * scale, err_msg=what)

    for name in ("members", "markets", "carriers", "totals"):
        left, right = getattr(fast, name), getattr(plain, name)
        assert list(left.columns) == list(right.columns)
        for column in left.columns:
            if left[column].dtype.kind == "f":
                close(left[column], right[column], f"{name}.{column}")
    for key in plain.replications:
        close(fast.replications[key], plain.replications[key], key)
    for key in plain.balance:
        close(fast.balance[key], plain.balance[key], key)
    for key in plain.period_member:
        close(fast.period_member[key], plain.period_member[key], f"period {key}")
    for key in plain.period_market:
        close(fast.period_market[key], plain.period_market[key], f"period {key}")
    close(fast.lane_shipped, plain.lane_shipped, "lane_shipped")
    close(fast.lane_arrived, plain.lane_arrived, "lane_arrived")


@pytest.mark.filterwarnings("ignore:bullwhip ratios are NaN")
@settings(max_examples=30, deadline=None)
@given(random_belts(), st.data())
def test_compiled_kernel_equals_whole_array_engine(eco, data):
    """Every table, every period, to rounding: random belts with short suppliers, capped
    carriers and sources, every forecaster, information sharing, AR(1) demand with a step,
    and more replications than one tile of the kernel."""
    network = simulation.compile_network(eco)
    members = list(network.members)
    policy = draw_policies(data, members, POLICIES)
    sharing = data.draw(st.lists(st.sampled_from(members), unique=True), label="sharing")
    # cv of 0.02 at least: a variance is the difference of two sums, rounded by about
    # 1e-16 x mean^2 / variance in either engine (and an order-up-to level takes its square
    # root), so nearly constant demand gives differences far above rounding in both
    cv = data.draw(st.floats(0.02, 0.6), label="cv")
    demand = MarketDemand(cv=cv,
                          rho=data.draw(st.sampled_from([0.0, 0.5])),
                          step=data.draw(st.sampled_from([1.0, 1.4])), step_at=15)
    replications = data.draw(st.sampled_from([1, 3, 40]), label="replications")
    with pytest.MonkeyPatch.context() as patch:
        fast, plain = both(patch, eco, periods=25, replications=replications,
                           warmup=data.draw(st.integers(0, 12)), demand=demand,
                           policy=policy, sharing=sharing,
                           seed=data.draw(st.integers(0, 2**31)))
    assert_same(fast, plain)


def test_compiled_kernel_equals_whole_array_engine_on_given_demand(monkeypatch):
    """A demand table (the same every replication) and a bundled belt with blocks of
    replications (the memory bound set low)."""
    from ecosystem.simulation import _run
    eco = networks.example("cross_border_belt")
    monkeypatch.setattr(_run, "_BLOCK_ELEMENTS", 20_000)
    fast, plain = both(monkeypatch, eco, replications=7, periods=20, seed=3,
                       policy=Policy("exponential_smoothing", alpha=0.4, z=1.0),
                       sharing="all")
    assert_same(fast, plain)
    network = simulation.compile_network(eco)
    rng = np.random.default_rng(0)
    table = pd.DataFrame({m: network.level[network.n_members + j] * rng.uniform(0.5, 1.5, 30)
                          for j, m in enumerate(network.markets)})
    fast, plain = both(monkeypatch, eco, demand=table, replications=2)
    assert_same(fast, plain)


def test_whole_array_engine_runs_without_numba(monkeypatch):
    """Where numba cannot be imported the kernel reports itself unavailable and the run
    gives the compiled run's results."""
    eco = networks.example("cross_border_belt")
    fast = simulation.run(eco, replications=5, periods=12, seed=1)
    monkeypatch.setattr(_compiled, "_kernel", lambda: None)
    assert not _compiled.available()
    plain = simulation.run(eco, replications=5, periods=12, seed=1)
    assert_same(fast, plain)


@pytest.mark.filterwarnings("ignore:bullwhip ratios are NaN")
@settings(max_examples=8, deadline=None)
@given(random_belts(), st.integers(0, 2**31), st.booleans())
def test_the_loop_split_into_blocks_gives_the_same_numbers(eco, seed, share):
    """The parallel build splits each period's members of one depth, the nodes goods arrive
    at and the suppliers into blocks (one thread each); the loop run as plain Python in
    eight blocks gives every number of the compiled loop in one block, bit for bit."""
    options = dict(periods=6, warmup=5, replications=3, seed=seed,
                   sharing="all" if share else (), demand=MarketDemand(cv=0.3))
    whole = simulation.run(eco, **options)
    plain = _compiled._simulate
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_compiled, "_kernel", lambda: (plain, plain))
        patch.setattr(_compiled, "_threads", lambda: 2)
        patch.setattr(_compiled, "_PARALLEL_FROM", 0)
        blocks = simulation.run(eco, **options)
    for name in ("members", "markets", "carriers", "totals"):
        a, b = getattr(whole, name), getattr(blocks, name)
        assert np.array_equal(a.select_dtypes("number").to_numpy(),
                              b.select_dtypes("number").to_numpy(), equal_nan=True), name
    for key in whole.period_member:
        assert np.array_equal(whole.period_member[key], blocks.period_member[key]), key
    assert np.array_equal(whole.lane_shipped, blocks.lane_shipped)
    assert np.array_equal(whole.lane_arrived, blocks.lane_arrived)


@pytest.mark.filterwarnings("ignore:bullwhip ratios are NaN")
def test_the_plain_loop_after_the_compiled_one_looks_ahead_without_changing_a_number():
    """The compiled loop asks for the rows of members a few places ahead early (a hint to the
    memory, no value changes); the loop run as plain Python after it was compiled does the same
    walk with a hint that does nothing and gives every number bit for bit."""
    eco = networks.industrial_belt(80, seed=2)
    network = simulation.compile_network(eco)
    # a depth with more members than the look-ahead, so the hint is reached
    assert np.bincount(network.depth).max() > _compiled._AHEAD + 1
    options = dict(periods=5, warmup=4, replications=3, seed=11, demand=MarketDemand(cv=0.3))
    whole = simulation.run(eco, **options)
    plain = _compiled._simulate
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_compiled, "_kernel", lambda: (plain, plain))
        again = simulation.run(eco, **options)
    for name in ("members", "markets", "carriers", "totals"):
        assert np.array_equal(getattr(whole, name).select_dtypes("number").to_numpy(),
                              getattr(again, name).select_dtypes("number").to_numpy(),
                              equal_nan=True), name
    assert np.array_equal(whole.lane_shipped, again.lane_shipped)


def test_the_prefetch_hint_takes_any_integer_index():
    """The hint compiles for the index types numba may pass (int32 as well as int64) and
    changes nothing it is given."""
    fetch = _compiled._prefetch_intrinsic()

    @numba.njit
    def touch(array, row, column):
        fetch(array, row, column)
        return array[row, column]

    array = np.arange(12.0).reshape(4, 3)
    assert touch(array, np.int32(2), np.int32(1)) == 7.0
    assert touch(array, np.int64(3), 2) == 11.0
    assert np.array_equal(array, np.arange(12.0).reshape(4, 3))


_WITHOUT_JIT = """
import json, warnings
warnings.simplefilter("ignore")
import networks
from ecosystem import simulation
result = simulation.run(networks.industrial_belt(40, seed=2), periods=3, warmup=2,
                        replications=2, seed=5)
print(json.dumps(result.totals["value"].tolist()))
"""


def test_the_loop_runs_with_numbas_compiler_switched_off():
    """With ``NUMBA_DISABLE_JIT=1`` numba hands back plain functions: the kernel's copies then
    run as plain Python (with a hint that does nothing) and give the compiled run's numbers."""
    import json
    import os
    import subprocess
    import sys
    import warnings
    done = subprocess.run([sys.executable, "-c", _WITHOUT_JIT], capture_output=True, text=True,
                          env={**os.environ, "NUMBA_DISABLE_JIT": "1",
                               "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr[-2000:]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = simulation.run(networks.industrial_belt(40, seed=2), periods=3, warmup=2,
                                replications=2, seed=5)
    assert json.loads(done.stdout) == result.totals["value"].tolist()
