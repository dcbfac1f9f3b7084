"""Heat diffusion on a layer's Laplacian: the deterministic expectation of the spread."""

from __future__ import annotations

from contextlib import contextmanager
from numbers import Real
from typing import Iterable, Iterator, Mapping

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.sparse as sp
from scipy.sparse.linalg import aslinearoperator, expm_multiply, onenormest, splu

from .._compat import renamed
from .._errors import ParameterError, UnknownMemberError
from .._memory import check_allocation
from .._threads import single_blas_thread
from ..graph import Ecosystem
from ._network import DEFAULT_FLOWS, FlowChoice, in_shares, layer_weights, seed_positions

__all__ = ["heat", "laplacian"]


# above this min_p ||r L||^p_1^(1/p) x time, expm_multiply's Taylor steps (in proportion to it)
# cost more than one sparse LU and a few dozen solves of the shift-and-invert Krylov method
_STIFF = 1000.0
# the shift-and-invert basis stops when two approximations _KRYLOV_CHECK vectors apart differ by
# less than this times the largest |x0| (rounding in the small inverse sets a floor of about
# 1e-10 when ||L|| t is large); it holds at most _KRYLOV_MAX vectors (then BDF takes over)
_KRYLOV_TOL = 1e-9
_KRYLOV_CHECK = 5
_KRYLOV_MAX = 150
# times further apart than this factor get separate shifts (and LU factors)
_TIME_SPAN = 100.0
# up to this many members the norms are exact and the exponential a dense one: scipy's
# estimator of ||A^p||_1 (random +-1 vectors) can return 0 for a small Laplacian, whose
# columns cancel on such a vector, and expm_multiply then takes too few steps (NaN levels)
_EXACT_UP_TO = 200


def laplacian(eco: Ecosystem, flows: FlowChoice = DEFAULT_FLOWS, weight: str = "volume", *,
              normalized: bool = False) -> sp.csr_array:
    """The in-degree Laplacian :math:`L = D_{in} - A^T` of the chosen layers (n x n CSR).

    Row i reads :math:`(L x)_i = \\sum_j A_{ji} (x_i - x_j)`: member i is pulled
    towards the levels of the members whose links reach it, in proportion to
    the links' ``weight``. Rows sum to 0, so a uniform level is stationary.
    ``normalized=True`` takes A as each link's share of its target's
    incoming weight (the linear-threshold shares), so that
    :math:`L = I' - W^T` (I' the identity on members with incoming links):
    free of the weight's units, with every member moving towards the
    share-weighted mean of its sources at the same pace.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_member("lab", "research")
    >>> eco.add_member("shop", "online_shop")
    >>> eco.link("lab", "shop", "technology", volume=2.0)
    >>> laplacian(eco).toarray()
    array([[ 0.,  0.],
           [-2.,  2.]])
    >>> laplacian(eco, normalized=True).toarray()
    array([[ 0.,  0.],
           [-1.,  1.]])
    """
    a = layer_weights(eco, flows, weight)
    if normalized:
        a = in_shares(a)
    return (sp.diags_array(np.asarray(a.sum(axis=0)).ravel()) - a.T).tocsr()


def _initial_levels(eco: Ecosystem, members: Mapping[str, float] | str | Iterable[str]
                    ) -> np.ndarray:
    x0 = np.zeros(len(eco))
    if not isinstance(members, Mapping):
        x0[seed_positions(eco, members)] = 1.0
        return x0
    index = eco.index()
    for member, level in members.items():
        if member not in index:
            raise UnknownMemberError(f"initial level for {member!r}, which is not a member")
        if isinstance(level, bool) or not isinstance(level, Real) or not np.isfinite(float(level)):
            raise ParameterError(f"initial level of {member!r} must be a finite number, "
                                 f"got {level!r}")
        x0[index[member]] = level
    return x0


