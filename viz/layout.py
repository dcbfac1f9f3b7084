"""Concentric ring layout: core inside, sub-core around it, outer environment outside.

Wang & Gao's Figure 1 draws the ecosystem as three concentric
circles: the core enterprises in the middle, the sub-core service platforms
around them and the outer environment outermost. :func:`ring_layout` places
members the same way, every role in its own angular sector of its ring
(sectors in :func:`role_order`, proportional to their number of members).

How a ring is arranged depends on its size (see :func:`ring_bands`):

- a ring whose members fit on **one circle**, neighbours at least ``spacing``
  apart, without reaching much further out than an area-filling disk or
  annulus would (``_ROOM`` times), sits on that circle, its band a thin annulus
  around it; a lone core member sits in the centre;
- a ring slightly too large for one circle goes on **two staggered circles**
  (members alternate between them, so neighbours stay ``spacing`` apart while
  the circles need half the circumference);
- a large ring (thousands of members) is an annulus whose area grows with its
  number of members, the members of a sector spread evenly over its area with a
  golden-ratio lattice (area-preserving in the radius).

On circles, the slot at ``start_angle`` stays empty on every ring but the
outermost: that is where :func:`viz.to_html` and the rings figure write the
name of a ring, in the gap outside it.

The layout is deterministic and vectorised: no Python loop over members.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ecosystem import ParameterError, Ring
from ecosystem.taxonomy import DEFAULT_ROLES

if TYPE_CHECKING:
    from ecosystem import Ecosystem

__all__ = ["ring_layout", "ring_bands", "role_order", "member_codes", "ARRANGEMENTS"]

_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0
#: Fraction of an annulus' area the members occupy; the rest is breathing room.
_FILL = 0.55
#: Circles may reach this much further out than the area-filling annulus would.
_ROOM = 1.25
#: Radial distance of two staggered circles, in spacings: with the angular
#: half-step between them, neighbours on different circles are ``spacing`` apart.
_STAGGER = np.sqrt(3.0) / 2.0
#: How a ring's members are arranged, as named in ``ring_layout(...).attrs["arrangement"]``.
ARRANGEMENTS = ("empty", "centre", "circle", "two circles", "lattice")
_EMPTY, _CENTRE, _CIRCLE, _TWO_CIRCLES, _LATTICE = range(len(ARRANGEMENTS))


def role_order(roles: Sequence[str]) -> list[str]:
    """Distinct ``roles`` in display order: built-in roles in taxonomy order, then the rest sorted.

    Examples
    --------
    >>> role_order(["platform", "zoo", "manufacturer", "platform"])
    ['manufacturer', 'platform', 'zoo']
    """
    builtin = {role: i for i, role in enumerate(DEFAULT_ROLES)}
    distinct = set(roles)
    return sorted(distinct, key=lambda r: (builtin.get(r, len(builtin)), r))


def member_codes(eco: "Ecosystem") -> tuple[np.ndarray, list[str], np.ndarray]:
    """Every member's ring (its position in ``list(Ring)``), the distinct roles in
    :func:`role_order`, and every member's role (its position there), in member order.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_member("lg", "logistics"); eco.add_member("m1", "manufacturer")
    >>> rings, roles, role_codes = member_codes(eco)
    >>> rings.tolist(), roles, role_codes.tolist()
    ([1, 0], ['manufacturer', 'logistics'], [1, 0])
    """
    # object arrays (one value per member, whatever the values are), read from the columns
    # of a column-backed ecosystem without building its graph
    rings = eco._member_values("ring")
    roles = eco._member_values("role")
    ring_code = pd.Index([r.value for r in Ring]).get_indexer(rings).astype(np.int64)
    if np.any(ring_code < 0):
        at = int(np.flatnonzero(ring_code < 0)[0])
        raise ParameterError(f"member {list(eco)[at]!r} has ring {rings[at]!r}; "
                             "run eco.validate() to see every problem")
    ordered_roles = role_order(roles.tolist())
    return ring_code, ordered_roles, pd.Index(ordered_roles).get_indexer(roles).astype(np.int64)


def _circle_slots(count: int, leave: int) -> tuple[int, int]:
    """Equal angular slots for ``count`` members on one circle and on two staggered circles.

    ``leave`` slots stay empty around the start angle. Two circles (members
    alternating between them) get an even number of slots, so that the members
    on either side of the empty slots are on different circles or two slots apart.
    """
    one = count + leave
    return one, one + one % 2


def _ring_plan(counts: ArrayLike, spacing: float, min_slots: int, gap: float | None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per ring: band ``(inner, outer)``, circle radii ``(inner, outer)`` (NaN unless on
    circles), arrangement code and number of angular slots (the count on a lattice)."""
    counts = np.asarray(counts, dtype=float)
    whole = np.isfinite(counts) & (counts >= 0) & (counts == np.round(counts))
    if counts.shape != (3,) or not whole.all():
        raise ParameterError(f"counts must be three member counts >= 0, got {counts!r}")
    if not spacing > 0 or not np.isfinite(spacing):
        raise ParameterError(f"spacing must be a finite number > 0, got {spacing!r}")
    gap = 2.0 * spacing if gap is None else float(gap)
    if not gap > 0:
        raise ParameterError(f"gap must be > 0 (room between two rings), got {gap!r}")
    half = 0.5 * spacing
    bands = np.empty((3, 2))
    radii = np.full((3, 2), np.nan)
    kinds = np.full(3, _LATTICE, dtype=np.int64)
    slots = counts.astype(np.int64)
    outermost = int(np.flatnonzero(counts)[-1]) if counts.any() else -1
    start = 0.0
    for k, n in enumerate(counts.astype(int)):  # a ring's band starts where the last one ends
        lattice_outer = np.sqrt(start ** 2 + max(n, min_slots) * spacing ** 2 / (_FILL * np.pi))
        # the page and the figure write a ring's name at start_angle, in the gap outside it:
        # keep that slot free, except on the outermost ring (the page zooms to fit the members)
        one_slots, two_slots = _circle_slots(n, int(k < outermost))
        # the core's circle keeps off the centre; every circle keeps off its band's edges
        least = start + half if start > 0 else spacing
        one = max(least, spacing / (2.0 * np.sin(np.pi / max(one_slots, 2))))
        two = max(least, spacing / (2.0 * np.sin(2.0 * np.pi / max(two_slots, 4))))
        if n == 0:
            kinds[k], bands[k] = _EMPTY, (start, lattice_outer)
        elif n == 1 and start == 0:
            kinds[k], bands[k], radii[k] = _CENTRE, (0.0, half), (0.0, 0.0)
        elif one + half <= _ROOM * lattice_outer:
            kinds[k], slots[k] = _CIRCLE, one_slots
            bands[k], radii[k] = (one - half, one + half), (one, one)
        elif two + _STAGGER * spacing + half <= _ROOM * lattice_outer:
            outer = two + _STAGGER * spacing
            kinds[k], slots[k] = _TWO_CIRCLES, two_slots
            bands[k], radii[k] = (two - half, outer + half), (two, outer)
        else:
            bands[k] = start, lattice_outer
        start = bands[k, 1] + gap
    return bands, radii, kinds, slots


