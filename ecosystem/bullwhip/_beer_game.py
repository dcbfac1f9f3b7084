"""Sterman's (1989) beer distribution game with the anchoring-and-adjustment rule.

The board (Sterman 1989, Management Science 35(3); written out as equations by
Edali & Yasarcan 2014, JASSS 17(4) 2): four echelons (retailer, wholesaler,
distributor, factory), each starting with 12 cases and no backlog; two
one-week shipping-delay boxes between neighbours; two one-week order-slip
boxes (orders placed, incoming orders) between neighbours; the factory's
production request slip and two one-week production-delay boxes. Every box
starts with 4 cases or an order of 4. Each week runs the board's five steps:

1. receive the cases in the nearer shipping (production) box and advance the
   delays;
2. read the incoming order, ship it plus the backlog as far as stock allows,
   the rest stays in backlog;
3. charge 0.5 per case held and 1.0 per case backlogged;
4. advance the order slips (the factory starts last week's production request);
5. place an order (or production request).

So an order reaches the supplier two weeks later and its cases arrive two
weeks after shipping: four weeks for the retailer, wholesaler and distributor,
three for the factory (request slip, then two weeks of production).

Ordering rule (Sterman 1989, the anchoring-and-adjustment heuristic)::

    O_t = max(0, Lhat_t + alpha_S (S' - S_t - beta SL_t))
    Lhat_t = theta IO_t + (1 - theta) Lhat_{t-1}

with ``S`` effective inventory (stock minus backlog) and ``SL`` the supply
line (orders placed and not yet received: slips in the mail, the supplier's
backlog and cases in transit, or for the factory cases in production).
``IO_t`` is the order received this week, the newest figure a player has when
ordering in step 5.

Start of play (Sterman 1989): in the experiment every player's order was
fixed at four cases for the first four weeks, so that the players learn the
board in equilibrium; their own decisions begin in week 5, when customer
demand steps from 4 to 8. :func:`beer_game` follows that protocol by default
(``fixed_weeks=4``); ``fixed_weeks=0`` lets the rule order from week one. The
expected demand ``Lhat`` is updated in the fixed weeks as well: the players see
the incoming orders all along.

Benchmark: Sterman (1989) measures the teams' costs against the benchmark
costs of a rational policy. Edali & Yasarcan (2014, section 5) reproduce those
costs with the rule at ``theta = 0`` (expected demand stays at 4),
``alpha_S = 1`` and ``beta = 1`` (the whole gap to ``S'`` ordered at once, the
supply line counted in full), ``S' = 28`` for the retailer, wholesaler and
distributor and 20 for the factory, under Sterman's protocol. With that policy
this board costs 46, 50, 54 and 54 over 36 weeks (team 204), the costs their
model of the board gives for it; Sterman's own table of benchmark costs we
could not check against a readable copy of the paper.

References
----------
- Sterman, J. D. (1989). Modeling managerial behavior: misperceptions of feedback in a
  dynamic decision making experiment. *Management Science* 35(3), 321-339.
- Edali, M. & Yasarcan, H. (2014). A mathematical model of the beer game. *Journal of
  Artificial Societies and Social Simulation* 17(4), 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Real
from typing import Any, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._errors import ParameterError
from .._result import Result, was_attribute
from .._memory import check_allocation
from ._params import check_nonnegative, check_whole, per_stage

__all__ = ["beer_game", "BeerGameResult", "ECHELONS"]

#: The four echelons, downstream first.
ECHELONS = ("retailer", "wholesaler", "distributor", "factory")


@dataclass(frozen=True)
class BeerGameResult(Result):
    """What :func:`beer_game` returns.

    Attributes
    ----------
    weeks : DataFrame
        One row per week and echelon: incoming order, expected demand, order
        placed, cases received and shipped, inventory, backlog, effective
        inventory, supply line, cost of the week.
    echelons : DataFrame
        One row per echelon: holding, backlog and total cost, peak order and
        its week, order variance ratio Var(O_i) / Var(customer demand),
        lowest effective inventory (also ``summary()``).
    parameters : DataFrame
        theta, alpha_s, beta and s_prime of every echelon.
    """

    weeks: pd.DataFrame
    echelons: pd.DataFrame
    parameters: pd.DataFrame = field(repr=False)

    @property
    def total_cost(self) -> float:
        """The team's cost over the game."""
        return float(self.echelons["total_cost"].sum())

    @was_attribute
    def summary(self) -> pd.DataFrame:
        """One row per echelon: :attr:`echelons`."""
        return self.echelons

    def headline(self) -> str:
        return (f"beer game over {self.weeks['week'].nunique()} weeks: team cost "
                f"{self.total_cost:.6g}")


