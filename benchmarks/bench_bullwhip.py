"""Speed of ecosystem.bullwhip.simulate against stockpyl on a 4-stage serial system.

Baseline: stockpyl (benchmark-only: ``sh benchmarks/peers.sh`` installs it in .venv-peers,
then run this with ``.venv-peers/bin/python``) simulating a
4-stage serial base-stock system, normal demand (mean 100, sd 10), shipment lead time
2 at every stage, one replication at a time. Ours: the same chain (``L`` = 2 + the
review period = 3, base-stock = the constant order-up-to level of the known-process
forecast of i.i.d. demand) vectorised over 1,000 replications, plus the forecasting
policies the issue is about. Our stages receive their replenishments in full after
``L`` periods; stockpyl ships what the upstream stage has, so its work per period is a
little larger; the orders (and so the variance ratios, 1 for base-stock) agree.

Reported: wall-clock and CPU time (the machine is shared; CPU time is less disturbed by
other jobs) per stage-period for stockpyl and per stage-period-replication for us
(warm-up periods counted, since they are simulated), their ratio, and the load average
before and after the run (the issue's target: under 20 ns per stage-period-replication).

Run: ``python benchmarks/bench_bullwhip.py`` (about a minute).
"""

from __future__ import annotations

import numpy as np

from _timing import header, load, timed
from ecosystem.bullwhip import Demand, simulate

STAGES, REPLICATIONS, PERIODS = 4, 1000, 1000
STOCKPYL_PERIODS, REPEATS = 300, 3


def stockpyl_run(seed: int = 1):
    from stockpyl.sim import simulation
    from stockpyl.supply_chain_network import serial_system
    network = serial_system(
        num_nodes=STAGES, node_order_in_system=[4, 3, 2, 1], node_order_in_lists=[4, 3, 2, 1],
        local_holding_cost=[0.5] * STAGES, stockout_cost=[1.0] * STAGES,
        shipment_lead_time=[2] * STAGES, demand_type="N", mean=100, standard_deviation=10,
        policy_type="BS", base_stock_level=[330.0] * STAGES)
    simulation(network, STOCKPYL_PERIODS, rand_seed=seed, progress_bar=False)
    return network


def _stockpyl_ratio(network) -> float:
    """Var(orders of the top stage) / Var(end demand) in the stockpyl run."""
    nodes = sorted(network.nodes, key=lambda n: n.index)
    retailer, top = nodes[0], nodes[-1]
    def total(nested: dict) -> float:  # {partner: {product: quantity}}
        return float(sum(sum(by_product.values()) for by_product in nested.values()))
    demand = [total(retailer.state_vars[t].inbound_order) for t in range(STOCKPYL_PERIODS)]
    orders = [total(top.state_vars[t].order_quantity) for t in range(STOCKPYL_PERIODS)]
    return float(np.var(orders[20:]) / np.var(demand[20:]))


def _stockpyl_per_stage_period() -> tuple[float, float] | None:
    """stockpyl's best wall and CPU seconds per stage-period, or None without stockpyl."""
    try:
        import stockpyl  # noqa: F401
    except ImportError:
        print("stockpyl is not installed (sh benchmarks/peers.sh, then run with "
              ".venv-peers/bin/python): baseline skipped")
        return None
    print(f"stockpyl: {STAGES}-stage serial base-stock system, {STOCKPYL_PERIODS} periods, "
          f"best of {REPEATS}")
    run = timed(stockpyl_run, repeat=REPEATS)
    base_wall = run.wall / (STAGES * STOCKPYL_PERIODS)
    base_cpu = run.cpu / (STAGES * STOCKPYL_PERIODS)
    print(f"  {base_wall * 1e6:8.1f} us wall, {base_cpu * 1e6:8.1f} us CPU per stage-period; "
          f"top-stage order ratio {_stockpyl_ratio(run.result):.3f}")
    return base_wall, base_cpu


def main() -> None:
    print(header(__doc__.splitlines()[0], "stockpyl"))
    baseline = _stockpyl_per_stage_period()
    print(f"ecobelt: {STAGES} stages x {REPLICATIONS} replications x {PERIODS} periods "
          f"(+ warm-up), best of {REPEATS}")
    print(f"  {'policy':34s} {'ns wall':>8s} {'ns CPU':>8s} {'x stockpyl (wall, CPU)':>24s}"
          f" {'top ratio':>10s}")
    cases = {
        "base-stock (same system as stockpyl)": dict(forecast="ar1", lead_time=3),
        "moving average p=5, L=2": dict(window=5, lead_time=2),
        "exponential smoothing a=0.3, L=2": dict(forecast="es", alpha=0.3, lead_time=2),
        "moving average, no returns": dict(window=5, lead_time=2, negative_orders=False),
        "moving average, z=1.65": dict(window=5, lead_time=2, z=1.65),
        "exponential smoothing, z=1.65": dict(forecast="es", alpha=0.3, lead_time=2, z=1.65),
        "moving average, lost sales": dict(window=5, lead_time=2, negative_orders=False,
                                           backlog=False),
    }
    for name, options in cases.items():
        simulate(STAGES, replications=50, periods=100, seed=0, **options)  # warm caches
        run = timed(simulate, STAGES, replications=REPLICATIONS, periods=PERIODS, seed=1,
                    demand=Demand.normal(100.0, 10.0), repeat=REPEATS, **options)
        work = STAGES * REPLICATIONS * (PERIODS + run.result.settings["warmup"])
        ours_wall, ours_cpu = run.wall / work, run.cpu / work
        ratios = ("-", "-") if baseline is None else (
            f"{baseline[0] / ours_wall:.0f}", f"{baseline[1] / ours_cpu:.0f}")
        print(f"  {name:34s} {ours_wall * 1e9:8.1f} {ours_cpu * 1e9:8.1f} "
              f"{ratios[0]:>11s} {ratios[1]:>11s} {run.result.ratio.iloc[-1]:10.3f}")
    print(f"after the run: {load()}; target: < 20 ns per "
          "stage-period-replication (CPU time is the figure less disturbed by other jobs)")


if __name__ == "__main__":
    main()
