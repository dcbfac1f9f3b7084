"""``ecobelt spillover``: knowledge diffusion from seed members."""

from __future__ import annotations

import argparse

from ._common import add_spec_argument, print_table, read_spec


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "spillover", help="knowledge spillover from seed members (cascade, threshold or heat)")
    add_spec_argument(parser)
    parser.add_argument("--from", dest="seeds", required=True, metavar="ID[,ID...]",
                        help="the members that hold the know-how first")
    parser.add_argument("--model", choices=["cascade", "threshold", "heat"], default="cascade")
    parser.add_argument("--flows", default="technology,information", metavar="FLOW[,FLOW...]")
    parser.add_argument("--probability", default="weighted_cascade",
                        help="cascade: a number, 'weighted_cascade' or a link attribute name")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--top", type=int, default=0, metavar="K",
                        help="also choose the K members whose seeding spreads most")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import spillover
    eco = read_spec(args.spec)
    seeds = [s for s in args.seeds.split(",") if s]
    flows = [f for f in args.flows.split(",") if f]
    if args.model == "heat":
        print_table(spillover.heat(eco, seeds, flows=flows).T)
        return 0
    options = {"flows": flows, "runs": args.runs, "seed": args.seed}
    if args.model == "cascade":
        try:
            probability: float | str = float(args.probability)
        except ValueError:
            probability = args.probability
        options["probability"] = probability
        result = spillover.independent_cascade(eco, seeds, **options)
    else:
        result = spillover.linear_threshold(eco, seeds, **options)
    print(f"expected adopters: {result.expected_spread:.2f} of {len(eco)} ({result.runs} runs)")
    print_table(result.by_ring)
    print_table(result.by_role)
    if args.top:
        model = "independent_cascade" if args.model == "cascade" else "linear_threshold"
        options.pop("runs")
        print_table(spillover.influence_maximization(eco, args.top, model=model,
                                                     runs=min(args.runs, 300), **options))
    return 0
