"""Coupling coordination degree (ecosystem.coupling) and `ecobelt coupling`."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

from ecosystem import ParameterError
from ecosystem.cli import main
from ecosystem.coupling import (BANDS, coordination, coordination_band, coupling_degree,
                                entropy_weights, standardize, zhejiang_2016_2020)

SPLIT = {"export": ["export_volume", "export_growth"],
         "import": ["import_volume", "import_growth"]}


def test_two_subsystems_by_hand():
    """U = (0.2, 0.8): standard C = 2 sqrt(0.16) / 1 = 0.8; adjusted C (Wang et al. 2021,
    two subsystems) = sqrt((1 - 0.6) * 0.2 / 0.8) = sqrt(0.1)."""
    u = np.array([[0.2, 0.8]])
    assert coupling_degree(u, "standard")[0] == pytest.approx(0.8)
    assert coupling_degree(u, "adjusted")[0] == pytest.approx(math.sqrt(0.1))


def test_three_subsystems_by_hand():
    """U = (0.2, 0.4, 0.8): standard C = geometric mean 0.4 / arithmetic mean 1.4/3;
    adjusted: pairwise gaps 0.2 + 0.6 + 0.4 over 1 + 2 = 3 pairs -> 1 - 0.4 = 0.6,
    (0.25 * 0.5 * 1) ** (1 / 2) -> C = sqrt(0.6 * sqrt(0.125))."""
    u = np.array([[0.2, 0.4, 0.8]])
    assert coupling_degree(u, "standard")[0] == pytest.approx(0.4 / (1.4 / 3))
    assert coupling_degree(u, "adjusted")[0] == pytest.approx(math.sqrt(0.6 * math.sqrt(0.125)))


#: R package coupling (Lyu; CRAN, vignette "Coupling Coordination Degree Model and
#: Metacoupling Analysis"): the first six rows of sdsfun's gzma data (four subsystem scores,
#: min-max normalised, printed to 7 decimals) and what coupling::ccd() printed for them.
GZMA = np.array([[0.8179733, 0.3246648, 0.6590316, 0.1308531],
                 [0.3020233, 0.1318888, 0.4046987, 0.5173794],
                 [0.9209903, 0.3353516, 0.6921477, 0.3141320],
                 [0.9604095, 0.3914758, 0.7099999, 0.4316421],
                 [0.9061589, 0.3473603, 0.7297774, 0.6909494],
                 [0.9456379, 0.4391423, 0.7304117, 0.4792905]])
GZMA_PRINTED = {  # method: (C, D), D = sqrt(C T) with T the plain mean of the four scores
    "standard": ([0.8051958, 0.8914577, 0.8999423, 0.9346128, 0.9440912, 0.9519923],
                 [0.6237105, 0.5497290, 0.7134825, 0.7632959, 0.7944703, 0.7858001]),
    "adjusted": ([0.4722274, 0.6211236, 0.5375842, 0.5861986, 0.6640321, 0.6319211],
                 [0.4776480, 0.4588675, 0.5514412, 0.6045044, 0.6662930, 0.6402164]),
}


@pytest.mark.parametrize("method", ["standard", "adjusted"])
def test_four_subsystems_match_the_r_package_coupling(method):
    """Published values: coupling::ccd(dt) and ccd(dt, method = "wang") in the R package
    coupling's vignette (Wang et al. 2021's adjusted C is its "wang"), four subsystems. The
    inputs are printed to 7 decimals, so agreement is to about 1e-7."""
    c = coupling_degree(GZMA, method)
    printed_c, printed_d = GZMA_PRINTED[method]
    assert np.allclose(c, printed_c, atol=3e-7)
    assert np.allclose(np.sqrt(c * GZMA.mean(axis=1)), printed_d, atol=3e-7)
    frame = pd.DataFrame(GZMA, columns=["PS", "EL", "OH", "IL"])
    # the pipeline on the scores as given (one indicator per subsystem) gives the same
    result = coordination(frame, method=method, rescale=False)
    assert np.allclose(result["C"], printed_c, atol=3e-7)
    assert np.allclose(result["D"], printed_d, atol=3e-7)
    with pytest.raises(ParameterError, match=r"already be in \[0, 1\]; \['PS'\]"):
        coordination(frame.assign(PS=frame["PS"] * 2), rescale=False)
    with pytest.raises(ParameterError, match="negative indicators need rescale=True"):
        coordination(frame, rescale=False, negative=["PS"])


def test_equal_scores_couple_perfectly():
    u = np.array([[0.3, 0.3, 0.3], [1.0, 1.0, 1.0]])
    assert np.allclose(coupling_degree(u, "standard"), 1.0)
    assert np.allclose(coupling_degree(u, "adjusted"), 1.0)


def test_standardize_positive_and_negative_with_shift():
    frame = pd.DataFrame({"good": [2.0, 4.0, 6.0], "bad": [6.0, 4.0, 2.0]})
    out = standardize(frame, negative=["bad"], shift=0.1)
    expected = [0.1, 0.55, 1.0]  # 0.1 + 0.9 * (0, 0.5, 1)
    assert np.allclose(out["good"], expected) and np.allclose(out["bad"], expected)


def test_entropy_weights_by_hand():
    """Two rows: a = (1, 1) has p = (1/2, 1/2), entropy 1, weight 0; b = (1, 3) and
    d = (1, 2) have e = -(sum p ln p) / ln 2 with p = (1/4, 3/4) and (1/3, 2/3)."""
    w = entropy_weights(pd.DataFrame({"a": [1.0, 1.0], "b": [1.0, 3.0], "d": [1.0, 2.0]}))
    d_b = 1 + (0.25 * math.log(0.25) + 0.75 * math.log(0.75)) / math.log(2)
    d_d = 1 + (math.log(1 / 3) / 3 + 2 * math.log(2 / 3) / 3) / math.log(2)
    assert w["a"] == pytest.approx(0.0, abs=1e-15)
    assert w["b"] == pytest.approx(d_b / (d_b + d_d))
    assert w["d"] == pytest.approx(d_d / (d_b + d_d))


def _worked_example_by_hand():
    """Qian's Table 1 coupling, recomputed with plain Python loops."""
    table = zhejiang_2016_2020()
    shift, m = 0.01, len(table)
    scores = {}
    for name, cols in SPLIT.items():
        scaled = {}
        for col in cols:  # every indicator positive
            x = list(table[col])
            lo, hi = min(x), max(x)
            scaled[col] = [shift + (1 - shift) * (v - lo) / (hi - lo) for v in x]
        div = {}
        for col, x in scaled.items():
            total = sum(x)
            e = -sum(v / total * math.log(v / total) for v in x) / math.log(m)
            div[col] = 1 - e
        weights = {col: d / sum(div.values()) for col, d in div.items()}
        scores[name] = [sum(weights[c] * scaled[c][i] for c in cols) for i in range(m)]
    rows = []
    for u1, u2 in zip(scores["export"], scores["import"]):
        c = math.sqrt((1 - abs(u1 - u2)) * min(u1, u2) / max(u1, u2))
        t = (u1 + u2) / 2
        rows.append((u1, u2, c, t, math.sqrt(c * t)))
    return rows