@renamed(initial="members")
@single_blas_thread  # expm_multiply and the Krylov basis make many small dense calls
def heat(eco: Ecosystem, members: Mapping[str, float] | str | Iterable[str],
         times: Iterable[float] = (0.0, 1.0, 2.0, 5.0, 10.0), *,
         flows: FlowChoice = DEFAULT_FLOWS, rate: float = 1.0,
         weight: str = "volume", normalized: bool = False) -> pd.DataFrame:
    """Deterministic knowledge levels :math:`x(t) = e^{-r L t} x(0)` (times x members).

    The heat equation :math:`\\dot x = -r L x` on the in-degree
    :func:`laplacian` of the chosen layers moves know-how along the links'
    direction, at a speed proportional to their ``weight`` and to ``rate``.
    Levels stay between the smallest and largest initial level (the
    Laplacian's rows sum to 0 and its off-diagonal entries are <= 0), so with
    no outside input they converge instead of growing.

    Parameters
    ----------
    members : mapping, str or iterable of str
        The members that hold the know-how first, which start at level 1, or
        a mapping from member to starting level (absent members start at 0).
    times : iterable of float
        The times to report, >= 0, in any order (repeats allowed).
    flows, weight
        The layers and the link attribute that weighs them (missing counts 1).
    rate : float
        Diffusion rate r > 0.
    normalized : bool, default False
        Use the links' shares of their target's incoming weight instead of
        the weights themselves (see :func:`laplacian`): the result no longer
        depends on the weight's units, and ``rate`` is per unit of time.

    Returns
    -------
    DataFrame
        One row per requested time (index ``time``), one column per member.

    Notes
    -----
    While :math:`t \\min_{p \\le 4} \\lVert (r L)^p \\rVert_1^{1/p}` stays
    below 1,000, the levels come from scipy's ``expm_multiply`` (exact to
    rounding; up to 200 members from the dense exponential, with the norms
    computed exactly). scipy's norm estimates draw random vectors from numpy's
    global generator: heat seeds it for the call and puts the caller's state
    back, so the same call always gives the same levels. Raw volumes often
    make the system stiff (a platform receiving 10^5 units per period next
    to shops receiving 10), and ``expm_multiply``
    would need millions of Taylor steps: then the levels come from the
    shift-and-invert Krylov method (van den Eshof, J. and Hochbruck, M.
    (2006), "Preconditioning Lanczos approximations to the matrix
    exponential", *SIAM Journal on Scientific Computing* 27: 1438-1457;
    Moret, I. and Novati, P. (2004), "RD-rational approximations of the matrix
    exponential", *BIT Numerical Mathematics* 44: 595-615): one sparse LU of
    :math:`I + \\gamma r L` and an orthonormal basis of a few dozen vectors of
    its inverse applied to ``x(0)``, on which the exponential is a small dense
    one. The basis grows until two approximations agree to 1e-9 of the
    largest initial level (the answer of the implicit BDF integrator used
    before, to 1e-8); should it reach 150 vectors first, that integrator
    takes over.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_member("lab", "research")
    >>> eco.add_member("shop", "online_shop")
    >>> eco.link("lab", "shop", "technology", volume=1.0)
    >>> levels = heat(eco, "lab", times=[0.0, 1.0])
    >>> round(float(levels.loc[1.0, "shop"]), 4)  # 1 - exp(-1)
    0.6321
    """
    if isinstance(rate, bool) or not isinstance(rate, Real) or not 0 < rate < np.inf:
        raise ParameterError(f"rate must be a finite number > 0, got {rate!r}")
    try:
        times = np.asarray(list(times), dtype=float)
    except (TypeError, ValueError):
        raise ParameterError("times must be numbers") from None
    if times.ndim != 1 or times.size == 0 or not np.isfinite(times).all() or (times < 0).any():
        raise ParameterError(f"times must be a non-empty list of finite numbers >= 0, "
                             f"got {times.tolist()}")
    x0 = _initial_levels(eco, members)
    # the levels at the distinct times, then a row per time asked (repeats included)
    check_allocation(8.0 * (2.0 * times.size) * x0.size, f"levels at {times.size:,} times x "
                     f"{x0.size:,} members", "ask for fewer times")
    generator = (-rate * laplacian(eco, flows, weight, normalized=normalized)).tocsc()
    distinct, back = np.unique(times, return_inverse=True)
    if _norm_bound(generator) * distinct[-1] > _STIFF:
        levels = _shift_invert(generator, x0, distinct)
        if levels is None:
            levels = _integrate(generator, x0, distinct)
    else:
        levels = np.empty((distinct.size, x0.size))
        x, now = x0, 0.0
        small = x0.size <= _EXACT_UP_TO
        # each time starts from the previous one's levels: the cost follows the largest
        # time, not the sum of the times
        with _fixed_estimator_seed():
            for k, t in enumerate(distinct):
                if t > now:
                    step = generator * (t - now)
                    x = scipy.linalg.expm(step.toarray()) @ x if small else \
                        expm_multiply(step, x)
                    now = t
                levels[k] = x
    return pd.DataFrame(levels[back], index=pd.Index(times, name="time"),
                        columns=eco.members())


def _norm_bound(generator: sp.csc_array) -> float:
    """min over p <= 4 of ||A^p||_1^(1/p) (estimated): what drives expm_multiply's cost."""
    if generator.nnz == 0:
        return 0.0
    operator = aslinearoperator(generator)
    # t >= n makes scipy's estimator compute the norms exactly, from n products
    t = generator.shape[0] if generator.shape[0] <= _EXACT_UP_TO else 2
    with _fixed_estimator_seed():
        return min(onenormest(operator ** p, t=t) ** (1.0 / p) for p in (1, 2, 3, 4))


@contextmanager
def _fixed_estimator_seed() -> Iterator[None]:
    """numpy's global legacy generator at a fixed seed, the caller's state put back after.

    scipy's 1-norm estimator (``onenormest``, also inside ``expm_multiply``) draws its
    random vectors from that generator: fixed, the same call gives the same levels
    whatever random numbers the caller drew before.
    """
    state = np.random.get_state()
    np.random.seed(0)
    try:
        yield
    finally:
        np.random.set_state(state)


