"""Scenario sweeps of alliance configurations: local processes and Dask give one table."""

import os

import numpy as np
import pandas as pd
import pytest

import networks
from ecosystem import ParameterError
from ecosystem.alliance import Alliance, compare, sweep
from ecosystem.cli import main

SMALL = dict(replications=20, periods=20)
PARAMETERS = {"cost_cut": [0.0, 0.3], "periods": [20, 25]}
CHAIN = ("riverbend", "beltlink", "globalmall")


@pytest.fixture(scope="module")
def belt():
    return networks.example("cross_border_belt")


@pytest.fixture(scope="module")
def serial(belt):
    return sweep(belt, [Alliance("chain", CHAIN)], parameters=PARAMETERS, seeds=[0, 1],
                 processes=1, progress=False, replications=20)


def test_sweep_rows_are_compare_rows(belt, serial):
    assert len(serial) == 2 * 2 * 2 * 2  # cost_cut x periods x seeds x (baseline, chain)
    one = serial[(serial["cost_cut"] == 0.3) & (serial["periods"] == 25)
                 & (serial["seed"] == 1)].set_index("configuration")
    direct = compare(belt, [Alliance("chain", CHAIN, cost_cut=0.3)], seed=1, benefit=False,
                     replications=20, periods=25).to_frame()
    numbers = direct.select_dtypes("number").columns
    pd.testing.assert_frame_equal(one[numbers], direct[numbers], check_names=False)
    # the seed draws another demand stream
    by_seed = [group for _, group in serial.groupby("seed")]
    assert not np.isclose(by_seed[0]["belt_profit"], by_seed[1]["belt_profit"]).any()


def test_local_processes_give_the_same_table(belt, serial):
    pooled = sweep(belt, [Alliance("chain", CHAIN)], parameters=PARAMETERS, seeds=[0, 1],
                   processes=2, progress=False, replications=20)
    pd.testing.assert_frame_equal(serial, pooled)


def test_coalition_tables_are_the_same_on_processes(belt):
    alliance = [Alliance("chain", CHAIN, cost_cut=0.3)]
    here = compare(belt, alliance, processes=1, **SMALL)
    pooled = compare(belt, alliance, processes=2, **SMALL)
    pd.testing.assert_frame_equal(here.allocation, pooled.allocation)


def _dask():
    if os.environ.get("CI") == "true":  # CI installs the extra: the Dask path must run there
        import dask.distributed
        return dask.distributed
    return pytest.importorskip("dask.distributed")


@pytest.mark.slow
def test_dask_cluster_gives_the_same_table(belt, serial, tmp_path, capsys):
    """A LocalCluster with a worker process, reached by its scheduler address
    (as ``ecobelt compare --scheduler`` does): the ecosystem and tasks travel pickled; the
    coalition table of the benefit game runs there too."""
    distributed = _dask()
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        on_dask = sweep(belt, [Alliance("chain", CHAIN)], parameters=PARAMETERS,
                        seeds=[0, 1], scheduler=cluster.scheduler_address, progress=False,
                        replications=20)
        game = compare(belt, [Alliance("chain", CHAIN)], scheduler=cluster.scheduler_address,
                       **SMALL)
        spec = tmp_path / "alliances.yaml"
        spec.write_text(f"alliances: [{{name: chain, members: [{', '.join(CHAIN)}]}}]\n"
                        "replications: 20\nperiods: 20\n")
        assert main(["compare", "cross_border_belt", str(spec), "--scheduler",
                     cluster.scheduler_address, "-o", str(tmp_path / "out.csv")]) == 0
        assert capsys.readouterr().err.endswith("2/2\n")
    pd.testing.assert_frame_equal(serial, on_dask)
    local = compare(belt, [Alliance("chain", CHAIN)], **SMALL)
    pd.testing.assert_frame_equal(game.allocation, local.allocation)


def test_progress_bar(belt, capsys):
    sweep(belt, [Alliance("chain", CHAIN)], seeds=[0, 1, 2], processes=1, **SMALL)
    shown = capsys.readouterr().err
    assert shown.count("\r") == 6 and shown.endswith("6/6\n")
    sweep(belt, [Alliance("chain", CHAIN)], processes=1, progress=False, **SMALL)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("kwargs, match", [
    ({"parameters": {"colour": [1]}}, "cannot sweep"),
    ({"parameters": {"cost_cut": 0.1}}, "list of values"),
    ({"parameters": {"cost_cut": [1.5]}}, "cost_cut"),
    ({"seeds": []}, "seeds"),
    ({"seeds": [0.5]}, "seeds"),
    ({"processes": 0}, "processes"),
])
def test_sweep_errors(belt, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        sweep(belt, [Alliance("chain", CHAIN)], progress=False,
              **{"processes": 1, **SMALL, **kwargs})
