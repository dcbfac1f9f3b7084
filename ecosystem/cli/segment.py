"""``ecobelt segment``: fuzzy c-means segmentation of members by attributes and metrics."""

from __future__ import annotations

import argparse

from ._common import (add_table_output, add_spec_argument, hidden_alias,
                      print_table, read_csv, read_spec, split_list, write_table)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "segment", help="fuzzy c-means segments of members",
        description="Group members into overlapping segments by fuzzy c-means on numeric "
                    "attributes and flow metrics; prints each member's membership in each "
                    "segment and the segment centres.")
    add_spec_argument(parser)
    parser.add_argument("--features", metavar="NAME[,NAME...]",
                        help="numeric member attributes and flow metrics (in:FLOW, out:FLOW, "
                             "links:FLOW) to segment by")
    parser.add_argument("--metrics", metavar="CSV",
                        help="a table of metrics to segment by, one row per member (member ids "
                             "in the first column)")
    parser.add_argument("--clusters", type=int, default=3,
                        help="number of segments (default 3)")
    parser.add_argument("--m", type=float, default=2.0, help="fuzzifier (> 1)")
    parser.add_argument("--tol", type=float, default=1e-6,
                        help="stop when no membership changes by more than this")
    parser.add_argument("--raw", action="store_true",
                        help="do not standardize the features (keep their units)")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    add_table_output(parser, "the memberships (one row per member, one column per segment)")
    hidden_alias(parser, "--csv", "--output")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from .._errors import ParameterError
    from ..segment import member_features, segment_members
    eco = read_spec(args.spec)
    if not args.features and not args.metrics:
        raise ParameterError("give --features NAME[,NAME...] and/or --metrics CSV")
    tables = []
    if args.features:
        tables.append(member_features(eco, split_list(args.features)))
    if args.metrics:
        metrics = read_csv(args.metrics, index_col=0)
        metrics.index = metrics.index.astype(str)
        tables.append(metrics)
    # members missing from one table get NaN and are left out, as for a missing attribute
    features = pd.concat(tables, axis=1, join="outer") if len(tables) > 1 else tables[0]
    fit = segment_members(eco, features, args.clusters, m=args.m, tol=args.tol, seed=args.seed,
                          standardize=not args.raw)
    table = fit.memberships.assign(segment=fit.labels)
    print_table(table)
    print_table(fit.centres)
    print(f"objective {fit.objective:.6g}, partition coefficient "
          f"{fit.partition_coefficient:.3f}, {fit.n_iter} iterations"
          + ("" if fit.converged else " (not converged)"))
    if args.output:
        write_table(table, args.output)
    return 0
