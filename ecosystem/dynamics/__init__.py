"""Population dynamics of the ecosystem's enterprises.

* :func:`predator_prey`: Qian's upstream-downstream Lotka-Volterra pair
  (equations 1-2): equilibrium ``E(a2/(b1 b2), a1/b1)``, Jacobian
  eigenvalues, solve_ivp trajectory, conserved quantity, phase portrait.
* :func:`generalized_lv`: n populations ``x' = x (r + A x)``, with A given or
  built from an ecosystem by :func:`interaction_matrix` (competition from
  niche overlap, predation from upstream -> downstream logistics, mutualism
  from service and symbiosis links); interior equilibrium, local stability,
  Goh's Lyapunov criterion, unbounded mutualism detected.
* :func:`symbiosis`: the logistic symbiosis form
  ``x_i' = r_i x_i (1 - x_i/N_i + sigma_i x_j/N_j)``.

References
----------
- Qian, F. (year not stated). *Research on the Coordinated Development of Zhejiang
  Cross-border E-commerce and Regional Industrial Clusters Based on Coupling Theory*.
- Wang, Z. & Gao, M. (year not stated). *Research on the Construction of Cross-Border
  E-Commerce Supply Chain Ecosystem from the Perspective of Industrial Belt*.
"""

from ._common import IntegrationError, UnboundedGrowthError
from ._bounds import mutualism_bounded
from ._glv import LVResult, generalized_lv
from ._goh import GohCertificate, goh_certificate
from ._interactions import RELATIONS, interaction_matrix, interactions
from ._predator_prey import PredatorPreyResult, predator_prey
from ._symbiosis import symbiosis

__all__ = [
    "predator_prey", "PredatorPreyResult",
    "generalized_lv", "symbiosis", "LVResult", "mutualism_bounded",
    "interaction_matrix", "interactions", "RELATIONS",
    "goh_certificate", "GohCertificate",
    "UnboundedGrowthError", "IntegrationError",
]
