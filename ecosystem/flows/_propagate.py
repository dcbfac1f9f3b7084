"""Trajectories and steady states of the flow model (see :mod:`._model`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._compat import renamed
from .._errors import NumericalWarning, ParameterError
from .._memory import check_allocation
from .._result import RING_ORDER, Result
from ._injections import Injections, injection_array
from ._model import FLOWS, FlowModel, NoSteadyStateError, flow_model
from ._solve import solve_steady_state
from ._spectral import spectral_radius
from .._warn import warn

if TYPE_CHECKING:
    from ..graph import Ecosystem

__all__ = ["FlowLevels", "FlowTrajectory", "propagate", "steady_state"]

_RINGS = list(RING_ORDER)
#: A radius this close to 1 counts as 1: the steady state would be meaningless.
_RADIUS_MARGIN = 1e-9


def _group(levels: pd.DataFrame, keys: np.ndarray, name: str, order: list[str] | None
           ) -> pd.DataFrame:
    grouped = levels.groupby(pd.Index(keys, name=name), sort=order is None).sum()
    if order is not None:
        grouped = grouped.reindex(order, fill_value=0.0)
    grouped.columns.name = "flow"
    return grouped


@dataclass(frozen=True, eq=False)
class FlowLevels(Result):
    """Flow levels of every member: what each member sends out, per flow.

    Attributes
    ----------
    levels : pandas.DataFrame
        Members (index, member order) x flows (columns).
    rings, roles : numpy.ndarray
        Each member's ring and role, in member order.
    spectral_bound : float
        The spectral radius of the operator, or the upper bound below 1 that
        proved a steady state exists (see :func:`spectral_radius`); NaN for a
        trajectory step.
    """

    levels: pd.DataFrame
    rings: np.ndarray
    roles: np.ndarray
    spectral_bound: float = float("nan")

    def by_ring(self) -> pd.DataFrame:
        """Total level per ring (rows in ring order) and flow."""
        return _group(self.levels, self.rings, "ring", _RINGS)

    def by_role(self) -> pd.DataFrame:
        """Total level per role (rows sorted by name) and flow."""
        return _group(self.levels, self.roles, "role", None)

    def total(self) -> pd.Series:
        """Total level per flow."""
        return self.levels.sum()

    def table(self) -> pd.DataFrame:
        """``levels`` with the ring and role, for printing or saving.

        There is no row total: levels of different flows are in different units.
        ``share`` is the member's share of each flow's total level, averaged over
        the flows that have any (unit-free, for ranking members).
        """
        frame = self.levels.copy()
        frame.insert(0, "role", self.roles)
        frame.insert(0, "ring", self.rings)
        totals = self.levels.sum()
        moving = totals[totals > 0].index
        frame["share"] = (self.levels[moving] / totals[moving]).mean(axis=1) if len(moving) \
            else 0.0
        return frame

    def summary(self) -> pd.DataFrame:
        """Total level per ring (rows in ring order) and flow: :meth:`by_ring`."""
        return self.by_ring()

    def headline(self) -> str:
        bound = ("" if np.isnan(self.spectral_bound)
                 else f", spectral bound {self.spectral_bound:.4g}")
        return f"flow levels of {len(self.levels)} members{bound}"


@dataclass(frozen=True, eq=False)
class FlowTrajectory(Result):
    """Flow levels at steps ``0..T``.

    Attributes
    ----------
    array : numpy.ndarray
        Shape ``(T + 1, n, 4)``: step x member x flow.
    members : pandas.Index
    rings, roles : numpy.ndarray
    pulse : bool
        True when the injection entered at step 0 only, False when it entered every step.
    """

    array: np.ndarray
    members: pd.Index
    rings: np.ndarray
    roles: np.ndarray
    pulse: bool

    @property
    def steps(self) -> int:
        """T, the number of steps taken."""
        return self.array.shape[0] - 1

    def at(self, step: int) -> FlowLevels:
        """The levels at ``step`` (negative counts from the end)."""
        if not -self.array.shape[0] <= step < self.array.shape[0]:
            raise ParameterError(f"step must be in 0..{self.steps}, got {step}")
        frame = pd.DataFrame(self.array[step], index=self.members,
                             columns=pd.Index(FLOWS, name="flow"))
        return FlowLevels(frame, self.rings, self.roles)

    @property
    def final(self) -> FlowLevels:
        """The levels at the last step."""
        return self.at(-1)

    def cumulative(self) -> FlowLevels:
        """The levels summed over all steps (for a pulse: the partial Neumann sum)."""
        frame = pd.DataFrame(self.array.sum(axis=0), index=self.members,
                             columns=pd.Index(FLOWS, name="flow"))
        return FlowLevels(frame, self.rings, self.roles)

    def totals(self) -> pd.DataFrame:
        """Total level per step (rows) and flow (columns)."""
        return pd.DataFrame(self.array.sum(axis=1), index=pd.RangeIndex(self.steps + 1,
                                                                        name="step"),
                            columns=pd.Index(FLOWS, name="flow"))

    def by_ring(self) -> pd.DataFrame:
        """Total level per step and ring (rows) and flow (columns)."""
        codes = pd.Categorical(self.rings, categories=_RINGS).codes
        sums = np.zeros((self.steps + 1, len(_RINGS), len(FLOWS)))
        for r in range(len(_RINGS)):
            sums[:, r] = self.array[:, codes == r].sum(axis=1)
        index = pd.MultiIndex.from_product([range(self.steps + 1), _RINGS],
                                           names=["step", "ring"])
        return pd.DataFrame(sums.reshape(-1, len(FLOWS)), index=index,
                            columns=pd.Index(FLOWS, name="flow"))

    def summary(self) -> pd.DataFrame:
        """Total level per step and flow: :meth:`totals`."""
        return self.totals()

    def headline(self) -> str:
        kind = "a pulse" if self.pulse else "a sustained injection"
        return f"flow trajectory of {len(self.members)} members over {self.steps} steps ({kind})"


def _warn_if_not_finite(levels: np.ndarray, injected: np.ndarray) -> None:
    """Name the cause when levels came out NaN or infinite (they are returned as they are)."""
    if np.isfinite(levels).all():
        return
    big = np.abs(injected[np.isfinite(injected)]).max(initial=0.0)
    warn("some flow levels are NaN or infinite: link volumes or injections "
         f"(largest injection {big:.3g}) overflow or underflow floating-point "
         "numbers (about 1e-308 to 1.8e308) when multiplied; rescale the volumes "
         "(for example to thousands)", NumericalWarning)


@renamed(coupling="conversion")
def propagate(eco: "Ecosystem | FlowModel", injections: Injections, steps: int = 10, *,
              conversion: pd.DataFrame | ArrayLike | None = None, damping: float | None = None,
              weight: str = "volume", pulse: bool = False) -> FlowTrajectory:
    """Run the flow model for ``steps`` steps.

    ``x_0 = b`` and ``x_{t+1} = damping * sum_f C[f, :] W_f^T x_t[:, f] + b``
    (sustained injection), or ``+ 0`` after step 0 when ``pulse`` (a one-off
    shock). The model is described in :mod:`ecosystem.flows`.

    Parameters
    ----------
    eco : Ecosystem or FlowModel
    injections : DataFrame, mapping or n x 4 array
        Amount injected per member and flow: ``{("m1", "information"): 1.0}``,
        ``{"m1": {"information": 1.0}}``, a DataFrame indexed by member with
        flow columns, or an array in member and flow order.
    steps : int
        T >= 0; the result has T + 1 snapshots.
    conversion, damping, weight
        See :func:`flow_model` (defaults: :data:`DEFAULT_CONVERSION`, 0.85, "volume").
    pulse : bool
        Inject only at step 0.

    Returns
    -------
    FlowTrajectory
        All T + 1 snapshots: ``32 n (T + 1)`` bytes (100 steps of a
        100,000-member ecosystem: 320 MB).

    Raises
    ------
    UnknownMemberError
        An injection names a member that does not exist.
    ParameterError
        An unknown flow, a bad conversion, damping or step count.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_members_from(pd.DataFrame({"id": ["a", "b", "c"], "role": "supplier"}))
    >>> eco.link("a", "b", "information")
    >>> eco.link("b", "c", "information")
    >>> information_only = np.diag([1.0, 0.0, 0.0, 0.0])
    >>> run = propagate(eco, {("a", "information"): 1.0}, steps=3, damping=0.5,
    ...                 conversion=information_only)
    >>> run.final.levels["information"].tolist()     # 1, 0.5, 0.5**2
    [1.0, 0.5, 0.25]
    """
    model = flow_model(eco, conversion, damping, weight)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ParameterError(f"steps must be a whole number >= 0, got {steps!r}")
    b = injection_array(model.members, injections)
    check_allocation(8.0 * (int(steps) + 1) * model.n * len(FLOWS),
                     f"keeping {int(steps) + 1:,} snapshots of {model.n:,} members x "
                     f"{len(FLOWS)} flows", "take fewer steps, or use the steady state "
                     "(steady_state(), ecobelt flows --steady)")
    out = np.empty((int(steps) + 1, model.n, len(FLOWS)))
    out[0] = b
    with np.errstate(over="ignore", invalid="ignore"):  # the warning below names the cause
        for t in range(int(steps)):  # each step needs the previous one
            out[t + 1] = model.step(out[t]) if pulse else model.step(out[t]) + b
    _warn_if_not_finite(out, b)
    return FlowTrajectory(out, model.members, model.layers.rings, model.layers.roles, pulse)


@renamed(coupling="conversion", rtol="tol")
def steady_state(eco: "Ecosystem | FlowModel", injections: Injections, *,
                 conversion: pd.DataFrame | ArrayLike | None = None,
                 damping: float | None = None, weight: str = "volume", method: str = "auto",
                 tol: float = 1e-10) -> FlowLevels:
    """The steady state ``x* = (I - A)^{-1} b`` of a sustained injection, by one linear solve.

    ``x*`` is the limit of :func:`propagate` with a sustained injection, and
    the total of a pulse over all steps (the Neumann series ``sum_k A^k b``).
    It exists when the spectral radius of the block operator ``A`` is below 1;
    that is checked first (see :func:`spectral_radius`).

    Parameters
    ----------
    eco, injections, conversion, damping, weight
        As for :func:`propagate`.
    method : {"auto", "direct", "iterative"}
        "direct" factorises ``I - A`` (sparse LU, SuperLU). "iterative" solves
        it without forming ``A`` (BiCGSTAB, GMRES if BiCGSTAB stalls) to
        relative residual ``tol``. "auto" is direct up to 2,000 unknowns (4n,
        i.e. 500 members) and iterative above, because the LU of a
        small-world network with hubs fills in.
    tol : float
        Relative residual ``||b - (I - A) x|| / ||b||`` of the iterative solve
        (its old name ``rtol`` still works, with a warning, until the next release).

    Returns
    -------
    FlowLevels
        ``spectral_bound`` holds the radius or the upper bound that proved it below 1.

    Raises
    ------
    NoSteadyStateError
        The spectral radius is >= 1; the message states it and how it was found.
    ParameterError
        As for :func:`propagate`, or a bad ``method`` / ``tol``.
    EcosystemError
        The iterative solve did not reach ``tol`` (radius very close to 1).

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_members_from(pd.DataFrame({"id": ["a", "b"], "role": "supplier"}))
    >>> eco.link("a", "b", "information")
    >>> eco.link("b", "a", "information")
    >>> state = steady_state(eco, {("a", "information"): 1.0}, damping=0.5,
    ...                      conversion=np.diag([1.0, 0, 0, 0]))
    >>> state.levels["information"].round(6).tolist()   # 1/(1-0.25), 0.5/(1-0.25)
    [1.333333, 0.666667]
    >>> steady_state(eco, {("a", "information"): 1.0}, damping=1.0, conversion=np.eye(4))
    Traceback (most recent call last):
    ...
    ecosystem.NoSteadyStateError: no steady state: ... is 1 (dense eigenvalues)...
    """
    model = flow_model(eco, conversion, damping, weight)
    if method not in ("auto", "direct", "iterative"):
        raise ParameterError(f"method must be 'auto', 'direct' or 'iterative', got {method!r}")
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not 0 < tol < 1:
        raise ParameterError(f"tol must be a number in (0, 1), got {tol!r}")
    b = injection_array(model.members, injections)
    radius, how = spectral_radius(model)
    if radius >= 1 - _RADIUS_MARGIN:
        raise NoSteadyStateError(radius, how)
    rhs = b.T.reshape(-1)  # flow-major stacking: block f is b[:, f]
    solution = (solve_steady_state(model, rhs, method, float(tol)) if rhs.any()
                else np.zeros(rhs.size))
    frame = pd.DataFrame(solution.reshape(len(FLOWS), model.n).T, index=model.members,
                         columns=pd.Index(FLOWS, name="flow"))
    _warn_if_not_finite(solution, b)
    return FlowLevels(frame, model.layers.rings, model.layers.roles, radius)
