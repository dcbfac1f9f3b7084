"""Old parameter names that keep working for one release, with a DeprecationWarning."""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from ._errors import ParameterError
from ._warn import warn

__all__ = ["renamed"]

F = TypeVar("F", bound=Callable[..., Any])


def renamed(**old_to_new: str) -> Callable[[F], F]:
    """Accept each old keyword name of the decorated function as its new one, with a warning.

    Examples
    --------
    >>> @renamed(runs="replications")
    ... def spread(replications=10):
    ...     return replications
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     spread(runs=3), str(caught[0].message)
    (3, 'spread(runs=...) is now spread(replications=...); the old name goes in the next release')
    """
    def wrap(func: F) -> F:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            for old, new in old_to_new.items():
                if old in kwargs:
                    if new in kwargs:
                        raise ParameterError(f"{func.__name__}: give {new}= only ({old}= is its "
                                             "old name)")
                    warn(f"{func.__name__}({old}=...) is now {func.__name__}({new}=...);"
                         " the old name goes in the next release", DeprecationWarning)
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)
        inner.__renamed__ = dict(old_to_new)  # type: ignore[attr-defined]
        return inner  # type: ignore[return-value]
    return wrap
