"""report.xlsx: the sourcing team's workbook, next to report.md, report.html and report.csv.

Four sheets, for the spreadsheet a team would otherwise rebuild by hand:

- "Decision matrix": vendors x criteria (each criterion's 0-1 score, higher better, and its
  raw value in its unit), a row of weight cells the team may edit, and live formulas: the
  normalised weights, each vendor's weighted total (SUMPRODUCT) and its RANK. Under an
  evaluation plan the criteria and weights are the plan's (agentcheck.decision); without one,
  default criteria with equal weights, and a note says so.
- "Gates": per vendor and gate, the value, its 95% interval, the target and the verdict
  (under a plan; otherwise the sheet says no plan was given).
- "Vendor x scenario": each vendor's pass rate per scenario, coloured by a colour scale.
- "Evidence": every failed trial with the one-line reason report.md gives it.

Only functions every spreadsheet engine computes (SUM, SUMPRODUCT, RANK, IF): the tests
recalculate the workbook in LibreOffice. Text from vendors is always written as text (never
as a formula, whatever it starts with) with the characters XML cannot hold removed.
openpyxl is imported here only, so runs that never write a workbook never load it."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from agentcheck.judge.stats import percentile
from agentcheck.report.evidence import _headline, clip, failed_checks
from agentcheck.report.fmt import no_verdict, scenario_titles
from agentcheck.results.files import fold_trials
from agentcheck.results.records import TrialRecord, as_record
from agentcheck.results.summary import Summary, VendorVerdict

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    from agentcheck.decision.model import Decision

SHEETS = ("Decision matrix", "Gates", "Vendor x scenario", "Evidence")
PCT, PCT1, MONEY, SECS, SCORE = "0%", "0.0%", '"$"#,##0.0000', '0.0" s"', "0.000"
WEIGHT_FILL, HEADER_FILL = "FFF4CC", "EEF2F6"
VERDICT_FILL = {"met": "D1FADF", "not_met": "FEE4E2", "cannot_tell": "FEF0C7"}
VERDICT_WORDS = {"met": "met", "not_met": "not met", "cannot_tell": "cannot tell yet"}


@dataclass(frozen=True)
class Criterion:
    """One column of the decision matrix: per vendor a 0-1 score (higher better) and the raw
    value it comes from, in its unit."""

    key: str
    label: str
    weight: float
    scores: list[float]
    raw: list[float | None]
    raw_format: str


@dataclass(frozen=True)
class Matrix:
    """The decision matrix as written: vendors (rows), criteria (columns), and the note that
    says where criteria and weights come from."""

    vendors: list[str]
    criteria: list[Criterion]
    note: str
    left_out: list[str]
    passed: list[bool] | None = None
    """Under a plan: whether each vendor passed every gate."""
    standing: list[str] | None = None
    """Under a plan, as its own weights rank them: the decision's weighted score with its 95%
    bootstrap interval, and whether the vendor is statistically tied with the leader."""


def totals(matrix: Matrix, weights: list[float] | None = None) -> list[float]:
    """Each vendor's weighted total for these weights (default: the matrix's): what the
    sheet's formulas compute, for tests and for anyone checking the sheet."""
    ws = weights if weights is not None else [c.weight for c in matrix.criteria]
    total = sum(ws)
    if total <= 0:
        return [0.0 for _ in matrix.vendors]
    return [sum(w / total * c.scores[i] for w, c in zip(ws, matrix.criteria, strict=True))
            for i in range(len(matrix.vendors))]


def ranks(values: list[float]) -> list[int]:
    """RANK(x, range, 0): 1 for the highest; equal values share a rank, the next is skipped."""
    return [1 + sum(1 for o in values if o > v) for v in values]


def _ratio(best: float | None, own: float | None) -> float:
    """best / own for a lower-is-better value (cheapest or fastest scores 1); 0 without a
    value, 1 for a value of 0 (free, instant)."""
    if own is None or best is None:
        return 0.0
    return 1.0 if own <= 0 else best / own


