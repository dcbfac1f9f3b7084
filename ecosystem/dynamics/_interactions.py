"""The Lotka-Volterra interaction matrix of an ecosystem's member populations.

Qian (§3) sees three relations among enterprise populations; Wang & Gao
(§2.1, §4.3) says where they come from. :func:`interaction_matrix` turns an
:class:`~ecosystem.Ecosystem` into the matrix A of ``x' = x (r + A x)``:

competition (niche overlap)
    Members that use the same resources compete (Wang & Gao, §2.1: logistics
    firms for customers, manufacturers for platforms). The competition
    coefficient is MacArthur & Levins' (1967) overlap ``alpha_ij`` of
    :func:`ecosystem.niche.overlap` on the members x resources matrix of
    :func:`ecosystem.niche.resource_matrix` (by default ``direction="out"``
    over the goods flow, :data:`ecosystem.niche.DEFAULT_COMPETITION_FLOW`:
    a member's resources are the members it delivers to). Only
    members of the same role compete (one niche per role, as in Wang & Gao:
    a logistics firm and a manufacturer that both deliver to a platform do
    not compete); ``same_role=False`` lets every pair compete.
    ``A_ij -= competition * s_i * alpha_ij``, the classical
    ``r_i N_i (K_i - N_i - sum_j alpha_ij N_j) / K_i`` form.
predation (upstream -> downstream logistics)
    A logistics link between two core members u -> v is Qian's
    upstream-downstream pair: the downstream v "eats" u's output.
    ``A_uv -= predation * w`` and ``A_vu += predation * conversion * w``
    (Qian's ``b1`` and ``b1 b2``).
mutualism (service and symbiosis links)
    A link with a sub-core member at either end is a service relation (Wang &
    Gao, §3.1: logistics, finance, technology and government platforms serve
    the core; §4.3: symbiotic development). ``A_uv += mutualism * w`` and
    ``A_vu += mutualism * w``.

A link's ``relation`` attribute overrides this classification: one of
``"predation"``, ``"mutualism"`` (or ``"symbiosis"``) or ``"none"``. Links
between core members of the other flows have no direct term. ``w`` is the
link's ``weight`` attribute (volume; 1 if missing) divided by the largest
one of the same relation *and flow*: volumes of different flows are in
different units (a 700 thousand-yuan payment and a 10 service-day
technology link), so each strength applies to the strongest link of each
flow.
The diagonal is ``-s_i`` (``self_limitation``). Outer-ring members are the
environment, not populations, and are left out unless named in ``members``.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from .._errors import ParameterError
from .._memory import check_allocation
from ..graph import Ecosystem
from ..taxonomy import Ring
from ._common import positive

__all__ = ["interactions", "interaction_matrix", "RELATIONS"]

#: Values of a link's ``relation`` attribute that interaction_matrix understands.
RELATIONS = ("predation", "mutualism", "symbiosis", "none")


def _populations(eco: Ecosystem, members: Iterable[str] | None) -> list[str]:
    if members is None:
        return [m for m in eco.members() if eco.member(m)["ring"] != Ring.OUTER.value]
    chosen = list(members)
    for member_id in chosen:
        eco.member(member_id)  # raises UnknownMemberError
    if len(set(chosen)) != len(chosen):
        raise ParameterError("members lists a member more than once")
    return chosen


def interactions(eco: Ecosystem, members: Iterable[str] | None = None, *,
                 weight: str = "volume") -> pd.DataFrame:
    """Every link between populations with the relation it contributes (see the module text).

    Returns
    -------
    DataFrame
        Columns ``source``, ``target``, ``flow``, ``relation`` (predation or
        mutualism) and ``weight`` (normalised to at most 1 per relation);
        links without a relation are left out.

    Examples
    --------
    >>> eco = Ecosystem("pair")
    >>> eco.add_member("mill", "supplier"); eco.add_member("shop", "cbec_enterprise")
    >>> eco.add_member("bank", "finance")
    >>> eco.link("mill", "shop", "logistics", volume=40.0)
    >>> eco.link("bank", "shop", "capital", volume=5.0)
    >>> interactions(eco)
      source target       flow   relation  weight
    0   mill   shop  logistics  predation     1.0
    1   bank   shop    capital  mutualism     1.0
    """
    populations = set(_populations(eco, members))
    rows = []
    # a Python loop: each link's relation depends on its attribute dict and its ends' rings
    ring_of = dict(zip(eco.members(), eco._member_values("ring").tolist()))
    for u, v, flow, data in eco.links(data=True):
        if u == v or u not in populations or v not in populations:
            continue
        relation = data.get("relation")
        if relation is None:
            rings = {ring_of[u], ring_of[v]}
            if Ring.SUB_CORE.value in rings:
                relation = "mutualism"
            elif flow == "logistics" and rings == {Ring.CORE.value}:
                relation = "predation"
            else:
                continue
        if relation not in RELATIONS:
            raise ParameterError(f"link {u!r} -> {v!r} ({flow}): relation {relation!r} is not "
                                 f"one of {', '.join(RELATIONS)}")
        if relation == "none":
            continue
        value = data.get(weight, 1.0)
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
                or not np.isfinite(value) or value < 0:
            raise ParameterError(f"link {u!r} -> {v!r} ({flow}): {weight} must be a finite "
                                 f"number >= 0, got {value!r}")
        rows.append((u, v, flow, "mutualism" if relation == "symbiosis" else relation,
                     float(value)))
    table = pd.DataFrame(rows, columns=["source", "target", "flow", "relation", "weight"])
    # per flow: volumes of different flows are in different units
    largest = table.groupby(["relation", "flow"])["weight"].transform("max")
    table["weight"] = np.where(largest > 0, table["weight"] / largest.where(largest > 0, 1.0),
                               0.0)
    return table


def _competition(eco: Ecosystem, labels: list[str], resources: Any, same_role: bool
                 ) -> np.ndarray:
    from .. import niche  # the niche module is optional at import time of this one

    if isinstance(resources, pd.DataFrame):
        use = resources
    else:
        options: dict[str, Any] = {"direction": "out",
                                   "flows": niche.DEFAULT_COMPETITION_FLOW}
        options.update(resources or {})
        use = niche.resource_matrix(eco, **options)
    use = use.loc[[m for m in use.index if m in set(labels)]]
    use = use.loc[use.to_numpy(dtype=float).sum(axis=1) > 0]  # no resources: no competitor
    alpha = np.zeros((len(labels), len(labels)))
    if len(use) < 2:
        return alpha
    coefficients = np.asarray(niche.overlap(use, index="macarthur_levins"), dtype=float)
    position = {m: i for i, m in enumerate(labels)}
    rows = np.array([position[m] for m in use.index])  # overlap keeps the rows of use
    alpha[np.ix_(rows, rows)] = coefficients
    np.fill_diagonal(alpha, 0.0)
    if same_role:
        role_of = dict(zip(eco.members(), eco._member_values("role").tolist()))
        roles = np.array([role_of[m] for m in labels], dtype=object)
        alpha[roles[:, None] != roles[None, :]] = 0.0
    return alpha


def interaction_matrix(eco: Ecosystem, members: Iterable[str] | None = None, *,
                       competition: float = 1.0, predation: float = 0.5,
                       conversion: float = 0.5, mutualism: float = 0.1,
                       self_limitation: float | Mapping[str, float] = 1.0,
                       weight: str = "volume",
                       resources: pd.DataFrame | Mapping[str, Any] | None = None,
                       same_role: bool = True) -> pd.DataFrame:
    """The interaction matrix A of the ecosystem's populations (see the module text).

    Parameters
    ----------
    eco : Ecosystem
    members : iterable of str, optional
        The populations, in this order; every member outside the outer ring
        by default (in member order).
    competition, predation, conversion, mutualism : float
        Strengths (>= 0): multiplier of the MacArthur-Levins coefficients;
        the strongest upstream -> downstream link's ``b1``; the downstream
        conversion efficiency ``b2``; the strongest service link's benefit.
    self_limitation : float or mapping
        ``s_i > 0``, the diagonal is ``-s_i``.
    weight : str
        Link attribute giving a link's strength (volume).
    resources : DataFrame or mapping, optional
        The members x resources use for the competition term, or options for
        :func:`ecosystem.niche.resource_matrix` (default
        ``{"direction": "out", "flows": "logistics"}``).
    same_role : bool
        Only members of the same role compete (default).

    Returns
    -------
    DataFrame
        n x n, rows and columns labelled by member id.

    Examples
    --------
    Two manufacturers send listings to the same platform (m1 also to a
    market), so they compete over those information outlets; a supplier
    ships to m1 (predation) and a logistics firm serves m1 (mutualism).
    MacArthur-Levins on the outlets: m1 uses (mall, us) = (1/2, 1/2), m2
    (1, 0), so ``alpha_m1,m2 = (1/2) / (1/4 + 1/4) = 1`` and
    ``alpha_m2,m1 = (1/2) / 1 = 1/2``:

    >>> eco = Ecosystem("belt")
    >>> for m, role in [("s1", "supplier"), ("m1", "manufacturer"), ("m2", "manufacturer"),
    ...                 ("mall", "platform"), ("us", "market"), ("lg", "logistics")]:
    ...     eco.add_member(m, role)
    >>> eco.link("m1", "mall", "information"); eco.link("m1", "us", "information")
    >>> eco.link("m2", "mall", "information")
    >>> eco.link("s1", "m1", "logistics"); eco.link("lg", "m1", "logistics")
    >>> interaction_matrix(eco, resources={"flows": "information"})
    member    s1    m1   m2  mall   us   lg
    member
    s1     -1.00 -0.50  0.0   0.0  0.0  0.0
    m1      0.25 -1.00 -1.0   0.0  0.0  0.1
    m2      0.00 -0.50 -1.0   0.0  0.0  0.0
    mall    0.00  0.00  0.0  -1.0  0.0  0.0
    us      0.00  0.00  0.0   0.0 -1.0  0.0
    lg      0.00  0.10  0.0   0.0  0.0 -1.0
    """
    labels = _populations(eco, members)
    if not labels:
        raise ParameterError("the ecosystem has no populations (members outside the outer ring)")
    strengths = {name: positive(value, name, allow_zero=True) for name, value in
                 (("competition", competition), ("predation", predation),
                  ("conversion", conversion), ("mutualism", mutualism))}
    if isinstance(self_limitation, Mapping):
        missing = [m for m in labels if m not in self_limitation]
        if missing:
            raise ParameterError(f"self_limitation: no value for member(s) {missing[:5]}")
        s = np.array([positive(self_limitation[m], f"self_limitation[{m!r}]") for m in labels])
    else:
        s = np.full(len(labels), positive(self_limitation, "self_limitation"))
    position = {m: i for i, m in enumerate(labels)}
    n = len(labels)
    # A, the competition coefficients, their overlap matrix and the temporaries of the
    # products: about five n x n arrays at once
    check_allocation(5 * 8.0 * n * n, f"the {n:,} x {n:,} interaction matrix and its "
                     "competition coefficients", "name fewer populations with members=")
    a = np.zeros((n, n))
    if strengths["competition"] > 0:
        a -= strengths["competition"] * s[:, None] * _competition(eco, labels, resources,
                                                                  same_role)
    links = interactions(eco, labels, weight=weight)
    src = links["source"].map(position).to_numpy(dtype=int)
    dst = links["target"].map(position).to_numpy(dtype=int)
    w = links["weight"].to_numpy()
    prey = (links["relation"] == "predation").to_numpy()
    # np.add.at accumulates repeated (i, j) pairs, e.g. two flows between the same members
    np.add.at(a, (src[prey], dst[prey]), -strengths["predation"] * w[prey])
    np.add.at(a, (dst[prey], src[prey]),
              strengths["predation"] * strengths["conversion"] * w[prey])
    mutual = ~prey
    np.add.at(a, (src[mutual], dst[mutual]), strengths["mutualism"] * w[mutual])
    np.add.at(a, (dst[mutual], src[mutual]), strengths["mutualism"] * w[mutual])
    a[np.diag_indices(len(labels))] = -s
    index = pd.Index(labels, name="member")
    return pd.DataFrame(a, index=index, columns=index)
