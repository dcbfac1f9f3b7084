"""Horn's dense sums with numba (the ``fast`` extra), bit for bit the numpy loop's values.

The numpy loop of :meth:`ecosystem.niche._kernels.Kernel._horn_dense` makes four
passes over a tile of pairs per resource (add the two shares, take the
logarithm, multiply, accumulate). Here one compiled pass writes the sums of
every resource for a tile of rows, numpy's own ``log`` takes their logarithms in
place in one call (so both paths take the same logarithm: numba's ``log`` is
the C library's, which differs from numpy's vectorised one in the last bit for
some values), and a second compiled pass multiplies each logarithm by its sum
(recomputed, the same addition) and accumulates over the resources in the same
order as the numpy loop, without fused multiply-adds. So every entry is the
same double in both paths (the tests compare them with ``np.array_equal``).
Without numba, or with the environment variable ``ECOBELT_NUMBA=0``, the numpy
loop runs.

Where numpy's ``log`` is SVML's 8-lane high-accuracy logarithm (x86-64 builds on
a CPU with AVX-512, where numpy's own library exports it as ``__svml_log8_ha``),
one compiled pass does it all: each row's sums go into a buffer of at most
2,048 values that stays in the first-level cache, that same function takes
their logarithms eight at a time, and the products are accumulated as above;
nothing passes through memory between the steps. It is used only after it has
given numpy's own ``log`` bit for bit on 65,544 test values on this machine,
and only where numba compiles for this CPU's AVX-512 (the two passes run
otherwise).
"""

from __future__ import annotations

import ctypes
from functools import lru_cache
from typing import Any

import numpy as np

from .._numba import ENVIRONMENT_VARIABLE, switched_off
from .._rng import as_generator

__all__ = ["available", "horn_sums", "ENVIRONMENT_VARIABLE"]

# values of the buffer of sums (all resources of a tile of rows): 512 KB stays in a core's
# L2 cache between the three passes over it; a larger buffer was slower (RESULTS.md)
_BUFFER = 2**16
# rows of the fused pass per column chunk: fewer pairs below the diagonal computed for nothing
_FUSED_ROWS = 64
_FUSED_WIDTH = 2048


def available() -> bool:
    """Whether the compiled passes run: numba importable and not switched off."""
    if switched_off():
        return False
    return _kernels() is not None


def _fill(columns: np.ndarray, row: int, col: int, sums: np.ndarray) -> None:
    # whole C-ordered arrays and offsets, rows taken as 1-D views: unit strides that the
    # compiler turns into vector instructions (2-D slices of them were 3x slower)
    for k in range(sums.shape[0]):
        source = columns[k]
        for i in range(sums.shape[1]):
            p = source[row + i]
            target = sums[k, i]
            for j in range(sums.shape[2]):
                target[j] = p + source[col + j]


def _weigh(columns: np.ndarray, row: int, col: int, logs: np.ndarray, out: np.ndarray,
           out_row: int, out_col: int, own: np.ndarray, scale: float, finish: bool) -> None:
    width = logs.shape[2]
    last = logs.shape[0] - 1
    for i in range(logs.shape[1]):
        line = out[out_row + i, out_col:out_col + width]
        for k in range(logs.shape[0]):
            source = columns[k, col:col + width]
            log = logs[k, i]
            p = columns[k, row + i]
            if k == 0 and not (finish and k == last):
                for j in range(width):
                    line[j] = log[j] * (p + source[j])
            elif not (finish and k == last):
                for j in range(width):
                    line[j] += log[j] * (p + source[j])
            else:  # the last resource, then what the numpy path does to the sums, in order
                mine = own[row + i]
                theirs = own[col:col + width]
                for j in range(width):
                    value = log[j] * (p + source[j]) if k == 0 else \
                        line[j] + log[j] * (p + source[j])
                    value = ((value - mine) - theirs[j]) * scale
                    line[j] = min(value, 1.0)


_NUMPY_LOG8 = "__svml_log8_ha"


def _numpy_log8() -> int | None:
    """The address of the 8-lane logarithm numpy's ``log`` runs here, or None."""
    try:
        from numpy._core import _multiarray_umath as umath  # type: ignore[attr-defined]
    except ImportError:
        return None
    if not getattr(umath, "__cpu_features__", {}).get("AVX512_SKX"):
        return None  # numpy takes another logarithm on this CPU
    try:
        return ctypes.cast(getattr(ctypes.CDLL(umath.__file__), _NUMPY_LOG8),
                           ctypes.c_void_p).value
    except (OSError, AttributeError):
        return None