def default_matrix(summary: Summary, completed: dict[str, list[float]]) -> Matrix:
    """Without a plan: capability, completion, cost, latency and human minutes saved (each
    scaled 0-1 as the plan's weights scale them: decision/judge.py), equal weights. Latency
    is the p95 time of the completed tasks (`completed`: each vendor's durations of its passed
    trials), so a vendor that completed nothing is not fast: it scores 0 and sets no pace.
    Vendors with no verdict are left out: a vendor that could not be judged is never ranked."""
    judged = [v for v in summary.vendors if no_verdict(v) is None]
    left_out = [v.name for v in summary.vendors if no_verdict(v) is not None]
    costs = [v.cost_per_completed_task_usd for v in judged]
    p95s = [percentile(completed.get(v.name, []), 95) for v in judged]
    cheapest = min((c for c in costs if c is not None), default=None)
    fastest = min((p for p in p95s if p is not None), default=None)

    def saved(v: VendorVerdict) -> float | None:
        whole, part = v.human_minutes_per_1000_tasks, v.human_minutes_saved_per_1000_tasks
        return None if not whole or part is None else part / whole

    criteria = [
        Criterion("capability", "Capability score", 1.0,
                  [float(v.capability_score or 0) / 100 for v in judged],
                  [None if v.capability_score is None else float(v.capability_score)
                   for v in judged], "0"),
        Criterion("completion", "Completion rate", 1.0,
                  [float(v.completion_rate or 0) for v in judged],
                  [v.completion_rate for v in judged], PCT),
        Criterion("cost", "Cost per completed task", 1.0,
                  [_ratio(cheapest, c) for c in costs], list(costs), MONEY),
        Criterion("latency", "p95 time per completed task", 1.0,
                  [_ratio(fastest, p) for p in p95s], list(p95s), SECS),
        Criterion("human_minutes_saved", "Human minutes saved", 1.0,
                  [max(0.0, saved(v) or 0.0) for v in judged], [saved(v) for v in judged],
                  PCT),
    ]
    note = ("No evaluation plan was given: default criteria (capability, completion, cost, "
            "latency, human minutes saved) with equal weights. Each score is 0-1, higher "
            "better: capability / 100; completion rate; cheapest cost per completed task / "
            "own; fastest p95 time per completed task / own (a vendor that completed nothing "
            "scores 0 on both); share of the human baseline minutes saved. Run with --plan to "
            "decide against your own criteria and gates.")
    return Matrix([v.name for v in judged], criteria, note, left_out)


CRITERION_LABELS = {"capability": "Capability (mean trial score)",
                    "cost": "Cost per completed task", "latency": "p95 time per completed task",
                    "human_minutes_saved": "Human minutes saved"}
CRITERION_FORMATS = {"cost": MONEY, "latency": SECS}
"""The raw values' units under a plan (decision/judge.py); the others are 0-1 rates."""


def plan_matrix(decision: Decision) -> Matrix:
    """Under a plan: its criteria, its normalised weights and the decision's 0-1 scores."""
    names = [v.vendor for v in decision.vendors]
    criteria = []
    for key, weight in decision.weights:
        values = [next((c for c in v.criteria if c.criterion == key), None)
                  for v in decision.vendors]
        kind, _, rest = key.partition(".")
        label = CRITERION_LABELS.get(key) or f"{kind.capitalize()}: {rest.replace('_', ' ')}"
        criteria.append(Criterion(key, label, weight,
                                  [c.score if c is not None else 0.0 for c in values],
                                  [c.raw if c is not None else None for c in values],
                                  CRITERION_FORMATS.get(key, PCT)))
    note = (f"Evaluation plan {decision.plan_name!r} ({decision.plan_file}, sha256 "
            f"{decision.plan_sha256[:12]}): its criteria and normalised weights. Scores are "
            "0-1, higher better, as the decision computed them.")
    standing = [f"{v.score:.3f} ({_bound(v.interval.lo)}-{_bound(v.interval.hi)})"
                + ("; leader" if v.vendor == decision.leader else
                   "; tied with the leader" if v.tied_with_leader else "")
                for v in decision.vendors]
    return Matrix(names, criteria, note, [], [v.passed_all for v in decision.vendors],
                  standing)


def _bound(x: float | None) -> str:
    return "?" if x is None else f"{x:.3f}"


# --------------------------------------------------------------------------- evidence rows


