"""Standardisation and entropy weights: indicators -> subsystem scores."""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np
import pandas as pd

from .._errors import ParameterError

__all__ = ["standardize", "entropy_weights"]


def _numeric_frame(data: object, what: str = "data") -> pd.DataFrame:
    if isinstance(data, pd.Series):
        data = data.to_frame()
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"{what} must be a pandas DataFrame (rows = observations, "
                             f"columns = indicators), got {type(data).__name__}")
    if data.shape[0] < 2:
        raise ParameterError(f"{what} needs at least 2 rows (observations) to standardise, "
                             f"got {data.shape[0]}")
    bad = [c for c in data.columns if not pd.api.types.is_numeric_dtype(data[c])
           or pd.api.types.is_bool_dtype(data[c])]
    if bad:
        raise ParameterError(f"{what}: column(s) {bad} are not numeric; pass only indicator "
                             "columns (or name the id column with row_names=...)")
    values = data.to_numpy(dtype=float)
    finite = np.isfinite(values)
    if not finite.all():
        row, col = np.argwhere(~finite)[0]
        raise ParameterError(f"{what}: indicator {data.columns[col]!r} at row "
                             f"{data.index[row]!r} is {values[row, col]!r}; fill or drop "
                             "missing and infinite values first")
    return data


def _check_shift(shift: float) -> float:
    if not isinstance(shift, (int, float)) or isinstance(shift, bool) \
            or not 0.0 <= shift < 1.0:
        raise ParameterError(f"shift must be a number in [0, 1), got {shift!r}")
    return float(shift)

def standardize(data: pd.DataFrame, negative: Iterable[str] = (), *,
                shift: float = 0.01) -> pd.DataFrame:
    """Min-max standardise indicators to ``[shift, 1]``.

    A positive indicator (larger is better) maps its smallest value to
    ``shift`` and its largest to 1; a negative one (smaller is better) the
    other way round::

        positive: shift + (1 - shift) (x - min) / (max - min)
        negative: shift + (1 - shift) (max - x) / (max - min)

    Why the shift away from 0: plain min-max scaling gives the worst
    observation of every indicator exactly 0, which makes ``p ln p`` in the
    entropy weights a limit instead of a number and can make a subsystem
    score 0, where the coupling degree collapses to 0 (or is undefined).
    Papers add 0.0001 or 0.01 after scaling; mapping onto ``[shift, 1]``
    keeps the scores within [0, 1]. ``shift=0`` gives plain min-max scaling.

    Parameters
    ----------
    data : DataFrame
        Rows are observations, columns indicators (numbers, no NaN).
    negative : iterable of str
        The columns that are negative indicators.
    shift : float
        The value of the worst observation, in [0, 1).

    Returns
    -------
    DataFrame
        Same shape and labels as ``data``.

    Examples
    --------
    >>> frame = pd.DataFrame({"sales": [10.0, 20.0, 30.0], "cost": [5.0, 3.0, 1.0]})
    >>> standardize(frame, negative=["cost"], shift=0.0)
       sales  cost
    0    0.0   0.0
    1    0.5   0.5
    2    1.0   1.0
    """
    data = _numeric_frame(data)
    shift = _check_shift(shift)
    negative = list(negative)
    unknown = [c for c in negative if c not in data.columns]
    if unknown:
        raise ParameterError(f"negative indicator(s) {unknown} are not columns of the data; "
                             f"columns are {list(data.columns)}")
    values = data.to_numpy(dtype=float)
    low, high = values.min(axis=0), values.max(axis=0)
    span = high - low
    constant = [c for c, s in zip(data.columns, span) if s == 0]
    if constant:
        raise ParameterError(f"indicator(s) {constant} take the same value in every row, so "
                             "min-max standardisation is undefined; drop them")
    scaled = (values - low) / span
    flip = np.isin(np.asarray(data.columns, dtype=object), np.asarray(negative, dtype=object))
    scaled[:, flip] = 1.0 - scaled[:, flip]
    return pd.DataFrame(shift + (1.0 - shift) * scaled, index=data.index, columns=data.columns)


def entropy_weights(standardized: pd.DataFrame) -> pd.Series:
    """Entropy-weight method: indicators that vary more across rows weigh more.

    With ``p_ij = x_ij / sum_i x_ij`` over the m rows, the entropy of
    indicator j is ``e_j = -sum_i p_ij ln p_ij / ln m`` (``0 ln 0 = 0``), its
    divergence ``d_j = 1 - e_j``, and its weight ``w_j = d_j / sum_k d_k``.

    Parameters
    ----------
    standardized : DataFrame
        Non-negative standardised indicators (see :func:`standardize`), at
        least two rows, no all-zero column.

    Returns
    -------
    Series
        One weight per column, summing to 1.

    Examples
    --------
    >>> x = pd.DataFrame({"even": [1.0, 1.0, 1.0, 1.1], "uneven": [0.1, 0.1, 0.1, 1.0]})
    >>> entropy_weights(x).round(4)
    even      0.0015
    uneven    0.9985
    Name: weight, dtype: float64
    """
    standardized = _numeric_frame(standardized, "standardized")
    x = standardized.to_numpy(dtype=float)
    if (x < 0).any():
        raise ParameterError("entropy weights need non-negative (standardised) values; "
                             "run standardize() first")
    totals = x.sum(axis=0)
    empty = [c for c, t in zip(standardized.columns, totals) if t == 0]
    if empty:
        raise ParameterError(f"indicator(s) {empty} are 0 in every row: no entropy weight")
    p = x / totals
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    divergence = 1.0 + plogp.sum(axis=0) / math.log(x.shape[0])
    divergence = np.clip(divergence, 0.0, None)  # rounding can leave -1e-17
    if divergence.sum() == 0:
        raise ParameterError("every indicator is spread evenly over the rows (entropy 1), "
                             "so the entropy weights are undefined; give weights explicitly")
    return pd.Series(divergence / divergence.sum(), index=standardized.columns, name="weight")
