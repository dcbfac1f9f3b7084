"""Bullwhip amplification along a serial chain, and what information sharing buys.

Wang & Gao §4.2: without shared information, demand distortion grows stage by
stage from the overseas consumer to the original supplier; the information
sharing of a core-enterprise alliance (§5.1) is meant to damp it. This package
measures that on textbook chains and on a user's own ecosystem.

* :func:`simulate` -- Monte-Carlo chain of order-up-to stages (moving average,
  exponential smoothing or known AR(1) forecasts), decentralized, centralized
  or partially shared, vectorised over replications and periods;
* :func:`chen_ratio`, :func:`smoothing_ratio`, :func:`lpw_ratio` -- the
  published closed forms; :func:`exact_ratio`, :func:`net_inventory_ratio`
  -- exact values of any chain of linear forecasters;
* :func:`sharing_cost`, :func:`sharing_savings` -- expected cost of a chain
  given who shares, the characteristic function of a sharing game;
* :func:`chain_from`, :func:`compare_sharing` -- the chain serving one market
  of an :class:`~ecosystem.Ecosystem`, and its alliance versus no / full sharing;
* :func:`beer_game` -- Sterman's (1989) board game with his ordering rule.

Convention used everywhere: ``L`` (``lead_time``) is the number of periods an
order-up-to level must cover, i.e. the physical lead time plus the review
period. Stage 1 faces the market; higher stages are further upstream.

References
----------
- Wang, Z. & Gao, M. (year not stated). *Research on the Construction of Cross-Border
  E-Commerce Supply Chain Ecosystem from the Perspective of Industrial Belt*.
- Lee, H. L., Padmanabhan, V. & Whang, S. (1997). Information distortion in a supply
  chain: the bullwhip effect. *Management Science* 43(4), 546-558.
- Chen, F., Drezner, Z., Ryan, J. K. & Simchi-Levi, D. (2000). Quantifying the bullwhip
  effect in a simple supply chain: the impact of forecasting, lead times, and information.
  *Management Science* 46(3), 436-443.
- Sterman, J. D. (1989). Modeling managerial behavior: misperceptions of feedback in a
  dynamic decision making experiment. *Management Science* 35(3), 321-339.

Examples
--------
>>> from ecosystem import bullwhip
>>> bullwhip.chen_ratio(2, 5)
2.12
>>> shared = bullwhip.exact_ratio(3, lead_time=2, window=5, sharing={3})
>>> bool(shared.iloc[-1] < bullwhip.exact_ratio(3, lead_time=2, window=5).iloc[-1])
True
"""

from ._beer_game import BeerGameResult, beer_game
from ._chain import SupplyChain, chain_from
from ._closed_forms import chen_ratio, lpw_ratio, smoothing_ratio
from ._compare import compare_sharing
from ._demand import Demand
from ._linear_filter import exact_ratio, net_inventory_ratio, sharing_cost, sharing_savings
from ._simulate import METRICS, BullwhipResult, simulate

__all__ = [
    "simulate", "BullwhipResult", "METRICS", "Demand",
    "chen_ratio", "smoothing_ratio", "lpw_ratio",
    "exact_ratio", "net_inventory_ratio", "sharing_cost", "sharing_savings",
    "SupplyChain", "chain_from", "compare_sharing",
    "beer_game", "BeerGameResult",
]
