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
from itertools import chain, repeat
from numbers import Real
from operator import methodcaller
from typing import Any, Iterator, Mapping, Sequence, cast, overload

import numpy as np
import scipy.sparse as sp

from .._errors import ParameterError
from ..graph import Ecosystem
from . import _read

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
    lane_links : sequence of tuple of str
        The member ids along each lane, shipper first (a read-only sequence whose
        tuples are made when it is first read).
    depth : ndarray (n,)
        1 for members that ship to markets only, 1 + the deepest customer otherwise.
    level : ndarray (n + m,)
        Mean demand each member faces and each market's mean demand (goods per period).
    routing : ndarray (n, m)
        The fraction of each market's demand that reaches each member's order book.
    lead_time : ndarray (n,)
        ``L`` of each member: the share-weighted mean transit of its inbound lanes
        plus the review period (1), rounded to whole periods.
    member_rows : ndarray (n,) or None
        Each stocking member's position in the ecosystem's member order (None: looked up
        by id when needed).
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
    lane_links: Sequence[tuple[str, ...]]
    depth: np.ndarray
    level: np.ndarray
    routing: np.ndarray
    lead_time: np.ndarray
    member_rows: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def n_members(self) -> int:
        return len(self.members)

    @property
    def n_markets(self) -> int:
        return len(self.markets)

    @property
    def n_lanes(self) -> int:
        return len(self.lane_supplier)

    @property
    def capped(self) -> bool:
        """Whether a lane's carrier has a finite capacity (shipments are then scaled)."""
        carrier = self.lane_carrier
        return bool(np.isfinite(self.carrier_capacity[carrier[carrier >= 0]]).any())

    def with_lanes(self, **arrays: Any) -> "Network":
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
            ) -> float | None:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, Real) \
            or not np.isfinite(cast(float, value)) \
            or value < 0 or (whole and not float(value).is_integer()):
        kind = "a whole number >= 0" if whole else "a finite number >= 0"
        raise SimulationError(f"{what} must be {kind}, got {value!r}")
    return float(value)


_STOCK, _CARRIER, _MARKET, _OTHER = 0, 1, 2, 3
# what stops a route, in the order the checks run on one route (its first failure is named)
(_TO_FORMAT, _TO_UNKNOWN, _TRANSIT, _FEE, _MISSING, _NOWHERE, _OUT_VOLUME,
 _LOOP) = range(1, 9)


