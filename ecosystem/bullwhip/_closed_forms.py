"""Published closed forms for the order-variance ratio Var(q) / Var(D).

``L`` is the number of periods the order-up-to level covers: physical lead time
plus the review period. Demand is AR(1) with coefficient ``rho`` (i.i.d. when
``rho = 0``); every formula assumes ``z = 0`` or is a lower bound otherwise.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .._errors import ParameterError
from ._params import check_alpha, check_lead_time, check_rho, check_stages, check_window, per_stage

__all__ = ["chen_ratio", "smoothing_ratio", "lpw_ratio"]


def _sharing(sharing: str) -> str:
    key = sharing.strip().lower() if isinstance(sharing, str) else None
    if key in ("decentralized", "decentralised"):
        return "decentralized"
    if key in ("centralized", "centralised"):
        return "centralized"
    raise ParameterError(f"sharing must be 'decentralized' or 'centralized' for a closed form, "
                         f"got {sharing!r}; use exact_ratio for partial sharing")


def _leads(lead_time: Any, stages: int) -> list[int]:
    return [check_lead_time(v, k + 1)
            for k, v in enumerate(per_stage(lead_time, stages, "lead_time"))]


def chen_ratio(lead_time: int | Sequence[int], window: int, rho: float = 0.0, stages: int = 1,
               sharing: str = "decentralized") -> float:
    """Moving-average bullwhip ratio of Chen, Drezner, Ryan & Simchi-Levi (2000).

    Single stage, ``p``-period moving average, AR(1) demand (Management
    Science 46(3), 436-443)::

        Var(q) / Var(D) = 1 + (2L/p + 2L^2/p^2) (1 - rho^p)

    exact when ``z = 0``. For ``k`` stages, decentralized (each stage forecasts
    from the orders it receives), the product of the single-stage factors
    ``prod_i [1 + (2L_i/p + 2L_i^2/p^2)(1 - rho^p)]``; centralized (every stage
    forecasts from end-customer demand), the same expression with ``L`` replaced
    by ``sum_i L_i``. Both are lower bounds for ``k > 1`` (centralized: exact at
    ``z = 0``); :func:`exact_ratio` gives the exact decentralized value.

    Parameters
    ----------
    lead_time : int or list of int
        ``L`` (physical lead time plus review period), per stage if a list.
    window : int
        Moving-average window ``p``.
    rho : float
        AR(1) coefficient of demand, ``|rho| < 1``.
    stages : int
    sharing : {"decentralized", "centralized"}

    Examples
    --------
    >>> chen_ratio(2, 5)
    2.12
    >>> round(chen_ratio(1, 5, stages=3), 4)  # 1.48 ** 3
    3.2418
    >>> round(chen_ratio(1, 5, stages=3, sharing="centralized"), 4)
    2.92
    """
    stages = check_stages(stages)
    leads = _leads(lead_time, stages)
    p = check_window(window)
    rho = check_rho(rho)
    decay = 1 - rho ** p
    if _sharing(sharing) == "centralized":
        total = sum(leads)
        return float(1 + (2 * total / p + 2 * total ** 2 / p ** 2) * decay)
    return float(np.prod([1 + (2 * L / p + 2 * L ** 2 / p ** 2) * decay for L in leads]))


def smoothing_ratio(lead_time: int, alpha: float, rho: float = 0.0) -> float:
    """Exponential-smoothing bullwhip ratio (Chen, Ryan & Simchi-Levi 2000).

    One stage forecasting with ``f_t = alpha D_t + (1 - alpha) f_{t-1}`` and
    ``y_t = L f_t`` (Naval Research Logistics 47(4), 269-286), AR(1) demand::

        Var(q) / Var(D) = 1 + (2 L alpha + 2 L^2 alpha^2 / (2 - alpha))
                              * (1 - rho) / (1 - (1 - alpha) rho)

    For i.i.d. demand this is ``1 + 2 L alpha + 2 L^2 alpha^2 / (2 - alpha)``.
    A centralized chain of such stages has the same ratio with ``L = sum L_i``.

    Parameters
    ----------
    lead_time : int
        ``L``: the periods the order-up-to level covers (physical lead time
        plus the review period).
    alpha : float
        Smoothing constant in (0, 1].
    rho : float
        AR(1) coefficient of demand, ``|rho| < 1``.

    Examples
    --------
    >>> round(smoothing_ratio(2, 0.3), 4)
    2.6235
    """
    L = check_lead_time(lead_time)
    a = check_alpha(alpha)
    rho = check_rho(rho)
    scale = (1 - rho) / (1 - (1 - a) * rho)
    return float(1 + (2 * L * a + 2 * L ** 2 * a ** 2 / (2 - a)) * scale)


def lpw_ratio(lead_time: int, rho: float) -> float:
    """Bullwhip ratio of the optimal AR(1) forecast (Lee, Padmanabhan & Whang 1997).

    With AR(1) demand known to the stage, ``y_t = E[D_{t+1} + ... + D_{t+L} | D_t]``
    and (Management Science 43(4), 546-558, with their lead time ``v = L - 1``)::

        Var(q) / Var(D) = 1 + 2 rho (1 - rho^L) (1 - rho^(L+1)) / (1 - rho)

    above 1 for ``rho > 0`` and increasing in ``L``. Exact for any safety factor
    (the forecast error's variance, hence the safety stock, is constant).

    Parameters
    ----------
    lead_time : int
        ``L``: the periods the order-up-to level covers (physical lead time
        plus the review period; Lee et al.'s lead time ``v`` is ``L - 1``).
    rho : float
        AR(1) coefficient of demand, ``|rho| < 1``.

    Examples
    --------
    >>> round(lpw_ratio(2, 0.5), 4)
    2.3125
    """
    L = check_lead_time(lead_time)
    rho = check_rho(rho)
    return float(1 + 2 * rho * (1 - rho ** L) * (1 - rho ** (L + 1)) / (1 - rho))
