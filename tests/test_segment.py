"""Fuzzy c-means (ecosystem.segment): Bezdek's (1981) update, invariants, member segments, CLI."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from ecosystem import Ecosystem, ParameterError, UnknownMemberError
from ecosystem.cli import main
from ecosystem.segment import fuzzy_cmeans, member_features, segment_members


def _blobs(seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]])
    x = np.vstack([rng.normal(c, 0.3, (30, 2)) for c in centres])
    return x, np.repeat([0, 1, 2], 30), centres


def test_recovers_separable_clusters():
    x, truth, centres = _blobs()
    fit = fuzzy_cmeans(x, 3, seed=2)
    labels = fit.labels.to_numpy()
    # each true cluster maps to exactly one segment and the three segments differ
    mapping = {t: set(labels[truth == t]) for t in range(3)}
    assert all(len(s) == 1 for s in mapping.values())
    assert len(set.union(*mapping.values())) == 3
    found = fit.centres.to_numpy()
    assert np.allclose(np.sort(found, axis=0), np.sort(centres, axis=0), atol=0.2)
    assert fit.converged and fit.partition_coefficient > 0.9


def test_two_point_closed_form():
    """Two points, two centres: the optimum puts one centre on each point, memberships crisp."""
    fit = fuzzy_cmeans(np.array([[0.0], [1.0]]), 2, seed=0, tol=1e-12, max_iter=2000)
    assert np.allclose(np.sort(fit.centres.to_numpy().ravel()), [0.0, 1.0], atol=1e-4)
    assert fit.objective == pytest.approx(0.0, abs=1e-6)


def test_membership_formula_one_step():
    """One update from fixed centres equals Bezdek's u_ik = 1 / sum_j (d_ik/d_ij)^(2/(m-1))."""
    x = np.array([[0.0], [1.0], [3.0]])
    u0 = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    fit = fuzzy_cmeans(x, 2, m=2.0, initial_memberships=u0, max_iter=1)
    w = u0 ** 2
    v = (w.T @ x) / w.sum(axis=0)[:, None]
    d = np.abs(x - v.T)
    expected = 1.0 / ((d[:, :, None] / d[:, None, :]) ** 2).sum(axis=2)
    assert np.allclose(fit.memberships.to_numpy(), expected)


def test_objective_never_increases_and_seed_reproducible():
    x, _, _ = _blobs(3)
    a = fuzzy_cmeans(x, 4, m=1.7, seed=11)
    b = fuzzy_cmeans(x, 4, m=1.7, seed=11)
    assert np.all(np.diff(a.history) <= 1e-9 * a.history[0])
    pd.testing.assert_frame_equal(a.memberships, b.memberships)


@settings(max_examples=40)
@given(arrays(float, st.tuples(st.integers(3, 25), st.integers(1, 4)),
              elements=st.floats(-100, 100)),
       st.integers(2, 3), st.floats(1.2, 4.0), st.integers(0, 2**16))
def test_memberships_sum_to_one_and_objective_never_rises(x, c, m, seed):
    """Bezdek's constraint (Zhang, Yan & Guo's formula 2) holds for any data, coinciding points
    included; each alternating step can only lower J_m."""
    fit = fuzzy_cmeans(x, c, m=m, seed=seed, max_iter=50)
    u = fit.memberships.to_numpy()
    assert np.all(u >= 0) and np.allclose(u.sum(axis=1), 1.0)
    assert np.isfinite(fit.objective)
    assert np.all(np.diff(fit.history) <= 1e-9 * (1 + fit.history[0]))
    assert fit.objective <= fit.history[-1] + 1e-9 * (1 + fit.history[0])


@settings(max_examples=30)
@given(arrays(float, st.tuples(st.integers(4, 20), st.integers(1, 3)),
              elements=st.integers(-50_000, 50_000).map(lambda v: v / 1000)),
       st.floats(1.3, 3.0), st.integers(0, 2**16), st.floats(-100, 100), st.floats(0.1, 10))
