"""The information-sharing savings game, from :mod:`ecosystem.bullwhip`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Hashable, Sequence

from .._errors import ParameterError, UnknownMemberError
from ._game import Game

if TYPE_CHECKING:
    from ..bullwhip import SupplyChain
    from ..graph import Ecosystem

__all__ = ["sharing_game"]

#: Above this many sharing stages the game is kept as a callable for the sampling
#: methods by default: the table takes one exact bullwhip evaluation per coalition, 2^n
#: of them, so each further stage doubles the time.
MAX_TABULATED_STAGES = 12


def sharing_game(source: Ecosystem | SupplyChain | int, market: str | None = None,
                 members: Sequence | None = None, *, exact: bool | None = None,
                 **options: Any) -> Game:
    """The information-sharing game of a serial chain: what sharing demand data saves.

    ``v(S) = C(nobody shares) - C(the stages in S share)``, with ``C`` the
    chain's expected holding and backorder cost per period computed exactly by
    :func:`ecosystem.bullwhip.sharing_cost` (:func:`ecosystem.bullwhip.sharing_savings`).
    A sharing stage forecasts from end-customer demand instead of its
    customer's orders (Wang & Gao, §4.2 and §5.1). Sharing changes the orders
    every upstream stage receives, so the game need not be superadditive and a
    member's savings can be negative.

    Parameters
    ----------
    source : Ecosystem, SupplyChain or int
        An ecosystem (with ``market``: the chain is
        :func:`ecosystem.bullwhip.chain_from`), a chain, or a number of stages
        (players are then the stage numbers 1, 2, ...).
    market : str, optional
        With an Ecosystem: the market whose demand the chain serves.
    members : sequence, optional
        The players (a subset of the chain's stages); the others never share.
        Default: every stage.
    exact : bool, optional
        Tabulate ``v`` for every coalition (the default up to
        :data:`MAX_TABULATED_STAGES` players) or keep it as a callable for
        sampling.
    **options
        Passed to :func:`ecosystem.bullwhip.sharing_cost` (``lead_time``,
        ``window``, ``sigma``, ``holding``, ``backorder`` ...).

    Examples
    --------
    >>> g = sharing_game(3, lead_time=2, window=4, sigma=10)
    >>> g.players, round(g.grand_value, 3) == round(g({1, 2, 3}), 3)
    ((1, 2, 3), True)

    Built from an ecosystem, the game's name gives the route the chain follows:

    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for m, role in [("plant", "manufacturer"), ("air", "logistics"), ("us", "market")]:
    ...     eco.add_member(m, role)
    >>> eco.link("plant", "air", "logistics", lead_time=1)
    >>> eco.link("air", "us", "logistics", lead_time=1)
    >>> sharing_game(eco, "us", window=4, sigma=10).name
    'information sharing along plant -> [air] -> us'

    """
    from .. import bullwhip
    from ..graph import Ecosystem
    chain: bullwhip.SupplyChain | int
    stages: list[Hashable]
    if isinstance(source, Ecosystem):
        if market is None:
            raise ParameterError("a sharing game from an ecosystem needs market=<member id>")
        chain = bullwhip.chain_from(source, market)
        stages = list(chain.members)
    elif isinstance(source, bullwhip.SupplyChain):
        chain = source
        stages = list(chain.members)
    elif isinstance(source, int) and not isinstance(source, bool) and source > 0:
        chain = source
        stages = list(range(1, source + 1))
    else:
        raise ParameterError("source must be an Ecosystem (with market=), a "
                             f"bullwhip.SupplyChain or a number of stages, got {source!r}")
    if members is None:
        players = stages
    else:
        players = list(members)
        for p in players:
            if p not in stages:
                raise UnknownMemberError(f"{p!r} is not a stage of the chain; its stages are "
                                         + ", ".join(map(str, stages)))
    if "sharing" in options:
        raise ParameterError("the coalition decides who shares; do not pass sharing=")

    # sharing_savings(chain, S) less the cost without sharing, which every coalition shares
    alone = float(bullwhip.sharing_cost(chain, sharing="decentralized", **options).sum())

    def savings(coalition: frozenset) -> float:
        if not coalition:
            return 0.0
        return alone - float(bullwhip.sharing_cost(chain, sharing=set(coalition), **options).sum())

    if exact is None:
        exact = len(players) <= MAX_TABULATED_STAGES
    # the route followed is part of the game's name, so every report shows the chain
    name = f"information sharing along {chain}" if not isinstance(chain, int) \
        else "information sharing"
    return Game.from_function(players, savings, exact=exact, name=name)
