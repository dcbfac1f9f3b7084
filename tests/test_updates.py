"""Changing members and links after creation, with the checks of add_member and link."""

import pytest

import networks
from ecosystem import DuplicateError, Ecosystem, ParameterError, UnknownMemberError


@pytest.fixture
def belt():
    return networks.example("cross_border_belt")


def test_update_member_changes_attributes_role_and_ring(belt):
    belt.update_member("riverbend", employees=320, product="wool socks")
    assert belt.member("riverbend")["employees"] == 320
    assert belt.member("riverbend")["product"] == "wool socks"
    assert belt.member("riverbend")["name"] == "Riverbend Socks"  # kept
    belt.update_member("riverbend", role="cbec_enterprise")
    assert belt.member("riverbend")["ring"] == "core"
    belt.update_member("stride", role="research")  # the new role's ring
    assert belt.member("stride")["ring"] == "sub_core"
    belt.update_member("stride", ring="outer")
    assert belt.member("stride")["ring"] == "outer" and "stride" in belt.members(ring="outer")
    assert belt.problems() == []


@pytest.mark.parametrize("attributes, error, message", [
    ({"role": "wizard"}, ParameterError, "unknown role 'wizard'"),
    ({"ring": "middle"}, ParameterError, "ring 'middle' is not one of"),
    ({"id": "rb"}, ParameterError, "a member's id cannot change"),
])
def test_update_member_refuses_what_add_member_refuses(belt, attributes, error, message):
    before = dict(belt.member("riverbend"))
    with pytest.raises(error, match=message):
        belt.update_member("riverbend", employees=1, **attributes)
    assert dict(belt.member("riverbend")) == before
    with pytest.raises(UnknownMemberError, match="no member 'ghost'"):
        belt.update_member("ghost", employees=1)


def test_update_link_is_checked_and_seen_by_the_matrices(belt):
    index = belt.index()
    belt.update_link("riverbend", "beltlink", "logistics", volume=50.0, lead_time=3)
    assert belt.adjacency("logistics")[index["riverbend"], index["beltlink"]] == 50.0
    assert belt.graph.edges["riverbend", "beltlink", "logistics"]["lead_time"] == 3
    assert belt.graph.edges["riverbend", "beltlink", "logistics"]["unit_cost"] == 0.08  # kept
    with pytest.raises(ParameterError, match=r"'riverbend' -> 'beltlink' \(logistics\): "
                                             r"reliability must be a number in \[0, 1\]"):
        belt.update_link("riverbend", "beltlink", "logistics", volume=1.0, reliability=1.5)
    assert belt.graph.edges["riverbend", "beltlink", "logistics"]["volume"] == 50.0
    with pytest.raises(TypeError, match="multiple values for argument 'flow'"):
        belt.update_link("riverbend", "beltlink", "logistics", flow="capital")
    with pytest.raises(UnknownMemberError, match=r"no capital link 'riverbend' -> 'beltlink'; "
                                                 r"add it with link\("):
        belt.update_link("riverbend", "beltlink", "capital", volume=1.0)


def test_duplicate_errors_point_to_the_update_methods():
    eco = Ecosystem()
    eco.add_member("a", "supplier")
    eco.link("a", "a", "logistics", volume=1.0)
    with pytest.raises(DuplicateError, match=r"update_member\('a', \.\.\.\)"):
        eco.add_member("a", "supplier")
    with pytest.raises(DuplicateError, match=r"update_link\('a', 'a', 'logistics', \.\.\.\)"):
        eco.link("a", "a", "logistics")
