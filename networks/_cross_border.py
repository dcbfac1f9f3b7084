"""The toy cross-border sock belt behind the bundled ``cross_border_belt`` example.

Every firm is made up; the shape follows Wang & Gao §3.2: a county sock belt
(yarn and elastic suppliers, knitting and toe-linking producers, sock
manufacturers) sells through cross-border e-commerce firms and platforms to
overseas consumers, supported by logistics, finance, customs, government,
technology, research and the industry association, inside five outer
environments. Volumes are per week: thousand pairs of socks (logistics and
information), thousand yuan (capital), service days (technology).
"""

from __future__ import annotations

from typing import Any

from ecosystem import Ecosystem

__all__ = ["cross_border_belt"]

_MEMBERS: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    # core: the belt's firms
    ("yarnwell", "supplier", "Yarnwell Spinning", {"employees": 120, "product": "cotton and nylon yarn"}),  # noqa: E501
    ("elasticore", "supplier", "ElastiCore Fibres", {"employees": 60, "product": "spandex"}),
    ("dyebright", "supplier", "DyeBright Dyeing", {"employees": 45, "product": "yarn dyeing"}),
    ("knitline", "producer", "Knitline Knitting Workshop", {"employees": 35, "product": "sock blanks"}),  # noqa: E501
    ("seampro", "producer", "SeamPro Toe-Linking", {"employees": 25, "product": "toe linking, boarding"}),  # noqa: E501
    ("riverbend", "manufacturer", "Riverbend Socks", {"employees": 300, "product": "casual socks"}),
    ("maple", "manufacturer", "Maple Hosiery", {"employees": 180, "product": "dress socks"}),
    ("sunstep", "manufacturer", "Sunstep Sportswear", {"employees": 150, "product": "sports socks"}),  # noqa: E501
    ("cozyfeet", "manufacturer", "Cozyfeet Kids", {"employees": 60, "product": "children's socks"}),
    ("stride", "manufacturer", "Stride Compression", {"employees": 40, "product": "compression socks"}),  # noqa: E501
    # core: cross-border e-commerce firms, platforms and overseas markets
    ("beltlink", "cbec_enterprise", "BeltLink Export", {"employees": 80}),
    ("silkroad", "cbec_enterprise", "SilkRoad Direct", {"employees": 30}),
    ("oceancart", "cbec_enterprise", "OceanCart Trading", {"employees": 15}),
    ("globalmall", "platform", "GlobalMall", {"model": "B2C marketplace"}),
    ("shopwave", "platform", "ShopWave", {"model": "social commerce"}),
    ("tradeport", "platform", "TradePort B2B", {"model": "B2B wholesale"}),
    ("us_market", "market", "North American consumers", {"region": "North America", "margin": 8.0}),
    ("eu_market", "market", "European consumers", {"region": "European Union", "margin": 7.5}),
    ("sea_market", "market", "Southeast Asian consumers", {"region": "Southeast Asia", "margin": 5.0}),  # noqa: E501
    # sub-core service platforms
    ("swiftair", "logistics", "SwiftAir Express", {"mode": "air express"}),
    ("bluesea", "logistics", "BlueSea Shipping", {"mode": "sea freight"}),
    ("bonded_wh", "logistics", "Overseas Bonded Warehouse", {"mode": "overseas warehouse"}),
    ("county_bank", "finance", "County Commercial Bank", {}),
    ("paybridge", "finance", "PayBridge Cross-border Payments", {}),
    ("port_customs", "customs", "Port Customs Office", {}),
    ("commerce_bureau", "government", "County Commerce Bureau", {}),
    ("clouddata", "technology", "CloudData ERP and Analytics", {}),
    ("textile_institute", "research", "Provincial Textile Institute", {}),
    ("vocational_college", "research", "Belt Vocational College", {}),
    ("hosiery_assoc", "association", "Hosiery Industry Association", {}),
    ("ecom_school", "training", "Cross-border E-commerce Training Centre", {}),
    # outer environments
    ("production_env", "production_environment", "Production environment", {}),
    ("legal_env", "legal_environment", "Legal environment", {}),
    ("innovation_env", "innovation_environment", "Innovation environment", {}),
    ("policy_env", "policy_environment", "Policy environment", {}),
    ("market_env", "market_environment", "Market environment", {}),
)

