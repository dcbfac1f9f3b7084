"""ecobelt: the supply-chain ecosystem of an industrial belt that sells through
cross-border e-commerce, as a typed graph.

The public names are listed in ``__all__``; the analyses live in submodules
(``ecosystem.flows``, ``ecosystem.bullwhip``, ...) imported here so that
``import ecosystem`` is enough to reach them.
"""

from ._errors import (DuplicateError, EcosystemError, ParameterError, SpecError,
                      UnknownMemberError, ValidationError)
from .graph import Ecosystem
from .taxonomy import DEFAULT_ROLES, Flow, Ring
from .files import load
from . import (alliance, benefit, bullwhip, convergence, coupling, dynamics, flows, niche,
               segment, spillover)

__all__ = [
    "Ecosystem", "Ring", "Flow", "DEFAULT_ROLES", "load",
    "EcosystemError", "SpecError", "ParameterError", "UnknownMemberError", "DuplicateError",
    "ValidationError",
    # the analyses, one module each
    "flows", "bullwhip", "benefit", "niche", "dynamics", "coupling", "spillover", "segment",
    "convergence", "alliance",
]

__version__ = "0.1.0"
