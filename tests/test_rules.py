"""The house rules that a reviewer would otherwise check by eye."""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import pkgutil
import re
import subprocess
import sys
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


def _drawing_calls(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) of every pyplot import and matplotlib.use call."""
    found = []
    for node in ast.walk(tree):
        names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                 else [f"{node.module}.{alias.name}" for alias in node.names]
                 if isinstance(node, ast.ImportFrom) and node.module else [])
        found += [(node.lineno, "imports pyplot") for name in names
                  if name.startswith("matplotlib.pyplot")]
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "use" and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "matplotlib"):
            found.append((node.lineno, "sets the backend"))
    return found


def test_the_drawing_checker_sees_pyplot_and_backends():
    tree = ast.parse("import matplotlib.pyplot as plt\nfrom matplotlib import pyplot\n"
                     "import matplotlib\nmatplotlib.use('Agg')\nfrom matplotlib.figure "
                     "import Figure\n")
    assert [what for _, what in _drawing_calls(tree)] == [
        "imports pyplot", "imports pyplot", "sets the backend"]


def test_only_viz_draws_and_nothing_sets_a_backend():
    """ecosystem draws no figure (its commands ask viz, through the add-on's FIGURES); viz
    draws on Figure objects, so a notebook's pyplot and backend stay the user's."""
    modules = sorted([*(ROOT / "ecosystem").rglob("*.py"), *(ROOT / "viz").rglob("*.py")])
    broken = [f"{path.relative_to(ROOT)}:{line} {what}"
              for path in modules
              for line, what in _drawing_calls(ast.parse(path.read_text(encoding="utf-8")))]
    assert broken == []


def test_viz_imports_nothing_from_its_command_module():
    modules = [path for path in sorted((ROOT / "viz").rglob("*.py"))
               if path.name != "_commands.py"]
    broken = []
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("_commands"):
                broken.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Import) and any(a.name.endswith("_commands")
                                                    for a in node.names):
                broken.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert broken == []


def test_drawing_the_report_keeps_the_users_backend(tmp_path):
    """A notebook user's backend (here svg) is still theirs after viz drew and saved."""
    script = (
        "import sys, matplotlib\n"
        "matplotlib.use('svg')\n"
        "import networks, viz.report, viz.figures\n"
        "eco = networks.example('cross_border_belt')\n"
        "for kind in viz.figures.SPEC_KINDS:\n"
        "    figure = viz.figures.figure_from_spec(kind, eco)\n"
        f"    figure.savefig({str(tmp_path)!r} + '/' + kind + '.png')\n"
        "print(matplotlib.get_backend(), 'matplotlib.pyplot' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["svg", "False"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bullwhip.png", "niche_overlap.png", "rings.png"]


def test_a_command_that_draws_without_viz_says_so_in_one_line(monkeypatch, capsys, tmp_path):
    import ecosystem.cli
    from ecosystem.cli import main

    monkeypatch.setattr(ecosystem.cli, "entry_points", lambda group: [])
    assert main(["beergame", "--plot", str(tmp_path / "orders.png")]) == 2
    err = capsys.readouterr().err
    assert "--plot needs the bullwhip figure, which no installed add-on draws" in err
    assert err.count("\n") == 1 and not list(tmp_path.iterdir())


def test_randomness_goes_through_one_helper():
    """A seed becomes a generator in ecosystem._rng.as_generator only (doctests may build
    their own data)."""
    found = []
    for package in ("ecosystem", "networks", "viz"):
        for path in sorted((ROOT / package).rglob("*.py")):
            place = str(path.relative_to(ROOT))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in ("default_rng", "RandomState")
                        and place != "ecosystem/_rng.py"):
                    found.append(f"{place}:{node.lineno}")
    assert found == []


@pytest.mark.parametrize("seed", [0, 7, np.int64(3), 2**40])
def test_a_whole_seed_gives_the_same_stream_each_time(seed):
    assert as_generator(seed).random(3).tolist() == as_generator(seed).random(3).tolist()
    expected = np.random.default_rng(int(seed)).random(3).tolist()
    assert as_generator(seed).random(3).tolist() == expected


@pytest.mark.parametrize("build", ["industrial_belt", "rural_cluster"])
def test_builders_draw_numpys_stream_of_a_whole_seed(build):
    """A whole seed builds what numpy's own generator of that seed builds, as before the
    builders went through as_generator; a bad seed is the helper's error."""
    builder = getattr(importlib.import_module("networks"), build)
    assert builder(40, seed=9) == builder(40, seed=np.random.default_rng(9))
    assert builder(40, seed=9) != builder(40, seed=10)
    with pytest.raises(ParameterError, match="seed must be a whole number"):
        builder(40, seed=-1)


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


