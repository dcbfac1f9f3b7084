"""What every figure shares: a fresh Figure or the caller's Axes, saving by extension."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ecosystem import ParameterError

__all__ = ["new_axes", "finish", "save_format", "numeric_frame", "SAVE_FORMATS"]

#: File extensions a figure can be saved as.
SAVE_FORMATS = (".png", ".svg", ".pdf")


def new_axes(ax: Axes | None, figsize: tuple[float, float], ncols: int = 1
             ) -> tuple[Figure, list[Axes]]:
    """The caller's ``ax`` (one panel only) or new axes on a new Figure (no pyplot state)."""
    if ax is not None:
        if ncols != 1:
            raise ParameterError(f"this figure has {ncols} panels; pass ax=None")
        return ax.figure, [ax]
    figure = Figure(figsize=figsize, layout="constrained")
    axes = figure.subplots(1, ncols, squeeze=False)[0]
    return figure, list(axes)


def save_format(path: str | Path) -> str:
    """The format a figure is saved in at ``path``: its extension, one of :data:`SAVE_FORMATS`.

    Examples
    --------
    >>> save_format("rings.SVG")
    'svg'
    """
    suffix = Path(path).suffix.lower()
    if suffix not in SAVE_FORMATS:
        raise ParameterError(f"cannot save a figure as {str(path)!r}: the file name must end "
                             f"in one of {', '.join(SAVE_FORMATS)}")
    return suffix[1:]


def finish(figure: Figure, path: str | Path | None, dpi: int = 150) -> Figure:
    """Save ``figure`` to ``path`` (format from the extension) if given; return it."""
    if path is not None:
        figure.savefig(path, dpi=dpi, format=save_format(path))
    return figure


def numeric_frame(data, what: str, *, min_rows: int = 1) -> pd.DataFrame:
    """``data`` (DataFrame, Series, mapping or 2-D array) as an all-numeric DataFrame."""
    if isinstance(data, pd.Series):
        frame = data.to_frame(data.name if data.name is not None else "value")
    elif isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, dict):
        frame = pd.DataFrame(data)
    else:
        array = np.asarray(data)
        if array.ndim == 1:
            array = array[:, None]
        if array.ndim != 2:
            raise ParameterError(f"{what} must be a table (DataFrame, Series or 2-D array), "
                                 f"got an array of shape {array.shape}")
        frame = pd.DataFrame(array)
    bad = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])
           or pd.api.types.is_bool_dtype(frame[c])]
    if bad:
        raise ParameterError(f"{what}: columns {bad!r} are not numeric")
    if len(frame) < min_rows or frame.shape[1] == 0:
        raise ParameterError(f"{what} needs at least {min_rows} row(s) and one column, "
                             f"got shape {frame.shape}")
    return frame
