"""One belt, simulated: goods, orders and money moving period by period through the network.

Wang & Gao (*Construction of Cross-Border E-Commerce Supply Chain Ecosystem
from the Perspective of Industrial Belt*) describe the belt's stable operation
through mechanisms that act on one system: information sharing damps the
bullwhip effect, which lowers cost, which changes what each alliance member
gains. This module is that one system; the alliance comparison
(:func:`ecosystem.alliance.compare`) and its benefit distribution run on it.

The model, period by period (details in the docs of each part):

* **who does what** (:func:`compile_network`): stocking members (suppliers,
  producers, manufacturers, cross-border enterprises, platforms) hold stock,
  order and ship; carriers (role ``logistics``) carry goods between them
  without holding stock, adding their lead time and fee; markets draw demand;
  first-tier producers buy from an outside source.
* **orders**: each stocking member follows a periodic-review order-up-to
  policy (:class:`Policy`) with a forecaster of :mod:`ecosystem.bullwhip`,
  splits its orders among its suppliers by their shares, and, when it shares
  information, forecasts from the end demand it serves instead of the orders
  it receives. On a serial chain the orders are exactly those of
  :func:`ecosystem.bullwhip.simulate` (without returns).
* **goods** (the engine): suppliers ship what they owe, rationing in
  proportion to what each customer is owed when short; goods arrive after the
  lane's transit time; unmet orders are backlogged.
* **money**: every shipment is paid for at the lane's price
  (:func:`margin_split`: each market's margin shared along the chain), the
  shipper pays transport fees, and members pay storage, capital and backlog
  costs. Service platforms act through :class:`ServiceRules`: customs adds
  clearance time to cross-border lanes, finance lowers the capital cost of the
  members it serves, technology and research platforms shorten the inbound
  lanes of the members they serve.

Examples
--------
>>> from ecosystem import Ecosystem, simulation
>>> eco = Ecosystem("two markets")
>>> eco.add_member("mill", "manufacturer")
>>> eco.add_member("us", "market", margin=6.0); eco.add_member("eu", "market", margin=5.0)
>>> eco.link("mill", "us", "logistics", volume=30.0)
>>> eco.link("mill", "eu", "logistics", volume=10.0)
>>> result = simulation.run(eco, replications=20, seed=3)
>>> result.markets["demand"].round(0).tolist()  # the spec's volumes are the mean demand
[30.0, 10.0]
"""

from ._demand import MarketDemand
from ._network import (CARRIER_ROLES, MARKET_ROLES, PRODUCING_ROLES, STOCKING_ROLES, Network,
                       SimulationError, compile_network)
from ._orders import Policy
from ._result import CARRIER_METRICS, MARKET_METRICS, MEMBER_METRICS, SimulationResult
from ._rules import Prices, ServiceRules, margin_split
from ._run import run, units_of

__all__ = ["run", "SimulationResult", "MarketDemand", "Policy", "ServiceRules", "Prices",
           "margin_split", "compile_network", "Network", "SimulationError", "units_of",
           "MEMBER_METRICS", "MARKET_METRICS", "CARRIER_METRICS", "STOCKING_ROLES",
           "PRODUCING_ROLES", "CARRIER_ROLES", "MARKET_ROLES"]
