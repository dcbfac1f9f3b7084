"""End-customer demand for the bullwhip simulation.

Four kinds: i.i.d. normal, AR(1) ``D_t = mu + rho (D_{t-1} - mu) + e_t`` with
``e_t ~ N(0, sigma^2)`` (started in its stationary distribution), a step change,
and a user's own series (e.g. a real sales history).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike
from .._errors import ParameterError
from .._rng import Seed, as_generator
from ._forecast import first_order
from ._params import check_finite, check_nonnegative, check_rho, check_whole

__all__ = ["Demand"]


@dataclass(frozen=True)
class Demand:
    """A demand process; build one with :meth:`normal`, :meth:`ar1`, :meth:`step`
    or :meth:`series`.

    Examples
    --------
    >>> Demand.ar1(mu=100, rho=0.5, sigma=10).variance  # sigma^2 / (1 - rho^2)
    133.33...
    >>> Demand.step(4, 8, at=4).generate(1, 6, seed=0)
    array([[4., 4., 4., 4., 8., 8.]])
    >>> Demand.series([3, 5, 4]).level
    3.0
    """

    kind: str
    mu: float = 100.0
    rho: float = 0.0
    sigma: float = 10.0
    after: float = 0.0
    at: int = 0
    values: np.ndarray | None = field(default=None, repr=False, compare=False)

    @classmethod
    def normal(cls, mu: float = 100.0, sigma: float = 10.0) -> "Demand":
        """I.i.d. normal demand with mean ``mu`` and standard deviation ``sigma``."""
        return cls.ar1(mu, 0.0, sigma)

    @classmethod
    def ar1(cls, mu: float = 100.0, rho: float = 0.0, sigma: float = 10.0) -> "Demand":
        """AR(1) demand; ``sigma`` is the innovations' standard deviation."""
        return cls("ar1", check_finite(mu, "demand mu"), check_rho(rho),
                   check_nonnegative(sigma, "sigma"))

    @classmethod
    def step(cls, before: float, after: float, at: int, sigma: float = 0.0) -> "Demand":
        """``before`` until period ``at`` (0-based, counted from the first simulated
        period), ``after`` from then on, plus i.i.d. normal noise of standard
        deviation ``sigma``."""
        return cls("step", check_finite(before, "step demand: before"), 0.0,
                   check_nonnegative(sigma, "sigma"), check_finite(after, "step demand: after"),
                   check_whole(at, "step demand: at (a 0-based period)"))

    @classmethod
    def series(cls, values: ArrayLike) -> "Demand":
        """A given series: 1-D (every replication sees it) or 2-D (one row per replication)."""
        try:
            array = np.array(values, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError("demand series must be numbers") from None
        if array.ndim not in (1, 2) or array.size == 0 or array.shape[-1] == 0:
            raise ParameterError(f"demand series is empty or not 1-D/2-D (shape {array.shape}); "
                                 "give at least one period of demand")
        if not np.isfinite(array).all():
            bad = np.argwhere(~np.isfinite(array))[0].tolist()
            raise ParameterError(f"demand series has a missing or infinite value at {bad}")
        array.setflags(write=False)
        return cls("series", float(array.mean()), 0.0, float(array.std()), values=array)

    @classmethod
    def coerce(cls, value: Demand | ArrayLike | None) -> "Demand":
        """A :class:`Demand` as is; anything array-like as :meth:`series`."""
        if value is None:
            return cls.normal()
        return value if isinstance(value, Demand) else cls.series(value)

    @property
    def _rows(self) -> np.ndarray:
        """A given series as rows (one, or one per replication)."""
        if self.values is None:
            raise ParameterError(f"{self.kind} demand is generated, not a given series")
        return np.atleast_2d(self.values)

    @property
    def level(self) -> float:
        """The demand level before period 0 (every stage starts in steady state there)."""
        if self.kind == "series":
            return float(self._rows[:, 0].mean())
        return self.mu

    @property
    def variance(self) -> float:
        """The stationary variance of an AR(1) / normal process (NaN for other kinds)."""
        if self.kind != "ar1":
            return float("nan")
        return self.sigma ** 2 / (1 - self.rho ** 2)

    @property
    def length(self) -> int | None:
        """Periods in a given series (None for generated demand)."""
        return None if self.values is None else self.values.shape[-1]

    def generate(self, replications: int, periods: int,
                 seed: Seed = None) -> np.ndarray:
        """An array ``(replications, periods)`` of demand."""
        if self.kind == "series":
            rows = self._rows[:, :periods]
            if rows.shape[0] == 1:
                return np.broadcast_to(rows, (replications, rows.shape[1])).copy()
            return rows.copy()
        rng = as_generator(seed)
        if self.kind == "step":
            base = np.where(np.arange(periods) < self.at, self.mu, self.after)
            noise = rng.standard_normal((replications, periods)) * self.sigma
            return noise + base
        shocks = rng.standard_normal((replications, periods))
        shocks *= self.sigma
        if self.rho == 0.0:
            shocks += self.mu
            return shocks
        start = rng.standard_normal(replications) * np.sqrt(self.variance)
        # deviations follow x_t = rho x_{t-1} + e_t from a stationary x_{-1}
        shocks[:, 0] += self.rho * start
        path = first_order(shocks, self.rho, in_place=True)
        path += self.mu
        return path
