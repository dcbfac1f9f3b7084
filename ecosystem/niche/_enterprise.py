"""Enterprise-niche measures of the Chinese industrial-ecology literature.

``state_potential``: Zhu Chunquan's (1997) niche state-potential theory
(Zhu Chunquan, "The niche state-potential theory and expansion hypothesis",
Acta Ecologica Sinica 17(3): 324-332). Every unit has a *state* S (what it has
accumulated: output, assets, customers, links) and a *potential* P (how fast it
changes: the growth of S per unit time); its niche is its share of the
community's state-plus-potential,

    N_i = (S_i + A_i P_i) / sum_j (S_j + A_j P_j),

where A converts the rate into the units of the state (a time scale, usually
1 year). Over several dimensions k the niches are combined with weights:
``N_i = sum_k w_k N_ik`` with ``sum_k w_k = 1``.

``suitability``: niche suitability (fitness) in the form of Ouyang Zhiyun and
Li Zizhen (1996-97) used in regional and enterprise evaluations: a member's
closeness to an ideal point across factors,

    F_i = sum_j w_j (d_min + eps d_max) / (d_ij + eps d_max),

where ``d_ij = |x'_ij - x'_aj|`` is the deviation of member i's standardized
factor j from the ideal ``x'_aj`` and ``d_min``, ``d_max`` are the smallest
and largest deviation over all members and factors.
"""

from __future__ import annotations

from typing import Any, Iterable, Literal, Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._errors import ParameterError

__all__ = ["state_potential", "suitability"]


def _table(x: Any, what: str) -> pd.DataFrame:
    if isinstance(x, pd.Series):
        x = x.to_frame()
    if not isinstance(x, pd.DataFrame):
        array = np.asarray(x, dtype=float)
        if array.ndim == 1:
            array = array[:, None]
        if array.ndim != 2:
            raise ParameterError(f"{what} must be a members x dimensions table, got shape "
                                 f"{array.shape}")
        x = pd.DataFrame(array)
    try:
        values = x.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"{what} must be numeric (put member names in the index)") from None
    if not np.isfinite(values).all():
        raise ParameterError(f"{what} has missing or infinite values")
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ParameterError(f"{what} is empty")
    return pd.DataFrame(values, index=x.index, columns=x.columns)


def _weights(weights: Any, columns: pd.Index) -> np.ndarray:
    if weights is None:
        return np.full(len(columns), 1.0 / len(columns))
    if isinstance(weights, pd.Series):
        missing = [c for c in columns if c not in weights.index]
        if missing:
            raise ParameterError(f"weights has no value for {missing[:5]}")
        weights = weights.reindex(columns)
    elif isinstance(weights, dict):
        missing = [c for c in columns if c not in weights]
        if missing:
            raise ParameterError(f"weights has no value for {missing[:5]}")
        weights = [weights[c] for c in columns]
    w = np.asarray(weights, dtype=float).ravel()
    if w.size != len(columns):
        raise ParameterError(f"weights has {w.size} values for {len(columns)} dimensions")
    if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise ParameterError("weights must be finite, >= 0 and not all zero")
    return w / w.sum()


