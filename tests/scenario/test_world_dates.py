"""The trial's clock and lookups in a real World built from a scenario file: today fixed or
drawn per seed (never the machine's date), dates generated relative to it, the system prompt
saying it, date rules in guards, `set:`, `where:` and outcome checks, and lookups that hit, and
miss with a not_found tool error the vendor reads (never a crash)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from agentcheck.core.errors import ConfigError
from agentcheck.scenario.expr.dates import CLOCK
from agentcheck.scenario.model import load_scenario
from agentcheck.scenario.world import World

SCENARIO = """\
id: reroute
title: Reroute a shipment to a carrier option that arrives on time
version: 1
domain: logistics
probes: [chaining]
human_baseline: {minutes: 5}
system: "You work for a freight desk. Today is {{ today() }} ({{ weekday(today()) }})."
clock: CLOCK
world:
  shipments:
    - id: "{{ id('SHP') }}"
      promised: "{{ date_from_today(5, 9) }}"
      carrier: none
      tracking: null
  options:
    - {id: OPT-1, carrier: Fastline, tracking: FL-111,
       arrives: "{{ add_days(shipments[0].promised, -1) }}"}
    - {id: OPT-2, carrier: Slowboat, tracking: SB-222,
       arrives: "{{ add_days(shipments[0].promised, 2) }}"}
    - {id: OPT-3, carrier: Local, tracking: LC-333, arrives: "{{ business_date_from_today(1, 2) }}"}
tools:
  - name: list_options
    description: Carrier options that arrive by a date.
    parameters: {type: object, properties: {by: {type: string}}, required: [by]}
    effect:
      filter: options
      where: {arrives: {lte: "{{ args.by }}"}}
  - name: choose_option
    description: Book a carrier option for a shipment.
    parameters:
      type: object
      properties: {shipment_id: {type: string}, option_id: {type: string}}
      required: [shipment_id, option_id]
    guards:
      - check: "to_days(lookup('options', args.option_id).arrives) <= to_days(record.promised)"
        error: "option {{ args.option_id }} arrives after the promised date"
    effect:
      update: shipments
      where: {id: "{{ args.shipment_id }}"}
      set:
        carrier: "{{ lookup('options', args.option_id).carrier }}"
        tracking: "{{ lookup('options', args.option_id).tracking }}"
        booked_on: "{{ today() }}"
task:
  - user: "Shipment {{ shipments[0].id }} must arrive by {{ shipments[0].promised }}."
expect:
  outcome:
    - {path: "shipments[0].tracking", is: "{{ options[0].tracking }}"}
    - "to_days(shipments[0].booked_on) < to_days(shipments[0].promised)"
reference:
  - {call: choose_option, args: {shipment_id: "{{ shipments[0].id }}", option_id: OPT-1}}
