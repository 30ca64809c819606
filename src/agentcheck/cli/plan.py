"""`--plan evaluation.yaml` for run and report: what the plan selects (its vendors and
scenarios, found as --vendor and --scenarios find them), the copy and record a run folder
keeps of it, and the decision with its exit code (3 when no vendor passes every gate)."""

from __future__ import annotations

import glob
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from agentcheck.cli.exits import EXIT_GATE, EXIT_OK
from agentcheck.core.errors import ConfigError

if TYPE_CHECKING:  # imported where used: `agentcheck --help` starts faster
    from agentcheck.decision.model import Decision
    from agentcheck.decision.plan import LoadedPlan
    from agentcheck.results.summary import Summary

PLAN_FILE = "plan.yaml"
"""The plan's copy in a run folder, byte for byte (run.json records its sha256)."""


class PlanSelection(NamedTuple):
    """What a plan selects, found: vendor specs (profiles or demo names) and their names in
    the plan's order, and the scenarios (narrowed to the plan's domains)."""

    specs: list[Any]
    names: dict[str, str]
    """The plan's vendor entry -> the vendor's name in results."""
    scenarios: list[Any]


def load(path: Path) -> LoadedPlan:
    from agentcheck.decision.plan import load_plan

    return load_plan(path)


def _scenario_paths(loaded: LoadedPlan) -> list[Path]:
    out: list[Path] = []
    for i, given in enumerate(loaded.plan.scenarios.paths):
        if any(ch in given for ch in "*?["):
            found = sorted(glob.glob(given, recursive=True))
            if not found:
                raise loaded.error(f"scenarios.paths[{i}]", f"no file matches {given!r}")
            out += [Path(f) for f in found]
        elif not Path(given).exists():
            raise loaded.error(f"scenarios.paths[{i}]", f"no such file or folder: {given}")
        else:
            out.append(Path(given))
    return out


def select(loaded: LoadedPlan) -> PlanSelection:
    """The plan's vendors and scenarios, loaded (any problem a ConfigError naming the plan)."""
    from agentcheck.cli.inputs import load_scenarios_or_fail, resolve_vendor

    plan = loaded.plan
    specs = []
    for i, given in enumerate(plan.vendors):
        try:
            specs.append(resolve_vendor(given))
        except ConfigError as exc:
            if exc.file:  # a profile's own error names its file and line
                raise
            raise loaded.error(f"vendors[{i}]", exc.detail) from None
    names = {given: s if isinstance(s, str) else s.name for given, s in zip(
        plan.vendors, specs, strict=True)}
    if len(set(names.values())) != len(names):
        dup = next(n for n in names.values() if list(names.values()).count(n) > 1)
        raise loaded.error("vendors", f"two vendors share the name {dup!r}")
    scenarios = load_scenarios_or_fail(_scenario_paths(loaded))
    if plan.scenarios.domains:
        scenarios = [s for s in scenarios if s.domain in plan.scenarios.domains]
        if not scenarios:
            raise loaded.error("scenarios.domains", "no scenario of the plan's paths is in "
                               "its domains (" + ", ".join(plan.scenarios.domains) + ")")
    return PlanSelection(specs, names, scenarios)


def record(loaded: LoadedPlan, sel: PlanSelection) -> dict[str, Any]:
    """run.json's `plan`: which plan (its file and sha256), its vendors' names and the
    scenarios it selected with their domains (a report re-judges without the scenario files)."""
    return {"file": loaded.file, "sha256": loaded.sha256, "name": loaded.plan.name,
            "vendors": sel.names,
            "scenario_domains": {s.id: s.domain for s in sel.scenarios}}


def keep(loaded: LoadedPlan, out: Path) -> None:
    """The plan's bytes in the run folder, so the run can be judged again as it was planned."""
    from agentcheck.results.files import write_text

    write_text(out / PLAN_FILE, loaded.text)


def recorded_plan(run_dir: Path, run: dict[str, Any]) -> LoadedPlan | None:
    """The plan a run was made with (RUN_DIR/plan.yaml), or None for a run made without."""
    from agentcheck.decision.plan import plan_from_text

    path = run_dir / PLAN_FILE
    if not isinstance(run.get("plan"), dict):
        return None
    if not path.is_file():
        print(f"agentcheck: the run was made with a plan but {path} is missing: no decision "
              "(give the plan with --plan)", file=sys.stderr)
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the run's plan: {exc}", file=str(path)) from None
    return plan_from_text(text, str(path))


