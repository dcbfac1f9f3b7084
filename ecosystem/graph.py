"""The typed three-ring ecosystem graph.

An :class:`Ecosystem` holds its members and links as typed columns and shows
them as a :class:`networkx.MultiDiGraph` (``eco.graph``) on request.
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

Storage and ``eco.graph``
-------------------------
Members and links are kept as columns (an array of ids, integer arrays of
link ends and flows, one typed array per attribute): building, copying,
taking a subgraph and every matrix (:meth:`Ecosystem.adjacency`,
:meth:`Ecosystem.edge_arrays`, the analyses) work on whole arrays, and an
ecosystem of a million members never holds a Python dict per member or link.

``eco.graph`` is built from the columns the first time it is asked for, and
from then on it *is* the ecosystem's storage: edits through it (networkx's
methods, or attribute dicts changed in place) are seen by every method and
analysis, exactly as before, and the methods of ``eco`` write to it. Such an
ecosystem is as fast as networkx allows; :meth:`Ecosystem.copy` and
:meth:`Ecosystem.subgraph` return column-backed ecosystems again. The
library's bulk paths do not ask for ``eco.graph`` (building, loading, the
matrices, and the analyses of flows, niches, spillover, dynamics, benefit
sharing, segments and convergence read the columns), so nothing at scale pays
for networkx unless the user does.

Editing one member or link at a time (:meth:`Ecosystem.add_member`,
:meth:`Ecosystem.link`, :meth:`Ecosystem.update_member`,
:meth:`Ecosystem.update_link`) costs about what the change costs, on a small
model as on a belt of a million members: added rows wait and join the columns
at the next read, all together; a link is found through a sorted array of link
codes, not a dict of every link. Removing (:meth:`Ecosystem.unlink`,
:meth:`Ecosystem.remove`) compacts the arrays, whole-array work with no Python
per row; remove many members in one call.
"""

from __future__ import annotations

import functools
import inspect
from operator import itemgetter
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, ParamSpec, TypeVar

import numpy as np

from . import _bulk, _inspect
from ._compat import renamed
from ._columns import FLOW_NAMES, Store, flow_code
from ._errors import DuplicateError, ParameterError, UnknownMemberError, ValidationError
from .taxonomy import (DEFAULT_ROLES, DEFAULT_UNITS, LINK_FIELDS, MEMBER_FIELDS, Flow, Ring,
                       link_attribute_problem, units_problem)

if TYPE_CHECKING:  # networkx, scipy.sparse and pandas load on first use: reading a spec and
    # validating it need none of them
    import networkx as nx
    import pandas as pd
    import scipy.sparse as sp

__all__ = ["Ecosystem"]

_FLOW_CODES = {name: code for code, name in enumerate(FLOW_NAMES)}



def _as_flow(value: object) -> Flow:
    return Flow.coerce(value, "flow")


def _as_ring(value: object) -> Ring:
    return Ring.coerce(value, "ring")


def _check_member_id(member_id: object) -> str:
    if not isinstance(member_id, str) or not member_id.strip():
        raise ParameterError(
            f"member id must be a non-empty string, got {member_id!r}"
            + (f"; use {str(member_id)!r}" if isinstance(member_id, (int, np.integer)) else ""))
    return member_id



_P = ParamSpec("_P")
_R = TypeVar("_R")


