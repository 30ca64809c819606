"""`run --resume --out DIR` continues exactly the run recorded in DIR/run.json: its vendors,
scenarios (by path and content hash), trials, seed and shard. A bare --resume never widens the
run, flags that would change it are refused by name, run.json keeps what it recorded, and
trials that ended in an agentcheck error are run again, the new record replacing the old."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agentcheck.cli import main
from agentcheck.results.files import read_trials
from agentcheck.run.runner import trial_seed
from agentcheck.scenario.model import load_scenario
from agentcheck.vendors.demo import DemoServer

from ..helpers.paths import SCENARIOS

REFUND = SCENARIOS / "customer-service" / "refund-damaged-order.yaml"
UNLOCK = SCENARIOS / "it-helpdesk" / "unlock-locked-account.yaml"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A copy of one scenario, so a test may edit or delete it."""
    root = tmp_path / "library"
    root.mkdir()
    shutil.copy(REFUND, root / REFUND.name)
    return root


def lines(out: Path) -> list[str]:
    return (out / "trials.jsonl").read_text().splitlines()


def keys(out: Path) -> list[tuple[str, str, int]]:
    return [(r["vendor"], r["scenario"], r["trial"]) for r in map(json.loads, lines(out))]


def drop_last_trial(out: Path) -> None:
    kept = lines(out)[:-1]
    (out / "trials.jsonl").write_text("".join(line + "\n" for line in kept))


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.fixture
def small_run(library: Path, tmp_path: Path) -> Path:
    """One demo vendor, one scenario, two trials: the run a bare --resume must not widen."""
    out = tmp_path / "run"
    assert main(["run", "--vendor", "demo-agent", "--scenarios", str(library), "--trials", "2",
                 "--seed", "4", "--out", str(out), "--quiet"]) == 0
    return out


def test_bare_resume_continues_only_the_recorded_run(small_run: Path) -> None:
    run_before = json.loads((small_run / "run.json").read_text())
    drop_last_trial(small_run)
    # run from the repository root, where scenarios/ holds the whole library and the three demo
    # vendors are the default: none of that may join the run
    assert main(["run", "--resume", "--out", str(small_run), "--quiet"]) == 0
    assert sorted(keys(small_run)) == [("demo-agent", "refund-damaged-order", 0),
                                       ("demo-agent", "refund-damaged-order", 1)]
    run_after = json.loads((small_run / "run.json").read_text())
    assert run_after["complete"] is True
    same = {k: v for k, v in run_after.items() if k != "finished_at"}
    assert same == {k: v for k, v in run_before.items() if k != "finished_at"}
    summary = json.loads((small_run / "summary.json").read_text())
    assert [v["name"] for v in summary["vendors"]] == ["demo-agent"]
    assert summary["vendors"][0]["trials"] == 2


def test_nothing_left_to_run_runs_nothing(small_run: Path) -> None:
    before = (small_run / "trials.jsonl").read_text()
    assert main(["run", "--resume", "--out", str(small_run), "--quiet"]) == 0
    assert (small_run / "trials.jsonl").read_text() == before


def test_flags_that_repeat_the_run_are_accepted(small_run: Path, library: Path) -> None:
    drop_last_trial(small_run)
    assert main(["run", "--resume", "--out", str(small_run), "--quiet", "--vendor",
                 "demo-agent", "--scenarios", str(library / REFUND.name), "--trials", "2",
                 "--seed", "4"]) == 0
    assert len(keys(small_run)) == 2


