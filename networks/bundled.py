"""The bundled example ecosystems."""

from __future__ import annotations

from pathlib import Path

__all__ = ["example_path"]

_HERE = Path(__file__).parent / "examples"


def example_path(name: str) -> Path | None:
    """The spec file of the bundled example ``name``, or None if there is none."""
    for candidate in sorted(_HERE.glob(f"{name}.*")):
        return candidate
    return None
