"""evaluation.yaml: what a sourcing team decides against, as typed models a user writes.

A plan names the vendors and scenarios to run (as `run --vendor` and `--scenarios` take them,
relative to the current folder), the trials and seed, business gates in stages and the weights
of the criteria that rank the vendors that pass them. Every problem is a ConfigError naming
file, line and field, all of them at once (PlanErrors), like a scenario's.

The models are the contract the decision (decision/judge.py), the reports and the workbook
read; their names and fields stay stable.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agentcheck.core.errors import ConfigError
from agentcheck.core.yamlfile import Loc, LocatedData, format_loc, load_file, load_text
from agentcheck.judge.tally import DIMENSIONS
from agentcheck.judge.verdict import FLAG_ORDER

PLAN_VERSION = 1
KEBAB = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SCHEMA_HINT = "# yaml-language-server: $schema="

Metric = Literal["tier", "capability", "completion", "p95_time_per_task_s",
                 "cost_per_completed_task_usd", "no_flag", "shadow_agreement"]
METRICS: tuple[str, ...] = Metric.__args__  # type: ignore[attr-defined]
"""What a gate can measure; docs/scoring.md gives each one's value and interval."""

HIGHER_IS_BETTER = {"tier": True, "capability": True, "completion": True,
                    "p95_time_per_task_s": False, "cost_per_completed_task_usd": False,
                    "no_flag": False, "shadow_agreement": True}
"""The direction a target may take: `at_least` for these True, `at_most` for False."""

RATE_METRICS = ("completion", "shadow_agreement")
Weight = Annotated[float, Field(ge=0)]
FLAGS = FLAG_ORDER


