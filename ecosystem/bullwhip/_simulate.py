"""Monte-Carlo simulation of a serial chain of order-up-to stages.

Timing (every stage, every period ``t``): the replenishment ordered ``L``
periods ago arrives, the period's demand (end-customer demand at stage 1, the
downstream stage's order elsewhere) is met from stock or backlogged, then the
stage raises its inventory position to ``y_t`` and its order goes upstream at
once (kernels in :mod:`._kernels`). ``L`` is therefore the number of periods an order-up-to level covers:
physical lead time plus the one-period review. Each stage's supplier delivers in
full after ``L`` periods (uncapacitated upstream, the setting of Chen et al.
2000 and of linear-filter analyses), so a stage's inventory figures measure its
own policy; :func:`beer_game` is the model with real shipments between stages.
"""  # noqa: E501

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Real
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._errors import NumericalWarning, ParameterError
from .._memory import check_allocation
from .._result import Result, was_attribute
from .._rng import Seed
from ._chain import SupplyChain, resolve_sharing, stages_of
from ._demand import Demand
from ._forecast import StagePolicy
from ._kernels import backlog_stage, lost_sales_stage, variances
from ._params import (check_alpha, check_forecast, check_lead_time, check_nonnegative,
                      check_whole, check_window, per_stage)
from .._warn import warn

__all__ = ["simulate", "BullwhipResult", "stage_policies", "METRICS"]

_BLOCK_ELEMENTS = 32_768
_LOOP_BLOCK_ELEMENTS = 2_000_000

#: Per-stage outputs, in the order of the summary's columns.
METRICS = ("order_ratio", "amplification", "inventory_ratio", "fill_rate", "holding_cost",
           "backorder_cost", "total_cost")


@dataclass(frozen=True)
class BullwhipResult(Result):
    """What :func:`simulate` returns.

    Attributes
    ----------
    stages : DataFrame
        One row per stage (also ``summary()``) (stage 1 faces the market). For every metric of
        :data:`METRICS` its mean over replications and the bounds of a
        ``confidence`` t-interval (``<metric>_low``, ``<metric>_high``), then
        ``lead_time`` (``L``) and ``shares`` (forecasts from end demand).
        ``order_ratio`` is Var(q_k) / Var(D) (cumulative), ``amplification``
        Var(q_k) / Var(q_{k-1}), ``inventory_ratio`` Var(net inventory) / Var(D),
        ``fill_rate`` the share of demand served from stock at once, costs per
        period.
    replications : DataFrame
        The metrics of every replication and stage (long format).
    settings : dict
        The arguments that produced the result; ``settings["chain"]`` is the
        :class:`SupplyChain` simulated (with the route :func:`chain_from`
        followed) when one was given, else None.
    orders, net_inventory : ndarray or None
        ``(stages, replications, periods)`` after the warm-up, when
        ``keep_series=True``.
    """

    stages: pd.DataFrame
    replications: pd.DataFrame
    settings: dict
    orders: np.ndarray | None = field(default=None, repr=False)
    net_inventory: np.ndarray | None = field(default=None, repr=False)

    @property
    def ratio(self) -> pd.Series:
        """Mean cumulative order-variance ratio Var(q_k) / Var(D) per stage."""
        return self.stages["order_ratio"]

    @was_attribute
    def summary(self) -> pd.DataFrame:
        """One row per stage: :attr:`stages`."""
        return self.stages

    def headline(self) -> str:
        return (f"bullwhip over {len(self.stages)} stages: top-stage order ratio "
                f"{self.ratio.iloc[-1]:.4g}")

    def __repr__(self) -> str:
        return (f"<BullwhipResult: {len(self.stages)} stages, "
                f"top-stage order ratio {self.ratio.iloc[-1]:.4g}>")


def stage_policies(stages: int, lead_time: int | Sequence[int],
                   forecast: str | Sequence[str], window: int | Sequence[int],
                   alpha: float | Sequence[float],
                   z: float | Sequence[float] = 0.0) -> list[StagePolicy]:
    """Check and expand scalar-or-per-stage settings into one policy per stage."""
    for value, check in ((lead_time, check_lead_time), (window, check_window)):
        if not isinstance(value, (list, tuple, np.ndarray)):
            check(value)  # a shared value is reported without a stage number
    rows = zip(per_stage(lead_time, stages, "lead_time"), per_stage(forecast, stages, "forecast"),
               per_stage(window, stages, "window"), per_stage(alpha, stages, "alpha"),
               per_stage(z, stages, "z"))
    policies = []
    for k, (lead, kind, p, a, safety) in enumerate(rows, start=1):
        kind = check_forecast(kind, k)
        policy = StagePolicy(kind, check_lead_time(lead, k),
                             check_window(p, k) if kind == "moving_average" else 1,
                             check_alpha(a, k) if kind == "exponential_smoothing" else 1.0,
                             check_nonnegative(safety, "z", k))
        if policy.z and kind == "moving_average" and policy.window < 2:
            raise ParameterError(f"z > 0 needs window >= 2 to estimate sigma (stage {k})")
        policies.append(policy)
    return policies