def _compiles_for_avx512(numba: Any) -> bool:
    """Whether numba compiles for this CPU and it has AVX-512 (the calling convention the
    8-lane logarithm expects)."""
    if getattr(numba.config, "CPU_NAME", None) not in (None, "host") or \
            getattr(numba.config, "CPU_FEATURES", None):
        return False
    import llvmlite.binding as llvm
    return "+avx512f" in llvm.get_host_cpu_features().flatten().split(",")


def _log_test_values() -> np.ndarray:
    """Values where two logarithms would part: the whole range Horn meets, and its edges."""
    rng = as_generator(0)
    edges = [1e-300, 2e-300, np.nextafter(1.0, 0.0), 1.0, np.nextafter(1.0, 2.0), 0.5, 1.5,
             2.0]
    return np.concatenate([rng.random(2**15) * 2.0, np.exp(rng.uniform(-690.0, 0.7, 2**15)),
                           edges])


def _fused_kernel() -> Any:
    """The fused pass calling numpy's own 8-lane logarithm, or None where it is not that."""
    import numba
    if getattr(numba.config, "DISABLE_JIT", False):
        return None  # the logarithm is machine code only: plain Python cannot call it
    if not _compiles_for_avx512(numba):
        return None  # the 8 lanes would not be passed in one 512-bit register
    address = _numpy_log8()
    if not address:
        return None
    from . import _numpy_log  # needs numba; declares the logarithm at this address
    _numpy_log.declare(address)
    values = _log_test_values()
    ours = values.copy()
    _numpy_log.logs(ours)
    if not np.array_equal(ours, np.log(values)):
        return None
    return _numpy_log.fused


@lru_cache(maxsize=1)
def _kernels() -> tuple[Any, Any, Any] | None:
    try:
        import numba
    except ImportError:
        return None
    # no fastmath: a fused multiply-add or a reordered sum would change the last bit;
    # cache=True keeps the machine code, so only the first run on a machine compiles
    compile = numba.njit(cache=True, nogil=True, error_model="numpy")
    return compile(_fill), compile(_weigh), _fused_kernel()


def horn_sums(columns: np.ndarray, start: int, stop: int, first: int, out: np.ndarray,
              own: np.ndarray | None = None, scale: float = 1.0) -> None:
    """``out[i - start, j - first] = sum_k (p_ik + p_jk) ln(p_ik + p_jk)`` over the rows
    of ``columns`` (resources x members, shares plus the log floor) for the pairs on and
    above the diagonal (``first == start``) or every pair of the block; other entries
    are left as they are. With ``own`` (``sum_k p_ik ln p_ik`` of every member), the
    index itself: ``min((sum - own_i - own_j) * scale, 1)``, in that order, as the numpy
    path computes it from the sums. Needs :func:`available`."""
    kernels = _kernels()
    assert kernels is not None, "horn_sums needs numba (check available() first)"
    assert columns.flags.c_contiguous and out.flags.c_contiguous
    fill, weigh, fused = kernels
    r = columns.shape[0]
    finish_own = own if own is not None else np.zeros(1)
    if fused is not None:
        # columns at a time: the chunk of ``columns`` in the second-level cache, the sums
        # (at most _FUSED_WIDTH of them) in the first
        width = max(1, min(_BUFFER // r, _FUSED_WIDTH, columns.shape[1] - first))
        sums = np.empty(width + 8)
        for low in range(0, stop - start, _FUSED_ROWS):
            high = min(low + _FUSED_ROWS, stop - start)
            left = low if first == start else 0  # columns left of it are below the diagonal
            for begin in range(first + left, columns.shape[1], width):
                fused(columns, start + low, high - low, begin,
                      min(width, columns.shape[1] - begin), out, low, begin - first,
                      finish_own, scale, own is not None, sums)
        return
    chunk = max(1, min(_BUFFER // r, columns.shape[1] - first))  # columns at a time
    tile = max(1, min(stop - start, _BUFFER // (r * chunk)))  # rows at a time
    buffer = np.empty(r * tile * chunk)
    for low in range(0, stop - start, tile):
        high = min(low + tile, stop - start)
        left = low if first == start else 0  # columns left of it are below the diagonal
        for begin in range(first + left, columns.shape[1], chunk):
            width = min(chunk, columns.shape[1] - begin)
            sums = buffer[:r * (high - low) * width].reshape(r, high - low, width)
            fill(columns, start + low, begin, sums)
            np.log(sums, out=sums)
            weigh(columns, start + low, begin, sums, out, low, begin - first, finish_own,
                  scale, own is not None)
