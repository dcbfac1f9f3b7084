"""``ecobelt flows SPEC`` and ``ecobelt cascade SPEC``: flow propagation and disruption cascades."""

from __future__ import annotations

import argparse

from .._errors import ParameterError
from ._common import (CommaList, add_spec_argument, add_table_output, hidden_alias, print_table,
                      read_csv, read_spec, split_list, write_table)

__all__ = ["register"]

_SHOWN_MEMBERS = 20
_SHOWN_STEPS = 50


def register(subparsers) -> None:
    """Add the ``flows`` and ``cascade`` subcommands."""
    _register_flows(subparsers)
    _register_cascade(subparsers)


def _register_flows(subparsers) -> None:
    parser = subparsers.add_parser(
        "flows", help="propagate the four flows: steady state or a trajectory",
        description="Inject flow at some members and let the linear multiplex model of "
                    "ecosystem.flows carry it along the links (row-normalised by volume) and "
                    "across flows (the conversion matrix), damped at every step. Prints the "
                    "steady state (one sparse solve) or a T-step trajectory, per flow, ring, "
                    "role and member. Without --inject, one unit of information (an order) "
                    "enters at every market.")
    add_spec_argument(parser)
    parser.add_argument("--inject", action="append", default=[], metavar="ID:FLOW:AMOUNT",
                        help="inject AMOUNT of FLOW at member ID every step (repeatable; "
                             "ID may contain ':', the last two fields are FLOW and AMOUNT)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--steps", type=int, metavar="T",
                      help="run T steps and report the last one")
    mode.add_argument("--steady", action="store_true",
                      help="report the steady state (the default)")
    parser.add_argument("--pulse", action="store_true",
                        help="with --steps: inject at step 0 only (a one-off shock)")
    parser.add_argument("--damping", type=float, default=None,
                        help="share of driven flow passed on per step (default: 0.85)")
    parser.add_argument("--conversion", metavar="CSV",
                        help="a 4 x 4 conversion table: first column the arriving flow, one "
                             "column per driven flow (missing pairs are 0); default: "
                             "ecosystem.flows.DEFAULT_CONVERSION")
    hidden_alias(parser, "--coupling", "--conversion")
    parser.add_argument("--weight", default="volume", metavar="ATTR",
                        help="link attribute that weighs the transmission (default: volume)")
    parser.add_argument("--reach", action=CommaList, default=None, metavar="ID[,ID...]",
                        help="also print the step at which a shock from these members first "
                             "reaches each ring and role (one shock from all of them)")
    parser.add_argument("--top", type=int, default=_SHOWN_MEMBERS,
                        help="members listed, largest share of the flows first (default: "
                             f"{_SHOWN_MEMBERS})")
    add_table_output(parser, "every member's levels (one row per member, one column per "
                                "flow)")
    hidden_alias(parser, "--csv", "--output")
    parser.set_defaults(func=run_flows)


def _register_cascade(subparsers) -> None:
    parser = subparsers.add_parser(
        "cascade", help="disruption cascade: who fails after members are removed or cut",
        description="Remove members (--fail) or cut their outgoing capacity (--cut), then "
                    "members that break a rule fail round after round. Rules: --need "
                    "FLOW[:MIN[:ROLE,...]] (at least MIN surviving providers in FLOW, "
                    "optionally only providers of these roles) and --share FLOW:FRACTION (at "
                    "least FRACTION of the original inbound volume of FLOW). Without rules: "
                    "every core member needs a logistics and a capital provider (Wang & Gao, "
                    "§3.2.2). A rule only binds members that met it before the shock.")
    add_spec_argument(parser)
    parser.add_argument("--fail", action=CommaList, default=None, metavar="ID[,ID...]",
                        help="remove these members")
    parser.add_argument("--cut", action="append", default=[], metavar="ID:FRACTION",
                        help="cut member ID's outgoing volume by FRACTION in (0, 1] "
                             "(repeatable)")
    parser.add_argument("--need", action="append", default=[], metavar="FLOW[:MIN[:ROLES]]",
                        help="rule: at least MIN (default 1) surviving providers in FLOW; "
                             "ROLES (comma-separated) counts only providers of these roles")
    parser.add_argument("--share", action="append", default=[], metavar="FLOW:FRACTION",
                        help="rule: at least FRACTION of the original inbound FLOW volume")
    parser.add_argument("--rings", action=CommaList, default=None, metavar="RING[,RING...]",
                        help="the rules bind members of these rings ('all' for every ring; "
                             "default: core)")
    hidden_alias(parser, "--ring", "--rings", action=CommaList, default=None)
    parser.add_argument("--roles", action=CommaList, default=None, metavar="ROLE[,ROLE...]",
                        help="the rules bind only members of these roles")
    hidden_alias(parser, "--role", "--roles", action=CommaList, default=None)
    parser.add_argument("--max-rounds", type=int, default=None, metavar="N",
                        help="stop after N rounds (default: until no one else fails)")
    parser.add_argument("--critical", type=int, nargs="?", const=10, default=None,
                        metavar="K", help="also rank the K (default 10) members whose single "
                                          "failure loses the most volume")
    parser.add_argument("--weight", default="volume", metavar="ATTR",
                        help="link attribute measuring volume (default: volume)")
    add_table_output(parser, "the failed members (round, ring, role)")
    hidden_alias(parser, "--csv", "--output")
    parser.set_defaults(func=run_cascade)