def test_zhejiang_worked_example():
    """Qian, Table 1, Zhejiang 2016-2020: export side (export volume, export
    growth) vs import side (import volume, import growth), all four positive indicators,
    entropy weights, shift 0.01, equal subsystem weights, adjusted C. Checked against a
    loop re-computation and against the rounded figures of the module's docstring."""
    result = coordination(zhejiang_2016_2020(), SPLIT, row_names="year")
    expected = np.array(_worked_example_by_hand())
    got = result[["U_export", "U_import", "C", "T", "D"]].to_numpy()
    assert np.allclose(got, expected, rtol=1e-12)
    assert list(result.index) == [2016, 2017, 2018, 2019, 2020]
    assert np.allclose(result["D"], [0.4743, 0.5932, 0.4011, 0.5374, 0.6730], atol=5e-5)
    assert list(result["level"]) == [5, 6, 5, 6, 7]
    assert result.loc[2020, "band"] == "primary coordination"


def test_adjusted_spreads_what_standard_crowds():
    """Wang et al. (2021): the standard C crowds near 1, the adjusted one does not."""
    table = zhejiang_2016_2020()
    standard = coordination(table, SPLIT, row_names="year", method="standard")["C"]
    adjusted = coordination(table, SPLIT, row_names="year")["C"]
    assert standard.min() > 0.88
    assert adjusted.max() - adjusted.min() > standard.max() - standard.min()
    assert (adjusted < standard).all()


