"""Large YAML specs in ecobelt's one-row-per-line layout are read by the json module after a
rewrite (plain words quoted, .inf/.nan spelled as JSON): whatever that rewrite accepts must
read exactly as PyYAML (YAML 1.1, with the spec's own loader) reads it, and anything else
must be left to PyYAML. The reference is PyYAML itself on the same text."""

import math

import numpy as np
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from ecosystem import Ecosystem, SpecError
from ecosystem import _spec
from ecosystem._yamlrows import rows_json
from ecosystem.files import load, save

# tokens YAML 1.1 and JSON read alike (the rewrite must take them)
SAME = [
    "plain", "two words", "a-b.c_d", "x1e5", "café", "名字", "_under", "eE", "e", "E5",
    "0", "-0", "12", "-7", "0.5", "-0.0", "123456789012345678901234", "1.5e+300", "1.0e-05",
    "2.5E+3", ".inf", "-.inf", ".nan", "true", "false", "null",
    '"quoted"', '"a, b: {c} [d]"', '""', '"1e5"', '"yes"', '"#x"', '"tab\\there"', '"\\u00e9"',
    '"é ü"', "[]", "{}", "[1, 2.5, x]", "[a, [b, [c]]]", "{u: 1, v: w}", "[{u: 1}]"]
# and tokens where they differ, or YAML has more to say
VALUES = SAME + [
    '"\\ud83d\\ude00"', '"a\\/b"', "yes", "No", "ON", "off", "y", "N", "True", "FALSE", "Null",
    "~", "1e5", "1.5e5", "1E+5",
    ".NaN", ".Inf", "+.inf", "-Infinity", "Infinity", "NaN", "007", "0x1F", "0o7", "1_000",
    "+5", ".5", "1.", "12:30", "2024-05-01", "a  b", "a#b", "a #b", "b ", " b", "'single'",
    "&anchor x", "*alias", "!!str 5", "!!set {a}", "!custom x", "a:b", '"a"b', "-", "- x",
    "?", "x,", "", "a\x85b", '"a\x7fb"', "a\u2028b", "a\ufeffb", "@x", "`x`", "%x", "|",
    "1" * 400, "9" * 20, "0b101", "=", "<<", "[1, 2", "{a: 1", "a]", "\t1",
]
KEYS = ["id", "role", "x", "y", "volume", "a b", '"q"', '"k: v"', "yes", "1", "true", "~", "é"]


def reference(text):
    """What the spec's PyYAML loader gives for ``text``, or "error"."""
    try:
        return canonical(yaml.load(text, Loader=_spec._Loader))
    except (yaml.YAMLError, RecursionError, ValueError):
        return "error"


def canonical(value):
    """A form that tells int, float, bool and NaN apart (JSON-like values compare loosely)."""
    if isinstance(value, dict):
        return ("dict", [(canonical(k), canonical(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [canonical(v) for v in value])
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else repr(value))
    return (type(value).__name__, value)


def spec_text(member_rows, link_rows):
    return ("ecobelt: 1\nname: t\nmembers:\n" + "".join(f"- {r}\n" for r in member_rows)
            + "links:\n" + "".join(f"- {r}\n" for r in link_rows))


def row(pairs):
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


PLAIN = row([("id", "m1"), ("role", "manufacturer"), ("employees", "12")])

pairs = st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(VALUES)), min_size=1,
                 max_size=4)


@given(st.lists(pairs, min_size=1, max_size=4), st.integers(0, 3))
def test_the_fast_rows_read_as_pyyaml_reads_them(rows, at):
    members = [PLAIN] * 3
    members[at % 3:at % 3] = [row(p) for p in rows]
    text = spec_text(members, [row([("source", "m1"), ("target", "m1"), ("flow", "capital")])])
    fast = _spec._read_rows(text)
    if fast is not None:  # taken: it must be exactly PyYAML's reading
        assert canonical(fast) == reference(text)


@pytest.mark.parametrize("value", VALUES)
def test_every_token_alone_reads_as_pyyaml_reads_it(value):
    text = spec_text([PLAIN, row([("x", value)]), PLAIN], [PLAIN])
    fast = _spec._read_rows(text)
    assert fast is not None or value not in SAME
    if fast is not None:
        assert canonical(fast) == reference(text)


@pytest.mark.parametrize("value", [
    "yes", "No", "1e5", "1.5e5", "-Infinity", ".NaN", "a #b", "b ", "&anchor x", "*alias",
    "!!set {a}", "1" * 400, "a\x85b", "12:30", "'single'", "~", "True"])
def test_tokens_read_otherwise_by_yaml_are_left_to_pyyaml(value):
    # declined by the rewrite or refused by the json module: PyYAML reads or refuses them
    assert _spec._read_rows(spec_text([PLAIN, row([("x", value)])], [PLAIN])) is None


