"""The readable layout of a small belt: the core as the paper's chain, services around it.

Wang & Gao draw the core circle as a chain read left to right: suppliers,
producers and manufacturers, then the cross-border e-commerce firms, then the
platforms, then the (overseas) markets. :func:`chain_layout` places the core
members in those four columns (:data:`CORE_TIERS`) inside the core circle, the
sub-core service platforms on a circle around it grouped by kind (one arc per
role), and the outer environment on a circle outside that.

Every member's label is written under it. The layout sizes every column and
circle from estimated label boxes (:func:`label_boxes`) so that no two labels,
and no label and node, overlap at the zoom that fits the belt: the circles grow
until their members' boxes are clear of each other and of the rings inside.
The page test checks the boxes Chromium actually draws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ecosystem.taxonomy import DEFAULT_ROLES

from .layout import member_codes

if TYPE_CHECKING:
    from ecosystem import Ecosystem

__all__ = ["chain_layout", "label_boxes", "CORE_TIERS", "CHAIN_LIMIT", "NAME_GAP"]

#: The column of each core role in the chain, left to right; core roles a model defines
#: itself go with the producers (column 0).
CORE_TIERS = {"supplier": 0, "producer": 0, "manufacturer": 0, "processor": 0,
              "production_base": 0, "cooperative": 0, "cbec_enterprise": 1,
              "online_shop": 1, "platform": 2, "market": 3}
#: Members up to which a page uses the chain layout (labels are written up to this size).
CHAIN_LIMIT = 300
#: Width of a label character and height of a label line, in pixels at font size 12 (an
#: upper estimate for Latin text; a CJK character counts double).
_CHAR_WIDTH, _LINE_HEIGHT = 7.4, 15.0
#: Clear space kept around every box.
_PAD = 6.0
#: The page writes a ring's name (16 px) centred this far above the ring's outer edge.
NAME_GAP = 14.0
_NAMES = ("core", "sub-core", "outer environment")


def _name_box(name: str, outer: float) -> np.ndarray:
    """Where the page writes a ring's name: above the ring, centred."""
    half = 9.5 * len(name) / 2
    return np.array([[-half, -(outer + NAME_GAP) - 11, half, -(outer + NAME_GAP) + 11]])


def _text_width(text: str) -> float:
    wide = sum(1 for ch in text if ord(ch) >= 0x1100)  # CJK and other full-width characters
    return _CHAR_WIDTH * (len(text) + wide)


def label_boxes(ids, x, y, size: float) -> np.ndarray:
    """``(n, 4)`` boxes ``left, top, right, bottom`` of each node with its label under it
    (how vis-network draws a dot, diamond or square of radius ``size`` and its label)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    half = np.array([max(_text_width(str(i)), 2 * size) / 2 for i in ids])
    return np.column_stack([x - half, y - size, x + half, y + size + 3 + _LINE_HEIGHT])


def _overlaps(boxes: np.ndarray, others: np.ndarray | None = None) -> bool:
    """Whether two boxes of ``boxes`` (or one of ``boxes`` and one of ``others``) overlap,
    ``_PAD`` included."""
    b = boxes[:, None, :]
    o = (boxes if others is None else others)[None, :, :]
    clash = ((b[..., 0] < o[..., 2] + _PAD) & (o[..., 0] < b[..., 2] + _PAD)
             & (b[..., 1] < o[..., 3] + _PAD) & (o[..., 1] < b[..., 3] + _PAD))
    if others is None:
        clash[np.diag_indices(len(boxes))] = False
    return bool(clash.any())


def _chain(ids: list[str], roles: list[str], size: float) -> tuple[np.ndarray, np.ndarray]:
    """Core members in chain columns, centred on the origin; a tier with more members than
    fit in a roughly square block wraps into several columns side by side."""
    tiers = np.array([CORE_TIERS.get(r, 0) for r in roles])
    order_of_role = {r: k for k, r in enumerate(DEFAULT_ROLES)}
    pitch = 2 * size + 3 + _LINE_HEIGHT + 2 * _PAD  # node, label and clear space
    widths = np.array([max(_text_width(m), 2 * size) + 4 * _PAD for m in ids])
    most_rows = max(4, int(np.ceil(np.sqrt(len(ids) * widths.mean() / pitch))))
    columns = []  # (member rows, width) left to right
    for t in sorted(set(tiers.tolist())):
        rows = np.flatnonzero(tiers == t)
        # a column in role order, then in member order
        rows = rows[np.lexsort((rows, np.array([order_of_role.get(roles[r], 99) for r in rows])))]
        for part in np.array_split(rows, int(np.ceil(len(rows) / most_rows))):
            columns.append((part, widths[part].max()))
    edges = np.cumsum([0.0] + [w for _, w in columns])
    x, y = np.empty(len(ids)), np.empty(len(ids))
    for (rows, width), left in zip(columns, edges[:-1]):
        x[rows] = left + width / 2 - edges[-1] / 2
        y[rows] = (np.arange(len(rows)) - (len(rows) - 1) / 2) * pitch - _LINE_HEIGHT / 2
    return x, y


def _circle(ids: list[str], size: float, inner: float, blocked: np.ndarray,
            start_angle: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Members on the smallest circle (at least ``inner``) where their boxes are clear of
    each other and of ``blocked``; the slot at ``start_angle`` stays empty (the ring's
    name is written there)."""
    n = len(ids)
    slots = n + 1
    theta = np.deg2rad(start_angle) - 2 * np.pi * (np.arange(n) + 1) / slots
    radius = max(inner, 1.0)
    while True:
        x, y = radius * np.cos(theta), -radius * np.sin(theta)
        boxes = label_boxes(ids, x, y, size)
        if not _overlaps(boxes) and not (len(blocked) and _overlaps(boxes, blocked)):
            return x, y, radius
        radius *= 1.04


