"""ecosystem.simulation.run against stockpyl's network simulation, base-stock policies.

stockpyl lives in its own environment (importing it slows every Python start), found at
``$ECOBELT_PEERS_PYTHON``, the repository's ``.venv-peers`` (made by
``benchmarks/peers.sh``) or ``/work/.venv-peers``; without it this prints that it is
skipped. This script writes each network and its demand to JSON, runs
``peers/stockpyl_check.py`` in that environment, and compares per node and period the
orders placed, goods shipped and received, on-hand stock and backorders. Printed: the
largest difference of each quantity, and ns per node-period(-replication) of both.

Mapping: ecobelt's ``L = transit + 1`` is stockpyl's shipment lead time, its order lead
time is 0; ecobelt's base stock ``S = (L + z) x level`` with ``z x level`` on hand and
``level`` arriving in each of the first ``L`` periods (its steady state) is stockpyl's
``base_stock_level``, ``initial_inventory_level`` and ``initial_shipments``.
Run: ``python benchmarks/bench_stockpyl.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from _timing import header, timed

from ecosystem import Ecosystem, simulation
from ecosystem.simulation import Policy

HERE = Path(__file__).resolve().parent
QUANTITIES = ("orders", "shipped", "received", "on_hand", "backorders")


def peer_python() -> str | None:
    """The peers' interpreter: the variable's, the one peers.sh makes, or the shared one."""
    for candidate in (os.environ.get("ECOBELT_PEERS_PYTHON"),
                      str(HERE.parent / ".venv-peers" / "bin" / "python"),
                      "/work/.venv-peers/bin/python"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def serial(transits: list[int], source_transit: int) -> tuple[Ecosystem, dict, list[str]]:
    """s0 (serving market us) <- s1 <- ... <- an outside source."""
    eco = Ecosystem("serial")
    eco.add_member("us", "market", margin=1.0)
    names = [f"s{k}" for k in range(len(transits) + 1)]
    for k, name in enumerate(names):
        eco.add_member(name, "cbec_enterprise" if k == 0 else "manufacturer")
    eco.link(names[0], "us", "logistics", lead_time=0)
    supplier = {}
    for k, transit in enumerate(transits):
        eco.link(names[k + 1], names[k], "logistics", lead_time=transit)
        supplier[names[k]] = names[k + 1]
    supplier[names[-1]] = None
    eco.graph.nodes[names[-1]]["lead_time"] = source_transit
    return eco, supplier, {"us": names[0]}


def distribution(transits: list[int], source_transit: int):
    """One warehouse (an outside source behind it) and one shop per transit time."""
    eco = Ecosystem("distribution")
    eco.add_member("warehouse", "manufacturer")
    supplier, serves = {"warehouse": None}, {}
    for k, transit in enumerate(transits):
        eco.add_member(f"shop{k}", "platform")
        eco.add_member(f"m{k}", "market", margin=1.0)
        eco.link("warehouse", f"shop{k}", "logistics", lead_time=transit)
        eco.link(f"shop{k}", f"m{k}", "logistics", lead_time=0)
        supplier[f"shop{k}"] = "warehouse"
        serves[f"m{k}"] = f"shop{k}"
    eco.graph.nodes["warehouse"]["lead_time"] = source_transit
    return eco, supplier, serves


def ecobelt_series(eco: Ecosystem, demand: pd.DataFrame, z: float, replications: int = 1):
    return simulation.run(eco, demand=demand, replications=replications, warmup=0,
                          policy=Policy("base_stock", z=z))


def compare(name: str, eco: Ecosystem, supplier: dict, serves: dict, demand: pd.DataFrame,
            z: float, python: str, repeat: int = 3) -> dict:
    result = ecobelt_series(eco, demand, z)
    members = list(result.network.members)
    lead = dict(zip(members, result.members["lead_time"].astype(int)))
    level = {member: 0.0 for member in members}
    for market, member in serves.items():
        level[member] += float(demand[market].iloc[0])
    changed = True
    while changed:  # a supplier's level is the sum of its customers' (tiny networks)
        changed = False
        for member in members:
            total = level[member] if member in serves.values() else sum(
                level[c] for c, s in supplier.items() if s == member)
            if total != level[member]:
                level[member], changed = total, True
    ids = {member: k + 1 for k, member in enumerate(members)}
    nodes = [{"id": ids[m], "supplier": ids.get(supplier[m]), "lead": int(lead[m]),
              "base_stock": (lead[m] + z) * level[m], "initial": z * level[m],
              "pipeline": level[m],
              "demand": next((demand[k].tolist() for k, v in serves.items() if v == m), None)}
             for m in members]
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder, "in.json"), Path(folder, "out.json")
        source.write_text(json.dumps({"periods": len(demand), "repeat": repeat,
                                      "nodes": nodes}))
        subprocess.run([python, str(HERE / "peers" / "stockpyl_check.py"), str(source),
                        str(target)], check=True)
        peer = json.loads(target.read_text())
    series = result.series("members")
    ours = {q: series.pivot(index="period", columns="member", values=column)[members]
            for q, column in (("orders", "orders"), ("shipped", "shipped"),
                              ("received", "received"), ("on_hand", "stock"),
                              ("backorders", "backlog"))}
    worst, by_node = {}, {m: 0.0 for m in members}
    for q in QUANTITIES:
        diffs = {m: float(np.max(np.abs(ours[q][m].to_numpy()
                                        - np.array(peer["nodes"][str(ids[m])][q]))))
                 for m in members}
        where = max(diffs, key=diffs.get)
        by_node = {m: max(by_node[m], diffs[m]) for m in members}
        worst[q] = (diffs[where], where)
    short = {m: int((ours["backorders"][m] > 1e-9).sum()) for m in members}
    print(f"\n{name}, z = {z}: L = {lead}; periods with backorders: {short}")
    for q, (value, where) in worst.items():
        print(f"  {q:<10} largest |ecobelt - stockpyl| = {value:.3g} ({where})")
    print("  largest over the quantities, by node: "
          + ", ".join(f"{m} {v:.2g}" for m, v in by_node.items()))
    node_periods = len(members) * len(demand)
    ours_time = timed(ecobelt_series, eco, demand, z, repeat=repeat)
    reps = 200
    many = timed(ecobelt_series, eco, demand, z, reps, repeat=repeat)
    ns_peer = peer["seconds"] / node_periods * 1e9
    ns_one = ours_time.wall / node_periods * 1e9
    ns_many = many.wall / (node_periods * reps) * 1e9
    print(f"  time: stockpyl {ns_peer:,.0f} ns per node-period (one run); ecobelt "
          f"{ns_one:,.0f} ns (1 replication, ratio {ns_peer / ns_one:.1f}x), "
          f"{ns_many:,.0f} ns per node-period-replication at {reps} replications "
          f"(ratio {ns_peer / ns_many:.0f}x)")
    return worst


def main() -> None:
    print(header("simulation vs stockpyl (base-stock policies, given demand)", "pandas"))
    python = peer_python()
    if python is None:
        print("skipped: no peers' environment (run sh benchmarks/peers.sh, or set "
              "ECOBELT_PEERS_PYTHON to a Python with stockpyl)")
        return
    query = "import importlib.metadata as m; print(m.version('stockpyl'))"
    version = subprocess.run([python, "-c", query], check=False, capture_output=True,
                             text=True).stdout.strip()
    print(f"stockpyl {version} at {python}")
    rng = np.random.default_rng(12)
    periods = 200
    demand = pd.DataFrame({"us": np.maximum(100 + 30 * rng.standard_normal(periods), 0)})
    for z in (1.0, 0.0):
        compare("serial chain of 4", *serial([1, 0, 2], 1), demand, z, python)
    means = [40.0, 25.0, 15.0, 30.0]
    demand = pd.DataFrame({f"m{k}": np.maximum(mu + 0.3 * mu * rng.standard_normal(periods), 0)
                           for k, mu in enumerate(means)})
    for z in (1.5, 0.0):
        compare("distribution, 1 warehouse + 4 shops", *distribution([0, 1, 2, 0], 1), demand,
                z, python)


if __name__ == "__main__":
    sys.exit(main())
