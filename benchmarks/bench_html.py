"""Export and draw interactive HTML networks: ``viz.to_html`` against pyvis on the same graph.

Graphs:
- ``random``: n members with roles drawn like an industrial belt (mostly core),
  2 n links with random flows and a ``volume`` (the shape measured
  pyvis on: 10,000 members / 20,000 links);
- ``belt``: ``networks.industrial_belt`` with about n members (about 10.5
  links per member).

Export: ``viz.to_html(eco, path)`` (best of 3) against pyvis 0.3.2's
``Network(directed=True, cdn_resources="in_line").from_nx(graph)`` +
``generate_html()`` + write (1 run; ``from_nx`` modifies its input, so it gets
a copy made outside the timing). For a like-for-like page the copy's members
carry the same ring-layout ``x``, ``y`` and pyvis' physics is off.

Draw: both pages opened offline in headless Debian Chromium (tests/_browser.py);
the time from navigation start to the end of the first frame after the network
object exists (two animation frames), and the CPU time of the page's renderer
process by then, best of 2. pyvis' page tries to load
bootstrap from a CDN: those requests are blocked and not counted as errors here.

Renderers: a page above the size limits opens on ecobelt's canvas renderer
(``renderer="auto"``); ``--vis`` also exports the same graph with ``renderer="vis"``
(vis-network, an object per node and link) and draws both in the same run: the ratio
of time-to-drawn (wall and renderer CPU, vis / canvas). The 10k belt of the issue's
target is ``--graphs belt --sizes 10250`` (``industrial_belt(10000)``: 10,273 members,
98,500 links).

Before/after: ``--old-script OLD.js`` also draws each page with another page script in
its place (for example ``git show REV:viz/assets/ecobelt.js > OLD.js``), in the same
process and conditions, and prints the ratio of renderer CPU (old / new).

Run: ``python benchmarks/bench_html.py [--sizes 10000 50000] [--draw-limit 10000]``
(``--no-baseline`` skips pyvis; sizes above ``--draw-limit`` are exported only).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from _timing import header, load, timed

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

FIRST_FRAME_JS = """async (expression) => {
  const deadline = performance.now() + 600000;
  while (!eval(expression)) {
    if (performance.now() > deadline) { throw new Error("never drawn"); }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  return performance.now();
}"""


def random_ecosystem(n: int, links_per_member: float = 2.0, seed: int = 0):
    """n members (80% core roles, 18% sub-core, 2% outer), random links of random flows."""
    from ecosystem import Ecosystem, Flow
    from ecosystem.taxonomy import DEFAULT_ROLES

    rng = np.random.default_rng(seed)
    roles = list(DEFAULT_ROLES)
    share = {"core": 0.80, "sub_core": 0.18, "outer": 0.02}
    rings = [DEFAULT_ROLES[r].value for r in roles]
    weight = np.array([share[g] / rings.count(g) for g in rings])
    ids = np.array([f"m{i:06d}" for i in range(n)])
    members = pd.DataFrame({"id": ids, "role": rng.choice(roles, n, p=weight / weight.sum()),
                            "employees": rng.integers(1, 500, n)})
    m = int(links_per_member * n)
    pairs = pd.DataFrame({"s": rng.integers(0, n, 2 * m), "t": rng.integers(0, n, 2 * m),
                          "f": rng.integers(0, 4, 2 * m)})
    pairs = pairs[pairs.s != pairs.t].drop_duplicates().head(m)
    flows = np.array([f.value for f in Flow])
    links = pd.DataFrame({"source": ids[pairs.s], "target": ids[pairs.t], "flow": flows[pairs.f],
                          "volume": rng.gamma(2.0, 5.0, len(pairs)).round(2)})
    return Ecosystem.from_pandas(members, links, name=f"random {n:,}")


def pyvis_export(eco, path: Path):
    """pyvis' own route: from_nx on (a copy of) the graph, generate_html, write."""
    from pyvis.network import Network

    import viz

    graph = eco.graph.copy()  # from_nx modifies its input
    layout = viz.ring_layout(eco, spacing=35.2)
    for member, x, y in zip(layout.index, layout["x"], layout["y"]):
        graph.nodes[member].update(x=float(x), y=float(y))

    def run():
        net = Network(directed=True, cdn_resources="in_line")
        net.from_nx(graph)
        net.toggle_physics(False)
        path.write_text(net.generate_html(), encoding="utf-8")
        return len(net.nodes), len(net.edges)

    return timed(run)


def first_frame(path: Path, expression: str, repeat: int = 2) -> tuple[float, float]:
    """Seconds from navigation start to the first frame after ``expression`` holds (wall),
    and the page's renderer process CPU seconds by then (Chrome's ``ProcessTime`` metric).
    Best of ``repeat``."""
    from _browser import open_page

    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        with open_page(path, timeout=900, wait=False) as live:
            wall = live.page.evaluate(FIRST_FRAME_JS, expression) / 1000.0
            session = live.page.context.new_cdp_session(live.page)
            session.send("Performance.enable")
            metrics = {m["name"]: m["value"] for m in
                       session.send("Performance.getMetrics")["metrics"]}
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, metrics["ProcessTime"])
    return best_wall, best_cpu


