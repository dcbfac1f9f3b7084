"""Figures of dynamics: Lotka-Volterra phase portrait, coupling coordination over time."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from scipy.integrate import solve_ivp

from ecosystem import ParameterError

from ._common import finish, new_axes, numeric_frame, with_cjk_fonts

__all__ = ["phase_portrait_figure", "coupling_figure", "predator_prey_equilibrium",
           "COORDINATION_LEVELS"]

Field = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def predator_prey_equilibrium(a1: float, b1: float, a2: float, b2: float) -> tuple[float, float]:
    """The interior equilibrium E(a2 / (b1 b2), a1 / b1) of Qian's equations (1)-(2).

    Examples
    --------
    >>> predator_prey_equilibrium(a1=0.6, b1=0.02, a2=0.4, b2=0.5)
    (40.0, 30.0)
    """
    return a2 / (b1 * b2), a1 / b1


def _trajectory_frames(trajectories) -> list[np.ndarray]:
    if trajectories is None:
        return []
    if isinstance(trajectories, (pd.DataFrame, np.ndarray)):
        trajectories = [trajectories]
    paths = []
    for i, item in enumerate(trajectories):
        array = np.asarray(item, dtype=float)
        if array.ndim != 2 or array.shape[1] != 2:
            raise ParameterError(f"trajectories[{i}] must have two columns (x1, x2), "
                                 f"got shape {array.shape}")
        paths.append(array)
    return paths


@with_cjk_fonts
def phase_portrait_figure(a1: float | None = None, b1: float | None = None,
                          a2: float | None = None, b2: float | None = None,
                          path: str | Path | None = None, *, field: Field | None = None,
                          equilibria: Sequence[tuple[float, float]] | None = None,
                          trajectories=None, xlim: tuple[float, float] | None = None,
                          ylim: tuple[float, float] | None = None,
                          labels: tuple[str, str] = ("upstream output $x_1$",
                                                     "downstream output $x_2$"),
                          title: str = "Lotka-Volterra phase portrait", ax: Axes | None = None,
                          figsize: tuple[float, float] = (6.5, 5.5)) -> Figure:
    """Phase portrait of a two-population Lotka-Volterra system.

    By default the upstream/downstream predator-prey model of Qian
    (equations 1-2): ``dx1/dt = a1 x1 - b1 x1 x2`` and
    ``dx2/dt = -a2 x2 + b1 b2 x1 x2``, with its nullclines, its equilibrium
    E(a2/(b1 b2), a1/b1) and three closed orbits around it. Any other
    two-population model (competition, mutualism from ``ecosystem.dynamics``)
    can be drawn by passing ``field``, a vectorised function
    ``(x1, x2) -> (dx1/dt, dx2/dt)``, with its ``equilibria``.

    Parameters
    ----------
    a1, b1, a2, b2 : float
        Qian's growth rate of A, purchase rate, decline rate of B and
        conversion rate (all > 0); not needed with ``field``.
    trajectories : array, DataFrame or list of them, optional
        Simulated paths (two columns x1, x2) to draw over the field.
    xlim, ylim : (float, float), optional
        Plot window (default: 0 to 2.5 times the equilibrium, or to the
        trajectories' extent).

    Examples
    --------
    >>> fig = phase_portrait_figure(a1=0.6, b1=0.02, a2=0.4, b2=0.5)
    >>> [line.get_xydata().tolist() for line in fig.axes[0].lines
    ...  if line.get_label() == "equilibrium E"]
    [[[40.0, 30.0]]]
    """
    points = [tuple(map(float, p)) for p in (equilibria or [])]
    orbits: list[np.ndarray] = []
    if field is None:
        params = {"a1": a1, "b1": b1, "a2": a2, "b2": b2}
        bad = {k: v for k, v in params.items()
               if v is None or not np.isfinite(float(v)) or float(v) <= 0}
        if bad:
            raise ParameterError(f"the predator-prey model needs a1, b1, a2, b2 > 0; bad: {bad}; "
                                 "or pass field= for another model")
        # bad is empty: every value is a number
        a1, b1, a2, b2 = (float(v) for v in params.values() if v is not None)

        def field(x1, x2):
            return a1 * x1 - b1 * x1 * x2, -a2 * x2 + b1 * b2 * x1 * x2

        e1, e2 = predator_prey_equilibrium(a1, b1, a2, b2)
        points = [(e1, e2)] + points
        period = 2 * np.pi / np.sqrt(a1 * a2)  # small-oscillation period; orbits are closed
        for scale in (1.25, 1.6, 2.0):
            solution = solve_ivp(lambda t, x: field(x[0], x[1]), (0, 1.5 * period),
                                 [scale * e1, e2], rtol=1e-8, atol=1e-10, max_step=period / 200)
            orbits.append(solution.y.T)
    elif not callable(field):
        raise ParameterError("field must be a function (x1, x2) -> (dx1/dt, dx2/dt)")
    paths = _trajectory_frames(trajectories)
    extent = np.vstack([np.array(points).reshape(-1, 2)] + orbits + paths) \
        if (points or orbits or paths) else np.ones((1, 2))
    if xlim is None:
        xlim = (0.0, float(max(2.5 * extent[:, 0].max() if not (orbits or paths) else
                               1.1 * extent[:, 0].max(), 1e-9)))
    if ylim is None:
        ylim = (0.0, float(max(2.5 * extent[:, 1].max() if not (orbits or paths) else
                               1.1 * extent[:, 1].max(), 1e-9)))
    figure, (axes,) = new_axes(ax, figsize)
    gx, gy = np.meshgrid(np.linspace(*xlim, 30), np.linspace(*ylim, 30))
    u, v = field(gx, gy)
    u, v = np.broadcast_to(np.asarray(u, float), gx.shape), np.broadcast_to(np.asarray(v, float),
                                                                             gx.shape)
    speed = np.hypot(u, v)
    axes.streamplot(gx, gy, u, v, color=speed, cmap="Blues", density=1.1, linewidth=0.8,
                    arrowsize=0.8)
    if a1 is not None and b1 is not None and a2 is not None and b2 is not None and points:
        axes.axhline(a1 / b1, color="#c44e52", linestyle=":", linewidth=1,
                     label="$dx_1/dt = 0$")
        axes.axvline(a2 / (b1 * b2), color="#55a868", linestyle=":", linewidth=1,
                     label="$dx_2/dt = 0$")
    for orbit in orbits:
        axes.plot(orbit[:, 0], orbit[:, 1], color="#333", linewidth=1.0)
    for i, trajectory in enumerate(paths):
        axes.plot(trajectory[:, 0], trajectory[:, 1], linewidth=1.6,
                  label="trajectory" if i == 0 else None)
        axes.plot(*trajectory[0], marker="o", color="#333", markersize=4)
    if points:
        axes.plot(*points[0], marker="*", markersize=14, color="#dd8452", linestyle="",
                  label="equilibrium E")
        for point in points[1:]:
            axes.plot(*point, marker="*", markersize=11, color="#8172b3", linestyle="")
    axes.set_xlim(*xlim)
    axes.set_ylim(*ylim)
    axes.set_xlabel(labels[0])
    axes.set_ylabel(labels[1])
    axes.set_title(title)
    if axes.get_legend_handles_labels()[0]:
        axes.legend(fontsize=8, loc="upper right")
    return finish(figure, path)


#: Ten equal-width levels of the coupling coordination degree D, as commonly
#: graded in the coupling-coordination literature (lower bound, name).
COORDINATION_LEVELS = (
    (0.0, "extreme disorder"), (0.1, "serious disorder"), (0.2, "moderate disorder"),
    (0.3, "mild disorder"), (0.4, "on the verge of disorder"), (0.5, "barely coordinated"),
    (0.6, "primary coordination"), (0.7, "intermediate coordination"),
    (0.8, "good coordination"), (0.9, "quality coordination"),
)


@with_cjk_fonts
def coupling_figure(coupling, path: str | Path | None = None, *, columns: Sequence[str] | None = None,  # noqa: E501
                    levels: bool = True, title: str = "Coupling coordination over time",
                    ax: Axes | None = None, figsize: tuple[float, float] = (8.0, 4.5)) -> Figure:
    """Coupling degree, development index and coordination degree over time.

    Parameters
    ----------
    coupling : DataFrame
        Index = period (e.g. year); numeric columns such as ``C`` (coupling
        degree), ``T`` (comprehensive development index) and ``D`` (coupling
        coordination degree, D = sqrt(C T)), or the subsystem indices ``U1``,
        ``U2``. Every numeric column is drawn unless ``columns`` picks some.
    levels : bool
        Shade the ten coordination levels of :data:`COORDINATION_LEVELS`
        behind the lines (only when every value lies in [0, 1]).

    Examples
    --------
    >>> table = pd.DataFrame({"C": [0.9, 0.95], "T": [0.3, 0.5]}, index=[2016, 2017])
    >>> table["D"] = np.sqrt(table["C"] * table["T"])
    >>> [line.get_label() for line in coupling_figure(table).axes[0].lines]
    ['C', 'T', 'D']
    """
    frame = coupling if isinstance(coupling, pd.DataFrame) else pd.DataFrame(coupling)
    if columns is not None:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ParameterError(f"coupling has no column(s) {missing!r}; it has "
                                 f"{list(frame.columns)!r}")
        frame = frame[list(columns)]
    else:
        frame = frame.select_dtypes("number")
    frame = numeric_frame(frame, "coupling")
    figure, (axes,) = new_axes(ax, figsize)
    values = frame.to_numpy(float)
    finite = values[np.isfinite(values)]
    in_unit = finite.size and finite.min() >= 0 and finite.max() <= 1
    if levels and in_unit:
        colors = np.linspace(0.0, 1.0, len(COORDINATION_LEVELS))
        for (low, name), shade in zip(COORDINATION_LEVELS, colors):
            axes.axhspan(low, low + 0.1, color=(1 - 0.5 * shade, 0.75 + 0.2 * shade, 0.75),
                         alpha=0.35, linewidth=0)
            axes.annotate(name, (1.01, low + 0.05), xycoords=("axes fraction", "data"),
                          fontsize=6, va="center", color="#555", annotation_clip=False)
        axes.set_ylim(0, 1)
    for column in frame.columns:
        axes.plot(frame.index, frame[column].to_numpy(float), marker="o", markersize=3,
                  linewidth=1.6, label=str(column))
    axes.set_xlabel(str(frame.index.name or "period"))
    axes.set_ylabel("index value")
    if pd.api.types.is_integer_dtype(frame.index):  # years read 2016, 2017, not 2016.5
        from matplotlib.ticker import MaxNLocator
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(title)
    axes.legend(fontsize=8, loc="upper left")
    return finish(figure, path)
