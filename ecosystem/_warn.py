"""Warnings attributed to the user's line.

A warning raised deep inside ecobelt is most useful when it names the line of
the user's code that called ecobelt, not a frame of ours: that is the line to
change, and it is what ``warnings`` filters by module match. A fixed
``stacklevel`` is wrong as soon as the call passes through another of our
functions (a decorator, a method calling a helper), so the level is counted
here by walking past every frame of the ``ecosystem``, ``networks`` and ``viz``
packages.
"""

from __future__ import annotations

import os
import sys
import warnings

__all__ = ["warn"]

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_OURS = tuple(os.path.join(_ROOT, package) + os.sep for package in ("ecosystem", "networks", "viz"))


def _ours(filename: str) -> bool:
    return filename.startswith(_OURS)


def warn(message: str, category: type[Warning]) -> None:
    """Issue ``message`` as ``category`` at the first frame outside ecobelt's packages.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("volumes overflow", RuntimeWarning)
    >>> caught[0].filename == __file__, str(caught[0].message)
    (False, 'volumes overflow')
    """
    frame = sys._getframe(1)
    level = 2
    while frame.f_back is not None and _ours(frame.f_code.co_filename):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
