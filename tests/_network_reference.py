"""The goods network compiled the way ecosystem.simulation did before it read columns: a
plain loop over networkx's links (a reference for the tests and the benchmark)."""

from __future__ import annotations

from typing import Mapping

import numpy as np

from ecosystem import Ecosystem
from ecosystem.simulation import (CARRIER_ROLES, MARKET_ROLES, PRODUCING_ROLES, STOCKING_ROLES,
                                  Network, SimulationError)
from ecosystem.simulation._network import (_DEFAULT_TRANSIT, _destinations, _lead_times,
                                           _number, _shares)


def reference_compile_network(eco: Ecosystem) -> Network:
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


