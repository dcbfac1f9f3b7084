"""Builders and the bundled example ecosystems.

* :func:`archetype`: the ecosystem of Wang & Gao's Figure 1, one member per role.
* :func:`industrial_belt`: a random industrial belt of any size (vectorised:
  100,000 members and a million links in seconds).
* :func:`rural_cluster`: Liu & Li's rural e-commerce cluster (a Taobao village).
* :func:`examples` and :func:`example`: the spec files shipped with ecobelt.

Each name is imported on first use, so that the ``ecobelt`` command line, which
imports this package to find its subcommands, does not load numpy for it.

References
----------
- Wang, Z. & Gao, M. (year not stated). *Research on the Construction of Cross-Border
  E-Commerce Supply Chain Ecosystem from the Perspective of Industrial Belt*.
- Liu, J. & Li, Y. (year not stated). *A Study on the Mechanism of Enhancing the Value
  Creation Capability of Rural E-Commerce Industrial Clusters*.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

# eager: the module of the same name would otherwise shadow the function once imported
from .archetype import archetype

if TYPE_CHECKING:
    from .belt import industrial_belt
    from .bundled import example, examples
    from .rural import rural_cluster

__all__ = ["archetype", "industrial_belt", "rural_cluster", "examples", "example"]

_LAZY = {"industrial_belt": ".belt", "rural_cluster": ".rural",
         "examples": ".bundled", "example": ".bundled"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'networks' has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
