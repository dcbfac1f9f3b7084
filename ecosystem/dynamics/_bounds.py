"""Bounded or unbounded growth of ``x' = x (r + A x)`` (the mutualism test).

The rule is stated in the module text of :mod:`ecosystem.dynamics._glv`
("Unbounded growth"): Kamke's comparison with the cooperative majorant of A,
the spectral abscissa mu compared with 0 at a relative tolerance, and at the
boundary mu = 0 the sign of ``w . r`` for the left null vector w of A.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["mutualism_bounded", "unbounded_message"]


def mutualism_bounded(a: np.ndarray, r: Sequence[float] | np.ndarray | None = None
                      ) -> tuple[bool, bool]:
    """``(bounded, unbounded)``: whether the comparison test proves every orbit of
    ``x' = x (r + A x)`` bounded, and whether A (pure mutualism) is certainly unbounded
    (see the module text; the boundary case needs the growth rates ``r``, and without
    them is neither).

    Examples
    --------
    >>> mutualism_bounded(np.array([[-1.0, 0.5], [0.5, -1.0]]))   # b12 b21 < s1 s2
    (True, False)
    >>> mutualism_bounded(np.array([[-1.0, 2.0], [1.0, -1.0]]))   # b12 b21 > s1 s2
    (False, True)
    >>> boundary = np.array([[-1.0, 3.0], [1 / 3, -1.0]])         # b12 b21 = s1 s2
    >>> mutualism_bounded(boundary, r=[1.0, 1.0]), mutualism_bounded(boundary, r=[-1.0, 0.2])
    ((False, True), (False, False))
    """
    a = np.asarray(a, dtype=float)
    off = ~np.eye(len(a), dtype=bool)
    majorant = np.where(off, np.maximum(a, 0.0), a)
    mu = float(np.linalg.eigvals(majorant).real.max())
    tolerance = 1e-9 * max(1.0, float(np.abs(a).max()))
    if mu < -tolerance:
        return True, False
    if not (a[off] >= 0).all():
        return False, False
    if mu > tolerance:
        return False, True
    if r is None:
        return False, False
    values, vectors = np.linalg.eig(a.T)
    w = np.abs(vectors[:, np.argmax(values.real)].real)  # the Perron vector, made >= 0
    rates = np.broadcast_to(np.asarray(r, dtype=float), (len(a),))
    return False, bool(w @ rates > tolerance * np.abs(w) @ np.abs(rates))


def unbounded_message(a: np.ndarray, labels: list[str]) -> str:
    """The :class:`UnboundedGrowthError` text for A: what grows and what to change."""
    if len(a) == 2:
        b12, b21, s1, s2 = a[0, 1], a[1, 0], -a[0, 0], -a[1, 1]
        how = (">" if b12 * b21 > s1 * s2 * (1 + 1e-9) else
               "= (the boundary) with growth rates pushing outward:")
        return (f"unbounded mutualism: b12 b21 = {b12 * b21:.6g} {how} s1 s2 = {s1 * s2:.6g}, "
                f"so {labels[0]} and {labels[1]} grow without bound; weaken the mutual benefits "
                "or strengthen self-limitation (or pass on_unbounded='flag')")
    unlimited = [labels[i] for i in np.flatnonzero(np.diag(a) >= 0)]
    if unlimited:
        return (f"unbounded growth: population(s) {unlimited[:5]} have no self-limitation "
                "(A_ii >= 0) and nothing holds them back; give every population A_ii < 0 "
                "(or pass on_unbounded='flag')")
    return ("unbounded mutualism: the mutualistic interaction matrix is not stable (an "
            "eigenvalue with real part >= 0), so the populations grow without bound; weaken "
            "mutual benefits or strengthen self-limitation (or pass on_unbounded='flag')")
