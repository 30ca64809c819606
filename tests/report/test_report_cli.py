"""The CI gate (--fail-under, --fail-under-tier: exit 3) and the progress display of
`agentcheck run` (a redrawn line on a terminal, plain periodic lines elsewhere)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from agentcheck.cli import EXIT_GATE, main
from agentcheck.run.progress import ProgressDisplay, clock_text

from ..helpers.cli import agentcheck
from ..helpers.paths import SCENARIOS
from ..helpers.report_fixtures import make_records, write_run

REFUND = str(SCENARIOS / "customer-service" / "refund-damaged-order.yaml")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # strong passes everything (tier 2 or 3, score 100); weak never passes (score 30)
    folder = tmp_path_factory.mktemp("gate") / "run"
    write_run(folder, make_records({"strong": 1.0, "weak": 0.0}, trials=2), ["strong", "weak"],
              trials=2)
    return folder


def test_gate_exit_code_is_distinct() -> None:
    assert EXIT_GATE == 3 and EXIT_GATE not in (0, 1, 2, 130)


@pytest.mark.parametrize(("args", "code"), [
    ([], 0),
    (["--fail-under", "30"], 0),  # weak scores exactly 30: not below
    (["--fail-under", "30.1"], 3),
    (["--fail-under-tier", "0"], 0),
    (["--fail-under-tier", "2"], 3),
    (["--fail-under", "0", "--fail-under-tier", "1"], 0),
    (["--fail-under", "101"], 2),
    (["--fail-under-tier", "4"], 2),
])
def test_report_gate(run_dir: Path, args: list[str], code: int,
                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(run_dir), *args]) == code
    err = capsys.readouterr().err
    if code == 3:
        assert "agentcheck: gate failed: weak" in err and "strong" not in err
    elif code == 0:
        assert "gate failed" not in err


def test_run_gate_end_to_end(tmp_path: Path) -> None:
    ok = agentcheck("run", "--vendor", "demo-agent", "--scenarios", REFUND, "--out",
                    str(tmp_path / "a"), "--quiet", "--fail-under", "90", "--fail-under-tier",
                    "2")
    assert ok.returncode == 0, ok.stderr
    bad = agentcheck("run", "--vendor", "demo-agent", "--vendor", "demo-chatbot", "--scenarios",
                     REFUND, "--out", str(tmp_path / "b"), "--quiet", "--fail-under", "50")
    assert bad.returncode == 3
    assert "gate failed: demo-chatbot capability score 0 < 50" in bad.stderr
    assert "demo-agent" in bad.stdout and (tmp_path / "b" / "report.html").exists()
    usage = agentcheck("run", "--vendor", "demo-agent", "--scenarios", REFUND, "--out",
                       str(tmp_path / "c"), "--fail-under", "-1")
    assert usage.returncode == 2 and not (tmp_path / "c").exists()


# --- progress -------------------------------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def event(done: int, total: int, vendor: str, passed: bool = True,
          totals: dict[str, int] | None = None) -> dict[str, Any]:
    return {"done": done, "total": total, "elapsed_s": 0.0,
            "vendor_totals": totals or {"a": 4, "b": 4},
            "record": {"vendor": vendor, "passed": passed, "termination": "final_answer"}}


def test_clock_text() -> None:
    assert clock_text(None) == "--:--" and clock_text(5) == "0:05"
    assert clock_text(125.4) == "2:05" and clock_text(3725) == "1:02:05"


def test_plain_progress_is_periodic_not_per_trial() -> None:
    out, clock = io.StringIO(), Clock()
    p = ProgressDisplay(out, tty=False, interval_s=10, clock=clock)
    clock.now += 5
    p(event(1, 8, "a"))  # the first result always prints
    for i, vendor in enumerate(["a", "b", "a"], start=2):
        clock.now += 1
        p(event(i, 8, vendor, passed=vendor == "a"))
    assert len(out.getvalue().splitlines()) == 1
    clock.now += 10
    p(event(5, 8, "a"))  # a finishes (4 of 4) and the interval has passed
    clock.now += 1
    for i, vendor in enumerate(["b", "b", "b"], start=6):
        p(event(i, 8, vendor, passed=False))
    p.close()
    lines = out.getvalue().splitlines()
    assert lines[0] == ("progress: 1/8 trials (12%), elapsed 0:05, ETA 0:35 | a 1/4 ETA 0:15; "
                        "b 0/4 waiting | 0 failed")
    assert "progress: a finished 4 trials, 4 passed" in lines
    assert "progress: b finished 4 trials, 0 passed" in lines
    assert lines[-1].startswith("progress: 8/8 trials (100%)")
    assert lines[-1].endswith("a 4/4 done; b 4/4 done | 4 failed")
    assert len(lines) == 5 and "\r" not in out.getvalue()


def test_terminal_progress_redraws_one_line() -> None:
    out, clock = io.StringIO(), Clock()
    p = ProgressDisplay(out, tty=True, clock=clock)
    p(event(1, 8, "a"))
    p(event(2, 8, "a"))  # within 0.1 s: not redrawn
    clock.now += 0.5
    p(event(3, 8, "b", passed=False))
    clock.now += 0.5
    for i in range(4, 9):
        p(event(i, 8, "a" if i < 6 else "b"))
    p.close()
    text = out.getvalue()
    assert text.count("\r\x1b[2K") == 4 and text.endswith("\n") and text.count("\n") == 1
    assert "agentcheck 3/8 trials (38%)" in text and "ETA" in text and "1 failed" in text
    assert "a 4/4 done; b 4/4 done" in text.rsplit("\r\x1b[2K", 1)[1]


def test_run_prints_plain_progress_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    res = agentcheck("run", "--vendor", "demo-agent", "--vendor", "demo-chatbot",
                     "--scenarios", REFUND, "--trials", "2", "--out", str(tmp_path / "r"))
    assert res.returncode == 0, res.stderr
    lines = [x for x in res.stderr.splitlines() if x]
    assert lines[0].startswith("progress: 1/4 trials")
    assert "progress: demo-agent finished 2 trials, 2 passed" in lines
    assert "progress: demo-chatbot finished 2 trials, 0 passed" in lines
    assert lines[-1].startswith("progress: 4/4 trials (100%)")
    assert "\r" not in res.stderr and len(lines) <= 5
    quiet = agentcheck("run", "--vendor", "demo-agent", "--scenarios", REFUND, "--out",
                       str(tmp_path / "q"), "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == ""
