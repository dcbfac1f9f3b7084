"""Trajectories, steady states and reach of the flow model (see :mod:`._model`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.csgraph as csgraph
import scipy.sparse.linalg as sla

from .._errors import EcosystemError, ParameterError, UnknownMemberError
from ..taxonomy import Flow, Ring
from ._model import FLOWS, FlowModel, NoSteadyStateError, flow_model, injection_array

if TYPE_CHECKING:
    from ..graph import Ecosystem

__all__ = ["FlowLevels", "FlowTrajectory", "Reach", "propagate", "steady_state", "reach",
           "spectral_radius"]

_RINGS = [r.value for r in Ring]
#: Largest system (4n unknowns) solved by a sparse LU factorisation under method="auto";
#: larger ones use GMRES, because the LU of an expander-like supply network fills in.
_DIRECT_LIMIT = 20_000
#: Below this many unknowns the exact spectral radius comes from dense eigenvalues.
_DENSE_EIG_LIMIT = 2_000


def _group(levels: pd.DataFrame, keys: np.ndarray, name: str, order: list[str] | None
           ) -> pd.DataFrame:
    grouped = levels.groupby(pd.Index(keys, name=name), sort=order is None).sum()
    if order is not None:
        grouped = grouped.reindex(order, fill_value=0.0)
    grouped.columns.name = "flow"
    return grouped


@dataclass(frozen=True, eq=False)
class FlowLevels:
    """Flow levels of every member: what each member sends out, per flow.

    Attributes
    ----------
    levels : pandas.DataFrame
        Members (index, member order) x flows (columns).
    rings, roles : numpy.ndarray
        Each member's ring and role, in member order.
    spectral_bound : float
        An upper bound on the spectral radius of the operator (NaN for a trajectory step).
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
        """``levels`` with the ring, role and the row total, for printing or saving."""
        frame = self.levels.copy()
        frame.insert(0, "role", self.roles)
        frame.insert(0, "ring", self.rings)
        frame["total"] = self.levels.sum(axis=1)
        return frame


@dataclass(frozen=True, eq=False)
class FlowTrajectory:
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
        for r in range(len(_RINGS)):  # three rings
            sums[:, r] = self.array[:, codes == r].sum(axis=1)
        index = pd.MultiIndex.from_product([range(self.steps + 1), _RINGS],
                                           names=["step", "ring"])
        return pd.DataFrame(sums.reshape(-1, len(FLOWS)), index=index,
                            columns=pd.Index(FLOWS, name="flow"))


@dataclass(frozen=True, eq=False)
class Reach:
    """When a shock first reaches each member, ring and role.

    Step 0 is the shocked member itself; step ``k`` means the shock needs ``k``
    transmissions. Never-reached entries are ``<NA>``.

    Attributes
    ----------
    sources : tuple of str
    members : pandas.Series
        Member (member order) -> first step (nullable Int64).
    rings : pandas.Series
        Ring (ring order) -> first step at which any member of the ring is reached.
    roles : pandas.Series
        Role -> first step.
    """

    sources: tuple[str, ...]
    members: pd.Series
    rings: pd.Series
    roles: pd.Series

    def reached(self) -> list[str]:
        """Members the shock ever reaches, in member order."""
        return self.members.index[self.members.notna()].tolist()


def spectral_radius(model: FlowModel, tol: float = 1e-9) -> tuple[float, str]:
    """The spectral radius of the block operator and how it was obtained.

    The norm bound ``min(||A||_1, ||A||_inf)`` comes first (O(links)); only when
    it is not below 1 is the radius computed: dense eigenvalues for a small
    operator, ARPACK (:func:`scipy.sparse.linalg.eigs`) for a large one, and
    Collatz-Wielandt bounds from power iteration if ARPACK does not converge
    (valid because the operator is non-negative).

    Returns
    -------
    (radius, how) : (float, str)
        ``radius`` is the bound itself when the bound is below 1.
    """
    bound = model.norm_bound()
    if bound < 1:
        return bound, "norm bound"
    operator = model.operator()
    size = operator.shape[0]
    if size <= _DENSE_EIG_LIMIT:
        return float(np.abs(np.linalg.eigvals(operator.toarray())).max()), "dense eigenvalues"
    try:
        values = sla.eigs(operator, k=1, which="LM", tol=tol, maxiter=20 * size,
                          return_eigenvectors=False, v0=np.ones(size))
        return float(np.abs(values).max()), "ARPACK estimate"
    except sla.ArpackNoConvergence:
        return _collatz_wielandt_upper(operator), "Collatz-Wielandt upper bound"


