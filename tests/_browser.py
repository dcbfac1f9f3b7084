"""Open exported ecobelt pages in headless Debian Chromium, offline, and check them.

A small harness for browser tests (playwright's Python package driving
``/usr/bin/chromium``; never a browser download). Every request that is not
the page file itself, a ``data:``/``blob:``/``about:`` URL is blocked and
recorded, so a page that tries to load anything fails the check.

API (kept stable; other tests reuse it)
---------------------------------------
``require_chromium()``
    Skip the calling test when Chromium or playwright is missing, unless the
    environment variable ``CI`` is ``true``: then fail loudly. Mark browser test
    modules ``pytestmark = pytest.mark.browser`` (``-m "not browser"`` leaves them out).
``render(path, *, screenshot=None, tab=None, flows=True, timeout=30.0, strict=True) -> PageCheck``
    Open the page, wait until its network is drawn, count what was drawn,
    switch each flow and each overlay layer off and on again through the
    legend's checkboxes (counting the edges left per flow and per layer),
    optionally save a PNG screenshot. With
    ``strict`` (the default) it raises ``AssertionError`` when the page logged
    a console error, threw, or attempted any blocked request.
``open_page(path, *, timeout=30.0, viewport=(1280, 800), wait=True) -> LivePage`` (a context manager)
    The same, step by step: ``show(tab)``, ``drawn()``, ``set_flow(flow,
    visible)``, ``screenshot(path)``, ``check()``, ``evaluate(js)``; the
    playwright page is ``.page``; ``set_overlay(name, visible)`` for overlay layers.

"Drawn" is measured inside vis-network, not taken from our page script: the
harness wraps the ``draw`` method of vis' node and edge classes, redraws once,
and counts the distinct node and edge ids actually painted on the canvas. A
panel drawn by the page's own canvas renderer (large networks) has no objects
to wrap: there the counts are what one frame of the fitted view put into the
canvas' paths (``drawnCounts()``); pixel tests check those against the picture.

Example (``tests/`` is on ``sys.path`` when pytest runs, as it has no ``__init__.py``)::

    from _browser import render, require_chromium

    def test_page(tmp_path):
        require_chromium()
        check = render(tmp_path / "page.html", screenshot=tmp_path / "shot.png")
        assert check.nodes == 12 and check.hidden_flow_edges["capital"]["capital"] == 0
"""  # noqa: E501

from __future__ import annotations

import atexit
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

__all__ = ["CHROMIUM", "LAUNCH_ARGS", "PageCheck", "LivePage", "chromium_available",
           "require_chromium", "render", "open_page", "close"]

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
    # belt and braces besides request routing: no host name resolves
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
ALLOWED_SCHEMES = ("data:", "blob:", "about:")

# counts distinct node and edge ids painted during one synchronous redraw of the current panel
_DRAWN_JS = """
() => {
  const api = window.ecobelt;
  // the canvas renderer counts what one frame of the fitted view put on the canvas
  if (api && api.current && api.current.drawnCounts) { return api.current.drawnCounts(); }
  if (!api || !api.current || !api.current.network) { return null; }
  const net = api.current.network, body = net.body;
  const wrap = (proto, key) => {
    if (!proto || proto.__ecobeltCounted) { return; }
    const draw = proto.draw;
    proto.draw = function () { if (window.__ecobeltDrawn) { window.__ecobeltDrawn[key].add(this.id); }
                               return draw.apply(this, arguments); };
    proto.__ecobeltCounted = true;
  };
  const firstNode = Object.values(body.nodes)[0], firstEdge = Object.values(body.edges)[0];
  if (firstNode) { wrap(Object.getPrototypeOf(firstNode), "nodes"); }
  if (firstEdge) { wrap(Object.getPrototypeOf(firstEdge), "edges"); }
  net.fit({animation: false});
  window.__ecobeltDrawn = {nodes: new Set(), edges: new Set()};
  net.redraw();
  const drawn = window.__ecobeltDrawn;
  window.__ecobeltDrawn = null;
  const d = api.current.data, byFlow = {}, byOverlay = {}, layers = d.overlays || [];
  const m = d.edges.from.length;
  d.flows.forEach((flow) => { byFlow[flow] = 0; });
  layers.forEach((layer) => { byOverlay[layer.name] = 0; });
  // ids 0..m-1 are the ecosystem's links, then each overlay's edges in order
  drawn.edges.forEach((id) => {
    if (id < m) { byFlow[d.flows[d.edges.flow[id]]] += 1; return; }
    let start = m;
    for (const layer of layers) {
      start += layer.edges.from.length;
      if (id < start) { byOverlay[layer.name] += 1; return; }
    }
    byOverlay["(unknown edge id)"] = (byOverlay["(unknown edge id)"] || 0) + 1;
  });
  return {nodes: drawn.nodes.size, edges: drawn.edges.size, byFlow: byFlow, byOverlay: byOverlay,
          flows: d.flows, overlays: layers.map((layer) => layer.name),
          panel: api.current.index, drawMs: api.current.drawMs};
}
"""  # noqa: E501

