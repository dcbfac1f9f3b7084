"""The overlap indices as data: what each one needs and how it behaves.

Everything that depends on which index is chosen reads this table: the list of
indices and their aliases, which ones are symmetric (one value per unordered
pair, an undirected competition layer), which the null model can score, which
the command line offers (those that need no resource availability), and which
kernel form computes them. A new index is a row here plus its formula in
:class:`ecosystem.niche._kernels.Kernel`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

__all__ = ["OverlapIndex", "OVERLAP_INDICES", "INDEX_ALIASES"]


@dataclass(frozen=True)
class OverlapIndex:
    """One overlap index.

    Attributes
    ----------
    name : str
    symmetric : bool
        ``O[i, j] == O[j, i]``; an asymmetric index is reported per ordered pair.
    needs_counts : bool
        Needs whole-number counts per resource (not shares or volumes).
    needs_availability : bool
        Needs the resources' availability (so a spec alone cannot give it).
    kernel : {"product", "pairwise"}
        ``product``: one matrix product of (scaled) share vectors;
        ``pairwise``: no product form, summed pair by pair on threads.
    null_model : bool
        :func:`ecosystem.niche.null_model` can score it.
    aliases : tuple of str
        Other names accepted for it.
    """

    name: str
    symmetric: bool = True
    needs_counts: bool = False
    needs_availability: bool = False
    kernel: str = "product"
    null_model: bool = False
    aliases: tuple[str, ...] = ()


_ROWS = (
    OverlapIndex("pianka", null_model=True),
    OverlapIndex("czekanowski", kernel="pairwise", null_model=True,
                 aliases=("schoener", "proportional_similarity")),
    OverlapIndex("macarthur_levins", symmetric=False, null_model=True),
    OverlapIndex("morisita", needs_counts=True),
    OverlapIndex("morisita_horn", null_model=True),
    OverlapIndex("horn", kernel="pairwise", null_model=True),
    OverlapIndex("hurlbert", needs_availability=True),
)

#: Every overlap index by name, in the order the docs list them (read-only).
OVERLAP_INDICES: Mapping[str, OverlapIndex] = MappingProxyType({i.name: i for i in _ROWS})

#: Other accepted name -> index name.
INDEX_ALIASES: Mapping[str, str] = MappingProxyType(
    {alias: i.name for i in _ROWS for alias in i.aliases})
