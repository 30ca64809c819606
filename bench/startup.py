"""Start-up and idle time of the `agentcheck` command, as a user meets it.

Times, in fresh processes, `agentcheck --help`, `agentcheck validate scenarios/` and the Quick
start's run restricted to one scenario (the three built-in demo vendors, served on loopback),
and prints min / median / max of wall time and of CPU time (user + system, from wait4). Wall
minus CPU is time spent waiting: a run that idles (a server's shutdown poll, a sleep) shows it
there, whatever the machine's speed.

    python bench/startup.py            # 7 runs of each
    python bench/startup.py --runs 15
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = "scenarios/customer-service/refund-damaged-order.yaml"


def agentcheck() -> list[str]:
    """The installed command next to this interpreter, else the module."""
    script = Path(sys.executable).with_name("agentcheck")
    return [str(script)] if script.exists() else [sys.executable, "-m", "agentcheck.cli"]


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `cmd` (which must succeed)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr}")
    return wall, usage.ru_utime + usage.ru_stime


def measure(name: str, cmd: list[str], runs: int, out_dir: Path | None = None) -> list[str]:
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(runs):
        if out_dir is not None:
            shutil.rmtree(out_dir, ignore_errors=True)
        wall, cpu = timed(cmd)
        walls.append(wall)
        cpus.append(cpu)
    idle = [w - c for w, c in zip(walls, cpus, strict=True)]

    def span(values: list[float]) -> str:
        return (f"{min(values):.2f} / {statistics.median(values):.2f} / "
                f"{max(values):.2f}")

    return [name, span(walls), span(cpus), f"{statistics.median(idle):.2f}"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each command (default 7)")
    args = parser.parse_args()
    base = agentcheck()
    with tempfile.TemporaryDirectory(prefix="agentcheck-startup-") as tmp:
        out = Path(tmp) / "run"
        rows = [
            measure("agentcheck --help", [*base, "--help"], args.runs),
            measure("agentcheck validate scenarios/", [*base, "validate", "scenarios/"],
                    args.runs),
            measure("agentcheck run, one scenario, 3 demo vendors",
                    [*base, "run", "--scenarios", SCENARIO, "--seed", "1", "--quiet",
                     "--out", str(out)], args.runs, out),
        ]
    headers = ["command", "wall s (min / median / max)", "CPU s (min / median / max)",
               "idle s (median)"]
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    print(f"{args.runs} runs each, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for row in [headers, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
