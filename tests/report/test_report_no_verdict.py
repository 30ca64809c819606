"""The "no verdict" state in every output: a vendor that mostly could not be reached
("unavailable") or that has trials agentcheck could not judge ("not judged") shows
"no verdict: <reason>" where a tier would be and "-" for its score, in the terminal table,
report.md, report.csv, report.html, `compare` and `merge`, never a tier and never a green
"no red flags"; and it fails every CI gate. The new flag (collateral_damage) and termination
(cut_off) read in plain words."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from agentcheck.cli import main
from agentcheck.judge.verdict import vendor_verdict
from agentcheck.report import rows, table
from agentcheck.report.compare import compare_runs, compare_text
from agentcheck.report.fmt import FLAG_MEANING, vendor_sentences
from agentcheck.results.summary import NoVerdict, Summary, VendorVerdict

from ..helpers.browser import needs_chromium, open_report
from ..helpers.report_fixtures import (
    COLLATERAL,
    NO_VERDICT_VENDORS,
    make_records,
    no_verdict_records,
    rendered_no_verdict_run,
    write_run,
)

JUDGED = "steady"
WITHOUT = ("unreachable", "glitchy", "broken")


@pytest.fixture(scope="module")
def run_and_summary(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Summary]:
    folder = tmp_path_factory.mktemp("noverdict") / "run"
    return folder, rendered_no_verdict_run(folder)


@pytest.fixture
def run_dir(run_and_summary: tuple[Path, Summary]) -> Path:
    return run_and_summary[0]


@pytest.fixture
def vendors(run_and_summary: tuple[Path, Summary]) -> dict[str, dict[str, Any]]:
    return {v["name"]: v for v in run_and_summary[1]["vendors"]}


@pytest.fixture
def reasons(vendors: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {name: vendors[name]["no_verdict"]["reason"] for name in WITHOUT}


def test_the_fixture_has_both_kinds(vendors: dict[str, dict[str, Any]]) -> None:
    assert vendors[JUDGED]["no_verdict"] is None and vendors[JUDGED]["tier"] is not None
    assert vendors["unreachable"]["no_verdict"]["kind"] == "unavailable"
    assert vendors["unreachable"]["no_verdict"]["reason"].startswith("unavailable (connection")
    for name in ("glitchy", "broken"):
        assert vendors[name]["no_verdict"]["kind"] == "not_judged"
        assert "--resume" in vendors[name]["no_verdict"]["reason"]
    for name in WITHOUT:
        v = vendors[name]
        assert v["tier"] is None and v["capability_score"] is None and v["capability_ci"] is None
    assert vendors["broken"]["scenarios"] == []  # nothing judged at all
    assert "collateral_damage" in vendors[JUDGED]["flags"]


def test_terminal_table(run_and_summary: tuple[Path, Summary],
                        reasons: dict[str, str]) -> None:
    by_name = {r[0]: r for r in rows(run_and_summary[1])}
    for name, reason in reasons.items():
        assert by_name[name][1] == f"no verdict: {reason}"
        assert by_name[name][2] == "-"
        assert by_name[name][5] != "none"  # no clean bill without a verdict
    assert re.fullmatch(r"\d [a-z -]+", by_name[JUDGED][1])
    assert re.fullmatch(r"\d+ \(\d+-\d+\)", by_name[JUDGED][2])
    text = table(run_and_summary[1])
    assert text.count("no verdict: ") == 3


def test_report_md(run_dir: Path, reasons: dict[str, str]) -> None:
    text = (run_dir / "report.md").read_text()
    verdict = text.split("## Verdict")[1].split("## Business view")[0]
    for name, reason in reasons.items():
        row = next(line for line in verdict.splitlines() if line.startswith(f"| {name} "))
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]
        assert cells[1].replace("\\", "") == f"no verdict: {reason}" and cells[2] == "-"
        bullet = next(line for line in verdict.splitlines()
                      if line.startswith(f"- **{name}**"))
        assert f"No verdict: {reason}." in bullet
        assert "Tier" not in bullet and "No red flags" not in bullet
        heading = next(line for line in text.splitlines() if line.startswith(f"## {name}: "))
        assert heading.replace("\\", "") == f"## {name}: no verdict: {reason}"
    assert "## steady: tier " in text
    assert "could not be judged: no verdict until they are re-run" in text
    assert "**no verdict**" in text  # explained under "How to read these numbers"


def test_report_md_words_for_the_new_flag_and_termination(run_dir: Path) -> None:
    text = (run_dir / "report.md").read_text()
    assert FLAG_MEANING["collateral_damage"] in text
    assert COLLATERAL in text.replace("\\", "")
    assert "reply cut off by the vendor's output limit" in text


def csv_by_vendor(run_dir: Path) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO((run_dir / "report.csv").read_text())):
        out.setdefault(row["vendor"], []).append(row)
    return out


def test_report_csv(run_dir: Path, reasons: dict[str, str]) -> None:
    table = csv_by_vendor(run_dir)
    assert set(table) == set(NO_VERDICT_VENDORS)  # broken has no scenario result, still a row
    kinds = {"unreachable": "unavailable", "glitchy": "not_judged", "broken": "not_judged"}
    for name, reason in reasons.items():
        for row in table[name]:
            assert row["tier"] == f"no verdict: {reason}"
            assert row["capability_score"] == "-" and row["tier_name"] == "no verdict"
            assert row["no_verdict"] == kinds[name]
    assert len(table["broken"]) == 1 and table["broken"][0]["scenario"] == ""
    for row in table[JUDGED]:
        assert row["tier"].isdigit() and float(row["capability_score"]) > 0
        assert row["no_verdict"] == ""


def card(html: str, name: str) -> str:
    start = html.index(f'<div class="card"><h3><span>{name}</span>')
    return html[start:html.index("</div></div>", html.index('<div class="chips">', start))]


def test_report_html_cards(run_dir: Path, reasons: dict[str, str]) -> None:
    html = (run_dir / "report.html").read_text()
    for name, reason in reasons.items():
        c = card(html, name)
        assert 'aria-label="No verdict: ' in c and "Tier" not in c
        assert "<b>-</b>" in c and f"no verdict: {reason}" in c.replace("&#x27;", "'")
        assert "chip ok" not in c and "no red flags" not in c
    steady = card(html, JUDGED)
    assert 'aria-label="Tier ' in steady and "collateral_damage" in steady
    assert "no verdict: no score" in html  # in the score chart, instead of a dot
    assert "could not be judged: no verdict until they are re-run" in html
    assert "reply cut off by the vendor&#x27;s output limit" in html


@pytest.mark.browser
@needs_chromium
def test_report_html_in_the_browser(run_dir: Path, reasons: dict[str, str]) -> None:
    with open_report(run_dir / "report.html") as b:
        assert b.console_errors() == []
        assert b.requests() == [(run_dir / "report.html").resolve().as_uri()]
        shown = b.js("""Object.fromEntries([...document.querySelectorAll('#verdict .card')]
            .map(c => [c.querySelector('h3 span').textContent, c.innerText]))""")
        for name, reason in reasons.items():
            assert f"no verdict: {reason}" in shown[name]
            assert "NO VERDICT" in shown[name].upper() and "no red flags" not in shown[name]
        assert "no red flags" not in shown[JUDGED] and "collateral_damage" in shown[JUDGED]
        badges = b.js("""[...document.querySelectorAll('#verdict svg.badge')].map(s => {
            const r = s.getBoundingClientRect(); return [r.width, s.textContent.trim()]; })""")
        assert sorted(text.split()[0] for _, text in badges) == ["No", "No", "No", "Tier"]
        assert all(w > 40 for w, _ in badges)


def test_vendor_sentences_never_state_a_missing_tier() -> None:
    """A summary with no tier but no reason either (hand-made, or from a future field) still
    reads as no verdict, not as a crash or a clean bill."""
    legacy = vendor_verdict("x", []).model_copy(update={
        "tier": None, "tier_name": "?", "tier_reasons": [], "no_verdict": None,
        "capability_score": None, "capability_ci": None})
    said = vendor_sentences(legacy)
    assert said[0] == "No verdict." and "No red flags." not in said
    summary = Summary(vendors=[legacy], comparisons=[], statistics={})
    assert rows(summary)[0][1:3] == ["no verdict", "-"]


# --- CI gates ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "code"), [
    ([], 0),
    (["--fail-under", "0"], 3),
    (["--fail-under-tier", "0"], 3),
])
def test_a_vendor_with_no_verdict_fails_every_gate(
        run_dir: Path, tmp_path: Path, reasons: dict[str, str], args: list[str], code: int,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(run_dir), "--out", str(tmp_path / "r"), *args]) == code
    captured = capsys.readouterr()
    assert captured.out.count("no verdict: ") == 3
    for name, reason in reasons.items():
        line = f"agentcheck: gate failed: {name} has no verdict ({reason})"
        assert (line in captured.err) == (code == 3)
    assert "gate failed: steady" not in captured.err


# --- compare and merge --------------------------------------------------------------------------

def test_compare_says_no_verdict_instead_of_a_score_change(
        tmp_path: Path, reasons: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    before = make_records(dict.fromkeys(NO_VERDICT_VENDORS, 0.9), trials=3, seed=11)
    write_run(tmp_path / "a", before, list(NO_VERDICT_VENDORS))
    write_run(tmp_path / "b", no_verdict_records(), list(NO_VERDICT_VENDORS))
    result = compare_runs(tmp_path / "a", tmp_path / "b")
    deltas = {d["vendor"]: d for d in result["vendors"]}
    for name, reason in reasons.items():
        d = deltas[name]
        assert d["no_verdict"] == [None, reason] and d["tier"][1] is None
        assert d["capability_score"][1] is None and d["score_change"] is None
        assert d["verdict"] == f"not comparable: no verdict in B ({reason})"
    assert deltas[JUDGED]["no_verdict"] == [None, None]
    assert deltas[JUDGED]["score_change"] is not None
    text = compare_text(result)
    row = next(line for line in text.splitlines() if line.startswith("unreachable "))
    assert " -> - " in row and "-> no verdict" in row and "not comparable" in row
    assert main(["compare", str(tmp_path / "a"), str(tmp_path / "b"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {d["vendor"]: d["no_verdict"][1] for d in data["vendors"]}["glitchy"] == \
        reasons["glitchy"]


def test_merge_shows_no_verdict_and_gates_on_it(
        tmp_path: Path, reasons: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    shard = write_run(tmp_path / "shard", no_verdict_records(), list(NO_VERDICT_VENDORS))
    run = json.loads((shard / "run.json").read_text())
    (shard / "run.json").write_text(json.dumps({**run, "shard": {"index": 1, "count": 1}}))
    out = tmp_path / "merged"
    assert main(["merge", str(shard), "--out", str(out), "--fail-under-tier", "1"]) == 3
    captured = capsys.readouterr()
    for name, reason in reasons.items():
        assert f"no verdict: {reason}" in captured.out
        assert f"gate failed: {name} has no verdict" in captured.err
    summary = json.loads((out / "summary.json").read_text())
    assert {v["name"]: v["tier"] for v in summary["vendors"]}["unreachable"] is None
    assert "no verdict: " in (out / "report.md").read_text()


def test_run_says_how_to_get_the_verdict_back(run_and_summary: tuple[Path, Summary],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from agentcheck.cli.run import hint_not_judged as _hint_not_judged

    _hint_not_judged(run_and_summary[1], Path("results/r1"))
    err = capsys.readouterr().err
    assert err == ("no verdict yet for glitchy, broken: some trials hit an agentcheck error; "
                   "re-run them with agentcheck run --resume --out results/r1\n")
    judged = run_and_summary[1].model_copy(update={"vendors": [run_and_summary[1].vendors[0]]})
    _hint_not_judged(judged, Path("x"))
    assert capsys.readouterr().err == ""


# --- every section that lists per-vendor numbers ------------------------------------------------

def md_section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def md_rows(section: str, name: str) -> list[str]:
    return [line for line in section.splitlines() if line.startswith(f"| {name} ")]


@pytest.mark.parametrize("title", ["Business view", "Reliability", "Capability profile",
                                   "Clean vs noisy data"])
def test_report_md_marks_no_verdict_in_every_table_of_numbers(run_dir: Path, title: str) -> None:
    section = md_section((run_dir / "report.md").read_text(), title)
    listed = [name for name in WITHOUT if md_rows(section, name)]
    # broken has no scenario result, so no clean/noisy family; the others are in every table
    assert listed == (["unreachable", "glitchy"] if title.startswith("Clean") else list(WITHOUT))
    for name in listed:
        assert all(row.startswith(f"| {name} (no verdict: ") for row in md_rows(section, name))
    assert all("no verdict" not in row for row in md_rows(section, JUDGED))
    assert f"No verdict for {', '.join(listed)} (marked \"no verdict\")" in section


def test_report_md_marks_the_heat_map_columns_and_leaves_them_out_of_the_ranking(
        run_dir: Path) -> None:
    text = (run_dir / "report.md").read_text()
    header = md_section(text, "Vendor x scenario").split("| scenario ")[1].splitlines()[0]
    assert "| unreachable (no verdict: unavailable) " in header
    assert "| glitchy (no verdict: not judged) " in header and "| steady " in header
    significance = md_section(text, "Which differences are real")
    assert "- Fewer than two vendors have a verdict: nothing to compare." in significance
    assert "- Left out: unreachable, glitchy, broken (no verdict" in significance


def test_report_md_shows_the_error_message_of_each_trial_report_html_shows(
        run_dir: Path) -> None:
    text = (run_dir / "report.md").read_text()
    glitchy = text.split("## glitchy: ")[1].split("\n## ")[0]
    for t in range(3):
        assert f"  - refund-damaged-order #{t}: TypeError: agentcheck's own bug" in glitchy
    assert "(error: connection: connection refused by 127.0.0.1:9)" in text
    html = (run_dir / "report.html").read_text()
    assert "TypeError: agentcheck&#x27;s own bug" in html  # the same message, on both


def html_section(html: str, sid: str) -> str:
    start = html.index(f'<section id="{sid}">')
    return html[start:html.index("</section>", start)]


def first_cells(section: str) -> list[str]:
    return re.findall(r"<tr><td[^>]*>(.*?)</td>", section)


@pytest.mark.parametrize("sid", ["business", "reliability", "profile", "noisy"])
def test_report_html_marks_no_verdict_in_every_table_of_numbers(run_dir: Path, sid: str) -> None:
    section = html_section((run_dir / "report.html").read_text(), sid)
    cells = first_cells(section)
    listed = [name for name in WITHOUT if any(c.startswith(name + " ") or c == name
                                              for c in cells)]
    assert listed == (["unreachable", "glitchy"] if sid == "noisy" else list(WITHOUT))
    for cell in cells:
        name = cell.split(" ")[0].split("<")[0]
        assert ('<span class="chip warn">no verdict: ' in cell) == (name in WITHOUT), cell
    assert f"No verdict for {', '.join(listed)} (marked &quot;no verdict&quot;)" in section


def test_the_cost_chart_draws_no_vendor_without_a_verdict(run_dir: Path) -> None:
    """An unreachable vendor costs nothing and completes nothing: drawn, it would sit at $0 / 0%
    and start the "no other vendor beats it on both" line."""
    business = html_section((run_dir / "report.html").read_text(), "business")
    chart = business[business.index("<svg"):business.index("</svg>")]
    drawn = re.findall(r"<circle [^>]*><title>([^:<]*):", chart)
    assert drawn == [JUDGED]
    assert "<polyline" not in chart  # one vendor with a verdict: no frontier to draw
    assert "the chart leaves them out" in business


def test_the_frontier_joins_only_vendors_with_a_verdict() -> None:
    from agentcheck.report.svg import pareto_chart

    base = vendor_verdict("base", [])

    def vendor(name: str, cost: float, rate: float, kind: str | None = None) -> VendorVerdict:
        return base.model_copy(update={
            "name": name, "cost_per_trial_usd": cost, "completion_rate": rate, "tier": 2,
            "no_verdict": NoVerdict(kind=kind, reason="x") if kind else None})

    svg = pareto_chart([vendor("dead", 0.0, 0.0, "unavailable"), vendor("cheap", 0.001, 0.4),
                        vendor("good", 0.003, 0.8), vendor("half", 0.0005, 0.9, "not_judged")])
    frontier = re.search(r'<polyline points="([^"]+)"', svg)
    assert frontier and len(frontier.group(1).split()) == 2  # cheap -> good
    assert re.findall(r"<circle [^>]*><title>([^:<]*):", svg) == ["cheap", "good"]
    assert "dead" not in svg and "half" not in svg


def test_the_profile_and_pass_k_charts_leave_them_out(run_dir: Path) -> None:
    html = (run_dir / "report.html").read_text()
    for sid in ("profile", "reliability"):
        section = html_section(html, sid)
        chart = section[section.index("<svg"):section.index("</svg>")]
        for name in WITHOUT:
            assert f">{name}<" not in chart and f"{name}," not in chart and \
                f"{name}:" not in chart, (sid, name)
        assert f">{JUDGED}<" in chart
        assert "the chart leaves them out" in section


def test_the_heat_map_greys_and_marks_their_columns(run_dir: Path) -> None:
    from agentcheck.report.svg import heat_color

    section = html_section((run_dir / "report.html").read_text(), "scenarios")
    grades = {heat_color(x / 3) for x in range(4)}  # red to green over 0/3 .. 3/3
    for name in ("unreachable", "glitchy"):
        fills = re.findall(rf'fill="(#[0-9a-f]{{6}})"><title>{name} on [^<]*passed[^<]*'
                           r"\(no verdict: [a-z ]+\)</title>", section)
        assert len(fills) >= 7 and not set(fills) & grades, (name, fills)
    steady = re.findall(r'fill="(#[0-9a-f]{6})"><title>steady on ', section)
    assert len(steady) == 8 and set(steady) <= grades
    assert section.count(">no verdict</text>") == 3  # under each of their names
    assert "No verdict for unreachable, glitchy, broken" in section


def test_significance_and_evidence_say_who_has_no_verdict(run_dir: Path) -> None:
    html = (run_dir / "report.html").read_text()
    significance = html_section(html, "significance")
    assert "Only one vendor" not in significance
    assert "Fewer than two vendors have a verdict: nothing to compare." in significance
    assert "Left out: unreachable, glitchy, broken (no verdict" in significance
    summaries = re.findall(r'<details class="vendor"><summary>(.*?)</summary>',
                           html_section(html, "evidence"))
    for name in WITHOUT:
        (line,) = [s for s in summaries if s.startswith(name + " ")]
        assert '<span class="chip warn">no verdict: ' in line
    assert "no verdict" not in next(s for s in summaries if s.startswith(JUDGED))


@pytest.mark.browser
@needs_chromium
def test_every_section_shows_no_verdict_in_the_browser(run_dir: Path) -> None:
    with open_report(run_dir / "report.html") as b:
        assert b.console_errors() == []
        shown = b.js("""Object.fromEntries(['profile', 'business', 'reliability', 'significance',
            'scenarios', 'noisy', 'evidence'].map(id =>
            [id, document.getElementById(id).innerText]))""")
        for sid, text in shown.items():
            assert "no verdict" in text.lower(), sid
        dots = b.js("""[...document.querySelectorAll('#business svg.chart circle')]
            .map(c => c.querySelector('title').textContent.split(':')[0])""")
        assert dots == [JUDGED]
