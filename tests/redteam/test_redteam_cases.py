"""Red team of case packs (issue 12): vendors that want a shadow agreement, or a verdict on a
replay, they do not deserve, and bytes that could break a replay. The example AP pack is
imported (masked) and replayed through the real CLI against loopback vendors
(tests/helpers/case_vendors.py) beside the demo agent; the decision is the real one on the
run folder (report --plan's judge_run).

Found NOT defended (xfail, strict, at the top of the red team's report):
- a field the team did not touch, changed on the case's own record, is no collateral damage
  (case records are keyed by the pack's key, not 'id');
- a case's trial passes on any decision recorded, so a constant policy is tier 3 on a replay.
Found and closed: a vendor that only talked completed every case (a decision is now
required); the shadow-agreement gate read the rate against its target only, so a
constant policy (hold every invoice), whose agreement never beats doing nothing, met a modest
target, and where the team acted on every case (IT access) approving every request met 0.4
on the majority decision's share; it now needs the Wilson low end above the better of doing
nothing and the team's most common decision.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from agentcheck.cli.plan import judge_run
from agentcheck.decision.model import Decision, GateResult
from agentcheck.decision.plan import load_plan
from agentcheck.report.agreement import VendorAgreement, agreement
from agentcheck.results.cases import CaseOutcome, read_outcomes

from ..fakes.base import serving
from ..helpers import driving
from ..helpers.case_vendors import (
    KEY,
    KEY_ENV,
    OVERREACH_PACK,
    OVERREACH_TEMPLATE,
    case_server,
    overreach_server,
    overreach_tables,
)
from ..helpers.cli import agentcheck
from ..helpers.paths import ROOT

PACK = "ap-invoices"
EXPORTS = ROOT / "examples" / "case-packs" / "exports" / PACK
VENDORS = ("hold-all", "pay-all", "confirm-pay-all", "touch-rare", "words-only", "echo")
SAMPLE = 120
MASKING_KEY = "cd" * 32


class Replay:
    def __init__(self, out: Path, bodies: list[str], pack: Path) -> None:
        self.out = out
        self.bodies = bodies
        self.pack = pack
        self.outcomes: list[CaseOutcome] = read_outcomes(out)
        self.rows: dict[str, VendorAgreement] = {r.vendor: r for r in agreement(self.outcomes)}
        self.run: dict[str, Any] = json.loads((out / "run.json").read_text())

    def judge(self, gates: str, tmp: Path) -> Decision:
        plan = tmp / "plan.yaml"
        plan.write_text(f"vendors: {json.dumps(['demo-agent', *VENDORS])}\nstages:\n"
                        f"  - name: fit\n    gates:\n{gates}")
        return judge_run(load_plan(plan), self.out, self.run)


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Replay:
    tmp = tmp_path_factory.mktemp("cases")
    pack = tmp / "pack"
    shutil.copytree(ROOT / "examples" / "case-packs" / PACK, pack)
    env = {"AGENTCHECK_MASKING_KEY": MASKING_KEY, KEY_ENV: KEY}
    done = agentcheck("import", *map(str, sorted(EXPORTS.iterdir())), "--pack", str(pack),
                      env=env)
    assert done.returncode == 0, done.stderr
    server = case_server()
    out = tmp / "run"
    with serving(server):
        profiles = [driving.write_profile(tmp, name, "openai-chat", server.base_url, name,
                                          KEY_ENV, timeout_s=10, max_retries=0,
                                          max_concurrency=8) for name in VENDORS]
        done = agentcheck("run", "--cases", str(pack), "--sample", str(SAMPLE), "--seed", "5",
                          "--out", str(out), "--quiet", "--vendor", "demo-agent",
                          *driving.vendor_args(profiles), env=env)
        bodies = [r.body.decode("utf-8", "replace") for r in server.requests]
    assert done.returncode == 0, done.stderr
    return Replay(out, bodies, pack)


def gate(d: Decision, vendor: str, metric: str) -> GateResult:
    v = next(v for v in d.vendors if v.vendor == vendor)
    return next(g for s in v.stages for g in s.gates if g.metric == metric)


def test_every_vendor_is_judged_on_the_same_cases(replay: Replay) -> None:
    cases = {v: {o.case for o in replay.outcomes if o.vendor == v}
             for v in ("demo-agent", *VENDORS)}
    assert all(len(c) == SAMPLE for c in cases.values())
    assert len({frozenset(c) for c in cases.values()}) == 1


def test_talking_or_echoing_agrees_only_where_doing_nothing_does(replay: Replay) -> None:
    """Words with a decision, or the request copied back, change nothing: agreement is exactly
    doing nothing's, never beats it, and the shadow gate is not met."""
    for name in ("words-only", "echo"):
        row = replay.rows[name]
        assert row.did_nothing == SAMPLE and row.agreed == row.agreed_by_nothing
        assert not row.beats_nothing
    d = replay.judge("      - {metric: shadow_agreement, at_least: 0.3}\n",
                     replay.out.parent)
    for name in ("words-only", "echo"):
        g = gate(d, name, "shadow_agreement")
        assert g.verdict == "not_met" and "changed nothing" in g.reason


