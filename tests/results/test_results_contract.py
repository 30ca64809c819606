"""The results contract after the move to typed models (results/records.py, summary.py): the
same run writes the same trials.jsonl and summary.json as the hand-built dicts did, byte for
byte except the fields that measure time, and every line survives a read and a re-write.

The golden files in tests/data/results_contract/golden/ were written by the dict-building code
before the models (commit d72008d's runner and verdict) for the three scenarios beside them:

    agentcheck run --seed 11 --trials 2 --concurrency 1 \\
        --scenarios tests/data/results_contract/scenarios --out DIR

with each line passed through normalised() below. A change to the scorer or to those scenarios
that changes records on purpose regenerates them (REGENERATE=1 pytest this file)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from agentcheck.cli import main
from agentcheck.results.files import read_records, record_line, write_json
from agentcheck.results.records import TrialRecord
from agentcheck.results.summary import Summary

DATA = Path(__file__).parents[1] / "data" / "results_contract"
GOLDEN = DATA / "golden"
TIME_FIELDS = {"started_at", "duration_s", "model_latencies", "latency_s", "step_latency_s",
               "ttft_s"}
"""Fields whose values measure time (wall clock, latencies): only their type is compared."""


def _shape(value: Any) -> Any:
    """A measured value reduced to its JSON type: a float stays a float, not 0 or None."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return None if value is None else f"<{type(value).__name__}>"


def normalised(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _shape(v) if k in TIME_FIELDS else normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v) for v in value]
    return value


def _dump(value: Any) -> str:
    return json.dumps(normalised(value), ensure_ascii=False)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("contract") / "run"
    code = main(["run", "--seed", "11", "--trials", "2", "--concurrency", "1", "--quiet",
                 "--scenarios", str(DATA / "scenarios"), "--out", str(out)])
    assert code == 0
    return out


def test_trials_jsonl_is_what_the_dict_code_wrote(run_dir: Path) -> None:
    lines = (run_dir / "trials.jsonl").read_text(encoding="utf-8").splitlines()
    got = [_dump(json.loads(line)) for line in lines]
    if os.environ.get("REGENERATE"):
        (GOLDEN / "trials.jsonl").write_text("\n".join(got) + "\n", encoding="utf-8")
    want = (GOLDEN / "trials.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(got) == len(want) == 18
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g == w, f"trials.jsonl line {i + 1} differs from the golden record"


def test_summary_json_is_what_the_dict_code_wrote(run_dir: Path) -> None:
    got = _dump(json.loads((run_dir / "summary.json").read_text(encoding="utf-8")))
    if os.environ.get("REGENERATE"):
        (GOLDEN / "summary.json").write_text(got + "\n", encoding="utf-8")
    assert got == (GOLDEN / "summary.json").read_text(encoding="utf-8").strip()


def test_every_line_reads_and_writes_back_byte_for_byte(run_dir: Path) -> None:
    lines = (run_dir / "trials.jsonl").read_text(encoding="utf-8").splitlines()
    records = read_records(run_dir / "trials.jsonl")
    assert [record_line(r) for r in records] == lines
    summary = Summary.model_validate_json((run_dir / "summary.json").read_bytes())
    write_json(run_dir / "again.json", summary)
    assert (run_dir / "again.json").read_bytes() == (run_dir / "summary.json").read_bytes()


def test_normalising_keeps_what_must_not_change() -> None:
    """The comparison can fail: a changed verdict, key order or number type is seen."""
    line = {"vendor": "v", "passed": True, "duration_s": 1.25, "score": 1.0}
    assert _dump(line) == _dump({**line, "duration_s": 9.5})
    assert _dump(line) != _dump({**line, "passed": False})
    assert _dump(line) != _dump({**line, "score": 1})  # 1.0 written as 1
    assert _dump(line) != _dump(dict(reversed(list(line.items()))))
    assert _dump(line) != _dump({**line, "duration_s": 1})


def test_a_harness_error_keeps_its_shorter_shape() -> None:
    from agentcheck.results.records import harness_error_record

    named = {"vendor": "v", "scenario": "s", "trial": 0, "seed": 3, "tool_set": ["a"]}
    record = harness_error_record(named, "KeyError", "boom")
    data = json.loads(record_line(record))
    assert list(data)[:5] == ["vendor", "scenario", "trial", "seed", "tool_set"]
    assert "final_answer" not in data and "grounded_calls" not in data
    assert data["termination"] == "harness_error" and data["error_cause"] == "KeyError"
    assert TrialRecord.model_validate(data).to_json() == data
