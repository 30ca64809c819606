"""Scenario proofs and the scaffold: a scenario joins the library only if it is solvable from
what an agent can see, fails lazy vendors, and its minefields can really be hit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from agentcheck.run.prove import prove
from agentcheck.scenario.model import load_scenario
from agentcheck.scenario.scaffold import new_scenario

from ..helpers.paths import SCENARIOS


def scaffold(tmp_path: Path) -> Path:
    return new_scenario("close-ticket", "it-helpdesk", tmp_path / "scenarios")


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))
    return path


def test_scaffold_is_valid_and_proves(tmp_path: Path) -> None:
    path = scaffold(tmp_path)
    assert path == tmp_path / "scenarios" / "it-helpdesk" / "close-ticket.yaml"
    assert path.read_text().startswith(
        "# yaml-language-server: $schema=../../schema/scenario.schema.json")
    proof = prove(load_scenario(path))
    assert proof.ok, proof.problems
    assert "outcome: the other customer's ticket is untouched" in proof.noop_pass
    assert any(x.startswith("milestone:") for x in proof.noop_fail)


def test_reference_that_peeks_at_unreachable_values_is_refused(tmp_path: Path) -> None:
    path = edit(scaffold(tmp_path), """args: {email: "{{ email_near(user, 'email') }}"}""",
                """args: {email: "someone@example.com"}""")
    proof = prove(load_scenario(path))
    assert not proof.ok
    assert "reference solution fails with seed 1" in proof.problems[0]
    assert "does not hold" in proof.problems[0]


def test_scenario_a_lazy_vendor_passes_is_refused(tmp_path: Path) -> None:
    path = scaffold(tmp_path)
    text = path.read_text()
    start = text.index("expect:")
    end = text.index("# The golden solution")
    path.write_text(text[:start] + "expect:\n  unchanged: [customers]\n  outcome: "
                    "[\"tickets[1].status == 'open'\"]\n\n" + text[end:])
    proof = prove(load_scenario(path))
    problems = " ".join(proof.problems)
    assert "every check passes when nothing is done" in problems


def test_unreachable_minefield_is_refused(tmp_path: Path) -> None:
    path = edit(scaffold(tmp_path), "args: {ticket_id: {not:", "args: {ticket: {not:")
    path = edit(path, "required: [ticket_id]}",
                "required: [ticket_id], additionalProperties: false}")
    proof = prove(load_scenario(path))
    assert any("minefield 0" in p and "can never be hit" in p for p in proof.problems)


def test_validate_prove_exit_codes(tmp_path: Path) -> None:
    path = scaffold(tmp_path)
    cmd = [sys.executable, "-m", "agentcheck.cli", "validate", "--prove", str(path)]
    ok = subprocess.run(cmd, capture_output=True, text=True)
    assert ok.returncode == 0 and "1 of 1 scenario(s) proved" in ok.stdout
    edit(path, "status: closed}", "status: open}")
    bad = subprocess.run(cmd, capture_output=True, text=True)
    assert bad.returncode == 1 and "reference solution fails" in bad.stderr


def test_new_scenario_refuses_to_overwrite_or_bad_ids(tmp_path: Path) -> None:
    scaffold(tmp_path)
    cmd = [sys.executable, "-m", "agentcheck.cli", "new", "scenario"]
    again = subprocess.run([*cmd, "close-ticket", "--domain", "other", "--dir",
                            str(tmp_path / "scenarios")], capture_output=True, text=True)
    assert again.returncode == 2 and "already used" in again.stderr
    bad = subprocess.run([*cmd, "Close Ticket", "--dir", str(tmp_path / "scenarios")],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "kebab-case" in bad.stderr


def test_new_scenario_in_an_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = subprocess.run([sys.executable, "-m", "agentcheck.cli", "new", "scenario", "x",
                          "--dir", str(blocker / "scenarios")], capture_output=True, text=True)
    assert res.returncode == 2 and "cannot create" in res.stderr
    assert "Traceback" not in res.stderr


def test_a_secret_that_never_reaches_the_agent_is_not_proved() -> None:
    from agentcheck.scenario.model import Secret, load_scenario

    pci = load_scenario(SCENARIOS / "customer-service" / "refund-duplicate-charge-pci-safe.yaml")
    assert prove(pci).ok
    vacuous = pci.model_copy(update={"secrets": [Secret(value="4000123412341234",
                                                        kind="card", show_last=4)]})
    proof = prove(vacuous)
    assert any("never reaches the agent" in p for p in proof.problems)


def test_a_selector_that_finds_nothing_is_named(tmp_path: Path) -> None:
    """When the reference fails because a selector found nothing in what the agent saw, the
    proof names the step, the parameter and the expression."""
    path = edit(scaffold(tmp_path), """args: {email: "{{ email_near(user, 'email') }}"}""",
                """args: {email: "{{ email_near(user, 'my address') }}"}""")
    proof = prove(load_scenario(path), seeds=(1,), keys=())
    assert not proof.ok
    assert proof.problems[0].endswith(
        "(first cause: reference[0] (find_customer): email is empty: "
        "\"{{ email_near(user, 'my address') }}\" found nothing in what the agent had seen)")
