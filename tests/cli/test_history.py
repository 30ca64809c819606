"""`agentcheck history`: three real runs made by the CLI, lined up over time.

The vendor `acme` is a loopback Chat Completions server whose profile's model picks a brain
(tests/helpers/brains.py): runs 1 and 2 declare model `competent` (a change of seed, no
significant change), run 3 declares `claimer`, a chatbot that claims the work is done (every
scenario lost: a significant drop, and the model change is marked). Its replies name a dated
snapshot of the model asked for, as hosted APIs do, and run 2's snapshot is a newer one: the
profile did not change, the model that answered did, and that is marked too. Between runs 2
and 3 one scenario's file is edited: its content hash changes, so it is named and left out of
the paired test; between runs 1 and 2 another scenario's file moves to a subfolder (same
bytes, same hash): still the same scenario. demo-chatbot runs beside it unchanged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from agentcheck.scenario.model import load_scenarios

from ..fakes.base import serving
from ..fakes.openai_chat import completion_body, tool_call
from ..fakes.openai_chat_stream import ChatServer, chat_json
from ..helpers import driving
from ..helpers.brains import Brain, chat_history
from ..helpers.cli import agentcheck
from ..helpers.paths import ROOT

KEY_ENV = "AGENTCHECK_TEST_HISTORY_KEY"
KEY = "sk-history-0123456789SECRET"
SCENARIOS = ("customer-service/refund-damaged-order", "scheduling/book-new-hire-orientation",
             "it-helpdesk/escalate-site-outage-ticket", "hr-onboarding/onboard-new-hire",
             "procurement/chase-unconfirmed-purchase-order",
             "sales-crm/close-won-renewal-opportunity",
             "supply-chain/cover-store-stockout-with-stock-transfer",
             "procurement/record-supplier-order-confirmation")
EDITED = "record-supplier-order-confirmation"  # its file changes before run 3
MOVED = "refund-damaged-order"  # its file moves before run 2


SNAPSHOTS = {1: "2026-05-01", 2: "2026-06-01", 3: "2026-06-01"}


def brain_vendor(brain: Brain, snapshot: dict[str, str]) -> Any:
    """Chat Completions answered by the brain the request's model names; the reply names
    the model with the current snapshot date."""
    def run(ex: Any) -> None:
        body = ex.req.json
        tools = {t["function"]["name"] for t in body.get("tools") or []}
        move = brain.move(body["model"], tools, chat_history(body["messages"]))
        calls = [tool_call(name, json.dumps(args)) for name, args in move.calls]
        chat_json(completion_body(move.text or None, tool_calls=calls or None,
                                  model=f"{body['model']}-{snapshot['date']}"))(ex)

    return run


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("history")
    scen = tmp / "scenarios"
    scen.mkdir()
    for s in SCENARIOS:
        shutil.copy(ROOT / "scenarios" / f"{s}.yaml", scen)
    loaded, errors = load_scenarios([scen])
    assert not errors and len(loaded) == len(SCENARIOS)
    server = ChatServer(api_key=KEY)
    snapshot = {"date": ""}
    server.fallback = brain_vendor(Brain(loaded), snapshot)
    results = tmp / "results"
    with serving(server):
        for i, model in enumerate(("competent", "competent", "claimer"), start=1):
            snapshot["date"] = SNAPSHOTS[i]
            if i == 2:
                (scen / "moved").mkdir()
                (scen / f"{MOVED}.yaml").rename(scen / "moved" / f"{MOVED}.yaml")
            if i == 3:
                path = scen / f"{EDITED}.yaml"
                text = path.read_text()
                path.write_text(text.replace("\ntitle: ", "\ntitle: (revised) ", 1))
            profile = driving.write_profile(tmp, "acme", "openai-chat", server.base_url, model,
                                            KEY_ENV, timeout_s=10, max_retries=1)
            res = agentcheck("run", "--vendor", str(profile), "--vendor", "demo-chatbot",
                             "--scenarios", str(scen), "--seed", str(i), "--out",
                             str(results / f"run{i}"), "--quiet", env={KEY_ENV: KEY})
            assert res.returncode == 0, res.stderr
    return results


def history_json(*args: str) -> dict[str, Any]:
    res = agentcheck("history", *args, "--json")
    assert res.returncode == 0, res.stderr
    data: dict[str, Any] = json.loads(res.stdout)
    return data


def vendor(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    points: list[dict[str, Any]] = next(v["points"] for v in data["vendors"]
                                        if v["name"] == name)
    return points


def test_runs_lined_up_by_date_from_a_folder_of_runs(runs: Path) -> None:
    # the folder of runs and a run folder named again: each run once, in date order
    data = history_json(str(runs), str(runs / "run2"))
    assert [Path(r["path"]).name for r in data["runs"]] == ["run1", "run2", "run3"]
    assert [v["name"] for v in data["vendors"]] == ["acme", "demo-chatbot"]
    assert all(len(v["points"]) == 3 for v in data["vendors"])


def test_a_new_seed_is_no_significant_change_a_lost_model_is(runs: Path) -> None:
    first, second, third = vendor(history_json(str(runs)), "acme")
    assert first["change"] is None and first["previous_run"] is None
    assert first["tier"] >= 2 and first["score"] > 80
    assert second["change"] == "no significant change" and not second["significant"]
    # the profile is the same; the snapshot its replies named is newer: marked
    assert second["profile_changes"] == {}
    assert [p["served_models"] for p in (first, second, third)] == [
        ["competent-2026-05-01"], ["competent-2026-06-01"], ["claimer-2026-06-01"]]
    assert second["model_changed"] is True
    assert third["change"] == "significantly worse" and third["significant"]
    assert third["p_adjusted"] < 0.05
    # the edited scenario is no longer the same scenario: only seven are paired
    assert third["paired_scenarios"] == len(SCENARIOS) - 1
    assert third["scenarios_worse"] == len(SCENARIOS) - 1
    assert third["score"] < 20 and third["tier"] == 0
    assert "hallucinated_actions" in third["flags_added"]
    assert third["model_changed"] is True
    assert third["profile_changes"]["model"] == ["competent", "claimer"]
    assert [p["model"] for p in (first, second, third)] == ["competent", "competent", "claimer"]


def test_an_unchanged_vendor_stays_unchanged(runs: Path) -> None:
    points = vendor(history_json(str(runs)), "demo-chatbot")
    assert [p["change"] for p in points[1:]] == ["no significant change"] * 2
    assert not any(p["model_changed"] or p["significant"] for p in points)
    assert all(p["flags_added"] == [] and p["flags_removed"] == [] for p in points)


def test_a_scenario_whose_hash_changed_is_named_and_not_compared(runs: Path) -> None:
    data = history_json(str(runs))
    changes = data["scenario_changes"]
    assert [(c["scenario"], c["change"], c["runs"]) for c in changes] == [
        (EDITED, "changed", [1, 2])]
    assert changes[0]["hash"][0] != changes[0]["hash"][1]
    assert data["unchanged_scenarios"] == [len(SCENARIOS), len(SCENARIOS) - 1]
    # the moved file is the same scenario: same hash, another path, paired in both steps
    paths = [{s["id"]: s["path"] for s in json.loads((runs / f"run{i}" / "run.json")
                                                     .read_text())["scenarios"]}
             for i in (1, 2)]
    assert paths[0][MOVED] != paths[1][MOVED]
    assert vendor(data, "acme")[1]["paired_scenarios"] == len(SCENARIOS)
    text = agentcheck("history", str(runs)).stdout
    assert f"{EDITED}: changed between run2 and run3" in text
    assert "a different scenario, not compared" in text


def test_console_table_marks_the_model_change(runs: Path) -> None:
    res = agentcheck("history", str(runs), "--vendor", "acme")
    assert res.returncode == 0, res.stderr
    assert "demo-chatbot" not in res.stdout
    row = next(line for line in res.stdout.splitlines() if line.startswith("run3"))
    assert "claimer [replies named claimer-2026-06-01] (changed)" in row
    assert "significantly worse" in row
    assert "acme: model or version changed at" in res.stdout
    assert "model 'competent' -> 'claimer'" in res.stdout
    assert ("the model its replies named: competent-2026-05-01 -> competent-2026-06-01"
            in res.stdout)


def test_out_writes_markdown_and_html_with_the_chart(runs: Path, tmp_path: Path) -> None:
    res = agentcheck("history", str(runs), "--out", str(tmp_path / "h"))
    assert res.returncode == 0, res.stderr
    md = (tmp_path / "h" / "history.md").read_text()
    html = (tmp_path / "h" / "history.html").read_text()
    assert "## acme" in md and "## demo-chatbot" in md
    assert "claimer \\[replies named claimer-2026-06-01\\] (changed)" in md
    assert "significantly worse" in md
    assert f"{EDITED}: changed between run2 and run3" in md
    assert html.count("<svg") == 2 and "model changed" in html
    assert "acme: score and tier over time" in html
    assert "<script" not in html  # no script: the page's policy allows none


def test_vendor_not_in_any_run(runs: Path) -> None:
    res = agentcheck("history", str(runs), "--vendor", "nobody")
    assert res.returncode == 2
    assert "no run has a vendor called 'nobody'" in res.stderr and "acme" in res.stderr
    assert "Traceback" not in res.stderr


def test_runs_under_other_private_variants_are_refused(runs: Path, tmp_path: Path) -> None:
    other = tmp_path / "run4"
    shutil.copytree(runs / "run3", other)
    data = json.loads((other / "run.json").read_text())
    data["variants"] = {"key_fingerprint": "0123abcd"}
    (other / "run.json").write_text(json.dumps(data))
    res = agentcheck("history", str(runs), str(other))
    assert res.returncode == 2
    assert "cannot line up" in res.stderr and "key fingerprint 0123abcd" in res.stderr
    assert "Traceback" not in res.stderr


def test_a_folder_with_no_runs(tmp_path: Path) -> None:
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    res = agentcheck("history", str(tmp_path / "empty"))
    assert res.returncode == 2
    assert f"no run folder under {tmp_path / 'empty'}" in res.stderr
    assert "Traceback" not in res.stderr
    res = agentcheck("history", str(tmp_path / "missing"))
    assert res.returncode == 2 and "no folder at" in res.stderr


def test_a_corrupt_run_json_names_the_file(runs: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(runs / "run1", bad)
    (bad / "run.json").write_text('{"seed": 1,')
    res = agentcheck("history", str(runs), str(bad))
    assert res.returncode == 2
    assert str(bad / "run.json") in res.stderr and "cannot read run.json" in res.stderr
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize(("edit", "field"), [
    ({"started_at": 5}, "started_at"),
    ({"started_at": "last tuesday"}, "started_at"),
    ({"scenarios": [{"id": "x"}]}, "scenarios[0].hash"),
    ({"vendors": {"name": "acme"}}, "vendors"),
])
def test_a_run_json_with_a_wrong_field_names_file_and_field(runs: Path, tmp_path: Path,
                                                            edit: dict[str, Any],
                                                            field: str) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(runs / "run1", bad)
    data = {**json.loads((bad / "run.json").read_text()), **edit}
    (bad / "run.json").write_text(json.dumps(data))
    res = agentcheck("history", str(bad))
    assert res.returncode == 2
    assert f"{bad / 'run.json'}: {field}: expected" in res.stderr
    assert "Traceback" not in res.stderr


PLAN = """name: quarterly check
vendors: [demo-agent, demo-chatbot]
scenarios:
  paths: [{paths}]
