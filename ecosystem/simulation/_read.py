"""The ecosystem as the simulation reads it: member attributes and one flow's links as arrays.

Read from the ecosystem's columns when it keeps them (``eco.graph`` never built), from
the networkx graph's dicts otherwise; either way the links come in networkx's edge order
(source by source in member order), the order ``eco.layer(flow).edges`` gives.
"""

from __future__ import annotations

from itertools import repeat
from numbers import Real
from operator import is_not
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ..graph import Ecosystem
from ..taxonomy import Flow

if TYPE_CHECKING:
    from ._network import Network

__all__ = ["Links", "flow_links", "member_ids", "member_values", "positions", "member_rows",
           "given", "numbers"]


def member_ids(eco: Ecosystem) -> np.ndarray:
    """Every member id in member order, as an object array."""
    ids = eco.members()
    out = np.empty(len(ids), dtype=object)
    out[:] = ids
    return out


def member_values(eco: Ecosystem, name: str) -> np.ndarray:
    """Every member's ``name`` attribute in member order (None where it has none)."""
    return eco._member_values(name)


def positions(eco: Ecosystem, members: Sequence[str]) -> np.ndarray:
    """The positions of ``members`` in member order (all of them members)."""
    if not len(members):
        return np.zeros(0, dtype=np.int64)
    if eco._graph is None:
        # the columns keep their index of ids while members are only added, so the
        # several lookups of one run build it once
        index = eco._columns().index()
        return np.fromiter(map(index.__getitem__, members), dtype=np.int64, count=len(members))
    import pandas as pd
    return pd.Index(member_ids(eco)).get_indexer(np.asarray(members, dtype=object))


def member_rows(network: Network) -> np.ndarray:
    """The positions of a compiled network's stocking members in the ecosystem's member
    order (kept by :func:`~ecosystem.simulation.compile_network`, else looked up)."""
    rows = network.member_rows
    return positions(network.ecosystem, network.members) if rows is None else rows


def given(values: np.ndarray) -> np.ndarray:
    """Where an object array holds a value other than None."""
    return np.fromiter(map(is_not, values, repeat(None)), dtype=bool, count=len(values))


class Links:
    """One flow's links: ``source`` and ``target`` (member positions) and the raw values of
    some link attributes (:meth:`column`)."""

    def __init__(self, source: np.ndarray, target: np.ndarray,
                 columns: dict[str, tuple[np.ndarray, np.ndarray]]):
        self.source = source
        self.target = target
        self._columns = columns

    def __len__(self) -> int:
        return len(self.source)

    def column(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """``(values, has)``: the attribute's values and where a link has one (not None)."""
        if name not in self._columns:
            return np.full(len(self), None, dtype=object), np.zeros(len(self), dtype=bool)
        return self._columns[name]

    def value(self, name: str, row: int) -> Any:
        """One link's value as a Python object (None where it has none)."""
        values, has = self.column(name)
        if not has[row]:
            return None
        value = values[row]
        return value.item() if isinstance(value, np.generic) else value


def flow_links(eco: Ecosystem, flow: Flow | str, names: tuple[str, ...]) -> Links:
    """The links of ``flow`` in edge order with the attributes ``names``."""
    code = list(Flow).index(Flow.coerce(flow, "flow"))
    columns: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if eco._graph is None:
        store = eco._columns()
        rows = eco._ordered_rows(code)
        for name in names:
            column = store.links.get(name)
            if column is None:
                continue
            values = column.values[rows]
            has = column.mask()[rows]
            if values.dtype == object:
                has = has & given(values)
            columns[name] = (values, has)
        return Links(store.source[rows], store.target[rows], columns)
    source, target, flows, _ = eco.edge_arrays(None)
    keep = flows == code
    data = [d for d, k in zip(eco.link_attributes(), keep.tolist()) if k]
    for name in names:
        values = np.fromiter(map(dict.get, data, repeat(name)), dtype=object, count=len(data))
        has = given(values)
        if has.any():
            columns[name] = (values, has)
    return Links(source[keep], target[keep], columns)


def numbers(values: np.ndarray, has: np.ndarray, *, whole: bool = False,
            default: float = np.nan) -> tuple[np.ndarray, np.ndarray]:
    """``(numbers, bad)``: the values as floats (``default`` where there is none) and where a
    value is not a finite number >= 0 (a whole one if ``whole``), as the simulation's
    ``_number`` checks one value."""
    out = np.full(len(values), default, dtype=float)
    bad = np.zeros(len(values), dtype=bool)
    if not has.any():
        return out, bad
    if values.dtype.kind == "b":  # a bool is not a number here
        return out, has.copy()
    if values.dtype.kind in "iuf":
        x = values.astype(float)
    else:
        picked = values[has]
        real = np.fromiter(map(isinstance, picked, repeat(Real)), dtype=bool,
                           count=len(picked))
        real &= ~np.fromiter(map(isinstance, picked, repeat(bool)), dtype=bool,
                             count=len(picked))
        x = np.full(len(values), np.nan)
        rows = np.flatnonzero(has)
        x[rows[real]] = np.fromiter(map(float, picked[real]), dtype=float,
                                    count=int(real.sum()))
        bad[rows[~real]] = True
    with np.errstate(invalid="ignore"):
        wrong = ~np.isfinite(x) | (x < 0)
        if whole:
            wrong |= np.floor(x) != x
    bad |= has & wrong
    ok = has & ~bad
    out[ok] = x[ok]
    return out, bad
