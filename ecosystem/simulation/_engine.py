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
    import scipy.sparse as sp
    total, n, reps = orders.shape
    m = network.n_markets
    lanes = network.n_lanes
    n_sources = len(network.sources)
    # lanes sorted by transit: each period's shipments then join the pipeline as a few
    # contiguous slices instead of one scatter over every lane
    order = np.argsort(network.lane_transit, kind="stable")
    sup, cust = network.lane_supplier[order], network.lane_customer[order]
    transit = network.lane_transit[order] + 1
    bounds = np.flatnonzero(np.diff(transit)) + 1
    groups = [(int(transit[a]), a, b) for a, b in zip(np.r_[0, bounds], np.r_[bounds, lanes])]
    horizon = int(transit.max()) + 1 if lanes else 1
    lane_share = network.lane_share[order]
    share = lane_share[:, None]
    supply = sp.csr_array((np.ones(lanes), (sup, np.arange(lanes))), shape=(n + n_sources, lanes))
    receive = sp.csr_array((np.ones(lanes), (cust, np.arange(lanes))), shape=(n + m, lanes))
    carrier = network.lane_carrier[order]
    carried = carrier >= 0
    n_carriers = len(network.carriers)
    by_carrier = sp.csr_array((np.ones(carried.sum()), (carrier[carried],
                                                        np.flatnonzero(carried))),
                              shape=(n_carriers, lanes))
    capacity = np.append(network.carrier_capacity, np.inf)  # index -1: no carrier
    capped = bool(np.isfinite(capacity[carrier]).any())
    cap = network.carrier_capacity[:, None]
    carrier_of = np.maximum(carrier, 0)

    # steady state before period 0: every lane carries its share of its customer's level
    flow = lane_share * network.level[cust]
    pipeline = np.zeros((horizon, lanes, reps))
    for lag in range(horizon - 1):  # orders placed in the L periods before 0 arrive in 0..L-1
        due = transit > lag
        pipeline[lag, due] = flow[due, None]
    on_hand = np.zeros((n + n_sources, reps))
    in_pipeline = np.bincount(cust, weights=flow * transit, minlength=n + m)[:n]
    covered = network.lead_time * network.level[:n]
    on_hand[:n] = np.maximum(covered - in_pipeline, 0.0)[:, None] + safety
    owed = np.zeros((lanes, reps))
    initial_goods = on_hand[:n].sum(axis=0) + pipeline.sum(axis=(0, 1))
    source_cap = network.source_capacity[:, None]
    price = prices.lane[order]
    fee = network.lane_fee[order]
    value = prices.value[:, None]
    sell_price = np.zeros(n)
    out_weight = np.bincount(sup, weights=flow, minlength=n + n_sources)[:n]
    np.divide(np.bincount(sup, weights=flow * price, minlength=n + n_sources)[:n],
              out_weight, out=sell_price, where=out_weight > 0)
    backlog_rate = backorder * sell_price[:, None]
    # money per lane, summed by who pays and who is paid, as sparse products
    sell_money = sp.csr_array((price, (sup, np.arange(lanes))), shape=(n + n_sources, lanes))
    buy_money = sp.csr_array((price, (cust, np.arange(lanes))), shape=(n + m, lanes))
    fee_money = sp.csr_array((fee, (sup, np.arange(lanes))), shape=(n + n_sources, lanes))
    carrier_fee = sp.csr_array((fee[carried], (carrier[carried], np.flatnonzero(carried))),
                               shape=(n_carriers, lanes))
    own_fee = np.where(carried, 0.0, fee)

    measured = total - warmup
    acc = {k: np.zeros((n, reps)) for k in (
        "incoming", "unmet", "stock", "backlog", "net", "net_sq", "received", "shipped",
        "revenue", "purchases", "fees", "holding", "capital", "backlog_cost")}
    acc_market = {k: np.zeros((m, reps)) for k in ("demand", "unmet", "delivered", "spend")}
    acc_carrier = {k: np.zeros((n_carriers, reps)) for k in ("carried", "fees")}
    per_member = {k: np.zeros((measured, n)) for k in (
        "stock", "backlog", "orders", "incoming", "received", "shipped", "revenue", "cost")}
    per_market = {k: np.zeros((measured, m)) for k in ("demand", "delivered", "backlog")}
    lane_shipped = np.zeros((measured, lanes))
    lane_arrived = np.zeros((measured, lanes))
    source_output = np.zeros(reps)
    delivered_total = np.zeros(reps)
    money = {k: np.zeros(reps) for k in (
        "market_payments", "source_receipts", "member_revenue", "member_purchases",
        "member_fees", "carrier_fees", "fees_to_environment")}
    orders_by_node = np.empty((n + m, reps))

    # each period's stock depends on the one before: a loop over periods, all else in arrays
    for t in range(total):
        slot = t % horizon
        arrived = pipeline[slot]
        received = receive @ arrived
        on_hand[:n] += received[:n]
        on_hand[n:] = source_cap
        orders_by_node[:n] = orders[t]
        orders_by_node[n:] = demand[t]
        placed = orders_by_node[cust]
        placed *= share
        owed += placed
        need = supply @ owed
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(need > on_hand, on_hand / need, 1.0)
        shipped = ratio[sup]
        shipped *= owed
        if capped:
            load = by_carrier @ shipped
            with np.errstate(divide="ignore", invalid="ignore"):
                scale = np.where(load > cap, cap / load, 1.0)
            shipped *= np.where(carried[:, None], scale[carrier_of], 1.0)
        owed -= shipped
        sent = supply @ shipped
        on_hand[:n] -= sent[:n]
        # rounding must not leave a tiny negative stock (shipments never exceed stock)
        np.maximum(on_hand[:n], 0.0, out=on_hand[:n])
        for lag, a, b in groups:  # one slice per distinct transit time
            pipeline[(slot + lag) % horizon, a:b] += shipped[a:b]
        source_output += sent[n:].sum(axis=0)
        delivered_total += received[n:].sum(axis=0)
        if t < warmup:
            arrived.fill(0.0)
            continue
        k = t - warmup
        lane_arrived[k] = arrived.sum(axis=1)
        arrived.fill(0.0)
        sold = sell_money @ shipped
        bought = buy_money @ shipped
        fees = (fee_money @ shipped)[:n]
        income = carrier_fee @ shipped
        money["market_payments"] += bought[n:].sum(axis=0)
        money["source_receipts"] += sold[n:].sum(axis=0)
        money["member_revenue"] += sold[:n].sum(axis=0)
        money["member_purchases"] += bought[:n].sum(axis=0)
        money["member_fees"] += fees.sum(axis=0)
        money["carrier_fees"] += income.sum(axis=0)
        money["fees_to_environment"] += own_fee @ shipped
        backlog = (supply @ owed)[:n]
        incoming = (supply @ placed)[:n]
        stock = on_hand[:n]
        revenue, purchases = sold[:n], bought[:n]
        holding_cost = stock * value * holding
        capital_cost = stock * value * capital_rate[:, None]
        backlog_cost = backlog * backlog_rate
        net = stock - backlog
        for key, amount in (("incoming", incoming), ("unmet", np.minimum(backlog, incoming)),
                            ("stock", stock), ("backlog", backlog), ("net", net),
                            ("net_sq", net * net), ("received", received[:n]),
                            ("shipped", sent[:n]), ("revenue", revenue),
                            ("purchases", purchases), ("fees", fees),
                            ("holding", holding_cost), ("capital", capital_cost),
                            ("backlog_cost", backlog_cost)):
            acc[key] += amount
        market_backlog = (receive @ owed)[n:]
        acc_market["demand"] += demand[t]
        acc_market["unmet"] += np.minimum(market_backlog, demand[t])
        acc_market["delivered"] += received[n:]
        acc_market["spend"] += bought[n:]
        acc_carrier["carried"] += by_carrier @ shipped
        acc_carrier["fees"] += income
        for key, amount in (("stock", stock), ("backlog", backlog), ("orders", orders[t]),
                            ("incoming", incoming), ("received", received[:n]),
                            ("shipped", sent[:n]), ("revenue", revenue),
                            ("cost", purchases + fees + holding_cost + capital_cost
                             + backlog_cost)):
            per_member[key][k] = amount.sum(axis=1)
        per_market["demand"][k] = demand[t].sum(axis=1)
        per_market["delivered"][k] = received[n:].sum(axis=1)
        per_market["backlog"][k] = market_backlog.sum(axis=1)
        lane_shipped[k] = shipped.sum(axis=1)
    final_goods = on_hand[:n].sum(axis=0) + pipeline.sum(axis=(0, 1))
    balance = dict(initial_goods=initial_goods, source_output=source_output,
                   delivered=delivered_total, final_goods=final_goods, **money)
    unsort = np.argsort(order)
    return Outcome(acc, acc_market, acc_carrier, per_member, per_market,
                   lane_shipped[:, unsort], lane_arrived[:, unsort], balance)
