"""Interactive HTML networks and figures of an ecosystem.

- :func:`to_html`: one self-contained, offline, interactive page (``overlays=`` draws
  extra layers over the flows, such as :func:`ecosystem.niche.competition_layer`).
- :func:`compare_html`: several ecosystems in one page, in tabs, with metric tables.
- :func:`ring_layout`: the concentric ring positions both use.
- figures (matplotlib, PNG or SVG by extension): :func:`rings_figure`,
  :func:`bullwhip_figure`, :func:`allocation_figure`, :func:`niche_overlap_figure`,
  :func:`phase_portrait_figure`, :func:`coupling_figure`, or :func:`figure` by kind.

Every name is imported on first use, so that ``import viz`` (which every
``ecobelt`` command does to find its subcommands) loads neither numpy nor
matplotlib.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._metrics import align_metrics, computed_metrics, structural_metrics
    from ._page import HtmlPage
    from .compare import compare_html
    from .figures import (FIGURE_KINDS, allocation_figure, bullwhip_figure, coupling_figure,
                          figure, niche_overlap_figure, phase_portrait_figure, rings_figure)
    from .html import to_html
    from .layout import ring_layout

__all__ = [
    "to_html", "compare_html", "HtmlPage", "ring_layout", "structural_metrics", "align_metrics",
    "computed_metrics", "figure", "FIGURE_KINDS", "rings_figure", "bullwhip_figure",
    "allocation_figure", "niche_overlap_figure", "phase_portrait_figure", "coupling_figure",
]

#: The module each public name lives in.
_LAZY = {"to_html": ".html", "compare_html": ".compare", "HtmlPage": "._page",
         "ring_layout": ".layout", "structural_metrics": "._metrics",
         "align_metrics": "._metrics", "computed_metrics": "._metrics",
         **dict.fromkeys(("figure", "FIGURE_KINDS", "rings_figure", "bullwhip_figure",
                          "allocation_figure", "niche_overlap_figure", "phase_portrait_figure",
                          "coupling_figure"), ".figures")}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'viz' has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
