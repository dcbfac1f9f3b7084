"""Comparing alliance configurations, and generating candidate alliances."""

from __future__ import annotations

from itertools import combinations
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .._errors import ParameterError, UnknownMemberError
from ..graph import Ecosystem
from ._config import Alliance
from ._metrics import CBEC_ROLES

__all__ = ["candidates", "greedy", "greedy_path"]

def _core_enterprises(eco: Ecosystem, members: Iterable[str] | None, what: str) -> list[str]:
    pool = list(members) if members is not None else [
        m for role in CBEC_ROLES for m in eco.members(role=role)]
    for member in pool:
        if member not in eco:
            raise UnknownMemberError(f"{what} member {member!r} is not a member")
    return pool


def _check_levers(levers: Mapping[str, Any]) -> None:
    allowed = set(Alliance.__dataclass_fields__) - {"name", "members"}
    unknown = set(levers) - allowed
    if unknown:
        raise ParameterError(f"unknown alliance levers {sorted(unknown)}; levers: "
                             f"{sorted(allowed)}")


def _alliance(group: Sequence[str], levers: Mapping[str, Any]) -> Alliance:
    return Alliance("+".join(map(str, group)), tuple(group), **levers)


def candidates(eco: Ecosystem, members: Iterable[str] | None = None, *, max_size: int = 2,
               min_size: int = 2, **levers: Any) -> list[Alliance]:
    """Every alliance of ``members`` with ``min_size`` to ``max_size`` members.

    ``members`` defaults to the core enterprises (cross-border firms and
    platforms). ``levers`` are the :class:`Alliance` fields given to every
    candidate (``cost_cut=0.1``, ...). Names join the members with ``+``.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for firm in ["a", "b", "c"]:
    ...     eco.add_member(firm, "cbec_enterprise")
    >>> [a.name for a in candidates(eco, max_size=3, cost_cut=0.1)]
    ['a+b', 'a+c', 'b+c', 'a+b+c']
    """
    pool = _core_enterprises(eco, members, "candidate")
    _check_levers(levers)
    if not 1 <= min_size <= max_size:
        raise ParameterError(f"need 1 <= min_size <= max_size, got {min_size}, {max_size}")
    return [_alliance(group, levers)
            for size in range(min_size, min(max_size, len(pool)) + 1)
            for group in combinations(pool, size)]


def greedy_path(eco: Ecosystem, metric: str = "players_profit",
                members: Iterable[str] | None = None, *, max_size: int = 4,
                levers: Mapping[str, Any] | None = None, **simulation: Any) -> list[Alliance]:
    """The alliances a greedy search passes through, smallest first (see :func:`greedy`)."""
    path, _ = _search(eco, metric, members, max_size, levers, simulation)
    return path


def greedy(eco: Ecosystem, metric: str = "players_profit", members: Iterable[str] | None = None,
           *, max_size: int = 4, levers: Mapping[str, Any] | None = None,
           **simulation: Any) -> pd.DataFrame:
    """Grow one alliance member by member, each time adding the member that helps ``metric`` most.

    Starts from the best pair of ``members`` (default: the core enterprises);
    stops at ``max_size`` members or when no addition improves the metric.
    Every alliance tried is simulated once on the same demand stream (common
    random numbers). ``levers`` are given to every alliance tried;
    ``simulation`` options (``periods``, ``replications``, ``seed``,
    ``players``, ...) are those of :func:`ecosystem.alliance.compare`.

    Returns
    -------
    DataFrame
        One row per step (the baseline first): ``alliance``, ``members`` and
        the metric's mean.
    """
    path, scores = _search(eco, metric, members, max_size, levers, simulation)
    rows = [{"alliance": "baseline", "members": "", metric: scores[()]}]
    rows += [{"alliance": a.name, "members": ",".join(a.members), metric: scores[a.members]}
             for a in path]
    table = pd.DataFrame(rows)
    table.index.name = "step"
    return table


def _search(eco: Ecosystem, metric: str, members: Iterable[str] | None, max_size: int,
            levers: Mapping[str, Any] | None, simulation: dict[str, Any]
            ) -> tuple[list[Alliance], dict[tuple, float]]:
    from ._simulated import _PER_REPLICATION, METRICS, Belt, _per_replication
    if metric not in _PER_REPLICATION:
        raise ParameterError(f"metric must be one of {sorted(_PER_REPLICATION)}, got "
                             f"{metric!r}")
    pool = _core_enterprises(eco, members, "greedy")
    if len(pool) < 2 or max_size < 2:
        raise ParameterError(f"a greedy search needs at least two members and max_size >= 2, "
                             f"got {len(pool)} members and max_size={max_size}")
    levers = dict(levers or {})
    _check_levers(levers)
    belt = Belt.build(eco, **simulation)
    sign = 1.0 if METRICS[metric].larger_is_better else -1.0
    scores: dict[tuple, float] = {}
    alliances: dict[tuple, Alliance] = {}

    def score(group: tuple) -> float:
        if group not in scores:
            alliance = _alliance(group, levers) if group else None
            result = belt.simulate(alliance, keep_series=False)
            scores[group] = float(np.nanmean(
                _per_replication(result, belt.baseline, belt.players)[metric]))
            if alliance is not None:
                alliances[group] = alliance
        value = sign * scores[group]
        return -np.inf if np.isnan(value) else value

    score(())
    path: list[tuple[str, ...]] = [max(combinations(pool, 2), key=score)]
    while len(path[-1]) < min(max_size, len(pool)):
        grown = max((path[-1] + (m,) for m in pool if m not in path[-1]), key=score)
        if score(grown) <= score(path[-1]):
            break
        path.append(grown)
    return [alliances[g] for g in path], scores
