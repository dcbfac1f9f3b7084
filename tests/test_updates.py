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
    with pytest.raises(ParameterError, match=r"^update_link: multiple values for argument "
                                             r"'flow'; call update_link\(source, target, flow"):
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


@pytest.mark.parametrize("call, message", [
    (lambda eco: eco.link("a", "b", "capital", flow="logistics"),
     r"^link: multiple values for argument 'flow'; call link\(source, target, flow, "),
    (lambda eco: eco.link("a", "b", "capital", source="b"),
     r"^link: multiple values for argument 'source'; .* cannot be attributes$"),
    (lambda eco: eco.link("a", "b"), r"^link: missing a required argument: 'flow'"),
    (lambda eco: eco.update_link("a", "b", "capital", target="a"),
     r"^update_link: multiple values for argument 'target'; .*unlink it and link"),
    (lambda eco: eco.add_member("c", "supplier", role="market"),
     r"^add_member: multiple values for argument 'role'"),
    (lambda eco: eco.add_member("c", "supplier", member_id="d"),
     r"^add_member: multiple values for argument 'member_id'"),
    (lambda eco: eco.update_member(), r"^update_member: missing a required argument"),
    (lambda eco: eco.unlink("a", "b", "capital", volume=1.0),
     r"^unlink: got an unexpected keyword argument 'volume'; call unlink\(source, target, "),
])
@pytest.mark.parametrize("graph_first", [False, True])
def test_misplaced_arguments_are_one_line_parameter_errors(call, message, graph_first):
    """Python's own TypeError for arguments that do not match becomes our one-line error;
    nothing changes."""
    eco = Ecosystem()
    if graph_first:
        _ = eco.graph
    eco.add_member("a", "supplier")
    eco.add_member("b", "manufacturer")
    eco.link("a", "b", "capital", volume=1.0)
    before = eco.copy()
    with pytest.raises(ParameterError, match=message) as raised:
        call(eco)
    assert "\n" not in str(raised.value)
    assert eco == before


def test_the_link_and_member_arguments_may_still_be_named():
    eco = Ecosystem()
    eco.add_member(member_id="a", role="supplier", size=2)
    eco.add_member("b", role="manufacturer")
    eco.link(source="a", target="b", flow="capital", volume=1.0)
    eco.update_link("a", "b", flow="capital", volume=2.0)
    assert eco.links(data=True) == [("a", "b", "capital", {"volume": 2.0})]
    eco.unlink(source="a", target="b", flow="capital")
    assert eco.number_of_links() == 0 and eco.member("a")["size"] == 2
