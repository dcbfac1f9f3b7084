"""Bullwhip simulation against closed forms (Chen et al. 2000; Chen, Ryan & Simchi-Levi 2000;
Lee, Padmanabhan & Whang 1997) and against exact linear-filter values."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecosystem import ParameterError
from ecosystem.bullwhip import (Demand, chen_ratio, exact_ratio, lpw_ratio, net_inventory_ratio,
                                sharing_cost, sharing_savings, simulate, smoothing_ratio)

# (L, window p, rho): moving average, Chen, Drezner, Ryan & Simchi-Levi (2000)
MA_SINGLE = [(1, 1, 0.0), (1, 4, 0.0), (2, 5, 0.0), (3, 2, 0.0), (4, 10, 0.3), (2, 3, 0.7),
             (5, 6, -0.4), (1, 2, 0.9), (3, 8, 0.5)]
# (L, alpha, rho): exponential smoothing, Chen, Ryan & Simchi-Levi (2000)
ES_SINGLE = [(1, 0.2, 0.0), (2, 0.3, 0.0), (3, 0.5, 0.0), (1, 1.0, 0.0), (4, 0.1, 0.3),
             (2, 0.4, 0.7), (2, 0.6, -0.5), (1, 0.3, 0.9), (3, 0.25, 0.5)]
# (L, rho): known-process AR(1) forecast, Lee, Padmanabhan & Whang (1997)
AR_SINGLE = [(1, 0.2), (2, 0.5), (3, 0.7), (4, 0.9), (2, -0.5), (5, 0.3), (1, 0.95), (3, -0.8),
             (6, 0.6)]


def _periods(rho):
    # a sample variance of persistent demand is biased by about (1 + rho) / ((1 - rho) T)
    return 2000 if abs(rho) < 0.8 else 8000


def _simulated_top(stages, rho, replications=None, **options):
    periods = _periods(rho)
    result = simulate(stages, demand=Demand.ar1(100.0, rho, 10.0), periods=periods,
                      replications=replications or 400_000 // periods, seed=7, **options)
    return result.ratio.to_numpy()


@pytest.mark.parametrize("lead, window, rho", MA_SINGLE)
def test_moving_average_matches_chen(lead, window, rho):
    """Chen et al. (2000), Management Science 46(3): 1 + (2L/p + 2L^2/p^2)(1 - rho^p)."""
    simulated = _simulated_top(1, rho, lead_time=lead, window=window)[0]
    assert simulated == pytest.approx(chen_ratio(lead, window, rho), rel=0.02)


@pytest.mark.parametrize("lead, alpha, rho", ES_SINGLE)
def test_smoothing_matches_chen_ryan_simchi_levi(lead, alpha, rho):
    """Chen, Ryan & Simchi-Levi (2000), Naval Research Logistics 47(4)."""
    simulated = _simulated_top(1, rho, lead_time=lead, forecast="es", alpha=alpha)[0]
    assert simulated == pytest.approx(smoothing_ratio(lead, alpha, rho), rel=0.02)


@pytest.mark.parametrize("lead, rho", AR_SINGLE)
def test_ar1_forecast_matches_lee_padmanabhan_whang(lead, rho):
    """Lee, Padmanabhan & Whang (1997), Management Science 43(4), with v = L - 1."""
    simulated = _simulated_top(1, rho, lead_time=lead, forecast="ar1")[0]
    assert simulated == pytest.approx(lpw_ratio(lead, rho), rel=0.02)


MULTI = [  # (stages, lead times, rho, sharing)
    (2, 1, 0.0, "decentralized"), (3, [1, 2, 1], 0.0, "decentralized"),
    (2, [2, 3], 0.5, "decentralized"), (3, 1, 0.3, "centralized"),
    (4, [1, 1, 2, 2], 0.0, "centralized"), (3, [2, 1, 2], -0.3, {3}),
    (4, 1, 0.6, {2, 4}), (2, 2, 0.85, "decentralized"), (3, [1, 2, 3], 0.2, {2}),
]


@pytest.mark.parametrize("forecast, setting", [("ma", 6), ("es", 0.35), ("ar1", None)])
@pytest.mark.parametrize("stages, lead, rho, sharing", MULTI)
def test_multistage_simulation_matches_exact_filter(forecast, setting, stages, lead, rho,
                                                    sharing):
    """With z = 0 and returns allowed each stage is a linear filter: the simulated
    cumulative ratios must match the exact ones within 2%."""
    if forecast == "ar1" and rho == 0.0:
        rho = 0.4  # the AR(1) forecast of i.i.d. demand passes orders through unchanged
    options = dict(lead_time=lead, forecast=forecast, sharing=sharing)
    if forecast == "ma":
        options["window"] = setting
    elif forecast == "es":
        options["alpha"] = setting
    simulated = _simulated_top(stages, rho, **options)
    exact = exact_ratio(stages, rho=rho, **options).to_numpy()
    np.testing.assert_allclose(simulated, exact, rtol=0.02)


def test_safety_stock_keeps_chen_a_lower_bound():
    """Chen et al. (2000): with z > 0 the formula is a lower bound."""
    simulated = _simulated_top(1, 0.0, lead_time=2, window=5, z=1.5)[0]
    assert simulated >= 0.98 * chen_ratio(2, 5)
    assert simulated > 1.05 * chen_ratio(2, 5)  # the estimated sigma adds variance


def test_summary_layout_and_inventory_match_exact():
    """The summary has every metric with its interval; net-inventory variance and the
    z = 0 cost (h + b) sigma_NI / sqrt(2 pi) match the exact filter."""
    result = simulate(3, lead_time=[2, 1, 3], window=4, replications=200, periods=2000, seed=3)
    summary = result.summary()
    for metric in ("order_ratio", "amplification", "inventory_ratio", "fill_rate",
                   "holding_cost", "backorder_cost", "total_cost"):
        assert {metric, f"{metric}_low", f"{metric}_high"} <= set(summary.columns)
        assert (summary[f"{metric}_low"] <= summary[metric]).all()
        assert (summary[metric] <= summary[f"{metric}_high"]).all()
    assert list(summary.index) == [1, 2, 3]
    exact_inventory = net_inventory_ratio(3, lead_time=[2, 1, 3], window=4)
    np.testing.assert_allclose(summary["inventory_ratio"], exact_inventory, rtol=0.02)
    expected_cost = sharing_cost(3, lead_time=[2, 1, 3], window=4, sigma=10.0,
                                 safety_stock="none")
    np.testing.assert_allclose(summary["total_cost"], expected_cost, rtol=0.02)
    amplification = summary["order_ratio"] / summary["order_ratio"].shift(fill_value=1.0)
    np.testing.assert_allclose(summary["amplification"], amplification, rtol=0.02)
    assert len(result.replications) == 3 * 200


def test_reproducible_with_seed():
    first = simulate(2, replications=20, periods=200, seed=11).summary()
    again = simulate(2, replications=20, periods=200, seed=np.random.default_rng(11)).summary()
    other = simulate(2, replications=20, periods=200, seed=12).summary()
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


def test_no_negative_orders_changes_nothing_when_orders_stay_positive():
    """Forbidding returns only matters when an order would be negative."""
    calm = Demand.normal(100.0, 1.0)
    free = simulate(3, demand=calm, replications=20, periods=300, seed=1, keep_series=True)
    kept = simulate(3, demand=calm, replications=20, periods=300, seed=1, keep_series=True,
                    negative_orders=False)
    assert free.orders.min() > 0
    np.testing.assert_allclose(kept.orders, free.orders)
    wild = simulate(3, replications=20, periods=300, seed=1, negative_orders=False,
                    demand=Demand.normal(100.0, 40.0), keep_series=True)
    assert wild.orders.min() >= 0.0


def test_lost_sales_equal_backlog_without_stockouts():
    """With ample (constant) safety stock nothing is lost, so both accountings agree."""
    options = dict(lead_time=2, forecast="ar1", z=6.0, negative_orders=False, replications=10,
                   periods=300, warmup=100, seed=4, demand=Demand.ar1(100.0, 0.3, 5.0))
    lost = simulate(3, backlog=False, **options).summary()
    kept = simulate(3, backlog=True, **options).summary()
    np.testing.assert_allclose(lost["order_ratio"], kept["order_ratio"], rtol=1e-9)
    np.testing.assert_allclose(lost["holding_cost"], kept["holding_cost"], rtol=1e-9)
    assert (lost["fill_rate"] == 1.0).all()


def test_lost_sales_lose_demand_without_safety_stock():
    result = simulate(2, backlog=False, negative_orders=False, replications=20, periods=300,
                      seed=2).summary()
    assert (result["fill_rate"] < 0.99).all()
    assert (result["backorder_cost"] > 0).all()


def test_given_series_and_step_demand():
    """A 1-D series is one deterministic run (replications default to 1; more give identical
    rows); a 2-D series has one row per replication; periods may take a prefix."""
    sales = 100 + 10 * np.sin(np.arange(120) / 5.0)
    single = simulate(2, demand=sales)
    assert single.settings["replications"] == 1 and single.settings["periods"] == 120
    assert single.summary()["order_ratio_low"].isna().all()  # no interval from one run
    result = simulate(2, demand=sales, replications=5, seed=0)
    assert result.settings["replications"] == 5
    assert (result.summary()["order_ratio_low"] == result.summary()["order_ratio"]).all()
    pd.testing.assert_series_equal(result.ratio, single.ratio)
    rows = simulate(2, demand=np.vstack([sales, sales[::-1]]), seed=0)
    assert rows.settings["replications"] == 2
    prefix = simulate(2, demand=sales, periods=60, warmup=10, keep_series=True)
    assert prefix.orders.shape == (2, 1, 60)
    full = simulate(2, demand=sales, keep_series=True)
    np.testing.assert_allclose(prefix.orders[:, :, :], full.orders[:, :, 10:70])


def test_step_demand_is_a_transient_from_steady_state():
    """A step is measured from period 0 by default (no warm-up hides it): a moving
    average of p periods with L = 2 orders d + (L/p)(d_t - d_{t-p}), so the first stage
    orders 120 + 2/5 * 20 = 128 in the step's period and its ratio is finite."""
    step = simulate(2, demand=Demand.step(100, 120, at=50), periods=200, replications=3,
                    keep_series=True, seed=0)
    assert step.settings["warmup"] == 0
    assert step.orders[0, 0, 50] == pytest.approx(128.0)
    np.testing.assert_allclose(step.orders[0, 0, :50], 100.0)
    np.testing.assert_allclose(step.orders[0, 0, 55:], 120.0)
    assert np.isfinite(step.ratio).all() and (step.ratio > 1).all()


