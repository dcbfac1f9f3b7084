"""Benefit distribution among alliance members: cooperative games from the ecosystem.

Wang & Gao §4.1 asks core enterprises for a benefit-distribution mechanism that
keeps the ecosystem stable, and §5.1 proposes strategic alliances of core
enterprises. This package answers "what should each member get, and is that
split stable?" with transferable-utility cooperative games:

* :class:`Game`: ``v`` over named players, as a float64 table indexed by
  coalition bitmask (exact methods, up to 26 players) or as a callable (the
  sampling methods); built from a dict, a function or an Ecosystem
  (:func:`surplus_game`, :func:`synergy_game`, :func:`sharing_game`).
* Solutions, each a pandas Series indexed by player: :func:`shapley` (exact,
  permutation or stratified sampling), :func:`banzhaf`, :func:`nucleolus`,
  :func:`least_core`, :func:`nash_bargaining`, :func:`equal_split`,
  :func:`proportional_split`, :func:`modified_shapley`, :func:`owen`
  (alliances as a priori unions), :func:`myerson` (cooperation along the
  ecosystem graph).
* Stability: :func:`in_core`, :func:`core_nonempty`, :func:`stability`,
  :func:`compare_allocations`, :func:`kohlberg`.

References
----------
- Wang, Z. & Gao, M. (year not stated). *Research on the Construction of Cross-Border
  E-Commerce Supply Chain Ecosystem from the Perspective of Industrial Belt*.

Examples
--------
>>> from ecosystem.benefit import Game, shapley, nucleolus, stability
>>> g = Game.from_dict({"a": 0, "b": 0, "c": 0, ("a", "b"): 4, ("a", "c"): 4,
...                     ("b", "c"): 0, ("a", "b", "c"): 6})
>>> shapley(g).round(4).tolist(), nucleolus(g).round(4).tolist()
([3.3333, 1.3333, 1.3333], [4.0, 1.0, 1.0])
>>> stability(g, shapley(g)).in_core
True
"""

from ._core import LeastCore, core_nonempty, in_core, least_core
from ._game import MAX_EXACT_PLAYERS, Game, GameError, TooManyPlayersError
from ._graph_games import (DEFAULT_MARGIN, DEFAULT_OUTSIDERS, surplus_game, surplus_routes,
                           synergy_game)
from ._lp import SolverError
from ._nucleolus import kohlberg, nucleolus
from ._sharing import sharing_game
from ._shapley import ShapleyEstimate, shapley, shapley_estimate
from ._stability import StabilityReport, compare_allocations, stability
from ._structured import graph_restricted, myerson, owen
from ._values import (StabilityWarning, banzhaf, equal_split, modified_shapley,
                      nash_bargaining, proportional_split)

__all__ = [
    "Game", "MAX_EXACT_PLAYERS",
    "shapley", "shapley_estimate", "ShapleyEstimate", "banzhaf", "nucleolus", "kohlberg",
    "in_core", "core_nonempty", "least_core", "LeastCore",
    "nash_bargaining", "equal_split", "proportional_split", "modified_shapley",
    "owen", "myerson", "graph_restricted",
    "stability", "StabilityReport", "compare_allocations",
    "surplus_game", "surplus_routes", "synergy_game", "sharing_game",
    "DEFAULT_OUTSIDERS", "DEFAULT_MARGIN",
    "GameError", "TooManyPlayersError", "SolverError", "StabilityWarning",
]

StabilityWarning.__module__ = __name__  # warnings print ecosystem.benefit.StabilityWarning
