"""Niches of ecosystem members: breadth, overlap, null models and enterprise niches.

Wang & Gao §2.1 and §3.1: members of the same niche compete for the same
resources (logistics firms for customers, manufacturers for platforms), and
niche overlap measures that competition. The pieces:

- :func:`resource_matrix` (from an :class:`~ecosystem.Ecosystem`) and
  :func:`resource_matrix_from_table` build the members x resources
  utilization matrix ``U`` every other function takes (any DataFrame or 2-D
  array of non-negative use works as well);
- :func:`breadth` (Levins, standardized Levins, Shannon) and :func:`overlap`
  (Pianka, Czekanowski/Schoener, MacArthur-Levins, Morisita, Morisita-Horn,
  Horn, Hurlbert), vectorised; :func:`mean_overlap` the community mean;
- :func:`null_model`: EcoSimR's RA1-RA4 randomisation tests of the mean
  overlap, seeded;
- :func:`state_potential` (Zhu Chunquan 1997) and :func:`suitability`;
- :func:`competition_pairs` and :func:`competition_layer`, the competing
  members as a table and as a graph layer for the HTML export.
- :class:`SparseUtilization` (``resource_matrix(..., sparse=True)``): only
  the non-zero uses, for members that each draw on a few of many resources
  (providers as resources); breadth, mean_overlap and competition_pairs take
  it without dense arrays for the product-form indices.

``overlap(U, index="macarthur_levins")[i, j]`` is the Lotka-Volterra
competition coefficient alpha_ij, the effect of member j on member i.

References
----------
- Wang, Z. & Gao, M. (year not stated). *Research on the Construction of Cross-Border
  E-Commerce Supply Chain Ecosystem from the Perspective of Industrial Belt*.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._competition import competition_layer, competition_pairs
    from ._enterprise import state_potential, suitability
    from ._indices import (BREADTH_METHODS, OVERLAP_METHODS, SYMMETRIC_METHODS, breadth,
                           mean_overlap, overlap)
    from ._input import EmptyNicheError
    from ._null import NULL_ALGORITHMS, NULL_INDICES, NullModelResult, null_model
    from ._registry import INDEX_ALIASES, OVERLAP_INDICES, OverlapIndex
    from ._resources import (DEFAULT_COMPETITION_FLOW, resource_matrix,
                             resource_matrix_from_table)
    from ._sparse import PRODUCT_METHODS, SparseUtilization

__all__ = [
    "resource_matrix", "resource_matrix_from_table", "DEFAULT_COMPETITION_FLOW",
    "breadth", "overlap", "mean_overlap",
    "null_model", "NullModelResult",
    "state_potential", "suitability",
    "competition_pairs", "competition_layer",
    "EmptyNicheError", "OverlapIndex", "OVERLAP_INDICES", "INDEX_ALIASES",
    "SparseUtilization", "PRODUCT_METHODS",
    "BREADTH_METHODS", "OVERLAP_METHODS", "SYMMETRIC_METHODS", "NULL_ALGORITHMS", "NULL_INDICES",
]

#: The private module each public name lives in. Names are imported on first use, so that
#: a command needing a few of them (``ecobelt niche``) does not load the null model, the
#: enterprise niches or networkx for the competition layer.
_LAZY = {
    **dict.fromkeys(("competition_layer", "competition_pairs"), "._competition"),
    **dict.fromkeys(("state_potential", "suitability"), "._enterprise"),
    **dict.fromkeys(("BREADTH_METHODS", "OVERLAP_METHODS", "SYMMETRIC_METHODS", "breadth",
                     "mean_overlap", "overlap"), "._indices"),
    "EmptyNicheError": "._input",
    **dict.fromkeys(("NULL_ALGORITHMS", "NULL_INDICES", "NullModelResult", "null_model"),
                    "._null"),
    **dict.fromkeys(("INDEX_ALIASES", "OVERLAP_INDICES", "OverlapIndex"), "._registry"),
    **dict.fromkeys(("DEFAULT_COMPETITION_FLOW", "resource_matrix",
                     "resource_matrix_from_table"), "._resources"),
    **dict.fromkeys(("PRODUCT_METHODS", "SparseUtilization"), "._sparse"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name], __name__), name)
    globals()[name] = value  # the next access skips this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
