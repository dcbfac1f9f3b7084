"""The coupling coordination pipeline: indicators -> U, C, T, D and band."""

from __future__ import annotations

import math
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .._compat import renamed
from .._errors import ParameterError
from ._degree import BANDS, METHODS, coordination_band, coupling_degree
from ._scores import _numeric_frame, entropy_weights, standardize

__all__ = ["coordination"]


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
        raise ParameterError("weights must be 'entropy' or a mapping, got "
                             f"{type(weights).__name__}")
    out: dict[str, float] = {}
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


@renamed(index="row_names")
def coordination(data: pd.DataFrame, subsystems: Mapping[str, Sequence[str]] | None = None, *,
                 negative: Iterable[str] = (), method: str = "adjusted",
                 weights: str | Mapping[str, float] = "entropy",
                 subsystem_weights: Mapping[str, float] | Sequence[float] | None = None,
                 shift: float = 0.01, row_names: str | None = None,
                 rescale: bool = True) -> pd.DataFrame:
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
    rescale : bool
        Min-max standardise the indicators (default). False takes them as
        already standardised scores in [0, 1] (for example subsystem scores
        from elsewhere, one indicator per subsystem); ``negative`` and
        ``shift`` then do not apply.
    row_names : str, optional
        A column to use as the row labels (for example ``"year"``) instead
        of an indicator (``ecobelt coupling --row-names``). Its old name
        ``index`` still works, with a warning, until the next release.

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
    if isinstance(data, pd.DataFrame) and row_names is not None:
        if row_names not in data.columns:
            raise ParameterError(f"row_names column {row_names!r} is not in the data; columns "
                                 f"are {list(data.columns)}")
        data = data.set_index(row_names)
    if method not in METHODS:
        raise ParameterError(f"method must be one of {METHODS}, got {method!r}")
    data = _numeric_frame(data)
    groups = _check_subsystems(data, subsystems)
    if len(groups) < 2:
        raise ParameterError(f"coupling needs at least 2 subsystems, got {list(groups)}")
    used = [c for cols in groups.values() for c in cols]
    negative = list(negative)
    stray = [c for c in negative if c not in used]
    if stray:
        raise ParameterError(f"negative indicator(s) {stray} are not in any subsystem")
    if rescale:
        standardized = standardize(data[used], negative, shift=shift)
    else:
        standardized = data[used].astype(float)
        if negative:
            raise ParameterError("negative indicators need rescale=True (they are turned "
                                 "around by the standardisation)")
        outside = [c for c in used if not standardized[c].between(0.0, 1.0).all()]
        if outside:
            raise ParameterError(f"with rescale=False every indicator must already be in "
                                 f"[0, 1]; {outside} are not")
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
