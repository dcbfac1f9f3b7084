"""ecosystem.files: the spec layout, the JSON Schema, the CSV pair (ours and hand-made),
the bundled examples and the archetype's round trips."""

import json
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
import yaml

import networks
from ecosystem import DEFAULT_ROLES, Ecosystem, Flow, Ring, SpecError
from ecosystem.files import SCHEMA_PATH, format_of, load, save
from ecosystem._csv import pair_paths

EXAMPLES = Path(networks.__file__).parent / "examples"
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def toy() -> Ecosystem:
    eco = Ecosystem("toy", description="a sock belt", roles={"broker": "sub_core"},
                    region="Zhejiang")
    eco.add_member("m1", "manufacturer", name="Yiwu Socks Co.", employees=40)
    eco.add_member("p1", "platform", ring="sub_core", tags=["b2c", "eu"])
    eco.add_member("b 1", "broker", note=None)
    eco.link("m1", "p1", "logistics", volume=10.0, lead_time=2)
    eco.link("p1", "m1", "information", volume=3)
    eco.link("b 1", "m1", "capital", reliability=0.9)
    return eco


# ------------------------------------------------------------- the schema
def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$defs"]["ring"]["enum"] == [r.value for r in Ring]
    assert SCHEMA["$defs"]["flow"]["enum"] == [f.value for f in Flow]
    assert SCHEMA["$defs"]["member"]["properties"]["role"]["examples"] == list(DEFAULT_ROLES)


def test_schema_is_shipped_next_to_the_code():
    assert SCHEMA_PATH.parent == Path(__file__).parents[1] / "ecosystem"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")) + sorted(EXAMPLES.glob("*.json")),
                         ids=lambda p: p.name)
def test_every_bundled_spec_matches_the_schema_and_loads(path):
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) if path.suffix == ".yaml" else json.load(handle)
    VALIDATOR.validate(data)
    assert load(path).validate() is not None


def test_bundled_examples_exist():
    assert {"archetype", "cross_border_belt", "rural_cluster"} <= {
        p.stem for p in EXAMPLES.glob("*.yaml")}


@pytest.mark.parametrize("extension", ["yaml", "json"])
def test_saved_specs_match_the_schema(tmp_path, extension):
    path = tmp_path / f"toy.{extension}"
    toy().save(path)
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) if extension == "yaml" else json.load(handle)
    VALIDATOR.validate(data)


@pytest.mark.parametrize("change", [
    {"nodes": []}, {"ecobelt": 2}, {"members": {}}, {"roles": {"broker": "middle"}},
    {"links": [{"source": "m1", "target": "p1", "flow": "money"}]},
    {"links": [{"source": "m1", "target": "p1", "flow": "capital", "volume": -1}]},
    {"links": [{"source": "m1", "target": "p1", "flow": "capital", "lead_time": 1.5}]},
    {"links": [{"source": "m1", "target": "p1", "flow": "capital", "reliability": 2}]},
    {"members": [{"id": 7, "role": "supplier"}]}, {"members": [{"id": "s"}]},
    {"members": [{"id": "s", "role": "supplier", "ring": "middle"}]},
    {"attributes": {"name": "x"}},
], ids=str)
def test_schema_rejects_what_load_rejects(tmp_path, change):
    from ecosystem import SpecError

    data = {"ecobelt": 1, "members": [{"id": "m1", "role": "manufacturer"},
                                      {"id": "p1", "role": "platform"}], "links": []}
    data.update(change)
    assert not VALIDATOR.is_valid(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SpecError, match="bad.json: "):
        load(path)


def test_schema_without_version_is_invalid():
    assert not VALIDATOR.is_valid({"name": "x"})
    assert VALIDATOR.is_valid({"ecobelt": 1})


