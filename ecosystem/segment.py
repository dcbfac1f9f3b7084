"""Fuzzy c-means segmentation of ecosystem members.

Seed 001 (Zhang, Yan & Guo, §2.7, formulas 1-3) segments enterprises with fuzzy
c-means (FCM). Its printed update (formula 3) has typos: the exponent is
``1/a`` and the ratio's indices are swapped. This module implements the
standard FCM of Bezdek (1981), which minimises

.. math:: J_m = \\sum_{i=1}^{n} \\sum_{k=1}^{c} u_{ik}^m \\lVert x_i - v_k \\rVert^2,
          \\qquad \\sum_k u_{ik} = 1,

by alternating the updates

.. math:: v_k = \\frac{\\sum_i u_{ik}^m x_i}{\\sum_i u_{ik}^m}, \\qquad
          u_{ik} = \\Big[\\sum_{j=1}^{c} (d_{ik} / d_{ij})^{2/(m-1)}\\Big]^{-1}.

A point that coincides with one or more centres (``d_ik = 0``) belongs to
those centres in equal parts, the usual limit of the update.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from ._errors import ParameterError

__all__ = ["FuzzyPartition", "fuzzy_cmeans", "segment_members"]


@dataclass(frozen=True)
class FuzzyPartition:
    """The result of :func:`fuzzy_cmeans`.

    Attributes
    ----------
    memberships : DataFrame
        n x c degrees of membership (rows sum to 1), indexed like the data.
    centres : DataFrame
        c x d cluster centres, in the data's units.
    objective : float
        The final value of the objective J_m.
    history : ndarray
        J_m after each iteration.
    n_iter : int
        Iterations run.
    converged : bool
        Whether the largest change in a membership fell below ``tol``.
    """

    memberships: pd.DataFrame
    centres: pd.DataFrame
    objective: float
    history: np.ndarray
    n_iter: int
    converged: bool

    @property
    def labels(self) -> pd.Series:
        """The cluster of largest membership for each point."""
        return self.memberships.idxmax(axis=1).rename("segment")

    @property
    def partition_coefficient(self) -> float:
        """Bezdek's partition coefficient: mean of squared memberships, 1/c (fuzzy) to 1 (crisp)."""
        u = self.memberships.to_numpy()
        return float((u ** 2).sum() / u.shape[0])

    @property
    def partition_entropy(self) -> float:
        """Bezdek's partition entropy: 0 (crisp) to log(c) (fuzzy)."""
        u = self.memberships.to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(u > 0, u * np.log(u), 0.0)
        return float(-terms.sum() / u.shape[0])


