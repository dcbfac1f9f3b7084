"""Knowledge spillover: diffusion of know-how over the technology and information layers.

Seed 000 (Liu & Li, §III-D) describes e-commerce know-how spreading through a
rural cluster from the first adopters to their neighbours. Three standard
models of that spread, on the union of the chosen flow layers:

* :func:`independent_cascade` (Kempe, Kleinberg & Tardos 2003): a member that
  adopts at step t gets one chance to convert each member it links to, with
  the link's probability.
* :func:`linear_threshold` (same source): a member adopts once the weighted
  share of its adopting in-neighbours reaches its own uniform random threshold.
* :func:`heat`: the deterministic expectation, heat diffusion
  :math:`\\dot x = -r L x` with the in-degree Laplacian :math:`L = D_{in} - A^T`,
  so know-how moves along the direction of the links.

The Monte Carlo models run all replications at once (arrays runs x members)
and are reproducible through ``seed``. :func:`spillover_pool` gives Jaffe's
(1986) spillover pool :math:`S_i = \\sum_{j \\ne i} P_{ij} R_j`, whose
technological proximity :math:`P_{ij}` is Pianka's overlap of the members'
technology sources (computed by :func:`ecosystem.niche.overlap`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import expm_multiply

from ._errors import ParameterError, UnknownMemberError
from .graph import Ecosystem
from .niche import overlap
from .taxonomy import Flow, Ring

__all__ = ["Diffusion", "independent_cascade", "linear_threshold", "heat",
           "influence_maximization", "spillover_pool"]

_DEFAULT_FLOWS = ("technology", "information")


@dataclass(frozen=True)
class Diffusion:
    """Result of a Monte Carlo diffusion.

    Attributes
    ----------
    curve : DataFrame
        Mean share of members adopted by each step (rows), overall and per ring.
    adoption : Series
        Probability that each member has adopted by the end.
    time_to_adopt : Series
        Mean first step of adoption over the runs where the member adopted (NaN if never).
    by_ring, by_role : DataFrame
        ``reach`` (mean share of the group adopted), ``p_reached`` (share of
        runs in which any member of the group adopted) and ``time_to_reach``
        (mean first step at which one did, over those runs).
    runs : int
        Number of replications.
    """

    curve: pd.DataFrame
    adoption: pd.Series
    time_to_adopt: pd.Series
    by_ring: pd.DataFrame
    by_role: pd.DataFrame
    runs: int

    @property
    def expected_spread(self) -> float:
        """Expected number of adopters, seeds included."""
        return float(self.adoption.sum())


def _layers(eco: Ecosystem, flows: Iterable[Flow | str], weight: str) -> sp.csr_array:
    """The sum of the chosen layers' weighted adjacencies, without self-links."""
    chosen = [list(Flow).index(Flow.coerce(f, "flow")) for f in flows]
    if not chosen:
        raise ParameterError("give at least one flow layer")
    src, dst, flow, w = eco.edge_arrays(weight)
    keep = np.isin(flow, chosen) & (src != dst)  # a member does not convert itself
    n = len(eco)
    return sp.csr_array((w[keep], (src[keep], dst[keep])), shape=(n, n))


def _seed_positions(eco: Ecosystem, seeds: Iterable[str]) -> np.ndarray:
    seeds = [seeds] if isinstance(seeds, str) else list(seeds)
    if not seeds:
        raise ParameterError("give at least one seed member")
    index = eco.index()
    for member in seeds:
        if member not in index:
            raise UnknownMemberError(f"seed {member!r} is not a member")
    return np.array([index[m] for m in seeds])


def _in_shares(adjacency: sp.csr_array) -> sp.csr_array:
    incoming = np.asarray(adjacency.sum(axis=0)).ravel()
    scale = np.divide(1.0, incoming, out=np.zeros_like(incoming), where=incoming > 0)
    return (adjacency @ sp.diags_array(scale)).tocsr()


