"""Benefit distribution among alliance members: cooperative games (WIP)."""
from ._game import Game, GameError, TooManyPlayersError, MAX_EXACT_PLAYERS
from ._shapley import shapley, shapley_estimate, ShapleyEstimate
from ._core import in_core, least_core, core_nonempty, LeastCore
from ._nucleolus import nucleolus, kohlberg
from ._lp import SolverError

__all__ = ["Game", "GameError", "TooManyPlayersError", "MAX_EXACT_PLAYERS", "shapley",
           "shapley_estimate", "ShapleyEstimate", "in_core", "least_core", "core_nonempty",
           "LeastCore", "nucleolus", "kohlberg", "SolverError"]