# --- what the documentation may say ---------------------------------------------------------

TIMING = re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|µs|s|seconds?|minutes?)\b", re.IGNORECASE)
ISSUE = re.compile(r"\bissue\s*#?\d+", re.IGNORECASE)
SOURCE_FILE = re.compile(r"\bseeds?\s+\d{3}\b|shared/seeds")
# a private path in full, or relative as Sphinx reads it inside its package (:mod:`._solve`)
PRIVATE = re.compile(r"\b(?:ecosystem|viz|networks)(?:\.\w+)*\._\w+|(?<![\w.])~?\.+_\w+")
# public docstrings that still name a private module, in code other work is reshaping now
PRIVATE_KEPT: dict[str, str] = {}


def _docstrings(root: Path):
    """(place, docstring) of every module, class and function under ``root``, and of every
    constant documented by ``#:`` comments (what Sphinx shows as its docstring)."""
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("#:"):
                yield f"{path.relative_to(ROOT)}:{number}", line.lstrip()[2:]
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                 ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node, clean=False)
                if doc:
                    yield f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 1)}", doc


def test_the_documentation_checkers_see_what_they_look_for():
    assert TIMING.search("the 10k belt takes 0.3 s") and TIMING.search("2 seconds")
    assert not TIMING.search("3 stages, 2 sigma, 5 members")
    assert ISSUE.search("as issue 17 asks") and ISSUE.search("Issue #6's layer")
    assert SOURCE_FILE.search("(seed\n    004 §3.1)") and SOURCE_FILE.search("../shared/seeds")
    assert PRIVATE.findall("see :func:`~ecosystem.bullwhip._forecast.order_up_to` and "
                           ":mod:`ecosystem.flows`") == ["ecosystem.bullwhip._forecast"]
    assert PRIVATE.findall("(see :mod:`._solve`, :func:`~._kernels.run`, :mod:`viz._page`); "
                           "x._y, e.g. ``__init__``, 2._5") == ["._solve", "~._kernels",
                                                                  "viz._page"]


def test_docstrings_carry_no_timings_issue_numbers_or_source_file_names():
    """Timings go to benchmarks/RESULTS.md; papers are cited by authors and title."""
    found = [f"{place}: {pattern.search(doc).group(0)!r}"
             for package in ("ecosystem", "networks", "viz")
             for place, doc in _docstrings(ROOT / package)
             for pattern in (TIMING, ISSUE, SOURCE_FILE) if pattern.search(doc)]
    assert found == []


def test_tests_name_no_issue_numbers():
    found = [place for place, doc in _docstrings(ROOT / "tests") if ISSUE.search(doc)]
    assert found == []


def public_modules() -> list[str]:
    """Every module of ecosystem, networks and viz with no private part in its name."""
    names = []
    for package in ["ecosystem", "networks", "viz"]:
        names.append(package)
        found = pkgutil.walk_packages(importlib.import_module(package).__path__, f"{package}.")
        names += [info.name for info in found
                  if not any(part.startswith("_") for part in info.name.split("."))]
    return names


def public_docstrings():
    """(place, docstring) of what help() shows a user: each public module, each name in its
    __all__, and the public methods and properties of each class there."""
    for name in public_modules():
        module = importlib.import_module(name)
        yield name, module.__doc__
        for attr in getattr(module, "__all__", []):
            obj = getattr(module, attr)
            if inspect.ismodule(obj):
                continue  # walked as a module of its own
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield f"{name}.{attr}", obj.__doc__
            if inspect.isclass(obj):
                for key, value in vars(obj).items():
                    value = getattr(value, "__func__", value)  # classmethod, staticmethod
                    if not key.startswith("_") and (inspect.isfunction(value)
                                                    or isinstance(value, property)):
                        yield f"{name}.{attr}.{key}", value.__doc__


def test_the_docstring_walk_reaches_viz_networks_and_module_texts():
    places = {place for place, _ in public_docstrings()}
    assert {"viz.html", "viz.html.to_html", "networks.belt", "ecosystem.flows",
            "ecosystem.Ecosystem.problems", "ecosystem.benefit.Game.from_function",
            "ecosystem.files"} <= places
    assert not any(part.startswith("_") for place in places for part in place.split("."))


def test_public_docstrings_name_public_paths():
    """What a user reads (help() of a public module or name) points to public paths only."""
    found = {}
    for place, doc in public_docstrings():
        for private in PRIVATE.findall(doc or ""):
            found.setdefault(place.replace("ecosystem.graph.", "ecosystem."), private)
    assert found == PRIVATE_KEPT
