"""The period loop compiled with numba (the ``fast`` extra): a few replications at a time,
member by member and lane by lane.

The whole-array engine (:func:`ecosystem.simulation._engine.move`) passes over
every lane and replication a dozen times a period and keeps every order of a
block in memory; this kernel takes a tile of a few replications at a time
(their state is a few values per lane and replication), passes over the
suppliers once a period, deepest customers first, with the replications as
the innermost loop (which the compiler turns into vector instructions): each
member books its customers' orders on its lanes, places its own, takes in its
arrivals and ships, so each lane's row of orders is read once a period and it
needs no orders array. The rows a member reads out of order (its customers' orders,
its arriving ring slots) are asked of memory a few members ahead, and what a member
needs and receives stays in a small array of its thread unless capped carriers need it
again. It follows the same rules in the same order and gives the same tallies to
rounding (tests compare the two on random belts). Without numba, or with the
environment variable ``ECOBELT_NUMBA=0``, the whole-array engine runs.
"""

from __future__ import annotations

import types
from functools import lru_cache

import numpy as np

from .._numba import ENVIRONMENT_VARIABLE, switched_off
from ..bullwhip._forecast import ar1_coefficient
from ._engine import Plan, Tallies, initial_stock
from ._network import Network
from ._orders import Policy, policy_codes, steady_safety

__all__ = ["available", "simulate", "tile_elements", "ENVIRONMENT_VARIABLE"]

#: Replications simulated together (the innermost loop).
_TILE = 32
#: Members x replications of a tile from which each period's members, nodes and suppliers are
#: split among threads. Below it a period is too short for starting threads to pay, and on a
#: machine with any other work the threads wait for each other at every period's joins: the
#: 10k-member belt (320,000) ran 1.5x slower on two threads, 40,000 and 100,000 members 1.6x
#: faster (benchmarks/RESULTS.md).
_PARALLEL_FROM = 1_000_000

# the loop over blocks (numba's prange in the compiled copies)
prange = range

_KINDS = {"moving_average": 0, "exponential_smoothing": 1, "ar1": 2, "base_stock": 3}

#: Members ahead of the one being simulated whose scattered rows (their customers' orders,
#: their arriving ring slots) are asked of memory early: at a million members those rows are
#: not in the cache, and a member's own work is long enough to hide the wait.
_AHEAD = 4


def _no_prefetch(array, row, column):
    """What the kernel calls as plain Python (a hint with nothing to do)."""


prefetch = _no_prefetch


def _prefetch_intrinsic():
    """A numba function that asks for the cache line of ``array[row, column]`` (LLVM's
    prefetch: a read, kept in every cache level); it changes no value."""
    from llvmlite import ir
    from numba.core import cgutils, types
    from numba.extending import intrinsic

    @intrinsic
    def fetch(typingctx, array, row, column):
        def codegen(context, builder, signature, args):
            kind = signature.args[0]
            handle = context.make_array(kind)(context, builder, args[0])
            # any integer type the kernel passes, as the index width the pointer needs
            index = [context.cast(builder, args[k], signature.args[k], types.intp)
                     for k in (1, 2)]
            pointer = cgutils.get_item_pointer(context, builder, kind, handle, index,
                                               wraparound=False)
            byte = ir.IntType(8).as_pointer()
            word = ir.IntType(32)
            function = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(ir.VoidType(), [byte, word, word, word]),
                "llvm.prefetch.p0i8")
            builder.call(function, [builder.bitcast(pointer, byte), word(0), word(3), word(1)])
            return context.get_dummy_value()
        return types.void(array, row, column), codegen
    return fetch


def tile_elements(lanes: int, in_transit: int, nodes: int, history: int,
                  replications: int, capped: bool = True) -> int:
    """Values the kernel's state of one tile of replications holds (for the memory check):
    ``in_transit`` ring slots (each lane's lead time, summed), ``history`` forecast slots
    (each member's window, summed), what each lane owes, a few values per node, and five
    integers per lane; with ``capped`` carriers also what each lane ships and what each node
    needs (kept between the booking and the sending pass)."""
    per_lane, per_node = (2, 12) if capped else (1, 11)
    return min(_TILE, replications) * (in_transit + per_lane * lanes + per_node * nodes
                                       + history) \
        + 5 * lanes


