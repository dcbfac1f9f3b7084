"""What every figure shares: a fresh Figure or the caller's Axes, saving by extension."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable, TypeVar

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ecosystem import ParameterError
from ecosystem._atomic import atomic_path

__all__ = ["new_axes", "finish", "save_format", "numeric_frame", "SAVE_FORMATS", "cjk_font",
           "with_cjk_fonts"]

#: CJK font families looked for, Simplified Chinese first (Noto and Source Han on Linux,
#: the system fonts of Windows and macOS).
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
                "Heiti SC", "Hiragino Sans GB", "Noto Sans CJK JP", "Noto Sans CJK TC",
                "Source Han Sans", "Droid Sans Fallback", "AR PL UMing CN", "Noto Serif CJK SC")

_F = TypeVar("_F", bound=Callable[..., Any])

#: File extensions a figure can be saved as.
SAVE_FORMATS = (".png", ".svg", ".pdf")


def new_axes(ax: Axes | None, figsize: tuple[float, float], ncols: int = 1
             ) -> tuple[Figure, list[Axes]]:
    """The caller's ``ax`` (one panel only) or new axes on a new Figure (no pyplot state)."""
    if ax is not None:
        if ncols != 1:
            raise ParameterError(f"this figure has {ncols} panels; pass ax=None")
        parent = ax.figure
        # an axes of a subfigure: return the root figure, the one that can be saved
        return (parent if isinstance(parent, Figure) else parent.figure), [ax]
    figure = Figure(figsize=figsize, layout="constrained")
    axes = figure.subplots(1, ncols, squeeze=False)[0]
    return figure, list(axes)


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family of an installed font with Chinese glyphs (see :data:`CJK_FAMILIES`),
    found at run time among matplotlib's fonts, or None when there is none."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def with_cjk_fonts(draw: _F) -> _F:
    """Draw with the usual sans-serif fonts and, for glyphs they lack (Chinese member
    names such as 诸暨袜业), the CJK font of :func:`cjk_font`, for this figure only."""
    @functools.wraps(draw)
    def drawn(*args: Any, **kwargs: Any):
        import matplotlib

        family = cjk_font()
        if family is None:
            return draw(*args, **kwargs)
        current = list(matplotlib.rcParams["font.family"])
        with matplotlib.rc_context({"font.family": current + [family]}):
            return draw(*args, **kwargs)
    return drawn  # type: ignore[return-value]


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
        kind = save_format(path)
        with atomic_path(path) as temporary:
            figure.savefig(temporary, dpi=dpi, format=kind)
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
