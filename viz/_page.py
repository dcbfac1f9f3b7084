"""The self-contained HTML page: vendor library, our script and styles, the data.

Only vis-network's own JavaScript and CSS come from pyvis (the copy pyvis
0.3.2 bundles, ``pyvis/templates/lib/vis-9.1.2``); pyvis' HTML template is not
used, because even with ``cdn_resources="in_line"`` it links bootstrap and
tom-select from a CDN. Everything is inlined, so the page loads no resource
from anywhere.

External URLs: the page's own markup, styles, script and data contain none.
The embedded vis-network file still holds a few URL *strings* that are never
requested: its licence header (project, licence and copyright-holder
addresses), core-js' copyright record, a uuid error message and the SVG XML
namespace name passed to ``createElementNS``. They are left as they are (the
licence must travel with the code); :data:`VENDOR_URL_STRINGS` lists them and
the tests check that nothing else appears. The ``sourceMappingURL`` comment
is removed so developer tools do not look for a map file.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from ecosystem import EcosystemError, ParameterError
from ecosystem._atomic import atomic_open

__all__ = ["HtmlPage", "build_page", "panel_html", "table_html", "vendor_assets",
           "VENDOR_URL_STRINGS", "VisNetworkMissing"]

VIS_VERSION = "9.1.2"

#: Every URL string inside the embedded vis-network 9.1.2 file (none is loaded).
VENDOR_URL_STRINGS = frozenset({
    "https://visjs.github.io/vis-network/",
    "http://almende.com",
    "https://github.com/visjs",
    "http://www.apache.org/licenses/LICENSE-2.0",
    "http://opensource.org/licenses/MIT",
    "https://github.com/zloirock/core-js/blob/v3.21.1/LICENSE",
    "https://github.com/zloirock/core-js",
    "https://github.com/uuidjs/uuid#getrandomvalues-not-supported",
    "http://www.w3.org/2000/svg",
})


class VisNetworkMissing(EcosystemError):
    """The vis-network files bundled with pyvis cannot be found."""


@lru_cache(maxsize=1)
def vendor_assets() -> tuple[str, str]:
    """vis-network's ``(javascript, css)`` text, taken from the installed pyvis."""
    try:
        folder = resources.files("pyvis") / "templates" / "lib" / f"vis-{VIS_VERSION}"
        script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
        style = (folder / "vis-network.css").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError) as error:
        raise VisNetworkMissing(
            f"cannot read vis-network {VIS_VERSION} from the installed pyvis ({error}); "
            "install pyvis 0.3.2 (pip install 'pyvis==0.3.2')") from None
    script = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", script)
    return _safe_in_tag(script, "script"), _safe_in_tag(style, "style")


@lru_cache(maxsize=1)
def own_assets() -> tuple[str, str]:
    """Our page ``(javascript, css)`` from ``viz/assets``."""
    folder = resources.files("viz") / "assets"
    return ((folder / "ecobelt.js").read_text(encoding="utf-8"),
            (folder / "ecobelt.css").read_text(encoding="utf-8"))


def _safe_in_tag(text: str, tag: str) -> str:
    if f"</{tag}" in text.lower():
        raise VisNetworkMissing(f"the vendor {tag} contains '</{tag}' and cannot be inlined")
    return text


def json_for_script(value: Any) -> str:
    """JSON text that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where their
    ``\\u`` escapes mean the same, so no member name can close the script tag.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def panel_html(index: int, extra: str = "") -> str:
    """The network area of panel ``index``: canvas, legend and optional side content."""
    return (f'<div class="ecobelt-panel" data-panel="{index}">'
            f'<div class="ecobelt-network"></div>'
            f'<details class="ecobelt-legend" open><summary>Legend</summary>'
            f'<div class="ecobelt-legend-body"></div></details></div>{extra}')


def table_html(frame: pd.DataFrame | pd.Series) -> str:
    """A table of a page's side or results, escaped, numbers to four significant digits.

    Examples
    --------
    >>> table_html(pd.Series({"a": 1 / 3, "b": None}, name="x")).count("<td>")
    2
    """
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"a metric table must be a DataFrame or Series, "
                             f"got {type(frame).__name__}")
    return frame.to_html(classes="ecobelt-table", border=0, escape=True, na_rep="n/a",
                         float_format=lambda x: f"{x:.4g}")


def build_page(title: str, pages: Sequence[tuple[str, str]], payloads: Sequence[dict],
               *, subtitle: str = "", tabs: bool = False) -> str:
    """The whole HTML document.

    Parameters
    ----------
    title : str
        Shown in the header and the browser tab.
    pages : sequence of (label, inner_html)
        The content of each tab (a single page when ``tabs`` is False).
    payloads : sequence of dict
        The data of each network panel, in panel order.
    """
    # vis-network is left out of a page whose every panel is drawn by the canvas renderer
    # (the page script draws a panel with a timeline with vis-network)
    with_vis = not payloads or any(p.get("renderer", "vis") != "canvas" or p.get("timeline")
                                   for p in payloads)
    vis_js, vis_css = vendor_assets() if with_vis else ("", "")
    js, css = own_assets()
    header_tabs = ""
    if tabs:
        buttons = "".join(f'<button class="ecobelt-tab" data-tab="{i}" type="button">'
                          f'{html.escape(label)}</button>' for i, (label, _) in enumerate(pages))
        header_tabs = f'<nav class="ecobelt-tabs">{buttons}</nav>'
    body = "".join(
        f'<main class="ecobelt-page" data-tab="{i}"'
        f'{" data-overview" if label == "Overview" and tabs else ""}>{inner}</main>'
        for i, (label, inner) in enumerate(pages))
    data = "".join(f'<script type="application/json" id="ecobelt-data-{i}">'
                   f"{json_for_script(payload)}</script>\n" for i, payload in enumerate(payloads))
    sub = f'<span class="ecobelt-subtitle">{html.escape(subtitle)}</span>' if subtitle else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        + (f"<!-- vis-network {VIS_VERSION} (Apache-2.0 OR MIT), embedded from pyvis -->\n"
           f"<style>\n{vis_css}\n</style>\n" if with_vis else "")
        + f"<style>\n{css}\n</style>\n</head>\n<body>\n"
        f'<header class="ecobelt-header"><h1>{html.escape(title)}</h1>{sub}{header_tabs}'
        f"</header>\n{body}\n{data}"
        + (f"<script>\n{vis_js}\n</script>\n" if with_vis else "")
        + f"<script>\n{js}\n</script>\n</body>\n</html>\n")


class HtmlPage:
    """An exported page: its HTML text, the file it was written to, and inline display.

    In Jupyter the page shows inline (``_repr_html_`` wraps it in an
    ``<iframe srcdoc=...>``, so its script runs isolated from the notebook's).

    Examples
    --------
    >>> page = HtmlPage("<!DOCTYPE html><p>hi</p>", height=300)
    >>> page._repr_html_().startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;&lt;p&gt;hi')
    True
    """

    def __init__(self, text: str, path: str | Path | None = None, height: int = 650):
        self.html = text
        self.path = None if path is None else Path(path)
        self.height = int(height)

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` (UTF-8) and return the path."""
        path = Path(path)
        with atomic_open(path, "w", encoding="utf-8") as handle:
            handle.write(self.html)
        self.path = path
        return path

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
                f'style="width:100%;height:{self.height}px;border:1px solid #ddd" '
                'sandbox="allow-scripts"></iframe>')

    def __str__(self) -> str:
        return self.html

    def __repr__(self) -> str:
        where = f" at {str(self.path)!r}" if self.path else ""
        return f"<HtmlPage {len(self.html):,} characters{where}>"