def chain_layout(eco: "Ecosystem", size: float = 10.0, *, start_angle: float = 90.0
                 ) -> pd.DataFrame:
    """Positions for the page of a small belt: the core as a chain, services and
    environment on circles around it, every label clear of every other.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem (not modified).
    size : float
        The largest node radius drawn, in pixels.
    start_angle : float
        Where each circle's empty slot is (90 = top), for the ring's name.

    Returns
    -------
    DataFrame
        As :func:`viz.ring_layout`: ``x``, ``y`` (``y`` down), ``ring`` and ``role`` per
        member, the ring bands in ``attrs["bands"]`` and ``attrs["arrangement"]``
        ("chain" for the core, "circle" or "empty" for the others).

    Examples
    --------
    >>> import networks
    >>> pos = chain_layout(networks.archetype())
    >>> core = pos[pos["ring"] == "core"]
    >>> bool(core.loc["supplier", "x"] < core.loc["cbec_enterprise", "x"]
    ...      < core.loc["platform", "x"] < core.loc["market", "x"])
    True
    >>> pos.attrs["arrangement"]
    ['chain', 'circle', 'circle']
    """
    members = [str(m) for m in eco]
    ring_code, ordered_roles, role_code = member_codes(eco)
    roles = [ordered_roles[c] for c in role_code]
    x, y = np.zeros(len(members)), np.zeros(len(members))
    bands = np.zeros((3, 2))
    arrangement = []
    blocked = np.zeros((0, 4))
    reach = 0.0
    last = None  # the last ring with members
    for ring in range(3):
        rows = np.flatnonzero(ring_code == ring)
        # within a ring: grouped by role (the taxonomy's order), then member order
        rows = rows[np.lexsort((rows, role_code[rows]))]
        ids = [members[r] for r in rows]
        if ring == 0 and len(rows):
            x[rows], y[rows] = _chain(ids, [roles[r] for r in rows], size)
            boxes = label_boxes(ids, x[rows], y[rows], size)
            corners = np.array([[b[i], b[j]] for b in boxes for i in (0, 2) for j in (1, 3)])
            outer = float(np.hypot(corners[:, 0], corners[:, 1]).max()) + 2 * _PAD
            bands[0] = (0.0, outer)
            arrangement.append("chain")
        elif len(rows):
            gap = 2 * _LINE_HEIGHT + 2 * _PAD  # the inner ring's name is written in the gap
            if last is not None:  # the name of the ring inside, written just outside it
                blocked = np.vstack([blocked, _name_box(_NAMES[last], reach)])
            x[rows], y[rows], radius = _circle(ids, size, reach + gap + size, blocked,
                                               start_angle)
            boxes = label_boxes(ids, x[rows], y[rows], size)
            corners = np.array([[b[i], b[j]] for b in boxes for i in (0, 2) for j in (1, 3)])
            far = float(np.hypot(corners[:, 0], corners[:, 1]).max()) + _PAD
            bands[ring] = (max(reach + _PAD, radius - (far - radius)), far)
            arrangement.append("circle")
        else:
            bands[ring] = (reach, reach)
            arrangement.append("empty")
            continue
        blocked = np.vstack([blocked, boxes])
        reach, last = bands[ring, 1], ring
    frame = pd.DataFrame({"x": x, "y": y,
                          "ring": np.array(["core", "sub_core", "outer"], dtype=object)[ring_code],
                          "role": np.array(ordered_roles, dtype=object)[role_code]},
                         index=pd.Index(list(eco), name="id"))
    frame.attrs["bands"] = bands
    frame.attrs["arrangement"] = arrangement
    return frame
