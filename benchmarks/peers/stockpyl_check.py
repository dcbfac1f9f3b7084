"""stockpyl's network simulation of the networks ecobelt wrote, for bench_stockpyl.py.

Runs in the peers' environment (which has stockpyl), never in ecobelt's:
``python stockpyl_check.py INPUT.json OUTPUT.json``. The input lists nodes (``id``,
``supplier`` id or null for an unlimited outside supplier, shipment lead time ``lead``,
``base_stock`` level, ``initial`` inventory level, ``pipeline`` units arriving in each of
the first ``lead`` periods, ``demand`` per period or null) and ``repeat`` (how many
times the run is timed). The output gives, per node, the per-period orders placed,
shipments sent and received, on-hand stock and backorders, and the best wall seconds
of one run.

Mapping (read from stockpyl.sim): stockpyl's order lead time is 0 (an order reaches the
supplier the period it is placed) and its shipment lead time is ecobelt's
``L = transit + 1`` (goods shipped in period t sit in slot ``L`` of the receiver's
pipeline, which moves one slot a period and is received at the start of t + L). A
base-stock node orders ``S - (IL + on order - demand)``, which equals the period's
demand when the position starts at ``S``.
"""

from __future__ import annotations

import json
import sys
import time

from stockpyl import sim
from stockpyl.supply_chain_network import network_from_edges


def build(nodes: list[dict]):
    ids = [node["id"] for node in nodes]
    edges = [(node["supplier"], node["id"]) for node in nodes if node["supplier"] is not None]
    by = {node["id"]: node for node in nodes}
    demand = {i: by[i]["demand"] for i in ids}
    network = network_from_edges(
        edges, node_order_in_lists=ids,
        shipment_lead_time={i: by[i]["lead"] for i in ids},
        order_lead_time={i: 0 for i in ids},
        initial_inventory_level={i: by[i]["initial"] for i in ids},
        initial_shipments={i: by[i]["pipeline"] for i in ids},
        demand_type={i: "D" if demand[i] is not None else None for i in ids},
        demand_list={i: demand[i] for i in ids},
        round_to_int={i: False for i in ids},
        policy_type="BS", base_stock_level={i: by[i]["base_stock"] for i in ids},
        local_holding_cost=1.0, stockout_cost=1.0)
    return network


def main(source: str, target: str) -> None:
    with open(source, encoding="utf-8") as handle:
        spec = json.load(handle)
    nodes, periods = spec["nodes"], spec["periods"]
    best = float("inf")
    for _ in range(spec.get("repeat", 1)):
        network = build(nodes)
        start = time.perf_counter()
        sim.simulation(network, periods, rand_seed=0, progress_bar=False,
                       consistency_checks="N")
        best = min(best, time.perf_counter() - start)
    out = {}
    for node in network.nodes:
        states = node.state_vars[:periods]
        out[str(node.index)] = {
            "orders": [sum(v for row in s.order_quantity.values() for v in row.values())
                       for s in states],
            "shipped": [sum(v for row in s.outbound_shipment.values() for v in row.values())
                        for s in states],
            "received": [sum(v for row in s.inbound_shipment.values() for v in row.values())
                         for s in states],
            "on_hand": [max(0.0, sum(s.inventory_level.values())) for s in states],
            "backorders": [sum(v for row in s.backorders_by_successor.values()
                               for v in row.values()) for s in states],
        }
    with open(target, "w", encoding="utf-8") as handle:
        json.dump({"nodes": out, "seconds": best}, handle)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
