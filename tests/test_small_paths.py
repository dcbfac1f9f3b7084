"""The paths that spare small inputs the import of pandas give what the column paths give.

A YAML or JSON spec under ``ecosystem.files.SMALL_SPEC`` bytes is read whole and
built a row at a time; :meth:`Ecosystem.problems` looks roles and rings up in a set
below ``ecosystem._inspect.PANDAS_LOOKUP`` members. Each is checked here against the
other path (the threshold moved so that both run on the same input) and against a
plain reference.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import networks
from ecosystem import Ecosystem, SpecError, _inspect, files
from ecosystem.files import load, save

_ROLES = ["manufacturer", "supplier", "platform", "market"]

values = st.one_of(st.sampled_from(_ROLES + ["wizard", "core", "outer"]), st.text(max_size=3),
                   st.none(), st.booleans(), st.integers(-2, 2),
                   st.floats(allow_nan=True), st.lists(st.sampled_from(_ROLES), max_size=2),
                   st.dictionaries(st.sampled_from(_ROLES), st.integers(), max_size=1))


def _object_array(items: list) -> np.ndarray:
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


@given(st.lists(values, max_size=12))
def test_values_not_allowed_are_found_alike_by_a_set_and_by_pandas(items):
    array = _object_array(items)
    by_set = _inspect._not_in(array, _ROLES)
    saved, _inspect.PANDAS_LOOKUP = _inspect.PANDAS_LOOKUP, 0
    try:
        by_pandas = _inspect._not_in(array, _ROLES)
    finally:
        _inspect.PANDAS_LOOKUP = saved
    # the allowed names are strings: a value is one of them only if it is an equal string
    expected = [not (isinstance(v, str) and v in _ROLES) for v in items]
    assert by_set.dtype == by_pandas.dtype == bool
    assert by_set.tolist() == by_pandas.tolist() == expected


def _broken() -> Ecosystem:
    """Three members, two of them given a role and a ring no check let through."""
    eco = Ecosystem()
    for member, role in [("m1", "manufacturer"), ("s1", "supplier"), ("p1", "platform")]:
        eco.add_member(member, role)
    eco.link("s1", "m1", "logistics", volume=2.0)
    store = eco._columns()
    store.set_member(0, {"role": "wizard"})
    store.set_member(2, {"ring": ["core"]})  # not even hashable
    return eco


def test_problems_are_the_same_sentences_on_both_lookups(monkeypatch):
    expected = ["member 'm1': unknown role 'wizard'",
                "member 'p1': ring ['core'] is not one of core, outer, sub_core"]
    assert _broken().problems() == expected
    monkeypatch.setattr(_inspect, "PANDAS_LOOKUP", 0)
    assert _broken().problems() == expected
    assert _broken().problems(warnings=True) == expected


def _outcome(path):
    try:
        eco = load(path)
    except SpecError as error:
        return "error", str(error)
    # the types of the values and the order of the columns as well: the same saved text
    save(eco, path.with_name("back.json"))
    text = path.with_name("back.json").read_text(encoding="utf-8")
    path.with_name("back.json").unlink()
    return eco, text, [(type(v), repr(v)) for _, d in eco._member_items() for v in d.values()]


def _both(path, monkeypatch):
    small = _outcome(path)
    with monkeypatch.context() as patch:
        patch.setattr(files, "SMALL_SPEC", 0)  # the column readers, as for a big file
        columns = _outcome(path)
    return small, columns


@pytest.mark.parametrize("name", ["archetype", "cross_border_belt", "rural_cluster",
                                  "industrial_belt"])
@pytest.mark.parametrize("extension", ["yaml", "json"])
def test_a_bundled_example_reads_the_same_row_by_row_or_by_columns(name, extension, tmp_path,
                                                                   monkeypatch):
    path = tmp_path / f"{name}.{extension}"
    save(networks.example(name), path)
    assert path.stat().st_size < files.SMALL_SPEC
    small, columns = _both(path, monkeypatch)
    assert small[0] == columns[0] == networks.example(name)
    assert small[1:] == columns[1:]


_EDITS = [
    ("nothing", None, None),
    ("a dangling link", '"target": "m2"', '"target": "nobody"'),
    ("an unknown role", '"role": "supplier"', '"role": "wizard"'),
    ("a negative volume", '"volume": 7.5', '"volume": -7.5'),
    ("a NaN volume", '"volume": 7.5', '"volume": NaN'),
    ("a NaN share", '"share": 0.5', '"share": NaN'),
    ("a duplicate key", '"volume": 7.5', '"volume": 7.5, "volume": 1.0'),
    ("a flow in capitals", '"flow": "logistics"', '"flow": "Logistics"'),
    ("an int volume", '"volume": 7.5', '"volume": 7'),
    ("a missing attribute", ', "lead_time": 2', ''),
    ("a second link of a flow", '"source": "m2", "target": "m3", "flow": "capital"',
     '"source": "m1", "target": "m2", "flow": "logistics"'),
]


@pytest.mark.parametrize("edit", _EDITS, ids=[e[0] for e in _EDITS])
@pytest.mark.parametrize("extension", ["json", "yaml"])
def test_an_edited_spec_gives_the_same_ecosystem_or_error_either_way(edit, extension, tmp_path,
                                                                     monkeypatch):
    eco = Ecosystem("edited")
    for member in ("m1", "m2", "m3"):
        eco.add_member(member, "supplier")
    eco.update_member("m3", tags={"a": 1}, share=0.5)
    eco.link("m1", "m2", "logistics", volume=7.5, lead_time=2)
    eco.link("m2", "m3", "capital", volume=1.0, lead_time=3)
    path = tmp_path / "e.json"
    save(eco, path)
    _, old, new = edit
    text = path.read_text(encoding="utf-8")
    if old is not None:
        assert old in text
        text = text.replace(old, new, 1)
    if extension == "yaml":  # JSON with one record per line is YAML too (NaN aside)
        text = text.replace("NaN", ".nan")
    path = path.with_suffix(f".{extension}")
    path.write_text(text, encoding="utf-8")
    small, columns = _both(path, monkeypatch)
    if small[0] == "error":
        assert small == columns
    else:
        assert small[0] == columns[0]
        assert small[1:] == columns[1:]
        assert edit[0] != "nothing" or small[0] == eco
    assert (small[0] == "error") == (edit[0] in ("a dangling link", "an unknown role",
                                                 "a negative volume", "a NaN volume",
                                                 "a duplicate key", "a second link of a flow"))
    if edit[0] == "a NaN share":
        assert math.isnan(small[0].member("m3")["share"])
