"""Alliance configurations compared on one simulated belt, under common random numbers.

Every configuration is simulated on the same demand stream (the same seed and
the same warm-up), so a difference from the baseline is the configuration's
effect, measured replication by replication with a paired interval. Every
metric of a configuration depends on that configuration alone.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .._compat import renamed
from .._errors import ParameterError, UnknownMemberError
from .._result import Result
from ..graph import Ecosystem
from ..simulation import (MarketDemand, Policy, ServiceRules, SimulationResult,
                          compile_network, margin_split)
from ..simulation._result import interval
from ..simulation._run import _default_warmup, _policies, simulate_network, units_of
from ._config import Alliance, apply
from ._levers import configure

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["METRICS", "Metric", "AllianceComparison", "compare", "Belt", "EXACT_PLAYERS",
           "CORE_ROLES", "INDUSTRY_ROLES"]

#: The core enterprises: the default players of every benefit distribution.
CORE_ROLES = ("cbec_enterprise", "platform")
INDUSTRY_ROLES = ("manufacturer", "producer", "supplier", "production_base", "processor",
                  "cooperative")
#: Up to this many allied members the coalition game is tabulated exactly.
EXACT_PLAYERS = 12


def _told_apart(before: float, after: float, kind: str, digits: int
                ) -> tuple[str, str] | None:
    """``before`` and ``after`` formatted (``kind`` "g" or "%") with ``digits`` digits, or up
    to three more where those print the same; None when they are equal to that
    precision (a sentence then says "leaves ... at" rather than "from 34.5 to 34.5")."""
    if np.isnan(before) or np.isnan(after):
        return format(before, f".{digits}{kind}"), format(after, f".{digits}{kind}")
    for more in range(4):
        spec = f".{digits + more}{kind}"
        if format(before, spec) != format(after, spec):
            return format(before, spec), format(after, spec)
    return None


@dataclass(frozen=True)
class Metric:
    """One compared metric: whether larger is better, its unit kind and its meaning."""

    larger_is_better: bool
    unit: str
    meaning: str


#: The compared metrics. This one record drives the table, the ranks, the Pareto front,
#: the differences and the figure.
METRICS: Mapping[str, Metric] = {
    "belt_profit": Metric(True, "money/period",
                          "profit of every stocking member of the belt"),
    "players_profit": Metric(True, "money/period",
                             "profit of the players (by default the core enterprises)"),
    "bullwhip_ratio": Metric(False, "ratio",
                             "variance of all orders placed over the variance of the end "
                             "demand they serve, summed over the belt's members"),
    "service_level": Metric(True, "fraction",
                            "share of market demand shipped in the period it arose"),
    "mean_stock": Metric(False, "goods", "stock held across the belt"),
    "coordination": Metric(True, "index in [0, 1]",
                           "coupling coordination degree D of the industrial and cross-border "
                           "sides' profits, each scored against twice its baseline profit"),
    "max_excess": Metric(False, "money/period",
                         "largest gain a sub-coalition of the allied members would make by "
                         "leaving the Shapley split (negative: nobody has a reason to leave)"),
}

_PER_REPLICATION = ("belt_profit", "players_profit", "bullwhip_ratio", "service_level",
                    "mean_stock", "coordination")


@dataclass(frozen=True)
class Belt:
    """What every configuration of one comparison shares: the compiled belt, its baseline
    simulation and the simulation settings (the demand stream is fixed by ``seed``)."""

    ecosystem: Ecosystem
    network: Any
    rules: ServiceRules
    capital_rate: np.ndarray
    options: dict
    players: tuple[str, ...]
    baseline: SimulationResult
    prices: Any = None

    @classmethod
    def build(cls, eco: Ecosystem, *, players: Sequence[str] | None = None,
              periods: int = 52, replications: int = 200, seed: int = 0,
              demand: MarketDemand | pd.DataFrame | np.ndarray | None = None,
              policy: Policy | Mapping[str, Policy] | None = None,
              rules: ServiceRules | None = None,
              holding: float = 0.004, backorder: float = 0.02, warmup: int | None = None,
              confidence: float = 0.95) -> "Belt":
        rules = ServiceRules() if rules is None else rules
        network = rules.apply(compile_network(eco))
        if warmup is None and (demand is None or isinstance(demand, MarketDemand)):
            # one warm-up for every configuration: the demand streams then match period by
            # period (levers that shorten lead times would otherwise shorten it)
            warmup = _default_warmup(network, _policies(policy, network))
        if isinstance(seed, np.random.Generator):
            raise ParameterError("compare needs an integer seed: every configuration replays "
                                 "the same demand stream from it")
        if players is None:
            players = tuple(m for m in eco if eco.member(m)["role"] in CORE_ROLES)
        players = (players,) if isinstance(players, str) else tuple(players)
        for member in players:
            if member not in eco:
                raise UnknownMemberError(f"player {member!r} is not a member")
        # prices are the baseline's in every configuration: an alliance changes what its
        # members pay and how they work, not the contracts their customers signed, so what a
        # lever saves stays with the members who pull it
        prices = _FixedPrices(margin_split(network))
        options: dict[str, Any] = dict(
            periods=periods, replications=replications, seed=seed, demand=demand,
            policy=policy, rules=rules, price=prices, holding=holding,
            backorder=backorder, warmup=warmup, confidence=confidence)
        capital_rate = rules.capital_rates(network)
        baseline = simulate_network(network, sharing=(), **options)
        return cls(eco, network, rules, capital_rate, options, players, baseline, prices)

    def simulate(self, alliance: Alliance | None, keep_series: bool = True
                 ) -> SimulationResult:
        """The belt simulated with ``alliance`` in force (the baseline for None);
        ``keep_series=False`` skips the per-period member and lane tables, which no
        comparison metric reads."""
        if alliance is None:
            return self.baseline
        model = configure(self.network, alliance, self.rules, self.capital_rate)
        options = dict(self.options)
        rates = model.capital_rate
        rules = _FixedRates(self.rules, rates)
        options["rules"] = rules
        return simulate_network(model.network, sharing=sorted(model.sharing),
                                keep_series=keep_series, **options)

    def gain(self, alliance: Alliance, members: Iterable[str]) -> np.ndarray:
        """Per replication, the simulated gain in profit (money per period) of ``members``
        when ``alliance`` is in force, against the baseline."""
        result = self.simulate(alliance, keep_series=False)
        return _profit_of(result, members) - _profit_of(self.baseline, members)


@dataclass(frozen=True)
class _FixedPrices:
    """A price rule that returns prices worked out once (picklable for worker processes)."""

    prices: Any

    def __call__(self, network) -> Any:
        return self.prices


@dataclass(frozen=True)
class _FixedRates(ServiceRules):
    """Service rules whose capital rates an alliance has already set."""

    # set by __init__; a default only because the fields before it have defaults
    rates: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)

    def __init__(self, rules: ServiceRules, rates: np.ndarray):
        for name in ServiceRules.__dataclass_fields__:
            object.__setattr__(self, name, getattr(rules, name))
        object.__setattr__(self, "rates", rates)

    def capital_rates(self, network) -> np.ndarray:
        return self.rates


def _profit_of(result: SimulationResult, members: Iterable[str]) -> np.ndarray:
    position = {m: i for i, m in enumerate(result.network.members)}
    rows = [position[m] for m in members if m in position]
    profit = result.replications["profit"]
    return profit[rows].sum(axis=0) if rows else np.zeros(profit.shape[1])


def _per_replication(result: SimulationResult, baseline: SimulationResult,
                     players: Sequence[str]) -> dict[str, np.ndarray]:
    reps = result.replications
    roles = result.members["role"].to_numpy()
    served = reps["order_variance"] / np.where(np.isfinite(reps["bullwhip_ratio"]),
                                               reps["bullwhip_ratio"], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        bullwhip = np.nansum(reps["order_variance"], axis=0) / np.nansum(served, axis=0)
    sides = {}
    for side, side_roles in (("industry", INDUSTRY_ROLES), ("cbec", CORE_ROLES)):
        mask = np.isin(roles, side_roles)
        own = reps["profit"][mask].sum(axis=0)
        base = baseline.replications["profit"][np.isin(
            baseline.members["role"].to_numpy(), side_roles)].sum(axis=0)
        sides[side] = np.clip(own / np.where(base > 0, 2 * base, np.nan), 0.0, 1.0)
    return {
        "belt_profit": reps["profit"].sum(axis=0),
        "players_profit": _profit_of(result, players),
        "bullwhip_ratio": bullwhip,
        "service_level": reps["total:service_level"],
        "mean_stock": reps["total:mean_stock"],
        "coordination": _coordination(sides["industry"], sides["cbec"]),
    }


def _coordination(u1: np.ndarray, u2: np.ndarray) -> np.ndarray:
    """D = sqrt(C T), C = 2 sqrt(u1 u2) / (u1 + u2), T = (u1 + u2) / 2 (two subsystems)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        total = u1 + u2
        coupling = np.where(total > 0, 2 * np.sqrt(u1 * u2) / total, 0.0)
        return np.sqrt(coupling * total / 2)


