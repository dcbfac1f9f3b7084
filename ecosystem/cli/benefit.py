"""``ecobelt benefit SPEC``: split an alliance's value among its members, and test stability."""

from __future__ import annotations

import argparse

import pandas as pd

from .._errors import ParameterError
from ._common import add_spec_argument, print_table, read_spec

__all__ = ["register"]

_METHODS = ("shapley", "shapley_sampled", "banzhaf", "nucleolus", "prenucleolus", "core",
            "equal", "proportional", "nash", "owen", "myerson")


def register(subparsers) -> None:
    """Add the ``benefit`` subcommand."""
    parser = subparsers.add_parser(
        "benefit", help="benefit distribution among alliance members (cooperative games)",
        description="Build a cooperative game from the ecosystem (alliance surplus along "
                    "logistics routes, pairwise link synergy, or information-sharing savings "
                    "of a chain), split the grand coalition's value by the chosen methods, and "
                    "report whether each split is stable (individually rational, in the core, "
                    "the most dissatisfied coalition).")
    add_spec_argument(parser)
    parser.add_argument("--members", metavar="A,B,...",
                        help="the players (member ids, comma-separated; default: every member, "
                             "or every stage for --game sharing)")
    parser.add_argument("--game", choices=("surplus", "synergy", "sharing"), default="surplus",
                        help="surplus: margin on logistics routes inside a coalition (default); "
                             "synergy: link weights among its members; sharing: bullwhip cost "
                             "saved when its members share demand data")
    parser.add_argument("--method", default="shapley,nucleolus,core", metavar="M[,M...]",
                        help="any of: " + ", ".join(_METHODS) + " (default: shapley,nucleolus,"
                             "core; core prints a least-core point)")
    parser.add_argument("--margin", type=float, default=1.0,
                        help="surplus: value per unit delivered to a market (default: 1)")
    parser.add_argument("--markets", default="market", metavar="ROLE[,ROLE]",
                        help="surplus: roles that end a route (default: market)")
    parser.add_argument("--outsiders", choices=("excluded", "free"), default="excluded",
                        help="surplus: routes through non-players count for nobody (excluded, "
                             "default) or non-players serve every coalition (free)")
    parser.add_argument("--flow", action="append", default=None, metavar="FLOW",
                        help="synergy: count only this flow (repeatable; default: all)")
    parser.add_argument("--weight", default="volume", metavar="ATTR",
                        help="synergy: link attribute used as weight (default: volume)")
    parser.add_argument("--market", metavar="ID",
                        help="sharing: the market whose demand the chain serves")
    parser.add_argument("--unions", metavar="A,B;C,...",
                        help="owen: the alliances, members comma-separated, alliances "
                             "semicolon-separated (members not named stand alone)")
    parser.add_argument("--graph-flow", metavar="FLOW",
                        help="myerson: cooperate along this flow's links only (default: all)")
    parser.add_argument("--samples", type=int, default=2000,
                        help="shapley_sampled: most permutations (default: 2000)")
    parser.add_argument("--seed", type=int, default=0, help="shapley_sampled: random seed")
    parser.add_argument("--top", type=int, default=3,
                        help="coalitions listed for each split outside the core (default: 3)")
    parser.set_defaults(func=run)


def _split(text: str | None, sep: str = ",") -> list[str] | None:
    if text is None:
        return None
    items = [part.strip() for part in text.split(sep) if part.strip()]
    if not items:
        raise ParameterError(f"empty list {text!r}")
    return items


def _build_game(eco, args: argparse.Namespace):
    from ..benefit import Game
    members = _split(args.members)
    if args.game == "surplus":
        return Game.from_ecosystem(eco, members, "surplus", margin=args.margin,
                                   markets=_split(args.markets), outsiders=args.outsiders)
    if args.game == "synergy":
        return Game.from_ecosystem(eco, members, "synergy", flows=args.flow, weight=args.weight)
    if not args.market:
        raise ParameterError("--game sharing needs --market (the member whose demand the chain "
                             "serves)")
    return Game.from_ecosystem(eco, members, "sharing", market=args.market)


def _allocate(game, eco, method: str, args: argparse.Namespace) -> pd.Series:
    from .. import benefit as bf
    if method == "shapley":
        return bf.shapley(game)
    if method == "shapley_sampled":
        return bf.shapley(game, "permutation", max_samples=args.samples, seed=args.seed)
    if method == "banzhaf":
        return bf.banzhaf(game, normalize=True)
    if method == "nucleolus":
        return bf.nucleolus(game)
    if method == "prenucleolus":
        return bf.nucleolus(game, imputations=False)
    if method == "core":
        return bf.least_core(game).allocation
    if method == "equal":
        return bf.equal_split(game)
    if method == "proportional":
        return bf.proportional_split(game)
    if method == "nash":
        return bf.nash_bargaining(game)
    if method == "owen":
        if not args.unions:
            raise ParameterError("--method owen needs --unions 'a,b;c,d'")
        unions = [_split(part) for part in _split(args.unions, ";")]
        named = {p for union in unions for p in union}
        unions += [[p] for p in game.players if p not in named]
        return bf.owen(game, unions)
    return bf.myerson(game, eco, flow=args.graph_flow)


def run(args: argparse.Namespace) -> int:
    """Build the game, print the allocation table and the stability report."""
    from .. import benefit as bf
    methods = _split(args.method)
    unknown = [m for m in methods if m not in _METHODS]
    if unknown:
        raise ParameterError(f"unknown method {unknown[0]!r}; use any of: " + ", ".join(_METHODS))
    if args.top < 1:
        raise ParameterError(f"--top must be >= 1, got {args.top}")
    eco = read_spec(args.spec)
    game = _build_game(eco, args)
    print(f"{args.game} game of {eco.name or args.spec}: {game.n} players, "
          f"v(N) = {game.grand_value:.6g}")
    if game.is_exact:
        lc = bf.least_core(game)
        state = "non-empty" if lc.core_nonempty else "EMPTY"
        print(f"core: {state} (least-core epsilon = {lc.epsilon:.6g})")
    allocations = {m: _allocate(game, eco, m, args) for m in methods}
    table = pd.DataFrame({"stand_alone": game.stand_alone(), **allocations})
    print("\nallocation")
    print_table(table)
    if "shapley_sampled" in allocations:
        stderr = allocations["shapley_sampled"].attrs["stderr"]
        print(f"shapley_sampled: largest standard error {stderr.max():.4g} after "
              f"{allocations['shapley_sampled'].attrs['samples']} permutations")
    print("\nstability")
    report = bf.compare_allocations(game, allocations)
    scale = 1e-9 * max(1.0, abs(game.grand_value))
    report["efficiency_gap"] = [0.0 if abs(g) <= scale else g for g in report["efficiency_gap"]]
    print_table(report)
    if game.is_exact:
        for name, x in allocations.items():  # details only where a coalition would gain by leaving
            details = bf.stability(game, x, top=args.top)
            if not details.in_core:
                print(f"\n{name} is not in the core; most dissatisfied coalitions:")
                print_table(details.dissatisfied.set_index("coalition"))
    return 0
