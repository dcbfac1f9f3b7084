"""Blocks of JSON rows cut into columns by positions (``ecosystem._jsonrows``): the same
columns as the json module's reading of the block, or None and the other readers."""

from __future__ import annotations

import contextlib
import json
import math
import re
import struct

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_column_writers import _loaded, _same_ecosystem, _whole_file

import networks
from ecosystem import Ecosystem
from ecosystem.files import save

pytest.importorskip("pyarrow")

from ecosystem import _arrow, _jsonrows, _stream  # noqa: E402

ARROW = _arrow.modules(1 << 30)
#: JSON's number grammar (RFC 8259, section 6).
NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
INT64 = (-(2 ** 63), 2 ** 63 - 1)


CUTTERS = ["numba", "numpy"]


@contextlib.contextmanager
def _cutter(name: str):
    """Blocks cut by the compiled pass (``"numba"``) or by numpy's passes."""
    if name == "numba":
        pytest.importorskip("numba")
        if _jsonrows._compiled() is None:
            pytest.skip(f"numba switched off by {_jsonrows.ENVIRONMENT_VARIABLE}")
        saved = _jsonrows.MIN_COMPILED_BYTES
        _jsonrows.MIN_COMPILED_BYTES = 0  # the readers' small files too
        try:
            yield
        finally:
            _jsonrows.MIN_COMPILED_BYTES = saved
        return
    saved = _jsonrows._compiled
    _jsonrows._compiled = lambda: None
    try:
        yield
    finally:
        _jsonrows._compiled = saved


@pytest.fixture(params=CUTTERS)
def cutter(request):
    with _cutter(request.param):
        yield request.param


def _block(rows: list[dict], last: bool = False) -> bytes:
    """Row lines as ecobelt writes them (``last``: the table's last row, no comma)."""
    lines = ["    " + json.dumps(row, ensure_ascii=False) for row in rows]
    return (",\n".join(lines) + ("\n" if last else ",\n")).encode()


def _identical(first, second) -> bool:
    """Same values of the same types, floats bit for bit (-0.0 is not 0.0)."""
    if type(first) is not type(second):
        return False
    if isinstance(first, float):
        return struct.pack("<d", first) == struct.pack("<d", second)
    return first == second


def _same_column(first, second) -> None:
    first, second = np.asarray(first), np.asarray(second)
    assert first.dtype == second.dtype and first.shape == second.shape
    if first.dtype == object:
        assert all(map(_identical, first.tolist(), second.tolist()))
    else:
        assert first.tobytes() == second.tobytes()


def _reference(block: bytes) -> _stream._Table | None:
    """The block's columns as the json module reads them, or None (it cannot)."""
    table = _stream._Table(())
    try:
        table.add(_stream._parse(block))
    except (_stream._Unusual, ValueError):
        return None
    return table


def _cut(block: bytes) -> _stream._Table | None:
    rows = _jsonrows.parse_rows(block, ARROW)
    if rows is None:
        return None
    table = _stream._Table(())
    assert table.add_rows(rows)
    return table


def _same_table(first: _stream._Table, second: _stream._Table) -> None:
    assert first.count == second.count
    assert list(first.parts) == list(second.parts)  # the columns' order too
    assert first.kinds == second.kinds
    for name in first.parts:
        _same_column(first.column(name), second.column(name))


BELT_LINKS = [
    {"source": "pr0001", "target": "mf0003", "flow": "logistics", "volume": 9.4,
     "capacity": 12.3, "unit_cost": 0.182, "lead_time": 1, "reliability": 0.989},
    {"source": "pr0001", "target": "mf2000", "flow": "capital", "volume": 10.0,
     "capacity": 1e-05, "unit_cost": -0.0, "lead_time": -3, "reliability": 5e-324},
    {"source": "sp0002", "target": "sp1999", "flow": "information", "volume": 1e300,
     "capacity": 1.7976931348623157e+308, "unit_cost": 0.1, "lead_time": 0,
     "reliability": 2.5e-310},
]


@pytest.mark.parametrize("last", [False, True], ids=["inside", "the table's end"])
def test_a_block_of_links_cut_by_positions_is_the_json_modules_reading(last, cutter):
    block = _block(BELT_LINKS, last)
    cut = _cut(block)
    assert cut is not None  # the fast branch read it
    _same_table(cut, _reference(block))
    # and pyarrow's reader, the path before, where it reads the block (the whole floats
    # in exponent form are the json module's to read there)
    for rows in (BELT_LINKS, BELT_LINKS[:1]):
        block = _block(rows, last)
        parsed = _stream._parse_arrow(block, ARROW)
        table = _stream._Table(())
        if parsed is not None and table.add_arrow(parsed, ARROW):
            _same_table(_cut(block), table)
        else:
            assert rows is BELT_LINKS


