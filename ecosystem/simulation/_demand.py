"""End demand at the markets of a simulated belt."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._compat import renamed
from .._errors import ParameterError
from .._rng import Seed, as_generator
from ..bullwhip._forecast import first_order
from ..bullwhip._params import check_nonnegative, check_rho, check_whole

__all__ = ["MarketDemand"]


@dataclass(frozen=True)
class MarketDemand:
    """Random demand at every market: a mean, noise with a coefficient of variation, a step.

    Each market ``m`` draws ``D_t = mean_m (1 + x_t)`` where ``x`` is normal noise
    with standard deviation ``cv`` (AR(1) with coefficient ``rho`` when
    ``rho != 0``, started in its stationary distribution, so ``cv`` is the
    stationary coefficient of variation); from period ``step_at`` on (counted
    from the first simulated period, warm-up included) the mean is multiplied
    by ``step``. Markets draw independently. Demand below zero is cut to zero.

    Parameters
    ----------
    cv : float
        Coefficient of variation of each market's demand.
    rho : float
        Autocorrelation of the noise (``|rho| < 1``).
    mean : mapping of market id to float, optional
        Mean demand per period; by default the goods volume each market
        receives in the spec.
    step : float
        Factor on the mean from ``step_at`` on (1: no step).
    step_at : int, optional
        First period of the step.

    Examples
    --------
    >>> MarketDemand(cv=0.1).innovation_sd(50.0)  # i.i.d.: the sd is cv x mean
    5.0
    """

    cv: float = 0.2
    rho: float = 0.0
    mean: Mapping[str, float] | None = field(default=None)
    step: float = 1.0
    step_at: int | None = None

    def __post_init__(self) -> None:
        check_nonnegative(self.cv, "cv")
        check_rho(self.rho)
        check_nonnegative(self.step, "step")
        if self.step_at is not None:
            check_whole(self.step_at, "step_at")
        if self.mean is not None:
            if not isinstance(self.mean, Mapping):
                raise ParameterError(f"mean must map market ids to mean demand, got "
                                     f"{type(self.mean).__name__}")
            for market, value in self.mean.items():
                check_nonnegative(value, f"mean demand of market {market!r}")

    def innovation_sd(self, mean: float | np.ndarray) -> float | np.ndarray:
        """Standard deviation of the innovations for a market of this ``mean``."""
        return self.cv * np.asarray(mean) * np.sqrt(1 - self.rho ** 2) if self.rho \
            else self.cv * mean

    def means(self, markets: tuple[str, ...], volumes: np.ndarray) -> np.ndarray:
        """Mean demand per market: the given means, else the spec's inbound volumes."""
        if self.mean is None:
            return np.asarray(volumes, dtype=float)
        unknown = set(self.mean) - set(markets)
        if unknown:
            raise ParameterError(f"demand mean names {sorted(unknown)}, which are not markets "
                                 f"of the belt; markets: {', '.join(markets)}")
        return np.array([float(self.mean.get(m, v)) for m, v in zip(markets, volumes)])

    @renamed(rng="seed")
    def generate(self, means: np.ndarray, replications: int, periods: int,
                 seed: Seed = None) -> np.ndarray:
        """Demand ``(periods, markets, replications)``.

        Parameters
        ----------
        means : ndarray (markets,)
            Mean demand per period of each market.
        replications, periods : int
        seed : int, numpy.random.Generator or None
            A Generator draws on from where it stands (a run draws its blocks
            of replications from one). ``rng=`` is its former name.

        Examples
        --------
        >>> demand = MarketDemand(cv=0.0).generate(np.array([5.0, 2.0]), 3, 4, seed=1)
        >>> demand.shape, demand[0, :, 0].tolist()  # no noise: the means
        ((4, 2, 3), [5.0, 2.0])
        """
        rng = as_generator(seed)
        markets = len(means)
        noise = rng.standard_normal((periods, markets, replications))
        if self.rho:
            noise *= np.sqrt(1 - self.rho ** 2)
            noise[0] = rng.standard_normal((markets, replications))
            # x_t = rho x_{t-1} + e_t along periods: the first-order filter of the bullwhip
            # module runs along the last axis
            flat = np.ascontiguousarray(noise.transpose(1, 2, 0).reshape(-1, periods))
            path = _ar1_path(flat, self.rho)
            noise = path.reshape(markets, replications, periods).transpose(2, 0, 1)
        scale = np.broadcast_to(means[None, :, None], noise.shape).copy()
        if self.step_at is not None:
            scale[self.step_at:] *= self.step
        demand = scale * (1 + self.cv * noise)
        np.maximum(demand, 0.0, out=demand)
        return demand


def _ar1_path(shocks: np.ndarray, rho: float) -> np.ndarray:
    """``x_t = rho x_{t-1} + e_t`` with ``x_0 = e_0`` (``e_0`` stationary)."""
    first = shocks[:, :1].copy()
    shocks = shocks.copy()
    shocks[:, 0] = 0.0
    path = first_order(shocks, rho, in_place=True)
    path += first * rho ** np.arange(shocks.shape[1])
    return path


def given_demand(value: pd.DataFrame | ArrayLike, markets: tuple[str, ...], replications: int | None
                 ) -> np.ndarray:
    """A user's demand as ``(periods, markets, replications)``: a DataFrame (period x market,
    the same every replication) or an array ``(replications, periods, markets)``."""
    if isinstance(value, pd.DataFrame):
        columns = [str(c) for c in value.columns]
        missing = [m for m in markets if m not in columns]
        extra = [c for c in columns if c not in markets]
        if missing or extra:
            raise ParameterError(
                "the demand table needs one column per market"
                + (f"; missing {missing}" if missing else "")
                + (f"; not markets: {extra}" if extra else "")
                + f" (markets: {', '.join(markets)})")
        try:
            table = value[list(markets)].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise ParameterError("the demand table must hold numbers") from None
        array = np.repeat(table[:, :, None], replications or 1, axis=2)
    else:
        try:
            array = np.array(value, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError("demand must be a MarketDemand, a DataFrame (period x "
                                 "market) or an array (replications, periods, markets)") \
                from None
        if array.ndim != 3 or array.shape[2] != len(markets):
            raise ParameterError(
                f"a demand array must have shape (replications, periods, markets) with "
                f"{len(markets)} market(s) ({', '.join(markets)}), got shape {array.shape}")
        if replications is not None and array.shape[0] != replications:
            raise ParameterError(f"the demand array has {array.shape[0]} replication(s) but "
                                 f"replications={replications}; leave replications out or "
                                 f"give {array.shape[0]}")
        array = array.transpose(1, 2, 0)
    if array.shape[0] < 2:
        raise ParameterError(f"demand covers {array.shape[0]} period(s); a variance needs at "
                             "least 2")
    if not np.isfinite(array).all() or (array < 0).any():
        bad = np.argwhere(~np.isfinite(array) | (array < 0))[0]
        raise ParameterError(f"demand of market {markets[bad[1]]!r} in period {bad[0]} is "
                             f"{array[tuple(bad)]!r}; demand must be finite and >= 0")
    return np.ascontiguousarray(array)

