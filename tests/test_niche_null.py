"""Null models of community niche overlap (EcoSimR's RA1-RA4)."""

import numpy as np
import pandas as pd
import pytest

from ecosystem import ParameterError
from ecosystem.niche import EmptyNicheError, mean_overlap, null_model, overlap
from ecosystem.niche._null import _fast_mean, _pairwise, _randomise, _statistic

#: MacArthur's (1958) warblers: % of foraging time in 16 zones of a spruce (EcoSimR's macwarb).
MACWARB = pd.DataFrame(
    [[49.9, 13.2, 0, 20.6, 8.3, 0, 4, 0.5, 0, 0, 0, 0, 0, 0, 0, 3.5],
     [6.6, 4.1, 0.3, 7.8, 4.9, 1.3, 9.3, 9.8, 3.6, 1.7, 1.3, 5.1, 0, 0.6, 15.9, 27.7],
     [12.1, 5.7, 0, 17.3, 8.8, 0.7, 21.8, 14.1, 1.5, 6.2, 4.7, 4.5, 1.4, 0.3, 0.9, 0],
     [34.8, 10.5, 3.2, 15.1, 8.3, 2.7, 13.1, 11, 0.7, 0.3, 0.3, 0, 0, 0, 0, 0],
     [3.5, 1.9, 1.4, 6.5, 8, 5.9, 11.4, 19.1, 13.1, 7.7, 8.8, 10.1, 0, 0.1, 2.5, 0]],
    index=["Cape May", "Myrtle", "Black-throated green", "Blackburnian", "Bay-breasted"])


def test_macwarb_matches_ecosimr_published_run():
    """EcoSimR README (Gotelli, Hart & Ellison; run of 24 July 2014): niche_null_model(macwarb),
    pianka, ra3, 1000 replications: observed 0.55514, simulated mean 0.39145, variance 0.0022785,
    SES 3.4293, P(obs <= null) = 0.997. Our draws differ, so the simulated figures agree within
    sampling error only."""
    result = null_model(MACWARB, "ra3", "pianka", replications=1000, seed=2014)
    assert result.observed == pytest.approx(0.55514, abs=5e-6)
    assert result.simulated_mean == pytest.approx(0.39145, abs=0.01)
    assert result.simulated_variance == pytest.approx(0.0022785, rel=0.25)
    assert result.ses == pytest.approx(3.4293, abs=0.6)
    assert result.p_lower > 0.97 and result.p_upper < 0.03


def test_observed_equals_mean_overlap():
    for index in ("pianka", "czekanowski", "morisita_horn", "horn", "macarthur_levins"):
        result = null_model(MACWARB, index=index, replications=20, seed=0)
        assert result.observed == pytest.approx(mean_overlap(MACWARB, index)), index


def test_same_seed_same_result_and_other_seed_differs():
    a = null_model(MACWARB, "ra4", replications=300, seed=11)
    b = null_model(MACWARB, "ra4", replications=300, seed=11)
    c = null_model(MACWARB, "ra4", replications=300, seed=12)
    assert np.array_equal(a.simulated, b.simulated)
    assert a.summary().equals(b.summary())
    assert not np.array_equal(a.simulated, c.simulated)
    generator = np.random.default_rng(11)
    assert np.array_equal(null_model(MACWARB, "ra4", replications=300, seed=generator).simulated,
                          a.simulated)


def test_chunking_does_not_change_the_draws(monkeypatch):
    import ecosystem.niche._null as null
    whole = null_model(MACWARB, "ra3", "horn", replications=50, seed=5).simulated
    monkeypatch.setattr(null, "_BUDGET", 1)  # one iteration per chunk
    assert np.allclose(null_model(MACWARB, "ra3", "horn", replications=50, seed=5).simulated, whole)


def test_ra3_shuffles_each_row_keeping_its_values():
    rng = np.random.default_rng(0)
    values = MACWARB.to_numpy()
    drawn = _randomise(values, "ra3", 200, rng)
    assert np.array_equal(np.sort(drawn, axis=-1), np.broadcast_to(np.sort(values, axis=-1),
                                                                   drawn.shape))
    # zeros do move under ra3
    assert not np.array_equal(drawn > 0, np.broadcast_to(values > 0, drawn.shape))


def test_ra4_keeps_zeros_in_place_and_shuffles_the_rest():
    rng = np.random.default_rng(1)
    values = np.array([[0, 5, 0, 2, 9], [0, 0, 7, 0, 0], [1, 2, 3, 4, 5]], dtype=float)
    drawn = _randomise(values, "ra4", 500, rng)
    assert np.array_equal(drawn > 0, np.broadcast_to(values > 0, drawn.shape))
    assert np.array_equal(np.sort(drawn, axis=-1), np.broadcast_to(np.sort(values, axis=-1),
                                                                   drawn.shape))
    # a single used resource stays put (R's sample() on a length-one vector would not)
    assert (drawn[:, 1] == values[1]).all()
    # every arrangement of row 0's three values turns up
    assert len({tuple(row) for row in drawn[:, 0]}) == 6


def test_ra1_and_ra2():
    rng = np.random.default_rng(2)
    values = np.array([[0, 5, 0], [1, 0, 3]], dtype=float)
    ra1 = _randomise(values, "ra1", 100, rng)
    ra2 = _randomise(values, "ra2", 100, rng)
    assert ((ra1 > 0) & (ra1 < 1)).all()
    assert np.array_equal(ra2 > 0, np.broadcast_to(values > 0, ra2.shape))
    assert (ra2 < 1).all()


