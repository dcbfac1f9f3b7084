"""The predator-prey equilibrium's sensitivity, with signs, and where it contradicts Qian's text."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecosystem.cli import main
from ecosystem.dynamics import predator_prey

rates = st.floats(0.01, 5.0)


@settings(max_examples=40, deadline=None)
@given(a1=rates, a2=rates, b1=rates, b2=rates)
def test_derivatives_match_finite_differences_of_the_equilibrium(a1, a2, b1, b2):
    fit = predator_prey(a1, a2, b1, b2, (1.0, 1.0), t_end=0.1, n_points=3)
    table = fit.sensitivity()
    params = {"a1": a1, "a2": a2, "b1": b1, "b2": b2}
    for name, value in params.items():
        step = 1e-6 * value
        up, down = dict(params, **{name: value + step}), dict(params, **{name: value - step})
        # the equilibrium written out again: E = (a2 / (b1 b2), a1 / b1)
        e_up = np.array([up["a2"] / (up["b1"] * up["b2"]), up["a1"] / up["b1"]])
        e_down = np.array([down["a2"] / (down["b1"] * down["b2"]), down["a1"] / down["b1"]])
        numeric = (e_up - e_down) / (2 * step)
        assert table.loc[name, "dx1"] == pytest.approx(numeric[0], rel=1e-5, abs=1e-9)
        assert table.loc[name, "dx2"] == pytest.approx(numeric[1], rel=1e-5, abs=1e-9)
    assert table["sign_x1"].tolist() == ["0", "+", "-", "-"]
    assert table["sign_x2"].tolist() == ["+", "0", "-", "0"]
    np.testing.assert_allclose(table["elasticity_x1"], [0, 1, -1, -1], atol=1e-12)
    np.testing.assert_allclose(table["elasticity_x2"], [1, 0, -1, 0], atol=1e-12)


def test_raising_b1_and_b2_does_not_raise_downstream_output():
    """Qian (§3) reads higher b1 and b2 as 'beneficial to both'; the paper's own E says
    x2* = a1/b1 halves when b1 doubles and ignores b2."""
    base = predator_prey(1.0, 0.5, 0.02, 0.5, (40.0, 60.0))
    assert base.equilibrium == (50.0, 50.0)
    assert predator_prey(1.0, 0.5, 0.04, 0.5, (40.0, 60.0)).equilibrium == (25.0, 25.0)
    assert predator_prey(1.0, 0.5, 0.02, 1.0, (40.0, 60.0)).equilibrium == (25.0, 50.0)
    assert base.sensitivity().loc["b1", ["dx1", "dx2"]].tolist() == [-2500.0, -2500.0]


def test_cli_reports_the_signs_and_the_contradiction(capsys):
    assert main(["coevolve", "predator-prey", "--rows", "2"]) == 0
    out = capsys.readouterr().out
    assert "sensitivity of E" in out and "against Qian's text" in out
    row = next(line for line in out.splitlines() if line.startswith("b1 "))
    assert row.split() == ["b1", "-2500", "-2500", "-1", "-1", "-", "-"]
