"""Randomisation tests of community niche overlap (EcoSimR's RA1-RA4).

Lawlor's (1980) randomisation algorithms as benchmarked by Winemiller & Pianka
(1990) and implemented in EcoSimR (Gotelli, Hart & Ellison 2015):

``ra1``  every entry replaced by a uniform (0, 1) value;
``ra2``  every non-zero entry replaced by a uniform (0, 1) value (zeros kept);
``ra3``  each row's values reshuffled among all its resources (keeps each
         member's niche breadth, moves its zeros); EcoSimR's default;
``ra4``  each row's non-zero values reshuffled among its used resources
         (keeps breadth and which resources are unused).

EcoSimR's authors recommend ra3 or ra4; ra1 and ra2 are too liberal. All
iterations are drawn and scored as 3-D arrays, a chunk of iterations at a time.
A row with a single non-zero value stays as it is under ra4 (R's
``sample(x)`` on a length-one vector would sample ``1:x`` instead).
"""

from __future__ import annotations

import html

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._errors import ParameterError
from .._compat import renamed
from .._result import Result
from .._rng import Seed, as_generator
from . import _sparse
from ._sparse import UseTable
from ._input import EmptyPolicy, as_utilization, check_method
from ._registry import INDEX_ALIASES, OVERLAP_INDICES
from .._warn import warn

__all__ = ["null_model", "NullModelResult", "NULL_ALGORITHMS", "NULL_INDICES"]

NULL_ALGORITHMS = ("ra1", "ra2", "ra3", "ra4")
NULL_INDICES = tuple(name for name, index in OVERLAP_INDICES.items() if index.null_model)
_STATISTICS = ("mean", "var", "skew")
_BUDGET = 20_000_000  # float64 elements per chunk of iterations (about 160 MB)
_TIE = 1e-10  # relative distance below which a simulated value counts as equal


@dataclass(frozen=True)
class NullModelResult(Result):
    """The observed community overlap against its randomised distribution.

    The fields mirror EcoSimR's ``summary()`` of a niche null model. Variance
    and the standard deviation in ``ses`` use n - 1 as R's ``var`` and ``sd``
    do; quantiles are R's default (type 7, numpy's "linear").

    Attributes
    ----------
    p_lower : float
        Lower-tail P: the share of simulated values <= the observed one
        (small when overlap is lower than chance, e.g. resource partitioning).
    p_upper : float
        Upper-tail P: the share of simulated values >= the observed one
        (small when overlap is higher than chance, e.g. shared resources).
        When no simulated value reaches the observed one, the share is 0 and
        the report prints it as ``< 1/replications``, a bound, as EcoSimR does.
        (EcoSimR's summary prints the mirror case, an observed value below
        every simulated one, as "Lower-tail P > 1/nReps", a slip for "<";
        ecobelt prints ``< 1/replications`` for either tail.) A simulated value
        within a relative 1e-10 of the observed one counts as equal: shuffled
        sums differ from the observed one in the last bits, where EcoSimR's
        exact ``==`` would split true ties at random.
    ses : float
        Standardized effect size ``(observed - mean) / sd``; NaN when every
        simulated value is the same (e.g. every member uses all resources evenly).
    """

    index: str
    algorithm: str
    statistic: str
    replications: int
    members: int
    observed: float
    simulated_mean: float
    simulated_variance: float
    ses: float
    p_lower: float
    p_upper: float
    n_less: int
    n_equal: int
    n_greater: int
    lower_95_one_tail: float
    upper_95_one_tail: float
    lower_95_two_tail: float
    upper_95_two_tail: float
    seed: int | str | None = None
    simulated: np.ndarray | None = field(default=None, repr=False)

    def summary(self) -> pd.DataFrame:
        """Every scalar field as one row (to print, save or stack runs side by side)."""
        names = [f for f in self.__dataclass_fields__ if f not in ("simulated", "seed")]
        return pd.DataFrame({name: [getattr(self, name)] for name in names},
                            index=pd.Index([self.index], name="index"))

    def headline(self) -> str:
        return self.__str__().splitlines()[0]

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(str(self))}</pre>"

    @property
    def iterations(self) -> int:
        """The old name of :attr:`replications` (goes in the next release)."""
        warn("NullModelResult.iterations is now NullModelResult.replications; the old "
             "name goes in the next release", DeprecationWarning)
        return self.replications

    def _p_text(self, p: float) -> str:
        return f"< {1 / self.replications:.5g}" if p == 0 else f"= {p:.5g}"

    def __str__(self) -> str:
        pairs = "unordered" if OVERLAP_INDICES[self.index].symmetric else "ordered"
        lines = [
            f"Index: {self.index} ({self.statistic} over the {pairs} pairs of "
            f"{self.members} members)",
            f"Algorithm: {self.algorithm}    Iterations: {self.replications}    Seed: {self.seed}",
            f"Observed index: {self.observed:.5g}",
            f"Mean of simulated index: {self.simulated_mean:.5g}",
            f"Variance of simulated index: {self.simulated_variance:.5g}",
            f"Lower 95% (1-tail): {self.lower_95_one_tail:.5g}    "
            f"Upper 95% (1-tail): {self.upper_95_one_tail:.5g}",
            f"Lower 95% (2-tail): {self.lower_95_two_tail:.5g}    "
            f"Upper 95% (2-tail): {self.upper_95_two_tail:.5g}",
            f"Lower-tail P {self._p_text(self.p_lower)}    "
            f"Upper-tail P {self._p_text(self.p_upper)}",
            f"Observed > {self.n_less} simulated, < {self.n_greater}, = {self.n_equal}",
            f"Standardized effect size (SES): {self.ses:.5g}",
        ]
        return "\n".join(lines)


