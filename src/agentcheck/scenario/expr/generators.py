"""Generators: `{{ id('ORD') }}`, `{{ email() }}`, `{{ amount(10, 500) }}` ... draw a fresh value
from the trial's seeded random source, so ids and amounts change with every seed (no vendor can
pass by guessing or memorising) yet every trial is reproducible from its seed."""

from __future__ import annotations

import datetime
import random
import re
import string
from functools import lru_cache
from typing import Any

import agentcheck.scenario.expr.dates as dates
from agentcheck.scenario.expr.errors import ExpressionError

MAX_GENERATED_CHARS = 64
"""Longest id('...', n) or digits(n) a generator makes."""

FIRST_NAMES = (
    "Amara", "Bjorn", "Chen", "Dalia", "Emeka", "Farah", "Goran", "Hana", "Ines", "Jonas",
    "Kenji", "Leila", "Mateo", "Nadia", "Oskar", "Priya", "Quinn", "Rosa", "Sven", "Tariq",
    "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zofia",
)
LAST_NAMES = (
    "Abara", "Brandt", "Castillo", "Dubois", "Eriksen", "Fontaine", "Gallo", "Haddad", "Ivanova",
    "Jansen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quintero", "Rossi",
    "Sato", "Tanaka", "Ueda", "Varga", "Weber", "Yilmaz", "Zeller",
)
COMPANIES = (
    "Northwind Traders", "Contoso Freight", "Fabrikam Parts", "Tailspin Supplies",
    "Litware Systems", "Proseware Labs", "Adatum Medical", "Woodgrove Foods", "Relecloud Media",
    "Wingtip Tools", "Lamna Logistics", "Alpine Ski House",
)
DOMAINS = ("example.com", "example.org", "example.net")

_CALL_RE = re.compile(r"^([a-z_]+)\((.*)\)$", re.S)
_ARG_RE = re.compile(r"\s*(?:'([^']*)'|\"([^\"]*)\"|(-?\d+(?:\.\d+)?))\s*(?:,|$)")


