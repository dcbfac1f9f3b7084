"""Build ``networks.industrial_belt`` at 1k, 10k and 100k members and compute every layer's adjacency.

Baseline: plain networkx on the same tables: members added one at a time with
``MultiDiGraph.add_node``, links one at a time with ``add_edge`` (key = flow),
then ``nx.to_scipy_sparse_array`` of each flow's edge view.

Every (implementation, size) runs in a fresh subprocess so that its peak
resident memory (``resource.getrusage``, growth over the process after
imports) is its own. The load average is printed before and after: on a shared
machine wall times can be a multiple of the CPU times.
Run: ``python benchmarks/bench_build.py [--sizes 1000 10000 100000]``.
"""  # noqa: E501

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys

from _timing import header, load, timed

SIZES = (1_000, 10_000, 100_000)
MEMBERS_PER_FIRM = 1.025  # industrial_belt's default composition (see its Notes)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _child(impl: str, target: int, seed: int) -> dict:
    import networkx as nx

    from ecosystem import Flow
    from networks import industrial_belt
    from networks.belt import _belt_tables

    n_firms = round(target / MEMBERS_PER_FIRM)
    flows = [f.value for f in Flow]

    def networkx_build():
        members_table, links_table, _ = _belt_tables(n_firms, seed=seed)
        graph = nx.MultiDiGraph()
        for row in members_table.to_dict("records"):  # the baseline is one-at-a-time on purpose
            member = row.pop("id")
            graph.add_node(member, **{k: v for k, v in row.items() if v == v})
        names = [c for c in links_table.columns if c not in ("source", "target", "flow")]
        for row in links_table.itertuples(index=False):
            graph.add_edge(row.source, row.target, key=row.flow,
                           **{n: getattr(row, n) for n in names})
        return graph

    def networkx_adjacency(graph):
        order = list(graph)
        return [nx.to_scipy_sparse_array(
            nx.subgraph_view(graph, filter_edge=lambda u, v, k, f=f: k == f),
            nodelist=order, weight="volume", format="csr") for f in flows]

    before = _peak_mib()
    if impl == "ecobelt":
        build = timed(industrial_belt, n_firms, seed=seed)
        adjacency = timed(lambda eco: [eco.adjacency(f) for f in flows], build.result)
    else:
        build = timed(networkx_build)
        adjacency = timed(networkx_adjacency, build.result)
    graph = build.result if impl == "networkx" else build.result.graph
    members, links = graph.number_of_nodes(), graph.number_of_edges()
    assert sum(m.nnz for m in adjacency.result) == links
    return {"impl": impl, "target": target, "members": members, "links": links,
            "build_s": build.wall, "adjacency_s": adjacency.wall,
            "total_s": build.wall + adjacency.wall, "build_cpu": build.cpu,
            "adjacency_cpu": adjacency.cpu, "total_cpu": build.cpu + adjacency.cpu,
            "peak_mib": _peak_mib() - before}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--child", nargs=2, metavar=("IMPL", "MEMBERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child[0], int(args.child[1]), args.seed)))
        return

    def run(impl: str, size: int) -> dict:
        out = subprocess.run([sys.executable, __file__, "--child", impl, str(size),
                              "--seed", str(args.seed)], check=True, capture_output=True, text=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    print(header(__doc__.splitlines()[0], "networkx", "scipy"))
    print("wall-clock seconds, CPU seconds in brackets (the machine may be shared); "
          "peak MiB = growth of peak RSS")
    print(f"{'members':>8} {'links':>9} | {'ecobelt build':>15} {'adjacency':>13} {'peak MiB':>8} | "  # noqa: E501
          f"{'networkx build':>15} {'adjacency':>13} {'peak MiB':>8} | {'speed-up (CPU)':>14}")
    for size in args.sizes:
        ours, base = run("ecobelt", size), run("networkx", size)
        assert (ours["members"], ours["links"]) == (base["members"], base["links"])
        def cell(result: dict, part: str) -> str:
            return f"{result[part + '_s']:6.2f} ({result[part + '_cpu']:5.2f})"

        print(f"{ours['members']:>8} {ours['links']:>9} | {cell(ours, 'build'):>15} "
              f"{cell(ours, 'adjacency'):>13} {ours['peak_mib']:>8.0f} | {cell(base, 'build'):>15} "
              f"{cell(base, 'adjacency'):>13} {base['peak_mib']:>8.0f} | "
              f"{base['total_s'] / ours['total_s']:5.2f}x ({base['total_cpu'] / ours['total_cpu']:4.2f}x)",  # noqa: E501
              flush=True)
    print(f"at the end: {load()}")


if __name__ == "__main__":
    main()
