"""Coupling coordination degree of two or more subsystems.

Seed 002 (Qian, §2.1) argues that cross-border e-commerce and the regional
industrial cluster are coupled systems; the Chinese regional-science
literature measures such a coupling with the *coupling coordination degree*
model. Each observation (a year, a region) gets

* a score ``U_k`` in [0, 1] for every subsystem k: the indicator values are
  min-max standardised (:func:`standardize`) and combined with weights, by
  default entropy weights (:func:`entropy_weights`);
* the coupling degree ``C`` (:func:`coupling_degree`): how evenly the
  subsystems are developed;
* the comprehensive development index ``T = sum_k alpha_k U_k``;
* the coupling coordination degree ``D = sqrt(C T)`` and its band among the
  usual ten (:func:`coordination_band`).

Two coupling degrees are offered. The *standard* one is the ratio of the
geometric to the arithmetic mean of the scores,

.. math:: C = n \\Big[\\prod_i U_i \\Big/ \\Big(\\sum_i U_i\\Big)^n\\Big]^{1/n},

which crowds near 1: two scores 0.5 and 0.8 already give 0.97. Wang Shujia,
Kong Wei, Ren Liang, Zhi Dandan and Dai Bingtao (2021), "Research on misuses
and modification of coupling coordination degree model in China", *Journal of
Natural Resources* 36(3): 793-810, replace it by the *adjusted* degree

.. math:: C = \\sqrt{\\Big[1 - \\frac{\\sum_{i<j} |U_i - U_j|}{\\sum_{m=1}^{n-1} m}\\Big]
          \\Big(\\prod_i \\frac{U_i}{\\max_k U_k}\\Big)^{1/(n-1)}},

the mean pairwise gap and the ratios to the leading subsystem, which spreads
over [0, 1] (0.5 and 0.8 give 0.66). For two subsystems it reads
``C = sqrt((1 - |U1 - U2|) min(U)/max(U))``.

Examples
--------
The worked example on seed 002's Table 1 (:func:`zhejiang_2016_2020`): the
export side of Zhejiang's cross-border e-commerce (export volume, export
growth) against its import side (import volume, import growth). All four are
positive indicators (larger is better); the totals are left out because they
are the sums of the two sides.

>>> table = zhejiang_2016_2020()
>>> result = coordination(table, {"export": ["export_volume", "export_growth"],
...                               "import": ["import_volume", "import_growth"]},
...                       index="year")
>>> result[["U_export", "U_import", "C", "T", "D", "band"]].round(4)
      U_export  U_import       C       T       D                      band
year
2016    0.5607    0.2503  0.5548  0.4055  0.4743  on the verge of disorder
2017    0.4011    0.6835  0.6489  0.5423  0.5932        barely coordinated
2018    0.1693    0.4555  0.5150  0.3124  0.4011  on the verge of disorder
2019    0.5140    0.3134  0.6982  0.4137  0.5374        barely coordinated
2020    0.4753    0.5753  0.8623  0.5253  0.6730      primary coordination
>>> pd.Series(result.attrs["weights"]).round(4)
export_volume    0.4437
export_growth    0.5563
import_volume    0.4510
import_growth    0.5490
dtype: float64

The standard C crowds these five years into [0.89, 1]:

>>> standard = coordination(table, {"export": ["export_volume", "export_growth"],
...                                 "import": ["import_volume", "import_growth"]},
...                         index="year", method="standard")
>>> standard[["C", "D", "band"]].round(4)
           C       D                       band
year
2016  0.9238  0.6121       primary coordination
2017  0.9655  0.7236  intermediate coordination
2018  0.8889  0.5269         barely coordinated
2019  0.9702  0.6335       primary coordination
2020  0.9955  0.7231  intermediate coordination
"""

from __future__ import annotations

import math
from importlib import resources
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ._errors import ParameterError

__all__ = [
    "coordination",
    "standardize",
    "entropy_weights",
    "coupling_degree",
    "coordination_band",
    "BANDS",
    "zhejiang_2016_2020",
]

#: The ten coordination bands by D, lowest first: D in [k/10, (k+1)/10) is band k+1
#: (each band includes its lower edge; the last one is [0.9, 1]).
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


# ------------------------------------------------------------------ checks
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
                             "columns (or name the id column with index=...)")
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


# ----------------------------------------------------------- the pipeline
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
    if method not in _METHODS:
        raise ParameterError(f"method must be one of {_METHODS}, got {method!r}")
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