@dataclass(frozen=True)
class EvidenceRow:
    vendor: str
    scenario: str
    trial: int
    seed: int | None
    termination: str
    judged: bool
    reason: str
    quote: str
    error: str


def evidence_row(record: TrialRecord) -> EvidenceRow:
    """One failed trial: the headline report.md and report.html give it (report/evidence.py),
    the first failed check's excerpt and the vendor's error message."""
    checks = failed_checks(record)
    error = ""
    if record.error_message:
        cause = record.error_cause
        error = clip(f"{cause}: {record.error_message}" if cause else record.error_message, 400)
    return EvidenceRow(record.vendor, record.scenario, record.trial, record.seed,
                       record.termination, not record.harness_error,
                       clip(_headline(record, checks), 300),
                       clip(next((c.excerpt for c in checks if c.excerpt), ""), 300), error)


class TrialSink:
    """What the workbook needs of the trials, as trials.jsonl streams past: each vendor's
    durations of the tasks it completed, and a row per failed trial, spilled to a temporary
    file as it comes (in memory only its sort key and offset: the end of a run stays flat in
    memory however many trials failed; bench/memory.py)."""

    def __init__(self) -> None:
        self.completed: dict[str, list[float]] = {}
        self._index: list[tuple[str, str, int, int]] = []
        self._spill: IO[bytes] | None = None

    def add(self, record: TrialRecord) -> None:
        if record.passed:
            self.completed.setdefault(record.vendor, []).append(float(record.duration_s))
            return
        if self._spill is None:
            self._spill = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        row = evidence_row(record)
        self._index.append((row.vendor, row.scenario, row.trial, self._spill.tell()))
        self._spill.write(json.dumps(astuple(row), ensure_ascii=False).encode() + b"\n")

    def __len__(self) -> int:
        return len(self._index)

    def rows(self, order: list[str]) -> Iterator[EvidenceRow]:
        """The failed trials' rows by vendor (in `order`), scenario and trial."""
        if self._spill is None:
            return
        rank = {name: i for i, name in enumerate(order)}
        self._index.sort(key=lambda k: (rank.get(k[0], len(rank)), k[0], k[1], k[2]))
        for *_, offset in self._index:
            self._spill.seek(offset)
            yield EvidenceRow(*json.loads(self._spill.readline()))

    def close(self) -> None:
        if self._spill is not None:
            self._spill.close()
            self._spill = None

    def __del__(self) -> None:  # a sink fold_trials dropped to start over
        self.close()


def read_trials(records: Iterable[TrialRecord | dict[str, Any]] | None, trials: Path,
                seen: TrialSink | None = None) -> TrialSink:
    """The sink fed from `records` when given, else from streaming `trials` (unless `seen`
    was fed already, in the reports' own pass)."""
    if seen is not None:
        return seen
    if records is None:
        return fold_trials(trials, TrialSink)
    sink = TrialSink()
    for r in records:
        sink.add(as_record(r))
    return sink


# --------------------------------------------------------------------------- writing


