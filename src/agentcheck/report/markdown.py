"""report.md: tables ready to paste into a decision memo, with the evidence for each flag and
failure. Vendor text is escaped so that it renders as text in any Markdown viewer. The shared
sections (business, reliability, significance, profile, clean vs noisy) come laid out from
report/sections.py; this module only writes them as Markdown."""

from __future__ import annotations

import re
from typing import Any

from tabulate import tabulate

from agentcheck.report.completeness import completeness
from agentcheck.report.evidence import Failures
from agentcheck.report.fmt import (
    NO_VERDICT_MEANING,
    max_k,
    no_verdict,
    no_verdict_note,
    pct,
    pct_ci,
    scenario_grid,
    tier_text,
    vendor_sentences,
    verdict_mark,
)
from agentcheck.report.sections import Row, Section, Sections, build_sections
from agentcheck.report.table import HEADERS, rows
from agentcheck.results.summary import Summary, VendorVerdict

FAILURES_PER_VENDOR = 10
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def esc(text: Any) -> str:
    """Plain text for Markdown: one line, no HTML, no emphasis or table breaks."""
    s = " ".join(str(text).split())
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", s)


def _table(body: list[list[Any]], headers: list[str]) -> str:
    return tabulate(body, headers=headers, tablefmt="github", disable_numparse=True)


def _name(v: VendorVerdict) -> str:
    """A vendor's name in a table of numbers, marked when it has no verdict."""
    mark = verdict_mark(v)
    return esc(v.name) + (f" ({esc(mark)})" if mark else "")


def _note(vendors: list[VendorVerdict]) -> list[str]:
    note = no_verdict_note(vendors)
    return [esc(note), ""] if note else []


def _header(summary: Summary, run: dict[str, Any]) -> list[str]:
    lines = ["# agentcheck results", "",
             f"Run started {run.get('started_at', '?')}, seed {run.get('seed')}, "
             f"{run.get('trials')} trial(s) per scenario, {len(run.get('scenarios', []))} "
             f"scenarios, {len(summary.vendors)} vendor(s); agentcheck "
             f"{run.get('agentcheck_version', '?')}.", ""]
    state = completeness(run, summary)
    if not state.complete:
        lines += [f"> **Incomplete run**: {esc(state.text())}. These numbers cover only the "
                  f"trials that finished; {esc(state.next_step())}.", ""]
    return lines


def _verdicts(summary: Summary) -> list[str]:
    body = [[esc(r[0]), esc(r[1]), *r[2:]] for r in rows(summary)]
    lines = ["## Verdict", "", tabulate(body, headers=HEADERS, tablefmt="github"), ""]
    for v in summary.vendors:
        lines.append(f"- **{esc(v.name)}**: " + " ".join(vendor_sentences(v)))
    return [*lines, ""]


def _row(row: Row) -> list[str]:
    cells = [esc(c.text) for c in row.cells]
    return [_name(row.vendor), *cells] if row.vendor is not None else cells


def section(sec: Section) -> list[str]:
    """One shared section as Markdown: heading, lede, notes, table (or what is missing),
    findings and the no-verdict note."""
    lines = [f"## {sec.title}", "", esc(sec.lede), ""]
    lines += [line for note in sec.notes for line in (esc(note), "")]
    if sec.rows:
        lines += [_table([_row(r) for r in sec.rows], sec.columns), ""]
    elif sec.empty and not sec.notes:
        lines += [esc(sec.empty), ""]
    if sec.bullets:
        lines += [*(f"- {esc(b)}" for b in sec.bullets), ""]
    lines += [line for note in sec.after for line in (esc(note), "")]
    return [*lines, *_note(sec.note_vendors)]


def _matrix(summary: Summary) -> list[str]:
    vendors = summary.vendors
    cells, variant = scenario_grid(vendors)
    body = []
    for sid in sorted(cells):
        row = [esc(sid), variant[sid]]
        for v in vendors:
            s = cells[sid].get(v.name)
            row.append(f"{s.passed}/{s.trials}" + (" (flips)" if s.flips else "")
                       if s else "-")
        body.append(row)
    return ["## Vendor x scenario", "", "Trials passed per scenario.", "",
            _table(body, ["scenario", "variant", *(_name(v) for v in vendors)]), "",
            *_note(vendors)]


