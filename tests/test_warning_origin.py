"""Every warning ecobelt gives names the line of the caller's code, not one of ecobelt's frames.

``warnings`` filters and tracebacks of warnings-as-errors both rely on the reported
file and line; a fixed ``stacklevel`` points into ecobelt as soon as a call passes
through a decorator or a helper.
"""

import warnings

import numpy as np
import pytest

import networks
import viz
from ecosystem import Ecosystem, bullwhip, flows, spillover
from ecosystem._errors import NumericalWarning
from ecosystem._warn import warn


def recorded(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    assert caught, "the call gave no warning"
    return caught


def cyclic_pair():
    eco = Ecosystem()
    eco.add_member("a", "supplier")
    eco.add_member("b", "manufacturer")
    eco.link("a", "b", "logistics", volume=1.0)
    eco.link("b", "a", "logistics", volume=1.0)
    return eco


def infinite_totals():
    eco = cyclic_pair()
    eco.update_link("a", "b", "logistics", volume=1.7e308)
    eco.update_link("b", "a", "logistics", volume=1.7e308)
    eco.link("a", "b", "capital", volume=1.0)
    return eco.summary()


CALLS = {
    "volume totals beyond floats (a method through a helper)": infinite_totals,
    "constant demand (a helper two frames down)": lambda: bullwhip.simulate(
        4, demand=bullwhip.Demand.normal(100, 0), replications=5, periods=50, seed=1),
    "an old keyword (through the renaming decorator)": lambda: spillover.heat(
        networks.example("cross_border_belt"), initial=["yarnwell"], times=[0.0, 1.0]),
    "levels beyond floats": lambda: flows.propagate(
        cyclic_pair(), {("a", "logistics"): 1e308}, steps=4, damping=0.9,
        conversion=np.eye(4), pulse=False),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_the_warning_names_this_file(name):
    for warning in recorded(CALLS[name]):
        assert (warning.filename, warning.category) == (__file__, warning.category), name


def test_a_warning_from_viz_names_this_file(tmp_path):
    eco = networks.example("cross_border_belt")
    caught = recorded(lambda: viz.to_html(eco, tmp_path / "p.html", size_by="throughput"))
    assert {w.filename for w in caught} == {__file__}


def test_the_line_is_the_calling_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _line_of_next_statement()
        bullwhip.simulate(2, replications=20, periods=2, seed=1)
    assert [(w.filename, w.lineno, w.category) for w in caught] == [
        (__file__, line, NumericalWarning)]


def _line_of_next_statement():
    import sys
    return sys._getframe(1).f_lineno + 1


def test_a_fixed_stacklevel_would_fail_this_test():
    # warn() itself is one of ecobelt's frames: called directly from here it names this file
    caught = recorded(lambda: warn("x", UserWarning))
    assert caught[0].filename == __file__
