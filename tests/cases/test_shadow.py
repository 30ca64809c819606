"""Shadow replay of a case pack: each case against each vendor in a World built from the case;
agreement with the team per vendor (Wilson interval, beside doing nothing), no original value
of the export in any request a vendor receives, unmasked packs refused, review marks read back.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from agentcheck.cli import main
from agentcheck.report.agreement import agreement
from agentcheck.results.cases import Review, ReviewEntry, read_outcomes

from ..fakes.openai_chat import answer, call_tools, tool_call

KEY = "test-masking-key-0123456789abcdef"  # the same as conftest.py's

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "case-packs"


def example(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An example pack imported (masked) into tmp_path."""
    pack = tmp_path / name
    shutil.copytree(EXAMPLES / name, pack)
    monkeypatch.setenv("AGENTCHECK_MASKING_KEY", KEY)
    exports = sorted((EXAMPLES / "exports" / name).iterdir())
    assert main(["import", *map(str, exports), "--pack", str(pack)]) == 0
    return pack


def test_replay_against_the_demo_vendors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    pack = example("it-access", tmp_path, monkeypatch)
    out = tmp_path / "run"
    assert main(["run", "--cases", str(pack), "--sample", "30", "--seed", "4", "--stratify",
                 "category", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    outcomes = read_outcomes(out)
    assert len(outcomes) == 90 and len({o.case for o in outcomes}) == 30
    rows = {r.vendor: r for r in agreement(outcomes)}
    agent, chatbot = rows["demo-agent"], rows["demo-chatbot"]
    # the demo agent follows the written policy; the team deviates from it now and then
    assert 0.7 <= agent.rate < 1.0 and agent.beats_nothing and agent.did_nothing == 0
    assert chatbot.did_nothing == 30 and chatbot.agreed == 0 and not chatbot.beats_nothing
    quality = json.loads((out / "data-quality.json").read_text())
    assert quality["sampled"] == 30 and quality["population"] == 240
    assert quality["stratify"] == "category" and quality["masked"] is True
    assert quality["empty_rows_skipped"] == 3 and quality["duplicate_rows"] == 6
    opened = next(c for c in quality["columns"] if c["column"] == "opened")
    assert opened["kind"] == "date" and opened["inconsistent"]
    # a disagreement shows both sides
    wrong = next(o for o in outcomes if o.vendor == "demo-agent" and not o.agreed)
    assert wrong.human.decision != wrong.vendor_side.decision
    assert any(c.startswith("requests[REQ-") and ".status: pending -> " in c
               for c in wrong.changes)
    assert "demo-agent" in printed and "beats doing nothing" in printed
    # trials.jsonl is an ordinary run: summary and report
    assert (out / "summary.json").is_file() and (out / "report.md").is_file()
    review = (out / "review.yaml").read_text()
    assert review.count("better: undecided") == sum(not o.agreed for o in outcomes)


def test_doing_nothing_agrees_on_holds_but_does_not_pass(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """On the AP queue, holding an invoice is leaving it open: a vendor that does nothing
    agrees on every hold. It is reported as doing nothing, and does not beat doing nothing."""
    pack = example("ap-invoices", tmp_path, monkeypatch)
    out = tmp_path / "run"
    assert main(["run", "--cases", str(pack), "--sample", "40", "--seed", "2", "--vendor",
                 "demo-chatbot", "--vendor", "demo-agent", "--out", str(out), "--quiet"]) == 0
    outcomes = read_outcomes(out)
    rows = {r.vendor: r for r in agreement(outcomes)}
    chatbot = rows["demo-chatbot"]
    holds = sum(1 for o in outcomes if o.vendor == "demo-chatbot" and o.human.decision ==
                "decline")
    assert chatbot.agreed == holds > 0 and chatbot.agreed_by_nothing == holds
    assert chatbot.rate == chatbot.nothing_rate and not chatbot.beats_nothing
    assert rows["demo-agent"].beats_nothing
    # impact: the disagreements carry the invoice amount, parsed from its noisy formats
    assert all(o.impact is not None for o in outcomes)


def test_wilson_interval_matches_scipy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stats = pytest.importorskip("scipy.stats")
    pack = example("it-access", tmp_path, monkeypatch)
    out = tmp_path / "run"
    assert main(["run", "--cases", str(pack), "--sample", "25", "--seed", "9", "--vendor",
                 "demo-agent", "--out", str(out), "--quiet"]) == 0
    outcomes = read_outcomes(out)
    (row,) = agreement(outcomes)
    ci = stats.binomtest(row.agreed, row.cases).proportion_ci(method="wilson")
    assert (row.low, row.high) == pytest.approx((ci.low, ci.high), abs=1e-9)
    # the review's marks count as agreement in the adjusted rate, and only them
    wrong = [o for o in outcomes if not o.agreed]
    assert wrong
    review = Review(reviews=[ReviewEntry(vendor="demo-agent", case=wrong[0].case,
                                         better="vendor"),
                             ReviewEntry(vendor="demo-agent", case=outcomes[0].case,
                                         better="vendor") if outcomes[0].agreed else
                             ReviewEntry(vendor="demo-agent", case="nope", better="human")])
    (adjusted,) = agreement(outcomes, review)
    assert adjusted.adjusted == row.agreed + 1 and adjusted.vendor_better == 1
    ci = stats.binomtest(row.agreed + 1, row.cases).proportion_ci(method="wilson")
    assert (adjusted.adjusted_low, adjusted.adjusted_high) == pytest.approx((ci.low, ci.high))


def originals(export: Path) -> list[str]:
    """Every name, email, phone and card number written in the test export."""
    text = "\n".join(p.read_text() for p in export.iterdir())
    found = set(re.findall(r"[a-z.]+@corp\.test", text))
    found |= set(re.findall(r"\b(?:Olivia|Liam|Emma|Noah) (?:Smith|Jones|Brown|Davis)\b", text))
    found |= {"555-201-3344", "202-4455", "5552033566", "4111 1111 1111 1111",
              "4111111111111111", "5500 0000 0000 0004", "Olivia", "Liam", "Emma", "Noah"}
    return sorted(found)


def test_no_original_value_reaches_the_vendor(pack_dir: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              vendor_server) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AGENTCHECK_MASKING_KEY", KEY)
    export = pack_dir.parent / "exports"
    assert main(["import", *map(str, sorted(export.iterdir())), "--pack", str(pack_dir)]) == 0

    def behave(req):  # type: ignore[no-untyped-def]
        """Read everything there is to read, then answer."""
        messages = req.json["messages"]
        tools = [m for m in messages if m["role"] == "tool"]
        if not tools:
            return call_tools(tool_call("list_open_requests", "{}"))
        if len(tools) == 1:
            open_ = json.loads(tools[0]["content"])
            emp = open_[0]["employee_id"] if isinstance(open_, list) and open_ else "E1"
            return call_tools(tool_call("get_employee", json.dumps({"employee_id": emp})))
        return answer("Checked.")

    vendor_server.fallback = behave
    profile = tmp_path / "acme.yaml"
    profile.write_text(f"name: acme\nprotocol: openai-chat\nbase_url: {vendor_server.base_url}\n"
                       "model: m\napi_key_env: ACME_KEY\n")
    monkeypatch.setenv("ACME_KEY", "sk-test")
    out = tmp_path / "run"
    assert main(["run", "--cases", str(pack_dir), "--vendor", str(profile), "--out", str(out),
                 "--quiet", "--seed", "1"]) == 0
    bodies = [r.body.decode() for r in vendor_server.requests]
    assert len(bodies) == 12  # 4 cases x (list, get_employee, answer)
    seen = "\n".join(bodies)
    assert "get_employee" in seen and "E1" in seen  # the vendor did read the records
    flat = re.sub(r"\D", "", seen)
    for value in originals(export):
        assert value.lower() not in seen.lower(), value
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 7:
            assert digits not in flat, value


def test_an_unmasked_pack_is_not_sent_to_a_vendor(unmasked: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    profile = tmp_path / "acme.yaml"
    profile.write_text("name: acme\nprotocol: openai-chat\nbase_url: http://127.0.0.1:9/v1\n"
                       "model: m\napi_key_env: ACME_KEY\n")
    out = tmp_path / "run"
    assert main(["run", "--cases", str(unmasked), "--vendor", str(profile), "--out",
                 str(out)]) == 2
    assert "the pack is not masked: its cases would reach acme with real identities" in \
        capsys.readouterr().err
    assert not out.exists()
    # the demo vendors run in this process: nothing leaves the machine
    assert main(["run", "--cases", str(unmasked), "--vendor", "demo-agent", "--out", str(out),
                 "--quiet"]) == 0


def test_a_table_changed_after_masking_is_not_sent(pack_dir: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """pack.yaml still says masked: true, but someone copied the real export over a table."""
    monkeypatch.setenv("AGENTCHECK_MASKING_KEY", KEY)
    export = pack_dir.parent / "exports"
    assert main(["import", *map(str, sorted(export.iterdir())), "--pack", str(pack_dir)]) == 0
    (pack_dir / "employees.csv").write_bytes((export / "employees.csv").read_bytes())
    profile = tmp_path / "acme.yaml"
    profile.write_text("name: acme\nprotocol: openai-chat\nbase_url: http://127.0.0.1:9/v1\n"
                       "model: m\napi_key_env: ACME_KEY\n")
    monkeypatch.setenv("ACME_KEY", "sk-test")
    capsys.readouterr()
    assert main(["run", "--cases", str(pack_dir), "--vendor", str(profile), "--out",
                 str(tmp_path / "run")]) == 2
    assert ("masked: employees.csv changed since agentcheck import masked the pack "
            "(masking-report.json records what it wrote): import the export again before "
            "sending the cases to acme") in capsys.readouterr().err


def test_the_example_packs_are_proved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    packs = [example(name, tmp_path, monkeypatch) for name in ("it-access", "ap-invoices")]
    capsys.readouterr()
    assert main(["validate", "--prove", *map(str, packs)]) == 0
    out = capsys.readouterr().out
    assert "case pack" in out and out.count("proved ") == 2


def test_gates_apply_and_plans_do_not(unmasked: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--cases", str(unmasked), "--vendor", "demo-chatbot", "--out",
                 str(tmp_path / "run"), "--quiet", "--fail-under-tier", "1"]) == 3
    assert "gate failed: demo-chatbot tier 0" in capsys.readouterr().err
    assert main(["run", "--cases", str(unmasked), "--plan", str(tmp_path / "p.yaml"),
                 "--out", str(tmp_path / "run2")]) == 2
    assert "--plan do not apply to it" in capsys.readouterr().err


def test_a_trial_passes_on_a_recorded_decision_not_on_words(unmasked: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            vendor_server) -> None:  # type: ignore[no-untyped-def]
    """Each case's scenario requires the team's resolution recorded on the case: a vendor
    that reads everything and only says what it would do completes no case; the demo agent,
    which decides every case and disagrees with the team on one, completes exactly the three
    it agrees on, with no flag for saying what it did on the fourth (its reply is true: the
    disagreement is the review's question, not a false claim)."""
    def behave(req):  # type: ignore[no-untyped-def]
        tools = [m for m in req.json["messages"] if m["role"] == "tool"]
        if not tools:
            return call_tools(tool_call("list_open_requests", "{}"))
        return answer("I would approve this request; I have not changed anything.")

    vendor_server.fallback = behave
    profile = tmp_path / "talker.yaml"
    profile.write_text(f"name: talker\nprotocol: openai-chat\nbase_url: "
                       f"{vendor_server.base_url}\nmodel: m\napi_key_env: TALKER_KEY\n")
    monkeypatch.setenv("TALKER_KEY", "sk-test")
    pack = unmasked / "pack.yaml"  # test data only: no real identity in it
    pack.write_text(pack.read_text() + "send_unmasked: true\n")
    out = tmp_path / "run"
    assert main(["run", "--cases", str(unmasked), "--vendor", str(profile), "--vendor",
                 "demo-agent", "--out", str(out), "--quiet", "--seed", "1"]) == 0
    trials = [json.loads(x) for x in (out / "trials.jsonl").read_text().splitlines()]
    talker = [t for t in trials if t["vendor"] == "talker"]
    agent = [t for t in trials if t["vendor"] == "demo-agent"]
    assert len(talker) == len(agent) == 4
    assert not any(t["passed"] for t in talker)
    assert not any(t["flags"] for t in agent)
    outcomes = read_outcomes(out)
    agreed = {o.case for o in outcomes if o.vendor == "demo-agent" and o.agreed}
    assert len(agreed) == 3
    assert {t["scenario"].rsplit("--", 1)[1] for t in agent if t["passed"]} == \
        {c.lower() for c in agreed}
    rows = {r.vendor: r for r in agreement(outcomes)}
    assert rows["demo-agent"].agreed == 3 and rows["talker"].agreed == 0