def _check_subsystems(data: pd.DataFrame, subsystems: Mapping[str, Sequence[str]] | None
                      ) -> dict[str, list[str]]:
    if subsystems is None:
        return {str(c): [c] for c in data.columns}
    if not isinstance(subsystems, Mapping):
        raise ParameterError("subsystems must map each subsystem's name to its indicator "
                             f"columns, got {type(subsystems).__name__}")
    groups = {}
    seen: dict[object, str] = {}
    for name, columns in subsystems.items():
        columns = [columns] if isinstance(columns, str) else list(columns)
        if not columns:
            raise ParameterError(f"subsystem {name!r} has no indicators")
        for column in columns:
            if column not in data.columns:
                raise ParameterError(f"subsystem {name!r}: indicator {column!r} is not a column "
                                     f"of the data; columns are {list(data.columns)}")
            if column in seen:
                raise ParameterError(f"indicator {column!r} is in both subsystem "
                                     f"{seen[column]!r} and {name!r}")
            seen[column] = name
        groups[str(name)] = columns
    return groups


def _indicator_weights(standardized: pd.DataFrame, groups: dict[str, list[str]],
                       weights: str | Mapping[str, float]) -> pd.Series:
    if isinstance(weights, str):
        if weights != "entropy":
            raise ParameterError(f"weights must be 'entropy' or a mapping of indicator to "
                                 f"weight, got {weights!r}")
        # entropy weights are normalised within each subsystem
        return pd.concat([entropy_weights(standardized[cols]) for cols in groups.values()])
    if not isinstance(weights, Mapping):
        raise ParameterError(f"weights must be 'entropy' or a mapping, got {type(weights).__name__}")
    out = {}
    for name, cols in groups.items():
        missing = [c for c in cols if c not in weights]
        if missing:
            raise ParameterError(f"weights: no weight for indicator(s) {missing} of subsystem "
                                 f"{name!r}")
        w = np.array([weights[c] for c in cols], dtype=float)
        if not np.isfinite(w).all() or (w < 0).any() or not math.isclose(w.sum(), 1.0,
                                                                         abs_tol=1e-9):
            raise ParameterError(f"weights of subsystem {name!r} must be >= 0 and sum to 1, "
                                 f"got {dict(zip(cols, w))}")
        out.update(zip(cols, w))
    return pd.Series(out, name="weight", dtype=float)


def _subsystem_weights(given: Mapping[str, float] | Sequence[float] | None,
                       names: list[str]) -> np.ndarray:
    if given is None:
        return np.full(len(names), 1.0 / len(names))
    if isinstance(given, Mapping):
        missing = [n for n in names if n not in given]
        if missing:
            raise ParameterError(f"subsystem_weights: no weight for subsystem(s) {missing}")
        alpha = np.array([given[n] for n in names], dtype=float)
    else:
        alpha = np.asarray(given, dtype=float)
        if alpha.shape != (len(names),):
            raise ParameterError(f"subsystem_weights needs {len(names)} numbers (one per "
                                 f"subsystem), got shape {alpha.shape}")
    if not np.isfinite(alpha).all() or (alpha < 0).any() \
            or not math.isclose(alpha.sum(), 1.0, abs_tol=1e-9):
        raise ParameterError(f"subsystem_weights must be >= 0 and sum to 1, got {alpha.tolist()}")
    return alpha


