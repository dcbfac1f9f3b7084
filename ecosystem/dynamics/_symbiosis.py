"""The logistic symbiosis model of industrial-symbiosis studies, as generalized LV."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .._errors import ParameterError
from ._common import UnboundedGrowthError
from ._glv import LVResult, generalized_lv

__all__ = ["symbiosis"]


def symbiosis(r: Sequence[float], N: Sequence[float], sigma: ArrayLike, x0: ArrayLike | None = None,
              t_end: float = 50.0, **kwargs: Any) -> LVResult:
    """The logistic symbiosis model of industrial-symbiosis studies.

    .. math:: \\dot x_i = r_i x_i \\Big(1 - \\frac{x_i}{N_i}
              + \\sum_{j \\ne i} \\sigma_{ij} \\frac{x_j}{N_j}\\Big)

    with carrying capacities ``N_i`` and symbiosis coefficients
    ``sigma_ij`` (> 0 j benefits i, < 0 j harms i). It is the generalized
    LV system with ``A_ii = -r_i / N_i`` and ``A_ij = r_i sigma_ij / N_j``.
    For two populations, ``sigma = (sigma1, sigma2)`` and, when
    ``sigma1 sigma2 < 1``, the equilibrium is

    .. math:: x_1^* = \\frac{N_1 (1 + \\sigma_1)}{1 - \\sigma_1 \\sigma_2}, \\qquad
              x_2^* = \\frac{N_2 (1 + \\sigma_2)}{1 - \\sigma_1 \\sigma_2};

    with both sigmas > 0 and ``sigma1 sigma2 >= 1`` (that is ``b12 b21 >=
    s1 s2``) growth is unbounded (:class:`UnboundedGrowthError`).

    Parameters
    ----------
    r, N : sequence of float
        Growth rates and carrying capacities, all > 0.
    sigma : pair of float or n x n array
        ``(sigma1, sigma2)`` for two populations (sigma1 = effect of x2 on
        x1), or the full matrix (diagonal ignored, must be 0).
    x0 : optional
        Initial populations; 10% of each carrying capacity by default.
    t_end, **kwargs
        As for :func:`generalized_lv`.

    Examples
    --------
    >>> fit = symbiosis(r=[0.5, 0.4], N=[100.0, 80.0], sigma=(0.3, 0.5), t_end=200.0)
    >>> fit.equilibrium.round(2)        # N (1 + sigma) / (1 - sigma1 sigma2)
    population
    x1    152.94
    x2    141.18
    Name: equilibrium, dtype: float64
    >>> symbiosis(r=[0.5, 0.4], N=[100.0, 80.0], sigma=(2.0, 0.6))
    Traceback (most recent call last):
    ...
    ecosystem.UnboundedGrowthError: unbounded mutualism: sigma1 sigma2 = 1.2 ...
    """
    rates = np.asarray(r, dtype=float)
    capacity = np.asarray(N, dtype=float)
    if rates.ndim != 1 or capacity.shape != rates.shape or len(rates) < 2:
        raise ParameterError(f"r and N must be sequences of the same length >= 2, got shapes "
                             f"{rates.shape} and {capacity.shape}")
    for name, values in (("r", rates), ("N", capacity)):
        if not np.isfinite(values).all() or (values <= 0).any():
            raise ParameterError(f"{name} must be finite numbers > 0, got {values.tolist()}")
    n = len(rates)
    s = np.asarray(sigma, dtype=float)
    if s.shape == (2,) and n == 2:
        s = np.array([[0.0, s[0]], [s[1], 0.0]])
    if s.shape != (n, n):
        raise ParameterError(f"sigma must be a pair (two populations) or a {n} x {n} matrix, "
                             f"got shape {s.shape}")
    if not np.isfinite(s).all() or (np.diag(s) != 0).any():
        raise ParameterError("sigma must be finite with a zero diagonal (self-limitation is "
                             "the -x_i/N_i term)")
    a = rates[:, None] * s / capacity[None, :]
    a[np.diag_indices(n)] = -rates / capacity
    if n == 2 and (s[0, 1] > 0 and s[1, 0] > 0 and s[0, 1] * s[1, 0] >= 1
                   and kwargs.get("on_unbounded", "raise") == "raise"):
        raise UnboundedGrowthError(
            f"unbounded mutualism: sigma1 sigma2 = {s[0, 1] * s[1, 0]:.6g} >= 1, that is "
            f"b12 b21 = {a[0, 1] * a[1, 0]:.6g} >= s1 s2 = {a[0, 0] * a[1, 1]:.6g}: both "
            "populations grow without bound (or pass on_unbounded='flag')")
    if x0 is None:
        x0 = 0.1 * capacity
    return generalized_lv(a, r=rates, x0=x0, t_end=t_end, **kwargs)
