"""Stability report for an allocation: is any member or group better off alone?"""

from __future__ import annotations

import html

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .._errors import ParameterError
from .._result import Result
from ._bits import bool_from_masks, popcount
from ._core import default_tolerance, excess_table
from ._game import Game, PerPlayer, allocation_array, allocation_series

__all__ = ["stability", "StabilityReport", "compare_allocations"]


@dataclass(frozen=True)
class StabilityReport(Result):
    """How stable an allocation is.

    Attributes
    ----------
    allocation : Series
        The allocation, by player.
    efficiency_gap : float
        ``x(N) - v(N)``: positive means more is promised than the alliance makes.
    individually_rational : bool
        Every member gets at least its stand-alone value ``v({i})``.
    members : DataFrame
        By player: ``allocation``, ``stand_alone``, ``shortfall`` (how much less
        than stand-alone it gets, 0 if none).
    in_core : bool or None
        No coalition gets less than it could make alone (None without a value table).
    max_excess : float or None
        The largest ``e(S, x) = v(S) - x(S)`` over coalitions other than the empty
        one and N; positive means the coalition would gain by leaving.
    most_dissatisfied : tuple or None
        That coalition's members; among coalitions whose excesses tie (within the
        tolerance), the smallest, then the first in player order.
    dissatisfied : DataFrame
        The ``top`` coalitions by excess: ``coalition``, ``size``, ``value``,
        ``allocated``, ``excess``.
    """

    allocation: pd.Series
    efficiency_gap: float
    individually_rational: bool
    members: pd.DataFrame
    in_core: bool | None
    max_excess: float | None
    most_dissatisfied: tuple | None
    dissatisfied: pd.DataFrame = field(repr=False)

    def __str__(self) -> str:
        lines = [self.headline(),
                 f"  efficiency gap x(N) - v(N): {self.efficiency_gap:.6g}",
                 "  individually rational: " + ("yes" if self.individually_rational else
                                                 "no (" + ", ".join(
                                                     map(str, self.members.index[
                                                         self.members["shortfall"] > 0]))
                                                 + " below stand-alone)")]
        if self.in_core is not None:
            lines.append(f"  in the core: {'yes' if self.in_core else 'no'}")
        if self.most_dissatisfied is not None:  # a lone player has no proper coalition
            members = ", ".join(map(str, self.most_dissatisfied))
            lines.append(f"  most dissatisfied coalition: {{{members}}} with excess "
                         f"{self.max_excess:.6g}")
        return "\n".join(lines)

    def headline(self) -> str:
        return f"allocation: {self.allocation.name or 'x'}"

    def _row(self) -> dict[str, Any]:
        return {"efficiency_gap": self.efficiency_gap,
                "individually_rational": self.individually_rational,
                "in_core": self.in_core, "max_excess": self.max_excess,
                "most_dissatisfied": (None if self.most_dissatisfied is None else
                                      "{" + ", ".join(map(str, self.most_dissatisfied)) + "}")}

    def summary(self) -> pd.DataFrame:
        """One row, named after the allocation: its row of :func:`compare_allocations`."""
        return pd.DataFrame({self.allocation.name or "x": self._row()}
                            ).T.rename_axis("method")

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(str(self))}</pre>"


def stability(game: Game, allocation: PerPlayer, top: int = 5, tol: float | None = None
              ) -> StabilityReport:
    """Report individual rationality, core membership and the most dissatisfied coalitions.

    Parameters
    ----------
    game : Game
        With a value table every coalition is examined; without one only the
        members' stand-alone values are (``in_core`` and ``max_excess`` are None).
    allocation : Series by player, mapping or sequence in player order
    top : int
        How many coalitions to list in ``dissatisfied``.

    Examples
    --------
    >>> g = Game.from_function("abc", lambda s: float(len(s) >= 2))
    >>> report = stability(g, [0.5, 0.5, 0.0])
    >>> report.in_core, report.most_dissatisfied, round(report.max_excess, 6)
    (False, ('a', 'c'), 0.5)
    """
    if top < 0:
        raise ParameterError(f"top must be >= 0 (coalitions to list), got {top}")
    x = allocation_array(game, allocation)
    name = allocation.name if isinstance(allocation, pd.Series) else None
    series = allocation_series(game, x, name or "allocation")
    stand_alone = game.stand_alone().to_numpy()
    table = game.values
    tol = (default_tolerance(table) if table is not None else 1e-9) if tol is None else tol
    shortfall = np.maximum(stand_alone - x, 0.0)
    members = pd.DataFrame({"allocation": x, "stand_alone": stand_alone,
                            "shortfall": np.where(shortfall > tol, shortfall, 0.0)},
                           index=series.index)
    gap = float(x.sum() - game.grand_value)
    columns = ["coalition", "size", "value", "allocated", "excess"]
    if table is None or game.n == 1:
        return StabilityReport(series, gap, bool(np.all(shortfall <= tol)), members,
                               None if table is None else abs(gap) <= tol,
                               None, None, pd.DataFrame(columns=columns))
    level = excess_table(game, x)
    largest = float(np.max(level[1:-1]))
    # Excesses within about tol of each other tie (rounding noise must not pick the
    # coalition); ties go to the smallest coalition, a group that is easiest to form,
    # then to the lowest bitmask. The table is turned into these levels in place (at
    # 26 players it is 512 MiB); the few excesses reported are recomputed.
    np.round(np.divide(level, tol, out=level), out=level)
    level[0] = level[-1] = -np.inf
    count = min(top, len(level) - 2)
    if count > 0:
        kth = np.partition(level, len(level) - count)[len(level) - count]
        candidates = np.flatnonzero(level >= kth)
    else:
        candidates = np.flatnonzero(level == level.max())
    candidates = candidates[np.lexsort((candidates, popcount(candidates), -level[candidates]))]
    best = candidates[:count]
    allocated = (bool_from_masks(best, game.n) * x).sum(axis=1)
    frame = pd.DataFrame({"coalition": [game.label(m) for m in best],
                          "size": popcount(best).astype(int),
                          "value": table[best], "allocated": allocated,
                          "excess": table[best] - allocated}, columns=columns)
    worst = int(candidates[0])
    max_excess = float(table[worst] - x[game._members_of(worst)].sum())
    max_excess = 0.0 if abs(max_excess) <= tol else max_excess  # rounding noise is no excess
    return StabilityReport(series, gap, bool(np.all(shortfall <= tol)), members,
                           bool(abs(gap) <= tol and largest <= tol), max_excess,
                           tuple(game.players[i] for i in game._members_of(worst)), frame)


def compare_allocations(game: Game, allocations: Mapping[str, Any]) -> pd.DataFrame:
    """One row per named allocation with its :meth:`StabilityReport.summary`."""
    return pd.DataFrame({name: stability(game, x)._row() for name, x in allocations.items()}
                        ).T.rename_axis("method")