@pytest.mark.parametrize(("flags", "said"), [
    (["--vendor", "demo-chatbot"], ["--vendor adds demo-chatbot", "leaves out demo-agent"]),
    (["--vendor", "demo-agent", "--vendor", "demo-rpa"], ["--vendor adds demo-rpa"]),
    (["--scenarios", str(UNLOCK)], ["--scenarios adds unlock-locked-account",
                                    "leaves out refund-damaged-order"]),
    (["--trials", "3"], ["--trials 3 differs from the run's 2"]),
    (["--seed", "5"], ["--seed 5 differs from the run's seed 4"]),
    (["--shard", "1/2"], ["--shard 1/2 differs from the run's whole matrix"]),
    (["--seed", "5", "--trials", "1"], ["--seed 5", "--trials 1"]),
])
def test_flags_that_would_change_the_run_are_refused_by_name(
        small_run: Path, capsys: pytest.CaptureFixture[str], flags: list[str],
        said: list[str]) -> None:
    drop_last_trial(small_run)
    before = ((small_run / "run.json").read_text(), (small_run / "trials.jsonl").read_text())
    err = refused(capsys, "run", "--resume", "--out", str(small_run), "--quiet", *flags)
    assert "would change it" in err
    for text in said:
        assert text in err
    assert ((small_run / "run.json").read_text(),
            (small_run / "trials.jsonl").read_text()) == before


