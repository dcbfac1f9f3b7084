"""Exact variances of a chain of linear forecasters, and what sharing saves.

With ``z = 0`` and negative orders allowed, every stage's order is a linear
filter of what it receives (and, when it shares information, of end-customer
demand), so the whole chain is a linear filter of the demand innovations. Its
impulse response ``psi`` gives ``Var(q_k) = sigma_e^2 sum psi_j^2`` and the same
for net inventory; the AR(1) demand autocovariance enters through the demand's
own response ``rho^j``. The published multi-stage formulas
(:func:`chen_ratio`) are bounds; these values are exact up to truncating
responses whose tails fall below 1e-16.

``L`` (``lead_time``) is physical lead time plus the review period, as
everywhere in :mod:`ecosystem.bullwhip`.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from .._errors import ParameterError
from ._chain import SupplyChain, resolve_sharing, stages_of
from ._kernels import backlog_stage
from ._params import check_nonnegative, check_rho, per_stage
from ._simulate import stage_policies

__all__ = ["exact_ratio", "net_inventory_ratio", "sharing_cost", "sharing_savings"]

_MAX_LENGTH = 2_000_000


def _setup(stages, lead_time, forecast, window, alpha, rho, sharing):
    count, lead_time, labels, chain = stages_of(stages, lead_time)
    policies = stage_policies(count, lead_time, forecast, window, alpha)
    return policies, resolve_sharing(sharing, count, chain), check_rho(rho), labels


def _length(policies, rho: float) -> int:
    decays = [abs(rho)] + [1 - p.alpha for p in policies if p.forecast == "exponential_smoothing"]
    slowest = max(decays)
    tail = 0 if slowest == 0 else math.ceil(40 / -math.log(slowest))
    span = sum(p.window + p.lead_time for p in policies)
    length = 64 + span + len(policies) * tail
    if length > _MAX_LENGTH:
        raise ParameterError(f"the chain's memory is too long for an exact computation "
                             f"({length} periods); use simulate instead")
    return length


def _responses(policies, shares, rho: float) -> tuple[np.ndarray, list, list]:
    """Impulse responses to one demand innovation: demand, each stage's orders and
    net inventory (the simulation's stage kernel run on deviations from the mean)."""
    n = _length(policies, rho)
    demand = rho ** np.arange(n, dtype=float)[None, :]
    incoming = demand
    orders, net = [], []
    for policy, share in zip(policies, shares):  # stage k's demand is stage k-1's orders
        order, inventory, _ = backlog_stage(incoming, demand if share else incoming, policy,
                                            0.0, (0.0, rho, 1.0), negative_orders=True)
        orders.append(order[0])
        net.append(inventory[0])
        incoming = order
    return demand[0], orders, net


def _ratios(policies, shares, rho):
    demand, orders, net = _responses(policies, shares, rho)
    base = float(demand @ demand)
    return (np.array([o @ o for o in orders]) / base, np.array([v @ v for v in net]) / base)


def exact_ratio(stages: int | SupplyChain = 1, *, lead_time: int | Sequence[int] | None = None,
                forecast: str | Sequence[str] = "moving_average", window: int | Sequence[int] = 5,
                alpha: float | Sequence[float] = 0.3, rho: float = 0.0,
                sharing: str | Iterable[int | str] | None = "decentralized") -> pd.Series:
    """Exact cumulative order-variance ratios Var(q_k) / Var(D) of a linear chain.

    Valid for ``z = 0`` with negative orders allowed (or for any ``z`` with the
    ``"ar1"`` forecast, whose safety stock is constant), AR(1) demand with
    coefficient ``rho`` (i.i.d. for 0). Arguments as in :func:`simulate`
    (``lead_time`` defaults to 2, or to the chain's own lead times);
    ``sharing`` may be partial (a collection of stage numbers or member ids).

    Returns
    -------
    Series
        One value per stage (index: stage numbers or member ids); the last is
        the top stage.

    Examples
    --------
    >>> exact_ratio(1, lead_time=2, window=5).round(4).tolist()  # = chen_ratio(2, 5)
    [2.12]
    >>> decentral = exact_ratio(3, lead_time=1, window=5)
    >>> round(float(decentral.iloc[-1]), 4)  # Chen's product bound is 3.2418
    3.7533
    >>> round(float(exact_ratio(3, lead_time=1, window=5, sharing="centralized").iloc[-1]), 4)
    2.92
    """
    policies, shares, rho, labels = _setup(stages, lead_time, forecast, window, alpha, rho,
                                           sharing)
    ratios, _ = _ratios(policies, shares, rho)
    return pd.Series(ratios, index=pd.Index(labels, name="stage"), name="order_ratio")


def net_inventory_ratio(stages: int | SupplyChain = 1, *,
                        lead_time: int | Sequence[int] | None = None,
                        forecast: str | Sequence[str] = "moving_average",
                        window: int | Sequence[int] = 5,
                        alpha: float | Sequence[float] = 0.3, rho: float = 0.0,
                        sharing: str | Iterable[int | str] | None = "decentralized") -> pd.Series:
    """Exact Var(net inventory_k) / Var(D) per stage of a linear chain.

    Same assumptions and arguments as :func:`exact_ratio`; each stage's
    supplier delivers in full after ``L`` periods.

    Examples
    --------
    >>> net_inventory_ratio(1, lead_time=1, window=1).tolist()  # NI_t = D_{t-1} - D_t
    [2.0]
    """
    policies, shares, rho, labels = _setup(stages, lead_time, forecast, window, alpha, rho,
                                           sharing)
    _, ratios = _ratios(policies, shares, rho)
    return pd.Series(ratios, index=pd.Index(labels, name="stage"), name="inventory_ratio")


def sharing_cost(stages: int | SupplyChain = 1, *,
                 sharing: str | Iterable[int | str] | None = "decentralized",
                 lead_time: int | Sequence[int] | None = None,
                 forecast: str | Sequence[str] = "moving_average", window: int | Sequence[int] = 5,
                 alpha: float | Sequence[float] = 0.3, rho: float = 0.0, sigma: float = 1.0,
                 holding: float | Sequence[float] = 0.5, backorder: float | Sequence[float] = 1.0,
                 safety_stock: str = "optimal") -> pd.Series:
    """Expected holding + backorder cost per period of each stage, given who shares.

    Net inventory of a linear chain driven by Gaussian AR(1) demand is
    Gaussian with mean ``s_k`` (the safety stock) and the exact standard
    deviation ``sigma_k = sigma sqrt(net_inventory_ratio_k)``, so stage ``k``
    costs ``h E[NI^+] + b E[NI^-]``. With ``safety_stock="optimal"`` each stage
    holds the newsvendor safety stock ``sigma_k Phi^{-1}(b / (b + h))`` and costs
    ``(h + b) sigma_k phi(Phi^{-1}(b / (b + h)))``; with ``"none"`` it holds none
    (the simulation's ``z = 0``) and costs ``(h + b) sigma_k / sqrt(2 pi)``.

    A coalition game on information sharing takes ``v(S) =`` this cost's total
    without sharing minus its total when the stages in ``S`` share (see
    :func:`sharing_savings`). Sharing changes the orders every upstream stage
    receives, so a member's entry can change the others' costs; a stage that
    forecasts from end demand while meeting the orders of its customer can
    also hold *more* variable stock, so savings may be negative.

    Parameters
    ----------
    stages, sharing, lead_time, forecast, window, alpha, rho
        As in :func:`exact_ratio`.
    sigma : float
        Standard deviation of end-customer demand (stationary, not innovations).
    holding, backorder : float or list of float
        Per unit per period, per stage if lists.
    safety_stock : {"optimal", "none"}

    Returns
    -------
    Series
        Expected cost per period of every stage; ``.sum()`` is the chain's.

    Examples
    --------
    >>> cost = sharing_cost(2, lead_time=2, window=4, sigma=10, safety_stock="none")
    >>> bool(cost.iloc[1] > sharing_cost(2, lead_time=2, window=4, sigma=10,
    ...                                  safety_stock="none", sharing={2}).iloc[1])
    True
    """
    policies, shares, rho, labels = _setup(stages, lead_time, forecast, window, alpha, rho,
                                           sharing)
    count = len(policies)
    sigma = check_nonnegative(sigma, "sigma")
    h = np.array([check_nonnegative(v, "holding", k + 1)
                  for k, v in enumerate(per_stage(holding, count, "holding"))])
    b = np.array([check_nonnegative(v, "backorder", k + 1)
                  for k, v in enumerate(per_stage(backorder, count, "backorder"))])
    from scipy.stats import norm  # scipy.stats is slow to import: on use
    _, inventory = _ratios(policies, shares, rho)
    spread = sigma * np.sqrt(inventory)
    if safety_stock == "optimal":
        with np.errstate(divide="ignore", invalid="ignore"):
            fractile = np.where(h + b > 0, b / np.where(h + b > 0, h + b, 1.0), 0.5)
        cost = (h + b) * spread * norm.pdf(norm.ppf(fractile))
    elif safety_stock == "none":
        cost = (h + b) * spread / math.sqrt(2 * math.pi)
    else:
        raise ParameterError(f"safety_stock must be 'optimal' or 'none', got {safety_stock!r}")
    return pd.Series(cost, index=pd.Index(labels, name="stage"), name="expected_cost")


def sharing_savings(stages: int | SupplyChain, coalition: Iterable[int | str],
                    **options: Any) -> float:
    """Expected cost per period saved when ``coalition`` shares end-customer demand.

    ``sharing_cost(stages, sharing="decentralized", ...).sum()`` minus
    ``sharing_cost(stages, sharing=coalition, ...).sum()``: the characteristic
    function of an information-sharing game (0 for the empty coalition).
    ``coalition`` is a collection of stage numbers or member ids; ``options``
    go to :func:`sharing_cost`.

    Examples
    --------
    >>> round(sharing_savings(3, {2, 3}, lead_time=2, window=4, sigma=10), 3) > 0
    True
    >>> sharing_savings(3, set(), lead_time=2, window=4, sigma=10)
    0.0
    """
    if "sharing" in options:
        raise ParameterError("give the sharing members as coalition, not sharing=")
    before = sharing_cost(stages, sharing="decentralized", **options).sum()
    after = sharing_cost(stages, sharing=coalition, **options).sum()
    return float(before - after)
