"""ecosystem.flows: the linear multiplex model, trajectories, steady states, reach.

Notation as in :mod:`ecosystem.flows._model`: ``x_{t+1}[:, g] = d sum_f C[f, g]
W_f^T x_t[:, f] + b[:, g]``, stacked flow by flow as ``X_{t+1} = A X_t + B``;
steady state ``X* = (I - A)^{-1} B = sum_k A^k B`` (Neumann series) when the
spectral radius of ``A`` is below 1.
"""

import numpy as np
import pandas as pd
import pytest

import networks
from ecosystem import Ecosystem
from ecosystem._errors import EcosystemError, ParameterError, UnknownMemberError
from ecosystem.flows import (DEFAULT_CONVERSION, FLOWS, NoSteadyStateError, conversion_matrix,
                             flow_model, propagate, reach, spectral_radius, steady_state)

ONLY_INFORMATION = np.diag([1.0, 0.0, 0.0, 0.0])


def chain(n: int, flows=("information",), volume=1.0) -> Ecosystem:
    """m0 -> m1 -> ... -> m{n-1} in every flow of ``flows``."""
    eco = Ecosystem("chain")
    eco.add_members_from(pd.DataFrame({"id": [f"m{i}" for i in range(n)], "role": "supplier"}))
    for i in range(n - 1):
        for flow in flows:
            eco.link(f"m{i}", f"m{i + 1}", flow, volume=volume)
    return eco


def cycle(n: int, flows=("information",)) -> Ecosystem:
    """The chain closed by m{n-1} -> m0: every member has an outgoing link in each flow."""
    eco = chain(n, flows)
    for flow in flows:
        eco.link(f"m{n - 1}", "m0", flow, volume=1.0)
    return eco


# ------------------------------------------------------------------ closed forms

@pytest.mark.parametrize("damping", [0.3, 0.5, 0.9])
def test_chain_pulse_and_steady_state_are_powers_of_the_damping(damping):
    """A pulse on a chain moves one member per step, scaled by d each time.

    Derivation: W^T shifts the chain by one, so ``A^k e_0 = d^k e_k``; the
    steady state is the Neumann series ``sum_k d^k e_k`` (``x_k = d^k``), the
    terms of a finite geometric series.
    """
    n = 5
    eco = chain(n)
    run = propagate(eco, {("m0", "information"): 1.0}, steps=n + 1, damping=damping,
                    conversion=ONLY_INFORMATION, pulse=True)
    for t in range(n):
        expected = np.zeros(n)
        expected[t] = damping ** t
        np.testing.assert_allclose(run.array[t, :, 0], expected, atol=1e-15)
    assert run.array[n:].sum() == 0    # past the end of the chain: a sink, nothing left
    state = steady_state(eco, {("m0", "information"): 1.0}, damping=damping,
                         conversion=ONLY_INFORMATION)
    np.testing.assert_allclose(state.levels["information"], damping ** np.arange(n))
    assert state.levels[["logistics", "capital", "technology"]].to_numpy().sum() == 0


@pytest.mark.parametrize("n, damping", [(2, 0.5), (3, 0.9), (7, 0.6), (12, 0.99)])
def test_cycle_steady_state_is_a_geometric_series(n, damping):
    """On a cycle of n members, one unit at m0 gives ``x_k = d^k / (1 - d^n)``.

    Derivation: the pulse returns to m_k at steps k, k + n, k + 2n, ..., so
    ``x_k = sum_m d^(k + m n) = d^k / (1 - d^n)`` (geometric series).
    """
    state = steady_state(cycle(n), {("m0", "information"): 1.0}, damping=damping,
                         conversion=ONLY_INFORMATION)
    expected = damping ** np.arange(n) / (1 - damping ** n)
    np.testing.assert_allclose(state.levels["information"], expected, rtol=1e-9)


def test_volume_weights_split_the_flow():
    """``W[i, j] = v(i, j) / sum_k v(i, k)``: a sends 1/4 to b and 3/4 to c."""
    eco = Ecosystem()
    eco.add_members_from(pd.DataFrame({"id": ["a", "b", "c"], "role": "supplier"}))
    eco.link("a", "b", "logistics", volume=1.0)
    eco.link("a", "c", "logistics", volume=3.0)
    state = steady_state(eco, {"a": {"logistics": 2.0}}, damping=0.5, conversion=np.eye(4))
    np.testing.assert_allclose(state.levels["logistics"], [2.0, 0.25, 0.75])