def _randomise(values: np.ndarray, algorithm: str, count: int,
               rng: np.random.Generator) -> np.ndarray:
    """``count`` randomised copies of ``values``, shape (count, n, r)."""
    shape = (count,) + values.shape
    keys = rng.random(shape)
    if algorithm == "ra1":
        return keys
    if algorithm == "ra2":
        return np.where(values > 0, keys, 0.0)
    stacked = np.broadcast_to(values, shape)
    if algorithm == "ra3":
        return np.take_along_axis(stacked, keys.argsort(axis=-1), axis=-1)
    # ra4: a random order of each row's used positions, written back onto them in place
    used = values > 0
    keys[:, ~used] = 2.0  # unused resources sort last and so stay among themselves
    drawn = keys.argsort(axis=-1)
    r = values.shape[1]
    targets = np.where(used, np.arange(r), r + np.arange(r)).argsort(axis=-1, kind="stable")
    out = np.empty(shape)
    np.put_along_axis(out, np.broadcast_to(targets, shape),
                      np.take_along_axis(stacked, drawn, axis=-1), axis=-1)
    return out


def _pairwise(batch: np.ndarray, index: str) -> np.ndarray:
    """Overlap matrices of a batch of utilization matrices, shape (count, n, n)."""
    p = batch / batch.sum(axis=-1, keepdims=True)
    if index == "pianka":
        a = batch / np.linalg.norm(batch, axis=-1, keepdims=True)
        return a @ a.swapaxes(-1, -2)
    if index == "czekanowski":
        return np.minimum(p[:, :, None, :], p[:, None, :, :]).sum(axis=-1)
    if index == "horn":
        from scipy.special import xlogy  # here: most callers never need scipy.special
        both = p[:, :, None, :] + p[:, None, :, :]
        own = xlogy(p, p).sum(axis=-1)
        return (xlogy(both, both).sum(axis=-1) - own[:, :, None] - own[:, None, :]) / (
            2 * np.log(2.0))
    squares = (p * p).sum(axis=-1)
    gram = p @ p.swapaxes(-1, -2)
    if index == "macarthur_levins":
        return gram / squares[:, :, None]
    return 2 * gram / (squares[:, :, None] + squares[:, None, :])  # morisita_horn


def _fast_mean(batch: np.ndarray, index: str) -> np.ndarray:
    """Community mean overlap without the n x n matrices (O(n r) per iteration)."""
    n = batch.shape[1]
    if index == "pianka":
        a = batch / np.linalg.norm(batch, axis=-1, keepdims=True)
        total = a.sum(axis=1)
        return ((total * total).sum(axis=-1) - n) / (n * (n - 1))
    p = batch / batch.sum(axis=-1, keepdims=True)
    if index == "macarthur_levins":
        squares = (p * p).sum(axis=-1)
        cross = np.einsum("cnr,cr->cn", p, p.sum(axis=1))
        return ((cross / squares).sum(axis=-1) - n) / (n * (n - 1))
    # czekanowski: sorted down each resource, the m-th smallest share is the min of n-1-m pairs
    ordered = np.sort(p, axis=1)
    weights = np.arange(n - 1, -1, -1, dtype=float)
    return np.einsum("cnr,n->c", ordered, weights) / (n * (n - 1) / 2)


def _statistic(batch: np.ndarray, index: str, statistic: str) -> np.ndarray:
    if statistic == "mean" and index in ("pianka", "macarthur_levins", "czekanowski"):
        return _fast_mean(batch, index)
    matrices = _pairwise(batch, index)
    n = batch.shape[1]
    if index == "macarthur_levins":
        pairs = matrices[:, ~np.eye(n, dtype=bool)]
    else:
        rows, cols = np.triu_indices(n, 1)
        pairs = matrices[:, rows, cols]
    mean = pairs.mean(axis=1)
    if statistic == "mean":
        return mean
    if statistic == "var":
        return pairs.var(axis=1, ddof=1)
    # EcoSimR's skew: third central moment over the cube of the (n - 1) standard deviation
    third = ((pairs - mean[:, None]) ** 3).mean(axis=1)
    return third / pairs.std(axis=1, ddof=1) ** 3