def _failure_lines(failures: Failures) -> list[str]:
    scored = failures.scored
    lines = []
    for f in scored[:FAILURES_PER_VENDOR]:
        line = f"- `{esc(f.scenario)}` #{f.trial}: {esc(f.headline)}"
        quote = next((c.excerpt for c in f.checks if c.excerpt), "")
        if quote:
            line += f' ("{esc(quote[:200])}")'
        if f.error:  # the vendor's error message, as report.html shows it
            line += f" (error: {esc(f.error)})"
        lines.append(line)
    if failures.scored_total > FAILURES_PER_VENDOR:
        where = ("all of them, with transcripts and tool calls, in report.html"
                 if failures.scored_total == len(failures.scored) else
                 f"{len(failures.scored)} of them with transcripts and tool calls in "
                 "report.html, all of them in trials.jsonl")
        lines.append(f"- ... and {failures.scored_total - FAILURES_PER_VENDOR} more failed "
                     f"trials ({where})")
    harness = failures.harness
    if harness:
        lines.append(f"- {failures.harness_total} trial(s) hit an agentcheck error and could "
                     "not be "
                     "judged: no verdict until they are re-run (`agentcheck run --resume "
                     "--out DIR`):")
        lines += [f"  - `{esc(f.scenario)}` #{f.trial}: {esc(f.error or f.headline)}"
                  for f in harness[:FAILURES_PER_VENDOR]]
        if failures.harness_total > FAILURES_PER_VENDOR:
            lines.append(f"  - ... and {failures.harness_total - FAILURES_PER_VENDOR} more "
                         "(all of them in report.html)")
    return lines


def _verdict_heading(v: VendorVerdict) -> str:
    reason = no_verdict(v)
    if reason is not None:
        return f"## {esc(v.name)}: {esc(tier_text(v))}"
    return f"## {esc(v.name)}: tier {v.tier} ({v.tier_name})"


def _vendor(v: VendorVerdict, failures: Failures) -> list[str]:
    lines = [_verdict_heading(v), ""]
    if no_verdict(v) is not None:
        kind = v.no_verdict.kind if v.no_verdict is not None else None
        if kind in NO_VERDICT_MEANING:
            lines += [f"No verdict: {NO_VERDICT_MEANING[kind]}. The numbers below are shown "
                      "for diagnosis, not as a verdict.", ""]
    elif v.tier_reasons:
        lines += ["Why not higher: " + esc("; ".join(v.tier_reasons)) + ".", ""]
    for flag in v.flags:
        lines.append(f"- **{flag}** ({v.flag_counts[flag]}): "
                     + " | ".join(esc(e) for e in v.flag_evidence[flag]))
    if v.flags:
        lines.append("")
    dims = ", ".join(f"{k} {pct(x)}" for k, x in v.dimensions.items())
    lines += [f"Dimensions: {dims}.", ""]
    k = max_k(v.pass_hat_k) or "1"
    body = [[esc(s.scenario), f"{s.passed}/{s.trials}",
             f"{pct(s.pass_rate)} ({pct_ci(s.pass_rate_ci)})",
             pct(s.pass_hat_k.get(k)), f"{s.score or 0:.0f}",
             "yes" if s.flips else "", esc(", ".join(s.flags))]
            for s in v.scenarios]
    lines += [_table(body, ["scenario", "passed", "pass rate (95% CI)", f"pass^{k}", "score",
                            "flips", "flags"]), ""]
    if failures.total:
        heading = "Failed trials:" if failures.scored_total else "Trials not counted:"
        lines += [heading, "", *_failure_lines(failures), ""]
    return lines


METHOD = """## How to read these numbers

- **score (95% CI)**: capability 0-100, the mean over scenarios of the mean trial score; the
  interval is a 95% Wilson interval with one observation per scenario.
- **tasks completed**: trials that passed every check; rates carry 95% Wilson intervals.
- **pass^k**: tau-bench's unbiased estimate of the chance that k attempts all succeed.
- **no verdict**: no tier and no score for a vendor that mostly failed to answer
  ("unavailable": unreachable, unknown model, rejected key) or that has trials agentcheck
  could not judge (its own errors; `agentcheck run --resume --out DIR` re-runs them).
- **significance**: exact Wilcoxon signed-rank test over scenarios, Holm-adjusted; with fewer
  than 6 scenarios that separate two vendors no difference can be significant.
- Full formulas: docs/scoring.md in the agentcheck repository.
"""


def markdown(summary: Summary, run: dict[str, Any],
             failures: dict[str, Failures] | None = None,
             sections: Sections | None = None) -> str:
    failures = failures or {}
    sec = sections or build_sections(summary)
    lines = [*_header(summary, run), *_verdicts(summary), *section(sec.business),
             *section(sec.reliability), *section(sec.significance), *section(sec.profile),
             *_matrix(summary), *section(sec.noisy)]
    for extra in (sec.second_reader, sec.disagreements):
        if extra is not None:
            lines += section(extra)
    for v in summary.vendors:
        lines += _vendor(v, failures.get(v.name, Failures()))
    lines.append(METHOD)
    return "\n".join(lines)
