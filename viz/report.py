"""The report folder: every analysis of one ecosystem, its alliances compared, offline.

:func:`write_report` runs the mechanisms of :mod:`ecosystem` on an ecosystem,
compares alliance configurations (:func:`ecosystem.alliance.compare`) and
writes a folder with ``index.html`` (the interactive network of every
configuration, the result tables and the figures, all embedded: the page loads
nothing from anywhere), one CSV per table and one PNG per figure.
:func:`demo` does this for the bundled cross-border belt (``ecobelt demo``).
"""

from __future__ import annotations

import base64
import html
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import matplotlib

matplotlib.use("Agg")  # the report is written to files; never open a window
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ecosystem import (Ecosystem, benefit, bullwhip, convergence, coupling, dynamics, flows,
                       niche, segment, spillover)
from ecosystem.alliance import Alliance, apply, compare

from ._page import HtmlPage, build_page, panel_html
from .compare import _table_html
from .figures import (allocation_figure, bullwhip_figure, coupling_figure, niche_overlap_figure,
                      phase_portrait_figure, rings_figure)
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
    seconds : float
        Time taken.
    """

    folder: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: list[Path] = field(default_factory=list)
    page: HtmlPage | None = None
    seconds: float = 0.0


def demo_alliances(eco: Ecosystem, market: str) -> list[Alliance]:
    """Four alliance configurations of seed 004 §5.1 on ``eco``'s chain to ``market``.

    ``export chain``: the members of the market's supply chain share demand
    data and cut their link costs by 20%. ``cross-border firms``: the
    cross-border firms share technology and set up a common logistics
    platform. ``platform + chain``: the chain joins the busiest platform,
    sharing data and technology. ``whole belt``: every firm of the chain, the
    cross-border firms and the platforms, all three levers and a shared
    finance platform.
    """
    chain = bullwhip.chain_from(eco, market).members
    firms = tuple(eco.members(role="cbec_enterprise"))
    platforms = tuple(eco.members(role="platform"))
    outbound = np.asarray(eco.adjacency("logistics").sum(axis=1)).ravel()
    index = eco.index()
    busiest = max(platforms, key=lambda p: outbound[index[p]]) if platforms else None
    with_platform = tuple(dict.fromkeys(chain + ((busiest,) if busiest else ())))
    everyone = tuple(dict.fromkeys(chain + firms + platforms))
    return [
        Alliance("export chain", chain, cost_cut=0.2),
        Alliance("cross-border firms", firms, share_information=False, technology_sharing=5.0,
                 shared_platform="logistics", platform_volume=20.0),
        Alliance("platform + chain", with_platform, cost_cut=0.1, technology_sharing=5.0),
        Alliance("whole belt", everyone, cost_cut=0.15, technology_sharing=2.0,
                 shared_platform="finance", platform_volume=20.0),
    ]


def _png(fig: plt.Figure, path: Path) -> str:
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(path.read_bytes()).decode("ascii")


def _section(title: str, note: str, table: pd.DataFrame | None = None,
             image: str | None = None) -> str:
    parts = [f"<section class='ecobelt-report'><h2>{html.escape(title)}</h2>",
             f"<p>{html.escape(note)}</p>"]
    if image:
        parts.append(f"<img alt='{html.escape(title)}' style='max-width:100%' "
                     f"src='data:image/png;base64,{image}'>")
    if table is not None:
        parts.append(_table_html(table))
    parts.append("</section>")
    return "".join(parts)


def write_report(eco: Ecosystem, folder: str | Path = "report", *,
                 alliances: Sequence[Alliance] | None = None, market: str | None = None,
                 seed: int = 0, title: str | None = None) -> Report:
    """Run every analysis on ``eco``, compare ``alliances`` and write the report folder.

    ``alliances`` default to :func:`demo_alliances`; ``market`` to the market
    receiving most logistics volume. Markets need a ``margin`` attribute
    (profit per unit) for the benefit analysis.
    """
    from ecosystem.alliance._metrics import default_margin, default_market

    started = time.perf_counter()
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    report = Report(out)
    market = market or default_market(eco)
    margin = default_margin(eco)
    alliances = list(alliances) if alliances is not None else demo_alliances(eco, market)
    sections, images = [], {}

    def figure(name: str, fig: plt.Figure) -> None:
        path = out / f"{name}.png"
        images[name] = _png(fig, path)
        report.figures.append(path)

    tables = report.tables
    tables["structure"] = eco.summary()
    figure("rings", rings_figure(eco, title=f"{eco.name}: the three rings"))

    # flows: orders enter at the markets and travel through the four coupled layers
    orders = {(m, "information"): 1.0 for m in eco.members(role="market")}
    state = flows.steady_state(eco, orders)
    tables["flow_levels"] = state.levels
    critical = flows.critical_members(eco, eco.members(ring="sub_core") + eco.members(
        role="platform"), top=10)
    tables["critical_members"] = critical
    worst = critical.index[0]
    failure = flows.cascade(eco, worst)
    tables["cascade_lost_volume"] = failure.lost_volume

    # bullwhip on the market's chain, with and without shared demand data
    chain = bullwhip.chain_from(eco, market)
    tables["bullwhip_sharing"] = bullwhip.compare_sharing(
        chain, alliances[0].members, replications=500, periods=500, seed=seed)
    run = bullwhip.simulate(chain, replications=500, periods=500, seed=seed)
    tables["bullwhip_stages"] = run.summary
    figure("bullwhip", _bullwhip_figure(chain, seed))

    # benefit distribution among the players of the alliances
    players = list(dict.fromkeys(m for a in alliances for m in a.members))
    game = benefit.surplus_game(eco, players, margin=margin, outsiders="free")
    allocations = pd.DataFrame({
        "shapley": benefit.shapley(game), "nucleolus": benefit.nucleolus(game),
        "banzhaf": benefit.banzhaf(game, normalize=True),
        "equal": benefit.equal_split(game)})
    tables["allocations"] = allocations
    figure("allocation", allocation_figure(allocations, title="Benefit of the whole belt "
                                           "alliance, by rule"))
    tables["stability"] = benefit.stability(game, allocations["shapley"]).members

    # niches of the players: their outlets (platforms and markets)
    use = niche.resource_matrix(eco, members=players, direction="out")
    overlap = niche.overlap(use, "pianka")
    tables["niche_breadth"] = pd.DataFrame({
        "levins": niche.breadth(use, "levins"),
        "levins_standardized": niche.breadth(use, "levins_standardized")})
    figure("niche_overlap", niche_overlap_figure(overlap, title="Outlet overlap of the players"))
    null = niche.null_model(use, "ra3", iterations=300, seed=seed)
    tables["niche_null_model"] = null.summary().to_frame("value")

    # co-evolution (seed 002's predator-prey) and coupling (seed 002's Table 1)
    pp = dynamics.predator_prey(0.8, 0.6, 0.4, 0.5, (1.5, 1.0), t_end=40.0)
    tables["predator_prey_equilibrium"] = pd.DataFrame({"value": pd.Series(
        {"upstream": pp.equilibrium[0], "downstream": pp.equilibrium[1]})})
    figure("phase_portrait", phase_portrait_figure(a1=0.8, b1=0.4, a2=0.6, b2=0.5))
    zhejiang = coupling.zhejiang_2016_2020()
    coordination = coupling.coordination(
        zhejiang, {"export": ["export_volume", "export_growth"],
                   "import": ["import_volume", "import_growth"]}, index="year")
    tables["coupling_zhejiang"] = coordination
    figure("coupling", coupling_figure(coordination[["C", "T", "D"]]))

    # knowledge spillover, segments and value-chain position
    sources = eco.members(role="research") or eco.members(role="technology")
    spread = spillover.independent_cascade(eco, sources[:1], runs=1000, seed=seed)
    tables["spillover_by_ring"] = spread.by_ring
    firms = [m for m in eco.members(ring="core") if m not in eco.members(role="market")]
    profile = pd.DataFrame({"throughput": state.levels.loc[firms].sum(axis=1),
                            "outlets": (use.reindex(firms).fillna(0) > 0).sum(axis=1)})
    segments = segment.fuzzy_cmeans(profile, 3, seed=seed)
    tables["segments"] = segments.memberships.assign(segment=segments.labels)
    tables["upstreamness"] = convergence.upstreamness(eco).dropna().to_frame()

    # the alliances compared
    comparison = compare(eco, alliances, market=market, margin=margin, seed=seed)
    tables["alliances"] = comparison
    for name, table in tables.items():
        table.to_csv(out / f"{name}.csv")

    shown = [c for c in comparison.columns if not c.startswith(("flow:", "rank:"))]
    sections += [
        _section("Alliance configurations", "One row per configuration (seed 004 §5.1); "
                 "rank columns are in alliances.csv. Pareto: no other configuration is at least "
                 "as good on every metric.", comparison[shown].T),
        _section("Flows", f"Steady state of one unit of orders per market; the most critical "
                 f"member is {worst} (cascade below).", critical, images["rings"]),
        _section("Disruption cascade", f"Volume lost when {worst} fails.", failure.lost_volume),
        _section("Bullwhip effect", f"Chain {' <- '.join((market,) + chain.members)}; sharing "
                 "of the export-chain alliance.", tables["bullwhip_sharing"], images["bullwhip"]),
        _section("Benefit distribution", "Surplus game of the alliances' members.", allocations,
                 images["allocation"]),
        _section("Niche overlap", "Pianka overlap of outlets; RA3 null model below.",
                 tables["niche_null_model"], images["niche_overlap"]),
        _section("Co-evolution", "Seed 002's upstream/downstream predator-prey model.",
                 tables["predator_prey_equilibrium"], images["phase_portrait"]),
        _section("Coupling coordination", "Seed 002 Table 1, Zhejiang 2016-2020.",
                 coordination, images["coupling"]),
        _section("Knowledge spillover", f"Independent cascade from {sources[0]}.",
                 spread.by_ring),
    ]
    configurations = {"baseline": eco, **{a.name: apply(eco, a) for a in alliances}}
    member_metrics = pd.DataFrame({
        "shapley": allocations["shapley"], "niche_breadth": tables["niche_breadth"]["levins"],
        "throughput": state.levels.sum(axis=1),
        "upstreamness": tables["upstreamness"]["upstreamness"]})
    pages, payloads = [], []
    for i, (name, configured) in enumerate(configurations.items()):
        payloads.append(network_payload(configured, member_metrics.reindex(
            [m for m in configured.graph if m in member_metrics.index]), size_by="throughput"))
        pages.append((name, panel_html(i)))
    pages.append(("Results", "".join(sections)))
    text = build_page(title or f"ecobelt report: {eco.name}", pages, payloads,
                      subtitle=f"{len(eco)} members, {eco.graph.number_of_edges()} links, "
                               f"{len(alliances)} alliances", tabs=True)
    report.page = HtmlPage(text)
    report.page.save(out / "index.html")
    report.seconds = time.perf_counter() - started
    return report


def _bullwhip_figure(chain, seed: int) -> plt.Figure:
    """One simulated run of the chain on normal demand (mean 100, sd 10), 200 periods."""
    demand = np.random.default_rng(seed).normal(100.0, 10.0, 200)
    run = bullwhip.simulate(chain, demand=demand, replications=1, keep_series=True, seed=seed)
    orders = pd.DataFrame(run.orders[:, 0, :].T, columns=list(chain.members))
    warmup = run.settings.get("warmup") or 0
    return bullwhip_figure(orders, pd.Series(demand[warmup:]), log=True,
                           title=f"Orders along the chain to {chain.market}")


def demo(folder: str | Path = "report", *, seed: int = 0) -> Report:
    """Write the report of the bundled cross-border belt (``ecobelt demo``)."""
    import networks

    return write_report(networks.example("cross_border_belt"), folder, seed=seed)
