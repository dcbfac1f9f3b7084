"""A serial supply chain read from an ecosystem's logistics layer, and who shares what.

Stage 1 is the member that ships to the market (it sees end-customer demand);
stage ``k + 1`` supplies stage ``k``. ``L`` of a stage is the number of periods
its order-up-to level must cover: the physical lead time of its replenishment
plus the review period (one period).
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .._errors import ParameterError
from ..graph import Ecosystem
from .._goods import is_carrier
from ..taxonomy import Ring
from ._params import check_lead_time, check_stages, check_whole, per_stage

__all__ = ["SupplyChain", "chain_from", "resolve_sharing", "stages_of"]


@dataclass(frozen=True)
class SupplyChain:
    """A serial chain: its stages' member ids and lead times, downstream first.

    Parameters
    ----------
    members : tuple of str
        Stage 1 (which faces the market) first, the most upstream stage last.
    lead_times : tuple of int
        ``L`` per stage: physical lead time of the stage's replenishment plus
        the review period, in periods.
    market : str, optional
        The market whose demand stage 1 meets.
    route : tuple of str, optional
        The members the goods pass from the top stage down to the market,
        carriers and other members that are not stages included (what
        :func:`chain_from` followed). Empty when the chain was written by hand.

    Examples
    --------
    >>> chain = SupplyChain(("shop", "factory"), (2, 3), market="eu")
    >>> chain.stages, chain.stage_of("factory")
    (2, 2)
    >>> chain.shares({"factory"})
    (False, True)
    >>> str(chain)
    'factory -> shop -> eu'
    """

    members: tuple[str, ...]
    lead_times: tuple[int, ...]
    market: str | None = None
    route: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        members = tuple(self.members)
        if not members:
            raise ParameterError("a supply chain needs at least one stage")
        if len(set(members)) != len(members):
            raise ParameterError(f"a member appears twice in the chain {members}")
        lead_times = tuple(check_lead_time(v, k + 1) for k, v in enumerate(self.lead_times))
        if len(lead_times) != len(members):
            raise ParameterError(f"lead_times has {len(lead_times)} values for "
                                 f"{len(members)} stage(s)")
        object.__setattr__(self, "members", members)
        object.__setattr__(self, "lead_times", lead_times)
        object.__setattr__(self, "route", tuple(self.route))

    def __str__(self) -> str:
        """The route the goods take, stages plain and pass-through members in brackets."""
        route = self.route or tuple(reversed(self.members)) + (
            (self.market,) if self.market is not None else ())
        stages = set(self.members)
        return " -> ".join(m if m in stages or m == self.market else f"[{m}]" for m in route)

    @property
    def stages(self) -> int:
        """The number of stages."""
        return len(self.members)

    def stage_of(self, member: str) -> int:
        """The 1-based stage of ``member``."""
        try:
            return self.members.index(member) + 1
        except ValueError:
            raise ParameterError(f"{member!r} is not a stage of this chain; its stages are "
                                 + ", ".join(self.members)) from None

    def shares(self, sharing: str | Iterable[int | str] | None) -> tuple[bool, ...]:
        """Which stages forecast from end-customer demand under ``sharing``."""
        return tuple(bool(b) for b in resolve_sharing(sharing, self.stages, self))


def resolve_sharing(sharing: str | Iterable[int | str] | None, stages: int,
                    chain: SupplyChain | None = None) -> np.ndarray:
    """A boolean per stage: does it forecast from end-customer demand?

    ``sharing`` is ``"decentralized"`` (nobody), ``"centralized"`` (every
    stage) or a collection of 1-based stage numbers and/or member ids of
    ``chain`` (partial sharing, e.g. an alliance). The market's own id is
    accepted and ignored: demand is observed there anyway. Stage 1 always sees
    end-customer demand, so listing it changes nothing.
    """
    if isinstance(sharing, str):
        key = sharing.strip().lower()
        if key in ("decentralized", "decentralised", "none"):
            return np.zeros(stages, dtype=bool)
        if key in ("centralized", "centralised", "all"):
            return np.ones(stages, dtype=bool)
        raise ParameterError(f"sharing {sharing!r} is not 'decentralized', 'centralized' or a "
                             "collection of stage numbers / member ids")
    if sharing is None:
        return np.zeros(stages, dtype=bool)
    try:
        items = list(sharing)
    except TypeError:
        raise ParameterError(f"sharing must be 'decentralized', 'centralized' or a collection "
                             f"of stage numbers / member ids, got {sharing!r}") from None
    mask = np.zeros(stages, dtype=bool)
    for item in items:
        if isinstance(item, Integral) and not isinstance(item, bool):
            if not 1 <= int(item) <= stages:
                raise ParameterError(f"sharing names stage {item}, but stages are numbered "
                                     f"1..{stages} (1 faces the market)")
            mask[int(item) - 1] = True
        elif isinstance(item, str):
            if chain is None:
                raise ParameterError(f"sharing names member {item!r}, but the chain has no "
                                     "member ids; pass a SupplyChain (see chain_from) or use "
                                     "stage numbers")
            if item == chain.market:
                continue
            mask[chain.stage_of(item) - 1] = True
        else:
            raise ParameterError(f"sharing items must be stage numbers or member ids, "
                                 f"got {item!r}")
    return mask


def stages_of(stages: int | SupplyChain, lead_time: int | Sequence[int] | None
              ) -> tuple[int, Any, list, SupplyChain | None]:
    """Stage count, lead times (default 2, or the chain's own), stage labels and the
    chain, from a number of stages or a :class:`SupplyChain`."""
    if isinstance(stages, SupplyChain):
        if lead_time is not None and tuple(per_stage(lead_time, stages.stages, "lead_time")) \
                != stages.lead_times:
            raise ParameterError("lead_time conflicts with the chain's own lead times; leave it "
                                 "out when passing a SupplyChain")
        return stages.stages, list(stages.lead_times), list(stages.members), stages
    count = check_stages(stages)
    return count, 2 if lead_time is None else lead_time, list(range(1, count + 1)), None


def _goods_for(eco: Ecosystem, layer, supplier: str, member: str, downstream: str | None
               ) -> float:
    """The goods ``supplier`` sends ``member`` that go on towards ``downstream``.

    Into a carrier only the part bound for the member the chain came from
    counts (the link's ``to`` attribute, or a split in proportion to the
    carrier's outgoing volumes); a missing volume counts as 1.
    """
    volume = layer.edges[supplier, member].get("volume", 1.0)
    if downstream is None or not is_carrier(eco, member):
        return volume
    data = layer.edges[supplier, member]
    onward = {d: layer.edges[member, d].get("volume", 1.0) for d in layer.successors(member)}
    if "to" in data:
        to = data["to"]
        named = [to] if isinstance(to, str) else list(to)
        onward = {d: (float(to[d]) if isinstance(to, Mapping) else v)
                  for d, v in onward.items() if d in named}
    total = sum(onward.values())
    if downstream not in onward:
        return 0.0
    return volume * (onward[downstream] / total if total > 0 else 1.0 / len(onward))


def chain_from(eco: Ecosystem, market: str, *, max_stages: int | None = None,
               rings: Iterable[Ring | str] | None = ("core",), review_period: int = 1,
               default_lead_time: int = 1, source_lead_time: int | None = None
               ) -> SupplyChain:
    """Follow the logistics layer upstream from ``market`` into a serial chain.

    Starting at the market, each step moves to the member that ships the
    largest ``volume`` (a missing volume counts as 1) to the current one,
    until no supplier is left, a member would repeat, or ``max_stages`` is
    reached. A carrier (role ``logistics``) moves goods but holds no stock:
    the chain passes through it, never making it a stage, and upstream of it
    counts only the goods bound for the member the chain came from (the
    shipper's link's ``to`` attribute, or the carrier's outgoing volumes in
    proportion, followed through any further carriers). Only members of
    ``rings`` become stages (by default the core circle); another supplier
    is skipped over in the same way. The route followed, stages and
    pass-through members, is the chain's ``route`` (and its ``str()``).

    Parameters
    ----------
    eco : Ecosystem
    market : str
        The member whose demand the chain serves (usually role ``market``).
    max_stages : int, optional
        Stop after this many stages.
    rings : iterable of Ring or str, optional
        Rings whose members may be stages; None for every member.
    review_period : int
        Periods between orders (added to every physical lead time).
    default_lead_time : int
        Physical lead time of a link without a ``lead_time`` attribute.
    source_lead_time : int, optional
        Physical lead time of the top stage's own replenishment (production or
        purchase outside the ecosystem). Default: that member's ``lead_time``
        attribute if it has one, else ``default_lead_time``.

    Returns
    -------
    SupplyChain
        ``lead_times[k]`` is ``L`` of stage ``k + 1``: the ``lead_time`` of
        the link from its supplier plus ``review_period``.

    Examples
    --------
    >>> eco = Ecosystem("belt")
    >>> for member, role in [("eu", "market"), ("shop", "platform"),
    ...                      ("plant", "manufacturer"), ("yarn", "supplier")]:
    ...     eco.add_member(member, role)
    >>> eco.link("shop", "eu", "logistics", lead_time=3)
    >>> eco.link("plant", "shop", "logistics", lead_time=4)
    >>> eco.link("yarn", "plant", "logistics", lead_time=1)
    >>> chain = chain_from(eco, "eu")
    >>> chain.members, chain.lead_times
    (('shop', 'plant', 'yarn'), (5, 2, 2))

    The shop's ``L`` is 4 + 1: the plant's shipping time plus the review
    period; the link into the market does not enter any stage's ``L``.
    A carrier between the shop and the market is passed through, its
    lead time added to the shop's:

    >>> eco.add_member("air", "logistics")
    >>> eco.unlink("shop", "eu", "logistics")
    >>> eco.link("shop", "air", "logistics", lead_time=0)
    >>> eco.link("air", "eu", "logistics", lead_time=2)
    >>> chain = chain_from(eco, "eu")
    >>> chain.members, chain.lead_times, str(chain)
    (('shop', 'plant', 'yarn'), (5, 2, 2), 'yarn -> plant -> shop -> [air] -> eu')
    """
    eco.member(market)  # raises UnknownMemberError for an unknown id
    check_whole(review_period, "review_period")
    check_whole(default_lead_time, "default_lead_time")
    if max_stages is not None:
        check_whole(max_stages, "max_stages", 1)
    allowed = None if rings is None else {Ring.coerce(r, "ring").value for r in rings}
    layer = eco.layer("logistics")
    # the whole upstream path first (market, n1, n2, ...) with each link's lead time
    path, leads = [market], []
    while True:
        downstream = path[-2] if len(path) > 1 else None
        goods = {u: _goods_for(eco, layer, u, path[-1], downstream)
                 for u in layer.predecessors(path[-1]) if u not in path}
        # ties go to the member added first, so the chain does not depend on set order
        # into a carrier, a shipper whose goods all go elsewhere is no supplier of this chain
        carrier = downstream is not None and is_carrier(eco, path[-1])
        candidates = [u for u, amount in goods.items() if amount > 0 or not carrier]
        if not candidates:
            break
        supplier = max(candidates, key=lambda u: (goods[u], -candidates.index(u)))
        leads.append(check_lead_time(layer.edges[supplier, path[-1]].get(
            "lead_time", default_lead_time)))
        path.append(supplier)
    positions = [i for i in range(1, len(path)) if not is_carrier(eco, path[i])
                 and (allowed is None or eco.member(path[i])["ring"] in allowed)]
    if not positions:
        raise ParameterError(f"no member ships to {market!r} in the logistics layer (among "
                             f"rings {sorted(allowed) if allowed else 'any'}); link a "
                             "supplier to it with flow 'logistics'")
    physical = []
    for rank, i in enumerate(positions):
        if rank + 1 < len(positions):
            # a skipped member (e.g. a carrier) adds its links' lead times to the stage it feeds
            physical.append(sum(leads[i:positions[rank + 1]]))
        else:
            source, name = source_lead_time, "source_lead_time"
            if source is None:
                source = eco.member(path[i]).get("lead_time", default_lead_time)
                name = f"lead_time of member {path[i]!r}"
            physical.append(check_whole(source, name))
    if max_stages is not None:
        positions, physical = positions[:max_stages], physical[:max_stages]
    members = tuple(path[i] for i in positions)
    route = tuple(reversed(path[:positions[-1] + 1]))
    return SupplyChain(members, tuple(p + review_period for p in physical), market, route)