def available() -> bool:
    """Whether the compiled kernel runs: numba importable and not switched off."""
    if switched_off():
        return False
    return _kernel() is not None


@lru_cache(maxsize=1)
def _kernel():
    """The compiled loop, built once: ``(serial, parallel)``."""
    try:
        import numba
    except ImportError:
        return None
    # the compiled copies see numba's prange and prefetch; the module's own function (what
    # plain Python runs) keeps range and a prefetch that does nothing
    # with numba's compiler switched off (NUMBA_DISABLE_JIT) the copies run as plain Python
    hint = _no_prefetch if numba.config.DISABLE_JIT else _prefetch_intrinsic()
    names = dict(globals(), prange=numba.prange, prefetch=hint)
    # cache=True keeps the machine code beside this module (or in numba's user cache when
    # the package folder is read-only), so only the first run on a machine compiles
    # error_model="numpy": a division by zero gives inf or nan as in numpy (the rules never
    # divide by zero) instead of a check that keeps the loops over replications scalar
    options = dict(cache=True, nogil=True, error_model="numpy")
    serial = numba.njit(**options)(_copy(names, "_simulate"))
    # the same code under its own name, so numba's cache keeps the two builds apart
    twin = _copy(names, "_simulate_parallel")
    return serial, numba.njit(parallel=True, **options)(twin)


def _copy(names: dict, name: str) -> types.FunctionType:
    """:func:`_simulate` with its global names looked up in ``names``."""
    function = types.FunctionType(_simulate.__code__, names, name)
    function.__qualname__ = name
    return function


def _threads() -> int:
    import numba
    return int(numba.get_num_threads())


