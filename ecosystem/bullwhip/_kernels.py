"""One stage's orders and inventory, vectorised over replications and periods.

Timing (every stage, every period ``t``): the replenishment ordered ``L``
periods ago arrives, the period's demand ``d_t`` is met from stock or
backlogged, then the stage raises its inventory position ``IP_t`` to its
order-up-to level ``y_t`` and orders the difference. With backlog, every order
arrives in full ``L`` periods later, so the net inventory is
``NI_t = IP_{t-L} - (d_{t-L+1} + ... + d_t)``: no running sum is needed, and
the whole stage is a handful of array operations. With lost sales the stock a
period leaves depends on the sales before it, which takes a loop over periods.
"""

from __future__ import annotations

import numpy as np

from ._forecast import (StagePolicy, add_shifted, increments, order_up_to, target_deviation,
                        window_sum)

__all__ = ["backlog_stage", "lost_sales_stage", "variances"]


def variances(values: np.ndarray) -> np.ndarray:
    """Sample variances (``ddof=1``) along the last axis."""
    n = values.shape[-1]
    total = values.sum(axis=-1)
    # row-wise dot products through matmul: about three times faster than einsum here
    squares = np.matmul(values[..., None, :], values[..., :, None])[..., 0, 0]
    return (squares - total * total / n) / max(n - 1, 1)


def backlog_stage(incoming: np.ndarray, signal: np.ndarray, policy: StagePolicy, level: float,
                  ar1: tuple | None, negative_orders: bool,
                  cumulative: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Orders and net inventory of a stage that backlogs unmet demand.

    Parameters
    ----------
    incoming : ndarray (replications, periods)
        The stage's demand: end-customer demand or the downstream orders.
    signal : ndarray
        What it forecasts from (``incoming``, or end-customer demand if it shares).
    policy, level, ar1
        As in :func:`~ecosystem.bullwhip._forecast.order_up_to`.
    negative_orders : bool
        Allow returns (then ``IP_t = y_t``).
    cumulative : ndarray, optional
        Running totals of ``incoming`` (only used without returns; the upstream
        stage's totals are this stage's orders' totals, returned for reuse).

    Returns
    -------
    orders, net inventory, running totals of the orders (None with returns)
    """
    lead = policy.lead_time
    target, steady = target_deviation(signal, policy, level, ar1)
    totals = None
    if negative_orders:
        position = target  # IP_t - IP_{-1}
        orders = increments(target)
        orders += incoming
    else:
        # IP_t = max(y_t, IP_{t-1} - d_t), so IP_t + (demand so far) is the running maximum
        # of y_t + (demand so far), starting from IP_{-1}: orders are its increments
        if cumulative is None:
            cumulative = np.cumsum(incoming, axis=1)
        totals = target + cumulative
        np.maximum(totals[:, 0], 0.0, out=totals[:, 0])
        np.maximum.accumulate(totals, axis=1, out=totals)
        orders = increments(totals)
        position = totals - cumulative
    net = window_sum(incoming - level, lead)
    np.negative(net, out=net)
    if lead:
        add_shifted(net, position, lead)
    else:
        net += position
    safety = steady - lead * level
    if safety:
        net += safety
    return orders, net, totals


def lost_sales_stage(incoming: np.ndarray, signal: np.ndarray, policy: StagePolicy,
                     level: float, ar1: tuple | None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Orders, on-hand stock and lost units of a stage that loses unmet demand
    (orders are never negative; every ``L >= 1``)."""
    lead = policy.lead_time
    y, steady = order_up_to(signal, policy, level, ar1)
    # periods first, so that every period's step reads and writes contiguous rows
    y = np.ascontiguousarray(y.T)
    wanted = np.ascontiguousarray(np.maximum(incoming, 0.0).T)
    periods, replications = wanted.shape
    orders = np.empty_like(wanted)
    on_hand = np.empty_like(wanted)
    sold = np.empty_like(wanted)
    stock = np.full(replications, steady - lead * level)
    position = np.full(replications, steady)
    # each period's sales depend on the stock the previous periods left: a loop over periods
    for t in range(periods):
        stock += orders[t - lead] if t >= lead else level
        np.minimum(stock, wanted[t], out=sold[t])
        stock -= sold[t]
        position -= sold[t]
        np.subtract(y[t], position, out=orders[t])
        np.maximum(orders[t], 0.0, out=orders[t])
        position += orders[t]
        on_hand[t] = stock
    wanted -= sold
    return (np.ascontiguousarray(orders.T), np.ascontiguousarray(on_hand.T),
            np.ascontiguousarray(wanted.T))
