"""Steady-state flows at volumes near the largest float: our warning, never numpy's."""

import warnings

import numpy as np
import pandas as pd
import pytest

from ecosystem import Ecosystem
from ecosystem._errors import NumericalWarning
from ecosystem.flows import steady_state


def _triangle(scale: float) -> Ecosystem:
    eco = Ecosystem()
    eco.add_members_from(pd.DataFrame({"id": ["a", "b", "c"], "role": "supplier"}))
    eco.link("a", "b", "information", volume=1.7 * scale)
    eco.link("b", "a", "information", volume=1.7 * scale)
    eco.link("b", "c", "information", volume=1.0 * scale)
    return eco


@pytest.mark.parametrize("method", ["direct", "iterative"])
def test_huge_volumes_give_the_levels_of_small_ones_without_a_warning(method):
    # the levels depend on each member's shares of its out-volume only, so scaling every
    # volume by 1e308 changes nothing; the out-volume of b (2.7e308) overflows on the way
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        huge = steady_state(_triangle(1e308), {("a", "information"): 1.0}, method=method)
    small = steady_state(_triangle(1.0), {("a", "information"): 1.0}, method=method)
    np.testing.assert_allclose(huge.levels.to_numpy(), small.levels.to_numpy(), rtol=1e-9)


@pytest.mark.parametrize("method", ["direct", "iterative"])
def test_levels_beyond_floats_warn_naming_the_cause_and_nothing_else(method):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        state = steady_state(_triangle(1e308), {("a", "information"): 1.7e308},
                             method=method)
    assert not np.isfinite(state.levels.to_numpy()).all()
    assert [w.category for w in caught] == [NumericalWarning]
    assert "overflow" in str(caught[0].message) and "rescale" in str(caught[0].message)