def test_closed_forms_by_hand():
    """Values worked out from the printed formulas. Chen, Drezner, Ryan & Simchi-Levi (2000),
    Management Science 46(3): 1 + (2L/p + 2L^2/p^2)(1 - rho^p), decentralized product over
    stages, centralized with L = sum L_i. Chen, Ryan & Simchi-Levi (2000), Naval Research
    Logistics 47(4): 1 + 2 L alpha + 2 L^2 alpha^2 / (2 - alpha) for i.i.d. demand (alpha = 1
    is the one-period moving average). Lee, Padmanabhan & Whang (1997), Management Science
    43(4): 1 + 2 rho (1 - rho^(v+1)) (1 - rho^(v+2)) / (1 - rho) with v = L - 1, which tends
    to 1 + 2 rho / (1 - rho) for long lead times."""
    assert chen_ratio(1, 1) == pytest.approx(5.0)
    assert chen_ratio(2, 5) == pytest.approx(1 + 0.8 + 0.32)
    assert chen_ratio(2, 5, rho=0.5) == pytest.approx(1 + 1.12 * (1 - 0.5 ** 5))
    assert chen_ratio(1, 5, stages=3) == pytest.approx(1.48 ** 3)
    assert chen_ratio([1, 2], 4, stages=2, sharing="centralized") == \
        pytest.approx(1 + 2 * 3 / 4 + 2 * 9 / 16)
    assert smoothing_ratio(1, 1.0) == pytest.approx(chen_ratio(1, 1))
    assert smoothing_ratio(2, 0.3) == pytest.approx(1 + 1.2 + 2 * 4 * 0.09 / 1.7)
    assert smoothing_ratio(2, 0.3, rho=0.5) == pytest.approx(
        1 + (1.2 + 2 * 4 * 0.09 / 1.7) * 0.5 / (1 - 0.7 * 0.5))
    assert lpw_ratio(1, 0.5) == pytest.approx(1 + 2 * 0.5 * 0.5 * 0.75 / 0.5)
    assert lpw_ratio(60, 0.5) == pytest.approx(1 + 2 * 0.5 / 0.5)
    assert lpw_ratio(3, 0.0) == 1.0
    # bullwhip grows with L and shrinks with p (Chen et al. 2000)
    assert chen_ratio(3, 5) > chen_ratio(2, 5) > chen_ratio(2, 8)
    assert lpw_ratio(3, 0.6) > lpw_ratio(2, 0.6)


