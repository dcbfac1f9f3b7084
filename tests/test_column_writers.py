"""The writers read the columns of an ecosystem and write what the record writers wrote.

Each file is compared byte for byte with the text the writers give for the same ecosystem
held as a networkx graph (the record path, which the round-trip tests check), on the
bundled examples and on random ecosystems with every kind of value a spec can hold and
some it cannot.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import networks
from ecosystem import Ecosystem, _spec
from ecosystem._csv import write_csv_pair
from ecosystem.files import load
from ecosystem.taxonomy import DEFAULT_ROLES

EXAMPLES = sorted(p for p in (Path(networks.__file__).parent / "examples").iterdir()
                  if p.suffix in (".yaml", ".json"))


def _graph_backed(eco: Ecosystem) -> Ecosystem:
    copy = eco.copy()
    # from now on the graph is the storage: the record writers' path
    assert copy.graph is not None and copy._graph is not None
    return copy


def _text(eco: Ecosystem, kind: str) -> str | tuple[str, str]:
    """The text the writer gives; its encoded chunks (what ``save`` writes) must be that
    text's UTF-8 bytes, or fail with the same error."""
    write = _spec.iter_yaml if kind == "yaml" else _spec.iter_json
    try:
        text = "".join(write(*_spec.spec_parts(eco), "f"))
    except _spec.SpecError as error:
        with pytest.raises(_spec.SpecError) as again:
            b"".join(write(*_spec.spec_parts(eco), "f", encoded=True))
        assert str(again.value) == str(error)
        return "error", str(error)
    chunks = list(write(*_spec.spec_parts(eco), "f", encoded=True))
    assert all(isinstance(chunk, (bytes, memoryview)) for chunk in chunks)
    assert b"".join(chunks) == text.encode("utf-8")
    return text


def _csv_pair(eco: Ecosystem) -> dict[str, bytes] | tuple[str, str]:
    with tempfile.TemporaryDirectory() as folder:
        try:
            write_csv_pair(eco, Path(folder) / "e.csv")
        except _spec.SpecError as error:
            return "error", str(error).replace(folder, "")
        return {p.name: p.read_bytes() for p in Path(folder).iterdir()}


def _same_text(eco: Ecosystem) -> None:
    assert eco._graph is None
    old = _graph_backed(eco)
    for kind in ("json", "yaml"):
        assert _text(eco, kind) == _text(old, kind), kind
    assert _csv_pair(eco) == _csv_pair(old)
    assert eco._graph is None  # nothing built the graph


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_write_the_same_text(path):
    _same_text(load(path))


def test_a_belt_writes_the_same_text():
    _same_text(networks.industrial_belt(300, seed=3))


_TEXT = st.one_of(
    st.text(max_size=6),
    st.sampled_from(["yes", "No", "null", "~", "007", "+86", "1e5", "a b", "a\\b", 'q"t',
                     "x%sy", "%", "\ud800", "\x85", "\u2028", "caf\u00e9", " lead", "NaN",
                     ".inf", "a: b", "[x]", "{", "-", "y", "on", "3.0"]))
_SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(-2 ** 70, 2 ** 70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e-5, 1e16, 1.5e300, -2e-310, 0.0, -0.0, 1e15, 123456789012345678.0]),
    _TEXT)
_VALUE = st.one_of(
    _SCALAR,
    st.lists(_SCALAR, max_size=3),
    st.dictionaries(_TEXT, _SCALAR, max_size=2),
    st.builds(np.float64, st.floats(-1e3, 1e3)),
    st.builds(np.int64, st.integers(-5, 5)),
    st.builds(tuple, st.lists(_SCALAR, max_size=2)),
    st.just({1, 2}))  # JSON cannot hold a set: both paths must report the same error
_KEY = st.one_of(st.sampled_from(["employees", "name", "note", "x", "size", "a%b", "q\"k",
                                  "on", "b\\s", "caf\u00e9"]), st.text(min_size=1, max_size=4))
_ROLES = sorted(DEFAULT_ROLES)


