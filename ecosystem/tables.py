"""Members and links as pandas tables.

The two tables are the flat form of an ecosystem, used by
:meth:`Ecosystem.to_pandas`, :meth:`Ecosystem.from_pandas`, the CSV pair and
every bulk builder.

members
    one row per member, in member order: ``id``, ``role``, ``ring`` and one
    column per attribute.
links
    one row per link: ``source``, ``target``, ``flow`` and one column per
    attribute.

A missing value (NaN, None or pandas' NA in a numeric column; NaN in an object
column) means the row does not have that attribute, so a table read back
recreates exactly the attributes that were there. Columns whose present
values are all floats are float64; columns with missing integers are kept as
object so that ``3`` does not come back as ``3.0``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ._errors import SpecError
from .taxonomy import LINK_NUMERIC_ATTRIBUTES, Flow, Ring

if TYPE_CHECKING:
    from .graph import Ecosystem

__all__ = ["to_pandas", "add_members_from_frame", "add_links_from_frame"]

_MISSING = object()


def _column(records: list[Mapping[str, Any]], key: str) -> pd.Series:
    values = [r.get(key, _MISSING) for r in records]
    present = [v for v in values if v is not _MISSING]
    if len(present) == len(values):
        try:
            column = pd.Series(values)
        except (TypeError, ValueError):  # e.g. every value a list of equal length
            column = pd.Series(values, dtype=object)
        # pandas would turn mixed int/float into floats and Python objects into numpy ones
        if column.dtype.kind in "fiub" and {type(v) for v in present} <= {float, int, bool}:
            if len({type(v) for v in present}) == 1:
                return column
        return pd.Series(values, dtype=object)
    if present and all(type(v) is float for v in present):
        return pd.Series([np.nan if v is _MISSING else v for v in values], dtype=float)
    return pd.Series([np.nan if v is _MISSING else v for v in values], dtype=object)


def _frame(records: list[Mapping[str, Any]], leading: list[str], leading_values: list[list]
           ) -> pd.DataFrame:
    keys = list(dict.fromkeys(k for r in records for k in r))
    columns = {name: pd.Series(vals, dtype=object if not vals else None)
               for name, vals in zip(leading, leading_values)}
    for key in keys:
        if key in columns:
            continue
        columns[key] = _column(records, key)
    return pd.DataFrame(columns)


def to_pandas(eco: "Ecosystem") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(members, links)`` DataFrames (see the module docstring).

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_member("m1", "manufacturer", employees=40)
    >>> eco.add_member("p1", "platform")
    >>> eco.link("m1", "p1", "logistics", volume=10.0)
    >>> members, links = eco.to_pandas()
    >>> members
       id          role  ring employees
    0  m1  manufacturer  core        40
    1  p1      platform  core       NaN
    >>> links
      source target       flow  volume
    0     m1     p1  logistics    10.0
    """
    nodes = list(eco.graph.nodes(data=True))
    node_attrs = [{k: v for k, v in d.items() if k not in ("role", "ring")} for _, d in nodes]
    members = _frame(node_attrs, ["id", "role", "ring"],
                     [[m for m, _ in nodes], [d["role"] for _, d in nodes],
                      [d["ring"] for _, d in nodes]])
    edges = list(eco.graph.edges(keys=True, data=True))
    links = _frame([d for *_, d in edges], ["source", "target", "flow"],
                   [[e[0] for e in edges], [e[1] for e in edges], [e[2] for e in edges]])
    return members, links


