"""What every result has in common (the result rule of CONTRIBUTING.md).

A result is a frozen dataclass whose data are attributes; it subclasses
:class:`Result`, which gives it a text report (``str(result)``) and a notebook
view (``_repr_html_``) built from its one-line :meth:`Result.headline` and its
:meth:`Result.summary` table. Tables per ring list the rings in the taxonomy's
order (:func:`in_ring_order`).
"""

from __future__ import annotations

import abc
import html
from typing import Any, Callable

import pandas as pd

from .taxonomy import Ring
from ._warn import warn

__all__ = ["Result", "RING_ORDER", "in_ring_order", "was_attribute"]

#: The rings in the taxonomy's order: core, sub_core, outer.
RING_ORDER = tuple(r.value for r in Ring)


class Result(abc.ABC):
    """Base class of the results: ``str()`` and ``_repr_html_`` from ``summary()``."""

    @abc.abstractmethod
    def summary(self) -> pd.DataFrame:
        """The result's main table (every result defines it)."""

    def headline(self) -> str:
        """One line that says what the result is."""
        return type(self).__name__

    def __str__(self) -> str:
        with pd.option_context("display.max_rows", 60, "display.max_columns", None,
                               "display.width", 120):
            return f"{self.headline()}\n{self.summary().to_string()}"

    def _repr_html_(self) -> str:
        return (f"<p><b>{html.escape(self.headline())}</b></p>"
                + self.summary().to_html(max_rows=60))


def in_ring_order(frame: pd.DataFrame | pd.Series, level: str | int = 0
                  ) -> pd.DataFrame | pd.Series:
    """``frame`` with its ring rows in the taxonomy's order (rings absent stay absent)."""
    index = frame.index
    if isinstance(index, pd.MultiIndex):
        rings = index.get_level_values(level)
        order = {ring: k for k, ring in enumerate(RING_ORDER)}
        return frame.iloc[sorted(range(len(frame)),
                                 key=lambda i: order.get(str(rings[i]), len(order)))]
    present = [r for r in RING_ORDER if r in index]
    return frame.loc[present + [r for r in index if r not in RING_ORDER]]


class _FrameOrMethod(pd.DataFrame):
    """A table that used to be a DataFrame attribute and is now a method.

    Calling it (the new way) returns a plain DataFrame; using it as a frame
    still works for one release and warns once.
    """

    _metadata = ["_was_note"]

    def __call__(self) -> pd.DataFrame:
        return pd.DataFrame(self, copy=True)

    def _warn(self) -> None:
        state = object.__getattribute__(self, "__dict__")
        if not state.get("_warned"):
            state["_warned"] = True
            warn(object.__getattribute__(self, "_was_note"), DeprecationWarning)

    def __getattribute__(self, name: str) -> Any:
        if not name.startswith("_"):
            object.__getattribute__(self, "_warn")()
        return super().__getattribute__(name)

    def __getitem__(self, key: Any) -> Any:
        self._warn()
        return super().__getitem__(key)

    def __iter__(self):
        self._warn()
        return super().__iter__()

    def __len__(self) -> int:
        self._warn()
        return super().__len__()


class was_attribute:
    """A method ``name()`` returning a DataFrame that used to be an attribute ``name``.

    ``result.name()`` is the new form; ``result.name`` used as a DataFrame
    keeps working for one release with a DeprecationWarning.
    """

    def __init__(self, method: Callable[[Any], pd.DataFrame]):
        self.method = method
        self.__doc__ = method.__doc__
        self.__wrapped__ = method

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.note = (f"{owner.__name__}.{name} is a method now: call {name}() "
                     "(the attribute form goes in the next release)")

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self.method
        frame = _FrameOrMethod(self.method(obj))
        object.__setattr__(frame, "_was_note", self.note)
        return frame
