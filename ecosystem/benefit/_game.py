"""The transferable-utility cooperative game over named players."""

from __future__ import annotations

import math
from numbers import Real
from typing import TYPE_CHECKING, Any, Callable, Hashable, Iterable, Mapping, Sequence, TypeAlias

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._errors import ParameterError, UnknownMemberError
from ._bits import bool_from_masks, masks_from_bool, subset_sum

if TYPE_CHECKING:
    from ..graph import Ecosystem

#: One number per player: a Series by player, a mapping, or a sequence in player order.
PerPlayer: TypeAlias = "pd.Series | Mapping[str, float] | ArrayLike"

__all__ = ["Game", "GameError", "TooManyPlayersError", "MAX_EXACT_PLAYERS"]

#: Largest game kept as a value table: 2**26 float64 values take 512 MiB.
MAX_EXACT_PLAYERS = 26


class GameError(ParameterError):
    """A game that cannot be built or solved as asked (the message says why)."""

    __module__ = "ecosystem"  # printed and pickled by its public path


class TooManyPlayersError(GameError):
    """An exact method was asked of a game too large for a value table."""

    __module__ = "ecosystem"  # printed and pickled by its public path


def _label(players: Sequence[Hashable], members: Iterable[int]) -> str:
    return "{" + ", ".join(str(players[i]) for i in members) + "}"


