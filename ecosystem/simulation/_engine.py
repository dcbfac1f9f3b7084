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
depends on the period before, so periods are a loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._network import Network
from ._rules import Prices

__all__ = ["Outcome", "move"]


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


def move(network: Network, prices: Prices, orders: np.ndarray, demand: np.ndarray,
         safety: np.ndarray, warmup: int, capital_rate: np.ndarray, holding: float,
         backorder: float) -> Outcome:
    """Simulate the physical flows.

    Parameters
    ----------
    orders : ndarray (periods_total, members, replications)
        Orders each member places each period.
    demand : ndarray (periods_total, markets, replications)
    safety : ndarray (members, replications)
        Steady safety stock before period 0.
    """
    total, n, reps = orders.shape
    m = network.n_markets
    lanes = network.n_lanes
    supply = network.supplier_matrix()
    receive = network.customer_matrix()
    n_sources = len(network.sources)
    sup, cust = network.lane_supplier, network.lane_customer
    transit = network.lane_transit + 1
    horizon = int(transit.max()) + 1 if lanes else 1
    share = network.lane_share[:, None]

    # steady state before period 0: every lane carries its share of its customer's level
    flow = network.lane_share * network.level[cust]
    pipeline = np.zeros((horizon, lanes, reps))
    for lag in range(1, horizon):  # at most the longest transit: a handful of periods
        due = transit >= lag
        pipeline[lag % horizon, due] = flow[due, None]
    on_hand = np.zeros((n + n_sources, reps))
    in_pipeline = np.bincount(cust, weights=flow * transit, minlength=n + m)[:n]
    covered = network.lead_time * network.level[:n]
    on_hand[:n] = np.maximum(covered - in_pipeline, 0.0)[:, None] + safety
    owed = np.zeros((lanes, reps))
    initial_goods = on_hand[:n].sum(axis=0) + pipeline.sum(axis=(0, 1))
    source_cap = network.source_capacity[:, None]
    carrier = network.lane_carrier
    carried = carrier >= 0
    capacity = np.append(network.carrier_capacity, np.inf)  # index -1: no carrier
    capped = np.isfinite(capacity[carrier])
    carrier_matrix = None
    if capped.any():
        import scipy.sparse as sp
        carrier_matrix = sp.csr_array((np.ones(capped.sum()), (carrier[capped],
                                       np.flatnonzero(capped))),
                                      shape=(len(network.carriers), lanes))
        cap = network.carrier_capacity[:, None]
    price = prices.lane[:, None]
    fee = network.lane_fee[:, None]
    value = prices.value[:, None]
    sell_price = np.zeros(n)
    out_weight = np.bincount(sup, weights=flow, minlength=n + n_sources)[:n]
    np.divide(np.bincount(sup, weights=flow * prices.lane, minlength=n + n_sources)[:n],
              out_weight, out=sell_price, where=out_weight > 0)
    stock_rate = (holding + capital_rate)[:, None] * value
    backlog_rate = backorder * sell_price[:, None]

    measured = total - warmup
    acc = {k: np.zeros((n, reps)) for k in (
        "incoming", "unmet", "stock", "backlog", "net", "net_sq", "received", "shipped",
        "revenue", "purchases", "fees", "holding", "capital", "backlog_cost")}
    acc_market = {k: np.zeros((m, reps)) for k in ("demand", "unmet", "delivered", "spend")}
    acc_carrier = {k: np.zeros((len(network.carriers), reps)) for k in ("carried", "fees")}
    per_member = {k: np.zeros((measured, n)) for k in (
        "stock", "backlog", "orders", "incoming", "received", "shipped", "revenue", "cost")}
    per_market = {k: np.zeros((measured, m)) for k in ("demand", "delivered", "backlog")}
    lane_shipped = np.zeros((measured, lanes))
    lane_arrived = np.zeros((measured, lanes))
    source_output = np.zeros(reps)
    delivered_total = np.zeros(reps)
    fees_to_environment = np.zeros(reps)
    money_in = np.zeros(reps)   # what markets pay
    money_out = np.zeros(reps)  # what outside sources are paid
    orders_by_node = np.empty((n + m, reps))

    # each period's stock depends on the one before: a loop over periods, all else in arrays
    for t in range(total):
        slot = t % horizon
        arrived = pipeline[slot].copy()
        pipeline[slot] = 0.0
        received = receive @ arrived
        on_hand[:n] += received[:n]
        on_hand[n:] = source_cap
        orders_by_node[:n] = orders[t]
        orders_by_node[n:] = demand[t]
        placed = share * orders_by_node[cust]
        owed += placed
        need = supply @ owed
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(need > on_hand, on_hand / need, 1.0)
        shipped = owed * ratio[sup]
        if carrier_matrix is not None:
            load = carrier_matrix @ shipped
            with np.errstate(divide="ignore", invalid="ignore"):
                scale = np.where(load > cap, cap / load, 1.0)
            shipped[capped] *= scale[carrier[capped]]
        owed -= shipped
        sent = supply @ shipped
        on_hand[:n] -= sent[:n]
        # rounding must not leave a tiny negative stock (shipments never exceed stock)
        np.maximum(on_hand[:n], 0.0, out=on_hand[:n])
        pipeline[(slot + transit) % horizon, np.arange(lanes)] += shipped
        source_output += sent[n:].sum(axis=0)
        delivered_total += received[n:].sum(axis=0)
        paid = shipped * price
        fee_paid = shipped * fee
        money_in += (receive @ paid)[n:].sum(axis=0)
        money_out += (supply @ paid)[n:].sum(axis=0)
        fees_to_environment += fee_paid[~carried].sum(axis=0)
        if t < warmup:
            continue
        k = t - warmup
        backlog = (supply @ owed)[:n]
        incoming = (supply @ placed)[:n]
        stock = on_hand[:n]
        acc["incoming"] += incoming
        acc["unmet"] += np.minimum(backlog, incoming)
        acc["stock"] += stock
        acc["backlog"] += backlog
        net = stock - backlog
        acc["net"] += net
        acc["net_sq"] += net * net
        acc["received"] += received[:n]
        acc["shipped"] += sent[:n]
        revenue = (supply @ paid)[:n]
        purchases = (receive @ paid)[:n]
        fees = (supply @ fee_paid)[:n]
        holding_cost = stock * value * holding
        capital_cost = stock * value * capital_rate[:, None]
        backlog_cost = backlog * backlog_rate
        acc["revenue"] += revenue
        acc["purchases"] += purchases
        acc["fees"] += fees
        acc["holding"] += holding_cost
        acc["capital"] += capital_cost
        acc["backlog_cost"] += backlog_cost
        market_backlog = (receive @ owed)[n:]
        acc_market["demand"] += demand[t]
        acc_market["unmet"] += np.minimum(market_backlog, demand[t])
        acc_market["delivered"] += received[n:]
        acc_market["spend"] += (receive @ paid)[n:]
        if len(network.carriers):
            by_carrier = np.zeros((len(network.carriers), reps))
            np.add.at(by_carrier, carrier[carried], shipped[carried])
            acc_carrier["carried"] += by_carrier
            by_carrier = np.zeros((len(network.carriers), reps))
            np.add.at(by_carrier, carrier[carried], fee_paid[carried])
            acc_carrier["fees"] += by_carrier
        per_member["stock"][k] = stock.sum(axis=1)
        per_member["backlog"][k] = backlog.sum(axis=1)
        per_member["orders"][k] = orders[t].sum(axis=1)
        per_member["incoming"][k] = incoming.sum(axis=1)
        per_member["received"][k] = received[:n].sum(axis=1)
        per_member["shipped"][k] = sent[:n].sum(axis=1)
        per_member["revenue"][k] = revenue.sum(axis=1)
        per_member["cost"][k] = (purchases + fees + holding_cost + capital_cost
                                 + backlog_cost).sum(axis=1)
        per_market["demand"][k] = demand[t].sum(axis=1)
        per_market["delivered"][k] = received[n:].sum(axis=1)
        per_market["backlog"][k] = market_backlog.sum(axis=1)
        lane_shipped[k] = shipped.sum(axis=1)
        lane_arrived[k] = arrived.sum(axis=1)
    final_goods = on_hand[:n].sum(axis=0) + pipeline.sum(axis=(0, 1))
    balance = dict(initial_goods=initial_goods, source_output=source_output,
                   delivered=delivered_total, final_goods=final_goods,
                   market_payments=money_in, source_receipts=money_out,
                   fees_to_environment=fees_to_environment)
    return Outcome(acc, acc_market, acc_carrier, per_member, per_market, lane_shipped,
                   lane_arrived, balance)
