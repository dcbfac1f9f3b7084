"""Resource-use matrices: what each member draws on, from the graph or a table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Literal, overload

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._errors import ParameterError
from .._memory import check_allocation
from ..taxonomy import Flow, FlowChoice, Ring, parse_flows
from ._sparse import SparseUtilization

if TYPE_CHECKING:
    from ..graph import Ecosystem

__all__ = ["resource_matrix", "resource_matrix_from_table", "DEFAULT_COMPETITION_FLOW"]

_NONE = object()  # "no such attribute", which None is not

#: The flow whose resources members compete over when a caller needs one default
#: (the demo's competition layer, ``ecobelt niche``): goods, the flow every firm of
#: the chain ships.
DEFAULT_COMPETITION_FLOW = "logistics"


def _as_list(value: str | Iterable[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


@overload
def resource_matrix(eco: "Ecosystem", *, direction: Literal["in", "out"] = "in",
                    flows: FlowChoice | None = None,
                    members: Iterable[str] | None = None,
                    role: str | Iterable[str] | None = None,
                    ring: Ring | str | None = None,
                    resource_role: str | Iterable[str] | None = None,
                    group_by: str | None = None, weight: str | None = "volume",
                    default: float = 1.0, drop_empty: bool = True,
                    sparse: Literal[False] = False) -> pd.DataFrame: ...


@overload
def resource_matrix(eco: "Ecosystem", *, direction: Literal["in", "out"] = "in",
                    flows: FlowChoice | None = None,
                    members: Iterable[str] | None = None,
                    role: str | Iterable[str] | None = None,
                    ring: Ring | str | None = None,
                    resource_role: str | Iterable[str] | None = None,
                    group_by: str | None = None, weight: str | None = "volume",
                    default: float = 1.0, drop_empty: bool = True,
                    sparse: Literal[True]) -> SparseUtilization: ...


@overload
def resource_matrix(eco: "Ecosystem", *, direction: Literal["in", "out"] = "in",
                    flows: FlowChoice | None = None,
                    members: Iterable[str] | None = None,
                    role: str | Iterable[str] | None = None,
                    ring: Ring | str | None = None,
                    resource_role: str | Iterable[str] | None = None,
                    group_by: str | None = None, weight: str | None = "volume",
                    default: float = 1.0, drop_empty: bool = True,
                    sparse: bool = False) -> pd.DataFrame | SparseUtilization: ...


def resource_matrix(eco: "Ecosystem", *, direction: Literal["in", "out"] = "in",
                    flows: FlowChoice | None = None,
                    members: Iterable[str] | None = None,
                    role: str | Iterable[str] | None = None,
                    ring: Ring | str | None = None,
                    resource_role: str | Iterable[str] | None = None,
                    group_by: str | None = None, weight: str | None = "volume",
                    default: float = 1.0, drop_empty: bool = True,
                    sparse: bool = False) -> pd.DataFrame | SparseUtilization:
    """The members x resources utilization matrix of an ecosystem.

    A member's resources are the members at the other end of its links (Wang &
    Gao §3.1: members of one niche compete for the same resources, such as
    logistics firms for customers and manufacturers for platforms):

    ``direction="in"``
        the providers whose links reach the member: its inbound logistics,
        capital (finance) and technology suppliers. Members that rely on the
        same providers compete for their capacity.
    ``direction="out"``
        the members it sends to: a manufacturer's platforms and markets
        (outbound sales), a logistics firm's customers. Members that serve the
        same outlets compete for them.

    Entry (i, k) is the total ``weight`` of the links between member i and
    resource k; with ``group_by`` the resources are pooled by an attribute of
    the resource member (e.g. ``"role"``: logistics, finance, technology; or a
    user attribute such as ``"market"``). Self-links are ignored (a member is
    not its own resource). Volumes of different flows are in different units
    (:attr:`Ecosystem.units`) and are never added: with one flow the columns
    are the resources, with several each (resource, flow) pair is a column of
    its own, labelled ``"resource (flow)"``. For competition, niche theory
    compares members over the resources of one flow
    (:data:`DEFAULT_COMPETITION_FLOW` where a caller needs a default).

    The frame's ``attrs`` (and a sparse table's) record what it measures: ``flows``, ``direction``,
    ``resources`` (a phrase such as ``"logistics outlets"``), ``units`` (each
    chosen flow's unit) and ``roles`` (each row member's role, the guilds
    :func:`competition_pairs` compares within).

    Parameters
    ----------
    eco : Ecosystem
    direction : {"in", "out"}
        Providers (in) or outlets (out), see above.
    flows : flow or list of flows, optional
        The flows to count; all four by default (in separate columns).
    members, role, ring : optional
        Which members are rows: explicit ids, and/or one role (or several),
        and/or one ring. All members by default, in member order.
    resource_role : str or list of str, optional
        Count only resources of these roles (e.g. ``["platform", "market"]``).
    group_by : str, optional
        A member attribute ("role", "ring" or a user attribute) whose values
        become the columns; every resource member must have it.
    weight : str or None
        The link attribute summed ("volume"); links without it count
        ``default``. None counts links.
    default : float
        The weight of a link that lacks ``weight``.
    drop_empty : bool
        Leave out rows that use nothing (the indices reject all-zero rows);
        False keeps every selected member.
    sparse : bool, default False
        Return a :class:`~ecosystem.niche.SparseUtilization` that stores only
        the non-zero uses. With providers as resources the dense table has
        members x providers entries, nearly all 0 (20,000 members: gigabytes);
        breadth, mean_overlap and competition_pairs take the sparse table
        without building a dense array for the product-form indices.

    Returns
    -------
    DataFrame or SparseUtilization
        Rows indexed by member id (``index.name == "member"``), columns by
        resource (``columns.name == "resource"``) in member order or sorted
        group value; only resources somebody uses appear, so the number of
        columns (``r`` of the standardized breadth) is that of used resources.

    Raises
    ------
    ParameterError
        Bad direction, flow, role, ring or weight; a resource member without
        the ``group_by`` attribute.
    UnknownMemberError
        An id in ``members`` that is not in the ecosystem.
    MemoryNeedError
        The dense table would not fit in the memory available (checked before
        it is allocated; ``sparse=True`` avoids it).

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem("toy")
    >>> for m, role in [("m1", "manufacturer"), ("m2", "manufacturer"), ("lg", "logistics"),
    ...                 ("bank", "finance")]:
    ...     eco.add_member(m, role)
    >>> eco.link("lg", "m1", "logistics", volume=30.0)
    >>> eco.link("lg", "m2", "logistics", volume=10.0)
    >>> eco.link("bank", "m2", "capital", volume=10.0)
    >>> resource_matrix(eco, role="manufacturer")
    resource  lg (logistics)  bank (capital)
    member
    m1                  30.0             0.0
    m2                  10.0            10.0
    >>> resource_matrix(eco, role="manufacturer", group_by="role", weight=None)
    resource  finance (capital)  logistics (logistics)
    member
    m1                      0.0                    1.0
    m2                      1.0                    1.0
    >>> U = resource_matrix(eco, role="manufacturer", flows="logistics")
    >>> U
    resource    lg
    member
    m1        30.0
    m2        10.0
    >>> U.attrs["resources"], U.attrs["units"]
    ('logistics providers', {'logistics': 'units of goods'})
    >>> use = resource_matrix(eco, role="manufacturer", sparse=True)
    >>> use.shape, use.nnz, list(use.resources)
    ((2, 2), 3, ['lg (logistics)', 'bank (capital)'])
    >>> use.attrs["roles"]
    {'m1': 'manufacturer', 'm2': 'manufacturer'}
    """
    if direction not in ("in", "out"):
        raise ParameterError(f"direction must be 'in' (providers) or 'out' (outlets), "
                             f"got {direction!r}")
    flow_list = parse_flows(flows)
    ids = eco.members()
    index = {m: i for i, m in enumerate(ids)}
    # rows: intersection of the given filters, kept in member order
    rows = np.ones(len(ids), dtype=bool)
    if members is not None:
        wanted = list(members)
        for member_id in wanted:
            eco.member(member_id)  # raises UnknownMemberError with the ecosystem's name
        rows &= np.isin(np.arange(len(ids)), [index[m] for m in wanted])
    roles = _as_list(role)
    if roles is not None or ring is not None:
        selected = set()
        every_role: list[str | None] = [None]
        for one in roles or every_role:
            selected.update(eco.members(ring=ring, role=one))
        rows &= np.array([m in selected for m in ids], dtype=bool)
    columns_ok = np.ones(len(ids), dtype=bool)
    resource_roles = _as_list(resource_role)
    if resource_roles is not None:
        for one in resource_roles:
            eco.members(role=one)  # validates the role name
        columns_ok = np.array([r in resource_roles for r in eco._member_values("role").tolist()],
                              dtype=bool)
    if weight is not None and not isinstance(weight, str):
        raise ParameterError(f"weight must be a link attribute name or None, got {weight!r}")
    src, dst, fl, w = eco.edge_arrays(weight or "__count__", 1.0 if weight is None else default)
    if not np.isfinite(w).all() or (w < 0).any():
        raise ParameterError(f"link attribute {weight!r} must be a finite number >= 0 on every "
                             "link used")
    member_pos, resource_pos = (dst, src) if direction == "in" else (src, dst)
    keep = (np.isin(fl, [list(Flow).index(f) for f in flow_list]) & rows[member_pos]
            & columns_ok[resource_pos] & (src != dst))
    member_pos, resource_pos, w = member_pos[keep], resource_pos[keep], w[keep]
    flow_of = fl[keep]
    if group_by is None:
        labels = np.array(ids, dtype=object)
        codes = resource_pos
        column_order = np.unique(resource_pos)
        column_labels = labels[column_order]
        codes = np.searchsorted(column_order, codes)
    else:
        distinct = np.unique(resource_pos)
        values = eco._member_values(group_by, _NONE)[distinct].tolist()
        for pos, value in zip(distinct.tolist(), values):
            if value is _NONE:
                raise ParameterError(f"resource member {ids[pos]!r} has no attribute "
                                     f"{group_by!r} to group by")
        column_labels = sorted(set(values), key=str)
        code_of = {label: i for i, label in enumerate(column_labels)}
        distinct_codes = np.array([code_of[v] for v in values], dtype=np.int64)
        codes = distinct_codes[np.searchsorted(distinct, resource_pos)]
    if len(flow_list) > 1:  # one column per (resource, flow): flows are never added
        all_flows = [f.value for f in Flow]
        pairs = codes * len(all_flows) + flow_of
        present = np.unique(pairs)
        column_labels = [f"{column_labels[p // len(all_flows)]} ({all_flows[p % len(all_flows)]})"
                         for p in present.tolist()]
        codes = np.searchsorted(present, pairs)
    row_positions = np.flatnonzero(rows)
    row_of = np.full(len(ids), -1)
    row_of[row_positions] = np.arange(row_positions.size)
    shape = (row_positions.size, len(column_labels))
    member_index = pd.Index([ids[p] for p in row_positions], name="member")
    resource_index = pd.Index(list(column_labels), name="resource")
    names = [f.value for f in flow_list]
    units = eco.units
    attrs = dict(flows=names, direction=direction,
                 resources=f"{', '.join(names)} {'providers' if direction == 'in' else 'outlets'}",
                 units={f: units[f] for f in names})
    if sparse:
        use = SparseUtilization(sp.coo_array((w, (row_of[member_pos], codes)), shape=shape),
                                member_index, resource_index)
        if drop_empty:
            use = use.rows(use.totals() > 0)
        use.attrs.update(attrs, roles=_roles(eco, use.members))
        return use
    check_allocation(8.0 * shape[0] * shape[1], f"a dense {shape[0]:,} x {shape[1]:,} "
                     "utilization table (members x resources)", "pass sparse=True, pool the "
                     "resources with group_by, or choose fewer members")
    table = np.zeros(shape)
    np.add.at(table, (row_of[member_pos], codes), w)
    frame = pd.DataFrame(table, index=member_index, columns=resource_index)
    if drop_empty:
        frame = frame.loc[frame.sum(axis=1) > 0]
    frame.attrs.update(attrs, roles=_roles(eco, frame.index))
    return frame


def _roles(eco: "Ecosystem", members: pd.Index) -> dict:
    role_of = dict(zip(eco.members(), eco._member_values("role").tolist()))
    # tolist: iterating an Arrow-backed index makes a Python string per step, 20x slower
    return {m: role_of[m] for m in members.tolist()}


def resource_matrix_from_table(table: pd.DataFrame, member: str = "member",
                               resource: str = "resource", value: str | None = "value"
                               ) -> pd.DataFrame:
    """A utilization matrix from a long table of (member, resource, value) rows.

    Repeated (member, resource) rows are summed; ``value=None`` counts rows.
    A user's own survey or shipment table becomes the matrix the indices take.

    Examples
    --------
    >>> long = pd.DataFrame({"member": ["m1", "m1", "m2", "m1"],
    ...                      "resource": ["amazon", "ebay", "amazon", "amazon"],
    ...                      "value": [5, 2, 4, 1]})
    >>> resource_matrix_from_table(long)
    resource  amazon  ebay
    member
    m1           6.0   2.0
    m2           4.0   0.0
    """
    needed = [member, resource] + ([value] if value is not None else [])
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise ParameterError(f"table has no column(s) {missing}; it has {list(table.columns)}")
    if value is None:
        values = pd.Series(1.0, index=table.index)
    else:
        values = pd.to_numeric(table[value], errors="coerce")
        bad = values.isna() | ~np.isfinite(values) | (values < 0)
        if bad.any():
            row = bad.idxmax()
            raise ParameterError(f"table[{value!r}] must be finite numbers >= 0; row {row!r} has "
                                 f"{table.loc[row, value]!r}")
    frame = (pd.DataFrame({"member": table[member].to_numpy(),
                           "resource": table[resource].to_numpy(),
                           "value": values.to_numpy(dtype=float)})
             .pivot_table(index="member", columns="resource", values="value", aggfunc="sum",
                          fill_value=0.0, sort=True))
    frame.index.name, frame.columns.name = "member", "resource"
    return frame.astype(float)