def test_rows_give_typed_columns(cutter):
    rows = _jsonrows.parse_rows(_block(BELT_LINKS), ARROW)
    assert rows is not None and rows.size == 3
    kinds = {name: kind for name, _, kind in rows.columns}
    assert kinds == {"source": str, "target": str, "flow": str, "volume": float,
                     "capacity": float, "unit_cost": float, "lead_time": int,
                     "reliability": float}
    values = {name: values for name, values, _ in rows.columns}
    assert values["lead_time"].tolist() == [1, -3, 0]
    assert values["target"].to_pylist() == ["mf0003", "mf2000", "sp1999"]
    assert np.signbit(values["unit_cost"][1]) and values["reliability"][1] == 5e-324


_FALLBACKS = [
    ("an escape in a string", '"mf0003"', '"mf\\u0030003"'),
    ("a quote escaped in a string", '"mf0003"', '"mf\\"0003"'),
    ("other key order", '"source": "pr0001", "target": "mf0003"',
     '"target": "mf0003", "source": "pr0001"'),
    ("another key of the same length", '"volume": 9.4', '"volumE": 9.4'),
    ("a key more", '"lead_time": 1,', '"lead_time": 1, "extra": 2,'),
    ("a key less", '"lead_time": 1, ', ''),
    ("a null", '"volume": 9.4', '"volume": null'),
    ("true", '"volume": 9.4', '"volume": true'),
    ("a list", '"volume": 9.4', '"volume": [9.4]'),
    ("a mapping", '"volume": 9.4', '"volume": {"a": 9.4}'),
    ("a number as a string", '"volume": 9.4', '"volume": "9.4"'),
    ("an int among floats", '"volume": 9.4', '"volume": 9'),
    ("a float among ints", '"lead_time": 1,', '"lead_time": 1.0,'),
    ("an int beyond int64", '"lead_time": 1,', '"lead_time": 9223372036854775808,'),
    ("a float beyond the double range", '"volume": 9.4', '"volume": 1e400'),
    ("a leading plus", '"volume": 9.4', '"volume": +9.4'),
    ("a leading dot", '"volume": 9.4', '"volume": .4'),
    ("a trailing dot", '"volume": 9.4', '"volume": 9.'),
    ("a leading zero", '"lead_time": 1,', '"lead_time": 01,'),
    ("a hexadecimal int", '"lead_time": 1,', '"lead_time": 0x1,'),
    ("Infinity", '"volume": 9.4', '"volume": Infinity'),
    ("NaN", '"volume": 9.4', '"volume": NaN'),
    ("a space before a number", '"volume": 9.4', '"volume":  9.4'),
    ("a tab in a string", '"mf0003"', '"mf\t0003"'),
    ("a tab between tokens", '"volume": 9.4', '"volume":\t9.4'),
    ("a blank line", '},\n    {"source": "pr0001", "target": "mf2000"',
     '},\n\n    {"source": "pr0001", "target": "mf2000"'),
    ("two rows on a line", '},\n    {"source": "pr0001", "target": "mf2000"',
     '}, {"source": "pr0001", "target": "mf2000"'),
    ("another indent", '},\n    {"source": "pr0001", "target": "mf2000"',
     '},\n   {"source": "pr0001", "target": "mf2000"'),
    ("a space at a line end", '0.989},\n', '0.989}, \n'),
]


@pytest.mark.parametrize("edit", _FALLBACKS, ids=[e[0] for e in _FALLBACKS])
def test_a_block_not_as_ecobelt_writes_it_is_left_to_the_other_readers(edit, cutter):
    _, old, new = edit
    text = _block(BELT_LINKS).decode()
    assert old in text
    block = text.replace(old, new, 1).encode()
    assert _jsonrows.parse_rows(block, ARROW) is None


