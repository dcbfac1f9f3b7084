"""Independent cascade and linear threshold: Monte Carlo over all replications at once."""

from __future__ import annotations

from typing import Iterable

from .._compat import renamed
from .._rng import Seed, as_generator
from ..graph import Ecosystem
from ._kernel import spread
from ._network import (DEFAULT_FLOWS, FlowChoice, cascade_chances, check_max_steps, check_runs,
                       in_shares, layer_weights, seed_positions)
from ._result import Diffusion, summarise

__all__ = ["independent_cascade", "linear_threshold"]


@renamed(seeds="members", runs="replications")
def independent_cascade(eco: Ecosystem, members: str | Iterable[str], *,
                        flows: FlowChoice = DEFAULT_FLOWS,
                        probability: float | str = "weighted_cascade",
                        replications: int = 1000, max_steps: int | None = None,
                        seed: Seed = None) -> Diffusion:
    """Independent-cascade diffusion from ``members`` (Kempe, Kleinberg & Tardos 2003).

    A member that adopts at step t gets one chance, at step t + 1, to convert
    each member it links to in the chosen layers; the starting members adopt at step 0.

    Parameters
    ----------
    eco : Ecosystem
    members : str or iterable of str
        The members that hold the know-how first.
    flows : flow or iterable of flows, default ("technology", "information")
        The layers the know-how travels along (in the links' direction).
    probability : float or str, default "weighted_cascade"
        The chance that an adopter converts a member it links to.
        ``"weighted_cascade"``: the pair's share of the target's incoming
        volume over the chosen layers (Kempe et al.'s weighted cascade, with
        volumes for link counts). A number: that chance for every link. The
        name of a link attribute (such as ``"reliability"``): each link's own
        chance. With a number or an attribute, a pair joined by several
        layers gets one independent try per link: ``1 - prod(1 - p)``.
    replications : int, default 1000
        Monte Carlo replications, simulated together.
    max_steps : int, optional
        Stop after this many steps (default: until no one new adopts).
    seed : int or Generator, optional
        Makes the replications reproducible.

    Returns
    -------
    Diffusion
        Adoption curve, per-member adoption probability and time, reach and
        time-to-reach per ring and role.

    Raises
    ------
    UnknownMemberError
        A starting member that is not a member of ``eco``.
    ParameterError
        Bad flows, probability, replications or max_steps; a link of the chosen
        layers without the probability attribute.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for m in ["a", "b", "c"]:
    ...     eco.add_member(m, "online_shop")
    >>> eco.link("a", "b", "technology")
    >>> eco.link("b", "c", "technology")
    >>> result = independent_cascade(eco, "a", probability=0.5, replications=20000, seed=1)
    >>> round(float(result.adoption["c"]), 2)  # exactly 0.5 * 0.5
    0.25
    >>> result.curve["all"].round(2).tolist()  # (1 + 0.5 + 0.25) / 3 by step 2
    [0.33, 0.5, 0.58]
    """
    check_runs(replications)
    check_max_steps(max_steps)
    start = seed_positions(eco, members)
    chances = cascade_chances(eco, flows, probability)
    events = spread(chances, start, replications, max_steps, as_generator(seed),
                    threshold=False)
    return summarise(eco, events, replications)


@renamed(seeds="members", runs="replications")
def linear_threshold(eco: Ecosystem, members: str | Iterable[str], *,
                     flows: FlowChoice = DEFAULT_FLOWS, weight: str = "volume",
                     replications: int = 1000, max_steps: int | None = None,
                     seed: Seed = None) -> Diffusion:
    """Linear-threshold diffusion from ``members`` (Kempe, Kleinberg & Tardos 2003).

    A member's in-neighbours weigh their share of its incoming ``weight``
    over the chosen layers; it adopts at step t + 1 once the shares of the
    in-neighbours adopted by step t add up to its threshold, drawn uniformly
    from [0, 1) for each member and run.

    Parameters
    ----------
    eco, members, flows, replications, max_steps, seed
        As for :func:`independent_cascade`.
    weight : str, default "volume"
        The link attribute the shares are taken of (links without it count 1).

    Returns
    -------
    Diffusion

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for m in ["a", "b", "v"]:
    ...     eco.add_member(m, "online_shop")
    >>> eco.link("a", "v", "technology", volume=1.0)
    >>> eco.link("b", "v", "technology", volume=3.0)
    >>> result = linear_threshold(eco, "a", replications=20000, seed=3)
    >>> round(float(result.adoption["v"]), 2)  # P(threshold <= 1/4)
    0.25
    """
    check_runs(replications)
    check_max_steps(max_steps)
    start = seed_positions(eco, members)
    shares = in_shares(layer_weights(eco, flows, weight))
    events = spread(shares, start, replications, max_steps, as_generator(seed),
                    threshold=True)
    return summarise(eco, events, replications)
