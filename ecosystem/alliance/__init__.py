"""Strategic alliances of core enterprises, compared on every mechanism.

Wang & Gao §5.1 proposes a strategic alliance of core enterprises that shares
information (damping the bullwhip effect), cuts circulation costs and shares
technology. :class:`Alliance` describes one configuration, :func:`apply`
returns the ecosystem with it in force (the original untouched),
:func:`compare` puts configurations side by side on bullwhip, benefit
distribution and stability, niche overlap, flow throughput, resilience and
coupling coordination, and :func:`sweep` runs parameters x alliances x seeds
in local processes or on a Dask cluster. :func:`default_market` and
:func:`default_margin` are the market and margins these use when none is given.

References
----------
- Wang, Z. & Gao, M. (year not stated). *Research on the Construction of Cross-Border
  E-Commerce Supply Chain Ecosystem from the Perspective of Industrial Belt*.
"""

from ._compare import candidates, greedy, greedy_path
from ._config import SERVICE_FLOWS, Alliance, apply
from ._levers import LEVERS, Lever
from ._metrics import default_margin, default_market
from ._simulated import (EXACT_PLAYERS, METRICS, AllianceComparison, Belt, Metric,
                         alliance_game, compare)
from ._sweep import sweep

__all__ = ["Alliance", "apply", "compare", "AllianceComparison", "sweep", "candidates",
           "greedy", "greedy_path", "alliance_game", "Belt", "METRICS", "Metric", "LEVERS",
           "Lever", "EXACT_PLAYERS", "SERVICE_FLOWS", "default_market", "default_margin"]