class _Sheet:
    """A write-only sheet with typed cells: text is always text, numbers carry a format."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        self.ws: Any = ws  # the stubs lack the write-only sheet's freeze, filter, widths
        self._cell = WriteOnlyCell
        self._font, self._fill, self._align = Font, PatternFill, Alignment
        self.bold = Font(bold=True)
        self.rows = 0

    def text(self, value: Any, bold: bool = False, fill: str | None = None,
             wrap: bool = False) -> Any:
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        cell = self._cell(self.ws, value=None)
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
        cell.data_type = "s"  # '=cmd|...' from a vendor stays text, never a formula
        self._style(cell, bold, fill, wrap)
        return cell

    def number(self, value: float | int | None, fmt: str | None = None,
               fill: str | None = None, bold: bool = False) -> Any:
        cell = self._cell(self.ws, value=value)
        if fmt:
            cell.number_format = fmt
        self._style(cell, bold, fill, False)
        return cell

    def formula(self, text: str, fmt: str | None = None, bold: bool = False) -> Any:
        cell = self._cell(self.ws, value=text)
        assert cell.data_type == "f", text
        if fmt:
            cell.number_format = fmt
        self._style(cell, bold, None, False)
        return cell

    def _style(self, cell: Any, bold: bool, fill: str | None, wrap: bool) -> None:
        if bold:
            cell.font = self.bold
        if fill:
            cell.fill = self._fill("solid", start_color=fill, end_color=fill)
        if wrap:
            cell.alignment = self._align(wrap_text=True, vertical="top")

    def row(self, cells: list[Any]) -> int:
        self.ws.append(cells)
        self.rows += 1
        return self.rows

    def widths(self, widths: list[float]) -> None:
        from openpyxl.utils import get_column_letter

        for i, w in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = w


def _col(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def _width(texts: Iterable[Any], lo: float = 8, hi: float = 60) -> float:
    return max(lo, min(hi, max((len(str(t)) for t in texts), default=0) + 2))


def _matrix_sheet(sh: _Sheet, m: Matrix) -> None:
    n, k = len(m.vendors), len(m.criteria)
    first, last = 2, 1 + k  # score columns B..
    total_col = k + 2
    weights = f"${_col(first)}$5:${_col(last)}$5"
    if k:
        from openpyxl.worksheet.datavalidation import DataValidation

        rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                              showErrorMessage=True, errorTitle="Weight",
                              error="A weight is a number, 0 or more.")
        rule.add(f"{_col(first)}5:{_col(last)}5")
        sh.ws.data_validations.append(rule)
    sh.widths([_width(m.vendors, 14, 40), *([16] * k), 15, 8, *([18] * k), 16,
               *([36] if m.standing is not None else [])])
    sh.ws.freeze_panes = "B8"
    sh.row([sh.text("Decision matrix", bold=True)])
    sh.row([sh.text(m.note)])
    sh.row([sh.text("Edit the weights in row 5 (any non-negative numbers): the normalised "
                    "weights, each vendor's weighted total and its rank are live formulas.")])
    sh.row([sh.text("Left out (no verdict, never ranked): " + ", ".join(m.left_out))]
           if m.left_out else [])
    sh.row([sh.text("Weight (edit)", bold=True),
            *(sh.number(c.weight, "0.###", fill=WEIGHT_FILL) for c in m.criteria)])
    sh.row([sh.text("Normalised weight", bold=True),
            *(sh.formula(f"=IF(SUM({weights})>0,{_col(first + j)}5/SUM({weights}),0)", PCT1)
              for j in range(k))])
    header = [sh.text("Vendor", bold=True, fill=HEADER_FILL),
              *(sh.text(f"{c.label} (score 0-1)", bold=True, fill=HEADER_FILL, wrap=True)
                for c in m.criteria),
              sh.text("Weighted total", bold=True, fill=HEADER_FILL),
              sh.text("Rank", bold=True, fill=HEADER_FILL),
              *(sh.text(c.label, bold=True, fill=HEADER_FILL, wrap=True) for c in m.criteria)]
    if m.passed is not None:
        header.append(sh.text("Passed every gate", bold=True, fill=HEADER_FILL))
    if m.standing is not None:
        header.append(sh.text("Under the plan's weights: score (95% CI)", bold=True,
                              fill=HEADER_FILL, wrap=True))
    sh.row(header)
    top, bottom = 8, 7 + n
    for i, name in enumerate(m.vendors):
        r = top + i
        cells = [sh.text(name, bold=True),
                 *(sh.number(round(c.scores[i], 6), SCORE) for c in m.criteria),
                 sh.formula(f"=SUMPRODUCT($B$6:${_col(last)}$6,B{r}:{_col(last)}{r})", SCORE,
                            bold=True),
                 sh.formula(f"=RANK({_col(total_col)}{r},${_col(total_col)}${top}:"
                            f"${_col(total_col)}${bottom},0)", "0", bold=True),
                 *(sh.number(c.raw[i], c.raw_format) for c in m.criteria)]
        if m.passed is not None:
            cells.append(sh.text("yes" if m.passed[i] else "no"))
        if m.standing is not None:
            cells.append(sh.text(m.standing[i]))
        sh.row(cells)


def _gates_sheet(sh: _Sheet, decision: Decision | None) -> None:
    if decision is None or not any(s.gates for v in decision.vendors for s in v.stages):
        sh.widths([100])
        sh.row([sh.text("No evaluation plan was given, so there are no business gates to "
                        "judge.", bold=True)])
        sh.row([sh.text("Write one with `agentcheck new plan`, then `agentcheck run --plan "
                        "evaluation.yaml` (or `agentcheck report RUN_DIR --plan "
                        "evaluation.yaml` to judge this run without running it again).")])
        return
    headers = ["Vendor", "Stage", "Gate", "Metric", "Target", "Value", "95% low", "95% high",
               "Verdict", "Why", "Trials to settle", "Stage counts"]
    sh.widths([18, 18, 36, 24, 12, 12, 12, 12, 16, 50, 14, 12])
    sh.ws.freeze_panes = "C2"
    sh.row([sh.text(h, bold=True, fill=HEADER_FILL) for h in headers])
    for v in decision.vendors:
        for stage in v.stages:
            for g in stage.gates:
                fmt = _metric_format(g.metric)
                lo = g.interval.lo if g.interval else None
                hi = g.interval.hi if g.interval else None
                sh.row([sh.text(v.vendor), sh.text(stage.name), sh.text(g.label),
                        sh.text(g.metric),
                        sh.text(_plain(g.target, g.metric) if g.metric == "no_flag" else
                                f"{g.op} {_plain(g.target, g.metric)}"),
                        sh.number(g.value, fmt), sh.number(lo, fmt), sh.number(hi, fmt),
                        sh.text(VERDICT_WORDS.get(g.verdict, g.verdict), bold=True,
                                fill=VERDICT_FILL.get(g.verdict)),
                        sh.text(g.reason), sh.number(g.more_trials, "0"),
                        sh.text("yes" if stage.judged else "no (an earlier stage failed)")])


def _metric_format(metric: str) -> str:
    return {"completion": PCT, "shadow_agreement": PCT, "cost_per_completed_task_usd": MONEY,
            "p95_time_per_task_s": SECS, "capability": "0.0", "tier": "0.##",
            "no_flag": PCT1}.get(metric, "0.###")


def _plain(target: float, metric: str) -> str:
    if metric == "no_flag":
        return "never"
    if metric in ("completion", "shadow_agreement"):
        return f"{100 * target:g}%"
    if metric == "cost_per_completed_task_usd":
        return f"${target:g}"
    if metric == "p95_time_per_task_s":
        return f"{target:g} s"
    return f"{target:g}"


def _scenario_sheet(sh: _Sheet, summary: Summary, run: dict[str, Any]) -> None:
    from openpyxl.formatting.rule import ColorScaleRule

    titles = scenario_titles(run)
    vendors = summary.vendors
    ids: list[str] = []
    for v in vendors:
        ids += [s.scenario for s in v.scenarios if s.scenario not in ids]
    ids.sort()
    names = [v.name + ("" if no_verdict(v) is None else " (no verdict)") for v in vendors]
    sh.widths([_width((titles.get(i, i) for i in ids), 24, 70), _width(ids, 12, 48), 9,
               *(_width([n], 12, 30) for n in names)])
    sh.ws.freeze_panes = "D2"
    sh.row([sh.text(h, bold=True, fill=HEADER_FILL)
            for h in ("Scenario", "Scenario id", "Variant", *names)])
    cells = {(v.name, s.scenario): s for v in vendors for s in v.scenarios}
    for sid in ids:
        variant = next((s.variant for v in vendors
                        if (s := cells.get((v.name, sid))) is not None), "clean")
        sh.row([sh.text(titles.get(sid, sid)), sh.text(sid), sh.text(variant),
                *(sh.number(None if (s := cells.get((v.name, sid))) is None else s.pass_rate,
                            PCT) for v in vendors)])
    if ids and vendors:
        area = f"D2:{_col(3 + len(vendors))}{1 + len(ids)}"
        sh.ws.conditional_formatting.add(area, ColorScaleRule(  # type: ignore[no-untyped-call]
            start_type="num", start_value=0, start_color="F8696B",
            mid_type="num", mid_value=0.5, mid_color="FFEB84",
            end_type="num", end_value=1, end_color="63BE7B"))


def _evidence_sheet(sh: _Sheet, seen: TrialSink, order: list[str],
                    run: dict[str, Any]) -> None:
    titles = scenario_titles(run)
    headers = ["Vendor", "Scenario", "Scenario id", "Trial", "Seed", "Ended", "Kind",
               "Reason", "Quote", "Vendor error"]
    sh.widths([16, 40, 28, 7, 18, 14, 22, 80, 50, 40])
    sh.ws.freeze_panes = "A2"
    sh.ws.auto_filter.ref = f"A1:J{1 + len(seen)}"
    sh.row([sh.text(h, bold=True, fill=HEADER_FILL) for h in headers])
    for r in seen.rows(order):
        sh.row([sh.text(r.vendor), sh.text(titles.get(r.scenario, r.scenario)),
                sh.text(r.scenario), sh.number(r.trial, "0"),
                # seeds pass 2^53: as text, so no spreadsheet rounds them
                sh.text("" if r.seed is None else str(r.seed)), sh.text(r.termination),
                sh.text("failed" if r.judged else "not judged (agentcheck error)"),
                sh.text(r.reason), sh.text(r.quote), sh.text(r.error)])
    if not len(seen):
        sh.row([sh.text("No trial failed.")])


def write_workbook(path: Path, summary: Summary, run: dict[str, Any],
                   records: Iterable[TrialRecord | dict[str, Any]] | None = None,
                   trials: Path | None = None, decision: Decision | None = None,
                   seen: TrialSink | None = None) -> Path:
    """report.xlsx at `path`; the failed trials from `records` when given, else from `seen`
    (a TrialSink the caller fed in its own pass over the trials), else streamed from `trials`
    (default: trials.jsonl next to `path`). Written to a temporary name first, so a reader
    never opens half a workbook."""
    import os

    from openpyxl import Workbook

    order = [v.name for v in summary.vendors]
    seen = read_trials(records, trials or path.parent / "trials.jsonl", seen)
    try:
        matrix = (plan_matrix(decision) if decision is not None else
                  default_matrix(summary, seen.completed))
        wb = Workbook(write_only=True)
        sheets = {name: _Sheet(wb.create_sheet(name)) for name in SHEETS}
        _matrix_sheet(sheets["Decision matrix"], matrix)
        _gates_sheet(sheets["Gates"], decision)
        _scenario_sheet(sheets["Vendor x scenario"], summary, run)
        _evidence_sheet(sheets["Evidence"], seen, order, run)
        tmp = path.with_name(path.name + ".tmp")
        _save(wb, tmp, run.get("started_at"))
    finally:
        seen.close()
    os.replace(tmp, path)
    return path


def _save(wb: Any, path: Path, started: Any) -> None:
    """The workbook with its dates fixed (document dates: the run's start; zip entries:
    1980-01-01), so the same run always gives the same bytes: re-rendering a signed run
    folder leaves its manifest true, and `report` reproduces a committed workbook."""
    import os
    import shutil
    import zipfile
    from datetime import UTC, datetime

    from openpyxl.writer.excel import ExcelWriter

    try:
        when = datetime.fromisoformat(str(started))
    except ValueError:
        when = datetime(2000, 1, 1, tzinfo=UTC)
    if when.tzinfo is not None:  # the file format holds UTC without a zone
        when = when.astimezone(UTC).replace(tzinfo=None)
    wb.properties.created = wb.properties.modified = when

    def entry(name: str, compression: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = compression
        info.external_attr = 0o644 << 16
        return info

    class StableZip(zipfile.ZipFile):
        def writestr(self, name: Any, data: Any, compress_type: Any = None,
                     compresslevel: Any = None) -> None:
            if not isinstance(name, zipfile.ZipInfo):
                name = entry(name, self.compression)
            super().writestr(name, data, compress_type, compresslevel)

        def write(self, filename: Any, arcname: Any = None, compress_type: Any = None,
                  compresslevel: Any = None) -> None:
            """A sheet openpyxl wrote to a temporary file, copied in pieces (the evidence
            sheet of a large run is tens of MB: never held whole)."""
            info = entry(arcname or str(filename), self.compression)
            big = os.path.getsize(filename) >= zipfile.ZIP64_LIMIT
            with open(filename, "rb") as src, self.open(info, "w", force_zip64=big) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)

    with StableZip(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
