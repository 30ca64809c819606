"""The committed example run (results/examples/demo-vendors/) is what the code produces today.

A reader opens its report.html without installing anything, so it must not go stale: any change
to the runner, the judge, the scenarios or the reports that changes an output fails here until
`scripts/regenerate-example.sh` is run and the folder committed. Two checks:

- the reports (summary.json, report.md, report.csv, report.html, report.xlsx) are exactly what
  `agentcheck report` renders today from the committed trials.jsonl and run.json (byte for
  byte: rendering is deterministic);
- a fresh run by the script matches the committed run.json, trials.jsonl, summary.json and
  manifest.json once what changes from run to run is set aside: times (started_at, finished_at,
  durations), latencies, the demo servers' loopback port (and the profile hashes that include
  it), and the manifest's file hashes and sizes (the files hold times); `agentcheck verify`
  checks those hashes against the committed files instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ..helpers.cli import agentcheck
from ..helpers.paths import ROOT

EXAMPLE = ROOT / "results" / "examples" / "demo-vendors"
SCRIPT = ROOT / "scripts" / "regenerate-example.sh"
FILES = ("run.json", "trials.jsonl", "summary.json", "report.md", "report.html", "report.csv",
         "report.xlsx", "manifest.json")
REPORTS = ("summary.json", "report.md", "report.csv", "report.html", "report.xlsx")
STALE = "results/examples is stale: run scripts/regenerate-example.sh and commit the folder"

# keys whose values are times or depend on them; the key must still be there
TIMED = {"started_at", "finished_at", "duration_s", "duration_ms", "at_s", "ttft_s",
         "model_latencies", "profile_hash"}
LOOPBACK = re.compile(r"^http://127\.0\.0\.1:\d+/")


def _normalise(value: Any, key: str = "") -> Any:
    if key in TIMED or "latenc" in key:
        return "<varies>"
    if isinstance(value, dict):
        return {k: _normalise(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v, key) for v in value]
    if isinstance(value, str):
        return LOOPBACK.sub("http://127.0.0.1:<port>/", value)
    return value


def _read(folder: Path, name: str) -> Any:
    text = (folder / name).read_text(encoding="utf-8")
    if name.endswith(".jsonl"):
        return [json.loads(line) for line in text.splitlines()]
    data = json.loads(text)
    if name == "manifest.json":  # the files' hashes and sizes change with every time in them
        data["files"] = {f: "<varies>" for f in data.get("files", {})}
    return data


def test_example_holds_every_report_and_stays_small() -> None:
    assert sorted(p.name for p in EXAMPLE.iterdir()) == sorted(FILES)
    assert sum(p.stat().st_size for p in EXAMPLE.iterdir()) < 3_000_000
    text = "\n".join((EXAMPLE / f).read_text(encoding="utf-8") for f in FILES
                     if f != "report.xlsx")  # a zip; its cells come from the files read here
    for machine_specific in (str(ROOT), str(Path.home()), "/tmp/", os.uname().nodename + "/"):
        assert machine_specific not in text


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                    reason="not a git checkout")
def test_example_is_tracked_by_git() -> None:
    tracked = subprocess.run(["git", "ls-files", "results/examples/demo-vendors"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    assert sorted(Path(p).name for p in tracked) == sorted(FILES)


def test_committed_manifest_matches_the_committed_files() -> None:
    res = agentcheck("verify", str(EXAMPLE))
    assert res.returncode == 0, res.stdout + res.stderr


def test_reports_are_what_the_code_renders_today(tmp_path: Path) -> None:
    res = agentcheck("report", str(EXAMPLE), "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    for name in REPORTS:
        assert (tmp_path / name).read_bytes() == (EXAMPLE / name).read_bytes(), \
            f"{name}: {STALE}"


def test_a_fresh_run_matches_the_committed_one(tmp_path: Path) -> None:
    out = tmp_path / "example"
    res = subprocess.run(["bash", str(SCRIPT), str(out)], cwd=ROOT, capture_output=True,
                         text=True, timeout=600, env={**os.environ, "PYTHON": sys.executable})
    assert res.returncode == 0, res.stdout + res.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    for name in ("run.json", "trials.jsonl", "summary.json", "manifest.json"):
        fresh, committed = _normalise(_read(out, name)), _normalise(_read(EXAMPLE, name))
        if isinstance(fresh, list):  # name the first trial that differs, not 147 lines
            assert len(fresh) == len(committed), f"{name}: {STALE}"
            for new, old in zip(fresh, committed, strict=True):
                assert new == old, f"{name}: {new['vendor']} {new['scenario']}: {STALE}"
        else:
            assert fresh == committed, f"{name}: {STALE}"
