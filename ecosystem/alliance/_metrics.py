"""The default market and margins of an ecosystem's analyses."""

from __future__ import annotations


import numpy as np

from .._errors import ParameterError
from ..graph import Ecosystem

__all__ = ["default_market", "default_margin", "CBEC_ROLES"]

CBEC_ROLES = ("cbec_enterprise", "platform")
INDUSTRY_ROLES = ("manufacturer", "producer", "supplier", "production_base", "processor",
                  "cooperative")


def default_market(eco: Ecosystem) -> str:
    """The market with the largest inbound logistics volume: the one compared by default.

    Links without ``volume`` count 1; ties go to the market listed first.

    Raises
    ------
    ParameterError
        The ecosystem has no member of role ``market``.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for member, role in [("m", "manufacturer"), ("us", "market"), ("eu", "market")]:
    ...     eco.add_member(member, role)
    >>> eco.link("m", "us", "logistics", volume=2.0); eco.link("m", "eu", "logistics", volume=5.0)
    >>> default_market(eco)
    'eu'
    """
    markets = eco.members(role="market")
    if not markets:
        raise ParameterError("the ecosystem has no member of role 'market'; "
                             "give market=... explicitly")
    inbound = np.asarray(eco.adjacency("logistics").sum(axis=0)).ravel()
    index = eco.index()
    return max(markets, key=lambda m: inbound[index[m]])


def default_margin(eco: Ecosystem) -> dict[str, float]:
    """Each market's ``margin`` attribute (profit per unit sold there): the default margin.

    Raises
    ------
    ParameterError
        Naming the markets without a ``margin`` attribute.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> eco.add_member("us", "market", margin=8); eco.add_member("eu", "market", margin=6.5)
    >>> default_margin(eco)
    {'us': 8.0, 'eu': 6.5}
    """
    markets = eco.members(role="market")
    missing = [m for m in markets if "margin" not in eco.member(m)]
    if missing:
        raise ParameterError(f"markets {missing} have no 'margin' attribute (profit per unit "
                             "sold there); set it on the members or pass margin=...")
    return {m: float(eco.member(m)["margin"]) for m in markets}