def test_dataset_matches_seed_table():
    """Qian's Table 1 as printed: export total 3131.9 matches the rows; the printed import
    total 1124.1 and grand total 4256.0 do not (the rows give 1124.51 and 4256.4), and each
    year's total is export + import to within the 2019 import's extra digit."""
    table = zhejiang_2016_2020()
    assert table.shape == (5, 7)
    assert table["export_volume"].sum() == pytest.approx(3131.9)
    assert table["import_volume"].sum() == pytest.approx(1124.51)
    assert table["total_volume"].sum() == pytest.approx(4256.4)
    assert np.allclose(table["total_volume"], table["export_volume"] + table["import_volume"],
                       atol=0.02)
    # printed growth rates: the export ones follow from the volumes, the import ones do not
    implied = 100 * (table[["export_volume", "import_volume"]].pct_change()).iloc[1:]
    assert np.allclose(implied["export_volume"], table["export_growth"].iloc[1:], atol=0.06)
    assert implied["import_volume"].iloc[0] == pytest.approx(96.68, abs=0.01)  # printed 93.0
    assert table["import_growth"].iloc[1] == 93.0


def test_band_boundaries():
    assert list(coordination_band([0.1, 0.3, 0.29999999999999993, 0.8999, 0.9, 1.0])) == \
        [2, 4, 4, 9, 10, 10]
    assert len(BANDS) == 10 and BANDS[0] == "extreme disorder"


def test_given_weights_and_subsystem_weights():
    frame = pd.DataFrame({"a1": [0.0, 1.0, 2.0], "a2": [2.0, 1.0, 0.0], "b": [0.0, 2.0, 1.0]})
    out = coordination(frame, {"A": ["a1", "a2"], "B": ["b"]}, weights={"a1": 0.5, "a2": 0.5,
                       "b": 1.0}, subsystem_weights={"A": 0.25, "B": 0.75}, shift=0.0)
    assert np.allclose(out["U_A"], 0.5) and np.allclose(out["U_B"], [0.0, 1.0, 0.5])
    assert np.allclose(out["T"], 0.25 * 0.5 + 0.75 * np.array([0.0, 1.0, 0.5]))


@given(st.lists(st.lists(st.floats(0.01, 1.0), min_size=2, max_size=5), min_size=1, max_size=6)
       .filter(lambda rows: len({len(r) for r in rows}) == 1))
def test_coupling_degrees_in_unit_interval(rows):
    """Both degrees lie in [0, 1], equal 1 only for equal scores, and neither depends on the
    order of the subsystems."""
    u = np.array(rows)
    for method in ("standard", "adjusted"):
        c = coupling_degree(u, method)
        assert ((c >= 0) & (c <= 1 + 1e-12)).all()
        assert np.allclose(c, coupling_degree(u[:, ::-1], method))
        unequal = u.max(axis=1) - u.min(axis=1) > 1e-6
        assert (c[unequal] < 1).all()


# ------------------------------------------------------------------ errors
def test_nan_is_an_error():
    table = zhejiang_2016_2020()
    table.loc[2, "import_growth"] = np.nan
    with pytest.raises(ParameterError, match="import_growth.*row 2"):
        coordination(table, SPLIT, row_names="year")


def test_unknown_column_and_overlap_errors():
    table = zhejiang_2016_2020()
    with pytest.raises(ParameterError, match="'sales' is not a column"):
        coordination(table, {"a": ["sales"], "b": ["import_volume"]})
    with pytest.raises(ParameterError, match="in both subsystem"):
        coordination(table, {"a": ["import_volume"], "b": ["import_volume"]})
    with pytest.raises(ParameterError, match="at least 2 subsystems"):
        coordination(table, {"a": ["import_volume"]})
    with pytest.raises(ParameterError, match="not in any subsystem"):
        coordination(table, SPLIT, negative=["total_volume"])
    with pytest.raises(ParameterError, match="row_names column 'yr'"):
        coordination(table, SPLIT, row_names="yr")


