"""``ecobelt spillover``: knowledge diffusion from seed members, and Jaffe's spillover pool."""

from __future__ import annotations

import argparse

from ._common import (add_table_output, add_spec_argument, hidden_alias,
                      print_table, read_spec, split_list, write_table)

_OLD_MODELS = {"cascade": "independent_cascade", "threshold": "linear_threshold"}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "spillover", help="knowledge spillover from seed members (independent cascade, linear "
                          "threshold or heat) "
                          "and Jaffe's spillover pool",
        description="Spread know-how from seed members along the technology and information "
                    "links (an independent cascade, a linear threshold or heat diffusion), "
                    "or print Jaffe's spillover pool of every member.")
    add_spec_argument(parser)
    parser.add_argument("--from", dest="seeds", metavar="ID[,ID...]",
                        help="the members that hold the know-how first (needed unless --pool)")
    # "cascade" and "threshold" are the earlier spellings, kept for one release
    parser.add_argument("--model", choices=["independent_cascade", "linear_threshold", "heat"],
                        default="independent_cascade",
                        type=lambda name: _OLD_MODELS.get(name, name),
                        help="independent cascade (default), linear threshold, or heat "
                             "diffusion")
    parser.add_argument("--flows", default="technology,information", metavar="FLOW[,FLOW...]",
                        help="the layers know-how travels along")
    parser.add_argument("--probability", default="weighted_cascade",
                        help="cascade: a number, 'weighted_cascade' or a link attribute name")
    parser.add_argument("--weight", default="volume",
                        help="threshold and heat: the link attribute that weighs the links")
    parser.add_argument("--replications", type=int, default=1000,
                        help="Monte Carlo replications")
    hidden_alias(parser, "--runs", "--replications", type=int)
    parser.add_argument("--max-steps", type=int, metavar="T", help="stop after T steps")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--curve", action="store_true", help="also print the adoption curves (per ring and per role)")  # noqa: E501
    parser.add_argument("--best-seeds", type=int, default=0, metavar="K",
                        help="also choose the K members whose seeding spreads most")
    hidden_alias(parser, "--top", "--best-seeds", type=int)
    parser.add_argument("--times", default="0,1,2,5,10", metavar="T[,T...]",
                        help="heat: the times to report")
    parser.add_argument("--rate", type=float, default=1.0, help="heat: diffusion rate")
    parser.add_argument("--pool", metavar="ATTR",
                        help="print Jaffe's spillover pool, with research effort from this "
                             "member attribute (technology layer profiles)")
    add_table_output(parser, "the per-member result: the pool (--pool), the heat levels "
                                "(heat) or each member's adoption probability and mean time "
                                "to adopt (cascade, threshold)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import spillover
    from .._errors import ParameterError
    eco = read_spec(args.spec)
    if args.pool:
        pool = spillover.spillover_pool(eco, args.pool)
        print_table(pool)
        if not args.seeds:
            if args.output:
                write_table(pool, args.output)
            return 0
    if not args.seeds:
        raise ParameterError("give the seed members with --from ID[,ID...] (or --pool ATTR)")
    seeds, flows = split_list(args.seeds), split_list(args.flows)
    if args.model == "heat":
        try:
            times = [float(t) for t in split_list(args.times)]
        except ValueError:
            raise ParameterError(f"--times must be numbers, got {args.times!r}") from None
        levels = spillover.heat(eco, seeds, times, flows=flows, rate=args.rate,
                                weight=args.weight).T
        print_table(levels)
        if args.output:
            write_table(levels, args.output)
        return 0
    cascade = args.model == "independent_cascade"
    probability: float | str | None = None
    if cascade:
        try:
            probability = float(args.probability)
        except ValueError:
            probability = args.probability
        result = spillover.independent_cascade(
            eco, seeds, probability=probability, flows=flows, replications=args.replications,
            seed=args.seed, max_steps=args.max_steps)
    else:
        result = spillover.linear_threshold(
            eco, seeds, weight=args.weight, flows=flows, replications=args.replications,
            seed=args.seed, max_steps=args.max_steps)
    print(result.headline())
    print_table(result.by_ring())
    print_table(result.by_role())
    if args.curve:
        print_table(result.curve)
        print_table(result.curve_by_role)
    if args.best_seeds:
        print_table(spillover.influence_maximization(
            eco, args.best_seeds, model=args.model, probability=probability,
            weight=None if cascade else args.weight, flows=flows,
            replications=min(args.replications, 300), seed=args.seed,
            max_steps=args.max_steps))
    if args.output:
        import pandas as pd

        write_table(pd.DataFrame({"adoption": result.adoption,
                                  "time_to_adopt": result.time_to_adopt}), args.output)
    return 0
