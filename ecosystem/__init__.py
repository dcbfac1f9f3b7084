"""ecobelt: the supply-chain ecosystem of an industrial belt that sells through
cross-border e-commerce, as a typed graph.

The public names are listed in ``__all__``; the analyses live in submodules
(``ecosystem.flows``, ``ecosystem.bullwhip``, ...). Every name is imported on
first use, so that ``import ecosystem`` (which the ``ecobelt`` command line does
before it knows which command runs) loads neither numpy nor networkx; after
``import ecosystem``, ``ecosystem.flows`` and ``from ecosystem import Ecosystem``
work as if everything had been imported at once.

References
----------
- Wang, Z. & Gao, M. (year not stated). *Research on the Construction of Cross-Border
  E-Commerce Supply Chain Ecosystem from the Perspective of Industrial Belt*.
- Qian, F. (year not stated). *Research on the Coordinated Development of Zhejiang
  Cross-border E-commerce and Regional Industrial Clusters Based on Coupling Theory*.
- Liu, J. & Li, Y. (year not stated). *A Study on the Mechanism of Enhancing the Value
  Creation Capability of Rural E-Commerce Industrial Clusters*.
- Zhang, N., Yan, J. & Guo, L. (year not stated). *Development of E-commerce and
  Innovation of Rural Small and Medium Enterprises*.
- Wang, W. (year not stated). *Effective Path of the Value Chain's Upgrading of Industry
  Clusters: Industry Convergence*.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._errors import (DuplicateError, EcosystemError, MemoryNeedError, NumericalWarning,
                      ParameterError, SpecError, UnknownMemberError, ValidationError)

if TYPE_CHECKING:
    from . import (alliance, benefit, bullwhip, convergence, coupling, dynamics, flows, niche,
                   segment, simulation, spillover)
    from .files import load
    from .graph import Ecosystem
    from .benefit import GameError, SolverError, TooManyPlayersError
    from .dynamics import IntegrationError, UnboundedGrowthError
    from .flows import NoSteadyStateError
    from .niche import EmptyNicheError
    from .simulation import SimulationError
    from .taxonomy import DEFAULT_ROLES, Flow, Ring

__all__ = [
    "Ecosystem", "Ring", "Flow", "DEFAULT_ROLES", "load",
    "EcosystemError", "SpecError", "ParameterError", "UnknownMemberError", "DuplicateError",
    "ValidationError", "MemoryNeedError", "NoSteadyStateError", "UnboundedGrowthError",
    "IntegrationError", "EmptyNicheError", "GameError", "TooManyPlayersError", "SolverError",
    "SimulationError", "NumericalWarning",
    # the analyses, one module each
    "flows", "bullwhip", "benefit", "niche", "dynamics", "coupling", "spillover", "segment",
    "convergence", "alliance", "simulation",
]

__version__ = "0.1.0"

#: Where each lazily imported name lives (a module of its own when it maps to None).
_LAZY = {"Ecosystem": ".graph", "Ring": ".taxonomy", "Flow": ".taxonomy",
         "DEFAULT_ROLES": ".taxonomy", "load": ".files",
         **dict.fromkeys(("flows", "bullwhip", "benefit", "niche", "dynamics", "coupling",
                          "spillover", "segment", "convergence", "alliance", "simulation")),
         # errors of the analyses: they print as ecosystem.<Name> (their __module__)
         "GameError": ".benefit", "SolverError": ".benefit", "TooManyPlayersError": ".benefit",
         "IntegrationError": ".dynamics", "UnboundedGrowthError": ".dynamics",
         "NoSteadyStateError": ".flows", "EmptyNicheError": ".niche",
         "SimulationError": ".simulation"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'ecosystem' has no attribute {name!r}")
    where = _LAZY[name]
    value = import_module(f".{name}", __name__) if where is None else \
        getattr(import_module(where, __name__), name)
    globals()[name] = value  # the next access skips this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
