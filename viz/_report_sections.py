"""The analyses of the report folder (:mod:`viz.report`), one function per section.

Each function runs one mechanism of :mod:`ecosystem` on the ecosystem, hands
its tables and figures to a :class:`ReportWriter` (which writes ``<name>.csv``
and ``<name>.png`` and keeps them for the page) and adds a section to the
page's "Results" tab. The niche section also leaves the competition layer in
``ReportWriter.overlays``, drawn over the baseline's network.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ecosystem import (Ecosystem, benefit, bullwhip, convergence, coupling, dynamics, flows,
                       niche, segment, spillover)
from ecosystem._atomic import atomic_open, atomic_path
from ecosystem.alliance import METRICS, Alliance, AllianceComparison, compare

from ._glossary import GLOSSARY, belt_units, glossary_table, in_words
from ._page import table_html
from .figures import (allocation_figure, coupling_figure, figure_from_spec,
                      niche_overlap_figure, phase_portrait_figure, rings_figure)

if TYPE_CHECKING:
    from .report import Report

__all__ = ["ReportWriter", "run_analyses", "alliance_section", "glossary_section",
           "market_orders", "competition_layer", "PREDATOR_PREY",
           "COMPETITION_THRESHOLD"]

#: The papers the report cites, by authors, year where stated, and title.
WANG_GAO = ("Wang & Gao, \u201cResearch on the Construction of Cross-Border E-Commerce Supply "
            "Chain Ecosystem from the Perspective of Industrial Belt\u201d")
QIAN = ("Qian, \u201cResearch on the Coordinated Development of Zhejiang Cross-border "
        "E-commerce and Regional Industrial Clusters Based on Coupling Theory\u201d")
ANTRAS = ("Antr\u00e0s, Chor, Fally & Hillberry (2012), \u201cMeasuring the Upstreamness of "
          "Production and Trade Flows\u201d")

# Qian's upstream/downstream predator-prey illustration: a1, a2, b1, b2
PREDATOR_PREY = (0.8, 0.6, 0.4, 0.5)
#: Count columns of the structure and spillover tables, in words.
COUNTS = {"members": "Members (count)",
          "links": "Links (count; leaving the ring's or role's members, or of the flow)"}
#: Smallest Pianka overlap of outlets drawn as a competition link on the baseline's network.
COMPETITION_THRESHOLD = 0.5


class ReportWriter:
    """Collects tables, figures and page sections while the report is written."""

    def __init__(self, folder: Path, report: "Report", eco: Ecosystem | None = None):
        self.folder, self.report = folder, report
        #: the glossary's kinds of unit in the belt's own units, for column names
        self.units = belt_units(eco) if eco is not None else {}
        self.sections: list[str] = []
        #: overlay layers for the baseline's network (viz.to_html's ``overlays``)
        self.overlays: dict = {}

    def table(self, name: str, frame: pd.DataFrame | pd.Series) -> pd.DataFrame:
        """Write ``frame`` as ``<name>.csv``, keep it for the page and return it."""
        import json

        frame = frame.to_frame() if isinstance(frame, pd.Series) else frame
        # list and dict cells as JSON text, so pandas.read_csv and spreadsheets read them
        plain = frame.apply(lambda column: column.map(
            lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, tuple, dict))
            else v) if column.dtype == object else column)
        with atomic_open(self.folder / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            plain.to_csv(handle)
        self.report.tables[name] = frame
        return frame

    def figure(self, name: str, fig: Figure) -> str:
        """Save ``fig`` as ``<name>.png``; return the PNG as base64 for the page."""
        path = self.folder / f"{name}.png"
        with atomic_path(path) as temporary:
            fig.savefig(temporary, dpi=110, bbox_inches="tight", format="png")
        self.report.figures.append(path)
        return base64.b64encode(path.read_bytes()).decode("ascii")

    def section(self, title: str, note: str, tables: Sequence[str] = (),
                image: str | None = None, first: bool = False, caption: str = "",
                shown: Mapping[str, pd.DataFrame] | None = None,
                items: Sequence[str] = (), after: str = "") -> None:
        """A section of the Results tab showing the named tables (already added; ``shown``
        replaces a table's page view, e.g. with rows in words), a figure with a ``caption``
        saying what it shows, and column names in words (:mod:`viz._glossary`); ``items``
        are findings written as a list after the note, ``after`` a paragraph after them."""
        parts = [f"<section><h2>{html.escape(title)}</h2><p>{html.escape(note)}</p>"]
        if items:
            parts.append("<ul class='ecobelt-findings'>" + "".join(
                f"<li>{html.escape(item)}</li>" for item in items) + "</ul>")
        if after:
            parts.append(f"<p>{html.escape(after)}</p>")
        if image:
            parts.append(f"<figure><img alt='{html.escape(title)}' style='max-width:100%' "
                         f"src='data:image/png;base64,{image}'>"
                         + (f"<figcaption>{html.escape(caption)}</figcaption>" if caption
                            else "") + "</figure>")
        for name in tables:
            frame = (shown or {}).get(name, self.report.tables[name])
            parts.append(f"<details{' open' if len(frame) <= 12 else ''}><summary>{name}.csv "
                         f"({len(frame)} rows)</summary>"
                         f"{table_html(in_words(frame, units=self.units))}"
                         "</details>")
        parts.append("</section>")
        self.sections.insert(0 if first else len(self.sections), "".join(parts))


def run_analyses(out: ReportWriter, eco: Ecosystem, market: str, alliances: Sequence[Alliance],
                 margin: float | Mapping[str, float], seed: int) -> None:
    """Every analysis section but the alliance comparison, in page order."""
    players = list(dict.fromkeys(m for a in alliances for m in a.members))
    _structure(out, eco)
    _flows(out, eco)
    _bullwhip(out, eco, market, alliances[0], seed)
    _benefit(out, eco, players, margin)
    _niches(out, eco, players, seed)
    _coevolution(out)
    _spillover(out, eco, seed)
    _segments(out, eco, seed)


def _structure(out: ReportWriter, eco: Ecosystem) -> None:
    structure = out.table("structure", eco.summary())
    # each flow's volume in its own unit (thousand pairs, thousand CNY, service days)
    names = {f: f"{f} volume ({eco.flow_unit(f)})" for f in structure.columns
             if f not in COUNTS}
    names.update(COUNTS)
    shown = structure.rename(columns=names)
    shown.index = [f"{kind}: {name.replace('_', ' ')}" for kind, name in structure.index]
    out.table("upstreamness", convergence.upstreamness(eco).dropna())
    out.section("Structure", "Members and links by ring, role and flow; upstreamness along "
                f"the logistics layer ({ANTRAS}): the number of steps a member's output "
                "travels before final use, 1 for a market.",
                ["structure", "upstreamness"],
                out.figure("rings", rings_figure(eco, title=f"{eco.name}: the three rings")),
                shown={"structure": shown},
                caption="The belt as three rings: core enterprises inside, service platforms "
                        "around them, the outer environment outside; shape shows the ring, "
                        "colour the role, line style the flow.")


def market_orders(eco: Ecosystem) -> dict:
    """One unit of orders (information) entering at every market: the steady state the
    report's flow tables and its tooltips' throughput show."""
    return {(m, "information"): 1.0 for m in eco.members(role="market")}


def _flows(out: ReportWriter, eco: Ecosystem) -> None:
    out.table("flow_levels", flows.steady_state(eco, market_orders(eco)).levels)
    candidates = list(dict.fromkeys(eco.members(ring="sub_core") + eco.members(role="platform")))
    if not candidates:
        out.section("Flows", "Steady state of one unit of orders per market; no sub-core "
                    "member or platform, so no disruption analysis.", ["flow_levels"])
        return
    critical = out.table("critical_members", flows.critical_members(eco, candidates, top=10))
    worst = critical.index[0]
    out.table("cascade_lost_volume", flows.cascade(eco, worst).lost_volume)
    out.section("Flows and disruption", f"Steady state of one unit of orders per market; "
                f"members ranked by the volume lost when each fails alone; the cascade after "
                f"the most critical one, {worst}, fails.",
                ["critical_members", "cascade_lost_volume", "flow_levels"])


def _bullwhip(out: ReportWriter, eco: Ecosystem, market: str, alliance: Alliance,
              seed: int) -> None:
    chain = bullwhip.chain_from(eco, market)
    out.table("bullwhip_sharing", bullwhip.compare_sharing(
        chain, alliance.members, replications=500, periods=500, seed=seed))
    out.table("bullwhip_stages",
              bullwhip.simulate(chain, replications=500, periods=500, seed=seed).summary())
    image = out.figure("bullwhip", figure_from_spec("bullwhip", eco, market=market, seed=seed))
    out.section("Bullwhip effect", f"Chain {' <- '.join((market,) + chain.members)}: order "
                f"variance ratios without sharing, with the members of '{alliance.name}' "
                f"sharing demand data, and fully shared (500 runs of 500 periods). An order "
                "variance ratio of 1 means a stage's orders vary as much as market demand; "
                "above 1 the variation grows up the chain.",
                ["bullwhip_sharing", "bullwhip_stages"], image,
                caption="One simulated run: each stage's orders per period on a log scale, "
                        "growing in spread up the chain. Orders below zero are returns, "
                        "which the model allows (ecobelt bullwhip --no-negative-orders "
                        "forbids them).")


def _benefit(out: ReportWriter, eco: Ecosystem, players: list[str],
             margin: float | Mapping[str, float]) -> None:
    game = benefit.surplus_game(eco, players, margin=margin, outsiders="free")
    allocations = out.table("allocations", pd.DataFrame({
        "shapley": benefit.shapley(game), "nucleolus": benefit.nucleolus(game),
        "banzhaf": benefit.banzhaf(game, normalize=True), "equal": benefit.equal_split(game)}))
    out.table("stability", benefit.stability(game, allocations["shapley"]).members)
    image = out.figure("allocation", allocation_figure(
        allocations, title="Surplus of the alliances' members, by sharing rule"))
    out.section("Benefit distribution", f"Surplus game of the {len(players)} members of the "
                f"alliances: together they make {game.grand_value:.4g} "
                f"({out.units.get('money per period', 'money per period')}, with the markets' "
                "margins); how four sharing rules split it, and whether the "
                "Shapley split is stable (no group of members would gain by leaving).",
                ["allocations", "stability"], image,
                caption="Each member's share of the surplus under each sharing rule.")


def _niches(out: ReportWriter, eco: Ecosystem, players: list[str], seed: int) -> None:
    use = niche.resource_matrix(eco, members=players, direction="out")
    out.table("niche_breadth", pd.DataFrame({
        "levins": niche.breadth(use, "levins"),
        "levins_standardized": niche.breadth(use, "levins_standardized")}))
    out.table("niche_null_model",
              niche.null_model(use, "ra3", replications=300, seed=seed).summary())
    everyone = niche.resource_matrix(eco, direction="out")
    out.table("competition_pairs", niche.competition_pairs(everyone, "pianka",
                                                           COMPETITION_THRESHOLD))
    out.overlays["competition"] = competition_layer(eco)
    image = out.figure("niche_overlap", niche_overlap_figure(
        niche.overlap(use, "pianka"), title="Outlet overlap of the alliances' members"))
    out.section("Niches", "Levins breadth of each member's outlets, Pianka overlap (figure) "
                "against the RA3 null model (300 randomisations). Competing pairs: members "
                f"whose outlets overlap at least {COMPETITION_THRESHOLD:g} (Pianka), drawn as "
                "the competition layer on the baseline's network.",
                ["niche_breadth", "niche_null_model", "competition_pairs"], image,
                caption="Pianka overlap of the outlets of every two alliance members: dark "
                        "cells are pairs that sell to the same buyers (competitors).")


def competition_layer(eco: Ecosystem):
    """The pairs of members whose outlets overlap at least :data:`COMPETITION_THRESHOLD`
    (Pianka), as drawn over every configuration's network."""
    return niche.competition_layer(niche.resource_matrix(eco, direction="out"), "pianka",
                                   COMPETITION_THRESHOLD, eco=eco)


def _coevolution(out: ReportWriter) -> None:
    a1, a2, b1, b2 = PREDATOR_PREY
    run = dynamics.predator_prey(a1, a2, b1, b2, (1.5, 1.0), t_end=40.0)
    out.table("predator_prey_equilibrium", pd.Series(
        {"upstream": run.equilibrium[0], "downstream": run.equilibrium[1]}, name="value"))
    out.section("Co-evolution", f"The upstream/downstream predator-prey model of {QIAN}: "
                "upstream output grows alone and is bought by the downstream, which declines "
                "without it; the two cycle around the equilibrium.",
                ["predator_prey_equilibrium"],
                out.figure("phase_portrait", phase_portrait_figure(a1=a1, b1=b1, a2=a2, b2=b2)),
                caption="Trajectories of upstream (x) and downstream (y) output: closed "
                        "orbits around the equilibrium point.")
    table = out.table("coupling_zhejiang", coupling.coordination(
        coupling.zhejiang_2016_2020(), {"export": ["export_volume", "export_growth"],
                                        "import": ["import_volume", "import_growth"]},
        row_names="year"))
    out.section("Coupling coordination", f"Table 1 of {QIAN}: Zhejiang's export and import "
                "sides, 2016-2020. C, the coupling degree, says how balanced the two sides "
                "are; T, the development index, how developed they are together; "
                "D = sqrt(C T), the coordination degree, is high only when both are (each "
                "from 0 to 1).", ["coupling_zhejiang"],
                out.figure("coupling", coupling_figure(table[["C", "T", "D"]])),
                caption="C, T and D by year.")


def _spillover(out: ReportWriter, eco: Ecosystem, seed: int) -> None:
    sources = eco.members(role="research") or eco.members(role="technology")
    if not sources:
        out.section("Knowledge spillover", "No research or technology member to start from.")
        return
    spread = spillover.independent_cascade(eco, sources[:1], replications=1000, seed=seed)
    by_ring = out.table("spillover_by_ring", spread.by_ring())
    out.section("Knowledge spillover", f"Independent cascade from {sources[0]} "
                "(1000 runs), by ring: how much of each ring the knowledge reaches, how "
                "often, and how fast.", ["spillover_by_ring"],
                shown={"spillover_by_ring": by_ring.rename(columns=COUNTS)})


def _segments(out: ReportWriter, eco: Ecosystem, seed: int) -> None:
    levels = out.report.tables["flow_levels"]
    markets, index = set(eco.members(role="market")), eco.index()
    firms = [m for m in eco.members(ring="core") if m not in markets]
    rows = eco.adjacency("logistics")[[index[m] for m in firms]]
    outlets = np.diff(rows.tocsr().indptr)  # stored links per row: the member's outlets
    profile = pd.DataFrame({"throughput": levels.loc[firms].sum(axis=1), "outlets": outlets},
                           index=firms)
    clusters = min(3, len(firms))
    if clusters < 2:
        out.section("Segments", "Fewer than two core firms: nothing to segment.")
        return
    found = segment.fuzzy_cmeans(profile, clusters, seed=seed)
    out.table("segments", found.memberships.assign(segment=found.labels))
    out.section("Segments", f"Fuzzy c-means ({clusters} segments) of the core firms by "
                "steady-state throughput and number of logistics outlets.", ["segments"])


def alliance_section(out: ReportWriter, eco: Ecosystem, alliances: Sequence[Alliance],
                     market: str, margin: float | Mapping[str, float], seed: int
                     ) -> AllianceComparison:
    """The comparison on the simulated belt (first section of the Results tab); returns it."""
    comparison = compare(eco, alliances, seed=seed, replications=100, processes=2)
    # members as lists (JSON in the CSV, like every list cell of the report's tables)
    members = {a.name: [str(m) for m in a.members] for a in alliances}
    table = comparison.to_frame()
    table["members"] = [members.get(name, []) for name in table.index]
    out.table("alliances", table)
    out.table("alliance_levers", pd.DataFrame(
        [{**a.to_dict(), "members": members[a.name]} for a in alliances]).set_index("name"))
    summary = out.table("alliance_summary", comparison.summary().T)
    out.table("alliance_allocation", comparison.allocation.dropna(how="all"))
    image = out.figure("alliances", _alliance_figure(comparison))
    units = "; ".join(f"{m}: {u}" for m, u in comparison.units.items())
    out.section("Alliance configurations",
                f"The strategic alliances of core enterprises of {WANG_GAO}, each simulated on "
                "the same demand as the baseline (common random numbers). What each "
                "configuration does against the baseline:",
                ["alliance_summary", "alliance_allocation", "alliance_levers", "alliances"],
                image, first=True,
                caption="One panel per metric, one bar per configuration: its change from "
                        "the baseline on the same demand, with the 95% paired interval (the "
                        "largest excess is shown as it is); dark bars are the Pareto-optimal "
                        "configurations (no other one is at least as good on every metric and "
                        "better on one).",
                shown={"alliance_summary": in_words(summary, index=True, units=out.units)},
                items=comparison.findings(),
                after=f"Units: {units}. Every metric is explained in the glossary below; the "
                      "full table, with each metric's rank, is alliances.csv, shown here too.")
    return comparison


def glossary_section(out: ReportWriter) -> None:
    """The glossary: every metric and column the report names, in words."""
    out.table("glossary", glossary_table(units=out.units))
    out.section("Glossary", "Every metric and column the report names: what it means, its "
                "unit and how to read it.", ["glossary"])


def _alliance_figure(comparison: AllianceComparison) -> Figure:
    """One panel per metric: each configuration's change from the baseline, with its 95%
    paired interval (common random numbers); the largest excess, which has no baseline, as
    it is. Pareto-optimal configurations dark."""
    diffs = comparison.differences.drop(index="baseline")
    values = comparison.metrics.drop(index="baseline")
    metrics = [m for m in METRICS if values[m].notna().any()]
    fig = Figure(figsize=(2.4 * len(metrics), 3.2), layout="tight")
    axes = fig.subplots(1, len(metrics), squeeze=False)
    colours = np.where(comparison.pareto.drop(index="baseline"), "#2b6cb0", "#a0aec0")
    rows = np.arange(len(diffs))
    for ax, metric in zip(axes[0], metrics):
        better = "higher" if METRICS[metric].larger_is_better else "lower"
        if metric == "max_excess":
            ax.barh(rows, values[metric].to_numpy(dtype=float), color=colours)
            title = f"{GLOSSARY[metric][0]}\n({comparison.units[metric]}; {better} is better)"
        else:
            mean = diffs[metric].to_numpy(dtype=float)
            error = np.vstack([mean - diffs[f"{metric}_low"].to_numpy(dtype=float),
                               diffs[f"{metric}_high"].to_numpy(dtype=float) - mean])
            ax.barh(rows, mean, color=colours, xerr=np.nan_to_num(error), ecolor="#1a202c",
                    capsize=2)
            title = (f"{GLOSSARY[metric][0]}: change\n({comparison.units[metric]}; "
                     f"{better} is better)")
        ax.axvline(0.0, color="#4a5568", linewidth=0.8)
        ax.set_title(title, fontsize=7)
        ax.set_yticks(rows)
        ax.set_yticklabels(diffs.index if ax is axes[0][0] else [], fontsize=8)
        ax.invert_yaxis()
        ax.tick_params(axis="x", labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(3))
    fig.suptitle("Alliance configurations against the baseline, same demand (bars: 95% "
                 "paired intervals; dark: Pareto-optimal)", fontsize=9)
    return fig