@renamed(iterations="replications")
def null_model(U: UseTable, algorithm: str = "ra3", index: str = "pianka", *,
               replications: int = 1000, statistic: str = "mean", seed: Seed = None,
               empty: EmptyPolicy = "raise") -> NullModelResult:
    """Test whether community niche overlap is higher or lower than chance.

    Parameters
    ----------
    U : DataFrame or array_like
        Members x resources utilization.
    algorithm : {"ra3", "ra4", "ra2", "ra1"}
        The randomisation (see the module notes); ``ra3`` as in EcoSimR.
    index : {"pianka", "czekanowski", "morisita_horn", "horn", "macarthur_levins"}
        The overlap index; EcoSimR offers pianka and czekanowski.
    replications : int
        Number of randomised matrices (EcoSimR's ``nReps``), at least 2.
    statistic : {"mean", "var", "skew"}
        What summarises the pairwise overlaps (EcoSimR's ``pianka``,
        ``pianka_var``, ``pianka_skew``); var and skew need 3 members.
    seed : int or numpy.random.Generator, optional
        Makes the run reproducible; a Generator is used (and advanced) as is.
    empty : {"raise", "nan"}
        Members that use nothing raise, or (``"nan"``) are left out.

    Returns
    -------
    NullModelResult
        Print it for EcoSimR's report; ``.summary()`` gives one row.

    Raises
    ------
    ParameterError
        Unknown algorithm, index or statistic; replications < 2; too few members.

    Examples
    --------
    >>> U = np.array([[5, 3, 0, 0], [4, 4, 1, 0], [0, 1, 6, 2], [0, 0, 3, 5]])
    >>> result = null_model(U, "ra3", replications=200, seed=1)
    >>> round(result.observed, 4)
    0.3578
    >>> result.observed < result.simulated_mean  # the members partition the resources
    True
    """
    algorithm = check_method(algorithm, NULL_ALGORITHMS, what="algorithm")
    index = check_method(index, NULL_INDICES, INDEX_ALIASES, what="index")
    statistic = check_method(statistic, _STATISTICS, what="statistic")
    if isinstance(replications, bool) or not isinstance(replications, (int, np.integer)) \
            or replications < 2:
        raise ParameterError(f"replications must be a whole number >= 2, got {replications!r}")
    if _sparse.is_sparse(U):  # the randomisations shuffle every row: dense rows
        U = _sparse.densify(U, "pool resources (group_by) or select fewer members")
    util = as_utilization(U)
    values = util.values[util.nonempty(empty)]
    # every index compares shares within a row and every algorithm shuffles within a row:
    # each row over its largest use changes no result, and keeps the squares of volumes near
    # the float limits (1e160, 1e-300) from overflowing to inf or vanishing to 0
    values = values / values.max(axis=1, keepdims=True)
    n, r = values.shape
    needed = 2 if statistic == "mean" else 3
    if n < needed:
        raise ParameterError(f"the {statistic} overlap needs at least {needed} members that "
                             f"use something, got {n}")
    rng = as_generator(seed)
    observed = float(_statistic(values[None], index, statistic)[0])
    fast = statistic == "mean" and index in ("pianka", "macarthur_levins", "czekanowski")
    broadcast = index in ("czekanowski", "horn")  # these build (n, n, r) arrays
    per_iteration = 4 * n * r + (0 if fast else n * n * (r if broadcast else 3))
    chunk = max(1, _BUDGET // per_iteration)
    simulated = np.concatenate([
        _statistic(_randomise(values, algorithm, min(chunk, replications - done), rng), index,
                   statistic)
        for done in range(0, replications, chunk)])
    tie = _TIE * max(1.0, abs(observed))
    equal = np.abs(simulated - observed) <= tie
    n_equal = int(equal.sum())
    n_less = int((simulated < observed)[~equal].sum())
    n_greater = replications - n_equal - n_less
    sd = simulated.std(ddof=1)
    quantiles = np.quantile(simulated, [0.05, 0.95, 0.025, 0.975])
    return NullModelResult(
        index=index, algorithm=algorithm, statistic=statistic, replications=int(replications),
        members=n, observed=observed, simulated_mean=float(simulated.mean()),
        simulated_variance=float(simulated.var(ddof=1)),
        ses=float((observed - simulated.mean()) / sd) if sd > tie else float("nan"),
        p_lower=(n_less + n_equal) / replications, p_upper=(n_greater + n_equal) / replications,
        n_less=n_less, n_equal=n_equal, n_greater=n_greater,
        lower_95_one_tail=float(quantiles[0]), upper_95_one_tail=float(quantiles[1]),
        lower_95_two_tail=float(quantiles[2]), upper_95_two_tail=float(quantiles[3]),
        seed="Generator" if isinstance(seed, np.random.Generator) else
        None if seed is None else int(seed),
        simulated=simulated)
