"""Fuzzing every reader and every command's parameters.

Each reader gets mutated files (random edits plus hostile fragments: deep
nesting, YAML aliases and tags, huge integers, control characters, invalid
UTF-8, XML entity bombs); each command gets random values for its options
(huge, negative, zero, NaN, garbage, missing files). The only outcomes allowed
are success, or one line on stderr and exit status 2 (for the readers: an
:class:`ecosystem.EcosystemError` with a one-line message) -- never a
traceback, a hang or an allocation over the cap.

Bounded: every example runs under an address-space limit (the process's
size now plus 1.5 GiB, so memory checks see it and an allocation past it
fails instead of exhausting the machine) and an alarm; the example counts keep
the whole file to a few tens of seconds. The examples are derandomised, so
every run (CI's too) tries the same cases; ``ECOBELT_FUZZ=explore`` draws new
ones on each run, to look for more.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import resource
import signal
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecosystem import Ecosystem, EcosystemError
from ecosystem.cli import build_parser, main
from ecosystem.files import load, save

# The same examples on every run (CI included) unless ECOBELT_FUZZ=explore, which draws new
# ones each time to look for more.
EXPLORE = os.environ.get("ECOBELT_FUZZ") == "explore"
BASE = dict(deadline=None, derandomize=not EXPLORE, database=None,
            suppress_health_check=list(HealthCheck))
EXTRA_MEMORY = 3 * 2 ** 29  # 1.5 GiB on top of what the process maps already
SECONDS = 60  # per example: far above any legitimate case here, so only a hang trips it


class Hang(Exception):
    pass


@contextlib.contextmanager
def bounded():
    """An address-space limit and an alarm around one example (restored after)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as handle:
        mapped = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    cap = mapped + EXTRA_MEMORY
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    alarm = threading.current_thread() is threading.main_thread()
    if alarm:
        def ring(signum, frame):
            raise Hang(f"no answer within {SECONDS} s")
        previous = signal.signal(signal.SIGALRM, ring)
        signal.alarm(SECONDS)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        if alarm:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)


# ------------------------------------------------------------------ readers
def small() -> Ecosystem:
    eco = Ecosystem("fuzz", description="seed file", roles={"broker": "sub_core"}, year=2024)
    eco.add_member("m1", "manufacturer", employees=40, name="Yiwu Socks", tags=["a", "b"])
    eco.add_member("p1", "platform", zip="007")
    eco.add_member("b1", "broker", note=None, x=1.5, y=-2.0)
    eco.link("m1", "p1", "logistics", volume=10.0, lead_time=2)
    eco.link("b1", "m1", "information", volume=3)
    return eco


FORMATS = ["yaml", "json", "csv", "graphml", "gexf"]

def _entity(i: int) -> str:
    return ("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10


_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{_entity(i)}">' for i in range(1, 10))
           + ']><graphml><graph edgedefault="directed"><node id="&lol9;"/></graph></graphml>')
HOSTILE = [
    "&a [x, x]", "*a", "<<: *a", "!!set {a, b}", "!!binary aGk=", "!!timestamp 2020-01-01",
    "!custom 1", "!!python/object:os.system x", "[" * 3000, "{" * 3000, "- " * 3000,
    "9" * 500, "1e999", "-1e999", ".nan", "NaN", "Infinity", "1" * 5000, "\x00", "\x0b",
    "\x85", "\u2028", "\ufeff", '"', "'", "\\", "{", "}", "[", "]", ":", ",", "- ", "#",
    "\n", "\r", "\t", "  ", "~", "null", "true", "007", "+8613800000000", "id", "role",
    "source", "target", "flow", "volume", "members", "links", "ecobelt", "<", ">", "&",
    "&amp;", "&#0;", "&#x1F600;", "<![CDATA[x]]>", "</node>", '<node id="m1"/>',
    '<edge source="m1" target="zz"/>', '<key id="d9" for="node" attr.name="\x01" '
    'attr.type="int"/>', '<data key="d0">x</data>', 'version="1.3"', "xmlns:viz=",
    '<!ENTITY e "x">', "&e;", "a" * 140_000, ",,,,,", '"a""b"', "id,role\n",
]
edit = st.tuples(st.floats(0, 1), st.integers(0, 40),
                 st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12)))


