"""Greedy influence maximisation: the k members whose seeding spreads most."""

from __future__ import annotations

import heapq
from typing import Iterable

import numpy as np
import pandas as pd

from .._errors import ParameterError, UnknownMemberError
from .._compat import renamed
from .._memory import check_allocation
from .._rng import Seed, as_generator
from ..graph import Ecosystem
from ._kernel import live_edge_graphs, reach
from ._network import (DEFAULT_FLOWS, FlowChoice, cascade_chances, check_max_steps, check_runs,
                       in_shares, layer_weights)

__all__ = ["influence_maximization"]

_MODELS = ("independent_cascade", "linear_threshold")


@renamed(runs="replications", candidates="members")
def influence_maximization(eco: Ecosystem, k: int, *, model: str = "independent_cascade",
                           members: Iterable[str] | None = None, replications: int = 200,
                           seed: Seed = 0,
                           flows: FlowChoice = DEFAULT_FLOWS,
                           probability: float | str | None = None,
                           weight: str | None = None, max_steps: int | None = None
                           ) -> pd.DataFrame:
    """Greedy choice of the ``k`` seed members that spread most (Kempe et al. 2003).

    Draws ``replications`` live-edge graphs of the model once (each link live with
    its cascade chance; for the threshold model each member keeps one
    incoming link with probability equal to its share, or none) and scores
    every seed set by the mean number of members it reaches on them, which is
    the model's expected spread up to sampling error (Kempe et al. 2003,
    Claim 2.3 and Theorem 2.5). Because every set is scored on the same
    samples, the score is exactly monotone and submodular, so the lazy
    greedy (CELF, Leskovec et al. 2007) picks exactly what the plain greedy
    would, and the greedy set is within 1 - 1/e of the best set of size k on
    those samples. Meant for small k: each step re-scores the candidates
    whose bound is on top.

    Parameters
    ----------
    k : int
        Number of seed members to choose.
    model : {"independent_cascade", "linear_threshold"}
    members : iterable of str, optional
        The members that may be chosen (default: every member with an
        outgoing link in the chosen layers).
    replications : int, default 200
        Live-edge graphs drawn.
    seed : int or Generator, default 0
        Makes the choice reproducible.
    flows, max_steps
        As for :func:`independent_cascade`; ``max_steps`` counts only the
        members reached within that many steps.
    probability : float or str, optional
        The cascade's link chances (default ``"weighted_cascade"``); only
        for ``model="independent_cascade"``.
    weight : str, optional
        The link attribute of the threshold model's shares (default
        ``"volume"``); only for ``model="linear_threshold"``.

    Returns
    -------
    DataFrame
        One row per chosen member, in the order chosen (index ``member``),
        with the marginal ``gain`` and the cumulative expected ``spread``
        (adopters, seeds included), both estimated on the drawn graphs (so
        slightly optimistic for the chosen set).

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for m in ["hub", "a", "b", "c", "loner"]:
    ...     eco.add_member(m, "online_shop")
    >>> for m in ["a", "b", "c"]:
    ...     eco.link("hub", m, "technology")
    >>> influence_maximization(eco, 1, probability=1.0)
            gain  spread
    member
    hub      4.0     4.0
    """
    if model not in _MODELS:
        raise ParameterError(f"model must be one of {list(_MODELS)}, got {model!r}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ParameterError(f"k must be a positive integer, got {k!r}")
    check_runs(replications)
    check_max_steps(max_steps)
    threshold = model == "linear_threshold"
    if threshold and probability is not None:
        raise ParameterError("probability is a parameter of the independent cascade; the "
                             "linear threshold model takes weight=")
    if not threshold and weight is not None:
        raise ParameterError("weight is a parameter of the linear threshold model; the "
                             "independent cascade takes probability=")
    weights = (in_shares(layer_weights(eco, flows, weight or "volume")) if threshold
               else cascade_chances(eco, flows, "weighted_cascade" if probability is None
                                    else probability))
    everyone = eco.members()
    index = eco.index()
    if members is None:
        outgoing = np.diff(weights.indptr) > 0
        pool = [m for m, out in zip(everyone, outgoing) if out]
    else:
        pool = list(dict.fromkeys([members] if isinstance(members, str) else members))
        unknown = [m for m in pool if m not in index]
        if unknown:
            raise UnknownMemberError(f"candidate {unknown[0]!r} is not a member")
    if len(pool) < k:
        raise ParameterError(f"only {len(pool)} candidate members for k={k}; lower k or "
                             "give more members=")

    n = len(everyone)
    # per replication: the live links expected (sum of the link chances; a member keeps at
    # most one in the threshold model) at about 50 bytes each while drawn and compressed,
    # and three per-cell arrays (the CSR row pointers, seen, a candidate's reach)
    expected_links = float(weights.data.sum())
    check_allocation(float(replications) * (10.0 * n + 50.0 * expected_links),
                     f"{replications:,} live-edge graphs of {n:,} members and about "
                     f"{expected_links:,.0f} live links each", "use fewer replications")
    live = live_edge_graphs(weights, replications, as_generator(seed), threshold=threshold)
    offsets = np.arange(replications, dtype=np.int64) * n
    seen = np.zeros(replications * n, dtype=bool)  # cells reached by the chosen members so far
    chosen: list[int] = []
    spread = 0.0  # mean number of cells the chosen members reach: seen.sum() / replications

    def gain(candidate: int) -> float:
        if max_steps is None:
            # anything reachable through a reached cell is already reached: search past none,
            # then unmark what this candidate added
            added = reach(live, offsets + candidate, seen)
            seen[added] = False
            return added.size / replications
        # with a step limit, a longer path through reached cells may still arrive in time
        cells = (offsets[:, None] + np.array(chosen + [candidate])[None, :]).ravel()
        fresh = np.zeros(replications * n, dtype=bool)
        return reach(live, cells, fresh, max_steps).size / replications - spread

    # CELF: a stale gain bounds the fresh one from above (submodularity), so only the
    # candidate on top of the heap is re-scored; ties go to the earlier candidate
    heap = [(-np.inf, order, index[m], -1) for order, m in enumerate(pool)]
    heapq.heapify(heap)
    rows = []
    while len(chosen) < k:
        bound, order, candidate, scored_at = heapq.heappop(heap)
        if scored_at == len(chosen):
            chosen.append(candidate)
            if max_steps is None:
                reach(live, offsets + candidate, seen)
            else:
                seen[:] = False
                cells = (offsets[:, None] + np.array(chosen)[None, :]).ravel()
                reach(live, cells, seen, max_steps)
            spread = seen.sum() / replications
            rows.append({"member": everyone[candidate], "gain": -bound, "spread": spread})
        else:
            heapq.heappush(heap, (-gain(candidate), order, candidate, len(chosen)))
    return pd.DataFrame(rows).set_index("member")
