"""Industry convergence and value-chain position.

W. Wang (*Effective Path of the Value Chain's Upgrading of Industry Clusters:
Industry Convergence*) argues that convergence at the technology and market
levels blurs the boundaries between industries and lifts
a cluster's value chain. Two measurable sides of that argument:

* :func:`index`: how alike the network neighbourhoods of two industry groups
  are, per flow layer. Group G's *profile* in layer f is the vector, over all
  members j, of the volume on links between G's members and j (outgoing,
  incoming or both). The convergence index of G and H is Pianka's overlap of
  the two profiles, :math:`\\sum_j p_{Gj} p_{Hj} / \\sqrt{\\sum_j p_{Gj}^2 \\sum_j p_{Hj}^2}`:
  0 when the groups deal with disjoint partners, 1 when their partners and
  shares are identical. It is computed by :func:`ecosystem.niche.overlap`, the
  same index the niche module uses for resource overlap. Comparing snapshots
  of an ecosystem over time shows convergence as a rising index.
* :func:`upstreamness`: each member's distance from the final market along the
  logistics layer, the measure of Antràs, Chor, Fally & Hillberry (2012, AER
  102(3)) applied to the member network: :math:`U = (I - \\Delta)^{-1} \\mathbf 1`
  with :math:`\\Delta_{ij}` the share of member i's outgoing volume sent to j.
  A member whose output all goes to final use (no outgoing link, such as the
  overseas market) has U = 1; a supplier two stages before it has U = 3.

References
----------
- Wang, W. (year not stated). *Effective Path of the Value Chain's Upgrading of Industry
  Clusters: Industry Convergence*.
"""

from __future__ import annotations

from typing import Hashable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.sparse.csgraph import connected_components

from ._errors import ParameterError, UnknownMemberError
from .graph import Ecosystem
from .niche import overlap
from .taxonomy import Flow, FlowChoice, parse_flows

__all__ = ["index", "group_profiles", "upstreamness"]

_DIRECTIONS = ("out", "in", "both")


