"""User-facing text cites papers by authors, year and title, never by internal file names or paths."""  # noqa: E501

import re
from pathlib import Path

import ecosystem
import networks

ROOT = Path(__file__).resolve().parents[1]
INTERNAL = re.compile(r"seeds? 00[0-4]|shared/seeds|00[0-4]_[0-9a-f]{16}", re.IGNORECASE)
TITLES = [
    "Research on the Construction of Cross-Border E-Commerce Supply Chain Ecosystem from the",
    "Research on the Coordinated Development of Zhejiang Cross-border E-commerce and Regional",
    "A Study on the Mechanism of Enhancing the Value Creation Capability of Rural E-Commerce",
    "Development of E-commerce and Innovation of Rural Small and Medium Enterprises",
    "Effective Path of the Value Chain's Upgrading of Industry Clusters: Industry Convergence",
]


def user_facing_files():
    yield ROOT / "README.md"
    for folder in ("ecosystem", "networks", "viz"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in {".py", ".yaml", ".json", ".csv", ".md",
                                                  ".html", ".js", ".css", ".txt"}:
                yield path


def test_no_internal_names_or_outside_paths():
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in user_facing_files()
             for number, line in enumerate(path.read_text(encoding="utf-8",
                                                          errors="replace").splitlines(), 1)
             if INTERNAL.search(line)]
    assert found == []


def normalise(text):
    return " ".join(text.split())


def test_readme_and_package_docs_list_the_papers():
    readme = normalise((ROOT / "README.md").read_text())
    assert "## References" in readme
    for title in TITLES:
        assert title in readme
    package = normalise(ecosystem.__doc__)
    assert "References" in package and all(title in package for title in TITLES)
    assert "Sterman, J. D. (1989)" in normalise(ecosystem.bullwhip.__doc__)
    assert "Wang, Z. & Gao, M." in normalise(networks.__doc__)