def _default_warmup(policies: list[StagePolicy], demand: Demand) -> int:
    if demand.kind in ("series", "step"):
        return 0  # a given history is measured whole; a step is a transient from steady state
    memory = 0
    for policy in policies:
        if policy.forecast == "moving_average":
            memory += policy.window
        elif policy.forecast == "exponential_smoothing":
            memory += int(np.ceil(8 / policy.alpha))
        memory += policy.lead_time
    return 50 + 3 * memory


def _run_size(demand: Demand, replications: Any, periods: Any, warmup: int) -> tuple[int, int]:
    """Replications and measured periods, checked against a given series."""
    if replications is not None:
        replications = check_whole(replications, "replications", 1)
    if periods is not None:
        periods = check_whole(periods, "periods", 2, " (a variance needs two periods)")
    if demand.kind != "series":
        return replications or 1000, periods or 1000
    rows, length = demand._rows.shape
    if rows > 1 and replications not in (None, rows):
        raise ParameterError(f"the demand series has {rows} rows, one per replication, but "
                             f"replications={replications}; leave replications out or give {rows}")
    available = length - warmup
    if available < 2:
        raise ParameterError(f"the demand series has {length} periods; it needs at least "
                             f"warmup + 2 = {warmup + 2} (a variance needs two measured periods)")
    if periods is None:
        periods = available
    elif periods > available:
        raise ParameterError(f"the demand series has {demand.length} periods: warmup {warmup} + "
                             f"periods {periods} do not fit; give periods <= {available}")
    return (rows if rows > 1 else replications or 1), periods