@st.composite
def ecosystems(draw) -> Ecosystem:
    eco = Ecosystem(draw(_TEXT), roles={"broker": "sub_core"}) if draw(st.booleans()) \
        else Ecosystem("e")
    ids = draw(st.lists(_TEXT.filter(lambda s: s.strip()), min_size=0, max_size=7,
                        unique=True))
    for member in ids:
        role = draw(st.sampled_from([*_ROLES[:6], "broker"] if "broker" in eco.roles
                                    else _ROLES[:6]))
        attributes = draw(st.dictionaries(_KEY, _VALUE, max_size=3))
        if draw(st.booleans()):
            attributes["ring"] = draw(st.sampled_from(["core", "sub_core", "outer"]))
        try:
            eco.add_member(member, role, **attributes)
        except Exception:
            eco.add_member(member, role)
    for _ in range(draw(st.integers(0, 12)) if ids else 0):
        source, target = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        flow = draw(st.sampled_from(["information", "logistics", "capital", "technology"]))
        attributes = draw(st.dictionaries(_KEY, _VALUE, max_size=2))
        if draw(st.booleans()):
            attributes["volume"] = draw(st.one_of(st.floats(0, 1e308), st.integers(0, 9)))
        if draw(st.booleans()):
            attributes["lead_time"] = draw(st.integers(0, 9))
        try:
            eco.link(source, target, flow, **attributes)
        except Exception:
            pass
    if ids and draw(st.booleans()):  # a column that earlier rows lack
        try:
            eco.update_member(ids[-1], **draw(st.dictionaries(_KEY, _VALUE, max_size=2)))
        except Exception:
            pass
    return eco


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ecosystems(), st.booleans())
def test_random_ecosystems_write_the_same_text(eco, arrow):
    from ecosystem import _arrow, _csv, _rows
    saved = _arrow.ENABLED, _arrow.THREADS, _rows.CHUNK, _csv._CHUNK
    _arrow.ENABLED = arrow  # rows joined by pyarrow, then by Python's % layout
    # chunks of two rows made on three threads: a value that fails in a late chunk fails
    # on a thread, and its error must be the one the record writer gives
    _arrow.THREADS, _rows.CHUNK, _csv._CHUNK = 3, 2, 2
    try:
        _same_text(eco)
    finally:
        _arrow.ENABLED, _arrow.THREADS, _rows.CHUNK, _csv._CHUNK = saved


@pytest.mark.parametrize("threads", [1, 3])
@pytest.mark.parametrize("arrow", [True, False], ids=["pyarrow", "python"])
def test_the_rows_are_read_a_chunk_at_a_time(monkeypatch, arrow, threads):
    from ecosystem import _arrow, _csv, _rows
    monkeypatch.setattr(_arrow, "ENABLED", arrow)
    monkeypatch.setattr(_arrow, "THREADS", threads)  # chunks made on threads come in order
    monkeypatch.setattr(_rows, "CHUNK", 7)
    monkeypatch.setattr(_csv, "_CHUNK", 5)
    eco = networks.industrial_belt(30, seed=2)
    eco.update_member(next(iter(eco)), note="a\\b")  # a row for the record writer
    _same_text(eco)
    head, members, links = _spec.spec_parts(eco)
    assert list(members) == list(_spec.spec_parts(_graph_backed(eco))[1])
    assert not any(math.isnan(v) for r in links for v in r.values() if type(v) is float)


_FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(1e-4, 1e10), st.floats(-1e10, -1e-4),
    st.integers(-10 ** 10, 10 ** 10).map(float),
    st.tuples(st.integers(-10 ** 6, 10 ** 6), st.integers(0, 6)).map(lambda t: t[0] / 10 ** t[1]),
    st.sampled_from([1e-4, 9.999999999999999e-05, 1e10, 9999999999.999998, 1e16, 1e15,
                     5e-324, -0.0, 0.0, 0.1, 2.5]))


@settings(max_examples=200, deadline=None)
@given(st.lists(_FLOATS, max_size=40))
def test_pyarrow_spells_floats_as_repr_does(values):
    from ecosystem import _arrow
    arrow = _arrow.modules(1 << 30)
    if arrow is None:
        pytest.skip("pyarrow is not installed")
    array = np.array(values, dtype=float)
    texts = _arrow.float_texts(arrow, array, lambda v: [f"<{x!r}>" for x in v.tolist()])
    size = np.abs(array)
    expected = [repr(x) if 1e-4 <= s < 1e10 or x == 0 else f"<{x!r}>"
                for x, s in zip(values, size.tolist())]
    assert texts.to_pylist() == expected