class Game:
    """A cooperative game with transferable utility over named players.

    ``v(S)`` is stored as a float64 array indexed by coalition bitmask (bit ``i``
    set when ``players[i]`` belongs to ``S``) for exact work, or as a callable for
    games too large to tabulate (more than :data:`MAX_EXACT_PLAYERS` players),
    which only the sampling methods accept.

    Parameters
    ----------
    players : sequence of hashable
        Distinct player names (member ids for games built from an Ecosystem).
    values : array of 2**n floats, optional
        ``values[mask]`` is ``v`` of the coalition ``mask``; ``values[0]`` must be 0.
    function : callable, optional
        For games without a table: ``function(members)`` takes a boolean matrix
        (one row per coalition, one column per player) and returns one value per row.
    name : str, optional
        Shown in reports.

    Examples
    --------
    The glove game: ``L`` holds a left glove, ``R1`` and ``R2`` a right one each;
    a pair sells for 1.

    >>> glove = Game.from_function(["L", "R1", "R2"],
    ...                            lambda s: float("L" in s and ("R1" in s or "R2" in s)))
    >>> glove
    <Game: 3 players, exact>
    >>> glove({"L", "R2"}), glove.grand_value
    (1.0, 1.0)
    """

    def __init__(self, players: Sequence[Hashable], values: np.ndarray | None = None, *,
                 function: Callable[[np.ndarray], np.ndarray] | None = None, name: str = ""):
        players = tuple(players)
        if not players:
            raise GameError("a game needs at least one player")
        if len(set(players)) != len(players):
            seen: set[Hashable] = set()
            dup = []
            for p in players:
                if p in seen:
                    dup.append(p)
                seen.add(p)
            raise GameError(f"players must be distinct; repeated: {dup[:5]}")
        self.players = players
        self.name = name
        #: A sentence a report should show with the game (why its values are what they are).
        self.note = ""
        self._position = {p: i for i, p in enumerate(players)}
        if (values is None) == (function is None):
            raise GameError("give exactly one of values (a table) or function")
        if values is not None:
            values = np.ascontiguousarray(values, dtype=float)
            expected = 1 << len(players)
            if values.shape != (expected,):
                raise GameError(f"a value table for {len(players)} players needs {expected} "
                                f"entries (one per coalition bitmask), got shape {values.shape}")
            bad = np.flatnonzero(~np.isfinite(values))
            if bad.size:
                raise GameError(f"v is not finite (NaN or inf) for {bad.size} coalition(s), e.g. "
                                f"{_label(players, self._members_of(int(bad[0])))}")
            if values[0] != 0:
                raise GameError(f"v(empty coalition) must be 0, got {values[0]!r}; a game's "
                                "values are measured from the empty coalition")
        self.values = values
        self._function = function

    # ---------------------------------------------------------------- builders
    @classmethod
    def from_function(cls, players: Sequence[Hashable],
                      v: Callable[..., float] | Callable[..., np.ndarray], *,
                      vectorized: bool = False, exact: bool | None = None,
                      name: str = "") -> "Game":
        """A game whose value is computed by ``v``.

        Parameters
        ----------
        players : sequence of hashable
        v : callable
            ``v(coalition)`` with a frozenset of player names, returning a real
            number; or, if ``vectorized``, ``v(members)`` with a boolean matrix
            (rows coalitions, columns players) returning one value per row.
        vectorized : bool
            See ``v``.
        exact : bool, optional
            Tabulate ``v`` over all 2**n coalitions now (the default up to
            :data:`MAX_EXACT_PLAYERS` players) or keep it as a callable for the
            sampling methods (the default above).
        """
        players = tuple(players)
        n = len(players)
        if exact is None:
            exact = n <= MAX_EXACT_PLAYERS
        if exact and n > MAX_EXACT_PLAYERS:
            raise TooManyPlayersError(
                f"{n} players is too many for a value table (at most {MAX_EXACT_PLAYERS}); "
                "use exact=False and a sampling method such as shapley(game, method='permutation')")
        if vectorized:
            def batch(members: np.ndarray) -> np.ndarray:
                out = np.asarray(v(members), dtype=float).reshape(-1)
                if out.shape[0] != members.shape[0]:
                    raise GameError(f"vectorized v returned {out.shape[0]} values for "
                                    f"{members.shape[0]} coalitions")
                return out
        else:
            def batch(members: np.ndarray) -> np.ndarray:
                out = np.empty(members.shape[0])
                for row, inside in enumerate(members):  # a user's scalar function: one call each
                    value = v(frozenset(p for p, x in zip(players, inside) if x))
                    if not isinstance(value, (Real, np.bool_)):  # bools: simple games
                        raise GameError(f"v{_label(players, np.flatnonzero(inside))} returned "
                                        f"{value!r}; v must return a real number")
                    out[row] = value
                return out
        if not exact:
            game = cls(players, function=batch, name=name)
            empty = batch(np.zeros((1, n), dtype=bool))[0]
            if empty != 0:
                raise GameError(f"v(empty coalition) must be 0, got {empty!r}")
            return game
        values = np.empty(1 << n)
        chunk = 1 << 16
        for start in range(0, 1 << n, chunk):  # bounded memory for the membership matrix
            masks = np.arange(start, min(start + chunk, 1 << n), dtype=np.int64)
            values[start:start + chunk] = batch(bool_from_masks(masks, n))
        return cls(players, values, name=name)

    @classmethod
    def from_dict(cls, values: Mapping[Any, float], players: Sequence[Hashable] | None = None,
                  *, fill: float | None = None, name: str = "") -> "Game":
        """A game from ``{coalition: value}``.

        Keys are iterables of player names (a frozenset, tuple or list; a string
        key, or a key that ``players`` names, is one player, and ``()`` the empty
        coalition). Every non-empty coalition must appear unless ``fill`` gives the
        value of the missing ones.

        Examples
        --------
        >>> g = Game.from_dict({("a",): 1, ("b",): 2, ("a", "b"): 6})
        >>> g.players, g.grand_value
        (('a', 'b'), 6.0)
        """
        named = frozenset(players) if players is not None else frozenset()

        def members_of(key: Any) -> tuple:
            if key in named or isinstance(key, str) or not isinstance(key, Iterable):
                return (key,)  # one player (a tuple key too, when players names it)
            return tuple(key)

        keyed: dict = {}
        for key, value in values.items():
            coalition = frozenset(members_of(key))
            if coalition in keyed and keyed[coalition] != value:
                raise GameError(f"coalition {sorted(map(str, coalition))} is given twice, with "
                                f"values {keyed[coalition]!r} and {value!r}")
            keyed[coalition] = value
        if players is None:
            order: dict = {}
            for key in values:
                for p in members_of(key):
                    order.setdefault(p, None)
            players = tuple(order)
        players = tuple(players)
        n = len(players)
        if n > MAX_EXACT_PLAYERS:
            raise TooManyPlayersError(f"{n} players is too many for a value table (at most "
                                      f"{MAX_EXACT_PLAYERS}); use Game.from_function(..., "
                                      "exact=False) and a sampling method")
        position = {p: i for i, p in enumerate(players)}
        table = np.full(1 << n, np.nan)
        table[0] = 0.0
        for coalition, value in keyed.items():
            mask = 0
            for p in coalition:
                if p not in position:
                    raise UnknownMemberError(f"coalition {sorted(map(str, coalition))} names "
                                             f"{p!r}, which is not a player")
                mask |= 1 << position[p]
            if not isinstance(value, Real) or isinstance(value, bool):
                raise GameError(f"v{_label(players, sorted(position[p] for p in coalition))} "
                                f"is {value!r}; values must be real numbers")
            if math.isnan(value):
                raise GameError(f"v{_label(players, sorted(position[p] for p in coalition))} "
                                "is NaN")
            table[mask] = value
        missing = np.flatnonzero(np.isnan(table))
        if missing.size:
            if fill is None:
                raise GameError(f"{missing.size} of {(1 << n) - 1} coalitions have no value, e.g. "
                                f"{_label(players, cls._members_static(int(missing[0]), n))}; "
                                "give every coalition or pass fill=<value for the missing ones>")
            table[missing] = fill
        return cls(players, table, name=name)

    @classmethod
    def from_ecosystem(cls, eco: Ecosystem, members: Sequence[str] | None = None,
                       game: str = "surplus", **options: Any) -> "Game":
        """A game derived from an :class:`~ecosystem.Ecosystem`.

        ``game`` is ``"surplus"`` (:func:`surplus_game`), ``"synergy"``
        (:func:`synergy_game`) or ``"sharing"`` (:func:`sharing_game`, which
        needs ``market=``); ``options`` go to that function.
        """
        from ._graph_games import GRAPH_GAMES
        if game not in GRAPH_GAMES:
            raise ParameterError(f"unknown game {game!r}; use one of: "
                                 + ", ".join(sorted(GRAPH_GAMES)))
        return GRAPH_GAMES[game](eco, members, **options)

    # ---------------------------------------------------------------- access
    @property
    def n(self) -> int:
        """Number of players."""
        return len(self.players)

    @property
    def is_exact(self) -> bool:
        """Whether the game has a value table (exact methods need one)."""
        return self.values is not None

    @staticmethod
    def _members_static(mask: int, n: int) -> list[int]:
        return [i for i in range(n) if mask >> i & 1]

    def _members_of(self, mask: int) -> list[int]:
        return self._members_static(mask, self.n)

    def mask(self, coalition: Iterable[Hashable] | Hashable) -> int:
        """The bitmask of a coalition given by player names (or one player's name)."""
        try:  # a player's own name, even a tuple, is that player alone
            single = coalition in self._position
        except TypeError:  # unhashable: a list or set of names
            single = False
        if single or isinstance(coalition, str) or not isinstance(coalition, Iterable):
            coalition = (coalition,)
        members = coalition
        mask = 0
        for p in members:
            if p not in self._position:
                raise UnknownMemberError(f"{p!r} is not a player of this game; players: "
                                         + ", ".join(map(str, self.players[:10]))
                                         + (" ..." if self.n > 10 else ""))
            mask |= 1 << self._position[p]
        return mask

    def coalition(self, mask: int) -> frozenset:
        """The player names in a bitmask."""
        return frozenset(self.players[i] for i in self._members_of(int(mask)))

    def label(self, mask: int) -> str:
        """A coalition bitmask written as ``{a, b}``."""
        return _label(self.players, self._members_of(int(mask)))

    def __call__(self, coalition: Iterable[Hashable] | Hashable) -> float:
        """``v`` of a coalition given by player names."""
        mask = self.mask(coalition)
        if self.values is not None:
            return float(self.values[mask])
        row = np.zeros((1, self.n), dtype=bool)
        row[0, self._members_of(mask)] = True
        return float(self._batch(row)[0])

    def _batch(self, members: np.ndarray) -> np.ndarray:
        """``v`` of each row from the game's function (a game without a table has one)."""
        if self._function is None:
            raise GameError("this game has neither a value table nor a function")
        return self._function(members)

    def evaluate(self, members: np.ndarray) -> np.ndarray:
        """``v`` of each row of a boolean membership matrix (rows coalitions)."""
        members = np.asarray(members, dtype=bool)
        if members.ndim != 2 or members.shape[1] != self.n:
            raise GameError(f"membership matrix must have {self.n} columns, got {members.shape}")
        if self.values is not None:
            return self.values[masks_from_bool(members)]
        out = self._batch(members)
        if not np.all(np.isfinite(out)):
            bad = int(np.flatnonzero(~np.isfinite(out))[0])
            raise GameError(f"v is not finite for coalition "
                            f"{_label(self.players, np.flatnonzero(members[bad]))}")
        return out

    @property
    def grand_value(self) -> float:
        """``v(N)``."""
        return self(self.players)

    def stand_alone(self) -> pd.Series:
        """``v({i})`` for every player, indexed by player."""
        eye = np.eye(self.n, dtype=bool)
        return pd.Series(self.evaluate(eye), index=pd.Index(self.players, name="player"),
                         name="stand_alone")

    def table(self, method: str = "this method") -> np.ndarray:
        """The value table, or a :class:`TooManyPlayersError` naming the way out."""
        if self.values is None:
            raise TooManyPlayersError(
                f"{method} needs every coalition's value, and this game with {self.n} players "
                f"has no value table (at most {MAX_EXACT_PLAYERS} players); use a sampling "
                "method instead: shapley(game, method='permutation') or 'stratified'")
        return self.values

    def coalition_sums(self, allocation: np.ndarray) -> np.ndarray:
        """``x(S)`` for every coalition bitmask ``S``."""
        return subset_sum(allocation)

    def __add__(self, other: "Game") -> "Game":
        if not isinstance(other, Game) or other.players != self.players:
            raise GameError("games can be added only when they have the same players in the "
                            "same order")
        return Game(self.players, self.table("adding games") + other.table("adding games"))

    def __mul__(self, factor: float) -> "Game":
        return Game(self.players, self.table("scaling a game") * float(factor))

    __rmul__ = __mul__

    def to_series(self) -> pd.Series:
        """Every coalition's value, indexed by ``{a, b}`` labels (small games)."""
        table = self.table("to_series")
        return pd.Series(table, index=[self.label(m) for m in range(len(table))], name="v")

    def __repr__(self) -> str:
        kind = "exact" if self.is_exact else "sampled only"
        label = f" {self.name!r}" if self.name else ""
        return f"<Game{label}: {self.n} players, {kind}>"


