"""Rings, flows and member roles of the three-ring ecosystem.

The vocabulary comes from the source papers: seed 004 §3.1 (Wang & Gao) for
the core circle, the sub-core service platforms and the outer environment, and
seed 000 §II (Liu & Li) for the members of a rural e-commerce cluster.
"""

from __future__ import annotations

from enum import Enum
from types import MappingProxyType
from typing import Mapping

from ._errors import ParameterError

__all__ = ["Ring", "Flow", "DEFAULT_ROLES", "LINK_NUMERIC_ATTRIBUTES"]


class _Named(str, Enum):
    """A string enum whose ``str()`` is its value, accepted case-insensitively."""

    def __str__(self) -> str:
        return self.value

    @classmethod
    def coerce(cls, value: object, what: str | None = None):
        """Return the member named by ``value`` (an instance, or its value in any case)."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            try:
                return cls(value.strip().lower())
            except ValueError:
                pass
        allowed = ", ".join(item.value for item in cls)
        raise ParameterError(f"{what or cls.__name__.lower()} {value!r} is not one of: {allowed}")


class Ring(_Named):
    """The three concentric rings of seed 004's ecosystem (Figure 1)."""

    CORE = "core"
    SUB_CORE = "sub_core"
    OUTER = "outer"


class Flow(_Named):
    """The four flows that join members (seed 004 §4, Figure 3)."""

    INFORMATION = "information"
    LOGISTICS = "logistics"
    CAPITAL = "capital"
    TECHNOLOGY = "technology"


_CORE = ("manufacturer", "producer", "supplier", "cbec_enterprise", "platform", "market",
         "online_shop", "production_base", "cooperative", "processor")
_SUB_CORE = ("logistics", "finance", "government", "customs", "technology", "research",
             "association", "training")
_OUTER = ("production_environment", "legal_environment", "innovation_environment",
          "policy_environment", "market_environment")

#: Built-in roles and the ring each belongs to by default (read-only).
DEFAULT_ROLES: Mapping[str, Ring] = MappingProxyType(
    {**{r: Ring.CORE for r in _CORE}, **{r: Ring.SUB_CORE for r in _SUB_CORE},
     **{r: Ring.OUTER for r in _OUTER}})

#: Link attributes with a meaning ecobelt relies on, and the values they accept.
LINK_NUMERIC_ATTRIBUTES: Mapping[str, str] = MappingProxyType({
    "volume": "a finite number >= 0 (flow per period)",
    "capacity": "a finite number >= 0 (largest volume per period)",
    "unit_cost": "a finite number >= 0 (cost per unit of volume)",
    "lead_time": "a whole number of periods >= 0",
    "reliability": "a number in [0, 1] (probability the link delivers)",
})
