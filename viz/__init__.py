"""Interactive HTML networks and figures of an ecosystem."""

__all__: list[str] = []
