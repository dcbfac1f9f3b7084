"""Cooperative games derived from an Ecosystem, tabulated for all coalitions at once."""

from __future__ import annotations

from numbers import Real
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._errors import ParameterError, UnknownMemberError
from ..taxonomy import FlowChoice, parse_flows
from ._bits import subset_sum, zeta_subsets
from ._game import MAX_EXACT_PLAYERS, Game, GameError, TooManyPlayersError
from .._warn import warn

if TYPE_CHECKING:
    from ..graph import Ecosystem

__all__ = ["synergy_game", "surplus_game", "surplus_routes", "GRAPH_GAMES", "DEFAULT_OUTSIDERS",
           "DEFAULT_MARGIN"]

#: How the surplus game treats members who are not players, everywhere ecobelt builds
#: one (the API, ``ecobelt benefit``, :func:`ecosystem.alliance.compare`): ``"free"``,
#: they serve every coalition (public carriers, platforms everyone may use).
DEFAULT_OUTSIDERS = "free"

#: The margin (profit per unit sold) of a market when none is passed: None, meaning
#: each market's own ``margin`` attribute; a market without one is an error naming it.
DEFAULT_MARGIN = None

#: Most routes :func:`surplus_routes` will enumerate before asking for a smaller game.
MAX_ROUTES = 200_000


def _players(eco: Any, members: Sequence[str] | None) -> list[str]:
    if members is None:
        return list(eco.members())
    if isinstance(members, str):
        raise ParameterError("members must be a list of member ids, not one string; "
                             "split 'a,b,c' first")
    members = list(members)
    for m in members:
        if m not in eco:
            raise UnknownMemberError(f"no member {m!r} in ecosystem {eco.name!r}")
    if len(set(members)) != len(members):
        raise ParameterError("members are repeated in the players list")
    if not members:
        raise ParameterError("a game needs at least one member")
    return members


def synergy_game(eco: Ecosystem, members: Sequence[str] | None = None, *,
                 flows: FlowChoice | None = None, weight: str = "volume",
                 default: float = 1.0) -> Game:
    """The synergy game: ``v(S)`` = total ``weight`` of the links among members of S.

    A graph game in the sense of Deng & Papadimitriou (1994, Mathematics of
    Operations Research 19:257-266): every link is a pairwise synergy that only
    its two ends together realise, so the Shapley value is half of each member's
    incident link weight, and the game is convex (weights are >= 0). Links of
    every flow count (or only ``flows``); both directions and several flows
    between one pair add up; links to non-players are ignored.

    The table is built in O(2**n) by doubling: the coalitions whose highest
    member is j are those below j plus j, which adds the weights from j to them.
    Above 26 players the game is a vectorized callable (``v`` of many coalitions
    at once through one sparse product) for the sampling methods.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem("toy")
    >>> for m, role in [("s", "supplier"), ("f", "cbec_enterprise"), ("p", "platform")]:
    ...     eco.add_member(m, role)
    >>> eco.link("s", "f", "logistics", volume=4.0)
    >>> eco.link("f", "p", "information", volume=2.0)
    >>> g = synergy_game(eco)
    >>> g(["s", "f"]), g(["s", "p"]), g.grand_value
    (4.0, 0.0, 6.0)
    """
    players = _players(eco, members)
    n = len(players)
    position = {p: i for i, p in enumerate(players)}
    keep = {f.value for f in parse_flows(flows)}
    rows, cols, vals = [], [], []
    for u, v, k, d in eco.links(data=True):
        if k in keep and u in position and v in position and u != v:
            w = d.get(weight, default)
            if (not isinstance(w, Real) or isinstance(w, bool) or not np.isfinite(float(w))
                    or w < 0):
                raise ParameterError(f"link {u!r} -> {v!r} ({k}): {weight} must be a finite "
                                     f"number >= 0 for the synergy game, got {w!r}")
            rows.append(position[u])
            cols.append(position[v])
            vals.append(float(w))
    pair = sp.coo_array((vals, (rows, cols)), shape=(n, n)).toarray()
    pair = pair + pair.T  # symmetric: the weight between i and j in either direction
    if n > MAX_EXACT_PLAYERS:
        sparse = sp.csr_array(pair)

        def v(inside: np.ndarray) -> np.ndarray:
            x = inside.astype(float)
            return 0.5 * ((sparse @ x.T).T * x).sum(axis=1)
        return Game.from_function(players, v, vectorized=True, exact=False, name="synergy")
    table = np.zeros(1 << n)
    for j in range(n):  # coalitions with highest member j: those below j plus j
        size = 1 << j
        table[size:2 * size] = table[:size] + subset_sum(pair[j, :j])
    return Game(players, table, name="synergy")


