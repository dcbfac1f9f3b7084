"""The compiled period loop against a frozen copy of it (``tests/_simulation_kernel_reference.py``,
taken before the loop's passes were fused): every tally, per-period series, balance and
order variance bit for bit, on random belts with capped and uncapped carriers, every
forecaster, information sharing on and off, tiers of several depths, replications that do
not fill the last tile, with and without the per-period tables."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import networks
from ecosystem import simulation
from ecosystem.simulation import MarketDemand, Policy, _compiled

import _simulation_kernel_reference as reference
from _belts import draw_policies, policies, random_belts

numba = pytest.importorskip("numba")

FORECASTS = policies(9)


def kernel_outputs(simulate, eco, options):
    """The run's result and what the kernel itself returned (tallies, orders by period,
    order variances), with ``simulate`` as the kernel."""
    returned = []

    def spy(*args, **kwargs):
        returned.append(simulate(*args, **kwargs))
        return returned[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_compiled, "simulate", spy)
        result = simulation.run(eco, **options)
    return result, returned


def assert_identical(new, old):
    """Every number of two runs equal bit for bit (NaN where the other has NaN)."""
    (result, raw), (result_old, raw_old) = new, old
    assert len(raw) == len(raw_old) >= 1

    def same(a, b, what):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape, what
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), what

    for block, (mine, theirs) in enumerate(zip(raw, raw_old)):
        tallies, orders, variance = mine
        tallies_old, orders_old, variance_old = theirs
        for part in ("member", "market", "period", "balance"):
            left, right = getattr(tallies, part), getattr(tallies_old, part)
            assert left.keys() == right.keys(), part
            for key in right:
                same(left[key], right[key], f"block {block} {part} {key}")
        same(tallies.lane_sum, tallies_old.lane_sum, f"block {block} lane sums")
        same(orders, orders_old, f"block {block} orders by period")
        same(variance, variance_old, f"block {block} order variances")
    for name in ("members", "markets", "carriers", "totals"):
        left, right = getattr(result, name), getattr(result_old, name)
        assert list(left.columns) == list(right.columns), name
        same(left.select_dtypes("number").to_numpy(float),
             right.select_dtypes("number").to_numpy(float), name)
    for part in ("replications", "balance", "period_member", "period_market"):
        left, right = getattr(result, part), getattr(result_old, part)
        assert left.keys() == right.keys(), part
        for key in right:
            same(left[key], right[key], f"{part} {key}")
    same(result.lane_shipped, result_old.lane_shipped, "lane_shipped")
    same(result.lane_arrived, result_old.lane_arrived, "lane_arrived")


def frozen_simulate(p, *args, **kwargs):
    """The frozen kernel, with its lane tables put in the network's order of lanes (it wrote
    a column per lane sorted by supplier; the package's kernel writes the network's order)."""
    tallies, orders, variance = reference.simulate(p, *args, **kwargs)
    for key in ("lane_shipped", "lane_arrived"):
        in_network_order = np.empty_like(tallies.period[key])
        in_network_order[:, p.order] = tallies.period[key]
        tallies.period[key] = in_network_order
    return tallies, orders, variance


def both(eco, **options):
    return (kernel_outputs(_compiled.simulate, eco, options),
            kernel_outputs(frozen_simulate, eco, options))


@pytest.mark.filterwarnings("ignore:bullwhip ratios are NaN")
@settings(max_examples=40, deadline=None)
@given(random_belts(), st.data())
def test_kernel_equals_the_frozen_kernel_bit_for_bit(eco, data):
    network = simulation.compile_network(eco)
    members = list(network.members)
    policy = draw_policies(data, members, FORECASTS)
    sharing = data.draw(st.sampled_from(["none", "all", "some"]), label="sharing")
    shared = {"none": (), "all": "all",
              "some": data.draw(st.lists(st.sampled_from(members), unique=True))}[sharing]
    demand = MarketDemand(cv=data.draw(st.floats(0.02, 0.6), label="cv"),
                          rho=data.draw(st.sampled_from([0.0, 0.5])),
                          step=data.draw(st.sampled_from([1.0, 1.4])), step_at=9)
    # 33 and 70 leave a last tile of 1 and 6 replications
    replications = data.draw(st.sampled_from([1, 3, 10, 33, 70]), label="replications")
    new, old = both(eco, periods=data.draw(st.integers(2, 20)), replications=replications,
                    warmup=data.draw(st.integers(0, 9)), demand=demand, policy=policy,
                    sharing=shared, keep_series=data.draw(st.booleans(), label="keep"),
                    seed=data.draw(st.integers(0, 2**31)))
    assert_identical(new, old)


@pytest.mark.parametrize("keep_series", [True, False])
def test_kernel_equals_the_frozen_kernel_on_bundled_belts(keep_series):
    """The bundled belts and a generated one with the default warm-up (the deepest chain's
    memory), where goods cross many depths."""
    for eco in (networks.example("cross_border_belt"), networks.industrial_belt(300, seed=4)):
        new, old = both(eco, periods=12, replications=37, seed=5, keep_series=keep_series,
                        policy=Policy("moving_average", window=4, z=1.2), sharing="all")
        assert_identical(new, old)