@dataclass(frozen=True)
class AllianceComparison(Result):
    """Alliance configurations side by side on one simulated belt (what :func:`compare`
    returns).

    Attributes
    ----------
    metrics : DataFrame
        Configuration (the baseline first) x metric of :data:`METRICS`: each
        metric's mean over replications, with ``<metric>_low`` and
        ``<metric>_high`` (a t-interval; ``max_excess`` has none).
    differences : DataFrame
        Each configuration minus the baseline, replication by replication
        under common random numbers: mean and paired interval per metric.
    allocation : DataFrame
        Configuration x allied member: the Shapley value of the alliance game
        (money per period). The game's ``v(S)`` is the simulated gain in
        profit of the members ``S`` when ``S`` alone forms the alliance with
        the configuration's levers.
    stability : DataFrame
        Per configuration: the grand coalition's gain, whether the Shapley
        split is in the core, its largest excess, the coalition that would gain
        most by leaving, and how the Shapley value was found (exact or sampled
        with its largest standard error).
    ranks : DataFrame
        Configuration x metric: 1 is best.
    pareto : Series
        True where no other configuration is at least as good on every metric
        and better on one.
    configured : dict of str to Ecosystem
        Each configuration's ecosystem (:func:`~ecosystem.alliance.apply`).
    simulations : dict of str to SimulationResult
    alliances : tuple of Alliance
    players : tuple of str
        The members whose profit ``players_profit`` adds up.
    units : dict
        The unit of each metric.
    settings : dict
    """

    metrics: pd.DataFrame
    differences: pd.DataFrame
    allocation: pd.DataFrame
    stability: pd.DataFrame
    ranks: pd.DataFrame
    pareto: pd.Series
    configured: dict = field(repr=False)
    simulations: dict = field(repr=False)
    alliances: tuple = field(repr=False)
    players: tuple = field(repr=False)
    units: dict = field(repr=False)
    settings: dict = field(repr=False)

    def summary(self) -> pd.DataFrame:
        """The metrics' means, one row per configuration, with ``pareto``."""
        table = self.metrics[list(METRICS)].copy()
        table["pareto"] = self.pareto
        table.attrs["units"] = dict(self.units)
        return table

    def headline(self) -> str:
        s = self.settings
        return (f"Alliance comparison on '{self.configured['baseline'].name}': "
                f"{len(self.metrics) - 1} configuration(s) against the baseline, "
                f"{s['periods']} periods x {s['replications']} replications, "
                f"common random numbers (seed {s['seed']})")

    def to_frame(self) -> pd.DataFrame:
        """One flat row per configuration: metrics with intervals, differences (prefixed
        ``diff_``), ranks (``rank_``), ``pareto``, stability, members."""
        frame = self.metrics.copy()
        frame = frame.join(self.differences.add_prefix("diff_"))
        frame = frame.join(self.ranks.add_prefix("rank_"))
        frame["pareto"] = self.pareto
        frame = frame.join(self.stability.drop(columns=["max_excess"], errors="ignore"))
        frame["members"] = [",".join(a.members) if a is not None else ""
                            for a in (None, *self.alliances)]
        return frame

    def to_csv(self, path: str) -> None:
        """Write :meth:`to_frame` as CSV."""
        self.to_frame().to_csv(path)

    def best(self) -> dict[str, str]:
        """The best configuration on each metric (ties: the first)."""
        return {m: self.ranks[m].idxmin() for m in METRICS if self.metrics[m].notna().any()}

    def findings(self) -> list[str]:
        """What the table says, in sentences (what the report prints)."""
        lines = []
        money = self.units["belt_profit"]
        base = self.metrics.loc["baseline"]
        for name in self.metrics.index[1:]:
            diff = self.differences.loc[name]
            row = self.metrics.loc[name]
            parts = []
            for metric, whose in (("belt_profit", "the belt's profit"),
                                  ("players_profit", "the players' profit")):
                mean, low, high = diff[metric], diff[f"{metric}_low"], diff[f"{metric}_high"]
                if low == high == mean == 0:
                    parts.append(f"leaves {whose} unchanged")
                    continue
                verdict = ("raises" if low > 0 else "lowers" if high < 0 else
                           "does not move (within noise)")
                parts.append(f"{verdict} {whose}: {mean:+.3g} {money} (95% paired interval "
                             f"{low:+.3g} to {high:+.3g})")
            before, after = base["bullwhip_ratio"], row["bullwhip_ratio"]
            shown = _told_apart(before, after, "g", 3)
            if shown is None:
                parts.append(f"leaves the belt's bullwhip ratio at {before:.3g}")
            else:
                ratio = after / before if before else np.nan
                parts.append(f"brings the belt's bullwhip ratio from {shown[0]} to {shown[1]} "
                             f"({ratio:.0%} of the baseline)")
            before, after = base["service_level"], row["service_level"]
            shown = _told_apart(before, after, "%", 1)
            parts.append(f"leaves the service level at {before:.1%}" if shown is None else
                         f"a service level of {shown[1]} against {shown[0]}")
            stable = self.stability.loc[name]
            if stable["method"] == "exact":
                parts.append("the Shapley split is in the core: no group of members gains by "
                             "leaving" if stable["in_core"] in (True, np.True_) else
                             f"{stable['would_leave']} would gain {stable['max_excess']:.3g} "
                             f"{money} by leaving the Shapley split")
            lines.append(f"'{name}' " + "; ".join(parts) + ".")
        best = self.best()
        lines.append("Best on each metric: " + "; ".join(
            f"{metric.replace('_', ' ')}: {config}" for metric, config in best.items()) + ".")
        front = [c for c, p in self.pareto.items() if p]
        lines.append(f"Pareto-optimal (no other configuration is at least as good on every "
                     f"metric and better on one): {', '.join(front)}.")
        return lines

    def __str__(self) -> str:
        head = self.headline()
        table = self.summary().round(4).to_string()
        units = ", ".join(f"{k}: {v}" for k, v in self.units.items())
        return "\n".join([head, "", table, f"(units: {units})", "", *self.findings()])

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(str(self)) + "</pre>"


