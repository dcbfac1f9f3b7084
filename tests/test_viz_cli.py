"""``ecobelt html`` and ``ecobelt figure``: files written, metrics shown, one-line errors."""

import matplotlib.image
import pandas as pd
import pytest

import networks
from ecosystem.cli import main
from viz._commands import FIGURE_KIND_NAMES, SUBCOMMANDS, register
from viz.figures import FIGURE_KINDS

from test_viz import panel_data


def panel(path):
    return panel_data(path.read_text(encoding="utf-8"))[0]


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_html_writes_the_page_with_metrics(tmp_path, capsys):
    out = tmp_path / "belt.html"
    status, printed, err = run(capsys, "html", "cross_border_belt", "-o", out,
                               "--metric", "strength", "--metric", "upstreamness",
                               "--fail", "port_customs", "--title", "Belt")
    assert status == 0 and err == "" and printed.startswith(f"wrote {out}")
    data = panel(out)
    eco = networks.example("cross_border_belt")
    assert data["nodes"]["id"] == list(eco.graph)
    assert data["metrics"]["names"] == ["strength", "upstreamness", "cascade_round"]
    assert data["sizeBy"] == "strength"
    rounds = dict(zip(data["nodes"]["id"], data["metrics"]["values"][2]))
    assert rounds["port_customs"] == 0
    assert "<title>Belt</title>" in out.read_text(encoding="utf-8")


def test_html_metrics_table_and_size_by(tmp_path, capsys):
    table = tmp_path / "shapley.csv"
    pd.DataFrame({"id": ["beltlink", "riverbend"], "shapley": [0.3, 0.7]}).to_csv(table,
                                                                                  index=False)
    out = tmp_path / "belt.html"
    status, _, _ = run(capsys, "html", "cross_border_belt", "-o", out, "--metrics", table,
                       "--metric", "degree", "--size-by", "shapley", "--no-labels", "--physics")
    assert status == 0
    data = panel(out)
    assert data["metrics"]["names"] == ["shapley", "degree"] and data["sizeBy"] == "shapley"
    assert data["labels"] is False and data["physics"] is True
    shares = dict(zip(data["nodes"]["id"], data["metrics"]["values"][0]))
    assert shares["riverbend"] == 0.7 and shares["yarnwell"] is None


def test_html_renderer_choice(tmp_path, capsys):
    out = tmp_path / "belt.html"
    assert run(capsys, "html", "cross_border_belt", "-o", out)[0] == 0
    assert panel(out)["renderer"] == "vis"
    assert run(capsys, "html", "cross_border_belt", "-o", out, "--force",
               "--renderer", "canvas")[0] == 0
    assert panel(out)["renderer"] == "canvas"
    status, _, err = run(capsys, "html", "cross_border_belt", "-o", out, "--force",
                         "--renderer", "canvas", "--physics")
    assert status != 0 and "physics=False or renderer='vis'" in err


def test_html_competition_layer(tmp_path, capsys):
    """--competition [THRESHOLD] draws ecosystem.niche.competition_layer over the flows."""
    from ecosystem import niche

    eco = networks.example("cross_border_belt")
    out = tmp_path / "belt.html"
    status, printed, _ = run(capsys, "html", "cross_border_belt", "-o", out, "--competition",
                             "0.6")
    pairs = niche.competition_pairs(niche.resource_matrix(eco, direction="in"), "pianka", 0.6)
    assert status == 0 and f"{len(pairs)} competition links" in printed
    (layer,) = panel(out)["overlays"]
    assert layer["name"] == "competition" and layer["directed"] is False
    assert len(layer["edges"]["from"]) == len(pairs) > 0
    assert run(capsys, "html", "cross_border_belt", "-o", out, "--competition", "--force",
               "--competition-index", "macarthur_levins", "--competition-direction", "out")[0] == 0
    (layer,) = panel(out)["overlays"]
    expected = niche.competition_layer(niche.resource_matrix(eco, direction="out"),
                                       "macarthur_levins", 0.5)  # the default threshold
    assert layer["directed"] is True
    assert len(layer["edges"]["from"]) == expected.number_of_edges()
    run(capsys, "html", "cross_border_belt", "-o", out, "--force")
    assert panel(out)["overlays"] == []


