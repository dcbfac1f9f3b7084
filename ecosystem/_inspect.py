"""Whole-ecosystem questions answered a column at a time: the summary table and
the list of broken rules (:meth:`Ecosystem.summary`, :meth:`Ecosystem.problems`).

Both read the links through :func:`ecosystem._bulk.link_structure`, so an
ecosystem of a million links is summarised or checked in about a second.
"""

from __future__ import annotations

from itertools import chain, repeat
from numbers import Real
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._bulk import link_structure
from ._errors import ValidationError
from .taxonomy import (LINK_NUMERIC_ATTRIBUTES, Flow, Ring, link_attribute_problem,
                       link_values_ok, units_problem)

if TYPE_CHECKING:
    from .graph import Ecosystem

__all__ = ["summary", "problems"]

_RINGS = [r.value for r in Ring]
_FLOWS = [f.value for f in Flow]


def summary(eco: "Ecosystem", with_units: bool = False) -> pd.DataFrame:
    """Members, links and volume per flow by ring, role and flow (see :meth:`Ecosystem.summary`)."""
    structure = link_structure(eco.graph)
    volume = _volumes(structure.data)
    flow_codes = structure.flow.astype(np.int64)
    member_data = list(eco.graph._node.values())
    frames = []
    for kind, names, member_values in (
            ("ring", _RINGS, [d.get("ring") for d in member_data]),
            ("role", None, [d.get("role") for d in member_data]),
            ("flow", _FLOWS, None)):
        if member_values is None:  # flows: the links' own flow index
            link_codes, member_counts = flow_codes, np.zeros(len(names))
        else:
            if names is None:
                names = sorted({v for v in member_values if isinstance(v, str)})
            codes = pd.Index(names, dtype=object).get_indexer(member_values)
            member_counts = np.bincount(codes[codes >= 0], minlength=len(names))
            link_codes = codes[structure.source]
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
    units = dict(eco.units)
    if with_units:
        table.columns = ["members", "links"] + [f"{f} ({units[f]})" for f in _FLOWS]
    table.attrs["units"] = units
    return table


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


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        return 0.0
    try:
        return float(value)
    except OverflowError:  # an int beyond the largest float
        return np.inf if value > 0 else -np.inf


def problems(eco: "Ecosystem") -> list[str]:
    """Every rule ``eco`` breaks, as sentences (see :meth:`Ecosystem.problems`)."""
    found = []
    if "units" in eco.graph.graph:
        problem = units_problem(eco.graph.graph["units"])
        if problem:
            found.append(f"graph attribute {problem}")
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
    bad: list[tuple[int, int, str]] = []
    for name in LINK_NUMERIC_ATTRIBUTES:
        for position in _bad_values(structure.data, name):
            keys = list(structure.data[position])
            bad.append((position, keys.index(name),
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
        for name, value in d.items():
            problem = link_attribute_problem(name, value)
            if problem:
                found.append(f"link {u!r} -> {v!r} ({k}): {problem}")
    return found
