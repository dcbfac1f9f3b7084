"""Knowledge spillover: diffusion of know-how over the technology and information layers.

Liu & Li (§III-D) describe e-commerce know-how spreading through a
rural cluster from the first adopters to their neighbours ("mutual
transmission, mutual help"), and cites Jaffe's (1986) knowledge production
function for the spillovers between technologically close firms. The pieces:

- :func:`independent_cascade` and :func:`linear_threshold` (Kempe, Kleinberg
  & Tardos 2003): seeded Monte Carlo of the spread along the links of the
  chosen layers, all runs advancing together in numpy arrays; the
  :class:`Diffusion` result holds the adoption curves (overall, per ring and
  per role), each member's adoption probability and time, and reach and
  time-to-reach per ring and role;
- :func:`heat`: the deterministic expectation, heat diffusion
  :math:`x(t) = e^{-r L t} x(0)` on the layers' in-degree :func:`laplacian`;
- :func:`influence_maximization`: the k members whose seeding spreads most
  (greedy on sampled live-edge graphs, lazy evaluation);
- :func:`spillover_pool`: Jaffe's pool :math:`S_i = \\sum_{j \\ne i} P_{ij} R_j`,
  with the technological proximity :math:`P_{ij}` computed as Pianka's
  overlap by :mod:`ecosystem.niche`.

Know-how travels in the direction of the links (from a research institute to
the firms it supplies technology to). The layers default to technology and
information; any of the four flows can be chosen.

References
----------
- Liu, J. & Li, Y. (year not stated). *A Study on the Mechanism of Enhancing the Value
  Creation Capability of Rural E-Commerce Industrial Clusters*.
"""

from ._cascade import independent_cascade, linear_threshold
from ._heat import heat, laplacian
from ._influence import influence_maximization
from ._pool import spillover_pool
from ._result import Diffusion

__all__ = ["Diffusion", "independent_cascade", "linear_threshold", "heat", "laplacian",
           "influence_maximization", "spillover_pool"]