def _collatz_wielandt_upper(operator: sp.csr_array, iterations: int = 500) -> float:
    """``max_i (A v)_i / v_i`` for a positive vector ``v`` after power iteration (>= radius)."""
    v = np.ones(operator.shape[0])
    upper = np.inf
    for _ in range(iterations):  # power iteration is sequential by nature
        w = operator @ v + 1e-12 * v.sum()
        upper = min(upper, float((w / v).max()))
        v = w / w.sum()
    return upper


def _as_model(eco: "Ecosystem | FlowModel", coupling: Any, damping: Any, weight: str
              ) -> FlowModel:
    return flow_model(eco, coupling, damping, weight)


def propagate(eco: "Ecosystem | FlowModel", injections: Any, steps: int = 10, *,
              coupling: Any = None, damping: float | None = None, weight: str = "volume",
              pulse: bool = False) -> FlowTrajectory:
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
    coupling, damping, weight
        See :func:`flow_model` (defaults: :data:`DEFAULT_COUPLING`, 0.85, "volume").
    pulse : bool
        Inject only at step 0.

    Returns
    -------
    FlowTrajectory

    Raises
    ------
    UnknownMemberError
        An injection names a member that does not exist.
    ParameterError
        An unknown flow, a bad coupling, damping or step count.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_members_from(pd.DataFrame({"id": ["a", "b", "c"], "role": "supplier"}))
    >>> eco.link("a", "b", "information")
    >>> eco.link("b", "c", "information")
    >>> information_only = np.diag([1.0, 0.0, 0.0, 0.0])
    >>> run = propagate(eco, {("a", "information"): 1.0}, steps=3, damping=0.5,
    ...                 coupling=information_only)
    >>> run.final.levels["information"].tolist()     # 1, 0.5, 0.5**2
    [1.0, 0.5, 0.25]
    """
    model = _as_model(eco, coupling, damping, weight)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ParameterError(f"steps must be a whole number >= 0, got {steps!r}")
    b = injection_array(model.members, injections)
    out = np.empty((int(steps) + 1, model.n, len(FLOWS)))
    out[0] = b
    for t in range(int(steps)):  # each step needs the previous one
        out[t + 1] = model.step(out[t]) if pulse else model.step(out[t]) + b
    return FlowTrajectory(out, model.members, model.layers.rings, model.layers.roles, pulse)


def steady_state(eco: "Ecosystem | FlowModel", injections: Any, *, coupling: Any = None,
                 damping: float | None = None, weight: str = "volume", method: str = "auto",
                 rtol: float = 1e-10) -> FlowLevels:
    """The steady state ``x* = (I - A)^{-1} b`` of a sustained injection, by one linear solve.

    ``x*`` is the limit of :func:`propagate` with a sustained injection, and
    the total of a pulse over all steps (the Neumann series ``sum_k A^k b``).
    It exists when the spectral radius of the block operator ``A`` is below 1;
    the radius is checked first (see :func:`spectral_radius`).

    Parameters
    ----------
    eco, injections, coupling, damping, weight
        As for :func:`propagate`.
    method : {"auto", "direct", "iterative"}
        "direct" factorises ``I - A`` (sparse LU, SuperLU); "iterative" solves
        it with GMRES to relative residual ``rtol``. "auto" is direct up to
        20,000 unknowns (4n) and iterative above, where LU fill-in on a
        densely meshed network makes the factorisation slow.
    rtol : float
        Relative residual of the iterative solve.

    Returns
    -------
    FlowLevels

    Raises
    ------
    NoSteadyStateError
        The spectral radius is >= 1; the message states it.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_members_from(pd.DataFrame({"id": ["a", "b"], "role": "supplier"}))
    >>> eco.link("a", "b", "information")
    >>> eco.link("b", "a", "information")
    >>> state = steady_state(eco, {("a", "information"): 1.0}, damping=0.5,
    ...                      coupling=np.diag([1.0, 0, 0, 0]))
    >>> state.levels["information"].round(6).tolist()   # 1/(1-0.25), 0.5/(1-0.25)
    [1.333333, 0.666667]
    """
    model = _as_model(eco, coupling, damping, weight)
    if method not in ("auto", "direct", "iterative"):
        raise ParameterError(f"method must be 'auto', 'direct' or 'iterative', got {method!r}")
    b = injection_array(model.members, injections)
    radius, how = spectral_radius(model)
    if radius >= 1 - 1e-12:
        raise NoSteadyStateError(radius, how)
    operator = model.operator()
    size = operator.shape[0]
    system = sp.csc_array(sp.eye_array(size, format="csc") - operator)
    rhs = b.T.reshape(-1)  # flow-major stacking: block f is b[:, f]
    if size == 0 or not rhs.any():
        solution = np.zeros(size)
    elif method == "direct" or (method == "auto" and size <= _DIRECT_LIMIT):
        solution = sla.splu(system).solve(rhs)
    else:
        solution, info = sla.gmres(system, rhs, x0=rhs.copy(), rtol=rtol, atol=0.0,
                                   restart=50, maxiter=200)
        residual = np.linalg.norm(system @ solution - rhs) / np.linalg.norm(rhs)
        if info != 0 and residual > 1e3 * rtol:
            raise EcosystemError(f"the iterative steady-state solve stopped at relative "
                                 f"residual {residual:.3g}; try method='direct'")
    frame = pd.DataFrame(solution.reshape(len(FLOWS), model.n).T, index=model.members,
                         columns=pd.Index(FLOWS, name="flow"))
    return FlowLevels(frame, model.layers.rings, model.layers.roles, radius)


def reach(eco: "Ecosystem | FlowModel", sources: str | Iterable[str], *,
          flows: Iterable[Flow | str] | None = None, coupling: Any = None,
          damping: float | None = None, weight: str = "volume") -> Reach:
    """The step at which a shock at ``sources`` first reaches each member and ring.

    The shock enters the sources in ``flows`` (all four by default) and moves
    like a pulse of :func:`propagate`: flow ``f`` goes along links of positive
    weight in layer ``f`` and then drives flow ``g`` where ``C[f, g] > 0``. The
    step counts are breadth-first distances on that (member, flow) graph,
    computed by :func:`scipy.sparse.csgraph.shortest_path`, and equal the first
    step at which a pulse makes the member's level non-zero.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_members_from(pd.DataFrame({"id": ["p", "lg", "m"],
    ...                                    "role": ["platform", "logistics", "manufacturer"]}))
    >>> eco.link("p", "lg", "information")
    >>> eco.link("lg", "m", "logistics")
    >>> r = reach(eco, "p")
    >>> r.members.tolist()
    [0, 1, 2]
    >>> r.rings
    ring
    core           0
    sub_core       1
    outer       <NA>
    Name: step, dtype: Int64
    """
    model = _as_model(eco, coupling, damping, weight)
    sources = (sources,) if isinstance(sources, str) else tuple(sources)
    if not sources:
        raise ParameterError("reach needs at least one source member")
    position = model.members.get_indexer(sources)
    if (position < 0).any():
        raise UnknownMemberError(f"reach: no member {sources[int(np.argmax(position < 0))]!r} "
                                 "in the ecosystem")
    entry = (list(range(len(FLOWS))) if flows is None
             else sorted({FLOWS.index(Flow.coerce(f, "flow").value) for f in flows}))
    n = model.n
    size = len(FLOWS) * n
    edges = sp.coo_array(model.operator().T)  # (f, i) -> (g, j): flow moves from i to j
    keep = edges.data != 0
    start = np.array([f * n + p for f in entry for p in position])
    # a virtual node (index ``size``) joined to every entry point makes one BFS of many sources
    rows = np.concatenate([edges.row[keep], np.full(start.size, size)])
    cols = np.concatenate([edges.col[keep], start])
    graph = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(size + 1, size + 1))
    distance = csgraph.shortest_path(graph, method="D", unweighted=True, indices=size)[:size] - 1
    distance[start] = 0
    steps = distance.reshape(len(FLOWS), n).min(axis=0)
    members = pd.Series(pd.array(np.where(np.isfinite(steps), steps, 0).astype(np.int64),
                                 dtype="Int64"), index=model.members, name="step")
    members[~np.isfinite(steps)] = pd.NA
    rings = members.groupby(pd.Index(model.layers.rings, name="ring")).min().reindex(_RINGS)
    roles = members.groupby(pd.Index(model.layers.roles, name="role")).min()
    return Reach(tuple(sources), members, rings.astype("Int64"), roles.astype("Int64"))
