"""Figures drawn from an ecosystem: the kinds of :func:`viz.figures.figure_from_spec`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure

from ecosystem import ParameterError
from ecosystem._rng import Seed, as_generator

from ._charts import bullwhip_figure, niche_overlap_figure
from ._rings import rings_figure

if TYPE_CHECKING:
    from ecosystem import Ecosystem

__all__ = ["figure_from_spec", "SPEC_KINDS", "OVERLAP_LIMIT"]

#: The kinds :func:`figure_from_spec` draws.
SPEC_KINDS = ("rings", "bullwhip", "niche_overlap")
#: The most members a niche-overlap heatmap of :func:`figure_from_spec` shows readably.
OVERLAP_LIMIT = 60


def _bullwhip_from(eco: Ecosystem, market: str | None, seed: Seed, title: str | None
                   ) -> Figure:
    """One run on normal demand (mean 100, sd 10): the orders growing up the chain."""
    from ecosystem import bullwhip

    markets = eco.members(role="market")
    if market is None:
        if not markets:
            raise ParameterError("the ecosystem has no member of role 'market'; a bullwhip "
                                 "figure needs a chain to a market")
        market = markets[0]
    chain = bullwhip.chain_from(eco, market)
    rng = as_generator(seed)
    demand = rng.normal(100.0, 10.0, 200)
    run = bullwhip.simulate(chain, demand=demand, replications=1, keep_series=True, seed=rng)
    assert run.orders is not None, "keep_series=True keeps the orders"
    orders = pd.DataFrame(run.orders[:, 0, :].T, columns=list(chain.members))
    return bullwhip_figure(orders, demand[-len(orders):], log=True,
                           title=title or f"Orders along the chain to {market}")


def _overlap_from(eco: Ecosystem, role: str | None, members: list[str] | None,
                  title: str | None) -> Figure:
    from ecosystem import niche

    use = niche.resource_matrix(eco, direction="out", members=members, role=role,
                                ring=None if (role or members) else "core")
    if len(use) > OVERLAP_LIMIT:
        raise ParameterError(f"{len(use)} members to compare: a heatmap is readable up to "
                             f"{OVERLAP_LIMIT}; narrow it with role= or members=")
    if len(use) < 2:
        raise ParameterError("fewer than two members with outlets to compare; pick others "
                             "with role= or members=")
    return niche_overlap_figure(niche.overlap(use, "pianka"),
                                title=title or "Niche overlap of outlets (Pianka)")


def figure_from_spec(kind: str, eco: Ecosystem, *, market: str | None = None,
                     role: str | None = None, members: list[str] | None = None,
                     seed: Seed = 0, title: str | None = None) -> Figure:
    """The figure ``kind`` drawn from an ecosystem.

    Parameters
    ----------
    kind : {"rings", "bullwhip", "niche_overlap"}
        ``rings``: the three-ring diagram (:func:`rings_figure`);
        ``bullwhip``: one simulated run of the chain to ``market`` on normal
        demand (mean 100, sd 10, 200 periods; :func:`bullwhip_figure`);
        ``niche_overlap``: Pianka's overlap of the outlets of the members of
        ``role``, of ``members``, or of the core ring (:func:`niche_overlap_figure`).
    eco : Ecosystem
    market : str, optional
        bullwhip: the market whose chain is simulated (default: the first market).
    role, members : optional
        niche_overlap: whom to compare (at most :data:`OVERLAP_LIMIT`).
    seed : int or numpy.random.Generator, default 0
        bullwhip: the demand and the run.
    title : str, optional

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for member, role in [("f1", "manufacturer"), ("f2", "manufacturer"),
    ...                      ("lg", "logistics"), ("pay", "finance")]:
    ...     eco.add_member(member, role)
    >>> for firm in ("f1", "f2"):
    ...     eco.link(firm, "lg", "logistics", volume=1.0)
    >>> eco.link("f2", "pay", "capital", volume=1.0)
    >>> figure = figure_from_spec("niche_overlap", eco, role="manufacturer")
    >>> [t.get_text() for t in figure.axes[0].texts]  # Pianka: 1 / sqrt(2) between f1 and f2
    ['1', '0.71', '0.71', '1']
    """
    if kind == "rings":
        return rings_figure(eco, title=title)
    if kind == "bullwhip":
        return _bullwhip_from(eco, market, seed, title)
    if kind == "niche_overlap":
        return _overlap_from(eco, role, members, title)
    raise ParameterError(f"the {kind} figure is not drawn from an ecosystem; kinds drawn from "
                         f"one: {', '.join(SPEC_KINDS)}")
