"""Builders, loaders and the bundled example ecosystems."""

__all__: list[str] = []