def ecobelt_draw(path: Path, repeat: int = 2) -> tuple[float, float, float]:
    """First frame (wall, renderer CPU) and the page script's own draw time (ms -> s)."""
    from _browser import open_page

    wall, cpu = first_frame(path, "window.ecobelt && window.ecobelt.current "
                                  "&& window.ecobelt.current.ready", repeat)
    with open_page(path, timeout=900) as live:
        check = live.check(flows=False)
        assert check.problems == [], check.problems
    return wall, cpu, check.draw_ms / 1000.0


def with_script(page_path: Path, script: str, out: Path) -> Path:
    """A copy of an exported page whose page script is ``script`` instead of ours."""
    from viz._page import own_assets

    text = page_path.read_text(encoding="utf-8")
    ours = own_assets()[0]
    if text.count(ours) != 1:
        raise SystemExit("cannot find the page script in the exported page")
    out.write_text(text.replace(ours, script), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--graphs", nargs="+", default=["random", "belt"],
                        choices=["random", "belt"])
    parser.add_argument("--draw-limit", type=int, default=10_000)
    parser.add_argument("--baseline-limit", type=int, default=50_000,
                        help="largest size exported with pyvis too")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--vis", action="store_true",
                        help="also draw the page with renderer='vis' (vis-network)")
    parser.add_argument("--old-script", type=Path, metavar="OLD.js",
                        help="also draw each page with this page script (before/after)")
    args = parser.parse_args()
    old_script = args.old_script.read_text(encoding="utf-8") if args.old_script else None

    import networks
    import viz

    print(header(__doc__.splitlines()[0], "pyvis", "playwright"))
    rows = []
    folder = Path(tempfile.mkdtemp(prefix="bench_html_"))
    for n in args.sizes:
        for kind in args.graphs:
            eco = (random_ecosystem(n) if kind == "random"
                   else networks.industrial_belt(round(n / 1.025), seed=1))
            members, links = len(eco), eco.graph.number_of_edges()
            ours = folder / f"ecobelt_{kind}_{n}.html"
            export = timed(viz.to_html, eco, ours, repeat=3)
            row = {"graph": kind, "members": members, "links": links,
                   "ecobelt wall": export.wall, "ecobelt CPU": export.cpu,
                   "MB": len(export.result.html.encode()) / 1e6}
            if not args.no_baseline and n <= args.baseline_limit:
                theirs = folder / f"pyvis_{kind}_{n}.html"
                pyvis = pyvis_export(eco, theirs)
                row.update({"pyvis wall": pyvis.wall, "pyvis CPU": pyvis.cpu,
                            "ratio (CPU)": pyvis.cpu / export.cpu,
                            "pyvis links kept": pyvis.result[1]})
            row["renderer"] = "canvas" if '"renderer":"canvas"' in export.result.html else "vis"
            if n <= args.draw_limit:
                (row["draw wall"], row["draw CPU"],
                 row["script draw"]) = ecobelt_draw(ours)
                if args.vis:
                    vis_page = folder / f"vis_{kind}_{n}.html"
                    viz.to_html(eco, vis_page, renderer="vis")
                    (row["vis draw wall"], row["vis draw CPU"],
                     row["vis script draw"]) = ecobelt_draw(vis_page)
                    row["vis/ours (wall)"] = row["vis draw wall"] / row["draw wall"]
                    row["vis/ours (CPU)"] = row["vis draw CPU"] / row["draw CPU"]
                if "pyvis wall" in row:
                    row["pyvis draw wall"], row["pyvis draw CPU"] = first_frame(
                        theirs, "window.network && window.network.body")
                    row["draw ratio (CPU)"] = row["pyvis draw CPU"] / row["draw CPU"]
                if old_script is not None:
                    before = with_script(ours, old_script, folder / f"old_{kind}_{n}.html")
                    (row["old draw wall"], row["old draw CPU"],
                     row["old script draw"]) = ecobelt_draw(before)
                    row["old/new (CPU)"] = row["old draw CPU"] / row["draw CPU"]
            rows.append(row)
            print(pd.DataFrame([row]).to_string(index=False, float_format="{:.3g}".format),
                  flush=True)
            print(f"  {load()}", flush=True)
    print()
    print(pd.DataFrame(rows).to_markdown(index=False, floatfmt=".3g")
          if _has_tabulate() else pd.DataFrame(rows).to_string(index=False))
    print(f"at the end: {load()}")


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