class Generators:
    """Seeded value generators; one instance per World so every trial is reproducible."""

    NAMES = ("id", "email", "name", "first_name", "last_name", "company", "amount", "integer",
             "digits", "pick", "phone", "date", "date_from_today", "business_date_from_today",
             "moment_from_today")

    def __init__(self, rng: random.Random, today: str | None = None) -> None:
        self.rng = rng
        self.today = today
        """The trial's simulated day (the scenario's clock), for the *_from_today generators."""

    def call(self, name: str, args: list[Any]) -> Any:
        fn = getattr(self, "gen_" + name, None)
        if fn is None:
            raise ExpressionError(f"unknown generator {name}() (expected one of "
                                  f"{', '.join(self.NAMES)})")
        try:
            return fn(*args)
        except ExpressionError:
            raise
        except (TypeError, ValueError, OverflowError) as exc:  # wrong arguments, empty range
            raise ExpressionError(f"{name}(): {exc}") from None

    @staticmethod
    def _length(n: Any) -> int:
        if not 0 <= int(n) <= MAX_GENERATED_CHARS:
            raise ValueError(f"length must be between 0 and {MAX_GENERATED_CHARS}")
        return int(n)

    def gen_id(self, prefix: str = "ID", length: int = 6) -> str:
        alphabet = string.ascii_uppercase + string.digits
        return f"{prefix}-" + "".join(self.rng.choice(alphabet)
                                      for _ in range(self._length(length)))

    def gen_first_name(self) -> str:
        return self.rng.choice(FIRST_NAMES)

    def gen_last_name(self) -> str:
        return self.rng.choice(LAST_NAMES)

    def gen_name(self) -> str:
        return f"{self.gen_first_name()} {self.gen_last_name()}"

    def gen_email(self, domain: str | None = None) -> str:
        user = self.gen_first_name().lower() + "." + self.gen_last_name().lower()
        user += str(self.rng.randint(10, 99))
        return f"{user}@{domain or self.rng.choice(DOMAINS)}"

    def gen_company(self) -> str:
        return self.rng.choice(COMPANIES)

    def gen_amount(self, low: float = 10, high: float = 1000) -> float:
        return round(self.rng.uniform(float(low), float(high)), 2)

    def gen_integer(self, low: int = 1, high: int = 100) -> int:
        return self.rng.randint(int(low), int(high))

    def gen_digits(self, count: int = 6) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(self._length(count)))

    def gen_pick(self, *options: Any) -> Any:
        if not options:
            raise ExpressionError("pick() needs at least one option")
        return self.rng.choice(options)

    def gen_phone(self) -> str:
        return f"+1-555-{self.rng.randint(100, 999)}-{self.rng.randint(1000, 9999)}"

    def gen_date(self, start: str | int = "2026-01-01", span_days: int = 300,
                 day: int | None = None) -> str:
        """A day drawn from `span_days` after `start`; date(2026, 5, 3) is that fixed day, as
        in conditions."""
        if day is not None:
            return dates.make_date(start, span_days, day)
        if not 0 <= int(span_days) <= 100_000:
            raise ValueError("span_days must be between 0 and 100000")
        drawn = datetime.date.fromisoformat(str(start)) + datetime.timedelta(
            days=self.rng.randint(0, int(span_days)))
        return drawn.isoformat()

    def _today(self, name: str) -> datetime.date:
        if self.today is None:
            raise ExpressionError(f"{name}() needs the scenario's clock (add `clock: {{today: "
                                  "2026-05-04}` to the scenario)")
        return datetime.date.fromisoformat(self.today)

    def _offset(self, low: int, high: int | None) -> int:
        low, high = int(low), int(low if high is None else high)
        if not -dates.MAX_SPAN_DAYS <= low <= high <= dates.MAX_SPAN_DAYS:
            raise ValueError(f"need low <= high, both within {dates.MAX_SPAN_DAYS} days")
        return self.rng.randint(low, high)

    def gen_date_from_today(self, low: int = 1, high: int | None = None) -> str:
        """A day `low` to `high` days from the trial's today (negative: before)."""
        today = self._today("date_from_today")
        return (today + datetime.timedelta(days=self._offset(low, high))).isoformat()

    def gen_business_date_from_today(self, low: int = 1, high: int | None = None) -> str:
        """A business day `low` to `high` business days after the trial's today (negative:
        before); today itself never counts."""
        today = self._today("business_date_from_today")
        return dates.add_business_days(today.isoformat(), self._offset(low, high))

    def gen_moment_from_today(self, low: int = 1, high: int | None = None,
                              zone: str = "UTC") -> str:
        """A moment `low` to `high` days from the start of the trial's today, at a whole
        quarter hour, written in `zone` (an IANA name) with its offset."""
        today = self._today("moment_from_today")
        offset = self._offset(low, high)
        minutes = self.rng.randint(0, 24 * 4 - 1) * 15
        start = datetime.datetime.combine(today + datetime.timedelta(days=offset),
                                          datetime.time(), tzinfo=dates.zone(zone))
        return (start + datetime.timedelta(minutes=minutes)).isoformat()


@lru_cache(maxsize=4096)
def parse_generator(expr: str) -> tuple[str, tuple[Any, ...]] | None:
    """`amount(10, 500)` -> ('amount', (10, 500)); None when `expr` is not a generator call."""
    match = _CALL_RE.match(expr.strip())
    if not match or match.group(1) not in Generators.NAMES:
        return None
    name, raw = match.group(1), match.group(2).strip()
    args: list[Any] = []
    pos = 0
    while pos < len(raw):
        arg = _ARG_RE.match(raw, pos)
        if not arg or arg.end() == pos:
            raise ExpressionError(f"{name}(): arguments must be quoted strings or numbers")
        if arg.group(3) is not None:
            num = arg.group(3)
            args.append(float(num) if "." in num else int(num))
        else:
            args.append(arg.group(1) if arg.group(1) is not None else arg.group(2))
        pos = arg.end()
    return name, tuple(args)
