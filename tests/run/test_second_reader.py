"""The optional second reader (`--judge PROFILE`, issue 11 item 3), without any model: a fake
judge on loopback answers with canned labels, nonsense, a 500 or nothing in time.

What must hold: the labels are recorded beside the deterministic reader's with model, prompt
hash and cost; answers are cached by content (a second run asks nothing); the report shows the
agreement (Cohen's kappa) and every disagreement; `--judge-decides` changes the honesty checks
and nothing else; a judge that fails changes no verdict and never stops the run.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agentcheck.cli import main
from agentcheck.core.errors import ConfigError
from agentcheck.judge.llm_labels import (
    AnswerError,
    Label,
    parse_answer,
    prompt_sha256,
    prompt_text,
    units,
)
from agentcheck.results.files import read_records
from agentcheck.results.records import TrialRecord
from agentcheck.run.second_reader import judge_for_run
from agentcheck.vendors.profile import load_profile

from ..fakes.judge import JudgeServer, Labeller, by_words, fail, garbage, label_all, slow
from ..helpers.paths import ROOT

DATA = Path(__file__).parents[1] / "data" / "results_contract" / "scenarios"
VENDORS = ["--vendor", "demo-chatbot", "--vendor", "demo-agent"]
HONESTY = {"claim"}
"""Check kinds the honesty rules write (the decline check is an `answer` check named so)."""


@pytest.fixture(autouse=True)
def judge_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "judge-cache"
    monkeypatch.setenv("AGENTCHECK_JUDGE_CACHE", str(cache))
    return cache


@pytest.fixture
def judge_server(request: pytest.FixtureRequest) -> Iterator[JudgeServer]:
    labeller: Labeller = getattr(request, "param", label_all("info"))
    server = JudgeServer(labeller)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _profile(tmp_path: Path, server: JudgeServer, *, timeout_s: float = 5,
             name: str = "fake-judge") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f"name: {name}\nprotocol: openai-chat\nbase_url: {server.base_url}\n"
        f"model: judge-model\ntimeout_s: {timeout_s}\nmax_retries: 0\n"
        "prices: {input: 1.0, output: 2.0}\n", encoding="utf-8")
    return path


def _run(out: Path, *extra: str) -> list[TrialRecord]:
    code = main(["run", "--seed", "11", "--concurrency", "2", "--quiet", "--scenarios",
                 str(DATA), *VENDORS, "--out", str(out), *extra])
    assert code == 0, code
    return sorted(read_records(out / "trials.jsonl"), key=lambda r: r.key)


def _verdicts(records: list[TrialRecord]) -> list[tuple[Any, ...]]:
    return [(r.key, r.passed, r.score, r.flags, r.dimensions,
             [c for c in r.checks]) for r in records]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> list[TrialRecord]:
    """The same run without a second reader: the verdicts every judge run is held to."""
    out = tmp_path_factory.mktemp("baseline") / "run"
    return _run(out)


# ---------------------------------------------------------------- the answer, the prompt


def test_the_prompt_is_pinned_and_asks_for_the_answer_parse_answer_reads() -> None:
    assert len(prompt_sha256()) == 64
    assert '{"labels": [{"n": 1, "label": "claim", "scope": "task"}' in prompt_text()


def test_a_valid_answer_gives_one_label_per_sentence() -> None:
    text = ('```json\n{"labels": [{"n": 1, "label": "claim", "scope": "task"}, '
            '{"n": 2, "label": "question"}, {"n": 3, "label": "claim"}]}\n```')
    assert parse_answer(text, 3) == [Label("claim", "task"), Label("question"),
                                     Label("claim", "action")]


@pytest.mark.parametrize(("answer", "why"), [
    ("All good, it is a claim.", "not JSON"),
    ('{"label": "claim"}', "no \"labels\""),
    ('{"labels": [{"n": 1, "label": "claim"}]}', "1 label(s) for 2"),
    ('{"labels": [{"n": 1, "label": "claim"}, {"n": 3, "label": "info"}]}', "numbered"),
    ('{"labels": [{"n": 1, "label": "boast"}, {"n": 2, "label": "info"}]}', "not one of"),
    ('{"labels": [{"n": 1, "label": "claim", "scope": "all"}, {"n": 2, "label": "info"}]}',
     "scope"),
    ('{"labels": ["claim", "info"]}', "not an object"),
    ('{"labels": [{"n": true, "label": "claim"}, {"n": 2, "label": "info"}]}', "numbered"),
])
def test_an_answer_that_is_not_the_json_asked_for_is_refused(answer: str, why: str) -> None:
    with pytest.raises(AnswerError, match=re.escape(why)):
        parse_answer(answer, 2)


def test_sentences_are_the_deterministic_readers_own() -> None:
    got = [u.text for u in units("All set! Your refund of $84.50 was issued.\nAnything else?")]
    assert got == ["All set!", "Your refund of $84.50 was issued.", "Anything else?"]


# ---------------------------------------------------------------- a run with a judge


@pytest.mark.parametrize("judge_server", [by_words({"refund": "info"}, default="claim")],
                         indirect=True)
def test_labels_are_recorded_beside_the_readers_with_model_prompt_and_cost(
        tmp_path: Path, judge_server: JudgeServer, baseline: list[TrialRecord]) -> None:
    records = _run(tmp_path / "run", "--judge", str(_profile(tmp_path, judge_server)))
    assert _verdicts(records) == _verdicts(baseline)  # the judge decides nothing by default
    read = [r.second_reader for r in records if r.second_reader is not None]
    assert len(read) == len(records) == len(judge_server.accepted) == 6
    for reading in read:
        assert reading.status == "ok", reading.reason
        assert (reading.profile, reading.model) == ("fake-judge", "judge-model")
        assert reading.prompt_sha256 == prompt_sha256()
        assert not reading.cached and not reading.decided
        assert reading.cost_usd == pytest.approx((12 * 1.0 + 5 * 2.0) / 1e6)
        assert reading.sentences and all(s.reader and s.judge for s in reading.sentences)
    run = json.loads((tmp_path / "run" / "run.json").read_text(encoding="utf-8"))
    assert run["second_reader"]["decides"] is False
    assert run["second_reader"]["prompt_sha256"] == prompt_sha256()
    report = (tmp_path / "run" / "report.md").read_text(encoding="utf-8")
    assert "## Second reader" in report and "## Where the readers disagree" in report
    assert "The deterministic reader decided the honesty checks" in report


@pytest.mark.parametrize("judge_server", [label_all("info")], indirect=True)
def test_every_disagreement_is_listed_and_kappa_is_reported(
        tmp_path: Path, judge_server: JudgeServer) -> None:
    records = _run(tmp_path / "run", "--judge", str(_profile(tmp_path, judge_server)))
    differ = [(r.vendor, r.scenario, r.trial, s.text, s.reader) for r in records
              if r.second_reader is not None for s in r.second_reader.sentences
              if s.reader != "info"]
    assert differ, "the demo chatbot claims success: the deterministic reader says claim"
    report = (tmp_path / "run" / "report.md").read_text(encoding="utf-8")
    section = report.split("## Where the readers disagree", 1)[1]
    for vendor, scenario, _trial, _, reader in differ:
        assert f"| {vendor} " in section and scenario in section and reader in section
    assert len([line for line in section.splitlines() if line.startswith("| demo")]) == len(
        differ)
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert 'id="second-reader"' in html and 'id="disagreements"' in html


@pytest.mark.parametrize("judge_server", [label_all("info")], indirect=True)
def test_a_second_run_asks_the_judge_nothing(tmp_path: Path, judge_server: JudgeServer) -> None:
    profile = str(_profile(tmp_path, judge_server))
    first = _run(tmp_path / "first", "--judge", profile)
    asked = len(judge_server.accepted)
    again = _run(tmp_path / "again", "--judge", profile)
    assert len(judge_server.accepted) == asked == len(first)
    for a, b in zip(first, again, strict=True):
        assert b.second_reader is not None and b.second_reader.cached
        assert b.second_reader.cost_usd == 0
        assert a.second_reader is not None
        assert a.second_reader.sentences == b.second_reader.sentences


@pytest.mark.parametrize("judge_server", [by_words({"refund": "info"}, default="claim")],
                         indirect=True)
def test_report_judge_adds_labels_to_a_finished_run_and_costs_nothing_twice(
        tmp_path: Path, judge_server: JudgeServer, baseline: list[TrialRecord]) -> None:
    out = tmp_path / "run"
    _run(out)
    before = (out / "summary.json").read_text(encoding="utf-8")
    profile = str(_profile(tmp_path, judge_server))
    assert main(["report", str(out), "--judge", profile]) == 0
    records = sorted(read_records(out / "trials.jsonl"), key=lambda r: r.key)
    assert all(r.second_reader is not None and r.second_reader.status == "ok"
               for r in records)
    assert _verdicts(records) == _verdicts(baseline)
    assert (out / "summary.json").read_text(encoding="utf-8") == before
    assert "## Second reader" in (out / "report.md").read_text(encoding="utf-8")
    asked = len(judge_server.accepted)
    assert main(["report", str(out), "--judge", profile]) == 0  # kept: nothing to ask
    assert len(judge_server.accepted) == asked == len(records)
    assert main(["verify", str(out)]) == 0  # the manifest follows the labels


# ---------------------------------------------------------------- who decides


@pytest.mark.parametrize("judge_server", [label_all("info")], indirect=True)
def test_judge_decides_changes_exactly_the_honesty_checks(
        tmp_path: Path, judge_server: JudgeServer, baseline: list[TrialRecord]) -> None:
    records = _run(tmp_path / "run", "--judge", str(_profile(tmp_path, judge_server)),
                   "--judge-decides")
    changed = 0
    for new, old in zip(records, baseline, strict=True):
        assert new.key == old.key
        assert new.second_reader is not None and new.second_reader.decided

        def rest(r: TrialRecord) -> list[dict[str, Any]]:
            return [c for c in r.checks if c["kind"] not in HONESTY
                    and c["name"] != "declines and says why"]

        assert rest(new) == rest(old)
        changed += [c for c in new.checks if c["kind"] in HONESTY] != [
            c for c in old.checks if c["kind"] in HONESTY]
    assert changed, "a judge that hears no claim clears the chatbot's false claims"
    report = (tmp_path / "run" / "report.md").read_text(encoding="utf-8")
    assert "(fake-judge, model judge-model) decided the honesty checks" in report


@pytest.mark.parametrize("judge_server", [garbage, fail], indirect=True)
def test_a_judge_that_fails_changes_no_verdict_even_when_it_decides(
        tmp_path: Path, judge_server: JudgeServer, baseline: list[TrialRecord]) -> None:
    records = _run(tmp_path / "run", "--judge", str(_profile(tmp_path, judge_server)),
                   "--judge-decides")
    assert _verdicts(records) == _verdicts(baseline)
    for r in records:
        assert r.second_reader is not None
        assert r.second_reader.status == "error" and not r.second_reader.decided
        assert r.second_reader.reason
    report = (tmp_path / "run" / "report.md").read_text(encoding="utf-8")
    assert "The deterministic reader decided the honesty checks" in report
    assert "not read:" in report


@pytest.mark.parametrize("judge_server", [slow(3.0)], indirect=True)
def test_a_judge_that_does_not_answer_in_time_is_an_error_not_a_stop(
        tmp_path: Path, judge_server: JudgeServer, baseline: list[TrialRecord]) -> None:
    records = _run(tmp_path / "run", "--judge",
                   str(_profile(tmp_path, judge_server, timeout_s=0.3)))
    assert _verdicts(records) == _verdicts(baseline)
    assert {r.second_reader.status for r in records if r.second_reader} == {"error"}
    reasons = {r.second_reader.reason for r in records if r.second_reader}
    assert all("timed out" in (why or "") for why in reasons), reasons


def test_an_unreachable_judge_is_an_error_on_each_trial(
        tmp_path: Path, baseline: list[TrialRecord]) -> None:
    server = JudgeServer(label_all("info"))
    server.start()
    profile = _profile(tmp_path, server)
    server.stop()  # its port is closed now
    records = _run(tmp_path / "run", "--judge", str(profile))
    assert _verdicts(records) == _verdicts(baseline)
    assert all(r.second_reader is not None and r.second_reader.status == "error"
               and "connect" in (r.second_reader.reason or "") for r in records)


def test_judge_decides_needs_a_judge_and_a_demo_vendor_is_no_judge(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--quiet", "--scenarios", str(DATA), "--out", str(tmp_path / "a"),
                 "--judge-decides"]) == 2
    assert "--judge-decides needs --judge PROFILE" in capsys.readouterr().err
    assert main(["run", "--quiet", "--scenarios", str(DATA), "--out", str(tmp_path / "b"),
                 "--judge", "demo-agent"]) == 2
    assert "a demo vendor cannot read replies" in capsys.readouterr().err
    with pytest.raises(ConfigError, match="runs its own agent"):
        judge_for_run(load_profile(ROOT / "adapters" / "a2a-example.yaml"), False)


# ---------------------------------------------------------------- a real model (opt-in)


@pytest.mark.skipif(not os.environ.get("AGENTCHECK_TEST_JUDGE"),
                    reason="set AGENTCHECK_TEST_JUDGE to a judge profile (a reachable model)")
def test_a_real_model_labels_a_run(tmp_path: Path) -> None:
    """AGENTCHECK_TEST_JUDGE=adapters/local-ollama.yaml pytest tests/run/test_second_reader.py"""
    records = _run(tmp_path / "run", "--judge", os.environ["AGENTCHECK_TEST_JUDGE"])
    read = [r.second_reader for r in records if r.second_reader is not None]
    assert read and all(r.status in ("ok", "error") for r in read)
    assert any(r.status == "ok" for r in read), [r.reason for r in read]
    assert "## Second reader" in (tmp_path / "run" / "report.md").read_text(encoding="utf-8")
