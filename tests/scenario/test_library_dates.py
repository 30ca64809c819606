"""The library's date rules hold against the cheap ways past them: on every seed, the shortcut
a careless agent takes (compare in UTC, count calendar days, post on the invoice date, take the
earliest slot) either is refused by the World or leaves an outcome check failing, while the
rule's own answer passes. Played on real Worlds of the shipped scenarios."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from agentcheck.scenario.model import Scenario, load_scenario
from agentcheck.scenario.world import World

LIBRARY = Path(__file__).resolve().parents[2] / "scenarios"
SEEDS = range(8)


def scenario(path: str) -> Scenario:
    return load_scenario(LIBRARY / path)


def outcomes_hold(world: World) -> bool:
    return all(world.check(c) for c in world.scenario.expect.outcome)


@pytest.mark.parametrize("seed", SEEDS)
def test_reroute_in_utc_is_a_day_late_in_taipei(seed: int) -> None:
    sc = scenario("logistics/reroute-late-shipment-to-carrier-arriving-by-promised-date.yaml")
    naive, right = World(sc, seed), World(sc, seed)
    ship = naive.data["shipments"][0]
    options = [o for o in naive.data["carrier_options"] if o["shipment_id"] == ship["id"]]
    # the shortcut: the cheapest option whose UTC arrival date is not after the promised date
    on_time_in_utc = [o for o in options if o["eta_utc"][:10] <= ship["promised_by"]]
    cheapest = min(on_time_in_utc, key=lambda o: o["price_eur"])
    assert naive.call("reroute_shipment", {"shipment_id": ship["id"],
                                           "option_id": cheapest["id"]}).ok
    assert not outcomes_hold(naive)
    booked = right.call("reroute_shipment", {"shipment_id": ship["id"],
                                             "option_id": right.data["carrier_options"][1]["id"]})
    assert booked.ok and booked.result["tracking"] == right.data["carrier_options"][1]["tracking"]
    assert outcomes_hold(right)


@pytest.mark.parametrize("seed", SEEDS)
def test_leave_counted_in_calendar_days_misses_the_holidays(seed: int) -> None:
    sc = scenario("hr-leave/book-three-working-days-leave-from-next-monday.yaml")
    world = World(sc, seed)
    assert world.clock is not None
    today = dt.date.fromisoformat(world.clock["today"])
    monday = today + dt.timedelta(days=(7 - today.weekday()) or 7)
    employee = world.data["employees"][0]["id"]
    naive = {"employee_id": employee, "start_date": monday.isoformat(),
             "end_date": (monday + dt.timedelta(days=2)).isoformat()}
    booked = world.call("book_leave", naive)
    # Monday to Wednesday: refused when Wednesday is a holiday, else booked and wrong (a
    # holiday falls in it on every seed)
    assert not booked.ok or not outcomes_hold(world)
    # nor does a fixed answer pass on every seed: the last day is Thursday or Friday
    ends = {World(sc, s).data["plan"][0]["holidays"] in ("tue-wed", "wed-thu") for s in SEEDS}
    assert ends == {True, False}
    too_long = World(sc, seed).call("book_leave", {**naive, "end_date": (
        monday + dt.timedelta(days=9)).isoformat()})  # 5 or more working days
    assert not too_long.ok and "1 to 3 working days" in str(too_long.error)


@pytest.mark.parametrize("seed", SEEDS)
def test_accrual_on_the_invoice_date_or_into_a_closed_period_fails(seed: int) -> None:
    sc = scenario("finance-close/post-accrual-outside-closed-period.yaml")
    world = World(sc, seed)
    invoice = world.data["invoices"][0]
    entry = {"invoice_id": invoice["id"], "amount": invoice["amount"],
             "account": invoice["expense_account"]}
    closed = world.data["plan"][0]["service_month"] == "previous"
    month_end = World(sc, seed).call("post_accrual", {**entry, "posting_date": (
        dt.date.fromisoformat(invoice["service_date"]).replace(day=28)
        + dt.timedelta(days=4)).replace(day=1).isoformat()})  # the next month's 1st
    on_invoice_date = world.call("post_accrual", {**entry, "posting_date": invoice["invoice_date"]})
    assert on_invoice_date.ok and not outcomes_hold(world)
    if closed:  # into the closed service month: refused
        refused = World(sc, seed).call("post_accrual", {**entry, "posting_date": invoice[
            "service_date"]})
        assert not refused.ok and "is closed" in str(refused.error)
        assert month_end.ok  # the first day of the open period is the rule's answer
    else:
        assert month_end.ok


@pytest.mark.parametrize("seed", SEEDS)
def test_the_earliest_slot_is_a_friday_and_the_preferred_one_too_late(seed: int) -> None:
    sc = scenario("healthcare-administration/book-urgent-referral-within-14-days.yaml")
    referral = World(sc, seed).data["referrals"][0]["id"]
    for index, passes in ((0, False), (3, False), (4, False), (2, False), (1, True)):
        world = World(sc, seed)
        slot = world.data["slots"][index]
        assert world.call("book_appointment", {"referral_id": referral,
                                               "slot_id": slot["id"]}).ok
        assert outcomes_hold(world) is passes, (index, slot)
    missing = World(sc, seed).call("book_appointment", {"referral_id": referral,
                                                        "slot_id": "SLT-NOPE"})
    assert not missing.ok and missing.error == "no slots record has id 'SLT-NOPE'"
