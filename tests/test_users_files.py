"""Users' own files survive: a Gephi GEXF 1.3, a yEd GraphML and a spreadsheet CSV pair,
all hand-written (tests/data), read with everything a spec can hold and written back."""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ecosystem import SpecError
from ecosystem.files import load, save

DATA = Path(__file__).parent / "data"
FORMATS = ["yaml", "json", "csv", "graphml", "gexf"]


def test_gephi_gexf_1_3_keeps_labels_positions_colours_sizes_ids_and_meta():
    eco = load(DATA / "gephi_belt.gexf")
    socks = eco.member("n0")
    assert socks["label"] == "Yiwu Socks Co."
    assert (socks["x"], socks["y"], socks["z"]) == (-120.5, 33.25, 0.0)
    assert socks["color"] == "#e66414"  # r=230 g=100 b=20
    assert socks["size"] == 12.5 and socks["employees"] == 40
    assert socks["zip"] == "007" and socks["exporter"] is True
    assert eco.member("n1")["color"] == "#1f77b4"  # GEXF 1.3's hex form
    assert eco.member("n2")["exporter"] is False  # the declared default
    link = eco.graph.edges["n0", "n1", "logistics"]
    assert link == {"label": "exports", "weight": 40.0, "volume": 40.0, "id": "sale-1"}
    assert eco.graph.edges["n2", "n0", "logistics"]["id"] == "yarn-7"
    assert eco.graph.graph["description"] == "Yiwu hosiery cluster, laid out by hand"
    assert eco.graph.graph["creator"] == "Gephi 0.10.1"
    assert eco.graph.graph["keywords"] == "socks, yiwu"


def test_gephi_sees_its_own_view_in_the_gexf_written_back(tmp_path):
    save(load(DATA / "gephi_belt.gexf"), tmp_path / "back.gexf")
    root = ET.parse(tmp_path / "back.gexf").getroot()
    ns = {"g": root.tag[1:].partition("}")[0]}
    node = root.find(".//g:node[@id='n0']", ns)
    assert node.get("label") == "Yiwu Socks Co."
    viz = {child.tag.rpartition("}")[2]: child.attrib for child in node
           if "viz" in child.tag}
    assert (float(viz["position"]["x"]), float(viz["position"]["y"])) == (-120.5, 33.25)
    assert (viz["color"]["r"], viz["color"]["g"], viz["color"]["b"]) == ("230", "100", "20")
    assert float(viz["size"]["value"]) == 12.5
    edge_ids = {edge.get("id") for edge in root.iter(f"{{{ns['g']}}}edge")}
    assert edge_ids == {"sale-1", "yarn-7"}


def test_yed_graphml_defaults_ids_labels_and_geometry():
    eco = load(DATA / "yed_belt.graphml")
    assert eco.member("n0")["employees"] == 40
    assert eco.member("n1")["employees"] == 1  # the key's <default>
    assert eco.member("n0")["label"] == "Yiwu Socks Co."
    assert (eco.member("n0")["x"], eco.member("n0")["y"]) == (100.5, -20.0)
    # the edge without a flow takes the flow key's <default>; ids are kept
    assert eco.graph.edges["n0", "n1", "logistics"]["id"] == "e-sale"
    assert eco.graph.edges["n1", "n0", "information"]["id"] == "e-info"


def test_yed_edge_ids_are_written_back(tmp_path):
    save(load(DATA / "yed_belt.graphml"), tmp_path / "back.graphml")
    root = ET.parse(tmp_path / "back.graphml").getroot()
    ids = {e.get("id") for e in root.iter() if e.tag.endswith("}edge")}
    assert ids == {"e-sale", "e-info"}


def test_spreadsheet_codes_stay_strings_and_numbers_are_numbers():
    eco = load(DATA / "spreadsheet.csv")
    m1, m2 = eco.member("m1"), eco.member("m2")
    assert (m1["zip"], m2["zip"]) == ("007", "322000")  # one code with a leading zero: text
    assert m1["phone"] == "+8613800000000"
    assert (m1["employees"], m1["revenue"], m1["exporter"]) == (40, 1.5, True)
    assert m2["revenue"] == 12.0 and isinstance(m2["revenue"], float)
    assert "zip" not in eco.member("p1")  # empty cells: no attribute
    assert eco.graph.edges["m2", "p1", "logistics"] == {"volume": 95.5, "lead_time": 3}


@pytest.mark.parametrize("fixture", ["gephi_belt.gexf", "yed_belt.graphml", "spreadsheet.csv"])
@pytest.mark.parametrize("extension", FORMATS)
def test_users_files_round_trip_through_every_format(tmp_path, fixture, extension):
    eco = load(DATA / fixture)
    save(eco, tmp_path / f"copy.{extension}")
    assert load(tmp_path / f"copy.{extension}") == eco


@pytest.mark.parametrize("text, message", [
    ('<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph defaultedgetype="directed">'
     '<attributes class="node"><attribute id="r" title="role" type="string"/></attributes>'
     '<nodes><node id="a"><attvalues><attvalue for="r" value="supplier"/></attvalues></node>'
     '<node id="a"><attvalues><attvalue for="r" value="platform"/></attvalues></node></nodes>'
     '</graph></gexf>', "node 'a': duplicate node id"),
    ('<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph defaultedgetype="directed">'
     '<nodes><node id="a"/></nodes><edges><edge id="e" source="a" target="a"/>'
     '<edge id="e" source="a" target="a"/></edges></graph></gexf>', "duplicate edge id"),
])
def test_gexf_duplicates_are_refused(tmp_path, text, message):
    (tmp_path / "d.gexf").write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match=message):
        load(tmp_path / "d.gexf")


@pytest.mark.parametrize("body, message", [
    ('<node id="a"><data key="r">supplier</data></node>'
     '<node id="a"><data key="r">platform</data></node>', "node 'a': duplicate node id"),
    ('<node id="a"><data key="r">supplier</data></node>'
     '<edge id="e" source="a" target="a"/><edge id="e" source="a" target="a"/>',
     "edge 'e': duplicate edge id"),
])
def test_graphml_duplicates_are_refused(tmp_path, body, message):
    text = ('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
            '<key id="r" for="node" attr.name="role" attr.type="string"/>'
            f'<graph edgedefault="directed">{body}</graph></graphml>')
    (tmp_path / "d.graphml").write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match=message):
        load(tmp_path / "d.graphml")


def test_an_undeclared_gexf_attribute_is_one_line(tmp_path):
    (tmp_path / "u.gexf").write_text(
        '<gexf xmlns="http://gexf.net/1.3"><graph defaultedgetype="directed"><nodes>'
        '<node id="a"><attvalues><attvalue for="zz" value="1"/></attvalues></node>'
        '</nodes></graph></gexf>', encoding="utf-8")
    with pytest.raises(SpecError, match=r"node 'a': an attvalue for an undeclared node"):
        load(tmp_path / "u.gexf")