def _check_runs(runs: int) -> None:
    if not isinstance(runs, (int, np.integer)) or runs < 1:
        raise ParameterError(f"runs must be a positive integer, got {runs!r}")


def _summarise(eco: Ecosystem, events: tuple[np.ndarray, np.ndarray], runs: int) -> Diffusion:
    """Turn adoption events (cells run * n + member, and their steps) into a Diffusion.

    Every aggregate is a bincount over the events, so the cost follows the
    number of adoptions, not runs x members.
    """
    cells, steps = events
    n = len(eco)
    run_of, member_of = np.divmod(cells, n)
    members = list(eco.graph)
    last = int(steps.max()) if steps.size else 0
    rings = np.array([d["ring"] for _, d in eco.graph.nodes(data=True)], dtype=str)
    roles = np.array([d["role"] for _, d in eco.graph.nodes(data=True)], dtype=str)
    count = np.bincount(member_of, minlength=n)
    per_step = np.zeros((last + 1, n))
    np.add.at(per_step, (steps, member_of), 1.0)
    by_step = np.cumsum(per_step, axis=0) / runs  # steps x members: P(adopted by step)
    curve = {"all": by_step.mean(axis=1)}
    for ring in Ring:
        mask = rings == ring.value
        if mask.any():
            curve[ring.value] = by_step[:, mask].mean(axis=1)
    time = np.divide(np.bincount(member_of, weights=steps, minlength=n), count,
                     out=np.full(n, np.nan), where=count > 0)
    never = np.iinfo(np.int64).max

    def groups(labels: np.ndarray, kind: str) -> pd.DataFrame:
        names, codes = np.unique(labels, return_inverse=True)
        g = len(names)
        reached = np.full(runs * g, never, dtype=np.int64)  # first step per (run, group)
        np.minimum.at(reached, run_of * g + codes[member_of], steps)
        reached = reached.reshape(runs, g)
        hit = reached != never
        hits = hit.sum(axis=0)
        sizes = np.bincount(codes, minlength=g)
        return pd.DataFrame({
            "members": sizes,
            "reach": np.bincount(codes, weights=count / runs, minlength=g) / sizes,
            "p_reached": hits / runs,
            "time_to_reach": np.divide(np.where(hit, reached, 0).sum(axis=0), hits,
                                       out=np.full(g, np.nan), where=hits > 0)},
            index=pd.Index(names, name=kind))

    return Diffusion(curve=pd.DataFrame(curve, index=pd.Index(np.arange(last + 1), name="step")),
                     adoption=pd.Series(count / runs, index=members, name="adoption"),
                     time_to_adopt=pd.Series(time, index=members, name="time_to_adopt"),
                     by_ring=groups(rings, "ring"), by_role=groups(roles, "role"), runs=runs)


def independent_cascade(eco: Ecosystem, seeds: str | Iterable[str], *,
                        flows: Iterable[Flow | str] = _DEFAULT_FLOWS,
                        probability: float | str = "weighted_cascade", runs: int = 1000,
                        max_steps: int | None = None,
                        seed: int | np.random.Generator | None = None) -> Diffusion:
    """Independent-cascade diffusion from ``seeds`` (Monte Carlo over ``runs``).

    Parameters
    ----------
    probability : float or str, default "weighted_cascade"
        The chance that an adopter converts a member it links to: one number
        for every link; ``"weighted_cascade"`` for the link's share of the
        target's incoming volume (Kempe et al. 2003); or the name of a link
        attribute holding a probability (such as ``"reliability"``). Where two
        flows join the same pair, their chances combine as independent tries.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for m in ["a", "b", "c"]:
    ...     eco.add_member(m, "online_shop")
    >>> eco.link("a", "b", "technology")
    >>> eco.link("b", "c", "technology")
    >>> result = independent_cascade(eco, "a", probability=0.5, runs=20000, seed=1)
    >>> round(float(result.adoption["c"]), 2)  # exactly 0.5 * 0.5
    0.25
    """
    _check_runs(runs)
    start = _seed_positions(eco, seeds)
    if isinstance(probability, str) and probability == "weighted_cascade":
        chance = _in_shares(_layers(eco, flows, "volume"))
    elif isinstance(probability, str):
        chance = _combined_chances(eco, flows, probability)
    else:
        if not 0 <= probability <= 1:
            raise ParameterError(f"probability must be in [0, 1], got {probability!r}")
        chance = _layers(eco, flows, "volume")
        chance.data[:] = probability
    events = _spread(chance.tocsr(), start, runs, max_steps, np.random.default_rng(seed),
                     threshold=False)
    return _summarise(eco, events, runs)


