"""Re-certification over time: every run of a vendor lined up by date on the same scenarios.

A sourcing team re-runs the suite after award (each quarter, after a vendor's release) and asks
"is it still as good as when we chose it?". Each step from one run of a vendor to its next is
judged exactly as `agentcheck compare` judges two runs (report/compare.py, reused here): the
paired test over the scenarios both runs ran with the same content hash, Holm-adjusted over the
vendors of that pair of runs, so history and compare never disagree about a step. A scenario
whose content hash changed is a different scenario: it is named and left out of the test.
A vendor whose profile model or version changed between two runs is marked at that step.

Only results are read (run.json, trials.jsonl): no vendor, scenario or runner code."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tabulate import tabulate

from agentcheck.core.errors import ConfigError
from agentcheck.decision.model import Decision
from agentcheck.judge.stats import ALPHA, holm
from agentcheck.report.assets import CSS
from agentcheck.report.compare import (
    _change_verdict,
    _scenario_changes,
    _scenarios,
    _vendor_changes,
    _vendor_delta,
    refuse_mixed_variants,
)
from agentcheck.report.fmt import no_verdict
from agentcheck.report.markdown import esc as _md
from agentcheck.report.render import load_run
from agentcheck.report.svg import (
    GRID,
    INK,
    MUTED,
    TIER_COLORS,
    _line,
    _svg,
    _text,
    esc,
    vendor_color,
)
from agentcheck.results.files import fold_trials, write_text
from agentcheck.results.records import TrialRecord
from agentcheck.results.summary import Summary, VendorVerdict

MODEL_FIELDS = ("model", "version")
"""Profile fields that say which model or product release answered: a change is marked."""

Decide = Callable[[Path, dict[str, Any]], Decision | None]
"""A run folder and its run.json -> the run judged under the plan it was made with, or None
for a run made without one (the cli passes cli/plan.py's, so a run is judged as `report`
judges it)."""


@dataclass(frozen=True)
class RunInfo:
    """One run folder in the history, in date order."""

    path: str
    started_at: str | None
    agentcheck_version: str | None
    seed: Any
    trials: Any
    complete: bool | None


@dataclass(frozen=True)
class GateMet:
    """One gate of the run's plan for one vendor, as the decision judged it."""

    stage: str
    label: str
    verdict: str
    """met, not_met or cannot_tell."""


@dataclass
class Point:
    """One vendor in one run, and what changed since its previous run (None on its first)."""

    run: int
    """Index into History.runs."""
    started_at: str | None
    score: float | None
    score_ci: list[float] | None
    tier: int | None
    tier_name: str | None
    no_verdict: str | None
    flags: list[str]
    completion_rate: float | None
    model: str | None
    version: str | None
    served_models: list[str] = field(default_factory=list)
    """Models the vendor's replies named other than the one requested (trials' assistant
    events, `served_model`): empty when every reply named the requested model, or none."""
    previous_run: int | None = None
    score_change: float | None = None
    flags_added: list[str] = field(default_factory=list)
    flags_removed: list[str] = field(default_factory=list)
    profile_changes: dict[str, list[Any]] = field(default_factory=dict)
    model_changed: bool = False
    """The profile's model or version, or the models the replies named, changed."""
    paired_scenarios: int | None = None
    scenarios_better: int | None = None
    scenarios_worse: int | None = None
    p_value: float | None = None
    p_adjusted: float | None = None
    significant: bool = False
    change: str | None = None
    """In words: significantly better/worse, no significant change, or not comparable."""
    plan: str | None = None
    """The run's evaluation plan (name), when it was made with one; then the gates below."""
    passed_all_gates: bool | None = None
    gates: list[GateMet] = field(default_factory=list)


@dataclass
class VendorHistory:
    name: str
    points: list[Point]


@dataclass
class ScenarioChange:
    """A scenario that differs between two consecutive runs: never paired across them."""

    runs: list[int]
    scenario: str
    change: str
    """changed (same id, other content hash or version), added or removed."""
    hash: list[str | None] | None = None