def compile_network(eco: Ecosystem) -> Network:
    """Read the goods network of ``eco`` into a :class:`Network` (see the module notes).

    Reads the ecosystem's columns (it builds no networkx graph) with array
    operations over all links at once, so a belt of a million members
    compiles in seconds.

    Raises
    ------
    SimulationError
        No market, a market no producer can reach, a stocking member with no
        supplier and no capacity, a cycle in the goods layer, a loop of
        carriers, a negative lead time or fee.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for m, role in [("mill", "manufacturer"), ("ship", "logistics"), ("us", "market"),
    ...                 ("eu", "market")]:
    ...     eco.add_member(m, role)
    >>> eco.link("mill", "ship", "logistics", volume=40.0, lead_time=2, unit_cost=0.5)
    >>> eco.link("ship", "us", "logistics", volume=30.0, unit_cost=1.0)
    >>> eco.link("ship", "eu", "logistics", volume=10.0)
    >>> net = compile_network(eco)
    >>> net.lanes_frame()[["path", "transit", "fee", "share"]]
                   path  transit  fee  share
    0  mill > ship > us        3  1.5    1.0
    1  mill > ship > eu        3  0.5    1.0
    2    outside > mill        0  0.0    1.0
    >>> net.level.tolist()  # the mill serves both markets: 30 + 10
    [40.0, 30.0, 10.0]
    """
    ids = _read.member_ids(eco)
    roles = _read.member_values(eco, "role")
    kind = _kinds(roles)
    market_pos = np.flatnonzero(kind == _MARKET)
    if not len(market_pos):
        raise SimulationError("the ecosystem has no member of role 'market' to draw demand; "
                              "add one and link a seller to it with flow 'logistics'")
    carrier_pos = np.flatnonzero(kind == _CARRIER)
    carrier_number = np.full(len(ids), -1, dtype=np.int64)
    carrier_number[carrier_pos] = np.arange(len(carrier_pos))
    links = _read.flow_links(eco, "logistics",
                             ("lead_time", "unit_cost", "volume", "share", "to"))
    src, dst = links.source, links.target
    wrong = (kind[src] == _OTHER) | (kind[dst] == _OTHER) | (kind[src] == _MARKET)
    if wrong.any():
        row = int(np.argmax(wrong))
        u, v = ids[src[row]], ids[dst[row]]
        if kind[src[row]] == _OTHER or kind[dst[row]] == _OTHER:
            role = roles[src[row]] if kind[src[row]] == _OTHER else roles[dst[row]]
            raise SimulationError(
                f"goods link {u} -> {v}: {role!r} members neither stock, carry nor buy goods; "
                f"give the link another flow or the member a role in "
                f"{STOCKING_ROLES + CARRIER_ROLES + MARKET_ROLES}")
        raise SimulationError(f"goods link {u} -> {v}: a market ships nothing; reverse the "
                              "link or give it another flow")
    transit, transit_bad = _read.numbers(*links.column("lead_time"), whole=True,
                                         default=_DEFAULT_TRANSIT)
    fee, fee_bad = _read.numbers(*links.column("unit_cost"), default=0.0)
    volume, volume_bad = _read.numbers(*links.column("volume"), default=1.0)

    lanes = _routes(ids, kind, carrier_number, links, transit, transit_bad, fee, fee_bad,
                    volume, volume_bad)

    # who serves a market: walk upstream from the markets
    n_all = len(ids)
    shipper, receiver = lanes.path[:, 0], lanes.node
    served = np.zeros(n_all, dtype=bool)
    served[receiver] = True
    unserved = market_pos[~served[market_pos]]
    if len(unserved):
        raise SimulationError(f"market {ids[unserved[0]]!r} receives no goods: no producer "
                              f"reaches it; link a seller (or a carrier) to it with flow "
                              f"'logistics'")
    active = _upstream(shipper, receiver, market_pos, n_all)
    stocking = kind == _STOCK
    idle = tuple(ids[stocking & ~active].tolist())
    # a lane into a member that serves no market carries no orders
    keep = active[shipper] & (active[receiver] | (kind[receiver] == _MARKET))
    lanes = lanes.take(np.flatnonzero(keep))
    shipper, receiver = lanes.path[:, 0], lanes.node

    # depth (orders flow upstream one depth at a time); a cycle is refused with its members
    depth = _depths(ids, active, shipper, receiver)
    position = np.flatnonzero(active)
    order = position[np.lexsort((position, depth[position]))]
    n, m = len(order), len(market_pos)
    node_of = np.full(n_all, -1, dtype=np.int64)
    node_of[order] = np.arange(n)
    node_of[market_pos] = n + np.arange(m)

    # outside sources for first-tier members
    supplied = np.zeros(n_all, dtype=bool)
    supplied[receiver] = True
    source_pos = order[~supplied[order]]
    capacity_raw = _read.member_values(eco, "capacity")[source_pos]
    capacity, capacity_bad = _read.numbers(capacity_raw, _read.given(capacity_raw))
    producing = np.isin(roles[source_pos], np.array(PRODUCING_ROLES, dtype=object))
    no_source = ~_read.given(capacity_raw) & ~producing
    failing = no_source | capacity_bad
    if failing.any():
        k = int(np.argmax(failing))
        member, role = ids[source_pos[k]], roles[source_pos[k]]
        if no_source[k]:
            raise SimulationError(
                f"member {member!r} ({role}) has no supplier and no capacity: a "
                f"{role} cannot make goods; link a supplier to it with flow 'logistics' or "
                f"give it a 'capacity' (goods per period bought outside the belt)")
        _number(capacity_raw[k], f"capacity of member {member!r}")
    source_cap = np.where(_read.given(capacity_raw), capacity, np.inf)

    first = lanes.first
    share_values, share_has = links.column("share")
    share_given, share_bad = _read.numbers(share_values, share_has)
    failing = volume_bad[first] | share_bad[first]
    if failing.any():
        k = int(np.argmax(failing))
        u, v = ids[src[first[k]]], ids[dst[first[k]]]
        if volume_bad[first[k]]:
            _number(links.value("volume", first[k]), f"volume of link {u} -> {v}")
        _number(links.value("share", first[k]), f"share of link {u} -> {v}")
    lead_raw = _read.member_values(eco, "lead_time")[source_pos]
    source_transit, lead_bad = _read.numbers(lead_raw, _read.given(lead_raw), whole=True,
                                             default=0.0)
    if lead_bad.any():
        k = int(np.argmax(lead_bad))
        _number(lead_raw[k], f"lead_time of member {ids[source_pos[k]]!r}", whole=True)

    s = len(source_pos)
    customer = np.concatenate([node_of[receiver], node_of[source_pos]])
    volume_arr = np.concatenate([volume[first] * lanes.fraction, np.full(s, np.nan)])
    given = np.concatenate([share_given[first] * lanes.fraction, np.ones(s)])
    share = _shares(customer, volume_arr, given, n + m, ids[np.concatenate([order,
                                                                             market_pos])])
    lane_supplier = np.concatenate([node_of[shipper], n + np.arange(s)])
    level = np.zeros(n + m)
    market_in = np.bincount(customer, weights=np.nan_to_num(volume_arr), minlength=n + m)
    level[n:] = market_in[n:]
    routing = np.zeros((n + m, m))
    routing[n + np.arange(m), np.arange(m)] = 1.0
    depth_arr = depth[order]
    member_lanes = lane_supplier < n
    # demand reaches suppliers one depth at a time (shallower customers are final first)
    for d in np.unique(depth_arr):
        chosen = member_lanes & (np.isin(lane_supplier, np.flatnonzero(depth_arr == d)))
        np.add.at(routing, lane_supplier[chosen],
                  share[chosen, None] * routing[customer[chosen]])
    level[:n] = routing[:n] @ level[n:]

    carrier_raw = _read.member_values(eco, "capacity")[carrier_pos]
    carrier_capacity, carrier_bad = _read.numbers(carrier_raw, _read.given(carrier_raw),
                                                  default=np.inf)
    if carrier_bad.any():
        k = int(np.argmax(carrier_bad))
        _number(carrier_raw[k], f"capacity of carrier {ids[carrier_pos[k]]!r}")

    network = Network(
        ecosystem=eco, members=tuple(ids[order].tolist()),
        markets=tuple(ids[market_pos].tolist()), carriers=tuple(ids[carrier_pos].tolist()),
        idle=idle, sources=tuple(ids[source_pos].tolist()),
        source_capacity=source_cap.astype(float), carrier_capacity=carrier_capacity,
        lane_supplier=lane_supplier, lane_customer=customer,
        lane_carrier=np.concatenate([lanes.payee, np.full(s, -1)]).astype(np.int64),
        lane_transit=np.concatenate([lanes.days, source_transit]).astype(np.int64),
        lane_fee=np.concatenate([lanes.cost, np.zeros(s)]), lane_share=share,
        lane_volume=volume_arr,
        lane_links=LanePaths(lanes, ids, ids[source_pos]),
        depth=depth_arr.astype(np.int64), level=level, routing=routing[:n],
        lead_time=np.zeros(n, dtype=np.int64), member_rows=order)
    object.__setattr__(network, "lead_time", _lead_times(network))
    return network


