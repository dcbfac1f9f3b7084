"""The linear program behind the least core and the nucleolus, with row generation.

``minimise t`` subject to ``v(S) - x(S) <= t`` for the free coalitions,
``x(S) = v(S) - level`` for coalitions already fixed, ``x(N) = v(N)`` and, for the
nucleolus over imputations, ``x_i >= v({i})``. Up to 2**n - 2 coalition rows are
too many to hand to the solver at n = 16, so only an active set is: after each
solve the excess of every free coalition is computed in one vectorised pass
(:func:`subset_sum`) and the most violated coalitions are added, until none is.
The final solution and its duals are then optimal for the full program, since
the rows left out are satisfied and carry zero dual.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from .._errors import EcosystemError
from ._bits import bool_from_masks, subset_sum

__all__ = ["SolverError", "ExcessLP", "solve_min_max_excess", "HIGHS_OPTIONS"]

_ADD_PER_ROUND = 64
_KEEP = 256

#: HiGHS's default feasibility tolerances (1e-7) are looser than the 1e-9 (relative)
#: to which excesses are compared here: a vertex breaking an active row by 1e-7 would be
#: cut again and again (found by hypothesis on a game whose values were 2 and 1e-7).
HIGHS_OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


class SolverError(EcosystemError):
    """The LP solver failed on a program that should be solvable (a numerical problem)."""

    __module__ = "ecosystem"  # printed and pickled by its public path


@dataclass
class ExcessLP:
    """Solution of one ``min max excess`` program."""

    x: np.ndarray
    level: float
    active: np.ndarray          # free coalition masks in the final program
    active_duals: np.ndarray    # their duals (>= 0)
    bound_players: np.ndarray   # players with an x_i >= v({i}) row
    bound_duals: np.ndarray


def _solve(n, rows, rhs, eq_rows, eq_rhs, bound_players, bound_rhs):
    k, b = len(rows), len(bound_players)
    a_ub = np.zeros((k + b, n + 1))
    a_ub[:k, :n] = -bool_from_masks(rows, n).astype(float)
    a_ub[:k, n] = -1.0
    a_ub[k + np.arange(b), bound_players] = -1.0
    b_ub = np.concatenate([-rhs, -bound_rhs])
    a_eq = np.zeros((len(eq_rows), n + 1))
    a_eq[:, :n] = bool_from_masks(eq_rows, n)
    cost = np.zeros(n + 1)
    cost[n] = 1.0
    return linprog(cost, A_ub=a_ub if len(b_ub) else None, b_ub=b_ub if len(b_ub) else None,
                   A_eq=a_eq, b_eq=eq_rhs, bounds=[(None, None)] * (n + 1), method="highs",
                   options=HIGHS_OPTIONS)


def solve_min_max_excess(table: np.ndarray, n: int, free: np.ndarray, fixed: np.ndarray,
                         fixed_rhs: np.ndarray, bound_players: np.ndarray,
                         bound_rhs: np.ndarray, active: np.ndarray, tol: float,
                         center: np.ndarray) -> ExcessLP:
    """Solve the program over the free coalitions (``free`` is a boolean table).

    ``center`` is a feasible allocation (it satisfies the equalities and bounds).
    Plain row generation (Kelley's cutting planes) stalls here: the restricted
    program's vertex wanders far along a degenerate optimal face and each round
    cuts off only that vertex. Cuts are therefore taken at a point between the
    vertex and the best allocation seen so far ("in-out" separation, Ben-Ameur &
    Neto 2007, Networks 49:3-17), and the program stops as soon as either point
    meets every coalition's row at the restricted optimum, which then certifies it.
    """
    active = np.unique(active[free[active]])
    best = np.asarray(center, dtype=float)
    at_center = np.where(free, table - subset_sum(best), -np.inf)
    best_worst = np.max(at_center)
    if active.size > _KEEP:  # rows carried over from earlier levels: keep the near-binding
        active = active[np.argpartition(-at_center[active], _KEEP - 1)[:_KEEP]]
    if active.size == 0:
        candidates = np.flatnonzero(free)
        excess = table[candidates] - subset_sum(best)[candidates]
        active = candidates[np.argsort(-excess, kind="stable")[:_ADD_PER_ROUND]]
    # HiGHS's tolerances are absolute (1e-7): the program is solved on values scaled to
    # about 1, or a game worth 1e-8 in all would be "solved" with violations as large
    # as its values. Duals do not change with the scale.
    scale = float(np.abs(table).max()) or 1.0
    for _ in range(10_000):  # row generation: each round adds violated coalitions
        result = _solve(n, active, table[active] / scale, fixed, fixed_rhs / scale,
                        bound_players, bound_rhs / scale)
        if result.status != 0:
            raise SolverError(f"the excess LP failed ({result.message}); check the game's values "
                              "for extreme magnitudes")
        vertex, level = result.x[:n] * scale, result.x[n] * scale
        own = table[active] - subset_sum(vertex)[active]
        if own.max(initial=-np.inf) > level + max(tol, 1e-6 * scale):
            raise SolverError(f"the excess LP's solution breaks its own constraints by "
                              f"{own.max() - level:.3g} (a numerical problem); check the "
                              "game's values for extreme magnitudes")
        found = None
        for point in (vertex, 0.5 * (vertex + best)):  # in-out cuts steady the row generation
            excess = np.where(free, table - subset_sum(point), -np.inf)
            worst = excess.max()
            if worst < best_worst:
                best, best_worst = point, worst
            if worst <= level + tol:
                found = point
                break
        if found is not None:
            duals = -result.ineqlin.marginals
            k = len(active)
            return ExcessLP(x=found, level=float(level), active=active,
                            active_duals=np.maximum(duals[:k], 0.0),
                            bound_players=bound_players, bound_duals=np.maximum(duals[k:], 0.0))
        violated = np.flatnonzero(excess > level + tol)  # at the in-out point
        cuts = violated[np.argsort(-excess[violated], kind="stable")[:_ADD_PER_ROUND]]
        active = np.union1d(active, cuts)
    raise SolverError("row generation did not converge")  # pragma: no cover
