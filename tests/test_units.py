"""Units of the four flows: every volume is read in its flow's own unit, never summed across flows."""  # noqa: E501

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import networks
from ecosystem import Ecosystem, ParameterError, SpecError
from ecosystem.files import load, save
from ecosystem.taxonomy import DEFAULT_UNITS

FLOWS = ["information", "logistics", "capital", "technology"]


def test_defaults_and_own_units():
    assert dict(DEFAULT_UNITS) == {"information": "messages", "logistics": "units of goods",
                                   "capital": "units of money", "technology": "service days"}
    eco = Ecosystem("belt", units={"capital": "thousand CNY"})
    assert eco.flow_unit("capital") == "thousand CNY" and eco.flow_unit("LOGISTICS") == \
        "units of goods"
    eco.set_units(logistics="thousand pairs")
    assert dict(eco.units) == {"information": "messages", "logistics": "thousand pairs",
                               "capital": "thousand CNY", "technology": "service days"}
    assert eco.graph.graph["units"] == {"capital": "thousand CNY", "logistics": "thousand pairs"}


@pytest.mark.parametrize("units, message", [
    ({"money": "CNY"}, "'money' is not a flow"),
    ({"capital": ""}, "the unit of capital must be a non-empty string"),
    ("kCNY", "units must be a mapping of flow to unit"),
])
def test_bad_units_are_refused_everywhere(units, message, tmp_path):
    with pytest.raises(ParameterError, match=message):
        Ecosystem(units=units)
    if isinstance(units, dict):
        with pytest.raises(ParameterError, match=message):
            Ecosystem().set_units(**units)
    path = tmp_path / "bad.yaml"
    path.write_text(f"ecobelt: 1\nattributes: {{units: {units!r}}}\nmembers: []\n")
    with pytest.raises(SpecError, match=r"attributes\.units: "):
        load(str(path))
    eco = Ecosystem()
    eco.graph.graph["units"] = units  # a direct edit bypasses the check; problems() finds it
    assert [p for p in eco.problems() if message in p]


@pytest.mark.parametrize("extension", ["yaml", "json", "csv", "graphml", "gexf"])
def test_units_are_saved_in_every_format(tmp_path, extension):
    eco = Ecosystem("u", units={"capital": "thousand CNY", "technology": "expert days"})
    eco.add_member("m1", "manufacturer")
    path = tmp_path / f"u.{extension}"
    save(eco, str(path))
    back = load(str(path))
    assert back.flow_unit("capital") == "thousand CNY"
    assert back.flow_unit("technology") == "expert days"


def test_cross_border_belt_summary_keeps_flows_apart():
    belt = networks.example("cross_border_belt")
    assert dict(belt.units) == {"information": "thousand pairs ordered",
                                "logistics": "thousand pairs", "capital": "thousand CNY",
                                "technology": "service days"}
    summary = belt.summary()
    links = belt.to_pandas()[1]
    for flow in FLOWS:
        expected = links.loc[links["flow"] == flow, "volume"].sum()
        assert summary.loc[("flow", flow), flow] == pytest.approx(expected)
        assert summary.xs("ring")[flow].sum() == pytest.approx(expected)
        others = [f for f in FLOWS if f != flow]
        assert (summary.loc[("flow", flow), others] == 0).all()
    labelled = belt.summary(with_units=True)
    assert list(labelled.columns[2:]) == [f"{f} ({belt.flow_unit(f)})" for f in FLOWS]
    assert labelled.attrs["units"] == dict(belt.units)


@st.composite
def ecosystems(draw):
    eco = Ecosystem()
    ids = [f"m{i}" for i in range(draw(st.integers(1, 6)))]
    roles = ["manufacturer", "logistics", "market", "finance", "legal_environment"]
    for member in ids:
        eco.add_member(member, draw(st.sampled_from(roles)))
    triples = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids),
                                      st.sampled_from(FLOWS)), unique=True, max_size=20))
    for source, target, flow in triples:
        eco.link(source, target, flow, volume=draw(st.floats(0, 1e6)))
    return eco


@settings(max_examples=60)
@given(eco=ecosystems())
def test_summary_totals_per_flow_equal_the_links_volumes(eco):
    summary = eco.summary()
    for flow in FLOWS:
        volumes = [d["volume"] for *_, d in eco.links(flow, data=True)]
        total = float(np.sum(volumes)) if volumes else 0.0
        assert summary.loc[("flow", flow), flow] == pytest.approx(total)
        assert summary.xs("ring")[flow].sum() == pytest.approx(total)
        assert summary.xs("role")[flow].sum() == pytest.approx(total)
