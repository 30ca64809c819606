"""The report's case-pack sections, from the run folder's cases.jsonl, review.yaml and
data-quality.json (results/cases.py): per vendor, how often it reached what the human team did
(Wilson 95% interval), against what doing nothing would have reached; per category; the
disagreements ranked by impact with both sides; the data-quality profile of the sample.

Agreement by doing nothing is no evidence of skill: on a case the team declined by leaving it
as it was, a vendor that did nothing agrees. So each vendor's rate is shown beside the rate of
doing nothing on the same cases, the cases it agreed on by doing nothing are counted, and it
"beats doing nothing" only when the low end of its interval is above that rate.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from agentcheck.judge.stats import wilson
from agentcheck.report.messages import t
from agentcheck.report.sections import Cell, Row, Section
from agentcheck.results.cases import (
    CaseOutcome,
    DataQuality,
    Review,
    read_outcomes,
    read_quality,
    read_review,
)

MAX_DISAGREEMENTS = 25


@dataclass(frozen=True)
class VendorAgreement:
    vendor: str
    cases: int
    agreed: int
    rate: float
    low: float
    high: float
    nothing_rate: float
    """Agreement doing nothing would have had on the same cases."""
    did_nothing: int
    agreed_by_nothing: int
    """Cases agreed on while changing nothing."""
    agreed_changing_more: int
    """Cases agreed on while also changing what the team's resolution did not (another
    field or record): the trial's verdict judges that as collateral damage."""
    vendor_better: int
    """Disagreements a reviewer marked `better: vendor`."""
    adjusted: int
    adjusted_low: float
    adjusted_high: float
    beats_nothing: bool
    not_judged: int = 0
    """Cases whose trial agentcheck itself failed (harness_error): not in the rates."""


def agreement(outcomes: list[CaseOutcome], review: Review | None = None
              ) -> list[VendorAgreement]:
    marks = {(r.vendor, r.case) for r in (review.reviews if review else [])
             if r.better == "vendor"}
    order: list[str] = []
    for o in outcomes:
        if o.vendor not in order:
            order.append(o.vendor)
    out = []
    for name in order:
        # a trial agentcheck itself failed is no evidence about the vendor: left out, counted
        mine = [o for o in outcomes if o.vendor == name and o.termination != "harness_error"]
        failed = sum(1 for o in outcomes if o.vendor == name
                     and o.termination == "harness_error")
        n = len(mine)
        agreed = sum(o.agreed for o in mine)
        better = sum(1 for o in mine if not o.agreed and (o.vendor, o.case) in marks)
        lo, hi = wilson(agreed, n)
        alo, ahi = wilson(agreed + better, n)
        nothing = sum(o.nothing_agrees for o in mine) / n if n else 0.0
        out.append(VendorAgreement(
            vendor=name, cases=n, agreed=agreed, rate=agreed / n if n else 0.0, low=lo,
            high=hi, nothing_rate=nothing, did_nothing=sum(o.did_nothing for o in mine),
            agreed_by_nothing=sum(1 for o in mine if o.agreed and o.did_nothing),
            agreed_changing_more=sum(1 for o in mine if o.agreed and o.other_changes),
            vendor_better=better, adjusted=agreed + better, adjusted_low=alo,
            adjusted_high=ahi, beats_nothing=n > 0 and alo > nothing, not_judged=failed))
    return out


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _yes(x: bool) -> str:
    return t("case.yes") if x else t("case.no")


def agreement_section(rows: list[VendorAgreement], reviewed: bool) -> Section:
    return Section(
        key="case-agreement", title=t("case.agree.title"), lede=t("case.agree.lede"),
        columns=[t(f"case.col.{c}") for c in (
            "vendor", "cases", "agreed", "rate", "interval", "nothing", "did_nothing",
            "agreed_by_nothing", "changing_more", "marked_better", "adjusted", "beats")],
        rows=[Row([Cell(r.vendor), Cell(str(r.cases)), Cell(str(r.agreed)), Cell(_pct(r.rate)),
                   Cell(f"{_pct(r.low)}-{_pct(r.high)}"), Cell(_pct(r.nothing_rate)),
                   Cell(str(r.did_nothing), "bad" if r.did_nothing == r.cases else None),
                   Cell(str(r.agreed_by_nothing)),
                   Cell(str(r.agreed_changing_more), "bad" if r.agreed_changing_more else None),
                   Cell(str(r.vendor_better)),
                   Cell(f"{_pct(r.adjusted / r.cases if r.cases else 0)} "
                        f"({_pct(r.adjusted_low)}-{_pct(r.adjusted_high)})"),
                   Cell(_yes(r.beats_nothing), "good" if r.beats_nothing else "bad")])
              for r in rows],
        numeric=frozenset({1, 2, 3, 5, 6, 7, 8, 9}),
        notes=[t("case.not_judged", vendor=r.vendor, n=r.not_judged)
               for r in rows if r.not_judged],
        after=[t("case.agree.after" if reviewed else "case.agree.after.unreviewed")],
        empty=t("case.agree.empty"))


