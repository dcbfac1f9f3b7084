"""One BLAS thread inside calls that make many small linear-algebra calls.

OpenBLAS starts one thread per core for every call, however small. A loop of
hundreds of eigendecompositions of a 100 x 100 matrix then spends most of its
time waking and synchronising threads, and on a machine whose cores are busy
with other work the threads wait for each other: an order of magnitude slower
than one thread. :func:`one_blas_thread` limits every loaded BLAS library (numpy's
and scipy's may be different copies) to one thread for the duration of a call and
restores the previous setting afterwards, so no user has to set
``OPENBLAS_NUM_THREADS`` before starting Python.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar

from threadpoolctl import threadpool_limits

__all__ = ["one_blas_thread", "single_blas_thread"]

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Hold every loaded BLAS library to one thread inside the ``with`` block.

    Entering costs about a millisecond (the loaded libraries are looked up each
    time, so a BLAS loaded since the last call is limited too): use it around a
    loop of small calls, not inside one.

    Examples
    --------
    >>> import numpy as np
    >>> from threadpoolctl import threadpool_info
    >>> with one_blas_thread():
    ...     inside = {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}
    ...     value = float(np.linalg.eigvalsh(np.array([[2.0, 1.0], [1.0, 2.0]]))[-1])
    >>> inside <= {1}, value
    (True, 3.0)
    """
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def single_blas_thread(function: F) -> F:
    """Decorate ``function`` to run inside :func:`one_blas_thread`.

    Examples
    --------
    >>> from threadpoolctl import threadpool_info
    >>> @single_blas_thread
    ... def blas_threads():
    ...     return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}
    >>> blas_threads() <= {1}
    True
    """
    @functools.wraps(function)
    def limited(*args: Any, **kwargs: Any) -> Any:
        with one_blas_thread():
            return function(*args, **kwargs)

    return limited  # type: ignore[return-value]
