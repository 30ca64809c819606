"""Dates and times in expressions: arithmetic across month ends, leap days and year ends,
business days over weekends, time zones crossing midnight, comparisons, clear errors; and the
arithmetic cross-checked on generated inputs against independent formulations in plain
`datetime`."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentcheck.scenario.expr import ExpressionError, matches, render, search
from agentcheck.scenario.expr.dates import CLOCK
from agentcheck.scenario.expr.errors import LookupMissing

CTX = {CLOCK: [{"today": "2026-05-04", "now": "2026-05-04T09:00:00-04:00",
                "timezone": "America/New_York"}],
       "orders": [{"id": "ORD-1", "due": "2026-05-01"}, {"id": "ORD-2", "due": "2026-06-30"}]}


@pytest.mark.parametrize(("expr", "value"), [
    ("today()", "2026-05-04"),
    ("now()", "2026-05-04T09:00:00-04:00"),
    ("add_days(today(), 3)", "2026-05-07"),
    ("add_days(today(), `-4`)", "2026-04-30"),
    ("add_days('2026-01-31', 1)", "2026-02-01"),  # month end
    ("add_days('2028-02-28', 1)", "2028-02-29"),  # leap day
    ("add_days('2028-02-29', 1)", "2028-03-01"),
    ("add_days('2027-02-28', 1)", "2027-03-01"),  # not a leap year
    ("add_days('2026-12-31', 1)", "2027-01-01"),  # year end
    ("add_days('2026-05-03T20:00:00-04:00', 1)", "2026-05-04T20:00:00-04:00"),
    ("add_months('2026-01-31', 1)", "2026-02-28"),
    ("add_months('2028-01-31', 1)", "2028-02-29"),
    ("add_months('2026-11-15', 3)", "2027-02-15"),
    ("add_months('2026-03-31', -1)", "2026-02-28"),
    ("month_end('2028-02-10')", "2028-02-29"),
    ("month_end('2026-12-01')", "2026-12-31"),
    ("month_start('2026-12-31')", "2026-12-01"),
    ("date(2028, 2, 29)", "2028-02-29"),
    ("weekday('2026-05-09')", "saturday"),
    ("next_weekday('2026-05-04', 'monday')", "2026-05-11"),  # strictly after a Monday
    ("next_weekday('2026-05-06', 'mon')", "2026-05-11"),
    ("add_business_days('2026-05-08', 1)", "2026-05-11"),  # Friday + 1 = Monday
    ("add_business_days('2026-05-09', 1)", "2026-05-11"),  # from a Saturday
    ("add_business_days('2026-05-11', -1)", "2026-05-08"),
    ("add_business_days('2026-05-09', 0)", "2026-05-11"),
    ("add_business_days('2026-12-24', 1, ['2026-12-25'])", "2026-12-28"),  # holiday skipped
    ("add_business_days('2026-12-31', 2)", "2027-01-04"),
    ("working_days('2026-05-08', '2026-05-12')", 3),  # Fri, Mon, Tue
    ("working_days('2026-05-09', '2026-05-10')", 0),
    ("working_days('2026-05-12', '2026-05-08')", 0),
    ("is_business_day('2026-05-09')", False),
    ("is_business_day('2026-12-25', ['2026-12-25'])", False),
    ("days_between('2028-02-28', '2028-03-01')", 2),
    ("days_between('2026-12-31', '2026-01-01')", -364),
    ("to_days('1970-01-02')", 1),
    ("to_days(orders[0].missing)", None),  # a missing field: null, so a condition is false
    ("to_days(orders[0].due) < to_days(today())", True),
    ("orders[?to_days(due) > to_days(root().orders[0].due)].id", ["ORD-2"]),
    # a moment in New York on the evening of May 3 is already May 4 in Taipei
    ("to_zone('2026-05-03T20:00:00-04:00', 'Asia/Taipei')", "2026-05-04T08:00:00+08:00"),
    ("local_date('2026-05-03T20:00:00-04:00', 'Asia/Taipei')", "2026-05-04"),
    ("local_date('2026-05-04T08:00:00+08:00', 'America/New_York')", "2026-05-03"),
    ("to_zone('2026-01-15T12:00:00Z', 'America/New_York')", "2026-01-15T07:00:00-05:00"),
    ("days_between('2026-05-03T20:00:00-04:00', '2026-05-04T08:00:00+08:00')", 0.0),
    ("to_days('2026-05-03T20:00:00-04:00') == to_days('2026-05-04T08:00:00+08:00')", True),
    ("at('2026-07-01', '10:30', 'America/Chicago')", "2026-07-01T10:30:00-05:00"),
    ("lookup('orders', 'ord-2').due", "2026-06-30"),  # ids compared as a clerk would
    ("lookup('orders', 'due', '2026-05-01').id", "ORD-1"),
    ("lookup('orders', orders[0].missing)", None),  # a null key: null, as a condition reads it
    ("at('2026-01-05', '10:30', 'America/Chicago')", "2026-01-05T10:30:00-06:00"),  # winter
    ("at('2026-05-04T23:00:00+08:00', '07:00')", "2026-05-04T07:00:00+00:00"),
])
def test_date_functions(expr: str, value: object) -> None:
    assert search(expr, CTX) == value


def test_templates_keep_dates_iso_and_fixed_days_work_in_conditions() -> None:
    assert render("due {{ add_business_days(today(), 2) }}", CTX) == "due 2026-05-06"
    assert render("{{ date(2026, 5, 3) }}", CTX) == "2026-05-03"  # not a generator here


@pytest.mark.parametrize(("actual", "expected", "result"), [
    ("2026-05-01", {"lt": "2026-05-04"}, True),
    ("2026-05-04", {"lte": "2026-05-04"}, True),
    ("2026-05-05", {"lte": "2026-05-04"}, False),
    ("2026-12-31", {"gt": "2026-02-28"}, True),
    ("2027-01-01", {"gt": "2026-12-31"}, True),
    # moments compare as instants: 20:00 in New York is after 07:00 the next day in Taipei
    ("2026-05-03T20:00:00-04:00", {"gt": "2026-05-04T07:00:00+08:00"}, True),
    ("2026-05-03T20:00:00-04:00", {"lt": "2026-05-04T09:00:00+08:00"}, True),
    ("2026-05-04T01:00:00+08:00", {"gte": "2026-05-04"}, True),  # a day by the moment's day
    ("soon", {"lt": "2026-05-04"}, False),
    ("2026-02-30", {"lt": "2026-05-04"}, False),  # not a real date: no order
    (5, {"gt": 3}, True),  # numbers unchanged
])
def test_order_operators_compare_iso_dates(actual: object, expected: object,
                                           result: bool) -> None:
    assert matches(actual, expected) is result


@pytest.mark.parametrize(("expr", "message"), [
    ("add_days('May 3', 1)", "must be an ISO date such as 2026-05-04, got 'May 3'"),
    ("add_days('2026-02-30', 1)", "is not a real date"),
    ("add_days('2026-05-03T20:00:00', 1)", "has no UTC offset"),
    ("add_days(today(), 'soon')", "must be a number, got 'soon'"),
    ("add_business_days(today(), 100000000)", "must be at most 36600"),
    ("to_zone(now(), 'Mars/Olympus')", "unknown time zone 'Mars/Olympus'"),
    ("to_zone(now(), '../../etc/passwd')", "IANA name"),
    ("next_weekday(today(), 'funday')", "weekday must be one of monday"),
    ("date(2027, 2, 29)", "day is out of range for month"),
    ("add_days(today())", "add_days() takes 2 arguments, got 1"),
    ("today(1)", "today() takes no arguments"),
])
def test_bad_dates_say_what_is_wrong(expr: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        search(expr, CTX)


def test_a_lookup_that_misses_names_what_it_looked_for() -> None:
    with pytest.raises(LookupMissing, match=r"^no orders record has id 'ORD-9'$"):
        search("lookup('orders', 'ORD-9')", CTX)
    with pytest.raises(ExpressionError, match="no collection 'order'"):
        search("lookup('order', 'ORD-1')", CTX)


def test_today_without_a_clock_says_how_to_declare_one() -> None:
    with pytest.raises(ExpressionError, match=r"needs the scenario's clock \(add `clock:"):
        search("today()", {"orders": []})


# ---------------------------------------------------------------- cross-checks (hypothesis)

days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))
steps = st.integers(min_value=-400, max_value=400)


@given(days, steps)
@settings(max_examples=300, deadline=None)
def test_add_days_and_days_between_agree_with_datetime(day: dt.date, n: int) -> None:
    got = search(f"add_days('{day}', `{n}`)", {})
    assert got == (day + dt.timedelta(days=n)).isoformat()
    assert search(f"days_between('{day}', '{got}')", {}) == n
    assert search(f"to_days('{day}')", {}) == day.toordinal() - dt.date(1970, 1, 1).toordinal()


@given(days, st.integers(min_value=-60, max_value=60))
@settings(max_examples=300, deadline=None)
def test_add_business_days_agrees_with_walking_the_calendar(day: dt.date, n: int) -> None:
    got = dt.date.fromisoformat(search(f"add_business_days('{day}', `{n}`)", {}))
    # reference: the n-th weekday strictly after (before) the day, found by a plain count
    direction = 1 if n >= 0 else -1
    weekdays_passed, probe = 0, day
    while weekdays_passed < abs(n):
        probe += dt.timedelta(days=direction)
        if probe.isoweekday() <= 5:
            weekdays_passed += 1
    if n == 0:
        while probe.isoweekday() > 5:
            probe += dt.timedelta(days=1)
    assert got == probe
    if n > 0:  # and the business days from the day after through it are exactly n
        after = day + dt.timedelta(days=1)
        assert search(f"working_days('{after}', '{got}')", {}) == n


@given(days, st.integers(min_value=-30, max_value=30))
@settings(max_examples=300, deadline=None)
def test_month_arithmetic_agrees_with_calendar(day: dt.date, n: int) -> None:
    end = dt.date.fromisoformat(search(f"month_end('{day}')", {}))
    first_of_next = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    assert end == first_of_next - dt.timedelta(days=1)
    got = dt.date.fromisoformat(search(f"add_months('{day}', `{n}`)", {}))
    assert (got.year * 12 + got.month) - (day.year * 12 + day.month) == n
    assert got.day == min(day.day, calendar.monthrange(got.year, got.month)[1])


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2080, 1, 1)),  # noqa: DTZ001
       st.sampled_from(["America/New_York", "Asia/Taipei", "Europe/London", "UTC",
                        "Australia/Lord_Howe", "Asia/Kolkata"]))
@settings(max_examples=300, deadline=None)
def test_time_zones_agree_with_zoneinfo(moment: dt.datetime, zone: str) -> None:
    from zoneinfo import ZoneInfo

    utc = moment.replace(tzinfo=dt.UTC, microsecond=0)
    got = search(f"to_zone('{utc.isoformat()}', '{zone}')", {})
    assert dt.datetime.fromisoformat(got) == utc  # the same instant
    assert got == utc.astimezone(ZoneInfo(zone)).isoformat()
    assert search(f"local_date('{utc.isoformat()}', '{zone}')", {}) == \
        utc.astimezone(ZoneInfo(zone)).date().isoformat()


@given(days, days)
@settings(max_examples=300, deadline=None)
def test_date_order_operators_agree_with_date_order(a: dt.date, b: dt.date) -> None:
    assert matches(a.isoformat(), {"lt": b.isoformat()}) is (a < b)
    assert matches(a.isoformat(), {"gte": b.isoformat()}) is (a >= b)


def test_bare_numbers_change_no_expression_jmespath_already_reads() -> None:
    """Every expression of the library that JMESPath itself parses gets the same tree from our
    parser (bare numbers only add meaning where JMESPath had a parse error)."""
    import re
    from pathlib import Path

    import jmespath
    from jmespath.exceptions import JMESPathError

    from agentcheck.scenario.expr import TEMPLATE_RE, compile_path

    library = Path(__file__).resolve().parents[2] / "scenarios"
    texts = [p.read_text(encoding="utf-8") for p in library.rglob("*.yaml")]
    bodies = {b.strip() for t in texts for b in TEMPLATE_RE.findall(t)}
    bodies |= {m.strip() for t in texts for m in re.findall(r'^\s+- "([^"{]+)"\s*$', t, re.M)}
    compared = 0
    for expr in bodies:
        try:
            stock = jmespath.compile(expr).parsed
        except JMESPathError:
            continue
        assert compile_path(expr).parsed == stock, expr
        compared += 1
    assert compared > 300
