"""Figures of analysis results given as plain tables: bullwhip, allocation, niche overlap."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter

from ecosystem import ParameterError

from ._common import finish, new_axes, numeric_frame, with_cjk_fonts

__all__ = ["bullwhip_figure", "bullwhip_ratio_figure", "allocation_figure",
           "niche_overlap_figure"]


@with_cjk_fonts
def bullwhip_figure(orders, demand=None, path: str | Path | None = None, *,
                    variances: pd.Series | None = None, log: bool = False,
                    title: str = "Bullwhip effect",
                    figsize: tuple[float, float] = (11.0, 4.2)) -> Figure:
    """Order variance by echelon (left) and the order series (right).

    Parameters
    ----------
    orders : DataFrame
        Orders placed per period: index = period, one column per echelon,
        ordered from the most downstream (retailer) to the most upstream
        (factory), e.g. a simulation result of ``ecosystem.bullwhip``.
    demand : Series or array, optional
        End-customer demand per period; its variance is the dashed reference
        line and each bar is labelled with its ratio to it (the bullwhip ratio
        Var(orders) / Var(demand), Lee, Padmanabhan & Whang 1997).
    path : str or Path, optional
        Save as PNG, SVG or PDF.
    variances : Series, optional
        Variance per echelon to plot instead of the sample variance of
        ``orders`` (for example analytical values).
    log : bool
        Log scale for the variance axis.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> demand = pd.Series(rng.normal(100, 5, 60))
    >>> orders = pd.DataFrame({"retailer": demand * 1.0, "factory": demand * 2.0})
    >>> fig = bullwhip_figure(orders, demand)
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['1', '4']
    """
    orders = numeric_frame(orders, "orders", min_rows=2)
    if variances is None:
        variances = orders.var(ddof=1)
    else:
        variances = pd.Series(variances, dtype=float)
        missing = [c for c in orders.columns if c not in variances.index]
        if missing:
            raise ParameterError(f"variances has no value for echelon(s) {missing!r}")
        variances = variances.reindex(orders.columns)
    figure, (left, right) = new_axes(None, figsize, ncols=2)
    names = [str(c) for c in orders.columns]
    bars = left.bar(names, variances.to_numpy(float), color="#4c72b0")
    if demand is not None:
        demand = pd.Series(np.asarray(demand, dtype=float).ravel())
        if len(demand) < 2:
            raise ParameterError("demand needs at least two periods")
        reference = float(demand.var(ddof=1))
        left.axhline(reference, color="#c44e52", linestyle="--", label="Var(demand)")
        if reference > 0:
            for bar, value in zip(bars, variances.to_numpy(float)):
                left.annotate(f"{value / reference:.3g}",
                              (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                              xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8)
        left.legend(fontsize=8)
        right.plot(np.arange(len(demand)), demand.to_numpy(), color="#333", linewidth=1.5,
                   linestyle="--", label="demand")
    if log:
        left.set_yscale("log")
    left.set_xlabel("echelon (downstream \u2192 upstream)")
    left.set_ylabel("variance of orders")
    left.set_title("Order variance by echelon")
    for name in orders.columns:
        right.plot(orders.index, orders[name].to_numpy(float), linewidth=1.0, label=str(name))
    right.set_xlabel("period")
    right.set_ylabel("orders")
    right.set_title("Order series")
    right.legend(fontsize=8)
    figure.suptitle(title)
    return finish(figure, path)


@with_cjk_fonts
def bullwhip_ratio_figure(ratios: pd.DataFrame, path: str | Path | None = None, *,
                          title: str = "Bullwhip amplification", ax: Axes | None = None,
                          figsize: tuple[float, float] = (6.4, 4.0)) -> Figure:
    """Variance ratio per stage with its confidence interval, one line per sharing scenario.

    Parameters
    ----------
    ratios : DataFrame
        Indexed by ``stage`` or by (``sharing``, ``stage``), with the columns
        ``order_ratio`` (Var(orders) / Var(demand)), ``ci_low`` and ``ci_high``
        and optionally ``exact`` (drawn dotted), as ``ecobelt bullwhip`` prints
        them (from :meth:`ecosystem.bullwhip.BullwhipResult.summary`).
    path : str or Path, optional
        Save as PNG, SVG or PDF.

    Examples
    --------
    >>> ratios = pd.DataFrame({"order_ratio": [2.0, 4.0], "ci_low": [1.8, 3.5],
    ...                        "ci_high": [2.2, 4.5], "exact": [2.0, 4.1]},
    ...                       index=pd.Index([1, 2], name="stage"))
    >>> fig = bullwhip_ratio_figure(ratios)
    >>> [line.get_label() for line in fig.axes[0].get_lines()[-1:]]
    ['exact']
    """
    frame = pd.DataFrame(ratios)
    missing = [c for c in ("order_ratio", "ci_low", "ci_high") if c not in frame.columns]
    if missing:
        raise ParameterError(f"ratios has no column(s) {missing!r}; it has "
                             f"{list(frame.columns)}")
    if "stage" not in frame.index.names:
        raise ParameterError("ratios must be indexed by stage, or by sharing and stage")
    groups = (frame.groupby(level="sharing", sort=False) if "sharing" in frame.index.names
              else [(None, frame)])
    figure, (axes,) = new_axes(ax, figsize)
    for name, rows in groups:
        labels = [str(s) for s in rows.index.get_level_values("stage")]
        mean = rows["order_ratio"].to_numpy(float)
        error = [mean - rows["ci_low"].to_numpy(float), rows["ci_high"].to_numpy(float) - mean]
        prefix = "" if name is None else f"{name} "
        drawn = axes.errorbar(labels, mean, yerr=error, marker="o", capsize=3,
                              label=f"{prefix}(simulated)" if prefix else "simulated")
        if "exact" in rows:
            axes.plot(labels, rows["exact"].to_numpy(float), linestyle=":", marker="x",
                      color=drawn.lines[0].get_color(),
                      label=f"{prefix}(exact)" if prefix else "exact")
    axes.set_yscale("log")
    for set_format in (axes.yaxis.set_major_formatter, axes.yaxis.set_minor_formatter):
        set_format(ScalarFormatter())  # plain numbers on the log axis, not 4 x 10^1
    axes.set_xlabel("stage (1 faces the market)")
    axes.set_ylabel("Var(orders) / Var(demand)")
    axes.set_title(title)
    axes.legend(fontsize=8)
    return finish(figure, path)


@with_cjk_fonts
def allocation_figure(allocations, path: str | Path | None = None, *,
                      title: str = "Benefit allocation", ylabel: str = "allocated benefit",
                      ax: Axes | None = None, figsize: tuple[float, float] = (8.0, 4.5)
                      ) -> Figure:
    """Grouped bars: what each member (or alliance partner) receives under each rule.

    Parameters
    ----------
    allocations : DataFrame or Series
        Index = members; one column per allocation rule (for example
        ``shapley``, ``nucleolus``, ``proportional``); a Series is one rule.
    path : str or Path, optional
        Save as PNG, SVG or PDF.

    Examples
    --------
    >>> table = pd.DataFrame({"shapley": [2.0, 3.0], "equal": [2.5, 2.5]}, index=["a", "b"])
    >>> len(allocation_figure(table).axes[0].patches)
    4
    """
    frame = numeric_frame(allocations, "allocations")
    figure, (axes,) = new_axes(ax, figsize)
    k = frame.shape[1]
    x = np.arange(len(frame))
    width = 0.8 / k
    for j, column in enumerate(frame.columns):
        axes.bar(x + (j - (k - 1) / 2) * width, frame[column].to_numpy(float), width,
                 label=str(column))
    axes.set_xticks(x, [str(i) for i in frame.index], rotation=30 if len(frame) > 6 else 0,
                    ha="right" if len(frame) > 6 else "center")
    axes.axhline(0, color="#333", linewidth=0.8)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    if k > 1:
        axes.legend(fontsize=8)
    return finish(figure, path)


@with_cjk_fonts
def niche_overlap_figure(overlap, path: str | Path | None = None, *, labels=None,
                         annotate: bool | None = None, cmap: str = "viridis",
                         title: str = "Niche overlap", ax: Axes | None = None,
                         figsize: tuple[float, float] = (6.5, 5.5)) -> Figure:
    """Heatmap of a square niche-overlap matrix (for example Pianka's index, in [0, 1]).

    Parameters
    ----------
    overlap : DataFrame or 2-D array
        Square: entry (i, j) is the overlap of member i's niche with member j's.
        A DataFrame's index gives the labels.
    labels : sequence of str, optional
        Labels for an array.
    annotate : bool, optional
        Write the values in the cells (default: up to 15 rows).

    Examples
    --------
    >>> fig = niche_overlap_figure(np.array([[1.0, 0.3], [0.3, 1.0]]), labels=["a", "b"])
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['1', '0.3', '0.3', '1']
    """
    frame = numeric_frame(overlap, "overlap")
    if frame.shape[0] != frame.shape[1]:
        raise ParameterError(f"overlap must be a square matrix, got shape {frame.shape}")
    if labels is not None:
        labels = [str(label) for label in labels]
        if len(labels) != len(frame):
            raise ParameterError(f"labels must have {len(frame)} entries, got {len(labels)}")
    else:
        labels = [str(i) for i in frame.index]
    values = frame.to_numpy(float)
    figure, (axes,) = new_axes(ax, figsize)
    finite = values[np.isfinite(values)]
    low = min(0.0, float(finite.min())) if finite.size else 0.0
    high = max(1.0, float(finite.max())) if finite.size else 1.0
    image = axes.imshow(values, cmap=cmap, vmin=low, vmax=high)
    figure.colorbar(image, ax=axes, label="overlap")
    ticks = np.arange(len(labels))
    axes.set_xticks(ticks, labels, rotation=90)
    axes.set_yticks(ticks, labels)
    if annotate if annotate is not None else len(labels) <= 15:
        middle = (low + high) / 2
        for (i, j), value in np.ndenumerate(values):
            axes.text(j, i, f"{value:.2g}", ha="center", va="center", fontsize=7,
                      color="white" if value < middle else "black")
    axes.set_title(title)
    return finish(figure, path)