def _squared_distances(x: np.ndarray, centres: np.ndarray) -> np.ndarray:
    # elementwise form: exact zeros for coinciding points, no threaded BLAS call
    return ((x[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)


def _memberships(d2: np.ndarray, m: float) -> np.ndarray:
    zero = d2 <= 1e-300
    # ratios to the row's nearest centre lie in (0, 1]: no overflow for tiny distances
    nearest = np.where(zero, np.inf, d2).min(axis=1, keepdims=True)
    # rows with a coinciding centre produce inf/nan here and are replaced just below
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        inverse = np.where(zero, 0.0, (nearest / d2) ** (1.0 / (m - 1.0)))
        u = inverse / inverse.sum(axis=1, keepdims=True)
    hit = zero.any(axis=1)
    if hit.any():
        u[hit] = zero[hit] / zero[hit].sum(axis=1, keepdims=True)
    return u


def fuzzy_cmeans(data: pd.DataFrame | np.ndarray, n_clusters: int, *, m: float = 2.0,
                 tol: float = 1e-6, max_iter: int = 300,
                 seed: int | np.random.Generator | None = None,
                 initial_memberships: np.ndarray | None = None) -> FuzzyPartition:
    """Fuzzy c-means clustering (standard Bezdek update).

    Parameters
    ----------
    data : DataFrame or array of shape (n, d)
        One row per point; numeric, without NaN.
    n_clusters : int
        Number of clusters c, 2 <= c <= n.
    m : float, default 2.0
        Fuzzifier, m > 1 (m -> 1 approaches k-means).
    tol : float, default 1e-6
        Stop when no membership changes by more than ``tol`` in an iteration.
    max_iter : int, default 300
        Iteration cap.
    seed : int or Generator, optional
        Seeds the random initial memberships (rows drawn uniformly from the simplex).
    initial_memberships : array (n, c), optional
        Start from these memberships instead (rows must sum to 1).

    Returns
    -------
    FuzzyPartition

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = np.vstack([rng.normal(0, 0.1, (20, 2)), rng.normal(5, 0.1, (20, 2))])
    >>> fit = fuzzy_cmeans(x, 2, seed=1)
    >>> fit.converged, fit.labels.iloc[:20].nunique(), fit.labels.iloc[20:].nunique()
    (True, 1, 1)
    >>> bool(np.allclose(fit.memberships.sum(axis=1), 1.0))
    True
    """
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(np.asarray(data))
    try:
        x = frame.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ParameterError("fuzzy_cmeans needs numeric data; convert or drop the "
                             "non-numeric columns first") from None
    if x.ndim != 2 or x.shape[0] == 0:
        raise ParameterError(f"data must be a non-empty 2-D table, got shape {x.shape}")
    if not np.isfinite(x).all():
        row = int(np.argwhere(~np.isfinite(x))[0, 0])
        raise ParameterError(f"data has NaN or infinite values (first in row {frame.index[row]!r}); "
                             "impute or drop them first")
    n = x.shape[0]
    if not isinstance(n_clusters, (int, np.integer)) or not 2 <= n_clusters <= n:
        raise ParameterError(f"n_clusters must be an integer between 2 and the number of "
                             f"points ({n}), got {n_clusters!r}")
    if not m > 1:
        raise ParameterError(f"the fuzzifier m must be > 1, got {m!r}")
    if not tol > 0 or max_iter < 1:
        raise ParameterError("tol must be > 0 and max_iter >= 1")
    if initial_memberships is None:
        u = np.random.default_rng(seed).dirichlet(np.ones(n_clusters), size=n)
    else:
        u = np.array(initial_memberships, dtype=float)
        if u.shape != (n, n_clusters) or (u < 0).any() or not np.allclose(u.sum(axis=1), 1):
            raise ParameterError(f"initial_memberships must be a ({n}, {n_clusters}) array of "
                                 "non-negative rows summing to 1")
    history = []
    converged = False
    centres = np.zeros((n_clusters, x.shape[1]))
    # iterations depend on each other: the loop over them is inherent to FCM
    for iteration in range(1, max_iter + 1):
        weights = u ** m
        mass = weights.sum(axis=0)
        used = mass > 0  # a centre that lost every point keeps its last position
        centres[used] = (weights.T @ x)[used] / mass[used, None]
        d2 = _squared_distances(x, centres)
        history.append(float((weights * d2).sum()))
        new_u = _memberships(d2, m)
        change = np.abs(new_u - u).max()
        u = new_u
        if change < tol:
            converged = True
            break
    d2 = _squared_distances(x, centres)
    labels = [f"segment_{k}" for k in range(n_clusters)]
    return FuzzyPartition(
        memberships=pd.DataFrame(u, index=frame.index, columns=labels),
        centres=pd.DataFrame(centres, index=labels, columns=frame.columns),
        objective=float(((u ** m) * d2).sum()),
        history=np.array(history), n_iter=iteration, converged=converged)


def segment_members(eco, features: pd.DataFrame | Iterable[str], n_clusters: int, *,
                    members: Iterable[str] | None = None, standardize: bool = True,
                    **options) -> FuzzyPartition:
    """Segment members by attributes or metrics with :func:`fuzzy_cmeans`.

    Parameters
    ----------
    eco : Ecosystem
    features : DataFrame or list of str
        A DataFrame of metrics indexed by member id (for example the output of
        another analysis), or names of numeric member attributes.
    n_clusters : int
    members : iterable of str, optional
        Which members to segment (default: those with every feature).
    standardize : bool, default True
        Scale each feature to zero mean and unit variance first, so that no
        feature dominates by its units (constant features are left at 0).
    **options
        Passed to :func:`fuzzy_cmeans` (``m``, ``tol``, ``seed``, ...).

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for i, size in enumerate([1, 2, 1, 50, 52, 49]):
    ...     eco.add_member(f"f{i}", "manufacturer", employees=size)
    >>> fit = segment_members(eco, ["employees"], 2, seed=0)
    >>> fit.labels.tolist().count(fit.labels["f0"])
    3
    """
    if isinstance(features, pd.DataFrame):
        table = features
        unknown = [m for m in table.index if m not in eco]
        if unknown:
            raise ParameterError(f"features has rows for members not in the ecosystem: "
                                 f"{unknown[:5]}")
    else:
        names = list(features)
        if not names:
            raise ParameterError("give at least one feature name")
        rows = {m: [d.get(name, np.nan) for name in names] for m, d in eco.graph.nodes(data=True)}
        table = pd.DataFrame.from_dict(rows, orient="index", columns=names)
    if members is not None:
        members = list(members)
        missing = [m for m in members if m not in table.index]
        if missing:
            raise ParameterError(f"no features for members {missing[:5]}")
        table = table.loc[members]
    else:
        table = table.dropna()
    table = table.apply(pd.to_numeric, errors="coerce")
    if table.isna().any().any():
        bad = table.columns[table.isna().any()].tolist()
        raise ParameterError(f"features {bad} have non-numeric or missing values for the "
                             "chosen members")
    if standardize:
        spread = table.std(ddof=0).replace(0.0, 1.0)
        table = (table - table.mean()) / spread
    return fuzzy_cmeans(table, n_clusters, **options)
