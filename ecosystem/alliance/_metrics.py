"""The metrics of one alliance configuration, and the table-wide ones.

:func:`evaluate` runs every mechanism on one configured ecosystem and returns
a flat row (:func:`evaluate_seeds`, which it calls, one row per seed);
:func:`finish` adds what needs every row at once (coupling coordination,
ranks, the Pareto front). Both are used by ``compare`` and by ``sweep``, so a
sweep's rows are exactly ``compare``'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from .._errors import ParameterError, UnknownMemberError
from ..graph import Ecosystem
from ._config import Alliance, apply

__all__ = ["Settings", "METRICS", "evaluate", "finish", "default_market", "default_margin"]

#: Each compared metric and whether larger is better.
METRICS: Mapping[str, bool] = {
    "bullwhip_ratio": False,
    "total_surplus": True,
    "max_excess": False,
    "niche_overlap": False,
    "throughput": True,
    "resilience": True,
    "coordination": True,
}

CBEC_ROLES = ("cbec_enterprise", "platform")
INDUSTRY_ROLES = ("manufacturer", "producer", "supplier", "production_base", "processor",
                  "cooperative")


@dataclass(frozen=True)
class Settings:
    """What every configuration of one comparison shares.

    Attributes
    ----------
    players : tuple of str
        The members whose benefit is distributed and whose niches are compared
        (by default the union of the alliances' members); the same for every
        row so the columns compare.
    market : str
        The market whose supply chain the bullwhip metric follows.
    margin : float or mapping of market id to float
        Profit per unit reaching each market, before link costs (surplus game).
    window : int
        Moving-average window of every stage's forecast (bullwhip).
    replications, periods : int
        Size of the simulated bullwhip check (its ratio is the only random
        metric; ``seed`` fixes it).
    damping : float, optional
        Damping of the flow model (its default when None).
    """

    players: tuple[str, ...]
    market: str
    margin: float | Mapping[str, float]
    window: int = 5
    replications: int = 200
    periods: int = 400
    damping: float | None = None


def default_market(eco: Ecosystem) -> str:
    """The market with the largest inbound logistics volume: the one compared by default.

    Links without ``volume`` count 1; ties go to the market listed first.

    Raises
    ------
    ParameterError
        The ecosystem has no member of role ``market``.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for member, role in [("m", "manufacturer"), ("us", "market"), ("eu", "market")]:
    ...     eco.add_member(member, role)
    >>> eco.link("m", "us", "logistics", volume=2.0); eco.link("m", "eu", "logistics", volume=5.0)
    >>> default_market(eco)
    'eu'
    """
    markets = eco.members(role="market")
    if not markets:
        raise ParameterError("the ecosystem has no member of role 'market'; "
                             "give market=... explicitly")
    inbound = np.asarray(eco.adjacency("logistics").sum(axis=0)).ravel()
    index = eco.index()
    return max(markets, key=lambda m: inbound[index[m]])


def default_margin(eco: Ecosystem) -> dict[str, float]:
    """Each market's ``margin`` attribute (profit per unit sold there): the default margin.

    Raises
    ------
    ParameterError
        Naming the markets without a ``margin`` attribute.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_member("us", "market", margin=8); eco.add_member("eu", "market", margin=6.5)
    >>> default_margin(eco)
    {'us': 8.0, 'eu': 6.5}
    """
    markets = eco.members(role="market")
    missing = [m for m in markets if "margin" not in eco.member(m)]
    if missing:
        raise ParameterError(f"markets {missing} have no 'margin' attribute (profit per unit "
                             "sold there); set it on the members or pass margin=...")
    return {m: float(eco.member(m)["margin"]) for m in markets}


def make_settings(eco: Ecosystem, alliances: Sequence[Alliance], *,
                  players: Sequence[str] | None = None, market: str | None = None,
                  margin: float | Mapping[str, float] | None = None, **options: Any
                  ) -> Settings:
    """Fill the defaults of :class:`Settings` from the ecosystem and the alliances."""
    known = set(Settings.__dataclass_fields__) - {"players", "market", "margin"}
    unknown = set(options) - known
    if unknown:
        raise ParameterError(f"unknown comparison options {sorted(unknown)}; known: "
                             f"{sorted(known | {'players', 'market', 'margin', 'seed'})}")
    if players is None:
        players = list(dict.fromkeys(m for a in alliances for m in a.members))
    players = (players,) if isinstance(players, str) else tuple(players)
    if not players:
        raise ParameterError("no players: give alliances with members or players=...")
    for member in players:
        if member not in eco:
            raise UnknownMemberError(f"player {member!r} is not a member")
    market = market or default_market(eco)
    if market not in eco:
        raise UnknownMemberError(f"market {market!r} is not a member")
    margin = default_margin(eco) if margin is None else margin
    return Settings(players=players, market=market, margin=margin, **options)


def evaluate(eco: Ecosystem, alliance: Alliance | None, settings: Settings,
             seed: int = 0) -> dict[str, Any]:
    """Every per-configuration metric of ``alliance`` applied to ``eco`` (a flat dict).

    Columns: ``bullwhip_ratio`` (exact order-variance ratio of the top stage of
    the market's chain, sharing among the alliance's members on the chain)
    and ``bullwhip_simulated`` (the same, simulated with ``seed``);
    ``total_surplus`` (v(N) of the surplus game over the players, non-players
    free to use), ``shapley:<player>`` for each player, ``max_excess`` (the
    largest coalition excess e(S) = v(S) - x(S) at the Shapley allocation) and
    ``in_core``; ``niche_overlap`` (mean Pianka overlap of the players'
    outlets); ``throughput`` (total steady-state flow from one unit of
    information, the orders, injected at every market); ``resilience`` (share
    of volume still moving after the most critical platform fails) and
    ``critical_platform``; and ``flow:<subsystem>:<flow>``, the steady-state
    flow handled by the cross-border side (``cbec``) and the industrial side
    (``industry``), from which :func:`finish` computes coupling coordination.
    """
    return evaluate_seeds(eco, alliance, settings, [seed])[0]


def evaluate_seeds(eco: Ecosystem, alliance: Alliance | None, settings: Settings,
                   seeds: Sequence[int]) -> list[dict[str, Any]]:
    """:func:`evaluate`'s row for each of ``seeds``, in order. Only the simulated
    bullwhip check depends on the seed: the configured ecosystem, its chain, game,
    niches and flows are computed once."""
    from .. import bullwhip

    configured = apply(eco, alliance)
    chain = bullwhip.chain_from(configured, settings.market)
    shared = set()
    if alliance is not None and alliance.share_information:
        shared = {m for m in chain.members if m in set(alliance.members)}
    sharing: Any = shared or "decentralized"
    exact = bullwhip.exact_ratio(chain, window=settings.window, sharing=sharing)
    head = {"configuration": alliance.name if alliance else "baseline",
            "members": ",".join(map(str, alliance.members)) if alliance else "",
            "bullwhip_ratio": float(exact.iloc[-1])}
    simulated = [bullwhip.simulate(chain, window=settings.window, sharing=sharing,
                                   replications=settings.replications, periods=settings.periods,
                                   seed=seed).summary["order_ratio"].iloc[-1] for seed in seeds]
    tail = {**_benefit(configured, settings),
            "niche_overlap": _niche_overlap(configured, settings.players),
            **_flows(configured, settings.damping)}
    return [{**head, "bullwhip_simulated": float(ratio), **tail} for ratio in simulated]


def _benefit(eco: Ecosystem, settings: Settings) -> dict[str, Any]:
    from .. import benefit

    game = benefit.surplus_game(eco, list(settings.players), margin=settings.margin,
                                outsiders="free")
    shapley = benefit.shapley(game)
    report = benefit.stability(game, shapley)
    return {"total_surplus": float(game.grand_value),
            **{f"shapley:{p}": float(v) for p, v in shapley.items()},
            # one player has no proper coalition, hence no excess (NaN, not 0)
            "max_excess": np.nan if report.max_excess is None else float(report.max_excess),
            "in_core": bool(report.in_core)}


def _niche_overlap(eco: Ecosystem, players: Sequence[str]) -> float:
    """Mean Pianka overlap of the players' outlets over their pairs (NaN for fewer than two)."""
    from .. import niche

    use = niche.resource_matrix(eco, members=list(players), direction="out", drop_empty=True)
    return np.nan if len(use) < 2 else niche.mean_overlap(use, "pianka")


def _flows(eco: Ecosystem, damping: float | None) -> dict[str, Any]:
    from .. import flows

    orders = {(m, "information"): 1.0 for m in eco.members(role="market")}
    state = flows.steady_state(eco, orders, damping=damping)
    row: dict[str, Any] = {"throughput": float(state.levels.to_numpy().sum())}
    roles = pd.Series(state.roles, index=state.levels.index)
    for side, side_roles in (("cbec", CBEC_ROLES), ("industry", INDUSTRY_ROLES)):
        handled = state.levels[roles.isin(side_roles).to_numpy()].sum()
        row.update({f"flow:{side}:{f}": float(v) for f, v in handled.items()})
    platforms = eco.members(role="platform")
    if platforms:
        worst = flows.critical_members(eco, platforms, top=1)
        row["resilience"] = float(1.0 - worst["lost_share"].iloc[0])
        row["critical_platform"] = worst.index[0]
    else:
        row["resilience"], row["critical_platform"] = np.nan, ""
    return row


def _coordination(rows: pd.DataFrame) -> pd.Series:
    """Coupling coordination D of the cross-border and industrial sides across rows."""
    from ..coupling import coordination

    columns = [c for c in rows.columns if c.startswith("flow:")]
    varying = [c for c in columns if rows[c].nunique() > 1]  # constant indicators carry no signal
    sides = {side: [c for c in varying if c.startswith(f"flow:{side}:")]
             for side in ("cbec", "industry")}
    if len(rows) < 2 or not all(sides.values()):
        return pd.Series(np.nan, index=rows.index)
    table = coordination(rows[varying].reset_index(drop=True), sides)
    return pd.Series(table["D"].to_numpy(), index=rows.index)


def finish(rows: pd.DataFrame) -> pd.DataFrame:
    """Add ``coordination``, ``rank:<metric>`` columns and ``pareto`` to a group of rows."""
    rows = rows.copy()
    rows["coordination"] = _coordination(rows)
    for metric, larger_is_better in METRICS.items():
        rows[f"rank:{metric}"] = rows[metric].rank(ascending=not larger_is_better,
                                                   method="min", na_option="bottom")
    values = rows[list(METRICS)].to_numpy(dtype=float)
    signs = np.array([1.0 if better else -1.0 for better in METRICS.values()])
    oriented = np.where(np.isnan(values), -np.inf, values * signs)  # larger is better everywhere
    at_least = (oriented[:, None, :] >= oriented[None, :, :]).all(axis=2)
    strictly = (oriented[:, None, :] > oriented[None, :, :]).any(axis=2)
    dominated = (at_least & strictly).any(axis=0)  # some row j dominates row i
    rows["pareto"] = ~dominated
    return rows
