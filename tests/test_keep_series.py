"""The per-period member and lane tables are kept only where something reads them: the
``ecobelt simulate`` command when it writes the series table, and the configurations an
alliance comparison shows, never its coalition or search simulations."""

import pandas as pd
import pytest

import networks
from ecosystem import simulation
from ecosystem.alliance import Alliance, compare, greedy_path
from ecosystem.alliance import _simulated
from ecosystem.cli import main

SMALL = dict(replications=6, periods=8, seed=2)


@pytest.fixture()
def recorded(monkeypatch):
    """Every ``keep_series`` the simulation is run with, in order."""
    calls: list[bool] = []
    original = simulation._run.simulate_network

    def recording(*args, **kwargs):
        calls.append(kwargs.get("keep_series", True))
        return original(*args, **kwargs)
    monkeypatch.setattr(simulation._run, "simulate_network", recording)
    monkeypatch.setattr(_simulated, "simulate_network", recording)
    return calls


def test_the_command_keeps_series_only_to_write_them(tmp_path, recorded, capsys):
    common = ["simulate", "cross_border_belt", "--periods", "6", "--replications", "3"]
    assert main(common) == 0
    assert main([*common, "-o", str(tmp_path / "members.csv")]) == 0
    series = tmp_path / "series.csv"
    assert main([*common, "--table", "series", "-o", str(series)]) == 0
    assert recorded == [False, False, True]
    table = pd.read_csv(series)
    assert {"period", "member", "orders", "stock"} <= set(table.columns)
    assert table["period"].max() == 5


def test_the_command_prints_the_same_with_or_without_series(tmp_path, capsys):
    common = ["simulate", "cross_border_belt", "--periods", "6", "--replications", "3"]
    assert main(common) == 0
    without = capsys.readouterr().out
    assert main([*common, "--table", "series", "-o", str(tmp_path / "s.csv")]) == 0
    kept = capsys.readouterr().out
    assert kept.replace(f"wrote {tmp_path / 's.csv'}\n", "") == without


def test_coalitions_and_searches_skip_the_series_and_give_the_same_values(recorded):
    belt = networks.example("cross_border_belt")
    alliance = Alliance("pair", ("riverbend", "beltlink"), cost_cut=0.3)
    result = compare(belt, [alliance], **SMALL)
    # the baseline and the configuration keep theirs for the report's timeline
    assert recorded[:2] == [True, True] and recorded[2:] and not any(recorded[2:])
    assert len(result.simulations["pair"].series("members"))
    # the coalition of both allied members is the configuration itself: its gain, from a run
    # without series, equals the difference of the two runs that kept theirs
    profit = result.simulations["pair"].members["profit"] \
        - result.simulations["baseline"].members["profit"]
    assert result.stability.loc["pair", "gain"] == pytest.approx(
        profit[list(alliance.members)].sum(), rel=1e-12)
    recorded.clear()
    greedy_path(belt, metric="belt_profit", members=["riverbend", "beltlink", "globalmall"],
                max_size=2, **SMALL)
    assert recorded[0] is True and recorded[1:] and not any(recorded[1:])