def state_potential(state: pd.DataFrame | ArrayLike, potential: pd.DataFrame | ArrayLike, *,
                    scale: ArrayLike = 1.0,
                    weights: ArrayLike | Mapping[Any, float] | None = None) -> pd.DataFrame:
    """Zhu Chunquan's (1997) state-potential niche of every member.

    Parameters
    ----------
    state : DataFrame, Series or array_like
        S: members x dimensions, each >= 0 (e.g. sales, assets, customers).
        Every dimension must grow with the niche; turn "less is better"
        indicators around (reciprocal, or max - x) first.
    potential : same shape as ``state``
        P: the change of each state per unit time (may be negative).
    scale : float, per-dimension sequence/Series, or members x dimensions
        A: the dimension conversion coefficient (a time span), 1 by default.
    weights : sequence, dict or Series, optional
        Dimension weights, normalised to sum 1; equal by default.

    Returns
    -------
    DataFrame
        One column per dimension (the niche ``N_ik`` in that dimension, each
        column summing to 1) and ``niche``, the weighted total (summing to 1).

    Raises
    ------
    ParameterError
        Shapes that differ, a negative state, ``S + A P < 0`` (the decline
        would exceed the whole state within A: shorten A), a dimension where
        every ``S + A P`` is 0, or bad weights.

    Examples
    --------
    >>> S = pd.DataFrame({"sales": [60.0, 30.0, 10.0]}, index=["a", "b", "c"])
    >>> P = pd.DataFrame({"sales": [0.0, 10.0, 10.0]}, index=["a", "b", "c"])
    >>> state_potential(S, P)  # (60, 40, 20) / 120
          sales     niche
    a  0.500000  0.500000
    b  0.333333  0.333333
    c  0.166667  0.166667
    """
    s = _table(state, "state")
    p = _table(potential, "potential")
    if s.shape != p.shape:
        raise ParameterError(f"state has shape {s.shape} but potential {p.shape}")
    if isinstance(state, (pd.DataFrame, pd.Series)) and isinstance(potential,
                                                                   (pd.DataFrame, pd.Series)):
        if not (s.index.equals(p.index) and s.columns.equals(p.columns)):
            raise ParameterError("state and potential must have the same members (index) and "
                                 "dimensions (columns)")
    if (s.to_numpy() < 0).any():
        raise ParameterError("state must be >= 0 in every dimension")
    if isinstance(scale, pd.Series):
        scale = scale.reindex(s.columns).to_numpy(dtype=float)
    a = np.asarray(scale.to_numpy() if isinstance(scale, pd.DataFrame) else scale, dtype=float)
    if a.ndim == 1 and a.size == s.shape[1]:
        a = a[None, :]
    elif a.ndim not in (0, 2) or (a.ndim == 2 and a.shape != s.shape):
        raise ParameterError("scale must be a number, one value per dimension, or a table "
                             "shaped like state")
    if not np.isfinite(a).all() or (a < 0).any():
        raise ParameterError("scale must be finite and >= 0")
    amount = s.to_numpy() + a * p.to_numpy()
    if (amount < 0).any():
        i, j = np.argwhere(amount < 0)[0]
        raise ParameterError(
            f"member {s.index[i]!r}, dimension {s.columns[j]!r}: S + A P = {amount[i, j]:g} < 0; "
            "the decline would exceed the whole state within A, so shorten the scale A")
    totals = amount.sum(axis=0)
    if (totals == 0).any():
        bad = [s.columns[j] for j in np.flatnonzero(totals == 0)]
        raise ParameterError(f"every member has S + A P = 0 in dimension(s) {bad}")
    niches = amount / totals
    result = pd.DataFrame(niches, index=s.index, columns=s.columns)
    result["niche"] = niches @ _weights(weights, s.columns)
    return result


