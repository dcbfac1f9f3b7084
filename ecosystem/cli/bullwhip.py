"""``ecobelt bullwhip [SPEC]`` (order-variance amplification along a chain) and
``ecobelt beergame``."""

from __future__ import annotations

import argparse

from .._errors import ParameterError
from ._common import (add_output_argument, add_table_output, addon_figure, hidden_alias,
                      print_table, read_spec, save_figure, split_list, write_table)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "bullwhip", help="bullwhip amplification in a serial chain, with and without sharing",
        description="Simulate order-up-to stages and compare with the exact and published "
                    "ratios. L (--lead-time) is the number of periods an order-up-to level "
                    "covers: physical lead time plus the review period. Without SPEC, a chain "
                    "of --stages identical stages; with SPEC, the chain that serves --market.")
    parser.add_argument("spec", metavar="SPEC", nargs="?",
                        help="take the chain from this ecosystem (a spec file or a bundled "
                             "example's name); needs --market")
    hidden_alias(parser, "--spec", "spec", dest="spec_option", metavar="SPEC")
    parser.add_argument("--stages", type=int, default=4,
                        help="number of stages of a chain without SPEC (default 4)")
    parser.add_argument("--lead-time", metavar="L[,L...]",
                        help="L per stage (one value for all, or one per stage; default 2, or "
                             "the chain's own with --spec)")
    parser.add_argument("--forecast", default="moving_average",
                        help="moving_average (ma), exponential_smoothing (es) or ar1")
    parser.add_argument("--window", type=int, default=5, help="moving-average window p")
    parser.add_argument("--alpha", type=float, default=0.3, help="smoothing constant")
    parser.add_argument("--rho", type=float, default=0.0, help="AR(1) coefficient of demand")
    parser.add_argument("--mu", type=float, default=100.0, help="mean demand")
    parser.add_argument("--sigma", type=float, default=10.0, help="sd of demand innovations")
    parser.add_argument("--sharing", default="decentralized",
                        choices=["decentralized", "centralized", "both"],
                        help="each stage forecasts from the orders it receives "
                             "(decentralized, default), every stage sees market demand "
                             "(centralized), or both side by side")
    parser.add_argument("--share", metavar="ITEM[,ITEM...]",
                        help="also run partial sharing by these stage numbers or member ids")
    parser.add_argument("--market", help="with SPEC: the market the chain serves")
    parser.add_argument("--z", type=float, default=0.0, help="safety factor")
    parser.add_argument("--no-negative-orders", action="store_true",
                        help="forbid returns (orders below zero)")
    parser.add_argument("--lost-sales", action="store_true",
                        help="lose unmet demand instead of backlogging it")
    parser.add_argument("--replications", type=int, default=1000,
                        help="independent simulated runs (default 1000)")
    parser.add_argument("--periods", type=int, default=1000,
                        help="periods simulated in each run (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    add_output_argument(parser, "--plot", kind="figure", metavar="OUT.png",
                        help="save a chart of the ratios")
    add_table_output(parser, "the table of ratios by sharing scenario and stage")
    parser.set_defaults(func=run_bullwhip)

    game = subparsers.add_parser(
        "beergame", help="Sterman's beer game with the anchoring-and-adjustment rule",
        description="Play the 4-echelon board beer game (demand 4, then 8 from week 5) with "
                    "every echelon ordering by Sterman's (1989) rule. As in Sterman's "
                    "experiment, orders are fixed at 4 cases in the first 4 weeks "
                    "(--fixed-weeks 0: the rule from week one).")
    game.add_argument("--theta", type=float, default=0.36, help="expectation smoothing")
    game.add_argument("--alpha-s", type=float, default=0.26, help="stock adjustment fraction")
    game.add_argument("--beta", type=float, default=0.34, help="weight of the supply line")
    game.add_argument("--s-prime", type=float, default=17.0, help="S' of the rule")
    game.add_argument("--weeks", type=int, default=36, help="weeks played (default 36)")
    game.add_argument("--integer-orders", action="store_true", help="round orders to cases")
    game.add_argument("--fixed-weeks", type=int, default=4,
                      help="weeks at the start with every order fixed at 4 cases (Sterman's "
                           "protocol: 4; 0 lets the rule order from week one)")
    game.add_argument("--weekly", action="store_true", help="also print the orders by week")
    add_output_argument(game, "--plot", kind="figure", metavar="OUT.png",
                        help="save a chart of orders by week")
    add_table_output(game, "every echelon's week-by-week table (orders, stock, backlog)")
    game.set_defaults(func=run_beergame)


def _items(text: str) -> list:
    return [int(part) if part.isdigit() else part for part in split_list(text)]


def _lead_times(text: str) -> list[int] | int:
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        raise ParameterError(f"--lead-time must be whole numbers separated by commas, "
                             f"got {text!r}") from None
    return values[0] if len(values) == 1 else values