def _role_members(eco: Any, roles: Iterable[str] | str) -> set[str]:
    roles = [roles] if isinstance(roles, str) else list(roles)
    for role in roles:
        if role not in eco.roles:
            raise ParameterError(f"unknown role {role!r}; known roles: "
                                 + ", ".join(sorted(eco.roles)))
    return {m for m in eco.members() if eco.member(m)["role"] in roles}


def _markets(eco: Any, markets: Iterable[str] | str, margin: float | Mapping[str, float] | None
             ) -> tuple[set[str], dict[str, float]]:
    """The members of the market roles and each one's profit per unit sold: ``margin``
    (one for all, or per market), else the market's ``margin`` attribute (an error if a
    market has none: see :data:`DEFAULT_MARGIN`)."""
    market_set = _role_members(eco, markets)
    if not market_set:
        raise ParameterError(f"no member has a market role ({markets!r}); pass markets=[roles]")
    if margin is None:
        missing = [m for m in eco.members() if m in market_set and "margin" not in eco.member(m)]
        if missing:
            raise ParameterError(f"markets {missing} have no 'margin' attribute (profit per unit "
                                 "sold there); set it on the members or pass margin=...")
        return market_set, {m: float(eco.member(m)["margin"]) for m in market_set}
    if isinstance(margin, Mapping):
        unknown = [m for m in margin if m not in market_set]
        if unknown:
            raise UnknownMemberError(f"margin given for {unknown[0]!r}, which is not a market")
        return market_set, {m: float(margin.get(m, 0.0)) for m in market_set}
    return market_set, dict.fromkeys(market_set, float(margin))


def _origins(layer: Any, market_set: set) -> list[str]:
    """Where goods start: members with outgoing logistics links and none coming in."""
    return [u for u in layer if layer.in_degree(u) == 0 and layer.out_degree(u) > 0
            and u not in market_set]


def surplus_routes(eco: Ecosystem, *, markets: Iterable[str] | str = "market",
                   margin: float | Mapping[str, float] | None = None) -> pd.DataFrame:
    """The logistics routes behind :func:`surplus_game`, with their flow and value.

    A route is a simple path in the logistics layer from an *origin* (a member
    with logistics links out but none in) to a member whose role is in
    ``markets``. Flow is traced proportionally (Bialek 1996, IEE Proc.-Gener.
    Transm. Distrib. 143:313-320): a route carries the volume of its first link
    times, at every later member, the share of that member's outgoing logistics
    volume that takes the route's next link. In a network without cycles
    the routes' flows add up to the volume reaching the markets under
    proportional routing. A route's value is its flow times (the margin of its
    market minus the ``unit_cost`` of its links, 0 where absent). The margin,
    profit per unit sold, is ``margin`` (one number for every market, or one per
    market: markets left out get 0) or, by default (:data:`DEFAULT_MARGIN`),
    each market's ``margin`` attribute; a market without one is an error
    naming it, as in :func:`ecosystem.alliance.compare`.

    Returns
    -------
    DataFrame
        One row per route: ``origin``, ``market``, ``path`` (tuple of members),
        ``flow``, ``unit_cost`` (summed over its links), ``value``.
    """
    layer = eco._layer_view("logistics")
    return _routes(layer, *_markets(eco, markets, margin))


