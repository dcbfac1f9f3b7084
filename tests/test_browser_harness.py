"""tests/_browser.py without a browser: skip without Chromium, but fail under CI=true."""

import pytest

import _browser


@pytest.fixture
def no_chromium(monkeypatch, tmp_path):
    monkeypatch.setattr(_browser, "CHROMIUM", str(tmp_path / "no-chromium"))


def test_missing_chromium_skips_outside_ci(no_chromium, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert not _browser.chromium_available()
    with pytest.raises(pytest.skip.Exception, match="needs .*no-chromium"):
        _browser.require_chromium()


def test_missing_chromium_fails_under_ci(no_chromium, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true: browser tests must run"):
        _browser.require_chromium()


def test_page_check_lists_its_problems(tmp_path):
    check = _browser.PageCheck(tmp_path / "p.html", console_errors=["boom"],
                               blocked_requests=["https://cdn.example.org/x.js"])
    assert check.problems == ["console error: boom",
                              "blocked request: https://cdn.example.org/x.js"]
    with pytest.raises(AssertionError, match="p.html: console error: boom; blocked request"):
        check.assert_clean()
    assert _browser.PageCheck(tmp_path / "q.html").assert_clean().problems == []


def test_open_page_needs_a_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no page at"):
        with _browser.open_page(tmp_path / "missing.html"):
            pass
