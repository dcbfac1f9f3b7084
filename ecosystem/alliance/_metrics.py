"""The metrics of one alliance configuration, and the table-wide ones.

:func:`evaluate` runs every mechanism on one configured ecosystem and returns
a flat row; :func:`finish` adds what needs every row at once (coupling
coordination, ranks, the Pareto front). Both are used by ``compare`` and by
``sweep``, so a sweep's rows are exactly ``compare``'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from .._errors import ParameterError, UnknownMemberError
from ..graph import Ecosystem
from ._config import Alliance, apply

__all__ = ["Settings", "METRICS", "evaluate", "finish"]

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
    options: Mapping[str, Any] = field(default_factory=dict)


def default_market(eco: Ecosystem) -> str:
    """The market with the largest inbound logistics volume."""
    markets = eco.members(role="market")
    if not markets:
        raise ParameterError("the ecosystem has no member of role 'market'; "
                             "give market=... explicitly")
    inbound = np.asarray(eco.adjacency("logistics").sum(axis=0)).ravel()
    index = eco.index()
    return max(markets, key=lambda m: inbound[index[m]])


def default_margin(eco: Ecosystem) -> dict[str, float]:
    """Each market's ``margin`` attribute (an error names the markets without one)."""
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
    if players is None:
        players = list(dict.fromkeys(m for a in alliances for m in a.members))
    players = tuple(players)
    if not players:
        raise ParameterError("no players: give alliances with members or players=...")
    for member in players:
        if member not in eco:
            raise UnknownMemberError(f"player {member!r} is not a member")
    market = market or default_market(eco)
    if market not in eco:
        raise UnknownMemberError(f"market {market!r} is not a member")
    margin = default_margin(eco) if margin is None else margin
    known = {name for name in Settings.__dataclass_fields__ if name != "options"}
    direct = {k: options.pop(k) for k in list(options) if k in known}
    return Settings(players=players, market=market, margin=margin, **direct, options=options)


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
    of volume still moving after the most critical platform fails); and
    ``flow:<subsystem>:<flow>``, the steady-state flow handled by the
    cross-border side (``cbec``) and the industrial side (``industry``), from
    which :func:`finish` computes coupling coordination.
    """
    from .. import benefit, bullwhip, flows, niche

    configured = apply(eco, alliance)
    members = set(alliance.members) if alliance else set()
    row: dict[str, Any] = {"configuration": alliance.name if alliance else "baseline",
                           "members": ",".join(alliance.members) if alliance else ""}

    chain = bullwhip.chain_from(configured, settings.market)
    sharing: Any = ({m for m in chain.members if m in members}
                    if alliance and alliance.share_information else "decentralized")
    sharing = sharing or "decentralized"
    exact = bullwhip.exact_ratio(chain, window=settings.window, sharing=sharing)
    row["bullwhip_ratio"] = float(exact.iloc[-1])
    simulated = bullwhip.simulate(chain, window=settings.window, sharing=sharing,
                                  replications=settings.replications,
                                  periods=settings.periods, seed=seed)
    row["bullwhip_simulated"] = float(simulated.summary["order_ratio"].iloc[-1])

    game = benefit.surplus_game(configured, list(settings.players), margin=settings.margin,
                                outsiders="free")
    shapley = benefit.shapley(game)
    report = benefit.stability(game, shapley)
    row["total_surplus"] = float(game.grand_value)
    row.update({f"shapley:{p}": float(v) for p, v in shapley.items()})
    row["max_excess"] = float(report.max_excess)
    row["in_core"] = bool(report.in_core)

    use = niche.resource_matrix(configured, members=list(settings.players), direction="out",
                                drop_empty=True)
    if len(use) >= 2:
        table = niche.overlap(use, "pianka").to_numpy()
        row["niche_overlap"] = float(table[~np.eye(len(table), dtype=bool)].mean())
    else:
        row["niche_overlap"] = np.nan

    injections = {(m, "information"): 1.0 for m in configured.members(role="market")}
    state = flows.steady_state(configured, injections, damping=settings.damping)
    row["throughput"] = float(state.levels.to_numpy().sum())
    roles = pd.Series(state.roles, index=state.levels.index)
    for side, side_roles in (("cbec", CBEC_ROLES), ("industry", INDUSTRY_ROLES)):
        handled = state.levels[roles.isin(side_roles).to_numpy()].sum()
        row.update({f"flow:{side}:{f}": float(v) for f, v in handled.items()})

    platforms = configured.members(role="platform")
    if platforms:
        worst = flows.critical_members(configured, platforms, top=1)
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
