"""Generalized Lotka-Volterra dynamics of n enterprise populations.

.. math:: \\dot x_i = x_i \\Big(r_i + \\sum_j A_{ij} x_j\\Big)

``r_i`` is population i's intrinsic growth rate and ``A_ij`` the per-capita
effect of population j on i: negative for competition (and for a prey's loss
to its predator), positive for mutualism (and for a predator's gain),
``A_ii < 0`` self-limitation. Qian (§3) names the three relations among
enterprise populations; :func:`ecosystem.dynamics.interaction_matrix` builds
A from an :class:`~ecosystem.Ecosystem`.

The interior equilibrium solves ``A x* = -r``; it is *feasible* when every
``x*_i > 0``. Its Jacobian is ``diag(x*) A``; it is locally stable when every
eigenvalue has a negative real part, and globally stable in the open orthant
when Goh's diagonal D exists (:func:`ecosystem.dynamics.goh_certificate`).

Unbounded growth
----------------
Two mutualists ``x1' = x1 (r1 - s1 x1 + b12 x2)``, ``x2' = x2 (r2 - s2 x2 +
b21 x1)`` have bounded orbits only if ``b12 b21 < s1 s2``; with ``b12 b21 >
s1 s2`` they grow without bound, in finite time, and an ODE solver would run
into overflow. In general, compare A with the cooperative system whose
off-diagonal entries are ``max(A_ij, 0)`` (Kamke's comparison theorem): when
that matrix is stable (Hurwitz) every orbit is bounded. When its largest
real eigenvalue mu is > 0 and A has no negative off-diagonal entry (pure
mutualism), growth is unbounded from large enough starts. The boundary
``mu = 0`` (``b12 b21 = s1 s2`` for two) is no finite-time blow-up: with
``w`` the left null vector of A (``w A = 0``, w >= 0), ``sum_i w_i ln x_i``
changes at the constant rate ``w . r``, so growth is unbounded (exponential)
when ``w . r > 0``, for example every r_i > 0; otherwise the trajectory is
integrated and watched. mu is compared with 0 at a relative tolerance of
1e-9, so that a rounded boundary case is not decided by the last bit. :func:`generalized_lv` raises
:class:`UnboundedGrowthError` before integrating (or, with
``on_unbounded="flag"``, integrates only until a population reaches
``ceiling`` and sets ``unbounded``). In the remaining cases the trajectory
is watched and the same rule applies if it reaches ``ceiling``.

The solver integrates ``ln x``, which keeps populations positive and their
relative error uniform; a population starting at 0 stays at 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.integrate import solve_ivp

from .._errors import ParameterError
from .._memory import check_allocation
from .._result import Result
from .._threads import single_blas_thread
from ..graph import Ecosystem
from ._common import IntegrationError, UnboundedGrowthError, check_time, positive
from ._bounds import mutualism_bounded, unbounded_message
from ._goh import GohCertificate, goh_certificate

__all__ = ["LVResult", "generalized_lv"]


@dataclass(frozen=True)
class LVResult(Result):
    """Analysis and trajectory of a generalized Lotka-Volterra system.

    Attributes
    ----------
    r : Series
        Growth rates, indexed by population.
    A : DataFrame
        The interaction matrix.
    equilibrium : Series or None
        The interior equilibrium ``-A^{-1} r`` (None when A is singular).
    feasible : bool
        Whether the equilibrium exists with every population > 0.
    jacobian : DataFrame or None
        ``diag(x*) A`` at the equilibrium.
    eigenvalues : ndarray or None
        The Jacobian's eigenvalues.
    locally_stable : bool
        Feasible and every eigenvalue with a negative real part.
    goh : GohCertificate
        The search for Goh's diagonal D (see :func:`ecosystem.dynamics.goh_certificate`);
        ``goh.found`` with ``feasible`` means global stability.
    bounded : bool
        Whether the comparison test proves every orbit bounded.
    unbounded : bool
        Whether unbounded growth was detected (structurally or by the
        trajectory reaching ``ceiling``).
    series : DataFrame
        Populations over time: index ``t``, one column per population
        (empty if unbounded growth was detected before integrating).
    """

    r: pd.Series
    A: pd.DataFrame = field(repr=False)
    equilibrium: pd.Series | None
    feasible: bool
    jacobian: pd.DataFrame | None = field(repr=False)
    eigenvalues: np.ndarray | None
    locally_stable: bool
    goh: GohCertificate
    bounded: bool
    unbounded: bool
    series: pd.DataFrame = field(repr=False)

    @property
    def globally_stable(self) -> bool:
        """Feasible equilibrium and Goh's D found: every positive start converges to it."""
        return self.feasible and self.goh.found

    def summary(self) -> pd.DataFrame:
        """One row per population: r, equilibrium and final value of the series."""
        frame = pd.DataFrame({"r": self.r})
        if self.equilibrium is not None:
            frame["equilibrium"] = self.equilibrium
        if len(self.series):
            frame["final"] = self.series.iloc[-1]
        return frame

    def headline(self) -> str:
        if self.unbounded:
            state = "unbounded growth"
        elif self.globally_stable:
            state = "globally stable equilibrium"
        elif self.locally_stable:
            state = "locally stable equilibrium"
        else:
            state = "feasible equilibrium, not shown stable" if self.feasible else \
                "no feasible equilibrium"
        return f"generalized Lotka-Volterra with {len(self.r)} populations: {state}"