def _groups(eco: Ecosystem, groups: str | Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Group name -> distinct member ids; attribute-defined groups sorted by name."""
    if isinstance(groups, str):
        found: dict[str, list[str]] = {}
        for member, value in zip(eco.members(), eco._member_values(groups).tolist()):
            if value is not None:
                found.setdefault(str(value), []).append(member)
        if len(found) < 2:
            raise ParameterError(f"member attribute {groups!r} defines {len(found)} group(s); "
                                 "convergence needs at least two")
        # sorted, so that every snapshot pairs its groups in the same order
        return dict(sorted(found.items()))
    if not isinstance(groups, Mapping):
        raise ParameterError("groups must be a member attribute name or a mapping of group "
                             "names to member ids")
    found = {}
    for name, members in groups.items():
        members = [members] if isinstance(members, str) else list(members)
        found[str(name)] = list(dict.fromkeys(members))
    if len(found) < 2:
        raise ParameterError("give at least two groups")
    for name, members in found.items():
        if not members:
            raise ParameterError(f"group {name!r} has no members")
        for member in members:
            if member not in eco:
                raise UnknownMemberError(f"group {name!r}: no member {member!r}")
    return found


def group_profiles(eco: Ecosystem, groups: str | Mapping[str, Iterable[str]],
                   flow: Flow | str, *, direction: str = "both",
                   weight: str = "volume") -> pd.DataFrame:
    """Each group's neighbourhood profile in one layer (groups x members, volumes).

    Entry (G, j) is the total ``weight`` of the ``flow`` links between G's
    members and member j: links from G to j (``direction="out"``), from j to
    G (``"in"``) or both added up (``"both"``).

    Parameters
    ----------
    groups : str or mapping of str to member ids
        The groups: a mapping of group names to member ids, or the name of a
        member attribute (such as ``"industry"``) whose values define them
        (members without it belong to no group; groups sorted by name).

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for m in ["tex", "toy", "lab"]:
    ...     eco.add_member(m, "manufacturer" if m != "lab" else "research")
    >>> eco.link("lab", "tex", "technology", volume=2.0)
    >>> eco.link("lab", "toy", "technology", volume=1.0)
    >>> group_profiles(eco, {"textiles": ["tex"], "toys": ["toy"]}, "technology")
              tex  toy  lab
    textiles  0.0  0.0  2.0
    toys      0.0  0.0  1.0
    """
    if direction not in _DIRECTIONS:
        raise ParameterError(f"direction must be one of {_DIRECTIONS}, got {direction!r}")
    named = _groups(eco, groups)
    try:
        adjacency = eco.adjacency(flow, weight=weight)
    except TypeError:  # a weight that is no attribute name; a non-number names its link itself
        raise ParameterError(f"link attribute {weight!r} must be a number on every link"
                             ) from None
    if direction == "in":
        adjacency = adjacency.T
    elif direction == "both":
        adjacency = adjacency + adjacency.T
    position = eco.index()
    rows: list[int] = []
    cols: list[int] = []
    for g, members in enumerate(named.values()):
        rows.extend([g] * len(members))
        cols.extend(position[m] for m in members)
    membership = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(len(named), len(eco)))
    profiles = (membership @ adjacency).toarray()
    return pd.DataFrame(profiles, index=list(named), columns=eco.members())


def index(snapshots: Ecosystem | Sequence[Ecosystem] | Mapping[str, Ecosystem],
          groups: str | Mapping[str, Iterable[str]], *,
          flows: FlowChoice = ("technology", "information", "logistics", "capital"),
          direction: str = "both", weight: str = "volume") -> pd.DataFrame:
    """Convergence index between industry groups, per flow layer and snapshot.

    Parameters
    ----------
    snapshots : Ecosystem, or a sequence or mapping of them
        One ecosystem, or snapshots over time (a mapping's keys name them;
        a sequence's snapshots are numbered from 0).
    groups : str or mapping of str to member ids
        The industry groups (see :func:`group_profiles`).
    flows : Flow, str or list of them
        The layers to compare on.
    direction : {"both", "out", "in"}
        Which links make a member's neighbourhood.
    weight : str
        The link attribute used as volume (missing values count 1).

    Returns
    -------
    DataFrame
        One row per snapshot, flow and pair of groups (columns ``snapshot``,
        ``flow``, ``group_a``, ``group_b``), with the column ``convergence``
        in [0, 1]; NaN where a group has no link in that layer. With two or
        more snapshots a column ``change`` holds the difference from the
        first snapshot (NaN where that one has no value).

    Notes
    -----
    The index compares whom the groups deal with, not whether they deal
    with each other: two industries that only trade with each other have
    disjoint partners and converge 0 (structural equivalence, as in the
    technological-proximity measures of Jaffe 1986).

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for m, role in [("tex1", "manufacturer"), ("toy1", "manufacturer"),
    ...                 ("lab", "research"), ("uni", "research")]:
    ...     eco.add_member(m, role)
    >>> eco.link("lab", "tex1", "technology", volume=2.0)
    >>> eco.link("uni", "toy1", "technology", volume=1.0)
    >>> groups = {"textiles": ["tex1"], "toys": ["toy1"]}
    >>> float(index(eco, groups, flows=["technology"])["convergence"].iloc[0])
    0.0
    >>> eco.link("lab", "toy1", "technology", volume=1.0)
    >>> round(float(index(eco, groups, flows=["technology"])["convergence"].iloc[0]), 3)
    0.707
    """
    named: dict[Hashable, Ecosystem]
    if isinstance(snapshots, Ecosystem):
        named = {0: snapshots}
    elif isinstance(snapshots, Mapping):
        named = {name: eco for name, eco in snapshots.items()}
    else:
        named = dict(enumerate(snapshots))
    if not named:
        raise ParameterError("give at least one ecosystem")
    for label, eco in named.items():
        if not isinstance(eco, Ecosystem):
            raise ParameterError(f"snapshot {label!r} is a {type(eco).__name__}, not an "
                                 "Ecosystem")
    flows = parse_flows(flows)
    rows = []
    for label, eco in named.items():
        for flow in flows:
            profiles = group_profiles(eco, groups, flow, direction=direction, weight=weight)
            empty = profiles.sum(axis=1).to_numpy() == 0
            similarity = np.full((len(profiles), len(profiles)), np.nan)
            if (~empty).sum():
                similarity[np.ix_(~empty, ~empty)] = overlap(
                    profiles.to_numpy()[~empty], index="pianka")
            a, b = np.triu_indices(len(profiles), k=1)
            names = profiles.index.to_numpy()
            rows.append(pd.DataFrame({"snapshot": label, "flow": flow.value,
                                      "group_a": names[a], "group_b": names[b],
                                      "convergence": similarity[a, b]}))
    table = pd.concat(rows, ignore_index=True)
    if len(named) > 1:
        # against the first snapshot itself: NaN there (or a pair it lacks) gives NaN changes
        key = ["flow", "group_a", "group_b"]
        first_label = next(iter(named))
        baseline = table.loc[table["snapshot"] == first_label, key + ["convergence"]]
        table["change"] = table["convergence"] - table[key].merge(
            baseline, on=key, how="left")["convergence"].to_numpy()
    return table


def upstreamness(eco: Ecosystem, flow: Flow | str = "logistics", *,
                 weight: str = "volume") -> pd.Series:
    """Each member's upstreamness along a layer (Antràs et al. 2012; 1 = final stage).

    Members without any link in the layer get NaN. A group of members that
    only pass volume among themselves, never reaching a member without
    outgoing links, has no finite upstreamness: that is an error naming one of
    them.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for m, role in [("s", "supplier"), ("f", "manufacturer"), ("p", "platform"),
    ...                 ("us", "market"), ("eu", "market")]:
    ...     eco.add_member(m, role)
    >>> eco.link("s", "f", "logistics", volume=10.0)
    >>> eco.link("f", "p", "logistics", volume=10.0)
    >>> eco.link("p", "us", "logistics", volume=6.0)
    >>> eco.link("f", "eu", "logistics", volume=10.0)
    >>> upstreamness(eco).round(2).tolist()
    [3.5, 2.5, 2.0, 1.0, 1.0]
    """
    a = eco.adjacency(flow, weight=weight).astype(float)
    n = a.shape[0]
    bad = ~np.isfinite(a.data) | (a.data < 0)
    if bad.any():
        coo = a.tocoo()  # the same entries in the same order, with their rows
        members = eco.members()
        i = int(np.flatnonzero(bad)[0])
        raise ParameterError(f"link {members[coo.row[i]]!r} -> {members[coo.col[i]]!r} has "
                             f"{weight}={float(coo.data[i])!r}; upstreamness needs volumes "
                             "that are finite and >= 0")
    outgoing = np.asarray(a.sum(axis=1)).ravel()
    incoming = np.asarray(a.sum(axis=0)).ravel()
    shares = sp.diags_array(np.divide(1.0, outgoing, out=np.zeros(n), where=outgoing > 0)) @ a
    _check_reaches_final_use(a, outgoing, eco.members(), flow)
    values = spla.spsolve((sp.identity(n, format="csc") - shares).tocsc(), np.ones(n))
    values = np.atleast_1d(values)
    values[(outgoing == 0) & (incoming == 0)] = np.nan
    return pd.Series(values, index=eco.members(), name="upstreamness")


def _check_reaches_final_use(a: sp.csr_array, outgoing: np.ndarray, members: list[str],
                             flow: object) -> None:
    """Every member with output must reach a member without outgoing links."""
    n_parts, part = connected_components(a, directed=True, connection="strong")
    leaves_part = np.zeros(n_parts, dtype=bool)
    coo = a.tocoo()
    crossing = part[coo.row] != part[coo.col]
    leaves_part[part[coo.row[crossing]]] = True
    sends = np.bincount(part, weights=outgoing, minlength=n_parts) > 0
    trapped = np.flatnonzero(~leaves_part & sends)
    if trapped.size:
        inside = np.flatnonzero(part == trapped[0])
        raise ParameterError(
            f"members {[members[i] for i in inside[:5]]} pass {flow} volume only among "
            "themselves and never reach final use; upstreamness is infinite there")
