"""The bundled example ecosystems: spec files shipped in ``networks/examples``.

Each file is generated from a builder (see :data:`GENERATORS`); regenerate
them all after changing a builder with
``python -c "import networks.bundled as b; b._regenerate()"``.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ecosystem import ParameterError

if TYPE_CHECKING:  # looking an example up loads no builder, numpy or pandas
    import pandas as pd

    from ecosystem import Ecosystem

__all__ = ["example_path", "examples", "example", "GENERATORS"]

_HERE = Path(__file__).parent / "examples"


def _builder(module: str, function: str, *args: Any, **options: Any
             ) -> Callable[[], Ecosystem]:
    """``function(*args, **options)`` of ``module`` (in this package), imported when called."""
    def build() -> Ecosystem:
        return getattr(import_module(module, __package__), function)(*args, **options)
    return build


#: The builder call behind each bundled file (name -> function of no arguments).
GENERATORS: dict[str, Callable[[], Ecosystem]] = {
    "archetype": _builder(".archetype", "archetype"),
    "cross_border_belt": _builder("._cross_border", "cross_border_belt"),
    "rural_cluster": _builder(".rural", "rural_cluster", 40, seed=2026),
    "industrial_belt": _builder(".belt", "industrial_belt", 100, seed=2026),
}


def example_path(name: str) -> Path | None:
    """The spec file of the bundled example ``name``, or None if there is none."""
    if not name or Path(name).name != name or any(c in name for c in "*?[]"):
        return None  # a path or a pattern is never an example's name
    for candidate in sorted(_HERE.glob(f"{name}.*")):
        return candidate
    return None


def _names() -> list[str]:
    return sorted(p.stem for p in _HERE.glob("*.yaml"))


def examples() -> pd.DataFrame:
    """The bundled examples: one row per example with its description and size.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``name``, columns ``description``, ``members``, ``links``
        and ``file``.

    Examples
    --------
    >>> table = examples()
    >>> table.loc["archetype", ["members", "links"]].tolist()
    [23, 74]
    >>> "cross_border_belt" in table.index
    True
    """
    import pandas as pd

    rows = []
    for name in _names():
        eco = example(name)
        rows.append((name, eco.attributes.get("description", ""), len(eco),
                     eco.number_of_links(), str(example_path(name))))
    return pd.DataFrame(rows, columns=["name", "description", "members", "links", "file"]
                        ).set_index("name")


def example(name: str) -> Ecosystem:
    """Load the bundled example ``name`` (see :func:`examples` for the names).

    Examples
    --------
    >>> belt = example("cross_border_belt")
    >>> belt.member("riverbend")["name"]
    'Riverbend Socks'
    """
    from ecosystem.files import load
    path = example_path(name) if isinstance(name, str) else None
    if path is None:
        raise ParameterError(f"no bundled example {name!r}; the examples are: "
                             + ", ".join(_names()))
    return load(path)


def _regenerate() -> None:
    """Write every bundled file from its builder."""
    from ecosystem.files import save
    _HERE.mkdir(exist_ok=True)
    for name, build in GENERATORS.items():
        save(build(), _HERE / f"{name}.yaml")

