"""Comparing alliance configurations, and generating candidate alliances."""

from __future__ import annotations

from itertools import combinations
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .._errors import ParameterError, UnknownMemberError
from ..graph import Ecosystem
from ._config import Alliance
from ._metrics import CBEC_ROLES, METRICS, evaluate, finish, make_settings

__all__ = ["compare", "candidates", "greedy", "greedy_path"]

def _check_names(alliances: Sequence[Alliance]) -> None:
    for i, alliance in enumerate(alliances):
        if not isinstance(alliance, Alliance):
            raise ParameterError(f"alliances[{i}] is a {type(alliance).__name__}, not an "
                                 "Alliance (build one with Alliance(...) or Alliance.from_dict)")
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
    ...                      ("shop", "cbec_enterprise"), ("mall", "platform"),
    ...                      ("bank", "finance")]:
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


def greedy_path(eco: Ecosystem, metric: str = "total_surplus",
                members: Iterable[str] | None = None, *, max_size: int = 4,
                levers: Mapping[str, Any] | None = None, seed: int = 0,
                **compare_options: Any) -> list[Alliance]:
    """The alliances a greedy search passes through, smallest first (see :func:`greedy`)."""
    path, _, _ = _search(eco, metric, members, max_size, levers, seed, compare_options)
    return path


def greedy(eco: Ecosystem, metric: str = "total_surplus", members: Iterable[str] | None = None,
           *, max_size: int = 4, levers: Mapping[str, Any] | None = None, seed: int = 0,
           **compare_options: Any) -> pd.DataFrame:
    """Grow one alliance member by member, each time adding the member that helps ``metric`` most.

    Starts from the best pair of ``members`` (default: the core enterprises);
    stops at ``max_size`` members or when no addition improves the metric.
    Each configuration is evaluated once. ``levers`` are given to every
    alliance tried; ``players`` (among ``compare_options``) default to
    ``members``. ``coordination`` cannot be searched on: it is defined across
    a table's rows, not for one configuration.

    Returns
    -------
    DataFrame
        The :func:`compare` table of the alliances on the path, in order
        (baseline first), with the column ``step``.
    """
    path, rows, settings = _search(eco, metric, members, max_size, levers, seed,
                                   compare_options)
    table = pd.DataFrame([evaluate(eco, None, settings, seed), *rows])
    table = finish(table).set_index("configuration")
    table["step"] = range(len(table))
    return table


def _search(eco: Ecosystem, metric: str, members: Iterable[str] | None, max_size: int,
            levers: Mapping[str, Any] | None, seed: int, compare_options: dict[str, Any]
            ) -> tuple[list[Alliance], list[dict[str, Any]], Any]:
    if metric not in METRICS or metric == "coordination":
        raise ParameterError(f"metric must be one of "
                             f"{sorted(set(METRICS) - {'coordination'})}, got {metric!r}")
    pool = _core_enterprises(eco, members, "greedy")
    if len(pool) < 2 or max_size < 2:
        raise ParameterError(f"a greedy search needs at least two members and max_size >= 2, "
                             f"got {len(pool)} members and max_size={max_size}")
    levers = dict(levers or {})
    _check_levers(levers)
    options = dict(compare_options)
    players = options.pop("players", None) or tuple(pool)
    settings = make_settings(eco, [], players=players, **options)
    sign = 1.0 if METRICS[metric] else -1.0
    tried: dict[tuple, tuple[Alliance, dict[str, Any]]] = {}

    def score(group: tuple) -> float:
        if group not in tried:
            alliance = _alliance(group, levers)
            tried[group] = alliance, evaluate(eco, alliance, settings, seed)
        value = sign * tried[group][1][metric]
        return -np.inf if np.isnan(value) else value

    path = [max(combinations(pool, 2), key=score)]
    while len(path[-1]) < min(max_size, len(pool)):
        grown = max((path[-1] + (m,) for m in pool if m not in path[-1]), key=score)
        if score(grown) <= score(path[-1]):
            break
        path.append(grown)
    return [tried[g][0] for g in path], [tried[g][1] for g in path], settings