def test_invariant_to_translation_scaling_and_row_order(x, m, seed, shift, scale):
    """J_m depends on the data only through distances: shifting and scaling the points moves
    the centres along and multiplies J_m by scale^2; permuting the points permutes the
    memberships (same start, permuted). Coordinates on a 0.001 grid, so that a shift cannot
    wipe out differences below the rounding of the shifted values."""
    u0 = np.random.default_rng(seed).dirichlet(np.ones(2), size=len(x))
    options = {"m": m, "initial_memberships": u0, "max_iter": 20, "tol": 1e-300}
    base = fuzzy_cmeans(x, 2, **options)
    moved = fuzzy_cmeans(scale * x + shift, 2, **options)
    assert np.allclose(moved.memberships, base.memberships, atol=1e-6)
    assert np.allclose(moved.centres, scale * base.centres + shift, atol=1e-6 * (1 + scale * 50))
    assert moved.objective == pytest.approx(scale ** 2 * base.objective, rel=1e-6, abs=1e-6)
    order = np.random.default_rng(seed + 1).permutation(len(x))
    shuffled = fuzzy_cmeans(x[order], 2, **{**options, "initial_memberships": u0[order]})
    assert np.allclose(shuffled.memberships.to_numpy(), base.memberships.to_numpy()[order],
                       atol=1e-9)
    assert np.allclose(shuffled.centres, base.centres, atol=1e-9)


def test_converged_partition_is_a_fixed_point_of_both_updates():
    """At convergence the centres are the u^m-weighted means and the memberships are
    Bezdek's u_ik = 1 / sum_j (d_ik / d_ij)^(2/(m-1)) of those centres (m = 1.6)."""
    x, _, _ = _blobs(5)
    fit = fuzzy_cmeans(x, 3, m=1.6, seed=4, tol=1e-12, max_iter=1000)
    assert fit.converged
    u, v = fit.memberships.to_numpy(), fit.centres.to_numpy()
    w = u ** 1.6
    assert np.allclose(v, (w.T @ x) / w.sum(axis=0)[:, None], atol=1e-9)
    d = np.sqrt(((x[:, None, :] - v[None]) ** 2).sum(axis=2))
    expected = 1.0 / ((d[:, :, None] / d[:, None, :]) ** (2 / 0.6)).sum(axis=2)
    assert np.allclose(u, expected, atol=1e-9)
    assert fit.objective == pytest.approx((w * d ** 2).sum())


def test_identical_points_belong_to_every_cluster_equally():
    """All points equal: every centre lands on them, so each point coincides with every
    centre and the limit of Bezdek's update gives 1/c each, even where rounding leaves one
    centre 2e-16 away (this start does, for x = 1)."""
    x = np.ones((4, 1))
    for seed in range(5):
        u0 = np.random.default_rng(seed).dirichlet(np.ones(2), size=4)
        fit = fuzzy_cmeans(x, 2, m=1.5, initial_memberships=u0)
        assert np.allclose(fit.memberships.to_numpy(), 0.5)
        assert fit.objective < 1e-28


def test_bezdek_butterfly_bridge_point_is_shared_equally():
    """Bezdek's butterfly (Bezdek 1981, Pattern Recognition with Fuzzy Objective Function
    Algorithms, §S11): two wings of 7 points joined by a bridge point at (3, 2). With c = 2,
    m = 2 the mirror symmetry puts the centres at mirror positions and gives the bridge
    membership 1/2 in each cluster, while hard k-means must assign it to one side."""
    wing = [(0, 0), (0, 2), (0, 4), (1, 1), (1, 2), (1, 3), (2, 2)]
    points = np.array(wing + [(3, 2)] + [(6 - a, b) for a, b in wing], dtype=float)
    fit = fuzzy_cmeans(points, 2, m=2.0, seed=0, tol=1e-12, max_iter=1000)
    u = fit.memberships.to_numpy()
    assert u[7] == pytest.approx([0.5, 0.5], abs=1e-6)
    v = fit.centres.to_numpy()
    assert v[:, 1] == pytest.approx([2.0, 2.0], abs=1e-6)
    assert v[:, 0].sum() == pytest.approx(6.0, abs=1e-6)
    left = fit.labels.iloc[:7]
    assert left.nunique() == 1 and (fit.labels.iloc[8:] != left.iloc[0]).all()