# ------------------------------------------------------------------------------------ flows

def _split(text: str, parts: int, what: str, form: str) -> list[str]:
    """``text`` split at its last ``parts - 1`` colons (the first field may hold colons)."""
    fields = text.rsplit(":", parts - 1)
    if len(fields) != parts or not all(f.strip() for f in fields):
        raise ParameterError(f"{what} {text!r} must have the form {form}")
    return [f.strip() for f in fields]


def _number(text: str, what: str) -> float:
    import numpy as np

    try:
        value = float(text)
    except ValueError:
        raise ParameterError(f"{what} must be a number, got {text!r}") from None
    if not np.isfinite(value):
        raise ParameterError(f"{what} must be a finite number, got {text!r}")
    return value


def _injections(eco, specs: list[str]) -> tuple[dict, str]:
    from ..taxonomy import Flow

    if not specs:
        markets = eco.members(role="market")
        if not markets:
            raise ParameterError("the ecosystem has no market to place the default orders at; "
                                 "give --inject ID:FLOW:AMOUNT")
        return ({(m, "information"): 1.0 for m in markets},
                f"1 unit of information at each of the {len(markets)} market(s)")
    injections: dict = {}
    for spec in specs:
        member, flow, amount = _split(spec, 3, "--inject", "ID:FLOW:AMOUNT")
        key = (member, Flow.coerce(flow, "--inject flow").value)
        injections[key] = injections.get(key, 0.0) + _number(amount, f"--inject {spec!r} amount")
    return injections, "; ".join(specs)


def _check_weight(eco, weight: str) -> None:
    """A misspelt --weight would silently weigh every link 1: refuse it instead."""
    if eco.number_of_links() and not eco._has_link_attribute(weight):
        raise ParameterError(f"no link has the attribute {weight!r} given to --weight")


def _conversion(path: str | None):
    if path is None:
        return None
    frame = read_csv(path, index_col=0)
    if frame.empty:
        raise ParameterError(f"{path}: the conversion table is empty")
    return frame


