"""Forecasts and order-up-to levels, vectorised over replications *and* periods.

A stage reviews its position at the end of every period, after seeing that
period's demand, and raises it to ``y_t = L * f_t + safety_t``, where ``f_t``
forecasts one period's demand and ``L`` is the number of periods the level
must cover (physical lead time plus the review period).

* moving average over ``p`` periods (Chen, Drezner, Ryan & Simchi-Levi 2000);
  safety ``z sqrt(L) s_t`` with ``s_t`` the sample standard deviation over
  the same ``p`` periods;
* exponential smoothing ``f_t = alpha d_t + (1 - alpha) f_{t-1}`` (Chen, Ryan
  & Simchi-Levi 2000); safety ``z sqrt(L) s_t`` with ``s_t^2`` the
  exponentially smoothed (same ``alpha``) squared one-step forecast error;
* the known-process forecast of AR(1) demand (Lee, Padmanabhan & Whang 1997):
  ``y_t = L mu + rho (1 - rho^L) / (1 - rho) (d_t - mu)`` plus ``z`` times the
  exact standard deviation of the ``L``-period forecast error (a constant).
  Upstream stages apply the same rule to the orders they receive.

Before period 0 every series sits at its level (steady state), so filters
start from rest; the simulation discards a warm-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
__all__ = ["StagePolicy", "order_up_to", "level_changes", "ar1_coefficient", "ar1_error_sd"]


@dataclass(frozen=True)
class StagePolicy:
    """One stage's forecast and order-up-to settings (already checked)."""

    forecast: str
    lead_time: int
    window: int = 1
    alpha: float = 1.0
    z: float = 0.0


def ar1_coefficient(lead_time: int, rho: float) -> float:
    """``rho (1 - rho^L) / (1 - rho)``: how much of today's deviation from the mean
    the ``L``-period AR(1) forecast carries (Lee, Padmanabhan & Whang 1997)."""
    return float(sum(rho ** m for m in range(1, lead_time + 1)))


def ar1_error_sd(lead_time: int, rho: float, sigma: float) -> float:
    """Standard deviation of the ``L``-period AR(1) forecast error, innovations ``sigma``."""
    weights = [sum(rho ** j for j in range(m)) for m in range(1, lead_time + 1)]
    return float(sigma * np.sqrt(np.sum(np.square(weights))))


def _rolling_sum(values: np.ndarray, window: int) -> np.ndarray:
    """Sums over the last ``window`` periods (zeros before period 0)."""
    total = np.cumsum(values, axis=1)
    sums = np.empty_like(total)
    sums[:, :window] = total[:, :window]
    np.subtract(total[:, window:], total[:, :-window], out=sums[:, window:])
    return sums


def order_up_to(signal: np.ndarray, policy: StagePolicy, level: float,
                ar1: tuple[float, float, float] | None = None) -> tuple[np.ndarray, float]:
    """The order-up-to levels ``y`` (same shape as ``signal``) and the steady level before.

    Parameters
    ----------
    signal : ndarray (replications, periods)
        What the stage forecasts from: its incoming orders, or end-customer
        demand when it shares information.
    policy : StagePolicy
    level : float
        The signal's value before period 0.
    ar1 : (mu, rho, sigma), optional
        The known demand process, needed by the ``"ar1"`` forecast.
    """
    lead = policy.lead_time
    if policy.forecast == "ar1":
        mu, rho, sigma = ar1
        y = signal - mu
        y *= ar1_coefficient(lead, rho)
        steady = lead * mu + policy.z * ar1_error_sd(lead, rho, sigma)
        y += steady
        return y, steady
    deviation = signal - level
    if policy.forecast == "moving_average":
        p = policy.window
        forecast = _rolling_sum(deviation, p)
        forecast /= p
        spread = None
        if policy.z:
            squares = _rolling_sum(deviation * deviation, p)
            spread = np.sqrt(np.maximum(squares - p * forecast * forecast, 0.0) / (p - 1))
    else:
        from scipy.signal import lfilter  # scipy.signal takes a second to import: on use
        alpha = policy.alpha
        forecast = lfilter([alpha], [1.0, alpha - 1.0], deviation, axis=1)
        spread = None
        if policy.z:
            error = deviation.copy()
            error[:, 1:] -= forecast[:, :-1]
            spread = np.sqrt(lfilter([alpha], [1.0, alpha - 1.0], error * error, axis=1))
    y = forecast
    y *= lead
    y += lead * level
    if spread is not None:
        y += policy.z * np.sqrt(lead) * spread
    return y, lead * level


def level_changes(signal: np.ndarray, policy: StagePolicy, level: float,
                  ar1: tuple[float, float, float] | None = None) -> np.ndarray:
    """``y_t - y_{t-1}`` without forming ``y`` (valid when the safety stock is constant).

    The moving average and the AR(1) forecast change by a difference of the
    signal, so no running sum is needed: the cheap path of the simulation.
    """
    lead = policy.lead_time
    change = np.empty_like(signal)
    if policy.forecast == "exponential_smoothing":
        from scipy.signal import lfilter  # scipy.signal takes a second to import: on use
        alpha = policy.alpha
        smoothed = lfilter([alpha * lead], [1.0, alpha - 1.0], signal - level, axis=1)
        change[:, 0] = smoothed[:, 0]
        np.subtract(smoothed[:, 1:], smoothed[:, :-1], out=change[:, 1:])
        return change
    if policy.forecast == "moving_average":
        lag, scale = policy.window, lead / policy.window
    else:
        lag, scale = 1, ar1_coefficient(lead, ar1[1])
        level = ar1[0]
    lag = min(lag, signal.shape[1])
    np.subtract(signal[:, lag:], signal[:, :-lag], out=change[:, lag:])
    np.subtract(signal[:, :lag], level, out=change[:, :lag])
    change *= scale
    return change
