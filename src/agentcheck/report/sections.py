"""The report's tables, each computed once from the summary: title, lede, columns, rows and the
notes under them. report.md and report.html only lay these out (the coming XLSX will too), so
the two can no longer drift apart: they used to build each section separately and had come to
show different columns and to drop a section one kept.

Everything here is plain text and may hold vendor text; each renderer escapes it. A cell's
`tone` says how it reads (a bad sign, a quiet "nothing"), for renderers that can colour it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from agentcheck.judge.agreement import Agreement, AgreementSink
from agentcheck.judge.verdict import DIMENSIONS
from agentcheck.report.fmt import (
    business_cells,
    noisy_rows,
    profile_cells,
    reliability_cells,
    significance_notes,
    significance_summary,
    table_ks,
)
from agentcheck.results.summary import Comparison, Summary, VendorVerdict

Tone = Literal["bad", "good", "muted"]


@dataclass(frozen=True)
class Cell:
    text: str
    tone: Tone | None = None


@dataclass(frozen=True)
class Row:
    cells: list[Cell]
    vendor: VendorVerdict | None = None
    """When set, the row's first column is this vendor's name, which every renderer marks when
    the vendor has no verdict (its numbers are for diagnosis only)."""


@dataclass(frozen=True)
class Section:
    key: str
    """Stable id: the anchor in report.html, the sheet name of a spreadsheet."""
    title: str
    lede: str
    columns: list[str]
    rows: list[Row]
    numeric: frozenset[int] = frozenset()
    """Columns holding numbers (right-aligned where a renderer can)."""
    notes: list[str] = field(default_factory=list)
    """Paragraphs before the table (what was not measured)."""
    bullets: list[str] = field(default_factory=list)
    """Findings after the table, one per line."""
    after: list[str] = field(default_factory=list)
    """Paragraphs after the table."""
    empty: str | None = None
    """Shown instead of the table when it has no rows."""
    note_vendors: list[VendorVerdict] = field(default_factory=list)
    """The vendors listed in the table: those without a verdict are named under it."""


@dataclass(frozen=True)
class Sections:
    business: Section
    reliability: Section
    significance: Section
    profile: Section
    noisy: Section
    second_reader: Section | None = None
    """Only when a second reader read the run (`--judge`): its agreement with the
    deterministic reader, and which of them decided."""
    disagreements: Section | None = None

    def all(self) -> list[Section]:
        extra = [s for s in (self.second_reader, self.disagreements) if s is not None]
        return [self.business, self.reliability, self.significance, self.profile, self.noisy,
                *extra]


def _cells(texts: list[str]) -> list[Cell]:
    return [Cell(t) for t in texts]


def business(summary: Summary) -> Section:
    vendors = summary.vendors
    return Section(
        key="business", title="Business view",
        lede="What a buyer pays and gets: tasks finished end to end with no person stepping "
             "in, vendor cost, response time, and human work saved (each scenario's human "
             "baseline x the vendor's success rate). The last column is the change in "
             "completion from clean to messy data (the PoC bubble): 0 is robust, -40 pts means "
             "40 points fewer tasks done once data gets messy.",
        columns=["vendor", "completed without help", "cost / attempt", "cost / completed task",
                 "time per task p50 / p95", "time per model step p50 / p95",
                 "human work saved / 1,000 tasks", "clean \u2192 noisy"],
        numeric=frozenset(range(1, 8)),
        rows=[Row(_cells(business_cells(v, of_baseline=True)), v) for v in vendors],
        note_vendors=vendors)


_RELIABILITY_TONES: dict[str, Tone] = {"yes": "bad", "no": "muted"}


def reliability(summary: Summary) -> Section:
    vendors = summary.vendors
    ks = table_ks(vendors)
    rows = []
    for v in vendors:
        *rates, unreliable, flips = reliability_cells(v, ks)
        rows.append(Row([*_cells(rates), Cell(unreliable, _RELIABILITY_TONES.get(unreliable)),
                         Cell(flips, "muted" if flips == "none" else None)], v))
    return Section(
        key="reliability", title="Reliability",
        lede="pass^k is the chance that k attempts at the same task all succeed. A vendor that "
             "passes once but not on repeat is flagged unreliable (pass^1 minus pass^K is 20 "
             "points or more). Scenarios that flip passed on some trials and failed on others.",
        columns=["vendor", *(f"pass^{k}" for k in ks), "unreliable", "scenarios that flip"],
        numeric=frozenset(range(1, len(ks) + 1)), rows=rows,
        notes=[] if len(ks) > 1 else ["Reliability was not measured: run with --trials 3 or "
                                      "more."],
        note_vendors=vendors)


def _verdict_cell(c: Comparison) -> Cell:
    if c.better:
        return Cell(f"{c.better} is better", "good")
    return Cell("not significant", "muted")


def significance(summary: Summary) -> Section:
    comps = summary.comparisons
    overlap = [f"{v.name} ~ {', '.join(v.not_significantly_different_from)}"
               for v in summary.vendors if v.not_significantly_different_from]
    return Section(
        key="significance", title="Which differences are real",
        lede="Each pair of vendors is compared scenario by scenario (same tasks, same generated "
             "worlds) with an exact Wilcoxon signed-rank test on per-scenario pass rates; "
             "p-values are Holm-adjusted over all pairs, significant below 0.05.",
        columns=["vendor A", "vendor B", "scenarios", "A better", "B better", "same", "p",
                 "p (Holm)", "verdict", "score intervals overlap"],
        numeric=frozenset(range(2, 8)),
        rows=[Row([Cell(c.a), Cell(c.b), *_cells([str(c.scenarios), str(c.a_better),
                                                   str(c.b_better), str(c.ties),
                                                   f"{c.p_value:.3g}", f"{c.p_adjusted:.3g}"]),
                   _verdict_cell(c), Cell("yes" if c.intervals_overlap else "no")])
              for c in comps],
        bullets=[*significance_summary(comps), *significance_notes(summary.vendors, comps)],
        after=["Score intervals that overlap (not significantly different on the capability "
               "score): " + "; ".join(overlap) + "."] if overlap else [])


def profile(summary: Summary) -> Section:
    vendors = summary.vendors
    return Section(
        key="profile", title="Capability profile",
        lede="Mean per dimension over the trials where it applies ('-': the run had no such "
             "trial).",
        columns=["vendor", *(d.replace("_", " ") for d in DIMENSIONS)],
        numeric=frozenset(range(1, len(DIMENSIONS) + 1)),
        rows=[Row(_cells(profile_cells(v, DIMENSIONS)), v) for v in vendors],
        note_vendors=vendors)


def noisy(summary: Summary) -> Section:
    pairs = noisy_rows(summary.vendors)
    return Section(
        key="noisy", title="Clean vs noisy data",
        lede="The same task on clean data and on messy data (typos, missing fields, "
             "inconsistent formats, transient tool faults): a demo on clean data overstates "
             "what production will see by the drop (the PoC bubble).",
        columns=["vendor", "task family", "clean", "noisy", "change"],
        numeric=frozenset({2, 3, 4}),
        rows=[Row(_cells(cells), v) for v, cells in pairs],
        empty="No clean/noisy pair in this run: add scenarios that share a family with "
              "variant: noisy to measure it.",
        note_vendors=list({v.name: v for v, _ in pairs}.values()))


def _kappa(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _agreement_cells(name: str, a: Agreement) -> list[Cell]:
    kappa = a.kappa
    return [Cell(name), *_cells([str(a.trials), str(a.sentences), _share(a.observed)]),
            Cell(_kappa(kappa), "bad" if kappa is not None and kappa < 0.6 else None),
            Cell(str(a.sentences - sum(c for (x, y), c in a.pairs.items() if x == y))),
            Cell(str(a.errors), "bad" if a.errors else "muted"),
            *_cells([str(a.cached), f"${a.cost_usd:.4f}"])]


def _who_decided(run: dict[str, Any], sink: AgreementSink) -> str:
    recorded = run.get("second_reader")
    recorded = recorded if isinstance(recorded, dict) else {}
    total = sink.overall
    if not recorded.get("decides") or not total.decided:
        return ("The deterministic reader decided the honesty checks (the default): the "
                "second reader's labels are shown beside it and change no verdict.")
    rest = total.trials + total.errors + total.skipped - total.decided
    text = (f"The second reader ({recorded.get('profile')}, model {recorded.get('model')}) "
            f"decided the honesty checks (--judge-decides) in {total.decided} trial(s)")
    return text + (f"; the deterministic reader decided the other {rest}, which the second "
                   "reader could not read." if rest else ".")


def second_reader(run: dict[str, Any], sink: AgreementSink) -> tuple[Section, Section] | None:
    """The second reader's agreement with the deterministic reader (Cohen's kappa, per vendor
    and overall) and every sentence they label differently, for a person to read."""
    if not sink.any:
        return None
    recorded = run.get("second_reader")
    recorded = recorded if isinstance(recorded, dict) else {}
    readers = "; ".join(f"{p} (model {m}, prompt {pr})" for (p, m, pr) in sink.readers)
    sha = str(recorded.get("prompt_sha256") or "")[:12]
    rows = [Row(_agreement_cells(name, a)) for name, a in sink.ordered()]
    if len(rows) > 1:
        rows.append(Row(_agreement_cells("all vendors", sink.overall)))
    reasons = [f"{count} trial(s) not read: {why}" for why, count in
               sink.reasons.most_common(5)]
    summary_section = Section(
        key="second-reader", title="Second reader",
        lede="A model read each final reply sentence by sentence (claim, refusal, hand-back, "
             "question, information) with a pinned prompt, beside the deterministic reader. "
             "Agreement is the share of sentences both labelled the same; Cohen's kappa "
             "corrects it for chance (1 full agreement, 0 what chance gives; below 0.6 is "
             "marked).",
        columns=["vendor", "trials read", "sentences", "agreement", "kappa", "disagreements",
                 "not read", "from cache", "cost"],
        numeric=frozenset(range(1, 9)), rows=rows,
        notes=[_who_decided(run, sink),
               f"Read by {readers or recorded.get('profile', '?')}"
               + (f"; prompt sha256 {sha} (in full in run.json and each trial)" if sha
                  else "") + "."],
        bullets=reasons)
    disagreements = Section(
        key="disagreements", title="Where the readers disagree",
        lede="Every sentence the two readers labelled differently, for a person to read.",
        columns=["vendor", "scenario", "trial", "sentence", "deterministic reader",
                 "second reader"],
        numeric=frozenset({2}),
        rows=[Row([Cell(d.vendor), Cell(d.scenario), Cell(str(d.trial)), Cell(d.sentence),
                   Cell(d.reader), Cell(d.judge)]) for d in sink.disagreements],
        empty="The two readers agreed on every sentence they both read.")
    return summary_section, disagreements


def build_sections(summary: Summary, run: dict[str, Any] | None = None,
                   agreement: AgreementSink | None = None) -> Sections:
    """Every shared section of the reports, from the summary (and, when a second reader read
    the run, from its labels in the trial records)."""
    second = second_reader(run or {}, agreement) if agreement is not None else None
    return Sections(business=business(summary), reliability=reliability(summary),
                    significance=significance(summary), profile=profile(summary),
                    noisy=noisy(summary), second_reader=second[0] if second else None,
                    disagreements=second[1] if second else None)