@given(lead=st.integers(0, 8), window=st.integers(1, 12),
       rho=st.floats(-0.9, 0.9), alpha=st.floats(0.05, 1.0))
def test_exact_filter_reproduces_single_stage_formulas(lead, window, rho, alpha):
    """The exact filter equals the three published single-stage formulas."""
    assert exact_ratio(1, lead_time=lead, window=window, rho=rho).iloc[0] == \
        pytest.approx(chen_ratio(lead, window, rho), rel=1e-9)
    assert exact_ratio(1, lead_time=lead, forecast="es", alpha=alpha, rho=rho).iloc[0] == \
        pytest.approx(smoothing_ratio(lead, alpha, rho), rel=1e-9)
    assert exact_ratio(1, lead_time=lead, forecast="ar1", rho=rho).iloc[0] == \
        pytest.approx(lpw_ratio(lead, rho), rel=1e-9)


@given(leads=st.lists(st.integers(0, 5), min_size=1, max_size=4), window=st.integers(1, 10),
       rho=st.floats(-0.9, 0.9))
def test_chen_multistage_bounds(leads, window, rho):
    """Chen et al. (2000): the centralized formula is exact at z = 0, the decentralized
    product a lower bound; sharing never amplifies more than not sharing."""
    k = len(leads)
    central = exact_ratio(k, lead_time=leads, window=window, rho=rho, sharing="centralized")
    decentral = exact_ratio(k, lead_time=leads, window=window, rho=rho)
    assert central.iloc[-1] == pytest.approx(
        chen_ratio(leads, window, rho, k, "centralized"), rel=1e-9)
    assert decentral.iloc[-1] >= chen_ratio(leads, window, rho, k) * (1 - 1e-9)
    assert decentral.iloc[-1] >= central.iloc[-1] * (1 - 1e-9)