def simulate(p: Plan, network: Network, policies: list[Policy], shares: np.ndarray,
             market_demand: np.ndarray, spec, warmup: int, keep_series: bool = True
             ) -> tuple[Tallies, np.ndarray, np.ndarray]:
    """Tallies, orders per period summed over replications ``(measured, members)`` and
    each member's order variance ``(members, replications)`` of one block (without
    ``keep_series``, the per-period member and lane tables have no rows)."""
    n, m, s = p.n, p.m, p.sources
    total, _, reps = market_demand.shape
    measured = total - warmup
    lanes = len(p.supplier)
    level = network.level[:n].astype(float)
    distinct, code = policy_codes(policies)
    kind = np.array([_KINDS[q.forecast] for q in distinct], dtype=np.int64)[code]
    window = np.array([q.window if q.forecast == "moving_average" else 1 for q in distinct],
                      dtype=np.int64)[code]
    alpha = np.array([q.alpha for q in distinct], dtype=float)[code]
    z = np.array([q.z for q in distinct], dtype=float)[code]
    lead = network.lead_time.astype(np.int64)
    spread = z * np.sqrt(lead)
    with_spread = z != 0
    rho = spec.rho if spec is not None else 0.0
    leads, at = np.unique(lead, return_inverse=True)
    coefficient = np.array([ar1_coefficient(int(L), rho) for L in leads], dtype=float)[at]
    history = np.concatenate([[0], np.cumsum(window)]).astype(np.int64)
    safety = np.zeros(n)
    innovation = None
    if spec is not None and (kind == 2).any():
        innovation = np.sqrt((network.routing ** 2) @ (
            spec.innovation_sd(network.level[n:]) ** 2))
    for k, q in enumerate(distinct):
        if q.forecast not in ("base_stock", "ar1"):
            continue
        for L in np.unique(lead[code == k]).tolist():
            rows = np.flatnonzero((code == k) & (lead == L))
            safety[rows] = steady_safety(q, L, level[rows],
                                         (rho, innovation[rows]) if innovation is not None
                                         else None)
    on_hand = np.ascontiguousarray(
        initial_stock(p, network, np.broadcast_to(safety[:, None], (n, reps))))
    demand = np.ascontiguousarray(market_demand, dtype=float)

    member = {k: np.zeros((n, reps)) for k in (
        "stock", "backlog", "net_sq", "unmet", "incoming", "received", "sent")}
    order_sum, order_sq = np.zeros((n, reps)), np.zeros((n, reps))
    market = {k: np.zeros((m, reps)) for k in ("unmet", "delivered")}
    kept = measured if keep_series else 0
    period = {k: np.zeros((kept, n)) for k in (
        "stock", "backlog", "incoming", "received", "sent", "orders")}
    period.update(market_delivered=np.zeros((measured, m)),
                  market_backlog=np.zeros((measured, m)),
                  # what each lane ships from the longest lead time before the first
                  # measured period on: what arrives in a measured period is a row of it
                  lane_shipped=np.zeros((kept + int(p.lead.max(initial=0)) * keep_series,
                                         lanes)))
    lane_sum = np.zeros((lanes, reps))
    balance = {k: np.zeros(reps) for k in (
        "initial_goods", "source_output", "delivered", "final_goods")}
    tile = min(_TILE, reps)
    serial, parallel = _kernel()
    threads = _threads() if n * tile >= _PARALLEL_FROM else 1
    depth = network.depth
    # the members of each depth, then the outside sources
    group_bounds = np.concatenate([[0], np.flatnonzero(np.diff(depth)) + 1, [n, n + s]]
                                  if n else [[0, s]])
    in_lanes = np.argsort(p.customer, kind="stable")
    in_bounds = np.searchsorted(p.customer[in_lanes], np.arange(n + m + 1))
    market_lanes = np.flatnonzero(p.customer >= n)
    (parallel if threads > 1 else serial)(
        tile, warmup, n, m, s, p.bounds, p.customer, p.share, p.lead, p.carrier,
        p.carrier_capacity, p.capped, p.source_capacity, p.flow, p.order.astype(np.int64),
        group_bounds.astype(np.int64), in_bounds.astype(np.int64), in_lanes.astype(np.int64),
        market_lanes.astype(np.int64), 4 * threads if threads > 1 else 1, keep_series,
        kind, window, history, alpha, lead.astype(float), spread, with_spread, coefficient,
        level, shares.astype(np.bool_), np.ascontiguousarray(network.routing, dtype=float),
        demand, on_hand,
        member["stock"], member["backlog"], member["net_sq"], member["unmet"],
        member["incoming"], member["received"], member["sent"], order_sum, order_sq,
        market["unmet"], market["delivered"], lane_sum,
        period["stock"], period["backlog"], period["incoming"], period["received"],
        period["sent"], period["orders"], period["market_delivered"],
        period["market_backlog"], period["lane_shipped"],
        balance["initial_goods"], balance["source_output"], balance["delivered"],
        balance["final_goods"])
    orders_by_period = period.pop("orders")
    period["lane_shipped"], period["lane_arrived"] = _arrivals(
        period["lane_shipped"], network.lane_transit.astype(np.int64) + 1, kept)
    # the sample variance as the whole-array engine computes it (bullwhip's variances)
    order_var = (order_sq - order_sum * order_sum / measured) / max(measured - 1, 1)
    return Tallies(member, lane_sum, market, period, balance), orders_by_period, order_var