# --------------------------------------------------------------- the archetype
def test_archetype_validates_and_round_trips_unchanged(tmp_path):
    """The archetype round-trips through YAML, JSON, CSV and GraphML."""
    eco = networks.archetype()
    eco.validate()
    assert set(eco.roles) >= set(DEFAULT_ROLES)
    assert {d["role"] for _, d in eco.graph.nodes(data=True)} == set(DEFAULT_ROLES)
    assert {k for *_, k in eco.links()} == {f.value for f in Flow}
    for extension in ("yaml", "json", "csv", "graphml", "gexf"):
        path = tmp_path / f"archetype.{extension}"
        eco.save(path)
        back = load(path)
        assert back == eco, extension
        assert back.members() == eco.members()
        # unchanged to the type: lead times stay ints, volumes floats (== takes 1 for 1.0)
        def typed(graph):
            return ([(m, {k: (type(v), v) for k, v in d.items()})
                     for m, d in graph.nodes(data=True)],
                    {(u, v, k): {n: (type(x), x) for n, x in d.items()}
                     for u, v, k, d in graph.edges(keys=True, data=True)})
        assert typed(back.graph) == typed(eco.graph), extension
        assert (back.adjacency("logistics") != eco.adjacency("logistics")).nnz == 0


# ------------------------------------------------------------------ YAML, JSON
def test_yaml_layout_one_member_per_line(tmp_path):
    path = tmp_path / "toy.yaml"
    toy().save(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("ecobelt: 1\nname: toy\ndescription: a sock belt\n")
    assert "roles:\n  broker: sub_core\n" in text
    # the ring is written only where it differs from the role's ring
    assert "- {id: m1, role: manufacturer, name: Yiwu Socks Co., employees: 40}\n" in text
    assert "- {id: p1, role: platform, ring: sub_core, tags: [b2c, eu]}\n" in text
    assert "- {source: m1, target: p1, flow: logistics, volume: 10.0, lead_time: 2}\n" in text


def test_json_layout_one_member_per_line(tmp_path):
    path = tmp_path / "toy.json"
    toy().save(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ["{", '  "ecobelt": 1,', '  "name": "toy",']
    assert '    {"id": "b 1", "role": "broker", "note": null},' not in lines  # last: no comma
    assert '    {"id": "b 1", "role": "broker", "note": null}' in lines
    assert json.loads(path.read_text(encoding="utf-8"))["attributes"] == {"region": "Zhejiang"}


def test_yaml_keeps_dates_and_lookalikes_as_strings(tmp_path):
    path = tmp_path / "dates.yaml"
    path.write_text("ecobelt: 1\nmembers:\n  - {id: m1, role: market, since: 2024-05-01, "
                    "code: '007'}\n", encoding="utf-8")
    eco = load(path)
    assert eco.member("m1")["since"] == "2024-05-01"
    assert eco.member("m1")["code"] == "007"
    eco.save(tmp_path / "dates.json")
    assert load(tmp_path / "dates.json") == eco


def test_defaults_for_optional_keys(tmp_path):
    path = tmp_path / "min.yaml"
    path.write_text("ecobelt: 1\n", encoding="utf-8")
    eco = load(path)
    assert (eco.name, len(eco), eco.graph.graph) == ("", 0, {"name": "", "description": ""})


def test_flow_and_ring_spellings_are_normalised(tmp_path):
    path = tmp_path / "caps.yaml"
    path.write_text("ecobelt: 1\nmembers:\n  - {id: a, role: supplier, ring: SUB_CORE}\n"
                    "  - {id: b, role: producer}\nlinks:\n  - {source: a, target: b, "
                    "flow: Logistics}\n", encoding="utf-8")
    eco = load(path)
    assert eco.member("a")["ring"] == "sub_core"
    assert eco.links() == [("a", "b", "logistics")]


def test_format_of():
    assert format_of("a.YML") == "yaml"
    assert format_of("a/b.c.graphml") == "graphml"
    assert format_of("anything", format=".json") == "json"


def test_save_with_explicit_format(tmp_path):
    path = tmp_path / "toy.txt"
    save(toy(), path, format="json")
    assert load(path, format="json") == toy()


# ---------------------------------------------------------------- the CSV pair
def test_pair_paths(tmp_path):
    pair = (tmp_path / "belt.members.csv", tmp_path / "belt.links.csv")
    for name in ("belt.csv", "belt.members.csv", "belt.links.csv"):
        assert pair_paths(tmp_path / name) == pair
    assert pair_paths(tmp_path / "links.csv") == (tmp_path / "members.csv",
                                                  tmp_path / "links.csv")


def test_csv_pair_layout(tmp_path):
    toy().save(tmp_path / "belt.csv")
    members = (tmp_path / "belt.members.csv").read_text(encoding="utf-8").splitlines()
    assert members[0] == "id,role,ring,name,employees,tags,note"
    assert members[1] == "m1,manufacturer,core,Yiwu Socks Co.,40,,"
    assert members[2] == 'p1,platform,sub_core,,,"[""b2c"", ""eu""]",'
    assert members[3] == "b 1,broker,sub_core,,,,null"
    links = (tmp_path / "belt.links.csv").read_text(encoding="utf-8").splitlines()
    assert links[0] == "source,target,flow,volume,lead_time,reliability"
    assert links[1] == "m1,p1,logistics,10.0,2,"
    assert json.loads((tmp_path / "belt.meta.json").read_text(encoding="utf-8")) == {
        "ecobelt": 1, "name": "toy", "description": "a sock belt",
        "attributes": {"region": "Zhejiang"}, "roles": {"broker": "sub_core"},
        "columns": {"members": {"name": "str", "employees": "int", "tags": "json",
                                "note": "json"},
                    "links": {"volume": "number", "lead_time": "int", "reliability": "float"}}}
    assert not (tmp_path / "belt.csv").exists()
    for name in ("belt.csv", "belt.members.csv", "belt.links.csv"):
        assert load(tmp_path / name) == toy()


def test_csv_pair_reads_with_plain_pandas(tmp_path):
    """No option needed: one header row, numbers as numbers, lists as JSON text."""
    toy().save(tmp_path / "belt.csv")
    members = pd.read_csv(tmp_path / "belt.members.csv")
    assert list(members.columns) == ["id", "role", "ring", "name", "employees", "tags", "note"]
    assert members["id"].tolist() == ["m1", "p1", "b 1"]
    assert members["employees"].iloc[0] == 40
    assert json.loads(members["tags"].iloc[1]) == ["b2c", "eu"]
    links = pd.read_csv(tmp_path / "belt.links.csv")
    assert links.loc[0, ["source", "target", "flow", "volume"]].tolist() == [
        "m1", "p1", "logistics", 10.0]


def test_csv_pair_written_before_the_sidecar_still_reads(tmp_path):
    """A metadata first line and typed headers, as ecobelt wrote before the sidecar."""
    (tmp_path / "old.members.csv").write_text(
        '# ecobelt: {"ecobelt": 1, "name": "old", "roles": {"broker": "sub_core"}}\r\n'
        'id,role,ring,code:str,tags:json\r\nb1,broker,sub_core,007,"[1, 2]"\r\n',
        encoding="utf-8")
    (tmp_path / "old.links.csv").write_text("source,target,flow\r\n", encoding="utf-8")
    eco = load(tmp_path / "old.csv")
    assert eco.name == "old" and eco.custom_roles == {"broker": Ring.SUB_CORE}
    assert dict(eco.member("b1")) == {"role": "broker", "ring": "sub_core", "code": "007",
                                      "tags": [1, 2]}


def test_csv_sidecar_types_win_over_inference(tmp_path):
    """A column of "007"-like strings stays text because the sidecar says str; without the
    sidecar too, since a number with a leading zero is a code, not a number."""
    eco = Ecosystem()
    eco.add_member("m1", "market", code="007")
    eco.save(tmp_path / "s.csv")
    assert load(tmp_path / "s.csv").member("m1")["code"] == "007"
    (tmp_path / "s.meta.json").unlink()
    assert load(tmp_path / "s.csv").member("m1")["code"] == "007"


@pytest.mark.parametrize("sidecar, message", [
    ("[1]", r"s\.meta\.json: the sidecar must hold a JSON object"),
    ("{", r"s\.meta\.json: the sidecar is not JSON"),
    ('{"columns": {"members": {"code": "text"}}}',
     r"s\.meta\.json: columns\.members\.code: unknown column type"),
    ('{"colour": 1}', r"s\.meta\.json: unknown key in the metadata; allowed"),
])
def test_csv_bad_sidecar(tmp_path, sidecar, message):
    Ecosystem().save(tmp_path / "s.csv")
    (tmp_path / "s.meta.json").write_text(sidecar, encoding="utf-8")
    with pytest.raises(SpecError, match=message):
        load(tmp_path / "s.csv")


def test_hand_made_csv_from_a_spreadsheet(tmp_path):
    """No metadata line, no types, a byte-order mark, empty cells, spreadsheet booleans,
    ids that look like numbers and empty trailing columns."""
    (tmp_path / "members.csv").write_bytes(
        "\ufeffid,role,ring,name,employees,share,listed,,\r\n"
        "001,manufacturer,,Yiwu Socks Co.,40,0.25,TRUE,,\r\n"
        "002,supplier,sub_core,\"Li, Yarn\",,1,false,,\r\n"
        "\r\n"
        "003,platform,,Global Mall,12,,,,\r\n".encode("utf-8"))
    (tmp_path / "links.csv").write_text(
        "source,target,flow,volume,lead_time\n001,003,logistics,120,2\n"
        "002,001,logistics,80.5,\n003,001,information,,\n", encoding="utf-8")
    eco = load(tmp_path / "members.csv")
    assert eco.members() == ["001", "002", "003"]
    assert dict(eco.member("001")) == {"role": "manufacturer", "ring": "core",
                                       "name": "Yiwu Socks Co.", "employees": 40,
                                       "share": 0.25, "listed": True}
    assert dict(eco.member("002")) == {"role": "supplier", "ring": "sub_core",
                                       "name": "Li, Yarn", "share": 1.0, "listed": False}
    assert eco.graph.edges["001", "003", "logistics"] == {"volume": 120, "lead_time": 2}
    assert eco.graph.edges["002", "001", "logistics"] == {"volume": 80.5}
    assert eco.graph.edges["003", "001", "information"] == {}


def test_hand_made_csv_with_custom_roles(tmp_path):
    (tmp_path / "c.members.csv").write_text(
        '# ecobelt: {"roles": {"broker": "sub_core"}}\nid,role\nb1,broker\n', encoding="utf-8")
    (tmp_path / "c.links.csv").write_text("source,target,flow\n", encoding="utf-8")
    eco = load(tmp_path / "c.csv")
    assert eco.custom_roles == {"broker": Ring.SUB_CORE}
    assert eco.member("b1")["ring"] == "sub_core"


def test_csv_keeps_strings_that_look_like_other_types(tmp_path):
    eco = Ecosystem()
    eco.add_member("m1", "market", code="007", flag="true", empty="", text="a\r\nb, \"c\"")
    eco.add_member("m2", "market", code="12", flag="false", empty="x")
    eco.save(tmp_path / "s.csv")
    sidecar = json.loads((tmp_path / "s.meta.json").read_text(encoding="utf-8"))
    assert sidecar["columns"]["members"] == {"code": "str", "flag": "str", "empty": "json",
                                             "text": "str"}
    assert load(tmp_path / "s.csv") == eco


def test_nan_member_attribute_survives_files_but_not_tables(tmp_path):
    """Files keep NaN; in tables NaN means "missing" (ecosystem.tables), so from_pandas drops it."""
    eco = Ecosystem()
    eco.add_member("m1", "market", share=float("nan"), size=1.5)
    for extension in ("yaml", "json", "csv", "graphml", "gexf"):
        eco.save(tmp_path / f"n.{extension}")
        back = load(tmp_path / f"n.{extension}").member("m1")
        assert back["size"] == 1.5 and back["share"] != back["share"], extension
    members, links = eco.to_pandas()
    assert "share" not in Ecosystem.from_pandas(members, links).member("m1")


def test_numpy_values_are_saved_as_python_numbers(tmp_path):
    import numpy as np

    eco = Ecosystem()
    eco.add_member("m1", "market", size=np.int64(3), share=np.float64(0.5),
                   series=np.array([1, 2]), pair=(1, "a"))
    for extension in ("yaml", "json", "csv", "graphml", "gexf"):
        eco.save(tmp_path / f"np.{extension}")
        back = load(tmp_path / f"np.{extension}").member("m1")
        assert (back["size"], back["share"], back["series"], back["pair"]) == (
            3, 0.5, [1, 2], [1, "a"]), extension
        assert type(back["size"]) is int
