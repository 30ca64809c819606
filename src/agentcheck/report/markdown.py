"""report.md: tables ready to paste into a decision memo, with the evidence for each flag and
failure. Vendor text is escaped so that it renders as text in any Markdown viewer. The shared
sections (business, reliability, significance, profile, clean vs noisy) come laid out from
report/sections.py; this module only writes them as Markdown."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from tabulate import tabulate

from agentcheck.decision.model import Decision
from agentcheck.judge.tally import EVIDENCE_PER_FLAG
from agentcheck.report.completeness import completeness, shard_of
from agentcheck.report.decision import decision_sections
from agentcheck.report.evidence import Failures, clip
from agentcheck.report.fmt import (
    dimension,
    flag_meaning,
    flags_used,
    max_k,
    no_verdict,
    no_verdict_meaning,
    no_verdict_note,
    pct,
    pct_ci,
    scenario_grid,
    scenario_label,
    scenario_titles,
    tier_meaning,
    tier_name,
    tier_text,
    vendor_sentences,
    verdict_mark,
)
from agentcheck.report.messages import DEFAULT, current, t
from agentcheck.report.sections import Row, Section, Sections, build_sections
from agentcheck.report.table import headers, rows
from agentcheck.results.summary import Summary, VendorVerdict

FAILURES_PER_VENDOR = 10
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def esc(text: Any) -> str:
    """Plain text for Markdown, the one escape of every text report.md shows (vendor text,
    names, scenario ids and titles, flags, numbers in tables): one line (newlines would break a
    table row), no HTML, no emphasis, code, links or table breaks (backslash, backticks,
    asterisks, underscores, brackets, pipes), and no heading (a leading #). It is never put
    inside a code span, where a backslash would show."""
    s = " ".join(str(text).split())
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return "\\" + s if s.startswith("#") else s


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
    lines = [t("md.title"), "",
             t("md.run", started=run.get("started_at", "?"), seed=run.get("seed"),
               trials=run.get("trials"), scenarios=len(run.get("scenarios", [])),
               vendors=len(summary.vendors), version=run.get("agentcheck_version", "?")), ""]
    shard = shard_of(run)
    if shard is not None:
        lines += [t("md.shard", index=shard[0], count=shard[1]), ""]
    state = completeness(run, summary)
    if not state.complete:
        lines += [t("md.incomplete", what=esc(state.text()), next=esc(state.next_step())), ""]
    return lines


def _verdicts(summary: Summary) -> list[str]:
    body = [[esc(c) for c in r] for r in rows(summary)]
    lines = [t("md.verdict"), "", tabulate(body, headers=headers(), tablefmt="github"), ""]
    for v in summary.vendors:
        lines.append(f"- **{esc(v.name)}**: " + " ".join(vendor_sentences(v)))
    return [*lines, ""]


def _definitions(summary: Summary) -> list[str]:
    """What each tier and flag the report names means, so a memo can quote it as it is."""
    tiers = sorted({v.tier for v in summary.vendors
                    if v.tier is not None and no_verdict(v) is None})
    flags = flags_used(summary.vendors)
    if not tiers and not flags:
        return []
    lines = [t("md.defs"), "", t("md.defs.lede"), ""]
    lines += [t("md.defs.tier", tier=i, name=esc(t(f"tier.name.{i}")),
                meaning=esc(tier_meaning(i))) for i in tiers]
    lines += [t("md.defs.flag", flag=esc(f), meaning=esc(flag_meaning(f))) for f in flags]
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


def _matrix(summary: Summary, titles: dict[str, str]) -> list[str]:
    vendors = summary.vendors
    cells, variant = scenario_grid(vendors)
    body = []
    for sid in sorted(cells):
        row = [esc(scenario_label(sid, titles)), esc(variant[sid])]
        for v in vendors:
            s = cells[sid].get(v.name)
            row.append(f"{s.passed}/{s.trials}" + (t("md.matrix.flips") if s.flips else "")
                       if s else "-")
        body.append(row)
    return [t("md.matrix"), "", t("md.matrix.lede"), "",
            _table(body, [t("md.col.scenario"), t("md.col.variant"),
                          *(_name(v) for v in vendors)]), "",
            *_note(vendors)]


def _failure_lines(failures: Failures, titles: dict[str, str]) -> list[str]:
    scored = failures.scored
    lines = []
    for f in scored[:FAILURES_PER_VENDOR]:
        line = f"- {esc(scenario_label(f.scenario, titles))} #{f.trial}: {esc(f.headline)}"
        quote = next((c.excerpt for c in f.checks if c.excerpt), "")
        if quote:
            line += t("md.quote", quote=esc(clip(quote, 200)))
        if f.error:  # the vendor's error message, as report.html shows it
            line += t("md.error", error=esc(f.error))
        lines.append(line)
    if failures.scored_total > FAILURES_PER_VENDOR:
        where = (t("md.more.all") if failures.scored_total == len(failures.scored) else
                 t("md.more.some", shown=len(failures.scored)))
        lines.append(t("md.more", more=failures.scored_total - FAILURES_PER_VENDOR,
                       where=where))
    harness = failures.harness
    if harness:
        lines.append(t("md.harness", count=failures.harness_total))
        lines += [f"  - {esc(scenario_label(f.scenario, titles))} #{f.trial}: "
                  f"{esc(f.error or f.headline)}"
                  for f in harness[:FAILURES_PER_VENDOR]]
        if failures.harness_total > FAILURES_PER_VENDOR:
            lines.append(t("md.harness.more",
                           more=failures.harness_total - FAILURES_PER_VENDOR))
    return lines


def _verdict_heading(v: VendorVerdict) -> str:
    reason = no_verdict(v)
    if reason is not None:
        return f"## {esc(v.name)}: {esc(tier_text(v))}"
    return t("md.vendor.tier", name=esc(v.name), tier=v.tier, tier_name=tier_name(v))


def _vendor(v: VendorVerdict, failures: Failures, titles: dict[str, str]) -> list[str]:
    lines = [_verdict_heading(v), ""]
    if no_verdict(v) is not None:
        meaning = no_verdict_meaning(v.no_verdict.kind if v.no_verdict is not None else None)
        if meaning is not None:
            lines += [t("md.vendor.nv", meaning=meaning), ""]
    elif v.tier_reasons:
        lines += [t("md.vendor.why", reasons=esc("; ".join(v.tier_reasons))), ""]
    for flag in v.flags:
        shown = v.flag_evidence.get(flag, [])
        count = v.flag_counts.get(flag, len(shown))
        # the judge keeps the first EVIDENCE_PER_FLAG trials' evidence: say how many it cut
        # (a vendor-level flag such as unreliable has one line for all its count)
        cut = count - len(shown) if len(shown) >= EVIDENCE_PER_FLAG else 0
        lines.append(f"- **{esc(flag)}** ({count}): " + " | ".join(esc(e) for e in shown)
                     + (t("md.and_more", more=cut) if cut > 0 else ""))
    if v.flags:
        lines.append("")
    # English has always named the dimensions by their identifiers here (tool_use)
    dims = t("list.sep").join(f"{k if current() == DEFAULT else dimension(k)} {pct(x)}"
                              for k, x in v.dimensions.items())
    lines += [t("md.vendor.dims", dims=esc(dims)), ""]
    k = max_k(v.pass_hat_k) or "1"
    body = [[esc(scenario_label(s.scenario, titles)), f"{s.passed}/{s.trials}",
             f"{pct(s.pass_rate)} ({pct_ci(s.pass_rate_ci)})",
             pct(s.pass_hat_k.get(k)), f"{s.score or 0:.0f}",
             t("yes") if s.flips else "", esc(", ".join(s.flags))]
            for s in v.scenarios]
    lines += [_table(body, [t("md.col.scenario"), t("md.col.passed"), t("md.col.rate"),
                            f"pass^{k}", t("md.col.score"), t("md.col.flips"),
                            t("col.flags")]), ""]
    if failures.total:
        heading = t("md.failed") if failures.scored_total else t("md.not_counted")
        lines += [heading, "", *_failure_lines(failures, titles), ""]
    return lines


def markdown(summary: Summary, run: dict[str, Any],
             failures: dict[str, Failures] | None = None,
             sections: Sections | None = None, decision: Decision | None = None,
             cases: Sequence[Section] = ()) -> str:
    """`cases`: a case pack's sections (report/agreement.py), shown after the verdict."""
    failures = failures or {}
    sec = sections or build_sections(summary)
    titles = scenario_titles(run)
    decided = [] if decision is None else [
        line for s in decision_sections(decision) for line in section(s)]
    decided += [line for s in cases for line in section(s)]
    lines = [*_header(summary, run), *_verdicts(summary), *decided, *section(sec.business),
             *section(sec.reliability), *section(sec.significance), *section(sec.profile),
             *_matrix(summary, titles), *section(sec.noisy)]
    for extra in (sec.second_reader, sec.disagreements):
        if extra is not None:
            lines += section(extra)
    for v in summary.vendors:
        lines += _vendor(v, failures.get(v.name, Failures()), titles)
    lines += _definitions(summary)
    lines.append(t("md.method"))
    return "\n".join(lines)