def suitability(X: pd.DataFrame | ArrayLike, ideal: ArrayLike | None = None, *,
                weights: ArrayLike | Mapping[Any, float] | None = None,
                epsilon: float | Literal["auto"] = 0.5, negative: Iterable[Any] = (),
                standardize: Literal["max", "minmax"] = "max") -> pd.Series | np.ndarray:
    """Niche suitability of every member: closeness to an ideal point.

    Parameters
    ----------
    X : DataFrame or array_like
        Members x factors (raw values).
    ideal : sequence or Series, optional
        The ideal raw value of each factor. By default the best observed one:
        the largest, or the smallest for ``negative`` factors.
    weights : sequence, dict or Series, optional
        Factor weights, normalised to sum 1; equal by default (the plain mean).
    epsilon : float in (0, 1] or "auto"
        The model parameter (written alpha or epsilon in the literature).
        Convention: a float is used as given, 0.5 being the usual choice. With
        ``"auto"`` it is solved from ``(d_min + eps d_max) / (d_mean + eps d_max) = 0.5``,
        i.e. ``eps = (d_mean - 2 d_min) / d_max``, so that a member whose every
        deviation equals the mean deviation scores exactly 0.5; this must
        land in (0, 1] or a ParameterError says why.
    negative : iterable of column labels (or positions for an array)
        Factors where less is better (only used to pick the default ideal).
    standardize : {"max", "minmax"}
        ``max``: ``x' = x / max`` per factor (over members and the ideal);
        ``minmax``: ``x' = (x - min) / (max - min)``. A constant factor
        becomes all 0 (no deviation).

    Returns
    -------
    Series named ``suitability`` (for a DataFrame) or a 1-D array, in
    (0, 1]: 1 for a member that is as close as the closest member on every
    factor. If every member sits on the ideal point (every deviation 0),
    the formula is 0/0 and every member gets its limit, 1.

    Raises
    ------
    ParameterError
        Negative or missing values with ``standardize="max"``, a bad epsilon
        or weights, an ideal of the wrong length, an unknown negative factor.

    Examples
    --------
    >>> X = pd.DataFrame({"output": [10.0, 5.0], "export": [4.0, 4.0]}, index=["a", "b"])
    >>> suitability(X)  # b: output (0 + 0.25) / (0.5 + 0.25) = 1/3, export 1, mean 2/3
    a    1.000000
    b    0.666667
    Name: suitability, dtype: float64
    """
    frame = isinstance(X, pd.DataFrame)
    x = _table(X, "X")
    values = x.to_numpy()
    columns = list(x.columns)
    negative = list(negative)
    unknown = [c for c in negative if c not in columns]
    if unknown:
        raise ParameterError(f"negative factor(s) {unknown} are not columns of X")
    is_negative = np.array([c in negative for c in columns])
    if ideal is None:
        target = np.where(is_negative, values.min(axis=0), values.max(axis=0))
    else:
        if isinstance(ideal, pd.Series):
            ideal = ideal.reindex(x.columns)
        target = np.asarray(ideal, dtype=float).ravel()
        if target.size != len(columns) or not np.isfinite(target).all():
            raise ParameterError(f"ideal must have one finite value per factor "
                                 f"({len(columns)})")
    both = np.vstack([values, target])
    if standardize == "max":
        if (both < 0).any():
            raise ParameterError("standardize='max' needs values >= 0; use standardize='minmax'")
        top = both.max(axis=0)
        scaled = both / np.where(top > 0, top, 1.0)
    elif standardize == "minmax":
        low, span = both.min(axis=0), np.ptp(both, axis=0)
        scaled = (both - low) / np.where(span > 0, span, 1.0)
    else:
        raise ParameterError(f"standardize must be 'max' or 'minmax', got {standardize!r}")
    deviation = np.abs(scaled[:-1] - scaled[-1])
    d_min, d_max = deviation.min(), deviation.max()
    w = _weights(weights, pd.Index(columns))
    if d_max == 0:
        result = np.ones(values.shape[0])
    else:
        if isinstance(epsilon, str) and epsilon == "auto":
            eps = (deviation.mean() - 2 * d_min) / d_max
            if not 0 < eps <= 1:
                raise ParameterError(
                    f"epsilon='auto' gives {eps:.4g}, outside (0, 1]: the mean deviation is not "
                    "above twice the smallest one; give epsilon as a number instead")
        else:
            eps = epsilon
            if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0 < eps <= 1:
                raise ParameterError(f"epsilon must be in (0, 1] or 'auto', got {epsilon!r}")
        result = ((d_min + eps * d_max) / (deviation + eps * d_max)) @ w
    if frame:
        return pd.Series(result, index=x.index, name="suitability")
    return result