def test_segment_members_by_attribute_and_table():
    eco = Ecosystem()
    sizes = [1, 2, 1, 50, 52, 49]
    for i, size in enumerate(sizes):
        eco.add_member(f"f{i}", "manufacturer", employees=size)
    eco.add_member("lg", "logistics")  # no employees: left out
    fit = segment_members(eco, ["employees"], 2, seed=0)
    assert list(fit.memberships.index) == [f"f{i}" for i in range(6)]
    assert fit.labels["f0"] == fit.labels["f2"] != fit.labels["f4"]
    table = pd.DataFrame({"x": sizes}, index=[f"f{i}" for i in range(6)])
    fit2 = segment_members(eco, table, 2, seed=0)
    assert (fit2.labels == fit.labels).all()


@pytest.mark.parametrize("kwargs, match", [
    ({"n_clusters": 1}, "n_clusters"),
    ({"n_clusters": 9}, "n_clusters"),
    ({"n_clusters": 2, "m": 1.0}, "fuzzifier"),
    ({"n_clusters": 2, "m": float("inf")}, "fuzzifier"),
    ({"n_clusters": 2, "tol": 0.0}, "tol"),
    ({"n_clusters": 2, "max_iter": 2.5}, "max_iter"),
    ({"n_clusters": 2, "initial_memberships": np.array([[1.0, 0.0]] * 4)}, "every cluster"),
    ({"n_clusters": 2, "initial_memberships": np.ones((4, 2))}, "initial_memberships"),
])
def test_bad_parameters(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        fuzzy_cmeans(np.arange(8.0).reshape(4, 2), **kwargs)


def test_bad_data():
    with pytest.raises(ParameterError, match="NaN"):
        fuzzy_cmeans(np.array([[0.0], [np.nan], [1.0]]), 2)
    with pytest.raises(ParameterError, match="numeric"):
        fuzzy_cmeans(pd.DataFrame({"a": ["x", "y", "z"]}), 2)
    eco = Ecosystem()
    eco.add_member("a", "supplier", size="big")
    eco.add_member("b", "supplier", size=3)
    with pytest.raises(ParameterError, match="'size' is not numeric for 'a'"):
        segment_members(eco, ["size"], 2)
    with pytest.raises(ParameterError, match="'size' is missing for member 'c'"):
        eco.add_member("c", "supplier")
        segment_members(eco, ["size"], 2, members=["b", "c"])
    with pytest.raises(UnknownMemberError, match="ghost"):
        segment_members(eco, pd.DataFrame({"x": [1.0]}, index=["ghost"]), 2)
    with pytest.raises(UnknownMemberError, match="ghost"):
        segment_members(eco, ["size"], 2, members=["b", "ghost"])
    with pytest.raises(ParameterError, match="metric is written"):
        member_features(eco, ["sideways:logistics"])
    with pytest.raises(ParameterError, match="flow 'gossip'"):
        member_features(eco, ["in:gossip"])


def test_segment_by_flow_metrics_and_a_metrics_table():
    """Members whose only difference is their logistics throughput split by out:logistics;
    a metrics table with the same numbers gives the same segments."""
    eco = Ecosystem()
    eco.add_member("hub", "platform")
    volumes = {"s0": 1.0, "s1": 2.0, "s2": 1.5, "b0": 90.0, "b1": 100.0, "b2": 95.0}
    for member, volume in volumes.items():
        eco.add_member(member, "manufacturer")
        eco.link(member, "hub", "logistics", volume=volume)
    table = member_features(eco, ["out:logistics", "in:logistics", "links:logistics", "role"])
    assert table.loc["hub", "in:logistics"] == sum(volumes.values())
    assert table.loc["hub", "links:logistics"] == 6 and table.loc["s0", "links:logistics"] == 1
    assert table.loc["s1", "role"] == "manufacturer"
    fit = segment_members(eco, ["out:logistics"], 2, members=list(volumes), seed=1)
    labels = fit.labels
    assert labels["s0"] == labels["s1"] == labels["s2"] != labels["b0"] == labels["b1"]
    metrics = pd.DataFrame({"throughput": volumes})
    again = segment_members(eco, metrics, 2, seed=1)
    assert (again.labels.loc[list(volumes)] == labels).all()
    raw = segment_members(eco, metrics, 2, seed=1, standardize=False)
    assert sorted(raw.centres["throughput"].round(0)) == pytest.approx([2.0, 95.0], abs=1.0)


def test_standardize_is_the_z_score_of_each_feature():
    """standardize=True runs FCM on (x - mean) / population sd, column by column; a constant
    column is left at 0."""
    eco = Ecosystem()
    rng = np.random.default_rng(2)
    table = pd.DataFrame({"big": rng.normal(1000, 300, 12), "small": rng.normal(0, 0.01, 12),
                          "flat": 7.0}, index=[f"m{i}" for i in range(12)])
    for member in table.index:
        eco.add_member(member, "supplier")
    u0 = rng.dirichlet(np.ones(3), size=12)
    fit = segment_members(eco, table, 3, initial_memberships=u0)
    z = (table - table.mean()) / table.std(ddof=0).replace(0.0, 1.0)
    assert (z["flat"] == 0).all()
    direct = fuzzy_cmeans(z, 3, initial_memberships=u0)
    pd.testing.assert_frame_equal(fit.memberships, direct.memberships)
    pd.testing.assert_frame_equal(fit.centres, direct.centres)


@pytest.fixture
def firms_spec(tmp_path):
    eco = Ecosystem("firms")
    eco.add_member("hub", "platform")
    for i, (employees, volume) in enumerate([(3, 1.0), (4, 2.0), (5, 1.0), (200, 90.0),
                                             (210, 95.0), (190, 99.0)]):
        eco.add_member(f"f{i}", "manufacturer", employees=employees)
        eco.link(f"f{i}", "hub", "logistics", volume=volume)
    path = tmp_path / "firms.yaml"
    eco.save(str(path))
    metrics = tmp_path / "metrics.csv"
    pd.DataFrame({"score": [1, 1, 2, 9, 9, 8]}, index=[f"f{i}" for i in range(6)]).to_csv(metrics)
    return str(path), str(metrics)


def _centres_printed(out):
    """The centres table: the lines after the memberships that start with a segment name."""
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines)
                  if line.startswith(" ") and "segment" not in line and i > 0)
    rows = [line.split()[1:] for line in lines[header + 1:] if line.startswith("segment_")]
    return np.array(rows, dtype=float)


