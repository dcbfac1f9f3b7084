"""The one linear solve behind the steady state: ``(I - A) x = b``.

Small systems are factorised (sparse LU). Large ones are solved without
forming ``A`` by BiCGSTAB (van der Vorst, "Bi-CGSTAB: a fast and smoothly
converging variant of Bi-CG for the solution of nonsymmetric linear systems",
SIAM J. Sci. Stat. Comput. 13(2), 1992), with GMRES from
:mod:`scipy.sparse.linalg` as the fallback when BiCGSTAB breaks down.

BiCGSTAB is written out here rather than taken from scipy because scipy's
version takes its inner products and norms from BLAS level 1 (``np.dot``,
``np.linalg.norm``), and a threaded OpenBLAS spends several times longer than
the arithmetic needs on those 4n-long vectors when the cores are shared: on
the 100,000-member belt scipy's took 1.7-4.6x the CPU time of this one, whose
inner products are plain :func:`numpy.einsum` reductions. With OpenBLAS held
to one thread the two take the same time, but holding it needs a dependency
outside the core set (benchmarks/RESULTS.md, "flows").
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sla

from .._errors import EcosystemError
from ._model import FlowModel

__all__ = ["solve_steady_state", "bicgstab", "DIRECT_LIMIT"]

#: Largest system (4n unknowns) that method="auto" factorises (sparse LU). Above it the
#: iterative solver wins by orders of magnitude: the LU of a small-world supply network with
#: hub platforms fills in (the measurements on a 5,000-firm belt are in
#: benchmarks/RESULTS.md, "flows").
DIRECT_LIMIT = 2_000


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.einsum("i,i->", a, b))


def bicgstab(matvec: Callable[[np.ndarray], np.ndarray], b: np.ndarray, x0: np.ndarray,
             rtol: float, maxiter: int = 2_000) -> tuple[np.ndarray, bool]:
    """Solve ``M x = b`` by unpreconditioned BiCGSTAB; return ``(x, converged)``.

    Stops when the recursively updated residual is at most ``rtol * ||b||``,
    at a breakdown (``rho``, ``omega`` or ``r_hat . v`` becoming 0) or after ``maxiter``
    iterations; ``converged`` is False in the last two cases.

    Examples
    --------
    >>> M = np.array([[4.0, 1.0], [2.0, 3.0]])
    >>> x, converged = bicgstab(lambda v: M @ v, np.array([1.0, 2.0]), np.zeros(2), 1e-12)
    >>> converged, np.allclose(M @ x, [1.0, 2.0])
    (True, True)
    """
    scale = float(np.abs(b).max()) if b.size else 0.0
    if scale == 0.0:
        return np.zeros_like(b, dtype=float), True
    # the system is linear: solving for b / scale keeps the dot products clear of under- and
    # overflow whatever the units of the injections
    b = b / scale
    x = np.array(x0, dtype=float) / scale
    r = b - matvec(x)
    r_hat = r.copy()
    target = rtol * np.sqrt(_dot(b, b))
    if np.sqrt(_dot(r, r)) <= target:
        return x * scale, True
    rho = alpha = omega = 1.0
    v = np.zeros_like(b)
    p = np.zeros_like(b)
    for _ in range(maxiter):  # Krylov iterations: each one needs the previous residual
        rho_next = _dot(r_hat, r)
        if rho_next == 0.0 or omega == 0.0:
            return x * scale, False
        beta = (rho_next / rho) * (alpha / omega)
        rho = rho_next
        p = r + beta * (p - omega * v)
        v = matvec(p)
        projection = _dot(r_hat, v)
        if projection == 0.0:
            return x * scale, False
        alpha = rho / projection
        s = r - alpha * v
        if np.sqrt(_dot(s, s)) <= target:
            return (x + alpha * p) * scale, True
        t = matvec(s)
        tt = _dot(t, t)
        omega = _dot(t, s) / tt if tt > 0 else 0.0
        x += alpha * p + omega * s
        r = s - omega * t
        if np.sqrt(_dot(r, r)) <= target:
            return x * scale, True
    return x * scale, False


def solve_steady_state(model: FlowModel, rhs: np.ndarray, method: str, rtol: float
                       ) -> np.ndarray:
    """``(I - A) x = rhs`` for the block operator ``A`` of ``model`` (flow-major stacking).

    ``method`` is "direct" (sparse LU), "iterative" (BiCGSTAB, then GMRES if
    it stalls) or "auto" (direct up to :data:`DIRECT_LIMIT` unknowns).
    """
    # levels beyond 1.8e308 overflow inside numpy and scipy: their RuntimeWarnings name no
    # cause, so they are silenced here and the caller warns about the non-finite levels
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _solve(model, rhs, method, rtol)


def _solve(model: FlowModel, rhs: np.ndarray, method: str, rtol: float) -> np.ndarray:
    size = rhs.size
    if method == "direct" or (method == "auto" and size <= DIRECT_LIMIT):
        system = sp.csc_array(sp.eye_array(size, format="csc") - model.operator())
        return sla.splu(system).solve(rhs) + 0.0   # + 0.0 turns LU's -0.0 into 0.0 for printing

    def matvec(v: np.ndarray) -> np.ndarray:
        return v - model.apply(v)

    scale = float(np.abs(rhs).max())

    def residual(x: np.ndarray) -> float:
        if not np.isfinite(x).all():
            return np.inf
        r, b = (matvec(x) - rhs) / scale, rhs / scale
        return np.sqrt(_dot(r, r) / _dot(b, b))

    # x0 = b is the first Neumann term, already close when the radius is small
    solution, converged = bicgstab(matvec, rhs, rhs, rtol)
    if converged and not np.isfinite(solution).all():
        return solution  # solved in scaled units; the levels themselves are beyond floats
    if residual(solution) > rtol:
        start = solution if np.isfinite(solution).all() else rhs.copy()
        system = sla.LinearOperator((size, size), matvec=matvec, dtype=float)
        solution, _ = sla.gmres(system, rhs, x0=start, rtol=rtol, atol=0.0, restart=30,
                                maxiter=200)
    if not np.isfinite(solution).all():
        return solution  # overflowed: no residual to judge (the caller names the cause)
    if residual(solution) > 10 * rtol:
        raise EcosystemError(f"the iterative steady-state solve stopped at relative residual "
                             f"{residual(solution):.3g} (asked for {rtol:g}); try "
                             "method='direct' on a smaller ecosystem, or a lower damping")
    return solution