def test_conversion_rows_are_arriving_flow_and_columns_driven_flow():
    """a -> b in information, b -> a in logistics; C[info, logistics] = c1, C[logistics, info] = c2.

    Derivation: info sent by a arrives at b and drives ``d c1`` logistics out of
    b; that arrives at a and drives ``d c2`` information. So
    ``x[a, info] = 1 + d^2 c1 c2 x[a, info]``, i.e. ``x[a, info] = 1 / (1 - d^2 c1 c2)``
    and ``x[b, logistics] = d c1 x[a, info]``; the spectral radius is ``d sqrt(c1 c2)``.
    """
    eco = Ecosystem()
    eco.add_members_from(pd.DataFrame({"id": ["a", "b"], "role": "supplier"}))
    eco.link("a", "b", "information")
    eco.link("b", "a", "logistics")
    d, c1, c2 = 0.9, 0.8, 0.5
    conversion = pd.DataFrame({"logistics": {"information": c1}, "information": {"logistics": c2}})
    state = steady_state(eco, {("a", "information"): 1.0}, damping=d, conversion=conversion)
    x_a = 1 / (1 - d ** 2 * c1 * c2)
    expected = pd.DataFrame({"information": [x_a, 0.0], "logistics": [0.0, d * c1 * x_a],
                             "capital": 0.0, "technology": 0.0}, index=["a", "b"])
    np.testing.assert_allclose(state.levels.to_numpy(), expected.to_numpy(), rtol=1e-12)
    model = flow_model(eco, conversion, 1.0)
    np.testing.assert_allclose(np.abs(np.linalg.eigvals(model.operator().toarray())).max(),
                               np.sqrt(c1 * c2))
    # with damping 2 the radius is 2 sqrt(0.4) = 1.2649: no steady state, and the error says so
    with pytest.raises(NoSteadyStateError, match=r"spectral radius .* is 1\.26491") as error:
        steady_state(eco, {("a", "information"): 1.0}, damping=2.0, conversion=conversion)
    assert error.value.radius == pytest.approx(2 * np.sqrt(c1 * c2))


# ------------------------------------------------- steady state = limit of the trajectory

@pytest.fixture(scope="module")
def belt():
    return networks.industrial_belt(120, seed=11)


@pytest.fixture(scope="module")
def belt_injection(belt):
    rng = np.random.default_rng(5)
    return rng.random((len(belt), 4)) * (rng.random((len(belt), 4)) < 0.1)


