"""A random but realistic industrial belt selling through cross-border e-commerce."""

from __future__ import annotations

import math

import numpy as np

from ecosystem import DEFAULT_ROLES, Ecosystem, Flow, ParameterError
from ecosystem._columns import Column
from ecosystem._rng import Seed, as_generator

from ._sampling import (LinkBlocks, LinkKind, apportion, check_count, check_fraction,
                        choose_one, choose_several, member_ids, preferential_weights,
                        small_world_pairs, tenths)

__all__ = ["industrial_belt"]

#: Overseas markets a belt sells to, most common first (id suffix, country).
MARKETS = (("us", "United States"), ("de", "Germany"), ("gb", "United Kingdom"),
           ("jp", "Japan"), ("fr", "France"), ("ca", "Canada"), ("au", "Australia"),
           ("kr", "South Korea"), ("es", "Spain"), ("it", "Italy"), ("br", "Brazil"),
           ("mx", "Mexico"), ("sa", "Saudi Arabia"), ("pl", "Poland"))

#: Profit per unit sold in every market (illustrative: routes to a market cost 2-10 per unit
#: in links, 5 on average), the default margin of the surplus game and of alliances.
_MARKET_MARGIN = 12.0

_FIRM_ROLES = ("manufacturer", "producer", "supplier")
_FIRM_PREFIX = {"manufacturer": "mf", "producer": "pr", "supplier": "sp"}
_TIER = np.array([2, 1, 0])  # supplier upstream of producer upstream of manufacturer

#: Link kinds of the belt: flow, unit cost, lead time (periods), reliability ranges.
KINDS = {
    "goods_firm_firm": LinkKind(Flow.LOGISTICS, (0.1, 0.5), (1, 3), (0.95, 0.995)),
    "order_firm_firm": LinkKind(Flow.INFORMATION, (0.005, 0.02), (0, 1), (0.97, 0.999)),
    "payment_firm_firm": LinkKind(Flow.CAPITAL, (0.002, 0.01), (1, 4), (0.93, 0.99)),
    "peer_information": LinkKind(Flow.INFORMATION, (0.005, 0.02), (0, 1), (0.9, 0.99)),
    "spillover": LinkKind(Flow.TECHNOLOGY, (0.2, 1.0), (2, 8), (0.7, 0.9)),
    "goods_to_channel": LinkKind(Flow.LOGISTICS, (0.2, 0.8), (1, 3), (0.95, 0.995)),
    "order_from_channel": LinkKind(Flow.INFORMATION, (0.005, 0.02), (0, 1), (0.97, 0.999)),
    "payment_from_channel": LinkKind(Flow.CAPITAL, (0.005, 0.02), (1, 3), (0.95, 0.995)),
    "listing": LinkKind(Flow.LOGISTICS, (0.3, 1.0), (2, 6), (0.93, 0.99)),
    "platform_data": LinkKind(Flow.INFORMATION, (0.005, 0.02), (0, 1), (0.98, 0.999)),
    "settlement": LinkKind(Flow.CAPITAL, (0.01, 0.03), (1, 3), (0.97, 0.999)),
    "overseas_order": LinkKind(Flow.INFORMATION, (0.01, 0.05), (0, 1), (0.95, 0.999)),
    "overseas_payment": LinkKind(Flow.CAPITAL, (0.02, 0.05), (1, 4), (0.93, 0.99)),
    "parcels_to_carrier": LinkKind(Flow.LOGISTICS, (0.2, 0.6), (0, 2), (0.96, 0.995)),
    "shipping_order": LinkKind(Flow.INFORMATION, (0.005, 0.02), (0, 1), (0.98, 0.999)),
    "freight_fee": LinkKind(Flow.CAPITAL, (0.005, 0.02), (1, 3), (0.96, 0.995)),
    "delivery": LinkKind(Flow.LOGISTICS, (1.5, 5.0), (3, 25), (0.85, 0.97)),
    "credit": LinkKind(Flow.CAPITAL, (0.03, 0.09), (1, 3), (0.95, 0.995)),
    "credit_data": LinkKind(Flow.INFORMATION, (0.005, 0.02), (0, 1), (0.97, 0.999)),
    "tech_service": LinkKind(Flow.TECHNOLOGY, (0.5, 2.0), (2, 8), (0.85, 0.97)),
    "research": LinkKind(Flow.TECHNOLOGY, (0.5, 3.0), (4, 12), (0.7, 0.9)),
    "policy": LinkKind(Flow.INFORMATION, (0.0, 0.01), (1, 4), (0.9, 0.99)),
    "clearance": LinkKind(Flow.INFORMATION, (0.01, 0.05), (0, 2), (0.95, 0.999)),
    "declaration": LinkKind(Flow.INFORMATION, (0.01, 0.05), (0, 1), (0.97, 0.999)),
    "environment": LinkKind(Flow.INFORMATION, (0.0, 0.01), (2, 12), (0.8, 0.95)),
}