def _labels(n: int) -> list[str]:
    return [f"x{i + 1}" for i in range(n)]


def _as_matrix(system: Any, options: Mapping[str, Any]) -> pd.DataFrame:
    if isinstance(system, Ecosystem):
        from ._interactions import interaction_matrix
        return interaction_matrix(system, **options)
    if options:
        raise ParameterError(f"options {sorted(options)} only apply when the system is an "
                             "Ecosystem")
    if isinstance(system, pd.DataFrame):
        if list(system.index) != list(system.columns):
            raise ParameterError("interaction matrix A: rows and columns must list the same "
                                 "populations in the same order")
        frame = system
    else:
        try:
            values = np.asarray(system, dtype=float)
        except (TypeError, ValueError) as error:
            raise ParameterError(f"interaction matrix A must be numbers: {error}") from None
        if values.ndim != 2 or values.shape[0] != values.shape[1]:
            raise ParameterError(f"interaction matrix A must be square, got shape {values.shape}")
        frame = pd.DataFrame(values, index=_labels(len(values)), columns=_labels(len(values)))
    if frame.shape[0] != frame.shape[1] or frame.shape[0] == 0:
        raise ParameterError(f"interaction matrix A must be square and non-empty, got shape "
                             f"{frame.shape}")
    try:
        frame = frame.astype(float)
    except (TypeError, ValueError) as error:
        raise ParameterError(f"interaction matrix A must be numbers: {error}") from None
    if not np.isfinite(frame.to_numpy()).all():
        i, j = np.argwhere(~np.isfinite(frame.to_numpy()))[0]
        raise ParameterError(f"interaction matrix A[{frame.index[i]!r}, {frame.columns[j]!r}] "
                             "is not finite")
    return frame


def _per_population(value: Any, name: str, labels: list[str], system: Any, *,
                    allow_zero: bool, allow_negative: bool) -> np.ndarray:
    if isinstance(value, str):
        if not isinstance(system, Ecosystem):
            raise ParameterError(f"{name}={value!r} names a member attribute, which needs an "
                                 "Ecosystem")
        missing = [m for m in labels if value not in system.member(m)]
        if missing:
            raise ParameterError(f"{name}: member(s) {missing[:5]} have no attribute {value!r}")
        value = {m: system.member(m)[value] for m in labels}
    if isinstance(value, (Mapping, pd.Series)):
        missing = [m for m in labels if m not in value]
        if missing:
            raise ParameterError(f"{name}: no value for population(s) {missing[:5]}")
        value = [value[m] for m in labels]
    try:
        array = np.broadcast_to(np.asarray(value, dtype=float), (len(labels),)).copy()
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a number or one number per population "
                             f"({len(labels)}), got {value!r}") from None
    if not np.isfinite(array).all():
        raise ParameterError(f"{name} must be finite, got {array.tolist()}")
    if not allow_negative and ((array < 0).any() or (not allow_zero and (array == 0).any())):
        raise ParameterError(f"{name} must be {'>= 0' if allow_zero else '> 0'} for every "
                             f"population, got {array.tolist()}")
    return array


