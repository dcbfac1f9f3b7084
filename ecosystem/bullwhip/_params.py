"""Argument checks shared by the bullwhip modules.

Every check raises :class:`~ecosystem.ParameterError` naming the argument, the
stage (when a per-stage list is at fault) and what would be accepted.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any, Sequence

import numpy as np

from .._errors import ParameterError

__all__ = ["FORECASTS", "per_stage", "check_lead_time", "check_window", "check_alpha",
           "check_rho", "check_stages", "check_nonnegative", "check_finite", "check_whole",
           "check_forecast"]

#: Forecast names (and accepted aliases) -> canonical name.
FORECASTS = {
    "moving_average": "moving_average", "ma": "moving_average",
    "exponential_smoothing": "exponential_smoothing", "es": "exponential_smoothing",
    "ar1": "ar1", "optimal": "ar1",
}


def per_stage(value: Any, stages: int, name: str) -> list:
    """``value`` repeated for every stage, or a per-stage list checked for length."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
        return [value] * stages
    values = list(np.asarray(value, dtype=object).ravel()) if isinstance(value, np.ndarray) \
        else list(value)
    if len(values) != stages:
        raise ParameterError(
            f"{name} has {len(values)} per-stage values but the chain has {stages} stage(s); "
            f"give one value for all stages or exactly {stages}")
    return values


def _where(stage: int | None) -> str:
    return "" if stage is None else f" (stage {stage})"


def _is_number(value: Any) -> bool:
    """A finite real number (not a bool)."""
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _is_whole(value: Any) -> bool:
    """A finite number with no fractional part (3 and 3.0; not True, not 3.5)."""
    return _is_number(value) and float(value).is_integer()


def check_stages(stages: Any) -> int:
    """A number of stages: a whole number >= 1."""
    if not isinstance(stages, Integral) or isinstance(stages, bool) or stages < 1:
        raise ParameterError(f"stages must be a whole number >= 1, got {stages!r}")
    return int(stages)


def check_lead_time(value: Any, stage: int | None = None) -> int:
    """``L``, the periods an order-up-to level covers: a whole number >= 0."""
    if not _is_whole(value) or value < 0:
        raise ParameterError(
            f"lead_time must be a whole number of periods >= 0 (physical lead time plus the "
            f"review period){_where(stage)}, got {value!r}")
    return int(value)


def check_window(value: Any, stage: int | None = None) -> int:
    """A moving-average window ``p``: a whole number >= 1."""
    if not _is_whole(value) or value < 1:
        raise ParameterError(f"window must be a whole number of periods >= 1{_where(stage)}, "
                             f"got {value!r}")
    return int(value)


def check_alpha(value: Any, stage: int | None = None) -> float:
    """An exponential-smoothing constant in (0, 1]."""
    if not _is_number(value) or not 0 < value <= 1:
        raise ParameterError(f"alpha must be a number in (0, 1]{_where(stage)}, got {value!r}")
    return float(value)


def check_rho(value: Any, name: str = "rho") -> float:
    """An AR(1) coefficient with ``|rho| < 1`` (a stationary process)."""
    if not _is_number(value) or not -1 < value < 1:
        raise ParameterError(f"{name} must satisfy |{name}| < 1 for stationary AR(1) demand, "
                             f"got {value!r}")
    return float(value)


def check_nonnegative(value: Any, name: str, stage: int | None = None) -> float:
    """A finite number >= 0."""
    if not _is_number(value) or value < 0:
        raise ParameterError(f"{name} must be a finite number >= 0{_where(stage)}, got {value!r}")
    return float(value)


def check_finite(value: Any, name: str) -> float:
    """A finite number (any sign)."""
    if not _is_number(value):
        raise ParameterError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def check_whole(value: Any, name: str, least: int = 0, why: str = "") -> int:
    """A whole number >= ``least`` (an integral float such as 3.0 is accepted)."""
    if not _is_whole(value) or value < least:
        raise ParameterError(f"{name} must be a whole number >= {least}{why}, got {value!r}")
    return int(value)


def check_forecast(value: Any, stage: int | None = None) -> str:
    """A forecast name, returned in canonical form."""
    key = value.strip().lower() if isinstance(value, str) else None
    if key not in FORECASTS:
        raise ParameterError(f"forecast {value!r}{_where(stage)} is not one of: "
                             "moving_average (ma), exponential_smoothing (es), ar1 (optimal)")
    return FORECASTS[key]
