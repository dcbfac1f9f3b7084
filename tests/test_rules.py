"""The house rules that a reviewer would otherwise check by eye."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import ecosystem
from ecosystem import ParameterError
from ecosystem._rng import as_generator
from ecosystem.taxonomy import Flow, parse_flows

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE = {"networks", "viz"}  # ecosystem reaches these only through entry points


def imported_roots(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, top-level package) of every absolute import and import_module("...") call."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", None))
              in ("import_module", "__import__")):
            found.append((node.lineno, node.args[0].value.split(".")[0]))
    return found


def test_the_rule_checker_sees_every_kind_of_import():
    tree = ast.parse("import viz.figures\nfrom networks import belt\nfrom . import graph\n"
                     "import importlib\nimportlib.import_module('viz._page')\n")
    assert [root for _, root in imported_roots(tree)] == [
        "viz", "networks", "importlib", "viz"]


def test_ecosystem_imports_neither_networks_nor_viz():
    modules = sorted((ROOT / "ecosystem").rglob("*.py"))
    assert len(modules) > 50  # the walk found the package
    broken = [f"{path.relative_to(ROOT)}:{line} imports {root}"
              for path in modules
              for line, root in imported_roots(ast.parse(path.read_text(encoding="utf-8")))
              if root in OUTSIDE]
    assert broken == []


@pytest.mark.parametrize("seed", [0, 7, np.int64(3), 2**40])
def test_a_whole_seed_gives_the_same_stream_each_time(seed):
    assert as_generator(seed).random(3).tolist() == as_generator(seed).random(3).tolist()
    expected = np.random.default_rng(int(seed)).random(3).tolist()
    assert as_generator(seed).random(3).tolist() == expected


def test_a_generator_is_used_as_it_is_and_none_is_fresh():
    rng = np.random.default_rng(5)
    assert as_generator(rng) is rng
    assert isinstance(as_generator(None), np.random.Generator)


@pytest.mark.parametrize("seed", [-1, True, 1.0, 1.5, "3", [1]])
def test_bad_seeds_are_one_line_parameter_errors(seed):
    with pytest.raises(ParameterError, match=r"^seed must be a whole number >= 0, a "
                                             r"numpy\.random\.Generator or None, got ") as info:
        as_generator(seed)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("flows, expected", [
    ("logistics", ["logistics"]),
    (Flow.CAPITAL, ["capital"]),
    (["technology", "TECHNOLOGY", Flow.INFORMATION], ["technology", "information"]),
    (("capital",), ["capital"]),
    (None, ["information", "logistics", "capital", "technology"]),
])
def test_parse_flows_takes_a_name_or_a_list(flows, expected):
    assert [f.value for f in parse_flows(flows)] == expected


@pytest.mark.parametrize("flows, match", [
    ([], "give at least one flow"),
    ("goods", "flow 'goods' is not one of"),
    (3, "flow 3 is not one of"),
    (["capital", "goods"], "flow 'goods' is not one of"),
])
def test_parse_flows_rejects_unknown_and_empty(flows, match):
    with pytest.raises(ParameterError, match=match):
        parse_flows(flows)


def test_every_flows_parameter_takes_one_name():
    """One flow named as a string means that flow, not its letters, in every analysis."""
    eco = ecosystem.Ecosystem("toy")
    for member, role in [("p", "producer"), ("lg", "logistics"), ("m", "market")]:
        eco.add_member(member, role)
    eco.link("p", "lg", "logistics", volume=2.0)
    eco.link("lg", "m", "logistics", volume=1.0)
    eco.link("p", "m", "technology", volume=1.0)
    by_name = ecosystem.flows.reach(eco, "p", flows="logistics")
    assert by_name.members.tolist() == ecosystem.flows.reach(eco, "p", flows=["logistics"]
                                                             ).members.tolist()
    heat = ecosystem.spillover.heat(eco, "p", [1.0], flows="logistics")
    assert heat.equals(ecosystem.spillover.heat(eco, "p", [1.0], flows=["logistics"]))
    game = ecosystem.benefit.synergy_game(eco, flows="logistics")
    assert game.grand_value == 3.0
    table = ecosystem.niche.resource_matrix(eco, flows="technology")
    assert table.to_numpy().sum() == 1.0
    conv = ecosystem.convergence.index(eco, {"a": ["p"], "b": ["lg", "m"]}, flows="logistics")
    assert conv["flow"].unique().tolist() == ["logistics"]


def test_every_public_error_prints_its_public_path():
    """Each exception class an analysis exports is ecosystem.<Name>, in tracebacks too."""
    found = {}
    for name in ["ecosystem", *(f"ecosystem.{m}" for m in ecosystem.__all__
                                if isinstance(getattr(ecosystem, m), type(ecosystem)))]:
        module = __import__(name, fromlist=["__all__"])
        for attr in getattr(module, "__all__", []):
            obj = getattr(module, attr)
            if isinstance(obj, type) and issubclass(obj, Exception):
                found[attr] = obj
    assert {"ParameterError", "NoSteadyStateError", "GameError"} <= set(found)
    wrong = {name: cls.__module__ for name, cls in found.items()
             if any(part.startswith("_") for part in cls.__module__.split("."))
             or issubclass(cls, ecosystem.EcosystemError)
             and (cls.__module__ != "ecosystem" or getattr(ecosystem, name, None) is not cls)}
    assert wrong == {}
