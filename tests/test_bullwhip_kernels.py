"""The vectorised bullwhip kernels against plain per-period loops written from the model's
definition (order-up-to stage, full supply after L periods), for every forecaster, with and
without safety stock, returns, shared demand data and lost sales."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecosystem._errors import NumericalWarning
from ecosystem.bullwhip import Demand, simulate
from ecosystem.bullwhip._forecast import (StagePolicy, add_shifted, increments, order_up_to,
                                          first_order, smooth, window_sum)


def _levels(signal, forecast, lead, level, window=1, alpha=1.0, z=0.0, ar1=None):
    """Order-up-to levels y_t, one period at a time; every series sits at ``level`` before
    period 0. Returns the levels and the steady level before period 0."""
    if forecast == "ar1":
        mu, rho, sigma = ar1
        weight = sum(rho ** m for m in range(1, lead + 1))
        error_sd = sigma * math.sqrt(sum(sum(rho ** j for j in range(m)) ** 2
                                         for m in range(1, lead + 1)))
        steady = lead * mu + z * error_sd
        return [steady + weight * (s - mu) for s in signal], steady
    levels = []
    if forecast == "ma":
        history = [level] * window
        for s in signal:
            history = history[1:] + [s]
            mean = sum(history) / window
            sd = math.sqrt(sum((h - mean) ** 2 for h in history) / (window - 1)) if z else 0.0
            levels.append(lead * mean + z * math.sqrt(lead) * sd)
    else:
        smoothed, square = level, 0.0
        for s in signal:
            error = s - smoothed
            square = alpha * error * error + (1 - alpha) * square
            smoothed += alpha * error
            levels.append(lead * smoothed + z * math.sqrt(lead) * math.sqrt(square))
    return levels, lead * level


def _stage(demand, levels, steady, lead, level, returns=True, lost_sales=False):
    """Orders and net inventory (on-hand stock with lost sales), one period at a time."""
    pipeline = [level] * lead  # orders on their way, oldest first
    position = steady
    net = steady - lead * level
    orders, nets, lost = [], [], []
    for d, target in zip(demand, levels):
        if lead:
            net += pipeline.pop(0)
        if lost_sales:
            sold = min(max(net, 0.0), max(d, 0.0))
            lost.append(max(d, 0.0) - sold)
            d = sold
        net -= d
        position -= d
        order = target - position
        if not returns:
            order = max(order, 0.0)
        position += order
        if lead:
            pipeline.append(order)
        else:
            net += order
        orders.append(order)
        nets.append(net)
    return np.array(orders), np.array(nets), np.array(lost)


CASES = [("ma", dict(window=4)), ("ma", dict(window=3, z=1.5)), ("es", dict(alpha=0.3)),
         ("es", dict(alpha=0.5, z=1.0)), ("ar1", dict()), ("ar1", dict(z=2.0))]


@pytest.mark.parametrize("returns", [True, False])
@pytest.mark.parametrize("lead", [0, 1, 3])
@pytest.mark.parametrize("forecast, options", CASES)
def test_stages_match_a_plain_loop(forecast, options, lead, returns):
    """Three stages, the third forecasting from end demand (shared), on a wild series whose
    orders would often be negative."""
    ar1 = (100.0, 0.5, 30.0)
    demand = Demand.ar1(*ar1).generate(1, 120, seed=lead)[0]
    level = ar1[0]
    kwargs = dict(window=options.get("window", 1), alpha=options.get("alpha", 1.0),
                  z=options.get("z", 0.0))
    sim = simulate(3, lead_time=lead, forecast=forecast, demand=Demand.ar1(*ar1), sharing={3},
                   negative_orders=returns, replications=1, periods=120, warmup=0,
                   keep_series=True, seed=lead, **kwargs)
    incoming, binding = demand, False
    for k in range(3):
        signal = demand if k == 2 else incoming
        levels, steady = _levels(signal, forecast, lead, level, ar1=ar1, **kwargs)
        orders, nets, _ = _stage(incoming, levels, steady, lead, level, returns)
        np.testing.assert_allclose(sim.orders[k, 0], orders, atol=1e-8, err_msg=f"stage {k + 1}")
        np.testing.assert_allclose(sim.net_inventory[k, 0], nets, atol=1e-8)
        binding |= _stage(incoming, levels, steady, lead, level)[0].min() < 0
        incoming = orders
    assert binding or lead == 0  # some order would be negative: returns really matter
    if not returns:
        assert sim.orders.min() >= 0.0


@pytest.mark.parametrize("forecast, options", [("ma", dict(window=3)), ("es", dict(alpha=0.4)),
                                               ("ma", dict(window=4, z=1.0))])
def test_lost_sales_match_a_plain_loop(forecast, options):
    """Lost sales: on-hand stock, orders and the lost units (summary fill rate and lost-unit
    cost) against a loop."""
    sales = np.abs(100 + 35 * np.random.default_rng(3).standard_normal(150))
    sim = simulate(2, lead_time=2, forecast=forecast, demand=sales, backlog=False,
                   negative_orders=False, backorder=2.0, holding=0.0, keep_series=True,
                   **options)
    levels, steady = _levels(sales, forecast, 2, sales[0], window=options.get("window", 1),
                             alpha=options.get("alpha", 1.0), z=options.get("z", 0.0))
    orders, stock, lost = _stage(sales, levels, steady, 2, sales[0], returns=False,
                                 lost_sales=True)
    np.testing.assert_allclose(sim.orders[0, 0], orders, atol=1e-8)
    np.testing.assert_allclose(sim.net_inventory[0, 0], stock, atol=1e-8)
    assert lost.sum() > 0  # the case really loses sales
    row = sim.summary().iloc[0]
    assert row["fill_rate"] == pytest.approx(1 - lost.sum() / sales.sum())
    assert row["backorder_cost"] == pytest.approx(2.0 * lost.mean())


def test_backlog_fill_rate_and_costs_by_hand():
    """L = 1, one-period moving average: y_t = d_t, so NI_t = d_{t-1} - d_t. Demand
    10, 10, 30, 10, 10 from level 10 gives net inventory 0, 0, -20, 20, 0: 20 of the 70
    units wait (fill rate 5/7), 20 backorders and 20 cases held for one period each."""
    with pytest.warns(NumericalWarning, match="only 5 periods"):
        sim = simulate(1, lead_time=1, window=1, demand=[10.0, 10.0, 30.0, 10.0, 10.0],
                       keep_series=True, holding=0.5, backorder=1.0)
    np.testing.assert_allclose(sim.net_inventory[0, 0], [0, 0, -20, 20, 0], atol=1e-12)
    np.testing.assert_allclose(sim.orders[0, 0], [10, 10, 50, -10, 10], atol=1e-12)
    row = sim.summary().iloc[0]
    assert row["fill_rate"] == pytest.approx(5 / 7)
    assert row["backorder_cost"] == pytest.approx(20 / 5)
    assert row["holding_cost"] == pytest.approx(0.5 * 20 / 5)


@settings(max_examples=60)
@given(rows=st.integers(1, 4), periods=st.integers(1, 30), lag=st.integers(0, 40),
       contiguous=st.booleans())
def test_shift_helpers_match_plain_slicing(rows, periods, lag, contiguous):
    """The flat-slice helpers equal the plain 2-D slicing they replace (also on views)."""
    rng = np.random.default_rng(rows * 100 + periods)
    values = rng.standard_normal((rows, periods + 3))
    values = values[:, 3:] if not contiguous else np.ascontiguousarray(values[:, 3:])
    expected_sum = np.zeros_like(values)
    for j in range(min(lag, periods)):
        expected_sum[:, j:] += values[:, :periods - j]
    np.testing.assert_allclose(window_sum(values, lag), expected_sum, atol=1e-12)
    steps = np.diff(values, axis=1, prepend=0.0)
    np.testing.assert_array_equal(increments(values), steps)
    if lag:
        out = np.ascontiguousarray(values * 2) if contiguous else values * 2
        expected = out.copy()
        expected[:, lag:] += values[:, :-lag] if lag < periods else 0.0
        add_shifted(out, values, lag)
        np.testing.assert_array_equal(out, expected)


@settings(max_examples=60)
@given(rows=st.integers(1, 3), periods=st.integers(1, 300), alpha=st.floats(1e-4, 1.0),
       rho=st.floats(-0.999, 0.999))
def test_recursions_by_doubling_match_a_recursive_filter(rows, periods, alpha, rho):
    """Exponential smoothing f_t = a x_t + (1 - a) f_{t-1} and the AR(1) recursion
    x_t = rho x_{t-1} + e_t by doubling equal scipy's lfilter to rounding."""
    from scipy.signal import lfilter
    values = np.random.default_rng(periods).standard_normal((rows, periods)) * 10
    expected = lfilter([alpha], [1.0, alpha - 1.0], values, axis=1)
    np.testing.assert_allclose(smooth(values, alpha), expected, rtol=0, atol=1e-10)
    expected = lfilter([1.0], [1.0, -rho], values, axis=1)
    np.testing.assert_allclose(first_order(values, rho), expected, rtol=0, atol=1e-9)