def mutate(text: str, edits) -> str:
    for where, cut, payload in edits:
        at = int(where * len(text))
        text = text[:at] + payload + text[at + cut:]
    return text


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, dict[str, str]]:
    folder = tmp_path_factory.mktemp("seeds")
    texts = {}
    for extension in FORMATS:
        save(small(), folder / f"seed.{extension}")
        texts[extension] = {path.name.replace("seed", "", 1): path.read_text(encoding="utf-8")
                            for path in folder.iterdir()
                            if path.name.startswith("seed.") and path.name.endswith(
                                (f".{extension}", ".json") if extension == "csv"
                                else f".{extension}")}
        for path in folder.iterdir():
            path.unlink()
    return texts


def assert_read_or_refused(path: Path) -> None:
    with bounded():
        try:
            eco = load(path)
        except EcosystemError as error:
            message = str(error)
            assert message and "\n" not in message.strip(), message
            return
    assert isinstance(eco, Ecosystem)


@pytest.mark.parametrize("extension", FORMATS)
def test_every_reader_reads_or_refuses_in_one_line(seeds, tmp_path, extension):
    @settings(max_examples=40 if extension in ("yaml", "json") else 25, **BASE)
    @given(edits=st.lists(edit, min_size=1, max_size=4), which=st.integers(0, 2),
           raw=st.booleans())
    def check(edits, which, raw):
        files = seeds[extension]
        names = sorted(files)
        target = names[which % len(names)]
        for name, text in files.items():  # the pair and its sidecar: mutate one of them
            data = mutate(text, edits) if name == target else text
            encoded = data.encode("utf-8", "surrogatepass")
            if raw and name == target:  # bytes that are not UTF-8 at all
                encoded = encoded.replace(b"m", b"\xff", 1)
            (tmp_path / f"f{name}").write_bytes(encoded)
        assert_read_or_refused(tmp_path / f"f.{extension}")

    check()


@pytest.mark.parametrize("extension", ["graphml", "gexf"])
def test_xml_entity_bombs_are_refused(tmp_path, extension):
    path = tmp_path / f"bomb.{extension}"
    path.write_text(_LAUGHS if extension == "graphml" else
                    _LAUGHS.replace("graphml", "gexf"), encoding="utf-8")
    with pytest.raises(EcosystemError):
        with bounded():
            load(path)


# ----------------------------------------------------------------- commands
def leaves(parser: argparse.ArgumentParser, path=()):
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not actions:
        yield path, parser
    for action in actions:
        for name, child in dict(action.choices).items():
            if child.prog.split()[-1] == name:  # aliases share a parser: once
                yield from leaves(child, (*path, name))


PARSER = build_parser()
COMMANDS = sorted(leaves(PARSER), key=lambda item: item[0])
# whole commands too slow for a fuzz budget: their parameters are checked with small specs
SLOW = {("demo",)}

INTS = st.one_of(st.integers(-3, 12), st.sampled_from([0, -1, 2, 10 ** 6, 10 ** 9, 10 ** 18,
                                                       2 ** 63, -(10 ** 12)]))
FLOATS = st.one_of(st.sampled_from([0.0, -1.0, 1.0, 0.5, 1e-320, 1e308, -1e308, math.inf,
                                    -math.inf, math.nan, 2.0, 0.85]),
                   st.floats(-1e3, 1e3, allow_nan=False))
WORDS = st.sampled_from(["", "x", "m1", "p1", "b1", "market", "logistics", "information",
                         "capital", "technology", "core", "manufacturer", "volume", "a,b",
                         "m1:logistics:1", "m1:0.5", "logistics:0.5", "1,2", "-1", "nan",
                         "zz:zz:zz", "::", ",", "employees", "pianka", "1e9", "x=1",
                         "m1,p1;b1", "shapley", "ar1", "es", "--force"])


