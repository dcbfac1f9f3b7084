"""Population dynamics (ecosystem.dynamics) and `ecobelt coevolve`."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from ecosystem import Ecosystem, ParameterError, UnknownMemberError
from ecosystem.cli import main
from ecosystem.dynamics import (UnboundedGrowthError, generalized_lv, goh_certificate,
                                interaction_matrix, interactions, mutualism_bounded,
                                predator_prey, symbiosis)
from ecosystem.niche import overlap

rates = st.floats(0.05, 5.0)


# ------------------------------------------------------------ predator-prey
@given(rates, rates, rates, rates)
def test_equilibrium_formula(a1, a2, b1, b2):
    """Qian §3: the stable point of equations 1-2 is E(a2 / (b1 b2), a1 / b1), where
    both rates vanish, and the Jacobian there has eigenvalues +-i sqrt(a1 a2)."""
    fit = predator_prey(a1, a2, b1, b2, x0=(1.0, 1.0), t_end=1.0, n_points=2)
    e1, e2 = fit.equilibrium
    assert e1 == pytest.approx(a2 / (b1 * b2)) and e2 == pytest.approx(a1 / b1)
    dx1, dx2 = fit.rates(e1, e2)
    assert abs(dx1) < 1e-9 * max(1.0, a1 * e1) and abs(dx2) < 1e-9 * max(1.0, a2 * e2)
    assert np.allclose(fit.jacobian, [[0.0, -a2 / b2], [a1 * b2, 0.0]], atol=1e-12)
    root = math.sqrt(a1 * a2)
    assert np.allclose(fit.eigenvalues.imag, [root, -root], rtol=1e-9)
    assert np.allclose(fit.eigenvalues.real, 0.0, atol=1e-9 * root)


def test_jacobian_matches_finite_differences():
    fit = predator_prey(1.2, 0.7, 0.05, 0.4, x0=(10.0, 20.0), t_end=1.0)
    e = np.array(fit.equilibrium)
    h = 1e-6
    numeric = np.column_stack([(np.array(fit.rates(*(e + h * step)))
                                - np.array(fit.rates(*(e - h * step)))) / (2 * h)
                               for step in np.eye(2)])
    assert np.allclose(numeric, fit.jacobian, atol=1e-6)


def test_conserved_quantity_drift_is_tiny():
    """The classical Lotka-Volterra first integral H stays constant along the orbit."""
    fit = predator_prey(1.0, 0.5, 0.02, 0.5, x0=(20.0, 80.0), t_end=100.0)
    h = fit.series["H"]
    assert fit.conserved_drift < 1e-8
    assert (h.max() - h.min()) / h.iloc[0] < 1e-8
    assert h.iloc[0] > 0 and fit.conserved(*fit.equilibrium) == pytest.approx(0.0, abs=1e-12)


def test_loose_tolerances_show_in_the_drift():
    """The drift is an accuracy check: a sloppy solver makes it visibly larger."""
    tight = predator_prey(1.0, 0.5, 0.02, 0.5, x0=(20.0, 80.0), t_end=100.0)
    loose = predator_prey(1.0, 0.5, 0.02, 0.5, x0=(20.0, 80.0), t_end=100.0, method="RK23",
                          rtol=1e-3, atol=1e-6)
    assert loose.conserved_drift > 100 * tight.conserved_drift


def test_small_orbits_have_the_linear_period():
    """Near E the orbit is an ellipse of period 2 pi / sqrt(a1 a2)."""
    fit = predator_prey(1.0, 0.5, 0.02, 0.5, x0=(50.5, 50.0), t_end=20.0, n_points=20001)
    x1 = fit.series["x1"].to_numpy() - fit.equilibrium[0]
    t = fit.series["t"].to_numpy()
    up = np.flatnonzero((x1[:-1] < 0) & (x1[1:] >= 0))  # upward crossings of x1 = x1*
    assert np.diff(t[up]).mean() == pytest.approx(2 * np.pi / np.sqrt(0.5), rel=1e-3)


def test_starting_at_equilibrium_stays_there():
    fit = predator_prey(1.0, 0.5, 0.02, 0.5, x0=(50.0, 50.0), t_end=30.0)
    assert np.allclose(fit.series[["x1", "x2"]], 50.0)


def test_phase_portrait_and_equilibria():
    fit = predator_prey(1.0, 0.5, 0.02, 0.5, x0=(40.0, 60.0))
    field = fit.phase_portrait(grid=5, span=2.0)
    assert field.shape == (25, 5)
    assert field["x1"].max() == pytest.approx(100.0) and field["x1"].min() == pytest.approx(20.0)
    row = field.iloc[0]
    assert row["dx1"] == pytest.approx(1.0 * 20 - 0.02 * 20 * 20)
    table = fit.equilibria()
    assert list(table["kind"]) == ["saddle", "centre"]
    assert table.loc["origin", "eigenvalue_1"] == 1.0


@pytest.mark.parametrize("name", ["a1", "a2", "b1", "b2"])
@pytest.mark.parametrize("value", [0.0, -1.0, float("nan"), float("inf")])
def test_non_positive_parameters_are_errors(name, value):
    params = dict(a1=1.0, a2=0.5, b1=0.02, b2=0.5)
    params[name] = value
    with pytest.raises(ParameterError, match=f"{name} must be a finite number > 0"):
        predator_prey(**params, x0=(1.0, 1.0))


@pytest.mark.parametrize("x0", [(1.0,), (1.0, 2.0, 3.0), (0.0, 1.0), (1.0, float("nan")),
                                (-1.0, 1.0), "ab"])
def test_bad_start_is_an_error(x0):
    with pytest.raises(ParameterError, match="x0 must be two finite outputs > 0"):
        predator_prey(1.0, 0.5, 0.02, 0.5, x0=x0)


def test_bad_time_is_an_error():
    with pytest.raises(ParameterError, match="t_end"):
        predator_prey(1.0, 0.5, 0.02, 0.5, x0=(1, 1), t_end=0.0)
    with pytest.raises(ParameterError, match="n_points"):
        predator_prey(1.0, 0.5, 0.02, 0.5, x0=(1, 1), n_points=1)


# --------------------------------------------------------- generalized LV
def test_competition_coexistence_converges():
    """Two competitors with alpha12 = 0.5, alpha21 = 0.4 < 1: x* = -A^-1 r = (0.75, 0.5)."""
    fit = generalized_lv([[-1.0, -0.5], [-0.4, -1.0]], r=[1.0, 0.8], x0=[0.1, 0.1], t_end=60)
    assert np.allclose(fit.equilibrium, [0.75, 0.5])
    assert fit.feasible and fit.locally_stable and fit.globally_stable and fit.bounded
    assert np.allclose(fit.series.iloc[-1], [0.75, 0.5], atol=1e-6)
    assert list(fit.series.columns) == ["x1", "x2"] and fit.series.index.name == "t"
    assert np.allclose(fit.jacobian.to_numpy(), np.diag([0.75, 0.5]) @ fit.A.to_numpy())


def test_competitive_exclusion_has_infeasible_equilibrium():
    """alpha12 = alpha21 = 2 > 1: the interior equilibrium is a saddle; one competitor wins."""
    fit = generalized_lv([[-1.0, -2.0], [-2.0, -1.0]], r=[1.0, 1.0], x0=[0.6, 0.4], t_end=60)
    assert fit.feasible and not fit.locally_stable and fit.goh.status == "impossible"
    assert fit.series.iloc[-1]["x1"] == pytest.approx(1.0, abs=1e-4)
    assert fit.series.iloc[-1]["x2"] < 1e-4


def test_predator_prey_in_glv_form_matches_seed_model():
    """Equations 1-2 are GLV with r = (a1, -a2), A = [[0, -b1], [b1 b2, 0]]."""
    a1, a2, b1, b2 = 1.0, 0.5, 0.02, 0.5
    seed = predator_prey(a1, a2, b1, b2, x0=(40.0, 60.0), t_end=20.0, n_points=21)
    glv = generalized_lv([[0.0, -b1], [b1 * b2, 0.0]], r=[a1, -a2], x0=[40.0, 60.0],
                         t_end=20.0, n_points=21, rtol=1e-10, atol=1e-12)
    assert np.allclose(glv.equilibrium, seed.equilibrium)
    assert np.allclose(glv.series.to_numpy(), seed.series[["x1", "x2"]].to_numpy(), rtol=1e-6)
    assert glv.goh.status == "impossible"  # zero diagonal: only neutral stability


def test_goh_search_can_be_skipped():
    fit = generalized_lv([[-1.0, -0.5], [-0.4, -1.0]], r=1.0, t_end=1.0, goh=False)
    assert fit.goh.status == "skipped" and not fit.globally_stable and fit.locally_stable


def test_absent_population_stays_absent():
    fit = generalized_lv([[-1.0, 0.2, -0.1], [0.1, -1.0, 0.0], [0.3, 0.0, -1.0]],
                         r=1.0, x0=[1.0, 0.0, 0.5], t_end=10)
    assert (fit.series["x2"] == 0).all() and (fit.series["x1"] > 0).all()


def test_unbounded_mutualism_is_an_error():
    """Two mutualists with b12 b21 = 2 > s1 s2 = 1 grow without bound."""
    a = [[-1.0, 2.0], [1.0, -1.0]]
    assert mutualism_bounded(np.array(a)) == (False, True)
    with pytest.raises(UnboundedGrowthError, match=r"b12 b21 = 2 > s1 s2 = 1"):
        generalized_lv(a, r=1.0, x0=0.5)


def test_boundary_mutualism_is_decided_by_the_growth_rates():
    """b12 b21 = s1 s2 exactly (3 * 1/3 = 1, whose eigenvalue rounds to -1e-16): with the left
    null vector w = (1, 3) of A, sum w_i ln x_i changes at the rate w . r. r = (1, 1): unbounded,
    an error; r = (-1, 0.2), w . r = -0.4: x1 dies out and x2 settles at r2 / s2 = 0.2, which
    is integrated."""
    a = [[-1.0, 3.0], [1 / 3, -1.0]]
    assert np.linalg.eigvals(np.array(a)).real.max() < 0  # rounding alone would say "stable"
    with pytest.raises(UnboundedGrowthError, match="boundary"):
        generalized_lv(a, r=1.0, x0=0.5)
    fit = generalized_lv(a, r=[-1.0, 0.2], x0=[0.5, 0.5], t_end=200.0)
    assert not fit.unbounded and not fit.bounded
    assert np.allclose(fit.series.iloc[-1], [0.0, 0.2], atol=1e-6)
    # and the neighbours either side are classified by the strict rule
    assert mutualism_bounded(np.array([[-1.0, 2.9], [1 / 3, -1.0]])) == (True, False)
    assert mutualism_bounded(np.array([[-1.0, 3.1], [1 / 3, -1.0]])) == (False, True)


def test_unbounded_mutualism_flagged_stops_at_ceiling():
    fit = generalized_lv([[-1.0, 2.0], [1.0, -1.0]], r=1.0, x0=0.5, t_end=100,
                         on_unbounded="flag", ceiling=1e4)
    assert fit.unbounded and not fit.bounded
    assert np.isfinite(fit.series.to_numpy()).all()
    assert fit.series.to_numpy().max() == pytest.approx(1e4, rel=1e-6)
    assert fit.series.index[-1] < 100


def test_mixed_system_blowing_up_is_caught_at_run_time():
    """Not pure mutualism (one negative entry), but the mutualistic pair runs away."""
    a = [[-1.0, 2.0, -0.1], [2.0, -1.0, 0.0], [0.1, 0.0, -1.0]]
    assert mutualism_bounded(np.array(a)) == (False, False)
    with pytest.raises(UnboundedGrowthError, match="reached ceiling"):
        generalized_lv(a, r=1.0, x0=0.5, t_end=50)


def test_bounded_mutualism_converges():
    """b12 b21 = 0.25 < s1 s2 = 1: x* solves A x = -r and attracts."""
    fit = generalized_lv([[-1.0, 0.5], [0.5, -1.0]], r=1.0, x0=[0.1, 3.0], t_end=60)
    assert np.allclose(fit.equilibrium, [2.0, 2.0])
    assert np.allclose(fit.series.iloc[-1], 2.0, atol=1e-6)
    assert fit.globally_stable


def test_glv_errors():
    with pytest.raises(ParameterError, match="square"):
        generalized_lv([[1.0, 2.0]])
    with pytest.raises(ParameterError, match="square"):
        generalized_lv([1.0, 2.0])
    with pytest.raises(ParameterError, match="not finite"):
        generalized_lv([[-1.0, np.nan], [0.0, -1.0]])
    with pytest.raises(ParameterError, match="one number per population"):
        generalized_lv(-np.eye(2), r=[1.0, 2.0, 3.0])
    with pytest.raises(ParameterError, match="x0 must be >= 0"):
        generalized_lv(-np.eye(2), x0=[1.0, -1.0])
    with pytest.raises(ParameterError, match="r must be finite"):
        generalized_lv(-np.eye(2), r=[1.0, np.nan])
    with pytest.raises(ParameterError, match="on_unbounded"):
        generalized_lv(-np.eye(2), on_unbounded="ignore")
    with pytest.raises(ParameterError, match="only apply when the system is an Ecosystem"):
        generalized_lv(-np.eye(2), mutualism=0.2)
    with pytest.raises(ParameterError, match="same populations"):
        generalized_lv(pd.DataFrame(-np.eye(2), index=["a", "b"], columns=["b", "a"]))
    with pytest.raises(ParameterError, match="ceiling"):
        generalized_lv(-np.eye(2), x0=10.0, ceiling=5.0)


# ---------------------------------------------------------------- symbiosis
@settings(max_examples=30)
@given(st.floats(-0.9, 0.9), st.floats(-0.9, 0.9))
def test_symbiosis_equilibrium_formula(s1, s2):
    """x_i* = N_i (1 + sigma_i) / (1 - sigma1 sigma2) for the logistic symbiosis model."""
    fit = symbiosis(r=[0.5, 0.4], N=[100.0, 80.0], sigma=(s1, s2), t_end=1.0, n_points=2)
    expected = [100 * (1 + s1) / (1 - s1 * s2), 80 * (1 + s2) / (1 - s1 * s2)]
    assert np.allclose(fit.equilibrium, expected)
    assert fit.feasible == (min(expected) > 0)


def test_symbiosis_converges_and_flags_unbounded():
    fit = symbiosis(r=[0.5, 0.4], N=[100.0, 80.0], sigma=(0.3, 0.5), t_end=300.0)
    assert np.allclose(fit.series.iloc[-1], fit.equilibrium, rtol=1e-6)
    with pytest.raises(UnboundedGrowthError, match="sigma1 sigma2 = 1 >= 1"):
        symbiosis(r=[0.5, 0.4], N=[100.0, 80.0], sigma=(2.0, 0.5))
    flagged = symbiosis(r=[0.5, 0.4], N=[100.0, 80.0], sigma=(2.0, 0.6), on_unbounded="flag")
    assert flagged.unbounded


def test_strong_mutual_harm_is_not_unbounded():
    """sigma1 sigma2 > 1 with both negative is competitive exclusion, not runaway growth."""
    fit = symbiosis(r=[0.5, 0.5], N=[100.0, 100.0], sigma=(-1.5, -1.5), x0=[60.0, 40.0],
                    t_end=200.0)
    assert not fit.unbounded and fit.series.iloc[-1]["x2"] < 1e-3


def test_symbiosis_errors():
    with pytest.raises(ParameterError, match="N must be finite numbers > 0"):
        symbiosis(r=[0.5, 0.4], N=[100.0, 0.0], sigma=(0.1, 0.1))
    with pytest.raises(ParameterError, match="r must be finite numbers > 0"):
        symbiosis(r=[-0.5, 0.4], N=[100.0, 80.0], sigma=(0.1, 0.1))
    with pytest.raises(ParameterError, match="same length"):
        symbiosis(r=[0.5, 0.4, 0.3], N=[100.0, 80.0], sigma=(0.1, 0.1))
    with pytest.raises(ParameterError, match="sigma must be a pair"):
        symbiosis(r=[0.5, 0.4], N=[100.0, 80.0], sigma=(0.1, 0.1, 0.1))
    with pytest.raises(ParameterError, match="zero diagonal"):
        symbiosis(r=[0.5, 0.4], N=[100.0, 80.0], sigma=[[1.0, 0.1], [0.1, 0.0]])


# ------------------------------------------------------------------- Goh
def _certified(a, cert):
    d = cert.d
    return np.linalg.eigvalsh(d[:, None] * a + (d[:, None] * a).T).max() < 0


def test_goh_identity_for_symmetric_competition():
    a = np.array([[-1.0, -0.3, -0.2], [-0.3, -1.0, -0.4], [-0.2, -0.4, -1.0]])
    cert = goh_certificate(a)
    assert cert.found and cert.reason == "D = I" and _certified(a, cert)


def test_goh_mutualism_candidate():
    """Metzler and Hurwitz: d = w / u with A u = -1, A^T w = -1 is a certificate."""
    a = np.array([[-1.0, 1.9], [0.5, -1.0]])
    cert = goh_certificate(a)
    assert cert.found and cert.reason.startswith("d = w / u") and _certified(a, cert)


@settings(max_examples=40)
@given(st.floats(0.1, 3.0), st.floats(0.1, 3.0), st.floats(-5.0, 5.0), st.floats(-5.0, 5.0))
def test_goh_two_by_two_is_exact(s1, s2, b12, b21):
    """For 2 x 2 with a negative diagonal, diagonal stability <=> det > 0 (stable)."""
    a = np.array([[-s1, b12], [b21, -s2]])
    cert = goh_certificate(a)
    det = s1 * s2 - b12 * b21
    if det > 1e-6:
        assert cert.found and _certified(a, cert)
    elif det < -1e-6:
        assert cert.status == "impossible"


@settings(max_examples=40)
@given(st.integers(0, 10_000))
def test_goh_metzler_candidate_always_certifies(seed):
    """Rantzer (2015), Proposition 1: a Hurwitz Metzler A is diagonally stable with
    D = diag(w / u), A u < 0, A^T w < 0."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 7))
    a = rng.uniform(0.0, 1.0, (n, n))
    a[np.diag_indices(n)] = -(a.sum(axis=1) + rng.uniform(0.01, 1.0, n))  # row-dominant
    cert = goh_certificate(a)
    assert cert.found and _certified(a, cert)


