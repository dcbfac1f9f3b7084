"""The graph the diffusion models run on: chosen layers, link chances, seed members."""

from __future__ import annotations

from typing import Iterable

import numpy as np
import scipy.sparse as sp

from .._errors import ParameterError, UnknownMemberError
from ..graph import Ecosystem
from ..taxonomy import FlowChoice, parse_flows

__all__ = ["DEFAULT_FLOWS", "FlowChoice", "layer_weights", "in_shares",
           "cascade_chances", "seed_positions", "check_runs", "check_max_steps"]

DEFAULT_FLOWS = ("technology", "information")


def _links(eco: Ecosystem, flows: FlowChoice, weight: str, default: float = 1.0
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Source, target and ``weight`` of every link of the chosen layers, self-links left out.

    Layer by layer from :meth:`Ecosystem.adjacency`, so only the chosen layers' weights are read.
    """
    try:
        layers = [eco.adjacency(flow, weight, default).tocoo() for flow in parse_flows(flows)]
    except TypeError:  # a weight that is no attribute name; a non-number names its link itself
        raise ParameterError(f"link attribute {weight!r} must be a number on every link"
                             ) from None
    src = np.concatenate([layer.row for layer in layers])
    dst = np.concatenate([layer.col for layer in layers])
    w = np.concatenate([layer.data for layer in layers])
    keep = src != dst  # a member does not convert itself
    return src[keep], dst[keep], w[keep]


def layer_weights(eco: Ecosystem, flows: FlowChoice, weight: str = "volume") -> sp.csr_array:
    """The chosen layers' ``weight`` summed per (source, target) pair, as an n x n CSR array.

    Links without ``weight`` count 1. Every weight must be finite and >= 0.
    """
    src, dst, w = _links(eco, flows, weight)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        members = eco.members()
        i = int(np.flatnonzero(bad)[0])
        raise ParameterError(f"link {members[src[i]]!r} -> {members[dst[i]]!r} has "
                             f"{weight}={float(w[i])!r}; diffusion weights must be finite "
                             "and >= 0")
    n = len(eco)
    return sp.csr_array((w, (src, dst)), shape=(n, n))  # duplicate pairs are summed


def in_shares(weights: sp.csr_array) -> sp.csr_array:
    """Each link's share of its target's incoming weight (columns sum to 1 or 0)."""
    incoming = np.asarray(weights.sum(axis=0)).ravel()
    scale = np.divide(1.0, incoming, out=np.zeros_like(incoming), where=incoming > 0)
    return (weights @ sp.diags_array(scale)).tocsr()


def cascade_chances(eco: Ecosystem, flows: FlowChoice, probability: float | str
                    ) -> sp.csr_array:
    """The chance that an adopter converts each member it links to (n x n CSR).

    ``"weighted_cascade"``: the pair's share of the target's incoming volume,
    summed over the chosen layers. A number or a link attribute: that chance
    per link, and a pair joined by several layers gets one independent try
    per link, ``1 - prod(1 - p)``.
    """
    if isinstance(probability, str) and probability == "weighted_cascade":
        return in_shares(layer_weights(eco, flows, "volume"))
    if isinstance(probability, str):
        src, dst, p = _links(eco, flows, probability, default=np.nan)
        bad = ~((p >= 0) & (p <= 1))  # also catches NaN: a link without the attribute
        if bad.any():
            members = eco.members()
            i = int(np.flatnonzero(bad)[0])
            shown = "no value" if np.isnan(p[i]) else repr(float(p[i]))
            raise ParameterError(
                f"every link of the chosen layers needs a {probability!r} probability in "
                f"[0, 1]; {members[src[i]]!r} -> {members[dst[i]]!r} has {shown}")
    else:
        if (isinstance(probability, bool) or not isinstance(probability, (int, float, np.number))
                or not 0 <= probability <= 1):
            raise ParameterError(f"probability must be a number in [0, 1], 'weighted_cascade' "
                                 f"or a link attribute name, got {probability!r}")
        src, dst, _ = _links(eco, flows, "volume")
        p = np.full(src.size, float(probability))
    n = len(eco)
    # independent tries add in log(1 - p) (-inf for a sure link); summing duplicates adds them
    # per pair
    with np.errstate(divide="ignore"):
        misses = sp.csr_array((np.log1p(-p), (src, dst)), shape=(n, n))
    misses.data = -np.expm1(misses.data)
    return misses


def seed_positions(eco: Ecosystem, seeds: str | Iterable[str]) -> np.ndarray:
    """Positions of the seed members (at least one; every one a member)."""
    seeds = [seeds] if isinstance(seeds, str) else list(seeds)
    if not seeds:
        raise ParameterError("give at least one starting member")
    index = eco.index()
    unknown = [m for m in seeds if m not in index]
    if unknown:
        raise UnknownMemberError(f"starting member {unknown[0]!r} is not a member of the ecosystem"
                                 + (f" (nor are {unknown[1:4]})" if len(unknown) > 1 else ""))
    return np.unique([index[m] for m in seeds])


def check_runs(runs: object) -> None:
    if isinstance(runs, bool) or not isinstance(runs, (int, np.integer)) or runs < 1:
        raise ParameterError(f"replications must be a positive integer, got {runs!r}")


def check_max_steps(max_steps: object) -> None:
    if max_steps is not None and (isinstance(max_steps, bool)
                                  or not isinstance(max_steps, (int, np.integer))
                                  or max_steps < 0):
        raise ParameterError(f"max_steps must be None or an integer >= 0, got {max_steps!r}")
