"""Jaffe's spillover pool, with Pianka's overlap from the niche module as proximity."""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._errors import ParameterError, UnknownMemberError
from ..graph import Ecosystem
from ..niche import resource_matrix
from ._network import FlowChoice

__all__ = ["spillover_pool"]


def _research_effort(eco: Ecosystem, research: Mapping[str, float] | str) -> np.ndarray:
    members = eco.members()
    if isinstance(research, str):
        raw = eco._member_values(research, 0.0).tolist()
        where = f"member attribute {research!r}"
    else:
        unknown = [m for m in research if m not in eco]
        if unknown:
            raise UnknownMemberError(f"research effort given for {unknown[0]!r}, which is not "
                                     "a member")
        raw = [research.get(m, 0.0) for m in members]
        where = "research effort"
    try:
        effort = np.array(raw, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"{where} must be a number for every member") from None
    bad = ~np.isfinite(effort) | (effort < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ParameterError(f"{where} must be finite and >= 0; {members[i]!r} has {raw[i]!r}")
    return effort


def spillover_pool(eco: Ecosystem, research: Mapping[str, float] | str = "rd", *,
                   flow: FlowChoice = "technology", weight: str = "volume",
                   technology: pd.DataFrame | None = None) -> pd.DataFrame:
    """Jaffe's (1986) spillover pool :math:`S_i = \\sum_{j \\ne i} P_{ij} R_j`.

    Jaffe measured the technological proximity :math:`P_{ij}` of two firms as
    the uncentred correlation of their technology-share vectors,
    :math:`F_i F_j^T / \\sqrt{(F_i F_i^T)(F_j F_j^T)}`, which is exactly
    Pianka's overlap: it is computed by :func:`ecosystem.niche.overlap` on
    the members x sources matrix of :func:`ecosystem.niche.resource_matrix`
    (each member's incoming ``flow`` volume by source member), or on a
    ``technology`` table you give (members x technology classes, such as
    Jaffe's patent counts by class).

    Parameters
    ----------
    research : mapping or str, default "rd"
        Each member's research effort R: a mapping, or the name of a member
        attribute; a missing value counts 0.
    flow : flow or list of flows, default "technology"
        The layers whose incoming volumes by source form the technology profile.
    weight : str, default "volume"
        The link attribute summed into the profile (missing counts 1).
    technology : DataFrame, optional
        Members (index) x technology classes (columns), non-negative; used
        instead of the links.

    Returns
    -------
    DataFrame
        Columns ``research`` (R) and ``pool`` (S), one row per member. Only
        members with a technology profile (some incoming ``flow`` volume, or
        a non-zero row of ``technology``) have a proximity: the others' pool
        is NaN, and their research counts in nobody's pool.

    Notes
    -----
    No members x members matrix is formed: with :math:`\\hat F` the profiles
    scaled to unit length and :math:`s = \\hat F^T R`, the pool is
    :math:`S_i = \\sum_k \\hat F_{ik} (s_k - \\hat F_{ik} R_i)`, so time and
    memory grow with the number of non-zero profile entries.

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> eco = Ecosystem()
    >>> for m, role in [("lab", "research"), ("uni", "research"), ("a", "manufacturer"),
    ...                 ("b", "manufacturer")]:
    ...     eco.add_member(m, role)
    >>> eco.link("lab", "a", "technology", volume=1.0)
    >>> eco.link("lab", "b", "technology", volume=1.0)
    >>> eco.link("uni", "b", "technology", volume=1.0)
    >>> pool = spillover_pool(eco, {"a": 2.0, "b": 4.0})
    >>> pool.round(4)  # P_ab = 1 / sqrt(2): a gets 4 / sqrt(2), b gets 2 / sqrt(2)
         research    pool
    lab       0.0     NaN
    uni       0.0     NaN
    a         2.0  2.8284
    b         4.0  1.4142
    """
    members = eco.members()
    effort = _research_effort(eco, research)
    if technology is None:
        profiles = resource_matrix(eco, direction="in", flows=flow, weight=weight, sparse=True)
        values, labels = profiles.values, profiles.members
    else:
        if not isinstance(technology, pd.DataFrame):
            raise ParameterError("technology must be a DataFrame: members (index) x "
                                 "technology classes (columns)")
        unknown = [m for m in technology.index if m not in eco]
        if unknown:
            raise UnknownMemberError(f"technology has a row for {unknown[0]!r}, which is not "
                                     "a member")
        try:
            table = technology.to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            raise ParameterError("technology must hold numbers only (members in the index, "
                                 "technology classes as columns)") from None
        bad = ~np.isfinite(table) | (table < 0)
        if bad.any():
            row, column = np.argwhere(bad)[0]
            raise ParameterError(f"technology must hold finite numbers >= 0 (no negative or "
                                 f"missing counts); row {technology.index[row]!r}, column "
                                 f"{technology.columns[column]!r} has {table[row, column]!r}")
        values, labels = sp.csr_array(table), technology.index
    pool = np.full(len(members), np.nan)
    values = sp.csr_array(values, dtype=float)
    values.eliminate_zeros()
    has = np.diff(values.indptr) > 0
    if has.any():
        # each profile over its largest entry first, so that squares of volumes near the
        # float limits (1e200 or 1e-200) neither overflow nor vanish
        profile = values[np.flatnonzero(has)].tocoo()
        peak = np.zeros(profile.shape[0])
        np.maximum.at(peak, profile.row, profile.data)
        scaled = profile.data / peak[profile.row]
        norm = np.sqrt(np.bincount(profile.row, scaled * scaled, minlength=peak.size))
        unit = scaled / norm[profile.row]
        # sum_{j != i} P_ij R_j = sum_k F^_ik (s_k - F^_ik R_i) with F^ the unit-length
        # profiles and s = F^T R: no members x members matrix, and a column only i uses
        # contributes exactly 0
        rows = pd.Index(members).get_indexer(labels[has])
        r = effort[rows]
        s = np.bincount(profile.col, unit * r[profile.row], minlength=profile.shape[1])
        terms = unit * (s[profile.col] - unit * r[profile.row])
        pool[rows] = np.bincount(profile.row, terms, minlength=rows.size)
    return pd.DataFrame({"research": effort, "pool": pool}, index=members)
