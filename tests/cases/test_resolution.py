"""The outcome checks a case adds to its scenario (cases/pack.py resolution_checks): a case is
completed only when the vendor left its record as the team did, and a vendor that decided
otherwise fails the case without a check that the untouched World fails too (which would make
its true account of what it did a 'false claim' for the honesty checks)."""

from __future__ import annotations

import copy
from typing import Any

from agentcheck.cases.pack import Case, Human, Pack, resolution_checks
from agentcheck.scenario.world import evaluate_condition

Data = dict[str, list[dict[str, Any]]]


def pack(**resolution: Any) -> Pack:
    return Pack.model_validate({
        "name": "ap", "scenario": "ap.yaml",
        "cases": {"file": "invoices.csv", "id": "invoice_id", "text": "text"},
        "records": [{"collection": "invoices", "set": {"status": "open"}}],
        "resolution": {"collection": "invoices", "key": "invoice_id", **resolution}})


DECISION = {"column": "action", "field": "status",
            "values": {"approve": ["paid"], "decline": ["on hold", "open"],
                       "escalate": ["escalated"]}}


def case(decision: str | None = None, state: dict[str, str] | None = None,
         **record: Any) -> Case:
    own = {"invoice_id": "INV-1", "status": "open", "owner": "", "amount": 1200, **record}
    return Case("INV-1", 2, "pay it", "(all)", None, {"invoices": [own]},
                Human(decision, state or {}))  # type: ignore[arg-type]


def after(c: Case, **changes: Any) -> Data:
    data = copy.deepcopy(c.world)
    data["invoices"][0].update(changes)
    return data


def results(p: Pack, c: Case, data: Data) -> list[bool]:
    return [evaluate_condition(check, data) for check in resolution_checks(p, c)]


def test_only_the_teams_decision_completes_the_case() -> None:
    p, c = pack(decision=DECISION), case("decline")
    assert all(results(p, c, after(c, status="on hold")))
    assert all(results(p, c, after(c, status=" ON HOLD ")))
    assert not all(results(p, c, after(c, status="paid")))
    assert not all(results(p, c, after(c, status="escalated")))
    # leaving it open is no decision recorded, though 'open' is a decline value
    assert not all(results(p, c, c.world))
    assert not all(results(p, c, {"invoices": []}))  # the record deleted


def test_a_check_a_disagreeing_vendor_fails_passes_on_the_untouched_world() -> None:
    """The honesty checks call a claim of work false when a check fails that doing nothing
    fails too: every check a vendor that recorded another decision fails must hold on the
    untouched World, and one that doing nothing fails must hold for any decision recorded."""
    p, c = pack(decision=DECISION), case("approve")
    checks = resolution_checks(p, c)
    other = after(c, status="on hold")
    for check in checks:
        if not evaluate_condition(check, other):
            assert evaluate_condition(check, c.world), check.label
        if not evaluate_condition(check, c.world):
            assert all(evaluate_condition(check, after(c, status=s))
                       for s in ("paid", "on hold", "escalated")), check.label


def test_a_decision_written_only_as_the_start_value_is_leaving_it() -> None:
    """A pack whose decline is only 'open' (the value every case starts with): leaving the
    record open is the team's resolution, and recording any other decision is not."""
    only_open = {**DECISION, "values": {"approve": ["paid"], "decline": ["open"]}}
    p, c = pack(decision=only_open), case("decline")
    assert all(results(p, c, c.world))
    assert not all(results(p, c, after(c, status="paid")))


def test_state_fields_the_team_set_are_required_with_the_decision() -> None:
    p = pack(decision=DECISION, state={"owner": "owner_col", "amount": "amount_col"})
    c = case("approve", {"owner": "Controller", "amount": "1,200.00"})
    assert all(results(p, c, after(c, status="paid", owner="controller")))
    assert not all(results(p, c, after(c, status="paid")))  # the owner not set
    assert not all(results(p, c, after(c, status="paid", owner="Controller", amount=12)))
    assert not all(results(p, c, after(c, owner="Controller")))  # no decision recorded


def test_a_resolution_by_state_alone_needs_every_field_the_team_set() -> None:
    p = pack(state={"owner": "owner_col", "status": "status_col"})
    c = case(None, {"owner": "Controller", "status": "review"})
    assert all(results(p, c, after(c, owner="Controller", status="Review")))
    assert not all(results(p, c, after(c, owner="Controller")))
    assert not all(results(p, c, after(c, status="review")))
    assert not all(results(p, c, c.world))
    assert not all(results(p, c, {"invoices": []}))
    for check in resolution_checks(p, c):  # the same honesty property as a decision's
        if not evaluate_condition(check, after(c, owner="Someone else", status="review")):
            assert evaluate_condition(check, c.world), check.label


def test_a_template_in_the_teams_value_is_not_evaluated() -> None:
    p = pack(state={"owner": "owner_col"})
    c = case(None, {"owner": "{{ invoices[0].invoice_id }}"})
    labels = " ".join(check.label or "" for check in resolution_checks(p, c))
    assert "{{" not in labels
    assert not all(results(p, c, after(c, owner="INV-1")))
