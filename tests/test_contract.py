"""The result rule of CONTRIBUTING.md, checked on every result type."""

from __future__ import annotations

import dataclasses
import html
import importlib
import inspect
import re
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from ecosystem import Ecosystem, benefit, bullwhip, dynamics, flows, niche, segment, spillover
from ecosystem._result import RING_ORDER, Result

ANALYSES = ["ecosystem.flows", "ecosystem.bullwhip", "ecosystem.benefit", "ecosystem.niche",
            "ecosystem.dynamics", "ecosystem.coupling", "ecosystem.spillover",
            "ecosystem.segment", "ecosystem.convergence"]
# dataclasses that public functions return but that are inputs or models, not results
NOT_RESULTS = {"FlowModel", "Layers", "SupplyChain", "Demand", "StagePolicy", "Utilization",
               "Rule", "MinProviders", "MinInboundShare"}


def _belt() -> Ecosystem:
    eco = Ecosystem("toy")
    for member, role in [("p", "producer"), ("s", "supplier"), ("lg", "logistics"),
                         ("bank", "finance"), ("law", "legal_environment"), ("m", "market")]:
        eco.add_member(member, role)
    for source, target, flow in [("s", "p", "logistics"), ("lg", "p", "logistics"),
                                 ("bank", "p", "capital"), ("p", "m", "logistics"),
                                 ("law", "p", "information"), ("p", "s", "technology"),
                                 ("s", "m", "technology"), ("lg", "m", "information")]:
        eco.link(source, target, flow, volume=1.0)
    return eco


def _results() -> dict[str, Result]:
    eco = _belt()
    game = benefit.Game.from_function("abc", lambda s: float(len(s) >= 2))
    use = pd.DataFrame(np.arange(12.0).reshape(4, 3) % 5, index=list("wxyz"))
    lv = dynamics.generalized_lv([[-1.0, 0.2], [0.1, -1.0]], r=[1.0, 1.0], x0=[0.5, 0.5], t_end=2)
    return {
        "FlowLevels": flows.steady_state(eco, {("s", "logistics"): 1.0}),
        "FlowTrajectory": flows.propagate(eco, {("s", "logistics"): 1.0}, steps=3),
        "Reach": flows.reach(eco, "s"),
        "CascadeResult": flows.cascade(eco, "lg"),
        "BullwhipResult": bullwhip.simulate(2, replications=5, periods=50, seed=0),
        "BeerGameResult": bullwhip.beer_game(weeks=10),
        "LeastCore": benefit.least_core(game),
        "StabilityReport": benefit.stability(game, [1 / 3] * 3),
        "ShapleyEstimate": benefit.shapley_estimate(game, seed=0, max_samples=50),
        "NullModelResult": niche.null_model(use, "ra3", iterations=20, seed=0),
        "LVResult": lv,
        "GohCertificate": lv.goh,
        "PredatorPreyResult": dynamics.predator_prey(1.0, 0.5, 0.02, 0.5, (40.0, 60.0), t_end=1),
        "Diffusion": spillover.independent_cascade(eco, "s", runs=20, seed=0),
        "FuzzyPartition": segment.fuzzy_cmeans(np.array([[0.0], [0.1], [5.0], [5.1]]), 2,
                                               seed=0),
    }


RESULTS = _results()


def _public_result_types() -> set[type]:
    """Dataclasses named in the analyses' __all__ or returned by their public functions."""
    found = set()
    for name in ANALYSES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            obj = getattr(module, attr)
            if inspect.isclass(obj) and dataclasses.is_dataclass(obj):
                found.add(obj)
            elif inspect.isfunction(obj):
                hint = inspect.signature(obj).return_annotation
                for word in re.findall(r"\w+", hint if isinstance(hint, str) else
                                       getattr(hint, "__name__", "")):
                    cls = getattr(sys.modules[obj.__module__], word, None)
                    if inspect.isclass(cls) and dataclasses.is_dataclass(cls):
                        found.add(cls)
    return {cls for cls in found if cls.__name__ not in NOT_RESULTS}


def test_every_result_type_is_checked_here():
    assert {cls.__name__ for cls in _public_result_types()} == set(RESULTS)


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_result_rule(name):
    result = RESULTS[name]
    assert type(result).__name__ == name and isinstance(result, Result)
    params = type(result).__dataclass_params__
    assert params.frozen, f"{name} is not frozen"
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(result, dataclasses.fields(result)[0].name, None)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        table = result.summary()
        text = str(result)
        page = result._repr_html_()
    assert type(table) is pd.DataFrame and len(table.columns) > 0
    assert text.startswith(result.headline()) and "\n" not in result.headline()
    assert text != repr(result)
    assert "<" in page and html.escape(result.headline()) in page


@pytest.mark.parametrize("name", sorted(n for n in RESULTS if hasattr(RESULTS[n], "by_ring")))
def test_by_ring_is_a_method_in_taxonomy_order(name):
    table = RESULTS[name].by_ring()
    assert isinstance(table, pd.DataFrame)
    rings = table.index.get_level_values("ring").unique().tolist()
    assert rings == [r for r in RING_ORDER if r in rings]


def test_diffusion_rings_in_taxonomy_order_not_alphabetical():
    assert RESULTS["Diffusion"].by_ring().index.tolist() == ["core", "sub_core", "outer"]


@pytest.mark.parametrize("name, attribute", [("BullwhipResult", "summary"),
                                             ("BeerGameResult", "summary"),
                                             ("Diffusion", "by_ring"), ("Diffusion", "by_role"),
                                             ("CascadeResult", "by_ring"),
                                             ("CascadeResult", "by_role")])
def test_former_table_attributes_still_work_with_a_warning(name, attribute):
    result = RESULTS[name]
    new = getattr(result, attribute)()
    with pytest.warns(DeprecationWarning, match=f"{name}.{attribute} is a method now"):
        old = getattr(result, attribute)
        assert old.columns.tolist() == new.columns.tolist()
    pd.testing.assert_frame_equal(pd.DataFrame(old), new)
