"""Columns of JSON-ready values: what the page data is made of.

Missing and non-finite numbers become ``null``; values that JSON cannot hold
become their (shortened) text.
"""

from __future__ import annotations

import math
from itertools import chain
from typing import Any, Sequence

import numpy as np
import pandas as pd

__all__ = ["json_column", "numbers", "frame_columns", "attribute_columns", "spread"]

_TEXT_LIMIT = 200


def _json_value(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    text = str(value)
    return text if len(text) <= _TEXT_LIMIT else text[:_TEXT_LIMIT - 1] + "\u2026"


def _is_number_type(kind: type) -> bool:
    return issubclass(kind, (int, float, np.integer, np.floating)) and not issubclass(
        kind, (bool, np.bool_))


def json_column(values: list) -> list:
    """``values`` as JSON-ready Python objects: missing and non-finite numbers become None.

    Examples
    --------
    >>> json_column([1.5, None, float("nan"), np.float64(2.0)])
    [1.5, None, None, 2.0]
    >>> json_column(["a", 3, True, None, (1, 2)])
    ['a', 3, True, None, '(1, 2)']
    """
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if kinds <= {str, int, bool}:
        return values
    if all(map(_is_number_type, kinds)):
        array = np.array(values, dtype=float)  # None becomes NaN
        out = array.tolist()
        for i in np.flatnonzero(~np.isfinite(array)):  # only the missing entries
            out[i] = None
        return out
    return [_json_value(v) for v in values]


def numbers(values: list) -> np.ndarray:
    """Floats, NaN where a value is missing or not a number."""
    try:
        return np.array(values, dtype=float)
    except (TypeError, ValueError):
        return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(float)


def spread(values: np.ndarray, low: float, high: float) -> tuple[np.ndarray, tuple | None]:
    """``values`` mapped linearly onto ``[low, high]`` (node sizes, edge widths).

    The smallest finite value goes to ``low``, the largest to ``high``, all of
    them to the middle when they are equal; a missing or non-finite value gets
    ``low``. Also returns the finite values' ``(min, max)`` (None if there is none).

    Examples
    --------
    >>> scaled, span = spread(np.array([1.0, 3.0, np.nan, 2.0]), 5.0, 25.0)
    >>> scaled.tolist(), span
    ([5.0, 25.0, 5.0, 15.0], (1.0, 3.0))
    """
    out = np.full(len(values), float(low))
    finite = np.isfinite(values)
    if not finite.any():
        return out, None
    lo, hi = values[finite].min(), values[finite].max()
    scaled = (values[finite] - lo) / (hi - lo) if hi > lo else 0.5
    out[finite] = low + (high - low) * scaled
    return out, (float(lo), float(hi))


def frame_columns(frame: pd.DataFrame) -> dict:
    """A DataFrame as ``{"names": [...], "values": [column, ...]}`` of JSON-ready columns.

    Examples
    --------
    >>> frame_columns(pd.DataFrame({"a": [1, 2], "b": [0.5, np.nan]}))
    {'names': ['a', 'b'], 'values': [[1, 2], [0.5, None]]}
    """
    values = []
    for name in frame.columns:
        column = frame[name]
        if column.dtype.kind in "iub" and not column.hasnans:
            values.append(column.tolist())
        elif column.dtype.kind == "f":
            values.append(json_column(column.tolist()))
        else:
            values.append(json_column([None if v is pd.NA or (isinstance(v, float) and v != v)
                                       else v for v in column.tolist()]))
    return {"names": [str(c) for c in frame.columns], "values": values}


def attribute_columns(records: Sequence[dict], skip: tuple[str, ...] = ()) -> dict:
    """Attribute dicts (one per node or link) as columns, a key missing from a dict is None.

    Examples
    --------
    >>> attribute_columns([{"volume": 2.0}, {"volume": 1.0, "lane": "sea"}])
    {'names': ['volume', 'lane'], 'values': [[2.0, 1.0], [None, 'sea']]}
    """
    names = [k for k in dict.fromkeys(chain.from_iterable(records)) if k not in skip]
    return {"names": [str(k) for k in names],
            "values": [json_column([d.get(k) for d in records]) for k in names]}