def _check(eco: Ecosystem, alliances: Sequence[Alliance]) -> None:
    for i, alliance in enumerate(alliances):
        if not isinstance(alliance, Alliance):
            raise ParameterError(f"alliances[{i}] is a {type(alliance).__name__}, not an "
                                 "Alliance (build one with Alliance(...) or Alliance.from_dict)")
        for member in alliance.members:
            if member not in eco:
                raise UnknownMemberError(f"alliance {alliance.name!r}: no member {member!r}")
    names = [a.name for a in alliances]
    if "baseline" in names or len(set(names)) != len(names):
        raise ParameterError(f"alliance names must be distinct and not 'baseline', got {names}")


def _coalition(alliance: Alliance, members: Sequence[str]) -> Alliance:
    return replace(alliance, name=alliance.name, members=tuple(members))


def alliance_game(belt: Belt, alliance: Alliance, *, processes: int | None = 1,
                  scheduler: str | Client | None = None):
    """The alliance game of ``alliance`` on ``belt``: ``v(S)`` = mean simulated gain in
    profit of ``S`` when ``S`` alone forms the alliance (money per period).

    Tabulated exactly up to :data:`EXACT_PLAYERS` members (every coalition
    simulated, on the backend given), otherwise a callable for sampling.
    """
    from ..benefit import Game
    players = tuple(alliance.members)
    if len(players) <= EXACT_PLAYERS:
        subsets = [tuple(p for k, p in enumerate(players) if mask >> k & 1)
                   for mask in range(1, 1 << len(players))]
        values = _map(_coalition_value, [(belt, alliance, s) for s in subsets], processes,
                      scheduler)
        table = np.zeros(1 << len(players))
        table[1:] = values
        return Game(players, table, name=alliance.name)
    cache: dict = {}

    def value(coalition: frozenset) -> float:
        key = tuple(p for p in players if p in coalition)
        if not key:
            return 0.0
        if key not in cache:
            cache[key] = _coalition_value((belt, alliance, key))
        return cache[key]
    return Game.from_function(players, value, exact=False, name=alliance.name)


