"""Outputs a memo can take as they are (issue 16 item 6, the report side): report.md defines
what it names, names scenarios by title, escapes one way, says what it cut and lists each tie
once; report.csv carries the vendor's flags; a shard's report says which shard it is; the
efficient line skips vendors that completed nothing; recovery is 0 for a vendor that never
reached the fault; no evidence line starts with a stray colon; report.html stays bounded."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from agentcheck.judge.verdict import summarise
from agentcheck.report import render_run
from agentcheck.report.completeness import completeness
from agentcheck.report.csvfile import COLUMNS, csv_text
from agentcheck.report.evidence import EVIDENCE_PER_VENDOR, trial_evidence
from agentcheck.report.fmt import FLAG_MEANING, TIER_MEANING
from agentcheck.report.markdown import esc, markdown
from agentcheck.report.sections import significance
from agentcheck.report.svg import pareto_chart
from agentcheck.results.records import TrialRecord
from agentcheck.results.summary import Summary

from ..helpers.report_fixtures import VENDORS, make_records, rendered_run, write_run

ORIGINAL_COLUMNS = ["vendor", "tier", "capability_score", "scenario", "variant", "trials",
                    "passed", "pass_rate", "score", "flags"]


def _summary(records: list[TrialRecord], vendors: list[str]) -> Summary:
    return summarise(records, vendors)


def test_report_md_defines_every_tier_and_flag_it_names(tmp_path: Path) -> None:
    folder = rendered_run(tmp_path / "run")
    md = (folder / "report.md").read_text()
    summary = Summary.model_validate_json((folder / "summary.json").read_text())
    defs = md.split("\n## Definitions\n", 1)[1].split("\n## ", 1)[0]
    tiers = {v.tier for v in summary.vendors if v.tier is not None}
    flags = {f for v in summary.vendors for f in [*v.flags, *(f for s in v.scenarios
                                                            for f in s.flags)]}
    assert tiers and flags  # the fixture names both
    for tier in tiers:
        assert f"- **Tier {tier}, " in defs and TIER_MEANING[tier] in defs
    for flag in flags:
        assert f"- **{esc(flag)}**: {FLAG_MEANING[flag]}." in defs
    assert defs.count("\n- **") + defs.startswith("- **") <= len(tiers) + len(flags) + 1


def test_report_md_names_scenarios_by_title_with_the_id_in_brackets(tmp_path: Path) -> None:
    folder = write_run(tmp_path / "run", make_records({"acme": 0.5}, trials=3), ["acme"])
    run = json.loads((folder / "run.json").read_text())
    for s in run["scenarios"]:
        s["title"] = s["id"].replace("-", " ").capitalize()
    (folder / "run.json").write_text(json.dumps(run))
    render_run(folder)
    md = (folder / "report.md").read_text()
    label = "Refund damaged order \\[refund-damaged-order\\]"
    matrix = md.split("## Vendor x scenario", 1)[1].split("\n## ", 1)[0]
    acme = md.split("\n## acme: ", 1)[1].split("\n## ", 1)[0]
    assert label in matrix and label in acme
    assert "`" not in acme  # no code span: escaped text inside one would show its backslashes


def test_one_escape_for_every_markdown_special() -> None:
    assert esc("# a|b`c*d_e[f]\\g\nh<i>") == "\\# a\\|b\\`c\\*d\\_e\\[f\\]\\\\g h&lt;i&gt;"
    assert esc("  #x") == "\\#x"  # the leading # after the whitespace is folded
    assert esc("a # b") == "a # b"


def test_a_hostile_vendor_name_cannot_make_a_heading_or_break_a_table(tmp_path: Path) -> None:
    name = "# evil|name_`x`"
    folder = write_run(tmp_path / "run", make_records({name: 0.5, "acme": 0.9}, trials=2),
                       [name, "acme"], trials=2)
    render_run(folder)
    md = (folder / "report.md").read_text()
    assert "\\# evil\\|name\\_\\`x\\`" in md
    lines = md.splitlines()
    pipes = re.compile(r"(?<!\\)\|")
    for i, line in enumerate(lines):
        assert "evil|" not in line and not line.startswith("# evil")
        if line.startswith("|") and "evil" in line:  # as many cells as its neighbour row
            other = lines[i - 1] if lines[i - 1].startswith("|") else lines[i + 1]
            assert len(pipes.findall(line)) == len(pipes.findall(other))


def test_cut_flag_evidence_says_how_many_more(tmp_path: Path) -> None:
    records = make_records({"acme": 0.0}, trials=3)
    for r in records:
        r.flags = ["hallucinated_actions"]
        r.flag_evidence = {"hallucinated_actions": "said it refunded"}
    summary = _summary(records, ["acme"])
    v = summary.vendors[0]
    shown = len(v.flag_evidence["hallucinated_actions"])
    assert v.flag_counts["hallucinated_actions"] == len(records) > shown
    md = markdown(summary, {})
    line = next(x for x in md.splitlines() if x.startswith("- **hallucinated\\_actions**"))
    assert line.endswith(f" | and {len(records) - shown} more")


def test_a_vendor_level_flag_with_one_line_of_evidence_is_not_cut(tmp_path: Path) -> None:
    md = (rendered_run(tmp_path / "run") / "report.md").read_text()
    unreliable = [x for x in md.splitlines() if x.startswith("- **unreliable** (")]
    assert unreliable and not any("more" in x for x in unreliable)


def test_each_tie_is_listed_once() -> None:
    records = make_records({"acme": 0.5, "beta": 0.5, "gamma": 0.5}, trials=2)
    summary = _summary(records, ["acme", "beta", "gamma"])
    ties = {v.name: set(v.not_significantly_different_from) for v in summary.vendors}
    assert ties["beta"] >= {"acme"}  # the summary lists each tie on both sides
    after = significance(summary).after
    assert len(after) == 1
    pairs = re.findall(r"(\w+) ~ ([\w, ]+)", after[0])
    listed = [frozenset((a, b.strip())) for a, bs in pairs for b in bs.split(",")]
    assert len(listed) == len(set(listed)) == 3


def test_csv_appends_the_vendor_flags_and_keeps_the_first_ten_columns(tmp_path: Path) -> None:
    assert COLUMNS[:10] == ORIGINAL_COLUMNS and COLUMNS[-1] == "vendor_flags"
    records = make_records({"acme": 0.0, "beta": 0.9}, trials=3)
    summary = _summary(records, ["acme", "beta"])
    summary.vendors[0].flags = ["scripted", "unreliable"]
    rows = list(csv.reader(io.StringIO(csv_text(summary))))
    assert rows[0] == COLUMNS
    flags = {r[0]: r[-1] for r in rows[1:]}
    assert flags == {"acme": "scripted;unreliable", "beta": ";".join(summary.vendors[1].flags)}


def test_a_shards_report_says_which_shard_it_is(tmp_path: Path) -> None:
    folder = write_run(tmp_path / "run", make_records({"acme": 0.9}, trials=1), ["acme"],
                       trials=1)
    run = json.loads((folder / "run.json").read_text())
    run["shard"] = {"index": 2, "count": 3}
    run["complete"] = False
    (folder / "run.json").write_text(json.dumps(run))
    render_run(folder)
    md = (folder / "report.md").read_text()
    assert "> **Shard 2 of 3**: this report covers only this shard's part" in md
    assert "shard 2 of 3 was interrupted" in md
    html = (folder / "report.html").read_text()
    assert "<b>Shard 2 of 3:</b>" in html


def test_an_incomplete_merge_names_the_missing_shard_not_an_interruption() -> None:
    run = {"vendors": [{"name": "acme"}], "complete": False,
           "merged_from": [{"path": "a", "shard": "1/3", "complete": True},
                           {"path": "b", "shard": "3/3", "complete": True}]}
    text = completeness(run, {"acme": 3}).text()
    assert "shard 2/3" in text and "interrupted" not in text


def test_the_efficient_line_skips_a_vendor_that_completed_nothing() -> None:
    records = make_records({"idle": 0.0, "acme": 0.95, "beta": 0.6}, trials=3)
    summary = _summary(records, ["idle", "acme", "beta"])
    idle = summary.vendors[0]
    assert idle.completion_rate == 0
    idle.cost_per_trial_usd = 0.0  # the cheapest: it would start the line
    summary.vendors[1].cost_per_trial_usd = 0.01  # acme: better and dearer than beta
    summary.vendors[2].cost_per_trial_usd = 0.005
    svg = pareto_chart(summary.vendors)
    points = re.search(r'<polyline points="([^"]+)"', svg)
    assert points is not None
    bottom = 16 + 300  # y of 0% completed
    assert all(float(p.split(",")[1]) < bottom for p in points.group(1).split())


def test_recovery_is_zero_for_a_vendor_that_never_reached_the_fault() -> None:
    records = make_records({"idle": 0.0}, trials=2)
    for r in records:
        r.dimensions = {**r.dimensions, "recovery": None}  # no fault ever fired
    assert any("recovery" in r.probes for r in records)
    assert _summary(records, ["idle"]).vendors[0].dimensions["recovery"] == 0.0


def test_no_evidence_line_starts_with_a_stray_colon(tmp_path: Path) -> None:
    record = make_records({"acme": 0.0}, trials=1)[0]
    record.termination, record.error_cause = "vendor_error", None
    record.error_message = "the vendor said no"
    assert trial_evidence(record).error == "the vendor said no"
    records = make_records(VENDORS, trials=2)
    for r in records[:5]:
        r.passed, r.termination, r.error_cause = False, "vendor_error", None
        r.error_message = "no cause recorded"
    folder = write_run(tmp_path / "run", records, list(VENDORS), trials=2)
    render_run(folder)
    md = (folder / "report.md").read_text()
    assert "no cause recorded" in md
    assert not re.search(r"(^|[(>]) ?: ", md, re.M)
    html = (folder / "report.html").read_text()
    assert "no cause recorded" in html and ">: " not in html


def test_report_html_evidence_is_bounded_and_counted(tmp_path: Path) -> None:
    """Evidence in full is bounded per vendor (bench/README.md: 4.8 MB at 20,000 trials); the
    rest is counted."""
    folder = write_run(tmp_path / "run", make_records({"acme": 0.0}, trials=40), ["acme"],
                       trials=40)
    render_run(folder)
    html = (folder / "report.html").read_text()
    shown = html.count('class="trial"')
    assert 0 < shown <= EVIDENCE_PER_VENDOR
    assert f"{shown} of 320 are shown" in html  # every failed trial is counted