def test_safety_stock_levels_match_plain_formulas():
    """Rolling sample sd over the window (moving average) and smoothed squared errors
    (exponential smoothing): pandas and the loop above agree with the vectorised levels."""
    rng = np.random.default_rng(0)
    signal = 100 + 10 * rng.standard_normal((2, 60))
    y, _ = order_up_to(signal, StagePolicy("moving_average", 3, window=4, z=1.5), 100.0)
    padded = pd.Series(np.concatenate([[100.0] * 3, signal[0]]))
    expected = 3 * padded.rolling(4).mean() + 1.5 * np.sqrt(3) * padded.rolling(4).std()
    np.testing.assert_allclose(y[0], expected.to_numpy()[3:], atol=1e-9)
    y, _ = order_up_to(signal, StagePolicy("exponential_smoothing", 2, alpha=0.3, z=1.0), 100.0)
    levels, _ = _levels(signal[0], "es", 2, 100.0, alpha=0.3, z=1.0)
    np.testing.assert_allclose(y[0], levels, atol=1e-9)
    long = StagePolicy("moving_average", 2, window=20)  # the cumulative-sum branch
    y, _ = order_up_to(signal, long, 100.0)
    np.testing.assert_allclose(y[1], _levels(signal[1], "ma", 2, 100.0, window=20)[0],
                               atol=1e-9)


