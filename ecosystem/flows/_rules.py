"""Cascade rules: when a member fails because its inputs are gone.

:class:`MinProviders`
    A member needs at least ``minimum`` surviving in-neighbours in a flow
    (optionally only in-neighbours of some roles): "every firm needs a
    logistics provider".
:class:`MinInboundShare`
    A member needs at least ``fraction`` of its original inbound volume in a
    flow: "a firm that gets less than half its usual supplies stops".

A rule applies only to the members it selects (by role and/or ring) *that met
it before the shock*: a member that never had a finance provider does not fail
for lacking one. :data:`DEFAULT_RULES` follow Wang & Gao §3.2.2, where the
logistics and the financial platform support the core circle and "without
these service entities, the supply chain ecosystem cannot operate normally":
every core member needs at least one logistics and one capital provider (any
member that sends it goods or money; ``providers=("finance",)`` narrows the
second to finance providers).

Each rule compiles to ``(matrix, threshold, active, by_volume)``: a member
``i`` that is ``active`` breaks the rule when ``(matrix @ s)[i] < threshold[i]``,
where ``s`` is the surviving capacity (``by_volume``) or the alive indicator
of every member.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from .._errors import ParameterError
from ..taxonomy import Flow, Ring
from ._model import FLOWS, Layers

__all__ = ["Rule", "MinProviders", "MinInboundShare", "DEFAULT_RULES", "check_rules"]


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
    # a name or names when given; a tuple of names once __post_init__ has run
    roles: str | Sequence[str] | None = field(default=None, kw_only=True)
    rings: str | Sequence[str] | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        object.__setattr__(self, "flow", Flow.coerce(self.flow, "rule flow"))
        object.__setattr__(self, "roles", _names(self.roles, "rule roles"))
        rings = _names(self.rings, "rule rings")
        if rings is not None:
            rings = tuple(Ring.coerce(r, "rule ring").value for r in rings)
        object.__setattr__(self, "rings", rings)

    @property
    def _flow(self) -> Flow:
        """:attr:`flow` as the Flow that ``__post_init__`` made it."""
        return Flow.coerce(self.flow, "rule flow")

    def _selects(self, layers: Layers, known_roles: Iterable[str]) -> np.ndarray:
        mask = np.ones(layers.n, dtype=bool)
        if self.roles is not None:
            _check_roles(self.roles, known_roles)
            mask &= np.isin(layers.roles, self.roles)
        if self.rings is not None:
            mask &= np.isin(layers.rings, self.rings)
        return mask

    def _compile(self, layers: Layers, known_roles: Iterable[str]
                 ) -> tuple[sp.csr_array, np.ndarray, np.ndarray, bool]:
        raise ParameterError(f"{type(self).__name__} is the base of the rules and decides "
                             "nothing; use MinProviders or MinInboundShare (or a subclass "
                             "that defines _compile)")

    def _inbound(self, layers: Layers) -> sp.csr_array:
        """Row i: the volume each member sends to i in this rule's flow."""
        return sp.csr_array(layers.volume[FLOWS.index(self._flow.value)].T)

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

    A provider is a member with a link of positive volume to it in ``flow``;
    a member whose capacity is only cut still counts.

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
    MinProviders(flow=<Flow.CAPITAL: 'capital'>, roles=None, rings=('core',), minimum=1,
                 providers=('finance',))
    """

    minimum: int = 1
    providers: str | Sequence[str] | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if isinstance(self.minimum, bool) or not isinstance(self.minimum, (int, np.integer)) \
                or self.minimum < 1:
            raise ParameterError(f"minimum must be a whole number >= 1, got {self.minimum!r}")
        object.__setattr__(self, "providers", _names(self.providers, "rule providers"))

    def __str__(self) -> str:
        who = f" {'/'.join(self.providers)}" if self.providers else ""
        return f"fewer than {self.minimum}{who} {self._flow.value} provider(s){self._scope()}"

    def _compile(self, layers: Layers, known_roles: Iterable[str]
                 ) -> tuple[sp.csr_array, np.ndarray, np.ndarray, bool]:
        inbound = self._inbound(layers)
        pattern = sp.csr_array(((inbound.data > 0).astype(float), inbound.indices,
                                inbound.indptr), shape=inbound.shape)
        pattern.eliminate_zeros()
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
        return (f"inbound {self._flow.value} volume below {self.fraction:g} of its original"
                f"{self._scope()}")

    def _compile(self, layers: Layers, known_roles: Iterable[str]
                 ) -> tuple[sp.csr_array, np.ndarray, np.ndarray, bool]:
        inbound = self._inbound(layers)
        before = inbound @ np.ones(layers.n)
        active = self._selects(layers, known_roles) & (before > 0)
        # a relative tolerance keeps an untouched member from failing on rounding
        return inbound, self.fraction * before * (1 - 1e-9), active, True


#: Every core member needs a logistics and a capital provider (Wang & Gao, §3.2.2).
DEFAULT_RULES: tuple[Rule, ...] = (MinProviders("logistics", rings="core"),
                                   MinProviders("capital", rings="core"))


def check_rules(rules: "Rule | Iterable[Rule]") -> tuple[Rule, ...]:
    """``rules`` as a tuple, each checked to be a :class:`Rule`."""
    rules = (rules,) if isinstance(rules, Rule) else tuple(rules)
    for rule in rules:
        if not isinstance(rule, Rule):
            raise ParameterError(f"rules must be MinProviders / MinInboundShare objects, "
                                 f"got {rule!r}")
    return rules
