"""The strategic-alliance configuration and how it changes an ecosystem.

Wang & Gao §5.1: a strategic alliance of core enterprises "can improve the
transparency of information, reduce circulation costs", and promotes
"technology sharing". :class:`Alliance` records those three levers plus a
shared service platform; :func:`apply` returns the changed ecosystem.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from numbers import Real
from collections.abc import Iterable
from typing import Any, Mapping

import numpy as np

from .._errors import ParameterError, UnknownMemberError
from ..graph import Ecosystem
from ..taxonomy import DEFAULT_ROLES, Flow, Ring

__all__ = ["Alliance", "apply", "SERVICE_FLOWS"]

#: The flow a shared service platform of each sub-core role provides to the members.
SERVICE_FLOWS: Mapping[str, Flow] = {
    "logistics": Flow.LOGISTICS, "finance": Flow.CAPITAL, "technology": Flow.TECHNOLOGY,
    "research": Flow.TECHNOLOGY, "government": Flow.INFORMATION, "customs": Flow.INFORMATION,
    "association": Flow.INFORMATION, "training": Flow.TECHNOLOGY,
}


@dataclass(frozen=True)
class Alliance:
    """A strategic alliance of ecosystem members and the levers it pulls.

    Parameters
    ----------
    name : str
        A label for tables and figures.
    members : tuple of str
        The allied members (usually core enterprises).
    share_information : bool, default True
        The members share end-customer demand data: on their supply chain each
        member forecasts from market demand instead of the orders it receives
        (the bullwhip module's partial centralisation).
    cost_cut : float, default 0.0
        Fraction in [0, 1) by which ``unit_cost`` falls on links among members
        ("reduce circulation costs").
    technology_sharing : float, default 0.0
        Volume of the ``technology`` link added in both directions between
        every pair of members that has none (0 adds none).
    shared_platform : str, optional
        A sub-core role (``"logistics"``, ``"finance"``, ``"technology"``, ...)
        for a service platform the members set up together: a new member
        ``"<name> platform"`` that serves every member with its role's flow
        (:data:`SERVICE_FLOWS`) and exchanges information with each.
    platform_volume : float, default 1.0
        Volume of each link of the shared platform (in the graph).
    platform_lead_time : int, optional
        Transit time of every lane a shared logistics platform takes over, in
        periods (default: each lane keeps its own).
    platform_fee : float, optional
        Fee per unit on every lane a shared logistics platform takes over
        (default: each lane's own fee less 10%: consolidated parcels buy
        freight in bulk).
    platform_capacity : float, optional
        Goods per period a shared logistics platform can carry (default: no limit).

    Notes
    -----
    What each lever does to the simulated belt is listed in
    :data:`ecosystem.alliance.LEVERS`.

    Examples
    --------
    >>> Alliance("exporters", ("cbec1", "cbec2"), cost_cut=0.1)
    Alliance(name='exporters', members=('cbec1', 'cbec2'), share_information=True,
             cost_cut=0.1, technology_sharing=0.0, shared_platform=None, platform_volume=1.0,
             platform_lead_time=None, platform_fee=None, platform_capacity=None)
    """

    name: str
    members: tuple[str, ...]
    share_information: bool = True
    cost_cut: float = 0.0
    technology_sharing: float = 0.0
    shared_platform: str | None = None
    platform_volume: float = 1.0
    platform_lead_time: int | None = None
    platform_fee: float | None = None
    platform_capacity: float | None = None

    def __post_init__(self) -> None:
        members = self.members
        if isinstance(members, str) or not isinstance(members, Iterable):
            members = (members,)
        members = tuple(members)
        object.__setattr__(self, "members", members)
        if not self.name or not isinstance(self.name, str):
            raise ParameterError(f"an alliance needs a non-empty name, got {self.name!r}")
        if len(members) < 1 or len(set(members)) != len(members):
            raise ParameterError(f"alliance {self.name!r}: members must be distinct and at "
                                 f"least one, got {members!r}")
        if not isinstance(self.share_information, (bool, np.bool_)):
            raise ParameterError(f"alliance {self.name!r}: share_information must be true or "
                                 f"false, got {self.share_information!r}")
        for name in ("cost_cut", "technology_sharing", "platform_volume"):
            value = getattr(self, name)
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real) \
                    or not np.isfinite(float(value)) or value < 0:
                raise ParameterError(f"alliance {self.name!r}: {name} must be a finite "
                                     f"number >= 0, got {value!r}")
        for name in ("platform_fee", "platform_capacity"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, (bool, np.bool_))
                                      or not isinstance(value, Real)
                                      or not np.isfinite(float(value))
                                      or value < 0):
                raise ParameterError(f"alliance {self.name!r}: {name} must be a finite "
                                     f"number >= 0 or left out, got {value!r}")
        lead = self.platform_lead_time
        if lead is not None and (isinstance(lead, (bool, np.bool_)) or not isinstance(lead, Real)
                                 or not float(lead).is_integer() or lead < 0):
            raise ParameterError(f"alliance {self.name!r}: platform_lead_time must be a whole "
                                 f"number of periods >= 0 or left out, got {lead!r}")
        if not self.cost_cut < 1:
            raise ParameterError(f"alliance {self.name!r}: cost_cut must be in [0, 1) (a "
                                 f"fraction of the unit cost), got {self.cost_cut!r}")
        if self.shared_platform is not None and self.shared_platform not in SERVICE_FLOWS:
            raise ParameterError(f"alliance {self.name!r}: shared_platform must be one of "
                                 f"{sorted(SERVICE_FLOWS)}, got {self.shared_platform!r}")

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> "Alliance":
        """Build from a mapping with the same keys as the constructor (a YAML entry)."""
        allowed = set(cls.__dataclass_fields__)
        unknown = set(spec) - allowed
        if unknown:
            raise ParameterError(f"unknown alliance keys {sorted(unknown)}; allowed: "
                                 f"{sorted(allowed)}")
        if "name" not in spec or "members" not in spec:
            raise ParameterError("an alliance needs 'name' and 'members'")
        return cls(**spec)

    def to_dict(self) -> dict[str, Any]:
        """The constructor's arguments as plain values (for YAML and JSON)."""
        return {name: (list(value) if name == "members" else value)
                for name, value in self.__dict__.items()}

    def with_(self, **changes: Any) -> "Alliance":
        """A copy with some fields changed (parameter sweeps use this)."""
        unknown = set(changes) - set(self.__dataclass_fields__)
        if unknown:
            raise ParameterError(f"alliance {self.name!r}: no lever {sorted(unknown)}; "
                                 f"levers: {sorted(self.__dataclass_fields__)}")
        return replace(self, **changes)


def apply(eco: Ecosystem, alliance: Alliance | None) -> Ecosystem:
    """A new ecosystem with ``alliance`` in force; ``eco`` is left untouched.

    The result records the alliance in ``graph.graph["alliance"]`` (its
    :meth:`Alliance.to_dict`) and each allied member's attribute
    ``alliance``. ``None`` returns a plain copy (the no-alliance baseline).

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for m in ["a", "b"]:
    ...     eco.add_member(m, "cbec_enterprise")
    >>> eco.link("a", "b", "logistics", unit_cost=2.0)
    >>> allied = apply(eco, Alliance("ab", ("a", "b"), cost_cut=0.25, technology_sharing=1.0))
    >>> cost = lambda e: e.graph.edges["a", "b", "logistics"]["unit_cost"]
    >>> cost(allied), cost(eco)
    (1.5, 2.0)
    >>> sorted(allied.links(flow="technology"))
    [('a', 'b', 'technology'), ('b', 'a', 'technology')]
    """
    result = eco.copy()
    if alliance is None:
        return result
    for member in alliance.members:
        if member not in eco:
            raise UnknownMemberError(f"alliance {alliance.name!r}: no member {member!r}")
    for member in alliance.members:
        result.update_member(member, alliance=alliance.name)
    if alliance.cost_cut:
        result._scale_links_among(alliance.members, "unit_cost", 1 - alliance.cost_cut)
    if alliance.technology_sharing:
        for u in alliance.members:  # pairs of members: the alliance is small next to the belt
            for v in alliance.members:
                if u != v and not result._has_link(u, v, Flow.TECHNOLOGY.value):
                    result.link(u, v, Flow.TECHNOLOGY, volume=alliance.technology_sharing,
                                origin="alliance")
    if alliance.shared_platform:
        _add_shared_platform(result, alliance, alliance.shared_platform)
    result.attributes["alliance"] = alliance.to_dict()
    return result


def _add_shared_platform(eco: Ecosystem, alliance: Alliance, role: str) -> None:
    platform = f"{alliance.name} platform"
    if platform in eco:
        raise ParameterError(f"alliance {alliance.name!r}: a member {platform!r} already exists")
    eco.add_member(platform, role, ring=DEFAULT_ROLES.get(role, Ring.SUB_CORE),
                   alliance=alliance.name)
    service = SERVICE_FLOWS[role]
    for member in alliance.members:
        eco.link(platform, member, service, volume=alliance.platform_volume, origin="alliance")
        if service is not Flow.INFORMATION:
            eco.link(platform, member, Flow.INFORMATION, volume=alliance.platform_volume,
                     origin="alliance")
        eco.link(member, platform, Flow.INFORMATION, volume=alliance.platform_volume,
                 origin="alliance")
