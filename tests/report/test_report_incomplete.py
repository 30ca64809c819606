"""An incomplete run (interrupted, trials that never finished, vendors that never ran, a shard
left out of a merge) says so, naming what is missing, in the console, report.md and
report.html; and it never passes a CI gate (exit 3, one line on stderr), since the vendors that
never ran are not in its summary to fail it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from agentcheck.cli import main

from ..helpers.report_fixtures import make_records, write_run

VENDORS = ["acme", "globex", "initech"]
NEVER_RAN = ("interrupted; 48 of 72 planned trials never finished (globex, initech: none "
             "finished)")


def edit_run(folder: Path, **changes: Any) -> Path:
    path = folder / "run.json"
    run = json.loads(path.read_text())
    for key, value in changes.items():
        if value is None:
            run.pop(key, None)
        else:
            run[key] = value
    path.write_text(json.dumps(run))
    return folder


@pytest.fixture
def interrupted(tmp_path: Path) -> Path:
    """Three vendors planned, Ctrl-C before two of them finished a trial; acme, the one that
    did, is a tier 3 agent that clears any bar."""
    folder = write_run(tmp_path / "run", make_records({"acme": 1.0}, trials=3), VENDORS)
    return edit_run(folder, complete=False)


@pytest.mark.parametrize("gate", [["--fail-under-tier", "3"], ["--fail-under", "50"],
                                  ["--fail-under", "0", "--fail-under-tier", "0"]])
def test_an_interrupted_run_fails_every_gate(interrupted: Path, gate: list[str],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(interrupted), *gate]) == 3
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"agentcheck: gate failed: incomplete run: {NEVER_RAN}"]
    assert re.search(r"^acme +3 autonomous agent", captured.out, re.M)  # acme clears the bar


def test_the_console_says_the_run_is_incomplete(interrupted: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(interrupted)]) == 0  # no gate asked for: nothing fails
    out = capsys.readouterr().out
    table, rest = out.split("\nIncomplete run: ", 1)
    assert rest.startswith(f"{NEVER_RAN}.\n")
    assert "acme" in table


def test_reports_name_what_is_missing(interrupted: Path) -> None:
    main(["report", str(interrupted)])
    md = (interrupted / "report.md").read_text()
    assert f"> **Incomplete run**: {NEVER_RAN}. These numbers cover only the trials" in md
    assert "agentcheck run --resume --out RUN\\_DIR" in md
    html = (interrupted / "report.html").read_text()
    assert f'<section class="warn"><b>Incomplete run:</b> {NEVER_RAN}.' in html


def test_trials_missing_from_a_run_not_marked_interrupted(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    """A crash leaves run.json without `complete`; a hand-cut trials.jsonl leaves it true:
    either way fewer trials than planned is incomplete."""
    records = make_records({"acme": 1.0, "globex": 1.0}, trials=3)
    records = [r for r in records if not (r["vendor"] == "globex" and r["trial"] == 2)]
    for complete in (None, True):
        folder = edit_run(write_run(tmp_path / f"r{complete}", records, ["acme", "globex"]),
                          complete=complete)
        assert main(["report", str(folder), "--fail-under-tier", "0"]) == 3
        err = capsys.readouterr().err
        assert err == ("agentcheck: gate failed: incomplete run: 8 of 48 planned trials never "
                       "finished (globex: 16 of 24 finished)\n")
        assert "> **Incomplete run**: 8 of 48 planned" in (folder / "report.md").read_text()


def test_interrupted_after_the_last_trial_is_still_interrupted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = edit_run(write_run(tmp_path / "r", make_records({"acme": 1.0}, trials=3),
                                ["acme"]), complete=False)
    assert main(["report", str(folder), "--fail-under", "0"]) == 3
    assert capsys.readouterr().err == "agentcheck: gate failed: incomplete run: interrupted\n"


def test_a_complete_run_passes_and_says_nothing(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_run(tmp_path / "r", make_records({"acme": 1.0}, trials=3), ["acme"])
    assert main(["report", str(folder), "--fail-under-tier", "3"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "Incomplete" not in captured.out
    assert "Incomplete run" not in (folder / "report.md").read_text()
    assert "Incomplete run" not in (folder / "report.html").read_text()


def test_a_run_json_without_its_plan_still_names_vendors_that_never_ran(tmp_path: Path) -> None:
    from agentcheck.report.completeness import completeness

    run = {"vendors": [{"name": "acme"}, {"name": "globex"}]}
    summary = {"acme": 3}
    state = completeness(run, summary)
    assert not state.complete and state.text() == "no trial finished for globex"
    assert completeness({"vendors": [{"name": "acme"}]}, summary).complete


def test_a_shard_is_complete_when_its_own_slice_is() -> None:
    from agentcheck.report.completeness import completeness
    from agentcheck.results.cells import plan_cells, shard_cells

    run = {"vendors": [{"name": v} for v in VENDORS], "scenarios": [{"id": "s1"}, {"id": "s2"}],
           "trials": 2, "shard": {"index": 2, "count": 3}, "complete": True}
    mine = shard_cells(plan_cells(VENDORS, ["s1", "s2"], 2), 2, 3)
    done = {v: sum(1 for c in mine if c[0] == v) for v in VENDORS}
    summary = {v: n for v, n in done.items() if n}
    assert completeness(run, summary).complete
    summary[next(iter(summary))] -= 1
    state = completeness(run, summary)
    assert not state.complete and state.planned == len(mine) == state.finished + 1