def _routes(layer: Any, market_set: set, margins: Mapping[str, float]) -> pd.DataFrame:
    """The table of :func:`surplus_routes` for the logistics ``layer``."""
    out_volume = {u: sum(d.get("volume", 1.0) for d in layer.succ[u].values()) for u in layer}
    records: list[tuple[str, str, tuple[str, ...], float, float, float]] = []
    for origin in _origins(layer, market_set):  # simple paths branch unevenly: a search each
        # (member, path to it, flow along the path: None at the origin, unit cost so far)
        stack: list[tuple[str, tuple[str, ...], float | None, float]] = [
            (origin, (origin,), None, 0.0)]
        while stack:
            node, path, flow, cost = stack.pop()
            if node in market_set and flow is not None:
                records.append((origin, node, path, flow, cost, flow * (margins[node] - cost)))
                continue
            total = out_volume[node]
            for nxt, d in layer.succ[node].items():
                if nxt in path or total <= 0:
                    continue
                volume = d.get("volume", 1.0)
                share = volume if flow is None else flow * volume / total
                if share > 0:
                    stack.append((nxt, path + (nxt,), share, cost + d.get("unit_cost", 0.0)))
            if len(records) > MAX_ROUTES:
                raise GameError(f"more than {MAX_ROUTES} logistics routes; build the surplus "
                                "game on a smaller part of the ecosystem (eco.subgraph)")
    return pd.DataFrame(records, columns=["origin", "market", "path", "flow", "unit_cost",
                                          "value"])