def test_cli_segment(firms_spec, tmp_path, capsys):
    spec, metrics = firms_spec
    out_csv = tmp_path / "segments.csv"
    assert main(["segment", spec, "--features", "employees,out:logistics", "--metrics", metrics,
                 "--clusters", "2", "--csv", str(out_csv)]) == 0
    out = capsys.readouterr().out
    assert "partition coefficient" in out and "score" in out and "hub" not in out
    table = pd.read_csv(out_csv, index_col=0)
    assert list(table.index) == [f"f{i}" for i in range(6)]
    assert table["segment"].iloc[:3].nunique() == 1 and table["segment"].iloc[3:].nunique() == 1
    assert table["segment"].iloc[0] != table["segment"].iloc[3]
    assert np.allclose(table[["segment_0", "segment_1"]].sum(axis=1), 1.0)
    centres = _centres_printed(out)
    assert centres.shape == (2, 3) and np.abs(centres).max() < 3  # standardized units
    assert main(["segment", spec, "--features", "employees", "--clusters", "2", "--raw"]) == 0
    centres = _centres_printed(capsys.readouterr().out)
    assert sorted(centres[:, 0]) == pytest.approx([4.0, 200.0], abs=0.5)  # employees' units
    assert main(["segment", spec, "--clusters", "2"]) != 0
    assert "--features" in capsys.readouterr().err
    assert main(["segment", spec, "--features", "employees", "--m", "1"]) != 0
    assert "fuzzifier" in capsys.readouterr().err