def allocation_series(game: Game, values: np.ndarray, name: str) -> pd.Series:
    """An allocation as a Series indexed by player."""
    return pd.Series(np.asarray(values, dtype=float), index=pd.Index(game.players, name="player"),
                     name=name)


def check_players(game: Game, labels: Iterable, names: str, lacks: str) -> None:
    """Raise unless ``labels`` (an index by player) hold every player and no one else;
    the messages read ``<names> 'x', which is not a player`` and ``<lacks> 'y'``."""
    labels = list(labels)
    unknown = [p for p in labels if p not in game._position]
    if unknown:
        raise UnknownMemberError(f"{names} {unknown[0]!r}, which is not a player")
    present = set(labels)
    missing = [p for p in game.players if p not in present]
    if missing:
        raise GameError(f"{lacks} {missing[0]!r}")


def allocation_array(game: Game, allocation: PerPlayer) -> np.ndarray:
    """An allocation (Series by player, mapping or sequence in player order) as an array."""
    if isinstance(allocation, pd.Series):
        check_players(game, allocation.index, "allocation names",
                      "allocation has no value for player")
        x = allocation.reindex(list(game.players)).to_numpy(dtype=float)
    elif isinstance(allocation, Mapping):
        return allocation_array(game, pd.Series(dict(allocation), dtype=float))
    else:
        x = np.asarray(allocation, dtype=float).reshape(-1)
        if x.shape != (game.n,):
            raise GameError(f"allocation needs {game.n} values (one per player), got {x.size}")
    if not np.all(np.isfinite(x)):
        raise GameError("allocation contains NaN or infinite values")
    return x
