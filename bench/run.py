"""agentcheck's overhead benchmark, in one command:

    python bench/run.py            # about 2 minutes on 2 cores
    python bench/run.py --quick    # one repeat, no 10,000-trial soak: about 30 s

A zero-latency OpenAI-compatible vendor runs in its own process (bench/vendor.py), so its CPU is
never counted as ours. Against it, side by side in one run, with the same chained 4-call task
(bench/scenarios/bench-refund-chain.yaml), N = 200 trials at concurrency 32:

- agentcheck: the real `agentcheck run` command, everything included (World, driver, HTTP,
  scoring, trials.jsonl flushed and fsynced per trial, summary.json, reports);
- the same with httpx's own transport instead of aiohttp's (AGENTCHECK_TRANSPORT=httpx), the
  choice the figures justify; and with the disk sync of trials.jsonl done per trial on the
  event loop (BENCH_FSYNC=inline) instead of on a background thread;
- a bare ~60-line asyncio loop doing the same calls on httpx's default pool, and on aiohttp.

CPU per model call is the whole process's CPU (user + system, from wait4) per *additional* call:
(CPU at N trials - CPU at N/10 trials) / (calls at N - calls at N/10), so start-up and one-off
costs cancel out; the median of the repeats is shown. Also measured: the CPU of the run phase
alone per call, wall time, peak memory (ru_maxrss); wall time against a 20 ms vendor versus the
ideal (calls x latency / concurrency); resident memory every 1,000 trials over 10,000 trials;
and the start-up time of `agentcheck --help` and `agentcheck validate scenarios/`.

Writes the figures as JSON (--json, default bench/results.json) and prints Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCENARIO_DIR = HERE / "scenarios"
PY = sys.executable
TARGET_CPU_MS = 0.5
TARGET_LATENCY_RATIO = 1.2
TARGET_STARTUP_S = 0.5
LATENCY_S = 0.020


def start_vendor() -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen([PY, str(HERE / "vendor.py")], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().split()
    if line[:1] != ["PORT"]:
        raise SystemExit("the benchmark vendor did not start")
    return proc, int(line[1])


def run_child(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one contender: its own JSON line, plus the kernel's account of the whole process
    (CPU and peak memory, from wait4 for this child only)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode()[-3000:]}")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    result.update(process_wall_s=wall, process_cpu_s=usage.ru_utime + usage.ru_stime,
                  peak_rss_mb=usage.ru_maxrss / 1024)
    return result


class Bench:
    def __init__(self, port: int, work: Path, concurrency: int) -> None:
        self.url = f"http://127.0.0.1:{port}/v1"
        self.work = work
        self.concurrency = concurrency
        self.runs = 0
        self.env = {"BENCH_API_KEY": "sk-bench-not-a-real-key-0123456789"}

    def profile(self, model: str) -> Path:
        # a key, so that redaction (keys kept out of every record) costs what it costs for real
        path = self.work / f"{model}.yaml"
        path.write_text(f"name: bench\nprotocol: openai-chat\nbase_url: {self.url}\n"
                        f"model: {model}\napi_key_env: BENCH_API_KEY\n"
                        f"max_concurrency: {self.concurrency}\nmax_retries: 0\n",
                        encoding="utf-8")
        return path

    def agentcheck(self, trials: int, model: str = "bench", transport: str = "aiohttp",
                   sample_every: int = 0, fsync: str = "thread") -> dict[str, Any]:
        self.runs += 1
        out = self.work / f"run{self.runs}"
        cmd = [PY, str(HERE / "agentcheck_run.py"), "--sample-every", str(sample_every), "--",
               "run", "--vendor", str(self.profile(model)), "--scenarios", str(SCENARIO_DIR),
               "--trials", str(trials), "--concurrency", str(self.concurrency), "--seed", "1",
               "--out", str(out), "--quiet"]
        result = run_child(cmd, {**self.env, "AGENTCHECK_TRANSPORT": transport,
                                 "BENCH_FSYNC": fsync})
        if result["passed"] != result["trials"] or result["trials"] != trials:
            raise SystemExit(f"agentcheck run did not pass every trial: {result}")
        return result

    def bare(self, client: str, trials: int, model: str = "bench") -> dict[str, Any]:
        cmd = [PY, str(HERE / "bare_loop.py"), self.url + "/chat/completions", "--client",
               client, "--trials", str(trials), "--concurrency", str(self.concurrency),
               "--model", model]
        return run_child(cmd)


def median(values: list[float]) -> float:
    return statistics.median(values)


def contender_figures(runs_small: list[dict[str, Any]], runs_big: list[dict[str, Any]]
                      ) -> dict[str, Any]:
    marginal = [(b["process_cpu_s"] - s["process_cpu_s"]) / (b["model_calls"] - s["model_calls"])
                for s, b in zip(runs_small, runs_big, strict=True)]
    return {
        "cpu_ms_per_call": 1000 * median(marginal),
        "run_cpu_ms_per_call": 1000 * median([b["run_cpu_s"] / b["model_calls"]
                                              for b in runs_big]),
        "run_wall_s": median([b["run_wall_s"] for b in runs_big]),
        "process_wall_s": median([b["process_wall_s"] for b in runs_big]),
        "peak_rss_mb": median([b["peak_rss_mb"] for b in runs_big]),
        "model_calls": runs_big[0]["model_calls"],
        "cpu_ms_per_call_runs": [round(1000 * m, 3) for m in marginal],
    }


def startup(argv: list[str], repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run([PY, "-m", "agentcheck.cli", *argv], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return median(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--trials", type=int, default=200)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--soak", type=int, default=10_000, help="trials of the memory soak (0: skip)")
    p.add_argument("--quick", action="store_true", help="one repeat, no soak")
    p.add_argument("--json", type=Path, default=HERE / "results.json")
    a = p.parse_args()
    if a.quick:
        a.repeats, a.soak = 1, 0
    small = max(a.trials // 10, 1)
    vendor, port = start_vendor()
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "trials": a.trials, "concurrency": a.concurrency, "repeats": a.repeats}
    try:
        with tempfile.TemporaryDirectory(prefix="agentcheck-bench-") as tmp:
            bench = Bench(port, Path(tmp), a.concurrency)
            contenders: dict[str, Callable[[int], dict[str, Any]]] = {
                "agentcheck": lambda n: bench.agentcheck(n),
                "agentcheck, httpx transport": lambda n: bench.agentcheck(n, transport="httpx"),
                "agentcheck, fsync per trial on the loop":
                    lambda n: bench.agentcheck(n, fsync="inline"),
                "bare loop, httpx default pool": lambda n: bench.bare("httpx", n),
                "bare loop, aiohttp": lambda n: bench.bare("aiohttp", n),
            }
            for fn in contenders.values():  # warm the OS caches and the vendor
                fn(small)
            runs: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {
                name: ([], []) for name in contenders}
            for _ in range(a.repeats):  # interleaved, so drift hits every contender alike
                for name, fn in contenders.items():
                    runs[name][0].append(fn(small))
                    runs[name][1].append(fn(a.trials))
            results["zero_latency"] = {name: contender_figures(*r) for name, r in runs.items()}
            # N as asked, and N = 10 x concurrency (whole waves: no half-empty last wave)
            lat: dict[str, Any] = {}
            for n in (a.trials, 10 * a.concurrency):
                calls = 4 * n
                ideal = calls * LATENCY_S / a.concurrency
                waves = -(-n // a.concurrency)  # trials run in waves of `concurrency`
                row: dict[str, Any] = {"trials": n, "calls": calls, "ideal_s": ideal,
                                       "wave_floor_s": waves * 4 * LATENCY_S}
                for name, fn in (("agentcheck",
                                  lambda n=n: bench.agentcheck(n, "bench-lat20")),
                                 ("agentcheck, fsync per trial on the loop",
                                  lambda n=n: bench.agentcheck(n, "bench-lat20",
                                                               fsync="inline")),
                                 ("bare loop, aiohttp",
                                  lambda n=n: bench.bare("aiohttp", n, "bench-lat20"))):
                    walls = [fn()["run_wall_s"] for _ in range(a.repeats)]
                    row[name] = {"run_wall_s": median(walls), "ratio": median(walls) / ideal}
                lat[str(n)] = row
            results["latency_20ms"] = lat
            if a.soak:
                soak = bench.agentcheck(a.soak, sample_every=1000)
                samples = soak["rss_samples"]
                after_first = [mb for n, mb in samples if n >= 1000]
                results["soak"] = {
                    "trials": a.soak, "rss_mb": samples,
                    "growth_after_first_1000_mb": round(max(after_first) - min(after_first), 1),
                    "rss_after_run_mb": soak["rss_after_run_mb"],
                    "peak_rss_mb": round(soak["peak_rss_mb"], 1),
                    "run_wall_s": soak["run_wall_s"],
                    "cpu_ms_per_call": 1000 * soak["run_cpu_s"] / soak["model_calls"]}
    finally:
        assert vendor.stdin is not None
        vendor.stdin.close()
        vendor.wait(timeout=10)
    results["startup_s"] = {"agentcheck --help": startup(["--help"]),
                            "agentcheck validate scenarios/": startup(["validate",
                                                                       "scenarios/"])}
    a.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(markdown(results))


def markdown(r: dict[str, Any]) -> str:
    zl = r["zero_latency"]
    ac = zl["agentcheck"]
    lines = [f"N = {r['trials']} trials x 4 model calls, concurrency {r['concurrency']}, "
             f"median of {r['repeats']}; {r['machine']['cpus']} CPUs, Python "
             f"{r['machine']['python']}", "",
             "| zero-latency vendor | CPU per model call | run-phase CPU per call | "
             "run wall time | peak memory |", "| --- | --- | --- | --- | --- |"]
    for name, f in zl.items():
        lines.append(f"| {name} | {f['cpu_ms_per_call']:.3f} ms | "
                     f"{f['run_cpu_ms_per_call']:.3f} ms | {f['run_wall_s']:.2f} s | "
                     f"{f['peak_rss_mb']:.0f} MB |")
    met = ac["cpu_ms_per_call"] <= TARGET_CPU_MS
    lines += ["", "| target | measured | verdict |", "| --- | --- | --- |",
              f"| agentcheck adds <= {TARGET_CPU_MS} ms CPU per model call | "
              f"{ac['cpu_ms_per_call']:.3f} ms | "
              + ("met" if met else f"missed by {ac['cpu_ms_per_call'] - TARGET_CPU_MS:.3f} ms")
              + " |"]
    for lat in r["latency_20ms"].values():
        ratio = lat["agentcheck"]["ratio"]
        lines.append(
            f"| 20 ms vendor, N = {lat['trials']}: wall <= {TARGET_LATENCY_RATIO}x ideal "
            f"({lat['calls']} x 20 ms / {r['concurrency']} = {lat['ideal_s']:.2f} s) | "
            f"{lat['agentcheck']['run_wall_s']:.2f} s = {ratio:.2f}x (with fsync on the loop "
            f"{lat['agentcheck, fsync per trial on the loop']['ratio']:.2f}x; bare aiohttp loop "
            f"{lat['bare loop, aiohttp']['ratio']:.2f}x; whole waves alone "
            f"{lat['wave_floor_s'] / lat['ideal_s']:.2f}x) | "
            + ("met" if ratio <= TARGET_LATENCY_RATIO else
               f"missed by {ratio - TARGET_LATENCY_RATIO:.2f}x") + " |")
    if "soak" in r:
        s = r["soak"]
        shown = ", ".join(f"{mb:.0f}" for _, mb in s["rss_mb"])
        lines.append(f"| memory flat over {s['trials']:,} trials (RSS every 1,000, MB) | "
                     f"{shown}; +{s['growth_after_first_1000_mb']:.1f} MB after the first "
                     f"1,000 (peak {s['peak_rss_mb']:.0f} MB, in the end-of-run summary) | "
                     + ("met" if s["growth_after_first_1000_mb"] <= 10 else "not flat") + " |")
    for name, secs in r["startup_s"].items():
        lines.append(f"| `{name}` < {TARGET_STARTUP_S} s | {secs:.2f} s | "
                     + ("met" if secs < TARGET_STARTUP_S else
                        f"missed by {secs - TARGET_STARTUP_S:.2f} s") + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