def test_html_competition_without_links_is_an_error(tmp_path, capsys):
    from ecosystem import Ecosystem
    from ecosystem.files import save

    eco = Ecosystem("lonely")
    eco.add_member("a", "manufacturer")
    save(eco, tmp_path / "lonely.json")
    status, _, err = run(capsys, "html", tmp_path / "lonely.json", "-o", tmp_path / "x.html",
                         "--competition")
    assert status == 2 and "--competition-direction out" in err
    assert not (tmp_path / "x.html").exists()


@pytest.mark.parametrize("argv, message", [
    (["html", "no_such_spec", "-o", "x.html"], "no file 'no_such_spec'"),
    (["html", "cross_border_belt", "-o", "x.html", "--metric", "shapley"],
     "unknown metric 'shapley'"),
    (["html", "cross_border_belt", "-o", "x.html", "--metrics", "missing.csv"], "missing.csv"),
    (["html", "cross_border_belt", "-o", "x.html", "--fail", "nobody"], "nobody"),
    (["html", "cross_border_belt", "-o", "x.html", "--size-by", "colour"], "size_by='colour'"),
    (["figure", "cross_border_belt", "--kind", "rings", "-o", "r.jpg"], "must end in one of"),
    (["figure", "--kind", "coupling", "-o", "c.png"], "needs --table"),
    (["figure", "--kind", "rings", "-o", "r.png"], "needs SPEC"),
    (["figure", "cross_border_belt", "--kind", "allocation", "-o", "a.png"],
     "not drawn from a spec"),
    (["figure", "--kind", "phase_portrait", "-o", "p.png"], "needs --parameters"),
    (["figure", "industrial_belt", "--kind", "niche_overlap", "-o", "n.png"],
     "narrow it with role= or members="),
    (["figure", "cross_border_belt", "--kind", "bullwhip", "--market", "mars", "-o", "b.png"],
     "mars"),
])
def test_errors_are_one_line_and_exit_2(argv, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, printed, err = run(capsys, *argv)
    assert status == 2 and printed == ""
    assert err.count("\n") == 1 and err.startswith(f"ecobelt {argv[0]}: error: ")
    assert message in err
    assert not any(tmp_path.iterdir())  # nothing half-written


def test_bad_csv_table_is_a_spec_error(tmp_path, capsys):
    table = tmp_path / "bad.csv"
    table.write_bytes(b"\xff\xfe\x00bad")
    status, _, err = run(capsys, "html", "cross_border_belt", "-o", tmp_path / "x.html",
                         "--metrics", table)
    assert status == 2 and "not a readable CSV table" in err


@pytest.mark.parametrize("kind, extra", [
    ("rings", []), ("bullwhip", ["--market", "eu_market", "--seed", "3"]),
    ("niche_overlap", ["--role", "cbec_enterprise"]),
])
def test_figure_from_spec(kind, extra, tmp_path, capsys):
    out = tmp_path / f"{kind}.png"
    status, printed, _ = run(capsys, "figure", "cross_border_belt", "--kind", kind, "-o", out,
                             *extra)
    assert status == 0 and printed == f"wrote {out}\n"
    image = matplotlib.image.imread(out)
    assert image.shape[0] > 400 and (image[..., :3] < 0.9).any(axis=2).mean() > 0.02


def test_figure_from_table_and_parameters(tmp_path, capsys):
    table = tmp_path / "allocation.csv"
    pd.DataFrame({"shapley": [1.0, 2.0], "equal": [1.5, 1.5]},
                 index=pd.Index(["a", "b"], name="member")).to_csv(table)
    out = tmp_path / "allocation.svg"
    assert run(capsys, "figure", "--kind", "allocation", "--table", table, "-o", out,
               "--title", "Split")[0] == 0
    assert "<!-- Split -->" in out.read_text(encoding="utf-8")
    out = tmp_path / "lv.pdf"
    assert run(capsys, "figure", "--kind", "phase_portrait", "--parameters", "0.8", "0.4",
               "0.6", "0.5", "-o", out)[0] == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_kind_names_match_the_figures_and_register_is_extensible():
    import argparse

    assert FIGURE_KIND_NAMES == tuple(FIGURE_KINDS)
    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers(dest="command")

    def add_extra(sub):
        sub.add_parser("extra").set_defaults(func=lambda args: 0)

    SUBCOMMANDS.append(add_extra)
    try:
        register(subparsers)
    finally:
        SUBCOMMANDS.remove(add_extra)
    assert set(subparsers.choices) >= {"html", "figure", "extra"}