trials: {trials}
seed: 5
stages:
  - name: capability
    gates:
      - {{metric: tier, at_least: 2}}
      - {{metric: no_flag, flag: unsafe_action}}
weights: {{capability: 2, cost: 1}}
"""


@pytest.fixture(scope="module")
def plan_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two runs under a plan: 3 trials (too few to meet a gate), then 5."""
    tmp = tmp_path_factory.mktemp("plan-history")
    paths = ", ".join(str(ROOT / "scenarios" / f"{s}.yaml") for s in SCENARIOS[:2])
    for i, trials in enumerate((3, 5), start=1):
        plan = tmp / f"plan{i}.yaml"
        plan.write_text(PLAN.format(paths=paths, trials=trials))
        res = agentcheck("run", "--plan", str(plan), "--out", str(tmp / "runs" / f"run{i}"),
                         "--quiet")
        assert res.returncode in (0, 3), res.stderr  # 3: no vendor passed every gate
    return tmp / "runs"


def test_gates_of_each_run_under_its_plan(plan_runs: Path) -> None:
    data = history_json(str(plan_runs))
    agent, bot = vendor(data, "demo-agent"), vendor(data, "demo-chatbot")
    labels = [g["label"] for g in agent[0]["gates"]]
    assert len(labels) == 2 and all(p["plan"] == "quarterly check" for p in agent + bot)
    # 6 trials cannot meet a gate; 10 can: the agent passes the second run, never the bot
    assert [p["passed_all_gates"] for p in agent] == [False, True]
    assert [g["verdict"] for g in agent[1]["gates"]] == ["met", "met"]
    assert [p["passed_all_gates"] for p in bot] == [False, False]
    assert bot[1]["gates"][0]["verdict"] == "not_met"  # tier 0 against at least 2
    text = agentcheck("history", str(plan_runs), "--vendor", "demo-agent").stdout
    assert "gates met (plan)" in text and "2/2: passed (quarterly check)" in text


def test_no_gates_column_without_a_plan(runs: Path) -> None:
    assert "gates met" not in agentcheck("history", str(runs)).stdout
    assert all(p["plan"] is None and p["gates"] == []
               for v in history_json(str(runs))["vendors"] for p in v["points"])