def test_goh_search_for_a_triangular_matrix():
    """A triangular matrix with a negative diagonal is diagonally stable, but neither D = I
    nor the Metzler candidate works here: the search has to find D."""
    a = np.array([[-1.0, 5.0, 0.0], [0.0, -1.0, -5.0], [0.0, 0.0, -1.0]])
    assert np.linalg.eigvalsh(a + a.T).max() > 0
    cert = goh_certificate(a)
    assert cert.found and cert.reason.startswith("minimised") and _certified(a, cert)


def test_goh_impossible_cases():
    assert "A[1, 1] = 0" in goh_certificate(np.array([[-1.0, 0.0], [0.0, 0.0]])).reason
    assert goh_certificate(np.array([[-1.0, 3.0], [3.0, -1.0]])).status == "impossible"


# --------------------------------------------------- from an ecosystem
def _belt():
    eco = Ecosystem("belt")
    for m, role in [("s1", "supplier"), ("m1", "manufacturer"), ("m2", "manufacturer"),
                    ("mall", "platform"), ("us", "market"), ("lg", "logistics"),
                    ("law", "legal_environment")]:
        eco.add_member(m, role)
    eco.link("m1", "mall", "information", volume=2.0)
    eco.link("m1", "us", "information", volume=2.0)
    eco.link("m2", "mall", "information", volume=1.0)
    eco.link("s1", "m1", "logistics", volume=10.0)
    eco.link("lg", "m1", "logistics", volume=4.0)
    eco.link("lg", "m2", "logistics", volume=8.0)
    eco.link("law", "m1", "information")
    return eco


