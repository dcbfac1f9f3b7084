"""The Parquet pair, and the column-at-a-time reader of the CSV pair.

The reference for both is the JSON writer: an ecosystem read back must write
the same JSON text as the one saved (which also compares NaN values, which
``==`` on attribute dicts cannot).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecosystem import Ecosystem, SpecError, _columnar
from ecosystem._csv import csv_paths
from ecosystem.files import load, save, written_paths

pytest.importorskip("pyarrow")


def as_json(eco: Ecosystem, folder) -> str:
    path = folder / "reference.json"
    save(eco, path)
    return path.read_text(encoding="utf-8")


def odd() -> Ecosystem:
    eco = Ecosystem("odd", roles={"broker": "sub_core"}, units={"capital": "thousand CNY"},
                    period="week", tags=[1, {"a": None}])
    eco.add_member("m1", "manufacturer", a=math.nan, b=None, c=[1, 2.0, "x"], d=25, e=2 ** 70,
                   f="007", g=True, h="", phone="+8613800000000")
    eco.add_member("m2", "broker", a=1.5, d=25.0, g=False, i={"k": [math.nan]})
    eco.add_member("m3", "manufacturer", ring="outer")
    eco.link("m1", "m2", "logistics", volume=3, lead_time=2, note="\u00e9\u4e2d")
    eco.link("m2", "m1", "capital", volume=1.5, w=math.nan)
    eco.link("m1", "m1", "information")
    return eco


@pytest.mark.parametrize("graph_backed", [False, True])
def test_parquet_keeps_every_value_and_type(tmp_path, graph_backed):
    eco = odd()
    if graph_backed:
        eco.graph  # noqa: B018 (the networkx storage from now on)
    save(eco, tmp_path / "belt.parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["belt.links.parquet",
                                                          "belt.members.parquet"]
    for name in ("belt.parquet", "belt.members.parquet", "belt.links.parquet"):
        back = load(tmp_path / name)
        assert as_json(back, tmp_path) == as_json(odd(), tmp_path)
    back = load(tmp_path / "belt.parquet")
    m1, m2 = back.member("m1"), back.member("m2")
    assert type(m1["d"]) is int and type(m2["d"]) is float  # 25 and 25.0 stay apart
    assert (m1["f"], m1["phone"], m1["e"]) == ("007", "+8613800000000", 2 ** 70)
    assert math.isnan(m1["a"]) and m1["b"] is None and "a" not in back.member("m3")


def test_parquet_of_an_empty_ecosystem_and_of_a_bundled_belt(tmp_path):
    save(Ecosystem(), tmp_path / "empty.parquet")
    assert load(tmp_path / "empty.parquet") == Ecosystem()
    import networks

    belt = networks.example("rural_cluster")
    save(belt, tmp_path / "belt.parquet")
    assert load(tmp_path / "belt.parquet") == belt


def test_parquet_stores_typed_columns(tmp_path):
    import pyarrow.parquet as pq

    save(odd(), tmp_path / "belt.parquet")
    members = pq.read_table(tmp_path / "belt.members.parquet")
    types = {name: str(members.schema.field(name).type) for name in members.column_names}
    assert types["g"] == "bool" and types["f"] == "string" and types["a"] == "double"
    assert types["d"] == "string"  # 25 and 25.0: JSON text, so each keeps its type
    links = pq.read_table(tmp_path / "belt.links.parquet")
    assert str(links.schema.field("lead_time").type) == "int64"
    assert links.column("lead_time").null_count == 2  # two links have no lead time


def test_a_failed_parquet_write_leaves_both_old_files(tmp_path):
    path = tmp_path / "belt.parquet"
    save(odd(), path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    bad = Ecosystem()
    bad.add_member("m\ud800", "manufacturer")  # a lone surrogate: no UTF-8 for it
    with pytest.raises((SpecError, UnicodeEncodeError, ValueError)):
        save(bad, path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_parquet_errors_name_the_file_and_place(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "junk.members.parquet").write_text("not parquet")
    (tmp_path / "junk.links.parquet").write_text("not parquet")
    with pytest.raises(SpecError, match=r"junk\.members\.parquet: not a Parquet file"):
        load(tmp_path / "junk.parquet")
    save(odd(), tmp_path / "belt.parquet")
    (tmp_path / "belt.links.parquet").unlink()
    with pytest.raises(SpecError, match=r"belt\.links\.parquet: no such file"):
        load(tmp_path / "belt.parquet")
    # a hand-edited links file with a dangling link
    save(odd(), tmp_path / "belt.parquet")
    links = pq.read_table(tmp_path / "belt.links.parquet")
    target = links.column("target").to_pylist()
    target[1] = "nobody"
    links = links.set_column(1, "target", pa.array(target))
    pq.write_table(links, tmp_path / "belt.links.parquet")
    with pytest.raises(SpecError, match=r"belt\.links\.parquet: links\[1\]\.target: no member "
                                        r"with this id .*'nobody'"):
        load(tmp_path / "belt.parquet")
    plain = pa.table({"id": ["m1"], "role": ["manufacturer"], "ring": ["core"]})
    pq.write_table(plain, tmp_path / "other.members.parquet")
    pq.write_table(plain, tmp_path / "other.links.parquet")
    with pytest.raises(SpecError, match="not written by ecobelt"):
        load(tmp_path / "other.parquet")


def test_written_paths_name_every_file():
    assert [p.name for p in written_paths("b.csv")] == [p.name for p in csv_paths("b.csv")]
    assert [p.name for p in written_paths("x.links.parquet")] == ["x.members.parquet",
                                                                  "x.links.parquet"]


def test_convert_writes_parquet_and_refuses_to_overwrite(tmp_path, capsys):
    from ecosystem.cli import main

    out = tmp_path / "belt.parquet"
    assert main(["convert", "rural_cluster", str(out)]) == 0
    assert "belt.members.parquet and" in capsys.readouterr().out
    assert main(["validate", str(out)]) == 0
    assert main(["convert", "rural_cluster", str(out)]) == 2
    assert "exists; pass --force" in capsys.readouterr().err


# ------------------------------------------------------------------ the CSV pair
def exact(path):
    """The CSV pair read by the exact, row-by-row reader only."""
    saved = _columnar.read_csv_fast
    _columnar.read_csv_fast = lambda *args: None
    try:
        return load(path)
    finally:
        _columnar.read_csv_fast = saved


@pytest.fixture(params=[True, False], ids=["pyarrow", "pandas"])
def csv_engine(request, monkeypatch):
    """The fast CSV reader with pyarrow's CSV reader, then with pandas'."""
    from ecosystem import _arrow
    monkeypatch.setattr(_arrow, "ENABLED", request.param)


def test_the_fast_csv_reader_reads_what_ecobelt_writes(tmp_path, csv_engine):
    import networks

    belt = networks.example("rural_cluster")
    save(belt, tmp_path / "belt.csv")
    members, links, sidecar = csv_paths(tmp_path / "belt.csv")
    import json
    meta = json.loads(sidecar.read_text())
    declared = meta.pop("columns")
    fast = _columnar.read_csv_fast(members, links, meta, declared)
    assert fast is not None and fast == belt == exact(tmp_path / "belt.csv")


scalars = st.one_of(st.integers(-10 ** 20, 10 ** 20), st.floats(allow_nan=True),
                    st.text(max_size=6), st.booleans(), st.none(),
                    st.lists(st.integers(0, 3), max_size=2))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["a", "b", "c:int", "d"]), scalars,
                                max_size=4), min_size=1, max_size=6),
       st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5),
                          st.sampled_from(["logistics", "capital"]),
                          st.dictionaries(st.sampled_from(["volume", "lead_time", "x"]),
                                          st.one_of(st.integers(0, 9),
                                                    st.floats(0, 1e6, allow_nan=False),
                                                    st.text(max_size=3)), max_size=3)),
                max_size=8), st.booleans())
def test_the_fast_csv_reader_agrees_with_the_exact_one(tmp_path_factory, members, links,
                                                       arrow):
    from ecosystem import _arrow
    eco = Ecosystem()
    for i, attributes in enumerate(members):
        eco.add_member(f"m{i}", "manufacturer", **attributes)
    for source, target, flow, attributes in links:
        n = len(members)
        try:
            eco.link(f"m{source % n}", f"m{target % n}", flow, **attributes)
        except Exception:  # a duplicate link or a value the link refuses: not this test's
            continue
    folder = tmp_path_factory.mktemp("pair")
    try:
        save(eco, folder / "belt.csv")
    except SpecError:
        return
    _arrow.ENABLED = arrow
    try:
        fast = as_json(load(folder / "belt.csv"), folder)
    finally:
        _arrow.ENABLED = None
    assert fast == as_json(exact(folder / "belt.csv"), folder)


def test_cells_edited_by_hand_go_to_the_exact_reader(tmp_path, csv_engine):
    eco = Ecosystem()
    eco.add_member("m1", "manufacturer", employees=40, share=0.5)
    eco.add_member("m2", "manufacturer", employees=7, share=1.5)
    eco.link("m1", "m2", "logistics", volume=2.0, lead_time=1)
    save(eco, tmp_path / "belt.csv")
    members = tmp_path / "belt.members.csv"
    text = members.read_text(encoding="utf-8")
    members.write_text(text.replace(",40,", ",+40,").replace(",0.5", ",nan"), encoding="utf-8")
    back = load(tmp_path / "belt.csv")
    assert back.member("m1")["employees"] == 40 and math.isnan(back.member("m1")["share"])
    assert as_json(back, tmp_path) == as_json(exact(tmp_path / "belt.csv"), tmp_path)
    members.write_text(text.replace(",40,", ",forty,"), encoding="utf-8")
    with pytest.raises(SpecError, match=r"belt\.members\.csv: row 2, column 'employees': not "
                                        r"a valid int value \(got 'forty'\)"):
        load(tmp_path / "belt.csv")


def test_the_fast_csv_reader_keeps_floats_exact(tmp_path, csv_engine):
    rng = np.random.default_rng(5)
    values = rng.integers(0, 2 ** 63, 400).view(np.float64)
    values = values[np.isfinite(values) & (values >= 0)]
    eco = Ecosystem()
    for i, value in enumerate(values.tolist()):
        eco.add_member(f"m{i}", "manufacturer", x=value)
    save(eco, tmp_path / "belt.csv")
    back = load(tmp_path / "belt.csv")
    assert [back.member(f"m{i}")["x"] for i in range(len(values))] == values.tolist()


# ------------------------------------------------------------------ YAML and JSON specs
values = st.one_of(st.integers(-10 ** 310, 10 ** 310), st.floats(allow_nan=True),
                   st.text(max_size=4), st.booleans(), st.none(),
                   st.lists(st.integers(0, 3), max_size=2),
                   st.dictionaries(st.sampled_from(["k", 1]), st.integers(0, 2), max_size=1))
member = st.fixed_dictionaries(
    {"id": st.sampled_from(["m0", "m1", "m2", "", 7])},
    optional={"role": st.sampled_from(["manufacturer", "broker", "nobody"]),
              "ring": st.sampled_from(["core", "OUTER", None, "moon"]),
              "a": values, "b": values})
link = st.fixed_dictionaries(
    {"source": st.sampled_from(["m0", "m1", "zz"]), "target": st.sampled_from(["m0", "m2"])},
    optional={"flow": st.sampled_from(["logistics", "Capital", "mail"]),
              "volume": st.one_of(st.integers(-1, 5), st.floats(-1, 10), st.none()),
              "lead_time": st.one_of(st.integers(0, 3), st.just(2.0)), "x": values})


def outcome(build, spec, folder):
    try:
        return as_json(build(spec), folder)
    except SpecError as error:
        return str(error)


@settings(max_examples=150, deadline=None)
@given(st.lists(member, max_size=4), st.lists(link, max_size=4))
def test_specs_build_the_same_a_column_or_a_row_at_a_time(tmp_path_factory, members, links):
    from ecosystem._spec import from_spec

    spec = {"ecobelt": 1, "name": "x", "roles": {"broker": "sub_core"}, "members": members,
            "links": links}
    folder = tmp_path_factory.mktemp("spec")
    fast = _columnar.from_spec_fast(spec)
    exact = outcome(from_spec, spec, folder)
    if fast is not None:  # when the column path builds, it builds what the exact one does
        assert as_json(fast, folder) == exact
    else:
        assert exact  # the exact path decides (and names the place of any problem)


def test_a_spec_is_built_a_column_at_a_time_unless_a_value_needs_the_exact_path(tmp_path):
    import networks

    belt = networks.example("rural_cluster")
    save(belt, tmp_path / "belt.json")
    import json

    spec = json.loads((tmp_path / "belt.json").read_text(encoding="utf-8"))
    assert _columnar.from_spec_fast(spec) == belt == load(tmp_path / "belt.json")
    spec["members"][0]["share"] = math.nan  # the tables would drop it: the exact path keeps it
    assert _columnar.from_spec_fast(spec) is None
    del spec["members"][0]["share"]
    spec["links"][3]["volume"] = -1.0  # refused: the exact path names the place
    assert _columnar.from_spec_fast(spec) is None
    with pytest.raises(SpecError, match=r"belt\.json: links\[3\]\.volume"):
        from ecosystem._spec import from_spec
        from_spec(spec, "belt.json")