@pytest.mark.parametrize("edit", _FALLBACKS, ids=[e[0] for e in _FALLBACKS])
def test_a_file_with_such_a_block_reads_as_the_whole_file_reads_it(tmp_path, monkeypatch,
                                                                    edit, cutter):
    monkeypatch.setattr(_arrow, "ENABLED", True)
    monkeypatch.setattr(_stream, "PIECE", 1 << 20)
    eco = Ecosystem("edited")
    for member in ("pr0001", "sp0002", "mf0003", "sp1999", "mf2000"):
        eco.add_member(member, "supplier")
    eco.link(**BELT_LINKS[0])
    eco.link(**{**BELT_LINKS[1], "lead_time": 3, "capacity": 11.0, "reliability": 0.5})
    path = tmp_path / "e.json"
    save(eco, path)
    text = path.read_text(encoding="utf-8")
    _, old, new = edit
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8", newline="")
    _same_ecosystem(_loaded(str(path)), _whole_file(str(path)))


_EDGE_FLOATS = [1e300, -1e300, -0.0, 0.0, 5e-324, -5e-324, 2.2250738585072014e-308,
                1.7976931348623157e308, 0.1, 1e-05, 1e16, 123456789012345.67]
_EDGE_INTS = [0, -1, 2 ** 63 - 1, -(2 ** 63), 2 ** 63 - 2, -(2 ** 63) + 1, 2 ** 53 + 1]


def _values(kind: str) -> st.SearchStrategy:
    if kind == "float":
        return st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(_EDGE_FLOATS)
    if kind == "int":
        return st.integers(*INT64) | st.sampled_from(_EDGE_INTS) | \
            st.integers(2 ** 63, 2 ** 70)  # beyond int64: the other readers
    # ids with any character, escapes (quotes, backslashes, controls) included
    return st.text(st.characters(blacklist_categories=("Cs",)), max_size=8) | \
        st.sampled_from(["mf0003", "\u00e9t\u00e9", "\u4e2d\u6587", "a\"b", "a\\b", "\t", ""])


@st.composite
def blocks(draw) -> tuple[list[dict], bool]:
    names = draw(st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=6)
                          | st.sampled_from(["source", "volume"]),
                          min_size=1, max_size=4, unique=True))
    kinds = [draw(st.sampled_from(["str", "int", "float"])) for _ in names]
    count = draw(st.integers(1, 6))
    rows = []
    for _ in range(count):
        row = {}
        for name, kind in zip(names, kinds):
            # now and then a value of another kind in a column
            drawn = kind if draw(st.integers(0, 9)) else draw(st.sampled_from(["str", "int",
                                                                               "float"]))
            row[name] = draw(_values(drawn))
        rows.append(row)
    return rows, draw(st.booleans())


@pytest.mark.parametrize("name", CUTTERS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks())
def test_rows_cut_by_positions_are_the_json_modules_columns(name, drawn):
    rows, last = drawn
    block = _block(rows, last)
    with _cutter(name):
        cut = _cut(block)
    reference = _reference(block)
    if cut is not None:
        assert reference is not None
        _same_table(cut, reference)
    kinds = [{type(row[name]) for row in rows} for name in rows[0]]
    plain = b"\\" not in block and all(
        len(found) == 1 for found in kinds) and all(
        INT64[0] <= value <= INT64[1] for row in rows for value in row.values()
        if type(value) is int)
    if plain:  # what ecobelt writes: the fast branch reads it
        assert cut is not None


def _number_block(text: str) -> bytes:
    return b'    {"a": ' + text.encode() + b', "b": "x"},\n'


@pytest.mark.parametrize("name", CUTTERS)
@settings(max_examples=500, deadline=None)
@given(st.text("0123456789.eE+-xXaIn f", max_size=10)
       | st.from_regex(NUMBER, fullmatch=True).filter(lambda t: len(t) <= 30)
       | st.floats(allow_nan=False, allow_infinity=False).map(repr)
       | st.integers(-(2 ** 64), 2 ** 64).map(str))
def test_a_number_is_read_exactly_when_json_has_it(name, text):
    with _cutter(name):
        rows = _jsonrows.parse_rows(_number_block(text), ARROW)
    fits = NUMBER.fullmatch(text) is not None
    if fits:
        value = json.loads(text)
        fits = math.isfinite(value) and (type(value) is float or INT64[0] <= value <= INT64[1])
    assert (rows is not None) == fits
    if rows is not None:
        (name, values, kind), _ = rows.columns
        assert _identical(values.tolist()[0], json.loads(text))
        assert kind is type(json.loads(text))


_BYTES = [b'"', b",", b" ", b":", b"{", b"}", b"\n", b"\\", b"a", b"1", b".", b"-", b"e", b"\t",
          b"", b"0", b"E", b"+"]


@pytest.mark.parametrize("name", CUTTERS)
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10 ** 6), st.integers(0, 2), st.sampled_from(_BYTES)),
                min_size=1, max_size=3))
