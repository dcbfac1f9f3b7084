"""How rings, roles and flows look, shared by the HTML pages and the figures.

Shape tells the ring apart (so it survives greyscale printing), colour tells
the role (each ring has its own colour family: reds for the core, blues for
the sub-core, greens for the outer environment), and each flow has its own
edge colour, dash pattern and curvature (so parallel links of different flows
between the same two members do not overlap). The flow colours are from the
Okabe-Ito colour-blind-safe set, plus purple. Overlay layers (links that are
not flows, such as the competition layer of :mod:`ecosystem.niche`) are drawn
in Okabe-Ito colours no flow uses (the competition layer in blue), dotted or dashed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from ecosystem import Ecosystem

__all__ = ["RING_SHAPES", "RING_LABELS", "ROLE_PALETTES", "FLOW_STYLES", "OVERLAY_STYLES",
           "role_palette", "overlay_style"]

#: vis-network node shape per ring.
RING_SHAPES = {"core": "dot", "sub_core": "diamond", "outer": "square"}
RING_LABELS = {"core": "core", "sub_core": "sub-core", "outer": "outer environment"}
#: Colour family per ring; a role takes the next colour of its ring's family.
ROLE_PALETTES = {
    "core": ["#d62728", "#ff7f0e", "#e377c2", "#8c564b", "#bcbd22", "#9467bd", "#fdae61",
             "#c51b7d", "#a6611a", "#f4a582"],
    "sub_core": ["#1f77b4", "#17becf", "#6baed6", "#3f51b5", "#08519c", "#9ecae1", "#4292c6",
                 "#2c7fb8"],
    "outer": ["#2ca02c", "#74c476", "#006d2c", "#a1d99b", "#31a354"],
}
#: Edge colour, dash pattern (False = solid) and curvature per flow.
FLOW_STYLES = {
    "information": ("#6a3d9a", [3, 4], 0.15),
    "logistics": ("#e69f00", False, 0.0),
    "capital": ("#009e73", [10, 5], 0.25),
    "technology": ("#cc3377", [6, 3, 2, 3], 0.35),
}

#: Edge colour and dash pattern of named overlay layers.
OVERLAY_STYLES = {
    "competition": ("#0072b2", [2, 3]),
}
#: Styles taken in turn by overlays without an entry in OVERLAY_STYLES.
OVERLAY_CYCLE = [("#56b4e9", [8, 3, 2, 3]), ("#000000", [2, 3]), ("#d55e00", [12, 4]),
                 ("#999999", [2, 3])]


def overlay_style(name: str, position: int) -> tuple[str, list[float] | bool]:
    """Colour and dash pattern of the overlay ``name``, the ``position``-th one of a page.

    Examples
    --------
    >>> overlay_style("competition", 0), overlay_style("trust", 1)
    (('#0072b2', [2, 3]), ('#000000', [2, 3]))
    """
    if name in OVERLAY_STYLES:
        return OVERLAY_STYLES[name]
    return OVERLAY_CYCLE[position % len(OVERLAY_CYCLE)]


def role_palette(eco: "Ecosystem", roles: Sequence[str]) -> list[str]:
    """A colour per role: the next colour of the family of the role's ring.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> role_palette(Ecosystem(), ["manufacturer", "platform", "logistics"])
    ['#d62728', '#ff7f0e', '#1f77b4']
    """
    known = eco.roles
    used: dict[str, int] = {}
    colors = []
    for role in roles:  # a handful of roles
        family = known[role].value if role in known else "core"
        k = used.get(family, 0)
        used[family] = k + 1
        palette = ROLE_PALETTES[family]
        colors.append(palette[k % len(palette)])
    return colors