_READY_JS = """
() => document.readyState === "complete" && (!window.ecobelt || !window.ecobelt.current
      || window.ecobelt.current.ready === true)
"""


@dataclass
class PageCheck:
    """What one page showed.

    Attributes
    ----------
    path : Path
        The page file.
    title : str
        ``document.title``.
    console_errors : list of str
        ``console.error`` messages and uncaught exceptions, in order.
    blocked_requests : list of str
        URLs the page tried to load and the harness refused (must be empty).
    panels : int
        Network panels in the page (0 for a page without one).
    panel : int or None
        Index of the panel that was checked (the one shown).
    nodes, edges : int or None
        Distinct nodes and edges vis-network painted in that panel.
    edges_by_flow : dict of str to int
        Painted edges per flow, every flow switched on.
    edges_by_overlay : dict of str to int
        Painted edges per overlay layer (``to_html(overlays=...)``); empty
        for a page without overlays.
    hidden_flow_edges : dict of str to dict of str to int
        For each flow ``f``: painted edges per flow (and per overlay layer,
        if any) while only ``f`` was switched off in the legend (each flow is
        switched back on after).
    hidden_overlay_edges : dict of str to dict of str to int
        The same for each overlay layer switched off alone.
    draw_ms : float or None
        Milliseconds the page script measured from reading its data to the
        first drawn frame.
    load_seconds : float
        Wall time from navigation to the network being drawn.
    screenshot : Path or None
    """

    path: Path
    title: str = ""
    console_errors: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    panels: int = 0
    panel: int | None = None
    nodes: int | None = None
    edges: int | None = None
    edges_by_flow: dict[str, int] = field(default_factory=dict)
    edges_by_overlay: dict[str, int] = field(default_factory=dict)
    hidden_flow_edges: dict[str, dict[str, int]] = field(default_factory=dict)
    hidden_overlay_edges: dict[str, dict[str, int]] = field(default_factory=dict)
    draw_ms: float | None = None
    load_seconds: float = 0.0
    screenshot: Path | None = None

    @property
    def problems(self) -> list[str]:
        """Console errors and blocked requests, one line each."""
        return ([f"console error: {e}" for e in self.console_errors]
                + [f"blocked request: {u}" for u in self.blocked_requests])

    def assert_clean(self) -> "PageCheck":
        """Raise ``AssertionError`` listing every problem, if any; return self."""
        if self.problems:
            raise AssertionError(f"{self.path}: " + "; ".join(self.problems))
        return self


