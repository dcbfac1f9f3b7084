"""Concentric ring layout: core inside, sub-core around it, outer environment outside.

Seed 004's Figure 1 (Wang & Gao) draws the ecosystem as three concentric
circles: the core enterprises in the middle, the sub-core service platforms
around them and the outer environment outermost. :func:`ring_layout` places
members the same way. Each ring is an annulus whose area grows with its number
of members (so a ring of 8,000 manufacturers is not crammed onto one circle);
inside a ring every role has its own angular sector, proportional to its
number of members, and the members of a sector are spread evenly over its area
with a golden-ratio lattice (area-preserving in the radius). The layout is
deterministic and vectorised: no Python loop over members.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd

from ecosystem import ParameterError, Ring
from ecosystem.taxonomy import DEFAULT_ROLES

if TYPE_CHECKING:
    from ecosystem import Ecosystem

__all__ = ["ring_layout", "ring_bands", "role_order"]

_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0
#: Fraction of an annulus' area the members occupy; the rest is breathing room.
_FILL = 0.55


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


def ring_bands(counts: Sequence[int], spacing: float = 30.0, min_slots: int = 6,
               gap: float | None = None) -> np.ndarray:
    """Inner and outer radius of each ring's annulus, as a ``(3, 2)`` array.

    Parameters
    ----------
    counts : sequence of three ints
        Members in the core, sub-core and outer rings.
    spacing : float
        Typical distance between neighbouring members.
    min_slots : int
        Room reserved in a ring with fewer members (so an empty ring still shows).
    gap : float, optional
        Empty space between two rings (default ``2 * spacing``).

    Examples
    --------
    >>> bands = ring_bands([10, 5, 0], spacing=1.0)
    >>> bool(bands[0, 0] == 0.0) and bool(np.all(np.diff(bands.ravel()) > 0))
    True
    """
    counts = np.asarray(counts, dtype=float)
    if counts.shape != (3,) or np.any(counts < 0):
        raise ParameterError(f"counts must be three member counts >= 0, got {counts!r}")
    if not spacing > 0:
        raise ParameterError(f"spacing must be > 0, got {spacing!r}")
    gap = 2.0 * spacing if gap is None else float(gap)
    areas = np.maximum(counts, min_slots) * spacing ** 2 / _FILL
    bands = np.empty((3, 2))
    inner = 0.0
    for k in range(3):  # three rings: each starts where the previous one ends
        outer = np.sqrt(inner ** 2 + areas[k] / np.pi)
        bands[k] = inner, outer
        inner = outer + gap
    return bands


def ring_layout(eco: "Ecosystem", spacing: float = 30.0, *, start_angle: float = 90.0
                ) -> pd.DataFrame:
    """Positions of every member on the three concentric rings.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem (not modified).
    spacing : float
        Typical distance between neighbouring members, in the output's units
        (pixels for :func:`viz.to_html`).
    start_angle : float
        Angle in degrees where the first role's sector begins (90 = top);
        sectors run clockwise.

    Returns
    -------
    DataFrame
        Indexed by member id in member order, with columns ``x``, ``y``
        (``y`` grows downwards, as on a screen), ``ring`` and ``role``. The
        ring annuli are in ``frame.attrs["bands"]`` (a ``(3, 2)`` array of
        inner and outer radii, core first).

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
    """
    members = list(eco.graph)
    n = len(members)
    rings = np.array([r for _, r in eco.graph.nodes(data="ring")] + [None], dtype=object)[:-1]
    roles = np.array([r for _, r in eco.graph.nodes(data="role")] + [None], dtype=object)[:-1]
    ring_names = [r.value for r in Ring]
    ring_code = pd.Index(ring_names).get_indexer(rings).astype(np.int64)
    if n and np.any(ring_code < 0):
        bad = members[int(np.flatnonzero(ring_code < 0)[0])]
        raise ParameterError(f"member {bad!r} has ring {eco.graph.nodes[bad]['ring']!r}; "
                             "run eco.validate() to see every problem")
    ordered_roles = role_order(roles.tolist())
    role_code = pd.Index(ordered_roles).get_indexer(roles).astype(np.int64)
    counts = np.bincount(ring_code, minlength=3)
    bands = ring_bands(counts, spacing)

    # members sorted by (ring, role); position inside the ring and inside the role sector
    order = np.lexsort((np.arange(n), role_code, ring_code))
    group = ring_code * (len(ordered_roles) + 1) + role_code
    sorted_group = group[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_group)) + 1] if n else np.zeros(0, int)
    sizes = np.diff(np.r_[starts, n])
    rank_in_group = np.arange(n) - np.repeat(starts, sizes)
    size_of_group = np.repeat(sizes, sizes)
    ring_sorted = ring_code[order]
    ring_start = np.searchsorted(ring_sorted, np.arange(3))
    # where the role sector begins inside its ring, as a fraction of the ring's members
    group_first = np.repeat(starts, sizes)
    sector_start = (group_first - ring_start[ring_sorted]) / counts[ring_sorted].clip(1)
    sector_width = size_of_group / counts[ring_sorted].clip(1)

    u = (rank_in_group + 0.5) / size_of_group
    v = np.mod(0.5 + rank_in_group * _GOLDEN, 1.0)
    theta = np.deg2rad(start_angle) - 2 * np.pi * (sector_start + sector_width * u)
    inner, outer = bands[ring_sorted, 0], bands[ring_sorted, 1]
    # a lone core member sits in the centre; otherwise keep members off the annulus' edges
    margin = np.where(inner > 0, 0.5 * spacing, 0.0)
    lo = np.minimum(inner + margin, outer)
    hi = np.maximum(outer - 0.5 * spacing, lo)
    radius = np.sqrt(lo ** 2 + (hi ** 2 - lo ** 2) * v)
    radius = np.where((counts[ring_sorted] == 1) & (inner == 0), 0.0, radius)

    x = np.empty(n)
    y = np.empty(n)
    x[order] = radius * np.cos(theta)
    y[order] = -radius * np.sin(theta)
    frame = pd.DataFrame({"x": x, "y": y, "ring": rings, "role": roles},
                         index=pd.Index(members, name="id"))
    frame.attrs["bands"] = bands
    return frame
