"""Scenario sweeps of alliance configurations: local processes and Dask give one table."""

import os

import numpy as np
import pandas as pd
import pytest

import networks
from ecosystem import ParameterError, bullwhip
from ecosystem.alliance import Alliance, compare, evaluate, sweep
from ecosystem.alliance._metrics import make_settings
from ecosystem.cli import main

MARGIN = 8.0
SMALL = dict(market="us_market", replications=50, periods=200)
# a mapping-valued parameter too: it must survive grouping and every backend
PARAMETERS = {"cost_cut": [0.0, 0.3],
              "margin": [MARGIN, {"us_market": 9.0, "eu_market": 7.0, "sea_market": 5.0}]}


@pytest.fixture(scope="module")
def belt():
    return networks.example("cross_border_belt")


@pytest.fixture(scope="module")
def chain(belt):
    return bullwhip.chain_from(belt, "us_market").members[:3]


@pytest.fixture(scope="module")
def serial(belt, chain):
    return sweep(belt, [Alliance("chain", chain)], parameters=PARAMETERS, seeds=[0, 1],
                 processes=1, progress=False, **SMALL)


def test_sweep_rows_are_compare_rows(belt, chain, serial):
    assert len(serial) == 2 * 2 * 2 * 2  # cost_cut x margin x seeds x (baseline, chain)
    assert serial.groupby(["cost_cut", serial["margin"].astype(str), "seed"]).size().eq(2).all()
    one = serial[(serial["cost_cut"] == 0.3) & (serial["margin"] == MARGIN)
                 & (serial["seed"] == 1)].set_index("configuration")
    direct = compare(belt, [Alliance("chain", chain, cost_cut=0.3)], seed=1, margin=MARGIN,
                     **SMALL)
    pd.testing.assert_frame_equal(one.drop(columns=["cost_cut", "margin", "seed"]), direct,
                                  check_like=True)
    # the seed moves the simulated check, never the exact ratio
    by_seed = [group for _, group in serial.groupby("seed")]
    assert by_seed[0]["bullwhip_ratio"].tolist() == by_seed[1]["bullwhip_ratio"].tolist()
    assert not np.isclose(by_seed[0]["bullwhip_simulated"], by_seed[1]["bullwhip_simulated"]).any()


def test_local_processes_give_the_same_table(belt, chain, serial):
    pooled = sweep(belt, [Alliance("chain", chain)], parameters=PARAMETERS, seeds=[0, 1],
                   processes=2, progress=False, **SMALL)
    pd.testing.assert_frame_equal(serial, pooled)


def _dask():
    if os.environ.get("CI") == "true":  # CI installs the extra: the Dask path must run there
        import dask.distributed
        return dask.distributed
    return pytest.importorskip("dask.distributed")


@pytest.mark.slow
def test_dask_cluster_gives_the_same_table(belt, chain, serial, tmp_path, capsys):
    """A LocalCluster with a worker process, reached by its scheduler address
    (as ``ecobelt compare --scheduler`` does): the ecosystem and tasks travel pickled."""
    distributed = _dask()
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        on_dask = sweep(belt, [Alliance("chain", chain)], parameters=PARAMETERS, seeds=[0, 1],
                        scheduler=cluster.scheduler_address, progress=False, **SMALL)
        spec = tmp_path / "alliances.yaml"
        spec.write_text(f"alliances: [{{name: chain, members: [{', '.join(chain)}]}}]\n"
                        "margin: 8.0\nmarket: us_market\nreplications: 50\nperiods: 200\n")
        assert main(["compare", "cross_border_belt", str(spec), "--scheduler",
                     cluster.scheduler_address, "-o", str(tmp_path / "out.csv")]) == 0
        assert capsys.readouterr().err.endswith("2/2\n")
        with distributed.Client(cluster) as client:  # a client is accepted too, and left open
            again = sweep(belt, [Alliance("chain", chain)], parameters={"cost_cut": [0.3]},
                          seeds=[1], scheduler=client, progress=False, margin=MARGIN, **SMALL)
            assert client.status == "running"
    pd.testing.assert_frame_equal(serial, on_dask)
    expected = serial[(serial["cost_cut"] == 0.3) & (serial["margin"] == MARGIN)
                      & (serial["seed"] == 1)].drop(columns="margin").reset_index(drop=True)
    pd.testing.assert_frame_equal(again, expected, check_like=True)
    from_cli = pd.read_csv(tmp_path / "out.csv", index_col=0).set_index("configuration")
    direct = compare(belt, [Alliance("chain", chain)], margin=MARGIN, **SMALL)
    numbers = direct.select_dtypes("number").columns
    pd.testing.assert_frame_equal(from_cli[numbers], direct[numbers], check_dtype=False)
    assert (from_cli["seed"] == 0).all()


def test_progress_bar(belt, chain, capsys):
    sweep(belt, [Alliance("chain", chain)], seeds=[0, 1, 2], processes=1, margin=MARGIN,
          **SMALL)
    shown = capsys.readouterr().err
    assert shown.count("\r") == 6 and shown.endswith("6/6\n")
    sweep(belt, [Alliance("chain", chain)], processes=1, progress=False, margin=MARGIN, **SMALL)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("kwargs, match", [
    ({"parameters": {"colour": [1]}}, "cannot sweep"),
    ({"parameters": {"cost_cut": 0.1}}, "list of values"),
    ({"parameters": {"cost_cut": [1.5]}}, "cost_cut"),
    ({"seeds": []}, "seeds"),
    ({"seeds": [0.5]}, "seeds"),
    ({"processes": 0}, "processes"),
    ({"windw": 3}, "unknown comparison options"),
])
def test_sweep_errors(belt, chain, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        sweep(belt, [Alliance("chain", chain)], margin=MARGIN, progress=False,
              **{"processes": 1, **kwargs})


def test_seeds_change_only_the_simulated_metric(belt, chain):
    config = make_settings(belt, [Alliance("c", chain)], margin=MARGIN, **SMALL)
    a, b = (evaluate(belt, None, config, seed) for seed in (0, 1))
    assert a["bullwhip_simulated"] != b["bullwhip_simulated"]
    assert {k: v for k, v in a.items() if k != "bullwhip_simulated"} == \
        {k: v for k, v in b.items() if k != "bullwhip_simulated"}
    assert np.isfinite(a["bullwhip_simulated"])