def _python(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _as_frame(table: pd.DataFrame | Iterable[Mapping[str, Any]], what: str) -> pd.DataFrame:
    if isinstance(table, pd.DataFrame):
        return table
    try:
        records = list(table)
    except TypeError:
        raise SpecError(f"expected a DataFrame or a list of mappings, got {type(table).__name__}",
                        location=what) from None
    for i, record in enumerate(records):
        if not isinstance(record, Mapping):
            raise SpecError("each row must be a mapping", location=f"{what}[{i}]", value=record)
    keys = list(dict.fromkeys(k for r in records for k in r))
    return pd.DataFrame({k: pd.Series([r.get(k, np.nan) for r in records], dtype=object)
                         for k in keys}, columns=keys)


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """Rows as attribute dicts without their missing values (vectorised per column)."""
    names, values, masks = [], [], []
    for name in columns:
        column = frame[name]
        names.append(name)
        if column.dtype == object:  # None is a value here; only NaN and NA mean "missing"
            values.append([_python(v) for v in column.tolist()])
            missing = np.fromiter((v is pd.NA or (isinstance(v, float) and v != v)
                                   for v in values[-1]), dtype=bool, count=len(column))
        else:
            values.append(column.tolist())
            missing = column.isna().to_numpy()
        masks.append(missing if missing.any() else None)
    if all(mask is None for mask in masks):
        return [dict(zip(names, row)) for row in zip(*values)] if names else \
            [{} for _ in range(len(frame))]
    rows = []
    for i, row in enumerate(zip(*values)):
        rows.append({n: v for n, v, mask in zip(names, row, masks)
                     if mask is None or not mask[i]})
    return rows


def _first_bad(mask: np.ndarray) -> int | None:
    bad = np.flatnonzero(mask)
    return int(bad[0]) if bad.size else None


def _require_strings(frame: pd.DataFrame, column: str, what: str) -> list:
    if column not in frame.columns:
        raise SpecError(f"the {what} table needs a {column!r} column; it has "
                        + ", ".join(map(repr, frame.columns)), location=what)
    values = [_python(v) for v in frame[column].tolist()]
    for i, v in enumerate(values):
        if not isinstance(v, str) or not v.strip():
            raise SpecError("must be a non-empty string", location=f"{what}[{i}].{column}",
                            value=v)
    return values


def add_members_from_frame(eco: "Ecosystem", table: pd.DataFrame | Iterable[Mapping[str, Any]]
                           ) -> None:
    """Add the rows of a members table to ``eco`` (all or nothing)."""
    frame = _as_frame(table, "members")
    ids = _require_strings(frame, "id", "members")
    roles = _require_strings(frame, "role", "members")
    known = eco.roles
    for i, role in enumerate(roles):
        if role not in known:
            raise SpecError("unknown role; register it (roles: {name: ring}) or use one of: "
                            + ", ".join(sorted(known)), location=f"members[{i}].role", value=role)
    duplicated = pd.Index(ids).duplicated()
    i = _first_bad(duplicated | np.array([m in eco.graph for m in ids], dtype=bool))
    if i is not None:
        raise SpecError("duplicate member id", location=f"members[{i}].id", value=ids[i])
    if "ring" in frame.columns:
        rings = []
        for i, (ring, role) in enumerate(zip(frame["ring"].tolist(), roles)):
            if ring is None or (isinstance(ring, float) and np.isnan(ring)):
                rings.append(known[role].value)
                continue
            try:
                rings.append(Ring.coerce(ring, "ring").value)
            except Exception:
                raise SpecError("ring must be one of: " + ", ".join(r.value for r in Ring),
                                location=f"members[{i}].ring", value=ring) from None
    else:
        rings = [known[role].value for role in roles]
    attributes = _records(frame, [c for c in frame.columns if c not in ("id", "role", "ring")])
    for attrs, role, ring in zip(attributes, roles, rings):
        attrs["role"] = role
        attrs["ring"] = ring
    eco.graph.add_nodes_from(zip(ids, attributes))


def _check_numeric(frame: pd.DataFrame, name: str) -> None:
    column = frame[name]
    present = ~column.isna().to_numpy()
    if column.dtype.kind in "fiu":
        x = column.to_numpy(dtype=float)
        if name == "reliability":
            ok = (x >= 0) & (x <= 1)
        else:
            ok = (x >= 0) & np.isfinite(x)
            if name == "lead_time":
                ok &= np.mod(np.where(np.isfinite(x), x, 0.5), 1) == 0
        i = _first_bad(present & ~ok)
        if i is not None:
            raise SpecError(f"{name} must be {LINK_NUMERIC_ATTRIBUTES[name]}",
                            location=f"links[{i}].{name}", value=_python(column.iloc[i]))
        return
    from .graph import link_attribute_problem
    for i, value in enumerate(column.tolist()):
        if present[i] and link_attribute_problem(name, _python(value)):
            raise SpecError(f"{name} must be {LINK_NUMERIC_ATTRIBUTES[name]}",
                            location=f"links[{i}].{name}", value=_python(value))


def add_links_from_frame(eco: "Ecosystem", table: pd.DataFrame | Iterable[Mapping[str, Any]]
                         ) -> None:
    """Add the rows of a links table to ``eco`` (all or nothing)."""
    frame = _as_frame(table, "links")
    sources = _require_strings(frame, "source", "links")
    targets = _require_strings(frame, "target", "links")
    if "flow" not in frame.columns:
        raise SpecError("the links table needs a 'flow' column", location="links")
    flow_names = {f.value for f in Flow}
    flows = [_python(f) for f in frame["flow"].tolist()]
    i = _first_bad(~np.isin(np.asarray(flows, dtype=object), list(flow_names))) if flows else None
    if i is not None:
        try:  # accept Flow members and other spellings Flow.coerce understands
            flows = [Flow.coerce(f).value for f in flows]
        except Exception:
            bad = next(j for j, f in enumerate(flows) if not _is_flow(f))
            raise SpecError("flow must be one of: " + ", ".join(f.value for f in Flow),
                            location=f"links[{bad}].flow", value=flows[bad]) from None
    members = pd.Index(list(eco.graph))
    for column, values in (("source", sources), ("target", targets)):
        i = _first_bad(~pd.Index(values).isin(members))
        if i is not None:
            raise SpecError("no member with this id (a dangling link)",
                            location=f"links[{i}].{column}", value=values[i])
    keys = pd.DataFrame({"s": sources, "t": targets, "f": flows})
    i = _first_bad(keys.duplicated().to_numpy())
    if i is None and eco.graph.number_of_edges():
        i = _first_bad(np.array([eco.graph.has_edge(s, t, f)
                                 for s, t, f in zip(sources, targets, flows)], dtype=bool))
    if i is not None:
        raise SpecError(f"a second {flows[i]} link between the same two members",
                        location=f"links[{i}]", value=(sources[i], targets[i], flows[i]))
    attribute_columns = [c for c in frame.columns if c not in ("source", "target", "flow")]
    for name in attribute_columns:
        if name in LINK_NUMERIC_ATTRIBUTES:
            _check_numeric(frame, name)
    eco.graph.add_edges_from(zip(sources, targets, flows, _records(frame, attribute_columns)))


def _is_flow(value: Any) -> bool:
    try:
        Flow.coerce(value)
        return True
    except Exception:
        return False
