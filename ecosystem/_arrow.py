"""pyarrow, when it is installed: the optional engine of the large-file readers and writers.

Every path that uses it has a path without it that gives the same result (the
same ecosystem, the same bytes, the same error), so pyarrow stays an optional
dependency (``pip install ecobelt[parquet]``). Tests run both paths by turning
:data:`ENABLED` off.
"""

from __future__ import annotations

from types import SimpleNamespace

__all__ = ["ENABLED", "modules"]

#: False: every reader and writer takes its path without pyarrow (set by tests).
ENABLED = True


def modules() -> SimpleNamespace | None:
    """``pa``, ``pc`` (compute), ``json`` and ``csv`` of pyarrow, or None without it."""
    if not ENABLED:
        return None
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pcsv
        import pyarrow.json as pjson
    except ImportError:
        return None
    return SimpleNamespace(pa=pa, pc=pc, json=pjson, csv=pcsv)
