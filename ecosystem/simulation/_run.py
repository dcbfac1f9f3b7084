"""``run``: the belt simulated period by period."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from .._errors import ParameterError, UnknownMemberError
from .._memory import check_allocation
from .._rng import Seed, as_generator
from .._warn import warn
from ..bullwhip._kernels import variances
from ..bullwhip._params import check_nonnegative, check_whole
from ..graph import Ecosystem
from . import _compiled, _read
from ._demand import MarketDemand, given_demand
from ._engine import Outcome, move, outcome, plan
from ._network import Network, compile_network
from ._orders import Policy, member_orders, policy_codes
from ._result import (CARRIER_METRICS, MARKET_METRICS, MEMBER_METRICS, SimulationResult,
                      _table, interval)
from ._rules import PriceRule, ServiceRules, margin_split

__all__ = ["run", "simulate_network", "units_of"]

#: Elements of the orders array kept at once (replications are simulated in blocks below it).
_BLOCK_ELEMENTS = 64_000_000
#: Elements of one chunk of the forecasters' arrays (about 512 KB, within a core's cache).
_CHUNK_ELEMENTS = 65_536


def units_of(eco: Ecosystem) -> tuple[str, str, str]:
    """The goods unit, the money unit and the period of ``eco``: the units of its
    logistics and capital volumes (:meth:`~ecosystem.Ecosystem.flow_unit`) and its
    ``period`` attribute.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> units_of(Ecosystem(units={"logistics": "pallets", "capital": "EUR"}, period="week"))
    ('pallets', 'EUR', 'week')
    """
    return (eco.flow_unit("logistics"), eco.flow_unit("capital"),
            str(eco.attributes.get("period", "period")))


def _default_warmup(network: Network, policies: list[Policy]) -> int:
    """50 periods plus the memory of the deepest chain (forecast memory plus lead time,
    summed along it).

    The run starts from the deterministic steady state (each lane's pipeline full of its
    steady flow, forecasts at the mean, stocks covering the lead time), so what is left to
    forget is the forecasters' empty history and the safety stock they have not estimated
    yet.
    A moving average forgets its start after its window and a pipeline after its lead
    time, so after the chain's memory no forecast or shipment depends on the start
    (exponential smoothing keeps e^-8 of it); the 50 periods let stocks and backlogs
    settle. The bullwhip module's single chain takes three times its memory; here the
    sum along the deepest chain is already the time the start takes to wash through every
    stage, and a warm-up of four times this default measures the same statistics within
    Monte Carlo error (tests/test_simulation.py)."""
    distinct, code = policy_codes(policies)
    memory = np.array([p.window if p.forecast == "moving_average" else
                       int(np.ceil(8 / p.alpha)) if p.forecast == "exponential_smoothing"
                       else 0 for p in distinct], dtype=float)[code] + network.lead_time
    chain = memory.copy()
    n = network.n_members
    supplier, customer = network.lane_supplier, network.lane_customer
    inner = (supplier < n) & (customer < n)
    for d in np.unique(network.depth)[::-1]:  # deepest first: a chain sums upward
        rows = inner & (network.depth[np.minimum(supplier, n - 1)] == d)
        np.maximum.at(chain, customer[rows], memory[customer[rows]] + chain[supplier[rows]])
    return int(50 + chain.max()) if n else 50


def _policies(policy: Any, network: Network) -> list[Policy]:
    if policy is None:
        return [Policy()] * network.n_members
    if isinstance(policy, Policy):
        return [policy] * network.n_members
    if isinstance(policy, Mapping):
        default = policy.get(None, Policy())
        known = set(network.members)
        unknown = [m for m in policy if m is not None and m not in known]
        if unknown:
            raise ParameterError(f"policy names {unknown}, which are not stocking members "
                                 f"serving a market; members: {', '.join(network.members)}")
        for value in policy.values():
            if not isinstance(value, Policy):
                raise ParameterError(f"policy values must be Policy objects, got {value!r}")
        return [policy.get(m, default) for m in network.members]
    raise ParameterError(f"policy must be a Policy or a mapping of member id to Policy, got "
                         f"{policy!r}")


def _sharing(sharing: Any, network: Network) -> np.ndarray:
    mask = np.zeros(network.n_members, dtype=bool)
    if sharing is None:
        return mask
    if isinstance(sharing, str):
        if sharing.strip().lower() in ("all", "centralized", "centralised"):
            mask[:] = True
            return mask
        sharing = [part.strip() for part in sharing.split(",") if part.strip()]
    if not isinstance(sharing, Iterable):
        raise ParameterError(f"sharing must be member ids or 'all', got {sharing!r}")
    sharing = list(sharing)
    if not sharing:
        return mask
    position = {m: i for i, m in enumerate(network.members)}
    eco = network.ecosystem
    for member in sharing:
        if member in position:
            mask[position[member]] = True
        elif member in network.idle:
            continue  # it serves no market: there is no end demand to share with it
        elif member in eco:
            if member in network.markets:
                continue  # a market observes its own demand already
            raise ParameterError(f"sharing names {member!r} ({eco.member(member)['role']}), "
                                 f"which holds no stock and places no orders; share with "
                                 f"stocking members")
        else:
            raise UnknownMemberError(f"sharing names {member!r}, which is not a member")
    return mask


def run(eco: Ecosystem, *, periods: int = 52, replications: int = 200, seed: Seed = 0,
        demand: MarketDemand | pd.DataFrame | np.ndarray | None = None,
        policy: Policy | Mapping[str, Policy] | None = None,
        sharing: str | Iterable[str] = (),
        rules: ServiceRules | None = None, price: PriceRule | None = None,
        holding: float = 0.004, backorder: float = 0.02, warmup: int | None = None,
        confidence: float = 0.95, keep_series: bool = True) -> SimulationResult:
    """Simulate the belt's goods, orders and money period by period.

    Every stocking member (supplier, producer, manufacturer, cross-border
    enterprise, platform, ...) follows a periodic-review order-up-to policy
    with a forecaster of :mod:`ecosystem.bullwhip`; carriers carry what
    shippers hand them; markets draw demand; every shipment is paid for. See
    :mod:`ecosystem.simulation` for the model and its rules.

    Parameters
    ----------
    eco : Ecosystem
    periods : int
        Periods measured after the warm-up.
    replications : int
        Independent runs (vectorised).
    seed : int, numpy.random.Generator or None, optional
        Fixes the demand; the same seed gives every configuration of a belt
        the same demand (common random numbers). The default 0 makes runs
        repeatable; None draws fresh demand every call.
    demand : MarketDemand, DataFrame or ndarray, optional
        Random demand (default ``MarketDemand()``: the spec's market volumes,
        coefficient of variation 0.2), a table period x market used in every
        replication, or an array ``(replications, periods, markets)``. A given
        table or array covers the warm-up too (default warm-up 0) and its first
        period sets the steady state before period 0.
    policy : Policy or mapping, optional
        Every member's policy, or a mapping of member id to :class:`Policy`
        (the key None sets the default).
    sharing : iterable of str or "all"
        Members that forecast from the end demand they serve (routed through
        the network's shares) instead of the orders they receive.
    rules : ServiceRules, optional
        What customs, finance and technology platforms do.
    price : callable, optional
        The price rule (default :func:`margin_split`).
    holding : float
        Storage cost per period as a fraction of the stock's value.
    backorder : float
        Penalty per unit owed per period as a fraction of the member's selling price.
    warmup : int, optional
        Periods simulated before measuring (default: 50 plus the forecast and
        lead-time memory of the deepest chain, summed along it; 0 for given
        demand).
    confidence : float
        Level of the t-intervals over replications.
    keep_series : bool
        Keep the per-period tables of every member and lane (what
        :meth:`SimulationResult.series` reads: eight values per member and
        two per lane for every measured period, 52 x 8 x 8 bytes = 3.3 KB a
        member over 52 periods). False keeps only the per-market series and
        the tables over replications, for belts where the per-period tables
        would not fit.

    Returns
    -------
    SimulationResult

    Raises
    ------
    SimulationError
        The goods network cannot be simulated (no market, a market no
        producer reaches, a member with no supplier and no capacity, a cycle
        in the goods layer, a negative lead time or price).

    Notes
    -----
    Engines: with numba installed (``pip install ecobelt[fast]``) the period
    loop runs compiled, a few replications at a time, each member's orders
    computed in the period it places them; without it (or with the
    environment variable ``ECOBELT_NUMBA=0``) whole arrays per period run
    after every order is known. Both follow the same rules and agree to
    rounding. The first compiled run on a machine compiles the loop (numba
    keeps the machine code for later runs).

    Memory: the whole-array engine holds the orders of every member, period
    and replication of one block of replications (at most 64 million
    values, 512 MB, plus the kernels' temporaries); the compiled one a few
    values per lane and member for each of 32 replications at a time. Larger
    runs go in blocks, so this working memory does not grow with
    ``replications``; the tallies and result tables do (a few dozen values
    per member and replication). Both keep about 10 values per member and 6
    per lane for every measured period unless ``keep_series=False``. The
    need is checked before anything is allocated: a run that cannot fit
    raises :class:`~ecosystem.MemoryNeedError`.

    Examples
    --------
    >>> from ecosystem import Ecosystem, simulation
    >>> eco = Ecosystem("chain")
    >>> for m, role in [("mill", "manufacturer"), ("shop", "cbec_enterprise"),
    ...                 ("us", "market")]:
    ...     eco.add_member(m, role, **({"margin": 4.0} if role == "market" else {}))
    >>> eco.link("mill", "shop", "logistics", volume=100.0, lead_time=1)
    >>> eco.link("shop", "us", "logistics", volume=100.0, lead_time=2)
    >>> result = simulation.run(eco, periods=200, replications=50, seed=1)
    >>> result.members.index.tolist(), result.members["lead_time"].tolist()
    (['shop', 'mill'], [2, 1])
    >>> bool(result.members.loc["mill", "bullwhip_ratio"] > result.members.loc["shop",
    ...      "bullwhip_ratio"] > 1)
    True
    """
    network = compile_network(eco)
    rules = ServiceRules() if rules is None else rules
    if not isinstance(rules, ServiceRules):
        raise ParameterError(f"rules must be a ServiceRules, got {rules!r}")
    network = rules.apply(network)
    return simulate_network(network, periods=periods, replications=replications, seed=seed,
                            demand=demand, policy=policy, sharing=sharing, rules=rules,
                            price=price, holding=holding, backorder=backorder, warmup=warmup,
                            confidence=confidence, keep_series=keep_series)


def simulate_network(network: Network, *, periods: int, replications: int, seed: Seed,
                     demand: MarketDemand | pd.DataFrame | np.ndarray | None,
                     policy: Policy | Mapping[str, Policy] | None,
                     sharing: str | Iterable[str], rules: ServiceRules,
                     price: PriceRule | None, holding: float, backorder: float,
                     warmup: int | None, confidence: float,
                     keep_series: bool = True) -> SimulationResult:
    """:func:`run` on a compiled (and possibly changed) network."""
    periods = check_whole(periods, "periods", 2, " (a variance needs two periods)")
    holding = check_nonnegative(holding, "holding")
    backorder = check_nonnegative(backorder, "backorder")
    if not isinstance(confidence, Real) or isinstance(confidence, bool) \
            or not 0 < confidence < 1:
        raise ParameterError(f"confidence must be in (0, 1), got {confidence!r}")
    if not isinstance(keep_series, (bool, np.bool_)):
        raise ParameterError(f"keep_series must be True or False, got {keep_series!r}")
    keep_series = bool(keep_series)
    rng = as_generator(seed)
    policies = _policies(policy, network)
    shares = _sharing(sharing, network)
    prices = (price or margin_split)(network)
    n, m = network.n_members, network.n_markets
    given = demand is not None and not isinstance(demand, MarketDemand)
    if given:
        array = given_demand(demand, network.markets,
                             None if isinstance(demand, np.ndarray) else
                             check_whole(replications, "replications", 1))
        warmup = 0 if warmup is None else check_whole(warmup, "warmup")
        total = array.shape[0]
        if total - warmup < 2:
            raise ParameterError(f"the demand covers {total} periods; warm-up {warmup} leaves "
                                 f"{total - warmup} to measure, and a variance needs 2")
        periods = total - warmup
        replications = array.shape[2]
        market_level = array[0].mean(axis=1)
        spec = None
    else:
        replications = check_whole(replications, "replications", 1)
        spec = MarketDemand() if demand is None else demand
        market_level = spec.means(network.markets, network.level[n:])
        warmup = _default_warmup(network, policies) if warmup is None \
            else check_whole(warmup, "warmup")
        total = warmup + periods
    level = network.level.copy()
    level[n:] = market_level
    level[:n] = network.routing @ market_level
    network = replace(network, level=level)
    if given and any(p.forecast == "ar1" for p in policies):
        raise ParameterError("the 'ar1' forecast needs random AR(1) demand (MarketDemand "
                             "with rho), not a given table")

    capital_rate = rules.capital_rates(network)
    compiled = _compiled.available()
    # the whole-array engine's blocks bound its orders array, and fix which demand each
    # replication draws whichever engine runs; the compiled loop's memory does not grow with
    # the periods, so it takes every replication at once (tiles wide enough for vector
    # instructions, and the parallel build's threads)
    draws = max(1, min(replications, _BLOCK_ELEMENTS // max(1, (n + m) * total)))
    block = replications if compiled else draws
    need = _memory_need(network, policies, periods, total, block, replications, compiled,
                        keep_series)
    blocks = f", in blocks of {block}" if block < replications else ""
    check_allocation(need, f"{replications} replication(s) of {n} members x {total} periods "
                     f"(a warm-up of {warmup} included{blocks})"
                     + ("" if keep_series else " without per-period tables"),
                     ("keep_series=False drops the per-period member and lane tables; "
                      if keep_series else "") + "or simulate fewer periods, give a shorter "
                     "forecast window or warm-up, or a smaller belt")
    layout = plan(network)
    outcomes, order_var, served_var = [], [], []
    # blocks bound memory and fix which demand each replication draws, whichever engine runs
    for first in range(0, replications, block):
        count = min(block, replications - first)
        if given:
            market_demand = array[:, :, first:first + count]
        else:
            market_demand = np.concatenate([
                spec.generate(market_level, min(draws, first + count - at), total, seed=rng)
                for at in range(first, first + count, draws)], axis=2)
        if compiled:
            tallies, orders_by_period, variance = _compiled.simulate(
                layout, network, policies, shares, market_demand, spec, warmup, keep_series)
        else:
            nodes, safety = _all_orders(network, policies, shares, market_demand, spec)
            tallies = move(layout, nodes, safety, network, warmup, keep_series)
            measured_orders = np.ascontiguousarray(nodes[warmup:, :n].transpose(1, 2, 0))
            del nodes
            variance = variances(measured_orders)
            orders_by_period = measured_orders.sum(axis=1).T if keep_series \
                else np.zeros((0, n))
        order_var.append(variance)
        outcomes.append(outcome(layout, network, prices, tallies, orders_by_period,
                                market_demand[warmup:], capital_rate, holding, backorder))
        served_var.append(_served_variance(network.routing, market_demand[warmup:]))
    return _result(network, prices, outcomes, np.concatenate(order_var, axis=1),
                   np.concatenate(served_var, axis=1), shares, dict(
                       periods=periods, replications=replications, seed=seed,
                       warmup=warmup, demand=demand, policy=policy, sharing=sharing,
                       rules=rules, holding=holding, backorder=backorder,
                       confidence=confidence, keep_series=keep_series), confidence)


def _memory_need(network: Network, policies: list[Policy], periods: int, total: int,
                 block: int, replications: int, compiled: bool, keep_series: bool) -> float:
    """Bytes a run holds at its peak: the tallies and results over all replications, the
    engine's state for one block of ``block`` replications, and the per-period tables."""
    n, m, lanes = network.n_members, network.n_markets, network.n_lanes
    lead = network.lane_transit.astype(np.int64) + 1
    longest = int(lead.max()) if lanes else 0
    # every block's tallies and priced tables (those of sellers with the outside sources'
    # rows), the variances, each result table over replications with its interval's
    # temporaries, and the member table's columns
    values = (34 * (n + m) + 2 * len(network.sources) + 2 * lanes) * replications
    if block < replications:
        values += 20 * (n + m) * replications  # the blocks' tables joined
    if compiled:
        distinct, code = policy_codes(policies)
        slots = [p.window if p.forecast == "moving_average" else 1 for p in distinct]
        history = int(np.bincount(code, minlength=len(distinct)) @ np.array(slots, dtype=np.int64))
        values += _compiled.tile_elements(lanes, int(lead.sum()), n + m, history, block,
                                          network.capped)
    else:
        # orders with the forecasters' temporaries, and the rings of arrival slots
        values += 4 * (n + m) * total * block + (longest + 1) * lanes * block
    if keep_series:
        # eight member tables and two temporaries of the costs; what the lanes ship (from
        # the longest lead time before the first measured period), what arrives, and the
        # shipments turned a lane to a row for the money tables
        values += 10 * periods * n + (3 * periods + longest) * lanes
    return 8.0 * values


def _all_orders(network: Network, policies: list[Policy], shares: np.ndarray,
                market_demand: np.ndarray, spec: MarketDemand | None
                ) -> tuple[np.ndarray, np.ndarray]:
    """Orders and demand ``(periods, members + markets, replications)`` (members' orders,
    then the markets' demand) and steady safety stock ``(members, replications)``, depth by
    depth (a member's demand is its customers' orders)."""
    import scipy.sparse as sp
    n, m = network.n_members, network.n_markets
    total, _, reps = market_demand.shape
    nodes = np.empty((n + m, reps, total))
    nodes[n:] = market_demand.transpose(1, 2, 0)
    supplier, customer = network.lane_supplier, network.lane_customer
    inner = supplier < n
    weights = sp.csr_array((network.lane_share[inner], (supplier[inner], customer[inner])),
                           shape=(n, n + m))
    safety = np.zeros((n, reps))
    flat = nodes.reshape(n + m, reps * total)
    innovation = None
    if spec is not None and any(p.forecast == "ar1" for p in policies):
        innovation = np.sqrt((network.routing ** 2) @ (
            spec.innovation_sd(network.level[n:]) ** 2))
    keys = [(int(network.depth[i]), policies[i], int(network.lead_time[i])) for i in range(n)]
    groups: dict = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    # a few members at a time: the forecasters' dozen passes then stay in the cache
    chunk = max(1, _CHUNK_ELEMENTS // (reps * total))
    for key in sorted(groups, key=lambda k: k[0]):  # a depth needs the shallower ones' orders
        _, policy, lead = key
        members = np.array(groups[key])
        for at in range(0, len(members), chunk):
            rows = members[at:at + chunk]
            incoming = (weights[rows] @ flat).reshape(len(rows), reps, total)
            signal = incoming
            if shares[rows].any():
                signal = incoming.copy()
                sharing = rows[shares[rows]]
                signal[shares[rows]] = (network.routing[sharing] @ flat[n:]).reshape(
                    len(sharing), reps, total)
            level = np.repeat(network.level[rows], reps)[:, None]
            ar1 = None
            if policy.forecast == "ar1":
                assert spec is not None and innovation is not None  # ar1 needs MarketDemand
                ar1 = (spec.rho, np.repeat(innovation[rows], reps)[:, None])
            orders, steady = member_orders(incoming.reshape(-1, total),
                                           signal.reshape(-1, total), policy, lead, level, ar1)
            nodes[rows] = orders.reshape(len(rows), reps, total)
            safety[rows] = np.broadcast_to(steady, (len(rows) * reps, 1)).reshape(len(rows),
                                                                                   reps)
    return np.ascontiguousarray(nodes.transpose(2, 0, 1)), safety


def _served_variance(routing: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """Variance over periods of the end demand each member serves, ``(members, reps)``."""
    deviation = demand - demand.mean(axis=0)
    cov = np.einsum("tar,tbr->rab", deviation, deviation) / max(demand.shape[0] - 1, 1)
    # one replication at a time: a members x markets temporary, not members x markets x reps
    return np.stack([((routing @ c) * routing).sum(axis=1) for c in cov], axis=1) if len(cov) \
        else np.zeros((routing.shape[0], 0))


def _result(network: Network, prices, outcomes, order_var: np.ndarray, served_var: np.ndarray,
            shares: np.ndarray, settings: dict, confidence: float) -> SimulationResult:
    goods, money, period = units_of(network.ecosystem)
    measured = settings["periods"]

    def joined(part: str, key: str) -> np.ndarray:
        if len(outcomes) == 1:  # one block: its own arrays
            return getattr(outcomes[0], part)[key]
        return np.concatenate([getattr(o, part)[key] for o in outcomes], axis=1)

    def summed(part: str, key: str | None) -> np.ndarray:
        def table(o: Outcome) -> np.ndarray:
            return getattr(o, part) if key is None else getattr(o, part)[key]
        # into the first block's table: a copy of a per-period table is gigabytes at 1M
        total = table(outcomes[0])
        for later in outcomes[1:]:
            total += table(later)
        return total

    acc = {k: joined("member", k) for k in outcomes[0].member}
    per_rep = {}
    flat = served_var <= 1e-12 * np.maximum(order_var, 1.0)
    if flat.any():
        warn("bullwhip ratios are NaN where the end demand a member serves does not vary "
             "over the measured periods (a coefficient of variation of 0, or a constant "
             "demand table)", RuntimeWarning)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_rep["bullwhip_ratio"] = np.where(flat, np.nan, order_var / np.where(flat, 1.0,
                                                                              served_var))
        per_rep["order_variance"] = order_var
        mean_net = acc["net"] / measured
        per_rep["stock_variance"] = (acc["net_sq"] - measured * mean_net ** 2) / (measured - 1)
        per_rep["fill_rate"] = np.where(acc["incoming"] > 0,
                                        1 - acc["unmet"] / acc["incoming"], 1.0)
    per_rep["mean_stock"] = acc["stock"] / measured
    per_rep["mean_backlog"] = acc["backlog"] / measured
    per_rep["throughput"] = acc["shipped"] / measured
    per_rep["revenue"] = acc["revenue"] / measured
    per_rep["purchases"] = acc["purchases"] / measured
    per_rep["transport_fees"] = acc["fees"] / measured
    per_rep["holding_cost"] = acc["holding"] / measured
    per_rep["capital_cost"] = acc["capital"] / measured
    per_rep["backlog_cost"] = acc["backlog_cost"] / measured
    per_rep["profit"] = per_rep["revenue"] - per_rep["purchases"] - per_rep[
        "transport_fees"] - per_rep["holding_cost"] - per_rep["capital_cost"] - per_rep[
        "backlog_cost"]
    eco = network.ecosystem
    members = _table(per_rep, pd.Index(network.members, name="member"), confidence)
    members["role"] = _read.member_values(eco, "role")[_read.member_rows(network)]
    members["lead_time"] = network.lead_time
    members["shares"] = shares
    members["markup"] = prices.markup
    members["unit_value"] = prices.value

    market_acc = {k: joined("market", k) for k in outcomes[0].market}
    market_rep = {
        "demand": market_acc["demand"] / measured,
        "delivered": market_acc["delivered"] / measured,
        "service_level": np.where(market_acc["demand"] > 0,
                                  1 - market_acc["unmet"] / np.where(
                                      market_acc["demand"] > 0, market_acc["demand"], 1), 1.0),
        "spend": market_acc["spend"] / measured}
    markets = _table(market_rep, pd.Index(network.markets, name="market"), confidence)
    carrier_acc = {k: joined("carrier", k) for k in outcomes[0].carrier}
    carrier_rep = {"carried": carrier_acc["carried"] / measured,
                   "fee_income": carrier_acc["fees"] / measured}
    carriers = _table(carrier_rep, pd.Index(network.carriers, name="carrier"), confidence)

    unit_of = {"ratio": "ratio", "fraction": "fraction", "goods": goods,
               "goods/period": f"{goods} per {period}", "goods^2": f"({goods})^2",
               "money/period": f"{money} per {period}"}
    units = {name: unit_of[kind] for name, (kind, _) in
             {**MEMBER_METRICS, **MARKET_METRICS, **CARRIER_METRICS}.items()}
    units.update(goods=goods, money=money, period=period)

    total_rep = {
        "member_profit": per_rep["profit"].sum(axis=0),
        "carrier_fee_income": carrier_rep["fee_income"].sum(axis=0),
        "market_demand": market_rep["demand"].sum(axis=0),
        "delivered": market_rep["delivered"].sum(axis=0),
        "service_level": 1 - market_acc["unmet"].sum(axis=0) / np.maximum(
            market_acc["demand"].sum(axis=0), 1e-300),
        "market_spend": market_rep["spend"].sum(axis=0),
        "mean_stock": per_rep["mean_stock"].sum(axis=0),
        "mean_backlog": per_rep["mean_backlog"].sum(axis=0),
    }
    total_units = {"member_profit": units["profit"], "carrier_fee_income": units["profit"],
                   "market_demand": units["demand"], "delivered": units["delivered"],
                   "service_level": "fraction", "market_spend": units["spend"],
                   "mean_stock": goods, "mean_backlog": goods}
    rows = {name: interval(values, confidence) for name, values in total_rep.items()}
    totals = pd.DataFrame({"value": [r[0] for r in rows.values()],
                           "low": [r[1] for r in rows.values()],
                           "high": [r[2] for r in rows.values()],
                           "unit": [total_units[k] for k in rows]},
                          index=pd.Index(list(rows), name="total"))
    replicated = dict(per_rep)
    replicated.update({f"market:{k}": v for k, v in market_rep.items()})
    replicated.update({f"carrier:{k}": v for k, v in carrier_rep.items()})
    replicated.update({f"total:{k}": v for k, v in total_rep.items()})
    balance = {k: np.concatenate([o.balance[k] for o in outcomes]) for k in outcomes[0].balance}
    return SimulationResult(
        members=members, markets=markets, carriers=carriers, totals=totals, units=units,
        replications=replicated, balance=balance, network=network, settings=settings,
        period_member={k: summed("period_member", k) for k in outcomes[0].period_member},
        period_market={k: summed("period_market", k) for k in outcomes[0].period_market},
        lane_shipped=summed("lane_shipped", None), lane_arrived=summed("lane_arrived", None))
