"""Banzhaf, Nash bargaining, equal and proportional splits, the modified Shapley value."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._errors import ParameterError
from ._bits import BLOCK_BITS, sum_over_members
from ._core import in_core
from ._game import Game, GameError, PerPlayer, allocation_series, check_players
from ._shapley import shapley
from .._warn import warn

__all__ = ["banzhaf", "equal_split", "proportional_split", "nash_bargaining",
           "modified_shapley", "StabilityWarning"]


class StabilityWarning(UserWarning):
    """An allocation that leaves the core or pays a member less than it earns alone."""


def banzhaf(game: Game, normalize: bool = False) -> pd.Series:
    """The Banzhaf value (Banzhaf 1965; Owen 1975): each player's marginal
    contribution averaged over all 2**(n-1) coalitions of the others.

    ``beta_i = 2**(1-n) * sum over S not containing i of (v(S + i) - v(S))``.

    Parameters
    ----------
    game : Game
        Needs a value table.
    normalize : bool
        Scale the values so that they add up to ``v(N)`` (the normalised Banzhaf
        value; for a simple game with ``v(N) = 1`` it is the Banzhaf power index).

    Examples
    --------
    The weighted voting game [3; 2, 1, 1]:

    >>> g = Game.from_function("abc", lambda s: float(sum({"a": 2, "b": 1, "c": 1}[p]
    ...                                                    for p in s) >= 3))
    >>> banzhaf(g).tolist(), banzhaf(g, normalize=True).tolist()
    ([0.75, 0.25, 0.25], [0.6, 0.2, 0.2])
    """
    table = game.table("Banzhaf")
    n = game.n
    # sum_{S without i} (v(S+i) - v(S)) = 2 sum_{T containing i} v(T) - sum_T v(T)
    low = min(n, BLOCK_BITS)
    inside = np.zeros(n)
    for high in range(1 << (n - low)):  # blocks keep scratch arrays small
        sum_over_members(table[high << low:(high + 1) << low], n, inside, low, high)
    raw = (2 * inside - table.sum()) / 2.0 ** (n - 1)
    if normalize:
        total = raw.sum()
        if abs(total) < 1e-12:
            raise GameError("the Banzhaf values add up to 0, so they cannot be normalised")
        raw = raw * table[-1] / total
    return allocation_series(game, raw, "banzhaf_normalized" if normalize else "banzhaf")


def equal_split(game: Game) -> pd.Series:
    """``v(N) / n`` for every player."""
    return allocation_series(game, np.full(game.n, game.grand_value / game.n), "equal")


def _per_player(game: Game, weights: Any, what: str, nonnegative: bool = True) -> np.ndarray:
    if isinstance(weights, Mapping):
        weights = pd.Series(dict(weights), dtype=float)
    if isinstance(weights, pd.Series):
        check_players(game, weights.index, f"{what} names", f"{what} has no value for player")
        weights = weights.reindex(list(game.players))
    w = np.asarray(weights, dtype=float).reshape(-1)
    if w.shape != (game.n,):
        raise GameError(f"{what} needs one value per player ({game.n}), got {w.size}")
    if not np.all(np.isfinite(w)) or (nonnegative and np.any(w < 0)):
        raise ParameterError(f"{what} must be finite" + (" and >= 0" if nonnegative else ""))
    return w


def proportional_split(game: Game, weights: PerPlayer | None = None) -> pd.Series:
    """``v(N)`` split in proportion to ``weights`` (default: the stand-alone values).

    Examples
    --------
    >>> g = Game.from_dict({"a": 1, "b": 3, ("a", "b"): 8})
    >>> proportional_split(g).tolist()
    [2.0, 6.0]
    """
    w = game.stand_alone().to_numpy() if weights is None else _per_player(game, weights, "weights")
    if np.any(w < 0):
        raise GameError("stand-alone values are negative; give proportional_split weights")
    if w.sum() <= 0:
        raise GameError("the weights add up to 0; give positive weights" if weights is not None
                        else "the stand-alone values add up to 0; give proportional_split "
                        "weights")
    return allocation_series(game, game.grand_value * w / w.sum(), "proportional")


def nash_bargaining(game: Game, disagreement: PerPlayer | None = None,
                    weights: PerPlayer | None = None) -> pd.Series:
    """The (weighted) Nash bargaining solution over the grand coalition's value.

    Maximises ``prod (x_i - d_i) ** w_i`` subject to ``sum x_i = v(N)``, whose
    solution is ``x_i = d_i + w_i / sum(w) * (v(N) - sum d)`` (Nash 1950;
    Kalai 1977 for the weights).

    Parameters
    ----------
    disagreement : per-player values, optional
        What each member gets if no agreement is reached; default its stand-alone
        value ``v({i})``.
    weights : per-player values, optional
        Bargaining powers (> 0); default equal.

    Examples
    --------
    >>> g = Game.from_dict({"a": 1, "b": 3, ("a", "b"): 8})
    >>> nash_bargaining(g).tolist(), nash_bargaining(g, weights=[3, 1]).tolist()
    ([3.0, 5.0], [4.0, 4.0])
    """
    d = (game.stand_alone().to_numpy() if disagreement is None
         else _per_player(game, disagreement, "disagreement", nonnegative=False))
    w = np.ones(game.n) if weights is None else _per_player(game, weights, "weights")
    if np.any(w <= 0):
        raise ParameterError("bargaining weights must be > 0")
    gain = game.grand_value - d.sum()
    if gain < 0:
        raise GameError(f"v(N) = {game.grand_value:g} is less than the disagreement payoffs "
                        f"({d.sum():g} in total): no agreement benefits everyone")
    return allocation_series(game, d + w / w.sum() * gain, "nash")


def modified_shapley(game: Game, factors: pd.DataFrame,
                     weights: Mapping[Any, float] | ArrayLike | None = None, *,
                     tol: float = 1e-9) -> pd.Series:
    """The modified ("improved") Shapley value of the supply-chain alliance literature.

    ``x_i = phi_i + (R_i - 1/n) v(N)``, where ``phi`` is the Shapley value and
    ``R_i = sum_k w_k r_ik`` is a weighted composite of member i's *shares*
    ``r_ik = f_ik / sum_j f_jk`` of each correction factor k (risk borne,
    investment, effort or contribution ...), with factor weights ``w_k`` adding up
    to 1. Since ``sum_i R_i = 1`` the correction moves value between members and
    keeps efficiency. Members bearing an above-average share gain. The risk
    correction is due to Dai Jianhua & Xue Hengxin (2004), "Benefit distribution
    strategy of partners in dynamic alliances based on the Shapley value",
    Chinese Journal of Management Science 12(4):33-36; the multi-factor composite,
    with weights often set by AHP, is its common extension in the supply-chain
    alliance literature.

    The corrected split can leave the core or pay a member less than its
    stand-alone value ``v({i})``; both are flagged with a
    :class:`StabilityWarning` and in ``result.attrs`` (``in_core``,
    ``below_stand_alone``, ``composite``).

    Parameters
    ----------
    game : Game
    factors : DataFrame
        Indexed by player, one non-negative column per factor.
    weights : mapping or sequence, optional
        One weight per factor column (>= 0, normalised to add up to 1);
        default equal.

    Examples
    --------
    >>> g = Game.from_dict({"a": 0, "b": 0, ("a", "b"): 10})
    >>> f = pd.DataFrame({"risk": [3, 1], "investment": [1, 1]}, index=["a", "b"])
    >>> x = modified_shapley(g, f, {"risk": 0.5, "investment": 0.5})
    >>> x.tolist(), x.attrs["in_core"]
    ([6.25, 3.75], True)
    """
    if not isinstance(factors, pd.DataFrame) or factors.shape[1] == 0:
        raise ParameterError("factors must be a DataFrame indexed by player with at least one "
                             "factor column")
    check_players(game, factors.index, "factors name", "factors have no row for player")
    f = factors.reindex(list(game.players)).apply(pd.to_numeric, errors="coerce")
    values = f.to_numpy(dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        bad = f.columns[~np.all(np.isfinite(values) & (values >= 0), axis=0)][0]
        raise ParameterError(f"factor {bad!r} has missing, non-numeric or negative values")
    totals = values.sum(axis=0)
    if np.any(totals <= 0):
        raise ParameterError(f"factor {f.columns[np.argmax(totals <= 0)]!r} is 0 for every "
                             "player, so it has no shares")
    if weights is None:
        w = np.full(f.shape[1], 1.0 / f.shape[1])
    else:
        w_series = (pd.Series(dict(weights), dtype=float) if isinstance(weights, Mapping)
                    else pd.Series(np.asarray(weights, dtype=float).reshape(-1)
                                   if not isinstance(weights, pd.Series) else weights))
        if not isinstance(weights, (Mapping, pd.Series)):
            if len(w_series) != f.shape[1]:
                raise ParameterError(f"weights need one value per factor ({f.shape[1]})")
            w_series.index = f.columns
        unknown = [k for k in w_series.index if k not in f.columns]
        if unknown:
            raise ParameterError(f"weight for {unknown[0]!r}, which is not a factor column")
        w = w_series.reindex(f.columns).fillna(0.0).to_numpy()
        if np.any(w < 0) or w.sum() <= 0 or not np.all(np.isfinite(w)):
            raise ParameterError("factor weights must be >= 0 and not all 0")
        w = w / w.sum()
    composite = (values / totals * w).sum(axis=1)
    phi = shapley(game).to_numpy()
    n = game.n
    grand = game.grand_value
    x = phi + (composite - 1.0 / n) * grand
    out = allocation_series(game, x, "modified_shapley")
    stand_alone = game.stand_alone().to_numpy()
    below = [p for p, xi, vi in zip(game.players, x, stand_alone) if xi < vi - tol]
    core = in_core(game, x) if game.is_exact else None
    out.attrs.update(composite=pd.Series(composite, index=out.index, name="composite"),
                     in_core=core, below_stand_alone=below)
    if below:
        warn(f"the modified Shapley value pays {', '.join(map(str, below))} less than "
             "their stand-alone value", StabilityWarning)
    elif core is False:
        warn("the modified Shapley value is not in the core: some coalition would "
             "do better alone (see stability(game, x))", StabilityWarning)
    return out