def _arguments_checked(hint: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Report what Python would raise as a TypeError while matching the arguments (a value
    given twice, one missing, an unexpected one) as one ParameterError line ending in
    ``hint``, as every other refused argument is reported; the signature shown stays the
    method's own."""
    def wrap(method: Callable[_P, _R]) -> Callable[_P, _R]:
        signature = inspect.signature(method)
        parameters = list(signature.parameters.values())[1:]  # without self
        leading = {p.name for p in parameters if p.kind in (
            inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)}
        keywords = {p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY}
        any_keyword = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)

        @functools.wraps(method)
        def checked(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            # the usual call (every leading argument by position) is matched by Python alone
            if len(args) != len(leading) + 1 or not leading.isdisjoint(kwargs) or (
                    not any_keyword and not keywords.issuperset(kwargs)):
                try:
                    signature.bind(*args, **kwargs)
                except TypeError as error:
                    raise ParameterError(f"{method.__name__}: {error}; {hint}") from None
            return method(*args, **kwargs)
        return checked
    return wrap


def _same_attributes(first: Mapping[str, Any], second: Mapping[str, Any]) -> bool:
    """Equal attribute dicts, a NaN value equal to a NaN value, inside lists and mappings
    too: Python compares floats by value after identity, and a NaN read from a file is
    never the same object twice."""
    if first == second:
        return True
    return first.keys() == second.keys() and all(
        _same_value(first[key], second[key]) for key in first)


def _same_value(a: Any, b: Any) -> bool:
    if a == b:
        return True
    if isinstance(a, float) and isinstance(b, float):
        return a != a and b != b
    if isinstance(a, (list, tuple)) and type(a) is type(b):
        return len(a) == len(b) and all(map(_same_value, a, b))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return _same_attributes(a, b)
    return False


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
        self._attrs: dict[str, Any] = {"name": name, "description": description, **attributes}
        self._store: Store | None = Store()
        self._graph: nx.MultiDiGraph | None = None
        self._custom_roles: dict[str, Ring] = {}
        for role, ring in (roles or {}).items():
            self.register_role(role, ring)

    @classmethod
    def _from_store(cls, store: Store, attributes: dict[str, Any],
                    custom_roles: dict[str, Ring]) -> "Ecosystem":
        eco = cls.__new__(cls)
        eco._attrs, eco._store, eco._graph = attributes, store, None
        eco._custom_roles = dict(custom_roles)
        return eco

    # ---------------------------------------------------------------- storage
    @property
    def graph(self) -> nx.MultiDiGraph:
        """The ecosystem as a :class:`networkx.MultiDiGraph` (edge key = flow).

        Built from the columns on first use; from then on it is the
        ecosystem's storage (see the module docstring): edit it with
        networkx's methods or change attribute dicts in place, and every
        method of ``eco`` sees the change. Its ``graph`` dict is
        :attr:`attributes` itself.
        """
        if self._graph is None:
            assert self._store is not None
            self._graph = self._store.to_graph(self._attrs)
            self._store = None
        return self._graph

    @graph.setter
    def graph(self, graph: nx.MultiDiGraph) -> None:
        self._graph, self._store, self._attrs = graph, None, graph.graph

    @property
    def attributes(self) -> dict[str, Any]:
        """The ecosystem's own attributes (``name``, ``description``, ``units``, ...): the
        same dict as ``eco.graph.graph``, readable without building the graph.

        Examples
        --------
        >>> Ecosystem("toy", period="week").attributes
        {'name': 'toy', 'description': '', 'period': 'week'}
        """
        return self._attrs

    def number_of_links(self) -> int:
        """How many links there are (``eco.graph.number_of_edges()`` without the graph).

        Examples
        --------
        >>> eco = Ecosystem()
        >>> eco.add_member("m1", "manufacturer")
        >>> eco.link("m1", "m1", "capital")
        >>> eco.number_of_links()
        1
        """
        if self._graph is not None:
            return self._graph.number_of_edges()
        assert self._store is not None
        return self._store.n_links()

    def _columns(self) -> Store:
        """The flushed columns of a column-backed ecosystem (only call when ``_graph`` is None)."""
        store = self._store
        assert store is not None
        store.flush()
        return store

    def _member_values(self, name: str, default: Any = None) -> np.ndarray:
        """Every member's ``name`` attribute in member order (``default`` where it has none),
        as an object array, without building the graph."""
        if self._graph is not None:
            return np.fromiter((d.get(name, default) for d in self._graph._node.values()),
                               dtype=object, count=len(self._graph))
        store = self._columns()
        column = store.member_column(name)
        if column is None:
            return np.full(len(store.ids), default, dtype=object)
        values = column.as_object().copy()
        if column.present is not None:
            values[~column.present] = default
        return values

    # ------------------------------------------------------------- bulk adds
    def _add_member_columns(self, ids: list[str], table: dict[Any, Any]) -> None:
        """Add checked members (new, distinct ids) given as columns (``role`` and ``ring``
        first): the path of every bulk builder and reader."""
        if self._graph is not None:
            from ._columns import table_rows
            with _bulk.paused_gc():
                _bulk.insert_members(self._graph, ids, table_rows(table, len(ids)))
            return
        self._columns().add_members(ids, table)

    def _add_link_columns(self, source: np.ndarray, target: np.ndarray, flow: np.ndarray,
                          table: dict[Any, Any]) -> None:
        """Add checked links (positions in member order, flow codes, attribute columns)."""
        if self._graph is not None:
            from ._columns import table_rows
            ids = np.asarray(list(self._graph), dtype=object)
            with _bulk.paused_gc():
                _bulk.insert_links(self._graph, zip(
                    ids[source].tolist(), ids[target].tolist(),
                    np.asarray(FLOW_NAMES, dtype=object)[flow].tolist(),
                    table_rows(table, len(source))))
            return
        self._columns().add_links(source, target, flow, table)

    def _add_rows(self, members: Mapping[str, dict], links: list[tuple[str, str, str, dict]]
                  ) -> None:
        """Add checked members (id -> attribute dict with role and ring) and links
        ``(source, target, flow, attributes)``: the path of readers that check row by row."""
        if self._graph is not None:
            with _bulk.paused_gc():
                _bulk.insert_members(self._graph, members, members.values())
                _bulk.insert_links(self._graph, links)
            return
        from ._columns import table_from_dicts
        ids = list(members)
        self._add_member_columns(ids, table_from_dicts(list(members.values())))
        index = self._columns().index()
        count = len(links)
        # C-level maps: no Python frame per link
        field = [map(itemgetter(k), links) for k in range(4)]
        self._add_link_columns(
            np.fromiter(map(index.__getitem__, field[0]), np.int64, count),
            np.fromiter(map(index.__getitem__, field[1]), np.int64, count),
            np.fromiter(map(_FLOW_CODES.__getitem__, field[2]), np.int8, count),
            table_from_dicts(list(field[3])))

    def _existing_links(self, source: np.ndarray, target: np.ndarray, flow: np.ndarray
                        ) -> np.ndarray:
        """Which of these links (positions, flow codes) are there already."""
        if self._graph is None:
            return self._columns().has_any_link(source, target, flow)
        ids = list(self._graph)
        succ = self._graph._succ
        return np.fromiter((FLOW_NAMES[f] in succ[ids[s]].get(ids[t], ())
                            for s, t, f in zip(source.tolist(), target.tolist(), flow.tolist())),
                           dtype=bool, count=len(source))

    # ------------------------------------------------------------------ roles
    @property
    def name(self) -> str:
        """The ecosystem's name."""
        return self._attrs.get("name", "")

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
        own = self._attrs.get("units")
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
        return self.units[_as_flow(flow).value]

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
        own = self._attrs.get("units")
        self._attrs["units"] = {**(own if isinstance(own, Mapping) else {}), **units}

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
        ring = _as_ring(ring)
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
    @_arguments_checked("call add_member(member_id, role, ring=None, **attributes): id, role "
                        "and ring are not attributes")
    def add_member(self, member_id: str, role: str, *, ring: Ring | str | None = None,
                   **attributes: Any) -> None:
        """Add a member with its role, its ring (the role's ring by default) and attributes."""
        _check_member_id(member_id)
        self._check_role(role)
        for key in attributes:
            if key in MEMBER_FIELDS:
                raise ParameterError(f"{key!r} is reserved and cannot be a member attribute")
        if member_id in self:
            raise DuplicateError(f"member {member_id!r} already exists; change its attributes "
                                 f"with update_member({member_id!r}, ...)")
        ring = self.roles[role] if ring is None else Ring.coerce(ring, "ring")
        data = {"role": role, "ring": ring.value, **attributes}
        if self._graph is not None:
            # add_nodes_from: an attribute may be called "node_for_adding" without clashing
            self._graph.add_nodes_from([(member_id, data)])
        else:
            assert self._store is not None
            self._store.add_member(member_id, data)

    @_arguments_checked("call update_member(member_id, **attributes)")
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
        if self._graph is not None:
            self._graph.nodes[member_id].update(changes)
        else:
            assert self._store is not None
            self._store.set_member(self._store.index()[member_id], changes)

    def add_members_from(self, members: pd.DataFrame | Iterable[Mapping[str, Any]]) -> None:
        """Add many members at once from a table with columns ``id``, ``role`` and optional
        ``ring`` and attributes (a missing value means "no such attribute")."""
        from .tables import add_members_from_frame
        add_members_from_frame(self, members)

    def remove(self, *members: str) -> None:
        """Remove members and every link touching them."""
        for member_id in members:
            self._require(member_id)
        if self._graph is not None:
            self._graph.remove_nodes_from(members)
            return
        store = self._columns()
        index = store.index()
        store.remove_members(sorted({index[m] for m in members}))

    def members(self, ring: Ring | str | None = None, role: str | None = None) -> list[str]:
        """Member ids in member order, optionally only those of one ring and/or role."""
        ring_value = None if ring is None else Ring.coerce(ring, "ring").value
        if role is not None:
            self._check_role(role)
        if self._graph is not None:
            return [m for m, d in self._graph.nodes(data=True)
                    if (ring_value is None or d["ring"] == ring_value)
                    and (role is None or d["role"] == role)]
        store = self._columns()
        if ring_value is None and role is None:
            return store.ids.tolist()
        keep = np.ones(len(store.ids), bool)
        if ring_value is not None:
            keep &= self._member_values("ring") == ring_value
        if role is not None:
            keep &= self._member_values("role") == role
        return store.ids[keep].tolist()

    def member(self, member_id: str) -> Mapping[str, Any]:
        """A read-only view of one member's attributes (``role``, ``ring`` and the rest)."""
        self._require(member_id)
        if self._graph is not None:
            return MappingProxyType(self._graph.nodes[member_id])
        store = self._columns()
        return MappingProxyType(store.member_row(store.index()[member_id]))

    def index(self) -> dict[str, int]:
        """Position of every member in member order (the rows of every matrix)."""
        if self._graph is not None:
            return {m: i for i, m in enumerate(self._graph)}
        assert self._store is not None
        return dict(self._store.index())

    def __contains__(self, member_id: object) -> bool:
        if self._graph is not None:
            return member_id in self._graph
        assert self._store is not None
        try:
            return member_id in self._store.index()
        except TypeError:  # unhashable: no member
            return False

    def __len__(self) -> int:
        if self._graph is not None:
            return self._graph.number_of_nodes()
        assert self._store is not None
        return self._store.n_members()

    def __iter__(self) -> Iterator[str]:
        if self._graph is not None:
            return iter(self._graph)
        return iter(self._columns().ids.tolist())

    def __repr__(self) -> str:
        return (f"<Ecosystem {self.name!r}: {len(self)} members, "
                f"{self.number_of_links()} links>")

    def _require(self, member_id: object) -> None:
        if member_id not in self:
            raise UnknownMemberError(f"no member {member_id!r} in ecosystem {self.name!r}")

    # ------------------------------------------------------------------ links
    @_arguments_checked("call link(source, target, flow, **attributes): source, target and "
                        "flow name the link and cannot be attributes")
    def link(self, source: str, target: str, flow: Flow | str, **attributes: Any) -> None:
        """Join ``source`` to ``target`` by ``flow``.

        Attributes with a meaning: ``volume``, ``capacity``, ``unit_cost``,
        ``lead_time`` (periods) and ``reliability``; any others are kept as given.
        """
        self._require(source)
        self._require(target)
        flow = _as_flow(flow)
        for key, value in attributes.items():
            if key in LINK_FIELDS:
                raise ParameterError(f"{key!r} is reserved and cannot be a link attribute")
            problem = link_attribute_problem(key, value)
            if problem:
                raise ParameterError(f"link {source!r} -> {target!r} ({flow.value}): {problem}")
        if self._has_link(source, target, flow.value):
            raise DuplicateError(f"{source!r} -> {target!r} already has a {flow.value} link; "
                                 f"change its attributes with update_link({source!r}, "
                                 f"{target!r}, {flow.value!r}, ...)")
        if self._graph is not None:
            # add_edges_from: an attribute may be called "key" without clashing with the edge key
            self._graph.add_edges_from([(source, target, flow.value, attributes)])
        else:
            assert self._store is not None
            index = self._store.index()
            self._store.add_link(index[source], index[target], flow_code(flow.value),
                                 dict(attributes))

    def _has_link(self, source: object, target: object, flow: str) -> bool:
        return self._link_row(source, target, flow) is not None

    def _scale_links_among(self, members: Iterable[str], name: str, factor: float) -> None:
        """Multiply the attribute ``name`` of every link between two of ``members`` (where it
        has one) by ``factor``, unchecked (an alliance's cost cut of valid costs)."""
        allied = set(members)
        if self._graph is not None:
            for u in allied:
                for v, by_flow in self._graph.adj[u].items():
                    if v in allied:
                        for data in by_flow.values():
                            if name in data:
                                data[name] = data[name] * factor
            return
        store = self._columns()
        column = store.link_column(name)
        if column is None:
            return
        inside = np.zeros(len(store.ids), bool)
        index = store.index()
        inside[[index[m] for m in allied]] = True
        rows = np.flatnonzero(inside[store.source] & inside[store.target] & column.mask())
        for row in rows.tolist():
            store.set_link(row, {name: store.link_row_dict(row)[name] * factor})

    def _has_link_attribute(self, name: str) -> bool:
        """Whether some link has the attribute ``name``."""
        if self._graph is not None:
            return any(name in data for *_, data in self._graph.edges(keys=True, data=True))
        column = self._columns().link_column(name)
        return column is not None and bool(column.mask().any())

    def _link_row(self, source: object, target: object, flow: str) -> int | None:
        """The link's row in the columns (-1 when ``eco.graph`` is the storage), or None."""
        if self._graph is not None:
            return -1 if self._graph.has_edge(source, target, key=flow) else None
        assert self._store is not None
        index = self._store.index()
        try:
            if source not in index or target not in index or flow not in FLOW_NAMES:
                return None
        except TypeError:  # unhashable
            return None
        return self._store.link_row(index[source], index[target], flow_code(flow))

    @_arguments_checked("call update_link(source, target, flow, **attributes): to move a "
                        "link to other ends or another flow, unlink it and link the new one")
    def update_link(self, source: str, target: str, flow: Flow | str,
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
        flow = _as_flow(flow)
        row = self._link_row(source, target, flow.value)
        if row is None:
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
        if self._graph is not None:
            self._graph.edges[source, target, flow.value].update(attributes)
        else:
            assert self._store is not None
            self._store.set_link(row, attributes)

    def add_links_from(self, links: pd.DataFrame | Iterable[Mapping[str, Any]]) -> None:
        """Add many links at once from a table with columns ``source``, ``target``, ``flow``
        and optional attributes (a missing value means "no such attribute")."""
        from .tables import add_links_from_frame
        add_links_from_frame(self, links)

    @_arguments_checked("call unlink(source, target, flow)")
    def unlink(self, source: str, target: str, flow: Flow | str) -> None:
        """Remove one link."""
        flow = _as_flow(flow)
        row = self._link_row(source, target, flow.value)
        if row is None:
            raise UnknownMemberError(f"no {flow.value} link {source!r} -> {target!r}")
        if self._graph is not None:
            self._graph.remove_edge(source, target, key=flow.value)
            return
        self._columns().remove_link(row)

    def links(self, flow: Flow | str | None = None, data: bool = False) -> list[tuple]:
        """Links as ``(source, target, flow)`` tuples (with their attribute dict if ``data``)."""
        key = None if flow is None else _as_flow(flow).value
        if self._graph is not None:
            return [(u, v, k, d) if data else (u, v, k)
                    for u, v, k, d in self._graph.edges(keys=True, data=True)
                    if key is None or k == key]
        store = self._columns()
        rows = self._ordered_rows(None if key is None else flow_code(key))
        ids = store.ids
        ends = zip(ids[store.source[rows]].tolist(), ids[store.target[rows]].tolist(),
                   np.asarray(FLOW_NAMES, dtype=object)[store.flow[rows]].tolist())
        if not data:
            return list(ends)
        return [(u, v, k, d) for (u, v, k), d in zip(ends, store.link_rows(rows))]

    def _ordered_rows(self, code: int | None = None) -> np.ndarray:
        """Rows of the columns in networkx's edge order, only those of one flow if ``code``."""
        store = self._columns()
        order = store.order()
        rows = np.arange(len(store.source)) if order is None else order
        return rows if code is None else rows[store.flow[rows] == code]

    def layer(self, flow: Flow | str) -> nx.DiGraph:
        """One flow's links as a frozen :class:`networkx.DiGraph` with every member.

        Node and edge attribute dicts are shared with ``eco.graph`` (which this
        builds, if it is not in use yet), so changed attribute values show
        through; links added or removed later do not. Analyses that only need
        the links' ends and weights read :meth:`adjacency` instead.
        """
        return _bulk.layer_graph(self.graph, _as_flow(flow))

    def _layer_view(self, flow: Flow | str) -> nx.DiGraph:
        """:meth:`layer` for the library's analyses: the same frozen DiGraph (members,
        links and their order), read from the columns when they are the storage, so
        ``eco.graph`` is not built; its attribute dicts are then new ones."""
        import networkx as nx
        flow = _as_flow(flow)
        if self._graph is not None:
            return _bulk.layer_graph(self._graph, flow)
        store = self._columns()
        view = nx.DiGraph()
        view.graph.update(self._attrs)
        members = store.ids.tolist()
        view._node.update(zip(members, store.member_rows()))
        for member in members:
            view._succ[member] = {}
            view._pred[member] = {}
        rows = self._ordered_rows(flow_code(flow.value))
        for u, v, d in zip(store.ids[store.source[rows]].tolist(),
                           store.ids[store.target[rows]].tolist(), store.link_rows(rows)):
            view._succ[u][v] = d
            view._pred[v][u] = d
        return nx.freeze(view)

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
        if self._graph is not None:
            return _bulk.edge_arrays(self._graph, weight, default)
        store = self._columns()
        rows = self._ordered_rows()
        if weight is None:
            weights = np.full(len(rows), float(default))
        else:
            weights = self._weights(weight, default)[rows]
        return store.source[rows], store.target[rows], store.flow[rows], weights

    def _weights(self, weight: object, default: float) -> np.ndarray:
        """Every link's ``weight`` attribute (``default`` where missing) in row order."""
        if not isinstance(weight, str):
            raise ParameterError(f"weight must be the name of a link attribute (a string) or "
                                 f"None, got {weight!r}")
        store = self._columns()
        column = store.link_column(weight)
        if column is None:
            return np.full(len(store.source), float(default))
        if column.values.dtype != object:
            weights = column.values.astype(float)
            if column.present is not None:
                weights[~column.present] = default
            return weights
        values = column.values.copy()
        if column.present is not None:
            values[~column.present] = default
        try:
            return np.fromiter(values, float, len(values))
        except (TypeError, ValueError):
            for row in self._ordered_rows():  # only to name the offending link
                try:
                    float(values[row])
                except (TypeError, ValueError):
                    u, v = store.ids[store.source[row]], store.ids[store.target[row]]
                    raise ParameterError(f"link {u!r} -> {v!r}: {weight} {values[row]!r} "
                                         "is not a number") from None
            raise

    def link_attributes(self) -> list[dict]:
        """The attribute dict of every link, in the order of :meth:`edge_arrays`.

        When ``eco.graph`` is in use the dicts are the graph's own, as
        networkx's ``edges(data=True)`` gives them: read them, do not modify
        them in place. Otherwise they are new dicts.

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
        if self._graph is not None:
            return list(_bulk.link_structure(self._graph).data)
        return self._columns().link_rows(self._ordered_rows())

    def adjacency(self, flow: Flow | str, weight: str | None = "volume",
                  default: float = 1.0) -> sp.csr_array:
        """The ``flow`` layer as an n x n CSR array in member order.

        Entry (i, j) is the ``weight`` attribute of the link i -> j (``default``
        where a link lacks it), or 1 for every link if ``weight`` is None.

        Notes
        -----
        The pattern of each layer (which cells hold a link) is worked out once
        and kept until members or links are added or removed (through any
        method of ``eco`` or ``eco.graph``); the weights are read afresh on
        every call.
        """
        flow = _as_flow(flow)
        if self._graph is not None:
            return _bulk.adjacency(self._graph, flow, weight, default)
        store = self._columns()
        rows, indptr, indices = store.csr_pattern(flow_code(flow.value))
        n = len(store.ids)
        data = np.ones(len(rows)) if weight is None else self._weights(weight, default)[rows]
        import scipy.sparse as sp
        return sp.csr_array((data, indices.copy(), indptr.copy()), shape=(n, n))

    # ------------------------------------------------------------ whole graph
    def copy(self) -> "Ecosystem":
        """An independent copy (attribute dicts are new; their values are shared).

        The copy keeps its members and links as columns, even when this
        ecosystem's ``eco.graph`` is in use.
        """
        store = self._own_store()
        if store is None:  # a graph the columns cannot hold: copied as a graph
            other = Ecosystem._from_store(Store(), {}, self._custom_roles)
            other.graph = _bulk.copy_graph(self.graph)
            return other
        return Ecosystem._from_store(store.copy() if store is self._store else store,
                                     dict(self._attrs), self._custom_roles)

    def _own_store(self) -> Store | None:
        """The columns (new ones from the graph when it is in use; None if they cannot hold
        it: a link whose key is not a flow)."""
        if self._graph is None:
            return self._columns()
        return Store.from_graph(self._graph)

    @renamed(member_ids="members")
    def subgraph(self, members: Iterable[str]) -> "Ecosystem":
        """A new ecosystem with these members and the links among them.

        ``members`` was called ``member_ids``; the old keyword still works, with
        a warning, until the next release.
        """
        member_ids = list(members)
        for member_id in member_ids:
            self._require(member_id)
        store = self._own_store()
        if store is None:
            other = Ecosystem._from_store(Store(), {}, self._custom_roles)
            other.graph = self.graph.subgraph(member_ids).copy()
            return other
        index = store.index()
        positions = np.unique(np.fromiter(map(index.__getitem__, member_ids), np.int64,
                                          len(member_ids)))
        return Ecosystem._from_store(store.take(positions), dict(self._attrs),
                                     self._custom_roles)

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
        of :meth:`add_member` and :meth:`link`. Links come in link order, and
        a link's problems in the order of
        :data:`~ecosystem.taxonomy.LINK_NUMERIC_ATTRIBUTES`.

        With ``warnings=True`` the goods balance is checked as well, and each
        finding is added as a sentence starting with ``"warning: "``: a member
        that ships more goods (logistics volume) than it receives although it
        is no producer and receives goods, and a market fed the same goods
        twice, straight from a shipper and through a carrier that shipper
        hands goods to for that market. A carrier (role ``logistics``) holds
        no stock: goods handed to it travel on to its destinations, to those
        the shipper's link names in its ``to`` attribute (an id, a list of ids
        or a mapping of id to volume) or else in proportion to what the
        carrier ships to each. Warnings do not make :meth:`validate` fail.

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
    def to_pandas(self, *, attrs: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``(members, links)`` DataFrames: see :mod:`ecosystem.tables`. With ``attrs`` both
        keep the graph attributes and custom roles in ``attrs["ecosystem"]`` for
        :meth:`from_pandas`."""
        from .tables import to_pandas
        return to_pandas(self, attrs=attrs)

    @classmethod
    def from_pandas(cls, members: pd.DataFrame, links: pd.DataFrame, *, name: str | None = None,
                    roles: Mapping[str, Ring | str] | None = None, **attributes: Any
                    ) -> "Ecosystem":
        """Build an ecosystem from ``members`` and ``links`` tables (:mod:`ecosystem.tables`).

        The graph attributes (units, period, ...) and custom roles are those the tables
        carry from :meth:`to_pandas` (``attrs["ecosystem"]``), with ``name``, ``roles`` and
        ``attributes`` given here taking precedence.

        Parameters
        ----------
        members, links : DataFrame
            The two tables (:mod:`ecosystem.tables`).
        name : str, optional
            The ecosystem's name; None takes the tables' (or ``""``), ``""`` sets an empty
            one.
        roles : mapping of str to Ring or str, optional
            Custom roles and their rings, added to the tables' role by role.
        **attributes
            Graph attributes, each replacing the tables' of the same name whole (a given
            ``units`` mapping replaces the saved one).

        Examples
        --------
        >>> eco = Ecosystem("belt", units={"capital": "EUR"}, period="month")
        >>> eco.add_member("m1", "manufacturer")
        >>> again = Ecosystem.from_pandas(*eco.to_pandas())
        >>> again == eco, again.flow_unit("capital"), again.attributes["period"]
        (True, 'EUR', 'month')
        >>> Ecosystem.from_pandas(*eco.to_pandas(), name="copy").name
        'copy'
        """
        from .tables import _saved_attributes
        saved, saved_roles = _saved_attributes(members, links)
        saved_name = saved.pop("name", "")
        graph = {**saved, **attributes}
        # passed as keywords only where the constructor checks them: a saved attribute may
        # be called "roles" or have a key that is not a string
        checked = {key: graph.pop(key) for key in ("description", "units") if key in graph}
        eco = cls(saved_name if name is None else name,
                  roles={**saved_roles, **(roles or {})}, **checked)
        eco._attrs.update(graph)
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
        if self._attrs != other._attrs or self._custom_roles != other._custom_roles:
            return False
        if self._graph is not None and other._graph is not None \
                and list(self._graph.nodes(data=True)) == list(other._graph.nodes(data=True)) \
                and _bulk.same_links(self._graph, other._graph):
            return True
        members, others = self._member_items(), other._member_items()
        if [m for m, _ in members] != [m for m, _ in others] or not all(
                _same_attributes(a, b) for (_, a), (_, b) in zip(members, others)):
            return False
        links, other_links = self._link_map(), other._link_map()
        return links.keys() == other_links.keys() and all(
            _same_attributes(links[key], other_links[key]) for key in links)

    def _member_items(self) -> list[tuple[str, dict]]:
        if self._graph is not None:
            return list(self._graph.nodes(data=True))
        store = self._columns()
        return list(zip(store.ids.tolist(), store.member_rows()))

    def _link_map(self) -> dict[tuple, dict]:
        if self._graph is not None:
            return {(u, v, k): d for u, v, k, d in self._graph.edges(keys=True, data=True)}
        return {(u, v, k): d for u, v, k, d in self.links(data=True)}

    __hash__ = None  # type: ignore[assignment]