@pytest.mark.parametrize("index", ["pianka", "czekanowski", "macarthur_levins"])
def test_fast_mean_equals_mean_of_all_pairs(index):
    rng = np.random.default_rng(3)
    batch = rng.random((5, 7, 4)) * (rng.random((5, 7, 4)) < 0.7) + 1e-3
    matrices = _pairwise(batch, index)
    n = batch.shape[1]
    if index == "macarthur_levins":
        slow = matrices[:, ~np.eye(n, dtype=bool)].mean(axis=1)
    else:
        rows, cols = np.triu_indices(n, 1)
        slow = matrices[:, rows, cols].mean(axis=1)
    assert np.allclose(_fast_mean(batch, index), slow)
    for k in range(len(batch)):
        assert np.allclose(matrices[k], overlap(batch[k], index))


def test_var_and_skew_follow_ecosimr_definitions():
    """EcoSimR pianka_var: R's var (n - 1); pianka_skew: mean((x - m)^3) / sd(x)^3."""
    O = overlap(MACWARB.to_numpy(), "pianka")
    pairs = O[np.triu_indices(5, 1)]
    var = _statistic(MACWARB.to_numpy()[None], "pianka", "var")[0]
    skew = _statistic(MACWARB.to_numpy()[None], "pianka", "skew")[0]
    assert var == pytest.approx(pairs.var(ddof=1))
    assert skew == pytest.approx(((pairs - pairs.mean()) ** 3).mean() / pairs.std(ddof=1) ** 3)
    result = null_model(MACWARB, statistic="var", replications=50, seed=1)
    assert result.observed == pytest.approx(var)


def test_p_values_and_counts_as_ecosimr_reports_them():
    result = null_model(MACWARB, replications=400, seed=4)
    sims, obs = result.simulated, result.observed
    assert result.n_less + result.n_equal + result.n_greater == 400
    assert result.p_lower == pytest.approx(np.mean(sims <= obs))
    assert result.p_upper == pytest.approx(np.mean(sims >= obs))
    assert result.simulated_variance == pytest.approx(np.var(sims, ddof=1))
    assert result.ses == pytest.approx((obs - sims.mean()) / sims.std(ddof=1))
    assert result.lower_95_one_tail == pytest.approx(np.quantile(sims, 0.05))
    assert result.upper_95_two_tail == pytest.approx(np.quantile(sims, 0.975))


def test_observed_beyond_every_simulation_is_reported_as_a_bound():
    partitioned = np.eye(4) * 5 + 0.0  # every member on its own resource: overlap 0
    result = null_model(partitioned, "ra1", replications=100, seed=0)
    assert result.p_lower == 0 and result.n_less == 0
    assert "Lower-tail P < 0.01" in str(result)
    assert "Upper-tail P = 1" in str(result)


def test_ties_when_every_randomisation_gives_the_observed_value():
    """Even use of every resource is unchanged by ra3: all ties, SES undefined (NaN)."""
    result = null_model(np.ones((3, 4)), "ra3", replications=30, seed=0)
    assert result.n_equal == 30 and result.p_lower == 1 and result.p_upper == 1
    assert np.isnan(result.ses)


def test_report_and_summary():
    result = null_model(MACWARB, replications=100, seed=9)
    text = str(result)
    for piece in ("Index: pianka", "Algorithm: ra3", "Observed index: 0.55514",
                  "Mean of simulated index", "Variance of simulated index", "Lower-tail P",
                  "Upper-tail P", "Standardized effect size (SES)", "Seed: 9"):
        assert piece in text
    summary = result.summary()
    assert isinstance(summary, pd.DataFrame) and summary.index.tolist() == ["pianka"]
    assert summary.loc["pianka", "replications"] == 100 and summary.loc["pianka", "members"] == 5
    assert "simulated" not in summary.columns and "seed" not in summary.columns


def test_empty_rows():
    U = pd.concat([MACWARB, pd.DataFrame([[0.0] * 16], index=["idle"],
                                         columns=MACWARB.columns)])
    with pytest.raises(EmptyNicheError, match="'idle'"):
        null_model(U, replications=10, seed=0)
    left_out = null_model(U, replications=50, seed=0, empty="nan")
    assert left_out.members == 5
    assert left_out.observed == pytest.approx(0.55514, abs=5e-6)


def test_bad_arguments():
    with pytest.raises(ParameterError, match="algorithm 'ra5' is not one of"):
        null_model(MACWARB, "ra5")
    with pytest.raises(ParameterError, match="index 'morisita' is not one of"):
        null_model(MACWARB, index="morisita")
    with pytest.raises(ParameterError, match="statistic 'median'"):
        null_model(MACWARB, statistic="median")
    with pytest.raises(ParameterError, match="replications must be a whole number >= 2"):
        null_model(MACWARB, replications=1)
    with pytest.raises(ParameterError, match="replications must be"):
        null_model(MACWARB, replications=10.0)
    with pytest.raises(ParameterError, match="at least 3 members"):
        null_model(MACWARB.iloc[:2], statistic="skew")
    with pytest.raises(ParameterError, match="at least 2 members"):
        null_model(MACWARB.iloc[:1])
