"""Every error case of reading and building: a clear SpecError naming the file, the place, the bad
value and what is allowed; the same rules for YAML, JSON, the CSV pair and GraphML."""

import json

import pandas as pd
import pytest

from ecosystem import EcosystemError, SpecError
from ecosystem.files import load, save

GOOD = {
    "ecobelt": 1,
    "name": "tiny",
    "members": [{"id": "m1", "role": "manufacturer", "employees": 40},
                {"id": "p1", "role": "platform"}],
    "links": [{"source": "m1", "target": "p1", "flow": "logistics", "volume": 10.0}],
}


def spec(**changes):
    data = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        if value is KeyError:
            data.pop(key)
        else:
            data[key] = value
    return data


def load_json(tmp_path, data, name="spec.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return load(path)


def load_yaml(tmp_path, text, name="spec.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load(path)


def test_good_spec_loads(tmp_path):
    eco = load_json(tmp_path, GOOD)
    assert eco.members() == ["m1", "p1"]
    assert eco.graph.edges["m1", "p1", "logistics"] == {"volume": 10.0}


# ------------------------------------------------------------ the cases
@pytest.mark.parametrize("end", ["source", "target"])
def test_dangling_link(tmp_path, end):
    links = [dict(GOOD["links"][0]), {"source": "m1", "target": "p1", "flow": "capital"}]
    links[1][end] = "ghost"
    with pytest.raises(SpecError, match=rf"spec\.json: links\[1\]\.{end}: no member with this id "
                                        r"\(a dangling link\) \(got 'ghost'\)"):
        load_json(tmp_path, spec(links=links))


def test_unknown_role_lists_the_allowed_ones(tmp_path):
    members = [{"id": "m1", "role": "wizard"}]
    with pytest.raises(SpecError, match=r"members\[0\]\.role: unknown role; declare it under "
                                        r"roles: .*manufacturer.*\(got 'wizard'\)") as info:
        load_json(tmp_path, spec(members=members, links=[]))
    assert (info.value.location, info.value.value) == ("members[0].role", "wizard")
    assert info.value.file.endswith("spec.json")


def test_unknown_flow(tmp_path):
    links = [{"source": "m1", "target": "p1", "flow": "money"}]
    with pytest.raises(SpecError, match=r"links\[0\]\.flow: flow must be one of: information, "
                                        r"logistics, capital, technology \(got 'money'\)"):
        load_json(tmp_path, spec(links=links))


def test_missing_flow(tmp_path):
    with pytest.raises(SpecError, match=r"links\[0\]\.flow: link has no flow"):
        load_json(tmp_path, spec(links=[{"source": "m1", "target": "p1"}]))


def test_duplicate_member_id(tmp_path):
    members = GOOD["members"] + [{"id": "m1", "role": "supplier"}]
    with pytest.raises(SpecError, match=r"members\[2\]\.id: duplicate member id \(first at "
                                        r"members\[0\]\.id\) \(got 'm1'\)"):
        load_json(tmp_path, spec(members=members))


def test_duplicate_link(tmp_path):
    links = GOOD["links"] * 2
    with pytest.raises(SpecError, match=r"links\[1\]: a second logistics link between the same "
                                        r"two members \(first at links\[0\]\)"):
        load_json(tmp_path, spec(links=links))


@pytest.mark.parametrize("volume, shown", [(-1.0, "-1.0"), (float("nan"), "nan"),
                                           (float("inf"), "inf"), ("ten", "'ten'"),
                                           (True, "True")])
def test_bad_volume(tmp_path, volume, shown):
    links = [{"source": "m1", "target": "p1", "flow": "logistics", "volume": volume}]
    with pytest.raises(SpecError, match=rf"links\[0\]\.volume: volume must be a finite number "
                                        rf">= 0 \(flow per period\) \(got {shown}\)"):
        load_json(tmp_path, spec(links=links))


def test_nan_volume_in_yaml(tmp_path):
    text = ("ecobelt: 1\nmembers:\n  - {id: a, role: supplier}\n  - {id: b, role: producer}\n"
            "links:\n  - {source: a, target: b, flow: logistics, volume: .nan}\n")
    with pytest.raises(SpecError, match=r"spec\.yaml: links\[0\]\.volume: .*\(got nan\)"):
        load_yaml(tmp_path, text)


@pytest.mark.parametrize("name, value, allowed", [
    ("lead_time", 1.5, "a whole number of periods >= 0"),
    ("reliability", 1.2, r"a number in \[0, 1\]"),
    ("capacity", -3, "a finite number >= 0"),
    ("unit_cost", None, "a finite number >= 0"),
])
def test_bad_link_numbers(tmp_path, name, value, allowed):
    links = [{"source": "m1", "target": "p1", "flow": "capital", name: value}]
    with pytest.raises(SpecError, match=rf"links\[0\]\.{name}: {name} must be {allowed}"):
        load_json(tmp_path, spec(links=links))


def test_malformed_yaml_reports_line_and_column(tmp_path):
    text = "ecobelt: 1\nmembers:\n  - {id: m1, role: manufacturer\n  - {id: p1}\n"
    with pytest.raises(SpecError, match=r"spec\.yaml: line 4, column 5: malformed YAML: while parsing a flow mapping"):  # noqa: E501
        load_yaml(tmp_path, text)


def test_yaml_tab_indentation_is_malformed(tmp_path):
    with pytest.raises(SpecError, match=r"line 2, column 1: malformed YAML"):
        load_yaml(tmp_path, "ecobelt: 1\n\tname: x\n")


def test_duplicate_yaml_key(tmp_path):
    text = "ecobelt: 1\nmembers:\n  - {id: m1, role: manufacturer, id: m2}\n"
    with pytest.raises(SpecError, match=r"line 3, column 34: malformed YAML: .*duplicate key "
                                        r"'id'"):
        load_yaml(tmp_path, text)


def test_malformed_json_reports_line_and_column(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text('{\n  "ecobelt": 1,\n  "members": [}\n', encoding="utf-8")
    with pytest.raises(SpecError, match=r"spec\.json: line 3, column 15: malformed JSON: Expecting value"):  # noqa: E501
        load(path)


def test_duplicate_json_key(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text('{"ecobelt": 1, "name": "a", "name": "b"}', encoding="utf-8")
    with pytest.raises(SpecError, match="malformed JSON: duplicate key 'name'"):
        load(path)


@pytest.mark.parametrize("key, value, message", [
    ("members", {"m1": "manufacturer"}, r"members: members must be a list, not dict"),
    ("members", None, r"members: members must be a list, not NoneType"),
    ("links", "m1->p1", r"links: links must be a list, not str"),
    ("members", ["m1"], r"members\[0\]: each member must be a mapping"),
    ("links", [["m1", "p1", "logistics"]], r"links\[0\]: each link must be a mapping"),
    ("name", 7, r"name: name must be a string, not int"),
    ("description", ["x"], r"description: description must be a string"),
    ("attributes", [1, 2], r"attributes: attributes must be a mapping"),
    ("attributes", {"name": "x"}, r"attributes\.name: graph attribute names must be strings "
                                  r"other than name and description"),
    ("roles", ["broker"], r"roles: roles must be a mapping of role: ring"),
    ("roles", {"broker": "middle"}, r"roles\.broker: ring 'middle' is not one of: core, "
                                    r"sub_core, outer"),
    ("roles", {"broker": 3}, r"roles\.broker: ring must be one of"),
    ("roles", {"platform": "outer"}, r"roles\.platform: role 'platform' already belongs to ring "
                                     r"'core'"),
])
def test_wrong_types(tmp_path, key, value, message):
    with pytest.raises(SpecError, match=message):
        load_json(tmp_path, spec(**{key: value}))


@pytest.mark.parametrize("member, message", [
    ({"id": 7, "role": "supplier"}, r"members\[0\]\.id: member id must be a non-empty string "
                                    r"\(quote it\) \(got 7\)"),
    ({"id": "  ", "role": "supplier"}, r"members\[0\]\.id: member id must be a non-empty"),
    ({"role": "supplier"}, r"members\[0\]\.id: member has no id"),
    ({"id": "s1"}, r"members\[0\]\.role: unknown role.*\(got None\)"),
    ({"id": "s1", "role": ["supplier"]}, r"members\[0\]\.role: unknown role"),
    ({"id": "s1", "role": "supplier", "ring": "middle"},
     r"members\[0\]\.ring: ring must be one of: core, sub_core, outer \(got 'middle'\)"),
    ({"id": "s1", "role": "supplier", "ring": None}, r"members\[0\]\.ring: ring must be one of"),
])
def test_bad_members(tmp_path, member, message):
    with pytest.raises(SpecError, match=message):
        load_json(tmp_path, spec(members=[member], links=[]))


def test_missing_link_end(tmp_path):
    with pytest.raises(SpecError, match=r"links\[0\]\.target: link has no target"):
        load_json(tmp_path, spec(links=[{"source": "m1", "flow": "capital"}]))


def test_unhashable_link_end(tmp_path):
    links = [{"source": ["m1"], "target": "p1", "flow": "capital"}]
    with pytest.raises(SpecError, match=r"links\[0\]\.source: no member with this id"):
        load_json(tmp_path, spec(links=links))


def test_missing_version(tmp_path):
    with pytest.raises(SpecError, match=r"spec\.json: ecobelt: missing schema version: add "
                                        r"`ecobelt: 1` at the top"):
        load_json(tmp_path, spec(ecobelt=KeyError))


@pytest.mark.parametrize("version", [2, "1", True, 1.5, None])
def test_unknown_version(tmp_path, version):
    with pytest.raises(SpecError, match=r"ecobelt: unsupported schema version; this ecobelt "
                                        r"reads version 1 \(got "):
        load_json(tmp_path, spec(ecobelt=version))


def test_unknown_top_level_key(tmp_path):
    with pytest.raises(SpecError, match=r"nodes: unknown top-level key; allowed: ecobelt, name, "
                                        r"description, attributes, roles, members, links"):
        load_json(tmp_path, spec(nodes=[]))


def test_top_level_must_be_a_mapping(tmp_path):
    with pytest.raises(SpecError, match=r"a spec must be a mapping .*, not list"):
        load_yaml(tmp_path, "- ecobelt: 1\n")


def test_empty_file(tmp_path):
    with pytest.raises(SpecError, match=r"the file is empty; a spec starts with `ecobelt: 1`"):
        load_yaml(tmp_path, "# nothing here\n")


def test_not_utf8(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_bytes(b"ecobelt: 1\nname: \xff\xfe\n")
    with pytest.raises(SpecError, match=r"spec\.yaml: not UTF-8 text \(byte 17\)"):
        load(path)


def test_unknown_extension(tmp_path):
    with pytest.raises(SpecError, match=r"cannot tell the format from the extension; use one "
                                        r"of: \.yaml"):
        load(tmp_path / "spec.txt")
    with pytest.raises(SpecError, match=r"unknown format; use one of: .* \(got 'xml'\)"):
        load(tmp_path / "spec.yaml", format="xml")


def test_missing_file_is_an_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "absent.yaml")


def test_spec_error_is_an_ecosystem_error():
    error = SpecError("bad", file="f.yaml", location="links[2].flow", value="x")
    assert isinstance(error, EcosystemError) and isinstance(error, ValueError)
    assert str(error) == "f.yaml: links[2].flow: bad (got 'x')"


def test_value_a_format_cannot_hold(tmp_path):
    from ecosystem import Ecosystem

    eco = Ecosystem()
    eco.add_member("m1", "manufacturer", founded=object())
    with pytest.raises(SpecError, match="YAML cannot hold a value"):
        save(eco, tmp_path / "x.yaml")
    with pytest.raises(SpecError, match="JSON cannot hold a value"):
        save(eco, tmp_path / "x.json")
    with pytest.raises(SpecError, match="a value cannot be written to CSV"):
        save(eco, tmp_path / "x.csv")


def test_control_character_in_id_cannot_go_to_xml(tmp_path):
    from ecosystem import Ecosystem

    eco = Ecosystem()
    eco.add_member("m\x01", "manufacturer")
    for extension in ("graphml", "gexf"):
        with pytest.raises(SpecError, match="member id has a character XML cannot hold"):
            save(eco, tmp_path / f"x.{extension}")


# ---------------------------------------------------------------- the CSV pair
def write_pair(tmp_path, members, links, stem="belt"):
    (tmp_path / f"{stem}.members.csv").write_text(members, encoding="utf-8")
    if links is not None:
        (tmp_path / f"{stem}.links.csv").write_text(links, encoding="utf-8")
    return tmp_path / f"{stem}.csv"


def test_csv_errors_name_the_spreadsheet_row(tmp_path):
    path = write_pair(tmp_path, "id,role\nm1,manufacturer\nm2,wizard\n",
                      "source,target,flow\n")
    with pytest.raises(SpecError, match=r"belt\.members\.csv: row 3, column 'role': unknown role"):
        load(path)


def test_csv_dangling_link_names_the_links_file(tmp_path):
    path = write_pair(tmp_path, "id,role\nm1,manufacturer\n",
                      "source,target,flow\nm1,ghost,logistics\n")
    with pytest.raises(SpecError, match=r"belt\.links\.csv: row 2, column 'target': no member "
                                        r"with this id \(a dangling link\) \(got 'ghost'\)"):
        load(path)


def test_csv_negative_volume(tmp_path):
    path = write_pair(tmp_path, "id,role\nm1,manufacturer\np1,platform\n",
                      "source,target,flow,volume\nm1,p1,logistics,-4\n")
    with pytest.raises(SpecError, match=r"belt\.links\.csv: row 2, column 'volume': volume must "
                                        r"be a finite number >= 0 .*\(got -4\)"):
        load(path)


def test_csv_missing_links_file(tmp_path):
    path = write_pair(tmp_path, "id,role\nm1,manufacturer\n", None)
    with pytest.raises(SpecError, match=r"belt\.links\.csv: no such file; a CSV pair is "
                                        r"belt\.links\.csv together with its members file"):
        load(path)


@pytest.mark.parametrize("members, message", [
    ("name,role\nm1,manufacturer\n", r"the members file needs a 'id' column; it has 'name', "
                                     r"'role'"),
    ("id,role,employees:int\nm1,manufacturer,forty\n",
     r"row 2, column 'employees': not a valid int value \(got 'forty'\)"),
    ("id,role,tags:json\nm1,manufacturer,[1,\n", r"row 2, column 'tags': not a valid json "
                                                 r"value"),
    ("id,role,flag:bool\nm1,manufacturer,yes\n", r"not a valid bool value \(got 'yes'\)"),
    ("id,role,id\nm1,manufacturer,m2\n", r"row 1: a column name appears twice \(got 'id'\)"),
    ("id,role,,x\nm1,manufacturer,,1\n", r"row 1, column 3: a column has no name"),
    ("id,role\nm1,manufacturer,surplus\n", r"row 2: 3 cells but only 2 columns"),
    ('id,role\n"m1,manufacturer\n', r"row 2: malformed CSV: unexpected end of data"),
    ("# ecobelt: {not json\nid,role\n", r"row 1: the metadata line is not JSON"),
    ('# ecobelt: {"ecobelt": 2}\nid,role\n', r"row 1: unsupported schema version"),
    ('# ecobelt: {"colour": 2}\nid,role\n', r"row 1: unknown key in the metadata line"),
    ('# ecobelt: {"roles": {"broker": "middle"}}\nid,role\n', r"roles\.broker: ring 'middle'"),
    ("", r"the file has no header row"),
])
def test_csv_file_errors(tmp_path, members, message):
    path = write_pair(tmp_path, members, "source,target,flow\n")
    with pytest.raises(SpecError, match=message):
        load(path)


# ------------------------------------------------------------ GraphML and GEXF
def test_malformed_graphml_reports_line(tmp_path):
    path = tmp_path / "bad.graphml"
    path.write_text("<graphml>\n<graph>\n<node id='a'>\n</graph>\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"bad\.graphml: line 4, column 3: malformed GraphML"):
        load(path)


def test_undirected_graphml(tmp_path):
    import networkx as nx

    graph = nx.Graph()
    graph.add_node("a", role="supplier")
    path = tmp_path / "undirected.graphml"
    nx.write_graphml(graph, path)
    with pytest.raises(SpecError, match="the GraphML graph is undirected"):
        load(path)


def test_graphml_node_without_role(tmp_path):
    import networkx as nx

    graph = nx.MultiDiGraph()
    graph.add_node("a", role="supplier")
    graph.add_node("b")
    graph.add_edge("a", "b", key="trade")
    path = tmp_path / "foreign.graphml"
    nx.write_graphml(graph, path)
    with pytest.raises(SpecError, match=r"foreign\.graphml: node 'b'\.role: unknown role"):
        load(path)
    graph.nodes["b"]["role"] = "platform"
    nx.write_graphml(graph, path)
    with pytest.raises(SpecError, match=r"edge 'a' -> 'b'\.flow: flow must be one of.*'trade'"):
        load(path)


def test_malformed_gexf(tmp_path):
    path = tmp_path / "bad.gexf"
    path.write_text("<gexf><graph>", encoding="utf-8")
    with pytest.raises(SpecError, match=r"bad\.gexf: line 1, column 14: malformed GEXF"):
        load(path)


# ------------------------------------------------------------------- tables
def test_from_pandas_errors_name_the_row():
    import pandas as pd

    from ecosystem import Ecosystem

    members = pd.DataFrame({"id": ["m1", "p1"], "role": ["manufacturer", "platform"]})
    links = pd.DataFrame({"source": ["m1", "m1"], "target": ["p1", "x9"],
                          "flow": ["logistics", "capital"]})
    with pytest.raises(SpecError, match=r"links\[1\]\.target: no member with this id"):
        Ecosystem.from_pandas(members, links)
    links = pd.DataFrame({"source": ["m1"], "target": ["p1"], "flow": ["logistics"],
                          "volume": [float("nan")]})
    assert Ecosystem.from_pandas(members, links).links(data=True) == [
        ("m1", "p1", "logistics", {})]  # NaN in a table means "no volume", not a bad one
    links["volume"] = [-2.0]
    with pytest.raises(SpecError, match=r"links\[0\]\.volume: volume must be a finite number"):
        Ecosystem.from_pandas(members, links)
    members.loc[1, "role"] = "wizard"
    with pytest.raises(SpecError, match=r"members\[1\]\.role: unknown role"):
        Ecosystem.from_pandas(members, links)


MEMBERS = [{"id": "m1", "role": "manufacturer"}, {"id": "p1", "role": "platform"}]
LINK = {"source": "m1", "target": "p1", "flow": "logistics"}


@pytest.mark.parametrize("members, links, message", [
    ([{"role": "market"}], [], r"members: the members table needs a 'id' column"),
    ([{"id": 7, "role": "market"}], [], r"members\[0\]\.id: must be a non-empty string \(got 7\)"),
    ([{"id": "", "role": "market"}], [], r"members\[0\]\.id: must be a non-empty string"),
    ([{"id": "a", "role": "wizard"}], [], r"members\[0\]\.role: unknown role; register it"),
    ([{"id": "a", "role": "market", "ring": "middle"}], [],
     r"members\[0\]\.ring: ring must be one of: core, sub_core, outer \(got 'middle'\)"),
    (MEMBERS + [{"id": "m1", "role": "market"}], [], r"members\[2\]\.id: duplicate member id"),
    (MEMBERS, [{"target": "p1", "flow": "capital"}], r"links: the links table needs a 'source'"),
    (MEMBERS, [{"source": "m1", "target": "p1"}], r"links: the links table needs a 'flow'"),
    (MEMBERS, [{**LINK, "flow": "money"}], r"links\[0\]\.flow: flow must be one of: information"),
    (MEMBERS, [LINK, {**LINK, "source": "x9"}],
     r"links\[1\]\.source: no member with this id \(a dangling link\) \(got 'x9'\)"),
    (MEMBERS, [LINK, LINK], r"links\[1\]: a second logistics link between the same two members"),
    (MEMBERS, [{**LINK, "volume": -1.0}], r"links\[0\]\.volume: volume must be a finite number"),
    (MEMBERS, [{**LINK, "volume": float("inf")}], r"links\[0\]\.volume: volume must be a finite"),
    (MEMBERS, [{**LINK, "volume": True}], r"links\[0\]\.volume: volume must be .* \(got True\)"),
    (MEMBERS, [{**LINK, "volume": "12"}], r"links\[0\]\.volume: volume must be .* \(got '12'\)"),
    (MEMBERS, [{**LINK, "lead_time": 1.5}], r"links\[0\]\.lead_time: lead_time must be a whole"),
    (MEMBERS, [{**LINK, "reliability": 1.5}], r"links\[0\]\.reliability: reliability must be"),
])
def test_table_errors(members, links, message):
    """Every bad table names the row and column, as spec files do."""
    from ecosystem import Ecosystem

    for as_frames in (False, True):
        tables = [pd.DataFrame(rows) for rows in (members, links)] if as_frames \
            else (members, links)
        with pytest.raises(SpecError, match=message):
            Ecosystem.from_pandas(*tables)


@pytest.mark.parametrize("table, message", [
    (5, r"members: expected a DataFrame or a list of mappings, got int"),
    ([{"id": "a", "role": "market"}, ["b", "market"]], r"members\[1\]: each row must be a mapping"),
])
def test_what_is_not_a_table(table, message):
    from ecosystem import Ecosystem

    with pytest.raises(SpecError, match=message):
        Ecosystem().add_members_from(table)