"""


def world(tmp_path: Path, clock: str = "{today: 2026-05-08}", seed: int = 1) -> World:
    path = tmp_path / "reroute.yaml"
    path.write_text(SCENARIO.replace("CLOCK", clock), encoding="utf-8")
    return World(load_scenario(path), seed)


def test_a_fixed_clock_is_today_in_data_system_prompt_and_generators(tmp_path: Path) -> None:
    w = world(tmp_path)
    assert w.system_prompt() == "You work for a freight desk. Today is 2026-05-08 (friday)."
    promised = dt.date.fromisoformat(w.data["shipments"][0]["promised"])
    assert dt.date(2026, 5, 13) <= promised <= dt.date(2026, 5, 17)
    assert w.data["options"][0]["arrives"] == (promised - dt.timedelta(days=1)).isoformat()
    assert w.data["options"][2]["arrives"] in ("2026-05-11", "2026-05-12")  # over the weekend
    assert w.data[CLOCK] == [{"today": "2026-05-08", "now": "2026-05-08T09:00:00+00:00",
                              "timezone": "UTC"}]


def test_a_drawn_clock_changes_with_the_seed_and_keeps_to_weekdays(tmp_path: Path) -> None:
    clock = "{between: [2026-03-02, 2026-11-27], weekdays: true, timezone: Asia/Taipei}"
    todays = {world(tmp_path, clock, seed).clock["today"]  # type: ignore[index]
              for seed in range(12)}
    assert len(todays) > 6
    for today in todays:
        day = dt.date.fromisoformat(today)
        assert day.weekday() < 5 and dt.date(2026, 3, 2) <= day <= dt.date(2026, 11, 27)
    again = world(tmp_path, clock, 3)
    assert again.clock == world(tmp_path, clock, 3).clock
    assert again.clock is not None and again.clock["now"].endswith("T09:00:00+08:00")


def test_declaring_a_clock_leaves_the_other_generated_values_alone(tmp_path: Path) -> None:
    a = world(tmp_path, "{today: 2026-05-08}", 5).data["shipments"][0]["id"]
    b = world(tmp_path, "{between: [2026-01-05, 2026-12-18]}", 5).data["shipments"][0]["id"]
    assert a == b


def test_lookup_in_set_copies_the_facts_and_guards_compare_dates(tmp_path: Path) -> None:
    w = world(tmp_path)
    ship = w.data["shipments"][0]
    late = w.call("choose_option", {"shipment_id": ship["id"], "option_id": "OPT-2"})
    assert not late.ok and late.error_kind == "precondition"
    assert late.error == "option OPT-2 arrives after the promised date"
    ok = w.call("choose_option", {"shipment_id": ship["id"], "option_id": "opt-1"})
    assert ok.ok, ok.error
    assert ship["carrier"] == "Fastline" and ship["tracking"] == "FL-111"
    assert ship["booked_on"] == "2026-05-08"
    assert all(w.check(c) for c in w.scenario.expect.outcome)
    assert not any(w.check_initial(c) for c in w.scenario.expect.outcome)


def test_a_lookup_that_misses_is_a_not_found_tool_error(tmp_path: Path) -> None:
    w = world(tmp_path)
    ship = w.data["shipments"][0]
    missed = w.call("choose_option", {"shipment_id": ship["id"], "option_id": "OPT-404"})
    assert not missed.ok and missed.error_kind == "not_found"
    assert missed.error == "no options record has id 'OPT-404'"
    assert ship["tracking"] is None  # nothing changed


def test_where_compares_dates_from_arguments(tmp_path: Path) -> None:
    w = world(tmp_path)
    promised = w.data["shipments"][0]["promised"]
    found = w.call("list_options", {"by": promised})
    assert found.ok and {o["id"] for o in found.result} == {"OPT-1", "OPT-3"}
    assert w.call("list_options", {"by": "2026-05-01"}).result == []


@pytest.mark.parametrize(("clock", "message"), [
    ("{today: 2026-02-30}", "clock.today: Value error, '2026-02-30' is not a date"),
    ("{today: 2026-05-04, between: [2026-01-01, 2026-02-01]}", "exactly one of `today`"),
    ("{between: [2026-05-09, 2026-05-10], weekdays: true}", "no weekday in the range"),
    ("{between: [2026-05-09, 2026-05-01]}", "the first day comes after the last"),
    ("{today: 2026-05-04, timezone: Mars/Base}", "unknown time zone 'Mars/Base'"),
    ("{today: 2026-05-04, time: '25:00'}", "clock.time"),
    ("{today: 2026-05-04, tz: UTC}", "clock.tz: unknown field"),
])
def test_a_bad_clock_is_a_file_line_error(tmp_path: Path, clock: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        world(tmp_path, clock)
    text = err.value.render()
    assert "reroute.yaml:8:" in text and message.split(": Value error, ")[-1] in text, text


@pytest.mark.parametrize(("old", "new", "line", "message"), [
    ("clock: CLOCK\n", "", 7, "system: today() needs the scenario's clock: add `clock:"),
    ("clock: CLOCK\n", "", 11, "world.shipments[0].promised: date_from_today() needs"),
    ("option_id: OPT-1}", "option_id: \"{{ add_days(today(), 1) }}\"}", 51,
     "reference[0].args.option_id: today() in a reference solution: it has no clock"),
])
def test_reading_the_clock_where_there_is_none_is_a_file_line_error(
        tmp_path: Path, old: str, new: str, line: int, message: str) -> None:
    path = tmp_path / "reroute.yaml"
    text = SCENARIO.replace("clock: CLOCK", "clock: {today: 2026-05-08}") if old != \
        "clock: CLOCK\n" else SCENARIO
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_scenario(path)
    assert f"reroute.yaml:{line}: {message}" in err.value.render(), err.value.render()


def test_words_like_now_in_prose_are_not_clock_calls(tmp_path: Path) -> None:
    path = tmp_path / "reroute.yaml"
    path.write_text(SCENARIO.replace("clock: CLOCK\n", "").replace(
        "Today is {{ today() }} ({{ weekday(today()) }}).", "Act now (today) please.").replace(
        "{{ date_from_today(5, 9) }}", "2026-05-15").replace(
        "{{ business_date_from_today(1, 2) }}", "2026-05-11").replace(
        'booked_on: "{{ today() }}"', "booked_on: '2026-05-08'"), encoding="utf-8")
    assert load_scenario(path).clock is None


def test_the_vendor_is_sent_the_system_prompt_with_todays_date(tmp_path: Path,
                                                                vendor_server: Any) -> None:
    """Over real loopback HTTP: the system message a vendor reads says this trial's today, and
    a vendor quoting it is not taken to have made the date up."""
    import asyncio

    import httpx

    from agentcheck.run.runner import make_driver, run_one
    from agentcheck.vendors.profile import VendorProfile

    from ..fakes import openai_chat as vs

    path = tmp_path / "reroute.yaml"
    path.write_text(SCENARIO.replace("CLOCK", "{today: 2026-05-08}"), encoding="utf-8")
    sc = load_scenario(path)
    vendor_server.script(vs.answer("Nothing booked yet: today is 2026-05-08."))
    profile = VendorProfile(name="loop", protocol="openai-chat", base_url=vendor_server.base_url,
                            model="m", timeout_s=5.0, max_retries=0)

    async def main() -> Any:
        async with httpx.AsyncClient(trust_env=False, timeout=5) as client:
            return await run_one(profile, make_driver(profile, client), sc, 0, 1)

    record = asyncio.run(main())
    [request] = vendor_server.requests
    assert request.json["messages"][0] == {
        "role": "system",
        "content": "You work for a freight desk. Today is 2026-05-08 (friday)."}
    assert record["final_answer"] == "Nothing booked yet: today is 2026-05-08."
