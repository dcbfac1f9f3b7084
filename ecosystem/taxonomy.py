"""Rings, flows and member roles of the three-ring ecosystem.

The vocabulary comes from the source papers: Wang & Gao §3.1 for
the core circle, the sub-core service platforms and the outer environment, and
Liu & Li §II for the members of a rural e-commerce cluster.

References
----------
- Wang, Z. & Gao, M. (year not stated). *Research on the Construction of Cross-Border
  E-Commerce Supply Chain Ecosystem from the Perspective of Industrial Belt*.
- Liu, J. & Li, Y. (year not stated). *A Study on the Mechanism of Enhancing the Value
  Creation Capability of Rural E-Commerce Industrial Clusters*.
"""

from __future__ import annotations

import math
from enum import Enum
from numbers import Integral, Real
from types import MappingProxyType
from typing import Iterable, Mapping, cast

import numpy as np

from ._errors import ParameterError

__all__ = ["Ring", "Flow", "FlowChoice", "parse_flows", "DEFAULT_ROLES", "LINK_NUMERIC_ATTRIBUTES",
           "link_attribute_problem", "link_values_ok", "MEMBER_FIELDS", "LINK_FIELDS",
           "DEFAULT_UNITS", "units_problem", "ROLE_LABELS", "role_label"]

#: The fields every member and every link has; no attribute may take these names.
MEMBER_FIELDS = ("id", "role", "ring")
LINK_FIELDS = ("source", "target", "flow")


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
    """The three concentric rings of Wang & Gao's ecosystem (Figure 1)."""

    CORE = "core"
    SUB_CORE = "sub_core"
    OUTER = "outer"


class Flow(_Named):
    """The four flows that join members (Wang & Gao, §4, Figure 3)."""

    INFORMATION = "information"
    LOGISTICS = "logistics"
    CAPITAL = "capital"
    TECHNOLOGY = "technology"


#: What a ``flows`` parameter accepts: one flow, by value or name, or several.
FlowChoice = Flow | str | Iterable[Flow | str]


def parse_flows(flows: FlowChoice | None, default: FlowChoice | None = None,
                what: str = "flow") -> tuple[Flow, ...]:
    """The distinct flows a ``flows`` argument names, in the order given.

    Parameters
    ----------
    flows : Flow, str, iterable of them, or None
        One flow (``"logistics"`` or ``Flow.LOGISTICS``) or several.
    default : Flow, str, iterable of them, or None, optional
        What None stands for; None means all four flows.
    what : str, optional
        The parameter's name in the error message.

    Returns
    -------
    tuple of Flow
        At least one flow, each once.

    Raises
    ------
    ParameterError
        An unknown flow, or an empty list.

    Examples
    --------
    >>> [f.value for f in parse_flows("Logistics")]
    ['logistics']
    >>> [f.value for f in parse_flows(["capital", Flow.CAPITAL, "information"])]
    ['capital', 'information']
    >>> len(parse_flows(None))
    4
    >>> parse_flows([])
    Traceback (most recent call last):
    ...
    ecosystem.ParameterError: give at least one flow, such as 'technology' (one of: information, logistics, capital, technology)
    """  # noqa: E501
    if flows is None:
        flows = tuple(Flow) if default is None else default
    items: list[object]
    try:
        items = [flows] if isinstance(flows, (str, Flow)) else list(flows)
    except TypeError:  # not iterable: let coerce name the bad value
        items = [flows]
    chosen = tuple(dict.fromkeys(Flow.coerce(f, what) for f in items))
    if not chosen:
        allowed = ", ".join(f.value for f in Flow)
        raise ParameterError(f"give at least one {what}, such as 'technology' (one of: "
                             f"{allowed})")
    return chosen


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

#: Each built-in role in words, for legends and figures (the ids stay the data's names).
ROLE_LABELS: Mapping[str, str] = MappingProxyType({
    **{r: r.replace("_", " ") for r in DEFAULT_ROLES},
    "cbec_enterprise": "cross-border e-commerce enterprise",
})


