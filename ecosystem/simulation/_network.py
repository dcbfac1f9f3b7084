"""The goods network of an ecosystem, compiled into arrays for the simulation.

Who holds stock, who carries, who buys:

* **stocking members** (:data:`STOCKING_ROLES`) order, hold stock and ship;
* **carriers** (role ``logistics``) hold no stock: goods a shipper hands to a
  carrier (a ``logistics`` link shipper -> carrier) travel on to the carrier's
  destinations (its outgoing ``logistics`` links). A shipper -> carrier link
  may name those destinations in a ``to`` attribute (an id or a list of ids);
  without it the goods are split among all the carrier's destinations in
  proportion to the volumes of its outgoing links. A carrier may hand goods
  to another carrier; a loop of carriers is refused;
* **markets** (role ``market``) draw demand.

Every path shipper -> (carriers) -> receiver is a **lane**: the simulation's
unit of ordering and shipping. A lane's transit time is the sum of its links'
``lead_time`` (default 1 period each), its fee per unit the sum of their
``unit_cost`` (default 0), and its share of the receiver's orders its volume
over the receiver's inbound volume, or the ``share`` attribute of its first
link when the receiver's inbound links give one. A producing member (role in
:data:`PRODUCING_ROLES`) with no supplier in the belt draws from an outside
source, ample unless the member has a ``capacity`` (goods per period); a
trading member with no supplier needs a ``capacity`` to do the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from numbers import Real
from typing import Any, Mapping

import numpy as np
import scipy.sparse as sp

from .._errors import ParameterError
from ..graph import Ecosystem

__all__ = ["STOCKING_ROLES", "PRODUCING_ROLES", "CARRIER_ROLES", "MARKET_ROLES", "Network",
           "compile_network", "SimulationError"]

#: Roles that order, hold stock and ship.
STOCKING_ROLES = ("supplier", "producer", "manufacturer", "production_base", "processor",
                  "cooperative", "cbec_enterprise", "platform", "online_shop")
#: Stocking roles that may draw from an outside source when no member supplies them.
PRODUCING_ROLES = ("supplier", "producer", "manufacturer", "production_base", "processor",
                   "cooperative")
#: Roles that carry goods without holding stock.
CARRIER_ROLES = ("logistics",)
#: Roles that draw end demand.
MARKET_ROLES = ("market",)

_DEFAULT_TRANSIT = 1


class SimulationError(ParameterError):
    """An ecosystem whose goods network cannot be simulated (the message names the member,
    link or market and what to change)."""

    __module__ = "ecosystem"  # printed and pickled by its public path


@dataclass(frozen=True)
class Network:
    """The compiled goods network (arrays in simulation order; read-only by convention).

    Nodes are numbered: stocking members ``0..n-1`` (downstream depth order),
    then markets ``n..n+m-1``; suppliers are numbered the same for members,
    and ``n..n+s-1`` for the outside sources of first-tier members.

    Attributes
    ----------
    members, markets, carriers : tuple of str
        Stocking members (simulation order), markets, carriers.
    idle : tuple of str
        Stocking members that serve no market (not simulated).
    sources : tuple of str
        The first-tier members that draw from an outside source, one source each.
    source_capacity : ndarray (s,)
        Goods per period each outside source can ship (inf when ample).
    lane_supplier, lane_customer : ndarray (e,)
        Supplier index (member or outside source) and customer index (member
        or market) of each lane.
    lane_carrier : ndarray (e,)
        The carrier paid the lane's fee, -1 when the shipper carries its goods.
    lane_transit : ndarray (e,)
        Whole periods from dispatch to arrival, minus the review period: goods
        shipped in period ``t`` arrive at the start of ``t + transit + 1``.
    lane_fee : ndarray (e,)
        Transport fee per unit shipped, paid by the shipper.
    lane_share : ndarray (e,)
        Fraction of the customer's orders placed on the lane (sums to 1 per customer).
    lane_volume : ndarray (e,)
        The lane's volume in the spec (goods per period).
    lane_links : tuple of tuple of str
        The member ids along each lane, shipper first.
    depth : ndarray (n,)
        1 for members that ship to markets only, 1 + the deepest customer otherwise.
    level : ndarray (n + m,)
        Mean demand each member faces and each market's mean demand (goods per period).
    routing : ndarray (n, m)
        The fraction of each market's demand that reaches each member's order book.
    lead_time : ndarray (n,)
        ``L`` of each member: the share-weighted mean transit of its inbound lanes
        plus the review period (1), rounded to whole periods.
    """

    ecosystem: Ecosystem = field(repr=False)
    members: tuple[str, ...]
    markets: tuple[str, ...]
    carriers: tuple[str, ...]
    idle: tuple[str, ...]
    sources: tuple[str, ...]
    source_capacity: np.ndarray
    carrier_capacity: np.ndarray
    lane_supplier: np.ndarray
    lane_customer: np.ndarray
    lane_carrier: np.ndarray
    lane_transit: np.ndarray
    lane_fee: np.ndarray
    lane_share: np.ndarray
    lane_volume: np.ndarray
    lane_links: tuple[tuple[str, ...], ...]
    depth: np.ndarray
    level: np.ndarray
    routing: np.ndarray
    lead_time: np.ndarray

    @property
    def n_members(self) -> int:
        return len(self.members)

    @property
    def n_markets(self) -> int:
        return len(self.markets)

    @property
    def n_lanes(self) -> int:
        return len(self.lane_supplier)

    def with_lanes(self, **arrays: np.ndarray) -> "Network":
        """A copy with some lane arrays replaced (service rules and alliance levers use it);
        member lead times follow the new transit times."""
        changed = replace(self, **arrays)
        if "lane_transit" in arrays or "lane_share" in arrays:
            object.__setattr__(changed, "lead_time", _lead_times(changed))
        return changed

    def supplier_matrix(self) -> sp.csr_array:
        """(members + sources) x lanes: 1 where the row supplies the lane."""
        rows = self.n_members + len(self.sources)
        return _incidence(self.lane_supplier, rows)

    def customer_matrix(self) -> sp.csr_array:
        """(members + markets) x lanes: 1 where the row receives the lane."""
        return _incidence(self.lane_customer, self.n_members + self.n_markets)

    def lanes_frame(self):
        """The lanes as a DataFrame (supplier, customer, carrier, transit, fee, share)."""
        import pandas as pd
        suppliers = self.members + tuple(f"outside source of {m}" for m in self.sources)
        customers = self.members + self.markets
        return pd.DataFrame({
            "supplier": [suppliers[i] for i in self.lane_supplier],
            "customer": [customers[i] for i in self.lane_customer],
            "carrier": [self.carriers[c] if c >= 0 else "" for c in self.lane_carrier],
            "path": [" > ".join(p) for p in self.lane_links],
            "transit": self.lane_transit, "fee": self.lane_fee, "share": self.lane_share,
            "volume": self.lane_volume})


def _incidence(index: np.ndarray, rows: int) -> sp.csr_array:
    lanes = len(index)
    return sp.csr_array((np.ones(lanes), (index, np.arange(lanes))), shape=(rows, lanes))


def _number(value: Any, what: str, *, whole: bool = False, default: float | None = None
            ) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(value) \
            or value < 0 or (whole and not float(value).is_integer()):
        kind = "a whole number >= 0" if whole else "a finite number >= 0"
        raise SimulationError(f"{what} must be {kind}, got {value!r}")
    return float(value)


def compile_network(eco: Ecosystem) -> Network:
    """Read the goods network of ``eco`` into a :class:`Network` (see the module notes).

    Raises
    ------
    SimulationError
        No market, a market no producer can reach, a stocking member with no
        supplier and no capacity, a cycle in the goods layer, a loop of
        carriers, a negative lead time or fee.
    """
    roles = {m: eco.member(m)["role"] for m in eco}
    markets = [m for m in eco if roles[m] in MARKET_ROLES]
    if not markets:
        raise SimulationError("the ecosystem has no member of role 'market' to draw demand; "
                              "add one and link a seller to it with flow 'logistics'")
    carriers = [m for m in eco if roles[m] in CARRIER_ROLES]
    carrier_pos = {c: k for k, c in enumerate(carriers)}
    goods = eco.layer("logistics")

    def kind(member: str) -> str:
        role = roles[member]
        if role in STOCKING_ROLES:
            return "stock"
        if role in CARRIER_ROLES:
            return "carrier"
        if role in MARKET_ROLES:
            return "market"
        return "other"

    def transit(u: str, v: str) -> float:
        return _number(goods.edges[u, v].get("lead_time"), f"lead_time of link {u} -> {v}",
                       whole=True, default=_DEFAULT_TRANSIT)

    def fee(u: str, v: str) -> float:
        return _number(goods.edges[u, v].get("unit_cost"), f"unit_cost of link {u} -> {v}",
                       default=0.0)

    def volume(u: str, v: str) -> float:
        return _number(goods.edges[u, v].get("volume"), f"volume of link {u} -> {v}",
                       default=1.0)

    for u, v in goods.edges:
        if kind(u) == "other" or kind(v) == "other":
            raise SimulationError(
                f"goods link {u} -> {v}: {roles[u] if kind(u) == 'other' else roles[v]!r} "
                f"members neither stock, carry nor buy goods; give the link another flow or "
                f"the member a role in {STOCKING_ROLES + CARRIER_ROLES + MARKET_ROLES}")
        if kind(u) == "market":
            raise SimulationError(f"goods link {u} -> {v}: a market ships nothing; reverse the "
                                  "link or give it another flow")

    # lanes: every path shipper -> carriers -> receiver, with the fraction of the first link's
    # goods that takes it
    lanes: list[tuple[tuple[str, ...], float, float, float, int]] = []

    def expand(path: tuple[str, ...], fraction: float, days: float, cost: float,
               payee: int, wanted: set | None) -> None:
        carrier = path[-1]
        outs = [v for v in goods.successors(carrier) if wanted is None or v in wanted]
        if wanted is not None and len(outs) < len(wanted):
            raise SimulationError(f"link {path[0]} -> {path[1]}: 'to' names "
                                  f"{sorted(set(wanted) - set(outs))}, which carrier "
                                  f"{carrier!r} does not deliver to; link the carrier there "
                                  f"with flow 'logistics' or change 'to'")
        if not outs:
            raise SimulationError(f"carrier {carrier!r} receives goods from {path[-2]!r} but "
                                  f"delivers them nowhere; link it to the receivers")
        weights = np.array([wanted[v] if isinstance(wanted, Mapping) else volume(carrier, v)
                            for v in outs], dtype=float)
        weights = weights / weights.sum() if weights.sum() > 0 else \
            np.full(len(outs), 1 / len(outs))
        for v, w in zip(outs, weights):
            if v in path:
                raise SimulationError(f"carriers hand goods round a loop: "
                                      f"{' -> '.join(path + (v,))}")
            step = (transit(carrier, v), fee(carrier, v))
            if kind(v) == "carrier":
                expand(path + (v,), fraction * w, days + step[0], cost + step[1], payee, None)
            else:
                lanes.append((path + (v,), fraction * w, days + step[0], cost + step[1], payee))

    for u, v in goods.edges:
        if kind(u) != "stock":
            continue
        if kind(v) == "carrier":
            wanted = _destinations(goods.edges[u, v].get("to"), u, v)
            if wanted is not None and not set(wanted) <= set(eco):
                raise SimulationError(f"link {u} -> {v}: 'to' names unknown member(s) "
                                      f"{sorted(set(wanted) - set(eco))}")
            expand((u, v), 1.0, transit(u, v), fee(u, v), carrier_pos[v], wanted)
        else:
            lanes.append(((u, v), 1.0, transit(u, v), fee(u, v), -1))

    # who serves a market: walk upstream from the markets
    suppliers_of: dict[str, list[int]] = {}
    for k, lane in enumerate(lanes):
        suppliers_of.setdefault(lane[0][-1], []).append(k)
    for market in markets:
        if market not in suppliers_of:
            raise SimulationError(f"market {market!r} receives no goods: no producer reaches "
                                  f"it; link a seller (or a carrier) to it with flow "
                                  f"'logistics'")
    active: set[str] = set()
    stack = list(markets)
    while stack:
        node = stack.pop()
        for k in suppliers_of.get(node, ()):
            shipper = lanes[k][0][0]
            if shipper not in active:
                active.add(shipper)
                stack.append(shipper)
    stocking = [m for m in eco if kind(m) == "stock"]
    idle = tuple(m for m in stocking if m not in active)
    # a lane into a member that serves no market carries no orders
    lanes = [lane for lane in lanes if lane[0][0] in active
             and (lane[0][-1] in active or kind(lane[0][-1]) == "market")]

    # depth (orders flow upstream one depth at a time); a cycle is refused with its members
    depth = _depths(active, lanes, markets)
    position = {m: i for i, m in enumerate(stocking)}
    members = sorted(active, key=lambda m: (depth[m], position[m]))
    node_of = {m: i for i, m in enumerate(members)}
    node_of.update({m: len(members) + j for j, m in enumerate(markets)})

    # outside sources for first-tier members
    supplied = {lane[0][-1] for lane in lanes}
    sources, source_cap = [], []
    for m in members:
        if m in supplied:
            continue
        capacity = eco.member(m).get("capacity")
        if capacity is None and roles[m] not in PRODUCING_ROLES:
            raise SimulationError(
                f"member {m!r} ({roles[m]}) has no supplier and no capacity: a "
                f"{roles[m]} cannot make goods; link a supplier to it with flow 'logistics' or "
                f"give it a 'capacity' (goods per period bought outside the belt)")
        sources.append(m)
        source_cap.append(np.inf if capacity is None
                          else _number(capacity, f"capacity of member {m!r}"))

    supplier_idx, customer_idx, carrier_idx, transit_arr, fee_arr, volume_arr, paths = \
        [], [], [], [], [], [], []
    shares_given: list[float] = []
    for path, fraction, days, cost, payee in lanes:
        supplier_idx.append(node_of[path[0]])
        customer_idx.append(node_of[path[-1]])
        carrier_idx.append(payee)
        transit_arr.append(days)
        fee_arr.append(cost)
        volume_arr.append(volume(path[0], path[1]) * fraction)
        share = goods.edges[path[0], path[1]].get("share")
        shares_given.append(np.nan if share is None else
                            _number(share, f"share of link {path[0]} -> {path[1]}") * fraction)
        paths.append(path)
    n = len(members)
    for j, m in enumerate(sources):
        supplier_idx.append(n + j)
        customer_idx.append(node_of[m])
        carrier_idx.append(-1)
        transit_arr.append(_number(eco.member(m).get("lead_time"), f"lead_time of member {m!r}",
                                   whole=True, default=0))
        fee_arr.append(0.0)
        volume_arr.append(np.nan)
        shares_given.append(1.0)
        paths.append(("outside", m))
    customer = np.array(customer_idx, dtype=np.int64)
    volume_arr = np.array(volume_arr, dtype=float)
    given = np.array(shares_given, dtype=float)
    share = _shares(customer, volume_arr, given, n + len(markets), members + markets)

    lane_supplier = np.array(supplier_idx, dtype=np.int64)
    level = np.zeros(n + len(markets))
    market_in = np.bincount(customer, weights=np.nan_to_num(volume_arr),
                            minlength=n + len(markets))
    level[n:] = market_in[n:]
    routing = np.zeros((n + len(markets), len(markets)))
    routing[n + np.arange(len(markets)), np.arange(len(markets))] = 1.0
    depth_arr = np.array([depth[m] for m in members], dtype=np.int64)
    member_lanes = lane_supplier < n
    # demand reaches suppliers one depth at a time (shallower customers are final first)
    for d in np.unique(depth_arr):
        chosen = member_lanes & (np.isin(lane_supplier, np.flatnonzero(depth_arr == d)))
        np.add.at(routing, lane_supplier[chosen],
                  share[chosen, None] * routing[customer[chosen]])
    level[:n] = routing[:n] @ level[n:]

    network = Network(
        ecosystem=eco, members=tuple(members), markets=tuple(markets),
        carriers=tuple(carriers), idle=idle, sources=tuple(sources),
        source_capacity=np.array(source_cap, dtype=float),
        carrier_capacity=np.array([_number(eco.member(c).get("capacity"),
                                           f"capacity of carrier {c!r}", default=np.inf)
                                   for c in carriers], dtype=float),
        lane_supplier=lane_supplier, lane_customer=customer,
        lane_carrier=np.array(carrier_idx, dtype=np.int64),
        lane_transit=np.array(transit_arr, dtype=np.int64),
        lane_fee=np.array(fee_arr, dtype=float), lane_share=share, lane_volume=volume_arr,
        lane_links=tuple(paths), depth=depth_arr, level=level, routing=routing[:n],
        lead_time=np.zeros(n, dtype=np.int64))
    object.__setattr__(network, "lead_time", _lead_times(network))
    return network


def _destinations(to: Any, u: str, v: str) -> set | dict | None:
    """A shipper -> carrier link's ``to``: None (every destination), an id or a list of ids
    (split by the carrier's volumes), or a mapping id -> volume (split by those volumes)."""
    if to is None:
        return None
    if isinstance(to, str):
        return {to}
    if isinstance(to, Mapping):
        for key, weight in to.items():
            _number(weight, f"'to' volume for {key!r} on link {u} -> {v}")
        if not to or sum(to.values()) <= 0:
            raise SimulationError(f"link {u} -> {v}: 'to' gives no positive volume")
        return dict(to)
    if isinstance(to, (list, tuple)) and all(isinstance(x, str) for x in to) and to:
        return set(to)
    raise SimulationError(f"link {u} -> {v}: 'to' must be a member id, a list of ids or a "
                          f"mapping of id to volume, got {to!r}")


def _shares(customer: np.ndarray, volume: np.ndarray, given: np.ndarray, nodes: int,
            names: list[str]) -> np.ndarray:
    """Each lane's fraction of its customer's orders: given shares where the customer's
    lanes give any (the rest split their remainder by volume), else volume shares."""
    share = np.where(np.isnan(volume), 1.0, volume)
    has_given = np.bincount(customer, weights=~np.isnan(given), minlength=nodes) > 0
    given_sum = np.bincount(customer, weights=np.nan_to_num(given), minlength=nodes)
    free = np.isnan(given)
    free_volume = np.bincount(customer, weights=np.where(free, share, 0.0), minlength=nodes)
    result = np.empty_like(share)
    for_given = has_given[customer]
    result[~for_given] = share[~for_given] / np.maximum(
        np.bincount(customer, weights=share, minlength=nodes)[customer[~for_given]], 1e-300)
    remainder = np.clip(1.0 - given_sum, 0.0, None)
    pick = for_given & free
    result[pick] = remainder[customer[pick]] * share[pick] / np.maximum(
        free_volume[customer[pick]], 1e-300)
    pick = for_given & ~free
    result[pick] = given[pick]
    totals = np.bincount(customer, weights=result, minlength=nodes)
    bad = np.flatnonzero((np.bincount(customer, minlength=nodes) > 0)
                         & ~np.isclose(totals, 1.0, atol=1e-9))
    if len(bad):
        raise SimulationError(f"the 'share' attributes of the links into {names[bad[0]]!r} add "
                              f"up to {totals[bad[0]]:.6g}; they must add up to 1 (or leave "
                              f"some out: those split the rest by volume)")
    return result


def _depths(active: set, lanes: list, markets: list) -> dict[str, int]:
    """Depth of each stocking member; a cycle of goods is refused with its members named."""
    import networkx as nx
    graph = nx.DiGraph()
    graph.add_nodes_from(active)
    graph.add_edges_from((lane[0][0], lane[0][-1]) for lane in lanes
                         if lane[0][-1] in active)
    try:
        order = list(nx.topological_sort(graph))
    except nx.NetworkXUnfeasible:
        cycle = nx.find_cycle(graph)
        names = " -> ".join([u for u, _ in cycle] + [cycle[0][0]])
        raise SimulationError(f"goods go round a cycle: {names}; the simulation needs goods "
                              f"to move one way (remove or re-flow one of these links)") \
            from None
    depth: dict[str, int] = {}
    for member in reversed(order):  # customers before their suppliers
        depth[member] = 1 + max((depth[v] for v in graph.successors(member)), default=0)
    return depth


def _lead_times(network: Network) -> np.ndarray:
    n = network.n_members
    weights = np.bincount(network.lane_customer, weights=network.lane_share * (
        network.lane_transit + 1), minlength=n + network.n_markets)[:n]
    # half periods round up: the level must cover the lead time, not fall short of it
    return np.floor(weights + 0.5 + 1e-9).astype(np.int64)

