"""pyarrow, when it is installed: the optional engine of the large-file readers and writers.

Every path that uses it has a path without it that gives the same result (the
same ecosystem, the same bytes, the same error), so pyarrow stays an optional
dependency (``pip install ecobelt[parquet]``). Small files take the paths without
it (importing pyarrow costs more than it saves there); tests run both paths by
setting :data:`ENABLED`.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence, TypeVar

import numpy as np

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["ENABLED", "modules", "float_texts", "number_texts", "text_of", "text_view",
           "in_order", "THREADS"]

T = TypeVar("T")

#: None: pyarrow for work of :data:`MIN_BYTES` or more; True: for any size; False: never
#: (tests set it to run both paths).
ENABLED: bool | None = None
#: Below this many bytes of text the paths without pyarrow are as fast as importing it.
MIN_BYTES = 1 << 23
#: Chunks of a file's text made at once by :func:`in_order`: one per core this process may
#: use, up to 4.
THREADS = min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
              else os.cpu_count() or 1)


def modules(size: int) -> SimpleNamespace | None:
    """``pa``, ``pc`` (compute), ``json`` and ``csv`` of pyarrow for work on about ``size``
    bytes of text, or None (without pyarrow, or for a small file)."""
    if ENABLED is False or ENABLED is None and size < MIN_BYTES:
        return None
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pcsv
        import pyarrow.json as pjson
    except ImportError:
        return None
    return SimpleNamespace(pa=pa, pc=pc, json=pjson, csv=pcsv)


def float_texts(arrow: SimpleNamespace, values: np.ndarray,
                python: Callable[[np.ndarray], list[str]]) -> Any:
    """The text of every float as ``float.__repr__`` spells it, as a pyarrow string array.

    pyarrow spells a float with the same shortest digits, positionally from 1e-4 to 1e10
    (where Python's repr too writes no exponent), but without repr's ``.0`` after a whole
    number; ``python`` gives the texts of the values outside that range (exponents, NaN,
    infinity) the way the caller spells them.
    """
    pa, pc = arrow.pa, arrow.pc
    size = np.abs(values)
    plain = (size >= 1e-4) & (size < 1e10) | (values == 0)
    texts = pc.cast(pa.array(values, pa.float64()), pa.string())
    whole = plain & (values == np.floor(values))
    if whole.any():  # ".0" joined to the whole numbers alone, then put in their places
        mask = pa.array(whole)
        texts = pc.replace_with_mask(
            texts, mask, pc.binary_join_element_wise(texts.filter(mask), ".0", ""))
    if not plain.all():
        others = ~plain
        texts = pc.replace_with_mask(texts, pa.array(others),
                                     pa.array(python(values[others]), pa.string()))
    return texts


def number_texts(arrow: SimpleNamespace, values: np.ndarray,
                 python: Callable[[np.ndarray], list[str]]) -> Any:
    """The texts of a float, int or bool array (``repr``; ``true``/``false``) in pyarrow."""
    pa, pc = arrow.pa, arrow.pc
    kind = values.dtype.kind
    if kind == "f":
        return float_texts(arrow, values, python)
    if kind == "b":
        return pc.if_else(pa.array(values), "true", "false")
    return pc.cast(pa.array(values, pa.int64()), pa.string())


def text_of(arrow: SimpleNamespace, texts: pa.StringArray) -> bytes:
    """The bytes of a pyarrow string array's values one after another."""
    return text_view(texts).tobytes()


def text_view(texts: pa.StringArray) -> memoryview:
    """:func:`text_of` without the copy: a view of the array's own buffer."""
    if not len(texts):
        return memoryview(b"")
    offsets = np.frombuffer(texts.buffers()[1], np.int32)[texts.offset:texts.offset + len(texts)
                                                          + 1]
    return memoryview(texts.buffers()[2])[offsets[0]:offsets[-1]]


def in_order(make: Callable[[int], T], starts: Sequence[int]) -> Iterator[T]:
    """``make(start)`` for each of ``starts``, in order, up to :data:`THREADS` of them made at
    once on threads (pyarrow's kernels let go of the GIL); so a writer holds at most that
    many chunks besides the one it writes.

    Examples
    --------
    >>> list(in_order(lambda start: start * start, range(5)))
    [0, 1, 4, 9, 16]
    """
    if THREADS < 2 or len(starts) < 2:
        yield from map(make, starts)
        return
    with ThreadPoolExecutor(THREADS) as pool:
        pending: deque[Future[T]] = deque()
        for start in starts:
            pending.append(pool.submit(make, start))
            if len(pending) >= THREADS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
