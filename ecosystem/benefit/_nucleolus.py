"""The nucleolus by sequential LPs, checked by the Kohlberg criterion."""

from __future__ import annotations


import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linprog

from ._bits import bool_from_masks, popcount, subset_sum
from ._core import default_tolerance, excess_table, proper_coalitions
from ._game import Game, GameError, PerPlayer, allocation_array, allocation_series
from ._lp import SolverError, solve_min_max_excess

__all__ = ["nucleolus", "kohlberg"]


class _Span:
    """The span of N and of coalitions added so far, with every coalition's squared
    distance to it kept as one table: each new orthonormal vector q updates the table by
    ``(q . 1_S)**2``, a subset-sum table, with no matrix product over the 2**n rows."""

    def __init__(self, n: int, tol: float = 1e-8):
        self.n, self.tol = n, tol
        self.basis: list[np.ndarray] = []
        self.distance = popcount(np.arange(1 << n, dtype=np.int64)).astype(float)
        self._add(np.ones(n))

    @property
    def rank(self) -> int:
        return len(self.basis)

    def _add(self, vector: np.ndarray) -> None:
        for q in self.basis:  # modified Gram-Schmidt: one projection at a time, for rounding
            vector = vector - (q * vector).sum() * q
        q = vector / np.sqrt((vector * vector).sum())
        self.basis.append(q)
        projection = subset_sum(q)
        self.distance -= projection * projection

    def inside(self) -> np.ndarray:
        """Boolean table: True for the coalitions whose vectors are in the span."""
        return self.distance <= self.tol

    def outside(self, masks: np.ndarray) -> np.ndarray:
        """The masks whose vectors are not in the span."""
        return masks[self.distance[masks] > self.tol]

    def extend(self, masks: np.ndarray) -> None:
        """Add the vectors of ``masks`` to the span (the farthest first)."""
        while self.rank < self.n:  # at most n additions in all
            far = self.outside(masks)
            if far.size == 0:
                return
            self._add(bool_from_masks(far[[int(np.argmax(self.distance[far]))]], self.n)[0]
                      .astype(float))


def nucleolus(game: Game, imputations: bool = True, verify: bool = True) -> pd.Series:
    """The nucleolus (Schmeidler 1969): the allocation that lexicographically
    minimises the largest excesses ``v(S) - x(S)``.

    Sequential LPs solved by HiGHS (:func:`scipy.optimize.linprog`): each
    program minimises the largest excess of the coalitions not yet fixed; then
    only the coalitions tight at *every* optimum are fixed, namely those with a
    strictly positive dual (complementary slackness), since fixing coalitions
    that are merely tight at the solver's optimum gives wrong answers (Guajardo &
    Jornsten 2015, European Journal of Operational Research 241:931-935).
    Coalitions whose vectors fall in the span of the fixed ones have a
    determined excess and leave the program; it ends when the fixed vectors span
    R^n, at most n programs.

    Parameters
    ----------
    game : Game
        Needs a value table.
    imputations : bool
        The nucleolus over imputations (``x_i >= v({i})``), the default; False
        gives the prenucleolus (over all efficient allocations).
    verify : bool
        Check the result with the Kohlberg criterion (:func:`kohlberg`) and raise
        :class:`~ecosystem.benefit.SolverError` if it fails.

    Returns
    -------
    pandas.Series
        Indexed by player; ``attrs["levels"]`` lists the excess levels fixed.

    Examples
    --------
    Aumann & Maschler (1985): an estate of 200 and claims 100, 200, 300.

    >>> claims = {"a": 100, "b": 200, "c": 300}
    >>> g = Game.from_function(claims, lambda s: max(0, 200 - sum(claims[p] for p in claims
    ...                                                          if p not in s)))
    >>> nucleolus(g).round(6).tolist()
    [50.0, 75.0, 75.0]
    """
    table = game.table("the nucleolus")
    n = game.n
    full = (1 << n) - 1
    if n == 1:
        return allocation_series(game, table[1:], "nucleolus")
    tol = default_tolerance(table)
    singles = 1 << np.arange(n, dtype=np.int64)
    if imputations and table[singles].sum() > table[full] + tol:
        raise GameError("the imputation set is empty (the stand-alone values add up to more "
                        "than v(N)); use nucleolus(game, imputations=False), or --method "
                        "prenucleolus, for the prenucleolus")
    free = proper_coalitions(n)
    span = _Span(n)
    fixed = [full]
    fixed_rhs = [float(table[full])]
    bound_players = np.arange(n) if imputations else np.array([], dtype=np.int64)
    active = np.concatenate([singles, full ^ singles])
    levels = []
    x = np.full(n, (table[full] - (table[singles].sum() if imputations else 0.0)) / n)
    if imputations:
        x += table[singles]
    while True:  # one LP per excess level; each adds at least one independent vector
        result = solve_min_max_excess(table, n, free, np.array(fixed), np.array(fixed_rhs),
                                      bound_players, table[1 << bound_players], active, tol,
                                      center=x)
        x = result.x
        levels.append(result.level)
        dual_tol = 1e-9
        tight = result.active[result.active_duals > dual_tol]
        if tight.size == 0:  # numerically tiny duals: the largest one is still positive
            tight = result.active[[int(np.argmax(result.active_duals))]]
        fixed.extend(int(m) for m in tight)
        fixed_rhs.extend(float(table[m] - result.level) for m in tight)
        span.extend(tight)
        pinned = result.bound_players[result.bound_duals > dual_tol]
        for player in pinned:
            fixed.append(1 << int(player))
            fixed_rhs.append(float(table[1 << int(player)]))
        span.extend(singles[pinned])
        bound_players = np.setdiff1d(bound_players, pinned)
        if span.rank == n:
            break
        free[span.inside()] = False
        if not free.any():
            break
        active = result.active
    if span.rank == n:
        rows = bool_from_masks(np.array(fixed), n).astype(float)
        x = np.linalg.lstsq(rows, np.array(fixed_rhs), rcond=None)[0]
    out = allocation_series(game, x + 0.0, "nucleolus")  # no -0.0
    out.attrs["levels"] = levels
    if verify and not kohlberg(game, out, imputations=imputations):
        raise SolverError("the nucleolus LPs returned an allocation that fails the Kohlberg "
                          "criterion (a numerical problem); rescale the game's values")
    return out


