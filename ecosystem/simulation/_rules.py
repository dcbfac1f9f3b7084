"""What the service platforms change, and what members sell at: documented, replaceable rules.

:class:`ServiceRules` holds the rules' numbers; subclass it and override a
method to change what a platform does. :func:`margin_split` is the default
price rule; any function ``price(network) -> Prices`` can replace it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .._errors import ParameterError
from ..bullwhip._params import check_nonnegative
from . import _read
from ._network import Network, SimulationError

__all__ = ["ServiceRules", "Prices", "margin_split", "PriceRule"]


@dataclass(frozen=True)
class ServiceRules:
    """How the sub-core service platforms act on the simulated belt.

    Parameters
    ----------
    clearance_time : int
        Periods customs adds to every lane that ends at an overseas market (a
        market whose ``domestic`` attribute is not true), when the belt has a
        member of role ``customs``; a customs member's own ``clearance_time``
        attribute overrides it (the largest applies).
    capital_rate : float
        Cost of the money tied up in stock, per period, as a fraction of the
        stock's value, for members no finance platform serves.
    financed_rate : float
        The same for members that receive a ``capital`` link from a member of
        role ``finance`` (a finance member's ``rate`` attribute overrides it).
    technology_cut : int
        Periods by which a technology or research platform shortens the inbound
        lanes of a member it serves (an incoming ``technology`` link from a
        member of role ``technology`` or ``research``): digitised order
        processing and production planning. Never below zero transit.

    Notes
    -----
    The defaults are weekly rates: 0.3% a week is about 16% a year, the cost
    of informal credit to small exporters; 0.12% a week (about 6% a year) that
    of a bank or payment platform's supply-chain finance.

    Examples
    --------
    >>> ServiceRules().clearance_time, ServiceRules(financed_rate=0.001).financed_rate
    (1, 0.001)
    """

    clearance_time: int = 1
    capital_rate: float = 0.003
    financed_rate: float = 0.0012
    technology_cut: int = 1

    def __post_init__(self) -> None:
        for name in ("clearance_time", "technology_cut"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ParameterError(f"ServiceRules.{name} must be a whole number of periods "
                                     f">= 0, got {value!r}")
        for name in ("capital_rate", "financed_rate"):
            check_nonnegative(getattr(self, name), f"ServiceRules.{name}")

    def apply(self, network: Network) -> Network:
        """The network with customs and technology in force."""
        return self.technology(self.customs(network))

    def customs(self, network: Network) -> Network:
        """Add clearance time to the lanes that end at overseas markets."""
        eco = network.ecosystem
        offices = eco.members(role="customs")
        if not offices:
            return network
        days = max(int(eco.member(c).get("clearance_time", self.clearance_time))
                   for c in offices)
        n = network.n_members
        overseas = np.array([not eco.member(m).get("domestic", False) for m in network.markets])
        into = network.lane_customer >= n
        crossing = np.zeros(network.n_lanes, dtype=bool)
        crossing[into] = overseas[network.lane_customer[into] - n]
        return network.with_lanes(lane_transit=network.lane_transit + days * crossing)

    def technology(self, network: Network) -> Network:
        """Shorten the inbound lanes of members a technology or research platform serves."""
        if not self.technology_cut:
            return network
        eco = network.ecosystem
        roles = _read.member_values(eco, "role")
        links = _read.flow_links(eco, "technology", ())
        platform = np.isin(roles[links.source], np.array(["technology", "research"], dtype=object))
        served = np.zeros(len(roles), dtype=bool)
        served[links.target[platform]] = True
        mask = np.concatenate([served[_read.member_rows(network)],
                               np.zeros(network.n_markets, dtype=bool)])
        hit = mask[network.lane_customer]
        return network.with_lanes(
            lane_transit=np.where(hit, np.maximum(network.lane_transit - self.technology_cut, 0),
                                  network.lane_transit))

    def capital_rates(self, network: Network) -> np.ndarray:
        """Each member's cost of capital per period (fraction of stock value)."""
        eco = network.ecosystem
        roles = _read.member_values(eco, "role")
        links = _read.flow_links(eco, "capital", ())
        finance = roles[links.source] == "finance"
        lenders = np.flatnonzero(roles == "finance")
        rate = np.full(len(roles), np.inf)
        if len(lenders):
            given = _read.member_values(eco, "rate")[lenders]
            rate[lenders] = [self.financed_rate if value is None else float(value)
                             for value in given.tolist()]
        rates = np.full(len(roles), np.inf)
        np.minimum.at(rates, links.target[finance], rate[links.source[finance]])
        rates = rates[_read.member_rows(network)]
        return np.where(np.isfinite(rates), rates, self.capital_rate)


@dataclass(frozen=True)
class Prices:
    """Unit prices of a network (money per unit of goods).

    Attributes
    ----------
    lane : ndarray (lanes,)
        What the customer pays the supplier per unit shipped on each lane.
    value : ndarray (members,)
        Each member's unit cost of goods (its share-weighted purchase price):
        the value of a unit in its stock.
    markup : ndarray (members,)
        What each member adds per unit it sells, before its transport fees.
    """

    lane: np.ndarray
    value: np.ndarray
    markup: np.ndarray


PriceRule = Callable[[Network], Prices]


def margin_split(network: Network, base_price: float = 1.0) -> Prices:
    """The default price rule: each market's margin split equally along the chain.

    * An outside source sells at ``base_price`` (a first-tier member's
      ``source_price`` attribute overrides it).
    * A member's unit value is the share-weighted price of what it buys.
    * It sells on each lane at its unit value plus the lane's transport fee
      (which it pays) plus its markup, so the market pays for the goods,
      every transport fee and the margin.
    * Markups: a market's ``margin`` (profit per unit sold; required) is
      shared equally among the stocking members a unit passes through: a
      member keeps ``G / n`` of the margin ``G`` its customers leave it, where
      ``n`` counts it and the stocking members upstream of it (share-weighted),
      and passes ``G (1 - 1/n)`` up to its suppliers. On a chain of ``k``
      stocking members each keeps ``margin / k``.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for m, role in [("yarn", "supplier"), ("mill", "manufacturer"), ("us", "market")]:
    ...     eco.add_member(m, role, **({"margin": 6.0} if role == "market" else {}))
    >>> eco.link("yarn", "mill", "logistics", unit_cost=0.5)
    >>> eco.link("mill", "us", "logistics", unit_cost=1.0)
    >>> from ecosystem.simulation import compile_network
    >>> prices = margin_split(compile_network(eco))
    >>> prices.markup.tolist()  # mill first (it faces the market), then yarn
    [3.0, 3.0]
    >>> prices.lane.tolist()  # yarn -> mill, mill -> us, outside source -> yarn
    [4.5, 8.5, 1.0]

    The market pays 8.5 = 1 (outside price) + 0.5 + 1.0 (fees) + 6 (margin).
    """
    eco = network.ecosystem
    n, lanes = network.n_members, network.n_lanes
    missing = [m for m in network.markets if "margin" not in eco.member(m)]
    if missing:
        # the same rule as the benefit games: a margin is never assumed
        raise SimulationError(f"markets {missing} have no 'margin' attribute (profit per unit "
                              f"sold there); set it with eco.update_member(market, margin=...) "
                              f"or pass price=... to simulation.run")
    margins = [check_nonnegative(eco.member(m)["margin"], f"margin of market {m!r}")
               for m in network.markets]
    supplier, customer, share = network.lane_supplier, network.lane_customer, network.lane_share
    from_member = supplier < n
    into_member = customer < n
    depth = network.depth
    # members of one depth never trade with each other: each step below is one depth at a
    # time, deepest first or shallowest first, over all its members' lanes at once
    lane_depth_in = np.where(into_member, depth[np.minimum(customer, n - 1)], 0)
    lane_depth_out = np.where(from_member, depth[np.minimum(supplier, n - 1)], 0)
    levels = np.unique(depth)
    # stocking members upstream, counted inclusive: suppliers before customers
    count = np.ones(n)
    for d in levels[::-1]:
        ins = np.flatnonzero((lane_depth_in == d) & from_member)
        count += np.bincount(customer[ins], weights=share[ins] * count[supplier[ins]],
                             minlength=n)
    # margin left to each member by its customers, weighted by the flow to each
    flow = share * network.level[customer]
    left = np.zeros(lanes)
    into_market = ~into_member
    left[into_market] = np.asarray(margins)[customer[into_market] - n]
    markup = np.zeros(n)
    for d in levels:  # customers before suppliers
        outs = np.flatnonzero(lane_depth_out == d)
        weight = np.bincount(supplier[outs], weights=flow[outs], minlength=n)
        owed = np.bincount(supplier[outs], weights=flow[outs] * left[outs], minlength=n)
        rows = np.flatnonzero(depth == d)
        available = np.zeros(n)
        np.divide(owed, weight, out=available, where=weight > 0)
        markup[rows] = available[rows] / count[rows]
        ins = np.flatnonzero((lane_depth_in == d) & from_member)
        left[ins] = (available - markup)[customer[ins]]
    # prices upward: outside sources, then members deepest first
    value = np.zeros(n)
    price = np.zeros(lanes)
    given = _read.member_values(eco, "source_price")[_read.positions(eco, network.sources)]
    own = _read.given(given)
    source_price = np.zeros(len(network.sources))
    # the members that set their own price, and the first that takes base_price, in order
    checked = np.flatnonzero(own)
    if not own.all():
        default = int(np.argmin(own))
        checked = np.sort(np.append(checked, default))
    for k in checked.tolist():
        raw = given[k] if own[k] else base_price
        source_price[k] = check_nonnegative(raw, f"source_price of member "
                                            f"{network.sources[k]!r}")
        if not own[k]:
            source_price[~own] = source_price[k]
    from_source = ~from_member
    price[from_source] = source_price[supplier[from_source] - n]
    for d in levels[::-1]:
        ins = np.flatnonzero(lane_depth_in == d)
        rows = np.flatnonzero(depth == d)
        value[rows] = np.bincount(customer[ins], weights=share[ins] * price[ins],
                                  minlength=n)[rows]
        outs = np.flatnonzero(lane_depth_out == d)
        price[outs] = value[supplier[outs]] + network.lane_fee[outs] + markup[supplier[outs]]
    if not np.all(np.isfinite(price)):
        raise SimulationError("prices are not finite; check the margins and unit costs")
    return Prices(price, value, markup)
