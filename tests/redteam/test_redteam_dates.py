"""Red team of the new date scenarios (issue 14), as a fair referee: competent agents that
write dates another way ('3 May 2026', '2026年5月3日', a moment as '4 May 2026 at 14:30') or
ask for confirmation before their first write keep the verdict of the reference itself, on
the eight new scenarios over several seeds, through the real CLI against loopback vendors
(tests/helpers/date_vendors.py). The shortcuts (first date of the message, UTC instead of
local date, calendar instead of working days, cheapest without the rule) are played by
tests/scenario's own tests; here a shortcut that only changes how a date is *written* must not
change a verdict, and a wrong date written in any of these forms must still fail.

Closed: counting calendar days for the HR leave passed on the seeds (about half) whose next
week had no public holiday; next week now holds one or two on every seed.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest

from agentcheck.scenario.model import load_scenario, load_scenarios
from agentcheck.scenario.world import World

from ..fakes.base import serving
from ..helpers import driving
from ..helpers.cli import agentcheck
from ..helpers.date_vendors import KEY, KEY_ENV, date_server, reformat
from ..helpers.new_scenarios import NEW_SCENARIOS

VENDORS = ("competent", "dates-long", "dates-ja", "dates-off", "confirmer")
DATE_ANSWERS = ("post-accrual-outside-closed-period", "book-urgent-referral-within-14-days",
                "book-three-working-days-leave-from-next-monday",
                "send-non-renewal-notice-to-notices-address")
"""The new scenarios whose answer check names a date."""
TRIALS = 3


@pytest.fixture(scope="module")
def trials(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("dates")
    loaded, errors = load_scenarios(list(NEW_SCENARIOS))
    assert not errors and len(loaded) == len(NEW_SCENARIOS)
    server = date_server(loaded)
    out = tmp / "run"
    with serving(server):
        profiles = [driving.write_profile(tmp, name, "openai-chat", server.base_url, name,
                                          KEY_ENV, timeout_s=10, max_retries=0,
                                          max_concurrency=8) for name in VENDORS]
        scenarios = [a for p in NEW_SCENARIOS for a in ("--scenarios", str(p))]
        done = agentcheck("run", *driving.vendor_args(profiles), *scenarios, "--trials",
                          str(TRIALS), "--seed", "21",
                          "--out", str(out), "--quiet", env={KEY_ENV: KEY})
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in (out / "trials.jsonl").read_text().splitlines()
            if line.strip()]


def by(trials: list[dict[str, Any]], vendor: str) -> dict[tuple[str, int], dict[str, Any]]:
    return {(t["scenario"], t["trial"]): t for t in trials if t["vendor"] == vendor}


def test_the_reference_passes_every_new_scenario(trials: list[dict[str, Any]]) -> None:
    mine = by(trials, "competent")
    assert len(mine) == len(NEW_SCENARIOS) * TRIALS
    assert all(t["passed"] and not t["flags"] for t in mine.values()), [
        (k, t["flags"]) for k, t in mine.items() if not t["passed"] or t["flags"]]


@pytest.mark.parametrize("vendor", ["dates-long", "dates-ja", "confirmer"])
def test_another_way_of_working_keeps_every_trial(trials: list[dict[str, Any]],
                                                  vendor: str) -> None:
    control, mine = by(trials, "competent"), by(trials, vendor)
    assert mine.keys() == control.keys()
    lost = [(k, t.get("termination"), t["flags"], t.get("final_answer", "")[:200])
            for k, t in mine.items() if not t["passed"] or t["flags"]]
    assert not lost, lost
    for k, t in mine.items():
        assert t["score"] >= control[k]["score"] - 1e-9, (k, t["score"], control[k]["score"])


def test_the_vendors_really_worked_their_way(trials: list[dict[str, Any]]) -> None:
    """The fairness tests above mean something only if the answers held dates in those forms
    (no ISO date left) and the confirmer asked, and was answered, before every write."""
    for vendor, mark in (("dates-long", " 20"), ("dates-ja", "年")):
        answers = {k: t.get("final_answer") or "" for k, t in by(trials, vendor).items()}
        assert not any(re.search(r"\d{4}-\d{2}-\d{2}", a) for a in answers.values())
        assert all(mark in a for (sc, _), a in answers.items() if sc in DATE_ANSWERS), vendor
    for t in by(trials, "confirmer").values():
        kinds = [(e["type"], e.get("text") or "") for e in t["events"]]
        ask = next(i for i, (kind, text) in enumerate(kinds)
                   if kind == "assistant" and "Shall I go ahead" in text)
        assert kinds[ask + 1][0] == "user", t["scenario"]


def test_a_wrong_date_in_another_form_still_fails(trials: list[dict[str, Any]]) -> None:
    """A day late, written '4 May 2026': the answer check reads the form, not just the
    digits, and fails it on every scenario whose answer names a date."""
    off = by(trials, "dates-off")
    wrong = [t for (sc, _), t in off.items() if sc in DATE_ANSWERS]
    assert len(wrong) == len(DATE_ANSWERS) * TRIALS
    assert not [(t["scenario"], t["final_answer"][:120]) for t in wrong if t["passed"]]
    assert all(t["passed"] for (sc, _), t in off.items() if sc not in DATE_ANSWERS)


def test_reformatting_changes_only_how_dates_are_written() -> None:
    assert reformat("ends on 2026-05-03.", "long") == "ends on 3 May 2026."
    assert reformat("at 2026-05-04T14:30:00-04:00", "ja") == "at 2026年5月4日 14時30分"


HR_LEAVE = next(p for p in NEW_SCENARIOS if "three-working-days" in p.name)


def calendar_days_pass(seed: int) -> bool:
    """Book Monday to Wednesday of next week (three calendar days, holidays not looked up):
    do the scenario's outcome checks hold?"""
    world = World(load_scenario(HR_LEAVE), seed)
    assert world.clock is not None
    today = datetime.date.fromisoformat(world.clock["today"])
    monday = today + datetime.timedelta(days=(7 - today.weekday()) or 7)
    booked = world.call("book_leave", {
        "employee_id": world.data["employees"][0]["id"], "start_date": monday.isoformat(),
        "end_date": (monday + datetime.timedelta(days=2)).isoformat()})
    return booked.ok and all(world.check(c) for c in world.scenario.expect.outcome)


def test_counting_calendar_days_fails_on_every_seed() -> None:
    """Closed: next week holds one or two holidays among Tuesday to Thursday on every seed."""
    passed = [seed for seed in range(20) if calendar_days_pass(seed)]
    assert not passed, f"calendar days pass on seeds {passed}"