def role_label(role: str) -> str:
    """A role in words: a built-in role's :data:`ROLE_LABELS` entry, any other role with
    its underscores as spaces.

    Examples
    --------
    >>> role_label("cbec_enterprise"), role_label("legal_environment"), role_label("my_broker")
    ('cross-border e-commerce enterprise', 'legal environment', 'my broker')
    """
    return ROLE_LABELS.get(role, str(role).replace("_", " "))


#: The unit of each flow's link volumes when an ecosystem names none (per period, like
#: every volume). An ecosystem names its own in the graph attribute ``units``, a
#: mapping of flow to unit (``Ecosystem(units=...)``, ``Ecosystem.set_units`` or
#: ``attributes: {units: {capital: thousand CNY}}`` in a spec file); volumes of
#: different flows are in different units and are never added together.
DEFAULT_UNITS: Mapping[str, str] = MappingProxyType({
    "information": "messages",
    "logistics": "units of goods",
    "capital": "units of money",
    "technology": "service days",
})


def units_problem(units: object) -> str | None:
    """Why ``units`` cannot be an ecosystem's ``units`` attribute (None if it can).

    Examples
    --------
    >>> units_problem({"capital": "thousand CNY"}) is None
    True
    >>> units_problem({"money": "CNY"})
    "units: 'money' is not a flow (one of: information, logistics, capital, technology)"
    """
    flows = ", ".join(f.value for f in Flow)
    if not isinstance(units, Mapping):
        return (f"units must be a mapping of flow to unit such as {{capital: thousand CNY}}, "
                f"got {units!r}")
    for flow, unit in units.items():
        if not isinstance(flow, str) or flow not in DEFAULT_UNITS:
            return f"units: {flow!r} is not a flow (one of: {flows})"
        if not isinstance(unit, str) or not unit.strip():
            return f"units: the unit of {flow} must be a non-empty string, got {unit!r}"
    return None


#: Link attributes with a meaning ecobelt relies on, and the values they accept.
LINK_NUMERIC_ATTRIBUTES: Mapping[str, str] = MappingProxyType({
    "volume": "a finite number >= 0 (flow per period)",
    "capacity": "a finite number >= 0 (largest volume per period)",
    "unit_cost": "a finite number >= 0 (cost per unit of volume)",
    "lead_time": "a whole number of periods >= 0",
    "reliability": "a number in [0, 1] (probability the link delivers)",
})


def link_attribute_problem(name: str, value: object) -> str | None:
    """Why ``value`` is not allowed for the link attribute ``name`` (None if it is).

    Only the attributes of :data:`LINK_NUMERIC_ATTRIBUTES` have rules; any
    other attribute may hold any value.

    Examples
    --------
    >>> link_attribute_problem("lead_time", 2.5)
    'lead_time must be a whole number of periods >= 0, got 2.5'
    >>> link_attribute_problem("volume", 3) is None, link_attribute_problem("colour", -1) is None
    (True, True)
    """
    if name not in LINK_NUMERIC_ATTRIBUTES:
        return None
    if not isinstance(value, Real) or isinstance(value, bool):
        return f"{name} must be {LINK_NUMERIC_ATTRIBUTES[name]}, got {value!r}"
    whole = isinstance(value, Integral)  # always finite, maybe too large for a float
    number = cast(float, value)
    ok = whole or math.isfinite(number)
    if ok and name == "reliability":
        ok = 0 <= number <= 1
    elif ok:
        ok = number >= 0 and (name != "lead_time" or whole or float(number).is_integer())
    return None if ok else f"{name} must be {LINK_NUMERIC_ATTRIBUTES[name]}, got {value!r}"


def link_values_ok(name: str, values: np.ndarray) -> np.ndarray:
    """:func:`link_attribute_problem` for a whole float array: True where a value is allowed.

    Examples
    --------
    >>> link_values_ok("lead_time", np.array([0.0, 2.0, 2.5, -1.0, np.inf])).tolist()
    [True, True, False, False, False]
    """
    if name == "reliability":
        return (values >= 0) & (values <= 1)
    ok = (values >= 0) & np.isfinite(values)
    if name == "lead_time":
        ok &= np.floor(values) == values  # infinities are refused above already
    return ok
