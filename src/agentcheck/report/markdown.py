"""report.md: tables ready to paste into a decision memo, with the evidence for each flag and
failure. Vendor text is escaped so that it renders as text in any Markdown viewer."""

from __future__ import annotations

import re
from typing import Any

from tabulate import tabulate

from agentcheck.judge.verdict import DIMENSIONS
from agentcheck.report.completeness import completeness
from agentcheck.report.evidence import TrialEvidence
from agentcheck.report.fmt import (
    NO_VERDICT_MEANING,
    business_cells,
    max_k,
    no_verdict,
    no_verdict_note,
    noisy_rows,
    pct,
    pct_ci,
    profile_cells,
    reliability_cells,
    scenario_grid,
    significance_notes,
    significance_summary,
    table_ks,
    tier_text,
    vendor_sentences,
    verdict_mark,
)
from agentcheck.report.table import HEADERS, rows

FAILURES_PER_VENDOR = 10
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def esc(text: Any) -> str:
    """Plain text for Markdown: one line, no HTML, no emphasis or table breaks."""
    s = " ".join(str(text).split())
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", s)


def _table(body: list[list[Any]], headers: list[str]) -> str:
    return tabulate(body, headers=headers, tablefmt="github", disable_numparse=True)


def _name(v: dict[str, Any]) -> str:
    """A vendor's name in a table of numbers, marked when it has no verdict."""
    mark = verdict_mark(v)
    return esc(v["name"]) + (f" ({esc(mark)})" if mark else "")


def _note(vendors: list[dict[str, Any]]) -> list[str]:
    note = no_verdict_note(vendors)
    return [esc(note), ""] if note else []


def _header(summary: dict[str, Any], run: dict[str, Any]) -> list[str]:
    vendors = summary["vendors"]
    lines = ["# agentcheck results", "",
             f"Run started {run.get('started_at', '?')}, seed {run.get('seed')}, "
             f"{run.get('trials')} trial(s) per scenario, {len(run.get('scenarios', []))} "
             f"scenarios, {len(vendors)} vendor(s); agentcheck "
             f"{run.get('agentcheck_version', '?')}.", ""]
    state = completeness(run, summary)
    if not state.complete:
        lines += [f"> **Incomplete run**: {esc(state.text())}. These numbers cover only the "
                  f"trials that finished; {esc(state.next_step())}.", ""]
    return lines


def _verdicts(summary: dict[str, Any]) -> list[str]:
    body = [[esc(r[0]), esc(r[1]), *r[2:]] for r in rows(summary)]
    lines = ["## Verdict", "", tabulate(body, headers=HEADERS, tablefmt="github"), ""]
    for v in summary["vendors"]:
        lines.append(f"- **{esc(v['name'])}**: " + " ".join(vendor_sentences(v)))
    return [*lines, ""]


def _business(summary: dict[str, Any]) -> list[str]:
    body = [[_name(v), *business_cells(v, of_baseline=True)] for v in summary["vendors"]]
    return ["## Business view", "",
            "What a buyer pays and gets: tasks finished end to end with no person stepping in, "
            "vendor cost, response time, and human work saved (each scenario's human baseline "
            "x the vendor's success rate). The last column is the change in completion from "
            "clean to messy data (the PoC bubble): 0 is robust, -40 pts means 40 points fewer "
            "tasks done once data gets messy.", "",
            _table(body, ["vendor", "completed without help", "cost / attempt",
                          "cost / completed task", "time per task p50 / p95",
                          "time per model step p50 / p95", "human work saved / 1,000 tasks",
                          "clean -> noisy"]), "", *_note(summary["vendors"])]


def _reliability(summary: dict[str, Any]) -> list[str]:
    vendors = summary["vendors"]
    ks = table_ks(vendors)
    body = [[_name(v), *(esc(c) for c in reliability_cells(v, ks))] for v in vendors]
    lines = ["## Reliability", "",
             "pass^k is the chance that k attempts at the same task all succeed. A vendor "
             "that passes once but not on repeat is flagged `unreliable` (pass^1 - pass^K "
             ">= 20 points). Scenarios that flip passed on some trials and failed on others.",
             ""]
    if len(ks) < 2:
        lines += ["Reliability was not measured: run with `--trials 3` or more.", ""]
    return [*lines, _table(body, ["vendor", *(f"pass^{k}" for k in ks), "unreliable",
                                  "scenarios that flip"]), "", *_note(vendors)]


def _significance(summary: dict[str, Any]) -> list[str]:
    comps = summary.get("comparisons", [])
    notes = significance_notes(summary["vendors"], comps)
    if not comps and len(notes) < 2:
        return []  # one vendor: no section, as before
    body = [[esc(c["a"]), esc(c["b"]), c["scenarios"], c["a_better"], c["b_better"],
             c["ties"], f"{c['p_value']:.3g}", f"{c['p_adjusted']:.3g}",
             esc(c["better"]) + " is better" if c["better"] else "not significant"]
            for c in comps]
    lines = ["## Which differences are real", "",
             "Each pair of vendors is compared scenario by scenario (same tasks, same "
             "generated worlds) with an exact Wilcoxon signed-rank test on per-scenario pass "
             "rates; p-values are Holm-adjusted over all pairs, significant below 0.05.", ""]
    if comps:
        lines += [_table(body, ["vendor A", "vendor B", "scenarios", "A better", "B better",
                                "same", "p", "p (Holm)", "verdict"]), ""]
    lines += [f"- {esc(line)}" for line in [*significance_summary(comps), *notes]]
    overlap = [f"{esc(v['name'])} ~ {esc(', '.join(v['not_significantly_different_from']))}"
               for v in summary["vendors"] if v.get("not_significantly_different_from")]
    if overlap:
        lines += ["", "Score intervals that overlap (not significantly different on the "
                  "capability score): " + "; ".join(overlap) + "."]
    return [*lines, ""]


