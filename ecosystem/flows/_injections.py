"""Injections: how much of each flow enters at which member, in any of the accepted forms."""

from __future__ import annotations

from typing import Any, Iterable, Mapping, TypeAlias

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._errors import ParameterError, UnknownMemberError
from ..taxonomy import Flow
from ._model import FLOWS

#: What an injection is given as: a member x flow table, a mapping or an n x 4 array.
Injections: TypeAlias = ("pd.DataFrame | Mapping[tuple[str, str], float] "
                         "| Mapping[str, Mapping[str, float]] | ArrayLike")

__all__ = ["injection_array"]


def _unknown_member(members: pd.Index, ids: Iterable[Any], what: str) -> None:
    given = pd.Index(list(ids))
    missing = given[~given.isin(members)]
    if len(missing):
        raise UnknownMemberError(f"{what}: no member {missing[0]!r} in the ecosystem"
                                 + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))


def injection_array(members: pd.Index, injections: Injections) -> np.ndarray:
    """The injections as an n x 4 array in member and flow order.

    ``injections`` is one of

    - a DataFrame indexed by member id with flow-name columns;
    - a mapping ``{(member, flow): amount}``;
    - a mapping ``{member: {flow: amount}}``;
    - an n x 4 array already in member and flow order.

    Amounts may be negative (a withdrawal): the model is linear, so the result
    is the difference of the two non-negative cases.

    Examples
    --------
    >>> members = pd.Index(["a", "b"])
    >>> injection_array(members, {("b", "capital"): 2.0, "a": {"Information": 1.0}})
    array([[1., 0., 0., 0.],
           [0., 0., 2., 0.]])
    """
    n = len(members)
    if isinstance(injections, pd.DataFrame):
        _unknown_member(members, injections.index, "injections")
        columns = [Flow.coerce(c, "injection flow").value for c in injections.columns]
        frame = injections.set_axis(columns, axis=1)
        if frame.columns.duplicated().any() or frame.index.duplicated().any():
            raise ParameterError("injections DataFrame names a member or a flow twice")
        try:
            given = frame.to_numpy(float)
        except (TypeError, ValueError):
            raise ParameterError("injection amounts must be numbers") from None
        if not np.isfinite(given).all():
            raise ParameterError("injection amounts must be finite numbers (no NaN: a member "
                                 "or flow left out of the DataFrame gets 0)")
        array = frame.reindex(index=members, columns=list(FLOWS)).fillna(0.0).to_numpy(float)
    elif isinstance(injections, Mapping):
        array = np.zeros((n, len(FLOWS)))
        for key, value in injections.items():  # one entry per injection point: a few at most
            if isinstance(value, Mapping):
                entries = [(key, flow, amount) for flow, amount in value.items()]
            elif isinstance(key, tuple) and len(key) == 2:
                entries = [(key[0], key[1], value)]
            else:
                raise ParameterError(f"injection key {key!r} must be a (member, flow) pair, "
                                     "or use {member: {flow: amount}}")
            for member, flow, amount in entries:
                if member not in members:
                    raise UnknownMemberError(f"injections: no member {member!r} in the ecosystem")
                f = FLOWS.index(Flow.coerce(flow, "injection flow").value)
                try:
                    array[members.get_loc(member), f] += float(amount)
                except (TypeError, ValueError):
                    raise ParameterError(f"injection amount for ({member!r}, {FLOWS[f]!r}) must "
                                         f"be a number, got {amount!r}") from None
    else:
        try:
            array = np.asarray(injections, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError("injections must be a DataFrame, a mapping or an n x 4 array of "
                                 "numbers") from None
        if array.shape != (n, len(FLOWS)):
            raise ParameterError(f"an injection array must have shape ({n}, 4) (members x flows), "
                                 f"got {array.shape}")
        array = array.copy()
    if not np.isfinite(array).all():
        raise ParameterError("injection amounts must be finite numbers")
    return array