@dataclass
class History:
    runs: list[RunInfo]
    vendors: list[VendorHistory]
    scenario_changes: list[ScenarioChange]
    unchanged_scenarios: list[int]
    """Per step from run i to run i+1: scenarios both ran with the same content hash."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Run:
    path: Path
    run: dict[str, Any]
    summary: Summary
    decision: Decision | None = None
    served: dict[str, list[str]] = field(default_factory=dict)


class _Served:
    """Per vendor, the models its replies named other than the one requested."""

    def __init__(self) -> None:
        self.models: dict[str, set[str]] = {}

    def add(self, record: TrialRecord) -> None:
        for e in record.events:
            model = e.get("served_model") if e.get("type") == "assistant" else None
            if isinstance(model, str):
                self.models.setdefault(record.vendor, set()).add(model)


def find_runs(dirs: list[Path]) -> list[Path]:
    """The run folders named, or found under the folders named (any depth), each once."""
    found: dict[Path, None] = {}
    for d in dirs:
        if not d.is_dir():
            raise ConfigError(f"no folder at {d}")
        if (d / "run.json").is_file():
            found[d.resolve()] = None
            continue
        under = sorted(p.parent for p in d.rglob("run.json") if p.is_file())
        if not under:
            raise ConfigError(f"no run folder under {d}: no run.json in it or its subfolders")
        for p in under:
            found[p.resolve()] = None
    return list(found)


def _check_run(path: Path, run: dict[str, Any]) -> None:
    """The fields history reads, checked: a hand-edited run.json is named with its field."""
    where = str(path / "run.json")

    def bad(fld: str, what: str) -> ConfigError:
        return ConfigError(f"expected {what}", file=where, field=fld)

    started = run.get("started_at")
    if not isinstance(started, str):
        raise bad("started_at", "the run's start time (an ISO date string)")
    try:
        datetime.fromisoformat(started)
    except ValueError:
        raise bad("started_at", f"an ISO date, not {started[:40]!r}") from None
    for key, ident in (("scenarios", "id"), ("vendors", "name")):
        items = run.get(key)
        if not isinstance(items, list):
            raise bad(key, "a list")
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get(ident), str):
                raise bad(f"{key}[{i}].{ident}", "a string")
            if key == "scenarios" and not isinstance(item.get("hash"), str):
                raise bad(f"{key}[{i}].hash", "the scenario's content hash (a string)")


def _load(paths: list[Path], decide: Decide | None) -> list[_Run]:
    runs = []
    for p in paths:
        run, summary = load_run(p)
        _check_run(p, run)
        served = fold_trials(p / "trials.jsonl", _Served).models
        runs.append(_Run(p, run, summary, decide(p, run) if decide is not None else None,
                         {v: sorted(m) for v, m in served.items()}))
    runs.sort(key=lambda r: (datetime.fromisoformat(r.run["started_at"]), str(r.path)))
    for r in runs[1:]:
        refuse_mixed_variants(runs[0].run, r.run, "line up", runs[0].path, r.path)
    return runs


def _profile(run: dict[str, Any], name: str) -> dict[str, Any]:
    return next((p for p in run["vendors"] if p.get("name") == name), {})


def _point(i: int, r: _Run, v: VendorVerdict) -> Point:
    why = no_verdict(v)
    profile = _profile(r.run, v.name)
    point = Point(run=i, started_at=r.run.get("started_at"),
                  score=None if why else v.capability_score,
                  score_ci=None if why else v.capability_ci,
                  tier=None if why else v.tier, tier_name=None if why else v.tier_name,
                  no_verdict=why, flags=list(v.flags), completion_rate=v.completion_rate,
                  model=_str(profile.get("model")), version=_str(profile.get("version")),
                  served_models=r.served.get(v.name, []))
    decided = r.decision.vendor(v.name) if r.decision is not None else None
    if r.decision is not None and decided is not None:
        point.plan = r.decision.plan_name
        point.passed_all_gates = decided.passed_all
        point.gates = [GateMet(s.name, g.label, g.verdict)
                       for s in decided.stages for g in s.gates]
    return point


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def build_history(dirs: list[Path], vendor: str | None = None,
                  decide: Decide | None = None) -> History:
    """Every run under `dirs` in date order, each vendor's points with the change since its
    previous run (and, through `decide`, the gates of the plan each run was made with); only
    `vendor` when given."""
    runs = _load(find_runs(dirs), decide)
    names: list[str] = []
    for r in runs:
        names += [v.name for v in r.summary.vendors if v.name not in names]
    if vendor is not None and vendor not in names:
        raise ConfigError(f"no run has a vendor called {vendor!r} (the runs have: "
                          f"{', '.join(names)})")
    histories = {n: VendorHistory(n, []) for n in names}
    last: dict[str, tuple[int, VendorVerdict]] = {}
    scen_changes: list[ScenarioChange] = []
    unchanged: list[int] = []
    # steps by the pair of runs they join: the Holm family, as compare has it for two runs
    pending: dict[tuple[int, int], list[tuple[Point, dict[str, Any]]]] = {}
    for i, r in enumerate(runs):
        if i:
            prev = runs[i - 1].run
            changes = _scenario_changes(prev, r.run)
            scen_changes += [ScenarioChange([i - 1, i], c["scenario"], c["change"],
                                            c.get("hash")) for c in changes]
            moved = {c["scenario"] for c in changes}
            unchanged.append(len((set(_scenarios(prev)) & set(_scenarios(r.run))) - moved))
        for v in r.summary.vendors:
            point = _point(i, r, v)
            histories[v.name].points.append(point)
            if v.name in last:
                j, before = last[v.name]
                delta = _vendor_delta(before, v, _same(runs[j].run, r.run))
                pending.setdefault((j, i), []).append((point, delta))
                _fill(point, histories[v.name].points[-2], delta,
                      _vendor_changes(runs[j].run, r.run), v.name)
            last[v.name] = (i, v)
    for steps in pending.values():
        tested = [(p, d) for p, d in steps if not any(d["no_verdict"])]
        adjusted = holm([d["p_value"] for _, d in tested])
        for (point, _), p_adj in zip(tested, adjusted, strict=True):
            point.p_adjusted = p_adj
            point.significant = p_adj < ALPHA
        for point, d in steps:
            d["significant"] = point.significant
            point.change = _change_verdict(d, d["rank_sum_new"] - d["rank_sum_old"])
    shown = [histories[n] for n in names if vendor is None or n == vendor]
    info = [RunInfo(str(r.path), r.run.get("started_at"), r.run.get("agentcheck_version"),
                    r.run.get("seed"), r.run.get("trials"), r.run.get("complete"))
            for r in runs]
    return History(info, shown, scen_changes, unchanged)


def _same(a: dict[str, Any], b: dict[str, Any]) -> set[str]:
    """Scenario ids both runs ran with the same content (hash and version)."""
    moved = {c["scenario"] for c in _scenario_changes(a, b)}
    return (set(_scenarios(a)) & set(_scenarios(b))) - moved


def _fill(point: Point, previous: Point, d: dict[str, Any],
          vendor_changes: list[dict[str, Any]], name: str) -> None:
    point.previous_run = previous.run
    point.score_change = d["score_change"]
    point.flags_added = d["flags_added"]
    point.flags_removed = d["flags_removed"]
    fields: dict[str, Any] = next((c["fields"] for c in vendor_changes
                                   if c["vendor"] == name), {})
    point.profile_changes = {k: list(v) for k, v in fields.items()}
    point.model_changed = (any(f in fields for f in MODEL_FIELDS)
                           or point.served_models != previous.served_models)
    point.paired_scenarios = d["paired_scenarios"]
    point.scenarios_better = d["scenarios_better"]
    point.scenarios_worse = d["scenarios_worse"]
    point.p_value = d["p_value"]


# --------------------------------------------------------------------------- text


def _date(point: Point) -> str:
    return (point.started_at or "?").replace("T", " ")[:16]


def _score(point: Point) -> str:
    if point.score is None:
        return "-"
    ci = point.score_ci
    return f"{point.score:.0f} ({ci[0]:.0f}-{ci[1]:.0f})" if ci else f"{point.score:.0f}"


def _tier(point: Point) -> str:
    if point.no_verdict is not None:
        return f"no verdict: {point.no_verdict}"
    return f"{point.tier} {point.tier_name}" if point.tier_name else str(point.tier)


def _flags(point: Point) -> str:
    if point.previous_run is None:
        return ", ".join(point.flags) or "none"
    moved = [*(f"+{f}" for f in point.flags_added), *(f"-{f}" for f in point.flags_removed)]
    return ", ".join(moved) or "same"


def _model(point: Point) -> str:
    served = point.served_models and "replies named " + ", ".join(point.served_models)
    text = " ".join(x for x in (point.model, point.version and f"({point.version})",
                                served and f"[{served}]") if x)
    return (text or "-") + (" (changed)" if point.model_changed else "")


def _change(point: Point) -> str:
    if point.previous_run is None:
        return "first run"
    delta = "" if point.score_change is None else f"{point.score_change:+.0f} points; "
    test = ("" if point.p_adjusted is None else
            f" (+{point.scenarios_better}/-{point.scenarios_worse} of "
            f"{point.paired_scenarios} scenarios, p {point.p_adjusted:.3g})")
    return f"{delta}{point.change}{test}"


HEADERS = ["run", "score (95% CI)", "tier", "flags", "model", "change since previous run"]
GATES = "gates met (plan)"


def _gates(point: Point) -> str:
    if point.plan is None:
        return "-"
    met = sum(1 for g in point.gates if g.verdict == "met")
    unsure = sum(1 for g in point.gates if g.verdict == "cannot_tell")
    text = f"{met}/{len(point.gates)}" + (f", {unsure} cannot tell" if unsure else "")
    return f"{text}: {'passed' if point.passed_all_gates else 'not passed'} ({point.plan})"


def _with_plan(vh: VendorHistory) -> bool:
    """The gates column only when a run of this vendor was made under a plan."""
    return any(p.plan is not None for p in vh.points)


def _headers(vh: VendorHistory) -> list[str]:
    return [*HEADERS[:4], GATES, *HEADERS[4:]] if _with_plan(vh) else HEADERS


def _rows(h: History, vh: VendorHistory, folder: bool) -> list[list[str]]:
    gates = _with_plan(vh)
    return [[(Path(h.runs[p.run].path).name + " " if folder else "") + _date(p), _score(p),
             _tier(p), _flags(p), *([_gates(p)] if gates else []), _model(p), _change(p)]
            for p in vh.points]


def _scenario_lines(h: History) -> list[str]:
    lines = []
    for c in h.scenario_changes:
        a, b = (Path(h.runs[i].path).name for i in c.runs)
        if c.change == "changed" and c.hash:
            lines.append(f"{c.scenario}: changed between {a} and {b} (content hash "
                         f"{c.hash[0]} -> {c.hash[1]}): a different scenario, not compared")
        else:
            lines.append(f"{c.scenario}: {c.change} in {b}")
    return lines


def _model_lines(vh: VendorHistory) -> list[str]:
    lines = []
    for i, p in enumerate(vh.points):
        if not p.model_changed:
            continue
        what = [f"{k} {a!r} -> {b!r}" for k, (a, b) in p.profile_changes.items()
                if k in MODEL_FIELDS]
        before = vh.points[i - 1].served_models if i else []
        if p.served_models != before:
            what.append("the model its replies named: "
                        f"{', '.join(before) or 'the one requested'} -> "
                        f"{', '.join(p.served_models) or 'the one requested'}")
        lines.append(f"{vh.name}: model or version changed at {_date(p)}: " + "; ".join(what))
    return lines


METHOD = ("Each step compares a vendor's run with its previous run as `agentcheck compare` "
          "does: exact Wilcoxon signed-rank test on per-scenario pass rates over the scenarios "
          "both runs ran with the same content hash, Holm-adjusted over the vendors of those "
          "two runs. The score covers each run's own scenarios. Model and version are what the "
          "vendor's profile declared for the run (run.json); 'replies named' lists the models "
          "the vendor's replies said answered when they were not the one requested.")


def history_text(h: History) -> str:
    lines = [f"{len(h.runs)} run(s), {h.runs[0].started_at} to {h.runs[-1].started_at}", ""]
    for vh in h.vendors:
        lines += [f"{vh.name}:",
                  tabulate(_rows(h, vh, True), headers=_headers(vh), disable_numparse=True),
                  ""]
        lines += _model_lines(vh)
    if h.scenario_changes:
        lines += ["Scenarios that differ between runs:",
                  *(f"  {s}" for s in _scenario_lines(h)), ""]
    lines.append(METHOD)
    return "\n".join(lines) + "\n"


def history_markdown(h: History) -> str:
    lines = ["# Vendor history", "",
             f"{len(h.runs)} run(s) from {_md(h.runs[0].started_at or '?')} to "
             f"{_md(h.runs[-1].started_at or '?')}.", ""]
    lines += ["| # | run folder | started | agentcheck | trials per scenario |",
              "| --- | --- | --- | --- | --- |"]
    lines += [f"| {i + 1} | {_md(Path(r.path).name)} | {_md(r.started_at or '?')} | "
              f"{_md(r.agentcheck_version or '?')} | {_md(r.trials)} |"
              for i, r in enumerate(h.runs)]
    for vh in h.vendors:
        lines += ["", f"## {_md(vh.name)}", ""]
        lines.append("| " + " | ".join(_headers(vh)) + " |")
        lines.append("|" + " --- |" * len(_headers(vh)))
        lines += ["| " + " | ".join(_md(c) for c in row) + " |"
                  for row in _rows(h, vh, False)]
        marks = _model_lines(vh)
        if marks:
            lines += ["", *(f"- {_md(m)}" for m in marks)]
    if h.scenario_changes:
        lines += ["", "## Scenarios that differ between runs", ""]
        lines += [f"- {_md(s)}" for s in _scenario_lines(h)]
    lines += ["", "## Method", "", _md(METHOD)]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- chart


def history_chart(h: History, vh: VendorHistory, color: str) -> str:
    """Score with its 95% interval over the vendor's runs (top), its tier as steps (bottom);
    a dashed line where the model or version changed, a ring on a significant change."""
    pts = vh.points
    left, right, top, score_h, gap, tier_h = 52, 24, 30, 170, 36, 70
    step = 110 if len(pts) > 1 else 0
    width = max(480, left + right + step * (len(pts) - 1) + 80)
    plot = width - left - right - 80
    height = top + score_h + gap + tier_h + 34

    def x(k: int) -> float:
        return left + 40 + (plot * k / (len(pts) - 1) if len(pts) > 1 else plot / 2)

    def ys(score: float) -> float:
        return top + score_h * (1 - score / 100)

    def yt(tier: int) -> float:
        return top + score_h + gap + tier_h * (1 - tier / 3)

    body = []
    for tick in (0, 25, 50, 75, 100):
        body += [_line(left, ys(tick), width - right, ys(tick)),
                 _text(left - 6, ys(tick) + 4, str(tick), "end", MUTED)]
    for tier in range(4):
        body += [_line(left, yt(tier), width - right, yt(tier), GRID, 1, "2 3"),
                 _text(left - 6, yt(tier) + 4, f"T{tier}", "end", TIER_COLORS[tier])]
    body.append(_text(left, top - 16, "capability score (95% CI)", fill=MUTED))
    body.append(_text(left, top + score_h + gap - 8, "agency tier", fill=MUTED))
    prev: tuple[float, float] | None = None
    prev_tier: tuple[float, int] | None = None
    days = [_date(p)[:10] for p in pts]
    same_day = len(set(days)) < len(days)  # then the time tells the runs apart
    for k, p in enumerate(pts):
        cx = x(k)
        body.append(_text(cx, height - 10, _date(p)[5:] if same_day else days[k], "middle", MUTED,
                          title=h.runs[p.run].path))
        if p.model_changed:
            body += [_line(cx - step / 2, top, cx - step / 2, yt(0), INK, 1, "4 3"),
                     _text(cx - step / 2 + 3, top + 10, "model changed", fill=INK,
                           title=_model(p))]
        if p.score is None or p.tier is None:
            body.append(_text(cx, ys(50), "no verdict", "middle", MUTED,
                              title=p.no_verdict or ""))
            prev = prev_tier = None
            continue
        cy = ys(p.score)
        if p.score_ci:
            lo, hi = ys(p.score_ci[0]), ys(p.score_ci[1])
            body += [_line(cx, lo, cx, hi, color, 2), _line(cx - 5, lo, cx + 5, lo, color, 2),
                     _line(cx - 5, hi, cx + 5, hi, color, 2)]
        if prev is not None:
            body.append(_line(prev[0], prev[1], cx, cy, color, 3 if p.significant else 1.5,
                              "" if p.significant else "5 4"))
        if p.significant:
            body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="9" fill="none" '
                        f'stroke="{INK}" stroke-width="1.5"><title>{esc(_change(p))}</title>'
                        "</circle>")
        body += [f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{color}">'
                 f"<title>{esc(_score(p))}</title></circle>",
                 _text(cx + 8, cy - 6, f"{p.score:.0f}", weight="600")]
        ty = yt(p.tier)
        if prev_tier is not None:
            body += [_line(prev_tier[0], yt(prev_tier[1]), cx, yt(prev_tier[1]),
                           TIER_COLORS.get(prev_tier[1], MUTED), 3),
                     _line(cx, yt(prev_tier[1]), cx, ty, MUTED, 1.5)]
        body.append(f'<circle cx="{cx:.1f}" cy="{ty:.1f}" r="5" '
                    f'fill="{TIER_COLORS.get(p.tier, MUTED)}"><title>{esc(_tier(p))}</title>'
                    "</circle>")
        prev, prev_tier = (cx, cy), (cx, p.tier)
    return _svg(width, height, f"{vh.name}: score and tier over time", body)


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


CSP = (f"default-src 'none'; style-src '{_sha256(CSS)}'; img-src data:; base-uri 'none'; "
       "form-action 'none'")


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{esc(c)}</th>" for c in headers)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f'<div class="tablewrap"><table><thead><tr>{head}</tr></thead><tbody>{body}' \
           "</tbody></table></div>"


def history_html(h: History) -> str:
    sub = (f"{len(h.runs)} run(s) from {h.runs[0].started_at} to {h.runs[-1].started_at}")
    parts = [_section("runs", "Runs", "", _table(
        ["#", "run folder", "started", "agentcheck", "trials per scenario"],
        [[str(i + 1), Path(r.path).name, r.started_at or "?", r.agentcheck_version or "?",
          str(r.trials)] for i, r in enumerate(h.runs)]))]
    for i, vh in enumerate(h.vendors):
        marks = "".join(f"<p>{esc(m)}</p>" for m in _model_lines(vh))
        parts.append(_section(f"vendor-{i}", vh.name, "",
                              f'<div class="chart">{history_chart(h, vh, vendor_color(i))}'
                              "</div>", _table(_headers(vh), _rows(h, vh, False)), marks))
    if h.scenario_changes:
        items = "".join(f"<li>{esc(s)}</li>" for s in _scenario_lines(h))
        parts.append(_section("scenarios", "Scenarios that differ between runs", "",
                              f"<ul>{items}</ul>"))
    parts.append(_section("method", "Method", "", f"<p>{esc(METHOD)}</p>"))
    return ('<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="referrer" content="no-referrer">'
            f"<title>agentcheck vendor history</title><style>{CSS}</style></head><body>"
            '<header><div class="wrap"><div><h1>agentcheck vendor history</h1>'
            f"<p>{esc(sub)}</p></div></div></header><main class=\"wrap\">"
            + "".join(parts) + "</main></body></html>\n")


def _section(sid: str, title: str, lede: str, *body: str) -> str:
    lede_html = f'<p class="lede">{esc(lede)}</p>' if lede else ""
    return f'<section id="{esc(sid)}"><h2>{esc(title)}</h2>{lede_html}{"".join(body)}</section>'


def write_history(h: History, out: Path) -> list[Path]:
    """history.md and history.html in `out`."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        write_text(out / "history.md", history_markdown(h))
        write_text(out / "history.html", history_html(h))
    except OSError as exc:
        raise ConfigError(f"cannot write the history to {out}: {exc.strerror}") from None
    return [out / "history.md", out / "history.html"]


