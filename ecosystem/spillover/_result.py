"""The result of a Monte Carlo diffusion, summarised from adoption events."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._result import Result, in_ring_order, was_attribute
from ..graph import Ecosystem
from ..taxonomy import Ring
from .._warn import warn

__all__ = ["Diffusion", "summarise"]


@dataclass(frozen=True)
class Diffusion(Result):
    """Result of a Monte Carlo diffusion.

    Attributes
    ----------
    curve : DataFrame
        The adoption curve: mean share of members adopted by each step (rows,
        step 0 holds the seeds), overall (``all``) and per ring.
    adoption : Series
        Probability that each member has adopted by the end.
    time_to_adopt : Series
        Mean first step of adoption over the runs where the member adopted (NaN if never).
    per_ring, per_role : DataFrame
        One row per ring (in ring order) or role (sorted), also ``by_ring()``
        and ``by_role()``: ``members``, ``reach`` (mean share of the
        group adopted by the end), ``p_reached`` (share of runs in which any
        member of the group adopted) and ``time_to_reach`` (mean first step at
        which one did, over those runs; NaN if never).
    replications : int
        Number of replications.
    curve_by_role : DataFrame
        The adoption curve of each role (columns), like ``curve``.
    """

    curve: pd.DataFrame
    adoption: pd.Series
    time_to_adopt: pd.Series
    per_ring: pd.DataFrame
    per_role: pd.DataFrame
    replications: int
    curve_by_role: pd.DataFrame | None = None

    @property
    def expected_spread(self) -> float:
        """Expected number of adopters, seeds included."""
        return float(self.adoption.sum())

    @property
    def runs(self) -> int:
        """The old name of :attr:`replications` (goes in the next release)."""
        warn("Diffusion.runs is now Diffusion.replications; the old name goes in the "
             "next release", DeprecationWarning)
        return self.replications

    @was_attribute
    def by_ring(self) -> pd.DataFrame:
        """One row per ring, in ring order: :attr:`per_ring`."""
        return self.per_ring

    @was_attribute
    def by_role(self) -> pd.DataFrame:
        """One row per role, sorted by name: :attr:`per_role`."""
        return self.per_role

    def summary(self) -> pd.DataFrame:
        """One row per ring: ``members``, ``reach``, ``p_reached``, ``time_to_reach``."""
        return self.per_ring

    def headline(self) -> str:
        return (f"expected adopters: {self.expected_spread:.2f} of {len(self.adoption)} "
                f"({self.replications} replications)")


def summarise(eco: Ecosystem, events: tuple[np.ndarray, np.ndarray], runs: int) -> Diffusion:
    """Turn adoption events (cells run * n + member, and their steps) into a Diffusion.

    Every aggregate is a bincount over the events, so the cost follows the
    number of adoptions, not runs x members.
    """
    cells, steps = events
    n = len(eco)
    run_of, member_of = np.divmod(cells, n)
    members = eco.members()
    last = int(steps.max()) if steps.size else 0
    rings = eco._member_values("ring").astype(str)
    roles = eco._member_values("role").astype(str)
    count = np.bincount(member_of, minlength=n)
    per_step = np.zeros((last + 1, n))
    np.add.at(per_step, (steps, member_of), 1.0)
    by_step = np.cumsum(per_step, axis=0) / runs  # steps x members: P(adopted by step)
    curve = {"all": by_step.mean(axis=1)}
    for ring in Ring:
        mask = rings == ring.value
        if mask.any():
            curve[ring.value] = by_step[:, mask].mean(axis=1)
    role_names, role_codes = np.unique(roles, return_inverse=True)
    in_role = sp.csr_array((np.ones(n), (np.arange(n), role_codes)), shape=(n, role_names.size))
    role_curve = (in_role.T @ by_step.T).T / np.bincount(role_codes)  # steps x roles
    time = np.divide(np.bincount(member_of, weights=steps, minlength=n), count,
                     out=np.full(n, np.nan), where=count > 0)
    never = np.iinfo(np.int64).max

    def groups(labels: np.ndarray, kind: str) -> pd.DataFrame:
        names, codes = np.unique(labels, return_inverse=True)
        g = len(names)
        first = np.full(runs * g, never, dtype=np.int64)  # first step per (run, group)
        np.minimum.at(first, run_of * g + codes[member_of], steps)
        reached = first.reshape(runs, g)
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

    steps_index = pd.Index(np.arange(last + 1), name="step")
    return Diffusion(curve=pd.DataFrame(curve, index=steps_index),
                     curve_by_role=pd.DataFrame(role_curve, index=steps_index,
                                                columns=pd.Index(role_names, name="role")),
                     adoption=pd.Series(count / runs, index=members, name="adoption"),
                     time_to_adopt=pd.Series(time, index=members, name="time_to_adopt"),
                     per_ring=in_ring_order(groups(rings, "ring")),
                     per_role=groups(roles, "role"), replications=runs)
