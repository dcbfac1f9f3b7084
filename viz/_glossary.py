"""The words of the report: every metric and column it shows, named, with its unit and how
to read it (:data:`GLOSSARY`), for the report's glossary and its tables' row and column names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

import pandas as pd

if TYPE_CHECKING:
    from ecosystem import Ecosystem

__all__ = ["GLOSSARY", "words", "glossary_table", "in_words", "belt_units"]

#: name -> (words, unit, how to read it)
GLOSSARY: dict[str, tuple[str, str, str]] = {
    "pareto": ("Pareto-optimal", "yes / no",
               "no other configuration is at least as good on every metric and better on one"),
    # benefit distribution
    "shapley": ("Shapley value", "money per period",
                "each member's average added surplus over every order of joining"),
    "nucleolus": ("Nucleolus", "money per period",
                  "the split that makes the most dissatisfied group as little dissatisfied "
                  "as possible"),
    "banzhaf": ("Banzhaf value (normalised)", "money per period",
                "each member's average added surplus over every group it can join, scaled "
                "to the total"),
    "equal": ("Equal split", "money per period", "the surplus divided equally"),
    "stand_alone": ("Stand-alone value", "money per period",
                    "what a member makes on its own"),
    "individually_rational": ("Individually rational", "yes / no",
                              "every member gets at least its stand-alone value"),
    "in_core": ("In the core", "yes / no", "no group of members would gain by leaving"),
    "excess": ("Complaint", "money per period",
               "what this group would gain by leaving; above 0 it would rather leave"),
    # niches
    "levins": ("Niche breadth (Levins)", "number of outlets, from 1",
               "how many outlets a member effectively sells to; higher is broader"),
    "levins_standardized": ("Niche breadth (Levins, standardised)", "share from 0 to 1",
                            "breadth scaled so 0 is one outlet and 1 every outlet equally"),
    "overlap": ("Niche overlap (Pianka)", "index from 0 to 1",
                "1: the two members sell to the same buyers in the same shares"),
    # coupling
    "C": ("Coupling degree C", "index from 0 to 1",
          "how strongly the subsystems interact; 1 is balanced development"),
    "T": ("Development index T", "index from 0 to 1",
          "the subsystems' weighted mean level"),
    "D": ("Coupling coordination degree D", "index from 0 to 1",
          "sqrt(C T): high when the subsystems are both developed and balanced"),
    "band": ("Coordination band", "category", "D in words, from extreme disorder to quality "
             "coordination"),
    # bullwhip
    "order_ratio": ("Order variance ratio", "ratio, no unit",
                    "variance of a stage's orders over the variance of market demand"),
    "amplification": ("Stage amplification", "ratio, no unit",
                      "variance of a stage's orders over the variance of the orders it gets"),
    "fill_rate": ("Fill rate", "share from 0 to 1", "share of demand served from stock"),
    "total_cost": ("Total cost", "money per period", "holding and backlog costs"),
    # structure, flows, spillover
    "upstreamness": ("Upstreamness", "stages, from 1",
                     "how many steps a member's output travels before final use; 1 is a "
                     "market"),
    "lost_volume": ("Volume lost", "units of flow", "link volume lost in the cascade"),
    "goods_throughput": ("Goods throughput", "goods per unit of market orders",
                         "a member's level of the goods (logistics) flow in the steady state "
                         "of one unit of orders at every market; node size on the page"),
    "reach": ("Share adopted", "share from 0 to 1",
              "mean share of the ring's members that adopted the knowledge by the end"),
    "p_reached": ("Chance reached", "share of runs",
                  "share of runs in which any member of the ring adopted"),
    "time_to_reach": ("Steps to reach", "cascade steps",
                      "mean first step at which a member of the ring adopted, over the runs "
                      "that reached it (n/a: never reached)"),
}


def _alliance_metrics() -> dict[str, tuple[str, str, str]]:
    """The alliance comparison's metrics, in the words of ecosystem.alliance.METRICS."""
    from ecosystem.alliance import METRICS

    return {name: (name.replace("_", " ").capitalize(), metric.unit,
                   f"{metric.meaning}; {'higher' if metric.larger_is_better else 'lower'} "
                   "is better") for name, metric in METRICS.items()}


GLOSSARY.update(_alliance_metrics())


def belt_units(eco: "Ecosystem") -> dict[str, str]:
    """The glossary's kinds of unit in the ecosystem's own units: money per period in its
    capital flow's unit per its ``period`` ("thousand CNY per week"), goods in its logistics
    flow's unit (see :attr:`ecosystem.Ecosystem.units`).

    Examples
    --------
    >>> from ecosystem import Ecosystem
    >>> belt_units(Ecosystem(units={"capital": "thousand CNY"}, period="week"))["money/period"]
    'thousand CNY per week'
    """
    money = f"{eco.flow_unit('capital')} per {eco.attributes.get('period', 'period')}"
    return {"money per period": money, "money/period": money,
            "goods": eco.flow_unit("logistics")}


def _unit(name: str, units: Mapping[str, str] | None) -> str:
    unit = GLOSSARY[name][1]
    return (units or {}).get(unit, unit)


def words(name: str, units: Mapping[str, str] | None = None) -> str:
    """The name of a column or metric in words, with its unit ("Total surplus (money per
    period)"); names without an entry come back as they are. ``units`` puts a belt's own
    units in place of the kinds (see :func:`belt_units`).

    Examples
    --------
    >>> words("levins"), words("zz")
    ('Niche breadth (Levins) (number of outlets, from 1)', 'zz')
    >>> words("shapley", {"money per period": "thousand CNY per week"})
    'Shapley value (thousand CNY per week)'
    """
    entry = GLOSSARY.get(str(name))
    return f"{entry[0]} ({_unit(str(name), units)})" if entry else str(name)


def in_words(frame: pd.DataFrame, index: bool = False,
             units: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``frame`` with its columns (and, with ``index``, its rows) named in words (in the
    belt's ``units``, see :func:`words`)."""
    frame = frame.rename(columns=lambda c: words(c, units))
    return frame.rename(index=lambda r: words(r, units)) if index else frame


def glossary_table(names=None, units: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The glossary as a table: term, meaning, unit (in the belt's ``units``) and how to
    read it."""
    names = list(GLOSSARY) if names is None else [n for n in names if n in GLOSSARY]
    return pd.DataFrame([{"term": n, "in words": GLOSSARY[n][0], "unit": _unit(n, units),
                          "how to read it": GLOSSARY[n][2]} for n in names]).set_index("term")