def ring_bands(counts: ArrayLike, spacing: float = 30.0, min_slots: int = 6,
               gap: float | None = None) -> np.ndarray:
    """Inner and outer radius of each ring's band (annulus), as a ``(3, 2)`` array.

    A ring whose members fit on one circle (or two staggered circles) with
    neighbours ``spacing`` apart, reaching at most 1.25 times as far out as an
    area-filling annulus would, gets a band ``spacing`` wide around its
    circle(s); a lone core member a small disk; any other ring an annulus
    whose area grows with its number of members (at least ``min_slots``, so
    that an empty ring still shows). :func:`ring_layout` places the members
    in these bands.

    Parameters
    ----------
    counts : sequence of three ints
        Members in the core, sub-core and outer rings.
    spacing : float
        Least distance between neighbouring members on circles (typical
        distance in an area-filling annulus).
    min_slots : int
        Room reserved in an area-filling annulus with fewer members.
    gap : float, optional
        Empty space between two rings (default ``2 * spacing``).

    Examples
    --------
    >>> bands = ring_bands([10, 5, 0], spacing=1.0)
    >>> bool(bands[0, 0] > 0) and bool(np.all(np.diff(bands.ravel()) > 0))
    True
    >>> bool(ring_bands([1, 5, 0])[0, 0] == 0.0)  # a lone core member: a disk
    True
    """
    return _ring_plan(counts, spacing, min_slots, gap)[0]