def _category(o: CaseOutcome) -> str:
    return " ".join(o.category.split()).casefold()


def category_section(outcomes: list[CaseOutcome]) -> Section:
    """Categories compared without case or spaces ('Goods' and 'goods ' are one), shown as
    their most frequent spelling."""
    vendors = list(dict.fromkeys(o.vendor for o in outcomes))
    spellings: dict[str, Counter[str]] = {}
    for o in outcomes:
        spellings.setdefault(_category(o), Counter())[o.category] += 1
    rows = []
    for cat in sorted(spellings):
        label = spellings[cat].most_common(1)[0][0]
        cells = [Cell(label), Cell(str(len({o.case for o in outcomes if _category(o) == cat})))]
        for v in vendors:
            mine = [o for o in outcomes if o.vendor == v and _category(o) == cat]
            agreed = sum(o.agreed for o in mine)
            cells.append(Cell(f"{agreed}/{len(mine)} ({_pct(agreed / len(mine))})"
                              if mine else "-"))
        rows.append(Row(cells))
    return Section(key="case-categories", title=t("case.cat.title"), lede=t("case.cat.lede"),
                   columns=[t("case.col.category"), t("case.col.cases"), *vendors], rows=rows,
                   numeric=frozenset(range(1, len(vendors) + 2)),
                   empty=t("case.cat.empty"))


def _side(decision: str | None, state: dict[str, str]) -> str:
    parts = [t("case.side.decision", decision=decision)] if decision else []
    parts += [f"{k}={v or t('case.side.empty')}" for k, v in state.items()]
    return ", ".join(parts) or "-"


def disagreement_section(outcomes: list[CaseOutcome], review: Review | None) -> Section:
    marks = {(r.vendor, r.case): r.better for r in (review.reviews if review else [])}
    bad = [o for o in outcomes if not o.agreed]
    bad.sort(key=lambda o: (-(o.impact or 0.0), o.vendor, o.row))
    return Section(
        key="case-disagreements", title=t("case.dis.title"), lede=t("case.dis.lede"),
        columns=[t(f"case.col.{c}") for c in (
            "vendor", "case", "category", "impact", "team", "vendor", "changed", "review")],
        rows=[Row([Cell(o.vendor), Cell(o.case), Cell(o.category),
                   Cell("" if o.impact is None else f"{o.impact:,.2f}"),
                   Cell(_side(o.human.decision, o.human.state)),
                   Cell(_side(o.vendor_side.decision, o.vendor_side.state)),
                   Cell("; ".join(o.changes[:4]) or t("case.nothing"), "muted" if not o.changes
                        else None),
                   Cell(_mark(marks.get((o.vendor, o.case))))])
              for o in bad[:MAX_DISAGREEMENTS]],
        numeric=frozenset({3}),
        after=[t("case.dis.more", n=len(bad) - MAX_DISAGREEMENTS)]
        if len(bad) > MAX_DISAGREEMENTS else [],
        empty=t("case.dis.empty"))


def _mark(better: str | None) -> str:
    """review.yaml's mark as written (`vendor`, `team`...: an identifier), or 'undecided'."""
    return t("case.undecided") if better in (None, "undecided") else str(better)


def quality_section(q: DataQuality) -> Section:
    rows = [Row([Cell(c.column), Cell(c.kind), Cell(str(c.missing)), Cell(str(c.duplicated)),
                 Cell(", ".join(f"{k}: {n}" for k, n in c.formats.items()) or "-"),
                 Cell(str(c.case_variants)), Cell(str(c.untrimmed)),
                 Cell(_yes(c.inconsistent), "bad" if c.inconsistent else None)])
            for c in q.columns]
    strata = (t("case.q.strata", column=q.stratify,
                strata=", ".join(f"{k}: {n}" for k, n in q.strata.items()))
              if q.stratify else "")
    return Section(
        key="case-data-quality", title=t("case.q.title"), lede=t("case.q.lede"),
        columns=[t(f"case.col.{c}") for c in (
            "column", "kind", "missing", "repeated", "formats", "variants", "untrimmed",
            "inconsistent")],
        rows=rows, numeric=frozenset({2, 3, 5, 6}),
        notes=[t("case.q.note", sampled=q.sampled, population=q.population, seed=q.seed,
                 strata=strata, empty=q.empty_rows_skipped, duplicates=q.duplicate_rows,
                 unresolved=q.no_resolution,
                 masked=t("case.q.masked" if q.masked else "case.q.unmasked"))])


def case_sections(folder: Path) -> list[Section]:
    """The case-pack sections of a run folder, or none for a run of scenarios."""
    outcomes = read_outcomes(folder)
    quality = read_quality(folder)
    if not outcomes and quality is None:
        return []
    review = read_review(folder)
    reviewed = any(r.better != "undecided" for r in review.reviews)
    out = [agreement_section(agreement(outcomes, review), reviewed)]
    if any(o.category not in ("(all)",) for o in outcomes):
        out.append(category_section(outcomes))
    out.append(disagreement_section(outcomes, review))
    if quality is not None:
        out.append(quality_section(quality))
    return out
