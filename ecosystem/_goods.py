"""Where goods go: carriers, their destinations and the conservation check.

Goods are the logistics flow. A *carrier* (a member of role ``logistics``)
moves goods but holds no stock: goods handed to it travel on to its
destinations (its outgoing logistics links). The link from a shipper to a
carrier may name those goods' destinations in a ``to`` attribute: a member
id or a list of them (the goods split among those in proportion to what the
carrier ships to each), or a mapping of destination to the volume bound for
it (those amounts, scaled to the link's volume if they add up to another
number). Without it the goods split among all the carrier's destinations in
proportion to the volumes the carrier ships to each.

:func:`conservation_warnings` is the part of :meth:`Ecosystem.problems` (with
``warnings=True``) that checks the goods balance: a member that is not a
producer ships no more goods than it receives, and a market does not receive
the same goods twice, once straight from a shipper and again through a
carrier that shipper hands goods to for that market.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .graph import Ecosystem

__all__ = ["CARRIER_ROLES", "PRODUCER_ROLES", "carrier_split", "conservation_warnings",
           "is_carrier"]

#: Roles of members that move goods without holding stock.
CARRIER_ROLES = ("logistics",)

#: Roles of members that make goods, so may ship more than they receive.
PRODUCER_ROLES = ("supplier", "producer", "manufacturer", "production_base", "processor",
                  "cooperative")

# relative slack of the balance: volumes written with a few decimals do not warn
_SLACK = 1e-9


def is_carrier(eco: "Ecosystem", member: str) -> bool:
    """Whether ``member`` is a carrier (its role is one of :data:`CARRIER_ROLES`)."""
    return eco.member(member).get("role") in CARRIER_ROLES


class _Logistics:
    """The logistics links of an ecosystem, read once, in the orders networkx gives.

    ``edges``: ``(source, target, attributes)`` in ``eco.graph``'s edge order;
    ``succ[u]``: ``{target: attributes}`` in the order of ``graph.successors(u)``;
    ``pred[v]``: the sources in the order of ``graph.predecessors(v)``; ``role``:
    each member's role. Read from the columns when they are the storage, so the
    check does not build ``eco.graph``.
    """

    def __init__(self, eco: "Ecosystem"):
        self.members: list[str] = eco.members()
        self.role: dict[str, Any] = dict(zip(self.members, eco._member_values("role").tolist()))
        self.succ: dict[str, dict[str, dict]] = {}
        self.pred: dict[str, list[str]] = {}
        if eco._graph is not None:
            graph = eco._graph
            self.edges = [(u, v, d) for u, v, k, d in graph.edges(keys=True, data=True)
                          if k == "logistics"]
            for u, v, d in self.edges:
                self.succ.setdefault(u, {})[v] = d
            for v in graph:
                sources = [u for u, keyed in graph._pred[v].items() if "logistics" in keyed]
                if sources:
                    self.pred[v] = sources
            return
        import numpy as np

        from ._columns import flow_code
        store = eco._columns()
        rows = eco._ordered_rows(flow_code("logistics"))
        ids = store.ids
        source, target = store.source[rows], store.target[rows]
        self.edges = list(zip(ids[source].tolist(), ids[target].tolist(),
                              store.link_rows(rows)))
        for u, v, d in self.edges:
            self.succ.setdefault(u, {})[v] = d
        # a member's predecessors come in the order their first link to it (of any flow) was
        # added, as in a networkx graph built from the rows
        n = max(len(ids), 1)
        pairs, first = np.unique(store.source * n + store.target, return_index=True)
        added = first[np.searchsorted(pairs, source * n + target)]
        for i in np.lexsort((added, target)).tolist():
            self.pred.setdefault(self.edges[i][1], []).append(self.edges[i][0])

    def is_carrier(self, member: str) -> bool:
        return self.role.get(member) in CARRIER_ROLES


def _volume(data: dict, default: float = 1.0) -> float:
    value = data.get("volume", default)
    if isinstance(value, bool) or not isinstance(value, Real) or not value == value:
        return default
    return float(value)


def _named(to: Any) -> list[str] | None:
    """The destinations a ``to`` attribute names (None when it names nothing usable)."""
    if isinstance(to, str):
        return [to]
    if isinstance(to, (list, tuple)) and all(isinstance(d, str) for d in to):
        return list(to)
    if isinstance(to, Mapping) and all(isinstance(d, str) for d in to) and all(
            isinstance(v, Real) and not isinstance(v, bool) and float(v) >= 0
            for v in to.values()):
        return list(to)
    return None


def _amounts(to: Any) -> dict[str, float] | None:
    """The volume per destination of a ``to`` mapping (None for any other form)."""
    if isinstance(to, Mapping) and _named(to) is not None:
        return {d: float(v) for d, v in to.items()}
    return None


def carrier_split(eco: "Ecosystem", shipper: str, carrier: str) -> dict[str, float]:
    """The goods ``shipper`` hands to ``carrier``, by final destination.

    Follows the goods through further carriers (a sea carrier handing on to a
    bonded warehouse) until they reach a member that is not a carrier. The
    link's ``to`` attribute, where given, limits the destinations; the goods
    split among the allowed destinations in proportion to what the carrier
    ships to each (equally when those volumes are all 0). A missing volume
    counts as 1, as in :func:`ecosystem.bullwhip.chain_from`.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for m, role in [("shop", "platform"), ("air", "logistics"), ("us", "market"),
    ...                 ("eu", "market")]:
    ...     eco.add_member(m, role)
    >>> eco.link("shop", "air", "logistics", volume=30.0)
    >>> eco.link("air", "us", "logistics", volume=40.0)
    >>> eco.link("air", "eu", "logistics", volume=20.0)
    >>> carrier_split(eco, "shop", "air")
    {'us': 20.0, 'eu': 10.0}
    >>> eco.update_link("shop", "air", "logistics", to="eu")
    >>> carrier_split(eco, "shop", "air")
    {'eu': 30.0}
    """
    return _carrier_split(_Logistics(eco), shipper, carrier)


def _carrier_split(links: _Logistics, shipper: str, carrier: str) -> dict[str, float]:
    out: dict[str, float] = {}
    _spread(links, shipper, carrier, _volume(links.succ[shipper][carrier]), out, {carrier})
    return out


def _spread(links: _Logistics, shipper: str, carrier: str, amount: float,
            out: dict[str, float], seen: set[str]) -> None:
    data = links.succ[shipper][carrier]
    named = _named(data["to"]) if "to" in data else None
    amounts = _amounts(data["to"]) if "to" in data else None
    onward = [(d, amounts[d] if amounts is not None else _volume(onward_data))
              for d, onward_data in links.succ.get(carrier, {}).items()
              if d not in seen and (named is None or d in named)]
    if not onward:
        return
    total = sum(v for _, v in onward)
    for destination, volume in onward:
        share = amount * (volume / total if total > 0 else 1.0 / len(onward))
        if links.is_carrier(destination):
            _spread(links, carrier, destination, share, out, seen | {destination})
        else:
            out[destination] = out.get(destination, 0.0) + share


def conservation_warnings(eco: "Ecosystem") -> list[str]:
    """The goods-balance warnings of ``eco`` (see the module docstring), as sentences."""
    links = _Logistics(eco)
    unit = eco.flow_unit("logistics")
    found = []
    incoming: dict[str, float] = {}
    outgoing: dict[str, float] = {}
    for u, v, d in links.edges:
        volume = _volume(d, 0.0)
        outgoing[u] = outgoing.get(u, 0.0) + volume
        incoming[v] = incoming.get(v, 0.0) + volume
        if "to" in d:
            found += _to_warnings(eco, links, u, v, d["to"])
    for member, shipped in outgoing.items():
        received = incoming.get(member, 0.0)
        role = links.role[member]
        if role in PRODUCER_ROLES or member not in links.pred:  # a first tier receives none
            continue
        if shipped > received * (1 + _SLACK) + _SLACK:
            found.append(
                f"member {member!r} ({role}) ships {shipped:g} {unit} but receives "
                f"{received:g}: only producers ({', '.join(PRODUCER_ROLES)}) and members "
                "that receive no goods may ship more than they receive")
    for market in links.members:
        if links.role[market] != "market":
            continue
        for shipper in links.pred.get(market, ()):
            if links.is_carrier(shipper):
                continue
            direct = _volume(links.succ[shipper][market], 0.0)
            for carrier in links.succ[shipper]:
                if not links.is_carrier(carrier):
                    continue
                via = _carrier_split(links, shipper, carrier).get(market, 0.0)
                if via > 0:
                    found.append(
                        f"market {market!r} is fed twice by {shipper!r}: directly "
                        f"({direct:g} {unit}) and through carrier {carrier!r} ({via:.4g} "
                        f"bound for it); drop the direct link or name the carrier's other "
                        f"destinations in the link's to attribute")
    return found


def _to_warnings(eco: "Ecosystem", links: _Logistics, shipper: str, carrier: str, to: Any
                 ) -> list[str]:
    where = f"link {shipper!r} -> {carrier!r} (logistics)"
    if not links.is_carrier(carrier):
        return [f"{where}: to names destinations, but {carrier!r} is not a carrier "
                f"(role {', '.join(CARRIER_ROLES)}); goods handed to it stay with it"]
    named = _named(to)
    if named is None:
        return [f"{where}: to must be a member id, a list of member ids or a mapping of "
                f"member id to volume >= 0, got {to!r}"]
    onward = links.succ.get(carrier, {})
    found = [f"{where}: to names {d!r}, to which {carrier!r} ships no goods"
             for d in named if d not in onward]
    amounts = _amounts(to)
    volume = _volume(links.succ[shipper][carrier], 0.0)
    if amounts is not None and abs(sum(amounts.values()) - volume) > _SLACK * (1 + volume):
        found.append(f"{where}: to sends {sum(amounts.values()):g} {eco.flow_unit('logistics')} "
                     f"on, but the link carries {volume:g}; the amounts are scaled to it")
    return found
