"""``ecobelt flows SPEC`` and ``ecobelt cascade SPEC``."""

import numpy as np
import pandas as pd
import pytest

from ecosystem import Ecosystem
from ecosystem.cli import main


@pytest.fixture
def spec(tmp_path):
    """The hand-made supply chain of test_flows_cascade, plus a market fed by cb,
    and an information chain cb -> p -> mk for the closed-form checks."""
    eco = Ecosystem("chain")
    eco.add_members_from(pd.DataFrame({
        "id": ["lg", "lg2", "bank", "s1", "m1", "m2", "cb", "p", "mk"],
        "role": ["logistics", "logistics", "finance", "supplier", "manufacturer",
                 "manufacturer", "cbec_enterprise", "platform", "market"]}))
    for source, target, volume in [("lg", "s1", 10), ("s1", "m1", 8), ("m1", "m2", 6),
                                   ("m2", "cb", 5), ("lg2", "m2", 4)]:
        eco.link(source, target, "logistics", volume=float(volume))
    for target, volume in [("s1", 1), ("m1", 2), ("m2", 3), ("cb", 4)]:
        eco.link("bank", target, "capital", volume=float(volume))
    eco.link("cb", "p", "information", volume=1.0)
    eco.link("p", "mk", "information", volume=1.0)
    path = tmp_path / "chain.yaml"
    eco.save(str(path))
    return str(path)


@pytest.fixture
def information_only(tmp_path):
    """A conversion CSV in which information drives only information."""
    path = tmp_path / "conversion.csv"
    path.write_text("arriving,information\ninformation,1.0\n")
    return str(path)


def test_flows_steady_state_matches_the_closed_form(spec, information_only, tmp_path, capsys):
    """cb -> p -> mk in information, damping 0.5: levels 2, 1, 0.5 for 2 units at cb."""
    out_csv = tmp_path / "levels.csv"
    status = main(["flows", spec, "--inject", "cb:information:2", "--damping", "0.5",
                   "--conversion", information_only, "--steady", "--csv", str(out_csv)])
    out = capsys.readouterr().out
    assert status == 0
    assert "flows in chain: 9 members, damping 0.5; injected: cb:information:2" in out
    assert "steady state (spectral radius <= 0.5)" in out
    assert "per ring" in out and "per role" in out and "largest 9 member(s) by their share" in out
    levels = pd.read_csv(out_csv, index_col=0)
    assert levels.loc[["cb", "p", "mk"], "information"].tolist() == [2.0, 1.0, 0.5]
    assert levels["share"].sum() == pytest.approx(1.0)
    assert levels.loc["cb", "share"] == pytest.approx(2.0 / 3.5)  # information only moves
    assert list(levels.columns) == ["ring", "role", "information", "logistics", "capital",
                                    "technology", "share"]


def test_flows_trajectory_pulse_and_reach(spec, information_only, tmp_path, capsys):
    out_csv = tmp_path / "final.csv"
    status = main(["flows", spec, "--inject", "cb:information:1", "--inject", "cb:information:1",
                   "--damping", "0.5", "--conversion", information_only, "--steps", "2",
                   "--pulse", "--reach", "cb", "--top", "2", "--csv", str(out_csv)])
    out = capsys.readouterr().out
    assert status == 0
    assert "2 step(s), pulse at step 0; total per step:" in out
    assert "levels at step 2" in out
    final = pd.read_csv(out_csv, index_col=0)
    assert final.loc["mk", "information"] == 0.5 and final["information"].sum() == 0.5
    assert "reach of a shock from cb: 3 of 9 members ever reached" in out
    assert "largest 2 member(s)" in out


def test_flows_default_injection_is_an_order_at_every_market(spec, capsys):
    assert main(["flows", spec, "--steps", "1", "--top", "0"]) == 0
    out = capsys.readouterr().out
    assert "injected: 1 unit of information at each of the 1 market(s)" in out
    assert "largest" not in out