# ---------------------------------------------------------------- reading JSON in blocks
def _whole_file(path: str, read=_spec.read_json) -> Ecosystem | tuple[str, str]:
    """What the whole-file reader gives (the reference for the block and chunk readers):
    JSON, or YAML with ``read=_spec.read_yaml``."""
    from ecosystem._columnar import from_spec_fast
    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = read(handle.read(), path)
        eco = from_spec_fast(data)
        return eco if eco is not None else _spec.from_spec(data, path)
    except _spec.SpecError as error:
        return "error", str(error)


def _loaded(path: str) -> Ecosystem | tuple[str, str]:
    """What ``load`` gives through the block and chunk readers, whatever the file's size."""
    from ecosystem import files
    saved, files.SMALL_SPEC = files.SMALL_SPEC, 0  # small files are otherwise read whole
    try:
        return load(path)
    except _spec.SpecError as error:
        return "error", str(error)
    finally:
        files.SMALL_SPEC = saved


def _same_ecosystem(first, second) -> None:
    assert type(first) is type(second)
    if isinstance(first, tuple):
        assert first == second
        return
    assert first == second
    # types and column order too: both save to the same text
    assert _text(first, "json") == _text(second, "json")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ecosystems(), st.integers(40, 400), st.sampled_from(["rows", "pyarrow", "json"]))
def test_json_read_in_blocks_gives_the_whole_files_ecosystem(eco, piece, reader):
    from ecosystem import _arrow, _jsonrows, _stream
    from ecosystem.files import save
    saved, _stream.PIECE = _stream.PIECE, piece  # many small blocks, boundaries anywhere
    _arrow.ENABLED = reader != "json"  # with and without pyarrow's reader
    _jsonrows.ENABLED = reader == "rows"  # blocks cut by positions first, or not
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = f"{folder}/e.json"
            try:
                save(eco, path)
            except _spec.SpecError:
                return
            _same_ecosystem(_loaded(path), _whole_file(path))
    finally:
        _stream.PIECE = saved
        _arrow.ENABLED = None
        _jsonrows.ENABLED = True


_EDITS = [
    ("a duplicate key in a row", '"volume": 7.5,', '"volume": 7.5, "volume": 1.0,'),
    ("NaN", '"volume": 7.5,', '"volume": NaN,'),
    ("a dangling link", '"target": "m2"', '"target": "nobody"'),
    ("a flow in capitals", '"flow": "logistics"', '"flow": "Logistics"'),
    ("None for a volume", '"volume": 7.5,', '"volume": null,'),
    ("a nested duplicate", '"tags": {"a": 1}', '"tags": {"a": 1, "a": 2}'),
    ("an escaped duplicate", '"note": "x"', '"note": "x\\\\", "note": "y"'),
    ("Windows line ends", "\n", "\r\n"),
    ("a byte-order mark", "{\n", "\ufeff{\n"),
    ("text after the end", "]\n}\n", "]\n}\nx\n"),
    ("a link spread over lines", '"flow": "capital"', '\n"flow": "capital"'),
    ("a huge integer", '"lead_time": 2', '"lead_time": ' + "9" * 400),
    ("a second members list", '  "links": [', '  "members": [],\n  "links": ['),
    # what pyarrow's JSON reader reads otherwise than the json module
    ("an int among floats", '"volume": 7.5,', '"volume": 7,'),
    ("an int beyond int64 among floats", '"volume": 7.5,', '"volume": 9223372036854775808,'),
    ("infinity", '"volume": 7.5,', '"volume": Infinity,'),
    ("a float in exponent form", '"volume": 7.5,', '"volume": 75e-1,'),
    ("a whole float as 7.00", '"volume": 7.5,', '"volume": 7.00,'),
    ("a list of floats", '"note": "x"', '"note": [1, 2.0, "a.0, "]'),
    ("null in a list", '"note": "x"', '"note": [null]'),
    ("an int in a row with a mapping", '"tags": {"a": 1}', '"tags": {"a": 1.0}, "volume": 3'),
    ("a string ending like a float", '"note": "x"', '"note": "3.0}"'),
    ("a tab between tokens", '"note": "x"', '"note":\t"x"'),
    ("a tab in a string", '"note": "x"', '"note": "x\ty"'),
    ("two rows on a line", '},\n    {"source": "m2"', '}, {"source": "m2"'),
    ("a blank line among the rows", '},\n    {"source": "m2"', '},\n\n    {"source": "m2"'),
    # a string or a key ending as a whole float's text does, beside an int among floats
    ("a string ending like a float's text", '"volume": 7.5,', '"volume": 7, "n": "a.0, ",'),
    ("a key ending like a float's text", '"volume": 7.5,', '"volume": 7, "a.0, ": 1,'),
    ("a null of its own", '"lead_time": 2', '"lead_time": 2, "n": null'),
    ("old Mac line ends", "\n", "\r"),
    ("a form feed after the end", "]\n}\n", "]\n}\n\f"),
    ("a no-break space after the end", "]\n}\n", "]\n}\n\u00a0"),
]


