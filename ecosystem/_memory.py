"""State the memory a computation needs before allocating it.

A parameter such as ``periods=10**9`` or a dense n x n matrix of a large
ecosystem can ask for more memory than the machine has; numpy then either
raises a bare ``MemoryError`` after a long wait or the operating system
swaps and kills the process. :func:`check_allocation` compares the size
with the memory available *before* anything is allocated and raises a
one-line :class:`~ecosystem.MemoryNeedError` giving both sizes and the
option that avoids the allocation.

The limit is the memory the operating system reports as available (Linux's
``MemAvailable``, or physical memory elsewhere), lowered by the process's
address-space limit (``ulimit -v``) when one is set. The environment
variable ``ECOBELT_MEMORY_LIMIT`` (bytes, or a number with ``K``, ``M``,
``G`` or ``T``) replaces it, for example to keep a shared server's jobs
small.
"""

from __future__ import annotations

import math
import os
import re

from ._errors import MemoryNeedError, ParameterError

__all__ = ["check_allocation", "available_memory", "format_bytes", "ENVIRONMENT_VARIABLE"]

#: The environment variable that sets the limit in bytes (``2G``, ``500M``, ``1e9``).
ENVIRONMENT_VARIABLE = "ECOBELT_MEMORY_LIMIT"
_UNITS = {"": 1, "B": 1, "K": 2 ** 10, "M": 2 ** 20, "G": 2 ** 30, "T": 2 ** 40}
_SIZE = re.compile(r"\s*([0-9.eE+]+)\s*([KMGT]?)(?:I?B)?\s*", re.IGNORECASE)


def format_bytes(nbytes: float) -> str:
    """``nbytes`` in the largest binary unit that keeps it at least 1 (``1.5 GiB``).

    Examples
    --------
    >>> format_bytes(3 * 2 ** 30 // 2), format_bytes(512), format_bytes(2 ** 50)
    ('1.5 GiB', '512 B', '1024.0 TiB')
    """
    for unit in ("TiB", "GiB", "MiB", "KiB"):
        scale = _UNITS[unit[0]]
        if nbytes >= scale:
            return f"{nbytes / scale:.1f} {unit}"
    return f"{int(nbytes)} B"


def _from_environment() -> int | None:
    text = os.environ.get(ENVIRONMENT_VARIABLE)
    if not text:
        return None
    match = _SIZE.fullmatch(text)
    try:
        value = float(match.group(1)) * _UNITS[match.group(2).upper()] if match else -1.0
    except ValueError:
        value = -1.0
    if not value > 0 or not math.isfinite(value):
        raise ParameterError(f"{ENVIRONMENT_VARIABLE}={text!r} is not a size; give bytes or a "
                             "number with K, M, G or T, such as 2G")
    return int(value)


def _operating_system() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _address_space_left() -> int | None:
    try:
        import resource
        limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    except (ImportError, OSError, ValueError):
        return None
    if limit == resource.RLIM_INFINITY:
        return None
    try:  # what the process has mapped already counts against the limit
        with open("/proc/self/statm", encoding="ascii") as handle:
            used = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        used = 0
    return max(limit - used, 0)


def available_memory() -> int | None:
    """Bytes a new allocation may take (see the module text), or None when unknown."""
    configured = _from_environment()
    if configured is not None:
        return configured
    sizes = [size for size in (_operating_system(), _address_space_left()) if size is not None]
    return min(sizes) if sizes else None


def check_allocation(nbytes: float, what: str, fix: str) -> None:
    """Raise :class:`~ecosystem.MemoryNeedError` if ``nbytes`` exceed the memory available.

    Parameters
    ----------
    nbytes : float
        The bytes the computation is about to allocate (a float, so that the
        product of huge parameters does not have to fit an integer type).
    what : str
        What would be allocated, with the parameters that set its size, such
        as ``"a 1000 x 1000000000 float64 array (replications x periods)"``.
    fix : str
        The option or call that avoids it, such as ``"use fewer --periods"``.

    Examples
    --------
    >>> check_allocation(8 * 1000, "1,000 float64 values", "use fewer")  # fits: nothing happens
    >>> check_allocation(8e18, "an 8e17-value array (periods)", "use fewer periods")
    Traceback (most recent call last):
    ...
    ecosystem.MemoryNeedError: an 8e17-value array (periods) needs 7275957.6 TiB but ... is available; use fewer periods
    """  # noqa: E501
    if not nbytes >= 0:
        raise ParameterError(f"{what}: the size to allocate is {nbytes!r} bytes")
    available = available_memory()
    if available is None or nbytes <= available:
        return
    raise MemoryNeedError(f"{what} needs {format_bytes(nbytes)} but {format_bytes(available)} "
                          f"is available; {fix}", needed=int(min(nbytes, 2 ** 63)),
                          available=available)