def _per_echelon(value: Any, name: str, low: float, high: float | None) -> np.ndarray:
    values = np.array([float(v) if isinstance(v, Real) and not isinstance(v, bool) else np.nan
                       for v in per_stage(value, 4, name)])
    bad = ~np.isfinite(values) | (values < low) | (values > high if high is not None else False)
    if bad.any():
        k = int(np.argmax(bad))
        span = f"[{low}, {high}]" if high is not None else f">= {low}"
        raise ParameterError(f"{name} must be a number in {span} for every echelon; "
                             f"{ECHELONS[k]} has {per_stage(value, 4, name)[k]!r}")
    return values


def beer_game(*, theta: float | Sequence[float] = 0.36,
              alpha_s: float | Sequence[float] = 0.26, beta: float | Sequence[float] = 0.34,
              s_prime: float | Sequence[float] = 17.0, demand: ArrayLike | None = None,
              weeks: int | None = None,
              initial_inventory: float = 12.0, holding: float = 0.5, backlog_cost: float = 1.0,
              integer_orders: bool = False, fixed_weeks: int = 4,
              fixed_order: float = 4.0) -> BeerGameResult:
    """Play the board beer game with every echelon following Sterman's rule.

    Parameters
    ----------
    theta, alpha_s, beta, s_prime : float or list of 4 floats
        Expectation smoothing, stock adjustment fraction, weight of the supply
        line and desired effective inventory plus weighted supply line; per
        echelon (retailer first) if lists. Defaults: Sterman's (1989) mean
        estimates 0.36, 0.26, 0.34 and 17.
    demand : array-like, optional
        Customer orders for weeks 1, 2, ...; default 4 for weeks 1-4, then 8.
    weeks : int, optional
        Length of the game: default 36 (Sterman's sessions), or the length of
        ``demand``; with both, the first ``weeks`` orders of ``demand`` are used.
    initial_inventory : float
        Cases on hand at every echelon at the start (12 on the board).
    holding, backlog_cost : float
        Cost per case-week held (0.5) and backlogged (1.0).
    integer_orders : bool
        Round orders to whole cases, as players write them.
    fixed_weeks : int
        Weeks at the start in which every echelon orders ``fixed_order``
        whatever its rule says: 4 in Sterman's (1989) protocol (the default);
        0 for the rule from week one.
    fixed_order : float
        The order (and production request) of those weeks: 4 cases.

    Returns
    -------
    BeerGameResult

    Examples
    --------
    >>> game = beer_game()
    >>> list(game.summary().index)
    ['retailer', 'wholesaler', 'distributor', 'factory']
    >>> bool(game.summary()["peak_order"].is_monotonic_increasing)  # the bullwhip
    True
    >>> calm = beer_game(alpha_s=0.0, demand=[4] * 36)  # orders = expected demand
    >>> calm.total_cost  # 4 echelons x 12 cases x 0.5 x 36 weeks
    864.0

    Sterman's protocol fixes the first four orders at 4. In week 5 the
    retailer sees 8, expects 0.36 x 8 + 0.64 x 4 = 5.44 and, with effective
    inventory 8 and supply line 12, orders 5.44 + 0.26 (17 - 8 - 0.34 x 12)
    = 6.7192. Without the protocol the rule orders 4 + 0.26 (17 - 12 -
    0.34 x 12) = 4.2392 in week 1 (effective inventory 12, supply line 12):

    >>> beer_game().weeks.query("echelon == 'retailer'")["order"].iloc[:5].round(4).tolist()
    [4.0, 4.0, 4.0, 4.0, 6.7192]
    >>> round(float(beer_game(fixed_weeks=0).weeks["order"].iloc[0]), 4)
    4.2392

    Sterman's benchmark policy (module text): in week 5 the retailer, with 8
    cases on hand and 12 on order, orders 4 + (28 - 8 - 12) = 12.

    >>> bench = beer_game(theta=0.0, alpha_s=1.0, beta=1.0, s_prime=[28, 28, 28, 20])
    >>> float(bench.weeks.query("echelon == 'retailer' and week == 5")["order"].iloc[0])
    12.0
    >>> bench.summary()["total_cost"].tolist(), bench.total_cost
    ([46.0, 50.0, 54.0, 54.0], 204.0)
    """
    thetas = _per_echelon(theta, "theta", 0.0, 1.0)
    alphas = _per_echelon(alpha_s, "alpha_s", 0.0, 1.0)
    betas = _per_echelon(beta, "beta", 0.0, None)
    s_primes = _per_echelon(s_prime, "s_prime", 0.0, None)
    if weeks is not None:
        weeks = check_whole(weeks, "weeks", 1)
        # the week-by-week records, then the long table made from them (about twice as much)
        check_allocation(3 * 8.0 * weeks * 4 * 11, f"a beer game of {weeks:,} weeks",
                         "play fewer weeks")
    fixed_weeks = check_whole(fixed_weeks, "fixed_weeks")
    fixed_order = check_nonnegative(fixed_order, "fixed_order")
    initial_inventory = check_nonnegative(initial_inventory, "initial_inventory")
    holding = check_nonnegative(holding, "holding")
    backlog_cost = check_nonnegative(backlog_cost, "backlog_cost")
    if demand is None:
        weeks = 36 if weeks is None else weeks
        customer = np.where(np.arange(1, weeks + 1) < 5, 4.0, 8.0)
    else:
        try:
            customer = np.array(demand, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError("demand must be a sequence of numbers") from None
        if customer.ndim != 1:
            raise ParameterError(f"demand must be one customer order per week (1-D), got shape "
                                 f"{customer.shape}")
        if customer.size == 0:
            raise ParameterError("demand is empty; give the customer orders of every week")
        weeks = customer.size if weeks is None else weeks
        if customer.size < weeks:
            raise ParameterError(f"demand has {customer.size} weeks but the game lasts {weeks}")
        if not np.isfinite(customer).all() or (customer < 0).any():
            raise ParameterError("demand must be finite numbers >= 0")
        customer = customer[:weeks]

    inventory = np.full(4, initial_inventory)
    backlog = np.zeros(4)
    near = np.full(4, 4.0)     # shipping (factory: production) box next to the echelon
    far = np.full(4, 4.0)      # the box behind it
    slip = np.full(4, 4.0)     # incoming-order slip of echelon i (from i - 1); [0] unused
    placed = np.full(4, 4.0)   # order placed last week (factory: production request)
    expected = np.full(4, 4.0)
    records = np.empty((weeks, 4, 11))
    # each week feeds the next through the delays: a loop over the game's weeks
    for week in range(weeks):
        received = near.copy()                      # step 1
        inventory += received
        near, far = far, np.zeros(4)
        incoming = np.concatenate(([customer[week]], slip[1:]))  # step 2
        due = backlog + incoming
        shipped = np.minimum(inventory, due)
        inventory -= shipped
        backlog = due - shipped
        far[:3] = shipped[1:]                       # cases leave for the echelon below
        cost = holding * inventory + backlog_cost * backlog  # step 3
        slip[1:] = placed[:3]                       # step 4
        far[3] = placed[3]                          # factory starts last week's request
        expected = thetas * incoming + (1 - thetas) * expected  # step 5
        effective = inventory - backlog
        supply_line = near + far
        supply_line[:3] += slip[1:] + backlog[1:]
        order = np.maximum(0.0, expected + alphas * (s_primes - effective - betas * supply_line))
        if week < fixed_weeks:
            order = np.full(4, fixed_order)
        if integer_orders:
            order = np.round(order)
        placed = order
        records[week] = np.column_stack([incoming, expected, order, received, shipped,
                                         inventory, backlog, effective, supply_line,
                                         near + far, cost])

    columns = ["incoming_order", "expected_demand", "order", "received", "shipped",
               "inventory", "backlog", "effective_inventory", "supply_line", "in_transit", "cost"]
    weekly = pd.DataFrame(records.reshape(weeks * 4, 11), columns=columns)
    weekly.insert(0, "echelon", pd.Categorical(np.tile(ECHELONS, weeks), categories=ECHELONS))
    weekly.insert(0, "week", np.repeat(np.arange(1, weeks + 1), 4))
    orders = records[:, :, 2]
    demand_var = customer.var(ddof=1) if weeks > 1 else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = orders.var(axis=0, ddof=1) / demand_var if weeks > 1 else np.full(4, np.nan)
    summary = pd.DataFrame({
        "holding_cost": holding * records[:, :, 5].sum(axis=0),
        "backlog_cost": backlog_cost * records[:, :, 6].sum(axis=0),
        "total_cost": records[:, :, 10].sum(axis=0),
        "peak_order": orders.max(axis=0),
        "peak_week": orders.argmax(axis=0) + 1,
        "order_variance_ratio": ratio,
        "min_effective_inventory": records[:, :, 7].min(axis=0),
    }, index=pd.Index(ECHELONS, name="echelon"))
    parameters = pd.DataFrame({"theta": thetas, "alpha_s": alphas, "beta": betas,
                               "s_prime": s_primes}, index=pd.Index(ECHELONS, name="echelon"))
    return BeerGameResult(weekly, summary, parameters)
