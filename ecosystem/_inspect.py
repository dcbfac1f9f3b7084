"""Whole-ecosystem questions answered a column at a time: the summary table and
the list of broken rules (:meth:`Ecosystem.summary`, :meth:`Ecosystem.problems`).

Both read whole columns (the ecosystem's own, or the list of links of
:func:`ecosystem._bulk.link_structure` when ``eco.graph`` is its storage), so
an ecosystem of a million links is summarised or checked in about a second.
"""

from __future__ import annotations

from itertools import chain, repeat
from numbers import Real
from typing import TYPE_CHECKING

import numpy as np

from ._bulk import link_structure
from ._errors import NumericalWarning, ValidationError
from ._warn import warn
from .taxonomy import (LINK_NUMERIC_ATTRIBUTES, Flow, Ring, link_attribute_problem,
                       link_values_ok, units_problem)

if TYPE_CHECKING:  # pandas loads for the summary table; checking needs it only for many members
    import pandas as pd

    from .graph import Ecosystem

__all__ = ["summary", "problems"]

_RINGS = [r.value for r in Ring]
_FLOWS = [f.value for f in Flow]
#: Members from which :func:`problems` looks roles and rings up through pandas' hash table:
#: a set is faster below (and needs no import), pandas' table above (twice as fast at a
#: million members).
PANDAS_LOOKUP = 1 << 12


def summary(eco: "Ecosystem", with_units: bool = False) -> pd.DataFrame:
    """Members, links and volume per flow by ring, role and flow (see :meth:`Ecosystem.summary`)."""
    import pandas as pd

    if eco._graph is None:
        store = eco._columns()
        source, flow_codes = store.source, store.flow.astype(np.int64)
        volume = _column_volumes(store.link_column("volume"), len(source))
    else:
        structure = link_structure(eco.graph)
        source, flow_codes = structure.source, structure.flow.astype(np.int64)
        volume = _volumes(structure.data)
    frames = []
    for kind, given, member_values in (
            ("ring", _RINGS, eco._member_values("ring").tolist()),
            ("role", None, eco._member_values("role").tolist()),
            ("flow", _FLOWS, None)):
        member_counts: np.ndarray
        if given is not None:
            names = given
        else:
            assert member_values is not None
            names = sorted({v for v in member_values if isinstance(v, str)})
        if member_values is None:  # flows: the links' own flow index
            link_codes, member_counts = flow_codes, np.zeros(len(names))
        else:
            codes = pd.Index(names, dtype=object).get_indexer(member_values)
            member_counts = np.bincount(codes[codes >= 0], minlength=len(names))
            link_codes = codes[source]
        known = link_codes >= 0
        links = np.bincount(link_codes[known], minlength=len(names))
        # one volume column per flow: a flow's volumes are in its own unit
        cells = link_codes[known] * len(_FLOWS) + flow_codes[known]
        volumes = np.bincount(cells, weights=volume[known], minlength=len(names) * len(_FLOWS)
                              ).reshape(len(names), len(_FLOWS))
        frame = pd.DataFrame(volumes.astype(float), columns=_FLOWS)
        frame.insert(0, "links", links.astype(np.int64))
        frame.insert(0, "members", np.asarray(member_counts, dtype=np.int64))
        frame.index = pd.MultiIndex.from_arrays([[kind] * len(names), list(names)],
                                                names=["kind", "name"])
        frames.append(frame)
    table = pd.concat(frames)
    _warn_overflow(table, volume)
    units = dict(eco.units)
    if with_units:
        table.columns = ["members", "links"] + [f"{f} ({units[f]})" for f in _FLOWS]
    table.attrs["units"] = units
    return table


def _warn_overflow(table: pd.DataFrame, volume: np.ndarray) -> None:
    """A NumericalWarning naming the first total that is infinite, and why."""
    totals = table[_FLOWS].to_numpy()
    bad = np.argwhere(~np.isfinite(totals))
    if not bad.size:
        return
    row, column = bad[0]
    kind, name = table.index[row]
    finite = volume[np.isfinite(volume)]
    cause = (f"finite volumes (the largest {np.abs(finite).max():.3g}) add up beyond the "
             f"largest float, {np.finfo(float).max:.3g}; express the volumes in a larger unit"
             if np.isfinite(volume).all() else "a link's volume is itself infinite")
    warn(f"summary: {len(bad)} volume total(s) are infinite, first the {_FLOWS[column]} "
         f"total of {kind} {name!r}: {cause}", NumericalWarning)


