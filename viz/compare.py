"""Several ecosystems in one offline page: an overview table and one tab each.

Typical use: the same industrial belt under alternative alliance
configurations, each tab holding its network (as drawn by
:func:`viz.to_html`) next to its metric table.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

import html
import numpy as np
import pandas as pd

from ecosystem import Flow, ParameterError, Ring

from ._metrics import MetricsLike
from ._overlays import OverlaysLike
from ._page import HtmlPage, build_page, panel_html, table_html
from ._timeline import LANES_LAYER, finish_timelines, lanes_layer, timeline_payload
from .html import network_payload

if TYPE_CHECKING:
    from ecosystem import Ecosystem
    from ecosystem.simulation import SimulationResult

__all__ = ["compare_html", "overview_table"]


def overview_table(ecosystems: Mapping[str, "Ecosystem"]) -> pd.DataFrame:
    """Members per ring, links and volume per flow, and density, one column per ecosystem.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> a, b = Ecosystem("a"), Ecosystem("b")
    >>> a.add_member("m", "manufacturer"); a.add_member("p", "platform")
    >>> a.link("m", "p", "logistics", volume=2.0)
    >>> b.add_member("m", "manufacturer")
    >>> overview_table({"a": a, "b": b}).loc[["members", "links", "logistics volume"]]
                        a    b
    members           2.0  1.0
    links             1.0  0.0
    logistics volume  2.0  0.0
    """
    columns = {}
    for name, eco in ecosystems.items():
        summary = eco.summary()
        n, m = len(eco), eco.number_of_links()
        row: dict[str, float] = {"members": n, "links": m}
        for ring in Ring:
            row[f"{ring.value} members"] = summary.loc[("ring", ring.value), "members"]
        for flow in Flow:
            row[f"{flow.value} links"] = summary.loc[("flow", flow.value), "links"]
        for flow in Flow:
            row[f"{flow.value} volume"] = summary.loc[("flow", flow.value), flow.value]
        row["density (links / n(n-1))"] = m / (n * (n - 1)) if n > 1 else np.nan
        columns[name] = pd.Series(row, dtype=float)
    return pd.DataFrame(columns)


def _named(values, names: list[str], what: str) -> list:
    if values is None:
        return [None] * len(names)
    if isinstance(values, Mapping):
        unknown = [k for k in values if k not in names]
        if unknown:
            raise ParameterError(f"{what} names {unknown!r}, which are not among the "
                                 f"ecosystems {names!r}")
        return [values.get(name) for name in names]
    values = list(values)
    if len(values) != len(names):
        raise ParameterError(f"{what} must have one entry per ecosystem ({len(names)}), "
                             f"got {len(values)}")
    return values


def compare_html(ecosystems: Mapping[str, "Ecosystem"] | Sequence["Ecosystem"],
                 path: str | Path | None = None, *,
                 metrics: Mapping[str, MetricsLike] | Sequence[MetricsLike] | None = None,
                 tables: Mapping[str, pd.DataFrame] | Sequence[pd.DataFrame] | None = None,
                 overlays: Mapping[str, OverlaysLike] | Sequence[OverlaysLike] | None = None,
                 simulations: Mapping[str, "SimulationResult"] | Sequence["SimulationResult"]
                 | None = None,
                 size_by: str | None = None, title: str = "Ecosystem comparison",
                 physics: bool = False, labels: bool | None = None,
                 height: int = 700) -> HtmlPage:
    """Write two or more ecosystems into one self-contained page, one tab each.

    Parameters
    ----------
    ecosystems : mapping of name to Ecosystem, or sequence of Ecosystem
        What to compare; a sequence is named by each ecosystem's ``name``.
    path : str or Path, optional
        Where to write the page.
    metrics : mapping or sequence, optional
        Per-member metrics of each ecosystem (as for :func:`viz.to_html`),
        keyed by name or in the order of ``ecosystems``.
    tables : mapping or sequence of DataFrame, optional
        A metric table per ecosystem shown beside its network (for example
        its benefit allocation or coupling results). Without one, a summary
        of the per-member metrics is shown, if any. Each tab also shows the
        ecosystem's structure (:meth:`Ecosystem.summary`), and an "Overview"
        tab puts the ecosystems side by side (:func:`overview_table`).
    overlays : mapping or sequence, optional
        Overlay layers of each ecosystem (as ``overlays`` of
        :func:`viz.to_html`, e.g. ``{"competition": layer}``), keyed by name
        or in the order of ``ecosystems``.
    simulations : mapping or sequence of SimulationResult, optional
        The simulated belt of each ecosystem (:func:`ecosystem.simulation.run`,
        or ``AllianceComparison.simulations``), keyed by name or in order: the
        page then plays them period by period, one slider for every tab (link
        width by the goods dispatched, member fill by stock and backlog, the
        mean over the replications; the page's legend states the rules). Lanes that
        follow no link of their ecosystem (a shared logistics platform's) are
        drawn as the layer "lanes without a link".
    size_by, physics, labels
        As for :func:`viz.to_html`, applied to every ecosystem.
    title : str
        Page title.
    height : int
        Height in pixels of the inline view in Jupyter.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> a, b = Ecosystem("alliance"), Ecosystem("no alliance")
    >>> for eco in (a, b):
    ...     eco.add_member("m", "manufacturer"); eco.add_member("p", "platform")
    >>> a.link("m", "p", "capital")
    >>> page = compare_html([a, b], tables={"alliance": pd.DataFrame({"gain": [1.5]})})
    >>> page.html.count('class="ecobelt-panel"')
    2

    An alliance comparison played week by week:

    >>> import networks
    >>> from ecosystem.alliance import Alliance, compare
    >>> belt = networks.archetype()
    >>> deal = Alliance("firms", tuple(belt.members(role="cbec_enterprise")), cost_cut=0.2)
    >>> result = compare(belt, [deal], periods=8, replications=4, benefit=False)
    >>> page = compare_html(result.configured, simulations=result.simulations)
    >>> page.html.count('"timeline":{"label"')
    2
    """
    if isinstance(ecosystems, Mapping):
        named = {str(k): v for k, v in ecosystems.items()}
    else:
        named = {}
        for i, eco in enumerate(ecosystems):
            base = getattr(eco, "name", "") or f"ecosystem {i + 1}"
            name, k = base, 2
            while name in named:  # equal names get a counter so every tab is reachable
                name, k = f"{base} ({k})", k + 1
            named[name] = eco
    if len(named) < 2:
        raise ParameterError(f"compare_html needs two or more ecosystems, got {len(named)}; "
                             "use viz.to_html for one")
    names = list(named)
    metric_list = _named(metrics, names, "metrics")
    table_list = _named(tables, names, "tables")
    overlay_list = _named(overlays, names, "overlays")
    simulation_list = _named(simulations, names, "simulations")
    timelines = []
    overview = overview_table(named)
    pages = [("Overview", '<div class="ecobelt-overview"><h2>Side by side</h2>'
              f"{table_html(overview)}</div>")]
    payloads = []
    for i, (name, eco) in enumerate(named.items()):
        layers = overlay_list[i]
        simulated = simulation_list[i]
        if simulated is not None:
            lanes = lanes_layer(eco, simulated)
            if lanes.number_of_edges():
                layers = {**(layers or {}), LANES_LAYER: lanes}
        payload = network_payload(eco, metric_list[i], size_by=size_by, physics=physics,
                                  labels=labels, overlays=layers)
        if simulated is not None:
            payload["timeline"] = timeline_payload(payload, simulated, label=name)
            timelines.append(payload["timeline"])
        payloads.append(payload)
        side = [f"<h2>{html.escape(name)}</h2>"]
        if table_list[i] is not None:
            side.append(f"<h3>Metrics</h3>{table_html(table_list[i])}")
        elif payload["metrics"]["names"]:
            per_member = pd.DataFrame(dict(zip(payload["metrics"]["names"],
                                               payload["metrics"]["values"])))
            numeric = per_member.apply(pd.to_numeric, errors="coerce")
            side.append("<h3>Metrics per member</h3>"
                        + table_html(numeric.describe().T[["count", "mean", "min", "max"]]))
        side.append(f"<h3>Structure</h3>{table_html(eco.summary())}")
        extra = f'<aside class="ecobelt-side">{"".join(side)}</aside>'
        pages.append((name, panel_html(i, extra)))
    finish_timelines(timelines)
    text = build_page(title, pages, payloads, subtitle=f"{len(named)} ecosystems", tabs=True)
    page = HtmlPage(text, height=height)
    if path is not None:
        page.save(path)
    return page