def _kinds(roles: np.ndarray) -> np.ndarray:
    """Stock, carrier, market or other, by role."""
    table = {**{r: _STOCK for r in STOCKING_ROLES}, **{r: _CARRIER for r in CARRIER_ROLES},
             **{r: _MARKET for r in MARKET_ROLES}}
    return np.fromiter(map(table.get, roles, repeat(_OTHER)), dtype=np.int8, count=len(roles))


class _Lanes:
    """Routes shipper -> (carriers) -> receiver as arrays, one row each, in the order a
    depth-first walk of the goods links meets them: ``path`` (member positions, shipper
    first, -1 after the receiver), ``node`` (where the route ends so far), ``first`` and
    ``last`` (its first and latest link), ``fraction`` of the first link's goods it takes,
    ``days``, ``cost``, ``payee`` (the first carrier's number, -1 for none), ``error`` (a
    check it failed, 0 for none) and ``detail`` (the failing link)."""

    FIELDS = ("path", "node", "first", "last", "fraction", "days", "cost", "payee", "error",
              "detail", "wanted")
    path: np.ndarray
    node: np.ndarray
    first: np.ndarray
    last: np.ndarray
    fraction: np.ndarray
    days: np.ndarray
    cost: np.ndarray
    payee: np.ndarray
    error: np.ndarray
    detail: np.ndarray
    wanted: np.ndarray

    def __init__(self, **arrays: np.ndarray):
        for name in self.FIELDS:
            setattr(self, name, arrays[name])

    def __len__(self) -> int:
        return len(self.node)

    def take(self, rows: np.ndarray) -> "_Lanes":
        return _Lanes(**{name: getattr(self, name)[rows] for name in self.FIELDS})