@single_blas_thread
def generalized_lv(system: Ecosystem | pd.DataFrame | ArrayLike,
                   r: float | Mapping[str, float] | str | ArrayLike = 1.0,
                   x0: float | Mapping[str, float] | str | ArrayLike = 1.0, t_end: float = 50.0, *,
                   n_points: int = 501, method: str = "LSODA", rtol: float = 1e-8,
                   atol: float = 1e-10, on_unbounded: str = "raise", ceiling: float = 1e6,
                   goh: bool = True, **options: Any) -> LVResult:
    """Analyse and integrate ``x' = x (r + A x)`` for n populations.

    Parameters
    ----------
    system : Ecosystem, DataFrame or 2-D array
        The interaction matrix A (n x n; a DataFrame's labels name the
        populations, otherwise they are ``x1 ... xn``), or an ecosystem whose
        A :func:`ecosystem.dynamics.interaction_matrix` builds with
        ``options``.
    r : float, sequence, mapping or str
        Growth rates (any sign): one number for all, one per population, a
        mapping by population, or with an ecosystem the name of a member
        attribute.
    x0 : float, sequence, mapping or str
        Initial populations, >= 0 (same forms as ``r``).
    t_end : float
        Length of the simulation (> 0).
    n_points : int
        Evenly spaced output times from 0 to ``t_end``.
    method, rtol, atol
        Passed to :func:`scipy.integrate.solve_ivp` (on ``ln x``).
    on_unbounded : {"raise", "flag"}
        What to do on unbounded growth (see the module text).
    ceiling : float
        A population reaching this is taken as unbounded growth.
    goh : bool
        Search for Goh's diagonal D (a local search of up to a few hundred
        n x n eigendecompositions when the closed forms fail); False skips it.
    **options
        Passed to :func:`~ecosystem.dynamics.interaction_matrix` for an
        ecosystem.

    Returns
    -------
    LVResult

    Raises
    ------
    UnboundedGrowthError
        Unbounded mutualism, unless ``on_unbounded="flag"``.
    ParameterError
        Wrong shapes, NaN, negative starts, bad options.

    Examples
    --------
    Two competitors that coexist (interspecific competition weaker than
    self-limitation):

    >>> fit = generalized_lv([[-1.0, -0.5], [-0.4, -1.0]], r=[1.0, 0.8], x0=[0.1, 0.1],
    ...                      t_end=40.0)
    >>> fit.equilibrium.round(4)     # solves A x = -r
    population
    x1    0.75
    x2    0.50
    Name: equilibrium, dtype: float64
    >>> fit.feasible, fit.locally_stable, fit.goh.status
    (True, True, 'found')
    >>> fit.series.iloc[-1].round(4)
    population
    x1    0.75
    x2    0.50
    Name: 40.0, dtype: float64
    """
    if on_unbounded not in ("raise", "flag"):
        raise ParameterError(f"on_unbounded must be 'raise' or 'flag', got {on_unbounded!r}")
    frame = _as_matrix(system, options)
    labels = [str(label) for label in frame.index]
    a = frame.to_numpy()
    n = len(a)
    # the Jacobian, the eigenvalue workspaces and, with goh, the search's symmetric matrices
    check_allocation((6 if goh else 3) * 8.0 * n * n, f"the stability analysis of {n:,} "
                     "populations (n x n matrices)", "pass goh=False (--no-goh) or model "
                     "fewer populations")
    rates = _per_population(r, "r", labels, system, allow_zero=True, allow_negative=True)
    start = _per_population(x0, "x0", labels, system, allow_zero=True, allow_negative=False)
    t_end, n_points = check_time(t_end, n_points, n)
    ceiling = positive(ceiling, "ceiling")
    if start.max() >= ceiling:
        raise ParameterError(f"x0 must stay below ceiling={ceiling:g}, got {start.max():g}")
    index = pd.Index(labels, name="population")
    frame = pd.DataFrame(a, index=index, columns=index)

    try:
        x_star = np.linalg.solve(a, -rates)
    except np.linalg.LinAlgError:
        x_star = None
    feasible = x_star is not None and bool((x_star > 0).all())
    jacobian = eigenvalues = None
    locally_stable = False
    if x_star is not None:
        jacobian = x_star[:, None] * a
        eigenvalues = np.linalg.eigvals(jacobian)
        locally_stable = feasible and bool(eigenvalues.real.max() < 0)
    bounded, certainly_unbounded = mutualism_bounded(a, rates)
    certificate = goh_certificate(a) if goh else GohCertificate("skipped", None, float("nan"),
                                                                "goh=False")

    def result(series: pd.DataFrame, unbounded: bool) -> LVResult:
        return LVResult(pd.Series(rates, index=index, name="r"), frame,
                        None if x_star is None else pd.Series(x_star, index=index,
                                                              name="equilibrium"),
                        feasible, None if jacobian is None else
                        pd.DataFrame(jacobian, index=index, columns=index),
                        eigenvalues, locally_stable, certificate, bounded, unbounded, series)

    empty = pd.DataFrame(columns=index, index=pd.Index([], name="t"), dtype=float)
    if certainly_unbounded:
        if on_unbounded == "raise":
            raise UnboundedGrowthError(unbounded_message(a, labels))
    series, reached = _integrate(a, rates, start, t_end, n_points, method, rtol, atol, ceiling)
    series = pd.DataFrame(series[1], index=pd.Index(series[0], name="t"), columns=index)
    if reached and on_unbounded == "raise":
        raise UnboundedGrowthError(
            f"a population reached ceiling={ceiling:g} at t = {series.index[-1]:.6g}: "
            "unbounded growth; check the mutual benefits against self-limitation (or pass "
            "on_unbounded='flag')")
    return result(series if len(series) else empty, certainly_unbounded or reached)


