"""What one trial's record costs to build and write: the runner's path from the scored fields
to the line in trials.jsonl (build the TrialRecord, serialise it, redact the line, write it).

Realistic records: the lines of a trials.jsonl (by default a fresh one-scenario run of the demo
vendors, a few KB each with their events) are read back as the plain fields the runner hands
over, then built and written N times; prints min and median per record over the repeats.

    python bench/record_cost.py                    # N = 1,000, 7 repeats
    python bench/record_cost.py --trials run/trials.jsonl -n 1000 --repeats 15
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from agentcheck.core.redaction import redact
from agentcheck.results.files import record_line
from agentcheck.results.records import TrialRecord

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = "scenarios/customer-service/refund-damaged-order.yaml"


def sample(path: Path | None) -> list[dict[str, Any]]:
    if path is None:
        out = Path(tempfile.mkdtemp()) / "run"
        subprocess.run([sys.executable, "-m", "agentcheck.cli", "run", "--scenarios", SCENARIO,
                        "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
        path = out / "trials.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def build(fields: dict[str, Any]) -> TrialRecord:
    """As the runner builds it (the trusted constructor where there is one)."""
    trusted = getattr(TrialRecord, "from_fields", None)
    return trusted(fields) if trusted is not None else TrialRecord.model_validate(fields)


def once(lines: list[dict[str, Any]], n: int) -> float:
    inputs = [json.loads(json.dumps(lines[i % len(lines)])) for i in range(n)]
    with open(os.devnull, "w", encoding="utf-8") as fh:
        start = time.perf_counter()
        for fields in inputs:
            fh.write(redact(record_line(build(fields))) + "\n")
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=Path, help="a trials.jsonl to take the records from")
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    lines = sample(args.trials)
    times = [once(lines, args.n) for _ in range(args.repeats)]
    size = statistics.mean(len(json.dumps(x, ensure_ascii=False)) for x in lines)
    print(f"{args.n} records (~{size / 1000:.1f} KB each): build + write per record "
          f"min {min(times) / args.n * 1e6:.1f} us, median "
          f"{statistics.median(times) / args.n * 1e6:.1f} us")


if __name__ == "__main__":
    main()
