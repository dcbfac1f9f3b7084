"""numpy's own 8-lane logarithm called from compiled code, and Horn's fused pass on it.

Imported only where numba is installed and numpy's ``log`` is SVML's high-accuracy
8-lane logarithm (see :mod:`ecosystem.niche._compiled`, which checks both and then
tests this module's logarithm against ``np.log`` before it uses :func:`fused`).
"""

from __future__ import annotations

from typing import Any

import llvmlite.binding as llvm
import numba
import numpy as np
from llvmlite import ir
from numba.core import cgutils
from numba.extending import intrinsic

from ._compiled import _NUMPY_LOG8

__all__ = ["declare", "logs", "fused"]

_LANES = ir.VectorType(ir.DoubleType(), 8)


def declare(address: int) -> None:
    """Tell the compiler where numpy's 8-lane logarithm is (before any kernel runs)."""
    llvm.add_symbol(_NUMPY_LOG8, address)


@intrinsic
def _log8(typing_context: Any, array: Any, start: Any) -> Any:
    """``array[start:start + 8] = log(array[start:start + 8])`` with numpy's function."""
    def _generate(context: Any, builder: Any, signature: Any, arguments: Any) -> Any:
        data = context.make_array(signature.args[0])(context, builder, arguments[0]).data
        where = builder.bitcast(builder.gep(data, [arguments[1]]), _LANES.as_pointer())
        function = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(_LANES, [_LANES]), _NUMPY_LOG8)
        builder.store(builder.call(function, [builder.load(where, align=8)]), where, align=8)
        return context.get_dummy_value()
    return numba.types.void(array, start), _generate


# no fastmath: a fused multiply-add or a reordered sum would change the last bit
_compile = numba.njit(cache=True, nogil=True, error_model="numpy")


@_compile
def logs(values: np.ndarray) -> None:
    """The logarithm of every value in place (``values.size`` a multiple of 8)."""
    if values.size % 8:
        raise ValueError("logs takes a multiple of 8 values")
    for start in range(0, values.size, 8):
        _log8(values, start)  # type: ignore[call-arg]


@_compile
def fused(columns: np.ndarray, row: int, rows: int, col: int, width: int, out: np.ndarray,
          out_row: int, out_col: int, own: np.ndarray, scale: float, finish: bool,
          sums: np.ndarray) -> None:
    """What ``_compiled``'s two passes and numpy's ``log`` between them do, one row at a
    time: the sums stay in ``sums`` (``width`` values, padded to a multiple of 8 with
    ones, whose logarithm is 0), the same additions and products in the same order."""
    last = columns.shape[0] - 1
    padded = (width + 7) // 8 * 8
    for j in range(width, padded):
        sums[j] = 1.0
    for i in range(rows):
        line = out[out_row + i, out_col:out_col + width]
        for k in range(columns.shape[0]):
            source = columns[k, col:col + width]
            p = columns[k, row + i]
            for j in range(width):
                sums[j] = p + source[j]
            for j in range(0, padded, 8):
                _log8(sums, j)  # type: ignore[call-arg]
            if k == 0 and not (finish and k == last):
                for j in range(width):
                    line[j] = sums[j] * (p + source[j])
            elif not (finish and k == last):
                for j in range(width):
                    line[j] += sums[j] * (p + source[j])
            else:
                mine = own[row + i]
                theirs = own[col:col + width]
                for j in range(width):
                    value = sums[j] * (p + source[j]) if k == 0 else \
                        line[j] + sums[j] * (p + source[j])
                    value = ((value - mine) - theirs[j]) * scale
                    line[j] = min(value, 1.0)