def _default_counts(n_firms: int) -> dict[str, int]:
    """How many members of every non-firm role a belt of ``n_firms`` firms has."""
    log = math.log10(max(n_firms, 10))
    return {
        "cbec_enterprise": max(2, n_firms // 50),
        "platform": max(2, round(2 * log)),
        "market": max(2, min(len(MARKETS), round(2 * log))),
        "logistics": max(2, n_firms // 400),
        "finance": max(1, n_firms // 1000),
        "technology": max(1, n_firms // 1000),
        "research": max(1, n_firms // 2000),
        "customs": max(1, n_firms // 20000),
        "government": max(1, n_firms // 50000),
    }


_ENVIRONMENTS = ("production_environment", "legal_environment", "innovation_environment",
                 "policy_environment", "market_environment")


def industrial_belt(n_firms: int = 1000, *, firm_mix: tuple[float, float, float] = (0.5, 0.15, 0.35),  # noqa: E501
                    neighbours: int = 4, rewire: float = 0.1, concentration: float = 1.0,
                    counts: dict[str, int] | None = None, seed: Seed = None,
                    name: str = "industrial_belt") -> Ecosystem:
    """A random industrial belt: many small firms, few sales channels, shared services.

    Parameters
    ----------
    n_firms : int
        Industrial-belt enterprises (manufacturers, producers and suppliers).
        The other roles are added in proportion (see Notes), so the ecosystem
        has about ``1.025 * n_firms`` members and ``10.7 * n_firms`` links.
    firm_mix : tuple of 3 floats
        Shares of manufacturers, producers and suppliers among the firms.
    neighbours : int
        Each firm's number of lattice neighbours in the small-world network of
        firms (even; Qian §5).
    rewire : float
        Probability that a lattice pair is rewired to a random firm.
    concentration : float
        Zipf exponent of the market shares of channels and service providers:
        provider of rank ``r`` gets a share proportional to ``r**-concentration``.
    counts : dict of str to int, optional
        Override the number of members of any non-firm role (``cbec_enterprise``,
        ``platform``, ``market`` (at most 14), ``logistics``, ``finance``,
        ``technology``, ``research``, ``customs``, ``government``).
    seed : int or numpy.random.Generator, optional
        The same seed gives the same ecosystem.
    name : str
        The ecosystem's name.

    Returns
    -------
    Ecosystem
        Members in blocks (firms, cross-border firms, platforms, markets,
        service providers, the five outer environments), every link with
        ``volume``, ``capacity``, ``unit_cost``, ``lead_time`` and ``reliability``.

    Notes
    -----
    Default composition for ``n_firms`` firms (Wang & Gao, §3.2: "a large number
    of manufacturers, producers and suppliers" in the core circle, served by a
    handful of sub-core service platforms): ``n_firms // 50`` cross-border
    e-commerce firms, ``2 log10(n_firms)`` platforms and overseas markets,
    one logistics provider per 400 firms, one finance and one technology
    provider per 1,000, one university or institute per 2,000, one customs
    office per 20,000, one local government per 50,000 (at least one or two of
    each), and one member per outer environment.

    Links (volumes in units per period; capital volumes in money per period):

    * firm to firm, on a Watts-Strogatz small world of the firms: between
      tiers the upstream firm (supplier < producer < manufacturer) ships goods
      (logistics), the downstream one sends orders (information) and payments
      (capital); firms of one tier exchange information both ways; 15 % of
      all pairs share technology (knowledge spillover).
    * manufacturers and producers each sell through one channel (a cross-border
      firm or a platform, chosen by market share): goods to the channel, orders
      and payments back.
    * cross-border firms list half their goods on 1-3 platforms (stock to the
      platform's fulfilment, order data and settlement back) and sell the rest
      themselves; each logistics provider serves 1-4 markets (every market at
      least one); channels hand parcels to 1-2 logistics providers (shipping
      orders and freight fees to them) and sell to 1-4 of the markets those
      serve (orders and payments back). A sale's goods travel once, with one of
      the channel's carriers: the parcels link names the markets they are for
      in its ``to`` attribute, and a carrier delivers to each market what it
      was handed for it.
    * 60 % of firms borrow from a finance provider (credit out, credit data
      back); finance settles every channel's payments; 25 % of firms and every
      platform buy technology services; 10 % of firms and every technology
      provider work with research institutes; the government informs 30 % of
      firms, the channels and the customs; customs clear every channel's and
      carrier's exports (declarations to customs, clearance back).
    * the outer environments inform: policy -> government; legal -> government
      and customs; market -> markets and channels; innovation -> research and
      technology providers; production -> 10 % of the firms.

    Firm sizes (``employees``) are lognormal (median 30); goods volumes are
    proportional to the shipping firm's size and add up along the chain, so
    volumes are heavy-tailed. Goods are conserved: every channel and carrier
    ships exactly what it receives (volumes in tenths, as written), so the
    belt passes the goods check of ``problems(warnings=True)``.

    Examples
    --------
    >>> belt = industrial_belt(200, seed=1)
    >>> len(belt), belt.number_of_links() > 1500
    (226, True)
    >>> belt.summary().loc["ring", "members"].tolist()
    [214, 7, 5]
    >>> belt == industrial_belt(200, seed=1)
    True
    """
    ids, members, links, description = _belt_columns(
        n_firms, firm_mix=firm_mix, neighbours=neighbours, rewire=rewire,
        concentration=concentration, counts=counts, seed=seed)
    eco = Ecosystem(name, description=description)
    eco._add_member_columns(ids.tolist(), members)
    eco._add_link_columns(*links)
    return eco


def _belt_columns(n_firms: int, *, firm_mix: tuple[float, float, float] = (0.5, 0.15, 0.35),
                  neighbours: int = 4, rewire: float = 0.1, concentration: float = 1.0,
                  counts: dict[str, int] | None = None, seed: Seed = None
                  ) -> tuple[np.ndarray, dict[str, Column],
                            tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, Column]], str]:
    """The member ids, member columns, link columns (``LinkBlocks.columns``) of
    :func:`industrial_belt` and its description."""
    n_firms = check_count("n_firms", n_firms, 1)
    neighbours = check_count("neighbours", neighbours)
    rewire = check_fraction("rewire", rewire)
    mix = np.asarray(firm_mix, dtype=float)
    if mix.shape != (3,) or not np.all(np.isfinite(mix)) or mix.min() < 0 or mix.sum() <= 0:
        raise ParameterError("firm_mix must be three non-negative shares (manufacturers, "
                             f"producers, suppliers) with a positive sum, got {firm_mix!r}")
    if not np.isfinite(concentration) or concentration < 0:
        raise ParameterError(f"concentration must be a finite number >= 0, got {concentration!r}")
    sizes = _default_counts(n_firms)
    for role, count in (counts or {}).items():
        if role not in sizes:
            raise ParameterError(f"counts: unknown role {role!r}; allowed: "
                                 + ", ".join(sizes))
        sizes[role] = check_count(f"counts[{role!r}]", count, 1)
    if sizes["market"] > len(MARKETS):
        raise ParameterError(f"counts['market'] must be at most {len(MARKETS)}, "
                             f"got {sizes['market']}")
    rng = as_generator(seed)

    # ---------------------------------------------------------------- members
    firm_role = rng.choice(3, size=n_firms, p=mix / mix.sum())
    employees = np.maximum(1, np.round(rng.lognormal(np.log(30), 1.0, n_firms))).astype(np.int64)
    width = max(2, len(str(n_firms)))
    numbers = np.char.zfill(np.arange(1, n_firms + 1).astype(str), width)
    prefixes = np.array([_FIRM_PREFIX[r] for r in _FIRM_ROLES])
    ring_of = {role: ring.value for role, ring in DEFAULT_ROLES.items()}
    id_parts = [np.char.add(prefixes[firm_role], numbers).astype(object)]
    roles = [np.array(_FIRM_ROLES, dtype=object)[firm_role]]
    rings = [np.array([ring_of[r] for r in _FIRM_ROLES], dtype=object)[firm_role]]
    start = {"firm": 0}
    position = n_firms
    id_prefix = {"cbec_enterprise": "cb", "platform": "pf", "logistics": "lg", "finance": "fn",
                 "technology": "tc", "research": "rs", "customs": "cu", "government": "gv"}
    for role, count in sizes.items():
        start[role] = position
        position += count
        if role == "market":
            id_parts.append(np.array([f"mk_{code}" for code, _ in MARKETS[:count]], dtype=object))
        else:
            id_parts.append(member_ids(id_prefix[role], count))
        roles.append(np.full(count, role, dtype=object))
        rings.append(np.full(count, ring_of[role], dtype=object))
    for role in _ENVIRONMENTS:
        start[role] = position
        position += 1
    id_parts.append(np.array(_ENVIRONMENTS, dtype=object))
    roles.append(np.array(_ENVIRONMENTS, dtype=object))
    rings.append(np.array([ring_of[r] for r in _ENVIRONMENTS], dtype=object))
    market_rows = np.zeros(position, dtype=bool)
    market_rows[start["market"]:start["market"] + sizes["market"]] = True
    country = np.full(position, None, dtype=object)
    country[market_rows] = [c for _, c in MARKETS[:sizes["market"]]]
    # the columns that a members table of these rows would give (ecosystem.tables): no value
    # where a member has no such attribute, employees whole numbers
    members = {"role": Column(np.concatenate(roles)), "ring": Column(np.concatenate(rings)),
               "employees": Column(np.concatenate([employees, np.zeros(position - n_firms,
                                                                       np.int64)]),
                                   np.arange(position) < n_firms),
               "country": Column(country, market_rows),
               "margin": Column(np.where(market_rows, _MARKET_MARGIN, np.nan), market_rows)}
    ids = np.concatenate(id_parts)

    def span(role: str) -> np.ndarray:
        return np.arange(start[role], start[role] + (sizes[role] if role in sizes else 1))

    # ------------------------------------------------------------------ links
    links = LinkBlocks(KINDS)
    output = employees * 2.0 * rng.lognormal(0.0, 0.3, n_firms)  # goods per period

    # firm <-> firm on a small world; the upstream end ships
    a, b = small_world_pairs(n_firms, neighbours, rewire, rng)
    tier_a, tier_b = _TIER[firm_role[a]], _TIER[firm_role[b]]
    swap = (tier_a > tier_b) | ((tier_a == tier_b) & (rng.random(a.size) < 0.5))
    up, down = np.where(swap, b, a), np.where(swap, a, b)
    goods = 0.3 * output[up] * rng.lognormal(0.0, 0.4, up.size)
    price = rng.uniform(5.0, 15.0, up.size)
    # goods go up the tiers only: firms of one tier are peers (knowledge, not goods), so the
    # chain from raw material to channel has at most three firm tiers and no cycle
    trade = tier_a != tier_b
    links.add("goods_firm_firm", up[trade], down[trade], goods[trade])
    links.add("order_firm_firm", down[trade], up[trade],
              (goods * rng.uniform(0.9, 1.2, up.size))[trade])
    links.add("payment_firm_firm", down[trade], up[trade], (goods * price)[trade])
    peers = ~trade  # market news and orders passed on between firms of one tier
    links.add("peer_information", up[peers], down[peers], goods[peers])
    links.add("peer_information", down[peers], up[peers], goods[peers])
    spill = rng.random(up.size) < 0.15
    links.add("spillover", down[spill], up[spill], rng.lognormal(0.0, 0.8, spill.sum()))

    # sellers -> channels (cross-border firms and platforms); goods are counted in whole
    # tenths, the precision links are written with, so that every channel and carrier ships
    # exactly what it receives
    channels = np.concatenate([span("cbec_enterprise"), span("platform")])
    sellers = np.flatnonzero(firm_role != 2)
    channel = channels[choose_one(sellers.size, preferential_weights(
        channels.size, concentration, rng), rng)]
    sold = tenths(output[sellers])
    goods = sold / 10
    links.add("goods_to_channel", sellers, channel, goods)
    links.add("order_from_channel", channel, sellers, goods * rng.uniform(0.9, 1.2, goods.size))
    links.add("payment_from_channel", channel, sellers, goods * rng.uniform(8.0, 20.0, goods.size))
    received = np.bincount(channel, weights=sold, minlength=position).astype(np.int64)
    throughput = received / 10

    # cross-border firms list half their goods on platforms and ship the other half themselves
    cbec, platforms = span("cbec_enterprise"), span("platform")
    who, which = choose_several(rng.integers(1, 4, cbec.size),
                                preferential_weights(platforms.size, concentration, rng), rng)
    listed = apportion(received[cbec] // 2, who, rng.gamma(2.0, 1.0, who.size))
    keep = listed > 0
    who, which, stock = who[keep], which[keep], listed[keep] / 10
    links.add("listing", cbec[who], platforms[which], stock)
    links.add("platform_data", platforms[which], cbec[who], stock * rng.uniform(0.9, 1.2, who.size))
    links.add("settlement", platforms[which], cbec[who], stock * rng.uniform(15.0, 30.0, who.size))
    outgoing = received.copy()  # what each channel sells abroad, in tenths
    np.subtract.at(outgoing, cbec[who], listed[keep])
    np.add.at(outgoing, platforms[which], listed[keep])

    sales, parcels, deliveries = _lanes(outgoing[channels], span("market").size,
                                        span("logistics").size, concentration, rng)
    markets, carriers = span("market"), span("logistics")
    market_ids = ids[markets]

    # channels -> markets: the sale is an order and a payment; the goods travel with a carrier
    who, which, amount = sales
    exports = amount / 10
    links.add("overseas_order", markets[which], channels[who], exports * rng.uniform(0.9, 1.3, who.size))  # noqa: E501
    links.add("overseas_payment", markets[which], channels[who], exports * rng.uniform(15.0, 30.0, who.size))  # noqa: E501

    # channels -> logistics providers -> markets: each sale travels once, its link saying
    # which markets the goods are for
    who, which, amount, to = parcels
    handed = amount / 10
    links.add("parcels_to_carrier", channels[who], carriers[which], handed,
              to=[{market_ids[m]: v / 10 for m, v in lane.items()} for lane in to])
    links.add("shipping_order", channels[who], carriers[which], handed * rng.uniform(0.9, 1.1, who.size))  # noqa: E501
    links.add("freight_fee", channels[who], carriers[which], handed * rng.uniform(1.5, 4.0, who.size))  # noqa: E501
    carried = np.bincount(carriers[which], weights=handed, minlength=position)
    who, which, amount = deliveries
    links.add("delivery", carriers[who], markets[which], amount / 10)

    # finance
    finance = span("finance")
    borrowers = np.flatnonzero(rng.random(n_firms) < 0.6)
    lender = finance[choose_one(borrowers.size, preferential_weights(
        finance.size, concentration, rng), rng)]
    loans = output[borrowers] * rng.uniform(2.0, 10.0, borrowers.size)
    links.add("credit", lender, borrowers, loans)
    links.add("credit_data", borrowers, lender, rng.lognormal(0.0, 0.5, borrowers.size))
    bank = finance[choose_one(channels.size, preferential_weights(
        finance.size, concentration, rng), rng)]
    links.add("credit", bank, channels, throughput[channels] * rng.uniform(5.0, 15.0, channels.size) + 1.0)  # noqa: E501

    # technology and research
    tech, research = span("technology"), span("research")
    users = np.flatnonzero(rng.random(n_firms) < 0.25)
    links.add("tech_service", tech[choose_one(users.size, preferential_weights(
        tech.size, concentration, rng), rng)], users, rng.lognormal(0.0, 0.6, users.size))
    links.add("tech_service", tech[rng.integers(0, tech.size, platforms.size)], platforms,
              rng.lognormal(2.0, 0.6, platforms.size))
    partners = np.concatenate([np.flatnonzero(rng.random(n_firms) < 0.10), tech])
    links.add("research", research[rng.integers(0, research.size, partners.size)], partners,
              rng.lognormal(0.0, 0.6, partners.size))

    # government and customs
    government, customs = span("government"), span("customs")
    informed = np.concatenate([np.flatnonzero(rng.random(n_firms) < 0.3), channels, customs])
    links.add("policy", government[rng.integers(0, government.size, informed.size)], informed,
              rng.lognormal(0.0, 0.5, informed.size))
    cleared = np.concatenate([channels, carriers])
    office = customs[rng.integers(0, customs.size, cleared.size)]
    declared = throughput[cleared] + carried[cleared] + 1.0
    links.add("declaration", cleared, office, declared)
    links.add("clearance", office, cleared, declared * rng.uniform(0.95, 1.0, cleared.size))

    # outer environments
    production_share = np.flatnonzero(rng.random(n_firms) < 0.10)
    for environment, targets in (
            ("policy_environment", government),
            ("legal_environment", np.concatenate([government, customs])),
            ("market_environment", np.concatenate([markets, channels])),
            ("innovation_environment", np.concatenate([research, tech])),
            ("production_environment", production_share)):  # five fixed roles
        links.add("environment", np.full(targets.size, start[environment]), targets,
                  rng.lognormal(0.0, 0.5, targets.size))

    description = (f"A random industrial belt of {n_firms} firms selling through "
                   f"{channels.size} cross-border channels to {markets.size} overseas markets "
                   "(networks.industrial_belt).")
    return ids, members, links.columns(rng), description


def _split(group: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Random shares that add up to 1 within each group (``group`` sorted, as choose_several gives)."""  # noqa: E501
    raw = rng.gamma(2.0, 1.0, group.size)
    return raw / np.bincount(group, weights=raw)[group]



def _lanes(outgoing: np.ndarray, n_markets: int, n_carriers: int, concentration: float,
           rng: np.random.Generator) -> tuple[tuple, tuple, tuple]:
    """Who sells how much where, and which carrier takes it there.

    ``outgoing`` is what each channel sells abroad (whole tenths). Each carrier
    serves 1-4 markets (every market at least one carrier); each channel hands
    parcels to 1-2 carriers (every carrier at least one channel, when there are
    as many channels) and sells to 1-4 of the markets its carriers serve,
    including at least one of each carrier's (every market at least one
    channel). A sale is split among the channel's carriers serving that market.

    Returns ``(channel, market, amount)`` per sale, ``(channel, carrier, amount,
    {market: amount})`` per channel-carrier link and ``(carrier, market, amount)``
    per delivery, positions within the channels, markets and carriers, amounts in
    tenths, zero amounts left out; a carrier delivers to each market exactly what
    its channels hand it for that market.
    """
    n_channels = outgoing.size
    market_share = preferential_weights(n_markets, concentration, rng)
    carrier_share = preferential_weights(n_carriers, concentration, rng)
    serves = np.zeros((n_carriers, n_markets), dtype=bool)
    who, which = choose_several(rng.integers(1, 5, n_carriers), market_share, rng)
    serves[who, which] = True
    unserved = np.flatnonzero(~serves.any(axis=0))
    serves[rng.integers(0, n_carriers, unserved.size), unserved] = True

    # channel -> carrier pairs: a first carrier for every channel, a second one for half
    first = choose_one(n_channels, carrier_share, rng)
    second = np.empty(n_channels, dtype=np.int64)
    log_share = np.log(carrier_share)[None, :]
    # a block of channels at a time: the draws come in the same order as in one
    # channels x carriers matrix, which at a million members would take 0.4 GB
    block = max(1, 2 ** 20 // max(n_carriers, 1))
    for low in range(0, n_channels, block):
        high = min(low + block, n_channels)
        keys = log_share + rng.gumbel(size=(high - low, n_carriers))
        keys[np.arange(high - low), first[low:high]] = -np.inf
        second[low:high] = keys.argmax(axis=1)
    two = (rng.random(n_channels) < 0.5) & (n_carriers > 1)
    pair_channel = np.concatenate([np.arange(n_channels), np.flatnonzero(two)])
    pair_carrier = np.concatenate([first, second[two]])
    idle = np.setdiff1d(np.arange(n_carriers), pair_carrier)  # only with fewer channels
    pair_channel = np.concatenate([pair_channel, rng.integers(0, n_channels, idle.size)])
    pair_carrier = np.concatenate([pair_carrier, idle])

    # the markets a channel sells to: one of each of its carriers' markets, then more up to
    # 1-4 among the markets its carriers reach
    reach = np.zeros((n_channels, n_markets), dtype=bool)
    np.logical_or.at(reach, pair_channel, serves[pair_carrier])
    keys = np.log(market_share)[None, :] + rng.gumbel(size=(pair_channel.size, n_markets))
    keys[~serves[pair_carrier]] = -np.inf
    forced = np.zeros((n_channels, n_markets), dtype=bool)
    forced[pair_channel, keys.argmax(axis=1)] = True
    keys = np.log(market_share)[None, :] + rng.gumbel(size=(n_channels, n_markets))
    keys[~reach] = -np.inf
    keys[forced] = np.inf
    rank = np.empty((n_channels, n_markets), dtype=np.int64)
    np.put_along_axis(rank, np.argsort(-keys, axis=1), np.arange(n_markets)[None, :], axis=1)
    wanted = np.maximum(rng.integers(1, 5, n_channels), forced.sum(axis=1))
    sells = (rank < wanted[:, None]) & reach
    for unsold in np.flatnonzero(~sells.any(axis=0)):  # at most 14 markets
        users = pair_channel[serves[pair_carrier, unsold]]
        users = users[outgoing[users] > 0]
        if users.size == 0:  # only the market's carriers' channels have no goods
            users = np.array([outgoing.argmax()])
            pair_channel = np.append(pair_channel, users)
            pair_carrier = np.append(pair_carrier, rng.choice(np.flatnonzero(serves[:, unsold])))
        sells[users[rng.integers(0, users.size)], unsold] = True

    sale_channel, sale_market = np.nonzero(sells)
    sale_amount = apportion(outgoing, sale_channel, rng.gamma(2.0, 1.0, sale_channel.size))
    # every carrier of the channel that serves the market takes a part of the sale
    sale_of = np.full((n_channels, n_markets), -1)
    sale_of[sale_channel, sale_market] = np.arange(sale_channel.size)
    pair, market = np.nonzero(serves[pair_carrier] & sells[pair_channel])
    sale = sale_of[pair_channel[pair], market]
    amount = apportion(sale_amount, sale, rng.gamma(2.0, 1.0, sale.size))
    keep = amount > 0
    pair, market, amount = pair[keep], market[keep], amount[keep]
    handed = np.bincount(pair, weights=amount, minlength=pair_channel.size).astype(np.int64)
    to: list[dict[int, int]] = [{} for _ in range(pair_channel.size)]
    for p, m, a in zip(pair.tolist(), market.tolist(), amount.tolist()):
        to[p][m] = a
    used = np.flatnonzero(handed > 0)
    delivered = np.zeros((n_carriers, n_markets), dtype=np.int64)
    np.add.at(delivered, (pair_carrier[pair], market), amount)
    carrier, delivery_market = np.nonzero(delivered)
    sold = sale_amount > 0
    return ((sale_channel[sold], sale_market[sold], sale_amount[sold]),
            (pair_channel[used], pair_carrier[used], handed[used], [to[p] for p in used]),
            (carrier, delivery_market, delivered[carrier, delivery_market]))