def ring_layout(eco: "Ecosystem", spacing: float = 30.0, *, start_angle: float = 90.0
                ) -> pd.DataFrame:
    """Positions of every member on the three concentric rings.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem (not modified).
    spacing : float
        Least distance between neighbouring members of a ring on circles
        (typical distance in a large ring's area-filling annulus), in the
        output's units (pixels for :func:`viz.to_html`).
    start_angle : float
        Angle in degrees where the first role's sector begins (90 = top);
        sectors run clockwise. On circles one slot at ``start_angle`` stays
        empty (except on the outermost ring), for the ring's name.

    Returns
    -------
    DataFrame
        Indexed by member id in member order, with columns ``x``, ``y``
        (``y`` grows downwards, as on a screen), ``ring`` and ``role``. The
        ring bands are in ``frame.attrs["bands"]`` (a ``(3, 2)`` array of
        inner and outer radii, core first, see :func:`ring_bands`) and how each
        ring is arranged in ``frame.attrs["arrangement"]`` (three names from
        :data:`ARRANGEMENTS`).

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_members_from(pd.DataFrame({"id": ["m1", "m2", "lg", "law"],
    ...     "role": ["manufacturer", "manufacturer", "logistics", "legal_environment"]}))
    >>> pos = ring_layout(eco)
    >>> radius = np.hypot(pos["x"], pos["y"])
    >>> bool(radius["m1"] < radius["lg"] < radius["law"])
    True
    >>> pos.attrs["arrangement"]
    ['circle', 'circle', 'circle']
    """
    members = list(eco)
    n = len(members)
    ring_code, ordered_roles, role_code = member_codes(eco)
    counts = np.bincount(ring_code, minlength=3)
    bands, radii, kinds, ring_slots = _ring_plan(counts, spacing, 6, None)

    # members sorted by (ring, role): the rank inside the ring runs clockwise through the sectors
    order = np.lexsort((np.arange(n), role_code, ring_code))
    ring_sorted = ring_code[order]
    group = ring_sorted * (len(ordered_roles) + 1) + role_code[order]
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1] if n else np.zeros(0, int)
    sizes = np.diff(np.r_[starts, n])
    rank_in_group = np.arange(n) - np.repeat(starts, sizes)
    rank_in_ring = np.arange(n) - np.searchsorted(ring_sorted, np.arange(3))[ring_sorted]
    kind = kinds[ring_sorted]
    count = counts[ring_sorted]
    # equal angular steps around the ring; circles may leave the slot at start_angle empty
    slots = ring_slots[ring_sorted].clip(1)
    first = (slots - count + 1) / 2  # centres any empty slots on start_angle
    theta = np.deg2rad(start_angle) - 2 * np.pi * (rank_in_ring + first) / slots

    inner, outer = bands[ring_sorted, 0], bands[ring_sorted, 1]
    margin = 0.5 * spacing  # lattice members keep off the annulus' edges (not off the centre)
    lo = np.minimum(np.where(inner > 0, inner + margin, 0.0), outer)
    hi = np.maximum(outer - margin, lo)
    fill = np.mod(0.5 + rank_in_group * _GOLDEN, 1.0)
    lattice = np.sqrt(lo ** 2 + (hi ** 2 - lo ** 2) * fill)
    on_circles = radii[ring_sorted, rank_in_ring % 2]  # alternating circles (both equal on one)
    radius = np.where(kind == _LATTICE, lattice, on_circles)

    x = np.empty(n)
    y = np.empty(n)
    x[order] = radius * np.cos(theta)
    y[order] = -radius * np.sin(theta)
    frame = pd.DataFrame({"x": x, "y": y,
                          "ring": np.array([r.value for r in Ring], dtype=object)[ring_code],
                          "role": np.array(ordered_roles, dtype=object)[role_code]},
                         index=pd.Index(members, name="id"))
    frame.attrs["bands"] = bands
    frame.attrs["arrangement"] = [ARRANGEMENTS[k] for k in kinds]
    return frame