def _coalition_value(task: tuple) -> float:
    belt, alliance, members = task
    return float(belt.gain(_coalition(alliance, members), members).mean())


def _map(function, tasks: list, processes: int | None, scheduler: Any) -> list:
    """``[function(t) for t in tasks]`` in this process, local processes or on Dask; the same
    values on every backend (each task is deterministic)."""
    if scheduler is not None:
        from distributed import Client
        client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
        try:
            return client.gather(client.map(function, tasks, pure=False))
        finally:
            if client is not scheduler:
                client.close()
    if processes is None or processes <= 1 or len(tasks) < 2:
        return [function(t) for t in tasks]
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(max_workers=processes) as pool:
        return list(pool.map(function, tasks, chunksize=max(1, len(tasks) // (4 * processes))))


@renamed(n_resamples="shapley_replications")
def compare(eco: Ecosystem, alliances: Iterable[Alliance], *,
            players: Sequence[str] | None = None, periods: int = 52,
            replications: int = 200, seed: int = 0,
            demand: MarketDemand | pd.DataFrame | np.ndarray | None = None,
            policy: Policy | Mapping[str, Policy] | None = None,
            rules: ServiceRules | None = None, holding: float = 0.004,
            backorder: float = 0.02, warmup: int | None = None, confidence: float = 0.95,
            benefit: bool = True, shapley_replications: int = 200,
            processes: int | None = 1,
            scheduler: str | Client | None = None) -> AllianceComparison:
    """Compare alliance configurations on the simulated belt, the baseline included.

    Every configuration is simulated with :func:`ecosystem.simulation.run` on
    the same demand stream (common random numbers): its metrics depend on it
    alone, and its differences from the baseline come with paired intervals.

    Parameters
    ----------
    eco : Ecosystem
        The belt without any alliance (not modified).
    alliances : iterable of Alliance
    players : sequence of str, optional
        The members whose profit ``players_profit`` adds up, the same for
        every row (default: every core enterprise, i.e. cross-border firms and
        platforms).
    periods, replications, seed, demand, policy, rules, holding, backorder, warmup, confidence
        As for :func:`ecosystem.simulation.run`.
    benefit : bool
        Also distribute each configuration's gain among its members (the
        alliance game; one simulation per coalition).
    shapley_replications : int
        The most random orders for the sampled Shapley value of alliances of
        more than :data:`EXACT_PLAYERS` members.
    processes : int, optional
        Local worker processes for the coalition simulations (1: this process).
    scheduler : str or dask.distributed.Client, optional
        Run the coalition simulations on a Dask cluster instead.

    Returns
    -------
    AllianceComparison

    Examples
    --------
    A chain whose cross-border firm and platform ally: they share market
    demand and halve the fee on the lane between them.

    >>> from ecosystem import Ecosystem
    >>> from ecosystem.alliance import Alliance, compare
    >>> eco = Ecosystem("toy")
    >>> for member, role in [("yarn", "supplier"), ("mill", "manufacturer"),
    ...                      ("shop", "cbec_enterprise"), ("mall", "platform")]:
    ...     eco.add_member(member, role)
    >>> eco.add_member("us", "market", margin=5.0)
    >>> for u, v in [("yarn", "mill"), ("mill", "shop"), ("shop", "mall"), ("mall", "us")]:
    ...     eco.link(u, v, "logistics", volume=10.0, unit_cost=1.0, lead_time=1)
    >>> result = compare(eco, [Alliance("shop+mall", ("shop", "mall"), cost_cut=0.5)],
    ...                  replications=50, seed=1)
    >>> result.metrics.index.tolist()
    ['baseline', 'shop+mall']
    >>> bool(result.differences.loc["shop+mall", "bullwhip_ratio"] < 0)
    True
    """
    alliances = list(alliances)
    _check(eco, alliances)
    belt = Belt.build(eco, players=players, periods=periods, replications=replications,
                      seed=seed, demand=demand, policy=policy, rules=rules, holding=holding,
                      backorder=backorder, warmup=warmup, confidence=confidence)
    for alliance in alliances:
        if not set(alliance.members) & set(belt.players) and players is not None:
            raise ParameterError(f"alliance {alliance.name!r}: the players {list(belt.players)} "
                                 f"exclude every allied member {list(alliance.members)}; add "
                                 f"some of them to players")
    names = ["baseline", *[a.name for a in alliances]]
    results = {"baseline": belt.baseline}
    for alliance in alliances:  # one simulation each; coalitions below may use processes
        results[alliance.name] = belt.simulate(alliance)
    per_rep = {name: _per_replication(results[name], belt.baseline, belt.players)
               for name in names}
    rows: dict[str, dict[str, float | np.ndarray]] = {}
    diffs: dict[str, dict[str, float | np.ndarray]] = {}
    for name in names:
        row: dict[str, float | np.ndarray] = {}
        diff: dict[str, float | np.ndarray] = {}
        for metric in _PER_REPLICATION:
            mean, low, high = interval(per_rep[name][metric], confidence)
            row.update({metric: mean, f"{metric}_low": low, f"{metric}_high": high})
            delta = per_rep[name][metric] - per_rep["baseline"][metric]
            mean, low, high = interval(delta, confidence)
            diff.update({metric: mean, f"{metric}_low": low, f"{metric}_high": high})
        rows[name], diffs[name] = row, diff
    allocation, stability = _benefit(belt, alliances, benefit, shapley_replications, seed,
                                     processes, scheduler, results)
    for name in names:
        excess = stability.loc[name, "max_excess"] if name in stability.index else np.nan
        rows[name].update(max_excess=excess, max_excess_low=np.nan, max_excess_high=np.nan)
        diffs[name].update(max_excess=np.nan, max_excess_low=np.nan, max_excess_high=np.nan)
    metrics = pd.DataFrame.from_dict(rows, orient="index")
    metrics.index.name = "configuration"
    differences = pd.DataFrame.from_dict(diffs, orient="index")
    differences.index.name = "configuration"
    ranks, pareto = _ranks(metrics)
    goods, money, period = units_of(eco)
    unit_of = {"money/period": f"{money} per {period}", "goods": goods, "ratio": "ratio",
               "fraction": "fraction", "index in [0, 1]": "index in [0, 1]"}
    units = {m: unit_of[spec.unit] for m, spec in METRICS.items()}
    configured = {"baseline": apply(eco, None),
                  **{a.name: apply(eco, a) for a in alliances}}
    return AllianceComparison(
        metrics=metrics, differences=differences, allocation=allocation,
        stability=stability, ranks=ranks, pareto=pareto, configured=configured,
        simulations=results, alliances=tuple(alliances), players=belt.players, units=units,
        settings=dict(belt.options, players=belt.players, benefit=benefit,
                      shapley_replications=shapley_replications))


def _benefit(belt: Belt, alliances: Sequence[Alliance], enabled: bool, shapley_replications: int,
             seed: int, processes: int | None, scheduler: Any, results: dict
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    from ..benefit import shapley, shapley_estimate, stability
    members = list(dict.fromkeys(m for a in alliances for m in a.members))
    allocation = pd.DataFrame(np.nan, index=pd.Index(
        ["baseline", *[a.name for a in alliances]], name="configuration"), columns=members)
    records = {"baseline": dict(gain=0.0, in_core=np.nan, max_excess=np.nan, would_leave="",
                                method="", stderr=np.nan)}
    for alliance in alliances:
        gain = float((_profit_of(results[alliance.name], alliance.members)
                      - _profit_of(belt.baseline, alliance.members)).mean())
        record = dict(gain=gain, in_core=np.nan, max_excess=np.nan, would_leave="",
                      method="", stderr=np.nan)
        if enabled:
            game = alliance_game(belt, alliance, processes=processes, scheduler=scheduler)
            if game.values is not None:
                split = shapley(game)
                report = stability(game, split)
                record.update(method="exact", in_core=bool(report.in_core),
                              max_excess=np.nan if report.max_excess is None
                              else float(report.max_excess),
                              would_leave="+".join(map(str, report.most_dissatisfied or ())))
            else:
                estimate = shapley_estimate(game, replications=shapley_replications, seed=seed)
                split = estimate.value
                record.update(method=f"sampled ({estimate.replications} permutations)",
                              stderr=float(estimate.stderr.max()))
            allocation.loc[alliance.name, list(split.index)] = split.to_numpy()
        records[alliance.name] = record
    stability_table = pd.DataFrame.from_dict(records, orient="index")
    stability_table.index.name = "configuration"
    return allocation, stability_table


def _ranks(metrics: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    ranks = pd.DataFrame({m: metrics[m].rank(ascending=not spec.larger_is_better,
                                             method="min", na_option="bottom")
                          for m, spec in METRICS.items()}, index=metrics.index)
    usable = [m for m in METRICS if metrics[m].notna().all()]
    values = metrics[usable].to_numpy(dtype=float)
    signs = np.array([1.0 if METRICS[m].larger_is_better else -1.0 for m in usable])
    oriented = values * signs
    at_least = (oriented[:, None, :] >= oriented[None, :, :]).all(axis=2)
    strictly = (oriented[:, None, :] > oriented[None, :, :]).any(axis=2)
    dominated = (at_least & strictly).any(axis=0)
    return ranks, pd.Series(~dominated, index=metrics.index, name="pareto")