# (upstream, downstream, thousand pairs/week, price yuan/pair, lead time weeks, unit cost)
_TRADES = (
    ("yarnwell", "knitline", 30.0, 1.2, 1, 0.05), ("yarnwell", "riverbend", 60.0, 1.2, 1, 0.05),
    ("yarnwell", "maple", 35.0, 1.3, 1, 0.05), ("elasticore", "knitline", 30.0, 0.4, 1, 0.03),
    ("elasticore", "stride", 12.0, 0.6, 1, 0.03), ("elasticore", "sunstep", 28.0, 0.4, 1, 0.03),
    ("dyebright", "riverbend", 40.0, 0.5, 1, 0.04), ("dyebright", "maple", 25.0, 0.5, 1, 0.04),
    ("knitline", "seampro", 28.0, 1.8, 1, 0.04), ("knitline", "cozyfeet", 15.0, 1.9, 1, 0.04),
    ("seampro", "sunstep", 26.0, 2.4, 1, 0.04), ("seampro", "stride", 10.0, 2.6, 1, 0.04),
    ("riverbend", "beltlink", 45.0, 4.5, 2, 0.08), ("riverbend", "silkroad", 15.0, 4.5, 2, 0.08),
    ("maple", "beltlink", 30.0, 6.0, 2, 0.08), ("sunstep", "silkroad", 20.0, 5.0, 2, 0.08),
    ("sunstep", "tradeport", 12.0, 4.0, 3, 0.10), ("cozyfeet", "oceancart", 14.0, 3.5, 2, 0.08),
    ("stride", "oceancart", 10.0, 9.0, 2, 0.08), ("beltlink", "globalmall", 40.0, 7.5, 3, 0.15),
    ("silkroad", "shopwave", 20.0, 8.0, 3, 0.15), ("oceancart", "globalmall", 12.0, 9.0, 3, 0.15),
)

# (channel, market, thousand pairs/week, retail price yuan/pair): the channels sell to
# overseas consumers, the goods travel with a carrier (_PARCELS)
_SALES = (
    ("globalmall", "us_market", 32.0, 14.0), ("globalmall", "eu_market", 20.0, 13.0),
    ("shopwave", "us_market", 12.0, 12.0), ("shopwave", "sea_market", 8.0, 9.0),
    ("tradeport", "eu_market", 12.0, 6.0), ("beltlink", "eu_market", 35.0, 12.0),
    ("silkroad", "us_market", 15.0, 13.0), ("oceancart", "sea_market", 12.0, 10.0),
)

# (channel, logistics provider, {market: thousand pairs/week}): each sale above travels once,
# with one of the channel's carriers
_PARCELS = (("globalmall", "swiftair", {"us_market": 13.0, "eu_market": 17.0}),
            ("globalmall", "bonded_wh", {"us_market": 19.0, "eu_market": 3.0}),
            ("shopwave", "swiftair", {"us_market": 12.0, "sea_market": 8.0}),
            ("tradeport", "bluesea", {"eu_market": 12.0}),
            ("beltlink", "bluesea", {"eu_market": 25.0}),
            ("beltlink", "bonded_wh", {"eu_market": 10.0}),
            ("silkroad", "swiftair", {"us_market": 15.0}),
            ("oceancart", "swiftair", {"sea_market": 12.0}))

# (logistics provider, market, lead time weeks, unit cost, reliability): what it delivers is
# what the channels hand it for that market
_DELIVERIES = (("swiftair", "us_market", 1, 3.5, 0.95), ("swiftair", "sea_market", 1, 2.0, 0.96),
               ("swiftair", "eu_market", 1, 3.8, 0.95), ("bluesea", "eu_market", 6, 0.9, 0.9),
               ("bonded_wh", "us_market", 1, 1.2, 0.97), ("bonded_wh", "eu_market", 1, 1.3, 0.97))