@pytest.mark.parametrize("edit", _EDITS, ids=[e[0] for e in _EDITS])
@pytest.mark.parametrize("piece", [30, 1 << 20])
@pytest.mark.parametrize("reader", ["rows", "pyarrow", "json"])
def test_edited_json_reads_as_the_whole_file_reads_it(tmp_path, monkeypatch, edit, piece,
                                                       reader):
    from ecosystem import _arrow, _jsonrows, _stream
    from ecosystem.files import save
    monkeypatch.setattr(_stream, "PIECE", piece)
    monkeypatch.setattr(_arrow, "ENABLED", reader != "json")
    monkeypatch.setattr(_jsonrows, "ENABLED", reader == "rows")
    eco = Ecosystem("edited")
    for member in ("m1", "m2", "m3"):
        eco.add_member(member, "supplier")
    eco.update_member("m3", tags={"a": 1}, note="x")
    eco.link("m1", "m2", "logistics", volume=7.5, lead_time=2)
    eco.link("m2", "m3", "capital", volume=1.0)
    path = tmp_path / "e.json"
    save(eco, path)
    text = path.read_text(encoding="utf-8")
    _, old, new = edit
    assert old in text
    path.write_text(text.replace(old, new, 1 if old != "\n" else -1), encoding="utf-8",
                    newline="")
    _same_ecosystem(_loaded(str(path)), _whole_file(str(path)))


@pytest.mark.parametrize("arrow", [True, False], ids=["pyarrow", "json"])
def test_json_that_is_not_utf8_is_refused_as_the_whole_file_reader_refuses_it(
        tmp_path, monkeypatch, arrow):
    from ecosystem import _arrow, _stream, files
    from ecosystem.files import save
    monkeypatch.setattr(_stream, "PIECE", 64)
    monkeypatch.setattr(_arrow, "ENABLED", arrow)
    monkeypatch.setattr(files, "SMALL_SPEC", 0)  # the block reader, not the small files' one
    eco = Ecosystem("latin")
    eco.add_member("m1", "supplier", town="Caf\u00e9")
    eco.add_member("m2", "supplier")
    eco.link("m1", "m2", "logistics", note="x")
    path = tmp_path / "e.json"
    save(eco, path)
    assert load(path) == eco  # the UTF-8 text as saved
    # pyarrow's JSON reader takes a Latin-1 byte in a string for a replacement character
    path.write_bytes(path.read_bytes().replace(b'"x"', b'"caf\xe9"'))
    with pytest.raises(_spec.SpecError, match="not UTF-8 text"):
        load(path)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([b"a", b"\r", b"\n", b"\r\n", b"\xef\xbb\xbf", b"}"]),
                max_size=40), st.booleans(), st.integers(1, 7))
def test_pieces_of_a_json_file_end_their_lines_as_text_mode_does(parts, mark, piece):
    import io

    from ecosystem._stream import _Reader
    data = (b"\xef\xbb\xbf" if mark else b"") + b"".join(parts)
    reader = _Reader(io.BytesIO(data))
    pieces = []
    while True:
        chunk = reader.read(piece)
        if not chunk:
            break
        pieces.append(chunk)
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=None).read()
    assert b"".join(pieces) == text.encode()


