"""Comparing alliance configurations, and generating candidate alliances."""

from __future__ import annotations

from itertools import combinations
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from .._errors import ParameterError, UnknownMemberError
from ..graph import Ecosystem
from ._config import Alliance
from ._metrics import METRICS, evaluate, finish, make_settings

__all__ = ["compare", "candidates", "greedy"]

CORE_ENTERPRISE_ROLES = ("cbec_enterprise", "platform")


def _check_names(alliances: Sequence[Alliance]) -> None:
    names = [a.name for a in alliances]
    if "baseline" in names or len(set(names)) != len(names):
        raise ParameterError(f"alliance names must be distinct and not 'baseline', got {names}")


def compare(eco: Ecosystem, alliances: Iterable[Alliance], *, players: Sequence[str] | None = None,
            market: str | None = None, margin: float | Mapping[str, float] | None = None,
            seed: int = 0, **options: Any) -> pd.DataFrame:
    """Compare alliance configurations on every mechanism, the baseline included.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem without any alliance (it is not modified).
    alliances : iterable of Alliance
        The configurations to compare; a row without an alliance, named
        ``baseline``, comes first.
    players : sequence of str, optional
        Members whose Shapley values and niche overlap are reported, the same
        for every row (default: the union of the alliances' members).
    market : str, optional
        The market whose supply chain the bullwhip metrics follow (default:
        the market receiving most logistics volume).
    margin : float or mapping, optional
        Profit per unit sold in each market; by default each market's
        ``margin`` attribute.
    seed : int
        Seeds the simulated bullwhip check (the only random metric).
    **options
        ``window``, ``replications``, ``periods``, ``damping``: see
        :class:`ecosystem.alliance.Settings`.

    Returns
    -------
    DataFrame
        One row per configuration, indexed by its name: the metrics of
        :func:`ecosystem.alliance.evaluate`, ``coordination`` (coupling
        coordination degree D of the cross-border and industrial sides'
        flows, computed across the rows, so it ranks configurations against
        each other), ``rank:<metric>`` (1 = best) for each metric in
        :data:`METRICS` and ``pareto`` (no other configuration is at least as
        good on every metric and better on one).

    Examples
    --------
    A four-stage chain whose manufacturer and cross-border firm ally: they
    share market demand and halve the cost of the link between them.

    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem("toy")
    >>> for member, role in [("yarn", "supplier"), ("mill", "manufacturer"),
    ...                      ("shop", "cbec_enterprise"), ("mall", "platform"), ("bank", "finance")]:
    ...     eco.add_member(member, role)
    >>> eco.add_member("us", "market", margin=5.0)
    >>> for u, v in [("yarn", "mill"), ("mill", "shop"), ("shop", "mall"), ("mall", "us")]:
    ...     eco.link(u, v, "logistics", volume=10.0, unit_cost=1.0, lead_time=1)
    ...     eco.link("bank", u, "capital", volume=2.0)
    >>> table = compare(eco, [Alliance("mill+shop", ("mill", "shop"), cost_cut=0.5)])
    >>> table[["bullwhip_ratio", "total_surplus", "pareto"]].round(2)
                   bullwhip_ratio  total_surplus  pareto
    configuration
    baseline                37.70           10.0   False
    mill+shop               16.27           15.0    True
    """
    alliances = list(alliances)
    _check_names(alliances)
    settings = make_settings(eco, alliances, players=players, market=market, margin=margin,
                             **options)
    rows = [evaluate(eco, alliance, settings, seed) for alliance in [None, *alliances]]
    return finish(pd.DataFrame(rows)).set_index("configuration")


def candidates(eco: Ecosystem, members: Iterable[str] | None = None, *, max_size: int = 2,
               min_size: int = 2, **levers: Any) -> list[Alliance]:
    """Every alliance of ``members`` with ``min_size`` to ``max_size`` members.

    ``members`` defaults to the core enterprises (cross-border firms and
    platforms). ``levers`` are the :class:`Alliance` fields given to every
    candidate (``cost_cut=0.1``, ...). Names join the members with ``+``.
    """
    members = list(members) if members is not None else [
        m for role in CORE_ENTERPRISE_ROLES for m in eco.members(role=role)]
    for member in members:
        if member not in eco:
            raise UnknownMemberError(f"candidate member {member!r} is not a member")
    if not 1 <= min_size <= max_size:
        raise ParameterError(f"need 1 <= min_size <= max_size, got {min_size}, {max_size}")
    return [Alliance("+".join(group), group, **levers)
            for size in range(min_size, min(max_size, len(members)) + 1)
            for group in combinations(members, size)]


def greedy(eco: Ecosystem, metric: str = "total_surplus", members: Iterable[str] | None = None,
           *, max_size: int = 4, levers: Mapping[str, Any] | None = None,
           **compare_options: Any) -> pd.DataFrame:
    """Grow one alliance member by member, each time adding the member that helps ``metric`` most.

    Starts from the best pair; stops at ``max_size`` members or when no
    addition improves the metric. Returns the :func:`compare` rows of the
    alliances on the path, in order (baseline first), with the column
    ``step``.
    """
    if metric not in METRICS:
        raise ParameterError(f"metric must be one of {sorted(METRICS)}, got {metric!r}")
    pool = list(members) if members is not None else [
        m for role in CORE_ENTERPRISE_ROLES for m in eco.members(role=role)]
    levers = dict(levers or {})
    larger_is_better = METRICS[metric]
    players = compare_options.pop("players", None) or tuple(pool)

    def best(options: list[Alliance]) -> tuple[Alliance, pd.DataFrame]:
        table = compare(eco, options, players=players, **compare_options)
        scores = table.loc[[a.name for a in options], metric]
        name = scores.idxmax() if larger_is_better else scores.idxmin()
        return next(a for a in options if a.name == name), table

    current, table = best(candidates(eco, pool, max_size=2, min_size=2, **levers))
    path = [current]
    score = table.loc[current.name, metric]
    while len(current.members) < min(max_size, len(pool)):
        grown = [Alliance("+".join(current.members + (m,)), current.members + (m,), **levers)
                 for m in pool if m not in current.members]
        challenger, table = best(grown)
        new_score = table.loc[challenger.name, metric]
        if (new_score <= score) if larger_is_better else (new_score >= score):
            break
        current, score = challenger, new_score
        path.append(current)
    result = compare(eco, path, players=players, **compare_options)
    result["step"] = range(len(result))
    return result
