"""`agentcheck compare RUN_A RUN_B`: what changed between two runs, and whether a change in a
vendor's results is significant."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from agentcheck.cli import main
from agentcheck.report.compare import compare_runs, compare_text

from ..helpers.report_fixtures import (
    NO_VERDICT_VENDORS,
    SCENARIOS,
    make_records,
    no_verdict_records,
    write_run,
)

CHANGED = "reschedule-meeting"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("compare")
    # run A: acme passes everything, steady fails everything
    a = make_records({"acme": 1.0, "steady": 0.0}, trials=2)
    # run B: acme (new version) now fails everything, steady unchanged, newbie added;
    # one scenario changed its content between the runs
    b = make_records({"acme": 0.0, "steady": 0.0, "newbie": 1.0}, trials=2)
    write_run(root / "a", a, ["acme", "steady"], trials=2)
    write_run(root / "b", b, ["acme", "steady", "newbie"], trials=2,
              versions={"acme": "2.0"}, scenario_hashes={CHANGED: "0123456789abcdef"})
    return root / "a", root / "b"


def test_compare_finds_vendor_and_scenario_changes(runs: tuple[Path, Path]) -> None:
    result = compare_runs(*runs)
    changes = {c["vendor"]: c for c in result["vendor_changes"]}
    assert changes["acme"]["change"] == "changed"
    assert changes["acme"]["fields"] == {"version": ["1.0", "2.0"]}
    assert changes["newbie"]["change"] == "added" and "steady" not in changes
    (scen,) = result["scenario_changes"]
    assert scen["scenario"] == CHANGED and scen["change"] == "changed"
    assert scen["hash"][1] == "0123456789abcdef"
    assert result["unchanged_scenarios"] == len(SCENARIOS) - 1


def test_compare_scores_tiers_and_significance(runs: tuple[Path, Path]) -> None:
    result = compare_runs(*runs)
    vendors = {v["vendor"]: v for v in result["vendors"]}
    assert set(vendors) == {"acme", "steady"}  # only vendors in both runs
    acme = vendors["acme"]
    assert acme["capability_score"][0] == 100.0 and acme["score_change"] < -50
    assert acme["completion_rate"] == [1.0, 0.0]
    # worse on all 7 unchanged scenarios (the changed one is left out): exact p = 2/2^7,
    # Holm over the two vendors doubles the smallest p
    assert acme["paired_scenarios"] == 7 and acme["scenarios_worse"] == 7
    assert acme["p_value"] == pytest.approx(2 / 128)
    assert acme["p_adjusted"] == pytest.approx(4 / 128)
    assert acme["significant"] and acme["verdict"] == "significantly worse"
    assert len(acme["changed_scenarios"]) == 7
    steady = vendors["steady"]
    assert steady["verdict"] == "no significant change" and steady["p_value"] == 1.0
    assert steady["flags_added"] == steady["flags_removed"] == []


def test_compare_text_reads_plainly(runs: tuple[Path, Path]) -> None:
    text = compare_text(compare_runs(*runs))
    assert "acme: changed (version: '1.0' -> '2.0')" in text
    assert "newbie: added" in text
    assert f"{CHANGED}: changed (version 1, hash " in text and "left out" in text
    assert "significantly worse" in text and "no significant change" in text
    assert "100 -> " in text


def test_compare_command(runs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    a, b = runs
    assert main(["compare", str(a), str(b)]) == 0
    assert "significantly worse" in capsys.readouterr().out
    assert main(["compare", str(a), str(b), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {v["vendor"] for v in data["vendors"]} == {"acme", "steady"}
    assert main(["compare", str(a), str(a.parent / "nope")]) == 2
    assert "no run folder" in capsys.readouterr().err


def test_demo_vendors_on_a_new_port_are_not_a_change(tmp_path: Path) -> None:
    recs = make_records({"demo": 1.0}, trials=1)
    a = write_run(tmp_path / "a", recs, ["demo"], trials=1)
    b = write_run(tmp_path / "b", recs, ["demo"], trials=1)
    for folder, port in ((a, 41001), (b, 41002)):
        run = json.loads((folder / "run.json").read_text())
        run["vendors"][0]["base_url"] = f"http://127.0.0.1:{port}/v1"
        (folder / "run.json").write_text(json.dumps(run))
    assert compare_runs(a, b)["vendor_changes"] == []


def test_a_vendor_that_is_not_comparable_gets_its_reason_and_no_test(tmp_path: Path) -> None:
    """No verdict in one run: the tier column gives the reason (as README promises), and the
    scenario count and p are a dash, not "+0/-0 of 8" and "1" from a test never meant to run;
    nor does it take a place in the Holm family of the vendors that are compared."""
    before = make_records(dict.fromkeys(NO_VERDICT_VENDORS, 0.9), trials=3, seed=11)
    write_run(tmp_path / "a", before, list(NO_VERDICT_VENDORS))
    write_run(tmp_path / "b", no_verdict_records(), list(NO_VERDICT_VENDORS))
    result = compare_runs(tmp_path / "a", tmp_path / "b")
    deltas = {d["vendor"]: d for d in result["vendors"]}
    steady = deltas.pop("steady")
    assert steady["p_adjusted"] == steady["p_value"]  # alone in its family: nothing to adjust
    text = compare_text(result)
    for name, d in deltas.items():
        assert d["p_adjusted"] is None and d["significant"] is False
        reason = d["no_verdict"][1]
        row = next(line for line in text.splitlines() if line.startswith(name + " "))
        cells = re.split(r" {2,}", row)
        assert cells[2].endswith(f" -> no verdict: {reason}"), cells
        assert cells[7:] == ["-", "-", f"not comparable: no verdict in B ({reason})"], cells
    broken = next(line for line in text.splitlines() if line.startswith("broken "))
    assert re.split(r" {2,}", broken)[4] == "^3 38% -> -"  # no scored trial: no pass^k
    row = next(line for line in text.splitlines() if line.startswith("steady "))
    assert re.search(r"\+\d+/-\d+ of \d+ +\d", row)