def run_bullwhip(args: argparse.Namespace) -> int:
    import pandas as pd

    from .. import bullwhip as bw
    draw = addon_figure("bullwhip_ratios", "--plot") if args.plot else None
    if args.spec and args.spec_option:
        raise ParameterError("give the spec once: ecobelt bullwhip SPEC --market ID")
    args.spec = args.spec or args.spec_option
    if args.spec:
        if not args.market:
            raise ParameterError("SPEC needs --market (the member whose demand the chain "
                                 "serves)")
        if args.lead_time is not None:
            raise ParameterError("--lead-time cannot be used with SPEC: the chain's lead "
                                 "times come from its logistics links")
        stages = bw.chain_from(read_spec(args.spec), args.market)
        lead_time: list[int] | int = list(stages.lead_times)
        print(f"chain: {stages} (carriers and other pass-through members in brackets)")
    else:
        stages, lead_time = args.stages, _lead_times(args.lead_time or "2")
    scenarios = {"both": ["decentralized", "centralized"]}.get(args.sharing, [args.sharing])
    sharings: dict[str, str | list] = {name: name for name in scenarios}
    if args.share:
        sharings["partial"] = _items(args.share)
    demand = bw.Demand.ar1(args.mu, args.rho, args.sigma)
    common = dict(lead_time=lead_time, forecast=args.forecast, window=args.window,
                  alpha=args.alpha)
    known_process = args.forecast.strip().lower() in ("ar1", "optimal")  # constant safety stock
    linear = (args.z == 0 or known_process) and not args.no_negative_orders \
        and not args.lost_sales
    frames = []
    for name, sharing in sharings.items():
        result = bw.simulate(stages, **common, demand=demand, sharing=sharing, z=args.z,
                             negative_orders=not args.no_negative_orders,
                             backlog=not args.lost_sales, replications=args.replications,
                             periods=args.periods, seed=args.seed)
        table = result.summary()
        frame = pd.DataFrame({
            "L": table["lead_time"], "shares": table["shares"],
            "order_ratio": table["order_ratio"],
            "ci_low": table["order_ratio_low"], "ci_high": table["order_ratio_high"]})
        if linear:
            frame["exact"] = bw.exact_ratio(stages, **common, rho=args.rho,
                                            sharing=sharing).to_numpy()
        if name != "partial" and set(result.settings["forecast"]) == {"moving_average"}:
            leads = result.settings["lead_time"]
            frame["chen"] = [bw.chen_ratio(leads[:k + 1], args.window, args.rho, k + 1, name)
                             for k in range(len(frame))]
        for column in ("amplification", "inventory_ratio", "fill_rate", "total_cost"):
            frame[column] = table[column]
        frame.insert(0, "sharing", name)
        frames.append(frame.reset_index())
    report = pd.concat(frames, ignore_index=True).set_index(["sharing", "stage"])
    print_table(report)
    note = "exact: linear-filter value; " if linear else ""
    print(f"{note}chen: Chen et al. (2000) formula (a lower bound beyond one stage); "
          f"{args.replications} replications x {args.periods} periods, "
          "95% t-intervals")
    if draw is not None:
        _save(draw(report), args.plot)
    if args.output:
        write_table(report, args.output)
    return 0


def _save(figure, path: str) -> None:
    save_figure(figure, path, force=True, dpi=120)  # checked before the run
    print(f"chart written to {path}")


def run_beergame(args: argparse.Namespace) -> int:
    from ..bullwhip import beer_game
    draw = addon_figure("bullwhip", "--plot") if args.plot else None
    game = beer_game(theta=args.theta, alpha_s=args.alpha_s, beta=args.beta,
                     s_prime=args.s_prime, weeks=args.weeks, integer_orders=args.integer_orders,
                     fixed_weeks=args.fixed_weeks)
    print_table(game.summary())
    start = (f"orders fixed at 4 in weeks 1-{args.fixed_weeks}" if args.fixed_weeks
             else "the rule from week one")
    print(f"team cost {game.total_cost:.2f} over {args.weeks} weeks "
          f"(holding 0.5, backlog 1.0 per case-week; {start})")
    orders = game.weeks.pivot(index="week", columns="echelon", values="order")
    orders = orders[list(game.echelons.index)]  # downstream first, as played
    if args.weekly:
        print_table(orders)
    if draw is not None:
        demand = game.weeks[game.weeks["echelon"] == "retailer"]["incoming_order"]
        # weeks 1, 2, ... drawn as periods 0, 1, ... like the demand beside them
        _save(draw(orders.reset_index(drop=True), demand.to_numpy(),
                   title="Beer game orders by echelon"), args.plot)
    if args.output:
        write_table(game.weeks.set_index(["week", "echelon"]), args.output)
    return 0
