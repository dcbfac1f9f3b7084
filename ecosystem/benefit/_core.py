"""The core and the least core."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._result import Result
from ._game import Game, GameError, PerPlayer, allocation_array, allocation_series
from ._lp import solve_min_max_excess

__all__ = ["in_core", "least_core", "core_nonempty", "LeastCore", "excess_table",
           "proper_coalitions", "default_tolerance"]


def default_tolerance(table: np.ndarray) -> float:
    """Absolute tolerance for comparisons of values of this size."""
    return 1e-9 * max(1.0, float(np.abs(table).max()))


def proper_coalitions(n: int) -> np.ndarray:
    """Boolean table: True for coalitions other than the empty one and N."""
    free = np.ones(1 << n, dtype=bool)
    free[0] = free[-1] = False
    return free


def excess_table(game: Game, x: np.ndarray) -> np.ndarray:
    """``e(S, x) = v(S) - x(S)`` for every coalition bitmask ``S``."""
    sums = game.coalition_sums(x)
    return np.subtract(game.table("excesses"), sums, out=sums)  # one table, not two


def in_core(game: Game, allocation: PerPlayer, tol: float | None = None) -> bool:
    """Whether ``allocation`` is in the core: ``x(N) = v(N)`` and ``x(S) >= v(S)`` for all S.

    Examples
    --------
    >>> g = Game.from_dict({"a": 0, "b": 0, ("a", "b"): 1})
    >>> in_core(g, [0.3, 0.7]), in_core(g, [0.3, 0.6]), in_core(g, [-0.1, 1.1])
    (True, False, False)
    """
    x = allocation_array(game, allocation)
    table = game.table("in_core")
    tol = default_tolerance(table) if tol is None else tol
    excess = excess_table(game, x)
    return bool(abs(excess[-1]) <= tol and excess.max() <= tol)


@dataclass(frozen=True)
class LeastCore(Result):
    """The least core: the smallest ``epsilon`` for which
    ``x(S) >= v(S) - epsilon`` for every proper coalition can hold, and one such ``x``.

    The core is non-empty exactly when ``epsilon <= 0``.
    """

    epsilon: float
    allocation: pd.Series

    @property
    def core_nonempty(self) -> bool:
        """Whether the game's core has a point."""
        return self.epsilon <= 1e-9 * max(1.0, float(np.abs(self.allocation).max()))

    def summary(self) -> pd.DataFrame:
        """The allocation, one row per player."""
        return self.allocation.rename("allocation").to_frame()

    def headline(self) -> str:
        core = "non-empty" if self.core_nonempty else "empty"
        return f"least core: epsilon {self.epsilon:.6g} (the core is {core})"


def least_core(game: Game, imputations: bool = False) -> LeastCore:
    """The least core (Maschler, Peleg & Shapley 1979) by one LP with row generation.

    Over all efficient allocations (the usual definition) or, with
    ``imputations=True``, only over those giving every member at least its
    stand-alone value (as coopgame-py does). The allocation returned is one
    point of the least core (it need not be unique; :func:`nucleolus` picks a
    canonical one).

    Examples
    --------
    The 3-player majority game (a pair or all three win 1) has an empty core:

    >>> g = Game.from_function("abc", lambda s: float(len(s) >= 2))
    >>> lc = least_core(g)
    >>> round(lc.epsilon, 6), lc.core_nonempty
    (0.333333, False)
    """
    table = game.table("the least core")
    n = game.n
    if n == 1:
        return LeastCore(0.0, allocation_series(game, table[1:], "least_core"))
    tol = default_tolerance(table)
    full = (1 << n) - 1
    singles = 1 << np.arange(n, dtype=np.int64)
    center = np.full(n, table[full] / n)
    bound_players = np.array([], dtype=np.int64)
    if imputations:
        if table[singles].sum() > table[full] + tol:
            raise GameError("the imputation set is empty (the stand-alone values add up to "
                            "more than v(N)); use least_core(game) over all efficient "
                            "allocations")
        center = table[singles] + (table[full] - table[singles].sum()) / n
        bound_players = np.arange(n)
    result = solve_min_max_excess(table, n, proper_coalitions(n), np.array([full]),
                                  np.array([table[full]]), bound_players,
                                  table[singles[bound_players]],
                                  np.concatenate([singles, full ^ singles]), tol, center=center)
    # + 0.0 turns the solver's -0.0 into 0.0
    return LeastCore(float(result.level) + 0.0,
                     allocation_series(game, result.x + 0.0, "least_core"))


def core_nonempty(game: Game) -> bool:
    """Whether the core has a point (Bondareva-Shapley: the game is balanced).

    Examples
    --------
    >>> core_nonempty(Game.from_function("abc", lambda s: float(len(s) >= 2)))
    False
    """
    return least_core(game).core_nonempty
