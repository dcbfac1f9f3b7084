"""Vectorised pieces shared by the random builders.

The builders describe an ecosystem as numpy arrays (member roles, link blocks)
and hand it to the ecosystem as typed columns in one go: no per-member or
per-link Python loop. Their links are valid by construction (both ends
members, no link twice), so they skip the checks a user's table goes through
(the tests rebuild every builder's tables through those checks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
import pandas as pd

from ecosystem import Ecosystem, Flow, ParameterError
from ecosystem._columns import Column, flow_code

__all__ = ["LinkKind", "LinkBlocks", "apportion", "assemble", "check_count", "check_fraction",
           "member_ids", "preferential_weights", "choose_one", "choose_several",
           "small_world_pairs", "sorted_unique", "number_column", "tenths"]


def check_count(name: str, value: object, minimum: int = 0) -> int:
    """``value`` as an int >= ``minimum``, or a ParameterError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ParameterError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def check_fraction(name: str, value: object) -> float:
    """``value`` as a float in [0, 1], or a ParameterError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= float(value) <= 1:
        raise ParameterError(f"{name} must be a number in [0, 1], got {value!r}")
    return float(value)


def member_ids(prefix: str, count: int) -> np.ndarray:
    """``count`` ids ``prefix0001``, ``prefix0002``, ... zero-padded to a common width."""
    width = max(2, len(str(count)))
    numbers = np.char.zfill(np.arange(1, count + 1).astype(str), width)
    return np.char.add(prefix, numbers).astype(object)


def preferential_weights(count: int, exponent: float, rng: np.random.Generator) -> np.ndarray:
    """Market shares of ``count`` providers: Zipf ranks ``r**-exponent`` in random order.

    A heavy-tailed share is what the seed papers describe for service
    platforms: a few logistics or finance providers serve most firms.
    """
    shares = np.arange(1, count + 1, dtype=float) ** -exponent
    shares = rng.permutation(shares)
    return shares / shares.sum()


def choose_one(count: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each of ``count`` choosers, the index of one provider drawn with ``weights``.

    Every provider gets at least one chooser when there are enough of them (a
    provider without a single client would not be in the belt).
    """
    choice = rng.choice(len(weights), size=count, p=weights)
    if count >= len(weights):
        choice[rng.choice(count, size=len(weights), replace=False)] = np.arange(len(weights))
    return choice