@single_blas_thread
def _shift_invert(generator: sp.csc_array, x0: np.ndarray, times: np.ndarray,
                  tol: float = _KRYLOV_TOL, max_size: int = _KRYLOV_MAX) -> np.ndarray | None:
    """``exp(t G) x0`` for sorted times >= 0 from rational Krylov bases (see :func:`heat`).

    The times are taken in groups spanning at most a factor of ``_TIME_SPAN`` (one
    group for the usual few periods); each group has its own shift ``gamma``, a tenth
    of the geometric mean of its times (the rational approximation is best for
    ``t / gamma`` of ten or so: one shift for times 10^6 apart needed six times as
    many vectors). Returns None when a group's basis reaches ``max_size`` vectors
    before ``tol``.
    """
    levels = np.empty((times.size, x0.size))
    levels[:] = x0
    # below one unit of rounding in t ||G||_1 the levels have not moved from x0
    norm = float(abs(generator).sum(axis=0).max()) if generator.nnz else 0.0
    positive = np.flatnonzero(times * norm > 1e-16)
    scale = float(np.abs(x0).max()) if x0.size else 0.0
    if scale == 0.0 or positive.size == 0:
        return levels
    # I - gamma G is a row diagonally dominant M-matrix: elimination without pivoting is
    # stable, so the order can be chosen for sparsity alone; members by ascending number
    # of links put the hubs (platforms, ports) last, where they fill in nothing
    # (scipy's default column ordering filled in 16 times as many entries on a 51k belt)
    links = np.diff(generator.indptr) + np.diff(generator.tocsr().indptr)
    order = np.argsort(links, kind="stable")
    ordered = generator[order][:, order].tocsc()
    start = 0
    while start < positive.size:
        stop = int(np.searchsorted(times[positive], times[positive[start]] * _TIME_SPAN,
                                   side="right"))
        group = positive[start:stop]
        basis = _rational_basis_levels(ordered, x0[order], times[group], tol * scale, max_size)
        if basis is None:
            return None
        levels[np.ix_(group, order)] = basis
        start = stop
    return levels


def _rational_basis_levels(generator: sp.csc_array, x0: np.ndarray, times: np.ndarray,
                           tol: float, max_size: int) -> np.ndarray | None:
    """``exp(t G) x0`` for positive sorted times of one group, or None (see above).

    With ``Z = (I - gamma G)^-1``, Arnoldi gives ``Z V_m = V_m H_m + h v_(m+1) e_m^T``;
    ``G`` is represented on ``V_m`` by ``(I - H_m^-1) / gamma``, whose exponential
    applied to ``||x0|| e_1`` gives the coefficients. The basis grows until two
    approximations ``_KRYLOV_CHECK`` vectors apart differ by less than ``tol`` (in
    2-norm, which bounds every level's change).
    """
    n = x0.size
    size = min(max_size, n)
    gamma = float(np.exp(np.log(times).mean())) / 10.0
    lu = splu((sp.identity(n, format="csc") - gamma * generator).tocsc(),
              permc_spec="NATURAL", diag_pivot_thresh=0.0)
    beta = float(np.linalg.norm(x0))
    basis = np.empty((min(size + 1, 2 * _KRYLOV_CHECK), n))  # rows grow by doubling
    basis[0] = x0 / beta
    h = np.zeros((size + 1, size))
    previous = None
    for j in range(size):
        w = lu.solve(basis[j])
        for _ in range(2):  # orthogonalise twice: once loses orthogonality in rounding
            coefficients = basis[: j + 1] @ w
            w -= coefficients @ basis[: j + 1]
            h[: j + 1, j] += coefficients
        h[j + 1, j] = np.linalg.norm(w)
        m = j + 1
        if m == len(basis):
            basis = np.concatenate([basis, np.empty((min(m, size + 1 - m), n))])
        # an invariant subspace: the basis holds the exact solution
        exhausted = h[j + 1, j] <= 1e-14 * np.abs(h[:m, :m]).max() or m == n
        if not exhausted:
            basis[m] = w / h[j + 1, j]
        if not (exhausted or m % _KRYLOV_CHECK == 0 or m == size):
            continue
        projected = (np.eye(m) - np.linalg.inv(h[:m, :m])) / gamma
        coefficients = np.stack([beta * scipy.linalg.expm(t * projected)[:, 0] for t in times])
        if exhausted:
            break
        if previous is not None:
            change = coefficients.copy()
            change[:, : previous.shape[1]] -= previous
            if np.linalg.norm(change, axis=1).max() < tol:
                break
        if m == size:
            return None
        previous = coefficients
    return coefficients @ basis[:m]


def _integrate(generator: sp.csc_array, x0: np.ndarray, times: np.ndarray) -> np.ndarray:
    """x(t) for sorted times by BDF (stiff systems), with the constant sparse Jacobian."""
    from scipy.integrate import solve_ivp

    scale = max(float(np.abs(x0).max()), 1e-300)
    solution = solve_ivp(lambda _, x: generator @ x, (0.0, float(times[-1])), x0, method="BDF",
                         jac=generator, t_eval=times, rtol=1e-10, atol=1e-12 * scale)
    if not solution.success:  # pragma: no cover - BDF on a linear system with exact Jacobian
        raise ParameterError(f"heat: the integrator failed ({solution.message})")
    return solution.y.T
