"""Static figures with matplotlib, saved as PNG, SVG or PDF by the file's extension.

Each function takes the ecosystem or plain tables with documented columns (so
any analysis module's results can be passed in) and returns a
:class:`matplotlib.figure.Figure` built without pyplot's global state.
:func:`figure` picks one by name; :func:`figure_from_spec` draws the kinds that
need only an ecosystem.
"""

from __future__ import annotations

from typing import Any, Callable

from matplotlib.figure import Figure

from ecosystem import ParameterError

from ._charts import (allocation_figure, bullwhip_figure, bullwhip_ratio_figure,
                      niche_overlap_figure)
from ._common import SAVE_FORMATS
from ._dynamics import (COORDINATION_LEVELS, coupling_figure, phase_portrait_figure,
                        predator_prey_equilibrium)
from ._from_spec import SPEC_KINDS, figure_from_spec
from ._rings import rings_figure

__all__ = ["figure", "FIGURE_KINDS", "SAVE_FORMATS", "rings_figure", "bullwhip_figure",
           "bullwhip_ratio_figure", "figure_from_spec", "SPEC_KINDS", "allocation_figure",
           "niche_overlap_figure", "phase_portrait_figure", "coupling_figure",
           "predator_prey_equilibrium", "COORDINATION_LEVELS"]

#: Figure kinds by name.
FIGURE_KINDS: dict[str, Callable[..., Figure]] = {
    "rings": rings_figure,
    "bullwhip": bullwhip_figure,
    "allocation": allocation_figure,
    "niche_overlap": niche_overlap_figure,
    "phase_portrait": phase_portrait_figure,
    "coupling": coupling_figure,
}


def figure(kind: str, *args: Any, **kwargs: Any) -> Figure:
    """Draw the figure ``kind`` (a key of :data:`FIGURE_KINDS`) with the given arguments.

    Examples
    --------
    >>> fig = figure("allocation", pd.Series({"a": 1.0, "b": 2.0}))
    >>> figure("pie", [1, 2])
    Traceback (most recent call last):
    ...
    ecosystem.ParameterError: unknown figure kind 'pie'; choose one of: rings, bullwhip, allocation, niche_overlap, phase_portrait, coupling
    """  # noqa: E501
    if kind not in FIGURE_KINDS:
        raise ParameterError(f"unknown figure kind {kind!r}; choose one of: "
                             + ", ".join(FIGURE_KINDS))
    return FIGURE_KINDS[kind](*args, **kwargs)