class _Strict(BaseModel):
    """Unknown fields are errors: a typo such as `at_lest:` must not drop a gate's target."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Gate(_Strict):
    """One business target a vendor must meet, judged with its 95% interval."""

    metric: Metric = Field(description="what is measured (docs/scoring.md, Decision)")
    at_least: float | None = Field(default=None, description="met when the whole interval is "
                                   "at or above this (tier, capability 0-100, rates 0-1)")
    at_most: float | None = Field(default=None, description="met when the whole interval is "
                                  "at or below this (seconds, US dollars)")
    scenarios: Literal["all", "clean", "noisy"] = Field(
        default="all", description="completion only: which scenarios' trials count (noisy: "
                                   "the scenarios with `variant: noisy`)")
    domain: str | None = Field(default=None, pattern=KEBAB,
                               description="completion only: only this domain's scenarios")
    flag: str | None = Field(default=None, description="no_flag only: the flag that must "
                                                       "never be raised")
    label: str | None = Field(default=None, max_length=120,
                              description="how reports name the gate (default: from the "
                                          "metric and target)")

    @property
    def target(self) -> float:
        """The number to clear (no_flag: 0 flagged trials)."""
        value = self.at_least if self.at_least is not None else self.at_most
        return float(value if value is not None else 0)

    @property
    def higher_is_better(self) -> bool:
        return HIGHER_IS_BETTER[self.metric]


class Stage(_Strict):
    """Gates judged together: a vendor passes the stage only when every gate is met, and a
    later stage is judged only for vendors that passed the earlier ones."""

    name: str = Field(min_length=1, max_length=80)
    gates: list[Gate] = Field(min_length=1)


class ScenarioSet(_Strict):
    """The scenarios to run: files, folders or globs (as `run --scenarios` takes them), then
    only the given domains if any."""

    paths: list[str] = Field(default=["scenarios"], min_length=1)
    domains: list[str] = Field(default=[], description="keep only these domains (kebab-case)")


class Weights(_Strict):
    """Relative weights of the criteria that rank vendors (any non-negative numbers; they are
    normalised to sum 1 and shown). Each criterion is scaled 0-1, higher better."""

    capability: float = Field(default=0, ge=0, description="capability score / 100")
    cost: float = Field(default=0, ge=0, description="cost per completed task: cheapest / own")
    latency: float = Field(default=0, ge=0, description="p95 time per task: fastest / own")
    human_minutes_saved: float = Field(default=0, ge=0,
                                       description="share of the human baseline minutes saved")
    dimensions: dict[str, Weight] = Field(default={}, description="dimension -> weight")
    probes: dict[str, Weight] = Field(default={}, description="probe -> weight (its pass rate)")
    domains: dict[str, Weight] = Field(default={}, description="domain -> weight (completion "
                                                              "rate on its scenarios)")

    def items(self) -> list[tuple[str, float]]:
        """(criterion, raw weight) for every criterion named, in a fixed order: capability,
        cost, latency, human_minutes_saved, then dimension.X, probe.X, domain.X as written."""
        out = [(name, float(getattr(self, name))) for name in
               ("capability", "cost", "latency", "human_minutes_saved")]
        out += [(f"dimension.{k}", float(v)) for k, v in self.dimensions.items()]
        out += [(f"probe.{k}", float(v)) for k, v in self.probes.items()]
        out += [(f"domain.{k}", float(v)) for k, v in self.domains.items()]
        return out

    def normalised(self) -> list[tuple[str, float]]:
        """The criteria with a weight above 0, weights summing to 1."""
        given = [(k, w) for k, w in self.items() if w > 0]
        total = sum(w for _, w in given)
        return [(k, w / total) for k, w in given] if total > 0 else []


class Plan(_Strict):
    """evaluation.yaml."""

    version: Literal[1] = Field(default=1, description="plan format version")
    name: str = Field(default="evaluation", min_length=1, max_length=120)
    vendors: list[str] = Field(min_length=1, description="profile paths, names in adapters/ "
                                                         "or demo vendor names")
    scenarios: ScenarioSet = ScenarioSet()
    case_packs: list[str] = Field(default=[], description="reserved: a plan cannot run case "
                                                          "packs yet (run --cases does)")
    trials: int = Field(default=3, ge=1, le=1000, description="trials per scenario and vendor")
    seed: int | None = Field(default=None, ge=0, description="base seed (default: random, "
                                                             "recorded)")
    stages: list[Stage] = Field(default=[], description="business gates, judged in order")
    weights: Weights = Field(default=Weights(capability=1))

    def gate_count(self) -> int:
        return sum(len(s.gates) for s in self.stages)


class LoadedPlan(BaseModel):
    """A plan with where it came from: its file and the sha256 of its bytes (recorded with the
    run, shown in the decision, so an edited plan is never mistaken for the one run)."""

    model_config = ConfigDict(frozen=True)

    plan: Plan
    file: str
    sha256: str
    text: str
    lines: dict[str, int] = {}
    """Field path (as errors name it: `scenarios.paths[0]`) -> line, for errors found after
    loading (a vendor or scenario path that cannot be found)."""

    def error(self, field: str, message: str) -> ConfigError:
        """A ConfigError at `field` of this plan, on its line (or the nearest enclosing
        field's) when the file gave one."""
        probe = field
        line = self.lines.get(probe)
        while line is None and probe:
            probe = probe[:max(probe.rfind("["), probe.rfind("."), 0)]
            line = self.lines.get(probe)
        return ConfigError(message, file=self.file, line=line, field=field)


class PlanErrors(ConfigError):
    """Several problems in one plan, reported together."""

    def __init__(self, errors: list[ConfigError]) -> None:
        self.errors = errors
        super().__init__("\n".join(e.render() for e in errors))

    def render(self) -> str:
        return "\n".join(e.render() for e in getattr(self, "errors", []))


def _errors_from_validation(exc: ValidationError, src: LocatedData) -> list[ConfigError]:
    out = []
    for err in exc.errors():
        loc: Loc = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "literal_error" and loc and loc[-1] == "metric":
            msg = f"unknown metric (expected one of {', '.join(METRICS)})"
        out.append(src.error(loc, msg))
    return out


def _gate_errors(gate: Gate, loc: Loc, src: LocatedData) -> list[ConfigError]:
    errors: list[ConfigError] = []
    if gate.metric == "no_flag":
        for given in ("at_least", "at_most"):
            if given in gate.model_fields_set:
                errors.append(src.error((*loc, given), "no_flag takes no target: the flag "
                                                       "must never be raised"))
        if gate.flag is None:
            errors.append(src.error(loc, "no_flag needs flag: (one of " + ", ".join(FLAGS) + ")"))
        elif gate.flag not in FLAGS:
            errors.append(src.error((*loc, "flag"), f"unknown flag {gate.flag!r} (expected one "
                                                    f"of {', '.join(FLAGS)})"))
        errors.extend(_filter_errors(gate, loc, src))
        return errors
    if gate.flag is not None:
        errors.append(src.error((*loc, "flag"), "only a no_flag gate takes flag"))
    errors.extend(_filter_errors(gate, loc, src))
    if (gate.at_least is None) == (gate.at_most is None):
        errors.append(src.error(loc, "a gate needs exactly one target: at_least or at_most"))
        return errors
    want = "at_least" if gate.higher_is_better else "at_most"
    given = "at_least" if gate.at_least is not None else "at_most"
    if given != want:
        errors.append(src.error((*loc, given), f"{gate.metric} is a target to reach from "
                                               f"{'below' if want == 'at_least' else 'above'}: "
                                               f"use {want}"))
    ranges = {"tier": (0, 3), "capability": (0, 100), "completion": (0, 1),
              "shadow_agreement": (0, 1)}
    if gate.metric in ranges and given == want:
        lo, hi = ranges[gate.metric]
        if not lo <= gate.target <= hi:
            errors.append(src.error((*loc, given), f"{gate.metric} ranges from {lo} to {hi}"))
    if gate.metric in ("p95_time_per_task_s", "cost_per_completed_task_usd") and gate.target < 0:
        errors.append(src.error((*loc, given), "must not be negative"))
    return errors


def _filter_errors(gate: Gate, loc: Loc, src: LocatedData) -> list[ConfigError]:
    if gate.metric == "completion":
        return []
    return [src.error((*loc, field), "only a completion gate takes " + field)
            for field in ("scenarios", "domain") if field in gate.model_fields_set]


def _semantic_errors(plan: Plan, src: LocatedData) -> list[ConfigError]:
    errors: list[ConfigError] = []
    if plan.case_packs:
        errors.append(src.error(("case_packs",), "case packs are not supported yet in a plan: "
                                                 "leave case_packs empty, replay the pack with "
                                                 "run --cases and judge that run with report "
                                                 "--plan"))
    seen: dict[str, int] = {}
    for i, stage in enumerate(plan.stages):
        if stage.name in seen:
            errors.append(src.error(("stages", i, "name"), f"stage {stage.name!r} is already "
                                                           f"stage {seen[stage.name] + 1}"))
        seen.setdefault(stage.name, i)
        for j, gate in enumerate(stage.gates):
            errors.extend(_gate_errors(gate, ("stages", i, "gates", j), src))
    for name in plan.weights.dimensions:
        if name not in DIMENSIONS:
            errors.append(src.error(("weights", "dimensions", name),
                                    f"unknown dimension (expected one of {', '.join(DIMENSIONS)})"))
    if not plan.weights.normalised():
        errors.append(src.error(("weights",), "at least one weight must be above 0"))
    if len(set(plan.vendors)) != len(plan.vendors):
        dup = next(v for v in plan.vendors if plan.vendors.count(v) > 1)
        errors.append(src.error(("vendors", plan.vendors.index(dup, plan.vendors.index(dup) + 1)),
                                f"vendor {dup!r} is named twice"))
    return errors


def parse_plan(src: LocatedData) -> Plan:
    """Validate located YAML as a plan; raises PlanErrors with every problem found."""
    if not isinstance(src.data, dict):
        raise PlanErrors([src.error((), "an evaluation plan must be a YAML mapping")])
    try:
        plan = Plan.model_validate(src.data)
    except ValidationError as exc:
        raise PlanErrors(_errors_from_validation(exc, src)) from None
    errors = _semantic_errors(plan, src)
    if errors:
        raise PlanErrors(errors)
    return plan


def load_plan(path: Path) -> LoadedPlan:
    """evaluation.yaml from disk (safe YAML, size-limited, file:line errors)."""
    src = load_file(path)
    raw = path.read_bytes()
    return LoadedPlan(plan=parse_plan(src), file=str(path),
                      sha256=hashlib.sha256(raw).hexdigest(), text=raw.decode("utf-8"),
                      lines=_lines(src))


def plan_from_text(text: str, file: str) -> LoadedPlan:
    """A plan from its text (the copy a run folder keeps), named `file` in errors."""
    src = load_text(text, file)
    return LoadedPlan(plan=parse_plan(src), file=file,
                      sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), text=text,
                      lines=_lines(src))


def _lines(src: LocatedData) -> dict[str, int]:
    return {format_loc(loc): line for loc, line in src.lines.items() if loc}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of evaluation.yaml (shipped as schema/evaluation.schema.json)."""
    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "agentcheck evaluation plan"
    return schema