def coordination(data: pd.DataFrame, subsystems: Mapping[str, Sequence[str]] | None = None, *,
                 negative: Iterable[str] = (), method: str = "adjusted",
                 weights: str | Mapping[str, float] = "entropy",
                 subsystem_weights: Mapping[str, float] | Sequence[float] | None = None,
                 shift: float = 0.01, index: str | None = None) -> pd.DataFrame:
    """Coupling coordination degree (C, T, D) of subsystems, one row per observation.

    Parameters
    ----------
    data : DataFrame
        Rows are observations (years, regions), columns indicators.
    subsystems : mapping of str to list of str, optional
        Each subsystem's indicator columns; by default every column is a
        subsystem of its own. At least two subsystems.
    negative : iterable of str
        Negative indicators (smaller is better); all others are positive.
    method : {"adjusted", "standard"}
        The coupling degree: Wang Shujia et al. (2021)'s adjusted C
        (default) or the standard C (see the module text).
    weights : "entropy" or mapping of str to float
        Indicator weights within each subsystem: entropy weights computed
        from the standardised data, or given (summing to 1 per subsystem).
    subsystem_weights : mapping or sequence of float, optional
        The alphas of ``T = sum_k alpha_k U_k`` (summing to 1); equal by default.
    shift : float
        Standardised value of each indicator's worst observation
        (see :func:`standardize`).
    index : str, optional
        A column to use as the row labels (for example ``"year"``) instead
        of an indicator.

    Returns
    -------
    DataFrame
        Indexed like the data, with ``U_<subsystem>`` for each subsystem,
        then ``C``, ``T``, ``D``, ``level`` (1-10) and ``band`` (see
        :func:`coordination_band`). ``attrs["weights"]`` holds the indicator
        weights and ``attrs["method"]`` the coupling degree used.

    Raises
    ------
    ParameterError
        A missing or non-numeric column, NaN, a constant indicator, fewer
        than two rows or subsystems, weights that do not sum to 1, an
        unknown method.

    Examples
    --------
    Two subsystems of one indicator each, with plain min-max scaling:

    >>> frame = pd.DataFrame({"cbec": [1.0, 2.0, 3.0], "cluster": [3.0, 2.5, 1.0]},
    ...                      index=[2021, 2022, 2023])
    >>> coordination(frame, shift=0.0, method="standard")[["C", "T", "D", "band"]].round(4)
               C      T       D                       band
    2021  0.0000  0.500  0.0000           extreme disorder
    2022  0.9798  0.625  0.7825  intermediate coordination
    2023  0.0000  0.500  0.0000           extreme disorder
    """
    if isinstance(data, pd.DataFrame) and index is not None:
        if index not in data.columns:
            raise ParameterError(f"index column {index!r} is not in the data; columns are "
                                 f"{list(data.columns)}")
        data = data.set_index(index)
    if method not in _METHODS:
        raise ParameterError(f"method must be one of {_METHODS}, got {method!r}")
    data = _numeric_frame(data)
    groups = _check_subsystems(data, subsystems)
    if len(groups) < 2:
        raise ParameterError(f"coupling needs at least 2 subsystems, got {list(groups)}")
    used = [c for cols in groups.values() for c in cols]
    negative = list(negative)
    stray = [c for c in negative if c not in used]
    if stray:
        raise ParameterError(f"negative indicator(s) {stray} are not in any subsystem")
    standardized = standardize(data[used], negative, shift=shift)
    w = _indicator_weights(standardized, groups, weights)
    names = list(groups)
    scores = np.column_stack([standardized[cols].to_numpy() @ w[cols].to_numpy()
                              for cols in groups.values()])
    scores = np.clip(scores, 0.0, 1.0)  # weights summing to 1 +- 1e-16 can overshoot 1
    alpha = _subsystem_weights(subsystem_weights, names)
    c = coupling_degree(scores, method)
    t = scores @ alpha
    d = np.sqrt(c * t)
    level = coordination_band(d)
    result = pd.DataFrame(scores, index=data.index, columns=[f"U_{n}" for n in names])
    result["C"], result["T"], result["D"] = c, t, d
    result["level"] = level
    result["band"] = [BANDS[k - 1] for k in level]
    result.attrs["weights"] = w.to_dict()
    result.attrs["method"] = method
    return result


def zhejiang_2016_2020() -> pd.DataFrame:
    """Seed 002's Table 1: Zhejiang cross-border e-commerce, 2016-2020.

    Qian F., "Research on the Coordinated Development of Zhejiang
    Cross-border E-commerce and Regional Industrial Clusters Based on
    Coupling Theory", Table 1 (data: Department of Commerce of Zhejiang
    Province). Volumes are in 100 million yuan (the printed header says
    "trillion yuan", contradicted by the paper's own text: 2020 = 138.71
    billion yuan = 1387.1), growth in percent on the previous year. The
    table's "Total" row is left out (it is the column sums).

    Returns
    -------
    DataFrame
        Columns ``year``, ``total_volume``, ``total_growth``,
        ``export_volume``, ``export_growth``, ``import_volume``,
        ``import_growth``; one row per year.

    Examples
    --------
    >>> table = zhejiang_2016_2020()
    >>> table.loc[table.year == 2020, ["total_volume", "export_volume", "import_volume"]]
       total_volume  export_volume  import_volume
    4        1387.1         1023.0          364.1
    """
    source = resources.files("ecosystem") / "data" / "zhejiang_cbec_2016_2020.csv"
    with source.open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle, comment="#")