class _Ceiling:
    """The event of :func:`scipy.integrate.solve_ivp` that ends a run when the largest log
    level rises through ``log_ceiling``."""

    terminal = True
    direction = 1.0

    def __init__(self, log_ceiling: float):
        self.log_ceiling = log_ceiling

    def __call__(self, _t: float, y: np.ndarray) -> float:
        return float(y.max() - self.log_ceiling)


def _integrate(a: np.ndarray, rates: np.ndarray, start: np.ndarray, t_end: float,
               n_points: int, method: str, rtol: float, atol: float, ceiling: float
               ) -> tuple[tuple[np.ndarray, np.ndarray], bool]:
    alive = start > 0
    sub_a, sub_r = a[np.ix_(alive, alive)], rates[alive]
    log_ceiling = np.log(ceiling)

    def rhs(_t: float, y: np.ndarray) -> np.ndarray:
        return sub_r + sub_a @ np.exp(y)

    def jac(_t: float, y: np.ndarray) -> np.ndarray:
        return sub_a * np.exp(y)[None, :]

    hits_ceiling = _Ceiling(float(log_ceiling))
    times = np.linspace(0.0, t_end, n_points)
    implicit = {"jac": jac} if method in ("Radau", "BDF", "LSODA") else {}
    solution = solve_ivp(rhs, (0.0, t_end), np.log(start[alive]), method=method, t_eval=times,
                         rtol=rtol, atol=atol, events=hits_ceiling, **implicit)
    if solution.status == -1:
        raise IntegrationError(f"solve_ivp ({method}) failed: {solution.message}")
    reached = solution.status == 1
    t, y = solution.t, solution.y
    if reached:  # keep the moment the ceiling was hit as the last row
        t = np.append(t, solution.t_events[0][0])
        y = np.column_stack([y, solution.y_events[0][0]])
    values = np.zeros((len(t), len(start)))
    values[:, alive] = np.exp(y.T)
    return (t, values), reached
