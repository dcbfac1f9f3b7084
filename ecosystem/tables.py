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

Both tables carry the ecosystem's graph attributes (name, description, units,
period and the rest) and its custom roles in ``DataFrame.attrs["ecosystem"]``, so
``Ecosystem.from_pandas(*eco.to_pandas())`` is ``eco`` again: flows keep their
units. The attributes are stored as a spec file stores them (numpy values and
tuples as plain Python, so pandas can compare them and write them to Parquet);
one that JSON cannot hold (a set, a date, a lock) is left out with a warning.
pandas copies ``attrs`` along a row filter or a new column; :func:`pandas.concat`
keeps them only when every input has the same, :meth:`~pandas.DataFrame.merge`
takes the left table's, and a frame built anew (:func:`pandas.read_csv`) has none,
so the ecosystem then gets the arguments of :meth:`~Ecosystem.from_pandas` alone.

A missing value (NaN, None or pandas' NA in a numeric column; NaN in an object
column) means the row does not have that attribute, so a table read back
recreates exactly the attributes that were there. In the link-number columns
(``volume``, ``lead_time`` and the rest of
:data:`~ecosystem.taxonomy.LINK_NUMERIC_ATTRIBUTES`) None is missing too, whatever
the column's type: such a link has no volume, rather than a volume of None. Columns whose present
values are all floats are float64; columns with missing integers are kept as
object so that ``3`` does not come back as ``3.0``.
"""

from __future__ import annotations

import copy
import reprlib
from itertools import chain, repeat
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ._bulk import link_structure
from ._columns import Column, column_from_series, column_from_values
from ._errors import ParameterError, SpecError, ValidationError
from .taxonomy import (LINK_FIELDS, LINK_NUMERIC_ATTRIBUTES, MEMBER_FIELDS, Flow, Ring,
                       link_attribute_problem, link_values_ok, units_problem)

if TYPE_CHECKING:
    from .graph import Ecosystem

__all__ = ["to_pandas", "add_members_from_frame", "add_links_from_frame", "ATTRS_KEY"]

#: The key of ``DataFrame.attrs`` under which the tables keep the graph attributes and
#: custom roles: ``{"attributes": {...}, "roles": {role: ring}}``.
ATTRS_KEY = "ecosystem"

_FLOW_INDEX = pd.Index([f.value for f in Flow], dtype=object)
_RING_INDEX = pd.Index([r.value for r in Ring], dtype=object)


class _Missing:
    """The value of an attribute a row does not have."""


_MISSING = _Missing()


def _column(records: list[dict[str, Any]], key: str) -> pd.Series:
    values = list(map(dict.get, records, repeat(key), repeat(_MISSING)))
    kinds = set(map(type, values))
    if _Missing not in kinds:
        try:
            column = pd.Series(values)
        except (TypeError, ValueError):  # e.g. every value a list of equal length
            column = pd.Series(values, dtype=object)
        # pandas would turn mixed int/float into floats and Python objects into numpy ones
        if column.dtype.kind in "fiub" and len(kinds) == 1 and kinds <= {float, int, bool}:
            return column
        return pd.Series(values, dtype=object)
    kinds.discard(_Missing)
    filled = [np.nan if v is _MISSING else v for v in values]
    return pd.Series(filled, dtype=float if kinds == {float} else object)


def _frame(records: list[dict[str, Any]], leading: list[str], leading_values: list[list]
           ) -> pd.DataFrame:
    keys = list(dict.fromkeys(chain.from_iterable(records)))
    columns = {name: pd.Series(vals, dtype=object if not vals else None)
               for name, vals in zip(leading, leading_values)}
    for key in keys:
        if key in columns:
            continue
        columns[key] = _column(records, key)
    return pd.DataFrame(columns)


def to_pandas(eco: "Ecosystem", *, attrs: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(members, links)`` DataFrames (see the module docstring); with ``attrs``,
    each carries the graph attributes and custom roles in ``attrs["ecosystem"]``.

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
    >>> members.attrs["ecosystem"]
    {'attributes': {'name': '', 'description': ''}, 'roles': {}}
    """
    members, links = _frames(eco)
    if attrs:
        saved = {"attributes": _storable(eco.attributes),
                 "roles": {role: ring.value for role, ring in eco._custom_roles.items()}}
        members.attrs[ATTRS_KEY] = saved
        links.attrs[ATTRS_KEY] = copy.deepcopy(saved)
    return members, links


