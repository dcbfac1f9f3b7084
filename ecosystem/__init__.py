"""ecobelt: the supply-chain ecosystem of an industrial belt that sells through
cross-border e-commerce, as a typed graph.

The public names are listed in ``__all__``; the analyses live in submodules
(``ecosystem.flows``, ``ecosystem.bullwhip``, ...) imported here so that
``import ecosystem`` is enough to reach them.

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

from ._errors import (DuplicateError, EcosystemError, ParameterError, SpecError,
                      UnknownMemberError, ValidationError)
from .graph import Ecosystem
from .taxonomy import DEFAULT_ROLES, Flow, Ring
from .files import load
from . import (alliance, benefit, bullwhip, convergence, coupling, dynamics, flows, niche,
               segment, simulation, spillover)

__all__ = [
    "Ecosystem", "Ring", "Flow", "DEFAULT_ROLES", "load",
    "EcosystemError", "SpecError", "ParameterError", "UnknownMemberError", "DuplicateError",
    "ValidationError",
    # the analyses, one module each
    "flows", "bullwhip", "benefit", "niche", "dynamics", "coupling", "spillover", "segment",
    "convergence", "alliance", "simulation",
]

__version__ = "0.1.0"