def test_the_json_of_a_belt_is_read_in_blocks(monkeypatch, tmp_path):
    from ecosystem import _stream
    from ecosystem.files import save
    monkeypatch.setattr(_stream, "PIECE", 4096)
    eco = networks.industrial_belt(200, seed=5)
    save(eco, tmp_path / "b.json")
    blocks = _stream.read_json_blocks(str(tmp_path / "b.json"))
    assert blocks is not None  # the block reader read it, not the fallback
    _same_ecosystem(blocks, _whole_file(str(tmp_path / "b.json")))


def test_pyarrow_reads_every_block_of_a_belt(monkeypatch, tmp_path):
    pytest.importorskip("pyarrow")
    from ecosystem import _arrow, _columns, _jsonrows, _stream
    from ecosystem.files import save
    monkeypatch.setattr(_stream, "PIECE", 4096)
    monkeypatch.setattr(_arrow, "ENABLED", True)  # a small file: by default not worth it
    monkeypatch.setattr(_jsonrows, "ENABLED", False)  # pyarrow's reader for every block
    eco = networks.industrial_belt(300, seed=5)
    assert any(isinstance(d.get("to"), dict) for *_, d in eco.graph.edges(keys=True, data=True))
    save(eco, tmp_path / "b.json")
    taken, sparse = [], []
    monkeypatch.setattr(_stream._Table, "add", lambda self, parsed: taken.append(parsed))
    monkeypatch.setattr(_columns, "_sparse_column",
                        lambda array, make=_columns._sparse_column: sparse.append(1) or make(array))
    blocks = _stream.read_json_blocks(str(tmp_path / "b.json"))
    assert taken == []  # no block left to the json module, the rows with mappings included
    assert sparse  # the column of mappings most links lack handed over sparse
    assert blocks is not None
    _same_ecosystem(blocks, _whole_file(str(tmp_path / "b.json")))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ecosystems(), st.integers(60, 600))
def test_yaml_read_a_chunk_at_a_time_gives_the_whole_files_ecosystem(eco, chunk):
    from ecosystem import _spec as spec
    from ecosystem._stream import read_yaml_rows
    from ecosystem.files import save
    saved, spec._ROWS_CHUNK = spec._ROWS_CHUNK, chunk  # many chunks, cut anywhere
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = f"{folder}/e.yaml"
            try:
                save(eco, path)
            except _spec.SpecError:
                return
            with open(path, encoding="utf-8-sig") as handle:
                chunked = read_yaml_rows(handle.read())
            whole = _whole_file(path, _spec.read_yaml)
            if chunked is not None:
                _same_ecosystem(chunked, whole)
            _same_ecosystem(_loaded(path), whole)
    finally:
        spec._ROWS_CHUNK = saved


def test_the_yaml_of_a_belt_is_read_a_chunk_at_a_time(monkeypatch, tmp_path):
    from ecosystem._stream import read_yaml_rows
    from ecosystem.files import save
    monkeypatch.setattr(_spec, "_ROWS_CHUNK", 4096)
    eco = networks.industrial_belt(300, seed=5)
    save(eco, tmp_path / "b.yaml")
    chunked = read_yaml_rows((tmp_path / "b.yaml").read_text(encoding="utf-8"))
    assert chunked is not None  # the chunked reader read it, not the fallback
    _same_ecosystem(chunked, _whole_file(str(tmp_path / "b.yaml"), _spec.read_yaml))
    # an edit only PyYAML reads: the chunked reader leaves it
    text = (tmp_path / "b.yaml").read_text(encoding="utf-8")
    assert read_yaml_rows(text.replace("\n- {", "\n- {x: 1, x: 2, ", 1)) is None


# ------------------------------------------------ the CSV pair's int columns and link ends
_INT_CELLS = ["+5", "05", " 5", "5 ", "5_0", "", "-0", "5.0", "1e3", "99999999999999999999",
              "9223372036854775807", "\u0665", "x"]
_FLOAT_CELLS = ["+5", ".5", "5.", "5", " 1.5", "1.5 ", "inf", "-inf", "Infinity", "nan", "NaN",
                "1e400", "1e-400", "1_0", "0x10", "\u0665", "", "1.5e+3", "x"]


@pytest.mark.parametrize("column,cell", [("lead_time", c) for c in _INT_CELLS]
                         + [("volume", c) for c in _FLOAT_CELLS])