def run_flows(args: argparse.Namespace) -> int:
    """Propagate and print the flow levels."""
    import pandas as pd

    from ..flows import flow_model, propagate, reach, steady_state
    if args.steps is not None and args.steps < 0:
        raise ParameterError(f"--steps must be >= 0, got {args.steps}")
    if args.pulse and args.steps is None:
        raise ParameterError("--pulse needs --steps T (a pulse has no steady state of its own; "
                             "its total over all steps equals the steady state)")
    if args.top < 0:
        raise ParameterError(f"--top must be >= 0, got {args.top}")
    eco = read_spec(args.spec)
    _check_weight(eco, args.weight)
    injections, described = _injections(eco, args.inject)
    model = flow_model(eco, _conversion(args.conversion), args.damping, args.weight)
    print(f"flows in {eco.name or args.spec}: {model.n:,} members, damping {model.damping:g}; "
          f"injected: {described}")
    if args.steps is None:
        result = steady_state(model, injections)
        print(f"steady state (spectral radius <= {result.spectral_bound:.4g})")
    else:
        run = propagate(model, injections, steps=args.steps, pulse=args.pulse)
        result = run.final
        kind = "pulse at step 0" if args.pulse else "injection every step"
        print(f"{args.steps} step(s), {kind}; total per step:")
        totals = run.totals()
        print_table(totals if len(totals) <= _SHOWN_STEPS else
                    pd.concat([totals.head(_SHOWN_STEPS // 2), totals.tail(_SHOWN_STEPS // 2)]))
        print(f"\nlevels at step {args.steps}")
    print("\nper flow")
    print_table(result.total().to_frame("total").T)
    print("\nper ring")
    print_table(result.by_ring())
    print("\nper role")
    print_table(result.by_role())
    table = result.table()
    if args.top:
        print(f"\nlargest {min(args.top, len(table))} member(s) by their share of each "
              "flow's total, averaged over the flows")
        print_table(table.sort_values("share", ascending=False, kind="stable").head(args.top))
    if args.reach:
        shock = reach(model, args.reach)
        print(f"\nreach of a shock from {', '.join(args.reach)}: "
              f"{len(shock.reached())} of {model.n} members ever reached")
        print_table(pd.concat({"ring": shock.rings, "role": shock.roles}).to_frame("first step"))
    if args.output:
        write_table(table, args.output)
    return 0


# ---------------------------------------------------------------------------------- cascade

def _rules(args: argparse.Namespace):
    from ..flows import DEFAULT_RULES, MinInboundShare, MinProviders, Rule
    from ..taxonomy import Ring

    rings = args.rings if args.rings is not None else ["core"]
    rings = None if any(r.strip().lower() == "all" for r in rings) else \
        [Ring.coerce(r, "--ring").value for r in rings]
    if not args.need and not args.share and args.rings is None and args.roles is None:
        return DEFAULT_RULES
    needs = args.need or ([] if args.share else ["logistics", "capital"])
    scope = {"rings": rings, "roles": args.roles}
    rules: list[Rule] = []
    for spec in needs:
        fields = spec.split(":")
        if len(fields) > 3 or not fields[0].strip():
            raise ParameterError(f"--need {spec!r} must have the form FLOW[:MIN[:ROLE,...]]")
        minimum = 1.0
        if len(fields) > 1 and fields[1].strip():
            minimum = _number(fields[1], f"--need {spec!r} minimum")
            if not minimum.is_integer():
                raise ParameterError(f"--need {spec!r}: MIN must be a whole number")
        providers = (split_list(fields[2]) if len(fields) > 2 else []) or None
        rules.append(MinProviders(fields[0], minimum=int(minimum), providers=providers, **scope))
    for spec in args.share:
        flow, fraction = _split(spec, 2, "--share", "FLOW:FRACTION")
        rules.append(MinInboundShare(flow, fraction=_number(fraction, f"--share {spec!r}"),
                                     **scope))
    return tuple(rules)


def run_cascade(args: argparse.Namespace) -> int:
    """Run the cascade and print what failed, where, and what volume was lost."""
    from ..flows import cascade, critical_members
    args.fail = args.fail or []
    rules = _rules(args)
    cut = {}
    for spec in args.cut:
        member, fraction = _split(spec, 2, "--cut", "ID:FRACTION")
        cut[member] = _number(fraction, f"--cut {spec!r} fraction")
    if not args.fail and not cut and args.critical is None:
        raise ParameterError("give at least one --fail ID or --cut ID:FRACTION (or --critical)")
    if args.critical is not None and args.critical < 1:
        raise ParameterError(f"--critical must be >= 1, got {args.critical}")
    eco = read_spec(args.spec)
    _check_weight(eco, args.weight)
    print(f"cascade in {eco.name or args.spec}: {len(eco):,} members; a member fails with "
          + " or ".join(str(rule) for rule in rules))
    if args.fail or args.cut:
        result = cascade(eco, args.fail, cut=cut, rules=rules, max_rounds=args.max_rounds,
                         weight=args.weight)
        print(result.headline())
        print("\nfailed per round")
        print_table(result.per_round)
        print("\nfailed per ring")
        print_table(result.by_ring())
        print("\nfailed per role")
        print_table(result.by_role())
        print("\nvolume lost per flow")
        print_table(result.lost_volume)
        print(f"\nfailed members ({len(result.failed)})")
        print_table(result.failed.head(_SHOWN_MEMBERS * 2))
        if len(result.failed) > _SHOWN_MEMBERS * 2:
            print(f"... and {len(result.failed) - _SHOWN_MEMBERS * 2} more")
        if args.output:
            write_table(result.failed, args.output)
    if args.critical is not None:
        ranking = critical_members(eco, rules=rules, top=args.critical, weight=args.weight)
        print(f"\nmost critical members (single failure, {len(ranking)} shown)")
        print_table(ranking)
    return 0
