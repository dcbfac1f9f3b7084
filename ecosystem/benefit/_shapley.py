"""The Shapley value: exact from a value table, or sampled with a standard error."""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

import numpy as np
import pandas as pd

from .._errors import ParameterError
from .._compat import renamed
from .._result import Result
from .._rng import Seed, as_generator
from ._bits import BLOCK_BITS, popcount, popcount_table, sum_over_members
from ._game import Game, allocation_series
from .._warn import warn

__all__ = ["shapley", "shapley_estimate", "ShapleyEstimate", "shapley_weights"]

_METHODS = ("exact", "permutation", "stratified")


def shapley_weights(n: int) -> np.ndarray:
    """``w[s] = s! (n-s-1)! / n!``: weight of a marginal contribution to a size-s coalition."""
    return np.array([1.0 / (n * comb(n - 1, s)) for s in range(n)])


def _exact(values: np.ndarray, n: int) -> np.ndarray:
    # phi_i = sum_{T containing i} v(T) w(|T|-1) - sum_{T without i} v(T) w(|T|)
    #       = sum_{T containing i} v(T) (w(|T|-1) + w(|T|)) - sum_T v(T) w(|T|)
    # so one pass over the table, one elementwise product and one strided sum per player.
    w = shapley_weights(n)
    coef_out = np.zeros(n + 1)
    coef_out[:n] = w
    coef_both = coef_out.copy()
    coef_both[1:] += w
    low = min(n, BLOCK_BITS)
    low_count = popcount_table(low)
    phi = np.zeros(n)
    outside = 0.0
    for high in range(1 << (n - low)):  # blocks keep scratch arrays at 2**BLOCK_BITS
        block = values[high << low:(high + 1) << low]
        size = low_count + np.uint8(popcount(np.array([high]))[0])
        outside += float((block * coef_out[size]).sum())
        sum_over_members(block * coef_both[size], n, phi, offset_bits=low, high=high)
    return phi - outside


@dataclass(frozen=True)
class ShapleyEstimate(Result):
    """A sampled Shapley value with its standard error.

    Attributes
    ----------
    value, stderr : pandas.Series
        The estimate and its standard error, indexed by player.
    replications : int
        Permutations drawn (``"permutation"``) or coalitions drawn per size
        (``"stratified"``).
    evaluations : int
        Calls of ``v`` (rows evaluated).
    converged : bool
        Whether the largest standard error reached ``tol`` before the
        sample budget ran out.
    method : str
    tol : float
    """

    value: pd.Series
    stderr: pd.Series
    replications: int
    evaluations: int
    converged: bool
    method: str
    tol: float

    def to_frame(self) -> pd.DataFrame:
        """Estimate and standard error side by side."""
        return pd.DataFrame({"shapley": self.value, "stderr": self.stderr})

    @property
    def samples(self) -> int:
        """The old name of :attr:`replications` (goes in the next release)."""
        warn("ShapleyEstimate.samples is now ShapleyEstimate.replications; the old name "
             "goes in the next release", DeprecationWarning)
        return self.replications

    @property
    def tolerance(self) -> float:
        """The old name of :attr:`tol` (goes in the next release)."""
        warn("ShapleyEstimate.tolerance is now ShapleyEstimate.tol; the old name goes "
             "in the next release", DeprecationWarning)
        return self.tol

    def summary(self) -> pd.DataFrame:
        """Estimate and standard error side by side: :meth:`to_frame`."""
        return self.to_frame()

    def headline(self) -> str:
        state = "converged" if self.converged else "not converged"
        return (f"sampled Shapley value ({self.method}, {self.replications} replications, "
                f"{self.evaluations} evaluations, {state} to {self.tol:.3g})")


def _permutation_round(game: Game, rng: np.random.Generator, count: int
                       ) -> tuple[np.ndarray, np.ndarray]:
    n = game.n
    # rank[b, i] = position of player i in permutation b
    rank = np.argsort(rng.random((count, n)), axis=1).argsort(axis=1)
    prefix = rank[:, None, :] < np.arange(n + 1)[None, :, None]  # (count, n+1, n)
    vals = game.evaluate(prefix.reshape(-1, n)).reshape(count, n + 1)
    rows = np.arange(count)[:, None]
    marginal = vals[rows, rank + 1] - vals[rows, rank]
    return marginal.sum(axis=0), (marginal ** 2).sum(axis=0)


def _stratum_round(game: Game, rng: np.random.Generator, size: int) -> np.ndarray:
    # One random order serves every player: S_i = the first `size` players other than i,
    # a uniform size-`size` subset of N \ {i} (deleting i from a uniform order of N
    # leaves a uniform order of N \ {i}).
    n = game.n
    rank = rng.permutation(n).argsort()
    before = rank < size
    before_next = rank < size + 1
    late = rank >= size
    rows = np.where(late[:, None], before[None, :], before_next[None, :])
    rows[np.arange(n), np.arange(n)] = late
    vals = game.evaluate(np.vstack([rows, before, before_next]))
    base, base_next = vals[n], vals[n + 1]
    return np.where(late, vals[:n] - base, base_next - vals[:n])


