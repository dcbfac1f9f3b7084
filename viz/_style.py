"""How rings, roles and flows look, shared by the HTML pages and the figures.

Shape tells the ring apart (so it survives greyscale printing) and colour tells
the role. Every default role has one fixed colour (:data:`ROLE_COLORS`), the
same on every page and figure whichever other roles a belt has; each ring has
its own hue family (warm reds, oranges and pinks for the core, blues and cyans
for the sub-core, greens for the outer environment), and within a ring every
two roles differ by at least 10 CIEDE2000 units in normal vision and in
simulated deuteranopia and protanopia (Machado, Oliveira and Fernandes 2009,
"A physiologically-based model for simulation of color vision deficiency"; the
test suite checks it). Roles of a model's own take the spare colours of their
ring's family (:data:`ROLE_PALETTES`).

Links are drawn in colours no role uses (each at least 15 CIEDE2000 units from
every role colour): each flow has its own colour, dash pattern and curvature
(so parallel links of different flows between the same two members do not
overlap), the goods flow (logistics) solid near-black; overlay layers (links
that are not flows, such as the competition layer of :mod:`ecosystem.niche`)
take further colours of that set, dotted or dashed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from ecosystem import Ecosystem

__all__ = ["RING_SHAPES", "RING_LABELS", "ROLE_COLORS", "ROLE_PALETTES", "FLOW_STYLES",
           "OVERLAY_STYLES", "role_palette", "role_color", "overlay_style"]

#: vis-network node shape per ring.
RING_SHAPES = {"core": "dot", "sub_core": "diamond", "outer": "square"}
RING_LABELS = {"core": "core", "sub_core": "sub-core", "outer": "outer environment"}
#: The fixed colour of every default role (chosen by a greedy max-min search of CIEDE2000
#: distances under normal, deuteranope and protanope vision within each ring's hue family).
ROLE_COLORS = {
    # core: the chain's roles first, as they take the most distinct colours
    "manufacturer": "#ff0000", "supplier": "#ffa5d2", "cbec_enterprise": "#a50069",
    "producer": "#f0c396", "platform": "#c36978", "market": "#873c3c",
    "online_shop": "#f02da5", "production_base": "#ffc300", "cooperative": "#c39669",
    "processor": "#b4000f",
    # sub-core
    "logistics": "#004bff", "finance": "#4be1d2", "government": "#009696",
    "customs": "#4bb4ff", "technology": "#005a87", "research": "#0087ff",
    "association": "#4bb4c3", "training": "#2d78a5",
    # outer environment
    "production_environment": "#00e100", "legal_environment": "#00694b",
    "innovation_environment": "#00b496", "policy_environment": "#00960f",
    "market_environment": "#69e1a5",
}
#: Spare colours of each ring's family, taken in turn by roles a model defines itself.
ROLE_PALETTES = {
    "core": ["#a54b69", "#ff69a5", "#a55a4b"],
    "sub_core": ["#3c96c3", "#00e1f0", "#005ac3"],
    "outer": ["#1e6900", "#4b875a", "#5ab469"],
}
#: Edge colour, dash pattern (False = solid) and curvature per flow.
FLOW_STYLES: dict[str, tuple[str, list[float] | bool, float]] = {
    "information": ("#9696ff", [3, 4], 0.15),
    "logistics": ("#262626", False, 0.0),
    "capital": ("#a5b40f", [10, 5], 0.25),
    "technology": ("#0f00c3", [6, 3, 2, 3], 0.35),
}

#: Edge colour and dash pattern of named overlay layers.
OVERLAY_STYLES: dict[str, tuple[str, list[float] | bool]] = {
    "competition": ("#968787", [2, 3]),
    # what an alliance changes, and the lanes of goods its shared platform runs
    "alliance changes": ("#ff7f00", False),
    "lanes without a link": ("#b000ff", [12, 4]),
}
#: Styles taken in turn by overlays without an entry in OVERLAY_STYLES.
OVERLAY_CYCLE: list[tuple[str, list[float] | bool]] = [
    ("#5a5a0f", [8, 3, 2, 3]), ("#4b4b4b", [2, 3]), ("#00003c", [12, 4])]


def overlay_style(name: str, position: int) -> tuple[str, list[float] | bool]:
    """Colour and dash pattern of the overlay ``name``, the ``position``-th one of a page.

    Examples
    --------
    >>> overlay_style("competition", 0), overlay_style("trust", 1)
    (('#968787', [2, 3]), ('#4b4b4b', [2, 3]))
    """
    if name in OVERLAY_STYLES:
        return OVERLAY_STYLES[name]
    return OVERLAY_CYCLE[position % len(OVERLAY_CYCLE)]


def role_color(role: str, ring: str, spare: int = 0) -> str:
    """The colour of ``role``: its fixed colour, or the ``spare``-th spare colour of its
    ``ring``'s family for a role a model defines itself.

    Examples
    --------
    >>> role_color("manufacturer", "core"), role_color("broker", "sub_core")
    ('#ff0000', '#3c96c3')
    """
    if role in ROLE_COLORS:
        return ROLE_COLORS[role]
    palette = ROLE_PALETTES[ring]
    return palette[spare % len(palette)]


def role_palette(eco: "Ecosystem", roles: Sequence[str]) -> list[str]:
    """A colour per role: the role's fixed colour (the same on every page and figure), or
    for a role the model defines itself the next spare colour of its ring's family.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> role_palette(Ecosystem(), ["platform", "logistics", "manufacturer"])
    ['#c36978', '#004bff', '#ff0000']
    """
    known = eco.roles
    spare: dict[str, int] = {}
    colors = []
    for role in roles:  # a handful of roles
        ring = known[role].value if role in known else "core"
        colors.append(role_color(role, ring, spare.get(ring, 0)))
        if role not in ROLE_COLORS:
            spare[ring] = spare.get(ring, 0) + 1
    return colors