class LanePaths(Sequence[tuple[str, ...]]):
    """The member ids along each lane, shipper first, then ``("outside", member)`` for each
    outside source: a read-only sequence that makes its tuples when first read (a belt of a
    million members has millions of lanes, and a run that never reads their paths should not
    make a tuple for each)."""

    def __init__(self, lanes: _Lanes, ids: np.ndarray, sourced: np.ndarray):
        self._path, self._ids, self._sourced = lanes.path, ids, sourced
        self._made: tuple[tuple[str, ...], ...] | None = None

    def _tuples(self) -> tuple[tuple[str, ...], ...]:
        if self._made is None:
            out = np.empty(len(self._path), dtype=object)
            lengths = (self._path >= 0).sum(axis=1)
            for length in np.unique(lengths):
                rows = np.flatnonzero(lengths == length)
                names = self._ids[self._path[rows, :length]].tolist()
                out[rows] = np.fromiter(map(tuple, names), dtype=object, count=len(rows))
            self._made = tuple(out.tolist()) + tuple(zip(repeat("outside"),
                                                         self._sourced.tolist()))
        return self._made

    def __len__(self) -> int:
        return len(self._path) + len(self._sourced)

    @overload
    def __getitem__(self, index: int) -> tuple[str, ...]: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[tuple[str, ...], ...]: ...

    def __getitem__(self, index):
        return self._tuples()[index]

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return iter(self._tuples())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (LanePaths, tuple)):
            return self._tuples() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._tuples())

    def __repr__(self) -> str:
        return repr(self._tuples())


