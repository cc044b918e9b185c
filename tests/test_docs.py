"""docs/: the API reference names every public name (and no other), and no link is dead.

docs/api.md is kept in step with the code: each table row names one public object in its first
cell; the set of those names must be exactly `navkompetanse.__all__`, plus `navkompetanse.plot`'s
`__all__` as `plot.<name>` and the leader's `Override`. docs/index.md links every page in
docs/, and every relative link in the index and the reference reaches a file that exists (and,
with `#anchor`, a heading of that file, by GitHub's rule for heading anchors).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

import navkompetanse
from navkompetanse import plot, trust

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
ROW_NAME = re.compile(r"^\|\s*`([^`]+)`\s*\|", re.MULTILINE)


def _section(text: str, heading: str) -> str:
    """The text under a level-2 heading, up to the next level-2 heading."""
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else None]


def _rows(section: str) -> list[str]:
    return ROW_NAME.findall(section)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    text = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LN")
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # '#' inside code is no heading
    return {_slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*$", text, re.MULTILINE)}


def _links(page: Path) -> list[tuple[Path, str]]:
    """Every relative link of a page: (target file, anchor or '')."""
    out = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target):  # http:, https:, mailto:
            continue
        file, _, anchor = target.partition("#")
        out.append(((page.parent / file).resolve() if file else page, anchor))
    return out


@pytest.fixture(scope="module")
def api() -> str:
    return (DOCS / "api.md").read_text(encoding="utf-8")


def test_every_public_name_is_in_the_api_reference_and_nothing_else(api):
    listed = _rows(_section(api, "`navkompetanse`"))
    assert len(listed) == len(set(listed)), "a name is listed twice"
    missing = set(navkompetanse.__all__) - set(listed)
    stale = set(listed) - set(navkompetanse.__all__)
    assert not missing, f"public names missing from docs/api.md: {sorted(missing)}"
    assert not stale, f"docs/api.md lists names that are not public: {sorted(stale)}"


def test_every_plot_function_and_override_is_in_the_api_reference(api):
    listed = set(_rows(_section(api, "`navkompetanse.plot` (extra `plot`: matplotlib)")))
    assert listed == {f"plot.{name}" for name in plot.__all__}
    trust_rows = set(_rows(_section(api, "`navkompetanse.trust`")))
    assert "Override" in trust_rows
    assert trust_rows <= set(trust.__all__)


def test_every_row_says_what_it_is_and_where_it_is_documented(api):
    for line in api.splitlines():
        if ROW_NAME.match(line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            assert len(cells) == 3 and cells[1] and cells[2], line
            assert "](" in cells[2] or "help(" in cells[2], f"no place given: {line}"


def test_index_links_every_doc_page():
    linked = {target for target, _ in _links(DOCS / "index.md")}
    pages = {p.resolve() for p in DOCS.glob("*.md") if p.name != "index.md"}
    assert not pages - linked, f"pages not linked from docs/index.md: {sorted(pages - linked)}"


@pytest.mark.parametrize("page", ["index.md", "api.md"])
def test_every_link_reaches_a_file_and_heading(page):
    for target, anchor in _links(DOCS / page):
        assert target.exists(), f"{page} links to a missing file: {target}"
        if anchor and target.suffix == ".md":
            assert anchor in _anchors(target), f"{page}: no heading #{anchor} in {target.name}"


def test_the_tour_runs_readme_demo_report_quickstart_in_that_order():
    tour = _section((DOCS / "index.md").read_text(encoding="utf-8"), "A five-minute tour")
    steps = ["../README.md", "navkompetanse demo", "Open the report",
             "../examples/quickstart.py"]
    at = [tour.find(step) for step in steps]
    assert all(i >= 0 for i in at) and at == sorted(at), dict(zip(steps, at, strict=True))
    assert (ROOT / "examples" / "quickstart.py").exists()


def test_the_tour_names_each_report_section():
    from navkompetanse import load_example_office, plan

    p = plan(load_example_office(), gaps=False, learning=False, time_limit=5)
    headings = re.findall(r"<h2[^>]*>\s*\d+\.\s*([^<]+?)\s*</h2>", p.to_html())
    tour = _section((DOCS / "index.md").read_text(encoding="utf-8"), "A five-minute tour")
    assert headings, "the report has numbered section headings"
    for heading in headings:
        assert f"*{heading}*" in tour, f"the tour does not name the report section {heading!r}"
