"""Disruption cascades: members fail, and members that lose their required inputs follow.

The shock removes members (``fail``) or cuts the capacity of their outgoing
links by a fraction (``cut``). Then, round after round, every surviving member
that breaks one of the rules fails; the cascade stops when a round fails no
one. A failed member sends and receives nothing; a member whose capacity is
cut by ``c`` sends ``1 - c`` of each outgoing link's volume.

Rules
-----
:class:`MinProviders`
    A member needs at least ``minimum`` surviving in-neighbours in a flow
    (optionally only in-neighbours of some roles): "every firm needs a
    logistics provider".
:class:`MinInboundShare`
    A member needs at least ``fraction`` of its original inbound volume in a
    flow: "a firm that gets less than half its usual supplies stops".

A rule applies only to the members it selects (by role and/or ring) *that met
it before the shock*: a member that never had a finance provider does not fail
for lacking one. :data:`DEFAULT_RULES` follow seed 004 §3.2.2, where the
logistics and the financial platform support the core circle and "without
these service entities, the supply chain ecosystem cannot operate normally":
every core member needs at least one logistics and one capital provider.

Every round is a few sparse matrix products over all members; the ranking of
:func:`critical_members` runs many single-failure cascades at once as the
columns of one n x k matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._errors import ParameterError, UnknownMemberError
from ..taxonomy import Flow, Ring
from ._model import FLOWS, Layers

if TYPE_CHECKING:
    from ..graph import Ecosystem

__all__ = ["Rule", "MinProviders", "MinInboundShare", "DEFAULT_RULES", "CascadeResult",
           "cascade", "critical_members"]

_RINGS = [r.value for r in Ring]


def _names(values: Iterable[str] | str | None, what: str) -> tuple[str, ...] | None:
    if values is None:
        return None
    values = (values,) if isinstance(values, str) else tuple(values)
    if not values or not all(isinstance(v, str) for v in values):
        raise ParameterError(f"{what} must be a non-empty list of names, got {values!r}")
    return values


@dataclass(frozen=True)
class Rule:
    """Base of the cascade rules: the flow, and which members the rule applies to.

    Parameters
    ----------
    flow : Flow or str
    roles : str or sequence of str, optional
        Apply only to members with these roles.
    rings : str or sequence of str, optional
        Apply only to members of these rings.
    """

    flow: Flow | str
    roles: tuple[str, ...] | None = field(default=None, kw_only=True)
    rings: tuple[str, ...] | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        object.__setattr__(self, "flow", Flow.coerce(self.flow, "rule flow"))
        object.__setattr__(self, "roles", _names(self.roles, "rule roles"))
        rings = _names(self.rings, "rule rings")
        if rings is not None:
            rings = tuple(Ring.coerce(r, "rule ring").value for r in rings)
        object.__setattr__(self, "rings", rings)

    def _selects(self, layers: Layers, known_roles: Iterable[str]) -> np.ndarray:
        mask = np.ones(layers.n, dtype=bool)
        if self.roles is not None:
            _check_roles(self.roles, known_roles)
            mask &= np.isin(layers.roles, self.roles)
        if self.rings is not None:
            mask &= np.isin(layers.rings, self.rings)
        return mask

    def _scope(self) -> str:
        parts = []
        if self.roles is not None:
            parts.append("roles " + "/".join(self.roles))
        if self.rings is not None:
            parts.append("ring " + "/".join(self.rings))
        return f" ({', '.join(parts)})" if parts else ""


def _check_roles(roles: Iterable[str], known_roles: Iterable[str]) -> None:
    known = set(known_roles)
    for role in roles:
        if role not in known:
            raise ParameterError(f"rule names unknown role {role!r}; known roles: "
                                 + ", ".join(sorted(known)))


@dataclass(frozen=True)
class MinProviders(Rule):
    """A member needs ``minimum`` surviving in-neighbours in ``flow``.

    Parameters
    ----------
    flow : Flow or str
    minimum : int
        At least 1.
    providers : str or sequence of str, optional
        Count only in-neighbours with these roles.
    roles, rings
        See :class:`Rule`.

    Examples
    --------
    >>> MinProviders("capital", providers="finance", rings="core")
    MinProviders(flow=<Flow.CAPITAL: 'capital'>, roles=None, rings=('core',), minimum=1, providers=('finance',))
    """

    minimum: int = 1
    providers: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if isinstance(self.minimum, bool) or not isinstance(self.minimum, (int, np.integer)) \
                or self.minimum < 1:
            raise ParameterError(f"minimum must be a whole number >= 1, got {self.minimum!r}")
        object.__setattr__(self, "providers", _names(self.providers, "rule providers"))

    def __str__(self) -> str:
        who = f" {'/'.join(self.providers)}" if self.providers else ""
        return f"fewer than {self.minimum}{who} {self.flow.value} provider(s){self._scope()}"

    def _compile(self, layers: Layers, known_roles: Iterable[str]
                 ) -> tuple[sp.csr_array, np.ndarray, np.ndarray, bool]:
        inbound = sp.csr_array(layers.volume[FLOWS.index(self.flow.value)].T)
        pattern = sp.csr_array((np.ones(inbound.nnz), inbound.indices, inbound.indptr),
                               shape=inbound.shape)
        if self.providers is not None:
            _check_roles(self.providers, known_roles)
            keep = np.isin(layers.roles, self.providers).astype(float)
            pattern = sp.csr_array(pattern @ sp.diags_array(keep))
            pattern.eliminate_zeros()
        before = pattern @ np.ones(layers.n)
        active = self._selects(layers, known_roles) & (before >= self.minimum)
        return pattern, np.full(layers.n, float(self.minimum)), active, False


@dataclass(frozen=True)
class MinInboundShare(Rule):
    """A member needs ``fraction`` of its original inbound volume in ``flow``.

    Parameters
    ----------
    flow : Flow or str
    fraction : float
        In (0, 1].
    roles, rings
        See :class:`Rule`.
    """

    fraction: float = 0.5

    def __post_init__(self) -> None:
        super().__post_init__()
        if isinstance(self.fraction, bool) or not isinstance(self.fraction, (int, float)) \
                or not 0 < self.fraction <= 1:
            raise ParameterError(f"fraction must be a number in (0, 1], got {self.fraction!r}")

    def __str__(self) -> str:
        return (f"inbound {self.flow.value} volume below {self.fraction:g} of its original"
                f"{self._scope()}")

    def _compile(self, layers: Layers, known_roles: Iterable[str]
                 ) -> tuple[sp.csr_array, np.ndarray, np.ndarray, bool]:
        inbound = sp.csr_array(layers.volume[FLOWS.index(self.flow.value)].T)
        before = inbound @ np.ones(layers.n)
        active = self._selects(layers, known_roles) & (before > 0)
        # a relative tolerance keeps an untouched member from failing on rounding
        return inbound, self.fraction * before * (1 - 1e-9), active, True


#: Every core member needs a logistics and a capital provider (seed 004 §3.2.2).
DEFAULT_RULES: tuple[Rule, ...] = (MinProviders("logistics", rings="core"),
                                   MinProviders("capital", rings="core"))


@dataclass(frozen=True, eq=False)
class CascadeResult:
    """The outcome of a disruption cascade.

    Attributes
    ----------
    shock : dict
        Member -> capacity cut (1.0 for a removed member).
    rounds : int
        Rounds after the shock in which at least one member failed.
    failed : pandas.DataFrame
        One row per failed member (index, by round then member order): ``round``
        (0 for the shock), ``ring``, ``role`` and ``reason`` (the first broken rule).
    by_ring, by_role : pandas.DataFrame
        ``members``, ``failed`` and ``share`` failed per ring / role.
    lost_volume : pandas.DataFrame
        Per flow: ``before``, ``after`` (volume still moving: link volume times
        the source's remaining capacity, 0 if either end failed), ``lost`` and
        ``share`` lost.
    per_round : pandas.DataFrame
        Per round: ``failed`` that round and ``cumulative``.
    survivors : list of str
        Members that did not fail (cut members that survive included), in member order.
    """

    shock: dict[str, float]
    rounds: int
    failed: pd.DataFrame
    by_ring: pd.DataFrame
    by_role: pd.DataFrame
    lost_volume: pd.DataFrame
    per_round: pd.DataFrame
    survivors: list[str]

    def __str__(self) -> str:
        lost = self.lost_volume.loc["total"]
        return (f"cascade from {', '.join(self.shock)}: {len(self.failed)} failed in "
                f"{self.rounds} round(s) after the shock, {len(self.survivors)} survive; "
                f"{lost['lost']:.4g} of {lost['before']:.4g} volume lost "
                f"({lost['share']:.1%})")


class _Engine:
    """The compiled rules of one ecosystem, ready to run cascades column by column."""

    def __init__(self, layers: Layers, rules: Sequence[Rule], known_roles: Iterable[str]):
        if isinstance(rules, Rule):
            rules = (rules,)
        rules = tuple(rules)
        for rule in rules:
            if not isinstance(rule, Rule):
                raise ParameterError(f"rules must be MinProviders / MinInboundShare objects, "
                                     f"got {rule!r}")
        self.layers = layers
        self.rules = rules
        self.compiled = [rule._compile(layers, known_roles) for rule in rules]

    def run(self, capacity: np.ndarray, max_rounds: int | None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cascade every column of ``capacity`` (n x k, in [0, 1]; 0 = removed).

        Returns the failure round per member and column (-1 = survived), the
        index of the broken rule (-1 for survivors and the shock), and the final capacity.
        """
        capacity = capacity.copy()
        alive = capacity > 0
        failed_in = np.where(alive, -1, 0)
        reason = np.full(capacity.shape, -1, dtype=np.int16)
        round_number = 0
        while max_rounds is None or round_number < max_rounds:  # rounds depend on each other
            round_number += 1
            newly = np.zeros_like(alive)
            alive_float = alive.astype(float)
            for index, (matrix, threshold, active, by_volume) in enumerate(self.compiled):
                supply = matrix @ (capacity if by_volume else alive_float)
                broken = alive & ~newly & active[:, None] & (supply < threshold[:, None])
                reason[broken] = index
                newly |= broken
            if not newly.any():
                break
            alive &= ~newly
            capacity[newly] = 0.0
            failed_in[newly] = round_number
        return failed_in, reason, capacity

    def volume_after(self, capacity: np.ndarray) -> np.ndarray:
        """Volume still moving per flow (4 x k) given the final capacities."""
        alive = (capacity > 0).astype(float)
        return np.array([(capacity * (volume @ alive)).sum(axis=0)
                         for volume in self.layers.volume])


def _shock_capacity(layers: Layers, fail: Iterable[str] | str | None,
                    cut: Mapping[str, float] | None) -> dict[str, float]:
    shock: dict[str, float] = {}
    fail = (fail,) if isinstance(fail, str) else tuple(fail or ())
    for member, fraction in [*((m, 1.0) for m in fail), *(cut or {}).items()]:
        if member not in layers.members:
            raise UnknownMemberError(f"cascade: no member {member!r} in the ecosystem")
        if isinstance(fraction, bool) or not isinstance(fraction, (int, float, np.number)) \
                or not 0 < fraction <= 1:
            raise ParameterError(f"capacity cut of {member!r} must be in (0, 1] (1 removes "
                                 f"the member), got {fraction!r}")
        shock[member] = max(shock.get(member, 0.0), float(fraction))
    if not shock:
        raise ParameterError("a cascade needs at least one failed or cut member "
                             "(fail=[...] or cut={member: fraction})")
    return shock


def _count_table(keys: np.ndarray, failed: np.ndarray, order: list[str] | None,
                 name: str) -> pd.DataFrame:
    frame = pd.DataFrame({name: keys, "failed": failed})
    table = frame.groupby(name, sort=order is None).agg(members=("failed", "size"),
                                                         failed=("failed", "sum"))
    if order is not None:
        table = table.reindex(order, fill_value=0)
    table["share"] = np.divide(table["failed"], table["members"],
                               out=np.zeros(len(table)), where=table["members"] > 0)
    return table


def cascade(eco: "Ecosystem", fail: Iterable[str] | str | None = None, *,
            cut: Mapping[str, float] | None = None, rules: Sequence[Rule] = DEFAULT_RULES,
            max_rounds: int | None = None, weight: str = "volume") -> CascadeResult:
    """Remove members (or cut their capacity) and let the failure spread.

    Parameters
    ----------
    eco : Ecosystem
    fail : str or iterable of str, optional
        Members removed by the shock.
    cut : mapping of str to float, optional
        Members whose outgoing volume is cut by a fraction in (0, 1].
    rules : sequence of Rule
        When a member fails; :data:`DEFAULT_RULES` by default.
    max_rounds : int, optional
        Stop after this many rounds (None: run until no one else fails).
    weight : str
        The link attribute measuring volume (links without it count as 1).

    Returns
    -------
    CascadeResult

    Raises
    ------
    UnknownMemberError
        A failed or cut member does not exist.
    ParameterError
        No shock, a cut outside (0, 1], or a rule naming an unknown role.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_members_from(pd.DataFrame({"id": ["lg", "bank", "m1", "m2"],
    ...     "role": ["logistics", "finance", "manufacturer", "manufacturer"]}))
    >>> for m in ("m1", "m2"):
    ...     eco.link("lg", m, "logistics", volume=10.0)
    ...     eco.link("bank", m, "capital", volume=5.0)
    >>> result = cascade(eco, "lg")
    >>> result.failed[["round", "reason"]]
            round                                   reason
    member
    lg          0                                    shock
    m1          1  fewer than 1 logistics provider(s) (ring core)
    m2          1  fewer than 1 logistics provider(s) (ring core)
    >>> result.survivors
    ['bank']
    """
    layers = Layers.from_ecosystem(eco, weight)
    engine = _Engine(layers, rules, eco.roles)
    shock = _shock_capacity(layers, fail, cut)
    if max_rounds is not None and (not isinstance(max_rounds, (int, np.integer))
                                   or max_rounds < 0):
        raise ParameterError(f"max_rounds must be a whole number >= 0, got {max_rounds!r}")
    capacity = np.ones((layers.n, 1))
    capacity[layers.members.get_indexer(list(shock)), 0] = 1.0 - np.array(list(shock.values()))
    failed_in, reason, final = engine.run(capacity, max_rounds)
    failed_in, reason = failed_in[:, 0], reason[:, 0]
    is_failed = failed_in >= 0
    order = np.lexsort((np.arange(layers.n), failed_in))
    order = order[is_failed[order]]
    labels = np.array(["shock"] + [str(rule) for rule in engine.rules], dtype=object)
    failed = pd.DataFrame({"round": failed_in[order], "ring": layers.rings[order],
                           "role": layers.roles[order], "reason": labels[reason[order] + 1]},
                          index=layers.members[order])
    before = np.array([v.sum() for v in layers.volume])
    after = engine.volume_after(final)[:, 0]
    lost = pd.DataFrame({"before": before, "after": after}, index=pd.Index(FLOWS, name="flow"))
    lost.loc["total"] = lost.sum()
    lost["lost"] = lost["before"] - lost["after"]
    lost["share"] = np.divide(lost["lost"], lost["before"], out=np.zeros(len(lost)),
                              where=lost["before"].to_numpy() > 0)
    rounds = int(failed_in.max()) if is_failed.any() else 0
    per_round = pd.DataFrame({"failed": np.bincount(failed_in[is_failed],
                                                    minlength=rounds + 1)},
                             index=pd.RangeIndex(rounds + 1, name="round"))
    per_round["cumulative"] = per_round["failed"].cumsum()
    return CascadeResult(
        shock=shock, rounds=rounds, failed=failed,
        by_ring=_count_table(layers.rings, is_failed, _RINGS, "ring"),
        by_role=_count_table(layers.roles, is_failed, None, "role"),
        lost_volume=lost, per_round=per_round,
        survivors=layers.members[~is_failed].tolist())


def critical_members(eco: "Ecosystem", candidates: Iterable[str] | None = None, *,
                     rules: Sequence[Rule] = DEFAULT_RULES, max_candidates: int = 200,
                     top: int | None = None, batch: int = 64, weight: str = "volume"
                     ) -> pd.DataFrame:
    """Rank members by the volume lost when each one alone fails.

    Every candidate's single-failure cascade (under ``rules``) is run; the
    cascades are batched as the columns of one n x ``batch`` matrix.

    Parameters
    ----------
    eco : Ecosystem
    candidates : iterable of str, optional
        Members to try. By default every member when there are at most
        ``max_candidates``; otherwise the ``max_candidates`` members with the
        largest strength (inbound plus outbound volume over all flows), since a
        failure loses at least the failed member's own links.
    rules : sequence of Rule
    max_candidates : int
    top : int, optional
        Keep only the first ``top`` rows.
    batch : int
        Cascades run together (memory grows with n x batch).
    weight : str

    Returns
    -------
    pandas.DataFrame
        Indexed by member, sorted by ``lost_volume`` (descending, ties in member
        order), with ``rank``, ``ring``, ``role``, ``failed`` (members failed,
        itself included), ``lost_volume``, ``lost_share`` and the volume lost per flow.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_members_from(pd.DataFrame({"id": ["lg", "bank", "m1", "m2"],
    ...     "role": ["logistics", "finance", "manufacturer", "manufacturer"]}))
    >>> for m in ("m1", "m2"):
    ...     eco.link("lg", m, "logistics", volume=10.0)
    ...     eco.link("bank", m, "capital", volume=5.0)
    >>> critical_members(eco)[["rank", "failed", "lost_volume"]]
            rank  failed  lost_volume
    member
    lg         1       3         30.0
    bank       2       3         30.0
    m1         3       1         15.0
    m2         4       1         15.0
    """
    layers = Layers.from_ecosystem(eco, weight)
    engine = _Engine(layers, rules, eco.roles)
    if isinstance(batch, bool) or not isinstance(batch, (int, np.integer)) or batch < 1:
        raise ParameterError(f"batch must be a whole number >= 1, got {batch!r}")
    if candidates is None:
        if layers.n <= max_candidates:
            positions = np.arange(layers.n)
        else:
            total = sum(layers.volume)
            strength = np.asarray(total.sum(axis=0)).ravel() + np.asarray(total.sum(axis=1)
                                                                          ).ravel()
            positions = np.sort(np.argsort(-strength, kind="stable")[:max_candidates])
    else:
        candidates = [candidates] if isinstance(candidates, str) else list(candidates)
        positions = layers.members.get_indexer(candidates)
        if (positions < 0).any():
            raise UnknownMemberError(f"critical_members: no member "
                                     f"{candidates[int(np.argmax(positions < 0))]!r}")
    before = np.array([v.sum() for v in layers.volume])
    failed_counts = np.empty(positions.size, dtype=np.int64)
    lost = np.empty((positions.size, len(FLOWS)))
    for start in range(0, positions.size, batch):  # bounded memory: n x batch per pass
        chunk = positions[start:start + batch]
        capacity = np.ones((layers.n, chunk.size))
        capacity[chunk, np.arange(chunk.size)] = 0.0
        failed_in, _, final = engine.run(capacity, None)
        failed_counts[start:start + chunk.size] = (failed_in >= 0).sum(axis=0)
        lost[start:start + chunk.size] = (before[:, None] - engine.volume_after(final)).T
    table = pd.DataFrame(lost, columns=[f"lost_{f}" for f in FLOWS],
                         index=layers.members[positions])
    table.insert(0, "lost_share", lost.sum(axis=1) / before.sum() if before.sum() > 0 else 0.0)
    table.insert(0, "lost_volume", lost.sum(axis=1))
    table.insert(0, "failed", failed_counts)
    table.insert(0, "role", layers.roles[positions])
    table.insert(0, "ring", layers.rings[positions])
    order = np.lexsort((positions, -np.round(table["lost_volume"].to_numpy(), 9)))
    table = table.iloc[order]
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table if top is None else table.head(top)
