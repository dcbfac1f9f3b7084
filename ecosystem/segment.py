"""Fuzzy c-means segmentation of ecosystem members.

Zhang, Yan & Guo (§2.7, formulas 1-3) segment enterprises with fuzzy
c-means (FCM). Its printed formulas have typos, so this module implements the
standard FCM of Bezdek (1981) instead of transcribing them:

* formula 1 writes the distance as :math:`\\lVert y_x - b_x \\rVert` (point and
  centre under the same index, and ``b`` also names the number of clusters);
  it should be the distance of point z to centre x;
* formula 3, :math:`m_{xz} = 1 / \\sum_{x=1}^{b} (\\lVert y_x - b_x \\rVert /
  \\lVert y_z - b_z \\rVert)^{1/a}`, sums over the same index x that its
  left side keeps fixed, scrambles the indices of the ratio (both distances
  should be of point z: to centre x over to centre j), and has the exponent
  1/a where the minimisation gives 2/(a - 1).

The standard FCM minimises

.. math:: J_m = \\sum_{i=1}^{n} \\sum_{k=1}^{c} u_{ik}^m \\lVert x_i - v_k \\rVert^2,
          \\qquad \\sum_k u_{ik} = 1,

by alternating the updates

.. math:: v_k = \\frac{\\sum_i u_{ik}^m x_i}{\\sum_i u_{ik}^m}, \\qquad
          u_{ik} = \\Big[\\sum_{j=1}^{c} (d_{ik} / d_{ij})^{2/(m-1)}\\Big]^{-1}.

A point that coincides with one or more centres (``d_ik = 0``, up to the
rounding of the coordinates) belongs to those centres in equal parts, the
usual limit of the update.
:func:`segment_members` builds the data from members' attributes, their
volumes in the flow layers, or any table of metrics.

References
----------
- Zhang, N., Yan, J. & Guo, L. (year not stated). *Development of E-commerce and
  Innovation of Rural Small and Medium Enterprises*.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real
from typing import Iterable

import numpy as np
import pandas as pd

from ._errors import ParameterError, UnknownMemberError
from ._memory import check_allocation
from ._result import Result
from ._rng import Seed, as_generator
from .graph import Ecosystem

__all__ = ["FuzzyPartition", "fuzzy_cmeans", "member_features", "segment_members"]


@dataclass(frozen=True)
class FuzzyPartition(Result):
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

    def summary(self) -> pd.DataFrame:
        """One row per cluster: its ``size`` (points labelled with it), its total
        membership and its centre."""
        labels = self.labels.value_counts().reindex(self.centres.index, fill_value=0)
        frame = self.centres.copy()
        frame.insert(0, "membership", self.memberships.sum().reindex(self.centres.index).to_numpy())
        frame.insert(0, "size", labels.to_numpy())
        return frame

    def headline(self) -> str:
        state = "converged" if self.converged else "not converged"
        return (f"fuzzy c-means: {len(self.centres)} clusters of {len(self.memberships)} points, "
                f"objective {self.objective:.6g} after {self.n_iter} iterations ({state}), "
                f"partition coefficient {self.partition_coefficient:.3f}")


def _squared_distances(x: np.ndarray, centres: np.ndarray) -> np.ndarray:
    # elementwise form: exact zeros for coinciding points, no threaded BLAS call
    return ((x[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)


def _memberships(d2: np.ndarray, m: float, zero_level: float) -> np.ndarray:
    zero = d2 <= zero_level
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


def _finite_number(value: object) -> bool:
    return (isinstance(value, Real) and not isinstance(value, bool)
            and bool(np.isfinite(float(value))))


def fuzzy_cmeans(data: pd.DataFrame | np.ndarray, n_clusters: int, *, m: float = 2.0,
                 tol: float = 1e-6, max_iter: int = 300,
                 seed: Seed = None,
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
        Stop when no membership changes by more than ``tol`` in an iteration
        (scikit-fuzzy compares the Frobenius norm of the change instead).
    max_iter : int, default 300
        Iteration cap.
    seed : int or Generator, optional
        Seeds the random initial memberships (rows drawn uniformly from the simplex).
    initial_memberships : array (n, c), optional
        Start from these memberships instead (rows must sum to 1; every
        cluster needs some membership).

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
        raise ParameterError(f"data has NaN or infinite values (first in row "
                             f"{frame.index[row]!r}); impute or drop them first")
    n = x.shape[0]
    if not isinstance(n_clusters, (int, np.integer)) or not 2 <= n_clusters <= n:
        raise ParameterError(f"n_clusters must be an integer between 2 and the number of "
                             f"points ({n}), got {n_clusters!r}")
    if not _finite_number(m) or not m > 1:
        raise ParameterError(f"the fuzzifier m must be a finite number > 1, got {m!r}")
    if not _finite_number(tol) or not tol > 0:
        raise ParameterError(f"tol must be a finite number > 0, got {tol!r}")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ParameterError(f"max_iter must be an integer >= 1, got {max_iter!r}")
    # (points x clusters x features) differences and squares in each distance step, and
    # about eight points x clusters arrays (memberships, weights, distances, their updates)
    check_allocation(8.0 * n * n_clusters * (2 * x.shape[1] + 8),
                     f"fuzzy c-means of {n:,} points x {int(n_clusters):,} clusters x "
                     f"{x.shape[1]:,} features", "ask for fewer clusters or features, or "
                     "cluster a sample of the points")
    if initial_memberships is None:
        u = as_generator(seed).dirichlet(np.ones(n_clusters), size=n)
    else:
        try:
            u = np.array(initial_memberships, dtype=float)
        except (TypeError, ValueError):
            u = np.full((0, 0), np.nan)
        if (u.shape != (n, n_clusters) or not np.isfinite(u).all() or (u < 0).any()
                or not np.allclose(u.sum(axis=1), 1) or not (u.sum(axis=0) > 0).all()):
            raise ParameterError(f"initial_memberships must be a ({n}, {n_clusters}) array of "
                                 "non-negative rows summing to 1, every cluster with some "
                                 "membership")
    # a centre closer to a point than the rounding of a weighted mean of coordinates this size
    # coincides with it
    zero_level = max((64 * np.finfo(float).eps * np.abs(x).max()) ** 2, 1e-300)
    history = []
    converged = False
    centres = np.zeros((n_clusters, x.shape[1]))
    # iterations depend on each other: the loop over them is inherent to FCM
    for iteration in range(1, max_iter + 1):  # noqa: B007 (n_iter after the loop)
        weights = u ** m
        mass = weights.sum(axis=0)
        used = mass > 0  # a centre that lost every point keeps its last position
        centres[used] = (weights.T @ x)[used] / mass[used, None]
        d2 = _squared_distances(x, centres)
        history.append(float((weights * d2).sum()))
        new_u = _memberships(d2, m, zero_level)
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


_METRICS = ("in", "out", "links")


def member_features(eco: Ecosystem, names: Iterable[str]) -> pd.DataFrame:
    """A members x features table of attributes and network metrics.

    Each name is a member attribute (missing values are NaN), or a metric of
    a flow layer: ``in:FLOW`` and ``out:FLOW`` (the member's incoming and
    outgoing ``volume`` in that layer, links without one counting 1) and
    ``links:FLOW`` (its number of links in the layer, either way).

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_member("f", "manufacturer", employees=40)
    >>> eco.add_member("p", "platform")
    >>> eco.link("f", "p", "logistics", volume=7.0)
    >>> member_features(eco, ["employees", "out:logistics", "links:logistics"])
       employees  out:logistics  links:logistics
    f       40.0            7.0              1.0
    p        NaN            0.0              1.0
    """
    names = [names] if isinstance(names, str) else list(names)
    if not names:
        raise ParameterError("give at least one feature name")
    members = eco.members()
    columns = {}
    for name in dict.fromkeys(names):
        kind, _, flow = str(name).partition(":")
        if flow and kind in _METRICS:
            if kind == "links":
                a = eco.adjacency(flow, weight=None)
                values = np.asarray(a.sum(axis=0)).ravel() + np.asarray(a.sum(axis=1)).ravel()
            else:
                a = eco.adjacency(flow, weight="volume")
                values = np.asarray(a.sum(axis=0 if kind == "in" else 1)).ravel()
            columns[name] = values.astype(float)
        elif flow:
            raise ParameterError(f"feature {name!r}: a metric is written in:FLOW, out:FLOW or "
                                 "links:FLOW")
        else:
            columns[name] = eco._member_values(name, np.nan).tolist()
    return pd.DataFrame(columns, index=members)


def segment_members(eco: Ecosystem, features: pd.DataFrame | Iterable[str], n_clusters: int, *,
                    members: Iterable[str] | None = None, standardize: bool = True,
                    **options) -> FuzzyPartition:
    """Segment members by attributes or metrics with :func:`fuzzy_cmeans`.

    Parameters
    ----------
    eco : Ecosystem
    features : DataFrame or list of str
        A DataFrame of metrics indexed by member id (for example the output of
        another analysis), or names of numeric member attributes and flow
        metrics (see :func:`member_features`).
    n_clusters : int
    members : iterable of str, optional
        Which members to segment (default: those with a value for every
        feature; members missing one are left out).
    standardize : bool, default True
        Scale each feature to zero mean and unit variance first, so that no
        feature dominates by its units (constant features are left at 0).
    **options
        Passed to :func:`fuzzy_cmeans` (``m``, ``tol``, ``seed``, ...).

    Returns
    -------
    FuzzyPartition
        Memberships indexed by member id; centres in standardized units if
        ``standardize``.

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
            raise UnknownMemberError(f"features has a row for {unknown[0]!r}, which is not a "
                                     "member")
        if not table.index.is_unique:
            raise ParameterError(f"features has repeated rows for members "
                                 f"{table.index[table.index.duplicated()].unique().tolist()[:5]}")
    else:
        table = member_features(eco, features)
    if members is not None:
        members = list(dict.fromkeys([members] if isinstance(members, str) else members))
        for member in members:
            eco.member(member)  # raises UnknownMemberError
        missing = [m for m in members if m not in table.index]
        if missing:
            raise ParameterError(f"no features for members {missing[:5]}")
        table = table.loc[members]
    else:
        table = table.dropna()
    numeric = table.apply(pd.to_numeric, errors="coerce")
    bad = numeric.isna() & table.notna()
    if bad.any().any():
        column = bad.any().idxmax()
        member = bad[column].idxmax()
        raise ParameterError(f"feature {column!r} is not numeric for {member!r} (got "
                             f"{table.loc[member, column]!r})")
    if numeric.isna().any().any():
        column = numeric.isna().any().idxmax()
        raise ParameterError(f"feature {column!r} is missing for member "
                             f"{numeric[column].isna().idxmax()!r}")
    if standardize:
        spread = numeric.std(ddof=0).replace(0.0, 1.0)
        numeric = (numeric - numeric.mean()) / spread
    return fuzzy_cmeans(numeric, n_clusters, **options)
