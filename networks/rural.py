"""Liu & Li's rural e-commerce cluster: a Taobao village."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecosystem import Ecosystem, Flow
from ecosystem._rng import Seed, as_generator

from ._sampling import (LinkBlocks, LinkKind, apportion, assemble, check_count,
                        check_fraction, choose_one, choose_several, member_ids,
                        preferential_weights, small_world_pairs, tenths)

__all__ = ["rural_cluster"]

#: Link kinds of the cluster: flow, unit cost, lead time (periods), reliability ranges.
KINDS = {
    "produce": LinkKind(Flow.LOGISTICS, (0.05, 0.3), (0, 2), (0.93, 0.99)),
    "order": LinkKind(Flow.INFORMATION, (0.0, 0.01), (0, 1), (0.95, 0.999)),
    "payment": LinkKind(Flow.CAPITAL, (0.0, 0.01), (0, 2), (0.95, 0.995)),
    "spillover": LinkKind(Flow.INFORMATION, (0.0, 0.01), (0, 2), (0.8, 0.95)),
    "imitation": LinkKind(Flow.TECHNOLOGY, (0.0, 0.2), (1, 6), (0.6, 0.9)),
    "platform_order": LinkKind(Flow.INFORMATION, (0.0, 0.01), (0, 1), (0.98, 0.999)),
    "platform_payment": LinkKind(Flow.CAPITAL, (0.01, 0.05), (1, 2), (0.98, 0.999)),
    "parcel": LinkKind(Flow.LOGISTICS, (0.3, 1.2), (0, 1), (0.95, 0.995)),
    "express_fee": LinkKind(Flow.CAPITAL, (0.0, 0.01), (0, 2), (0.97, 0.999)),
    "delivery": LinkKind(Flow.LOGISTICS, (0.5, 3.0), (1, 10), (0.9, 0.99)),
    "consumer_order": LinkKind(Flow.INFORMATION, (0.0, 0.02), (0, 1), (0.97, 0.999)),
    "consumer_payment": LinkKind(Flow.CAPITAL, (0.0, 0.02), (0, 1), (0.97, 0.999)),
    "coordination": LinkKind(Flow.INFORMATION, (0.0, 0.01), (1, 4), (0.85, 0.95)),
    "policy": LinkKind(Flow.INFORMATION, (0.0, 0.01), (1, 6), (0.85, 0.95)),
    "subsidy": LinkKind(Flow.CAPITAL, (0.0, 0.01), (2, 8), (0.8, 0.95)),
    "training": LinkKind(Flow.TECHNOLOGY, (0.2, 1.0), (1, 4), (0.8, 0.95)),
    "service": LinkKind(Flow.TECHNOLOGY, (0.5, 2.0), (1, 3), (0.85, 0.97)),
    "microcredit": LinkKind(Flow.CAPITAL, (0.04, 0.12), (1, 4), (0.9, 0.99)),
    "credit_data": LinkKind(Flow.INFORMATION, (0.0, 0.01), (0, 1), (0.95, 0.999)),
    "agronomy": LinkKind(Flow.TECHNOLOGY, (0.5, 2.0), (4, 12), (0.7, 0.9)),
}

#: The outer environment: (id, role, name, roles of the members it informs, lead time,
#: reliability). Its links carry one unit of information per period.
ENVIRONMENTS = (
    ("production_env", "production_environment", "Production environment (land, climate)",
     ("production_base",), 8, 0.9),
    ("legal_env", "legal_environment", "Legal environment", ("platform", "association"), 12, 0.85),
    ("innovation_env", "innovation_environment", "Innovation environment",
     ("research", "technology"), 12, 0.85),
    ("policy_env", "policy_environment", "Policy environment", ("government", "association"),
     6, 0.9),
    ("market_env", "market_environment", "Market environment", ("platform",), 4, 0.9),
)

_PREFIX = {"online_shop": "shop", "production_base": "base", "supplier": "sup",
           "cooperative": "coop", "processor": "proc", "logistics": "exp",
           "association": "assoc", "training": "train", "technology": "svc", "finance": "fin",
           "government": "gov", "research": "res"}


def _counts(n_shops: int) -> dict[str, int]:
    return {"online_shop": n_shops, "production_base": max(2, n_shops // 10),
            "supplier": max(2, n_shops // 10), "cooperative": max(1, n_shops // 40),
            "processor": max(1, n_shops // 30), "logistics": max(2, n_shops // 50),
            "association": 1, "training": max(1, n_shops // 150),
            "technology": max(1, n_shops // 60), "finance": max(1, n_shops // 150),
            "government": 1, "research": 1}


def rural_cluster(n_shops: int = 60, *, neighbours: int = 4, rewire: float = 0.1,
                  overseas: bool = True, seed: Seed = None, name: str = "rural_cluster"
                  ) -> Ecosystem:
    """A rural e-commerce industrial cluster (a "Taobao village", Liu & Li §I-II).

    Parameters
    ----------
    n_shops : int
        Farmers' online shops, the mainstay of the cluster. The other members
        are added in proportion (see Notes).
    neighbours, rewire : int, float
        The shops' small-world network of knowledge spillover: lattice
        neighbours per shop and the probability a pair is rewired.
    overseas : bool
        Also sell through a cross-border platform to overseas consumers.
    seed : int or numpy.random.Generator, optional
        The same seed gives the same cluster.
    name : str
        The ecosystem's name.

    Returns
    -------
    Ecosystem
        Every link has ``volume``, ``capacity``, ``unit_cost``, ``lead_time``
        and ``reliability``; shops and production bases have ``households``.

    Notes
    -----
    Liu & Li describe online merchants "coexisting with multiple species,
    including manufacturing, raw material processing, spare parts sales, and
    logistics and express delivery", a production side of production bases,
    suppliers, research institutions, cooperatives and processing enterprises,
    and a service system of public bodies, financial institutions, education
    and training, express companies and consulting services. For ``n_shops``
    shops the cluster has one production base and one supplier per 10 shops,
    one processor per 30, one cooperative per 40, one express company per 50,
    one technology service provider (shop decoration, photography) per 60,
    one training school and one credit cooperative per 150 (at least one or
    two of each), one association, one local government, one research
    institute, a domestic platform and market, and, if ``overseas``, a
    cross-border platform and an overseas market.

    Links: production bases ship produce to 1-2 processors or cooperatives;
    each shop buys from one base, cooperative or processor (market shares
    heavy-tailed) and half of them from a packaging supplier, packaging being
    5-15 % of the goods they ship (orders and payments flow back); shops sell
    on 1-2 platforms, each platform to its market (orders and payments from
    the platform; every market at least one shop), and hand their parcels to
    one express company (and pay its fee), the link naming in its ``to``
    attribute how much is for which market; the express company delivers to
    each market what its shops handed it for it; markets order and pay
    through the platforms. Goods are conserved: a shop ships exactly what it
    buys and an express company what it is handed (volumes in tenths, as
    written). Shops exchange know-how with their small-world neighbours
    (information both ways, technology in 20 % of pairs: Liu & Li's knowledge
    spillover). The association informs every shop; the government informs
    the association and cooperatives and subsidises 20 % of shops; training
    reaches 30 % of shops, service providers 40 %, microcredit 40 % (who
    send credit data back), and research works with every production base.

    The outer ring holds the five environments of Wang & Gao's ecosystem
    (:data:`ENVIRONMENTS`), each informing the members it bears on (one unit
    of information per period, slow and not fully reliable, with the same
    fixed attributes for every seed): the production environment the
    production bases, the policy environment the government and the
    association, the market environment and the legal environment the
    platforms (and the legal environment the association), the innovation
    environment the research institute and the technology service providers.

    Examples
    --------
    >>> village = rural_cluster(60, seed=7)
    >>> len(village.members(role="online_shop")), len(village.members(role="cooperative"))
    (60, 1)
    >>> village == rural_cluster(60, seed=7)
    True
    >>> village.members(ring="outer")
    ['production_env', 'legal_env', 'innovation_env', 'policy_env', 'market_env']
    """
    n_shops = check_count("n_shops", n_shops, 1)
    neighbours = check_count("neighbours", neighbours)
    rewire = check_fraction("rewire", rewire)
    rng = as_generator(seed)
    sizes = _counts(n_shops)
    frames, start, position = [], {}, 0
    for role, count in sizes.items():
        start[role], position = position, position + count
        frames.append(pd.DataFrame({"id": member_ids(_PREFIX[role], count), "role": role}))
    platforms = [("taobao_like", "Domestic e-commerce platform", "domestic")]
    # (id, name, profit per unit sold: illustrative, above the 1.4-4.2 of link costs per route)
    markets = [("domestic_consumers", "Domestic consumers", 4.5)]
    if overseas:
        platforms.append(("cross_border", "Cross-border e-commerce platform", "overseas"))
        markets.append(("overseas_consumers", "Overseas consumers", 6.0))
    for role, rows in (("platform", platforms), ("market", markets)):
        start[role], position = position, position + len(rows)
        sizes[role] = len(rows)
        frame = pd.DataFrame({"id": [r[0] for r in rows], "role": role,
                              "name": [r[1] for r in rows]})
        if role == "market":
            frame["margin"] = [r[2] for r in rows]
        frames.append(frame)
    members = pd.concat(frames, ignore_index=True)
    households = np.maximum(1, np.round(rng.lognormal(np.log(3), 0.6, position))).astype(np.int64)
    growers = (members["role"].isin(["online_shop", "production_base"])).to_numpy()
    members["households"] = pd.Series(households, dtype=object).where(growers, np.nan)

    def span(role: str) -> np.ndarray:
        return np.arange(start[role], start[role] + sizes[role])

    links = LinkBlocks(KINDS)
    shops = span("online_shop")
    # parcels per period, in whole tenths (the precision links are written with) so that a
    # shop ships exactly what it buys: its produce and, for half of them, the packaging
    sales = tenths(households[shops] * 20.0 * rng.lognormal(0.0, 0.5, shops.size))

    def trade(up: np.ndarray, down: np.ndarray, goods: np.ndarray) -> None:
        links.add("produce", up, down, goods)
        links.add("order", down, up, goods * rng.uniform(0.9, 1.2, goods.size))
        links.add("payment", down, up, goods * rng.uniform(3.0, 12.0, goods.size))

    # production side: bases -> processors / cooperatives -> shops
    bases = span("production_base")
    buyers = np.concatenate([span("processor"), span("cooperative")])
    who, which = choose_several(rng.integers(1, 3, bases.size),
                                preferential_weights(buyers.size, 1.0, rng), rng)
    trade(bases[who], buyers[which], households[bases[who]] * rng.uniform(20.0, 60.0, who.size))
    sellers = np.concatenate([bases, buyers])
    source = sellers[choose_one(shops.size, preferential_weights(sellers.size, 1.0, rng), rng)]
    packed = np.flatnonzero(rng.random(shops.size) < 0.5)
    packaging = np.zeros(shops.size, dtype=np.int64)
    packaging[packed] = np.round(sales[packed] * rng.uniform(0.05, 0.15, packed.size))
    bought = sales - packaging > 0
    trade(source[bought], shops[bought], (sales - packaging)[bought] / 10)
    packed = packed[packaging[packed] > 0]
    suppliers = span("supplier")
    trade(suppliers[choose_one(packed.size, preferential_weights(suppliers.size, 1.0, rng), rng)],
          shops[packed], packaging[packed] / 10)

    # knowledge spillover among neighbouring shops
    a, b = small_world_pairs(shops.size, neighbours, rewire, rng)
    links.add("spillover", shops[a], shops[b], rng.lognormal(0.0, 0.5, a.size))
    links.add("spillover", shops[b], shops[a], rng.lognormal(0.0, 0.5, a.size))
    copied = rng.random(a.size) < 0.2
    links.add("imitation", shops[a[copied]], shops[b[copied]], rng.lognormal(0.0, 0.5, copied.sum()))  # noqa: E501

    # selling: each platform sells to its market (domestic or overseas) and every market
    # gets at least one shop; the shop's parcels travel with its express company, the
    # link saying how much is for which market
    platform_ids, market_ids = span("platform"), span("market")
    who, which = choose_several(rng.integers(1, 3, shops.size),
                                np.linspace(2.0, 1.0, platform_ids.size), rng)
    missing = np.setdiff1d(np.arange(platform_ids.size), which)
    who = np.concatenate([who, rng.choice(shops.size, missing.size, replace=False)])
    which = np.concatenate([which, missing])
    amount = apportion(sales, who, rng.uniform(0.3, 1.0, who.size))
    keep = amount > 0
    who, which, amount = who[keep], which[keep], amount[keep]
    links.add("platform_order", platform_ids[which], shops[who], amount / 10)
    links.add("platform_payment", platform_ids[which], shops[who],
              amount / 10 * rng.uniform(8.0, 20.0, who.size))
    express = span("logistics")
    carrier = express[choose_one(shops.size, preferential_weights(express.size, 1.0, rng), rng)]
    ids = members["id"].to_numpy(dtype=object)
    to: list[dict[str, float]] = [{} for _ in range(shops.size)]
    for shop, market, volume in zip(who.tolist(), market_ids[which].tolist(), amount.tolist()):
        to[shop][ids[market]] = volume / 10
    links.add("parcel", shops, carrier, sales / 10, to=to)
    links.add("express_fee", shops, carrier, sales / 10 * rng.uniform(1.0, 3.0, shops.size))
    delivered = np.zeros((position, market_ids.size), dtype=np.int64)
    np.add.at(delivered, (carrier[who], which), amount)
    ships, reach = np.nonzero(delivered)
    links.add("delivery", ships, market_ids[reach], delivered[ships, reach] / 10)
    orders = sales.sum() / 10 / (platform_ids.size * market_ids.size)
    pairs = np.array([(m, p) for m in market_ids for p in platform_ids])  # at most 2 x 2
    volume = orders * rng.uniform(0.5, 1.5, len(pairs))
    links.add("consumer_order", pairs[:, 0], pairs[:, 1], volume)
    links.add("consumer_payment", pairs[:, 0], pairs[:, 1], volume * rng.uniform(10.0, 20.0, len(pairs)))  # noqa: E501

    # the service system
    association, government = span("association"), span("government")
    links.add("coordination", association, shops, rng.lognormal(0.0, 0.5, shops.size))
    links.add("policy", government, np.concatenate([association, span("cooperative")]), 1.0)
    helped = shops[rng.random(shops.size) < 0.2]
    links.add("subsidy", government, helped, rng.uniform(50.0, 200.0, helped.size))
    for role, kind, share in (("training", "training", 0.3), ("technology", "service", 0.4)):
        served = shops[rng.random(shops.size) < share]
        providers = span(role)
        links.add(kind, providers[rng.integers(0, providers.size, served.size)], served,
                  rng.lognormal(0.0, 0.5, served.size))
    borrowers = shops[rng.random(shops.size) < 0.4]
    lenders = span("finance")[rng.integers(0, sizes["finance"], borrowers.size)]
    links.add("microcredit", lenders, borrowers, rng.uniform(500.0, 5000.0, borrowers.size))
    links.add("credit_data", borrowers, lenders, rng.lognormal(0.0, 0.5, borrowers.size))
    links.add("agronomy", span("research"), bases, rng.lognormal(0.0, 0.5, bases.size))

    description = (f"A rural e-commerce cluster (Taobao village) of {n_shops} farmers' online "
                   "shops (networks.rural_cluster, after Liu & Li).")
    eco = assemble(Ecosystem(name, description=description), members, links, rng)
    # fixed attributes, added last: the random draws of every other link stay the same
    for env_id, role, env_name, informed, lead_time, reliability in ENVIRONMENTS:
        eco.add_member(env_id, role, name=env_name)
        for target in [m for r in informed for m in eco.members(role=r)]:
            eco.link(env_id, target, "information", volume=1.0, capacity=1.5, unit_cost=0.0,
                     lead_time=lead_time, reliability=reliability)
    return eco