# (source, target, flow, volume, lead time, unit cost, reliability): services and environments
_SERVICES = (
    ("county_bank", "riverbend", "capital", 500.0, 1, 0.05, 0.98),
    ("county_bank", "maple", "capital", 300.0, 1, 0.05, 0.98),
    ("county_bank", "knitline", "capital", 80.0, 2, 0.07, 0.95),
    ("county_bank", "cozyfeet", "capital", 60.0, 2, 0.07, 0.95),
    ("riverbend", "county_bank", "information", 4.0, 0, 0.0, 0.99),
    ("maple", "county_bank", "information", 4.0, 0, 0.0, 0.99),
    ("paybridge", "beltlink", "capital", 420.0, 1, 0.01, 0.99),
    ("paybridge", "silkroad", "capital", 200.0, 1, 0.01, 0.99),
    ("paybridge", "oceancart", "capital", 130.0, 1, 0.012, 0.99),
    ("globalmall", "paybridge", "capital", 700.0, 1, 0.005, 0.99),
    ("beltlink", "port_customs", "information", 35.0, 0, 0.02, 0.99),
    ("silkroad", "port_customs", "information", 15.0, 0, 0.02, 0.99),
    ("oceancart", "port_customs", "information", 12.0, 0, 0.02, 0.99),
    ("bluesea", "port_customs", "information", 37.0, 0, 0.02, 0.99),
    ("swiftair", "port_customs", "information", 77.0, 0, 0.02, 0.99),
    ("port_customs", "beltlink", "information", 35.0, 1, 0.01, 0.97),
    ("port_customs", "silkroad", "information", 15.0, 1, 0.01, 0.97),
    ("port_customs", "oceancart", "information", 12.0, 1, 0.01, 0.97),
    ("port_customs", "bluesea", "information", 37.0, 1, 0.01, 0.96),
    ("port_customs", "swiftair", "information", 77.0, 1, 0.01, 0.97),
    ("beltlink", "port_customs", "capital", 25.0, 1, 0.0, 0.99),
    ("commerce_bureau", "riverbend", "information", 2.0, 2, 0.0, 0.95),
    ("commerce_bureau", "beltlink", "information", 2.0, 2, 0.0, 0.95),
    ("commerce_bureau", "hosiery_assoc", "information", 3.0, 1, 0.0, 0.95),
    ("commerce_bureau", "port_customs", "information", 1.0, 2, 0.0, 0.95),
    ("commerce_bureau", "stride", "capital", 20.0, 4, 0.0, 0.9),
    ("hosiery_assoc", "riverbend", "information", 2.0, 1, 0.0, 0.95),
    ("hosiery_assoc", "maple", "information", 2.0, 1, 0.0, 0.95),
    ("hosiery_assoc", "sunstep", "information", 2.0, 1, 0.0, 0.95),
    ("hosiery_assoc", "cozyfeet", "information", 2.0, 1, 0.0, 0.95),
    ("hosiery_assoc", "stride", "information", 2.0, 1, 0.0, 0.95),
    ("clouddata", "globalmall", "technology", 10.0, 1, 1.5, 0.97),
    ("clouddata", "beltlink", "technology", 6.0, 1, 1.2, 0.96),
    ("clouddata", "silkroad", "technology", 4.0, 1, 1.2, 0.96),
    ("clouddata", "riverbend", "technology", 3.0, 2, 1.0, 0.95),
    ("beltlink", "clouddata", "information", 40.0, 0, 0.01, 0.99),
    ("textile_institute", "stride", "technology", 4.0, 8, 2.0, 0.8),
    ("textile_institute", "sunstep", "technology", 3.0, 8, 2.0, 0.8),
    ("textile_institute", "elasticore", "technology", 2.0, 8, 2.0, 0.8),
    ("textile_institute", "clouddata", "technology", 1.0, 6, 2.0, 0.85),
    ("vocational_college", "beltlink", "technology", 3.0, 12, 0.5, 0.85),
    ("vocational_college", "riverbend", "technology", 2.0, 12, 0.5, 0.85),
    ("ecom_school", "silkroad", "technology", 2.0, 4, 0.8, 0.9),
    ("ecom_school", "oceancart", "technology", 2.0, 4, 0.8, 0.9),
    ("ecom_school", "cozyfeet", "technology", 1.0, 4, 0.8, 0.9),
    ("riverbend", "dyebright", "technology", 1.0, 2, 0.3, 0.9),
    ("policy_env", "commerce_bureau", "information", 1.0, 8, 0.0, 0.9),
    ("legal_env", "port_customs", "information", 1.0, 12, 0.0, 0.9),
    ("legal_env", "commerce_bureau", "information", 1.0, 12, 0.0, 0.9),
    ("market_env", "us_market", "information", 2.0, 4, 0.0, 0.9),
    ("market_env", "eu_market", "information", 2.0, 4, 0.0, 0.9),
    ("market_env", "sea_market", "information", 2.0, 4, 0.0, 0.9),
    ("market_env", "beltlink", "information", 1.0, 4, 0.0, 0.9),
    ("innovation_env", "textile_institute", "information", 1.0, 12, 0.0, 0.85),
    ("innovation_env", "clouddata", "information", 1.0, 12, 0.0, 0.85),
    ("production_env", "dyebright", "information", 1.0, 8, 0.0, 0.9),
    ("production_env", "riverbend", "information", 1.0, 8, 0.0, 0.9),
    ("production_env", "yarnwell", "information", 1.0, 8, 0.0, 0.9),
)