def surplus_game(eco: Ecosystem, members: Sequence[str] | None = None, *,
                 markets: Iterable[str] | str = "market",
                 margin: float | Mapping[str, float] | None = None,
                 outsiders: str | None = None,
                 routing: str = "proportional") -> Game:
    """The alliance surplus game: what the members of S earn on their own routes.

    ``v(S) = sum over routes r inside S of flow_r * (margin_r - unit_cost_r)``,
    with the routes, flows and costs of :func:`surplus_routes` (logistics from
    the chain's origins to the markets, proportional flow tracing, the margin per
    unit of the route's market, the unit costs of its links). A route counts for
    S when every member on it is in S: a coalition creates value only with the
    links among its own members. With ``outsiders="free"`` (the default,
    :data:`DEFAULT_OUTSIDERS`, as in :func:`ecosystem.alliance.compare`)
    members of the ecosystem who are not players (public logistics providers,
    say) are taken as available to every coalition; with ``"excluded"``
    routes through them count for no one. When that leaves the grand
    coalition nothing although routes do reach the markets, the game's
    ``note`` says so and names the non-players on those routes, and a
    ``UserWarning`` is issued. Margins default to each market's ``margin``
    attribute (:data:`DEFAULT_MARGIN`).

    ``v`` is a sum of unanimity games ``flow_r (margin_r - cost_r) u_{members(r)}``,
    so the Shapley value splits each route's value equally among its members,
    and the game is convex when every route is profitable. The table is built
    for all coalitions at once: each route's value is put at its members'
    bitmask and a subset-sum (zeta) transform adds, for every coalition, the
    routes it contains, in O(n 2**n).

    With ``routing="max_flow"`` the coalition re-routes its goods instead:
    ``v(S)`` is the largest profit ``sum over links into a market of margin * f
    - sum over links of unit_cost * f`` of a flow ``f`` on the logistics links
    among S's members (and free outsiders), from the origins to the markets,
    with ``0 <= f <= capacity`` (the ``capacity`` attribute, else ``volume``)
    and conservation at every other member: margin times the maximum flow minus
    its least link cost whenever every route is profitable. The members on some
    origin-to-market path inside S are found for all coalitions at once by
    bitmask reachability, and the distinct such sub-networks are solved
    together by successive shortest paths (numpy Bellman-Ford over all of them
    at once). That is still far slower than proportional routing (timings by
    number of members: benchmarks/RESULTS.md, section benefit).

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem("toy")
    >>> for m, role in [("s", "supplier"), ("f", "cbec_enterprise"), ("p", "platform"),
    ...                 ("mk", "market")]:
    ...     eco.add_member(m, role)
    >>> eco.link("s", "f", "logistics", volume=10.0)
    >>> eco.link("f", "p", "logistics", volume=6.0)
    >>> eco.link("f", "mk", "logistics", volume=4.0, unit_cost=0.5)
    >>> eco.link("p", "mk", "logistics", volume=6.0)
    >>> g = surplus_game(eco, margin=2.0)
    >>> g(["s", "f", "mk"]), g(["s", "f", "p"]), g.grand_value
    (6.0, 0.0, 18.0)
    """
    players = _players(eco, members)
    outsiders = DEFAULT_OUTSIDERS if outsiders is None else outsiders
    if outsiders not in ("excluded", "free"):
        raise ParameterError(f"outsiders must be 'excluded' or 'free', got {outsiders!r}")
    if routing not in ("proportional", "max_flow"):
        raise ParameterError(f"routing must be 'proportional' or 'max_flow', got {routing!r}")
    n = len(players)
    position = {p: i for i, p in enumerate(players)}
    layer = eco._layer_view("logistics")
    market_set, margins = _markets(eco, markets, margin)
    if routing == "max_flow":  # re-routes within capacities: no route list needed
        if n > MAX_EXACT_PLAYERS:
            raise TooManyPlayersError(f"max-flow surplus needs a value table; {n} players is "
                                      f"more than {MAX_EXACT_PLAYERS}: use routing="
                                      "'proportional', which also works with sampling")
        from ._maxflow import max_flow_surplus_table
        table = max_flow_surplus_table(layer, players, origins=_origins(layer, market_set),
                                       market_set=market_set, margins=margins,
                                       outsiders=outsiders)
        return Game(players, table, name="surplus (max flow)")
    routes = _routes(layer, market_set, margins)
    route_members = []
    values = []
    blocking: dict[str, float] = {}  # non-players on the players' routes: value they block
    for path, value in zip(routes["path"], routes["value"]):
        inside = [position[m] for m in path if m in position]
        if outsiders == "excluded" and len(inside) < len(path):
            if value > 0 and inside:
                for m in path:
                    if m not in position:
                        blocking[m] = blocking.get(m, 0.0) + value
            continue
        route_members.append(inside)
        values.append(value)
    note = ""
    if blocking and not any(v > 0 for v in values):
        names = sorted(blocking, key=lambda m: -blocking[m])  # who blocks the most first
        shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10
                                         else "")
        note = (f"v(N) = 0: every profitable route of the players to a market passes through "
                f"members who are not players ({shown}); with outsiders='excluded' those "
                "routes count for no one. Add them as players or use outsiders='free'")
        warn(note, UserWarning)
    if n > MAX_EXACT_PLAYERS:
        rows = np.repeat(np.arange(len(route_members)), [len(r) for r in route_members])
        cols = np.concatenate([np.asarray(r, dtype=np.int64) for r in route_members] or
                              [np.zeros(0, dtype=np.int64)])
        incidence = sp.csr_array((np.ones(len(cols)), (rows, cols)),
                                 shape=(len(route_members), n))
        needed = np.array([len(r) for r in route_members], dtype=float)
        route_values = np.asarray(values, dtype=float)

        def v(inside: np.ndarray) -> np.ndarray:
            covered = (incidence @ inside.T.astype(float)).T >= needed - 0.5
            return (covered * route_values).sum(axis=1)
        game = Game.from_function(players, v, vectorized=True, exact=False, name="surplus")
        game.note = note
        return game
    table = np.zeros(1 << n)
    masks = np.array([sum(1 << i for i in r) for r in route_members], dtype=np.int64)
    np.add.at(table, masks, np.asarray(values, dtype=float))
    zeta_subsets(table, n)
    table -= table[0]  # routes entirely through free outsiders are nobody's contribution
    game = Game(players, table, name="surplus")
    game.note = note
    return game


def _sharing(eco: Any, members: Sequence[str] | None = None, **options: Any) -> Game:
    from ._sharing import sharing_game
    return sharing_game(eco, members=members, **options)


GRAPH_GAMES: dict[str, Callable[..., Game]] = {"surplus": surplus_game, "synergy": synergy_game,
                                                "sharing": _sharing}