def _volumes(data: list[dict]) -> np.ndarray:
    """Every link's volume; 0 where it has none, or one that is not a number (NaN included)."""
    try:
        volume = np.fromiter(map(dict.get, data, repeat("volume"), repeat(0.0)), float,
                             len(data))
    except (TypeError, ValueError, OverflowError):
        volume = np.array([_number(v) for v in map(dict.get, data, repeat("volume"),
                                                   repeat(0.0))], dtype=float)
    volume[np.isnan(volume)] = 0.0
    return volume


def _column_volumes(column, count: int) -> np.ndarray:
    """:func:`_volumes` of a link column."""
    if column is None:
        return np.zeros(count)
    if column.values.dtype != object:
        volume = column.values.astype(float)
    else:
        values = column.values.copy()
        if column.present is not None:
            values[~column.present] = 0.0
        try:
            volume = np.fromiter(values, float, count)
        except (TypeError, ValueError, OverflowError):
            volume = np.array([_number(v) for v in values], dtype=float)
    if column.present is not None:
        volume[~column.present] = 0.0
    volume[np.isnan(volume)] = 0.0
    return volume


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        return 0.0
    try:
        return float(value)
    except OverflowError:  # an int beyond the largest float
        return -np.inf if value < 0 else np.inf


def problems(eco: "Ecosystem") -> list[str]:
    """Every rule ``eco`` breaks, as sentences (see :meth:`Ecosystem.problems`)."""
    found = []
    if "units" in eco.attributes:
        problem = units_problem(eco.attributes["units"])
        if problem:
            found.append(f"graph attribute {problem}")
    if eco._graph is None:
        return found + _column_problems(eco)
    roles = eco.roles
    rings = set(_RINGS)
    for m, d in eco.graph.nodes(data=True):  # one pass; members are far fewer than links
        if not isinstance(m, str) or not m.strip():
            found.append(f"member id {m!r} is not a non-empty string")
        if d.get("role") not in roles:
            found.append(f"member {m!r}: unknown role {d.get('role')!r}")
        if d.get("ring") not in rings:
            found.append(f"member {m!r}: ring {d.get('ring')!r} is not one of "
                         + ", ".join(sorted(rings)))
        if not all(isinstance(key, str) for key in d):
            found.append(f"member {m!r}: attribute names must be strings")
    try:
        structure = link_structure(eco.graph)
    except ValidationError:  # a key that is not a flow: check link by link
        return found + _link_problems_one_by_one(eco)
    members = structure.members
    # a link's problems in the order the taxonomy lists its attributes, whatever order the
    # link's own dict (or a column store) keeps them in
    bad: list[tuple[int, int, str | None]] = []
    for rank, name in enumerate(LINK_NUMERIC_ATTRIBUTES):
        for position in _bad_values(structure.data, name):
            bad.append((position, rank,
                        link_attribute_problem(name, structure.data[position][name])))
    for position, _, problem in sorted(bad):
        u, v = members[structure.source[position]], members[structure.target[position]]
        found.append(f"link {u!r} -> {v!r} ({_FLOWS[structure.flow[position]]}): {problem}")
    names = set(chain.from_iterable(structure.data))
    unnamed = [] if all(isinstance(key, str) for key in names) else [
        i for i, d in enumerate(structure.data) if not all(isinstance(key, str) for key in d)]
    for position in unnamed:
        u, v = members[structure.source[position]], members[structure.target[position]]
        found.append(f"link {u!r} -> {v!r} ({_FLOWS[structure.flow[position]]}): "
                     "attribute names must be strings")
    return found


