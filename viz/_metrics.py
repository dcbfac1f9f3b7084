"""Per-member metrics for the pages: the caller's tables, aligned to member order.

A metric table is anything that gives numbers (or short labels) per member:

- a DataFrame indexed by member id, one column per metric (or with an ``id``
  or ``member`` column instead of the index), for example Shapley shares,
  niche breadths, bullwhip ratios and cascade rounds side by side;
- a Series indexed by member id (its ``name`` is the metric's name);
- a mapping ``{metric name: Series, mapping of member id to value, or a
  sequence in member order}``.

Members the table does not mention get a missing value (shown as "n/a");
ids that are not members are an error, so a typo does not vanish silently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence, TypeAlias

import numpy as np
import pandas as pd

from ecosystem import ParameterError
from ecosystem._warn import warn

if TYPE_CHECKING:
    from ecosystem import Ecosystem

__all__ = ["MetricsLike", "align_metrics", "structural_metrics", "computed_metrics",
           "STRUCTURAL_METRICS", "COMPUTED_METRICS"]

MetricsLike: TypeAlias = pd.DataFrame | pd.Series | Mapping[str, Any] | None

#: Metrics computed from the links alone, available by name everywhere.
STRUCTURAL_METRICS = ("degree", "in_degree", "out_degree", "strength")


def structural_metrics(eco: "Ecosystem") -> pd.DataFrame:
    """Degree, in-degree, out-degree (links of every flow) and strength per member.

    ``strength`` is the volume a member sends plus the volume it receives
    (a link without ``volume`` counts 1): the weighted degree of Barrat,
    Barthelemy, Pastor-Satorras and Vespignani (2004), "The architecture of
    complex weighted networks", *PNAS* 101(11): 3747-3752.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_member("a", "manufacturer"); eco.add_member("b", "platform")
    >>> eco.link("a", "b", "logistics", volume=5.0); eco.link("b", "a", "capital")
    >>> structural_metrics(eco)
        degree  in_degree  out_degree  strength
    id
    a        2          1           1       6.0
    b        2          1           1       6.0
    """
    n = len(eco)
    src, dst, _, volume = eco.edge_arrays("volume", 1.0)
    out_degree = np.bincount(src, minlength=n)
    in_degree = np.bincount(dst, minlength=n)
    strength = np.bincount(src, volume, minlength=n) + np.bincount(dst, volume, minlength=n)
    return pd.DataFrame({"degree": in_degree + out_degree, "in_degree": in_degree,
                         "out_degree": out_degree, "strength": strength},
                        index=pd.Index(list(eco), name="id"))


def _upstreamness(eco: "Ecosystem") -> pd.Series:
    from ecosystem.convergence import upstreamness
    return upstreamness(eco)


def _niche_breadth(eco: "Ecosystem") -> pd.Series:
    from ecosystem import niche
    use = niche.resource_matrix(eco, direction="out")
    return niche.breadth(use, "levins") if use.size else pd.Series(dtype=float)


def _old_throughput(eco: "Ecosystem") -> pd.Series:
    warn("the metric 'throughput' is now 'strength' (throughput is what a member sends "
         "out); the old name goes in the next release", DeprecationWarning)
    return structural_metrics(eco)["strength"]


#: Per-member metrics computed from the ecosystem alone, by name (besides the structural ones):
#: ``upstreamness`` (logistics chain position, ecosystem.convergence) and ``niche_breadth``
#: (Levins' breadth of each member's outlets, ecosystem.niche). ``throughput`` is the old name
#: of ``strength``, kept for one release.
COMPUTED_METRICS = {"upstreamness": _upstreamness, "niche_breadth": _niche_breadth,
                    "throughput": _old_throughput}


def computed_metrics(eco: "Ecosystem", names: Sequence[str]) -> pd.DataFrame:
    """The named metrics (structural or in :data:`COMPUTED_METRICS`) per member, in member order.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_member("a", "manufacturer"); eco.add_member("b", "platform")
    >>> eco.link("a", "b", "logistics", volume=5.0)
    >>> computed_metrics(eco, ["out_degree", "niche_breadth"])
        out_degree  niche_breadth
    id
    a            1            1.0
    b            0            NaN
    >>> computed_metrics(eco, ["shapley"])
    Traceback (most recent call last):
    ...
    ecosystem.ParameterError: unknown metric 'shapley'; computed from the ecosystem alone are: degree, in_degree, out_degree, strength, upstreamness, niche_breadth (pass others as a table)
    """  # noqa: E501
    members = pd.Index(list(eco), name="id")
    frame = pd.DataFrame(index=members)
    structural = None
    for name in names:  # a few names
        if name in STRUCTURAL_METRICS:
            structural = structural_metrics(eco) if structural is None else structural
            frame[name] = structural[name]
        elif name in COMPUTED_METRICS:
            frame[name] = COMPUTED_METRICS[name](eco).reindex(members)
        else:
            choices = ", ".join(list(STRUCTURAL_METRICS) + [m for m in COMPUTED_METRICS
                                                            if m != "throughput"])
            raise ParameterError(f"unknown metric {name!r}; computed from the ecosystem alone "
                                 f"are: {choices} (pass others as a table)")
    return frame


def _frame_from(metrics: MetricsLike, members: pd.Index) -> pd.DataFrame:
    if metrics is None:
        return pd.DataFrame(index=members)
    if isinstance(metrics, pd.Series):
        return metrics.to_frame(metrics.name if metrics.name is not None else "metric")
    if isinstance(metrics, pd.DataFrame):
        frame = metrics
        if not frame.index.isin(members).any():
            for column in ("id", "member"):
                if column in frame.columns:
                    return frame.set_index(column)
        return frame
    if isinstance(metrics, Mapping):
        columns = {}
        for name, values in metrics.items():
            if isinstance(values, pd.Series):
                columns[name] = values
            elif isinstance(values, Mapping):
                columns[name] = pd.Series(dict(values), dtype=object if not values else None)
            else:
                array = np.asarray(values)
                if array.ndim != 1 or len(array) != len(members):
                    raise ParameterError(
                        f"metric {name!r}: a sequence must hold one value per member in member "
                        f"order ({len(members)}), got shape {array.shape}; or pass a Series "
                        "or mapping indexed by member id")
                columns[name] = pd.Series(array, index=members)
        return pd.DataFrame(columns)
    raise ParameterError("metrics must be a DataFrame or Series indexed by member id, or a "
                         f"mapping of metric name to values; got {type(metrics).__name__}")


def align_metrics(eco: "Ecosystem", metrics: MetricsLike) -> pd.DataFrame:
    """The caller's metrics as a DataFrame indexed by member id in member order.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_member("a", "manufacturer"); eco.add_member("b", "platform")
    >>> align_metrics(eco, {"shapley_share": {"b": 0.75}})
        shapley_share
    id
    a             NaN
    b            0.75
    >>> align_metrics(eco, pd.Series({"zz": 1.0}, name="x"))
    Traceback (most recent call last):
    ...
    ecosystem.ParameterError: metrics name 1 id(s) that are not members: 'zz'
    """
    members = pd.Index(list(eco), name="id")
    frame = _frame_from(metrics, members)
    if frame.index.has_duplicates:
        first = frame.index[frame.index.duplicated()][0]
        raise ParameterError(f"metrics name member {first!r} more than once")
    unknown = frame.index[~frame.index.isin(members)] if len(frame.index) else frame.index
    if len(unknown):
        shown = ", ".join(repr(m) for m in list(unknown)[:5])
        raise ParameterError(f"metrics name {len(unknown)} id(s) that are not members: {shown}")
    frame.columns = [str(c) for c in frame.columns]
    if len(set(frame.columns)) != len(frame.columns):
        raise ParameterError(f"metric names must be distinct, got {list(frame.columns)}")
    return frame.reindex(members)