def test_bad_values_are_errors():
    frame = pd.DataFrame({"a": [1.0, 1.0], "b": [1.0, 2.0]})
    with pytest.raises(ParameterError, match="same value in every row"):
        coordination(frame)
    with pytest.raises(ParameterError, match="at least 2 rows"):
        coordination(frame.iloc[:1])
    with pytest.raises(ParameterError, match="not numeric"):
        coordination(pd.DataFrame({"a": ["x", "y"], "b": [1.0, 2.0]}))
    with pytest.raises(ParameterError, match="shift"):
        coordination(pd.DataFrame({"a": [0.0, 1.0], "b": [1.0, 2.0]}), shift=1.0)
    with pytest.raises(ParameterError, match="method"):
        coordination(pd.DataFrame({"a": [0.0, 1.0], "b": [1.0, 2.0]}), method="fancy")
    with pytest.raises(ParameterError, match="sum to 1"):
        coordination(pd.DataFrame({"a": [0.0, 1.0], "b": [1.0, 2.0]}),
                     subsystem_weights=[0.7, 0.7])
    with pytest.raises(ParameterError, match="sum to 1"):
        coordination(pd.DataFrame({"a": [0.0, 1.0], "b": [1.0, 2.0]}),
                     weights={"a": 2.0, "b": 1.0})
    with pytest.raises(ParameterError, match="DataFrame"):
        coordination(np.eye(2))


def test_zero_scores_are_an_error_not_a_nan():
    with pytest.raises(ParameterError, match="every subsystem score 0"):
        coupling_degree(np.array([[0.0, 0.0]]))
    with pytest.raises(ParameterError, match=r"in \[0, 1\]"):
        coupling_degree(np.array([[0.5, 1.5]]))
    with pytest.raises(ParameterError, match="at least 2 subsystems"):
        coupling_degree(np.array([0.5, 0.5]))


# --------------------------------------------------------------------- CLI
def test_cli_on_the_bundled_table(capsys):
    status = main(["coupling", "zhejiang-2016-2020", "--index", "year",
                   "--subsystem", "export=export_volume,export_growth",
                   "--subsystem", "import=import_volume,import_growth"])
    out = capsys.readouterr().out
    assert status == 0
    assert "primary coordination" in out and "0.673" in out


def test_cli_bundled_table_defaults_to_its_worked_example(capsys):
    """With no --subsystem/--index the bundled table runs export against import by year (the
    worked example in ecosystem.coupling): the same D = 0.673 in 2020, and year is no subsystem."""
    assert main(["coupling", "zhejiang-2016-2020"]) == 0
    out = capsys.readouterr().out
    assert "U_export" in out and "U_year" not in out and "0.673" in out


def test_cli_csv_and_errors(tmp_path, capsys):
    path = tmp_path / "two.csv"
    pd.DataFrame({"year": [1, 2, 3], "cbec": [1.0, 2.0, 3.0], "cost": [3.0, 2.0, 1.0]}
                 ).to_csv(path, index=False)
    assert main(["coupling", str(path), "--index", "year", "--negative", "cost",
                 "--method", "standard"]) == 0
    out = capsys.readouterr().out
    assert "high-quality coordination" in out
    assert main(["coupling", str(path), "--subsystem", "bad"]) == 2
    assert "NAME=COLUMN" in capsys.readouterr().err
    assert main(["coupling", str(tmp_path / "missing.csv")]) == 2
    capsys.readouterr()
    scores = tmp_path / "gzma.csv"
    pd.DataFrame(GZMA, columns=["PS", "EL", "OH", "IL"]).to_csv(scores, index=False)
    assert main(["coupling", str(scores), "--no-rescale"]) == 0
    assert "0.4722" in capsys.readouterr().out  # the R package's first adjusted C
