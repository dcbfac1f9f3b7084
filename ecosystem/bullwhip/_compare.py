"""What an alliance's information sharing buys on one market's chain.

Wang & Gao §5.1: core enterprises form a strategic alliance whose members share
market information. :func:`compare_sharing` puts the alliance between the two
textbook extremes (nobody shares, everybody shares) on the chain that serves one
market.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from .._errors import ParameterError
from .._compat import renamed
from .._rng import Seed
from ..graph import Ecosystem
from ._chain import SupplyChain, chain_from
from ._demand import Demand
from ._linear_filter import exact_ratio, sharing_cost
from ._params import check_forecast, per_stage
from ._simulate import simulate

__all__ = ["compare_sharing"]


@renamed(alliance="members")
def compare_sharing(source: Ecosystem | SupplyChain, members: Iterable[str] = (), *,
                    market: str | None = None,
                    forecast: str | Sequence[str] = "moving_average",
                    window: int | Sequence[int] = 5, alpha: float | Sequence[float] = 0.3,
                    demand: Demand | None = None, z: float = 0.0, negative_orders: bool = True,
                    holding: float | Sequence[float] = 0.5,
                    backorder: float | Sequence[float] = 1.0, replications: int = 1000,
                    periods: int = 1000, seed: Seed = None) -> pd.DataFrame:
    """Top-stage bullwhip without sharing, with the alliance sharing, and fully shared.

    Parameters
    ----------
    source : Ecosystem or SupplyChain
        An ecosystem (then ``market`` is required and the chain comes from
        :func:`chain_from`) or a chain.
    members : iterable of str, or an Alliance
        Members that share end-customer demand (an
        :class:`ecosystem.alliance.Alliance` stands for its members). Members that are not stages
        of the chain (a bank, a carrier, another market's shop) have no orders
        to forecast; they are left out and listed in ``result.attrs["outside"]``.
    market : str, optional
    forecast, window, alpha, z, negative_orders, holding, backorder, replications,
    periods, seed
        As in :func:`simulate`.
    demand : Demand, optional
        AR(1) or normal demand (default: normal, mean 100, sd 10).

    Returns
    -------
    DataFrame
        Rows ``decentralized``, ``alliance``, ``centralized``; columns
        ``sharing_stages`` (members that share), ``order_ratio`` with
        ``order_ratio_low`` / ``order_ratio_high`` (simulated, top stage),
        ``exact`` (linear-filter value, NaN unless ``z = 0`` with returns allowed
        or the ``ar1`` forecast), ``total_cost`` (simulated, whole chain, per
        period) and ``expected_cost`` (:func:`sharing_cost` with no safety
        stock, whole chain; NaN when not linear).

    Examples
    --------
    >>> chain = SupplyChain(("shop", "plant", "yarn"), (3, 2, 2), market="eu")
    >>> table = compare_sharing(chain, {"plant", "bank"}, replications=50, periods=400, seed=1)
    >>> table.attrs["outside"]
    ['bank']
    >>> bool(table.loc["alliance", "exact"] < table.loc["decentralized", "exact"])
    True
    """
    if isinstance(source, Ecosystem):
        if market is None:
            raise ParameterError("compare_sharing needs market= when given an ecosystem")
        chain = chain_from(source, market)
    elif isinstance(source, SupplyChain):
        chain = source
    else:
        raise ParameterError(f"source must be an Ecosystem or a SupplyChain, got "
                             f"{type(source).__name__}")
    members = getattr(members, "members", members)  # an Alliance, without importing alliance
    if isinstance(members, str) or not isinstance(members, Iterable):
        raise ParameterError(f"members must be a collection of member ids or an Alliance (not "
                             f"one string or a number), got {members!r}")
    alliance = list(members)
    inside = [m for m in chain.members if m in alliance]
    outside = sorted(m for m in set(alliance) - set(chain.members) if m != chain.market)
    demand = Demand.normal() if demand is None else demand
    if demand.kind != "ar1":
        raise ParameterError("compare_sharing needs AR(1) or normal demand (Demand.ar1 / "
                             "Demand.normal) so that exact values exist")
    # z > 0 keeps the chain linear only with the AR(1) forecast's constant safety stock
    known = {check_forecast(f, k + 1) for k, f in enumerate(per_stage(forecast, chain.stages,
                                                                      "forecast"))}
    linear = negative_orders and (z == 0 or known == {"ar1"})
    options: dict[str, Any] = dict(forecast=forecast, window=window, alpha=alpha)
    rows = {}
    for name, sharing in (("decentralized", "decentralized"), ("alliance", set(inside)),
                          ("centralized", "centralized")):
        result = simulate(chain, **options, demand=demand, sharing=sharing, z=z,
                          negative_orders=negative_orders, holding=holding,
                          backorder=backorder, replications=replications, periods=periods,
                          seed=seed)
        top = result.stages.iloc[-1]
        exact = expected = np.nan
        if linear:
            exact = float(exact_ratio(chain, **options, rho=demand.rho,
                                      sharing=sharing).iloc[-1])
            expected = float(sharing_cost(chain, **options, rho=demand.rho, sharing=sharing,
                                          sigma=float(np.sqrt(demand.variance)),
                                          holding=holding, backorder=backorder,
                                          safety_stock="none").sum())
        rows[name] = {
            "sharing_stages": [m for m, s in zip(chain.members, result.stages["shares"]) if s],
            "order_ratio": top["order_ratio"], "order_ratio_low": top["order_ratio_low"],
            "order_ratio_high": top["order_ratio_high"], "exact": exact,
            "total_cost": float(result.stages["total_cost"].sum()),
            "expected_cost": expected}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "sharing"
    table.attrs["outside"] = outside
    table.attrs["chain"] = chain
    return table
