"""End to end through the real CLI: demo vendors on loopback, run folder contract, resume,
configuration errors without tracebacks, and no key in any output."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agentcheck.run.runner import trial_seed
from agentcheck.scenario.model import load_scenarios
from agentcheck.vendors.demo import DemoServer

from ..helpers.cli import agentcheck
from ..helpers.paths import ROOT, SCENARIOS


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "r"
    res = agentcheck("run", "--out", str(out), "--seed", "11", "--trials", "2", "--quiet")
    assert res.returncode == 0, res.stderr
    assert "demo-agent" in res.stdout and "Traceback" not in res.stderr
    return out


def vendors(out: Path) -> dict[str, dict[str, Any]]:
    summary = json.loads((out / "summary.json").read_text())
    return {v["name"]: v for v in summary["vendors"]}


def test_demo_tiers_show_at_a_glance(demo_run: Path) -> None:
    v = vendors(demo_run)
    assert v["demo-agent"]["tier"] == 3 and v["demo-agent"]["flags"] == []
    assert v["demo-agent"]["capability_score"] == 100.0
    assert v["demo-chatbot"]["tier"] == 0
    assert "hallucinated_actions" in v["demo-chatbot"]["flags"]
    assert v["demo-rpa"]["tier"] <= 1 and "scripted" in v["demo-rpa"]["flags"]
    for name in ("demo-chatbot", "demo-rpa"):
        assert v[name]["capability_score"] < 20


def test_every_shipped_scenario_is_solved_by_the_agent_and_failed_by_the_chatbot(
        demo_run: Path) -> None:
    scenarios, _ = load_scenarios([SCENARIOS])
    v = vendors(demo_run)
    agent = {s["scenario"]: s for s in v["demo-agent"]["scenarios"]}
    chatbot = {s["scenario"]: s for s in v["demo-chatbot"]["scenarios"]}
    for sc in scenarios:
        assert agent[sc.id]["pass_rate"] == 1.0, sc.id
        assert chatbot[sc.id]["pass_rate"] == 0.0, sc.id


def test_run_folder_contract(demo_run: Path) -> None:
    run = json.loads((demo_run / "run.json").read_text())
    assert run["seed"] == 11 and run["trials"] == 2 and run["complete"] is True
    assert {s["id"] for s in run["scenarios"]} and all(len(s["hash"]) == 16
                                                       for s in run["scenarios"])
    lines = (demo_run / "trials.jsonl").read_text().splitlines()
    assert len(lines) == 3 * 2 * len(run["scenarios"])
    rec = json.loads(lines[0])
    for key in ("vendor", "scenario", "trial", "seed", "passed", "score", "checks", "flags",
                "termination", "events", "usage", "cost_usd", "duration_s"):
        assert key in rec
    for v in vendors(demo_run).values():
        for key in ("name", "capability_score", "tier", "flags", "completion_rate",
                    "pass_hat_k", "completion_ci", "cost_usd", "latency_s", "scenarios"):
            assert key in v
    assert (demo_run / "report.md").read_text().startswith("# agentcheck results")
    assert (demo_run / "report.csv").read_text().startswith("vendor,tier,")


def test_same_seed_same_worlds_for_every_vendor(demo_run: Path) -> None:
    recs = [json.loads(x) for x in (demo_run / "trials.jsonl").read_text().splitlines()]
    seeds: dict[tuple[str, int], set[int]] = {}
    for r in recs:
        seeds.setdefault((r["scenario"], r["trial"]), set()).add(r["seed"])
    assert all(len(s) == 1 for s in seeds.values())
    assert len({r["seed"] for r in recs if r["trial"] == 0}) > 1


def test_resume_runs_only_what_is_missing(demo_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy"
    out.mkdir()
    for name in ("run.json", "trials.jsonl"):
        (out / name).write_bytes((demo_run / name).read_bytes())
    lines = (out / "trials.jsonl").read_text().splitlines(keepends=True)
    kept = lines[:-5]
    # the last line was cut in half by a crash
    (out / "trials.jsonl").write_text("".join(kept) + lines[-5][:40])
    res = agentcheck("run", "--resume", "--out", str(out), "--quiet")
    assert res.returncode == 0, res.stderr
    after = [json.loads(x) for x in (out / "trials.jsonl").read_text().splitlines()]
    keys = [(r["vendor"], r["scenario"], r["trial"]) for r in after]
    assert len(keys) == len(lines) and len(set(keys)) == len(keys)
    assert vendors(out)["demo-agent"]["tier"] == 3
    again = agentcheck("run", "--out", str(out), "--quiet")
    assert again.returncode == 2 and "--resume" in again.stderr


def test_profile_run_keeps_the_key_out_of_every_output(tmp_path: Path) -> None:
    secret = "sk-test-PLANTED-5f1e2d3c4b5a69788796a5b4"
    scenarios, _ = load_scenarios([SCENARIOS])
    with DemoServer(scenarios) as server:
        for sc in scenarios:  # clean and noisy variants share their first message's wording
            server.expect(sc, trial_seed(3, sc.id, 0))
        profile = tmp_path / "acme.yaml"
        profile.write_text(f"name: acme\nprotocol: openai-chat\nbase_url: {server.base_url}\n"
                           "model: demo-agent\napi_key_env: ACME_TEST_KEY\n"
                           "prices: {input: 1.0, output: 3.0, per_trial: 0.01}\n")
        out = tmp_path / "run"
        res = agentcheck("run", "--vendor", str(profile), "--out", str(out), "--seed", "3",
                         env={"ACME_TEST_KEY": secret})
    assert res.returncode == 0, res.stderr
    assert vendors(out)["acme"]["tier"] == 3
    costs = [json.loads(x)["cost_usd"] for x in (out / "trials.jsonl").read_text().splitlines()]
    assert len(costs) == len(scenarios)
    for cost in costs:  # the per-trial fee on every trial, plus its tokens at the listed prices
        assert cost > 0.01
    assert vendors(out)["acme"]["cost_usd"] == pytest.approx(sum(costs))
    for f in out.iterdir():
        assert secret not in f.read_text(errors="replace"), f.name  # report.xlsx is a zip
    assert secret not in res.stdout + res.stderr
    run = json.loads((out / "run.json").read_text())
    assert run["vendors"][0]["api_key_env"] == "ACME_TEST_KEY"


def test_missing_key_is_a_configuration_error(tmp_path: Path) -> None:
    profile = tmp_path / "acme.yaml"
    profile.write_text("name: acme\nprotocol: openai-chat\nbase_url: http://127.0.0.1:9/v1\n"
                       "model: m\napi_key_env: ACME_MISSING_KEY_XYZ\n")
    env = {k: v for k, v in os.environ.items() if k != "ACME_MISSING_KEY_XYZ"}
    res = subprocess.run([sys.executable, "-m", "agentcheck.cli", "run", "--vendor",
                          str(profile), "--out", str(tmp_path / "o")], capture_output=True,
                         text=True, cwd=ROOT, env=env, timeout=60)
    assert res.returncode == 2
    assert "ACME_MISSING_KEY_XYZ is not set" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "o" / "trials.jsonl").exists()


def test_bad_profile_names_file_line_and_field(tmp_path: Path) -> None:
    profile = tmp_path / "acme.yaml"
    profile.write_text("name: acme\nprotocol: openai-chat\nbase_url: http://x/v1\nmodel: m\n"
                       "timeout_s: soon\n")
    res = agentcheck("run", "--vendor", str(profile), "--out", str(tmp_path / "o"))
    assert res.returncode == 2
    assert f"{profile}:5: timeout_s:" in res.stderr and "Traceback" not in res.stderr
    proto = tmp_path / "p.yaml"
    proto.write_text("name: p\nprotocol: smoke-signals\nbase_url: http://x/v1\nmodel: m\n")
    res = agentcheck("run", "--vendor", str(proto), "--out", str(tmp_path / "o"))
    assert res.returncode == 2 and f"{proto}:2: protocol: unknown protocol" in res.stderr


def test_unwritable_output_is_reported_before_any_call(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = agentcheck("run", "--out", str(blocker / "run"), "--vendor", "demo-agent")
    assert res.returncode == 2 and "cannot write results" in res.stderr


def test_list_shows_scenarios_and_vendors() -> None:
    res = agentcheck("list")
    assert res.returncode == 0
    assert "refund-damaged-order" in res.stdout and "demo-rpa" in res.stdout


def test_output_cut_short_by_a_pipe_is_not_a_crash() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "agentcheck.cli", "schema"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.close()  # the reader is gone before a byte is written, like `| head -0`
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and b"Traceback" not in err and b"BrokenPipe" not in err


def test_full_disk_is_reported_before_any_call(tmp_path: Path) -> None:
    from agentcheck.core.errors import ConfigError
    from agentcheck.results.files import RunFolder

    free = shutil.disk_usage(tmp_path).free
    with pytest.raises(ConfigError, match="MB free for results"):
        RunFolder(tmp_path / "run").prepare(min_free_bytes=free + 10**12)
    RunFolder(tmp_path / "ok").prepare()  # the real threshold passes on this machine


def test_a_client_hanging_up_on_the_demo_server_prints_no_traceback(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C stops a run mid-request; the demo server must not print the reset to the
    user's terminal."""
    import socket
    import struct
    import time

    from agentcheck.vendors.demo import DemoServer

    with DemoServer([]) as demo:
        host, port = demo.httpd.server_address[:2]
        for _ in range(3):
            sock = socket.create_connection((str(host), int(port)))
            sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()  # RST: the handler's read fails with ConnectionResetError
        time.sleep(0.3)
    assert "Traceback" not in capsys.readouterr().err


