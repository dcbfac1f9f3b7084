"""``ecobelt niche SPEC``: niche breadth, overlap, competing pairs and a null model."""

from __future__ import annotations

import argparse

from .._errors import ParameterError
from ._common import (CommaList, add_spec_argument, add_table_output, hidden_alias, print_table,
                      read_spec, write_table)

__all__ = ["register"]

_SHOWN_MEMBERS = 30
#: The overlap indices of ecosystem.niche.OVERLAP_INDICES but those that need resource
#: availability, which a spec does not carry (named here so that ``ecobelt`` starts without
#: numpy; a test checks the two agree).
CLI_INDICES = ("pianka", "czekanowski", "macarthur_levins", "morisita", "morisita_horn",
               "horn")
#: ecosystem.niche.NULL_ALGORITHMS, named here for the same reason.
NULL_ALGORITHM_NAMES = ("ra1", "ra2", "ra3", "ra4")


def register(subparsers) -> None:
    """Add the ``niche`` subcommand."""
    parser = subparsers.add_parser(
        "niche", help="niche breadth, overlap, competing pairs and a null model",
        description="Build each member's resource-use profile from the ecosystem's links "
                    "(its providers with --direction in, its outlets with --direction out), "
                    "then print niche breadth, the mean pairwise overlap, the most strongly "
                    "competing pairs and, with --null, an EcoSimR-style randomisation test.")
    add_spec_argument(parser)
    parser.add_argument("--overlap-index", choices=CLI_INDICES, default="pianka",
                        help="overlap index (default: pianka)")
    hidden_alias(parser, "--index", "--overlap-index", choices=CLI_INDICES)
    parser.add_argument("--direction", choices=("in", "out"), default="in",
                        help="resources are the providers whose links reach a member (in, "
                             "default) or the members it sends to (out)")
    parser.add_argument("--flows", action=CommaList, default=None, metavar="FLOW[,FLOW...]",
                        help="count these flows (several are kept in separate columns, never "
                             "added; default: logistics, the resources of one flow)")
    hidden_alias(parser, "--flow", "--flows", action=CommaList, default=None)
    parser.add_argument("--across-roles", action="store_true",
                        help="pair competitors of different roles too (default: only members "
                             "of the same role, one guild, compete)")
    parser.add_argument("--roles", action=CommaList, default=None, metavar="ROLE[,ROLE...]",
                        help="members of these roles are the rows (default: all)")
    hidden_alias(parser, "--role", "--roles", action=CommaList, default=None)
    parser.add_argument("--resource-roles", action=CommaList, default=None,
                        metavar="ROLE[,ROLE...]", help="count only resources of these roles")
    hidden_alias(parser, "--resource-role", "--resource-roles", action=CommaList, default=None)
    parser.add_argument("--group-by", metavar="ATTR",
                        help="pool resources by this member attribute (e.g. role)")
    parser.add_argument("--weight", default="volume", metavar="ATTR",
                        help="link attribute summed (default: volume); 'none' counts links")
    parser.add_argument("--threshold", type=float, default=0.5,
                        help="smallest overlap listed as a competing pair (default: 0.5)")
    parser.add_argument("--pairs", type=int, default=10, metavar="N",
                        help="how many competing pairs to print (default: 10)")
    hidden_alias(parser, "--top", "--pairs", type=int)
    parser.add_argument("--null", choices=NULL_ALGORITHM_NAMES, metavar="ALGO",
                        help="run a null model: ra3 or ra4 (recommended), ra1, ra2")
    parser.add_argument("--iterations", type=int, default=1000,
                        help="null-model iterations (default: 1000)")
    parser.add_argument("--statistic", choices=("mean", "var", "skew"), default="mean",
                        help="null-model statistic of the pairwise overlaps (default: mean)")
    parser.add_argument("--seed", type=int, default=None, help="null-model random seed")
    add_table_output(parser, "every member's niche breadth (levins, levins_standardized, "
                                "shannon)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Compute and print the niche report."""
    import pandas as pd

    from ..niche import (DEFAULT_COMPETITION_FLOW, PRODUCT_METHODS, breadth, competition_pairs,
                         mean_overlap, resource_matrix)
    if args.pairs < 1:
        raise ParameterError(f"--pairs must be >= 1, got {args.pairs}")
    index = args.overlap_index
    if args.null:  # the null model's module only when it runs
        from ..niche import NULL_INDICES
        if index not in NULL_INDICES:
            raise ParameterError(f"the null model does not support --overlap-index {index}; "
                                 f"use one of {', '.join(NULL_INDICES)}")
    eco = read_spec(args.spec)
    weight = None if args.weight.lower() == "none" else args.weight
    flows = args.flows or [DEFAULT_COMPETITION_FLOW]
    # the resources are often the providers: a dense members x providers table is quadratic
    full = resource_matrix(eco, direction=args.direction, flows=flows, role=args.roles,
                           resource_role=args.resource_roles, group_by=args.group_by,
                           weight=weight, drop_empty=False, sparse=True)
    U = full.rows(full.totals() > 0)
    members, resources = U.shape
    left_out = full.shape[0] - members
    where = "providers" if args.direction == "in" else "outlets"
    print(f"niche of {eco.name or args.spec!s}: {members} members x {resources} resources "
          f"({where}; flows: {', '.join(flows)}; weight: {weight or 'link count'}; "
          + "; ".join(f"{f} in {u}" for f, u in full.attrs["units"].items()) + ")")
    if left_out:
        print(f"{left_out} member(s) without any such resource left out")
    if members == 0:
        raise ParameterError("no member uses any resource with these options; try another "
                             "--direction or --flow")
    widths = pd.concat([breadth(U, "levins"), breadth(U, "shannon")], axis=1)
    if resources > 1:
        widths.insert(1, "levins_standardized", breadth(U, "levins_standardized"))
    print("\nniche breadth")
    print_table(widths.head(_SHOWN_MEMBERS))
    if len(widths) > _SHOWN_MEMBERS:
        print(f"... and {len(widths) - _SHOWN_MEMBERS} more members")
    if args.output:
        write_table(widths, args.output)
    if members < 2:
        print("\nonly one member: no overlap to measure")
        return 0
    # the indices without a product form need the dense table (its memory checked first)
    use = U if index in PRODUCT_METHODS else U.to_frame()
    mean = mean_overlap(use, index)
    pairs_kind = "ordered" if index == "macarthur_levins" else "unordered"
    print(f"\nmean overlap ({index}) over the {pairs_kind} pairs: {mean:.4g}")
    pairs = competition_pairs(use, index, args.threshold, across_roles=args.across_roles)
    guilds = "any roles" if args.across_roles else "same role"
    print(f"competing pairs ({guilds}; {index} >= {args.threshold:g} over "
          f"{U.attrs['resources']}): {len(pairs)}")
    if len(pairs):
        print_table(pairs.head(args.pairs).drop(columns="resources")
                    .set_index(["member", "competitor"]))
    if args.null:
        from ..niche import null_model
        result = null_model(use, args.null, index, replications=args.iterations,
                            statistic=args.statistic, seed=args.seed)
        print("\nnull model")
        print(result)
    return 0