def test_interaction_matrix_by_hand():
    """Competition m1/m2 from MacArthur-Levins on the information outlets (mall, us): m1
    (1/2, 1/2), m2 (1, 0) -> alpha_12 = 1/2 / (1/2) = 1, alpha_21 = 1/2; predation s1 -> m1
    (b1 = 0.5, b1 b2 = 0.25); service lg -> m1 (weight 4/8) and lg -> m2 (8/8) with
    mutualism 0.1; law (outer) left out."""
    a = interaction_matrix(_belt(), resources={"flows": "information"})
    assert list(a.index) == ["s1", "m1", "m2", "mall", "us", "lg"]
    assert a.loc["m1", "m2"] == pytest.approx(-1.0) and a.loc["m2", "m1"] == pytest.approx(-0.5)
    assert a.loc["s1", "m1"] == pytest.approx(-0.5) and a.loc["m1", "s1"] == pytest.approx(0.25)
    assert a.loc["lg", "m1"] == a.loc["m1", "lg"] == pytest.approx(0.05)
    assert a.loc["lg", "m2"] == a.loc["m2", "lg"] == pytest.approx(0.1)
    assert (np.diag(a) == -1).all()


def test_competition_uses_niche_overlap():
    eco = _belt()
    use = pd.DataFrame({"mall": [2.0, 1.0], "us": [2.0, 0.0]}, index=["m1", "m2"])
    alpha = overlap(use, index="macarthur_levins")
    a = interaction_matrix(eco, resources=use, competition=0.7, self_limitation=2.0,
                           predation=0.0, mutualism=0.0)
    assert a.loc["m1", "m2"] == pytest.approx(-0.7 * 2.0 * alpha.loc["m1", "m2"])
    assert a.loc["m2", "m1"] == pytest.approx(-0.7 * 2.0 * alpha.loc["m2", "m1"])
    off = a.to_numpy()[~np.eye(len(a), dtype=bool)]
    assert np.count_nonzero(off) == 2


