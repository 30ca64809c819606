"""The decision section: a run judged under an evaluation plan (decision/judge.py), laid out as
three shared sections (gates, weighted score, weight sensitivity) that report.md and
report.html render like every other section, plus the console's few lines.

Gate labels, criteria and the plan's names are identifiers and stay as written; the verdicts
and the sentences around them go through the message catalogue. A gate's reason is English, as
the judge's other recorded reasons are."""

from __future__ import annotations

from agentcheck.decision.model import (
    CriterionValue,
    Decision,
    GateResult,
    Interval,
    VendorDecision,
)
from agentcheck.report.fmt import money, pct
from agentcheck.report.messages import t
from agentcheck.report.sections import Cell, Row, Section, Tone

_TONE: dict[str, Tone] = {"met": "good", "not_met": "bad", "cannot_tell": "muted"}


def _num(metric: str, x: float | None) -> str:
    if x is None:
        return "-"
    if metric in ("completion", "shadow_agreement", "no_flag"):
        return pct(x, 1)
    if metric == "cost_per_completed_task_usd":
        return money(x)
    if metric == "p95_time_per_task_s":
        return f"{x:.2f} s"
    if metric == "tier":
        return f"{x:g}"
    return f"{x:.1f}"


def _interval(metric: str, iv: Interval | None) -> str:
    if iv is None or (iv.lo is None and iv.hi is None):
        return "-"
    if metric == "tier":
        return "-"
    lo = _num(metric, iv.lo) if iv.lo is not None else "-"
    hi = _num(metric, iv.hi) if iv.hi is not None else t("dec.unbounded")
    return f"{lo} .. {hi}"


def verdict_text(g: GateResult) -> str:
    text = t(f"dec.verdict.{g.verdict}")
    if g.verdict == "cannot_tell" and g.more_trials:
        text += t("dec.more", n=f"{g.more_trials:,}")
    return text


def _target(g: GateResult) -> str:
    """The target as the plan wrote it (0.001 s stays 0.001 s)."""
    if g.metric == "no_flag":
        return t("dec.never")
    if g.metric == "p95_time_per_task_s":
        return f"{g.op} {g.target:g} s"
    if g.metric == "cost_per_completed_task_usd":
        return f"{g.op} ${g.target:g}"
    return f"{g.op} {_num(g.metric, g.target)}"


def _gate_rows(d: Decision) -> list[Row]:
    rows = []
    for v in d.vendors:
        for s in v.stages:
            stage = s.name if s.judged else t("dec.stage.not_judged", stage=s.name)
            for g in s.gates:
                rows.append(Row([Cell(v.vendor), Cell(stage), Cell(g.label), Cell(_target(g)),
                                 Cell(_num(g.metric, g.value)), Cell(_interval(g.metric,
                                                                              g.interval)),
                                 Cell(verdict_text(g), _TONE[g.verdict]),
                                 Cell(g.reason)]))
    return rows


def _outcome(v: VendorDecision) -> str:
    if not v.judged:
        return t("dec.nv", vendor=v.vendor)
    if not v.stages:
        return t("dec.no_gates")
    if v.passed_all:
        return t("dec.passed", vendor=v.vendor)
    stage = next(s for s in v.stages if not s.passed)
    return t("dec.stopped", vendor=v.vendor, stage=stage.name)


def _plan_notes(d: Decision) -> list[str]:
    notes = [t("dec.plan", name=d.plan_name, file=d.plan_file, sha=d.plan_sha256[:12])]
    if d.run_plan_sha256 is not None and d.run_plan_sha256 != d.plan_sha256:
        notes.append(t("dec.rejudged", sha=d.run_plan_sha256[:12]))
    elif d.run_plan_sha256 is None:
        notes.append(t("dec.judged_after"))
    return notes + d.notes


def _criterion(c: CriterionValue) -> str:
    """A criterion's 0-1 score, with the raw value beside it where the unit says more."""
    if c.criterion == "cost":
        return f"{c.score:.2f} ({money(c.raw)})"
    if c.criterion == "latency":
        return f"{c.score:.2f} ({'-' if c.raw is None else f'{c.raw:.2f} s'})"
    return f"{c.score:.2f}"


def _interval_text(iv: Interval) -> str:
    if iv.lo is None or iv.hi is None:
        return "-"
    return f"{iv.lo:.3f} .. {iv.hi:.3f}"