@pytest.mark.parametrize("arguments, message", [
    (["--inject", "cb:information"], "--inject 'cb:information' must have the form ID:FLOW:AMOUNT"),
    (["--inject", "zz:information:1"], "injections: no member 'zz'"),
    (["--inject", "cb:goods:1"], "--inject flow 'goods' is not one of"),
    (["--inject", "cb:information:lots"], "amount must be a number, got 'lots'"),
    (["--inject", "cb:information:nan"], "must be a finite number"),
    (["--damping", "-1"], "damping must be a finite number >= 0"),
    (["--steps", "-2"], "--steps must be >= 0"),
    (["--pulse"], "--pulse needs --steps T"),
    (["--weight", "volum"], "no link has the attribute 'volum' given to --weight"),
    (["--conversion", "/no/such/conversion.csv"], "No such file"),
])
def test_flows_bad_input_is_one_line_and_status_2(spec, capsys, arguments, message):
    assert main(["flows", spec, *arguments]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ecobelt flows: error: ") and message in err
    assert err.count("\n") == 1


def test_flows_without_steady_state_states_the_radius(capsys):
    """The bundled belt has cycles (orders out, goods and payments back): damping 40 diverges."""
    assert main(["flows", "cross_border_belt", "--damping", "40"]) == 2
    err = capsys.readouterr().err
    assert "no steady state: the spectral radius of the flow operator is" in err
    radius = float(err.split("operator is ")[1].split()[0])
    assert radius >= 1


def test_flows_bad_conversion_table(spec, tmp_path, capsys):
    negative = tmp_path / "negative.csv"
    negative.write_text("arriving,capital\ninformation,-0.5\n")
    assert main(["flows", spec, "--coupling", str(negative)]) == 2  # the earlier spelling
    assert "C[information, capital] = -0.5" in capsys.readouterr().err
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("arriving,goods\ninformation,0.5\n")
    assert main(["flows", spec, "--conversion", str(unknown)]) == 2
    assert "conversion column 'goods'" in capsys.readouterr().err


def test_flows_steps_and_steady_exclude_each_other(spec, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["flows", spec, "--steps", "3", "--steady"])
    assert stop.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_flows_without_markets_asks_for_an_injection(tmp_path, capsys):
    eco = Ecosystem("no market")
    eco.add_member("a", "supplier")
    path = tmp_path / "tiny.yaml"
    eco.save(str(path))
    assert main(["flows", str(path)]) == 2
    assert "no market to place the default orders at" in capsys.readouterr().err


# --------------------------------------------------------------------------- cascade

def test_cascade_prints_the_hand_made_outcome(spec, tmp_path, capsys):
    out_csv = tmp_path / "failed.csv"
    assert main(["cascade", spec, "--fail", "lg", "--csv", str(out_csv)]) == 0
    out = capsys.readouterr().out
    assert "a member fails with fewer than 1 logistics provider(s) (ring core) or" in out
    assert "cascade from lg: 3 failed in 2 round(s) after the shock, 6 survive" in out
    # per flow, each in its unit: goods and money are never added into one "volume lost"
    assert ("lost: information 0 of 2 messages (0.0%); logistics 24 of 33 units of goods "
            "(72.7%); capital 3 of 10 units of money (30.0%); mean share lost over the flows "
            "34.2%") in out
    for heading in ("failed per round", "failed per ring", "failed per role",
                    "volume lost per flow", "failed members (3)"):
        assert heading in out
    failed = pd.read_csv(out_csv, index_col=0)
    assert failed["round"].to_dict() == {"lg": 0, "s1": 1, "m1": 2}


def test_cascade_rules_from_the_command_line(spec, capsys):
    assert main(["cascade", spec, "--fail", "m1", "--share", "logistics:0.5",
                 "--role", "manufacturer"]) == 0
    out = capsys.readouterr().out
    assert "inbound logistics volume below 0.5 of its original (roles manufacturer, ring core)" \
        in out
    assert "cascade from m1: 2 failed in 1 round(s)" in out
    assert main(["cascade", spec, "--fail", "bank", "--need", "capital:1:finance",
                 "--ring", "all"]) == 0
    out = capsys.readouterr().out
    assert "a member fails with fewer than 1 finance capital provider(s)\n" in out
    assert "cascade from bank: 5 failed in 1 round(s)" in out
    assert main(["cascade", spec, "--cut", "m1:0.6", "--share", "logistics:0.5",
                 "--role", "manufacturer", "--max-rounds", "3"]) == 0
    assert "cascade from m1: 0 failed in 0 round(s)" in capsys.readouterr().out


def test_cascade_critical_ranking(spec, capsys):
    assert main(["cascade", spec, "--critical", "3"]) == 0
    out = capsys.readouterr().out
    assert "most critical members (single failure, 3 shown)" in out
    ranking = out.split("most critical members")[1].splitlines()
    first = next(line for line in ranking if line.startswith("bank"))
    assert first.split()[1] == "1"     # rank 1: every firm's only capital provider


@pytest.mark.parametrize("arguments, message", [
    ([], "give at least one --fail ID or --cut ID:FRACTION"),
    (["--fail", "zz"], "cascade: no member 'zz'"),
    (["--cut", "m1"], "--cut 'm1' must have the form ID:FRACTION"),
    (["--cut", "m1:1.5"], "capacity cut of 'm1' must be in (0, 1]"),
    (["--fail", "lg", "--need", "goods"], "rule flow 'goods' is not one of"),
    (["--fail", "lg", "--need", "logistics:two"], "minimum must be a number"),
    (["--fail", "lg", "--need", "logistics:1.5"], "MIN must be a whole number"),
    (["--fail", "lg", "--need", "a:1:b:c"], "must have the form FLOW[:MIN[:ROLE,...]]"),
    (["--fail", "lg", "--share", "logistics:3"], "fraction must be a number in (0, 1]"),
    (["--fail", "lg", "--ring", "middle"], "--ring 'middle' is not one of"),
    (["--fail", "lg", "--role", "robot"], "unknown role 'robot'"),
    (["--fail", "lg", "--max-rounds", "-1"], "max_rounds must be a whole number >= 0"),
    (["--critical", "0"], "--critical must be >= 1"),
    (["--fail", "lg", "--weight", "volum"], "no link has the attribute 'volum'"),
])
def test_cascade_bad_input_is_one_line_and_status_2(spec, capsys, arguments, message):
    assert main(["cascade", spec, *arguments]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ecobelt cascade: error: ") and message in err
    assert err.count("\n") == 1


def test_bundled_example_runs(capsys):
    assert main(["flows", "cross_border_belt", "--top", "3"]) == 0
    assert main(["cascade", "cross_border_belt", "--critical", "2"]) == 0
    out = capsys.readouterr().out
    assert "steady state" in out and "most critical members" in out
    assert np.isfinite(float(out.split("spectral radius <= ")[1].split(")")[0]))
