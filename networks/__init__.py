"""Builders and the bundled example ecosystems.

* :func:`archetype`: the ecosystem of seed 004's Figure 1, one member per role.
* :func:`industrial_belt`: a random industrial belt of any size (vectorised:
  100,000 members and a million links in seconds).
* :func:`rural_cluster`: seed 000's rural e-commerce cluster (a Taobao village).
* :func:`examples` and :func:`example`: the spec files shipped with ecobelt.
"""

from .archetype import archetype
from .belt import industrial_belt
from .bundled import example, examples
from .rural import rural_cluster

__all__ = ["archetype", "industrial_belt", "rural_cluster", "examples", "example"]