#: The unit of each flow's weekly volumes (orders are counted in the pairs they ask for).
UNITS = {"information": "thousand pairs ordered", "logistics": "thousand pairs",
         "capital": "thousand CNY", "technology": "service days"}


#: The industry of each firm's role: the groups of ``ecobelt convergence`` (W. Wang's
#: convergence of manufacturing with e-commerce, logistics, finance and technology services).
_INDUSTRY = {"supplier": "hosiery", "producer": "hosiery", "manufacturer": "hosiery",
             "cbec_enterprise": "e-commerce", "platform": "e-commerce",
             "logistics": "logistics", "finance": "finance",
             "technology": "technology services", "research": "technology services"}


def cross_border_belt() -> Ecosystem:
    """The toy cross-border sock belt (the bundled ``cross_border_belt`` example).

    Examples
    --------
    >>> belt = cross_border_belt()
    >>> len(belt), belt.validate() is belt
    (36, True)
    """
    eco = Ecosystem("cross_border_belt", description=(
        "A toy cross-border sock belt: yarn suppliers, knitting workshops and sock makers sell "
        "through cross-border firms and platforms to North America, Europe and Southeast Asia. "
        "Illustrative firms; volumes per week in thousand pairs, thousand yuan and service days."),
        currency="CNY", period="week", units=UNITS)
    for member_id, role, name, attributes in _MEMBERS:
        industry = _INDUSTRY.get(role)
        extra = {"industry": industry} if industry else {}
        eco.add_member(member_id, role, name=name, **attributes, **extra)

    def link(source, target, flow, volume, lead_time, unit_cost, reliability, headroom=1.5):
        eco.link(source, target, flow, volume=volume, capacity=round(headroom * volume, 1),
                 unit_cost=unit_cost, lead_time=lead_time, reliability=reliability)

    for up, down, pairs, _price, lead, cost in _TRADES:
        link(up, down, "logistics", pairs, lead, cost, 0.97 if lead < 3 else 0.93)
    for up, down, pairs, price, *_ in _TRADES + _SALES:
        link(down, up, "information", pairs, 0, 0.01, 0.99)  # orders
        link(down, up, "capital", round(pairs * price, 1), 2, 0.01, 0.98)  # payments
    for channel, carrier, markets in _PARCELS:
        pairs = sum(markets.values())
        eco.link(channel, carrier, "logistics", volume=pairs, capacity=round(1.5 * pairs, 1),
                 unit_cost=0.2, lead_time=0, reliability=0.99, to=dict(markets))
        link(channel, carrier, "information", pairs, 0, 0.01, 0.99)  # shipping orders
        link(channel, carrier, "capital", round(pairs * 1.8, 1), 1, 0.01, 0.99)  # freight
    for carrier, market, lead, cost, reliability in _DELIVERIES:
        pairs = sum(to.get(market, 0.0) for _, c, to in _PARCELS if c == carrier)
        link(carrier, market, "logistics", pairs, lead, cost, reliability, headroom=1.3)
    for source, target, flow, volume, lead, cost, reliability in _SERVICES:
        link(source, target, flow, volume, lead, cost, reliability)
    return eco
