"""The report folder: every analysis of one ecosystem, its alliances compared, offline.

:func:`write_report` runs the mechanisms of :mod:`ecosystem` on an ecosystem,
compares alliance configurations (:func:`ecosystem.alliance.compare`) and
writes a folder with ``index.html`` (one tab per configuration with its
interactive network and its own niche competition layer over it, a timeline
under the header that plays every configuration's simulated belt period by
period on its network, one slider shared by the tabs, and a "Results" tab
with every table and figure, all embedded: the page loads nothing from
anywhere), one CSV per table and one PNG per figure. :func:`demo` does this
for the bundled cross-border belt (``ecobelt demo``).
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field
from numbers import Integral
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ecosystem import Ecosystem, ParameterError, bullwhip, convergence, flows
from ecosystem.alliance import Alliance, apply, default_margin, default_market

from ._alliance_view import CHANGES_LAYER, alliance_changes
from ._glossary import GLOSSARY, words
from ._page import HtmlPage, build_page, panel_html
from ._report_sections import (ReportWriter, alliance_section, competition_layer,
                               glossary_section, market_orders, run_analyses)
from ._timeline import LANES_LAYER, finish_timelines, lanes_layer, timeline_payload
from .html import network_payload

__all__ = ["Report", "write_report", "demo", "demo_alliances"]


@dataclass
class Report:
    """What :func:`write_report` wrote.

    Attributes
    ----------
    folder : Path
    tables : dict of str to DataFrame
        Every result table (also written as ``<name>.csv``).
    figures : list of Path
        The PNG files.
    page : HtmlPage
        ``index.html``.
    seconds, cpu_seconds : float
        Wall and CPU time taken.
    """

    folder: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: list[Path] = field(default_factory=list)
    page: HtmlPage | None = None
    seconds: float = 0.0
    cpu_seconds: float = 0.0

    def __str__(self) -> str:
        return (f"report written to {(self.folder / 'index.html').resolve()} "
                f"({len(self.tables)} CSV tables, {len(self.figures)} PNG figures, "
                f"{self.seconds:.1f} s)")


def demo_alliances(eco: Ecosystem, market: str) -> list[Alliance]:
    """Four alliance configurations of Wang & Gao's strategic alliance, one lever each.

    ``sharing chain``: the members of ``market``'s supply chain share end
    demand (the information-sharing mechanism against the bullwhip effect).
    ``cost-cutting chain``: the same members cut the transport fees between
    them by 30% ("reduce circulation costs"). ``technology chain``: they share
    production planning, so the lanes between them are a period shorter.
    ``shared logistics``: the cross-border firms ship through one logistics
    platform. A configuration without members is left out.

    Examples
    --------
    >>> import networks
    >>> belt = networks.example("cross_border_belt")
    >>> [a.name for a in demo_alliances(belt, "us_market")]
    ['sharing chain', 'cost-cutting chain', 'technology chain', 'shared logistics']
    """
    chain = bullwhip.chain_from(eco, market).members
    firms = tuple(eco.members(role="cbec_enterprise"))
    proposals: list[tuple[str, Sequence[str], dict[str, Any]]] = [
        ("sharing chain", chain, dict()),
        ("cost-cutting chain", chain, dict(share_information=False, cost_cut=0.3)),
        ("technology chain", chain, dict(share_information=False, technology_sharing=1.0)),
        ("shared logistics", firms, dict(share_information=False, shared_platform="logistics",
                                         platform_volume=20.0)),
    ]
    return [Alliance(name, tuple(dict.fromkeys(members)), **levers)
            for name, members, levers in proposals if members]


def write_report(eco: Ecosystem, folder: str | Path = "report", *,
                 alliances: Sequence[Alliance] | None = None, market: str | None = None,
                 margin: float | Mapping[str, float] | None = None, seed: int = 0,
                 title: str | None = None) -> Report:
    """Run every analysis on ``eco``, compare ``alliances`` and write the report folder.

    Parameters
    ----------
    eco : Ecosystem
        Needs a market reached by a supply chain; it is not modified.
    folder : str or Path
        Created if missing; files of the same names are overwritten.
    alliances : sequence of Alliance, optional
        Default: :func:`demo_alliances`.
    market : str, optional
        The market whose chain the bullwhip analysis follows (default: the
        market receiving most logistics volume).
    margin : float or mapping of market to float, optional
        Profit per unit sold (benefit analysis); default: each market's
        ``margin`` attribute.
    seed : int
        Seeds every simulation (bullwhip, null model, spillover, segments).
    title : str, optional
        Page title.
    """
    if isinstance(seed, bool) or not isinstance(seed, Integral):
        raise ParameterError(f"seed must be a whole number, got {seed!r}")
    started, cpu = time.perf_counter(), time.process_time()
    market = market or default_market(eco)
    margin = default_margin(eco) if margin is None else margin
    alliances = list(alliances) if alliances is not None else demo_alliances(eco, market)
    if not alliances:
        raise ParameterError("write_report needs at least one alliance to compare")
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    report = Report(out)
    writer = ReportWriter(out, report, eco)
    run_analyses(writer, eco, market, alliances, margin, seed)
    comparison = alliance_section(writer, eco, alliances, market, margin, seed)
    glossary_section(writer)
    players = list(dict.fromkeys(m for a in alliances for m in a.members))

    configurations = {"baseline": eco, **{a.name: apply(eco, a) for a in alliances}}
    members = {"baseline": (), **{a.name: tuple(a.members) for a in alliances}}
    by_name = {a.name: a for a in alliances}
    pages, payloads, timelines = [], [], []
    for i, (name, configured) in enumerate(configurations.items()):
        shares = {p: comparison.allocation.loc[name, p] for p in players}
        simulated = comparison.simulations[name]
        payload = network_payload(configured, _member_metrics(configured, shares),
                                  size_by="goods_throughput", highlight=members[name],
                                  overlays=_layers(eco, configured, simulated,
                                                   by_name.get(name)))
        payload["timeline"] = timeline_payload(payload, simulated)
        timelines.append(payload["timeline"])
        payloads.append(payload)
        pages.append((name, panel_html(i, _aside(name, comparison.summary(),
                                                 comparison.differences, writer.units))))
    finish_timelines(timelines, baseline=0)
    pages.append(("Results", f'<div class="ecobelt-overview">{"".join(writer.sections)}</div>'))
    text = build_page(title or f"ecobelt report: {eco.name}", pages, payloads,
                      subtitle=f"{len(eco)} members, {eco.number_of_links()} links, "
                               f"{len(alliances)} alliances",
                      tabs=True)
    report.page = HtmlPage(text)
    report.page.save(out / "index.html")
    report.seconds = time.perf_counter() - started
    report.cpu_seconds = time.process_time() - cpu
    return report


def _layers(baseline: Ecosystem, eco: Ecosystem, simulated, alliance: Alliance | None) -> dict:
    """The layers drawn over a configuration's flows: its own competition layer, what the
    alliance changes, and the simulated lanes that follow no link (a shared logistics
    platform's)."""
    layers = {"competition": competition_layer(eco)}
    if alliance is not None:
        layers[CHANGES_LAYER] = alliance_changes(
            baseline, eco, alliance,
            technology_cut=simulated.settings["rules"].technology_cut)
    lanes = lanes_layer(eco, simulated)
    if lanes.number_of_edges():
        layers[LANES_LAYER] = lanes
    return layers


def _member_metrics(eco: Ecosystem, shapley: Mapping[str, float]) -> pd.DataFrame:
    """Per-member tooltip metrics of one configuration: its own flows, positions and shares."""
    return pd.DataFrame({
        # the goods flow alone: levels of different flows are in different units
        "goods_throughput": flows.steady_state(eco, market_orders(eco)).levels["logistics"],
        "shapley": pd.Series(shapley, dtype=float),
        "upstreamness": convergence.upstreamness(eco)}).reindex(list(eco))


def _change(differences: pd.DataFrame, name: str, metric: str) -> str:
    """A configuration's change from the baseline with its 95% paired interval, in words."""
    if metric not in differences.columns or pd.isna(differences.loc[name, metric]):
        return ""
    row = differences.loc[name]
    mean, low, high = row[metric], row[f"{metric}_low"], row[f"{metric}_high"]
    if mean == low == high == 0:
        return "unchanged"
    return f"{mean:+.3g} (95%: {low:+.3g} to {high:+.3g})"


def _change_words(change: str) -> str:
    return "unchanged from the baseline" if change == "unchanged" else f"change {change}"


def _aside(name: str, comparison: pd.DataFrame, differences: pd.DataFrame,
           belt: Mapping[str, str] | None = None) -> str:
    """A configuration's side panel: its metrics in words with their changes (``belt``: the
    glossary's kinds of unit in the belt's units, see :func:`viz._glossary.belt_units`)."""
    row = comparison.loc[name]
    shown = row[[c for c in comparison.columns if not c.startswith(("flow:", "rank:"))]]
    if isinstance(shown.get("members"), str):  # a comma list: spaces let it wrap
        shown["members"] = ", ".join(m.strip() for m in shown["members"].split(","))
    units = comparison.attrs.get("units", {})  # the belt's own units, e.g. thousand CNY

    def label(column: str) -> str:
        if column in units and column in GLOSSARY:
            return f"{GLOSSARY[column][0]} ({units[column]})"
        return words(column, belt)
    rows = []
    for column, value in shown.items():
        # the difference from the baseline, on the same demand
        change = _change(differences, name, column) if name != "baseline" else ""
        if isinstance(value, (bool, np.bool_)):
            text = "yes" if value else "no"
        else:
            text = "n/a" if pd.isna(value) else (f"{value:.4g}" if isinstance(value, float)
                                                 else str(value))
        rows.append(f"<dt>{html.escape(label(column))}</dt><dd>{html.escape(text)}"
                    + (f'<span class="ecobelt-change">{html.escape(_change_words(change))}'
                       "</span>" if change else "") + "</dd>")
    note = ("<p>Members of this alliance are drawn with a thick black outline; its changes "
            "in orange (tick “only what the alliance changes” in the legend to fade "
            "the rest). Changes are against the baseline on the same demand, with 95% paired "
            "intervals.</p>" if name != "baseline" else "")
    return (f'<aside class="ecobelt-side"><h2>{html.escape(name)}</h2>{note}'
            f'<dl class="ecobelt-metrics">{"".join(rows)}</dl></aside>')


def demo(folder: str | Path = "report", *, seed: int = 0) -> Report:
    """Write the report of the bundled cross-border belt (``ecobelt demo``).

    The benefit analysis uses each market's own ``margin`` (profit per unit sold).
    """
    import networks

    belt = networks.example("cross_border_belt")
    return write_report(belt, folder, seed=seed,
                        title="ecobelt demo: the bundled cross-border belt")
