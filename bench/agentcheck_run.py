"""Runs the real `agentcheck run` command in this process and reports what its run phase cost.

    python bench/agentcheck_run.py [--sample-every K] -- <agentcheck run arguments>

Everything the command does happens as usual (scenario loading, World, driver, HTTP, scoring,
trials.jsonl, summary.json, reports); this wrapper only times the runner's `execute` (the trials
and their summary) and, with --sample-every, records the resident memory every K finished
trials. It prints one JSON line on stdout after the command's own output. BENCH_FSYNC=inline
puts the per-trial disk sync back on the event loop, to measure what that costs.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import time
from typing import Any

import agentcheck.run.runner as runner
from agentcheck import cli

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE / 1e6


def inline_fsync() -> None:
    """For comparison: the disk sync done per trial on the event loop, as before results.py
    moved it to a background thread."""
    from agentcheck.core.redaction import redact
    from agentcheck.results import files as results

    def append(self: Any, record: Any) -> None:
        if self._fh is None:
            self._fh = self.trials_path.open("a", encoding="utf-8", errors="replace")
        self._fh.write(redact(results.record_line(record)) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    results.RunFolder.append = append  # type: ignore[method-assign]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--sample-every", type=int, default=0)
    p.add_argument("args", nargs=argparse.REMAINDER)
    a = p.parse_args()
    argv = a.args[1:] if a.args[:1] == ["--"] else a.args
    stats: dict[str, Any] = {"rss_samples": []}
    original = runner.execute

    def sample(event: dict[str, Any]) -> None:
        if event["done"] % a.sample_every == 0:
            stats["rss_samples"].append([event["done"], round(rss_mb(), 1)])

    async def timed(plan: Any, folder: Any, *args: Any, **kwargs: Any) -> Any:
        if a.sample_every:
            args, kwargs = (), {**kwargs, "progress": sample}
            stats["rss_samples"].append([0, round(rss_mb(), 1)])
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            return await original(plan, folder, *args, **kwargs)
        finally:
            stats["run_wall_s"] = time.perf_counter() - t0
            stats["run_cpu_s"] = time.process_time() - c0
            stats["rss_after_run_mb"] = round(rss_mb(), 1)

    runner.execute = timed
    if os.environ.get("BENCH_FSYNC") == "inline":
        inline_fsync()
    with contextlib.redirect_stdout(io.StringIO()) as out:
        code = cli.main(argv)
    if code != 0:
        sys.stderr.write(out.getvalue())
        sys.exit(code)
    folder = argv[argv.index("--out") + 1]
    stats.update(model_calls=0, trials=0, passed=0)
    with open(os.path.join(folder, "trials.jsonl"), encoding="utf-8") as fh:
        for line in fh:  # one at a time: the count must not raise the peak memory
            record = json.loads(line)
            stats["model_calls"] += record["model_calls"]
            stats["trials"] += 1
            stats["passed"] += record["passed"]
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