def _routes(ids, kind, carrier_number, links, transit, transit_bad, fee, fee_bad, volume,
            volume_bad) -> _Lanes:
    """Every route from a stocking shipper, carriers expanded level by level in array
    operations (a level's routes are split among the next carrier's destinations at once);
    raises the first failure a depth-first walk meets."""
    src, dst = links.source, links.target
    rows = np.flatnonzero(kind[src] == _STOCK)
    # each member's outgoing goods links, in edge order
    by_source = np.argsort(src, kind="stable")
    out_start = np.searchsorted(src[by_source], np.arange(len(ids) + 1))
    count = len(rows)
    error = np.zeros(count, dtype=np.int8)
    to_carrier = kind[dst[rows]] == _CARRIER
    wanted = np.full(count, -1, dtype=np.int64)
    to_values, to_has = links.column("to")
    picked = np.flatnonzero(to_carrier & to_has[rows])
    wish = _wishes(to_values[rows[picked]], ids)
    error[picked[wish.error == _TO_FORMAT]] = _TO_FORMAT
    error[picked[wish.error == _TO_UNKNOWN]] = _TO_UNKNOWN
    wanted[picked] = np.arange(len(picked))
    error[(error == 0) & transit_bad[rows]] = _TRANSIT
    error[(error == 0) & fee_bad[rows]] = _FEE
    lanes = _Lanes(path=np.stack([src[rows], dst[rows]], axis=1), node=dst[rows], first=rows,
                   last=rows, fraction=np.ones(count), days=transit[rows].copy(),
                   cost=fee[rows].copy(),
                   payee=np.where(to_carrier, carrier_number[dst[rows]], -1),
                   error=error, detail=np.full(count, -1, dtype=np.int64), wanted=wanted)
    while True:
        open_ = np.flatnonzero((lanes.error == 0) & (kind[lanes.node] == _CARRIER))
        if not len(open_):
            break
        lanes = _split(lanes, open_, wish, dst, out_start, by_source, kind, transit,
                       transit_bad, fee, fee_bad, volume, volume_bad)
    failed = np.flatnonzero(lanes.error)
    if len(failed):
        _raise_route_error(lanes, int(failed[0]), ids, links)
    return lanes


def _split(lanes: _Lanes, open_: np.ndarray, wish, dst, out_start, by_source, kind, transit,
           transit_bad, fee, fee_bad, volume, volume_bad) -> _Lanes:
    """One level: every open route (it ends at a carrier) replaced by one route per
    destination of that carrier (those its ``to`` names on a shipper's own link)."""
    carrier = lanes.node[open_]
    degree = out_start[carrier + 1] - out_start[carrier]
    parent = np.repeat(np.arange(len(open_)), degree)
    offset = np.repeat(out_start[carrier] - np.cumsum(degree) + degree, degree)
    link = by_source[offset + np.arange(len(parent))]
    target = dst[link]
    wanted = lanes.wanted[open_]
    chosen = wanted[parent] >= 0
    weight = volume[link].copy()
    by_volume = np.ones(len(link), dtype=bool)
    if chosen.any():
        keys = wanted[parent[chosen]] * (len(kind) + 1) + target[chosen]
        at = np.searchsorted(wish.keys, keys)
        hit = at < len(wish.keys)
        hit[hit] = wish.keys[at[hit]] == keys[hit]
        keep = np.ones(len(link), dtype=bool)
        keep[chosen] = hit
        given = wish.weight[at[hit]]
        named = np.flatnonzero(chosen)[hit]
        by_volume[named] = np.isnan(given)  # a list of ids: split by the carrier's volumes
        weight[named[~np.isnan(given)]] = given[~np.isnan(given)]
        parent, link, target = parent[keep], link[keep], target[keep]
        weight, by_volume = weight[keep], by_volume[keep]
    kept = np.bincount(parent, minlength=len(open_))
    error = np.zeros(len(open_), dtype=np.int8)
    detail = np.full(len(open_), -1, dtype=np.int64)
    has_wish = wanted >= 0
    if has_wish.any():
        short = kept[has_wish] < wish.count[wanted[has_wish]]
        error[np.flatnonzero(has_wish)[short]] = _MISSING
    error[(error == 0) & (kept == 0)] = _NOWHERE
    bad_volume = by_volume & volume_bad[link]
    if bad_volume.any():
        first_bad = np.full(len(open_), -1, dtype=np.int64)
        where = np.flatnonzero(bad_volume)
        routes, at = np.unique(parent[where], return_index=True)  # each route's first
        first_bad[routes] = link[where[at]]
        hit = (error == 0) & (first_bad >= 0)
        error[hit] = _OUT_VOLUME
        detail[hit] = first_bad[hit]
    drop = error[parent] != 0
    parent, link, target, weight = parent[~drop], link[~drop], target[~drop], weight[~drop]
    share = _normalised(weight, parent, len(open_))
    source = open_[parent]
    child_error = np.zeros(len(parent), dtype=np.int8)
    child_error[(lanes.path[source] == target[:, None]).any(axis=1)] = _LOOP
    child_error[(child_error == 0) & transit_bad[link]] = _TRANSIT
    child_error[(child_error == 0) & fee_bad[link]] = _FEE
    children = _Lanes(
        path=np.concatenate([lanes.path[source], target[:, None]], axis=1), node=target,
        first=lanes.first[source], last=link, fraction=lanes.fraction[source] * share,
        days=lanes.days[source] + transit[link], cost=lanes.cost[source] + fee[link],
        payee=lanes.payee[source], error=child_error,
        detail=np.full(len(parent), -1, dtype=np.int64),
        wanted=np.full(len(parent), -1, dtype=np.int64))
    # the routes in walking order: each open route's children where it stood
    lanes.error[open_] = error
    lanes.detail[open_] = detail
    stays = np.ones(len(lanes), dtype=bool)
    stays[open_[error == 0]] = False
    staying = lanes.take(np.flatnonzero(stays))
    staying.path = np.concatenate(
        [staying.path, np.full((len(staying), 1), -1, dtype=np.int64)], axis=1)
    merged = _Lanes(**{name: np.concatenate([getattr(staying, name), getattr(children, name)])
                       for name in _Lanes.FIELDS})
    at = np.concatenate([np.flatnonzero(stays), source])
    return merged.take(np.argsort(at, kind="stable"))