def decision_sections(d: Decision) -> list[Section]:
    """Gates, weighted score and sensitivity, as shared sections."""
    gates = Section(
        key="decision", title=t("dec.gates.title"), lede=t("dec.gates.lede"),
        columns=[t("col.vendor"), t("dec.col.stage"), t("dec.col.gate"), t("dec.col.target"),
                 t("dec.col.value"), t("dec.col.interval"), t("dec.col.verdict"),
                 t("dec.col.why")],
        rows=_gate_rows(d), numeric=frozenset({4}), notes=_plan_notes(d),
        bullets=[_outcome(v) for v in d.vendors],
        after=[t("dec.none_passed")] if d.vendors and not d.candidates else [],
        empty=t("dec.no_gates"))
    weights = t("list.sep").join(f"{c} {w:.3f}" for c, w in d.weights)
    ranked = sorted(d.vendors, key=lambda v: v.rank)
    score_rows = [Row([Cell(str(v.rank)), Cell(v.vendor),
                       Cell(t("yes") if v.passed_all else t("no"),
                            "good" if v.passed_all else "bad"),
                       Cell(f"{v.score:.3f}"), Cell(_interval_text(v.interval)),
                       Cell(t("yes") if v.tied_with_leader else "")])
                  for v in ranked]
    after = []
    if d.leader is not None:
        after.append(t("dec.leader", vendor=d.leader) if d.candidates
                     else t("dec.leader.none_passed", vendor=d.leader))
        after.append(t("dec.tied", leader=d.leader, vendors=t("list.sep").join(d.tied))
                     if d.tied else t("dec.tied.none", leader=d.leader))
    criteria = [Row([Cell(v.vendor), *(Cell(_criterion(c)) for c in v.criteria)])
                for v in ranked]
    score = Section(
        key="decision-score", title=t("dec.score.title"), lede=t("dec.score.lede"),
        columns=[t("dec.col.rank"), t("col.vendor"), t("dec.col.gates"), t("dec.col.score"),
                 t("dec.col.interval"), t("dec.col.tied")],
        rows=score_rows, numeric=frozenset({0, 3}),
        notes=[t("dec.weights", weights=weights),
               t("dec.bootstrap", n=d.bootstrap, seed=d.seed)],
        after=after, empty=t("dec.no_vendor"))
    crit = Section(
        key="decision-criteria", title=t("dec.crit.title"), lede=t("dec.crit.lede"),
        columns=[t("col.vendor"), *(c.replace("_", " ") for c, _ in d.weights)],
        rows=criteria,
        numeric=frozenset(range(1, len(d.weights) + 1)), empty=t("dec.no_vendor"))
    sens_rows = []
    for s in d.sensitivity:
        up = (t("dec.sens.at", w=f"{s.up_to:.3f}", vendor=s.then_up) if s.up_to is not None
              else t("dec.sens.never"))
        down = (t("dec.sens.at", w=f"{s.down_to:.3f}", vendor=s.then_down)
                if s.down_to is not None else t("dec.sens.never"))
        sens_rows.append(Row([Cell(s.criterion), Cell(f"{s.weight:.3f}"), Cell(up),
                              Cell(down)]))
    pool = d.candidates or [v.vendor for v in d.vendors]
    sens = Section(
        key="decision-sensitivity", title=t("dec.sens.title"),
        lede=t("dec.sens.lede", leader=d.leader or "-"),
        columns=[t("dec.col.criterion"), t("dec.col.weight"), t("dec.col.up"),
                 t("dec.col.down")],
        rows=sens_rows if len(pool) > 1 else [], numeric=frozenset({1}),
        empty=t("dec.sens.one"))
    return [gates, score, crit, sens]


def console_text(d: Decision) -> str:
    """The decision in a few lines for the terminal (English, as the terminal table)."""
    lines = [f"\ndecision under plan {d.plan_name} ({d.plan_file}, sha256 "
             f"{d.plan_sha256[:12]}):"]
    for v in sorted(d.vendors, key=lambda v: v.rank):
        state = "passed every gate" if v.passed_all else "did not pass every gate"
        lines.append(f"  {v.rank}. {v.vendor}: score {v.score:.3f} "
                     f"({_interval_text(v.interval)}), {state}")
        for s in v.stages:
            for g in s.gates:
                if g.verdict != "met":
                    judged = "" if s.judged else " (stage not judged)"
                    lines.append(f"       {s.name}{judged}: {g.label}: "
                                 f"{verdict_text(g)} ({_num(g.metric, g.value)}; {g.reason})")
    if d.leader is not None:
        lines.append(f"  top choice: {d.leader}" if d.candidates else
                     f"  no vendor passed every gate; best score: {d.leader} (information only)")
        if d.tied:
            lines.append(f"  statistically tied with {d.leader}: {', '.join(d.tied)}")
    lines += [f"  note: {n}" for n in d.notes]
    return "\n".join(lines)
