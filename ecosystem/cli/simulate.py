"""``ecobelt simulate``: the belt simulated period by period."""

from __future__ import annotations

import argparse

from .._errors import ParameterError
from ._common import add_spec_argument, print_table, read_spec, split_list


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "simulate", help="simulate goods, orders and money period by period",
        description="Simulate every stocking member's orders, stock and profit, every "
                    "carrier's loads and every market's service, with confidence intervals "
                    "over replications (ecosystem.simulation.run).")
    add_spec_argument(parser)
    parser.add_argument("--periods", type=int, default=52,
                        help="periods measured after the warm-up (default 52)")
    parser.add_argument("--replications", type=int, default=200,
                        help="independent runs (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--share", metavar="MEMBER[,MEMBER...]",
                        help="members that forecast from end demand (or 'all')")
    parser.add_argument("--cv", type=float, default=0.2,
                        help="coefficient of variation of market demand (default 0.2)")
    parser.add_argument("--rho", type=float, default=0.0,
                        help="autocorrelation of market demand (default 0)")
    parser.add_argument("--forecast", default="moving_average",
                        help="moving_average (ma), exponential_smoothing (es) or ar1")
    parser.add_argument("--window", type=int, default=5, help="moving-average window")
    parser.add_argument("--alpha", type=float, default=0.3,
                        help="exponential-smoothing constant")
    parser.add_argument("--z", type=float, default=1.65,
                        help="safety factor on the forecast error (default 1.65)")
    parser.add_argument("--table", choices=["members", "markets", "carriers", "totals",
                                            "series"], default="members",
                        help="what -o writes (default members)")
    parser.add_argument("-o", "--output", metavar="OUT.csv|OUT.json",
                        help="write the table chosen by --table (CSV or JSON by extension)")
    parser.set_defaults(func=run_simulate)


def run_simulate(args: argparse.Namespace) -> int:
    from ..simulation import MarketDemand, Policy, run
    eco = read_spec(args.spec)
    sharing = () if not args.share else (
        "all" if args.share.strip().lower() == "all" else split_list(args.share))
    # the per-period member and lane tables take memory in proportion to members x periods;
    # only a series table written with -o reads them
    keep_series = bool(args.output) and args.table == "series"
    result = run(eco, periods=args.periods, replications=args.replications, seed=args.seed,
                 demand=MarketDemand(cv=args.cv, rho=args.rho), sharing=sharing,
                 policy=Policy(args.forecast, window=args.window, alpha=args.alpha, z=args.z),
                 keep_series=keep_series)
    print(result)
    print()
    print(f"Markets (service level: share of demand shipped in the period it arose; demand "
          f"and deliveries in {result.units['demand']}):")
    print_table(result.markets[["demand", "delivered", "service_level", "spend"]])
    if len(result.carriers):
        print(f"Carriers (goods in {result.units['carried']}, fees in "
              f"{result.units['fee_income']}):")
        print_table(result.carriers[["carried", "fee_income"]])
    if args.output:
        table = result.series() if args.table == "series" else getattr(result, args.table)
        _write(table, args.output)
        print(f"wrote {args.output}")
    return 0


def _write(table, path: str) -> None:
    lower = path.lower()
    if lower.endswith(".csv"):
        table.to_csv(path)
    elif lower.endswith(".json"):
        table.to_json(path, orient="table", indent=1)
    else:
        raise ParameterError(f"-o {path!r}: give a file ending in .csv or .json")
