"""The linear multiplex flow model: transmission matrices, conversion, block operator.

Notation
--------
``n`` members in member order, the four flows in ``list(Flow)`` order
(information, logistics, capital, technology). ``x_t`` is an ``n x 4`` array:
``x_t[i, f]`` is the amount of flow ``f`` that member ``i`` sends out at step
``t``.

Transmission ``W_f`` (n x n, one per flow)
    ``W_f[i, j] = v_f(i, j) / sum_k v_f(i, k)``: the share of what ``i`` sends
    in flow ``f`` that goes to ``j``, proportional to link volume (a link
    without a volume counts as 1). Rows are *row-normalised*: they sum to 1, or
    to 0 for a member with no outgoing link (or only zero-volume links) in that
    flow. Such a member is a *sink* of flow ``f``: what it emits in ``f`` leaves
    the ecosystem.
Conversion ``C`` (4 x 4, non-negative)
    ``C[f, g]`` is the amount of outgoing flow ``g`` that one unit of flow
    ``f`` arriving at a member drives: what arrives in one flow is converted
    into what leaves in others. (Called the coupling matrix before; *coupling*
    now means only the coupling coordination degree of :mod:`ecosystem.coupling`.)
Update
    ``x_{t+1}[:, g] = damping * sum_f C[f, g] * W_f^T x_t[:, f] + b[:, g]``
    where ``b`` is the injection (``n x 4``).

Stacking the columns flow by flow (``X = [x[:, 0]; x[:, 1]; x[:, 2]; x[:, 3]]``)
gives the ``4n x 4n`` block operator ``A`` with blocks
``A[g, f] = damping * C[f, g] * W_f^T``, and ``X_{t+1} = A X_t + B``.

Default conversion
------------------
Wang & Gao §4 and Figure 3 state that the four flows are
interconnected at every member; §3.2.2 describes what drives what (the
logistics platform moves goods, the financial platform "maintain[s] the
stability of the capital flow", the technology platform turns enterprise data
into decisions). The paper gives no numbers; :data:`DEFAULT_CONVERSION` is an
illustrative, documented choice in that spirit, *row-stochastic* (every row
sums to 1) so that with ``damping < 1`` a steady state always exists:

==============  ===========  =========  =======  ==========
arriving \\ out  information  logistics  capital  technology
==============  ===========  =========  =======  ==========
information     0.4          0.3        0.3      0.0
logistics       0.2          0.6        0.2      0.0
capital         0.1          0.1        0.4      0.4
technology      0.4          0.1        0.0      0.5
==============  ===========  =========  =======  ==========

(information drives logistics and capital, an order is shipped and paid;
goods arriving drive tracking information and payment; capital drives
technology, investment; technology drives information, data and decisions.)

Conservation
------------
With a row-stochastic ``C``, ``damping = 1`` and no sinks (every member has an
outgoing link of positive volume in every flow it can receive), the total
``sum(x_t)`` of a pulse (no further injection) is the same at every step: the
model conserves flow. Damping ``< 1`` loses the share ``1 - damping`` per step,
and sinks lose what they emit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
import scipy.sparse as sp

from .._compat import renamed
from .._errors import EcosystemError, ParameterError
from ..taxonomy import Flow
from .._warn import warn

if TYPE_CHECKING:
    from ..graph import Ecosystem

__all__ = ["FLOWS", "DEFAULT_CONVERSION", "NoSteadyStateError", "Layers", "FlowModel",
           "flow_model", "conversion_matrix"]

#: The flow names in model order (the columns of every result).
FLOWS: tuple[str, ...] = tuple(f.value for f in Flow)

#: The default conversion ``C[f, g]`` (rows: arriving flow, columns: driven flow).
DEFAULT_CONVERSION: pd.DataFrame = pd.DataFrame(
    [[0.4, 0.3, 0.3, 0.0],
     [0.2, 0.6, 0.2, 0.0],
     [0.1, 0.1, 0.4, 0.4],
     [0.4, 0.1, 0.0, 0.5]],
    index=pd.Index(FLOWS, name="arriving"), columns=pd.Index(FLOWS, name="driven"))


class NoSteadyStateError(EcosystemError):
    """The flow operator has spectral radius >= 1, so injected flow never settles.

    ``radius`` holds the spectral radius (an estimate when the operator is large).
    """

    __module__ = "ecosystem"  # printed and pickled by its public path

    def __init__(self, radius: float, how: str):
        self.radius = float(radius)
        super().__init__(
            f"no steady state: the spectral radius of the flow operator is {self.radius:.6g} "
            f"({how}), and it must be below 1; lower damping or the conversion entries, "
            "or use propagate() for a finite number of steps")


@dataclass(frozen=True, eq=False)
class Layers:
    """The four layers of an ecosystem as sparse volume matrices (:meth:`Ecosystem.adjacency`).

    ``volume[f]`` is the n x n CSR array of flow ``f`` (entry (i, j) = volume of
    the link i -> j); ``members``, ``rings`` and ``roles`` are in member order.
    """

    members: pd.Index
    rings: np.ndarray
    roles: np.ndarray
    volume: tuple[sp.csr_array, ...]

    @property
    def n(self) -> int:
        return len(self.members)

    @classmethod
    def from_ecosystem(cls, eco: "Ecosystem", weight: str = "volume",
                       default: float = 1.0) -> "Layers":
        members = pd.Index(eco.members(), name="member")
        volume = tuple(eco.adjacency(flow, weight, default) for flow in Flow)
        for flow, matrix in zip(FLOWS, volume):
            bad = np.flatnonzero(~np.isfinite(matrix.data) | (matrix.data < 0))
            if bad.size:
                row = int(np.searchsorted(matrix.indptr, bad[0], side="right")) - 1
                raise ParameterError(
                    f"link weight {weight!r} must be a finite number >= 0; the {flow} link "
                    f"{members[row]!r} -> {members[matrix.indices[bad[0]]]!r} has "
                    f"{float(matrix.data[bad[0]])!r} (run eco.validate() to list every problem)")
        rings, roles = eco._member_values("ring"), eco._member_values("role")
        return cls(members, rings, roles, volume)


def conversion_matrix(conversion: pd.DataFrame | ArrayLike | None = None) -> np.ndarray:
    """The 4 x 4 conversion as a float array, checked.

    ``conversion`` is None (the default), a 4 x 4 array-like in flow order, or a
    DataFrame whose index and columns are flow names (any order; missing pairs
    are 0).

    Examples
    --------
    >>> conversion_matrix(np.eye(4))[1].tolist()
    [0.0, 1.0, 0.0, 0.0]
    >>> conversion_matrix(pd.DataFrame({"capital": {"information": 0.5}}))[0].tolist()
    [0.0, 0.0, 0.5, 0.0]
    """
    if conversion is None:
        return DEFAULT_CONVERSION.to_numpy(copy=True)
    if isinstance(conversion, pd.DataFrame):
        frame = conversion.copy()
        frame.index = [Flow.coerce(f, "conversion row").value for f in frame.index]
        frame.columns = [Flow.coerce(f, "conversion column").value for f in frame.columns]
        if frame.index.duplicated().any() or frame.columns.duplicated().any():
            raise ParameterError("conversion DataFrame names a flow twice")
        frame = frame.reindex(index=list(FLOWS), columns=list(FLOWS)).fillna(0.0)
        values = frame.to_numpy()
    else:
        values = np.asarray(conversion)
    try:
        values = values.astype(float)
    except (TypeError, ValueError):
        raise ParameterError("conversion entries must be numbers") from None
    if values.shape != (4, 4):
        raise ParameterError(f"conversion must be a 4 x 4 matrix (rows: arriving flow, columns: "
                             f"driven flow, in the order {', '.join(FLOWS)}); got shape "
                             f"{values.shape}")
    if not np.isfinite(values).all():
        raise ParameterError("conversion entries must be finite numbers")
    if (values < 0).any():
        f, g = np.argwhere(values < 0)[0]
        raise ParameterError(f"conversion entries must be >= 0; C[{FLOWS[f]}, {FLOWS[g]}] = "
                             f"{values[f, g]:g}")
    return values


def _check_damping(damping: Any) -> float:
    try:
        value = float(damping)
    except (TypeError, ValueError):
        raise ParameterError(f"damping must be a number >= 0, got {damping!r}") from None
    if not np.isfinite(value) or value < 0:
        raise ParameterError(f"damping must be a finite number >= 0, got {damping!r}")
    return value


@dataclass(frozen=True, eq=False)
class FlowModel:
    """Everything the propagation needs, built once from an ecosystem.

    Build it with :func:`flow_model`; pass it instead of the ecosystem to
    :func:`propagate`, :func:`steady_state` and :func:`reach` to skip rebuilding
    the matrices.

    Attributes
    ----------
    layers : Layers
        The raw volume matrices, member order, rings and roles.
    transmission : tuple of scipy.sparse.csr_array
        ``W_f^T`` per flow (n x n, already transposed: column i spreads what i sends).
    conversion : numpy.ndarray
        ``C`` (4 x 4).
    damping : float
    """

    layers: Layers
    transmission: tuple[sp.csr_array, ...]
    conversion: np.ndarray
    damping: float
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def members(self) -> pd.Index:
        return self.layers.members

    @property
    def n(self) -> int:
        return self.layers.n

    @property
    def coupling(self) -> np.ndarray:
        """The old name of :attr:`conversion` (goes in the next release)."""
        warn("FlowModel.coupling is now FlowModel.conversion; the old name goes in the "
             "next release", DeprecationWarning)
        return self.conversion

    @renamed(coupling="conversion")
    def with_parameters(self, conversion: pd.DataFrame | ArrayLike | None = None,
                        damping: float | None = None) -> "FlowModel":
        """The same layers with another conversion and/or damping (None keeps the current one)."""
        return FlowModel(self.layers, self.transmission,
                         self.conversion if conversion is None else conversion_matrix(conversion),
                         self.damping if damping is None else _check_damping(damping))

    def step(self, x: np.ndarray) -> np.ndarray:
        """``damping * sum_f C[f, :] * W_f^T x[:, f]`` for an n x 4 array ``x``."""
        return self.apply(x.T.reshape(-1)).reshape(len(FLOWS), self.n).T

    def apply(self, stacked: np.ndarray) -> np.ndarray:
        """``A @ X`` for a flow-major stacked vector ``X`` of length 4n, without forming ``A``.

        Four n x n products (one per layer) instead of one product with the
        block operator, which holds each ``W_f`` once per non-zero ``C[f, g]``.
        """
        parts = np.asarray(stacked, dtype=float).reshape(len(FLOWS), self.n)
        weights = self.damping * self.conversion
        out = np.zeros_like(parts)
        for f in range(len(FLOWS)):
            arrivals = self.transmission[f] @ parts[f]
            # at most 16 scaled additions: a BLAS product with inner size 4 is far slower
            # (OpenBLAS threads a (n x 4) @ (4 x 4) product badly)
            for g in np.flatnonzero(weights[f]):
                out[g] += weights[f, g] * arrivals
        return out.reshape(-1)

    def operator(self) -> sp.csr_array:
        """The 4n x 4n block operator ``A`` (blocks ``A[g, f] = damping C[f, g] W_f^T``).

        Built on first use and kept: the model is immutable.
        """
        if "operator" not in self._cache:
            weights = self.damping * self.conversion
            blocks = [[weights[f, g] * self.transmission[f] if weights[f, g] > 0 else None
                       for f in range(len(FLOWS))] for g in range(len(FLOWS))]
            for k in range(len(FLOWS)):  # block_array needs every block row and column sized
                if all(b is None for b in blocks[k]) or all(row[k] is None for row in blocks):
                    blocks[k][k] = sp.csr_array((self.n, self.n))
            self._cache["operator"] = sp.csr_array(sp.block_array(blocks, format="csr"))
        return self._cache["operator"]

    def norm_bound(self) -> float:
        """``min(||A||_1, ||A||_inf)``, an upper bound on the spectral radius, in O(links)."""
        with np.errstate(over="ignore"):  # a sum beyond 1.8e308 is inf, still > 0
            has_out = np.array([(self.layers.volume[f].sum(axis=1) > 0)
                                for f in range(len(FLOWS))])
        column_sums = self.damping * self.conversion.sum(axis=1)[:, None] * has_out   # (4, n)
        inflow = np.array([np.asarray(self.transmission[f].sum(axis=1)).ravel()
                           for f in range(len(FLOWS))])                                # (4, n)
        row_sums = self.damping * (self.conversion.T @ inflow)
        one = float(column_sums.max()) if column_sums.size else 0.0
        inf = float(row_sums.max()) if row_sums.size else 0.0
        return min(one, inf)


def _rescale_extreme_rows(normalised: sp.csr_array, volume: sp.csr_array, out: np.ndarray,
                          inverse: np.ndarray) -> None:
    """Shares of members whose out-volume overflows (sums beyond 1.8e308) or whose inverse
    does (volumes below 1e-308), worked out again relative to their largest volume, so
    that extreme but valid volumes give shares instead of NaN or 0. ``normalised`` is a
    copy of ``volume`` (the same structure)."""
    bad = np.flatnonzero(~np.isfinite(out) | ~np.isfinite(inverse))
    for row in bad:  # rare rows: a loop is clearer than a vectorised special case
        start, stop = volume.indptr[row], volume.indptr[row + 1]
        scaled = volume.data[start:stop] / volume.data[start:stop].max()
        normalised.data[start:stop] = scaled / scaled.sum()


@renamed(coupling="conversion")
def flow_model(eco: "Ecosystem | FlowModel", conversion: pd.DataFrame | ArrayLike | None = None,
               damping: float | None = None, weight: str = "volume") -> FlowModel:
    """Build the :class:`FlowModel` of ``eco`` (or re-parameterise a model).

    Parameters
    ----------
    eco : Ecosystem or FlowModel
    conversion : 4 x 4 array-like or DataFrame, optional
        ``C[f, g]``, the outgoing flow ``g`` one unit of arriving flow ``f``
        drives; :data:`DEFAULT_CONVERSION` when None. Non-negative.
    damping : float, optional
        The share of driven flow passed on each step (0.85 when None).
    weight : str
        The link attribute that weighs ``W_f`` (links without it count as 1).

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_members_from(pd.DataFrame({"id": ["a", "b", "c"], "role": "supplier"}))
    >>> eco.link("a", "b", "logistics", volume=1.0)
    >>> eco.link("a", "c", "logistics", volume=3.0)
    >>> model = flow_model(eco)
    >>> model.transmission[1].toarray()[:, 0]   # what a sends in logistics goes 1/4 to b, 3/4 to c
    array([0.  , 0.25, 0.75])
    """
    if isinstance(eco, FlowModel):
        return eco.with_parameters(conversion, damping)
    if not hasattr(eco, "adjacency"):
        raise ParameterError(f"expected an Ecosystem or a FlowModel, got {type(eco).__name__}")
    layers = Layers.from_ecosystem(eco, weight)
    transmission = []
    for volume in layers.volume:
        with np.errstate(divide="ignore", over="ignore"):  # handled by _rescale_extreme_rows
            out = np.asarray(volume.sum(axis=1)).ravel()
            inverse = np.divide(1.0, out, out=np.zeros_like(out), where=out > 0)
        volume = sp.csr_array(volume)
        normalised = volume.copy()  # each entry: its volume / its row's total
        normalised.data = volume.data * np.repeat(inverse, np.diff(volume.indptr))
        _rescale_extreme_rows(normalised, volume, out, inverse)
        normalised.eliminate_zeros()
        transmission.append(sp.csr_array(normalised.T))
    return FlowModel(layers, tuple(transmission), conversion_matrix(conversion),
                     _check_damping(0.85 if damping is None else damping))