class _Browser:
    """One Chromium per process, started on first use and closed at exit."""

    playwright = None
    browser = None

    @classmethod
    def get(cls):
        if cls.browser is None or not cls.browser.is_connected():
            from playwright.sync_api import sync_playwright
            if cls.playwright is None:
                cls.playwright = sync_playwright().start()
            cls.browser = cls.playwright.chromium.launch(
                executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        return cls.browser


def close() -> None:
    """Close the shared browser (done automatically at interpreter exit)."""
    if _Browser.browser is not None:
        try:
            _Browser.browser.close()
        except Exception:  # already gone with its driver
            pass
        _Browser.browser = None
    if _Browser.playwright is not None:
        try:
            _Browser.playwright.stop()
        except Exception:
            pass
        _Browser.playwright = None


atexit.register(close)


def chromium_available() -> bool:
    """True when ``/usr/bin/chromium`` and the playwright package are both there."""
    if not os.access(CHROMIUM, os.X_OK):
        return False
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def require_chromium() -> None:
    """Skip the calling test without Chromium/playwright; under ``CI=true`` fail instead."""
    import pytest

    if chromium_available():
        return
    message = f"browser test needs {CHROMIUM} and the playwright Python package"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(message)


class LivePage:
    """An open page in the shared headless Chromium (see :func:`open_page`)."""

    def __init__(self, page, path: Path, timeout: float):
        self.page = page
        self.path = path
        self.timeout_ms = timeout * 1000.0
        self.console_errors: list[str] = []
        self.blocked_requests: list[str] = []
        self.load_seconds = 0.0

    # -- set-up --------------------------------------------------------------------------
    def _listen(self) -> None:
        self.page.on("console", lambda message: message.type == "error"
                     and self.console_errors.append(message.text))
        self.page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))
        self.page.on("websocket", lambda socket: self.blocked_requests.append(socket.url))
        self.page.on("request", self._note_request)
        self.page.context.route("**/*", self._route)

    def _allowed(self, url: str) -> bool:
        if url.startswith(ALLOWED_SCHEMES):
            return True
        return url.split("#")[0] == self.path.as_uri()

    def _note_request(self, request) -> None:
        # requests that bypass routing are still recorded here
        if not self._allowed(request.url) and request.url not in self.blocked_requests:
            self.blocked_requests.append(request.url)

    def _route(self, route) -> None:
        url = route.request.url
        if self._allowed(url):
            route.continue_()
            return
        if url not in self.blocked_requests:
            self.blocked_requests.append(url)
        route.abort("blockedbyclient")

    def _goto(self, wait: bool) -> None:
        started = time.perf_counter()
        self.page.goto(self.path.as_uri(), wait_until="load", timeout=self.timeout_ms)
        if wait:
            self.wait_ready()
        self.load_seconds = time.perf_counter() - started

    # -- actions -------------------------------------------------------------------------
    def wait_ready(self) -> None:
        """Wait until the page is loaded and the network shown (if any) is drawn."""
        self.page.wait_for_function(_READY_JS, timeout=self.timeout_ms, polling=20)

    def evaluate(self, script: str, arg: Any = None) -> Any:
        """Run JavaScript in the page and return its result."""
        return self.page.evaluate(script, arg)

    def panels(self) -> int:
        """Number of network panels in the page."""
        return self.page.locator(".ecobelt-panel").count()

    def tabs(self) -> list[str]:
        """Labels of the page's tab buttons (empty for a page without tabs)."""
        return [t.strip() for t in self.page.locator(".ecobelt-tab").all_inner_texts()]

    def show(self, tab: int | str) -> None:
        """Click tab ``tab`` (its index or its label) and wait until it is drawn."""
        buttons = self.page.locator(".ecobelt-tab")
        if isinstance(tab, str):
            labels = self.tabs()
            if tab not in labels:
                raise AssertionError(f"no tab {tab!r}; the page has {labels}")
            tab = labels.index(tab)
        buttons.nth(tab).click()
        self.wait_ready()

    def visible_tab(self) -> int | None:
        """Index of the tab whose content is visible."""
        return self.evaluate("""() => { const p = [...document.querySelectorAll('.ecobelt-page')]
            .find((e) => !e.hidden && e.offsetParent !== null);
            return p ? Number(p.getAttribute('data-tab')) : null; }""")

    def drawn(self) -> dict | None:
        """Nodes, edges and edges per flow vis-network paints in the shown panel (None: no panel)."""  # noqa: E501
        return self.evaluate(_DRAWN_JS)

    def _tick(self, kind: str, name: str, visible: bool) -> None:
        box = self.page.locator(f'.ecobelt-page:not([hidden]) input[data-{kind}="{name}"]')
        if box.count() != 1:
            raise AssertionError(f"expected one checkbox for {kind} {name!r} in the shown "
                                 f"panel, found {box.count()}")
        box.set_checked(visible)

    def set_flow(self, flow: str, visible: bool) -> None:
        """Tick or untick the flow's checkbox in the shown panel's legend, like a user."""
        self._tick("flow", flow, visible)

    def set_overlay(self, name: str, visible: bool) -> None:
        """Tick or untick an overlay layer's checkbox in the shown panel's legend."""
        self._tick("overlay", name, visible)

    def screenshot(self, path: str | Path) -> Path:
        """Save a PNG of the viewport."""
        path = Path(path)
        self.page.screenshot(path=str(path))
        return path

    def check(self, *, flows: bool = True, screenshot: str | Path | None = None) -> PageCheck:
        """A :class:`PageCheck` of the page as it is now (``flows``: also toggle each flow)."""
        result = PageCheck(self.path, title=self.page.title(), panels=self.panels(),
                           load_seconds=self.load_seconds)
        counts = self.drawn()
        if counts is not None:
            result.panel, result.nodes, result.edges = counts["panel"], counts["nodes"], counts["edges"]  # noqa: E501
            result.edges_by_flow, result.draw_ms = counts["byFlow"], counts["drawMs"]
            result.edges_by_overlay = counts["byOverlay"]
            groups = [("flow", f, result.hidden_flow_edges) for f in counts["flows"]]
            groups += [("overlay", o, result.hidden_overlay_edges) for o in counts["overlays"]]
            for kind, name, hidden in groups if flows else ():
                self._tick(kind, name, False)
                now = self.drawn()
                hidden[name] = {**now["byFlow"], **now["byOverlay"]}
                self._tick(kind, name, True)
        if screenshot is not None:
            result.screenshot = self.screenshot(screenshot)
        result.console_errors = list(self.console_errors)
        result.blocked_requests = list(self.blocked_requests)
        return result