def _normalised(weight: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """``weight`` over its group's sum (contiguous groups), or an equal split where the sum
    is 0; each sum rounded as numpy sums the group on its own."""
    count = np.bincount(group, minlength=groups)
    total = _group_sums(weight, count)
    positive = total > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(positive[group], weight / total[group], 1 / count[group])


def _group_sums(values: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Sums of contiguous groups of ``values``, each equal bit for bit to
    ``values[group].sum()``: numpy sums fewer than 8 values in order, up to 128 in eight
    interleaved partial sums joined pairwise (then the rest in order), more by halves."""
    start = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    total = np.zeros(len(count))
    last = max(len(values) - 1, 0)

    def at(offset: np.ndarray | int, rows: np.ndarray) -> np.ndarray:
        return values[np.minimum(start[rows] + offset, last)] if len(values) else \
            np.zeros(len(rows))

    small = np.flatnonzero(count < 8)
    for j in range(7):
        inside = j < count[small]
        total[small] = np.where(inside, total[small] + at(j, small), total[small])
    middle = np.flatnonzero((count >= 8) & (count <= 128))
    if len(middle):
        c = count[middle]
        blocks = c - c % 8
        partial = [at(j, middle) for j in range(8)]
        for b in range(8, 128, 8):
            inside = b < blocks
            for j in range(8):
                partial[j] = np.where(inside, partial[j] + at(b + j, middle), partial[j])
        result = ((partial[0] + partial[1]) + (partial[2] + partial[3])) + (
            (partial[4] + partial[5]) + (partial[6] + partial[7]))
        for j in range(7):
            inside = j < c % 8
            result = np.where(inside, result + at(blocks + j, middle), result)
        total[middle] = result
    for row in np.flatnonzero(count > 128):  # a carrier with over 128 destinations: rare
        total[row] = values[start[row]:start[row] + count[row]].sum()
    return total


class _Wishes:
    """The ``to`` attribute of shippers' links to carriers: for link ``k`` (in the order
    given) ``count[k]`` destinations, ``keys`` ``k * (members + 1) + position`` (sorted)
    with ``weight`` (NaN: split by the carrier's volumes), and ``error`` per link."""

    def __init__(self, count, keys, weight, error):
        self.count, self.keys, self.weight, self.error = count, keys, weight, error


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


def _ranges(start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """``start[k], start[k] + 1, ..., start[k] + length[k] - 1`` for every ``k``, joined."""
    offset = np.repeat(start - np.cumsum(length) + length, length)
    return offset + np.arange(len(offset), dtype=np.int64)


def _wishes(values: np.ndarray, ids: np.ndarray) -> _Wishes:
    """The ``to`` values of shippers' links to carriers, all at once (see :class:`_Wishes`);
    the checks of :func:`_destinations`, whose message a failing value gets."""
    import pandas as pd
    k = len(values)
    error = np.zeros(k, dtype=np.int8)
    is_str = np.fromiter(map(isinstance, values, repeat(str)), dtype=bool, count=k)
    is_map = ~is_str & np.fromiter(map(isinstance, values, repeat(Mapping)), dtype=bool,
                                   count=k)
    is_seq = ~is_str & ~is_map & np.fromiter(
        map(isinstance, values, repeat((list, tuple))), dtype=bool, count=k)
    error[~(is_str | is_map | is_seq)] = _TO_FORMAT
    length = np.ones(k, dtype=np.int64)
    many = is_map | is_seq
    length[many] = np.fromiter(map(len, values[many]), dtype=np.int64, count=int(many.sum()))
    error[many & (length == 0)] = _TO_FORMAT
    length[error != 0] = 0
    owner = np.repeat(np.arange(k), length)
    start = np.concatenate([[0], np.cumsum(length)[:-1]]).astype(np.int64)
    keys = np.empty(len(owner), dtype=object)
    weights = np.full(len(owner), None, dtype=object)
    rows = np.flatnonzero(is_str & (error == 0))
    keys[start[rows]] = values[rows]
    for mask in (is_seq, is_map):
        rows = np.flatnonzero(mask & (error == 0))
        slots = _ranges(start[rows], length[rows])
        keys[slots] = np.fromiter(chain.from_iterable(values[rows]), dtype=object,
                                  count=len(slots))
        if mask is is_map:
            weights[slots] = np.fromiter(
                chain.from_iterable(map(methodcaller("values"), values[rows])), dtype=object,
                count=len(slots))
    text = np.fromiter(map(isinstance, keys, repeat(str)), dtype=bool, count=len(keys))
    error[np.unique(owner[is_seq[owner] & ~text])] = _TO_FORMAT
    in_map = is_map[owner]
    weight, weight_bad = _read.numbers(weights, in_map)
    error[np.unique(owner[in_map & weight_bad])] = _TO_FORMAT
    positive = np.bincount(owner, weights=np.nan_to_num(weight) > 0, minlength=k)
    error[is_map & (positive == 0)] = _TO_FORMAT
    position = pd.Index(ids).get_indexer(keys) if len(keys) else np.zeros(0, dtype=np.int64)
    unknown = np.unique(owner[position < 0])
    error[unknown[error[unknown] == 0]] = _TO_UNKNOWN
    codes = owner * (len(ids) + 1) + np.maximum(position, 0)
    codes, first = np.unique(codes, return_index=True)  # a set: each destination once
    count = np.bincount(owner[first], minlength=k)
    return _Wishes(count, codes, weight[first], error)


def _raise_route_error(lanes: _Lanes, row: int, ids: np.ndarray, links: _read.Links) -> None:
    """Raise the message of the check route ``row`` failed."""
    src, dst = links.source, links.target
    path = tuple(ids[lanes.path[row][lanes.path[row] >= 0]].tolist())
    code = int(lanes.error[row])
    first, last = int(lanes.first[row]), int(lanes.last[row])
    if code in (_TO_FORMAT, _TO_UNKNOWN, _MISSING):
        u, v = path[0], path[1]
        wanted = _destinations(links.value("to", first), u, v)
        assert wanted is not None
        if code == _TO_UNKNOWN:
            raise SimulationError(f"link {u} -> {v}: 'to' names unknown member(s) "
                                  f"{sorted(set(wanted) - set(ids.tolist()))}")
        if code == _MISSING:
            carrier = lanes.node[row]
            outs = set(ids[dst[src == carrier]].tolist())
            raise SimulationError(f"link {u} -> {v}: 'to' names "
                                  f"{sorted(set(wanted) - outs)}, which carrier "
                                  f"{path[-1]!r} does not deliver to; link the carrier there "
                                  f"with flow 'logistics' or change 'to'")
    if code in (_TRANSIT, _FEE, _OUT_VOLUME):
        link = int(lanes.detail[row]) if code == _OUT_VOLUME else last
        u, v = ids[src[link]], ids[dst[link]]
        name = {_TRANSIT: "lead_time", _FEE: "unit_cost", _OUT_VOLUME: "volume"}[code]
        _number(links.value(name, link), f"{name} of link {u} -> {v}",
                whole=code == _TRANSIT)
    if code == _NOWHERE:
        raise SimulationError(f"carrier {path[-1]!r} receives goods from {path[-2]!r} but "
                              f"delivers them nowhere; link it to the receivers")
    if code == _LOOP:
        raise SimulationError(f"carriers hand goods round a loop: {' -> '.join(path)}")
    raise SimulationError(f"route {' -> '.join(path)} cannot be simulated")  # not reached


def _upstream(shipper: np.ndarray, receiver: np.ndarray, markets: np.ndarray, members: int
              ) -> np.ndarray:
    """The stocking members whose goods reach a market along the routes (a breadth-first
    search from a node joined to every market, against the direction of the goods)."""
    from scipy.sparse.csgraph import breadth_first_order
    hub = members
    rows = np.concatenate([receiver, np.full(len(markets), hub)])
    cols = np.concatenate([shipper, markets])
    graph = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(members + 1, members + 1))
    reached = breadth_first_order(graph, hub, directed=True, return_predecessors=False)
    active = np.zeros(members + 1, dtype=bool)
    active[reached] = True
    active[markets] = False
    return active[:members]


def _depths(ids: np.ndarray, active: np.ndarray, shipper: np.ndarray, receiver: np.ndarray
            ) -> np.ndarray:
    """Depth of each active member (1 + its deepest customer's, 1 with none), members peeled
    off in rounds of those whose customers all have theirs; a cycle of goods is refused
    with its members named."""
    inner = active[receiver]
    up, down = shipper[inner], receiver[inner]
    waiting = np.bincount(up, minlength=len(ids))  # customers without a depth yet
    by_customer = np.argsort(down, kind="stable")
    start = np.searchsorted(down[by_customer], np.arange(len(ids) + 1))
    depth = np.zeros(len(ids), dtype=np.int64)
    remaining = active.copy()
    frontier = np.flatnonzero(active & (waiting == 0))
    level = 1
    while len(frontier):
        depth[frontier] = level
        remaining[frontier] = False
        suppliers = up[by_customer[_ranges(start[frontier], start[frontier + 1]
                                           - start[frontier])]]
        if 8 * len(suppliers) >= len(ids):
            served = np.bincount(suppliers, minlength=len(ids))
            waiting -= served
            candidates = np.flatnonzero(served)
        else:  # a thin round (a long chain): a pass over every member would cost more
            np.subtract.at(waiting, suppliers, 1)
            candidates = np.unique(suppliers)
        frontier = candidates[(waiting[candidates] == 0) & remaining[candidates]]
        level += 1
    if remaining.any():
        import networkx as nx
        graph = nx.DiGraph()
        graph.add_nodes_from(ids[remaining].tolist())
        stuck = remaining[up] & remaining[down]
        graph.add_edges_from(zip(ids[up[stuck]].tolist(), ids[down[stuck]].tolist()))
        cycle = nx.find_cycle(graph)
        names = " -> ".join([u for u, _ in cycle] + [cycle[0][0]])
        raise SimulationError(f"goods go round a cycle: {names}; the simulation needs goods "
                              f"to move one way (remove or re-flow one of these links)")
    return depth

def _lead_times(network: Network) -> np.ndarray:
    n = network.n_members
    weights = np.bincount(network.lane_customer, weights=network.lane_share * (
        network.lane_transit + 1), minlength=n + network.n_markets)[:n]
    # half periods round up: the level must cover the lead time, not fall short of it
    return np.floor(weights + 0.5 + 1e-9).astype(np.int64)

