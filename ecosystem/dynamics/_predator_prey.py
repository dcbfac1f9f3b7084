"""Qian's upstream-downstream predator-prey model (Qian, §3, equations 1-2).

Upstream enterprise A (output ``x1``) grows at rate ``a1`` and is "eaten" by
downstream enterprise B's purchases at rate ``b1``; B (output ``x2``) shrinks
at rate ``a2`` without A's products and converts what it buys into its own
output with efficiency ``b2``:

.. math:: \\dot x_1 = a_1 x_1 - b_1 x_1 x_2, \\qquad
          \\dot x_2 = -a_2 x_2 + b_1 b_2 x_1 x_2.

The interior equilibrium is ``E = (a2 / (b1 b2), a1 / b1)``; the Jacobian
there is ``[[0, -a2/b2], [a1 b2, 0]]`` with eigenvalues ``+-i sqrt(a1 a2)``
(a centre: closed orbits around E, small ones of period
``2 pi / sqrt(a1 a2)``), and the origin is a saddle (eigenvalues ``a1``,
``-a2``). Every orbit keeps the classical Lotka-Volterra quantity

.. math:: H = b_1 b_2 (x_1 - x_1^*) - a_2 \\ln(x_1/x_1^*)
            + b_1 (x_2 - x_2^*) - a_1 \\ln(x_2/x_2^*) \\ge 0,

zero only at E, so its drift along a numerical solution measures the
integration error.

Sensitivity of the equilibrium, and where it contradicts the paper
------------------------------------------------------------------
From ``x1* = a2 / (b1 b2)`` and ``x2* = a1 / b1`` (Qian's own E):

=====  ==================  ===============  ============  ============
param  dx1*/dparam         dx2*/dparam      elasticity    elasticity
                                            of x1*        of x2*
=====  ==================  ===============  ============  ============
a1     0                   1 / b1           0             +1
a2     1 / (b1 b2)         0                +1            0
b1     -a2 / (b1^2 b2)     -a1 / b1^2       -1            -1
b2     -a2 / (b1 b2^2)     0                -1            0
=====  ==================  ===============  ============  ============

Qian (§3) writes that when b1 and b2 increase "the inventory of upstream
enterprises at the equilibrium point decreases, and the corresponding output
scale of downstream enterprises increases, which is beneficial to both
enterprises". The first half holds (x1* falls with b1 and with b2); the
second does not follow from the paper's own equilibrium: x2* = a1 / b1 *falls*
as b1 rises (doubling b1 halves it) and does not depend on b2 at all.
:meth:`PredatorPreyResult.sensitivity` reports these derivatives with their
signs at the fitted parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd
from scipy.integrate import solve_ivp

from .._errors import ParameterError
from .._memory import check_allocation
from .._result import Result
from ._common import IntegrationError, check_time, positive

__all__ = ["PredatorPreyResult", "predator_prey"]


@dataclass(frozen=True)
class PredatorPreyResult(Result):
    """Analysis and trajectory of Qian's predator-prey model.

    Attributes
    ----------
    a1, a2, b1, b2 : float
        The parameters (Qian's notation).
    equilibrium : tuple of float
        ``E = (a2 / (b1 b2), a1 / b1)``.
    jacobian : ndarray
        The 2 x 2 Jacobian at E.
    eigenvalues : ndarray
        Its eigenvalues (computed with numpy, positive imaginary part first):
        ``+-i sqrt(a1 a2)`` up to rounding.
    period : float
        ``2 pi / sqrt(a1 a2)``, the period of small oscillations around E
        (larger orbits take longer).
    series : DataFrame
        Columns ``t``, ``x1`` (upstream), ``x2`` (downstream) and ``H`` (the
        conserved quantity).
    conserved_drift : float
        ``max |H(t) - H(0)| / H(0)`` (the absolute drift if the start is E).
    """

    a1: float
    a2: float
    b1: float
    b2: float
    equilibrium: tuple[float, float]
    jacobian: np.ndarray = field(repr=False)
    eigenvalues: np.ndarray
    period: float
    series: pd.DataFrame = field(repr=False)
    conserved_drift: float

    def rates(self, x1: np.ndarray | float, x2: np.ndarray | float
              ) -> tuple[np.ndarray, np.ndarray]:
        """``(dx1/dt, dx2/dt)`` at the given outputs (equations 1 and 2)."""
        x1, x2 = np.asarray(x1, dtype=float), np.asarray(x2, dtype=float)
        return (self.a1 * x1 - self.b1 * x1 * x2,
                -self.a2 * x2 + self.b1 * self.b2 * x1 * x2)

    def conserved(self, x1: np.ndarray | float, x2: np.ndarray | float) -> np.ndarray:
        """The conserved quantity H (0 at E, positive elsewhere in the open quadrant)."""
        return _conserved(self.a1, self.a2, self.b1, self.b2, x1, x2)

    def sensitivity(self) -> pd.DataFrame:
        """How the equilibrium E moves with each parameter, with signs.

        Returns a DataFrame indexed by parameter (``a1``, ``a2``, ``b1``,
        ``b2``) with the partial derivatives ``dx1`` and ``dx2`` of
        ``x1* = a2/(b1 b2)`` and ``x2* = a1/b1``, the elasticities
        ``elasticity_x1`` and ``elasticity_x2`` (per cent change of the
        equilibrium per per cent change of the parameter: 0 or +-1 here) and
        the signs ``sign_x1`` and ``sign_x2`` (``"+"``, ``"-"`` or ``"0"``).
        Raising b1 lowers both x1* and x2*, which contradicts Qian's reading
        that it benefits both enterprises (see the module docstring).

        Examples
        --------
        >>> fit = predator_prey(a1=1.0, a2=0.5, b1=0.02, b2=0.5, x0=(40.0, 60.0))
        >>> fit.sensitivity()[["dx1", "dx2", "sign_x1", "sign_x2"]]
                 dx1   dx2 sign_x1 sign_x2
        param
        a1       0.0   50.0       0       +
        a2     100.0    0.0       +       0
        b1   -2500.0 -2500.0       -       -
        b2    -100.0    0.0       -       0
        >>> predator_prey(1.0, 0.5, 0.04, 0.5, (40.0, 60.0)).equilibrium  # b1 doubled
        (25.0, 25.0)
        """
        a1, a2, b1, b2 = self.a1, self.a2, self.b1, self.b2
        dx1 = np.array([0.0, 1.0 / (b1 * b2), -a2 / (b1 ** 2 * b2), -a2 / (b1 * b2 ** 2)])
        dx2 = np.array([1.0 / b1, 0.0, -a1 / b1 ** 2, 0.0])
        values = np.array([a1, a2, b1, b2])
        e1, e2 = self.equilibrium

        def sign(x: np.ndarray) -> list[str]:
            return ["+" if v > 0 else "-" if v < 0 else "0" for v in x]

        return pd.DataFrame({"dx1": dx1, "dx2": dx2, "elasticity_x1": dx1 * values / e1,
                             "elasticity_x2": dx2 * values / e2, "sign_x1": sign(dx1),
                             "sign_x2": sign(dx2)},
                            index=pd.Index(["a1", "a2", "b1", "b2"], name="param"))

    def equilibria(self) -> pd.DataFrame:
        """Both equilibria with their Jacobian eigenvalues and kind."""
        e1, e2 = self.equilibrium
        root = np.sqrt(self.a1 * self.a2)
        return pd.DataFrame(
            {"x1": [0.0, e1], "x2": [0.0, e2],
             "eigenvalue_1": [complex(self.a1), complex(0.0, root)],
             "eigenvalue_2": [complex(-self.a2), complex(0.0, -root)],
             "kind": ["saddle", "centre"]}, index=pd.Index(["origin", "E"], name="equilibrium"))

    def summary(self) -> pd.DataFrame:
        """Both equilibria with their eigenvalues and kind: :meth:`equilibria`."""
        return self.equilibria()

    def headline(self) -> str:
        return (f"predator-prey (a1={self.a1:g}, a2={self.a2:g}, b1={self.b1:g}, b2={self.b2:g}): "
                f"small orbits of period {self.period:.4g}, conserved-quantity drift "
                f"{self.conserved_drift:.2g}")

    def phase_portrait(self, grid: int = 15, span: float = 2.0) -> pd.DataFrame:
        """The vector field on a ``grid`` x ``grid`` lattice for a phase plot.

        The lattice covers ``(0, span x1*] x (0, span x2*]``. Columns ``x1``,
        ``x2``, ``dx1``, ``dx2`` and ``H``; plot the arrows with
        ``matplotlib.pyplot.quiver(x1, x2, dx1, dx2)`` and the orbit with
        ``series.x1, series.x2``. The nullclines are ``x2 = a1/b1`` (where
        x1 stops changing) and ``x1 = a2/(b1 b2)`` (where x2 does).
        """
        if not isinstance(grid, (int, np.integer)) or grid < 2:
            raise ParameterError(f"grid must be a whole number >= 2, got {grid!r}")
        span = positive(span, "span")
        # the lattice, the rates, H, their temporaries and the frame's five columns
        check_allocation(16 * 8.0 * float(grid) ** 2, f"a {int(grid):,} x {int(grid):,} phase "
                         "portrait", "use a smaller grid")
        e1, e2 = self.equilibrium
        x1, x2 = np.meshgrid(np.linspace(e1 * span / grid, e1 * span, grid),
                             np.linspace(e2 * span / grid, e2 * span, grid))
        dx1, dx2 = self.rates(x1, x2)
        return pd.DataFrame({"x1": x1.ravel(), "x2": x2.ravel(), "dx1": dx1.ravel(),
                             "dx2": dx2.ravel(), "H": self.conserved(x1, x2).ravel()})


def _conserved(a1: float, a2: float, b1: float, b2: float, x1, x2) -> np.ndarray:
    e1, e2 = a2 / (b1 * b2), a1 / b1
    x1, x2 = np.asarray(x1, dtype=float), np.asarray(x2, dtype=float)
    return b1 * b2 * (x1 - e1) - a2 * np.log(x1 / e1) + b1 * (x2 - e2) - a1 * np.log(x2 / e2)


def _jacobian(a1: float, a2: float, b1: float, b2: float, x1: float, x2: float) -> np.ndarray:
    """The Jacobian of equations 1-2 at (x1, x2); at E it is [[0, -a2/b2], [a1 b2, 0]]."""
    return np.array([[a1 - b1 * x2, -b1 * x1], [b1 * b2 * x2, -a2 + b1 * b2 * x1]])


def predator_prey(a1: float, a2: float, b1: float, b2: float, x0: Sequence[float],
                  t_end: float | None = None, *, n_points: int = 1001,
                  method: str = "DOP853", rtol: float = 1e-10, atol: float = 1e-12
                  ) -> PredatorPreyResult:
    """Analyse and integrate Qian's upstream-downstream predator-prey model.

    Parameters
    ----------
    a1 : float
        Growth rate of the upstream enterprise A alone (> 0).
    a2 : float
        Rate at which the downstream enterprise B declines without A (> 0).
    b1 : float
        B's purchase rate of A's products (> 0).
    b2 : float
        B's efficiency in converting purchased products into its own (> 0).
    x0 : pair of float
        Initial outputs ``(x1, x2)`` of A and B, both > 0.
    t_end : float, optional
        Length of the simulation; three small-oscillation periods by default.
    n_points : int
        Number of evenly spaced output times, from 0 to ``t_end``.
    method, rtol, atol
        Passed to :func:`scipy.integrate.solve_ivp`. The tight defaults keep
        the relative drift of the conserved quantity near 1e-9.

    Returns
    -------
    PredatorPreyResult

    Raises
    ------
    ParameterError
        A parameter that is not a finite number > 0, or a bad ``x0``.
    IntegrationError
        If solve_ivp fails.

    Examples
    --------
    >>> fit = predator_prey(a1=1.0, a2=0.5, b1=0.02, b2=0.5, x0=(40.0, 60.0))
    >>> fit.equilibrium          # (a2 / (b1 b2), a1 / b1)
    (50.0, 50.0)
    >>> fit.eigenvalues.round(4)  # +-i sqrt(a1 a2)
    array([0.+0.7071j, 0.-0.7071j])
    >>> round(fit.period, 4)
    8.8858
    >>> fit.conserved_drift < 1e-8
    True
    >>> fit.series.columns.tolist()
    ['t', 'x1', 'x2', 'H']
    >>> fit.phase_portrait(grid=10).shape
    (100, 5)
    """
    a1, a2, b1, b2 = (positive(v, n) for v, n in ((a1, "a1"), (a2, "a2"), (b1, "b1"),
                                                   (b2, "b2")))
    try:
        start = np.asarray(x0, dtype=float) if not isinstance(x0, str) else np.array([np.nan])
    except (TypeError, ValueError):
        start = np.array([np.nan])
    if start.shape != (2,) or not np.isfinite(start).all() or (start <= 0).any():
        raise ParameterError(f"x0 must be two finite outputs > 0 (x1 upstream, x2 downstream), "
                             f"got {x0!r}")
    period = 2.0 * np.pi / np.sqrt(a1 * a2)
    t_end, n_points = check_time(3.0 * period if t_end is None else t_end, n_points)
    e1, e2 = a2 / (b1 * b2), a1 / b1
    jacobian = _jacobian(a1, a2, b1, b2, e1, e2)
    # computed, not written down, so that tests can hold them to +-i sqrt(a1 a2)
    eigenvalues = np.linalg.eigvals(jacobian)
    eigenvalues = eigenvalues[np.argsort(-eigenvalues.imag)]

    def rates(_t: float, x: np.ndarray) -> np.ndarray:
        return np.array([a1 * x[0] - b1 * x[0] * x[1], -a2 * x[1] + b1 * b2 * x[0] * x[1]])

    def jac(_t: float, x: np.ndarray) -> np.ndarray:
        return _jacobian(a1, a2, b1, b2, x[0], x[1])

    times = np.linspace(0.0, t_end, n_points)
    implicit = {"jac": jac} if method in ("Radau", "BDF", "LSODA") else {}
    solution = solve_ivp(rates, (0.0, t_end), start, method=method, t_eval=times, rtol=rtol,
                         atol=atol, **implicit)
    if not solution.success:
        raise IntegrationError(f"solve_ivp ({method}) failed: {solution.message}")
    x1, x2 = solution.y
    h = _conserved(a1, a2, b1, b2, x1, x2)
    drift = np.abs(h - h[0]).max()
    series = pd.DataFrame({"t": solution.t, "x1": x1, "x2": x2, "H": h})
    return PredatorPreyResult(a1, a2, b1, b2, (e1, e2), jacobian, eigenvalues, float(period),
                              series, float(drift / h[0] if h[0] > 0 else drift))