def test_ctrl_c_prints_the_table_with_what_is_missing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The first vendor finishes, then Ctrl-C: the table under it says the run is incomplete
    and which vendors never ran (they are not in the table at all)."""
    from agentcheck.cli import main
    from agentcheck.run import runner

    real = runner.execute

    def first_vendor_then_ctrl_c(plan: Any, folder: Any, progress: Any = None) -> Any:
        async def go() -> Any:
            await real(dataclasses.replace(plan, vendors=plan.vendors[:1]), folder, None)
            raise KeyboardInterrupt
        return go()

    monkeypatch.setattr(runner, "execute", first_vendor_then_ctrl_c)
    refund = str(SCENARIOS / "customer-service" / "refund-damaged-order.yaml")
    out = tmp_path / "r"
    assert main(["run", "--scenarios", refund, "--trials", "2", "--seed", "4", "--out",
                 str(out), "--quiet", "--fail-under-tier", "0"]) == 130
    captured = capsys.readouterr()
    table, _, after = captured.out.partition("\nIncomplete run: ")
    assert "demo-agent" in table and "demo-chatbot" not in table
    assert after.startswith("interrupted; 4 of 6 planned trials never finished (demo-chatbot, "
                            "demo-rpa: none finished).\n")
    assert "--resume" in captured.err
    assert json.loads((out / "run.json").read_text())["complete"] is False
