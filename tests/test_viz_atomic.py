"""The page, the report's tables and the figures are written whole or not at all.

Each test makes the writer fail after it has started (an encoding error in
the page, a cell that cannot be printed after the first chunk of a CSV, a
formula that cannot be drawn after the SVG or PDF header, a rename that fails
once a PNG is complete) and checks that the file written before is
byte-identical and that no temporary file is left.
"""

from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from ecosystem import _atomic  # noqa: E402
from viz._page import HtmlPage  # noqa: E402
from viz._report_sections import ReportWriter  # noqa: E402
from viz.figures._common import finish  # noqa: E402

OLD = b"the user's previous file\n"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_page_that_cannot_be_encoded_leaves_the_old_page(tmp_path):
    path = tmp_path / "index.html"
    path.write_bytes(OLD)
    with pytest.raises(UnicodeEncodeError):
        HtmlPage("<p>\ud800</p>").save(path)  # a lone surrogate has no UTF-8
    assert snapshot(tmp_path) == {"index.html": OLD}
    page = HtmlPage("<p>new</p>")
    assert page.save(path) == path and path.read_text(encoding="utf-8") == "<p>new</p>"


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("this cell cannot be printed")


class Folder:
    tables: dict = {}
    figures: list = []


def test_a_report_table_failing_half_way_leaves_the_old_table(tmp_path):
    path = tmp_path / "flows.csv"
    path.write_bytes(OLD)
    # pandas writes in chunks: the bad cell is met after the first chunks are out
    cells = pd.Series([1.5] * 200_000 + [Unprintable()], dtype=object)
    with pytest.raises(RuntimeError, match="cannot be printed"):
        ReportWriter(tmp_path, Folder()).table("flows", pd.DataFrame({"a": cells}))
    assert snapshot(tmp_path) == {"flows.csv": OLD}
    ReportWriter(tmp_path, Folder()).table("flows", pd.DataFrame({"a": [1.5, 2.0]}))
    assert pd.read_csv(path, index_col=0)["a"].tolist() == [1.5, 2.0]


def broken_figure():
    figure, axes = plt.subplots()
    axes.set_title(r"$\frac{$")  # mathtext fails when the title is drawn
    return figure


@pytest.mark.parametrize("extension", ["svg", "pdf"])
def test_a_figure_failing_while_drawn_leaves_the_old_figure(tmp_path, extension):
    path = tmp_path / f"rings.{extension}"
    path.write_bytes(OLD)
    figure = broken_figure()
    try:
        with pytest.raises(ValueError):
            finish(figure, path)
    finally:
        plt.close(figure)
    assert snapshot(tmp_path) == {path.name: OLD}
    figure, _ = plt.subplots()
    try:
        finish(figure, path)
    finally:
        plt.close(figure)
    assert path.read_bytes() != OLD and sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def fail_to_rename(source, target):
    raise OSError(5, "Input/output error")


def test_a_figure_whose_rename_fails_leaves_the_old_png(tmp_path, monkeypatch):
    path = tmp_path / "rings.png"
    path.write_bytes(OLD)
    monkeypatch.setattr(_atomic.os, "replace", fail_to_rename)
    figure, _ = plt.subplots()
    try:
        with pytest.raises(OSError, match="Input/output"):
            finish(figure, path)
    finally:
        plt.close(figure)
    assert snapshot(tmp_path) == {"rings.png": OLD}


def test_a_report_figure_whose_rename_fails_leaves_the_old_png(tmp_path, monkeypatch):
    path = tmp_path / "flows.png"
    path.write_bytes(OLD)
    with monkeypatch.context() as patch:
        patch.setattr(_atomic.os, "replace", fail_to_rename)
        figure, _ = plt.subplots()
        with pytest.raises(OSError, match="Input/output"):
            ReportWriter(tmp_path, Folder()).figure("flows", figure)
    assert snapshot(tmp_path) == {"flows.png": OLD}
    figure, _ = plt.subplots()
    encoded = ReportWriter(tmp_path, Folder()).figure("flows", figure)
    assert path.read_bytes().startswith(b"\x89PNG") and encoded.startswith("iVBOR")
