"""Builders and the bundled example ecosystems.

* :func:`archetype`: the ecosystem of Wang & Gao's Figure 1, one member per role.
* :func:`industrial_belt`: a random industrial belt of any size (vectorised:
  100,000 members and a million links in seconds).
* :func:`rural_cluster`: Liu & Li's rural e-commerce cluster (a Taobao village).
* :func:`examples` and :func:`example`: the spec files shipped with ecobelt.

References
----------
- Wang, Z. & Gao, M. (year not stated). *Research on the Construction of Cross-Border
  E-Commerce Supply Chain Ecosystem from the Perspective of Industrial Belt*.
- Liu, J. & Li, Y. (year not stated). *A Study on the Mechanism of Enhancing the Value
  Creation Capability of Rural E-Commerce Industrial Clusters*.
"""

from .archetype import archetype
from .belt import industrial_belt
from .bundled import example, examples
from .rural import rural_cluster

__all__ = ["archetype", "industrial_belt", "rural_cluster", "examples", "example"]