def value_for(action: argparse.Action, tmp: Path, spec: Path) -> st.SearchStrategy:
    """Values for one option: from its choices, its type, or its purpose (files)."""
    if action.choices is not None:
        return st.one_of(st.sampled_from(sorted(map(str, action.choices))), WORDS)
    hint = f"{action.dest} {action.metavar or ''}".lower()
    if action.dest in ("spec", "alliances", "matrix", "sweep", "metrics", "conversion", "table",
                       "csv") and action.option_strings != ["--csv"]:
        return st.sampled_from([str(spec), str(spec), "archetype", "archetype",
                                str(tmp / "missing.yaml"), str(tmp / "bad.csv")])
    if any(word in hint for word in ("out", "csv", "plot", "png", "output")):
        return st.sampled_from([str(tmp / "o.csv"), str(tmp / "o.png"), str(tmp / "o.txt"),
                                str(tmp / "dir"), str(tmp / "no" / "o.csv"), str(spec)])
    if action.type is int:
        return INTS.map(str)
    if action.type is float:
        return FLOATS.map(repr)
    return WORDS


def argv_for(draw, path, parser, tmp, spec) -> list[str]:
    argv = list(path)
    for action in parser._actions:
        if action.dest in ("help", "force") or isinstance(action, argparse._HelpAction):
            continue
        positional = not action.option_strings
        if not positional and draw(st.integers(0, 3)) > 0:  # a few options at a time
            continue
        if positional and action.nargs == "?" and not draw(st.booleans()):
            continue
        flag = None if positional else draw(st.sampled_from(action.option_strings))
        if action.nargs == 0:
            argv.append(flag)
            continue
        count = action.nargs if isinstance(action.nargs, int) else \
            draw(st.integers(1, 2)) if action.nargs in ("+", "*") else 1
        values = [draw(value_for(action, tmp, spec)) for _ in range(count)]
        if flag is None:
            argv += values
        elif count == 1 and action.nargs is None and flag.startswith("--"):
            argv.append(f"{flag}={values[0]}")  # so that "-1" is a value, not an option
        else:
            argv += [flag, *values]
    if draw(st.booleans()):
        argv.append("--force")
    return argv


def assert_one_line_or_success(argv: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    with bounded(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as stop:  # argparse's usage errors
            status = stop.code
    lines = err.getvalue().splitlines()
    assert status in (0, 2), (argv, status, err.getvalue()[-2000:])
    assert all(line.startswith("ecobelt") for line in lines), (argv, err.getvalue()[-2000:])
    errors = [line for line in lines if ": error: " in line]
    assert len(errors) == (status == 2), (argv, err.getvalue()[-2000:])


@pytest.fixture(scope="module")
def cli_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    spec = folder / "spec.yaml"
    save(small(), spec)
    (folder / "bad.csv").write_text("a,b\n1,\n\"x", encoding="utf-8")
    return folder, spec


@pytest.mark.parametrize("command", [c for c, _ in COMMANDS if c not in SLOW],
                         ids=lambda c: "-".join(c))
def test_every_command_succeeds_or_fails_in_one_line(cli_files, command):
    parser = dict(COMMANDS)[command]
    folder, spec = cli_files

    @settings(max_examples=6, **BASE)
    @given(data=st.data())
    def check(data):
        argv = argv_for(data.draw, command, parser, folder, spec)
        assert_one_line_or_success(argv)
        for name in ("o.csv", "o.png", "o.txt"):
            (folder / name).unlink(missing_ok=True)

    check()


def test_the_commands_are_all_fuzzed():
    names = {c[0] for c, _ in COMMANDS}
    assert {"validate", "info", "convert", "bullwhip", "beergame", "flows", "cascade", "niche",
            "benefit", "coevolve", "coupling", "segment", "spillover", "convergence", "compare",
            "html", "figure", "examples"} <= names
