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


def agreement_section(rows: list[VendorAgreement], reviewed: bool) -> Section:
    return Section(
        key="case-agreement", title="Agreement with your team (case pack)",
        lede="Each sampled case replayed against each vendor in a sandboxed World built from "
             "the case: did the vendor leave the case's record as your team did (the fields "
             "that matter, and the decision)? 95% Wilson interval. 'Doing nothing' is the "
             "agreement a vendor that changes nothing would get on the same cases: a vendor "
             "beats it only when the low end of its interval is above it.",
        columns=["vendor", "cases", "agreed", "rate", "95% interval", "doing nothing",
                 "did nothing", "agreed by doing nothing", "agreed, changing more",
                 "marked better", "adjusted rate", "beats doing nothing"],
        rows=[Row([Cell(r.vendor), Cell(str(r.cases)), Cell(str(r.agreed)), Cell(_pct(r.rate)),
                   Cell(f"{_pct(r.low)}-{_pct(r.high)}"), Cell(_pct(r.nothing_rate)),
                   Cell(str(r.did_nothing), "bad" if r.did_nothing == r.cases else None),
                   Cell(str(r.agreed_by_nothing)),
                   Cell(str(r.agreed_changing_more), "bad" if r.agreed_changing_more else None),
                   Cell(str(r.vendor_better)),
                   Cell(f"{_pct(r.adjusted / r.cases if r.cases else 0)} "
                        f"({_pct(r.adjusted_low)}-{_pct(r.adjusted_high)})"),
                   Cell("yes" if r.beats_nothing else "no",
                        "good" if r.beats_nothing else "bad")]) for r in rows],
        numeric=frozenset({1, 2, 3, 5, 6, 7, 8, 9}),
        notes=[f"{r.vendor}: {r.not_judged} case(s) not judged (agentcheck failed in the "
               "trial; agentcheck run --cases again)" for r in rows if r.not_judged],
        after=["Agreed, changing more: agreed on the resolution but also changed another field "
               "or record the team left alone (the trial's verdict counts it as collateral "
               "damage). Adjusted rate: agreement counting the disagreements a person marked "
               "`better: vendor` in review.yaml" + ("." if reviewed else
                                                   " (none marked yet: fill in review.yaml "
                                                   "and run agentcheck report again).")],
        empty="No case was replayed.")


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
    return Section(key="case-categories", title="Agreement by category",
                   lede="Cases agreed per category of the case table, per vendor.",
                   columns=["category", "cases", *vendors], rows=rows,
                   numeric=frozenset(range(1, len(vendors) + 2)),
                   empty="The pack names no category column.")


def _side(decision: str | None, state: dict[str, str]) -> str:
    parts = [f"decision {decision}"] if decision else []
    parts += [f"{k}={v or '(empty)'}" for k, v in state.items()]
    return ", ".join(parts) or "-"


def disagreement_section(outcomes: list[CaseOutcome], review: Review | None) -> Section:
    marks = {(r.vendor, r.case): r.better for r in (review.reviews if review else [])}
    bad = [o for o in outcomes if not o.agreed]
    bad.sort(key=lambda o: (-(o.impact or 0.0), o.vendor, o.row))
    return Section(
        key="case-disagreements", title="Disagreements, by impact",
        lede="The cases where a vendor did not reach your team's resolution, the largest "
             "impact first (the pack's impact column, e.g. the amount), with both sides and "
             "what the vendor changed. Mark those where the vendor was arguably right in "
             "review.yaml.",
        columns=["vendor", "case", "category", "impact", "your team", "vendor",
                 "what the vendor changed", "review"],
        rows=[Row([Cell(o.vendor), Cell(o.case), Cell(o.category),
                   Cell("" if o.impact is None else f"{o.impact:,.2f}"),
                   Cell(_side(o.human.decision, o.human.state)),
                   Cell(_side(o.vendor_side.decision, o.vendor_side.state)),
                   Cell("; ".join(o.changes[:4]) or "nothing", "muted" if not o.changes
                        else None),
                   Cell(marks.get((o.vendor, o.case), "undecided"))])
              for o in bad[:MAX_DISAGREEMENTS]],
        numeric=frozenset({3}),
        after=[f"... and {len(bad) - MAX_DISAGREEMENTS} more in cases.jsonl"]
        if len(bad) > MAX_DISAGREEMENTS else [],
        empty="Every vendor agreed with your team on every case.")


def quality_section(q: DataQuality) -> Section:
    rows = [Row([Cell(c.column), Cell(c.kind), Cell(str(c.missing)), Cell(str(c.duplicated)),
                 Cell(", ".join(f"{k}: {n}" for k, n in c.formats.items()) or "-"),
                 Cell(str(c.case_variants)), Cell(str(c.untrimmed)),
                 Cell("yes" if c.inconsistent else "no", "bad" if c.inconsistent else None)])
            for c in q.columns]
    strata = (f" stratified by {q.stratify} (" + ", ".join(f"{k}: {n}" for k, n in
                                                            q.strata.items()) + ")"
              if q.stratify else "")
    return Section(
        key="case-data-quality", title="Data quality of the sample",
        lede="How messy the cases the vendors faced were, per column of the case table: "
             "missing values, repeated values, formats (dates and amounts written several "
             "ways), values differing only by case or spaces.",
        columns=["column", "kind", "missing", "repeated", "formats", "case/space variants",
                 "untrimmed", "inconsistent"],
        rows=rows, numeric=frozenset({2, 3, 5, 6}),
        notes=[f"{q.sampled} of {q.population} cases sampled (seed {q.seed}){strata}; "
               f"{q.empty_rows_skipped} empty row(s) skipped, {q.duplicate_rows} duplicate "
               f"case row(s), {q.no_resolution} row(s) without a human resolution; "
               f"{'masked' if q.masked else 'NOT masked'}."])


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
