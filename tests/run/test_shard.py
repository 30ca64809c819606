"""`run --shard I/N` and `merge`: three shards merged are the unsharded run (same trials, same
summary, same verdicts); shards of different evaluations are refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from agentcheck.cli import main
from agentcheck.results.cells import parse_shard, plan_cells, shard_cells

from ..helpers.paths import SCENARIOS
from ..helpers.shape import shape

FILES = ("customer-service/refund-damaged-order.yaml", "it-helpdesk/unlock-locked-account.yaml")
DETERMINISTIC = ("seed", "passed", "score", "checks", "dimensions", "flags", "call_sequence",
                 "termination", "error_cause", "model_calls", "tool_calls", "usage")
VERDICT = ("name", "tier", "tier_name", "tier_reasons", "capability_score", "capability_ci",
           "flags", "flag_counts", "completion_rate", "completion_ci", "pass_hat_k",
           "dimensions", "probe_pass_rates", "trials", "completed_tasks", "errors")


def run(*args: str) -> int:
    return main([*args])


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("library")
    for name in FILES:
        shutil.copy(SCENARIOS / name, root / Path(name).name)
    return root


def evaluate(library: Path, out: Path, *extra: str) -> int:
    return run("run", "--scenarios", str(library), "--trials", "2", "--seed", "9",
               "--concurrency", "8", "--out", str(out), "--quiet", *extra)


@pytest.fixture(scope="module")
def runs(library: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("runs")
    folders = {"whole": tmp / "whole", **{f"shard{i}": tmp / f"shard{i}" for i in (1, 2, 3)}}
    assert evaluate(library, folders["whole"]) == 0
    for i in (1, 2, 3):
        assert evaluate(library, folders[f"shard{i}"], "--shard", f"{i}/3") == 0
    folders["merged"] = tmp / "merged"
    assert run("merge", *(str(folders[f"shard{i}"]) for i in (3, 1, 2)),
               "--out", str(folders["merged"])) == 0
    return folders


def records(folder: Path) -> dict[tuple[str, str, int], dict[str, Any]]:
    out = {}
    for line in (folder / "trials.jsonl").read_text().splitlines():
        r = json.loads(line)
        out[(r["vendor"], r["scenario"], r["trial"])] = r
    return out


def summary(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "summary.json").read_text())
    return data


def test_shards_split_the_matrix_without_overlap_or_gap(runs: dict[str, Path]) -> None:
    whole = set(records(runs["whole"]))
    parts = [set(records(runs[f"shard{i}"])) for i in (1, 2, 3)]
    assert len(whole) == 3 * 2 * 2  # demo vendors x scenarios x trials
    assert set().union(*parts) == whole
    assert sum(len(p) for p in parts) == len(whole)
    assert max(len(p) for p in parts) - min(len(p) for p in parts) <= 1
    run_json = json.loads((runs["shard2"] / "run.json").read_text())
    assert run_json["shard"] == {"index": 2, "count": 3}


def test_merged_shards_are_the_unsharded_run(runs: dict[str, Path]) -> None:
    whole, merged = records(runs["whole"]), records(runs["merged"])
    assert sorted(merged) == sorted(whole)  # the same trials
    for key, r in whole.items():
        assert {k: merged[key][k] for k in DETERMINISTIC} == {k: r[k] for k in DETERMINISTIC}
    a, b = summary(runs["whole"]), summary(runs["merged"])
    assert shape(a) == shape(b)
    assert [{k: v[k] for k in VERDICT} for v in a["vendors"]] == \
        [{k: v[k] for k in VERDICT} for v in b["vendors"]]
    run_json = json.loads((runs["merged"] / "run.json").read_text())
    assert run_json["complete"] is True and "shard" not in run_json
    assert [m["shard"] for m in run_json["merged_from"]] == ["1/3", "2/3", "3/3"]
    for name in ("report.md", "report.csv", "report.html"):
        assert (runs["merged"] / name).exists()


def test_a_shard_resumes_as_itself(runs: dict[str, Path], library: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    before = (runs["shard2"] / "trials.jsonl").read_text()
    assert run("run", "--scenarios", str(library), "--resume", "--out", str(runs["shard2"]),
               "--quiet") == 0
    assert (runs["shard2"] / "trials.jsonl").read_text() == before  # nothing left to run
    assert run("run", "--scenarios", str(library), "--resume", "--out", str(runs["shard2"]),
               "--shard", "1/3", "--quiet") == 2
    assert "differs from the run's shard 2/3" in capsys.readouterr().err


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert run(*args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_merge_refuses_shards_of_different_evaluations(
        runs: dict[str, Path], library: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    s1, s2, s3 = (str(runs[f"shard{i}"]) for i in (1, 2, 3))
    other_seed = tmp_path / "seed10"
    assert run("run", "--scenarios", str(library), "--trials", "2", "--seed", "10", "--out",
               str(other_seed), "--quiet", "--shard", "2/3") == 0
    assert "seed differ" in refused(capsys, "merge", s1, str(other_seed), s3, "--out",
                                    str(tmp_path / "m1"))
    other_trials = tmp_path / "trials3"
    assert run("run", "--scenarios", str(library), "--trials", "3", "--seed", "9", "--out",
               str(other_trials), "--quiet", "--shard", "2/3") == 0
    assert "trials differ" in refused(capsys, "merge", s1, str(other_trials), s3, "--out",
                                      str(tmp_path / "m2"))
    edited = tmp_path / "edited"
    shutil.copytree(library, edited)
    path = edited / "refund-damaged-order.yaml"
    path.write_text(path.read_text() + "\n# edited\n")
    changed = tmp_path / "changed"
    assert run("run", "--scenarios", str(edited), "--trials", "2", "--seed", "9", "--out",
               str(changed), "--quiet", "--shard", "2/3") == 0
    assert "content hash) differ" in refused(capsys, "merge", s1, str(changed), s3, "--out",
                                             str(tmp_path / "m3"))
    assert "missing shard(s) 3/3" in refused(capsys, "merge", s1, s2, "--out",
                                             str(tmp_path / "m4"))
    assert "both shard 1/3" in refused(capsys, "merge", s1, s1, s2, s3, "--out",
                                       str(tmp_path / "m5"))
    assert "not run with --shard" in refused(capsys, "merge", str(runs["whole"]), "--out",
                                             str(tmp_path / "m6"))
    assert "already holds a run" in refused(capsys, "merge", s1, s2, s3, "--out",
                                            str(runs["merged"]))


def test_an_incomplete_shard_is_refused_unless_allowed(
        runs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cut = tmp_path / "cut"
    shutil.copytree(runs["shard3"], cut)
    lines = (cut / "trials.jsonl").read_text().splitlines(keepends=True)
    (cut / "trials.jsonl").write_text("".join(lines[:-1]))
    s1, s2 = str(runs["shard1"]), str(runs["shard2"])
    assert "1 trial(s) never finished" in refused(capsys, "merge", s1, s2, str(cut), "--out",
                                                  str(tmp_path / "m"))
    assert run("merge", s1, s2, str(cut), "--out", str(tmp_path / "m"),
               "--allow-incomplete") == 0
    assert "incomplete: 1 trial(s) missing" in capsys.readouterr().err
    assert json.loads((tmp_path / "m" / "run.json").read_text())["complete"] is False


def test_shard_arguments(library: Path, tmp_path: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_shard(" 2 / 4 ") == (2, 4)
    for bad in ("0/3", "4/3", "x", "1/0", "-1/2"):
        with pytest.raises(Exception, match="shard"):
            parse_shard(bad)
    assert "--shard needs --seed" in refused(
        capsys, "run", "--scenarios", str(library), "--out", str(tmp_path / "r"), "--shard",
        "1/2")


def test_the_deal_is_stable_and_balanced() -> None:
    cells = plan_cells(["a", "b", "c"], ["s1", "s2", "s3", "s4"], 5)
    for n in (1, 2, 3, 7, 60, 100):
        parts = [shard_cells(cells, i, n) for i in range(1, n + 1)]
        assert set().union(*parts) == set(cells)
        assert sum(map(len, parts)) == len(cells)
        assert max(map(len, parts)) - min(map(len, parts)) <= 1
    # the same cells deal the same way whatever order they come in
    assert shard_cells(list(reversed(cells)), 2, 3) == shard_cells(cells, 2, 3)
    # vendors mix across shards (a slow vendor does not land on one machine)
    assert all(len({v for v, _, _ in shard_cells(cells, i, 3)}) == 3 for i in (1, 2, 3))


def test_a_merge_without_a_shard_says_which_and_fails_the_gate(
        runs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "m"
    s1, s2 = str(runs["shard1"]), str(runs["shard2"])
    assert run("merge", s1, s2, "--out", str(out), "--allow-incomplete",
               "--fail-under-tier", "0") == 3
    missing = len(records(runs["shard3"]))
    what = f"merged without shard 3/3; {missing} of 12 planned trials never finished"
    captured = capsys.readouterr()
    assert f"incomplete: {missing} trial(s) missing (shard 3/3 missing)" in captured.err
    assert f"agentcheck: gate failed: incomplete run: {what}" in captured.err
    assert f"Incomplete run: {what}" in captured.out
    md = (out / "report.md").read_text()
    assert f"> **Incomplete run**: {what}" in md and "interrupted" not in md
    assert "resume the shards that did not finish" in md
    html = (out / "report.html").read_text()
    assert f"<b>Incomplete run:</b> {what}" in html and "interrupted" not in html


def test_a_complete_shard_passes_its_gate(runs: dict[str, Path], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A shard planned only its slice of the matrix: complete when that slice is."""
    assert run("report", str(runs["shard2"]), "--out", str(tmp_path / "r"),
               "--fail-under-tier", "0") == 0
    captured = capsys.readouterr()
    assert "gate failed" not in captured.err and "Incomplete run" not in captured.out