def _column_problems(eco: "Ecosystem") -> list[str]:
    """:func:`problems` of a column-backed ecosystem, in the same order."""
    store = eco._columns()
    found = []
    ids = store.ids
    role = eco._member_values("role")
    ring = eco._member_values("ring")
    role_bad = _not_in(role, list(eco.roles))
    ring_bad = _not_in(ring, _RINGS)
    id_bad = np.fromiter((not isinstance(m, str) or not m.strip() for m in ids.tolist()), bool,
                         len(ids))
    names_bad = np.zeros(len(ids), bool)
    for name, member_column in store.members.items():
        if not isinstance(name, str):
            names_bad |= member_column.mask()
    for i in np.flatnonzero(id_bad | role_bad | ring_bad | names_bad).tolist():
        m = ids[i]
        if id_bad[i]:
            found.append(f"member id {m!r} is not a non-empty string")
        if role_bad[i]:
            found.append(f"member {m!r}: unknown role {role[i]!r}")
        if ring_bad[i]:
            found.append(f"member {m!r}: ring {ring[i]!r} is not one of "
                         + ", ".join(sorted(_RINGS)))
        if names_bad[i]:
            found.append(f"member {m!r}: attribute names must be strings")
    rows = eco._ordered_rows()
    bad: list[tuple[int, int, str | None]] = []
    for rank, name in enumerate(LINK_NUMERIC_ATTRIBUTES):
        column = store.link_column(name)
        if column is None:
            continue
        present = column.mask()[rows]
        if column.values.dtype.kind in "fi":  # plain numbers: checked as whole arrays
            x = column.values[rows].astype(float)
            for position in np.flatnonzero(present & ~link_values_ok(name, x)).tolist():
                value = column.values[rows[position]].item()
                bad.append((position, rank, link_attribute_problem(name, value)))
            continue
        values = column.as_object()[rows].tolist()
        for position in _bad_list(values, present, name):
            bad.append((position, rank, link_attribute_problem(name, values[position])))
    unnamed = np.zeros(len(rows), bool)
    for name, column in store.links.items():
        if not isinstance(name, str):
            unnamed |= column.mask()[rows]
    messages = [(position, problem) for position, _, problem in sorted(bad)]
    messages += [(position, "attribute names must be strings")
                 for position in np.flatnonzero(unnamed).tolist()]
    for position, problem in messages:
        row = rows[position]
        u, v = ids[store.source[row]], ids[store.target[row]]
        found.append(f"link {u!r} -> {v!r} ({_FLOWS[store.flow[row]]}): {problem}")
    return found


def _not_in(values: np.ndarray, allowed: list[str]) -> np.ndarray:
    """Which of ``values`` (an object array) are none of ``allowed``, as
    ``~pandas.Index(values).isin(allowed)`` finds them: a value that cannot be hashed is
    none of them either."""
    if len(values) >= PANDAS_LOOKUP:
        import pandas as pd
        return ~pd.Index(values, dtype=object).isin(allowed)
    known = frozenset(allowed)
    items = values.tolist()
    try:
        return ~np.fromiter(map(known.__contains__, items), bool, len(items))
    except TypeError:  # a list or dict among the values: a set cannot be asked about it
        return np.array([not _hashable(v) or v not in known for v in items], dtype=bool)


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _bad_list(values: list, present: np.ndarray, name: str) -> np.ndarray:
    """:func:`_bad_values` of one attribute's values (``present``: the links that have it)."""
    given = [v for v, p in zip(values, present.tolist()) if p]
    try:
        if not set(map(type, given)) <= {float, int}:
            raise TypeError
        x = np.array([v if p else 0.0 for v, p in zip(values, present.tolist())], dtype=float)
    except (TypeError, OverflowError):
        return np.array([i for i in np.flatnonzero(present)
                         if link_attribute_problem(name, values[i])], dtype=np.int64)
    return np.flatnonzero(present & ~link_values_ok(name, x))


def _bad_values(data: list[dict], name: str) -> np.ndarray:
    """Positions of the links whose ``name`` attribute breaks its rule."""
    values = list(map(dict.get, data, repeat(name), repeat(0.0)))
    present = np.fromiter(map(dict.__contains__, data, repeat(name)), bool, len(data))
    try:
        if not set(map(type, values)) <= {float, int}:
            raise TypeError  # bools, strings, numpy numbers...: their own rules apply
        x = np.fromiter(values, float, len(values))
    except (TypeError, OverflowError):  # one by one, as link() checks them
        return np.array([i for i in np.flatnonzero(present)
                         if link_attribute_problem(name, values[i])], dtype=np.int64)
    return np.flatnonzero(present & ~link_values_ok(name, x))


def _link_problems_one_by_one(eco: "Ecosystem") -> list[str]:
    found = []
    for u, v, k, d in eco.graph.edges(keys=True, data=True):
        if k not in _FLOWS:
            found.append(f"link {u!r} -> {v!r}: key {k!r} is not a flow")
        if not all(isinstance(key, str) for key in d):
            found.append(f"link {u!r} -> {v!r} ({k}): attribute names must be strings")
        for name in LINK_NUMERIC_ATTRIBUTES:  # the only attributes with rules, in their order
            problem = link_attribute_problem(name, d[name]) if name in d else None
            if problem:
                found.append(f"link {u!r} -> {v!r} ({k}): {problem}")
    return found
