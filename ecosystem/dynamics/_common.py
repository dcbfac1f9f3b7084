"""Checks and errors shared by the population-dynamics modules."""

from __future__ import annotations

import math
from numbers import Real

import numpy as np

from .._errors import EcosystemError, ParameterError
from .._memory import check_allocation

__all__ = ["UnboundedGrowthError", "IntegrationError", "positive", "check_time"]


class UnboundedGrowthError(ParameterError):
    """The model's populations grow without bound (for example unbounded mutualism,
    b12 b21 >= s1 s2), so there is nothing finite to integrate."""

    __module__ = "ecosystem"  # printed and pickled by its public path


class IntegrationError(EcosystemError):
    """scipy's ODE solver gave up (its message is included)."""

    __module__ = "ecosystem"  # printed and pickled by its public path


def positive(value: object, name: str, *, allow_zero: bool = False) -> float:
    """``value`` as a float, or a ParameterError naming ``name`` if it is not a finite
    number > 0 (>= 0 with ``allow_zero``)."""
    number = math.nan
    if isinstance(value, (Real, np.floating, np.integer)) and not isinstance(value, bool):
        number = float(value)
    if not (math.isfinite(number) and (number >= 0 if allow_zero else number > 0)):
        bound = ">= 0" if allow_zero else "> 0"
        raise ParameterError(f"{name} must be a finite number {bound}, got {value!r}")
    return number


def check_time(t_end: object, n_points: object, populations: int = 2) -> tuple[float, int]:
    """Validated ``(t_end, n_points)``, with the trajectory's memory checked.

    The solver keeps every output time's state, then stacks, exponentiates and
    frames it: about four copies of an ``n_points`` x ``populations`` array.
    """
    t_end = positive(t_end, "t_end")
    if not isinstance(n_points, (int, np.integer)) or isinstance(n_points, bool) or n_points < 2:
        raise ParameterError(f"n_points must be a whole number >= 2, got {n_points!r}")
    check_allocation(4 * 8.0 * float(n_points) * (populations + 1),
                     f"a trajectory of {int(n_points):,} output times x {populations:,} "
                     "populations", "ask for fewer output times (n_points, --points)")
    return t_end, int(n_points)