def judge_run(loaded: LoadedPlan, run_dir: Path, run: dict[str, Any]) -> Decision:
    """The run in run_dir judged under `loaded`. The vendors and scenarios are those the run
    recorded for its own plan; for another plan they are found again (profiles and scenario
    files read, never run), and whatever cannot be found is left to the decision's notes."""
    from agentcheck.decision.judge import decide

    rec = run.get("plan") if isinstance(run.get("plan"), dict) else None
    same = rec is not None and rec.get("sha256") == loaded.sha256
    names: list[str] | None
    scenario_ids: list[str] | None
    if same and rec is not None:
        names = [str(rec.get("vendors", {}).get(v, v)) for v in loaded.plan.vendors]
        scenario_ids = [str(s) for s in rec.get("scenario_domains", {})]
    else:
        names = [_vendor_name(v, rec) for v in loaded.plan.vendors]
        # a case-pack replay's scenarios are its cases, in no scenario file: all of them count
        cases = (run_dir / "cases.jsonl").is_file()
        scenario_ids = None if cases else _scenario_ids(loaded)
    return decide(loaded, run, run_dir / "trials.jsonl", names, scenario_ids)


def _vendor_name(given: str, rec: dict[str, Any] | None) -> str:
    """A plan's vendor entry as the run names it: as the run's plan recorded it, a demo name
    as it is, a profile file by the name inside it, anything else as written."""
    known = rec.get("vendors") if rec else None
    if isinstance(known, dict) and isinstance(known.get(given), str):
        return str(known[given])
    path = Path(given)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        from agentcheck.vendors.profile import load_profile

        return load_profile(path).name
    for folder in (Path("adapters"),):
        for suffix in (".yaml", ".yml"):
            if (folder / f"{given}{suffix}").is_file():
                from agentcheck.vendors.profile import load_profile

                return load_profile(folder / f"{given}{suffix}").name
    return given


def _scenario_ids(loaded: LoadedPlan) -> list[str] | None:
    """The ids of the scenarios the plan's paths hold; None (the run's own) when its paths
    cannot be read here, say on another machine than the run's."""
    try:
        return [s.id for s in select_scenarios(loaded)]
    except ConfigError as exc:
        print(f"agentcheck: the plan's scenarios cannot be read here ({exc}); judging every "
              "scenario of the run", file=sys.stderr)
        return None


def select_scenarios(loaded: LoadedPlan) -> list[Any]:
    from agentcheck.cli.inputs import load_scenarios_or_fail

    return list(load_scenarios_or_fail(_scenario_paths(loaded)))


def exit_code(decision: Decision, run: dict[str, Any], summary: Summary) -> int:
    """EXIT_GATE, saying why on stderr, when no vendor passed every gate, or the run is
    incomplete (a vendor whose hard trials never ran must not pass by their absence); else
    EXIT_OK."""
    from agentcheck.report.completeness import completeness

    state = completeness(run, summary)
    if not state.complete:
        print(f"agentcheck: gate failed: incomplete run: {state.text()}", file=sys.stderr)
        return EXIT_GATE
    if decision.candidates:
        return EXIT_OK
    if not decision.vendors:
        print("agentcheck: gate failed: no vendor of the plan is in this run", file=sys.stderr)
        return EXIT_GATE
    for v in decision.vendors:
        failed = [(s, g) for s in v.stages for g in s.gates if s.judged and g.verdict != "met"]
        why = "; ".join(f"{s.name}: {g.label} {g.verdict.replace('_', ' ')} ({g.reason})"
                        for s, g in failed[:4])
        print(f"agentcheck: gate failed: {v.vendor}: {why}", file=sys.stderr)
    print("agentcheck: no vendor passed every gate of the plan", file=sys.stderr)
    return EXIT_GATE


def decision_for_report(run_dir: Path, plan_path: Path | None) -> Decision | None:
    """`report RUN_DIR [--plan FILE]`: the run judged under FILE, else under the plan it was
    made with (RUN_DIR/plan.yaml); None for a run made without a plan and no --plan."""
    from agentcheck.results.files import read_json

    if not run_dir.is_dir():
        raise ConfigError(f"no run folder at {run_dir}")
    run = read_json(run_dir / "run.json")
    if not isinstance(run, dict):
        raise ConfigError("run.json is not an object", file=str(run_dir / "run.json"))
    loaded = load(plan_path) if plan_path is not None else recorded_plan(run_dir, run)
    return None if loaded is None else judge_run(loaded, run_dir, run)
