"""The shared report sections (report/sections.py) are computed once and laid out by both
report.md and report.html: the same sections, with the same titles and the same columns, in
both, so the two reports cannot drift apart again."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from agentcheck.judge.verdict import summarise_file
from agentcheck.report.sections import Section, build_sections

from ..helpers.report_fixtures import no_verdict_records, rendered_run, write_run


def md_table_columns(text: str, title: str) -> list[str] | None:
    """The header of the first table under `## title`, or None when it has none."""
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    for line in text[start:end].splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            return [re.sub(r"\\(.)", r"\1", html.unescape(c)) for c in cells]
    return None


def html_section(page: str, key: str) -> tuple[str, list[str] | None]:
    """(the h2 title, the header of the section's data table) of `<section id=key>`."""
    match = re.search(rf'<section id="{key}"><h2>(.*?)</h2>(.*?)</section>', page, re.S)
    assert match, f"report.html has no section {key!r}"
    title, body = html.unescape(match.group(1)), match.group(2)
    table = re.search(r"<table[^>]*><thead><tr>(.*?)</tr></thead>", body, re.S)
    if table is None:
        return title, None
    return title, [html.unescape(th) for th in re.findall(r"<th[^>]*>(.*?)</th>", table.group(1))]


def _sections(folder: Path) -> list[Section]:
    run = json.loads((folder / "run.json").read_text())
    order = [v["name"] for v in run["vendors"]]
    return build_sections(summarise_file(folder / "trials.jsonl", order)).all()


@pytest.fixture(scope="module", params=["mixed", "no-verdict"])
def folder(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sections") / "run"
    if request.param == "mixed":
        return rendered_run(out)
    from agentcheck.report import render_run

    from ..helpers.report_fixtures import NO_VERDICT_VENDORS

    write_run(out, no_verdict_records(), list(NO_VERDICT_VENDORS))
    render_run(out)
    return out


def test_the_same_sections_with_the_same_columns_in_md_and_html(folder: Path) -> None:
    md = (folder / "report.md").read_text(encoding="utf-8")
    page = (folder / "report.html").read_text(encoding="utf-8")
    sections = _sections(folder)
    assert [s.key for s in sections] == ["business", "reliability", "significance", "profile",
                                         "noisy"]
    for sec in sections:
        assert f"\n## {sec.title}\n" in md, f"report.md lacks the {sec.title} section"
        title, html_columns = html_section(page, sec.key)
        assert title == sec.title
        md_columns = md_table_columns(md, sec.title)
        if sec.rows:
            assert md_columns == html_columns == sec.columns, sec.key
        else:  # no table in either, and the same words for what is missing
            assert md_columns is None and html_columns is None, sec.key


def test_a_section_without_rows_says_so_in_both(tmp_path: Path) -> None:
    """A run with no clean/noisy pair: both reports keep the section and say what is missing
    (report.md used to drop it while report.html kept it)."""
    from agentcheck.report import render_run

    from ..helpers.report_fixtures import make_records

    records = [r for r in make_records({"acme": 0.9}, trials=1) if r.variant == "clean"]
    write_run(tmp_path, records, ["acme"], trials=1)
    render_run(tmp_path)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    [noisy] = [s for s in _sections(tmp_path) if s.key == "noisy"]
    assert not noisy.rows and noisy.empty
    assert noisy.empty.replace("-", "") in md.replace("\\", "").replace("-", "")
    assert html.escape(noisy.empty, quote=True) in page or noisy.empty in html.unescape(page)


def test_every_vendor_row_appears_in_both(folder: Path) -> None:
    md = (folder / "report.md").read_text(encoding="utf-8")
    page = html.unescape((folder / "report.html").read_text(encoding="utf-8"))
    for sec in _sections(folder):
        for row in sec.rows:
            if row.vendor is not None:
                assert row.vendor.name in md and row.vendor.name in page
            for cell in row.cells:
                assert cell.text in page, (sec.key, cell.text)