@renamed(tolerance="tol", max_samples="replications", min_samples="min_replications")
def shapley_estimate(game: Game, method: str = "permutation", *, tol: float | None = None,
                     replications: int | None = None, min_replications: int = 10,
                     seed: Seed = None) -> ShapleyEstimate:
    """Estimate the Shapley value by sampling, with a standard error and a stopping rule.

    ``"permutation"`` averages each player's marginal contribution over random
    orders of the players (Castro, Gomez & Tejada 2009, Computers & Operations
    Research 36:1726-1730). ``"stratified"`` samples, for every coalition size
    ``s``, random coalitions of that size and averages the n per-size means
    (Maleki et al. 2013, arXiv:1306.4265), which removes the variance between
    sizes. Sampling proceeds in rounds and stops once the largest standard error
    is at most ``tol`` (after ``min_replications``) or ``replications`` are spent.
    A permutation costs n + 1 evaluations of ``v``; a stratified round n (n + 2),
    which suits games of up to a few hundred players (permutations go further:
    1,000 players in benchmarks/bench_benefit.py).

    Parameters
    ----------
    game : Game
        Any game; a callable one should be vectorized (see
        :meth:`Game.from_function`) when it has many players.
    method : {"permutation", "stratified"}
    tol : float, optional
        Target standard error (absolute); default ``1e-3 * |v(N)|`` (or 1e-3).
    replications : int, optional
        The most permutations (default 5000) or coalitions per size (default
        500) drawn; fewer when ``tol`` is reached first.
    min_replications : int
        Replications before the stopping rule may stop (at least 2).
    seed : int or numpy.random.Generator, optional

    Examples
    --------
    >>> g = Game.from_function(range(5), lambda s: float(len(s) >= 3))  # majority game
    >>> est = shapley_estimate(g, "stratified", tol=0.01, seed=1)
    >>> est.value.round(2).tolist(), bool(est.stderr.max() <= 0.01)
    ([0.2, 0.2, 0.2, 0.2, 0.2], True)
    """
    if method not in ("permutation", "stratified"):
        raise ParameterError(f"sampling method {method!r} is not 'permutation' or 'stratified'")
    if min_replications < 2:
        raise ParameterError(f"min_replications must be at least 2 (a standard error needs "
                             f"two), got {min_replications}")
    rng = as_generator(seed)
    n = game.n
    if tol is None:  # 1e-3 of |v(N)|, or 1e-3 when that is 0 (or underflows to 0)
        tol = 1e-3 * abs(game.grand_value) or 1e-3
    if not tol > 0:
        raise ParameterError(f"tol must be > 0, got {tol}")
    if replications is None:
        replications = 5000 if method == "permutation" else 500
    if int(replications) < min_replications:
        raise ParameterError(f"replications ({replications}) must be at least min_replications "
                             f"({min_replications}): fewer give no standard error to trust")
    replications = int(replications)
    if method == "permutation":
        # rounds of at most 64 orders (fewer for big games: bounded membership matrices)
        per_round = max(1, min(64, 4_000_000 // (n * (n + 1))))
        total = np.zeros(n)
        square = np.zeros(n)
        done = 0
        while done < replications:  # rounds: the stopping rule is checked between them
            count = min(per_round, replications - done)
            add, add_sq = _permutation_round(game, rng, count)
            total += add
            square += add_sq
            done += count
            mean = total / done
            var = np.maximum(square / done - mean ** 2, 0.0) * done / max(done - 1, 1)
            stderr = np.sqrt(var / done)
            if done >= min_replications and stderr.max() <= tol:
                break
        evaluations = done * (n + 1)
    else:
        total = np.zeros((n, n))  # [size, player]
        square = np.zeros((n, n))
        done = 0
        while done < replications:  # rounds: the stopping rule is checked between them
            for size in range(n):  # each stratum draws its own coalitions
                marginal = _stratum_round(game, rng, size)
                total[size] += marginal
                square[size] += marginal ** 2
            done += 1
            mean_by_size = total / done
            var = np.maximum(square / done - mean_by_size ** 2, 0.0) * done / max(done - 1, 1)
            mean = mean_by_size.mean(axis=0)
            stderr = np.sqrt((var / done).sum(axis=0)) / n
            if done >= min_replications and stderr.max() <= tol:
                break
        evaluations = done * n * (n + 2)
    return ShapleyEstimate(value=allocation_series(game, mean, "shapley"),
                           stderr=allocation_series(game, stderr, "stderr"),
                           replications=done, evaluations=evaluations,
                           converged=bool(done >= min_replications and stderr.max() <= tol),
                           method=method,
                           tol=float(tol))


def shapley(game: Game, method: str = "exact", **sampling) -> pd.Series:
    """The Shapley value (Shapley 1953): each player's average marginal contribution.

    ``phi_i = sum over S not containing i of |S|! (n-|S|-1)! / n! (v(S + i) - v(S))``.

    Parameters
    ----------
    game : Game
    method : {"exact", "permutation", "stratified"}
        ``"exact"`` needs a value table (up to 26 players; 2**26 float64 values
        are 512 MiB) and runs one vectorised pass over it. The sampling methods
        take the keyword arguments of :func:`shapley_estimate` and attach
        ``stderr``, ``replications`` and ``converged`` to the result's ``attrs``.

    Returns
    -------
    pandas.Series
        The allocation, indexed by player.

    Examples
    --------
    >>> glove = Game.from_dict({"L": 0, "R1": 0, "R2": 0, ("L", "R1"): 1, ("L", "R2"): 1,
    ...                         ("R1", "R2"): 0, ("L", "R1", "R2"): 1})
    >>> shapley(glove).round(4).tolist()
    [0.6667, 0.1667, 0.1667]
    """
    if method not in _METHODS:
        raise ParameterError(f"method {method!r} is not one of: " + ", ".join(_METHODS))
    if method == "exact":
        if sampling:
            raise ParameterError(f"exact Shapley takes no sampling options, got {sorted(sampling)}")
        return allocation_series(game, _exact(game.table("exact Shapley"), game.n), "shapley")
    estimate = shapley_estimate(game, method, **sampling)
    value = estimate.value
    # "samples" is the old key of "replications", kept for one release
    value.attrs.update(stderr=estimate.stderr, replications=estimate.replications,
                       samples=estimate.replications,
                       evaluations=estimate.evaluations, converged=estimate.converged,
                       method=method)
    return value
