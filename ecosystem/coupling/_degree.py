"""Coupling degrees (standard, and Wang et al. 2021's adjusted) and the ten bands of D."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .._errors import ParameterError

__all__ = ["coupling_degree", "coordination_band", "BANDS", "METHODS"]

#: The coupling degrees :func:`coupling_degree` knows.
METHODS = ("adjusted", "standard")

BANDS: tuple[str, ...] = (
    "extreme disorder",            # [0.0, 0.1)
    "severe disorder",             # [0.1, 0.2)
    "moderate disorder",           # [0.2, 0.3)
    "mild disorder",               # [0.3, 0.4)
    "on the verge of disorder",    # [0.4, 0.5)
    "barely coordinated",          # [0.5, 0.6)
    "primary coordination",        # [0.6, 0.7)
    "intermediate coordination",   # [0.7, 0.8)
    "good coordination",           # [0.8, 0.9)
    "high-quality coordination",   # [0.9, 1.0]
)
_INNER_EDGES = np.arange(1, 10) / 10.0
_METHODS = ("adjusted", "standard")


def coupling_degree(scores: pd.DataFrame | np.ndarray, method: str = "adjusted") -> np.ndarray:
    """Coupling degree C of each row of subsystem scores (see the module text).

    Parameters
    ----------
    scores : DataFrame or 2-D array
        Rows are observations, columns the n >= 2 subsystem scores, in [0, 1].
    method : {"adjusted", "standard"}
        Wang Shujia et al. (2021)'s adjusted degree or the standard one.

    Returns
    -------
    ndarray
        C per row, in [0, 1].

    Examples
    --------
    >>> coupling_degree(np.array([[0.2, 0.8], [0.5, 0.8]]), "standard").round(4)
    array([0.8  , 0.973])
    >>> coupling_degree(np.array([[0.2, 0.8], [0.5, 0.8]]), "adjusted").round(4)
    array([0.3162, 0.6614])
    """
    if method not in METHODS:
        raise ParameterError(f"method must be one of {METHODS}, got {method!r}")
    u = np.asarray(scores, dtype=float)
    if u.ndim != 2 or u.shape[1] < 2:
        raise ParameterError("scores must be a 2-D table with one column per subsystem and at "
                             f"least 2 subsystems, got shape {u.shape}")
    if not np.isfinite(u).all() or (u < 0).any() or (u > 1).any():
        raise ParameterError("subsystem scores must be finite numbers in [0, 1]")
    dead = ~u.any(axis=1)
    if dead.any():
        raise ParameterError(f"row {int(np.argmax(dead))} has every subsystem score 0, where the "
                             "coupling degree is undefined; standardise with shift > 0")
    n = u.shape[1]
    if method == "standard":
        geometric = np.exp(np.log(np.where(u > 0, u, 1.0)).mean(axis=1))
        geometric[(u == 0).any(axis=1)] = 0.0
        return geometric / u.mean(axis=1)
    i, j = np.triu_indices(n, k=1)
    mean_gap = np.abs(u[:, i] - u[:, j]).sum(axis=1) / (n * (n - 1) / 2)
    ratios = np.prod(u / u.max(axis=1, keepdims=True), axis=1) ** (1.0 / (n - 1))
    return np.sqrt((1.0 - mean_gap) * ratios)


def coordination_band(d: float | Sequence[float] | np.ndarray) -> np.ndarray:
    """Band level (1-10) of coupling coordination degrees D.

    Boundary rule: band k covers ``[(k-1)/10, k/10)``, so a D on an edge
    belongs to the upper band (D = 0.5 is "barely coordinated"); the last
    band is ``[0.9, 1]``. D is rounded to 12 decimals first so that a value
    like 0.29999999999999993 from floating-point arithmetic counts as 0.3.
    The names are ``BANDS[level - 1]``.

    Examples
    --------
    >>> coordination_band([0.0, 0.0999, 0.1, 0.5, 0.95, 1.0])
    array([ 1,  1,  2,  6, 10, 10])
    >>> BANDS[6 - 1]
    'barely coordinated'
    """
    d = np.atleast_1d(np.asarray(d, dtype=float))
    if not np.isfinite(d).all() or (d < 0).any() or (d > 1).any():
        raise ParameterError("coupling coordination degrees must be finite numbers in [0, 1]")
    return np.searchsorted(_INNER_EDGES, np.round(d, 12), side="right") + 1