def choose_several(how_many: np.ndarray, weights: np.ndarray, rng: np.random.Generator
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Weighted sampling without replacement, one draw per chooser, all at once.

    Chooser ``i`` picks ``how_many[i]`` distinct providers (at most all of
    them). Uses Gumbel top-k: the providers with the largest
    ``log(weight) + Gumbel noise`` are a weighted sample without replacement.
    Returns ``(chooser, provider)`` index arrays.
    """
    keys = np.log(weights)[None, :] + rng.gumbel(size=(len(how_many), len(weights)))
    order = np.argsort(-keys, axis=1)
    rank = np.arange(len(weights))[None, :]
    take = rank < np.minimum(how_many, len(weights))[:, None]
    chooser = np.broadcast_to(np.arange(len(how_many))[:, None], order.shape)[take]
    return chooser, order[take]


def small_world_pairs(count: int, neighbours: int, rewire: float, rng: np.random.Generator
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Unordered pairs of a Watts-Strogatz ring lattice with rewiring.

    Each of ``count`` nodes on a ring is joined to its ``neighbours // 2``
    clockwise neighbours; each such pair keeps its first end and, with
    probability ``rewire``, gets a uniformly random second end. Self pairs and
    repeats are dropped. Qian §5: the cluster's firms form a small-world
    network (high clustering, short paths).
    """
    if count < 2 or neighbours < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    half = min(neighbours // 2, (count - 1) // 2 or 1)
    first = np.repeat(np.arange(count, dtype=np.int64), half)
    second = (first + np.tile(np.arange(1, half + 1), count)) % count
    moved = rng.random(first.size) < rewire
    second[moved] = rng.integers(0, count, moved.sum())
    keep = first != second
    low, high = np.minimum(first, second)[keep], np.maximum(first, second)[keep]
    pair = sorted_unique(low * count + high)
    return pair // count, pair % count


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of an integer array by one sort (numpy's hash-based unique of a few
    million integers takes tens of times longer)."""
    values = np.sort(values)
    if values.size < 2:
        return values
    keep = np.empty(values.size, dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def number_column(values: np.ndarray) -> Column | None:
    """A typed column of a new float or int array, as a table's column would be read
    (NaN: no value; None if no row has one)."""
    if values.dtype.kind == "f":
        present = ~np.isnan(values)
        return Column(values, present) if present.any() else None
    return Column(values.astype(np.int64, copy=False))


def tenths(volumes: np.ndarray) -> np.ndarray:
    """Goods volumes as whole tenths (at least one), the precision every link is written with.

    Goods are counted in tenths so that what a member ships can add up to exactly what it
    receives after rounding.
    """
    return np.maximum(np.round(np.asarray(volumes, dtype=float) * 10), 1).astype(np.int64)


def apportion(totals: np.ndarray, group: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split whole ``totals[g]`` among the parts of group ``g`` in proportion to ``weights``.

    ``group`` gives each part's group (any order); ``weights`` are positive. The parts
    of a group add up to exactly its total, and each part gets at least 1 when the
    total allows it: one each first, the rest in proportion, rounded down, the odd
    units to the largest remainders (Hamilton's method).

    Examples
    --------
    10 split 1:1:2 is one each and 7 split 1.75, 1.75, 3.5: 1, 1, 3 and the two odd
    units to the remainders 0.75; 2 among three parts cannot give each one.

    >>> apportion(np.array([10, 2]), np.array([0, 0, 0, 1, 1, 1]),
    ...           np.array([1.0, 1.0, 2.0, 1.0, 1.0, 1.0])).tolist()
    [3, 3, 4, 1, 1, 0]
    """
    totals = np.asarray(totals, dtype=np.int64)
    group = np.asarray(group, dtype=np.int64)
    weights = np.asarray(weights, dtype=float)
    count = np.bincount(group, minlength=totals.size)
    floor = (totals >= count).astype(np.int64)[group]
    rest = totals - np.bincount(group, weights=floor, minlength=totals.size).astype(np.int64)
    mass = np.bincount(group, weights=weights, minlength=totals.size)
    exact = rest[group] * weights / mass[group]
    part = np.floor(exact).astype(np.int64)
    short = rest - np.bincount(group, weights=part, minlength=totals.size).astype(np.int64)
    # the parts with the largest remainders of each group take its odd units
    order = np.lexsort((-(exact - part), group))
    first = np.searchsorted(group[order], group[order], side="left")
    rank = np.empty(group.size, dtype=np.int64)
    rank[order] = np.arange(group.size) - first
    return floor + part + (rank < short[group])


@dataclass(frozen=True)
class LinkKind:
    """How the links of one kind look: their flow and the ranges of their attributes.

    ``unit_cost``, ``lead_time`` (whole periods, both ends included) and
    ``reliability`` are drawn uniformly from their ranges; ``capacity`` is the
    volume times a uniform factor in ``headroom``.
    """

    flow: Flow
    unit_cost: tuple[float, float]
    lead_time: tuple[int, int]
    reliability: tuple[float, float]
    headroom: tuple[float, float] = (1.1, 1.8)


@dataclass
class LinkBlocks:
    """Links collected block by block as index arrays, turned into one table at the end."""

    kinds: dict[str, LinkKind]
    _sources: list = field(default_factory=list)
    _targets: list = field(default_factory=list)
    _kinds: list = field(default_factory=list)
    _volumes: list = field(default_factory=list)
    _to: list = field(default_factory=list)

    def add(self, kind: str, sources: np.ndarray, targets: np.ndarray,
            volumes: np.ndarray | float, to: list | None = None) -> None:
        """Add links of ``kind`` from member positions ``sources`` to ``targets``
        (arrays or single positions, broadcast against each other and ``volumes``);
        ``to``, one per link, is each link's ``to`` attribute (the destinations of goods
        handed to a carrier)."""
        sources, targets, volumes = np.broadcast_arrays(
            np.asarray(sources, dtype=np.int64), np.asarray(targets, dtype=np.int64),
            np.asarray(volumes, dtype=float))
        self._sources.append(sources.ravel())
        self._targets.append(targets.ravel())
        self._kinds.append(np.full(sources.size, list(self.kinds).index(kind), dtype=np.int16))
        self._volumes.append(volumes.ravel())
        self._to.append(None if to is None else list(to))

    def columns(self, rng: np.random.Generator
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, Column]]:
        """``(source, target, flow code, attribute columns)`` of the links, with sampled
        attributes rounded to readable precision."""
        src = np.concatenate(self._sources)
        dst = np.concatenate(self._targets)
        kind = np.concatenate(self._kinds)
        volume = np.concatenate(self._volumes)
        specs = list(self.kinds.values())

        def draw(low_high: list[tuple[float, float]]) -> np.ndarray:
            table = np.array(low_high, dtype=float)
            low, high = table[kind, 0], table[kind, 1]
            return low + (high - low) * rng.random(kind.size)

        codes = np.array([flow_code(spec.flow.value) for spec in specs], dtype=np.int8)
        lead = np.array([spec.lead_time for spec in specs], dtype=np.int64)
        volume = np.maximum(np.round(volume, 1), 0.1)
        # the order of the draws (capacity, unit cost, lead time, reliability) fixes the
        # links a seed gives
        values = {"volume": volume,
                  "capacity": np.round(volume * draw([s.headroom for s in specs]), 1),
                  "unit_cost": np.round(draw([s.unit_cost for s in specs]), 3),
                  "lead_time": rng.integers(lead[kind, 0], lead[kind, 1] + 1),
                  "reliability": np.round(draw([s.reliability for s in specs]), 3)}
        table = {}
        for name, array in values.items():
            column = number_column(array)
            if column is not None:
                table[name] = column
        sizes = [block.size for block in self._sources]
        if any(to is not None and len(to) for to in self._to):
            objects = np.full(src.size, np.nan, dtype=object)
            present = np.zeros(src.size, dtype=bool)
            for start, size, to in zip(np.cumsum([0] + sizes[:-1]).tolist(), sizes, self._to):
                if to is not None:
                    # fromiter: each dict is one value (np.array would read it as a sequence)
                    objects[start:start + size] = np.fromiter(to, dtype=object, count=size)
                    present[start:start + size] = True
            table["to"] = Column(objects, present)
        return src, dst, codes[kind], table


def assemble(eco: Ecosystem, members: pd.DataFrame, links: LinkBlocks,
             rng: np.random.Generator) -> Ecosystem:
    """Bulk-insert the members table and the collected links into ``eco``."""
    eco.add_members_from(members)
    eco._add_link_columns(*links.columns(rng))
    return eco

