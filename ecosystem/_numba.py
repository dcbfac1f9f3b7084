"""The one switch for every compiled path (the ``fast`` extra): ``ECOBELT_NUMBA=0`` runs the
numpy code even where numba is installed."""

from __future__ import annotations

import os

__all__ = ["ENVIRONMENT_VARIABLE", "switched_off"]

#: The environment variable that switches numba off for ecobelt.
ENVIRONMENT_VARIABLE = "ECOBELT_NUMBA"


def switched_off() -> bool:
    """Whether ``ECOBELT_NUMBA`` says no (``0``, ``false``, ``no`` or ``off``, any case).

    Examples
    --------
    >>> import os
    >>> os.environ[ENVIRONMENT_VARIABLE] = " Off "
    >>> switched_off()
    True
    >>> del os.environ[ENVIRONMENT_VARIABLE]
    >>> switched_off()
    False
    """
    return os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower() in ("0", "false", "no", "off")
