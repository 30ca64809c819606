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
    dimension,
    noisy_rows,
    profile_cells,
    reliability_cells,
    significance_notes,
    significance_summary,
    table_ks,
    ties_once,
)
from agentcheck.report.messages import t
from agentcheck.results.records import TrialRecord
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
    return [Cell(s) for s in texts]


@dataclass
class RaisedUsage:
    """The business view's cost note: per vendor, the judged trials whose reported token usage
    was below the harness's floor and was priced at it (TrialRecord.usage_floor), read in the
    reports' one pass over the trials."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, record: TrialRecord) -> None:
        floor = record.usage_floor
        if floor is not None and floor.raised and not record.harness_error:
            self.counts[record.vendor] = self.counts.get(record.vendor, 0) + 1


def business(summary: Summary, raised: RaisedUsage | None = None) -> Section:
    vendors = summary.vendors
    counts = raised.counts if raised is not None else {}
    named = [t("business.raised.vendor", name=v.name, count=counts[v.name])
             for v in vendors if counts.get(v.name)]
    return Section(
        key="business", title=t("business.title"), lede=t("business.lede"),
        columns=[t("col.vendor"), *(t(f"business.col.{c}") for c in (
            "helped", "cost_attempt", "cost_task", "time_task", "time_step", "saved",
            "noisy"))],
        numeric=frozenset(range(1, 8)),
        rows=[Row(_cells(business_cells(v, of_baseline=True)), v) for v in vendors],
        after=[t("business.raised", vendors=", ".join(named))] if named else [],
        note_vendors=vendors)




def reliability(summary: Summary) -> Section:
    vendors = summary.vendors
    ks = table_ks(vendors)
    rows = []
    for v in vendors:
        *rates, unreliable, flips = reliability_cells(v, ks)
        tone: Tone | None = ("bad" if unreliable == t("yes") else
                             "muted" if unreliable == t("no") else None)
        rows.append(Row([*_cells(rates), Cell(unreliable, tone),
                         Cell(flips, "muted" if flips == t("none") else None)], v))
    return Section(
        key="reliability", title=t("reliability.title"), lede=t("reliability.lede"),
        columns=[t("col.vendor"), *(f"pass^{k}" for k in ks), t("reliability.col.unreliable"),
                 t("reliability.col.flips")],
        numeric=frozenset(range(1, len(ks) + 1)), rows=rows,
        notes=[] if len(ks) > 1 else [t("reliability.not_measured")],
        note_vendors=vendors)


def _verdict_cell(c: Comparison) -> Cell:
    if c.better:
        return Cell(t("significance.is_better", name=c.better), "good")
    return Cell(t("significance.not_significant"), "muted")


def significance(summary: Summary) -> Section:
    comps = summary.comparisons
    overlap = [f"{name} ~ {', '.join(others)}" for name, others in ties_once(summary.vendors)]
    return Section(
        key="significance", title=t("significance.title"), lede=t("significance.lede"),
        columns=[t(f"significance.col.{c}") for c in (
            "a", "b", "scenarios", "a_better", "b_better", "same", "p", "p_holm", "verdict",
            "overlap")],
        numeric=frozenset(range(2, 8)),
        rows=[Row([Cell(c.a), Cell(c.b), *_cells([str(c.scenarios), str(c.a_better),
                                                   str(c.b_better), str(c.ties),
                                                   f"{c.p_value:.3g}", f"{c.p_adjusted:.3g}"]),
                   _verdict_cell(c), Cell(t("yes") if c.intervals_overlap else t("no"))])
              for c in comps],
        bullets=[*significance_summary(comps), *significance_notes(summary.vendors, comps)],
        after=[t("significance.overlap", pairs="; ".join(overlap))] if overlap else [])


def profile(summary: Summary) -> Section:
    vendors = summary.vendors
    return Section(
        key="profile", title=t("profile.title"), lede=t("profile.lede"),
        columns=[t("col.vendor"), *(dimension(d) for d in DIMENSIONS)],
        numeric=frozenset(range(1, len(DIMENSIONS) + 1)),
        rows=[Row(_cells(profile_cells(v, DIMENSIONS)), v) for v in vendors],
        note_vendors=vendors)


def noisy(summary: Summary) -> Section:
    pairs = noisy_rows(summary.vendors)
    return Section(
        key="noisy", title=t("noisy.title"), lede=t("noisy.lede"),
        columns=[t("col.vendor"), *(t(f"noisy.col.{c}") for c in (
            "family", "clean", "noisy", "change"))],
        numeric=frozenset({2, 3, 4}),
        rows=[Row(_cells(cells), v) for v, cells in pairs],
        empty=t("noisy.empty"),
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
        return t("second.default")
    rest = total.trials + total.errors + total.skipped - total.decided
    text = t("second.decided", profile=recorded.get("profile"), model=recorded.get("model"),
             decided=total.decided)
    return text + (t("second.decided.rest", rest=rest) if rest else ".")


def second_reader(run: dict[str, Any], sink: AgreementSink) -> tuple[Section, Section] | None:
    """The second reader's agreement with the deterministic reader (Cohen's kappa, per vendor
    and overall) and every sentence they label differently, for a person to read."""
    if not sink.any:
        return None
    recorded = run.get("second_reader")
    recorded = recorded if isinstance(recorded, dict) else {}
    readers = "; ".join(t("second.reader", profile=p, model=m, prompt=pr)
                        for (p, m, pr) in sink.readers)
    sha = str(recorded.get("prompt_sha256") or "")[:12]
    rows = [Row(_agreement_cells(name, a)) for name, a in sink.ordered()]
    if len(rows) > 1:
        rows.append(Row(_agreement_cells(t("second.all"), sink.overall)))
    reasons = [t("second.not_read", count=count, why=why) for why, count in
               sink.reasons.most_common(5)]
    summary_section = Section(
        key="second-reader", title=t("second.title"), lede=t("second.lede"),
        columns=[t("col.vendor"), *(t(f"second.col.{c}") for c in (
            "trials", "sentences", "agreement", "kappa", "disagreements", "not_read", "cache",
            "cost"))],
        numeric=frozenset(range(1, 9)), rows=rows,
        notes=[_who_decided(run, sink),
               t("second.read_by", readers=readers or recorded.get("profile", "?"))
               + (t("second.sha", sha=sha) if sha else "") + "."],
        bullets=reasons)
    disagreements = Section(
        key="disagreements", title=t("disagree.title"), lede=t("disagree.lede"),
        columns=[t("col.vendor"), *(t(f"disagree.col.{c}") for c in (
            "scenario", "trial", "sentence", "reader", "judge"))],
        numeric=frozenset({2}),
        rows=[Row([Cell(d.vendor), Cell(d.scenario), Cell(str(d.trial)), Cell(d.sentence),
                   Cell(d.reader), Cell(d.judge)]) for d in sink.disagreements],
        empty=t("disagree.empty"))
    return summary_section, disagreements


def build_sections(summary: Summary, run: dict[str, Any] | None = None,
                   agreement: AgreementSink | None = None,
                   raised: RaisedUsage | None = None) -> Sections:
    """Every shared section of the reports, from the summary (and, when a second reader read
    the run, from its labels in the trial records; `raised`: the trials priced at the usage
    floor)."""
    second = second_reader(run or {}, agreement) if agreement is not None else None
    return Sections(business=business(summary, raised), reliability=reliability(summary),
                    significance=significance(summary), profile=profile(summary),
                    noisy=noisy(summary), second_reader=second[0] if second else None,
                    disagreements=second[1] if second else None)