@pytest.mark.parametrize("arrow", [True, False], ids=["pyarrow", "pandas"])
def test_a_number_cell_edited_by_hand_reads_as_the_exact_reader_reads_it(
        tmp_path, monkeypatch, column, cell, arrow):
    import csv
    import json

    from ecosystem import _arrow, _columnar
    from ecosystem._csv import csv_paths
    monkeypatch.setattr(_arrow, "ENABLED", arrow)
    eco = networks.industrial_belt(20, seed=4)
    write_csv_pair(eco, tmp_path / "b.csv")
    links_path = csv_paths(tmp_path / "b.csv")[1]
    with open(links_path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index(column)] = cell
    with open(links_path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)

    def outcome():
        try:  # values and their types; the two readers may order a row's keys differently
            return json.dumps(_spec.to_spec(load(tmp_path / "b.csv")), sort_keys=True)
        except _spec.SpecError as error:
            return "error", str(error)

    fast = outcome()
    saved = _columnar.read_csv_fast
    _columnar.read_csv_fast = lambda *args: None  # the row-by-row reader alone
    try:
        same = fast == outcome()
        assert same
    finally:
        _columnar.read_csv_fast = saved


def test_a_lone_surrogate_in_the_name_survives_the_csv_pair(tmp_path):
    eco = Ecosystem("\ud800")
    eco.add_member("a", "supplier")
    write_csv_pair(eco, tmp_path / "e.csv")  # the sidecar escapes it, as JSON files do
    assert load(tmp_path / "e.csv") == eco and load(tmp_path / "e.csv").name == "\ud800"


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_chunks_made_on_threads_come_in_order_and_few_at_a_time(monkeypatch, threads):
    """The second chunk is made before the first (the first waits for it), yet they come
    out in order; while a slow writer takes them, no more than ``THREADS - 1`` chunks are
    begun and not yet taken."""
    import threading
    import time

    from ecosystem import _arrow
    monkeypatch.setattr(_arrow, "THREADS", threads)
    lock = threading.Lock()
    second_made = threading.Event()
    begun: list[int] = []
    made: list[int] = []
    ahead: list[int] = []

    def make(start: int) -> int:
        with lock:
            begun.append(start)
        if start == 0 and threads > 1:
            assert second_made.wait(timeout=30)  # the threads run out of order
        with lock:
            made.append(start)
        if start == 1:
            second_made.set()
        return start * 10

    taken: list[int] = []
    for value in _arrow.in_order(make, range(12)):
        time.sleep(0.01)  # a slow writer: the makers would run ahead if nothing held them
        with lock:
            ahead.append(len(begun) - len(taken) - 1)  # begun besides the one taken now
        taken.append(value)
    assert taken == [start * 10 for start in range(12)]
    assert max(ahead) <= threads - 1
    if threads > 1:
        assert made.index(1) < made.index(0)
        assert max(ahead) == threads - 1  # and they do work ahead


def test_a_failed_write_stops_the_threads_that_make_the_chunks(monkeypatch, tmp_path):
    """A disk that fills up halfway: the old file stays, and no thread is left making
    chunks while the error is held (pytest holds it here)."""
    import threading
    from contextlib import contextmanager

    from ecosystem import _arrow, _rows, files
    monkeypatch.setattr(_arrow, "ENABLED", True)
    monkeypatch.setattr(_arrow, "THREADS", 4)
    monkeypatch.setattr(_rows, "CHUNK", 50)
    eco = networks.industrial_belt(300, seed=4)
    target = tmp_path / "b.json"
    target.write_bytes(b"OLD")
    real = files.atomic_open

    class Full:
        def __init__(self, handle):
            self.handle, self.written = handle, 0

        def writelines(self, chunks):
            for chunk in chunks:
                self.written += 1
                if self.written == 8:
                    raise OSError(28, "No space left on device")
                self.handle.write(chunk)

    @contextmanager
    def filling(path, mode="w", **options):
        with real(path, mode, **options) as handle:
            yield Full(handle)

    monkeypatch.setattr(files, "atomic_open", filling)
    before = threading.active_count()
    with pytest.raises(OSError, match="No space left") as error:
        files.save(eco, target)
    assert threading.active_count() == before and error.value is not None
    assert target.read_bytes() == b"OLD"
    assert [p.name for p in tmp_path.iterdir()] == ["b.json"]