def test_sharing_cost_and_savings():
    options = dict(lead_time=2, window=4, sigma=10.0)
    assert sharing_savings(3, set(), **options) == 0.0
    assert sharing_savings(3, {1}, **options) == pytest.approx(0.0, abs=1e-12)
    grand = sharing_savings(3, {1, 2, 3}, **options)
    assert grand > 0
    optimal = sharing_cost(3, **options).sum()
    none = sharing_cost(3, safety_stock="none", **options).sum()
    assert optimal < none
    # newsvendor cost with h = 0.5, b = 1: (h + b) phi(Phi^-1(2/3)) sigma_NI
    sigma_ni = 10 * math.sqrt(net_inventory_ratio(1, lead_time=2, window=4).iloc[0])
    assert sharing_cost(1, **options).iloc[0] == pytest.approx(1.5 * 0.36360 * sigma_ni,
                                                               rel=1e-4)


@pytest.mark.parametrize("call, match", [
    (lambda: simulate(lead_time=-1), "lead_time must be a whole number"),
    (lambda: chen_ratio(-2, 5), "lead_time must be a whole number"),
    (lambda: exact_ratio(2, lead_time=[1, -1]), r"lead_time.*\(stage 2\)"),
    (lambda: simulate(window=0), "window must be a whole number of periods >= 1"),
    (lambda: chen_ratio(2, 0), "window must be"),
    (lambda: chen_ratio(2, 5, rho=1.0), r"\|rho\| < 1"),
    (lambda: exact_ratio(1, rho=-1.5), r"\|rho\| < 1"),
    (lambda: Demand.ar1(100, 1.0, 10), r"\|rho\| < 1"),
    (lambda: simulate(0), "stages must be a whole number >= 1"),
    (lambda: chen_ratio(2, 5, stages=0), "stages must be"),
    (lambda: simulate(3, lead_time=[1, 2]), "2 per-stage values but the chain has 3"),
    (lambda: simulate(2, forecast=["ma", "es", "ma"]), "3 per-stage values"),
    (lambda: chen_ratio([1, 2], 5, stages=3), "per-stage values"),
    (lambda: simulate(demand=[]), "demand series is empty"),
    (lambda: Demand.series(np.empty((3, 0))), "demand series is empty"),
    (lambda: simulate(demand=[1.0, float("nan"), 2.0]), "missing or infinite"),
    (lambda: simulate(forecast="naive"), "forecast 'naive'"),
    (lambda: simulate(forecast="ar1", demand=[1.0, 2.0, 3.0]), "needs a known AR"),
    (lambda: simulate(backlog=False), "need negative_orders=False"),
    (lambda: simulate(z=1.0, window=1), "needs window >= 2"),
    (lambda: simulate(alpha=0.0, forecast="es"), r"alpha must be a number in \(0, 1\]"),
    (lambda: simulate(sharing="sometimes"), "sharing 'sometimes'"),
    (lambda: simulate(3, sharing={4}), r"stages are numbered 1\.\.3"),
    (lambda: simulate(3, sharing={"plant"}), "no member ids"),
    (lambda: simulate(holding=-1.0), "holding must be"),
    (lambda: chen_ratio(2, 5, sharing={2}), "use exact_ratio for partial"),
    (lambda: sharing_cost(2, safety_stock="max"), "safety_stock must be"),
    (lambda: Demand.ar1(mu="a"), "demand mu must be a finite number"),
    (lambda: Demand.ar1(mu=None), "demand mu must be a finite number"),
    (lambda: Demand.step(100, 120, at="x"), "at .*must be a whole number >= 0"),
    (lambda: Demand.step(100, 120, at=-1), "at .*must be a whole number >= 0"),
    (lambda: Demand.step("a", 120, at=3), "before must be a finite number"),
    (lambda: Demand.series([[1.0, 2.0], [3.0]]), "demand series must be numbers"),
    (lambda: simulate(z=-1.0), r"z must be a finite number >= 0 \(stage 1\)"),
    (lambda: simulate(2, window=[3, 2.5]), r"window must be .*\(stage 2\)"),
])
def test_bad_input_is_reported(call, match):
    with pytest.raises(ParameterError, match=match):
        call()


