"""The spectral radius of the flow operator: does a steady state exist?

The block operator ``A`` (see :mod:`._model`) is non-negative, so Perron-
Frobenius theory gives cheap certificates before any eigenvalue is computed:

* ``rho(A) <= min(||A||_1, ||A||_inf)`` (any induced norm bounds the radius);
* ``rho(A) <= max_i (A v)_i / v_i`` for every positive vector ``v``
  (the Collatz-Wielandt upper bound; Horn & Johnson, *Matrix Analysis*, 2nd ed.,
  Theorem 8.1.26). Power iteration makes ``v`` approach the Perron vector and
  the bound approach ``rho(A)``.

Only when neither certifies ``rho(A) < 1`` is the radius itself computed.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse.linalg as sla

from ._model import FLOWS, FlowModel

__all__ = ["spectral_radius", "collatz_wielandt_upper"]

#: Up to this many unknowns (4n) the exact radius comes from dense eigenvalues: their cost
#: grows with size^3, and beyond this size it dominates a steady state on a loaded machine.
_DENSE_EIG_LIMIT = 600
#: Power-iteration steps spent on the Collatz-Wielandt certificate.
_POWER_STEPS = 200
#: Lanczos/Arnoldi restarts allowed to ARPACK before falling back on the certificate.
_ARPACK_MAXITER = 3_000


def collatz_wielandt_upper(model: FlowModel, steps: int = _POWER_STEPS,
                           stop_below: float = 0.0) -> float:
    """An upper bound on the spectral radius from power iteration, in O(steps x links).

    ``max_i (A v + eps)_i / v_i`` over the power iterates ``v`` (all positive);
    adding ``eps = 1e-12 sum(v)`` to every entry is the ratio of ``A + eps J``,
    which is >= ``A``, so the bound stays valid while ``v`` never hits 0.
    Stops early once the bound is below ``stop_below``.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> from ecosystem.flows import flow_model
    >>> eco = Ecosystem()
    >>> eco.add_members_from(pd.DataFrame({"id": ["a", "b"], "role": "supplier"}))
    >>> eco.link("a", "b", "information")
    >>> eco.link("b", "a", "information")
    >>> model = flow_model(eco, conversion=np.eye(4), damping=0.5)
    >>> round(collatz_wielandt_upper(model), 9)    # a 2-cycle: radius = damping
    0.5
    """
    v = np.ones(len(FLOWS) * model.n)
    upper = np.inf
    for _ in range(steps):  # power iteration: each iterate needs the previous one
        w = model.apply(v) + 1e-12 * v.sum()
        upper = min(upper, float((w / v).max()))
        if upper < stop_below:
            break
        v = w / w.sum()
    return upper


def spectral_radius(model: FlowModel, tol: float = 1e-9) -> tuple[float, str]:
    """The spectral radius of the block operator, or an upper bound below 1, and how.

    In order, stopping at the first that settles whether the radius is below 1:

    1. ``min(||A||_1, ||A||_inf)`` (O(links));
    2. the Collatz-Wielandt bound of :func:`collatz_wielandt_upper` (a few
       hundred operator products at most);
    3. dense eigenvalues for up to 600 unknowns (4n), otherwise ARPACK
       (:func:`scipy.sparse.linalg.eigs`); if ARPACK does not converge, the
       Collatz-Wielandt bound is returned.

    So the first number is exact only in case 3; in cases 1-2 it is a
    certificate that the radius is below 1.

    Returns
    -------
    (radius, how) : (float, str)

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> from ecosystem.flows import flow_model
    >>> eco = Ecosystem()
    >>> eco.add_members_from(pd.DataFrame({"id": ["a", "b"], "role": "supplier"}))
    >>> eco.link("a", "b", "information")
    >>> eco.link("b", "a", "information")
    >>> spectral_radius(flow_model(eco, conversion=np.eye(4), damping=0.5))
    (0.5, 'norm bound')
    >>> radius, how = spectral_radius(flow_model(eco, conversion=np.eye(4), damping=1.0))
    >>> round(radius, 12), how
    (1.0, 'dense eigenvalues')
    """
    bound = model.norm_bound()
    if bound < 1:
        return bound, "norm bound"
    upper = collatz_wielandt_upper(model, stop_below=1.0)
    if upper < 1:
        return upper, "Collatz-Wielandt bound"
    size = len(FLOWS) * model.n
    if size <= _DENSE_EIG_LIMIT:
        return float(np.abs(np.linalg.eigvals(model.operator().toarray())).max()), \
            "dense eigenvalues"
    try:
        values = sla.eigs(model.operator(), k=1, which="LM", tol=tol, maxiter=_ARPACK_MAXITER,
                          return_eigenvectors=False, v0=np.ones(size))
    except sla.ArpackNoConvergence:
        return upper, "Collatz-Wielandt upper bound; ARPACK did not converge"
    return float(np.abs(values).max()), "ARPACK estimate"