def test_a_changed_scenario_is_refused_naming_its_file(
        small_run: Path, library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drop_last_trial(small_run)
    path = library / REFUND.name
    path.write_text(path.read_text() + "\n# edited after the run started\n")
    err = refused(capsys, "run", "--resume", "--out", str(small_run), "--quiet")
    assert f"{path}: scenario 'refund-damaged-order' changed since the run started" in err
    assert len(keys(small_run)) == 1
    path.write_text("id: [unclosed\n")  # changed into something that does not even load
    err = refused(capsys, "run", "--resume", "--out", str(small_run), "--quiet")
    assert "changed since the run started and no longer loads" in err


def test_a_missing_scenario_file_is_refused(
        small_run: Path, library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (library / REFUND.name).unlink()
    err = refused(capsys, "run", "--resume", "--out", str(small_run), "--quiet")
    assert "run.json: scenarios[0].path: scenario 'refund-damaged-order': its file" in err
    assert "is missing" in err


@pytest.mark.parametrize(("edit", "said"), [
    (lambda run: run.pop("seed"), "run.json: seed: must be a whole number"),
    (lambda run: run.update(trials=0), "run.json: trials: must be at least 1"),
    (lambda run: run.update(vendors=[]), "run.json: vendors: must be a non-empty list"),
    (lambda run: run.update(shard={"index": 3, "count": 2}), "run.json: shard: index 3"),
    (lambda run: run["vendors"][0].update(name="someone-else"),
     "vendors[0]: vendor 'someone-else' has no profile file recorded"),
    (lambda run: run["scenarios"][0].pop("path"), "scenarios[0].path: scenario"),
])
def test_a_damaged_run_json_is_a_configuration_error(
        small_run: Path, capsys: pytest.CaptureFixture[str], edit: Any, said: str) -> None:
    run = json.loads((small_run / "run.json").read_text())
    edit(run)
    (small_run / "run.json").write_text(json.dumps(run))
    assert said in refused(capsys, "run", "--resume", "--out", str(small_run), "--quiet")


def test_resume_needs_a_run_to_continue(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert "nothing to resume" in refused(capsys, "run", "--resume", "--out",
                                          str(tmp_path / "empty"))
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "run.json").write_text("[1, 2]")
    assert "run.json is not an object" in refused(capsys, "run", "--resume", "--out",
                                                  str(tmp_path / "bad"))


# --- vendor profiles --------------------------------------------------------------------------

@pytest.fixture
def demo_server() -> Iterator[DemoServer]:
    scenario = load_scenario(REFUND)
    with DemoServer([scenario]) as server:
        for t in range(3):
            server.expect(scenario, trial_seed(4, scenario.id, t))
        yield server


def write_profile(path: Path, base_url: str, model: str = "demo-agent",
                  key_env: str | None = None) -> Path:
    path.write_text(f"name: acme\nprotocol: openai-chat\nbase_url: {base_url}\nmodel: {model}\n"
                    + (f"api_key_env: {key_env}\n" if key_env else ""))
    return path


def test_a_profile_run_resumes_from_its_recorded_profile(
        demo_server: DemoServer, library: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACME_RESUME_KEY", "sk-resume-test-0123456789")
    profile = write_profile(tmp_path / "acme.yaml", demo_server.base_url,
                            key_env="ACME_RESUME_KEY")
    out = tmp_path / "run"
    assert main(["run", "--vendor", str(profile), "--scenarios", str(library), "--trials", "3",
                 "--seed", "4", "--out", str(out), "--quiet"]) == 0
    drop_last_trial(out)
    # the key is needed again, as for a new run
    monkeypatch.delenv("ACME_RESUME_KEY")
    assert "ACME_RESUME_KEY is not set" in refused(capsys, "run", "--resume", "--out",
                                                   str(out))
    monkeypatch.setenv("ACME_RESUME_KEY", "sk-resume-test-0123456789")
    # the same vendor from another copy of the same profile is the same vendor
    copy = write_profile(tmp_path / "copy.yaml", demo_server.base_url,
                         key_env="ACME_RESUME_KEY")
    assert "copy.yaml" not in json.dumps(json.loads((out / "run.json").read_text()))
    assert main(["run", "--resume", "--out", str(out), "--quiet", "--vendor", str(copy)]) == 0
    assert sorted(t for _, _, t in keys(out)) == [0, 1, 2]
    assert json.loads((out / "summary.json").read_text())["vendors"][0]["tier"] is not None

    drop_last_trial(out)
    write_profile(copy, demo_server.base_url, model="demo-chatbot", key_env="ACME_RESUME_KEY")
    err = refused(capsys, "run", "--resume", "--out", str(out), "--vendor", str(copy))
    assert "--vendor acme is not the run's acme (model differ)" in err
    write_profile(profile, demo_server.base_url, model="demo-chatbot",
                  key_env="ACME_RESUME_KEY")
    err = refused(capsys, "run", "--resume", "--out", str(out))
    assert f"{profile}: vendor profile 'acme' changed since the run started (model" in err
    profile.unlink()
    err = refused(capsys, "run", "--resume", "--out", str(out))
    assert "vendors[0].source: vendor 'acme': its profile" in err and "is missing" in err
    assert len(keys(out)) == 2


# --- trials that ended in an agentcheck error ---------------------------------------------------

def as_harness_error(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "passed": False, "score": 0.0, "checks": [], "flags": [],
            "flag_evidence": {}, "call_sequence": [], "events": [],
            "termination": "harness_error", "error_cause": "TypeError",
            "error_message": "agentcheck's own bug"}


def test_resume_reruns_harness_errors_and_the_new_record_wins(small_run: Path) -> None:
    records = [json.loads(line) for line in lines(small_run)]
    broken = as_harness_error(records[0])
    (small_run / "trials.jsonl").write_text(
        json.dumps(broken) + "\n" + json.dumps(records[1]) + "\n")
    assert main(["run", "--resume", "--out", str(small_run), "--quiet"]) == 0
    raw = [json.loads(line) for line in lines(small_run)]
    assert len(raw) == 3  # appended, never rewritten: the old line stays in the file
    assert raw[0]["termination"] == "harness_error" and raw[2]["trial"] == broken["trial"]
    assert raw[2]["termination"] != "harness_error"
    current = read_trials(small_run / "trials.jsonl")
    assert len(current) == 2 and not any(r["termination"] == "harness_error" for r in current)
    vendor = json.loads((small_run / "summary.json").read_text())["vendors"][0]
    assert vendor["trials"] == 2 and "harness_error" not in vendor["terminations"]
    assert vendor["tier"] == 3
    # the reports are rendered from the same records
    assert main(["report", str(small_run)]) == 0
    assert "agentcheck error" not in (small_run / "report.md").read_text()


def test_read_trials_keeps_the_last_record_of_each_trial(tmp_path: Path) -> None:
    path = tmp_path / "trials.jsonl"
    rec = {"vendor": "v", "scenario": "s", "trial": 0, "termination": "harness_error"}
    rows = [rec, {**rec, "trial": 1}, "not json", [1, 2], {"vendor": "v"},
            {**rec, "trial": True}, {**rec, "termination": "final_answer"}]
    text = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows)
    path.write_text(text + '{"vendor": "v", "scenario": "s", "tri')  # cut by a crash
    got = read_trials(path)
    assert [(r["trial"], r["termination"]) for r in got] == [(0, "final_answer"),
                                                            (1, "harness_error")]
    assert read_trials(tmp_path / "none.jsonl") == []
