"""ecosystem.flows: invariants of the linear flow model on random small ecosystems (hypothesis).

With row sums of C at most 1 and damping at most 0.95, ``||A||_1 <= 0.95``, so
every example has a steady state and a pulse decays at least like ``0.95^t``.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ecosystem.flows import FLOWS, flow_model, propagate, reach, steady_state
from test_flows_cascade import ecosystems

# no tiny positive entries: a pulse would underflow to 0 where reach says it arrives
conversions = arrays(float, (4, 4), elements=st.just(0.0) | st.floats(1e-3, 1.0)).map(
    lambda c: c / np.maximum(c.sum(axis=1, keepdims=True), 1.0))
dampings = st.floats(0.0, 0.95)


def injections(n: int, low: float = 0.0):
    return arrays(float, (n, 4), elements=st.floats(low, 10.0))


@given(eco=ecosystems(), conversion=conversions, damping=dampings, data=st.data())
def test_steady_state_and_trajectory_are_linear_in_the_injections(eco, conversion, damping,
                                                                  data):
    n = len(eco)
    first, second = data.draw(injections(n, -10.0)), data.draw(injections(n, -10.0))
    scale = data.draw(st.floats(-3.0, 3.0))
    model = flow_model(eco, conversion, damping)
    combined = steady_state(model, scale * first + second).levels.to_numpy()
    parts = (scale * steady_state(model, first).levels.to_numpy()
             + steady_state(model, second).levels.to_numpy())
    np.testing.assert_allclose(combined, parts, atol=1e-8 * (1 + np.abs(parts).max()))
    run = propagate(model, scale * first + second, steps=5).array
    run_parts = scale * propagate(model, first, steps=5).array + \
        propagate(model, second, steps=5).array
    np.testing.assert_allclose(run, run_parts, atol=1e-9 * (1 + np.abs(run_parts).max()))


@given(eco=ecosystems(), conversion=conversions, data=st.data())
def test_non_negative_injections_give_levels_at_least_the_injection_and_growing_in_damping(
        eco, conversion, data):
    """``x = b + A x`` with ``A >= 0``: ``x >= b >= 0``, and ``A`` grows with the damping."""
    b = data.draw(injections(len(eco)))
    low, high = sorted(data.draw(st.lists(dampings, min_size=2, max_size=2)))
    model = flow_model(eco, conversion, low)
    x_low = steady_state(model, b).levels.to_numpy()
    x_high = steady_state(model, b, damping=high).levels.to_numpy()
    tolerance = 1e-9 * (1 + b.sum() * 20)
    assert (x_low >= b - tolerance).all()
    assert (x_high >= x_low - tolerance).all()
    assert (propagate(model, b, steps=6, pulse=True).array >= 0).all()


@settings(max_examples=40)
@given(eco=ecosystems(), conversion=conversions, damping=dampings, data=st.data())
def test_steady_state_is_the_neumann_sum_and_solvers_agree(eco, conversion, damping, data):
    """``sum_{k <= T} A^k b`` with T = 700 is within ``0.95^701 / 0.05 ~ 5e-15`` of x*."""
    b = data.draw(injections(len(eco)))
    model = flow_model(eco, conversion, damping)
    direct = steady_state(model, b, method="direct").levels.to_numpy()
    iterative = steady_state(model, b, method="iterative", tol=1e-12).levels.to_numpy()
    neumann = propagate(model, b, steps=700, pulse=True).array.sum(axis=0)
    scale = 1 + b.sum() * 20
    np.testing.assert_allclose(direct, neumann, atol=1e-10 * scale)
    np.testing.assert_allclose(iterative, direct, atol=1e-9 * scale)


@settings(max_examples=40)
@given(eco=ecosystems(), conversion=conversions, damping=st.floats(0.0, 0.95), data=st.data())
def test_flow_is_conserved_when_nothing_leaves(eco, conversion, damping, data):
    """Close a cycle through every member in every flow and make C row-stochastic: then
    ``1^T A = d 1^T``, a pulse totals ``d^t sum(b)`` at step t and x* totals ``sum(b)/(1-d)``."""
    members = list(eco.graph)
    if len(members) < 2:
        return
    for source, target in zip(members, members[1:] + members[:1]):
        for flow in FLOWS:
            if eco.graph.has_edge(source, target, key=flow):
                eco.unlink(source, target, flow)      # it may have volume 0
            eco.link(source, target, flow, volume=1.0)
    stochastic = conversion + 1e-3
    stochastic = stochastic / stochastic.sum(axis=1, keepdims=True)
    b = data.draw(injections(len(eco)))
    run = propagate(eco, b, steps=8, damping=damping, conversion=stochastic, pulse=True)
    np.testing.assert_allclose(run.array.sum(axis=(1, 2)), b.sum() * damping ** np.arange(9),
                               rtol=1e-9, atol=1e-12)
    total = steady_state(eco, b, damping=damping, conversion=stochastic).levels.to_numpy().sum()
    assert total == pytest.approx(b.sum() / (1 - damping), rel=1e-8, abs=1e-10)


@given(eco=ecosystems(), conversion=conversions, data=st.data())
def test_reach_is_the_first_step_a_pulse_arrives(eco, conversion, data):
    """Nothing cancels in a non-negative operator, so reach = first non-zero pulse step."""
    members = list(eco.graph)
    source = data.draw(st.sampled_from(members))
    flows = data.draw(st.lists(st.sampled_from(FLOWS), min_size=1, unique=True))
    shock = reach(eco, source, flows=flows, conversion=conversion, damping=0.5)
    b = {source: {flow: 1.0 for flow in flows}}
    run = propagate(eco, b, steps=4 * len(members), conversion=conversion, damping=0.5, pulse=True)
    arrived = (run.array > 0).any(axis=2)
    for position, member in enumerate(members):
        steps = np.flatnonzero(arrived[:, position])
        if steps.size:
            assert shock.members[member] == steps[0]
        else:
            assert shock.members.isna()[member]


# magnitudes far from underflow, where the exact solution is representable
entries = st.floats(-10.0, 10.0).filter(lambda v: v == 0 or abs(v) > 1e-200)


@settings(max_examples=60)
@given(matrix=arrays(float, (6, 6), elements=st.floats(-1.0, 1.0)),
       rhs=arrays(float, 6, elements=entries))
def test_bicgstab_is_right_whenever_it_reports_convergence(matrix, rhs):
    """The hand-written BiCGSTAB on ``M = 7 I + R``, |R_ij| <= 1. A sparse R can make it break
    down (``r_hat . r = 0``; steady_state then hands over to GMRES), but it may never claim
    a wrong answer."""
    from ecosystem.flows._solve import bicgstab

    system = 7 * np.eye(6) + matrix
    x, converged = bicgstab(lambda v: system @ v, rhs, np.zeros(6), rtol=1e-12)
    if converged:
        np.testing.assert_allclose(system @ x, rhs, atol=1e-9 * (np.abs(rhs).max() + 1e-300))


@settings(max_examples=60)
@given(matrix=arrays(float, (6, 6), elements=st.floats(0.01, 1.0)),
       rhs=arrays(float, 6, elements=st.floats(0.1, 10.0)))
def test_bicgstab_converges_on_dense_positive_systems(matrix, rhs):
    """No exact breakdown on a dense positive system: BiCGSTAB alone must solve it."""
    from ecosystem.flows._solve import bicgstab

    system = 7 * np.eye(6) + matrix
    x, converged = bicgstab(lambda v: system @ v, rhs, np.zeros(6), rtol=1e-12)
    assert converged
    np.testing.assert_allclose(system @ x, rhs, atol=1e-9 * np.abs(rhs).max())