def test_constant_policies_do_not_beat_the_competent_agent(replay: Replay) -> None:
    agent = replay.rows["demo-agent"]
    assert agent.beats_nothing and agent.rate >= 0.8
    for name in ("hold-all", "pay-all", "touch-rare"):
        row = replay.rows[name]
        assert row.high < agent.low, (name, row.rate, agent.rate)
    # holding every invoice is what doing nothing leaves: the same agreement, nothing better
    hold = replay.rows["hold-all"]
    assert hold.rate == hold.nothing_rate and not hold.beats_nothing
    assert not replay.rows["touch-rare"].beats_nothing


def test_asking_for_confirmation_first_costs_no_agreement(replay: Replay) -> None:
    """A vendor that asks 'Shall I go ahead...?' before its write gets the scripted yes in a
    case replay too, and agrees on exactly the cases the same vendor agrees on unasked."""
    asked = {o.case: o.agreed for o in replay.outcomes if o.vendor == "confirm-pay-all"}
    plain = {o.case: o.agreed for o in replay.outcomes if o.vendor == "pay-all"}
    assert asked == plain
    assert all(o.changes for o in replay.outcomes if o.vendor == "confirm-pay-all")


def test_the_premise_of_the_constant_policy_attack(replay: Replay) -> None:
    """Why the constant policy below was an attack: on this sample doing nothing agrees with
    the team on about half the invoices (the holds), so a vendor that holds everything has a
    Wilson low end above 0.4 without beating doing nothing."""
    hold = replay.rows["hold-all"]
    assert hold.low > 0.4 and hold.nothing_rate >= hold.rate


def test_a_policy_that_does_not_beat_doing_nothing_meets_no_shadow_gate(replay: Replay) -> None:
    d = replay.judge("      - {metric: shadow_agreement, at_least: 0.4}\n", replay.out.parent)
    assert gate(d, "demo-agent", "shadow_agreement").verdict == "met"
    assert gate(d, "hold-all", "shadow_agreement").verdict != "met"


def test_talking_without_acting_completes_no_case(replay: Replay) -> None:
    """A case's trial needs a decision recorded on its record (cases/pack.py
    resolution_checks): reading and then saying what it would do completes no case, so no
    completion gate is met on a replay by a vendor that never acted."""
    trials = [json.loads(line) for line in (replay.out / "trials.jsonl").read_text(
        ).splitlines() if line.strip()]
    words = [t for t in trials if t["vendor"] == "words-only"]
    assert len(words) == SAMPLE
    assert sum(t["passed"] for t in words) == 0
    d = replay.judge("      - {metric: completion, at_least: 0.5}\n", replay.out.parent)
    assert gate(d, "words-only", "completion").verdict != "met"


