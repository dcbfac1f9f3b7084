"""Goh's Lyapunov criterion: a diagonal D > 0 with D A + A^T D negative definite.

Goh, B. S. (1977), "Global stability in many-species systems", *The American
Naturalist* 111: 135-143: if the Lotka-Volterra system ``x' = x (r + A x)``
has a feasible (all positive) equilibrium ``x*`` and such a D exists (A is
*diagonally stable*), then ``V = sum_i d_i (x_i - x*_i - x*_i ln(x_i/x*_i))``
is a Lyapunov function and ``x*`` attracts every positive start.

How D is searched for
---------------------
Deciding diagonal stability is a linear matrix inequality; ecobelt has no
semidefinite solver, so it does this instead:

1. Necessary conditions, which *prove* there is no D when they fail: every
   ``A_ii < 0`` (the diagonal of ``D A + A^T D`` is ``2 d_i A_ii``) and A
   Hurwitz (a diagonally stable matrix is stable).
2. Closed-form candidates: ``D = I`` (enough when the symmetric part of A is
   negative definite, for example symmetric competition), and, when every
   off-diagonal entry is >= 0 (pure mutualism; A Hurwitz there makes -A an
   M-matrix), ``d_i = w_i / u_i`` with ``A u = -1`` and ``A^T w = -1``, which
   always works for such matrices (Rantzer, A. (2015), "Scalable control of
   positive systems", *European Journal of Control* 24: 72-80, Proposition 1).
3. Otherwise a local search: the largest eigenvalue of ``D A + A^T D`` is a
   convex function of ``d`` on the simplex ``sum d = 1``; it is minimised
   with L-BFGS-B over ``d = softmax(z)``, from the uniform D and from the
   candidates above. A negative minimum is a certificate.

"not found" after step 3 means the search was inconclusive, not that no D
exists. Any D reported is checked: the largest eigenvalue of
``D A + A^T D`` (with ``sum d = 1``) is reported alongside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from .._result import Result
from .._threads import single_blas_thread

__all__ = ["GohCertificate", "goh_certificate"]


@dataclass(frozen=True)
class GohCertificate(Result):
    """The outcome of the search for Goh's diagonal D.

    Attributes
    ----------
    status : str
        ``"found"`` (D is a certificate), ``"impossible"`` (a necessary
        condition fails; ``reason`` says which), ``"not found"`` (the
        search was inconclusive) or ``"skipped"`` (not searched).
    d : ndarray or None
        The diagonal of D, scaled to sum to 1, when found.
    max_eigenvalue : float
        Largest eigenvalue of ``D A + A^T D`` for the best D tried (< 0 when
        found; NaN when impossible).
    reason : str
        How D was found, or why it cannot exist.
    """

    status: str
    d: np.ndarray | None
    max_eigenvalue: float
    reason: str

    @property
    def found(self) -> bool:
        """Whether D is a certificate of diagonal stability."""
        return self.status == "found"

    def summary(self) -> pd.DataFrame:
        """One row: ``status``, ``max_eigenvalue`` and ``reason``."""
        return pd.DataFrame({"status": [self.status], "max_eigenvalue": [self.max_eigenvalue],
                             "reason": [self.reason]})

    def headline(self) -> str:
        return f"Goh's diagonal D: {self.status}"


def _top_eigenvalue(a: np.ndarray, d: np.ndarray) -> float:
    scaled = d[:, None] * a
    return float(np.linalg.eigvalsh(scaled + scaled.T)[-1])


def _metzler_candidate(a: np.ndarray) -> np.ndarray | None:
    try:
        u = np.linalg.solve(a, -np.ones(len(a)))
        w = np.linalg.solve(a.T, -np.ones(len(a)))
    except np.linalg.LinAlgError:
        return None
    if (u <= 0).any() or (w <= 0).any():
        return None
    return w / u


def _search(a: np.ndarray, starts: list[np.ndarray], tol: float, max_iter: int
            ) -> tuple[np.ndarray, float]:
    n = len(a)
    # log-sum-exp of the eigenvalues smooths the largest one where it is repeated
    def objective(z: np.ndarray) -> tuple[float, np.ndarray]:
        d = np.exp(z - z.max())
        d /= d.sum()
        scaled = d[:, None] * a
        values, vectors = np.linalg.eigh(scaled + scaled.T)
        scale = max(1e-12, 1e-3 * np.abs(values).max())
        weights = np.exp((values - values[-1]) / scale)
        weights /= weights.sum()
        smooth = values[-1] + scale * np.log(np.exp((values - values[-1]) / scale).sum())
        # d(lambda_k)/d(d_i) = 2 v_ki (A v_k)_i, then through the softmax
        grad_d = 2.0 * ((vectors * (a @ vectors)) * weights).sum(axis=1)
        grad_z = d * (grad_d - d @ grad_d)
        return smooth, grad_z

    best_d, best_value = np.full(n, 1.0 / n), np.inf
    for start in starts:
        z0 = np.log(start / start.sum())
        fit = minimize(objective, z0, jac=True, method="L-BFGS-B",
                       options={"maxiter": max_iter, "gtol": 1e-12, "ftol": 1e-15})
        d = np.exp(fit.x - fit.x.max())
        d /= d.sum()
        value = _top_eigenvalue(a, d)
        if value < best_value:
            best_d, best_value = d, value
        if best_value < -tol:
            break
    return best_d, best_value


@single_blas_thread
def goh_certificate(a: np.ndarray, *, tol: float = 1e-10, max_iter: int = 200
                    ) -> GohCertificate:
    """Search for a diagonal D > 0 with ``D A + A^T D`` negative definite.

    See the module text for the method and what each status means.

    Parameters
    ----------
    a : ndarray
        The n x n interaction matrix of ``x' = x (r + A x)``.
    tol : float
        The largest eigenvalue must be below ``-tol`` to count.
    max_iter : int
        Iterations of the local search per start (each costs one symmetric
        eigendecomposition, O(n^3); at most four starts).

    Returns
    -------
    GohCertificate

    Examples
    --------
    A predator-prey pair with self-limitation (not symmetric, so D = I fails):

    >>> cert = goh_certificate(np.array([[-1.0, -4.0], [0.5, -1.0]]))
    >>> cert.status, cert.reason
    ('found', 'minimised the largest eigenvalue over D')
    >>> bool(cert.max_eigenvalue < 0), bool((cert.d > 0).all())
    (True, True)
    >>> goh_certificate(np.array([[-1.0, 2.0], [2.0, -1.0]])).reason
    'A is not stable (largest real part of an eigenvalue 1), so no D exists'
    """
    a = np.asarray(a, dtype=float)
    n = len(a)
    diagonal = np.diag(a)
    if (diagonal >= 0).any():
        i = int(np.argmax(diagonal >= 0))
        return GohCertificate("impossible", None, float("nan"),
                              f"A[{i}, {i}] = {diagonal[i]:g} is not negative, so no D exists")
    abscissa = float(np.linalg.eigvals(a).real.max())
    if abscissa >= 0:
        return GohCertificate("impossible", None, float("nan"),
                              f"A is not stable (largest real part of an eigenvalue "
                              f"{abscissa:.6g}), so no D exists")
    uniform = np.full(n, 1.0 / n)
    candidates = [("D = I", uniform)]
    off_diagonal = a[~np.eye(n, dtype=bool)]
    if (off_diagonal >= 0).all():
        metzler = _metzler_candidate(a)
        if metzler is not None:
            candidates.append(("d = w / u (A u = -1, A^T w = -1)", metzler / metzler.sum()))
    for how, d in candidates:
        value = _top_eigenvalue(a, d)
        if value < -tol:
            return GohCertificate("found", d, value, how)
    d, value = _search(a, [d for _, d in candidates] + [1.0 / np.abs(diagonal)], tol, max_iter)
    if value < -tol:
        return GohCertificate("found", d, value, "minimised the largest eigenvalue over D")
    return GohCertificate("not found", d, value,
                          "the search did not reach a negative eigenvalue (inconclusive)")