@contextmanager
def open_page(path: str | Path, *, timeout: float = 30.0, viewport: tuple[int, int] = (1280, 800),
              wait: bool = True) -> Iterator[LivePage]:
    """Open ``path`` offline in headless Chromium; yield a :class:`LivePage`; close it after.

    ``wait``: return only once the network shown (if any) is drawn; False returns
    after the ``load`` event (for pages that are not ecobelt's).
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"no page at {path}")
    context = _Browser.get().new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, service_workers="block",
        offline=True)
    try:
        live = LivePage(context.new_page(), path, timeout)
        live._listen()
        live._goto(wait)
        yield live
    finally:
        context.close()


def render(path: str | Path, *, screenshot: str | Path | None = None, tab: int | str | None = None,
           flows: bool = True, timeout: float = 30.0, strict: bool = True) -> PageCheck:
    """Open ``path``, check it (see :class:`PageCheck`) and close it.

    Parameters
    ----------
    screenshot : path, optional
        Save a PNG of the page (after the flow toggles, with every flow on).
    tab : int or str, optional
        Click this tab (index or label) first; default: the tab the page opens on.
    flows : bool
        Switch each flow (and overlay layer) off and on in the legend and
        count the edges left.
    strict : bool
        Raise ``AssertionError`` on any console error or blocked request.
    """
    with open_page(path, timeout=timeout) as live:
        if tab is not None:
            live.show(tab)
        result = live.check(flows=flows, screenshot=screenshot)
    return result.assert_clean() if strict else result