@pytest.mark.parametrize("value, expected", [
    ("plain", "plain"), ("two words", "two words"), ("12", 12), ("-0.0", -0.0),
    ("1.0e-05", 1e-05), (".inf", math.inf), ("-.inf", -math.inf), ("true", True),
    ("null", None), ('"a, b: {c}"', "a, b: {c}"), ("[1, x]", [1, "x"]), ("名字", "名字")])
def test_the_numpy_rewrite_reads_the_tokens_ecobelt_writes(value, expected):
    out = rows_json("- " + row([("id", "m1"), ("x", value)]) + "\n- {id: m2}")
    assert out is not None
    text, keys, mappings, count, depth = out
    import json
    rows = json.loads(text)
    assert rows == [{"id": "m1", "x": expected}, {"id": "m2"}]
    assert (keys, count) == (3, 2) and mappings == 2 + (value.count("{") if "{" in value
                                                        and '"' not in value else 0)
    assert depth == 1 + ("[" in value and '"' not in value)


def test_nan_through_the_rewrite():
    text = rows_json("- {x: .nan, z: [.nan, -.inf]}")[0]
    import json
    x = json.loads(text)[0]
    assert np.isnan(x["x"]) and np.isnan(x["z"][0]) and x["z"][1] == -math.inf


def test_a_duplicate_key_is_refused_with_its_line(tmp_path):
    rows = [PLAIN.replace("m1", f"m{i}") for i in range(3000)]
    rows[1500] = "{id: m1500, role: manufacturer, id: again}"
    path = tmp_path / "dup.yaml"
    path.write_text(spec_text(rows, []).replace("links:\n", "links: []\n"), encoding="utf-8")
    assert path.stat().st_size > 1 << 16
    with pytest.raises(SpecError, match=r"line 1504, column \d+: .*duplicate key 'id'"):
        load(path)


def test_deep_rows_are_refused_by_depth(tmp_path):
    rows = [PLAIN.replace("m1", f"m{i}") for i in range(3000)]
    rows[7] = "{id: x, role: manufacturer, deep: " + "[" * 120 + "]" * 120 + "}"
    path = tmp_path / "deep.yaml"
    path.write_text(spec_text(rows, [PLAIN]), encoding="utf-8")
    with pytest.raises(SpecError, match="nested deeper than 100 levels"):
        load(path)


def test_a_belt_written_by_ecobelt_takes_the_fast_path_and_reads_back(tmp_path, monkeypatch):
    eco = Ecosystem("belt", description="the fast path")
    names = ["plain", "a, b", "yes", "名字", "x #y", "1e5", "", "tab\there", "quote\"d", "é"]
    for i in range(1200):
        eco.add_member(f"m{i}", "manufacturer", note=names[i % len(names)], size=i * 0.5,
                       tiny=1e-7 * i, flag=bool(i % 2), missing=None, gone=float("nan"),
                       big=10 ** 15 + i, tags=["a", i, 1.5])
    for i in range(1, 1200):
        eco.link(f"m{i - 1}", f"m{i}", "logistics", volume=float(i), lead_time=i % 5)
    path = tmp_path / "belt.yaml"
    save(eco, path)
    assert path.stat().st_size > 1 << 16

    def no_pyyaml(text):
        raise AssertionError("the rows went to PyYAML")

    monkeypatch.setattr(_spec, "_load_with_room", no_pyyaml)
    fast = load(path)
    monkeypatch.undo()
    monkeypatch.setattr(_spec, "_read_rows", lambda text: None)
    assert canonical(_spec.to_spec(fast)) == canonical(_spec.to_spec(load(path)))
    assert [fast.member(f"m{i}")["note"] for i in range(10)] == names
    assert fast.member("m3")["tags"] == ["a", 3, 1.5] and fast.member("m3")["missing"] is None
    assert fast.member("m7")["big"] == 10 ** 15 + 7 and math.isnan(fast.member("m7")["gone"])
    text = path.read_text(encoding="utf-8")
    members = text[text.index("\nmembers:\n") + 10:text.index("\nlinks:\n") + 1].rstrip("\n")
    assert "\\" in members and rows_json(members) is not None  # escapes included


@pytest.mark.parametrize("chunk", [1, 64, 1000])
def test_rows_read_in_chunks_equal_rows_read_whole(monkeypatch, chunk):
    """A large table is converted a chunk of whole lines at a time (the conversion's arrays
    take about sixteen bytes per character); any chunk size gives the same spec."""
    import networks
    from ecosystem import _spec
    text = _spec.write_yaml(_spec.to_spec(networks.example("cross_border_belt")))
    whole = _spec._read_rows(text)
    assert whole == _spec._load_with_room(text)  # PyYAML reads the same
    monkeypatch.setattr(_spec, "_ROWS_CHUNK", chunk)
    calls = []
    real = _spec._chunk_as_json
    monkeypatch.setattr(_spec, "_chunk_as_json", lambda block: calls.append(1) or real(block))
    assert _spec._read_rows(text) == whole
    assert len(calls) > 2  # the tables were cut into several chunks