def _arrivals(shipped: np.ndarray, lead: np.ndarray, measured: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """The measured rows of ``shipped`` (periods from the longest lead time before the first
    measured one, x the network's lanes) and what arrives on each lane in each measured
    period: what it shipped its lead time before."""
    arrived = np.empty((measured, shipped.shape[1]))
    _arrival_kernel()(shipped, lead, arrived)
    return shipped[shipped.shape[0] - measured:], arrived


def _arrive(shipped, lead, arrived):
    """Fill ``arrived`` row by row (compiled by numba): a lane at a time would read a column
    of the table, and numpy's gathers per lead time pass over it twice."""
    measured, lanes = arrived.shape
    earlier = shipped.shape[0] - measured
    for t in range(measured):
        for j in range(lanes):
            arrived[t, j] = shipped[earlier + t - lead[j], j]


@lru_cache(maxsize=1)
def _arrival_kernel():
    import numba
    return numba.njit(cache=True, nogil=True)(_arrive)


def _simulate(tile, warmup, n, m, s, bounds, customer, share, lead, carrier,
              carrier_capacity, capped, source_capacity, flow, column, group_bounds, in_bounds,
              in_lanes, market_lanes, split, keep, kind, window, history, alpha, lead_time,
              spread, with_spread, coefficient, level, sharing, routing, demand, on_hand_start,
              m_stock, m_backlog, m_net_sq, m_unmet, m_incoming, m_received, m_sent,
              order_sum, order_sq, k_unmet, k_delivered, lane_sum,
              p_stock, p_backlog, p_incoming, p_received, p_sent, p_orders,
              p_delivered, p_market_backlog, p_shipped,
              initial_goods, source_output, delivered, final_goods):
    """The period loop of one block (compiled by numba; plain Python runs it too, slowly).
    Arrays over replications are ``(rows, replications)``; the state of a tile of
    replications is ``(rows, tile)``. Lanes are sorted by supplier, and ``column`` gives each
    its column of ``p_shipped`` (the network's order of lanes).

    Each period's members of one depth, and the outside sources, are independent of each
    other, so each group is a loop over ``split`` blocks (``prange``: threads in the
    parallel build); sums that several of them add to (carrier loads, market backlogs,
    source output) are taken afterwards in lane order, so every number is the same
    whichever thread computed it.
    """
    total = demand.shape[0]
    reps = demand.shape[2]
    lanes = customer.shape[0]
    suppliers = n + s
    R = tile
    # each lane's own ring of L slots, read and refilled at one cursor: the goods leaving
    # in period t arrive in t + L, when the cursor is back (one ring for all lanes would
    # send every write to another cache line)
    start = np.zeros(lanes + 1, dtype=np.int64)
    for e in range(lanes):
        start[e + 1] = start[e] + lead[e]
    pipeline = np.zeros((start[lanes], R))
    cursor = np.zeros(lanes, dtype=np.int64)
    # the same rings read in the order of the lanes into each node, with cursors of their own
    # (the ring's slot of period t is t mod L either way), so that pass reads only the ring
    # out of order
    in_start = np.zeros(lanes, dtype=np.int64)
    in_lead = np.zeros(lanes, dtype=np.int64)
    for x in range(lanes):
        in_start[x] = start[in_lanes[x]]
        in_lead[x] = lead[in_lanes[x]]
    in_cursor = np.zeros(lanes, dtype=np.int64)
    # rows of p_shipped before the first measured period (goods then still arrive in it)
    earlier = p_shipped.shape[0] - (demand.shape[0] - warmup) if keep else 0
    owed = np.zeros((lanes, R))
    # what each lane ships, kept only while capped carriers scale it
    shipped = np.zeros((lanes if capped else 0, R))
    on_hand = np.zeros((suppliers, R))
    node = np.zeros((n + m, R))
    received = np.zeros((n + m, R))
    # kept between the two stages only where capped carriers scale the shipments
    need = np.zeros((suppliers if capped else 0, R))
    source_sent = np.zeros((s, R))
    backlog = np.zeros((n, R))
    cumulative = np.zeros((n, R))
    running = np.zeros((n, R))
    forecast = np.zeros((n, R))
    smoothed = np.zeros((n, R))
    ring = np.zeros((history[n], R))
    position = np.zeros(n, dtype=np.int64)
    n_carriers = carrier_capacity.shape[0]
    load = np.zeros((n_carriers, R))
    scale = np.ones((n_carriers, R))
    market_backlog = np.zeros((m, R))
    groups = group_bounds.shape[0] - 1
    for r0 in range(0, reps, R):
        T = min(R, reps - r0)
        for e in range(lanes):
            for lag in range(lead[e]):
                for q in range(R):
                    pipeline[start[e] + lag, q] = flow[e]
                # the goods arriving in period lag left in lag - L, before period 0
                row = lag - lead[e] - warmup + earlier
                if keep and row >= 0:
                    before = 0.0
                    for q in range(T):
                        before += pipeline[start[e] + lag, q]
                    p_shipped[row, column[e]] += before
        cursor[:] = 0
        in_cursor[:] = 0
        owed[:, :] = 0.0
        on_hand[:, :] = 0.0
        for i in range(n):
            for q in range(T):
                on_hand[i, q] = on_hand_start[i, r0 + q]
        for q in range(T):
            goods = 0.0
            for i in range(n):
                goods += on_hand[i, q]
            for e in range(start[lanes]):
                goods += pipeline[e, q]
            initial_goods[r0 + q] = goods
        backlog[:, :] = 0.0
        cumulative[:, :] = 0.0
        running[:, :] = 0.0
        forecast[:, :] = 0.0
        smoothed[:, :] = 0.0
        ring[:, :] = 0.0
        position[:] = 0
        for t in range(total):
            k = t - warmup
            measure = k >= 0
            record = keep and k + earlier >= 0
            for j in range(m):
                for q in range(T):
                    node[n + j, q] = demand[t, j, r0 + q]
            # the markets' arrivals first: every supplier of a market still has to ship, so
            # the ring slots hold what left a lead time ago
            for j in range(m):
                c = n + j
                for q in range(T):
                    received[c, q] = 0.0
                for x in range(in_bounds[c], in_bounds[c + 1]):
                    row = in_start[x] + in_cursor[x]
                    in_cursor[x] = in_cursor[x] + 1 if in_cursor[x] + 1 < in_lead[x] else 0
                    for q in range(T):
                        received[c, q] += pipeline[row, q]
            for j in range(s):
                for q in range(T):
                    on_hand[n + j, q] = source_capacity[j]
            # one pass over the suppliers, members by depth (customers, shallower and numbered
            # lower, first) then the outside sources: a member books its customers' orders
            # (final, as their depth is done) on its lanes, places its own, takes in its
            # arrivals (its suppliers, deeper, have not shipped yet, so each ring slot still
            # holds what left a lead time ago) and ships all it owes or its stock pro rata.
            # Members of one depth touch only their own lanes and rows, so each depth is
            # split into blocks. Carriers with a capacity scale the shipments once every
            # supplier has booked: then the first pass only books and a second one sends.
            for stage in range(2 if capped else 1):
                if stage == 1:
                    load[:, :] = 0.0
                    for e in range(lanes):
                        if carrier[e] >= 0:
                            c = carrier[e]
                            for q in range(T):
                                load[c, q] += shipped[e, q]
                    for c in range(n_carriers):
                        for q in range(T):
                            scale[c, q] = carrier_capacity[c] / load[c, q] \
                                if load[c, q] > carrier_capacity[c] else 1.0
                for d in range(groups):
                    lo = group_bounds[d]
                    width = group_bounds[d + 1] - lo
                    for b in prange(split):
                        come = np.zeros(R)
                        signal = np.zeros(R)
                        target = np.zeros(R)
                        total_dev = np.zeros(R)
                        total_sq = np.zeros(R)
                        ratio = np.zeros(R)
                        sent = np.zeros(R)
                        wanted = np.zeros(R)
                        got = np.zeros(R)
                        hi = lo + (b + 1) * width // split
                        for u in range(lo + b * width // split, hi):
                            if stage == 0:
                                ahead = u + _AHEAD
                                if ahead < hi:
                                    # both cache lines of each row (a row is T values)
                                    for e in range(bounds[ahead], bounds[ahead + 1]):
                                        c = customer[e]
                                        prefetch(node, c, 0)
                                        prefetch(node, c, T - 1)
                                    if ahead < n:
                                        for x in range(in_bounds[ahead], in_bounds[ahead + 1]):
                                            row = in_start[x] + in_cursor[x]
                                            prefetch(pipeline, row, 0)
                                            prefetch(pipeline, row, T - 1)
                                for q in range(T):
                                    come[q] = 0.0
                                    wanted[q] = 0.0
                                for e in range(bounds[u], bounds[u + 1]):
                                    c = customer[e]
                                    w = share[e]
                                    # two loops: one store each lets both run on vectors
                                    for q in range(T):
                                        come[q] += w * node[c, q]
                                    for q in range(T):
                                        owed[e, q] += w * node[c, q]
                                        wanted[q] += owed[e, q]
                                if u < n:
                                    i = u
                                    if sharing[i]:
                                        for q in range(T):
                                            signal[q] = 0.0
                                        for j in range(m):
                                            w = routing[i, j]
                                            for q in range(T):
                                                signal[q] += w * demand[t, j, r0 + q]
                                    else:
                                        for q in range(T):
                                            signal[q] = come[q]
                                    mu = level[i]
                                    policy = kind[i]
                                    if policy == 0:
                                        # the last p deviations, newest first, added as the
                                        # whole-array engine adds them
                                        p = window[i]
                                        base = history[i]
                                        at = position[i]
                                        position[i] = at + 1 if at + 1 < p else 0
                                        for q in range(T):
                                            dev = signal[q] - mu
                                            ring[base + at, q] = dev
                                            total_dev[q] = dev
                                            total_sq[q] = dev * dev
                                        for lag in range(1, min(p, t + 1)):
                                            row = base + (at - lag if at >= lag else at - lag + p)
                                            for q in range(T):
                                                v = ring[row, q]
                                                total_dev[q] += v
                                                total_sq[q] += v * v
                                        L = lead_time[i]
                                        if with_spread[i]:
                                            z = spread[i]
                                            for q in range(T):
                                                mean = total_dev[q] / p
                                                variance = total_sq[q] - p * mean * mean
                                                variance = max(variance, 0.0) / (p - 1)
                                                target[q] = mean * L + np.sqrt(variance) * z
                                        else:
                                            for q in range(T):
                                                target[q] = total_dev[q] / p * L
                                    elif policy == 1:
                                        a = alpha[i]
                                        L = lead_time[i]
                                        z = spread[i]
                                        use = with_spread[i]
                                        for q in range(T):
                                            before = forecast[i, q]
                                            now = a * (signal[q] - mu) + (1.0 - a) * before
                                            forecast[i, q] = now
                                            target[q] = now * L
                                            if use:
                                                error = (now - before) / a
                                                smoothed[i, q] = a * (error * error) \
                                                    + (1.0 - a) * smoothed[i, q]
                                                target[q] += np.sqrt(smoothed[i, q]) * z
                                    elif policy == 2:
                                        coef = coefficient[i]
                                        for q in range(T):
                                            target[q] = (signal[q] - mu) * coef
                                    else:
                                        for q in range(T):
                                            target[q] = 0.0
                                    for q in range(T):
                                        cumulative[i, q] += come[q]
                                        top = max(target[q] + cumulative[i, q], running[i, q])
                                        order = top - running[i, q]
                                        running[i, q] = top
                                        node[i, q] = order
                                    if measure:
                                        total_orders = 0.0
                                        for q in range(T):
                                            order = node[i, q]
                                            order_sum[i, r0 + q] += order
                                            order_sq[i, r0 + q] += order * order
                                            total_orders += order
                                        if keep:
                                            p_orders[k, i] += total_orders
                                    # arrivals, in the order of the lanes into the member
                                    for q in range(T):
                                        got[q] = 0.0
                                    for x in range(in_bounds[i], in_bounds[i + 1]):
                                        row = in_start[x] + in_cursor[x]
                                        in_cursor[x] = in_cursor[x] + 1 \
                                            if in_cursor[x] + 1 < in_lead[x] else 0
                                        for q in range(T):
                                            got[q] += pipeline[row, q]
                                    for q in range(T):
                                        on_hand[i, q] += got[q]
                                for q in range(T):
                                    ratio[q] = on_hand[u, q] / wanted[q] \
                                        if wanted[q] > on_hand[u, q] else 1.0
                                if capped:
                                    # the second stage needs them again
                                    for q in range(T):
                                        need[u, q] = wanted[q]
                                    if u < n:
                                        for q in range(T):
                                            received[u, q] = got[q]
                                    for e in range(bounds[u], bounds[u + 1]):
                                        for q in range(T):
                                            shipped[e, q] = ratio[q] * owed[e, q]
                                    continue
                            else:
                                for q in range(T):
                                    wanted[q] = need[u, q]
                                if u < n:
                                    for q in range(T):
                                        got[q] = received[u, q]
                                for e in range(bounds[u], bounds[u + 1]):
                                    if carrier[e] >= 0:
                                        c = carrier[e]
                                        for q in range(T):
                                            shipped[e, q] *= scale[c, q]
                            # the shipments leave: off the books, into the lanes' rings
                            for q in range(T):
                                sent[q] = 0.0
                            for e in range(bounds[u], bounds[u + 1]):
                                row = start[e] + cursor[e]
                                cursor[e] = cursor[e] + 1 if cursor[e] + 1 < lead[e] else 0
                                if capped:
                                    for q in range(T):
                                        x = shipped[e, q]
                                        owed[e, q] -= x
                                        sent[q] += x
                                        pipeline[row, q] = x
                                else:
                                    for q in range(T):
                                        x = ratio[q] * owed[e, q]
                                        owed[e, q] -= x
                                        sent[q] += x
                                        pipeline[row, q] = x
                                if record:
                                    total_shipped = 0.0
                                    for q in range(T):
                                        total_shipped += pipeline[row, q]
                                    p_shipped[k + earlier, column[e]] += total_shipped
                                if measure:
                                    for q in range(T):
                                        lane_sum[e, r0 + q] += pipeline[row, q]
                            if u >= n:
                                for q in range(T):
                                    source_sent[u - n, q] = sent[q]
                                continue
                            for q in range(T):
                                # rounding must not leave a tiny negative stock
                                on_hand[u, q] = max(on_hand[u, q] - sent[q], 0.0)
                                previous = backlog[u, q]
                                backlog[u, q] = wanted[q] - sent[q]
                                come[q] = wanted[q] - previous
                            if not measure:
                                continue
                            a1 = a2 = a3 = a4 = a5 = 0.0
                            for q in range(T):
                                stock = on_hand[u, q]
                                owe = backlog[u, q]
                                net = stock - owe
                                m_stock[u, r0 + q] += stock
                                m_backlog[u, r0 + q] += owe
                                m_net_sq[u, r0 + q] += net * net
                                m_unmet[u, r0 + q] += min(owe, come[q])
                                m_incoming[u, r0 + q] += come[q]
                                m_received[u, r0 + q] += got[q]
                                m_sent[u, r0 + q] += sent[q]
                                a1 += stock
                                a2 += owe
                                a3 += come[q]
                                a4 += got[q]
                                a5 += sent[q]
                            if keep:
                                p_stock[k, u] += a1
                                p_backlog[k, u] += a2
                                p_incoming[k, u] += a3
                                p_received[k, u] += a4
                                p_sent[k, u] += a5
            # what several suppliers add to, in supplier (and lane) order
            for j in range(s):
                for q in range(T):
                    source_output[r0 + q] += source_sent[j, q]
            market_backlog[:, :] = 0.0
            for x in range(market_lanes.shape[0]):
                e = market_lanes[x]
                c = customer[e] - n
                for q in range(T):
                    market_backlog[c, q] += owed[e, q]
            for j in range(m):
                for q in range(T):
                    delivered[r0 + q] += received[n + j, q]
                if measure:
                    got = 0.0
                    owe = 0.0
                    for q in range(T):
                        want = demand[t, j, r0 + q]
                        k_unmet[j, r0 + q] += min(market_backlog[j, q], want)
                        k_delivered[j, r0 + q] += received[n + j, q]
                        got += received[n + j, q]
                        owe += market_backlog[j, q]
                    p_delivered[k, j] += got
                    p_market_backlog[k, j] += owe
        for q in range(T):
            goods = 0.0
            for i in range(n):
                goods += on_hand[i, q]
            for e in range(start[lanes]):  # the last L shipments of each lane, not yet arrived
                goods += pipeline[e, q]
            final_goods[r0 + q] = goods
