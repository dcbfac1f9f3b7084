"""``ecobelt benefit SPEC``: split an alliance's value among its members, and test stability."""

from __future__ import annotations

import argparse
from numbers import Real
from typing import TYPE_CHECKING, Callable, Hashable, overload

from .._errors import ParameterError
from ._common import (CommaList, add_spec_argument, add_table_output, hidden_alias, print_table,
                      read_spec, split_list, write_table)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["register"]

#: ecosystem.benefit.DEFAULT_OUTSIDERS, named here so that ``ecobelt`` starts without numpy
#: (a test checks the two agree).
DEFAULT_OUTSIDERS = "free"

_METHODS = ("shapley", "shapley_sampled", "banzhaf", "nucleolus", "prenucleolus", "core",
            "least_core", "equal", "proportional", "nash", "modified_shapley", "owen",
            "myerson")
#: Methods that work without a value table (games of more than 26 players).
_SAMPLED = ("shapley_sampled", "equal", "proportional", "nash")


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
                             "core). core reports whether the core is empty (least-core "
                             "epsilon) and which splits lie in it; least_core prints one "
                             "least-core split. Above 26 players only "
                             + ", ".join(_SAMPLED) + " work")
    parser.add_argument("--margin", type=float, default=None,
                        help="surplus: profit per unit delivered to a market (default: each "
                             "market's 'margin' attribute; a market without one is an error)")
    parser.add_argument("--markets", default="market", metavar="ROLE[,ROLE]",
                        help="surplus: roles that end a route (default: market)")
    parser.add_argument("--outsiders", choices=("excluded", "free"), default=DEFAULT_OUTSIDERS,
                        help="surplus: non-players serve every coalition (free, the default, "
                             "as in compare) or routes through them count for nobody "
                             "(excluded)")
    parser.add_argument("--routing", choices=("proportional", "max_flow"),
                        default="proportional",
                        help="surplus: a coalition keeps the routes it owns with their traced "
                             "flows (proportional, default) or re-routes goods for the most "
                             "profit within link capacities (max_flow; slow above ~16 players)")
    parser.add_argument("--flows", action=CommaList, default=None, metavar="FLOW[,FLOW...]",
                        help="synergy: count only these flows (default: all)")
    hidden_alias(parser, "--flow", "--flows", action=CommaList, default=None)
    parser.add_argument("--weight", default="volume", metavar="ATTR",
                        help="synergy: link attribute used as weight (default: volume)")
    parser.add_argument("--market", metavar="ID",
                        help="sharing: the market whose demand the chain serves")
    parser.add_argument("--unions", metavar="A,B;C,...",
                        help="owen: the alliances, members comma-separated, alliances "
                             "semicolon-separated (members not named stand alone)")
    parser.add_argument("--graph-flow", metavar="FLOW",
                        help="myerson: cooperate along this flow's links only (default: all)")
    parser.add_argument("--factors", metavar="ATTR[=W],...",
                        help="modified_shapley: member attributes used as correction factors "
                             "(risk, investment, effort ...), each with an optional weight "
                             "(default: equal weights), e.g. employees=0.6,investment=0.4")
    parser.add_argument("--replications", type=int, default=2000,
                        help="shapley_sampled: most random orders or coalitions per size "
                             "(default: 2000)")
    hidden_alias(parser, "--samples", "--replications", type=int)
    parser.add_argument("--sampling", choices=("permutation", "stratified"),
                        default="permutation",
                        help="shapley_sampled: random orders (default) or random coalitions "
                             "of every size")
    parser.add_argument("--seed", type=int, default=0, help="shapley_sampled: random seed")
    parser.add_argument("--coalitions", type=int, default=3, metavar="N",
                        help="most dissatisfied coalitions listed for each split outside the "
                             "core (default: 3)")
    hidden_alias(parser, "--top", "--coalitions", type=int)
    add_table_output(parser, "the allocation table (one row per player, one column per "
                                "method)")
    parser.set_defaults(func=run)


@overload
def _split(text: str, sep: str = ",") -> list[str]: ...


@overload
def _split(text: None, sep: str = ",") -> None: ...


@overload
def _split(text: str | None, sep: str = ",") -> list[str] | None: ...


def _split(text: str | None, sep: str = ",") -> list[str] | None:
    if text is None:
        return None
    items = split_list(text, sep)
    if not items:
        raise ParameterError(f"empty list {text!r}")
    return items


def _build_game(eco, args: argparse.Namespace):
    from ..benefit import Game
    members = _split(args.members)
    if args.game == "surplus":
        return Game.from_ecosystem(eco, members, "surplus", margin=args.margin,
                                   markets=_split(args.markets), outsiders=args.outsiders,
                                   routing=args.routing)
    if args.game == "synergy":
        return Game.from_ecosystem(eco, members, "synergy", flows=args.flows, weight=args.weight)
    if not args.market:
        raise ParameterError("--game sharing needs --market (the member whose demand the chain "
                             "serves)")
    return Game.from_ecosystem(eco, members, "sharing", market=args.market)


