"""`run --plan` and `report --plan` through the real command on a real run of the demo
vendors: the decision in every report, the plan kept with the run, exit code 3 when no vendor
passes, and an edited plan re-judged without running any vendor again."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from ..helpers.cli import agentcheck
from ..helpers.paths import ROOT

PLAN = """\
name: cli test
vendors: [demo-agent, demo-chatbot]
scenarios: {{paths: ["{root}/scenarios/customer-service"]}}
trials: 3
seed: 4242
stages:
  - name: capability
    gates:
      - {{metric: tier, at_least: 2}}
      - {{metric: completion, at_least: 0.5}}
      - {{metric: no_flag, flag: unsafe_action}}
  - name: process fit
    gates:
      - {{metric: cost_per_completed_task_usd, at_most: {cost}}}
weights: {{capability: 2, cost: 1}}
"""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def planned_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("plan")
    plan = base / "evaluation.yaml"
    plan.write_text(PLAN.format(root=ROOT, cost=0.40))
    out = base / "run"
    done = agentcheck("run", "--plan", str(plan), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr + done.stdout
    assert "top choice: demo-agent" in done.stdout
    return plan, out


def test_run_plan_decides_and_keeps_the_plan(planned_run: tuple[Path, Path]) -> None:
    plan, out = planned_run
    run = json.loads((out / "run.json").read_text())
    assert run["plan"]["sha256"] == _sha(plan) == _sha(out / "plan.yaml")
    assert run["plan"]["vendors"] == {"demo-agent": "demo-agent", "demo-chatbot": "demo-chatbot"}
    assert run["trials"] == 3 and run["seed"] == 4242
    assert all(d == "customer-service" for d in run["plan"]["scenario_domains"].values())
    md = (out / "report.md").read_text()
    gates = md.split("## Decision: business gates")[1].split("## Decision: weighted")[0]
    assert "demo-agent passed every gate." in gates
    assert "demo-chatbot did not pass stage capability." in gates
    row = next(line for line in gates.splitlines() if line.startswith("| demo-chatbot")
               and "tier" in line)
    assert "not met" in row
    assert "Top choice: demo-agent." in md
    html = (out / "report.html").read_text()
    assert 'id="decision"' in html and 'id="decision-sensitivity"' in html
    assert agentcheck("verify", str(out)).returncode == 0  # plan.yaml is in the manifest


def test_an_edited_plan_no_one_passes_exits_3_without_running_a_vendor(
        planned_run: tuple[Path, Path], tmp_path: Path) -> None:
    plan, out = planned_run
    trials_before = _sha(out / "trials.jsonl")
    edited = tmp_path / "edited.yaml"
    edited.write_text(PLAN.format(root=ROOT, cost=0.0001))
    done = agentcheck("report", str(out), "--plan", str(edited), "--out", str(tmp_path / "r"))
    assert done.returncode == 3, done.stderr
    assert "no vendor passed every gate" in done.stderr
    assert "demo-agent: process fit: cost_per_completed_task_usd <= 0.0001 not met" in \
        done.stderr
    assert _sha(out / "trials.jsonl") == trials_before
    md = (tmp_path / "r" / "report.md").read_text()
    assert "Re-judged under an edited plan" in md
    assert "No vendor passed every gate" in md
    # the run's own plan still decides a plain re-render, and exits 0
    again = agentcheck("report", str(out), "--plan", str(plan), "--out", str(tmp_path / "s"))
    assert again.returncode == 0, again.stderr
    assert "Re-judged" not in (tmp_path / "s" / "report.md").read_text()


def test_an_edited_plan_naming_what_the_run_lacks_says_so(
        planned_run: tuple[Path, Path], tmp_path: Path) -> None:
    _, out = planned_run
    edited = tmp_path / "edited.yaml"
    edited.write_text(PLAN.format(root=ROOT, cost=0.4).replace(
        "[demo-agent, demo-chatbot]", "[demo-agent, demo-rpa]").replace(
        "scenarios/customer-service", "scenarios/finance-ap"))
    done = agentcheck("report", str(out), "--plan", str(edited), "--out", str(tmp_path / "r"),
                      "--lang", "zh-TW")
    md = (tmp_path / "r" / "report.md").read_text()
    assert "the plan names vendor 'demo-rpa', which this run does not have" in md
    assert "vendor 'demo-chatbot' of this run is not in the plan: left out" in md
    assert "which this run does not have" in md and "finance-ap" not in md.split("決策")[0]
    assert "決策：業務門檻" in md  # rendered in zh-TW
    assert done.returncode == 3  # none of the plan's scenarios ran: nothing can be met


def test_plan_errors_and_conflicting_flags_exit_2_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "evaluation.yaml"
    bad.write_text("vendors: [demo-agent]\nstages:\n  - name: s\n    gates:\n"
                   "      - {metric: completion, at_least: 70}\n")
    done = agentcheck("run", "--plan", str(bad), "--out", str(tmp_path / "run"))
    assert done.returncode == 2
    assert f"{bad}:5: stages[0].gates[0].at_least: completion ranges from 0 to 1" in done.stderr
    assert "Traceback" not in done.stderr
    good = tmp_path / "good.yaml"
    good.write_text(PLAN.format(root=ROOT, cost=0.4))
    done = agentcheck("run", "--plan", str(good), "--vendor", "demo-rpa")
    assert done.returncode == 2 and "--plan cannot be combined with --vendor" in done.stderr
    missing = tmp_path / "missing.yaml"
    missing.write_text("vendors: [demo-agent]\nscenarios: {paths: [nowhere/*.yaml]}\n")
    done = agentcheck("run", "--plan", str(missing), "--out", str(tmp_path / "run2"))
    assert done.returncode == 2
    assert f"{missing}:2: scenarios.paths[0]: no file matches" in done.stderr
    assert not (tmp_path / "run2" / "trials.jsonl").exists()
    nobody = tmp_path / "nobody.yaml"
    nobody.write_text("name: x\nvendors:\n  - demo-agent\n  - acme-nowhere\n")
    done = agentcheck("run", "--plan", str(nobody), "--out", str(tmp_path / "run3"))
    assert done.returncode == 2
    assert f"{nobody}:4: vendors[1]: unknown vendor 'acme-nowhere'" in done.stderr


def test_an_incomplete_run_passes_no_plan(planned_run: tuple[Path, Path], tmp_path: Path
                                          ) -> None:
    import shutil

    plan, out = planned_run
    copy = tmp_path / "run"
    shutil.copytree(out, copy)
    run = json.loads((copy / "run.json").read_text())
    (copy / "run.json").write_text(json.dumps({**run, "complete": False}))
    done = agentcheck("report", str(copy), "--plan", str(plan), "--out", str(tmp_path / "r"))
    assert done.returncode == 3
    assert "gate failed: incomplete run" in done.stderr
    (copy / "plan.yaml").unlink()  # the run's own plan gone: said, not silently skipped
    done = agentcheck("report", str(copy), "--out", str(tmp_path / "s"))
    assert "plan.yaml is missing: no decision" in done.stderr
    assert "Decision" not in (tmp_path / "s" / "report.md").read_text()


def test_a_case_pack_replay_is_judged_on_shadow_agreement(tmp_path: Path) -> None:
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "examples" / "case-packs" / "it-access", pack)
    env = {"AGENTCHECK_MASKING_KEY": "ab" * 32}
    exports = ROOT / "examples" / "case-packs" / "exports" / "it-access"
    done = agentcheck("import", str(exports / "requests.csv"), str(exports / "employees.csv"),
                      "--pack", str(pack), env=env)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "cases"
    done = agentcheck("run", "--cases", str(pack), "--sample", "20", "--seed", "7", "--out",
                      str(out), "--quiet", "--vendor", "demo-agent", "--vendor", "demo-chatbot",
                      env=env)
    assert done.returncode == 0, done.stderr
    plan = tmp_path / "shadow.yaml"
    plan.write_text("vendors: [demo-agent, demo-chatbot]\nstages:\n  - name: fit\n    gates:\n"
                    "      - {metric: shadow_agreement, at_least: 0.5}\n")
    done = agentcheck("report", str(out), "--plan", str(plan), "--out", str(tmp_path / "r"))
    md = (tmp_path / "r" / "report.md").read_text()
    row = next(line for line in md.splitlines() if line.startswith("| demo-chatbot")
               and "shadow" in line)
    assert "not met" in row and "changed nothing in any of 20 cases" in row
    agent = next(line for line in md.splitlines() if line.startswith("| demo-agent")
                 and "shadow" in line)
    assert "of 20 cases" in agent and "| met" in agent  # measured on the replay
    assert done.returncode == 0, done.stderr


def test_the_example_plan_runs_as_the_readme_says(tmp_path: Path) -> None:
    """README: the example plan runs against the demo vendors from the repository root; the
    demo agent passes every gate, the demo chatbot does not."""
    out = tmp_path / "run"
    done = agentcheck("run", "--plan", "examples/plans/evaluation.yaml", "--out", str(out),
                      "--quiet")
    assert done.returncode == 0, done.stderr
    assert "top choice: demo-agent" in done.stdout
    md = (out / "report.md").read_text()
    assert "demo-agent passed every gate." in md
    assert "demo-chatbot did not pass stage capability." in md


def test_trials_and_seed_on_the_command_line_override_the_plan(tmp_path: Path) -> None:
    plan = tmp_path / "evaluation.yaml"
    plan.write_text("vendors: [demo-agent]\nscenarios: {paths: [scenarios/customer-service/"
                    "refund-damaged-order.yaml]}\ntrials: 3\nseed: 1\n")
    out = tmp_path / "run"
    done = agentcheck("run", "--plan", str(plan), "--trials", "2", "--seed", "9", "--out",
                      str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    run = json.loads((out / "run.json").read_text())
    assert (run["trials"], run["seed"]) == (2, 9)
    assert len((out / "trials.jsonl").read_text().splitlines()) == 2