def test_steady_state_is_the_limit_of_the_trajectory_and_the_sum_of_a_pulse(belt,
                                                                            belt_injection):
    """Neumann series: ``X* = sum_k A^k B``, the limit of ``X_{t+1} = A X_t + B``.

    With damping 0.85 and row-stochastic C, ``||A||_1 <= 0.85``, so after
    T = 250 steps the remainder is at most ``0.85^251 / 0.15 ~ 1e-17`` times ``||B||``.
    """
    state = steady_state(belt, belt_injection)
    sustained = propagate(belt, belt_injection, steps=250)
    pulse = propagate(belt, belt_injection, steps=250, pulse=True)
    np.testing.assert_allclose(sustained.final.levels, state.levels, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(pulse.cumulative().levels, state.levels, rtol=1e-9, atol=1e-12)
    assert (np.diff(sustained.totals().sum(axis=1)) >= -1e-12).all()   # monotone build-up


def test_direct_and_iterative_solves_agree(belt, belt_injection):
    """Sparse LU and the matrix-free BiCGSTAB solve the same system."""
    direct = steady_state(belt, belt_injection, method="direct")
    iterative = steady_state(belt, belt_injection, method="iterative", tol=1e-12)
    np.testing.assert_allclose(iterative.levels, direct.levels, rtol=1e-9, atol=1e-12)


def test_model_apply_equals_the_assembled_operator(belt):
    """The matrix-free product is the block operator ``A[g, f] = d C[f, g] W_f^T``."""
    model = flow_model(belt, damping=0.7)
    vector = np.random.default_rng(0).random(4 * len(belt))
    np.testing.assert_allclose(model.apply(vector), model.operator() @ vector, rtol=1e-12)
    n = len(belt)
    block = model.operator()[2 * n:3 * n, 0:n].toarray()    # A[capital, information]
    expected = 0.7 * DEFAULT_CONVERSION.loc["information", "capital"] * \
        model.transmission[0].toarray()
    np.testing.assert_allclose(block, expected)


# -------------------------------------------------------------------------- conservation

@pytest.mark.parametrize("n", [3, 6])
def test_a_pulse_is_conserved_without_damping_or_sinks(n):
    """Row-stochastic C, damping 1 and every member sending in every flow: ``1^T A = 1^T``.

    So the total of a pulse is the same at every step, and with damping d it is
    ``d^t`` times the start; the steady state then totals ``sum(b) / (1 - d)``.
    """
    eco = cycle(n, FLOWS)
    eco.link("m0", "m2", "capital", volume=3.0)   # a second outlet does not break conservation
    injection = {("m0", "information"): 1.0, ("m1", "technology"): 2.5}
    run = propagate(eco, injection, steps=40, damping=1.0, pulse=True)
    np.testing.assert_allclose(run.totals().sum(axis=1), 3.5, rtol=1e-12)
    assert run.totals()["technology"].iloc[5] != run.totals()["technology"].iloc[0]  # mixes
    damped = propagate(eco, injection, steps=10, damping=0.6, pulse=True)
    np.testing.assert_allclose(damped.totals().sum(axis=1), 3.5 * 0.6 ** np.arange(11))
    state = steady_state(eco, injection, damping=0.6)
    assert state.levels.to_numpy().sum() == pytest.approx(3.5 / 0.4, rel=1e-10)


def test_sinks_lose_flow():
    """Without a conserving structure (a chain ends) the total of a pulse falls to 0."""
    run = propagate(chain(4, FLOWS), {("m0", "capital"): 1.0}, steps=6, damping=1.0,
                    pulse=True)
    totals = run.totals().sum(axis=1)
    assert totals.iloc[0] == 1.0 and totals.iloc[-1] == 0.0


# ------------------------------------------------------------------ results and reach

def test_levels_aggregate_per_ring_and_role(belt, belt_injection):
    """By ring and by role are partitions of the members: both sum to the per-flow total."""
    state = steady_state(belt, belt_injection)
    assert list(state.by_ring().index) == ["core", "sub_core", "outer"]
    np.testing.assert_allclose(state.by_ring().sum(), state.total())
    np.testing.assert_allclose(state.by_role().sum(), state.total())
    firms = state.levels[np.isin(state.roles, ["manufacturer", "producer", "supplier"])].sum()
    np.testing.assert_allclose(state.by_role().loc[["manufacturer", "producer",
                                                    "supplier"]].sum(), firms)
    table = state.table()
    assert list(table.columns) == ["ring", "role", *FLOWS, "share"]  # no total across units
    totals = state.total()
    moving = [f for f in FLOWS if totals[f] > 0]
    np.testing.assert_allclose(table["share"], (state.levels[moving] / totals[moving]).mean(
        axis=1))
    assert table["share"].sum() == pytest.approx(1.0)
    assert table.index.equals(pd.Index(list(belt.graph), name="member"))


def test_trajectory_by_ring_and_steps(belt, belt_injection):
    run = propagate(belt, belt_injection, steps=3)
    assert run.steps == 3 and run.array.shape == (4, len(belt), 4)
    per_ring = run.by_ring()
    np.testing.assert_allclose(per_ring.groupby(level="step").sum(), run.totals())
    np.testing.assert_allclose(run.at(-1).levels, run.final.levels)
    with pytest.raises(ParameterError, match="step must be in 0..3"):
        run.at(4)


def test_reach_on_a_chain_counts_steps():
    eco = chain(4)
    eco.add_member("lg", "logistics")
    shock = reach(eco, "m1", conversion=ONLY_INFORMATION)
    assert shock.members.iloc[1:4].tolist() == [0, 1, 2]
    assert shock.members.isna().tolist() == [True, False, False, False, True]
    assert shock.rings["core"] == 0 and pd.isna(shock.rings["sub_core"])
    assert shock.reached() == ["m1", "m2", "m3"]


def test_reach_follows_the_conversion_across_layers():
    """Information a -> b, logistics b -> c: c is reached only if information drives logistics."""
    eco = Ecosystem()
    eco.add_members_from(pd.DataFrame({"id": ["a", "b", "c"], "role": "supplier"}))
    eco.link("a", "b", "information")
    eco.link("b", "c", "logistics")
    assert reach(eco, "a", conversion=np.eye(4)).reached() == ["a", "b"]
    assert reach(eco, "a").members.tolist() == [0, 1, 2]      # default C[info, logistics] > 0
    assert reach(eco, "a", flows=["capital"]).reached() == ["a"]


def test_reach_is_the_first_non_zero_step_of_a_pulse(belt):
    source = belt.members(role="platform")[0]
    shock = reach(belt, source)
    run = propagate(belt, {source: {f: 1.0 for f in FLOWS}}, steps=30, pulse=True)
    active = (run.array > 0).any(axis=2)             # step x member
    first = np.where(active.any(axis=0), active.argmax(axis=0), -1)
    expected = pd.Series(first, index=shock.members.index).replace(-1, pd.NA)
    assert shock.members.dropna().max() < 30
    assert shock.members.astype("Int64").equals(expected.astype("Int64").rename("step"))


# -------------------------------------------------------------------------------- errors

def test_unknown_member_or_flow_is_a_clear_error():
    eco = chain(3)
    with pytest.raises(UnknownMemberError, match="no member 'zz'"):
        steady_state(eco, {("zz", "information"): 1.0})
    with pytest.raises(UnknownMemberError, match="no member 'zz'"):
        propagate(eco, pd.DataFrame({"information": [1.0]}, index=["zz"]))
    with pytest.raises(UnknownMemberError, match="reach: no member 'zz'"):
        reach(eco, ["m0", "zz"])
    with pytest.raises(ParameterError, match="injection flow 'money' is not one of"):
        steady_state(eco, {("m0", "money"): 1.0})
    with pytest.raises(ParameterError, match="flow 'money' is not one of"):
        reach(eco, "m0", flows=["money"])


def test_bad_conversion_is_rejected():
    with pytest.raises(ParameterError, match=r"4 x 4 matrix .* got shape \(3, 3\)"):
        conversion_matrix(np.eye(3))
    negative = np.zeros((4, 4))
    negative[2, 3] = -0.1
    with pytest.raises(ParameterError, match=r"C\[capital, technology\] = -0.1"):
        conversion_matrix(negative)
    with pytest.raises(ParameterError, match="must be >= 0"):
        steady_state(chain(2), {("m0", "information"): 1.0}, conversion=-np.eye(4))
    with pytest.raises(ParameterError, match="conversion column 'money'"):
        conversion_matrix(pd.DataFrame({"money": {"information": 1.0}}))
    with pytest.raises(ParameterError, match="finite"):
        conversion_matrix(np.full((4, 4), np.nan))
    with pytest.raises(ParameterError, match="numbers"):
        conversion_matrix([["a"] * 4] * 4)


def test_other_bad_arguments():
    eco = chain(3)
    injection = {("m0", "information"): 1.0}
    with pytest.raises(ParameterError, match="damping must be a finite number >= 0"):
        propagate(eco, injection, damping=-0.1)
    with pytest.raises(ParameterError, match="steps must be a whole number >= 0"):
        propagate(eco, injection, steps=-1)
    with pytest.raises(ParameterError, match="method must be"):
        steady_state(eco, injection, method="lu")
    with pytest.raises(ParameterError, match="tol must"):
        steady_state(eco, injection, tol=0)
    with pytest.raises(ParameterError, match=r"shape \(3, 4\)"):
        steady_state(eco, np.ones((2, 4)))
    with pytest.raises(ParameterError, match="no NaN"):
        steady_state(eco, pd.DataFrame({"capital": [np.nan]}, index=["m0"]))
    with pytest.raises(ParameterError, match="must be a number"):
        steady_state(eco, {("m0", "capital"): "lots"})
    with pytest.raises(ParameterError, match="expected an Ecosystem or a FlowModel"):
        steady_state({"m0": 1}, injection)
    with pytest.raises(ParameterError, match="at least one member to shock"):
        reach(eco, [])
    eco.link("m2", "m1", "capital", grade=-2.0)
    with pytest.raises(ParameterError, match="the capital link 'm2' -> 'm1' has -2.0"):
        steady_state(eco, injection, weight="grade")


def test_radius_at_least_one_has_no_steady_state():
    """A cycle conserves flow with damping 1: radius exactly 1, stated in the error."""
    with pytest.raises(NoSteadyStateError, match=r"spectral radius of the flow operator is 1 "):
        steady_state(cycle(4), {("m0", "information"): 1.0}, damping=1.0,
                     conversion=ONLY_INFORMATION)
    with pytest.raises(NoSteadyStateError, match=r"is 1\.5 "):
        steady_state(cycle(3), {("m0", "information"): 1.0}, damping=1.5,
                     conversion=ONLY_INFORMATION)
    assert issubclass(NoSteadyStateError, EcosystemError)
    # the trajectory still runs: a finite number of steps is always defined
    run = propagate(cycle(3), {("m0", "information"): 1.0}, steps=6, damping=1.5,
                    conversion=ONLY_INFORMATION, pulse=True)
    assert run.totals()["information"].iloc[-1] == pytest.approx(1.5 ** 6)


def test_spectral_radius_certificates_and_exact_values():
    """Norm bound first; with damping 1 the Collatz-Wielandt bound or eigenvalues decide."""
    small = networks.industrial_belt(30, seed=4)
    assert spectral_radius(flow_model(small)) == (0.85, "norm bound")
    model = flow_model(small, damping=1.0)
    radius, how = spectral_radius(model)
    exact = np.abs(np.linalg.eigvals(model.operator().toarray())).max()
    assert how == "Collatz-Wielandt bound"
    assert exact <= radius < 1
