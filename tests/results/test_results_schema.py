"""The JSON Schemas shipped in the package (results/schemas/) are the models' schemas, and a
real run's trials.jsonl and summary.json validate against them; records read from disk fail
with the file and line, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from agentcheck.cli import main
from agentcheck.core.errors import ConfigError
from agentcheck.results.files import fold_trials, read_records, record_line
from agentcheck.results.records import TrialRecord
from agentcheck.results.schema import SCHEMAS, schema_text, shipped_schema

DATA = Path(__file__).parents[1] / "data" / "results_contract"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_shipped_schema_is_current(name: str) -> None:
    shipped = json.dumps(shipped_schema(name), indent=2, ensure_ascii=False) + "\n"
    assert shipped == schema_text(name), (
        f"results/schemas/{name} is out of date: run python -m agentcheck.results.schema")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("schema") / "run"
    assert main(["run", "--seed", "5", "--quiet", "--scenarios", str(DATA / "scenarios"),
                 "--out", str(out)]) == 0
    return out


def test_a_real_run_validates(run_dir: Path) -> None:
    record = jsonschema.Draft202012Validator(shipped_schema("trial-record.schema.json"))
    lines = (run_dir / "trials.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines
    for line in lines:
        record.validate(json.loads(line))
    summary = jsonschema.Draft202012Validator(shipped_schema("summary.schema.json"))
    summary.validate(json.loads((run_dir / "summary.json").read_text(encoding="utf-8")))


def test_the_schema_refuses_what_the_model_refuses(run_dir: Path) -> None:
    validator = jsonschema.Draft202012Validator(shipped_schema("trial-record.schema.json"))
    line = json.loads((run_dir / "trials.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert not list(validator.iter_errors(line))
    assert list(validator.iter_errors({**line, "surprise": 1}))
    assert list(validator.iter_errors({**line, "passed": "yes"}))
    assert list(validator.iter_errors({k: v for k, v in line.items() if k != "vendor"}))


def _write(path: Path, *records: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


BASE = {"vendor": "v", "scenario": "s", "trial": 0, "passed": True, "score": 1.0,
        "termination": "final_answer"}


def test_a_newer_field_names_the_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "trials.jsonl", BASE, {**BASE, "trial": 1, "mood": "happy"})
    with pytest.raises(ConfigError) as err:
        read_records(path)
    text = err.value.render()
    assert "trials.jsonl line 2" in text and "unknown field 'mood'" in text
    assert "newer agentcheck" in text


def test_a_wrong_type_names_the_field(tmp_path: Path) -> None:
    path = _write(tmp_path / "trials.jsonl", {**BASE, "passed": "sometimes"})
    with pytest.raises(ConfigError, match=r"line 1.*passed"):
        read_records(path)


def test_an_older_record_reads_with_its_missing_fields_absent(tmp_path: Path) -> None:
    """Records from before grounding, tool sets or final answers were written still read, and
    are written back without fields they never had."""
    path = _write(tmp_path / "trials.jsonl", BASE)
    [record] = read_records(path)
    assert not record.grounding_measured and record.tool_set == []
    assert json.loads(record_line(record)) == BASE


def test_foreign_and_cut_lines_are_skipped_and_reruns_keep_the_last(tmp_path: Path) -> None:
    path = tmp_path / "trials.jsonl"
    path.write_text(json.dumps(BASE) + "\n" + '{"note": "not a trial"}\n'
                    + json.dumps({**BASE, "trial": 1}) + "\n"
                    + json.dumps({**BASE, "passed": False, "score": 0.0}) + "\n"
                    + '{"vendor": "v", "scen', encoding="utf-8")
    records = read_records(path)
    # first appearance keeps its place, the last record of a re-run wins
    assert [(r.trial, r.passed) for r in records] == [(0, False), (1, True)]

    class Count:
        def __init__(self) -> None:
            self.seen: list[TrialRecord] = []

        def add(self, record: TrialRecord) -> None:
            self.seen.append(record)

    assert [r.trial for r in fold_trials(path, Count).seen] == [0, 1]
