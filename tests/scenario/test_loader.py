"""Scenario loading: safe YAML, and errors that name file, line and field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agentcheck.core.errors import ConfigError
from agentcheck.scenario.model import ScenarioErrors, json_schema, load_scenario, load_scenarios

from ..helpers.paths import ROOT, SCENARIOS

GOOD = """\
id: tiny
title: Look up a thing
version: 1
domain: test
probes: [chaining]
human_baseline: {minutes: 1}
world:
  things:
    - {id: "{{ id('T') }}", name: alpha}
tools:
  - name: find_thing
    description: Find a thing by name.
    parameters: {type: object, properties: {name: {type: string}}, required: [name]}
    effect: {find: things, where: {name: "{{ args.name }}"}}
task:
  - user: "What is the id of alpha?"
expect:
  answer: {mentions: ["{{ things[0].id }}"]}
  milestones: [{call: find_thing}]
reference:
  - {call: find_thing, args: {name: alpha}, save: t}
  - say: "It is {{ t.id }}."
"""


def errors_of(path: Path) -> list[ConfigError]:
    with pytest.raises(ConfigError) as info:
        load_scenario(path)
    exc = info.value
    return exc.errors if isinstance(exc, ScenarioErrors) else [exc]


def test_good_scenario_loads(write_yaml) -> None:
    sc = load_scenario(write_yaml("tiny.yaml", GOOD))
    assert sc.id == "tiny"
    assert sc.tools[0].effect.operation == "find"
    assert len(sc.content_hash) == 16


def test_unknown_operation_names_file_line_and_field(write_yaml) -> None:
    path = write_yaml("tiny.yaml", GOOD.replace("effect: {find: things",
                                                "effect: {upsert: things"))
    [err] = errors_of(path)
    text = err.render()
    assert text.startswith(f"{path}:14: tools[0].effect: unknown operation 'upsert'")
    assert "expected one of find, filter, insert, update, delete, return" in text


def test_unknown_field_is_rejected_with_its_line(write_yaml) -> None:
    path = write_yaml("tiny.yaml", GOOD.replace("human_baseline: {minutes: 1}",
                                                "human_baseline: {minutes: 1}\ncolour: blue"))
    [err] = errors_of(path)
    assert err.line == 7 and err.field == "colour" and "unknown field" in err.render()


def test_missing_required_field(write_yaml) -> None:
    path = write_yaml("tiny.yaml", GOOD.replace("title: Look up a thing\n", ""))
    [err] = errors_of(path)
    assert err.field == "title" and "required" in err.detail


def test_every_problem_is_reported_not_just_the_first(write_yaml) -> None:
    bad = GOOD.replace("{call: find_thing}", "{call: nope}").replace(
        "id: tiny", "id: other").replace("probes: [chaining]", "probes: [chaining]")
    errs = errors_of(write_yaml("tiny.yaml", bad))
    fields = {e.field for e in errs}
    assert {"id", "expect.milestones[0].call"} <= fields


def test_bad_template_is_reported_at_its_line(write_yaml) -> None:
    path = write_yaml("tiny.yaml", GOOD.replace("{{ things[0].id }}", "{{ things[0 }}"))
    [err] = errors_of(path)
    assert err.line == 18 and err.field == "expect.answer.mentions[0]"
    assert "invalid expression" in err.detail


def test_unknown_generator_argument_shape(write_yaml) -> None:
    path = write_yaml("tiny.yaml", GOOD.replace("id('T')", "id(T)"))
    [err] = errors_of(path)
    assert "quoted strings or numbers" in err.detail and err.line == 9


@pytest.mark.parametrize("payload", [
    "!!python/object/apply:os.system ['echo pwned']",
    "!!python/name:os.system",
    "!custom {a: 1}",
])
def test_object_constructing_tags_are_rejected(write_yaml, payload: str) -> None:
    path = write_yaml("tiny.yaml", GOOD.replace("title: Look up a thing", f"title: {payload}"))
    [err] = errors_of(path)
    assert "not allowed" in err.detail and err.line == 2


def test_alias_bomb_fails_fast(write_yaml) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    [err] = errors_of(write_yaml("tiny.yaml", "\n".join(lines) + "\n"))
    assert "too many values" in err.detail


def test_duplicate_keys_are_errors(write_yaml) -> None:
    [err] = errors_of(write_yaml("tiny.yaml", GOOD + "version: 2\n"))
    assert "duplicate key 'version'" in err.detail and err.line == 23


def test_invalid_yaml_syntax_has_a_line(write_yaml) -> None:
    [err] = errors_of(write_yaml("tiny.yaml", GOOD.replace("version: 1", "version: [1")))
    assert err.line is not None and "invalid YAML" in err.detail


def test_id_must_match_file_name(write_yaml) -> None:
    [err] = errors_of(write_yaml("other.yaml", GOOD))
    assert err.field == "id" and "file name" in err.detail


def test_condition_operators_are_checked(write_yaml) -> None:
    path = write_yaml("tiny.yaml", GOOD.replace(
        'where: {name: "{{ args.name }}"}', 'where: {name: {like: "{{ args.name }}"}}'))
    [err] = errors_of(path)
    assert "unknown operator 'like'" in err.detail


def test_shipped_schema_is_current() -> None:
    shipped = json.loads((ROOT / "schema" / "scenario.schema.json").read_text())
    assert shipped == json_schema(), "run: agentcheck schema > schema/scenario.schema.json"


def test_shipped_scenarios_are_valid_and_reference_the_schema() -> None:
    scenarios, errors = load_scenarios([SCENARIOS])
    assert not errors, "\n".join(e.render() for e in errors)
    assert len(scenarios) >= 8
    for sc in scenarios:
        first = Path(sc.path).read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        assert (Path(sc.path).parent / first.split("=", 1)[1]).resolve() == (
            ROOT / "schema" / "scenario.schema.json")


def test_validate_command_exit_codes(write_yaml, tmp_path: Path) -> None:
    good = write_yaml("tiny.yaml", GOOD)
    cmd = [sys.executable, "-m", "agentcheck.cli", "validate"]
    ok = subprocess.run([*cmd, str(good)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    bad = tmp_path / "sub"
    bad.mkdir()
    (bad / "tiny.yaml").write_text(GOOD.replace("version: 1", "version: zero"))
    res = subprocess.run([*cmd, str(bad)], capture_output=True, text=True)
    assert res.returncode == 1
    assert f"{bad / 'tiny.yaml'}:3: version:" in res.stderr
    assert "Traceback" not in res.stderr
    missing = subprocess.run([*cmd, str(tmp_path / "nope")], capture_output=True, text=True)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_readme_coverage_table_is_current() -> None:
    from agentcheck.scenario.coverage import coverage_table, pairs_line

    scenarios, _ = load_scenarios([SCENARIOS])
    readme = (ROOT / "README.md").read_text()
    assert coverage_table(scenarios) in readme, "run: agentcheck list --coverage"
    assert pairs_line(scenarios) in readme


def test_library_meets_its_coverage_floor() -> None:
    from agentcheck.scenario.model import PROBES

    scenarios, _ = load_scenarios([SCENARIOS])
    assert len(scenarios) >= 36 and len({s.domain for s in scenarios}) >= 6
    for probe in PROBES:
        assert sum(probe in s.probes for s in scenarios) >= 4, probe
    families: dict[str, set[str]] = {}
    for s in scenarios:
        if s.family:
            families.setdefault(s.family, set()).add(s.variant)
    assert sum(v == {"clean", "noisy"} for v in families.values()) >= 8
    for s in scenarios:
        assert s.reference and s.human_baseline.minutes > 0
