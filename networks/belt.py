"""A random but realistic industrial belt selling through cross-border e-commerce."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ecosystem import Ecosystem, Flow, ParameterError

from ._sampling import (LinkBlocks, LinkKind, check_count, check_fraction,
                        choose_one, choose_several, member_ids, preferential_weights,
                        small_world_pairs)

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
                    counts: dict[str, int] | None = None, seed=None,
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
    * cross-border firms list on 1-3 platforms (stock to the platform's
      fulfilment, order data and settlement back); channels serve 1-4 markets
      (orders and payments back; the goods themselves travel with a carrier) and
      hand parcels to 1-2 logistics
      providers (shipping orders and freight fees to them), who deliver to
      1-4 markets.
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
    proportional to the shipping firm's size and add up along the chain
    (a channel ships on what its firms sent it), so volumes are heavy-tailed.

    Examples
    --------
    >>> belt = industrial_belt(200, seed=1)
    >>> len(belt), belt.graph.number_of_edges() > 1500
    (226, True)
    >>> belt.summary().loc["ring", "members"].tolist()
    [214, 7, 5]
    >>> belt == industrial_belt(200, seed=1)
    True
    """
    members, links, description = _belt_tables(
        n_firms, firm_mix=firm_mix, neighbours=neighbours, rewire=rewire,
        concentration=concentration, counts=counts, seed=seed)
    eco = Ecosystem(name, description=description)
    eco.add_members_from(members)
    eco.add_links_from(links)
    return eco


def _belt_tables(n_firms: int, *, firm_mix: tuple[float, float, float] = (0.5, 0.15, 0.35),
                 neighbours: int = 4, rewire: float = 0.1, concentration: float = 1.0,
                 counts: dict[str, int] | None = None, seed=None
                 ) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The members and links tables of :func:`industrial_belt` and its description."""
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
    rng = np.random.default_rng(seed)

    # ---------------------------------------------------------------- members
    firm_role = rng.choice(3, size=n_firms, p=mix / mix.sum())
    employees = np.maximum(1, np.round(rng.lognormal(np.log(30), 1.0, n_firms))).astype(np.int64)
    prefixes = np.array([_FIRM_PREFIX[r] for r in _FIRM_ROLES], dtype=object)
    width = max(2, len(str(n_firms)))
    numbers = np.char.zfill(np.arange(1, n_firms + 1).astype(str), width).astype(object)
    blocks = [pd.DataFrame({"id": prefixes[firm_role] + numbers,
                            "role": np.array(_FIRM_ROLES, dtype=object)[firm_role],
                            "employees": employees})]
    start = {"firm": 0}
    position = n_firms
    id_prefix = {"cbec_enterprise": "cb", "platform": "pf", "logistics": "lg", "finance": "fn",
                 "technology": "tc", "research": "rs", "customs": "cu", "government": "gv"}
    for role, count in sizes.items():
        start[role] = position
        position += count
        if role == "market":
            picked = MARKETS[:count]
            blocks.append(pd.DataFrame({"id": [f"mk_{code}" for code, _ in picked],
                                        "role": role, "country": [c for _, c in picked],
                                        "margin": _MARKET_MARGIN}))
        else:
            blocks.append(pd.DataFrame({"id": member_ids(id_prefix[role], count), "role": role}))
    for role in _ENVIRONMENTS:
        start[role] = position
        position += 1
    blocks.append(pd.DataFrame({"id": list(_ENVIRONMENTS), "role": list(_ENVIRONMENTS)}))
    members = pd.concat(blocks, ignore_index=True)
    # concat made employees floats (other roles have none): keep whole numbers whole
    members["employees"] = pd.Series(employees.tolist() + [np.nan] * (position - n_firms),
                                     dtype=object)

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

    # sellers -> channels (cross-border firms and platforms)
    channels = np.concatenate([span("cbec_enterprise"), span("platform")])
    sellers = np.flatnonzero(firm_role != 2)
    channel = channels[choose_one(sellers.size, preferential_weights(
        channels.size, concentration, rng), rng)]
    goods = output[sellers]
    links.add("goods_to_channel", sellers, channel, goods)
    links.add("order_from_channel", channel, sellers, goods * rng.uniform(0.9, 1.2, goods.size))
    links.add("payment_from_channel", channel, sellers, goods * rng.uniform(8.0, 20.0, goods.size))
    throughput = np.bincount(channel, weights=goods, minlength=position)

    # cross-border firms list on platforms
    cbec, platforms = span("cbec_enterprise"), span("platform")
    who, which = choose_several(rng.integers(1, 4, cbec.size),
                                preferential_weights(platforms.size, concentration, rng), rng)
    share = _split(who, rng)
    stock = 0.5 * throughput[cbec[who]] * share + 1.0
    links.add("listing", cbec[who], platforms[which], stock)
    links.add("platform_data", platforms[which], cbec[who], stock * rng.uniform(0.9, 1.2, who.size))
    links.add("settlement", platforms[which], cbec[who], stock * rng.uniform(15.0, 30.0, who.size))

    # channels -> markets
    markets = span("market")
    market_share = preferential_weights(markets.size, concentration, rng)
    who, which = choose_several(rng.integers(1, 5, channels.size), market_share, rng)
    exports = throughput[channels[who]] * _split(who, rng) + 1.0
    # the goods themselves travel with a carrier (below), so the sale has no goods link
    links.add("overseas_order", markets[which], channels[who], exports * rng.uniform(0.9, 1.3, who.size))  # noqa: E501
    links.add("overseas_payment", markets[which], channels[who], exports * rng.uniform(15.0, 30.0, who.size))  # noqa: E501

    # channels -> logistics providers -> markets
    carriers = span("logistics")
    carrier_share = preferential_weights(carriers.size, concentration, rng)
    who, which = choose_several(rng.integers(1, 3, channels.size), carrier_share, rng)
    parcels = throughput[channels[who]] * _split(who, rng) + 1.0
    links.add("parcels_to_carrier", channels[who], carriers[which], parcels)
    links.add("shipping_order", channels[who], carriers[which], parcels * rng.uniform(0.9, 1.1, who.size))  # noqa: E501
    links.add("freight_fee", channels[who], carriers[which], parcels * rng.uniform(1.5, 4.0, who.size))  # noqa: E501
    carried = np.bincount(carriers[which], weights=parcels, minlength=position)
    who, which = choose_several(rng.integers(1, 5, carriers.size), market_share, rng)
    unserved = np.setdiff1d(np.arange(markets.size), which)
    who = np.concatenate([who, rng.integers(0, carriers.size, unserved.size)])
    which = np.concatenate([which, unserved])
    order = np.argsort(who, kind="stable")  # _split wants each carrier's rows together
    who, which = who[order], which[order]
    links.add("delivery", carriers[who], markets[which], carried[carriers[who]] * _split(who, rng) + 1.0)  # noqa: E501

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
    return members, links.frame(members["id"].to_numpy(dtype=object), rng), description


def _split(group: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Random shares that add up to 1 within each group (``group`` sorted, as choose_several gives)."""  # noqa: E501
    raw = rng.gamma(2.0, 1.0, group.size)
    return raw / np.bincount(group, weights=raw)[group]

