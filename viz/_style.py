"""How rings, roles and flows look, shared by the HTML pages and the figures.

Shape tells the ring apart (so it survives greyscale printing), colour tells
the role (each ring has its own colour family: reds for the core, blues for
the sub-core, greens for the outer environment), and each flow has its own
edge colour, dash pattern and curvature (so parallel links of different flows
between the same two members do not overlap). The flow colours are from the
Okabe-Ito colour-blind-safe set, plus purple.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from ecosystem import Ecosystem

__all__ = ["RING_SHAPES", "RING_LABELS", "ROLE_PALETTES", "FLOW_STYLES", "role_palette"]

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
