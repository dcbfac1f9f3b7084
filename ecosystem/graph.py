"""The typed three-ring ecosystem graph.

An :class:`Ecosystem` wraps a :class:`networkx.MultiDiGraph` (``eco.graph``).
Nodes are members, identified by a string id, with the attributes ``role`` and
``ring`` (plain strings) plus anything the user adds. Edges are links; the edge
key is the flow (``"information"``, ``"logistics"``, ``"capital"`` or
``"technology"``), so two members are joined by at most one link per flow and
usually by several flows.

Member order
------------
Every matrix ecobelt builds (``adjacency``, the flow model, the analyses) has
its rows and columns in *member order*: the order in which members were added,
which is ``list(eco.graph)`` and ``eco.members()``. Removing a member keeps the
relative order of the others.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Iterable, Iterator, Mapping

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from . import _bulk, _inspect
from ._errors import DuplicateError, ParameterError, UnknownMemberError, ValidationError
from .taxonomy import (DEFAULT_ROLES, DEFAULT_UNITS, LINK_FIELDS, MEMBER_FIELDS, Flow, Ring,
                       link_attribute_problem, units_problem)

__all__ = ["Ecosystem"]



def _check_member_id(member_id: object) -> str:
    if not isinstance(member_id, str) or not member_id.strip():
        raise ParameterError(
            f"member id must be a non-empty string, got {member_id!r}"
            + (f"; use {str(member_id)!r}" if isinstance(member_id, (int, np.integer)) else ""))
    return member_id


class Ecosystem:
    """A cross-border e-commerce supply-chain ecosystem as a typed multiplex graph.

    Parameters
    ----------
    name : str, optional
        A short name, kept in ``graph.graph["name"]``.
    description : str, optional
        Free text, kept in ``graph.graph["description"]``.
    roles : mapping of str to Ring or str, optional
        Roles of the user's own, with the ring each belongs to. The built-in
        roles (:data:`ecosystem.taxonomy.DEFAULT_ROLES`) are always known.
    units : mapping of str to str, optional
        The unit of some flows' volumes, such as ``{"capital": "thousand CNY"}``
        (kept in ``graph.graph["units"]``); the others keep the defaults of
        :data:`ecosystem.taxonomy.DEFAULT_UNITS`. See :attr:`units`.
    **attributes
        Any other graph-level attributes.

    Examples
    --------
    >>> eco = Ecosystem("toy")
    >>> eco.add_member("m1", "manufacturer")
    >>> eco.add_member("p1", "platform", name="Global Mall")
    >>> eco.add_member("lg", "logistics")
    >>> eco.link("m1", "p1", "logistics", volume=120.0, lead_time=2)
    >>> eco.link("p1", "m1", "information", volume=40.0)
    >>> eco.link("lg", "m1", "logistics", volume=120.0)
    >>> eco.members(ring="core")
    ['m1', 'p1']
    >>> eco.adjacency("logistics").toarray()
    array([[  0., 120.,   0.],
           [  0.,   0.,   0.],
           [120.,   0.,   0.]])
    >>> sorted(nx.descendants(eco.graph, "lg"))
    ['m1', 'p1']
    """

    def __init__(self, name: str = "", *, description: str = "",
                 roles: Mapping[str, Ring | str] | None = None, **attributes: Any):
        if "units" in attributes:
            problem = units_problem(attributes["units"])
            if problem:
                raise ParameterError(f"Ecosystem({name!r}): {problem}")
            attributes["units"] = dict(attributes["units"])
        self.graph = nx.MultiDiGraph()
        # not as keywords of MultiDiGraph: an attribute may be called anything
        self.graph.graph.update(name=name, description=description, **attributes)
        self._custom_roles: dict[str, Ring] = {}
        for role, ring in (roles or {}).items():
            self.register_role(role, ring)

    # ------------------------------------------------------------------ roles
    @property
    def name(self) -> str:
        """The ecosystem's name."""
        return self.graph.graph.get("name", "")

    @property
    def units(self) -> Mapping[str, str]:
        """The unit of every flow's link volumes (per period), in flow order.

        The ecosystem's own (graph attribute ``units``) where it names one,
        :data:`ecosystem.taxonomy.DEFAULT_UNITS` otherwise. Volumes of
        different flows are in different units: ecobelt never adds them up.

        Examples
        --------
        >>> eco = Ecosystem("belt", units={"capital": "thousand CNY"})
        >>> dict(eco.units)
        {'information': 'messages', 'logistics': 'units of goods', 'capital': 'thousand CNY', \
'technology': 'service days'}
        """
        own = self.graph.graph.get("units")
        own = own if isinstance(own, Mapping) else {}
        return MappingProxyType({flow: own.get(flow, unit) if isinstance(own.get(flow), str)
                                 else unit for flow, unit in DEFAULT_UNITS.items()})

    def flow_unit(self, flow: Flow | str) -> str:
        """The unit of ``flow``'s link volumes (see :attr:`units`).

        Examples
        --------
        >>> Ecosystem(units={"logistics": "thousand pairs"}).flow_unit("logistics")
        'thousand pairs'
        >>> Ecosystem().flow_unit("technology")
        'service days'
        """
        return self.units[Flow.coerce(flow, "flow").value]

    def set_units(self, **units: str) -> None:
        """Name the unit of some flows' volumes, e.g. ``eco.set_units(capital="thousand CNY")``.

        The others keep theirs. Saved with the ecosystem (graph attribute ``units``).

        Examples
        --------
        >>> eco = Ecosystem()
        >>> eco.set_units(logistics="pallets")
        >>> eco.flow_unit("logistics"), eco.graph.graph["units"]
        ('pallets', {'logistics': 'pallets'})
        """
        problem = units_problem(units)
        if problem:
            raise ParameterError(f"set_units: {problem}")
        own = self.graph.graph.get("units")
        self.graph.graph["units"] = {**(own if isinstance(own, Mapping) else {}), **units}

    @property
    def roles(self) -> Mapping[str, Ring]:
        """Every known role (built-in and registered) with its default ring."""
        return MappingProxyType({**DEFAULT_ROLES, **self._custom_roles})

    @property
    def custom_roles(self) -> Mapping[str, Ring]:
        """The roles registered by the user, with their rings."""
        return MappingProxyType(dict(self._custom_roles))

    def register_role(self, role: str, ring: Ring | str) -> None:
        """Make ``role`` known, belonging to ``ring`` by default.

        Re-registering a role with the same ring is harmless; giving a built-in
        or registered role another ring is an error.
        """
        if not isinstance(role, str) or not role.strip():
            raise ParameterError(f"a role must be a non-empty string, got {role!r}")
        ring = Ring.coerce(ring, "ring")
        known = self.roles.get(role)
        if known is not None and known is not ring:
            raise ParameterError(f"role {role!r} already belongs to ring {known.value!r}; "
                                 "a member can still be placed in another ring with ring=...")
        if role not in DEFAULT_ROLES:
            self._custom_roles[role] = ring

    def _check_role(self, role: object) -> str:
        if role not in self.roles:
            raise ParameterError(f"unknown role {role!r}; register it first with "
                                 f"register_role({role!r}, ring) or use one of: "
                                 + ", ".join(sorted(self.roles)))
        return role  # type: ignore[return-value]

    # ---------------------------------------------------------------- members
    def add_member(self, member_id: str, role: str, *, ring: Ring | str | None = None,
                   **attributes: Any) -> None:
        """Add a member with its role, its ring (the role's ring by default) and attributes."""
        _check_member_id(member_id)
        self._check_role(role)
        for key in attributes:
            if key in MEMBER_FIELDS:
                raise ParameterError(f"{key!r} is reserved and cannot be a member attribute")
        if member_id in self.graph:
            raise DuplicateError(f"member {member_id!r} already exists; change its attributes "
                                 f"with update_member({member_id!r}, ...)")
        ring = self.roles[role] if ring is None else Ring.coerce(ring, "ring")
        # add_nodes_from: an attribute may be called "node_for_adding" without clashing
        self.graph.add_nodes_from([(member_id, {"role": role, "ring": ring.value, **attributes})])

    def update_member(self, member_id: str, /, **attributes: Any) -> None:
        """Change some attributes of an existing member, checked as :meth:`add_member` checks them.

        ``role`` and ``ring`` may be among them; a new role without a ring
        moves the member to that role's ring. Other attributes are set or
        replaced; the ones not named are kept. Nothing changes if a value is
        refused.

        Examples
        --------
        >>> eco = Ecosystem()
        >>> eco.add_member("m1", "manufacturer", employees=40)
        >>> eco.update_member("m1", employees=41, role="logistics")
        >>> dict(eco.member("m1"))
        {'role': 'logistics', 'ring': 'sub_core', 'employees': 41}
        """
        self._require(member_id)
        current = self.graph.nodes[member_id]
        if "id" in attributes:
            raise ParameterError(f"update_member({member_id!r}): a member's id cannot change; "
                                 "add a member with the new id and remove this one")
        changes = dict(attributes)
        if "role" in changes:
            self._check_role(changes["role"])
            if "ring" not in changes:
                changes["ring"] = self.roles[changes["role"]]
        if "ring" in changes:
            changes["ring"] = Ring.coerce(changes["ring"], "ring").value
        current.update(changes)

    def add_members_from(self, members: pd.DataFrame | Iterable[Mapping[str, Any]]) -> None:
        """Add many members at once from a table with columns ``id``, ``role`` and optional
        ``ring`` and attributes (a missing value means "no such attribute")."""
        from .tables import add_members_from_frame
        add_members_from_frame(self, members)

    def remove(self, *member_ids: str) -> None:
        """Remove members and every link touching them."""
        for member_id in member_ids:
            self._require(member_id)
        self.graph.remove_nodes_from(member_ids)

    def members(self, ring: Ring | str | None = None, role: str | None = None) -> list[str]:
        """Member ids in member order, optionally only those of one ring and/or role."""
        ring_value = None if ring is None else Ring.coerce(ring, "ring").value
        if role is not None:
            self._check_role(role)
        return [m for m, d in self.graph.nodes(data=True)
                if (ring_value is None or d["ring"] == ring_value)
                and (role is None or d["role"] == role)]

    def member(self, member_id: str) -> Mapping[str, Any]:
        """A read-only view of one member's attributes (``role``, ``ring`` and the rest)."""
        self._require(member_id)
        return MappingProxyType(self.graph.nodes[member_id])

    def index(self) -> dict[str, int]:
        """Position of every member in member order (the rows of every matrix)."""
        return {m: i for i, m in enumerate(self.graph)}

    def __contains__(self, member_id: object) -> bool:
        return member_id in self.graph

    def __len__(self) -> int:
        return self.graph.number_of_nodes()

    def __iter__(self) -> Iterator[str]:
        return iter(self.graph)

    def __repr__(self) -> str:
        return (f"<Ecosystem {self.name!r}: {len(self)} members, "
                f"{self.graph.number_of_edges()} links>")

    def _require(self, member_id: object) -> None:
        if member_id not in self.graph:
            raise UnknownMemberError(f"no member {member_id!r} in ecosystem {self.name!r}")

    # ------------------------------------------------------------------ links
    def link(self, source: str, target: str, flow: Flow | str, **attributes: Any) -> None:
        """Join ``source`` to ``target`` by ``flow``.

        Attributes with a meaning: ``volume``, ``capacity``, ``unit_cost``,
        ``lead_time`` (periods) and ``reliability``; any others are kept as given.
        """
        self._require(source)
        self._require(target)
        flow = Flow.coerce(flow, "flow")
        for key, value in attributes.items():
            if key in LINK_FIELDS:
                raise ParameterError(f"{key!r} is reserved and cannot be a link attribute")
            problem = link_attribute_problem(key, value)
            if problem:
                raise ParameterError(f"link {source!r} -> {target!r} ({flow.value}): {problem}")
        if self.graph.has_edge(source, target, key=flow.value):
            raise DuplicateError(f"{source!r} -> {target!r} already has a {flow.value} link; "
                                 f"change its attributes with update_link({source!r}, "
                                 f"{target!r}, {flow.value!r}, ...)")
        # add_edges_from: an attribute may be called "key" without clashing with the edge key
        self.graph.add_edges_from([(source, target, flow.value, attributes)])

    def update_link(self, source: str, target: str, flow: Flow | str, /,
                    **attributes: Any) -> None:
        """Change some attributes of an existing link, checked as :meth:`link` checks them.

        The attributes not named are kept. Nothing changes if a value is refused.

        Examples
        --------
        >>> eco = Ecosystem()
        >>> eco.add_member("m1", "manufacturer")
        >>> eco.add_member("p1", "platform")
        >>> eco.link("m1", "p1", "logistics", volume=10.0)
        >>> eco.update_link("m1", "p1", "logistics", volume=12.5, lead_time=2)
        >>> eco.graph.edges["m1", "p1", "logistics"]
        {'volume': 12.5, 'lead_time': 2}
        """
        self._require(source)
        self._require(target)
        flow = Flow.coerce(flow, "flow")
        if not self.graph.has_edge(source, target, key=flow.value):
            raise UnknownMemberError(f"no {flow.value} link {source!r} -> {target!r}; "
                                     f"add it with link({source!r}, {target!r}, "
                                     f"{flow.value!r}, ...)")
        for key, value in attributes.items():
            if key in LINK_FIELDS:
                raise ParameterError(f"{key!r} is reserved and cannot be a link attribute; "
                                     "to move a link, unlink it and link the new ends")
            problem = link_attribute_problem(key, value)
            if problem:
                raise ParameterError(f"link {source!r} -> {target!r} ({flow.value}): {problem}")
        self.graph.edges[source, target, flow.value].update(attributes)

    def add_links_from(self, links: pd.DataFrame | Iterable[Mapping[str, Any]]) -> None:
        """Add many links at once from a table with columns ``source``, ``target``, ``flow``
        and optional attributes (a missing value means "no such attribute")."""
        from .tables import add_links_from_frame
        add_links_from_frame(self, links)

    def unlink(self, source: str, target: str, flow: Flow | str) -> None:
        """Remove one link."""
        flow = Flow.coerce(flow, "flow")
        if not self.graph.has_edge(source, target, key=flow.value):
            raise UnknownMemberError(f"no {flow.value} link {source!r} -> {target!r}")
        self.graph.remove_edge(source, target, key=flow.value)

    def links(self, flow: Flow | str | None = None, data: bool = False) -> list[tuple]:
        """Links as ``(source, target, flow)`` tuples (with their attribute dict if ``data``)."""
        key = None if flow is None else Flow.coerce(flow, "flow").value
        return [(u, v, k, d) if data else (u, v, k)
                for u, v, k, d in self.graph.edges(keys=True, data=True)
                if key is None or k == key]

    def layer(self, flow: Flow | str) -> nx.DiGraph:
        """One flow's links as a frozen :class:`networkx.DiGraph` with every member.

        Node and edge attribute dicts are shared with this ecosystem, so changed
        attribute values show through; links added or removed later do not.
        """
        return _bulk.layer_graph(self.graph, Flow.coerce(flow, "flow"))

    def edge_arrays(self, weight: str | None = "volume", default: float = 1.0
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every link as arrays ``(source_index, target_index, flow_index, weight)``.

        Indices are positions in member order and in ``list(Flow)``; a link
        without the ``weight`` attribute (every link, if ``weight`` is None)
        gets ``default``. Links come source
        by source in member order, for analyses that need all four layers at
        once. The arrays are new on every call.

        Examples
        --------
        >>> eco = Ecosystem()
        >>> eco.add_member("m1", "manufacturer")
        >>> eco.add_member("p1", "platform")
        >>> eco.link("m1", "p1", "logistics", volume=5.0)
        >>> eco.link("m1", "p1", "information")
        >>> src, dst, flow, volume = eco.edge_arrays()
        >>> src.tolist(), dst.tolist(), flow.tolist(), volume.tolist()
        ([0, 0], [1, 1], [1, 0], [5.0, 1.0])
        """
        return _bulk.edge_arrays(self.graph, weight, default)

    def link_attributes(self) -> list[dict]:
        """The attribute dict of every link, in the order of :meth:`edge_arrays`.

        The dicts are the graph's own, as networkx's ``edges(data=True)``
        gives them: read them, do not modify them in place.

        Examples
        --------
        >>> eco = Ecosystem()
        >>> eco.add_member("m1", "manufacturer")
        >>> eco.add_member("p1", "platform")
        >>> eco.link("m1", "p1", "logistics", volume=5.0)
        >>> eco.link("m1", "p1", "information")
        >>> eco.link_attributes()
        [{'volume': 5.0}, {}]
        """
        return list(_bulk.link_structure(self.graph).data)

    def adjacency(self, flow: Flow | str, weight: str | None = "volume",
                  default: float = 1.0) -> sp.csr_array:
        """The ``flow`` layer as an n x n CSR array in member order.

        Entry (i, j) is the ``weight`` attribute of the link i -> j (``default``
        where a link lacks it), or 1 for every link if ``weight`` is None.

        Notes
        -----
        The list of links is worked out once and kept until members or links
        are added or removed (through any method of ``eco`` or ``eco.graph``),
        so the four layers of a large ecosystem cost one pass over its links;
        the weights are read afresh on every call.
        """
        return _bulk.adjacency(self.graph, Flow.coerce(flow, "flow"), weight, default)

    # ------------------------------------------------------------ whole graph
    def copy(self) -> "Ecosystem":
        """An independent copy (attribute dicts are new; their values are shared)."""
        other = Ecosystem.__new__(Ecosystem)
        other.graph = _bulk.copy_graph(self.graph)
        other._custom_roles = dict(self._custom_roles)
        return other

    def subgraph(self, member_ids: Iterable[str]) -> "Ecosystem":
        """A new ecosystem with these members and the links among them."""
        member_ids = list(member_ids)
        for member_id in member_ids:
            self._require(member_id)
        other = Ecosystem.__new__(Ecosystem)
        other.graph = self.graph.subgraph(member_ids).copy()
        other._custom_roles = dict(self._custom_roles)
        return other

    def summary(self, with_units: bool = False) -> pd.DataFrame:
        """Counts and volumes by ring, role and flow.

        Returns a DataFrame indexed by ``(kind, name)`` with the columns
        ``members``, ``links`` (links leaving members of that ring or role, or
        links of that flow) and one column per flow, ``information``,
        ``logistics``, ``capital`` and ``technology``: the total volume of
        those links of that flow, in that flow's unit (:attr:`units`; links
        without a volume, or whose volume is not a number, count as 0 here).
        Volumes of different flows are never added: they are in different
        units. ``with_units=True`` writes each flow's unit into its column
        label, as in ``"capital (thousand CNY)"``; the units are also in the
        table's ``attrs["units"]``. Rings and flows come in their fixed order,
        roles by name.

        Examples
        --------
        >>> eco = Ecosystem(units={"capital": "thousand CNY"})
        >>> eco.add_member("m1", "manufacturer")
        >>> eco.add_member("lg", "logistics")
        >>> eco.link("lg", "m1", "logistics", volume=5.0)
        >>> eco.link("m1", "lg", "capital", volume=2.0)
        >>> eco.summary().loc["ring", ["members", "links", "logistics", "capital"]]
                  members  links  logistics  capital
        name
        core            1      1        0.0      2.0
        sub_core        1      1        5.0      0.0
        outer           0      0        0.0      0.0
        >>> list(eco.summary(with_units=True).columns)[2:]
        ['information (messages)', 'logistics (units of goods)', 'capital (thousand CNY)', \
'technology (service days)']
        """
        return _inspect.summary(self, with_units)

    def problems(self, warnings: bool = False) -> list[str]:
        """Every rule the ecosystem breaks, as sentences (empty when valid).

        Useful after editing ``eco.graph`` directly, which bypasses the checks
        of :meth:`add_member` and :meth:`link`.

        With ``warnings=True`` the goods balance is checked as well, and each
        finding is added as a sentence starting with ``"warning: "``: a member
        that ships more goods (logistics volume) than it receives although it
        is no producer and receives goods, and a market fed the same goods
        twice, straight from a shipper and through a carrier that shipper
        hands goods to for that market (see :mod:`ecosystem._goods` for how
        goods travel through carriers and the ``to`` attribute). Warnings do
        not make :meth:`validate` fail.

        Examples
        --------
        >>> eco = Ecosystem()
        >>> for m, role in [("mill", "manufacturer"), ("shop", "platform"),
        ...                 ("air", "logistics"), ("us", "market")]:
        ...     eco.add_member(m, role)
        >>> eco.link("mill", "shop", "logistics", volume=40.0)
        >>> eco.link("shop", "us", "logistics", volume=30.0)
        >>> eco.link("shop", "air", "logistics", volume=30.0)
        >>> eco.link("air", "us", "logistics", volume=30.0)
        >>> eco.problems()
        []
        >>> for sentence in eco.problems(warnings=True):
        ...     print(sentence)
        warning: member 'shop' (platform) ships 60 units of goods but receives 40: ...
        warning: market 'us' is fed twice by 'shop': directly (30 units of goods) and ...

        The shop ships 30 + 30 from the mill's 40, and the market gets the same
        goods from the shop and again from the carrier.
        """
        found = _inspect.problems(self)
        if warnings:
            from ._goods import conservation_warnings
            found += ["warning: " + sentence for sentence in conservation_warnings(self)]
        return found

    def validate(self) -> "Ecosystem":
        """Raise :class:`ValidationError` listing every problem; return self when valid."""
        found = self.problems()
        if found:
            raise ValidationError(found)
        return self

    # ------------------------------------------------------------- files, tables
    def to_pandas(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``(members, links)`` DataFrames: see :mod:`ecosystem.tables`."""
        from .tables import to_pandas
        return to_pandas(self)

    @classmethod
    def from_pandas(cls, members: pd.DataFrame, links: pd.DataFrame, *, name: str = "",
                    roles: Mapping[str, Ring | str] | None = None, **attributes: Any
                    ) -> "Ecosystem":
        """Build an ecosystem from ``members`` and ``links`` tables (:mod:`ecosystem.tables`)."""
        eco = cls(name, roles=roles, **attributes)
        eco.add_members_from(members)
        eco.add_links_from(links)
        return eco

    def save(self, path: str, format: str | None = None) -> None:
        """Write to ``path``; the format comes from the extension (yaml, yml, json, csv,
        graphml, gexf) unless given. See :mod:`ecosystem.files`."""
        from .files import save
        save(self, path, format=format)

    def __eq__(self, other: object) -> bool:
        """Same graph attributes, custom roles, members (in order) and links with attributes."""
        if not isinstance(other, Ecosystem):
            return NotImplemented
        return (self.graph.graph == other.graph.graph
                and self._custom_roles == other._custom_roles
                and list(self.graph.nodes(data=True)) == list(other.graph.nodes(data=True))
                and _bulk.same_links(self.graph, other.graph))

    __hash__ = None  # type: ignore[assignment]

