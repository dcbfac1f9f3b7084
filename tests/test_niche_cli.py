"""``ecobelt niche SPEC``."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import networks
from ecosystem import Ecosystem
from ecosystem.cli import main
from ecosystem.niche import _sparse, competition_pairs, mean_overlap, resource_matrix


@pytest.fixture
def spec(tmp_path):
    eco = Ecosystem("belt")
    for m in ("m1", "m2", "m3", "m4"):
        eco.add_member(m, "manufacturer")
    for p in ("amazon", "ebay", "shopee"):
        eco.add_member(p, "platform")
    eco.add_member("lg", "logistics")
    sales = {"m1": (80, 20, 0), "m2": (40, 10, 0), "m3": (0, 5, 30), "m4": (0, 0, 25)}
    for m, volumes in sales.items():
        for platform, volume in zip(("amazon", "ebay", "shopee"), volumes):
            if volume:
                eco.link(m, platform, "logistics", volume=float(volume))
        eco.link("lg", m, "logistics", volume=5.0)
    path = tmp_path / "belt.yaml"
    eco.save(str(path))
    return str(path)


def test_breadth_mean_overlap_pairs_and_null_model(spec, capsys):
    status = main(["niche", spec, "--direction", "out", "--role", "manufacturer",
                   "--null", "ra3", "--iterations", "200", "--seed", "3"])
    out = capsys.readouterr().out
    assert status == 0
    assert "niche of belt: 4 members x 3 resources (outlets" in out
    assert "levins_standardized" in out and "shannon" in out
    assert "mean overlap (pianka) over the unordered pairs" in out
    assert "competing pairs (same role; pianka >= 0.5 over logistics outlets): 2" in out
    assert "m1     m2" in out
    assert "Algorithm: ra3    Iterations: 200    Seed: 3" in out
    assert "Lower-tail P" in out and "Standardized effect size" in out


def test_same_seed_prints_the_same_report(spec, capsys):
    args = ["niche", spec, "--direction", "out", "--null", "ra4", "--iterations", "50",
            "--seed", "8", "--index", "czekanowski"]
    main(args)
    first = capsys.readouterr().out
    main(args)
    assert capsys.readouterr().out == first


def test_members_without_resources_are_reported(spec, capsys):
    assert main(["niche", spec]) == 0
    out = capsys.readouterr().out
    assert "member(s) without any such resource left out" in out


def test_errors_exit_2_with_one_line(spec, capsys):
    assert main(["niche", spec, "--index", "morisita", "--null", "ra3"]) == 2
    err = capsys.readouterr().err
    assert "ecobelt niche: error: the null model does not support --overlap-index morisita" in err
    assert main(["niche", spec, "--role", "robot"]) == 2
    assert "unknown role 'robot'" in capsys.readouterr().err
    assert main(["niche", spec, "--flow", "capital"]) == 2
    assert "no member uses any resource" in capsys.readouterr().err
    assert main(["niche", spec, "--top", "0"]) == 2
    assert "--pairs must be >= 1" in capsys.readouterr().err


def test_the_command_keeps_the_table_sparse_for_product_indices(capsys, monkeypatch, tmp_path):
    eco = networks.industrial_belt(300, seed=5)
    dense = resource_matrix(eco, flows="logistics")
    expected = competition_pairs(dense, "pianka", 0.5)

    def refuse(*args, **kwargs):
        raise AssertionError("the niche command built a dense members x resources table")

    monkeypatch.setattr(_sparse.SparseUtilization, "to_frame", refuse)
    monkeypatch.setattr(_sparse, "densify", refuse)
    monkeypatch.setattr("ecosystem.niche._resources.check_allocation", refuse)
    spec = str(tmp_path / "belt.json")
    eco.save(spec)
    assert main(["niche", spec, "--pairs", "3"]) == 0
    out = capsys.readouterr().out
    assert f"niche of {eco.name}: {len(dense)} members x {dense.shape[1]} resources" in out
    assert (f"competing pairs (same role; pianka >= 0.5 over logistics providers): "
            f"{len(expected)}") in out
    assert f"mean overlap (pianka) over the unordered pairs: {mean_overlap(dense):.4g}" in out


def test_the_report_loads_only_the_niche_modules_it_uses(tmp_path):
    """A run without --null imports neither the null model nor the enterprise niches."""
    eco = Ecosystem("belt")
    for m, role in (("m1", "manufacturer"), ("m2", "manufacturer"), ("lg", "logistics")):
        eco.add_member(m, role)
    eco.link("lg", "m1", "logistics", volume=2.0)
    eco.link("lg", "m2", "logistics", volume=3.0)
    path = str(tmp_path / "belt.json")
    eco.save(path)
    root = Path(__file__).resolve().parent.parent
    code = ("import sys; from ecosystem.cli import main; main(['niche', sys.argv[1]]); "
            "print(sorted(m for m in ('ecosystem.niche._null', 'ecosystem.niche._enterprise', "
            "'ecosystem.niche._competition') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True,
                         cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
                         check=True).stdout
    assert "competing pairs" in out  # the report ran
    assert ast.literal_eval(out.strip().splitlines()[-1]) == ["ecosystem.niche._competition"]


def test_every_public_niche_name_is_listed_and_resolves():
    import ecosystem.niche as niche
    assert set(niche.__all__) <= set(dir(niche))
    for name in niche.__all__:
        assert getattr(niche, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        niche.nothing  # noqa: B018