def test_relation_attribute_overrides():
    eco = _belt()
    eco.graph.edges["m1", "mall", "information"]["relation"] = "symbiosis"
    eco.graph.edges["s1", "m1", "logistics"]["relation"] = "none"
    table = interactions(eco)
    assert ("m1", "mall", "information", "mutualism") in set(
        map(tuple, table[["source", "target", "flow", "relation"]].to_numpy()))
    assert "s1" not in set(table["source"])
    a = interaction_matrix(eco, competition=0.0)
    # volume 2 against the strongest information mutualism link (itself): 0.1 * 2 / 2; the
    # logistics link lg -> m2 (8) is in another unit and does not scale it
    assert a.loc["mall", "m1"] == pytest.approx(0.1) and a.loc["s1", "m1"] == 0.0
    assert a.loc["lg", "m1"] == pytest.approx(0.05)  # 4 against the logistics 8
    eco.graph.edges["m2", "mall", "information"]["relation"] = "friendship"
    with pytest.raises(ParameterError, match="relation 'friendship'"):
        interaction_matrix(eco)


def test_interaction_matrix_errors():
    eco = _belt()
    with pytest.raises(ParameterError, match="self_limitation must be a finite number > 0"):
        interaction_matrix(eco, self_limitation=0.0)
    with pytest.raises(ParameterError, match="mutualism must be a finite number >= 0"):
        interaction_matrix(eco, mutualism=-0.1)
    with pytest.raises(UnknownMemberError, match="ghost"):
        interaction_matrix(eco, members=["m1", "ghost"])
    with pytest.raises(ParameterError, match="self_limitation: no value"):
        interaction_matrix(eco, self_limitation={"m1": 1.0})