def _storable(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """The graph attributes as a spec file stores them, leaving out (with a warning) what
    JSON cannot hold: pandas compares ``attrs`` in :func:`pandas.concat` (an array would
    raise) and writes them as JSON to Parquet."""
    import json

    from ._spec import plain
    kept, left_out = {}, []
    for key, value in attributes.items():
        value = plain(value)
        try:
            json.dumps(value)
        except (TypeError, ValueError):  # not JSON: a set, a date, a lock, a cycle
            left_out.append(key)
        else:
            kept[key] = value
    if left_out:
        from ._warn import warn
        warn(f"graph attribute(s) {left_out} cannot be stored as JSON, so the tables' "
             f"attrs[{ATTRS_KEY!r}] leave them out; pass them to Ecosystem.from_pandas "
             f"yourself", UserWarning)
    return kept


def _saved_attributes(members: pd.DataFrame, links: pd.DataFrame
                      ) -> tuple[dict[str, Any], dict[str, Ring]]:
    """The graph attributes and custom roles :func:`to_pandas` put in the tables'
    ``attrs`` (the members table's, else the links table's; empty when neither has
    them), checked."""
    for table in (members, links):
        saved = getattr(table, "attrs", {}).get(ATTRS_KEY)
        if saved is None:
            continue
        where = f"{'members' if table is members else 'links'}.attrs[{ATTRS_KEY!r}]"
        fix = f"; fix it or delete it (del {where})"
        if not (isinstance(saved, Mapping) and set(saved) <= {"attributes", "roles"}
                and isinstance(saved.get("attributes", {}), Mapping)
                and isinstance(saved.get("roles", {}), Mapping)):
            raise ParameterError(
                f"{where} is {reprlib.repr(saved)}; it must be a mapping with 'attributes' "
                f"(graph attributes) and 'roles' (role -> ring) as Ecosystem.to_pandas "
                f"writes it" + fix)
        attributes = copy.deepcopy(dict(saved.get("attributes", {})))
        for key in ("name", "description"):
            if not isinstance(attributes.get(key, ""), str):
                raise ParameterError(f"{where}['attributes'][{key!r}] is "
                                     f"{reprlib.repr(attributes[key])}, not a string" + fix)
        if "units" in attributes:
            problem = units_problem(attributes["units"])
            if problem:
                raise ParameterError(f"{where}['attributes']['units']: {problem}" + fix)
        roles = {}
        for role, ring in saved.get("roles", {}).items():
            try:
                roles[role] = Ring.coerce(ring, "ring")
            except ParameterError as error:
                raise ParameterError(f"{where}['roles'][{role!r}]: {error}" + fix) from None
        return attributes, roles
    return {}, {}


def _frames(eco: "Ecosystem") -> tuple[pd.DataFrame, pd.DataFrame]:
    if eco._graph is None:
        return _column_frames(eco)
    nodes = list(eco.graph.nodes(data=True))
    node_attrs = [{k: v for k, v in d.items() if k not in ("role", "ring")} for _, d in nodes]
    members = _frame(node_attrs, list(MEMBER_FIELDS),
                     [[m for m, _ in nodes], [d["role"] for _, d in nodes],
                      [d["ring"] for _, d in nodes]])
    try:
        structure = link_structure(eco.graph)
    except ValidationError:  # a key that is not a flow: the table shows it as it is
        edges = list(eco.graph.edges(keys=True, data=True))
        ends = [[e[0] for e in edges], [e[1] for e in edges], [e[2] for e in edges]]
        data = [d for *_, d in edges]
    else:
        member = structure.members.__getitem__
        ends = [list(map(member, structure.source.tolist())),
                list(map(member, structure.target.tolist())),
                _FLOW_INDEX.to_numpy()[structure.flow].tolist()]
        data = structure.data
    links = _frame(data, list(LINK_FIELDS), ends)
    return members, links


def _series(column: Column) -> pd.Series:
    """A column as :func:`_column` makes it from the same values."""
    values, present = column.values, column.present
    if values.dtype != object:
        if present is None:
            return pd.Series(values)
        if values.dtype.kind == "f":
            return pd.Series(np.where(present, values, np.nan))
        values = values.astype(object)
    if present is None:
        kinds = set(map(type, values.tolist()))
        if len(kinds) == 1 and kinds <= {float, int, bool}:
            try:
                typed = pd.Series(values.tolist())
            except (TypeError, ValueError):
                typed = None
            if typed is not None and typed.dtype.kind in "fiub":
                return typed
        return pd.Series(values, dtype=object)
    kinds = set(map(type, values[present].tolist()))
    filled = values.copy()
    filled[~present] = np.nan
    return pd.Series(filled, dtype=float if kinds == {float} else object)


def _column_frames(eco: "Ecosystem") -> tuple[pd.DataFrame, pd.DataFrame]:
    store = eco._columns()
    members = {"id": pd.Series(store.ids.tolist(), dtype=object if not len(store.ids) else None)}
    for name in ("role", "ring"):
        members[name] = pd.Series(eco._member_values(name).tolist(),
                                  dtype=object if not len(store.ids) else None)
    for name, column in store.members.items():
        if name not in members:
            members[name] = _series(column)
    rows = eco._ordered_rows()
    ids = store.ids
    empty = not len(rows)
    links = {"source": pd.Series(ids[store.source[rows]].tolist(), dtype=object if empty else None),
             "target": pd.Series(ids[store.target[rows]].tolist(), dtype=object if empty else None),
             "flow": pd.Series(_FLOW_INDEX.to_numpy()[store.flow[rows]].tolist(),
                               dtype=object if empty else None)}
    for name, column in store.links.items():
        if name not in links:
            links[name] = _series(column.take(rows))
    return pd.DataFrame(members), pd.DataFrame(links)


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


def _check_attribute_names(frame: pd.DataFrame, reserved: tuple[str, ...], what: str
                           ) -> list[str]:
    """The attribute columns of ``frame``; their names must be strings, as in every file."""
    names = [c for c in frame.columns if c not in reserved]
    for name in names:
        if not isinstance(name, str):
            raise SpecError("attribute names (column names) must be strings", location=what,
                            value=name)
    return names


def _first_bad(mask: np.ndarray) -> int | None:
    bad = np.flatnonzero(mask)
    return int(bad[0]) if bad.size else None


def _require_column(frame: pd.DataFrame, column: str, what: str) -> None:
    if column not in frame.columns:
        raise SpecError(f"the {what} table needs a {column!r} column; it has "
                        + ", ".join(map(repr, frame.columns)), location=what)


def _positions(index: pd.Index, values: pd.Series) -> np.ndarray:
    """The position of every value in ``index`` (-1 where it is not there)."""
    dtype = getattr(values, "dtype", None)
    if isinstance(dtype, pd.CategoricalDtype) and dtype.categories.equals(index):
        # the codes are the positions already (what the file readers hand over)
        return np.asarray(values.cat.codes, dtype=np.intp)
    found = _arrow_positions(index, values)
    if found is not None:
        return found
    try:
        return index.get_indexer(values)
    except TypeError:  # an unhashable value such as a list
        return np.full(len(values), -1, dtype=np.intp)


def _arrow_positions(index: pd.Index, values: pd.Series) -> np.ndarray | None:
    """:func:`_positions` by Arrow's hash join when the values are Arrow strings (pandas'
    default string columns): several times faster than pandas' own on a million rows."""
    if not type(getattr(values, "array", None)).__name__.startswith("ArrowString"):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    try:
        keys = pa.array(index.to_numpy(dtype=object), type=pa.string())
    except (pa.ArrowException, TypeError):  # an index that is not all strings
        return None
    found = pc.index_in(pa.array(values.array), value_set=keys).fill_null(-1)
    return found.to_numpy(zero_copy_only=False).astype(np.intp)


def _named_codes(kind: type[Ring] | type[Flow], frame: pd.DataFrame, column: str, what: str,
                 missing_ok: bool = False) -> np.ndarray:
    """The position in ``list(kind)`` of every row's ``column`` (any spelling ``kind.coerce``
    reads); -1 for a missing value where ``missing_ok``."""
    names = _RING_INDEX if kind is Ring else _FLOW_INDEX
    given = frame[column]
    codes = _positions(names, given)
    unread = codes < 0
    if missing_ok:
        unread &= ~given.isna().to_numpy()
    for i in np.flatnonzero(unread):  # members of the enum and other spellings: rare
        value = _python(given.iloc[i])
        try:
            codes[i] = names.get_loc(kind.coerce(value).value)
        except ParameterError:
            raise SpecError(f"{column} must be one of: " + ", ".join(names),
                            location=f"{what}[{i}].{column}", value=value) from None
    return codes


def _require_strings(frame: pd.DataFrame, column: str, what: str) -> list:
    _require_column(frame, column, what)
    series = frame[column]
    if series.dtype == object:
        values = series.tolist()
        # plain strings, none blank: asked of every value by C loops, not a Python one
        if set(map(type, values)) == {str} and "" not in map(str.strip, values):
            return values
    values = series.tolist() if isinstance(series.dtype, pd.StringDtype) else \
        [_python(v) for v in series.tolist()]
    if isinstance(series.dtype, pd.StringDtype):  # only strings and missing values
        blank = (series.str.strip() == "").to_numpy(dtype=bool, na_value=True)
        bad = series.isna().to_numpy() | blank
    else:
        bad = np.fromiter((not isinstance(v, str) or not v.strip() for v in values), dtype=bool,
                          count=len(values))
    i = _first_bad(bad)
    if i is not None:
        raise SpecError("must be a non-empty string", location=f"{what}[{i}].{column}",
                        value=values[i])
    return values


def add_members_from_frame(eco: "Ecosystem", table: pd.DataFrame | Iterable[Mapping[str, Any]]
                           ) -> None:
    """Add the rows of a members table to ``eco`` (all or nothing)."""
    frame = _as_frame(table, "members")
    ids = _require_strings(frame, "id", "members")
    roles = _require_strings(frame, "role", "members")
    known = eco.roles
    i = _first_bad(~pd.Index(roles, dtype=object).isin(list(known)))
    if i is not None:
        raise SpecError("unknown role; register it (roles: {name: ring}) or use one of: "
                        + ", ".join(sorted(known)), location=f"members[{i}].role", value=roles[i])
    id_index = pd.Index(ids, dtype=object)
    i = _first_bad(id_index.duplicated() | id_index.isin(list(eco)))
    if i is not None:
        raise SpecError("duplicate member id", location=f"members[{i}].id", value=ids[i])
    default_ring = {role: ring.value for role, ring in known.items()}
    rings = [default_ring[role] for role in roles]
    if "ring" in frame.columns:
        codes = _named_codes(Ring, frame, "ring", "members", missing_ok=True)
        given = codes >= 0
        if given.any():
            ring_names = np.array(rings, dtype=object)
            ring_names[given] = _RING_INDEX.to_numpy()[codes[given]]
            rings = ring_names.tolist()
    table = {"role": column_from_values(roles), "ring": column_from_values(rings)}
    for name in _check_attribute_names(frame, MEMBER_FIELDS, "members"):
        column = column_from_series(frame[name])
        if column is not None:
            table[name] = column
    eco._add_member_columns(ids, table)


def _first_repeat(codes: np.ndarray) -> int | None:
    """The first position whose value an earlier position holds too, or None.

    Sorted, a repeat sits beside its twin; only when there is one is the first
    found in position order (with pandas' hash table, kept off the path of tables
    without repeats; benchmarks/RESULTS.md compares the two).

    Examples
    --------
    >>> _first_repeat(np.array([7, 3, 5, 3, 7]))
    3
    >>> _first_repeat(np.array([7, 3, 5])) is None
    True
    """
    ordered = np.sort(codes)
    if not bool((ordered[1:] == ordered[:-1]).any()):
        return None
    return _first_bad(pd.Series(codes).duplicated().to_numpy())


def _check_numeric(frame: pd.DataFrame, name: str) -> None:
    column = frame[name]
    present = ~column.isna().to_numpy()
    if column.dtype.kind in "fiu":
        i = _first_bad(present & ~link_values_ok(name, column.to_numpy(dtype=float)))
        if i is not None:
            raise SpecError(f"{name} must be {LINK_NUMERIC_ATTRIBUTES[name]}",
                            location=f"links[{i}].{name}", value=_python(column.iloc[i]))
        return
    for i, value in enumerate(column.tolist()):
        if present[i] and link_attribute_problem(name, _python(value)):
            raise SpecError(f"{name} must be {LINK_NUMERIC_ATTRIBUTES[name]}",
                            location=f"links[{i}].{name}", value=_python(value))


def _member_codes(frame: pd.DataFrame, members: pd.Index) -> dict[str, np.ndarray]:
    """Positions of the ``source`` and ``target`` of every row in ``members`` (-1: none).

    A link end that names a member is a non-empty string; only when some end
    names none are the values checked one by one, to report the first
    problem in the order a reader expects (not a string, then dangling).
    """
    for column in ("source", "target"):
        _require_column(frame, column, "links")
    codes = {column: _positions(members, frame[column]) for column in ("source", "target")}
    if (codes["source"] < 0).any() or (codes["target"] < 0).any():
        for column in ("source", "target"):
            _require_strings(frame, column, "links")
    return codes


def add_links_from_frame(eco: "Ecosystem", table: pd.DataFrame | Iterable[Mapping[str, Any]]
                         ) -> None:
    """Add the rows of a links table to ``eco`` (all or nothing).

    Every check works on whole columns (member ids and flows become integer
    codes), with no Python call per link.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem the links join; their ends must be members of it.
    table : DataFrame or iterable of mappings
        One row per link: ``source``, ``target``, ``flow`` and attribute columns.
    """
    _add_links(eco, table, copy=True)


def _add_links(eco: "Ecosystem", table: pd.DataFrame | Iterable[Mapping[str, Any]],
               copy: bool) -> None:
    """:func:`add_links_from_frame`; ``copy=False`` only for a reader's own frame that no one
    uses again: its typed attribute columns become the ecosystem's without a copy."""
    frame = _as_frame(table, "links")
    members = pd.Index(list(eco), dtype=object)
    ends = _member_codes(frame, members)
    if "flow" not in frame.columns:
        raise SpecError("the links table needs a 'flow' column", location="links")
    flows = _named_codes(Flow, frame, "flow", "links")
    for column in ("source", "target"):
        i = _first_bad(ends[column] < 0)
        if i is not None:
            raise SpecError("no member with this id (a dangling link)",
                            location=f"links[{i}].{column}", value=_python(frame[column].iloc[i]))
    # (source, target, flow) as one integer: a link is a duplicate if its code repeats
    n = np.int64(max(len(members), 1))
    code = (ends["source"].astype(np.int64) * n + ends["target"]) * len(_FLOW_INDEX) + flows
    i = _first_repeat(code)
    if i is None and eco.number_of_links():
        i = _first_bad(eco._existing_links(ends["source"], ends["target"], flows))
    if i is not None:
        ids = members.to_numpy()
        flow_name = _FLOW_INDEX[flows[i]]
        raise SpecError(f"a second {flow_name} link between the same two members",
                        location=f"links[{i}]",
                        value=(ids[ends["source"][i]], ids[ends["target"][i]], flow_name))
    attribute_columns = _check_attribute_names(frame, LINK_FIELDS, "links")
    columns: dict[str, Column] = {}
    for name in attribute_columns:
        series = frame[name]
        if name in LINK_NUMERIC_ATTRIBUTES:
            _check_numeric(frame, name)
            if series.dtype == object:  # None here is "no value", as the check read it
                cells = series.to_numpy(dtype=object).copy()
                cells[pd.isna(cells)] = np.nan
                series = pd.Series(cells, index=series.index, dtype=object)
        values = column_from_series(series, copy)
        if values is not None:
            columns[name] = values
    eco._add_link_columns(ends["source"], ends["target"], flows, columns)