def _balanced(level: np.ndarray, optional: np.ndarray, basis: list[np.ndarray], n: int) -> bool:
    # Whether B + level is balanced (with the optional singletons), given that B is and
    # spans ``basis`` with N. Since 1_N lies in the relative interior of B's cone, B's
    # columns can be replaced by the basis with free coefficients (perturb B's positive
    # weights): find lambda_S >= s > 0 on the level, mu >= 0, alpha free with
    # sum lambda_S 1_S + sum mu_i e_i + sum alpha_j q_j = 1_N, as lambda_S = s + slack_S.
    # n sparse equality rows: a k x k block of lambda_S >= s rows would not fit in memory
    # when one level holds tens of thousands of coalitions.
    k, q, r = len(level), len(optional), len(basis)
    members = bool_from_masks(level, n)
    player, column = np.nonzero(members.T)
    counts = members.sum(axis=0).astype(float)  # s enters once per coalition holding i
    dense = np.column_stack(basis + [counts])
    a_eq = sp.hstack([
        sp.csc_array((np.ones(len(player)), (player, column)), shape=(n, k)),
        sp.csc_array((np.ones(q), (optional, np.arange(q))), shape=(n, q)),
        sp.csc_array(dense)], format="csc")
    cost = np.zeros(k + q + r + 1)
    cost[-1] = -1.0
    bounds = [(0, None)] * (k + q) + [(None, None)] * r + [(0.0, 1.0)]
    result = linprog(cost, A_eq=a_eq, b_eq=np.ones(n), bounds=bounds, method="highs")
    return result.status == 0 and -result.fun > 1e-9


def kohlberg(game: Game, allocation: PerPlayer, imputations: bool = True,
             tol: float | None = None) -> bool:
    """Whether ``allocation`` is the nucleolus, by the Kohlberg (1971) criterion.

    An efficient ``x`` is the prenucleolus iff, for every level ``t``, the
    coalitions with excess at least ``t`` form a balanced collection; for the
    nucleolus ``x`` must be an imputation and the collection may be completed
    by singletons ``{i}`` with ``x_i = v({i})`` (Kohlberg 1971, SIAM J. Appl.
    Math. 20:62-66). Levels are checked from the top until the collection
    together with N spans R^n; adding coalitions whose vectors lie in the span of a
    balanced collection keeps it balanced, so only the levels that raise the
    rank need a balancedness LP (at most n - 1 of them), and each LP holds only
    that level's coalitions outside the span, the collection above it entering
    through a basis of its span.

    Examples
    --------
    >>> g = Game.from_function("abc", lambda s: float(len(s) >= 2))
    >>> kohlberg(g, [1/3, 1/3, 1/3]), kohlberg(g, [0.5, 0.5, 0.0])
    (True, False)
    """
    x = allocation_array(game, allocation)
    table = game.table("the Kohlberg criterion")
    n = game.n
    tol = default_tolerance(table) * 100 if tol is None else tol
    excess = excess_table(game, x)
    if abs(excess[-1]) > tol:
        return False
    singles = 1 << np.arange(n, dtype=np.int64)
    optional = np.array([], dtype=np.int64)
    if imputations:
        if np.any(excess[singles] > tol):
            return False
        optional = np.flatnonzero(np.abs(excess[singles]) <= tol)
    masks = np.flatnonzero(proper_coalitions(n))
    if masks.size == 0:
        return True
    order = masks[np.argsort(-excess[masks], kind="stable")]
    ordered = excess[order]
    # group equal excesses: a new level starts where the drop exceeds tol
    starts = np.flatnonzero(np.concatenate([[True], np.diff(ordered) < -tol]))
    ends = np.append(starts[1:], len(order))
    # A collection whose members' vectors lie in the span of a balanced one (with N) is
    # balanced too (perturb the weights), so only levels that raise the rank need an LP.
    span = _Span(n)
    start = 0
    for end in ends:  # at most n - 1 levels raise the rank
        level = span.outside(order[start:end])
        start = end
        if level.size == 0:
            continue
        if not _balanced(level, optional, span.basis, n):
            return False
        span.extend(level)
        if span.rank == n:
            return True
    return True
