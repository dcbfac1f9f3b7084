"""Checking and unpacking a members x resources utilization matrix."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal, Mapping, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._errors import ParameterError

__all__ = ["EmptyNicheError", "Utilization", "as_utilization", "EmptyPolicy", "check_workers"]

EmptyPolicy = Literal["raise", "nan"]


class EmptyNicheError(ParameterError):
    """A member uses no resource at all (an all-zero row), so its niche is undefined."""

    __module__ = "ecosystem"  # printed and pickled by its public path


@dataclass(frozen=True)
class Utilization:
    """A validated utilization matrix with the labels it came with.

    ``values`` is a float array (members x resources); ``members`` and
    ``resources`` are the DataFrame's index and columns, or None for an array.
    """

    values: np.ndarray
    members: pd.Index | None
    resources: pd.Index | None

    @property
    def labelled(self) -> bool:
        return self.members is not None

    def member_names(self, positions: Sequence[int] | np.ndarray) -> list[str]:
        """Readable names of some rows, for error messages."""
        if self.members is None:
            return [f"row {int(p)}" for p in positions]
        return [repr(self.members[int(p)]) for p in positions]

    def resource_names(self, positions: Sequence[int] | np.ndarray) -> list[str]:
        if self.resources is None:
            return [f"column {int(p)}" for p in positions]
        return [repr(self.resources[int(p)]) for p in positions]

    def nonempty(self, empty: EmptyPolicy) -> np.ndarray:
        """Boolean mask of members that use something; all-zero rows raise unless
        ``empty="nan"``."""
        if empty not in ("raise", "nan"):
            raise ParameterError(f"empty must be 'raise' or 'nan', got {empty!r}")
        used = self.values.sum(axis=1) > 0
        if empty == "raise" and not used.all():
            bad = np.flatnonzero(~used)
            shown = ", ".join(self.member_names(bad[:5])) + (" ..." if bad.size > 5 else "")
            raise EmptyNicheError(
                f"{bad.size} member(s) use no resource (all-zero rows): {shown}; their niche is "
                "undefined. Drop them (U.loc[U.sum(axis=1) > 0]) or pass empty='nan' to get "
                "NaN for them, kept out of community means")
        return used


def as_utilization(U: pd.DataFrame | ArrayLike, what: str = "U", *,
                   min_resources: int = 1) -> Utilization:
    """Validate a members x resources table: numeric, finite, non-negative.

    A DataFrame keeps its index (members, which must be unique) and columns
    (resources); anything else is read as a 2-D array.
    """
    if isinstance(U, pd.Series):
        raise ParameterError(f"{what} must be a members x resources table, got a Series; "
                             "use series.to_frame().T for one member")
    if isinstance(U, pd.DataFrame):
        bad_columns = [c for c in U.columns if not (pd.api.types.is_numeric_dtype(U[c])
                                                   or pd.api.types.is_bool_dtype(U[c]))]
        if bad_columns:
            raise ParameterError(f"{what} has non-numeric column(s) {bad_columns[:5]}; keep only "
                                 "resource columns (put member names in the index)")
        if not U.index.is_unique:
            dupes = U.index[U.index.duplicated()].unique().tolist()[:5]
            raise ParameterError(f"{what} has duplicate member labels {dupes}; "
                                 "aggregate them first (U.groupby(level=0).sum())")
        values = U.to_numpy(dtype=float, na_value=np.nan)
        members, resources = U.index, U.columns
    else:
        try:
            values = np.asarray(U, dtype=float)
        except (TypeError, ValueError) as error:
            raise ParameterError(f"{what} must be numeric: {error}") from None
        members = resources = None
        if values.ndim != 2:
            raise ParameterError(f"{what} must be 2-D (members x resources), "
                                 f"got shape {values.shape}")
    result = Utilization(values, members, resources)
    if values.shape[1] < min_resources:
        raise ParameterError(f"{what} needs at least {min_resources} resource column(s), "
                             f"got {values.shape[1]}")
    if values.shape[0] == 0:
        raise ParameterError(f"{what} has no members (no rows)")
    finite = np.isfinite(values)
    if not finite.all():
        i, j = np.argwhere(~finite)[0]
        raise ParameterError(
            f"{what} has a missing or infinite value at member {result.member_names([i])[0]}, "
            f"resource {result.resource_names([j])[0]}; use 0 for a resource not used")
    if (values < 0).any():
        i, j = np.argwhere(values < 0)[0]
        raise ParameterError(
            f"{what} has a negative use {values[i, j]:g} at member {result.member_names([i])[0]}, "
            f"resource {result.resource_names([j])[0]}; utilization must be >= 0")
    return result


def check_method(method: object, allowed: Sequence[str], aliases: Mapping[str, str] | None = None,
                 what: str = "method") -> str:
    """The canonical method name (case-insensitive, with aliases)."""
    if isinstance(method, str):
        key = method.strip().lower().replace("-", "_")
        key = (aliases or {}).get(key, key)
        if key in allowed:
            return key
    raise ParameterError(f"{what} {method!r} is not one of: {', '.join(allowed)}")


def check_workers(workers: object) -> int:
    """The number of threads for the row blocks: all cores for None, at most all cores."""
    cores = os.cpu_count() or 1
    if workers is None:
        return cores
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ParameterError(f"workers must be a whole number >= 1 (threads), or None for all "
                             f"{cores} cores; got {workers!r}")
    return min(int(workers), cores)
