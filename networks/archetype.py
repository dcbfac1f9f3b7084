"""The archetype: Wang & Gao's Figure 1 ecosystem with one member per role."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecosystem import Ecosystem

__all__ = ["archetype"]

#: One member per built-in role: (id, role, display name).
_MEMBERS = (
    # core circle (Wang & Gao, §3.2.1, Figure 2) and Liu & Li's rural core
    ("supplier", "supplier", "Raw-material supplier"),
    ("producer", "producer", "Component producer"),
    ("manufacturer", "manufacturer", "Industrial-belt manufacturer"),
    ("cbec_enterprise", "cbec_enterprise", "Cross-border e-commerce firm"),
    ("platform", "platform", "Cross-border e-commerce platform"),
    ("market", "market", "Overseas consumers"),
    ("production_base", "production_base", "Rural production base"),
    ("cooperative", "cooperative", "Farmers' cooperative"),
    ("processor", "processor", "Processing enterprise"),
    ("online_shop", "online_shop", "Farmers' online shop"),
    # sub-core service platforms (Wang & Gao, §3.2.2; association and training from Liu & Li)
    ("logistics", "logistics", "Logistics platform"),
    ("finance", "finance", "Financial platform"),
    ("government", "government", "Government platform"),
    ("customs", "customs", "Customs (department platform)"),
    ("technology", "technology", "Technology platform"),
    ("research", "research", "Universities and research institutes"),
    ("association", "association", "E-commerce association"),
    ("training", "training", "Education and training"),
    # outer circle (Wang & Gao, §3.2.3)
    ("production_environment", "production_environment", "Production environment"),
    ("legal_environment", "legal_environment", "Legal environment"),
    ("innovation_environment", "innovation_environment", "Innovation environment"),
    ("policy_environment", "policy_environment", "Policy environment"),
    ("market_environment", "market_environment", "Market environment"),
)

# The market's profit per unit sold (illustrative; its routes cost 3.3-4.3 per unit in links),
# the default margin of the alliance surplus game and of ecosystem.alliance.
_MEMBER_ATTRIBUTES: dict[str, dict[str, Any]] = {"market": {"margin": 8.0}}

# (source, target, flow, volume, unit_cost, lead_time, reliability); capacity = 1.5 x volume.
# Goods go downstream to the market, orders and payments come back upstream.
_LINKS = (
    # logistics: goods move from the belt to the overseas market
    ("supplier", "producer", "logistics", 400.0, 0.2, 1, 0.98),
    ("supplier", "manufacturer", "logistics", 600.0, 0.2, 1, 0.98),
    ("producer", "manufacturer", "logistics", 380.0, 0.3, 1, 0.97),
    ("manufacturer", "cbec_enterprise", "logistics", 900.0, 0.4, 2, 0.97),
    ("cbec_enterprise", "platform", "logistics", 500.0, 0.6, 3, 0.96),
    ("cbec_enterprise", "logistics", "logistics", 400.0, 0.3, 1, 0.98),
    ("platform", "logistics", "logistics", 500.0, 0.3, 1, 0.98),
    ("logistics", "market", "logistics", 1050.0, 2.5, 12, 0.92),
    ("production_base", "cooperative", "logistics", 300.0, 0.1, 1, 0.97),
    ("production_base", "processor", "logistics", 200.0, 0.1, 1, 0.97),
    ("cooperative", "online_shop", "logistics", 280.0, 0.2, 1, 0.97),
    ("processor", "online_shop", "logistics", 190.0, 0.2, 1, 0.97),
    ("online_shop", "logistics", "logistics", 150.0, 0.5, 1, 0.97),
    # information: orders travel upstream; services, government and environments inform
    ("market", "platform", "information", 520.0, 0.02, 0, 0.99),
    ("market", "cbec_enterprise", "information", 450.0, 0.02, 0, 0.99),
    ("platform", "cbec_enterprise", "information", 520.0, 0.01, 0, 0.99),
    ("platform", "online_shop", "information", 160.0, 0.01, 0, 0.99),
    ("cbec_enterprise", "manufacturer", "information", 950.0, 0.01, 1, 0.98),
    ("manufacturer", "producer", "information", 400.0, 0.01, 1, 0.98),
    ("manufacturer", "supplier", "information", 620.0, 0.01, 1, 0.98),
    ("producer", "supplier", "information", 420.0, 0.01, 1, 0.98),
    ("online_shop", "cooperative", "information", 300.0, 0.01, 0, 0.98),
    ("online_shop", "processor", "information", 200.0, 0.01, 0, 0.98),
    ("processor", "production_base", "information", 210.0, 0.01, 0, 0.98),
    ("cooperative", "production_base", "information", 310.0, 0.01, 0, 0.98),
    ("cbec_enterprise", "logistics", "information", 400.0, 0.01, 0, 0.99),
    ("cbec_enterprise", "customs", "information", 400.0, 0.05, 0, 0.99),
    ("logistics", "customs", "information", 1050.0, 0.05, 0, 0.99),
    ("customs", "cbec_enterprise", "information", 400.0, 0.03, 1, 0.97),
    ("customs", "logistics", "information", 1050.0, 0.03, 1, 0.97),
    ("manufacturer", "finance", "information", 12.0, 0.0, 0, 0.99),
    ("government", "manufacturer", "information", 4.0, 0.0, 2, 0.95),
    ("government", "cbec_enterprise", "information", 4.0, 0.0, 2, 0.95),
    ("government", "platform", "information", 2.0, 0.0, 2, 0.95),
    ("government", "association", "information", 3.0, 0.0, 2, 0.95),
    ("association", "online_shop", "information", 6.0, 0.0, 1, 0.95),
    ("policy_environment", "government", "information", 2.0, 0.0, 4, 0.9),
    ("policy_environment", "cbec_enterprise", "information", 1.0, 0.0, 4, 0.9),
    ("legal_environment", "customs", "information", 1.0, 0.0, 6, 0.9),
    ("legal_environment", "government", "information", 1.0, 0.0, 6, 0.9),
    ("market_environment", "market", "information", 3.0, 0.0, 2, 0.9),
    ("market_environment", "cbec_enterprise", "information", 3.0, 0.0, 2, 0.9),
    ("innovation_environment", "research", "information", 2.0, 0.0, 6, 0.85),
    ("innovation_environment", "technology", "information", 2.0, 0.0, 6, 0.85),
    ("production_environment", "manufacturer", "information", 1.0, 0.0, 4, 0.9),
    ("production_environment", "production_base", "information", 1.0, 0.0, 4, 0.9),
    # capital: payments travel upstream; finance lends, government subsidises
    ("market", "platform", "capital", 13000.0, 0.03, 1, 0.98),
    ("market", "cbec_enterprise", "capital", 11000.0, 0.03, 1, 0.98),
    ("platform", "cbec_enterprise", "capital", 12000.0, 0.02, 2, 0.98),
    ("platform", "online_shop", "capital", 3200.0, 0.02, 2, 0.98),
    ("cbec_enterprise", "manufacturer", "capital", 16000.0, 0.01, 2, 0.97),
    ("manufacturer", "producer", "capital", 4000.0, 0.01, 2, 0.97),
    ("manufacturer", "supplier", "capital", 4800.0, 0.01, 2, 0.97),
    ("producer", "supplier", "capital", 2600.0, 0.01, 2, 0.97),
    ("online_shop", "cooperative", "capital", 1500.0, 0.01, 1, 0.97),
    ("online_shop", "processor", "capital", 1400.0, 0.01, 1, 0.97),
    ("processor", "production_base", "capital", 600.0, 0.01, 1, 0.97),
    ("cooperative", "production_base", "capital", 900.0, 0.01, 1, 0.97),
    ("cbec_enterprise", "logistics", "capital", 1000.0, 0.01, 1, 0.99),
    ("platform", "logistics", "capital", 1250.0, 0.01, 1, 0.99),
    ("online_shop", "logistics", "capital", 300.0, 0.01, 1, 0.99),
    ("cbec_enterprise", "customs", "capital", 800.0, 0.0, 1, 0.99),
    ("finance", "manufacturer", "capital", 5000.0, 0.06, 2, 0.97),
    ("finance", "cbec_enterprise", "capital", 3000.0, 0.05, 1, 0.98),
    ("finance", "online_shop", "capital", 500.0, 0.08, 2, 0.95),
    ("government", "cooperative", "capital", 200.0, 0.0, 4, 0.9),
    # technology: services, research and training
    ("technology", "platform", "technology", 8.0, 1.5, 2, 0.95),
    ("technology", "cbec_enterprise", "technology", 5.0, 1.5, 2, 0.95),
    ("research", "manufacturer", "technology", 3.0, 2.0, 6, 0.85),
    ("research", "technology", "technology", 2.0, 2.0, 6, 0.85),
    ("research", "production_base", "technology", 2.0, 1.0, 8, 0.85),
    ("manufacturer", "supplier", "technology", 2.0, 0.5, 2, 0.9),
    ("training", "online_shop", "technology", 4.0, 0.5, 2, 0.9),
    ("training", "cooperative", "technology", 2.0, 0.5, 2, 0.9),
)


def archetype() -> Ecosystem:
    """The ecosystem of Wang & Gao's Figure 1: one member for every built-in role.

    The core circle is the industrial belt's supplier, producer and
    manufacturer, the cross-border e-commerce firm, the platform and the
    overseas market (Wang & Gao, §3.2.1, Figure 2), with Liu & Li's rural chain
    (production base, cooperative, processor, farmers' online shop) beside it;
    the sub-core service platforms (§3.2.2) are logistics, finance,
    government, customs (the "department platform"), technology, research,
    the e-commerce association and training; the outer circle (§3.2.3) is the
    five environments. Member ids are the role names.

    Returns
    -------
    Ecosystem
        23 members, 74 links; every link has ``volume``, ``capacity``
        (1.5 x volume), ``unit_cost``, ``lead_time`` and ``reliability``.

    Notes
    -----
    Who sends which flow to whom (Wang & Gao, §3.2 and §4, Figure 3):

    * **logistics** goes downstream: supplier -> producer -> manufacturer ->
      cross-border firm -> platform; the firm, the platform and the online shop
      hand parcels to the logistics platform, which delivers to the overseas
      market. On the rural side produce goes production base -> cooperative /
      processor -> online shop.
    * **information** goes upstream as orders (market -> platform and
      cross-border firm -> manufacturer -> producer -> supplier; the firm's
      orders carry its big-data production suggestions), and sideways as
      declarations and clearances with customs, credit data to finance,
      policy from the government and the association, and every signal of the
      outer environments (policy -> government and cross-border firm, legal -> customs and
      government, market -> market and cross-border firm, innovation ->
      research and technology, production -> manufacturer and production base).
    * **capital** goes upstream as payments (market -> platform -> firm ->
      manufacturer -> suppliers; shop -> cooperative / processor -> base),
      freight fees to logistics, duties to customs, loans from finance and a
      subsidy from the government to the cooperative.
    * **technology** comes from the technology platform (to the platform and
      the cross-border firm), from research (to the manufacturer, the
      technology platform and the production base), from training (to the
      online shop and the cooperative), and from the manufacturer to its
      supplier (specifications).

    Volumes are goods per period for logistics, orders or messages for
    information, money for capital and projects for technology.

    Examples
    --------
    >>> eco = archetype()
    >>> len(eco), eco.graph.number_of_edges()
    (23, 74)
    >>> eco.summary().loc["flow", "links"].tolist()
    [33, 13, 20, 8]
    >>> eco.graph.edges["market", "platform", "information"]["volume"]
    520.0
    """
    from ecosystem import Ecosystem  # here, so that importing networks stays light

    eco = Ecosystem("archetype", description=(
        "Wang & Gao's Figure 1: one member for every role of the three rings, joined by the "
        "four flows (networks.archetype)."))
    for member_id, role, name in _MEMBERS:
        eco.add_member(member_id, role, name=name, **_MEMBER_ATTRIBUTES.get(member_id, {}))
    for source, target, flow, volume, unit_cost, lead_time, reliability in _LINKS:
        eco.link(source, target, flow, volume=volume, capacity=round(1.5 * volume, 1),
                 unit_cost=unit_cost, lead_time=lead_time, reliability=reliability)
    return eco
