"""What a simulation returns: per member, market and carrier, with intervals and units."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from .._result import Result
from ._network import Network

__all__ = ["SimulationResult", "interval", "MEMBER_METRICS", "MARKET_METRICS",
           "CARRIER_METRICS"]

#: Member metrics: (unit kind, what it is). Unit kinds: ratio, fraction, goods,
#: goods/period, goods^2, money/period.
MEMBER_METRICS: Mapping[str, tuple[str, str]] = {
    "bullwhip_ratio": ("ratio", "variance of orders placed / variance of the end demand served"),
    "order_variance": ("goods^2", "variance of orders placed per period"),
    "stock_variance": ("goods^2", "variance of net stock (stock minus backlog)"),
    "fill_rate": ("fraction", "share of orders received shipped in the same period"),
    "mean_stock": ("goods", "stock on hand at the end of a period"),
    "mean_backlog": ("goods", "orders owed at the end of a period"),
    "throughput": ("goods/period", "goods shipped per period"),
    "revenue": ("money/period", "sales to customers"),
    "purchases": ("money/period", "goods bought from suppliers"),
    "transport_fees": ("money/period", "fees for the goods it ships"),
    "holding_cost": ("money/period", "storage cost of stock"),
    "capital_cost": ("money/period", "cost of the money tied up in stock"),
    "backlog_cost": ("money/period", "penalty on orders owed"),
    "profit": ("money/period", "revenue minus purchases, fees and costs"),
}
MARKET_METRICS: Mapping[str, tuple[str, str]] = {
    "demand": ("goods/period", "end demand"),
    "delivered": ("goods/period", "goods arriving at the market"),
    "service_level": ("fraction", "share of demand shipped in the period it arose"),
    "spend": ("money/period", "what the market pays for goods"),
}
CARRIER_METRICS: Mapping[str, tuple[str, str]] = {
    "carried": ("goods/period", "goods handed over by shippers"),
    "fee_income": ("money/period", "transport fees received"),
}


def interval(values: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray,
                                                             np.ndarray]:
    """Mean over the last axis and the bounds of a two-sided t-interval (NaN for one value,
    and wherever a value is NaN: its cause is warned about where it arises)."""
    # the t quantile from scipy.special: scipy.stats is slow to import
    from scipy.special import stdtrit
    values = np.asarray(values, dtype=float)
    count = values.shape[-1]
    with np.errstate(invalid="ignore"):
        mean = values.mean(axis=-1)
        if count < 2:
            return mean, mean + np.nan, mean + np.nan
        half = stdtrit(count - 1, 0.5 + confidence / 2) * values.std(axis=-1, ddof=1) \
            / np.sqrt(count)
    return mean, mean - half, mean + half


def _table(per_rep: Mapping[str, np.ndarray], index: pd.Index, confidence: float
           ) -> pd.DataFrame:
    columns = {}
    for name, values in per_rep.items():
        mean, low, high = interval(values, confidence)
        columns[name], columns[f"{name}_low"], columns[f"{name}_high"] = mean, low, high
    return pd.DataFrame(columns, index=index)


@dataclass(frozen=True)
class SimulationResult(Result):
    """The simulated belt (what :func:`~ecosystem.simulation.run` returns).

    Attributes
    ----------
    members : DataFrame
        One row per stocking member (simulation order: market-facing first), a
        column per metric of :data:`MEMBER_METRICS` (its mean over
        replications) with ``<metric>_low`` / ``<metric>_high`` bounds of a
        ``confidence`` t-interval, then ``role``, ``lead_time`` (``L``,
        periods) and ``shares`` (forecasts from end demand).
    markets, carriers : DataFrame
        The same for markets (:data:`MARKET_METRICS`) and carriers
        (:data:`CARRIER_METRICS`).
    totals : DataFrame
        Belt-wide figures (``value``, ``low``, ``high``, ``unit``).
    units : dict
        The unit of every metric (e.g. ``"thousand CNY per week"``).
    replications : dict of str to ndarray
        Each member metric per replication, ``(members, replications)``, and
        ``"market:<metric>"``, ``"total:<metric>"``: for paired comparisons
        under common random numbers.
    balance : dict of str to ndarray
        Goods and money over the whole run, per replication: initial goods,
        goods from outside sources, goods delivered to markets, goods left
        (stock and in transit), money markets paid, money outside sources
        received, fees paid to the environment.
    network : Network
        The compiled goods network (lanes, shares, lead times).
    settings : dict
        The arguments that produced the result.
    """

    members: pd.DataFrame
    markets: pd.DataFrame
    carriers: pd.DataFrame
    totals: pd.DataFrame
    units: dict
    replications: dict = field(repr=False)
    balance: dict = field(repr=False)
    network: Network = field(repr=False)
    settings: dict = field(repr=False)
    period_member: dict = field(repr=False)
    period_market: dict = field(repr=False)
    lane_shipped: np.ndarray = field(repr=False)
    lane_arrived: np.ndarray = field(repr=False)

    def summary(self) -> pd.DataFrame:
        """The member table's means with the unit of each column (``attrs["units"]``)."""
        table = self.members[[*MEMBER_METRICS, "role", "lead_time", "shares"]].copy()
        table.attrs["units"] = {k: self.units[k] for k in MEMBER_METRICS}
        return table

    def headline(self) -> str:
        s = self.settings
        return (f"Simulated belt: {len(self.network.members)} stocking members, "
                f"{len(self.network.markets)} market(s), {len(self.network.carriers)} "
                f"carrier(s); {s['periods']} {self.units['period']}s x "
                f"{s['replications']} replications (warm-up {s['warmup']}), seed {s['seed']}")

    def series(self, kind: str = "members") -> pd.DataFrame:
        """Per-period means over replications, tidy: one row per period and member
        (``kind="members"``), market (``"markets"``) or lane (``"lanes"``).

        Periods count from the first measured period (after the warm-up).
        Member columns: stock, backlog, orders (placed), incoming (orders
        received), received and shipped (goods), revenue and cost (money);
        markets: demand, delivered, backlog; lanes: supplier, customer,
        carrier, shipped (dispatched in the period) and arrived. A run with
        ``keep_series=False`` has the markets' only (members and lanes raise
        :class:`~ecosystem.ParameterError`).
        """
        reps = self.settings["replications"]
        if kind in ("members", "lanes") and not self.settings.get("keep_series", True):
            from .._errors import ParameterError
            raise ParameterError(f"series({kind!r}): this run kept no per-period member or "
                                 f"lane tables; run it with keep_series=True (the default)")
        if kind == "members":
            names, data = self.network.members, self.period_member
        elif kind == "markets":
            names, data = self.network.markets, self.period_market
        elif kind == "lanes":
            lanes = self.network.lanes_frame()
            periods = self.lane_shipped.shape[0]
            frame = pd.DataFrame({
                "period": np.repeat(np.arange(periods), len(lanes)),
                "lane": np.tile(np.arange(len(lanes)), periods),
                "shipped": self.lane_shipped.ravel() / reps,
                "arrived": self.lane_arrived.ravel() / reps})
            return frame.join(lanes[["supplier", "customer", "carrier"]], on="lane")
        else:
            from .._errors import ParameterError
            raise ParameterError(f"kind must be 'members', 'markets' or 'lanes', got {kind!r}")
        periods = next(iter(data.values())).shape[0]
        frame = pd.DataFrame({"period": np.repeat(np.arange(periods), len(names)),
                              kind[:-1]: np.tile(np.array(names, dtype=object), periods)})
        for name, values in data.items():
            frame[name] = values.ravel() / reps
        return frame

    def __str__(self) -> str:
        total = self.totals
        lines = [self.headline(), ""]
        for name, row in total.iterrows():
            lines.append(f"  {name:<28} {row['value']:>12.4g}  "
                         f"[{row['low']:.4g}, {row['high']:.4g}]  {row['unit']}")
        lines.append("")
        table = self.members[["bullwhip_ratio", "fill_rate", "mean_stock", "profit"]]
        lines.append(f"Per member (bullwhip ratio; fill rate; mean stock in "
                     f"{self.units['mean_stock']}; profit in {self.units['profit']}):")
        lines.append(table.round(3).to_string())
        if self.network.idle:
            lines.append(f"Not simulated (serve no market): {', '.join(self.network.idle)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(str(self)) + "</pre>"
