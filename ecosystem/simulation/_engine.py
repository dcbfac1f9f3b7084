"""Goods and money moving period by period, vectorised over lanes, members and replications.

Timing of period ``t`` (every member at once):

1. shipments due arrive (dispatched ``transit + 1`` periods earlier) and join
   the receiver's stock, or reach the market;
2. the period's orders reach the suppliers' order books (a market's orders are
   its demand); what is owed on each lane is its backlog plus the new order;
3. each supplier ships what is owed if its stock covers it, otherwise its
   stock in proportion to what each lane is owed; a carrier with a
   ``capacity`` takes at most that much a period (pro rata), the rest waits at
   the shipper; an outside source ships up to its capacity;
4. every shipment is paid for when it leaves (the lane's price), the shipper
   pays the transport fee (to the carrier, or to the environment when it
   carries its own goods), and stock, capital and backlog costs are charged on
   the period's closing stock and backlog.

Orders are computed first for all periods (:mod:`._orders`); what moves
depends on the period before, so periods are a loop (:func:`move`). Money is
linear in what each lane ships, so the loop tallies goods per lane and member
and :func:`outcome` prices them once at the end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ._network import Network
from ._rules import Prices

__all__ = ["Outcome", "Plan", "Tallies", "plan", "initial_stock", "move", "outcome"]


@dataclass
class Outcome:
    """What the engine accumulates (replication-level sums over measured periods, and
    per-period sums over replications)."""

    member: dict
    market: dict
    carrier: dict
    period_member: dict
    period_market: dict
    lane_shipped: np.ndarray
    lane_arrived: np.ndarray
    balance: dict


@dataclass(frozen=True)
class Plan:
    """The network's lanes sorted by supplier (each supplier's lanes one contiguous run),
    with the index arrays and incidence matrices both engines use."""

    n: int
    m: int
    sources: int
    horizon: int
    order: np.ndarray  # sorted position -> the network's lane index
    supplier: np.ndarray
    customer: np.ndarray
    lead: np.ndarray  # transit + 1: periods from dispatch to arrival
    share: np.ndarray
    carrier: np.ndarray
    carrier_capacity: np.ndarray
    capped: bool
    source_capacity: np.ndarray
    bounds: np.ndarray  # (n + sources + 1,): supplier k's lanes are bounds[k]:bounds[k + 1]
    flow: np.ndarray  # steady flow on each lane before period 0
    in_pipeline: np.ndarray  # steady goods in transit to each member
    receive: sp.csr_array  # (n + m) x lanes
    market_owed: sp.csr_array  # m x lanes


def plan(network: Network) -> Plan:
    """Sort and index the lanes of ``network`` (its levels already set for the run)."""
    n, m, s = network.n_members, network.n_markets, len(network.sources)
    # by customer within a supplier: sums over a supplier's lanes then run in the order of
    # the order-splitting matrix's rows, so both engines round alike
    order = np.lexsort((network.lane_customer, network.lane_supplier))
    sup, cust = network.lane_supplier[order], network.lane_customer[order]
    lead = network.lane_transit[order] + 1
    lanes = len(order)
    horizon = int(lead.max()) + 1 if lanes else 1
    share = network.lane_share[order]
    carrier = network.lane_carrier[order]
    capacity = network.carrier_capacity
    capped = network.capped
    bounds = np.searchsorted(sup, np.arange(n + s + 1))
    flow = share * network.level[cust]
    in_pipeline = np.bincount(cust, weights=flow * lead, minlength=n + m)[:n]
    receive = sp.csr_array((np.ones(lanes), (cust, np.arange(lanes))), shape=(n + m, lanes))
    to_market = np.flatnonzero(cust >= n)
    market_owed = sp.csr_array((np.ones(len(to_market)), (cust[to_market] - n, to_market)),
                               shape=(m, lanes))
    return Plan(n, m, s, horizon, order, sup, cust, lead, share, carrier,
                capacity.astype(float), capped, network.source_capacity.astype(float),
                bounds.astype(np.int64), flow, in_pipeline, receive, market_owed)


def initial_stock(plan_: Plan, network: Network, safety: np.ndarray) -> np.ndarray:
    """Stock on hand before period 0 ``(members, replications)``: the lead time's demand
    not already in transit, plus the steady safety stock."""
    covered = network.lead_time * network.level[:plan_.n]
    return np.maximum(covered - plan_.in_pipeline, 0.0)[:, None] + safety


@dataclass
class Tallies:
    """What a period loop counts (``(rows, replications)`` unless said).

    Member rows: ``stock``, ``backlog``, ``net_sq``, ``unmet``, ``incoming``,
    ``received``, ``sent`` (sums over measured periods). Lanes: ``lane_sum``
    (shipped, measured; lanes sorted as in the plan). Markets: ``market_unmet``,
    ``market_delivered``. ``period`` holds per-period sums over replications
    ``(measured, rows)``: stock, backlog, incoming, received, sent, orders,
    market_delivered, market_backlog, and lane_shipped, lane_arrived with a column per
    lane in the network's order. ``balance`` per replication: initial_goods,
    source_output, delivered, final_goods.
    """

    member: dict
    lane_sum: np.ndarray
    market: dict
    period: dict
    balance: dict


def move(p: Plan, nodes: np.ndarray, safety_stock: np.ndarray, network: Network,
         warmup: int, keep_series: bool = True) -> Tallies:
    """Simulate the physical flows with whole arrays per period.

    Parameters
    ----------
    nodes : ndarray (periods_total, members + markets, replications)
        Orders each member places each period, then each market's demand.
    safety_stock : ndarray (members, replications)
        Steady safety stock before period 0.
    keep_series : bool
        Whether to fill the per-period member and lane tables (else they have no rows).
    """
    total, _, reps = nodes.shape
    n, m, s = p.n, p.m, p.sources
    lanes = len(p.supplier)
    horizon = p.horizon
    lane_index = np.arange(lanes)
    # where each lane's shipment of a period lands in the ring of arrival slots
    landing = [(slot + p.lead) % horizon for slot in range(horizon)]
    # sparse products with one entry per lane: a gather or a sum by segment in one pass
    # (numpy's reduceat and take along the lane axis are several times slower here)
    order_lanes = sp.csr_array((p.share, (np.arange(lanes), p.customer)),
                               shape=(lanes, n + m))
    supply = sp.csr_array((np.ones(lanes), np.arange(lanes), p.bounds), shape=(n + s, lanes))
    counts = np.diff(p.bounds)
    carried = p.carrier >= 0
    by_carrier = sp.csr_array((np.ones(carried.sum()), (p.carrier[carried],
                                                        np.flatnonzero(carried))),
                              shape=(len(p.carrier_capacity), lanes))
    cap = p.carrier_capacity[:, None]
    carrier_of = np.maximum(p.carrier, 0)

    # a ring of arrival slots: each lane's slot is written once between two reads, so no
    # slot needs clearing
    pipeline = np.zeros((horizon, lanes, reps))
    for lag in range(horizon - 1):  # orders placed in the L periods before 0 arrive in 0..L-1
        due = p.lead > lag
        pipeline[lag, due] = p.flow[due, None]
    on_hand = np.zeros((n + s, reps))
    on_hand[:n] = initial_stock(p, network, safety_stock)
    initial_goods = on_hand[:n].sum(axis=0) + pipeline.sum(axis=(0, 1))
    owed = np.zeros((lanes, reps))
    source_cap = p.source_capacity[:, None]

    measured = total - warmup
    rows = measured if keep_series else 0
    member = {k: np.zeros((n, reps)) for k in (
        "stock", "backlog", "net_sq", "unmet", "incoming", "received", "sent")}
    market = {k: np.zeros((m, reps)) for k in ("unmet", "delivered")}
    period = {k: np.zeros((rows, n)) for k in (
        "stock", "backlog", "incoming", "received", "sent")}
    period.update(market_delivered=np.zeros((measured, m)),
                  market_backlog=np.zeros((measured, m)),
                  lane_shipped=np.zeros((rows, lanes)),
                  lane_arrived=np.zeros((rows, lanes)))
    lane_sum = np.zeros((lanes, reps))
    source_output = np.zeros(reps)
    delivered = np.zeros(reps)
    backlog = np.zeros((n, reps))

    # each period's stock depends on the one before: a loop over periods, all else in arrays
    for t in range(total):
        slot = t % horizon
        arrived = pipeline[slot]
        received = p.receive @ arrived
        on_hand[:n] += received[:n]
        on_hand[n:] = source_cap
        owed += order_lanes @ nodes[t]
        need = supply @ owed
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(need > on_hand, on_hand / need, 1.0)
        shipped = np.repeat(ratio, counts, axis=0)
        shipped *= owed
        if p.capped:
            load = by_carrier @ shipped
            with np.errstate(divide="ignore", invalid="ignore"):
                scale = np.where(load > cap, cap / load, 1.0)
            shipped *= np.where(carried[:, None], scale[carrier_of], 1.0)
        owed -= shipped
        sent = supply @ shipped
        on_hand[:n] -= sent[:n]
        # rounding must not leave a tiny negative stock (shipments never exceed stock)
        np.maximum(on_hand[:n], 0.0, out=on_hand[:n])
        previous = backlog
        backlog = need[:n] - sent[:n]
        source_output += sent[n:].sum(axis=0)
        delivered += received[n:].sum(axis=0)
        if t >= warmup:
            k = t - warmup
            incoming = need[:n] - previous
            stock = on_hand[:n]
            net = stock - backlog
            market_backlog = p.market_owed @ owed
            for key, amount in (("stock", stock), ("backlog", backlog), ("net_sq", net * net),
                                ("unmet", np.minimum(backlog, incoming)),
                                ("incoming", incoming), ("received", received[:n]),
                                ("sent", sent[:n])):
                member[key] += amount
            if keep_series:
                for key, amount in (("stock", stock), ("backlog", backlog),
                                    ("incoming", incoming), ("received", received[:n]),
                                    ("sent", sent[:n])):
                    period[key][k] = amount.sum(axis=1)
                period["lane_arrived"][k, p.order] = arrived.sum(axis=1)
                period["lane_shipped"][k, p.order] = shipped.sum(axis=1)
            market["unmet"] += np.minimum(market_backlog, nodes[t, n:])
            market["delivered"] += received[n:]
            period["market_delivered"][k] = received[n:].sum(axis=1)
            period["market_backlog"][k] = market_backlog.sum(axis=1)
            lane_sum += shipped
        pipeline[landing[slot], lane_index] = shipped
    in_transit = np.zeros(reps)
    for j in range(horizon - 1):  # the last L shipments of each lane have not arrived
        due = p.lead > j
        in_transit += pipeline[(total + j) % horizon, due].sum(axis=0)
    balance = dict(initial_goods=initial_goods, source_output=source_output,
                   delivered=delivered, final_goods=on_hand[:n].sum(axis=0) + in_transit)
    return Tallies(member, lane_sum, market, period, balance)


def outcome(p: Plan, network: Network, prices: Prices, tallies: Tallies,
            orders_by_period: np.ndarray, demand: np.ndarray, capital_rate: np.ndarray,
            holding: float, backorder: float) -> Outcome:
    """Price the tallies of one block of replications.

    Parameters
    ----------
    orders_by_period : ndarray (measured, members)
        Orders placed, summed over replications (no rows: the per-period member and lane
        tables were not kept, and none is made).
    demand : ndarray (measured, markets, replications)
    """
    n, m = p.n, p.m
    lanes = len(p.supplier)
    lane = np.arange(lanes)
    price = prices.lane[p.order]
    fee = network.lane_fee[p.order]
    carried = p.carrier >= 0
    n_carriers = len(p.carrier_capacity)
    sell_money = sp.csr_array((price, (p.supplier, lane)), shape=(n + p.sources, lanes))
    buy_money = sp.csr_array((price, (p.customer, lane)), shape=(n + m, lanes))
    fee_money = sp.csr_array((fee, (p.supplier, lane)), shape=(n + p.sources, lanes))
    carrier_fee = sp.csr_array((fee[carried], (p.carrier[carried], lane[carried])),
                               shape=(n_carriers, lanes))
    by_carrier = sp.csr_array((np.ones(carried.sum()), (p.carrier[carried], lane[carried])),
                              shape=(n_carriers, lanes))
    own_fee = np.where(carried, 0.0, fee)
    value = prices.value[:, None]
    # a member sells at its flow-weighted price: the backlog penalty is a share of it
    out_weight = np.bincount(p.supplier, weights=p.flow, minlength=n + p.sources)[:n]
    sell_price = np.zeros(n)
    np.divide(np.bincount(p.supplier, weights=p.flow * price, minlength=n + p.sources)[:n],
              out_weight, out=sell_price, where=out_weight > 0)
    backlog_rate = backorder * sell_price

    shipped = tallies.lane_sum
    sold, bought = sell_money @ shipped, buy_money @ shipped
    fees = (fee_money @ shipped)[:n]
    income = carrier_fee @ shipped
    t = tallies.member
    acc = {"incoming": t["incoming"], "unmet": t["unmet"], "stock": t["stock"],
           "backlog": t["backlog"], "net": t["stock"] - t["backlog"], "net_sq": t["net_sq"],
           "received": t["received"], "shipped": t["sent"], "revenue": sold[:n],
           "purchases": bought[:n], "fees": fees, "holding": t["stock"] * value * holding,
           "capital": t["stock"] * value * capital_rate[:, None],
           "backlog_cost": t["backlog"] * backlog_rate[:, None]}
    acc_market = {"demand": demand.sum(axis=0), "unmet": tallies.market["unmet"],
                  "delivered": tallies.market["delivered"], "spend": bought[n:]}
    acc_carrier = {"carried": by_carrier @ shipped, "fees": income}
    money = {"market_payments": bought[n:].sum(axis=0), "source_receipts": sold[n:].sum(axis=0),
             "member_revenue": sold[:n].sum(axis=0), "member_purchases": bought[:n].sum(axis=0),
             "member_fees": fees.sum(axis=0), "carrier_fees": income.sum(axis=0),
             "fees_to_environment": own_fee @ shipped}

    per = tallies.period
    per_market = {"demand": demand.sum(axis=2), "delivered": per["market_delivered"],
                  "backlog": per["market_backlog"]}
    balance = {**tallies.balance, **money}
    lane_shipped = per["lane_shipped"]
    if not len(orders_by_period):
        return Outcome(acc, acc_market, acc_carrier, {}, per_market, lane_shipped,
                       per["lane_arrived"], balance)
    stock, backlog = per["stock"], per["backlog"]
    unit = prices.value * (holding + capital_rate)
    # the lanes' table in rows (lanes x periods) once for the three products; each would
    # otherwise copy it again
    by_lane = np.ascontiguousarray(lane_shipped.T)
    revenue = _into_rows(sell_money[:n], p.order, by_lane)
    # one members x periods table at a time, summed in place
    cost = _into_rows(buy_money[:n], p.order, by_lane)
    cost += _into_rows(fee_money[:n], p.order, by_lane)
    del by_lane
    cost += stock * unit
    cost += backlog * backlog_rate
    per_member = {"stock": stock, "backlog": backlog, "orders": orders_by_period,
                  "incoming": per["incoming"], "received": per["received"],
                  "shipped": per["sent"], "revenue": revenue, "cost": cost}
    return Outcome(acc, acc_market, acc_carrier, per_member, per_market, lane_shipped,
                   per["lane_arrived"], balance)


def _into_rows(matrix: sp.csr_array, column: np.ndarray, by_lane: np.ndarray) -> np.ndarray:
    """``by_lane`` (the network's lanes x periods) summed into the rows of ``matrix`` (whose
    columns are the sorted lanes; ``column`` gives each its row of ``by_lane``), periods x
    rows. Each row adds its lanes in the order the matrix keeps them, as for the sorted
    lanes' table."""
    in_network_order = sp.csr_array((matrix.data, column[matrix.indices], matrix.indptr),
                                    shape=(matrix.shape[0], len(column)))
    return np.asarray((in_network_order @ by_lane).T)