@pytest.mark.parametrize("options, match", [
    (dict(periods=1), "periods must be a whole number >= 2"),
    (dict(replications=0), "replications must be a whole number >= 1"),
    (dict(warmup=-5), "warmup must be a whole number >= 0"),
    (dict(confidence=1.0), r"confidence must be in \(0, 1\)"),
    (dict(demand=[1.0, 2.0, 3.0], warmup=2), "needs at least warmup"),
    (dict(warmup="long"), "warmup must be a whole number >= 0"),
    (dict(warmup=2.5), "warmup must be a whole number >= 0"),
    (dict(confidence="high"), r"confidence must be in \(0, 1\)"),
    (dict(replications=2.5), "replications must be a whole number >= 1"),
    (dict(demand=np.ones((3, 10)), replications=5), "3 rows, one per replication"),
    (dict(demand=np.ones(10), periods=9, warmup=2), "give periods <= 8"),
])
def test_bad_run_settings_are_reported(options, match):
    with pytest.raises(ParameterError, match=match):
        simulate(2, **options)


def test_zero_lead_time_passes_demand_through():
    """L = 0: nothing to cover, so orders equal demand and no stock is ever short."""
    summary = simulate(2, lead_time=0, replications=3, periods=50, seed=0).summary()
    np.testing.assert_allclose(summary["order_ratio"], 1.0)
    np.testing.assert_allclose(summary["fill_rate"], 1.0)


def test_mixed_forecasters_per_stage_match_exact_filter():
    """Per-stage lists: a moving-average retailer, a smoothing distributor that shares
    end demand, an AR(1)-forecasting factory; simulated within 2% of the exact filter."""
    options = dict(lead_time=[1, 2, 3], forecast=["ma", "es", "ar1"], window=[4, 1, 1],
                   alpha=[1.0, 0.4, 1.0], sharing={2})
    simulated = _simulated_top(3, 0.5, **options)
    np.testing.assert_allclose(simulated, exact_ratio(3, rho=0.5, **options), rtol=0.02)
    inventory = simulate(3, demand=Demand.ar1(100.0, 0.5, 10.0), replications=200,
                         periods=2000, seed=8, **options).summary()["inventory_ratio"]
    np.testing.assert_allclose(inventory, net_inventory_ratio(3, rho=0.5, **options), rtol=0.02)


@pytest.mark.parametrize("rho", [-0.6, 0.0, 0.5, 0.9])
def test_ar1_demand_is_stationary_from_period_0(rho):
    """D_t = mu + rho (D_{t-1} - mu) + e_t: every period has variance sigma^2 / (1 - rho^2)
    (the first too: the process starts in its stationary law) and lag-1 correlation rho."""
    demand = Demand.ar1(50.0, rho, 4.0)
    paths = demand.generate(40_000, 6, seed=1)
    np.testing.assert_allclose(paths.mean(axis=0), 50.0, atol=0.15 / math.sqrt(1 - rho))
    np.testing.assert_allclose(paths.var(axis=0), demand.variance, rtol=0.04)
    lag1 = np.corrcoef(paths[:, 0], paths[:, 1])[0, 1]
    assert lag1 == pytest.approx(rho, abs=0.02)
