"""What each alliance lever does to the simulated belt: one record and one kernel per lever.

A lever's kernel takes the compiled network, the mask of allied stocking
members and the alliance, and returns the changed :class:`Configured` model.
A new lever is a field of :class:`~ecosystem.alliance.Alliance` plus one entry
of :data:`LEVERS`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Mapping

import numpy as np

from .._errors import ParameterError
from ..simulation import Network, ServiceRules

__all__ = ["Lever", "LEVERS", "Configured", "configure", "PLATFORM_DISCOUNT"]

#: A shared logistics platform's default fee: each lane's current fee less this share
#: (consolidated parcels buy freight in bulk).
PLATFORM_DISCOUNT = 0.1


@dataclass(frozen=True)
class Configured:
    """A network with an alliance in force, and what the simulation reads besides it."""

    network: Network
    sharing: frozenset
    capital_rate: np.ndarray


@dataclass(frozen=True)
class Lever:
    """One alliance lever: the field it reads, what it does, and its kernel."""

    field: str
    acts_on: str
    kernel: Callable[[Configured, np.ndarray, object, ServiceRules], Configured]

    def active(self, alliance) -> bool:
        """Whether the alliance pulls this lever (a true value, a non-zero fraction, a role)."""
        return bool(getattr(alliance, self.field))


def _between_members(network: Network, allied: np.ndarray) -> np.ndarray:
    """Lanes whose shipper and receiver are both allied members."""
    n = network.n_members
    shipper = network.lane_supplier < n
    receiver = network.lane_customer < n
    both = np.zeros(network.n_lanes, dtype=bool)
    both[shipper & receiver] = allied[network.lane_supplier[shipper & receiver]] \
        & allied[network.lane_customer[shipper & receiver]]
    return both


def _shipped_by(network: Network, allied: np.ndarray) -> np.ndarray:
    n = network.n_members
    shipper = network.lane_supplier < n
    mask = np.zeros(network.n_lanes, dtype=bool)
    mask[shipper] = allied[network.lane_supplier[shipper]]
    return mask


def _sharing(model: Configured, allied: np.ndarray, alliance, rules) -> Configured:
    members = {m for m, a in zip(model.network.members, allied) if a}
    return replace(model, sharing=model.sharing | members)


def _cost_cut(model: Configured, allied: np.ndarray, alliance, rules) -> Configured:
    lanes = _between_members(model.network, allied)
    fee = np.where(lanes, model.network.lane_fee * (1 - alliance.cost_cut),
                   model.network.lane_fee)
    return replace(model, network=model.network.with_lanes(lane_fee=fee))


def _shorter_inbound(model: Configured, lanes: np.ndarray, cut: int) -> Configured:
    network = model.network
    transit = np.where(lanes, np.maximum(network.lane_transit - cut, 0), network.lane_transit)
    return replace(model, network=network.with_lanes(lane_transit=transit))


def _technology(model: Configured, allied: np.ndarray, alliance, rules) -> Configured:
    return _shorter_inbound(model, _between_members(model.network, allied),
                            rules.technology_cut)


def _platform(model: Configured, allied: np.ndarray, alliance, rules) -> Configured:
    kind = alliance.shared_platform
    network = model.network
    if kind == "logistics":
        lanes = _shipped_by(network, allied)
        if not lanes.any():
            raise ParameterError(f"alliance {alliance.name!r}: a shared logistics platform "
                                 f"needs a lane to serve, but no allied member ships goods "
                                 f"to anyone in the simulated belt")
        # consolidated parcels buy freight in bulk: each lane keeps its route and time, at
        # the platform's fee (or its own fee less the discount) unless the alliance sets them
        fee = network.lane_fee * (1 - PLATFORM_DISCOUNT) if alliance.platform_fee is None \
            else np.full(network.n_lanes, float(alliance.platform_fee))
        transit = network.lane_transit if alliance.platform_lead_time is None \
            else np.full(network.n_lanes, int(alliance.platform_lead_time))
        capacity = np.inf if alliance.platform_capacity is None else alliance.platform_capacity
        carrier = len(network.carriers)
        changed = replace(
            network, carriers=network.carriers + (f"{alliance.name} platform",),
            carrier_capacity=np.append(network.carrier_capacity, capacity),
            lane_carrier=np.where(lanes, carrier, network.lane_carrier),
            lane_fee=np.where(lanes, fee, network.lane_fee),
            lane_links=tuple(
                (path[0], f"{alliance.name} platform", path[-1]) if hit else path
                for path, hit in zip(network.lane_links, lanes)))
        changed = changed.with_lanes(lane_transit=np.where(lanes, transit,
                                                           network.lane_transit))
        return replace(model, network=changed)
    if kind == "finance":
        rate = np.where(allied, np.minimum(model.capital_rate, rules.financed_rate),
                        model.capital_rate)
        return replace(model, capital_rate=rate)
    if kind in ("technology", "research", "training"):
        n = network.n_members
        into = np.zeros(network.n_lanes, dtype=bool)
        members = network.lane_customer < n
        into[members] = allied[network.lane_customer[members]]
        return _shorter_inbound(model, into, rules.technology_cut)
    return model  # an information platform (government, customs, association): graph only


#: Each lever, in the order they act.
LEVERS: Mapping[str, Lever] = {
    "share_information": Lever(
        "share_information", "the allied members forecast from the end demand they serve",
        _sharing),
    "cost_cut": Lever(
        "cost_cut", "transport fees on lanes between allied members fall by this fraction",
        _cost_cut),
    "technology_sharing": Lever(
        "technology_sharing", "lanes between allied members are `technology_cut` periods "
        "shorter (shared production planning)", _technology),
    "shared_platform": Lever(
        "shared_platform", "logistics: the members' shipments go through one platform with "
        "its own capacity, at 10% less than each lane's fee (or the alliance's platform_fee and "
        "platform_lead_time); finance: the members pay the financed capital "
        "rate; technology, research, training: the members' inbound lanes are shorter",
        _platform),
}


def configure(network: Network, alliance, rules: ServiceRules, capital_rate: np.ndarray
              ) -> Configured:
    """The simulation model with ``alliance`` in force (None: the baseline)."""
    model = Configured(network, frozenset(), capital_rate)
    if alliance is None:
        return model
    position = {m: i for i, m in enumerate(network.members)}
    allied = np.zeros(network.n_members, dtype=bool)
    for member in alliance.members:
        if member in position:
            allied[position[member]] = True
    for lever in LEVERS.values():
        if lever.active(alliance):
            model = lever.kernel(model, allied, alliance, rules)
    return model
