"""Flows through the ecosystem: propagation, steady state, reach and disruption cascades.

Wang & Gao §4 and Figure 3: the information, logistics, capital and
technology flows are interconnected at every member and make the members one
whole; §3.2.2: without the sub-core service platforms the ecosystem "cannot
operate normally". This package turns both statements into computations.

Propagation (:func:`propagate`, :func:`steady_state`, :func:`reach`)
    A linear multiplex model. Per flow ``f`` a row-normalised, volume-weighted
    transmission matrix ``W_f``; a 4 x 4 conversion ``C`` (one unit of flow ``f``
    arriving at a member drives ``C[f, g]`` units of outgoing flow ``g``); a
    damping factor; injections ``b`` per member and flow::

        x_{t+1}[:, g] = damping * sum_f C[f, g] * W_f^T x_t[:, f] + b[:, g]

    ``x_t[i, f]`` is what member ``i`` sends out in flow ``f`` at step ``t``.
    The steady state solves the 4n x 4n block system ``(I - A) x = b`` once
    (sparse LU when small, matrix-free BiCGSTAB otherwise),
    after checking that the spectral radius of ``A`` is below 1
    (:class:`NoSteadyStateError` stating the radius otherwise; :func:`spectral_radius`).
    Details, the default conversion and when the model conserves flow:
    :func:`flow_model` and :class:`FlowModel`. Timings at 100,000 members are in
    benchmarks/RESULTS.md, section flows.

Cascades (:func:`cascade`, :func:`critical_members`)
    Remove members or cut their capacity, then let members whose required
    inputs fall below a rule (:class:`MinProviders`, :class:`MinInboundShare`)
    fail round after round. See :func:`cascade` and :class:`Rule`.

References
----------
- Wang, Z. & Gao, M. (year not stated). *Research on the Construction of Cross-Border
  E-Commerce Supply Chain Ecosystem from the Perspective of Industrial Belt*.
"""

from ._cascade import CascadeResult, cascade
from ._critical import critical_members
from ._model import (DEFAULT_CONVERSION, FLOWS, FlowModel, NoSteadyStateError,
                     conversion_matrix, flow_model)
from ._propagate import FlowLevels, FlowTrajectory, propagate, steady_state
from ._reach import Reach, reach
from ._rules import DEFAULT_RULES, MinInboundShare, MinProviders, Rule
from ._spectral import spectral_radius

__all__ = [
    "propagate", "steady_state", "reach", "spectral_radius", "flow_model", "conversion_matrix",
    "FlowModel", "FlowLevels", "FlowTrajectory", "Reach", "DEFAULT_CONVERSION", "FLOWS",
    "NoSteadyStateError",
    "cascade", "critical_members", "CascadeResult", "Rule", "MinProviders", "MinInboundShare",
    "DEFAULT_RULES",
]


_OLD_NAMES = {"DEFAULT_COUPLING": "DEFAULT_CONVERSION", "coupling_matrix": "conversion_matrix"}


def __getattr__(name: str):
    # the flow-coupling names before "coupling" came to mean only ecosystem.coupling
    if name in _OLD_NAMES:
        from .._warn import warn
        warn(f"ecosystem.flows.{name} is now ecosystem.flows.{_OLD_NAMES[name]}; the "
             "old name goes in the next release", DeprecationWarning)
        return globals()[_OLD_NAMES[name]]
    raise AttributeError(f"module 'ecosystem.flows' has no attribute {name!r}")