def test_glv_from_ecosystem_with_member_attributes():
    eco = _belt()
    for m in eco.members():
        eco.graph.nodes[m]["growth"] = 0.5
    fit = generalized_lv(eco, r="growth", x0=0.2, t_end=200.0)
    assert list(fit.series.columns) == ["s1", "m1", "m2", "mall", "us", "lg"]
    assert fit.feasible and fit.globally_stable
    assert np.allclose(fit.series.iloc[-1], fit.equilibrium, rtol=1e-5)
    del eco.graph.nodes["m2"]["growth"]
    with pytest.raises(ParameterError, match="no attribute 'growth'"):
        generalized_lv(eco, r="growth")


# --------------------------------------------------------------------- CLI
def test_cli_predator_prey(capsys, tmp_path):
    out_file = tmp_path / "pp.csv"
    assert main(["coevolve", "predator-prey", "--a1", "1", "--a2", "0.5", "--b1", "0.02",
                 "--b2", "0.5", "--x0", "40", "60", "--output", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert "(50, 50)" in out and "0.707107j" in out
    assert len(pd.read_csv(out_file)) == 501
    assert main(["coevolve", "predator-prey", "--b1", "0"]) == 2
    assert "b1 must be a finite number > 0" in capsys.readouterr().err


def test_cli_glv_and_symbiosis(capsys, tmp_path):
    spec = tmp_path / "belt.yaml"
    _belt().save(str(spec))
    assert main(["coevolve", "glv", str(spec), "--rows", "3"]) == 0
    assert "globally stable" in capsys.readouterr().out
    assert main(["coevolve", "glv", str(spec), "--no-goh"]) == 0
    assert "skipped" in capsys.readouterr().out
    matrix = tmp_path / "a.csv"
    pd.DataFrame([[-1.0, 2.0], [1.0, -1.0]], index=["p", "q"], columns=["p", "q"]).to_csv(matrix)
    assert main(["coevolve", "glv", "--matrix", str(matrix)]) == 2
    assert "unbounded mutualism" in capsys.readouterr().err
    assert main(["coevolve", "symbiosis", "--r", "0.5", "0.4", "--N", "100", "80",
                 "--sigma", "0.3", "0.5", "--t-end", "200"]) == 0
    assert "152.9" in capsys.readouterr().out