def _factors(eco, game, text: str | None) -> tuple[pd.DataFrame, dict[str, float] | None]:
    """--factors: member attributes as a (player x factor) table, and the factor weights."""
    import pandas as pd

    if not text:
        raise ParameterError("--method modified_shapley needs --factors ATTR[=WEIGHT],... "
                             "(numeric member attributes such as risk or investment)")
    weights: dict[str, float] = {}
    for item in _split(text):
        name, _, weight = item.partition("=")
        try:
            weights[name.strip()] = float(weight) if weight else 1.0
        except ValueError:
            raise ParameterError(f"--factors: weight of {name!r} is {weight!r}, not a "
                                 "number") from None
    table = {}
    for name in weights:
        column = []
        for player in game.players:
            value = eco.member(player).get(name) if player in eco else None
            if not isinstance(value, Real) or isinstance(value, bool):
                raise ParameterError(f"--factors: member {player!r} has no numeric attribute "
                                     f"{name!r} (got {value!r}); give every player that "
                                     "attribute in the spec")
            column.append(float(value))
        table[name] = column
    return pd.DataFrame(table, index=pd.Index(game.players, name="player")), weights


def _allocate(game, eco, method: str, args: argparse.Namespace) -> pd.Series:
    from .. import benefit as bf
    simple: dict[str, Callable[[bf.Game], pd.Series]] = {
        "shapley": bf.shapley, "nucleolus": bf.nucleolus, "equal": bf.equal_split,
        "proportional": bf.proportional_split, "nash": bf.nash_bargaining}
    if method in simple:
        return simple[method](game)
    if method == "shapley_sampled":
        return bf.shapley(game, args.sampling, replications=args.replications, seed=args.seed)
    if method == "banzhaf":
        return bf.banzhaf(game, normalize=True)
    if method == "prenucleolus":
        return bf.nucleolus(game, imputations=False)
    if method == "least_core":
        return bf.least_core(game).allocation
    if method == "modified_shapley":
        import warnings
        factors, weights = _factors(eco, game, args.factors)
        with warnings.catch_warnings():  # the stability report below says the same
            warnings.simplefilter("ignore", bf.StabilityWarning)
            return bf.modified_shapley(game, factors, weights)
    if method == "owen":
        if not args.unions:
            raise ParameterError("--method owen needs --unions 'a,b;c,d'")
        unions: list[list[Hashable]] = [_split(part) for part in _split(args.unions, ";")]
        named = {p for union in unions for p in union}
        unions += [[p] for p in game.players if p not in named]
        return bf.owen(game, unions)
    return bf.myerson(game, eco, flow=args.graph_flow)


def _tidy(frame: pd.DataFrame, scale: float) -> pd.DataFrame:
    """Rounding noise (|x| below 1e-9 of the game's scale, and -0) printed as 0."""
    import numpy as np
    import pandas as pd

    def clean(value):
        if isinstance(value, (float, np.floating)) and abs(value) <= scale:
            return 0.0
        return value
    return frame.apply(lambda column: column.map(clean) if column.dtype == object
                       else column.where(column.abs() > scale, 0.0)
                       if pd.api.types.is_float_dtype(column) else column)


def run(args: argparse.Namespace) -> int:
    """Build the game, print the allocation table and the stability report."""
    import pandas as pd

    from .. import benefit as bf
    methods = _split(args.method)
    unknown = [m for m in methods if m not in _METHODS]
    if unknown:
        raise ParameterError(f"unknown method {unknown[0]!r}; use any of: " + ", ".join(_METHODS))
    if args.coalitions < 1:
        raise ParameterError(f"--coalitions must be >= 1, got {args.coalitions}")
    eco = read_spec(args.spec)
    import warnings
    with warnings.catch_warnings():  # a zero game's note is printed below
        warnings.simplefilter("ignore", UserWarning)
        game = _build_game(eco, args)
    if not game.is_exact:
        exact = [m for m in methods if m not in _SAMPLED]
        if exact:
            raise ParameterError(
                f"{game.n} players is too many for --method {exact[0]} (exact methods need "
                f"a value table: at most {bf.MAX_EXACT_PLAYERS} players); use --method "
                "shapley_sampled (with equal, proportional or nash), or fewer --members")
    scale = 1e-9 * max(1.0, abs(game.grand_value))
    print(f"{args.game} game of {eco.name or args.spec}: {game.n} players, "
          f"v(N) = {game.grand_value + 0.0:.6g}")
    if args.game == "sharing":
        print(f"chain: {game.name.removeprefix('information sharing along ')}")
    if game.note:
        print(f"note: {game.note}")
    if game.is_exact:
        lc = bf.least_core(game)
        epsilon = 0.0 if abs(lc.epsilon) <= scale else lc.epsilon
        state = "non-empty" if lc.core_nonempty else "EMPTY"
        print(f"core: {state} (least-core epsilon = {epsilon:.6g})")
    allocations = {m: _allocate(game, eco, m, args) for m in methods if m != "core"}
    table = pd.DataFrame({"stand_alone": game.stand_alone(), **allocations})
    print("\nallocation")
    print_table(_tidy(table, scale))
    if args.output:
        write_table(_tidy(table, scale), args.output)
    if "shapley_sampled" in allocations:
        attrs = allocations["shapley_sampled"].attrs
        print(f"shapley_sampled: largest standard error {attrs['stderr'].max():.4g} after "
              f"{attrs['replications']} "
              + ("random orders" if args.sampling == "permutation" else "coalitions per size"))
    if not allocations:
        return 0
    print("\nstability")
    print_table(_tidy(bf.compare_allocations(game, allocations), scale))
    if game.is_exact:
        for name, x in allocations.items():  # details only where a coalition would gain by leaving
            details = bf.stability(game, x, top=args.coalitions)
            if not details.in_core:
                print(f"\n{name} is not in the core; most dissatisfied coalitions:")
                print_table(_tidy(details.dissatisfied.set_index("coalition"), scale))
    return 0
