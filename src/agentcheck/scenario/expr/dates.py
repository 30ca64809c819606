"""Dates and times in scenario expressions. A date in the World is what a vendor sees in JSON:
an ISO string, "2026-05-04" for a day, "2026-05-04T09:30:00-04:00" for a moment (always with
its offset). JMESPath compares only numbers with `<`, so conditions compare dates through
`to_days(d)` (days since 1970-01-01, fractional for a moment) or `days_between(a, b)`; the
matchers (`{lte: ...}`) compare two ISO values directly.

Every trial has a simulated "today" (the scenario's `clock`), read by `today()` and `now()`.
Business days are Monday to Friday, minus the holidays a call lists. Time zones are IANA names
(`zoneinfo`), named in the data.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agentcheck.scenario.expr.errors import ExpressionError

CLOCK = "@clock"
"""The World's entry holding the trial's clock, `[{today, now, timezone}]`: in the data every
expression is evaluated over, so `today()` answers wherever the World is (a list of one record,
like a collection, that nothing changes)."""
EPOCH = dt.date(1970, 1, 1)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_SPAN_DAYS = 36_600
"""Largest day count date arithmetic accepts (a century): a hostile `add_business_days(d, 1e9)`
must not loop for hours."""
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                         r"(?:Z|[+-]\d{2}:?\d{2})?")


def is_iso(value: Any) -> bool:
    """Is `value` an ISO day or moment (what the matchers compare as dates)?"""
    return isinstance(value, str) and bool(_ISO_DAY.fullmatch(value)
                                            or _ISO_MOMENT.fullmatch(value))


def parse(value: Any, what: str = "date") -> dt.date | dt.datetime:
    """An ISO day ("2026-05-04") as a date, an ISO moment as an aware datetime."""
    if isinstance(value, str):
        text = value.strip()
        try:
            if _ISO_DAY.fullmatch(text):
                return dt.date.fromisoformat(text)
            if _ISO_MOMENT.fullmatch(text):
                moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
                if moment.tzinfo is None:
                    raise ExpressionError(f"{what} {value!r} has no UTC offset (write "
                                          "2026-05-04T09:30:00-04:00, or a day alone)")
                return moment
        except ValueError as exc:
            raise ExpressionError(f"{what} {value!r} is not a real date: {exc}") from None
    raise ExpressionError(f"{what} must be an ISO date such as 2026-05-04, got {value!r}")


def day_of(value: Any, what: str = "date") -> dt.date:
    """The day of an ISO day or moment (a moment's day as written, in its own offset)."""
    parsed = parse(value, what)
    return parsed.date() if isinstance(parsed, dt.datetime) else parsed


def iso(value: dt.date | dt.datetime) -> str:
    return value.isoformat()


def _count(n: Any, what: str = "days") -> int:
    if isinstance(n, str):
        try:
            n = float(n.strip())
        except ValueError:
            raise ExpressionError(f"{what} must be a number, got {n!r}") from None
    if isinstance(n, bool) or not isinstance(n, (int, float)) or n != int(n):
        raise ExpressionError(f"{what} must be a whole number, got {n!r}")
    if abs(n) > MAX_SPAN_DAYS:
        raise ExpressionError(f"{what} must be at most {MAX_SPAN_DAYS} in size, got {n!r}")
    return int(n)


def zone(name: Any) -> ZoneInfo:
    """An IANA time zone ('America/New_York'), or an ExpressionError naming it."""
    if not isinstance(name, str) or not name or ".." in name or name.startswith("/"):
        raise ExpressionError(f"time zone must be an IANA name such as 'Asia/Taipei', got "
                              f"{name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ExpressionError(f"unknown time zone {name!r} (an IANA name such as "
                              "'America/New_York')") from None


def holidays_of(values: Any) -> frozenset[dt.date]:
    if values is None:
        return frozenset()
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        raise ExpressionError("holidays must be a list of ISO dates")
    return frozenset(day_of(v, "holiday") for v in values)


def is_business_day(day: dt.date, holidays: frozenset[dt.date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_days(value: Any, n: Any) -> str:
    parsed = parse(value)
    try:
        return iso(parsed + dt.timedelta(days=_count(n)))
    except OverflowError:
        raise ExpressionError(f"{value!r} plus {n} days is out of range") from None


def add_months(value: Any, n: Any) -> str:
    """Calendar months; the day is kept, or the month's last day when it has fewer (Jan 31 +
    1 month = Feb 28 or 29)."""
    parsed = parse(value)
    months = parsed.month - 1 + _count(n, "months")
    year = parsed.year + months // 12
    if not 1 <= year <= 9999:
        raise ExpressionError(f"{value!r} plus {n} months is out of range")
    month = months % 12 + 1
    day = min(parsed.day, calendar.monthrange(year, month)[1])
    return iso(parsed.replace(year=year, month=month, day=day))


def add_business_days(value: Any, n: Any, holidays: Any = None) -> str:
    """The n-th business day after (n < 0: before) the day; the day itself never counts.
    n = 0 gives the day, or the next business day when it is not one."""
    day, steps, off = day_of(value), _count(n), holidays_of(holidays)
    step = 1 if steps >= 0 else -1
    try:
        if steps == 0:
            while not is_business_day(day, off):
                day += dt.timedelta(days=1)
            return iso(day)
        left = abs(steps)
        while left:
            day += dt.timedelta(days=step)
            if is_business_day(day, off):
                left -= 1
    except OverflowError:
        raise ExpressionError(f"{value!r} plus {n} business days is out of range") from None
    return iso(day)


def working_days(start: Any, end: Any, holidays: Any = None) -> int:
    """Business days from start to end, both included (a leave from Monday to Wednesday is 3);
    0 when end is before start."""
    first, last, off = day_of(start), day_of(end), holidays_of(holidays)
    span = (last - first).days
    if span < 0:
        return 0
    if span > MAX_SPAN_DAYS:
        raise ExpressionError(f"working_days() over more than {MAX_SPAN_DAYS} days")
    return sum(1 for i in range(span + 1)
               if is_business_day(first + dt.timedelta(days=i), off))


def month_end(value: Any) -> str:
    day = day_of(value)
    return iso(day.replace(day=calendar.monthrange(day.year, day.month)[1]))


def month_start(value: Any) -> str:
    return iso(day_of(value).replace(day=1))


def make_date(year: Any, month: Any, day: Any) -> str:
    try:
        return iso(dt.date(_count(year, "year"), _count(month, "month"), _count(day, "day")))
    except ValueError as exc:
        raise ExpressionError(f"date({year}, {month}, {day}): {exc}") from None


def weekday(value: Any) -> str:
    """'monday' ... 'sunday'."""
    return WEEKDAYS[day_of(value).weekday()]


def next_weekday(value: Any, name: Any) -> str:
    """The first such weekday strictly after the day: next_weekday('2026-05-04', 'monday')
    (a Monday) is 2026-05-11."""
    wanted = str(name).strip().lower()
    matches = [i for i, w in enumerate(WEEKDAYS) if w.startswith(wanted[:3])] if wanted else []
    if len(wanted) < 3 or len(matches) != 1 or not WEEKDAYS[matches[0]].startswith(wanted):
        raise ExpressionError(f"weekday must be one of {', '.join(WEEKDAYS)}, got {name!r}")
    day = day_of(value)
    ahead = (matches[0] - day.weekday()) % 7 or 7
    return iso(day + dt.timedelta(days=ahead))


def to_days(value: Any) -> float | int:
    """Days since 1970-01-01: a whole number for a day, a fraction for a moment (its instant,
    so moments in different zones compare as instants)."""
    parsed = parse(value)
    if isinstance(parsed, dt.datetime):
        seconds = (parsed - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds()
        return seconds / 86_400
    return (parsed - EPOCH).days


def days_between(start: Any, end: Any) -> float | int:
    """end minus start in days (negative when end is earlier); whole days for two days."""
    a, b = parse(start, "start"), parse(end, "end")
    if isinstance(a, dt.datetime) != isinstance(b, dt.datetime):
        a, b = day_of(start), day_of(end)
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return (b - a).total_seconds() / 86_400
    assert not isinstance(a, dt.datetime) and not isinstance(b, dt.datetime)
    return (b - a).days


def to_zone(value: Any, name: Any) -> str:
    """A moment as written in another zone: to_zone('2026-05-03T20:00:00-04:00',
    'Asia/Taipei') is 2026-05-04T08:00:00+08:00. A day alone is midnight in that zone."""
    parsed, tz = parse(value, "moment"), zone(name)
    if not isinstance(parsed, dt.datetime):
        return iso(dt.datetime.combine(parsed, dt.time(), tzinfo=tz))
    return iso(parsed.astimezone(tz))


def local_date(value: Any, name: Any) -> str:
    """The day a moment falls on in a zone (what a person there calls the date)."""
    return to_zone(value, name)[:10]


def compare(a: Any, b: Any) -> int | None:
    """-1, 0 or 1 for two ISO values (days with days, moments as instants, a day with a moment
    by the moment's own day); None when either is not an ISO date."""
    if not (is_iso(a) and is_iso(b)):
        return None
    try:
        x, y = parse(a), parse(b)
    except ExpressionError:
        return None
    if isinstance(x, dt.datetime) != isinstance(y, dt.datetime):
        x, y = day_of(a), day_of(b)
    return (x > y) - (x < y)


def clock_moment(day: str, time: str, tz: str) -> str:
    """The clock's `now`: the day at `time` (HH:MM) in zone `tz`, with its offset."""
    hour, minute = (int(p) for p in time.split(":"))
    return iso(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute),
                                   tzinfo=zone(tz)))


def business_day(value: Any, holidays: Any = None) -> bool:
    """Is the day (of a day or moment) Monday to Friday and not one of the holidays?"""
    return is_business_day(day_of(value), holidays_of(holidays))


def at_time(value: Any, time: Any, name: Any = "UTC") -> str:
    """The moment at a local time of day on a day, in a zone, with the offset in force then:
    at('2026-07-01', '10:30', 'America/Chicago') is 2026-07-01T10:30:00-05:00."""
    text = str(time).strip()
    if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", text):
        raise ExpressionError(f"time must be HH:MM, got {time!r}")
    hour, minute = (int(p) for p in text.split(":"))
    return iso(dt.datetime.combine(day_of(value), dt.time(hour, minute), tzinfo=zone(name)))
