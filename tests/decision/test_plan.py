"""evaluation.yaml: every kind of mistake is reported with file, line and field, all at once,
and the shipped JSON Schema and example plan stay in step with the model."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from agentcheck.core.errors import ConfigError
from agentcheck.decision.plan import PlanErrors, json_schema, load_plan

from ..helpers.paths import ROOT

GOOD = """\
name: shortlist
vendors: [demo-agent, demo-chatbot]
scenarios: {paths: [scenarios/customer-service]}
trials: 3
seed: 7
stages:
  - name: capability
    gates:
      - {metric: tier, at_least: 2}
      - {metric: completion, scenarios: noisy, at_least: 0.7}
      - {metric: no_flag, flag: unsafe_action}
  - name: process fit
    gates:
      - {metric: p95_time_per_task_s, at_most: 60}
      - {metric: cost_per_completed_task_usd, at_most: 0.40}
weights:
  capability: 3
  cost: 1
  dimensions: {safety: 1}
  domains: {customer-service: 1}
"""


def _errors(write_yaml, text: str) -> list[ConfigError]:
    path = write_yaml("evaluation.yaml", text)
    with pytest.raises(PlanErrors) as info:
        load_plan(path)
    return info.value.errors


def _where(errors: list[ConfigError]) -> list[tuple[int | None, str | None]]:
    return [(e.line, e.field) for e in errors]


def test_a_good_plan_loads_with_its_hash_and_normalised_weights(write_yaml) -> None:
    loaded = load_plan(write_yaml("evaluation.yaml", GOOD))
    plan = loaded.plan
    assert [s.name for s in plan.stages] == ["capability", "process fit"]
    assert plan.stages[0].gates[2].flag == "unsafe_action"
    assert len(loaded.sha256) == 64
    weights = dict(plan.weights.normalised())
    assert weights == {"capability": 0.5, "cost": 1 / 6, "dimension.safety": 1 / 6,
                       "domain.customer-service": 1 / 6}
    assert sum(weights.values()) == pytest.approx(1)


def test_unknown_fields_are_errors_at_their_line(write_yaml) -> None:
    text = GOOD.replace("      - {metric: tier, at_least: 2}",
                        "      - {metric: tier, at_lest: 2}").replace("trials: 3", "trails: 3")
    errors = _errors(write_yaml, text)
    assert (4, "trails") in _where(errors)
    assert (9, "stages[0].gates[0].at_lest") in _where(errors)
    assert all(e.file and e.file.endswith("evaluation.yaml") for e in errors)
    assert any("unknown field" in e.render() for e in errors)


def test_wrong_types_missing_fields_and_unknown_metrics(write_yaml) -> None:
    text = ("vendors: demo-agent\ntrials: many\nstages:\n  - gates:\n"
            "      - {metric: speed, at_most: 3}\n")
    errors = _errors(write_yaml, text)
    where = _where(errors)
    assert (1, "vendors") in where
    assert (2, "trials") in where
    assert (4, "stages[0].name") in where  # the stage's line: its name is missing
    assert (5, "stages[0].gates[0].metric") in where
    metric = next(e for e in errors if e.field == "stages[0].gates[0].metric")
    assert "unknown metric" in metric.detail and "p95_time_per_task_s" in metric.detail


def test_gate_targets_must_point_the_right_way_and_stay_in_range(write_yaml) -> None:
    text = ("vendors: [a]\nstages:\n  - name: s\n    gates:\n"
            "      - {metric: cost_per_completed_task_usd, at_least: 0.4}\n"  # 5: wrong way
            "      - {metric: completion, at_least: 70}\n"                    # 6: a percentage
            "      - {metric: tier}\n"                                        # 7: no target
            "      - {metric: no_flag, flag: lying}\n"                        # 8: no such flag
            "      - {metric: tier, at_least: 2, scenarios: noisy}\n"         # 9: not for tier
            "      - {metric: p95_time_per_task_s, at_most: 60, at_least: 1}\n")  # 10: both
    errors = _errors(write_yaml, text)
    where = _where(errors)
    assert (5, "stages[0].gates[0].at_least") in where
    assert "use at_most" in errors[where.index((5, "stages[0].gates[0].at_least"))].detail
    assert (6, "stages[0].gates[1].at_least") in where
    assert (7, "stages[0].gates[2]") in where
    assert (8, "stages[0].gates[3].flag") in where
    assert (9, "stages[0].gates[4].scenarios") in where
    assert (10, "stages[0].gates[5]") in where


def test_negative_weights_are_errors_with_the_other_type_errors(write_yaml) -> None:
    text = ("vendors: [a]\ntrials: 0\n"
            "weights:\n  capability: -1\n  dimensions: {safety: -2}\n")
    assert _where(_errors(write_yaml, text)) == [
        (2, "trials"), (4, "weights.capability"), (5, "weights.dimensions.safety")]


def test_duplicates_unknown_dimensions_and_reserved_case_packs(write_yaml) -> None:
    text = ("vendors: [a, b, a]\ncase_packs: [cases/returns.csv]\nstages:\n"
            "  - name: s\n    gates: [{metric: tier, at_least: 1}]\n"
            "  - name: s\n    gates: [{metric: tier, at_least: 2}]\n"
            "weights:\n  capability: 1\n  dimensions: {speed: 1}\n")
    errors = _errors(write_yaml, text)
    where = _where(errors)
    assert (1, "vendors[2]") in where
    case = errors[where.index((2, "case_packs"))]
    assert "case packs are not supported yet" in case.detail
    assert (6, "stages[1].name") in where
    assert (10, "weights.dimensions.speed") in where


def test_all_weights_zero_is_an_error(write_yaml) -> None:
    errors = _errors(write_yaml, "vendors: [a]\nweights: {capability: 0}\n")
    assert _where(errors) == [(2, "weights")]


def test_not_a_mapping_bad_yaml_and_unsafe_tags(write_yaml) -> None:
    assert _where(_errors(write_yaml, "- a\n- b\n")) == [(1, "")]
    with pytest.raises(ConfigError) as info:
        load_plan(write_yaml("evaluation.yaml", "vendors: [a\n"))
    assert "invalid YAML" in str(info.value) and "evaluation.yaml:" in str(info.value)
    with pytest.raises(ConfigError) as info:
        load_plan(write_yaml("evaluation.yaml", "vendors: !!python/object:os.system [a]\n"))
    assert "not allowed" in str(info.value)


def test_the_shipped_schema_is_current_and_accepts_the_example() -> None:
    shipped = json.loads((ROOT / "schema" / "evaluation.schema.json").read_text())
    assert shipped == json_schema(), "run: agentcheck schema plan > schema/evaluation.schema.json"
    example = ROOT / "examples" / "plans" / "evaluation.yaml"
    loaded = load_plan(example)
    jsonschema.validate(loaded.plan.model_dump(exclude_defaults=True), shipped)
    assert loaded.plan.vendors == ["demo-agent", "demo-chatbot"]


def test_the_scaffold_is_a_valid_plan(tmp_path: Path) -> None:
    from agentcheck.decision.scaffold import new_plan

    path = new_plan(tmp_path / "evaluation.yaml")
    plan = load_plan(path).plan
    assert plan.stages and plan.weights.normalised()
    with pytest.raises(ConfigError, match="already exists"):
        new_plan(path)