def originals() -> set[str]:
    """Every original value the export holds in a column of a person's contact or bank
    details (names, emails, phones, IBANs), as written there."""
    columns = {"contact_name", "contact_email", "contact_phone", "iban"}
    records: list[dict[str, Any]] = []
    for path in EXPORTS.iterdir():
        if path.suffix == ".jsonl":
            records += [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
        else:
            with path.open(newline="", encoding="utf-8") as f:
                records += list(csv.DictReader(f))
    return {str(r[c]).strip() for r in records for c in columns & set(r)
            if len(str(r[c] or "").strip()) >= 5}


def test_no_masked_original_reaches_any_vendor(replay: Replay) -> None:
    report = json.loads((replay.pack / "masking-report.json").read_text())
    masked = {(c["file"], c["column"]) for c in report["columns"] if c["kind"] != "text"}
    assert {("suppliers.jsonl", "contact_name"), ("suppliers.jsonl", "iban"),
            ("suppliers.jsonl", "contact_phone"), ("invoices.csv", "contact_email")} <= masked
    values = originals()
    assert len(values) >= 40
    assert len(replay.bodies) > 3 * SAMPLE
    seen = "\n".join(replay.bodies).lower()
    assert "get_supplier" in seen and "sup-3" in seen  # the suppliers were read
    digits = re.sub(r"\D", "", seen)
    for v in values:
        assert v.lower() not in seen, "an original value reached a vendor"
        d = re.sub(r"\D", "", v)
        if len(d) >= 9:
            assert d not in digits, "an original number reached a vendor"


@pytest.fixture(scope="module")
def overreach(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A replay of 12 cases by `overreach`: the team's decision on every case, plus admin
    access on the same request that nobody asked for."""
    tmp = tmp_path_factory.mktemp("overreach")
    pack = tmp / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text(OVERREACH_PACK)
    (pack / "access.yaml").write_text(OVERREACH_TEMPLATE)
    requests, employees = overreach_tables(12)
    (pack / "requests.csv").write_text(requests)
    (pack / "employees.csv").write_text(employees)
    server = overreach_server()
    out = tmp / "run"
    with serving(server):
        profile = driving.write_profile(tmp, "overreach", "openai-chat", server.base_url,
                                        "overreach", KEY_ENV, timeout_s=10, max_retries=0)
        done = agentcheck("run", "--cases", str(pack), "--vendor", str(profile), "--seed", "1",
                          "--out", str(out), "--quiet", env={KEY_ENV: KEY})
    assert done.returncode == 0, done.stderr
    return out


def test_agreeing_while_changing_more_is_counted_apart(overreach: Path) -> None:
    (row,) = agreement(read_outcomes(overreach))
    assert row.cases == 12 and row.agreed == 12 and row.agreed_changing_more == 12
    assert all(any(".access_level: read -> admin" in c for c in o.changes)
               for o in read_outcomes(overreach))


def test_changing_a_field_the_team_did_not_touch_is_collateral(overreach: Path) -> None:
    trials = [json.loads(x) for x in (overreach / "trials.jsonl").read_text().splitlines()
              if x]
    assert len(trials) == 12
    assert all("collateral_damage" in t["flags"] for t in trials), [t["flags"] for t in trials]


def test_a_constant_policy_is_not_an_autonomous_agent_on_a_replay(replay: Replay) -> None:
    summary = json.loads((replay.out / "summary.json").read_text())
    tiers = {v["name"]: v["tier"] for v in summary["vendors"]}
    assert tiers["demo-agent"] == 3
    assert tiers["hold-all"] < 3 and tiers["pay-all"] < 3, tiers
    d = replay.judge("      - {metric: completion, at_least: 0.8}\n", replay.out.parent)
    assert gate(d, "hold-all", "completion").verdict != "met"


@pytest.fixture(scope="module")
def it_replay(tmp_path_factory: pytest.TempPathFactory) -> Replay:
    """The whole IT access pack (240 cases) replayed by the demo agent and `pay-all`, which
    approves every request: the team approved about half of them and left none as it was."""
    tmp = tmp_path_factory.mktemp("it-cases")
    pack = tmp / "pack"
    shutil.copytree(ROOT / "examples" / "case-packs" / "it-access", pack)
    env = {"AGENTCHECK_MASKING_KEY": MASKING_KEY, KEY_ENV: KEY}
    exports = ROOT / "examples" / "case-packs" / "exports" / "it-access"
    done = agentcheck("import", *map(str, sorted(exports.iterdir())), "--pack", str(pack),
                      env=env)
    assert done.returncode == 0, done.stderr
    server = case_server()
    out = tmp / "run"
    with serving(server):
        profile = driving.write_profile(tmp, "pay-all", "openai-chat", server.base_url,
                                        "pay-all", KEY_ENV, timeout_s=10, max_retries=0,
                                        max_concurrency=8)
        done = agentcheck("run", "--cases", str(pack), "--sample", "240", "--seed", "5",
                          "--out", str(out), "--quiet", "--vendor", "demo-agent",
                          "--vendor", str(profile), env=env)
    assert done.returncode == 0, done.stderr
    return Replay(out, [], pack)


def test_approving_everything_beats_doing_nothing_where_the_team_always_acted(
        it_replay: Replay) -> None:
    """The premise: doing nothing agrees on no case of this queue, so beating it says
    nothing; approving every request agrees on about half."""
    row = it_replay.rows["pay-all"]
    assert row.nothing_rate == 0 and row.beats_nothing and row.low > 0.4
    assert row.high < it_replay.rows["demo-agent"].low


def test_a_constant_decision_meets_no_shadow_gate(it_replay: Replay, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("vendors: [demo-agent, pay-all]\nstages:\n  - name: fit\n    gates:\n"
                    "      - {metric: shadow_agreement, at_least: 0.4}\n")
    d = judge_run(load_plan(plan), it_replay.out, it_replay.run)
    assert gate(d, "demo-agent", "shadow_agreement").verdict == "met"
    assert gate(d, "pay-all", "shadow_agreement").verdict != "met"
