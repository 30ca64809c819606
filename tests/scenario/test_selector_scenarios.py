"""The four scenarios written with the reference selectors (contracts, security operations,
facilities, travel): an agent that does every step right passes, and the same agent with the one
plausible wrong choice each task sets up (the first date of the message, the cheapest record
without the rule, the riskiest asset whatever it is, a termination instead of a non-renewal)
fails."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from agentcheck.scenario.model import load_scenario
from agentcheck.scenario.world import World

from ..helpers.paths import SCENARIOS
from ..helpers.scripted import call, play, say

Turns = Callable[[dict[str, list[dict[str, Any]]], bool], list[Any]]


def facilities(w: dict[str, list[dict[str, Any]]], wrong: bool) -> list[Any]:
    site, fault, con = w["sites"][0], w["faults"][0], w["contractors"]
    # wrong: the cheapest registered engineer, without checking the registration on the day
    chosen = con[4] if wrong else con[2]
    return [call("list_sites"), call("list_contractors", trade="heating"),
            call("create_work_order", site_id=site["id"], contractor_id=chosen["id"],
                 visit_date=fault["visit_on"], description="Boiler failed, please repair."),
            say(f"Booked {chosen['company']} for {fault['visit_on']}.")]


def facilities_first_date(w: dict[str, list[dict[str, Any]]], wrong: bool) -> list[Any]:
    """The date a regex would take (the first of the message: the day of the breakdown)."""
    site, fault, con = w["sites"][0], w["faults"][0], w["contractors"]
    day = fault["reported_on"] if wrong else fault["visit_on"]
    return [call("list_contractors", trade="heating"),
            call("create_work_order", site_id=site["id"], contractor_id=con[2]["id"],
                 visit_date=day, description="Boiler failed, please repair."),
            say(f"Booked {con[2]['company']} for {day}.")]


def contracts(w: dict[str, list[dict[str, Any]]], wrong: bool) -> list[Any]:
    ctr, sup = w["contracts"][0], w["suppliers"][0]
    kind = "termination" if wrong else "non_renewal"
    return [call("search_contracts"), call("get_contract_clauses", contract_id=ctr["id"]),
            call("send_contract_notice", contract_id=ctr["id"], kind=kind,
                 to=sup["legal_email"], body="We will not renew this agreement."),
            call("set_auto_renew", contract_id=ctr["id"], auto_renew=False),
            say(f"Notice sent; the subscription ends on {ctr['renewal_date']}.")]


def contracts_copy_address(w: dict[str, list[dict[str, Any]]], wrong: bool) -> list[Any]:
    """The account manager copied in the same sentence of the Notices clause."""
    ctr, sup = w["contracts"][0], w["suppliers"][0]
    to = sup["account_manager_email"] if wrong else sup["legal_email"]
    return [call("get_contract_clauses", contract_id=ctr["id"]),
            call("send_contract_notice", contract_id=ctr["id"], kind="non_renewal", to=to,
                 body="We will not renew this agreement."),
            call("set_auto_renew", contract_id=ctr["id"], auto_renew=False),
            say(f"Notice sent; the subscription ends on {ctr['renewal_date']}.")]


def security(w: dict[str, list[dict[str, Any]]], wrong: bool) -> list[Any]:
    alert, assets = w["alerts"][0], w["assets"]
    # wrong: the riskiest linked asset, which is the file server
    target = assets[0] if wrong else assets[2]
    turns = [call("get_alert", alert_id=alert["id"]),
             call("list_alert_assets", alert_id=alert["id"]),
             call("isolate_host", asset_id=target["id"], reason="Containment per runbook.")]
    if not wrong:
        turns.append(call("create_ticket", queue="infrastructure", asset_id=assets[0]["id"],
                          summary="Linked to the macro alert; please assess."))
    return [*turns, call("update_alert", alert_id=alert["id"], status="escalated",
                         severity="high"),
            say(f"Isolated {target['hostname']} and escalated {alert['id']}.")]


def travel(w: dict[str, list[dict[str, Any]]], wrong: bool) -> list[Any]:
    trip, flights = w["trips"][0], w["flights"]
    # wrong: the cheapest economy flight, which lands on the meeting day
    chosen = flights[0] if wrong else flights[2]
    return [call("get_trip", trip_id=trip["id"]),
            call("search_flights", destination=trip["destination"]),
            call("book_flight", trip_id=trip["id"], flight_id=chosen["id"]),
            say(f"Booked flight {chosen['flight_number']}.")]


CASES: list[tuple[str, Turns]] = [
    ("facilities/book-cheapest-certified-engineer-for-boiler-repair.yaml", facilities),
    ("facilities/book-cheapest-certified-engineer-for-boiler-repair.yaml",
     facilities_first_date),
    ("contracts/send-non-renewal-notice-to-notices-address.yaml", contracts),
    ("contracts/send-non-renewal-notice-to-notices-address.yaml", contracts_copy_address),
    ("security-operations/triage-macro-alert-isolate-riskiest-workstation.yaml", security),
    ("travel/book-cheapest-in-policy-flight-landing-before-meeting-day.yaml", travel),
]


@pytest.mark.parametrize(("path", "turns"), CASES, ids=[t.__name__ for _, t in CASES])
@pytest.mark.parametrize("seed", [1, 7])
def test_the_right_choice_passes_and_the_plausible_wrong_one_fails(path: str, turns: Turns,
                                                                   seed: int) -> None:
    scenario = load_scenario(SCENARIOS / path)
    initial = World(scenario, seed).initial
    _, _, right = play(scenario, turns(initial, False), seed)
    assert right.passed, [(c.name, c.reason) for c in right.checks if not c.passed]
    _, _, wrong = play(scenario, turns(initial, True), seed)
    assert not wrong.passed
    assert wrong.score < right.score