def _profile(summary: dict[str, Any]) -> list[str]:
    body = [[_name(v), *profile_cells(v, DIMENSIONS)] for v in summary["vendors"]]
    return ["## Capability profile", "",
            "Mean per dimension over the trials where it applies ('-': never applied).", "",
            _table(body, ["vendor", *(d.replace("_", " ") for d in DIMENSIONS)]), "",
            *_note(summary["vendors"])]


def _matrix(summary: dict[str, Any]) -> list[str]:
    vendors = summary["vendors"]
    cells, variant = scenario_grid(vendors)
    body = []
    for sid in sorted(cells):
        row = [esc(sid), variant[sid]]
        for v in vendors:
            s = cells[sid].get(v["name"])
            row.append(f"{s['passed']}/{s['trials']}" + (" (flips)" if s.get("flips") else "")
                       if s else "-")
        body.append(row)
    return ["## Vendor x scenario", "", "Trials passed per scenario.", "",
            _table(body, ["scenario", "variant", *(_name(v) for v in vendors)]), "",
            *_note(vendors)]


def _noisy(summary: dict[str, Any]) -> list[str]:
    rows = noisy_rows(summary["vendors"])
    body = [[_name(v), *(esc(c) for c in cells)] for v, cells in rows]
    if not body:
        return []
    return ["## Clean vs noisy data", "",
            "The same task on clean data and on messy data (typos, missing fields, "
            "inconsistent formats, transient tool faults): a demo on clean data overstates "
            "what production will see by the drop.", "",
            _table(body, ["vendor", "task family", "clean", "noisy", "change"]), "",
            *_note(list({v["name"]: v for v, _ in rows}.values()))]


def _failure_lines(failures: list[TrialEvidence]) -> list[str]:
    scored = [f for f in failures if not f.harness_error]
    lines = []
    for f in scored[:FAILURES_PER_VENDOR]:
        line = f"- `{esc(f.scenario)}` #{f.trial}: {esc(f.headline)}"
        quote = next((c.excerpt for c in f.checks if c.excerpt), "")
        if quote:
            line += f' ("{esc(quote[:200])}")'
        if f.error:  # the vendor's error message, as report.html shows it
            line += f" (error: {esc(f.error)})"
        lines.append(line)
    if len(scored) > FAILURES_PER_VENDOR:
        lines.append(f"- ... and {len(scored) - FAILURES_PER_VENDOR} more failed trials "
                     "(all of them, with transcripts and tool calls, in report.html)")
    harness = [f for f in failures if f.harness_error]
    if harness:
        lines.append(f"- {len(harness)} trial(s) hit an agentcheck error and could not be "
                     "judged: no verdict until they are re-run (`agentcheck run --resume "
                     "--out DIR`):")
        lines += [f"  - `{esc(f.scenario)}` #{f.trial}: {esc(f.error or f.headline)}"
                  for f in harness[:FAILURES_PER_VENDOR]]
        if len(harness) > FAILURES_PER_VENDOR:
            lines.append(f"  - ... and {len(harness) - FAILURES_PER_VENDOR} more (all of them "
                         "in report.html)")
    return lines


def _verdict_heading(v: dict[str, Any]) -> str:
    reason = no_verdict(v)
    if reason is not None:
        return f"## {esc(v['name'])}: {esc(tier_text(v))}"
    return f"## {esc(v['name'])}: tier {v['tier']} ({v['tier_name']})"


def _vendor(v: dict[str, Any], failures: list[TrialEvidence]) -> list[str]:
    lines = [_verdict_heading(v), ""]
    if no_verdict(v) is not None:
        kind = (v.get("no_verdict") or {}).get("kind")
        if kind in NO_VERDICT_MEANING:
            lines += [f"No verdict: {NO_VERDICT_MEANING[kind]}. The numbers below are shown "
                      "for diagnosis, not as a verdict.", ""]
    elif v["tier_reasons"]:
        lines += ["Why not higher: " + esc("; ".join(v["tier_reasons"])) + ".", ""]
    for flag in v["flags"]:
        lines.append(f"- **{flag}** ({v['flag_counts'][flag]}): "
                     + " | ".join(esc(e) for e in v["flag_evidence"][flag]))
    if v["flags"]:
        lines.append("")
    dims = ", ".join(f"{k} {pct(x)}" for k, x in v["dimensions"].items())
    lines += [f"Dimensions: {dims}.", ""]
    k = max_k(v["pass_hat_k"]) or "1"
    body = [[esc(s["scenario"]), f"{s['passed']}/{s['trials']}",
             f"{pct(s['pass_rate'])} ({pct_ci(s.get('pass_rate_ci'))})",
             pct((s.get("pass_hat_k") or {}).get(k)), f"{s['score']:.0f}",
             "yes" if s.get("flips") else "", esc(", ".join(s["flags"]))]
            for s in v["scenarios"]]
    lines += [_table(body, ["scenario", "passed", "pass rate (95% CI)", f"pass^{k}", "score",
                            "flips", "flags"]), ""]
    if failures:
        heading = ("Failed trials:" if any(not f.harness_error for f in failures)
                   else "Trials not counted:")
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


def markdown(summary: dict[str, Any], run: dict[str, Any],
             failures: dict[str, list[TrialEvidence]] | None = None) -> str:
    failures = failures or {}
    lines = [*_header(summary, run), *_verdicts(summary), *_business(summary),
             *_reliability(summary), *_significance(summary), *_profile(summary),
             *_matrix(summary), *_noisy(summary)]
    for v in summary["vendors"]:
        lines += _vendor(v, failures.get(v["name"], []))
    lines.append(METHOD)
    return "\n".join(lines)