def simulate(stages: int | SupplyChain = 4, *, lead_time: int | Sequence[int] | None = None,
             forecast: str | Sequence[str] = "moving_average", window: int | Sequence[int] = 5,
             alpha: float | Sequence[float] = 0.3, demand: Demand | ArrayLike | None = None,
             sharing: str | Iterable[int | str] | None = "decentralized",
             z: float | Sequence[float] = 0.0, negative_orders: bool = True, backlog: bool = True,
             holding: float | Sequence[float] = 0.5, backorder: float | Sequence[float] = 1.0,
             replications: int | None = None, periods: int | None = None,
             warmup: int | None = None, confidence: float = 0.95, keep_series: bool = False,
             seed: Seed = None) -> BullwhipResult:
    """Simulate bullwhip amplification in a serial chain of order-up-to stages.

    Parameters
    ----------
    stages : int or SupplyChain
        The number of stages, or a chain from :func:`chain_from` (its lead
        times are used and ``lead_time`` must be left at its default).
    lead_time : int or list of int, optional
        ``L`` per stage: the periods an order-up-to level covers, i.e. the
        physical lead time plus the review period (so ``L >= 1`` in practice).
        Default 2, or the chain's own lead times.
    forecast : str or list of str
        ``"moving_average"`` (``"ma"``), ``"exponential_smoothing"`` (``"es"``)
        or ``"ar1"`` (the known-process forecast; demand must be AR(1)).
    window : int or list of int
        Moving-average window ``p``.
    alpha : float or list of float
        Exponential-smoothing constant.
    demand : Demand or array-like, optional
        End-customer demand; default i.i.d. normal, mean 100, sd 10. An array
        is a given series (1-D: every replication; 2-D: one row each).
    sharing : "decentralized", "centralized" or collection
        Who forecasts from end-customer demand rather than incoming orders:
        nobody, everybody, or the listed stage numbers (1-based) / member ids.
    z : float or list of float
        Safety factor on the estimated standard deviation (moving average: the
        sample sd over the same ``p`` periods; exponential smoothing: the
        smoothed squared one-step error; ``ar1``: the exact ``L``-period error).
    negative_orders : bool
        Allow negative orders (returns); with ``z = 0`` this makes the chain a
        linear filter whose ratios :func:`exact_ratio` gives.
    backlog : bool
        Backlog unmet demand (default) or lose it (then ``negative_orders``
        must be False and every ``L >= 1``).
    holding, backorder : float or list of float
        Cost per unit per period held, and per unit backordered per period
        (per unit lost when ``backlog`` is False).
    replications, periods : int, optional
        Independent runs, and periods measured in each after ``warmup``
        (default 1000 each; for a given series: its rows, or 1 for a 1-D series
        (the run is deterministic), and every period after the warm-up).
    warmup : int, optional
        Periods simulated then discarded (default grows with the windows, the
        smoothing memory and the lead times; 0 for a given series and for a
        step, whose ``at`` counts from the first simulated period).
    confidence : float
        Level of the t-intervals in the summary.
    keep_series : bool
        Keep the measured orders and net inventory arrays.
    seed : int or Generator, optional

    Returns
    -------
    BullwhipResult

    Notes
    -----
    Each replication's ratio divides two sample variances over ``periods``;
    for persistent demand (``rho`` near 1) or long smoothing memories this
    estimate is biased by roughly ``(1 + rho) / ((1 - rho) periods)``, so use
    more periods (fewer replications) there. Compare with :func:`exact_ratio`
    and the closed forms (:func:`chen_ratio`, :func:`smoothing_ratio`,
    :func:`lpw_ratio`) at ``z = 0`` with returns allowed. Ratios are NaN when
    demand does not vary over the measured periods.

    Examples
    --------
    >>> result = simulate(1, lead_time=2, window=5, replications=200, periods=2000, seed=1)
    >>> round(float(result.ratio.iloc[0]), 1)  # chen_ratio(2, 5) = 2.12
    2.1
    >>> simulate(3, sharing="centralized", replications=50, periods=500, seed=1
    ...          ).summary()[["order_ratio", "amplification"]].round(1).shape
    (3, 2)
    """
    count, lead_time, labels, chain = stages_of(stages, lead_time)
    policies = stage_policies(count, lead_time, forecast, window, alpha, z)
    shares = resolve_sharing(sharing, count, chain)
    holding = [check_nonnegative(v, "holding", k + 1)
               for k, v in enumerate(per_stage(holding, count, "holding"))]
    backorder = [check_nonnegative(v, "backorder", k + 1)
                 for k, v in enumerate(per_stage(backorder, count, "backorder"))]
    demand = Demand.coerce(demand)
    ar1 = None
    if any(p.forecast == "ar1" for p in policies):
        if demand.kind != "ar1":
            raise ParameterError("the 'ar1' forecast needs a known AR(1) process: pass "
                                 "demand=Demand.ar1(mu, rho, sigma) or Demand.normal(...)")
        ar1 = (demand.mu, demand.rho, demand.sigma)
    if not backlog:
        if negative_orders:
            raise ParameterError("lost sales (backlog=False) need negative_orders=False: a "
                                 "return cannot ship stock that was never received")
        if any(p.lead_time < 1 for p in policies):
            raise ParameterError("lost sales (backlog=False) need every lead_time >= 1")
    if not isinstance(confidence, Real) or isinstance(confidence, bool) \
            or not 0 < confidence < 1:
        raise ParameterError(f"confidence must be in (0, 1), got {confidence!r}")
    warmup = _default_warmup(policies, demand) if warmup is None \
        else check_whole(warmup, "warmup")
    replications, periods = _run_size(demand, replications, periods, warmup)
    # the end demand, the shocks behind it and a block of work arrays: three
    # replications x (warmup + periods) float64 arrays; kept series add two per stage
    check_allocation(8.0 * replications * (warmup + periods) * (3 + 2 * count * keep_series),
                     f"simulating {replications:,} replications x {warmup + periods:,} "
                     f"periods ({warmup:,} of them warm-up, set by the lead times and "
                     "forecasts)", "use fewer replications or periods (or shorter lead times)")
    end_demand = demand.generate(replications, warmup + periods, seed)
    level = demand.level
    per_rep = {name: np.empty((count, replications)) for name in METRICS}
    kept_orders = np.empty((count, replications, periods)) if keep_series else None
    kept_net = np.empty((count, replications, periods)) if keep_series else None
    # blocks of replications small enough for the cache: temporaries then cost no page faults;
    # lost sales loop over periods, so there the blocks are wide to share each step's overhead
    block = max(1, (_BLOCK_ELEMENTS if backlog else _LOOP_BLOCK_ELEMENTS) // (warmup + periods))
    with np.errstate(divide="ignore", invalid="ignore"):
        for first in range(0, replications, block):
            rows = slice(first, min(first + block, replications))
            chunk = end_demand[rows]
            var_demand = variances(chunk[:, warmup:])
            incoming, var_before, cumulative = chunk, var_demand, None
            for k, policy in enumerate(policies):  # stage k's demand is stage k-1's orders
                signal = chunk if shares[k] else incoming
                if backlog:
                    orders, net, cumulative = backlog_stage(
                        incoming, signal, policy, level, ar1, negative_orders, cumulative)
                    lost = None
                else:
                    orders, net, lost = lost_sales_stage(incoming, signal, policy, level, ar1)
                orders_m, net_m = orders[:, warmup:], net[:, warmup:]
                var_orders = variances(orders_m)
                per_rep["order_ratio"][k, rows] = var_orders / var_demand
                per_rep["amplification"][k, rows] = var_orders / var_before
                per_rep["inventory_ratio"][k, rows] = variances(net_m) / var_demand
                _service(per_rep, k, rows, incoming[:, warmup:], net_m,
                         None if lost is None else lost[:, warmup:], holding[k], backorder[k])
                if keep_series:
                    kept_orders[k, rows], kept_net[k, rows] = orders_m, net_m
                incoming, var_before = orders, var_orders
    per_rep["total_cost"] = per_rep["holding_cost"] + per_rep["backorder_cost"]

    summary = _summarise(per_rep, labels, confidence)
    _warn_if_degenerate(per_rep, periods, demand)
    summary["lead_time"] = [p.lead_time for p in policies]
    summary["shares"] = shares
    long = pd.DataFrame({
        "replication": np.tile(np.arange(replications), count),
        "stage": np.repeat(labels, replications),
        **{name: per_rep[name].ravel() for name in METRICS}})
    settings = dict(stages=count, members=labels, lead_time=[p.lead_time for p in policies],
                    forecast=[p.forecast for p in policies], window=[p.window for p in policies],
                    alpha=[p.alpha for p in policies], z=[p.z for p in policies],
                    demand=demand, sharing=sharing, negative_orders=negative_orders,
                    backlog=backlog, holding=holding, backorder=backorder,
                    replications=replications, periods=periods, warmup=warmup,
                    confidence=confidence, seed=seed, chain=chain)
    return BullwhipResult(summary, long, settings, kept_orders, kept_net)


def _service(per_rep: dict, k: int, rows: slice, demand: np.ndarray, net: np.ndarray,
             lost: np.ndarray | None, holding: float, backorder: float) -> None:
    """Fill rate and costs of stage ``k`` over the measured periods."""
    # the measured periods are column slices; elementwise numpy is ~4x faster on copies
    demand, net = np.ascontiguousarray(demand), np.ascontiguousarray(net)
    if demand.min() < 0:
        demand = np.maximum(demand, 0.0)  # a return is no demand to fill
    periods = net.shape[1]
    if lost is None:
        stock = np.maximum(net, 0.0)
        short = stock - net  # backorders at the end of each period
        # demand not served at once: this period's backorders, at most its demand (older
        # backorders are served first)
        unmet = np.minimum(short, demand).sum(axis=1)
        stock, short = stock.mean(axis=1), short.mean(axis=1)
    else:
        unmet = lost.sum(axis=1)
        stock, short = net.mean(axis=1), unmet / periods
    per_rep["fill_rate"][k, rows] = 1.0 - unmet / demand.sum(axis=1)
    per_rep["holding_cost"][k, rows] = holding * stock
    per_rep["backorder_cost"][k, rows] = backorder * short


#: Fewer measured periods than this make each replication's variance ratio unreliable.
FEW_PERIODS = 30


def _warn_if_degenerate(per_rep: dict, periods: int, demand: Demand) -> None:
    """Say why ratios are NaN or infinite, or why they mean little, instead of printing them
    silently."""
    ratio = per_rep["order_ratio"]
    if np.isnan(ratio).any():
        constant = demand.kind in ("ar1", "step") and demand.sigma == 0
        warn(
            f"{int(np.isnan(ratio).any(axis=1).sum())} of {ratio.shape[0]} stages have NaN "
            "variance ratios: the demand does not vary over the measured periods"
            + (" (sigma is 0)" if constant else "") + "; give demand that varies",
            NumericalWarning)
    elif not np.isfinite(ratio).all():
        warn("some variance ratios are infinite: demand or orders beyond the range "
             "of floating-point numbers; use smaller demand", NumericalWarning)
    if periods < FEW_PERIODS:
        warn(f"each replication's variance ratio comes from only {periods} periods, "
             "so the ratios scatter widely and their mean is biased upwards; use "
             f"periods >= {FEW_PERIODS} (100 or more for persistent demand)",
             NumericalWarning)


def _summarise(per_rep: dict, labels: list, confidence: float) -> pd.DataFrame:
    from scipy import stats  # scipy.stats is slow to import: on use
    columns = {}
    for name in METRICS:
        values = per_rep[name]
        mean = values.mean(axis=1)
        n = values.shape[1]
        if n > 1:
            half = stats.t.ppf(0.5 + confidence / 2, n - 1) * values.std(axis=1, ddof=1) \
                / np.sqrt(n)
        else:
            half = np.full_like(mean, np.nan)
        columns[name] = mean
        columns[f"{name}_low"] = mean - half
        columns[f"{name}_high"] = mean + half
    frame = pd.DataFrame(columns, index=pd.Index(labels, name="stage"))
    return frame
