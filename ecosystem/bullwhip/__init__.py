"""Bullwhip amplification along a serial chain, and what information sharing buys.

Seed 004 §4.2: without shared information, demand distortion grows stage by
stage from the overseas consumer to the original supplier; the information
sharing of a core-enterprise alliance (§5.1) is meant to damp it. This package
measures that on textbook chains and on a user's own ecosystem.

Convention used everywhere: ``L`` (``lead_time``) is the number of periods an
order-up-to level must cover, i.e. the physical lead time plus the review
period.
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
