"""Every stocking member's orders, vectorised over members, replications and periods.

A member reviews its inventory position at the end of every period, after the
period's orders from its customers, and raises it to ``y_t = L f_t + safety``
with the forecasters of :mod:`ecosystem.bullwhip` (no returns: an order is
never negative, so ``IP_t = max(y_t, IP_{t-1} - d_t)``). The position counts
stock, goods on order and backlog, so a member's orders depend on the orders it
receives and not on how promptly its suppliers deliver: all orders are known
before a single shipment moves, and members of one depth that share a policy
are one array operation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

from ..bullwhip._forecast import StagePolicy, ar1_coefficient, increments, target_deviation

__all__ = ["Policy", "member_orders", "steady_safety", "policy_codes"]

BASE_STOCK = ("base_stock", "constant")


@dataclass(frozen=True)
class Policy:
    """A member's ordering policy: periodic-review order-up-to with a forecaster.

    Parameters
    ----------
    forecast : {"moving_average", "exponential_smoothing", "ar1", "base_stock"}
        The forecaster of :func:`ecosystem.bullwhip.simulate` (aliases ``"ma"``,
        ``"es"``), or ``"base_stock"`` (alias ``"constant"``): no forecast, the
        order-up-to level stays at its steady value ``L x level + z x level``
        (the member's steady demand over its lead time plus ``z`` periods of it
        as safety stock), so each order equals the orders received that period.
    window : int
        Moving-average window (periods).
    alpha : float
        Exponential-smoothing constant in (0, 1].
    z : float
        Safety factor on the estimated standard deviation of demand over the
        lead time (1.65 covers about 95% of periods under normal demand); for
        ``"base_stock"``, the safety stock in periods of steady demand.

    Examples
    --------
    >>> Policy()
    Policy(forecast='moving_average', window=5, alpha=0.3, z=1.65)

    A base-stock member with ``L = 2`` (an outside source one period away plus the
    review period), a steady demand of 10 and ``z = 0.5`` keeps its position at
    ``2 x 10 + 0.5 x 10 = 25`` and passes its orders on:

    >>> import pandas as pd
    >>> from ecosystem import Ecosystem, simulation
    >>> eco = Ecosystem()
    >>> eco.add_member("mill", "manufacturer", lead_time=1)
    >>> eco.add_member("us", "market", margin=2.0)
    >>> eco.link("mill", "us", "logistics", volume=10.0, lead_time=1)
    >>> result = simulation.run(eco, demand=pd.DataFrame({"us": [10.0, 12.0, 7.0]}),
    ...                         policy=Policy("base_stock", z=0.5), replications=1)
    >>> int(result.members.loc["mill", "lead_time"]), result.series("members")["orders"].tolist()
    (2, [10.0, 12.0, 7.0])
    """

    forecast: str = "moving_average"
    window: int = 5
    alpha: float = 0.3
    z: float = 1.65

    def __post_init__(self) -> None:
        from .._errors import ParameterError
        from ..bullwhip._params import (check_alpha, check_forecast, check_nonnegative,
                                        check_window)
        key = self.forecast.strip().lower() if isinstance(self.forecast, str) else None
        # base stock is a simulation policy, not a forecaster: the bullwhip module's names
        # stay as they are
        if key in BASE_STOCK:
            object.__setattr__(self, "forecast", "base_stock")
        else:
            try:
                object.__setattr__(self, "forecast", check_forecast(self.forecast))
            except ParameterError:
                raise ParameterError(
                    f"Policy forecast {self.forecast!r} is not one of: moving_average (ma), "
                    "exponential_smoothing (es), ar1 (optimal), base_stock (constant)") from None
        object.__setattr__(self, "window", check_window(self.window))
        object.__setattr__(self, "alpha", check_alpha(self.alpha))
        object.__setattr__(self, "z", check_nonnegative(self.z, "z"))
        if self.z and self.forecast == "moving_average" and self.window < 2:
            raise ParameterError("z > 0 needs window >= 2 to estimate the standard deviation")

    def stage(self, lead_time: int) -> StagePolicy:
        """The bullwhip module's stage policy for a member with this ``L``."""
        return StagePolicy(self.forecast, int(lead_time), self.window, self.alpha, self.z)


def member_orders(incoming: np.ndarray, signal: np.ndarray, policy: Policy, lead_time: int,
                  level: np.ndarray, ar1: tuple[float, np.ndarray] | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Orders of a group of members with one policy and one ``L``.

    Parameters
    ----------
    incoming, signal : ndarray (rows, periods)
        Orders received, and what the members forecast from (the same array,
        or the end demand they serve when they share information); one row per
        member and replication.
    level : ndarray (rows, 1)
        Each row's demand level before period 0 (steady state).
    ar1 : (rho, innovation sd per row), optional
        The known AR(1) process, for the ``"ar1"`` forecast.

    Returns
    -------
    orders : ndarray (rows, periods)
    steady_safety : ndarray (rows, 1)
        Stock each member holds in steady state before period 0.
    """
    stage = policy.stage(lead_time)
    safety = steady_safety(policy, lead_time, level, ar1)
    if stage.forecast == "base_stock":
        target = np.zeros_like(incoming)
    elif stage.forecast == "ar1":
        assert ar1 is not None, "the ar1 forecast needs the AR(1) process"
        rho, _ = ar1
        target = signal - level
        target *= ar1_coefficient(stage.lead_time, rho)
    else:
        # one level per row: the forecasters broadcast it over the periods
        target, _ = target_deviation(signal, stage, cast(float, level))
    cumulative = np.cumsum(incoming, axis=1)
    totals = target + cumulative
    np.maximum(totals[:, 0], 0.0, out=totals[:, 0])
    np.maximum.accumulate(totals, axis=1, out=totals)
    return increments(totals), safety


def steady_safety(policy: Policy, lead_time: int, level: np.ndarray,
                  ar1: tuple[float, np.ndarray] | None = None) -> np.ndarray:
    """Stock a member holds in steady state before period 0 (same shape as ``level``):
    ``z`` periods of its level under base stock, ``z`` times the exact standard deviation
    of the ``L``-period AR(1) forecast error under ``"ar1"``, none otherwise (an estimated
    standard deviation is 0 while demand sits at its level)."""
    if policy.forecast == "base_stock":
        return policy.z * level
    if policy.forecast == "ar1":
        assert ar1 is not None, "the ar1 forecast needs the AR(1) process"
        rho, innovation = ar1
        weights = [sum(rho ** j for j in range(m)) for m in range(1, int(lead_time) + 1)]
        return policy.z * innovation * np.sqrt(np.sum(np.square(weights)))
    return np.zeros_like(level)


def policy_codes(policies: list[Policy]) -> tuple[list[Policy], np.ndarray]:
    """The distinct policy objects of ``policies`` and each member's position among them
    (members usually share one object, so per-member settings are a few lookups)."""
    ids = np.fromiter(map(id, policies), dtype=np.int64, count=len(policies))
    if len(ids) and bool((ids == ids[0]).all()):  # one policy for all: no sort
        return [policies[0]], np.zeros(len(ids), dtype=np.int64)
    _, first, code = np.unique(ids, return_index=True, return_inverse=True)
    return [policies[k] for k in first.tolist()], code.reshape(-1).astype(np.int64)