@settings(max_examples=40)
@given(forecasts=st.lists(st.sampled_from(["ma", "es", "ar1"]), min_size=1, max_size=3),
       lead=st.integers(1, 4), z=st.sampled_from([0.0, 1.0]), returns=st.booleans(),
       backlog=st.booleans(), shared=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_simulation_invariants(forecasts, lead, z, returns, backlog, shared, seed):
    """Any chain: cumulative ratios are products of the per-stage amplifications; fill rates
    lie in [0, 1]; costs add up and are not negative; no order is negative without returns."""
    returns = returns and backlog
    stages = len(forecasts)
    sim = simulate(stages, lead_time=lead, forecast=forecasts, window=3, alpha=0.4, z=z,
                   demand=Demand.ar1(100.0, 0.5, 25.0), negative_orders=returns,
                   backlog=backlog, sharing={stages} if shared else "decentralized",
                   replications=3, periods=60, warmup=20, keep_series=True, seed=seed)
    per_run = sim.replications.pivot(index="replication", columns="stage")
    np.testing.assert_allclose(per_run["order_ratio"].to_numpy(),
                               np.cumprod(per_run["amplification"].to_numpy(), axis=1),
                               rtol=1e-9)
    assert ((per_run["fill_rate"] >= 0) & (per_run["fill_rate"] <= 1)).all().all()
    assert (sim.replications[["holding_cost", "backorder_cost"]] >= 0).all().all()
    np.testing.assert_allclose(sim.replications["total_cost"],
                               sim.replications["holding_cost"]
                               + sim.replications["backorder_cost"])
    if not returns:
        assert sim.orders.min() >= 0.0
    if not backlog:
        assert sim.net_inventory.min() >= -1e-9  # lost sales: on-hand stock only