def test_a_block_edited_anywhere_is_cut_as_the_json_module_reads_it_or_left(name, edits):
    block = bytearray(_block(BELT_LINKS))
    for where, drop, byte in edits:
        where %= len(block)
        block[where:where + drop] = byte
    with _cutter(name):
        cut = _cut(bytes(block))
    if cut is not None:
        reference = _reference(bytes(block))
        assert reference is not None
        _same_table(cut, reference)


def test_the_belts_link_blocks_are_cut_by_positions(monkeypatch, tmp_path, cutter):
    monkeypatch.setattr(_stream, "PIECE", 4096)
    monkeypatch.setattr(_arrow, "ENABLED", True)
    eco = networks.industrial_belt(300, seed=5)
    save(eco, tmp_path / "b.json")
    cut, other, compiled = [], [], []
    cut_columns = _jsonrows._cut_columns
    monkeypatch.setattr(_jsonrows, "_cut_columns",
                        lambda *args: compiled.append(1) or cut_columns(*args))
    parse_rows = _jsonrows.parse_rows
    monkeypatch.setattr(_jsonrows, "parse_rows",
                        lambda block, arrow, compiled: (
                            cut if (found := parse_rows(block, arrow, compiled)) is not None
                            else other).append(block) or found)
    loaded = _stream.read_json_blocks(str(tmp_path / "b.json"))
    assert loaded is not None
    _same_ecosystem(loaded, _whole_file(str(tmp_path / "b.json")))
    # every block but those whose rows differ in their keys (a link with a mapping,
    # "to"; a member without employees) or hold a mapping
    assert len(cut) > 4 * len(other)
    assert bool(compiled) == (cutter == "numba")  # the compiled pass, or numpy's
    for block in other:
        rows = [json.loads(line.rstrip(b",")) for line in block.splitlines()]
        assert len({tuple(row) for row in rows}) > 1 or b'"to": {' in block


@pytest.mark.parametrize("enabled", [True, False])
def test_switched_off_every_block_goes_to_the_other_readers(enabled, monkeypatch):
    monkeypatch.setattr(_jsonrows, "ENABLED", enabled)
    assert (_jsonrows.parse_rows(_block(BELT_LINKS), ARROW) is not None) == enabled


@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.bool_])
def test_a_column_taken_over_from_a_frame_is_its_array_and_can_be_set(dtype):
    from ecosystem._columns import column_from_series
    array = np.array([1, 0, 1], dtype=dtype)
    frame = pd.DataFrame({"x": array}, copy=False)
    kept = column_from_series(frame["x"], copy=False)
    copied = column_from_series(frame["x"])
    assert np.shares_memory(kept.values, array) and not np.shares_memory(copied.values, array)
    assert kept.values.tolist() == copied.values.tolist()
    assert kept.values.dtype == copied.values.dtype
    assert kept.set(1, dtype(1)).values.tolist() == [1, 1, 1]  # set() writes in place


def test_the_links_read_in_blocks_take_edits_as_the_whole_files(tmp_path, monkeypatch, cutter):
    monkeypatch.setattr(_arrow, "ENABLED", True)
    monkeypatch.setattr(_stream, "PIECE", 4096)
    save(networks.industrial_belt(100, seed=2), tmp_path / "b.json")
    read, whole = _stream.read_json_blocks(str(tmp_path / "b.json")), \
        _whole_file(str(tmp_path / "b.json"))
    assert read is not None
    for eco in (read, whole):
        source, target, flow = eco.links()[3]
        eco.update_link(source, target, flow, volume=12345.5, lead_time=7)
    _same_ecosystem(read, whole)


def test_a_small_file_is_cut_without_the_compiled_pass(monkeypatch, tmp_path):
    pytest.importorskip("numba")
    monkeypatch.setattr(_arrow, "ENABLED", True)
    save(networks.industrial_belt(100, seed=2), tmp_path / "b.json")
    assert (tmp_path / "b.json").stat().st_size < _jsonrows.MIN_COMPILED_BYTES
    asked = []
    parse_rows = _jsonrows.parse_rows
    monkeypatch.setattr(_jsonrows, "parse_rows",
                        lambda block, arrow, compiled: asked.append(compiled)
                        or parse_rows(block, arrow, compiled))
    assert _stream.read_json_blocks(str(tmp_path / "b.json")) is not None
    assert asked and not any(asked)  # importing numba would cost more than it saves