def _out_links(weights: sp.csr_array, cells: np.ndarray, n: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The outgoing links of (run, member) cells, flattened as run * n + member.

    Returns the run-offset of each link (run * n), its target and its weight.
    """
    runs_of, members = np.divmod(cells, n)
    start, stop = weights.indptr[members], weights.indptr[members + 1]
    count = stop - start
    total = int(count.sum())
    position = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    link = np.repeat(start, count) + position
    return np.repeat(runs_of * n, count), weights.indices[link], weights.data[link]


def _distinct(cells: np.ndarray, stamp: np.ndarray) -> np.ndarray:
    """``cells`` without repeats, in first-seen order, using a scratch array (no sort).

    ``stamp`` holds 0 everywhere on entry and on exit (so it can be a lazy np.zeros).
    """
    position = np.arange(1, cells.size + 1)
    stamp[cells] = cells.size + 1  # larger than any position
    np.minimum.at(stamp, cells, position)  # defined for repeats, unlike plain assignment
    keep = stamp[cells] == position
    stamp[cells] = 0
    return cells[keep]


def _spread(weights: sp.csr_array, start: np.ndarray, runs: int, max_steps: int | None,
            rng: np.random.Generator, *, threshold: bool) -> tuple[np.ndarray, np.ndarray]:
    """Adoption events of all runs: cells (run * n + member) and the step of adoption.

    All runs advance together; each step touches only the links leaving the
    members that adopted in the previous step, so the work is that of a
    one-run-at-a-time loop, without its Python overhead. ``threshold``
    selects the linear-threshold rule (weights are in-shares; a member's
    uniform threshold is drawn when a link first reaches it), otherwise each
    touched link converts its target with probability equal to its weight.
    """
    n = weights.shape[0]
    adopted = np.zeros(runs * n, dtype=bool)  # zero pages cost nothing until touched
    stamp = np.zeros(runs * n, dtype=np.int64)
    fresh = np.unique((np.arange(runs)[:, None] * n + start[None, :]).ravel())
    adopted[fresh] = True
    found_cells, found_steps = [fresh], [np.zeros(fresh.size, dtype=np.int64)]
    if threshold:
        pressure = np.zeros(runs * n)
        bar = np.zeros(runs * n)
        drawn = np.zeros(runs * n, dtype=bool)
    limit = n if max_steps is None else max_steps
    # each step depends on the adopters of the previous one
    for step in range(1, limit + 1):
        offset, target, weight = _out_links(weights, fresh, n)
        cells = offset + target
        if threshold:
            np.add.at(pressure, cells, weight)
            cells = _distinct(cells[~adopted[cells]], stamp)
            new = cells[~drawn[cells]]
            bar[new] = rng.random(new.size)
            drawn[new] = True
            cells = cells[pressure[cells] >= bar[cells] - 1e-12]
        else:
            cells = cells[rng.random(cells.size) < weight]
            cells = _distinct(cells[~adopted[cells]], stamp)
        if cells.size == 0:
            break
        adopted[cells] = True
        found_cells.append(cells)
        found_steps.append(np.full(cells.size, step, dtype=np.int64))
        fresh = cells
    return np.concatenate(found_cells), np.concatenate(found_steps)


def _combined_chances(eco: Ecosystem, flows: Iterable[Flow | str], attribute: str
                      ) -> sp.csr_array:
    total = None
    for flow in flows:
        # log(1 - p) adds across flows: 1 - prod(1 - p_f) in sparse form
        chance = eco.adjacency(flow, weight=attribute, default=np.nan)
        if np.isnan(chance.data).any() or (chance.data < 0).any() or (chance.data > 1).any():
            raise ParameterError(f"every {Flow.coerce(flow)} link needs a {attribute!r} "
                                 "probability in [0, 1]")
        logs = chance.copy()
        logs.data = np.log1p(-np.minimum(chance.data, 1 - 1e-15))
        total = logs if total is None else total + logs
    total.setdiag(0)
    total.eliminate_zeros()
    total.data = -np.expm1(total.data)
    return total.tocsr()


def linear_threshold(eco: Ecosystem, seeds: str | Iterable[str], *,
                     flows: Iterable[Flow | str] = _DEFAULT_FLOWS, weight: str = "volume",
                     runs: int = 1000, max_steps: int | None = None,
                     seed: int | np.random.Generator | None = None) -> Diffusion:
    """Linear-threshold diffusion from ``seeds`` (Monte Carlo over ``runs``).

    A member's in-neighbours weigh their share of its incoming ``weight``
    volume; it adopts once the shares of its adopting in-neighbours add up to
    its threshold, drawn uniformly from [0, 1) for each run.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for m in ["a", "b", "v"]:
    ...     eco.add_member(m, "online_shop")
    >>> eco.link("a", "v", "technology", volume=1.0)
    >>> eco.link("b", "v", "technology", volume=3.0)
    >>> result = linear_threshold(eco, "a", runs=20000, seed=3)
    >>> round(float(result.adoption["v"]), 2)  # P(threshold <= 1/4)
    0.25
    """
    _check_runs(runs)
    start = _seed_positions(eco, seeds)
    events = _spread(_in_shares(_layers(eco, flows, weight)), start, runs, max_steps,
                     np.random.default_rng(seed), threshold=True)
    return _summarise(eco, events, runs)


def heat(eco: Ecosystem, initial: Mapping[str, float] | str | Iterable[str],
         times: Iterable[float] = (0.0, 1.0, 2.0, 5.0, 10.0), *,
         flows: Iterable[Flow | str] = _DEFAULT_FLOWS, rate: float = 1.0,
         weight: str = "volume") -> pd.DataFrame:
    """Deterministic knowledge levels :math:`x(t) = e^{-r L t} x(0)` (times x members).

    ``initial`` gives each member's starting level (a mapping), or names the
    seed members, which start at 1. The in-degree Laplacian keeps a
    member's level between those of its sources: with no outside input the
    levels converge instead of growing.

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
    if not rate > 0:
        raise ParameterError(f"rate must be > 0, got {rate!r}")
    times = np.asarray(list(times), dtype=float)
    if times.size == 0 or (times < 0).any() or not np.isfinite(times).all():
        raise ParameterError("times must be a non-empty list of finite numbers >= 0")
    index = eco.index()
    x0 = np.zeros(len(eco))
    if isinstance(initial, Mapping):
        for member, level in initial.items():
            if member not in index:
                raise UnknownMemberError(f"initial level for unknown member {member!r}")
            x0[index[member]] = level
    else:
        x0[_seed_positions(eco, initial)] = 1.0
    a = _layers(eco, flows, weight)
    laplacian = sp.diags_array(np.asarray(a.sum(axis=0)).ravel()) - a.T
    levels = np.stack([expm_multiply(-rate * t * laplacian.tocsc(), x0) for t in times])
    return pd.DataFrame(levels, index=pd.Index(times, name="time"), columns=list(eco.graph))


def influence_maximization(eco: Ecosystem, k: int, *, model: str = "independent_cascade",
                           candidates: Iterable[str] | None = None, runs: int = 200,
                           seed: int = 0, **options) -> pd.DataFrame:
    """Greedy choice of the ``k`` seed members that spread most (lazy greedy, CELF).

    Every evaluation reuses the same random ``seed`` (common random numbers),
    so the greedy comparisons are not blurred by sampling noise. Candidates
    default to every member with an outgoing link in the chosen layers.

    Returns a DataFrame, one row per chosen member in order, with the
    marginal ``gain`` and the cumulative expected ``spread``.
    """
    models = {"independent_cascade": independent_cascade, "linear_threshold": linear_threshold}
    if model not in models:
        raise ParameterError(f"model must be one of {sorted(models)}, got {model!r}")
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ParameterError(f"k must be a positive integer, got {k!r}")
    simulate = models[model]
    flows = options.get("flows", _DEFAULT_FLOWS)
    if candidates is None:
        out = np.asarray(_layers(eco, flows, "volume").sum(axis=1)).ravel()
        candidates = [m for m, o in zip(eco.graph, out) if o > 0]
    candidates = list(candidates)
    if len(candidates) < k:
        raise ParameterError(f"only {len(candidates)} candidates for k={k}")

    def spread(chosen: list[str]) -> float:
        return simulate(eco, chosen, runs=runs, seed=seed, **options).expected_spread

    chosen: list[str] = []
    current = 0.0
    gains = {c: np.inf for c in candidates}
    rows = []
    while len(chosen) < k:
        # lazy greedy: re-evaluate the best stale bound until it stays on top
        while True:
            best = max(gains, key=gains.get)
            gains[best] = spread(chosen + [best]) - current
            runner_up = max((v for c, v in gains.items() if c != best), default=-np.inf)
            if gains[best] >= runner_up:
                break
        chosen.append(best)
        gain = gains.pop(best)
        current += gain
        rows.append({"member": best, "gain": gain, "spread": current})
    return pd.DataFrame(rows).set_index("member")


def spillover_pool(eco: Ecosystem, research: Mapping[str, float] | str = "rd", *,
                   flow: Flow | str = "technology", weight: str = "volume") -> pd.DataFrame:
    """Jaffe's (1986) spillover pool :math:`S_i = \\sum_{j \\ne i} P_{ij} R_j`.

    :math:`P_{ij}` is the technological proximity of members i and j: Pianka's
    overlap of their shares of incoming ``flow`` volume by source (the rows of
    the layer's transposed adjacency). ``research`` gives each member's
    research effort R, as a mapping or the name of a member attribute (missing
    counts 0). Members without incoming ``flow`` links have no technology
    profile: their proximity and pool are NaN.

    Returns a DataFrame with the columns ``research``, ``pool``.
    """
    members = list(eco.graph)
    if isinstance(research, str):
        effort = np.array([float(eco.graph.nodes[m].get(research, 0.0)) for m in members])
    else:
        unknown = [m for m in research if m not in eco]
        if unknown:
            raise UnknownMemberError(f"research effort for unknown members {unknown[:5]}")
        effort = np.array([float(research.get(m, 0.0)) for m in members])
    if not np.isfinite(effort).all() or (effort < 0).any():
        raise ParameterError("research effort must be finite and >= 0")
    profiles = eco.adjacency(flow, weight=weight).T.tocsr().toarray()
    has = profiles.sum(axis=1) > 0
    proximity = np.full((len(members), len(members)), np.nan)
    if has.any():
        proximity[np.ix_(has, has)] = overlap(profiles[has], method="pianka")
    np.fill_diagonal(proximity, 0.0)
    pool = np.where(has, np.nansum(np.where(has[None, :], proximity, 0.0) * effort, axis=1),
                    np.nan)
    return pd.DataFrame({"research": effort, "pool": pool}, index=members)
