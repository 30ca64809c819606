"""Pseudonymising a buyer's export so that no real identity reaches a vendor, while joins and
lookups still work: the same original value gets the same fake in every file and every
mention, because each fake is drawn from an HMAC-SHA256 of the value under a secret key
(AGENTCHECK_MASKING_KEY, read from the environment, never written: the pack records only a
fingerprint).

Fakes look real and keep the original's format (a fake card number passes the Luhn check, a
fake IBAN its mod-97 check, a phone number keeps its separators), so a vendor whose agent
validates formats is not disadvantaged by the masking.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from agentcheck.cases.tables import Table
from agentcheck.core.errors import ConfigError

KEY_ENV = "AGENTCHECK_MASKING_KEY"
MIN_KEY_CHARS = 16
Kind = Literal["name", "email", "phone", "address", "account", "card", "iban", "text", "none"]
STRUCTURED: tuple[Kind, ...] = ("name", "email", "phone", "address", "account", "card", "iban")

FIRST = (
    "Amara", "Bastian", "Chiara", "Dmitri", "Elif", "Farah", "Gustavo", "Hana", "Idris", "Jonas",
    "Kalani", "Leona", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Talia",
    "Umar", "Vera", "Wilhelm", "Ximena", "Yusuf", "Zofia", "Anika", "Bruno", "Celine", "Dario",
    "Esme", "Felix", "Greta", "Hugo", "Ines", "Jasper", "Kira", "Lorenzo", "Mira", "Nikolai",
    "Odette", "Pavel", "Renata", "Soren", "Tamsin", "Ulla", "Viktor", "Wanda", "Yara", "Zeno",
)
LAST = (
    "Abernethy", "Bergstrom", "Castellano", "Dunmore", "Eriksen", "Fairweather", "Galloway",
    "Halvorsen", "Iqbal", "Jovanovic", "Kowalczyk", "Lindqvist", "Marchetti", "Novak",
    "Okonkwo", "Petrakis", "Quintero", "Rasmussen", "Sandoval", "Thorburn", "Uchida",
    "Valcourt", "Whitlock", "Xavier", "Yilmaz", "Zielinski", "Ashdown", "Brennan", "Carvalho",
    "Delacroix", "Esposito", "Fennimore", "Grimaldi", "Holloway", "Ivanova", "Jankowski",
    "Kristiansen", "Lockhart", "Moreau", "Nakamura", "Oyelaran", "Pemberton", "Radcliffe",
    "Sorensen", "Tremblay", "Underhill", "Vasquez", "Wainwright", "Yamamoto", "Zappa",
)
DOMAINS = ("example.com", "example.org", "example.net", "mail.example", "corp.example")
STREETS = ("Alder", "Birch", "Cedar", "Juniper", "Linden", "Maple", "Rowan", "Sycamore",
           "Willow", "Hawthorn", "Chestnut", "Elm")
SUFFIXES = ("Street", "Road", "Avenue", "Lane", "Way", "Court")
CITIES = ("Fairview", "Riverton", "Lakeside", "Greenfield", "Brookhaven", "Millbrook",
          "Ashford", "Kingsport")

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
CARD_RE = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
PHONE_RE = re.compile(r"(?<![\w+])\+?\(?\d{1,4}\)?(?:[ .-]\(?\d{2,5}\)?){2,5}(?!\w)")
DATE_START_RE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}")
"""A date ('2026-08-07 10' would otherwise pass for a phone number in free text)."""
TEXT_HEADERS = {"description", "notes", "note", "comment", "comments", "body", "message",
                "text", "summary", "details", "request", "subject", "reason", "remarks"}
PERSON_WORDS = {"requester", "requestor", "employee", "manager", "approver", "contact",
                "assignee", "owner", "customer", "user", "agent", "submitter", "reporter",
                "person", "payee", "approved", "requested", "submitted", "cardholder",
                "holder", "full", "first", "last", "given", "surname", "family"}


def masking_key(environ: Mapping[str, str] | None = None) -> bytes:
    """The key from AGENTCHECK_MASKING_KEY; a ConfigError naming the variable (never a value)
    when it is unset or too short to be secret."""
    env = os.environ if environ is None else environ
    key = env.get(KEY_ENV, "")
    if not key:
        raise ConfigError(f"masking needs a secret key: set {KEY_ENV} (at least {MIN_KEY_CHARS} "
                          "characters, e.g. from `python -c 'import secrets; "
                          "print(secrets.token_hex(32))'`), and keep it: the same key gives "
                          "the same fakes on the next import")
    if len(key) < MIN_KEY_CHARS:
        raise ConfigError(f"{KEY_ENV} is {len(key)} characters; use at least {MIN_KEY_CHARS}")
    return key.encode()


def key_fingerprint(key: bytes) -> str:
    """What a pack records of its key: enough to tell two keys apart, nothing to recover it."""
    return hashlib.sha256(b"agentcheck-masking:" + key).hexdigest()[:16]


def luhn_ok(digits: str) -> bool:
    if not digits.isdigit() or not 12 <= len(digits) <= 19:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _luhn_digit(body: str) -> str:
    for d in "0123456789":
        if luhn_ok(body + d):
            return d
    raise AssertionError("unreachable")


def iban_ok(text: str) -> bool:
    s = re.sub(r"\s", "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", s):
        return False
    moved = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _iban_check(country: str, bban: str) -> str:
    moved = bban + country + "00"
    return f"{98 - int(''.join(str(int(c, 36)) for c in moved)) % 97:02d}"


def header_words(header: str) -> set[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", header)
    return {w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w}


def kind_by_header(header: str) -> Kind | None:
    words = header_words(header)
    if words & {"email", "mail", "e"} and ("email" in words or "mail" in words):
        return "email"
    if "iban" in words:
        return "iban"
    if words & {"card", "pan"} and not words & {"type", "brand", "holder", "expiry"}:
        return "card"
    if words & {"phone", "tel", "telephone", "mobile", "cell", "fax"}:
        return "phone"
    if words & {"address", "street", "addr"} and not words & {"ip", "mac", "web", "url"}:
        return "address"
    if (words & {"account", "acct", "routing"} and words & {"number", "no", "num", "nr", "id"}) \
            or words == {"account"} or ("bank" in words and "account" in words):
        return "account"
    if ("name" in words and not words & {"company", "vendor", "supplier", "file", "user",
                                        "host", "system", "app", "product", "item", "group",
                                        "team", "role", "queue", "project"}) \
            or (words & PERSON_WORDS and len(words) <= 2 and not words & {"id", "number", "no",
                                                                          "count", "type",
                                                                          "date", "at", "on"}):
        return "name"
    if words & TEXT_HEADERS:
        return "text"
    return None


def kind_by_values(values: list[str]) -> Kind | None:
    """A column's kind from its values: most of them (80%) match one pattern."""
    filled = [v.strip() for v in values if v.strip()]
    if len(filled) < 3:
        return None
    need = 0.8 * len(filled)

    def share(test: re.Pattern[str]) -> int:
        return sum(1 for v in filled if test.fullmatch(v))

    if share(EMAIL_RE) >= need:
        return "email"
    if sum(1 for v in filled if iban_ok(v)) >= need:
        return "iban"
    if sum(1 for v in filled if CARD_RE.fullmatch(v) and luhn_ok(re.sub(r"\D", "", v))) >= need:
        return "card"
    if sum(1 for v in filled if PHONE_RE.fullmatch(v)
           and 9 <= len(re.sub(r"\D", "", v)) <= 15) >= need:
        return "phone"
    return None


NAME_VALUE_RE = re.compile(r"^[^\W\d_][\w'.-]*(?:,?\s+[^\W\d_][\w'.-]*){1,3}$")


def looks_like_names(values: list[str]) -> bool:
    """Most values are two to four words of letters ('Ana Ortiz', 'Ortiz, Ana')."""
    filled = [v.strip() for v in values if v.strip()]
    return bool(filled) and sum(1 for v in filled if NAME_VALUE_RE.match(v)) >= 0.5 * len(filled)


def identity(kind: Kind, value: str) -> str:
    """What counts as 'the same value' of a kind: a phone number with other separators, a name
    in other case or spacing, an email in capitals."""
    if kind in ("phone", "card", "account"):
        digits = re.sub(r"\D", "", value)
        return digits if kind != "account" else re.sub(r"[\s.-]", "", value).upper()
    if kind == "iban":
        return re.sub(r"\s", "", value).upper()
    return " ".join(value.split()).casefold()


@dataclass
class ColumnReport:
    file: str
    column: str
    kind: Kind
    detected_by: str
    """'mapping' (pack.yaml mask.columns), 'header', 'values' or 'case text'."""
    cells_replaced: int = 0
    distinct_values: int = 0
    mentions_replaced: int = 0


@dataclass
class Masker:
    """Fakes for one import: the same identity always gets the same fake; a fake never equals
    another identity's fake or any original value seen."""

    key: bytes
    fakes: dict[tuple[str, str], str] = field(default_factory=dict)
    taken: dict[str, tuple[str, str]] = field(default_factory=dict)
    originals: set[str] = field(default_factory=set)
    name_tokens: dict[str, str] = field(default_factory=dict)
    seen: dict[str, Kind] = field(default_factory=dict)
    """Every original value masked, as written (stripped), and its kind."""

    def _numbers(self, kind: str, ident: str, attempt: int) -> Iterator[int]:
        counter = 0
        while True:
            digest = hmac.new(self.key, f"{kind}\0{ident}\0{attempt}\0{counter}".encode(),
                              hashlib.sha256).digest()
            yield from digest
            counter += 1

    def fake(self, kind: Kind, value: str) -> str:
        ident = identity(kind, value)
        self.seen.setdefault(value.strip(), kind)
        known = self.fakes.get((kind, ident))
        if known is None:
            for attempt in range(1000):
                candidate = self._make(kind, value, self._numbers(kind, ident, attempt),
                                       attempt)
                taken_by = self.taken.get(identity(kind, candidate))
                if (taken_by is None or taken_by == (kind, ident)) and \
                        identity(kind, candidate) not in self.originals:
                    break
            self.fakes[(kind, ident)] = known = candidate
            self.taken[identity(kind, candidate)] = (kind, ident)
            if kind == "name":
                self._tokens(value, candidate)
        return _styled(known, value) if kind == "name" else known

    def _tokens(self, value: str, fake: str) -> None:
        real = [t for t in re.split(r"[\s,]+", value.strip()) if len(t) >= 3]
        fakes = [t for t in re.split(r"[\s,]+", fake) if t]
        if "," in value:  # 'Last, First'
            real = list(reversed(real))
        if len(real) >= 2 and len(fakes) >= 2:
            for r, f in ((real[0], fakes[0]), (real[-1], fakes[-1])):
                self.name_tokens.setdefault(r.capitalize(), f)

    def _make(self, kind: Kind, value: str, n: Iterator[int], attempt: int = 0) -> str:
        if kind == "name":
            first = FIRST[(next(n) * 256 + next(n)) % len(FIRST)]
            last = LAST[(next(n) * 256 + next(n)) % len(LAST)]
            return f"{last}, {first}" if "," in value else f"{first} {last}"
        if kind == "email":
            first = FIRST[(next(n) * 256 + next(n)) % len(FIRST)].lower()
            last = LAST[(next(n) * 256 + next(n)) % len(LAST)].lower()
            domain = DOMAINS[next(n) % len(DOMAINS)]
            # 'olivia.smith@...' of a person already masked: the email of their fake name
            local = value.strip().split("@")[0]
            person = self.fakes.get(("name", identity("name", re.sub(r"[._-]+", " ", local))))
            if person is not None and " " in person and "," not in person:
                first, last = (p.lower() for p in person.split(" ", 1))
                return f"{first}.{last}{attempt or ''}@{domain}"
            return f"{first}.{last}{next(n) % 100}@{domain}"
        if kind in ("phone", "account"):
            # a phone's country code ('+44') stays: the number still dials the same country
            keep = len(m.group(0)) if kind == "phone" and (
                m := re.match(r"\s*\+\d{1,3}(?=\D)", value)) else 0
            return value[:keep] + "".join(str(next(n) % 10) if ch.isdigit() else ch
                                          for ch in value[keep:])
        if kind == "card":
            digits = re.sub(r"\D", "", value)
            body = digits[:1] + "".join(str(next(n) % 10) for _ in digits[1:-1])
            fake_digits = iter(body + _luhn_digit(body))
            return "".join(next(fake_digits) if ch.isdigit() else ch for ch in value)
        if kind == "iban":
            s = re.sub(r"\s", "", value).upper()
            bban = "".join(str(next(n) % 10) if c.isdigit() else chr(65 + next(n) % 26)
                           for c in s[4:])
            iban = s[:2] + _iban_check(s[:2], bban) + bban
            if " " in value.strip():
                return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
            return iban
        if kind == "address":
            street = (f"{1 + (next(n) * 256 + next(n)) % 2999} {STREETS[next(n) % len(STREETS)]} "
                      f"{SUFFIXES[next(n) % len(SUFFIXES)]}")
            return f"{street}, {CITIES[next(n) % len(CITIES)]}" if "," in value else street
        raise AssertionError(kind)

    # ------------------------------------------------------------------ free text
    def mask_text(self, text: str, known: re.Pattern[str] | None,
                  known_kinds: dict[str, Kind]) -> tuple[str, int]:
        """Mentions in free text: emails, IBANs, card and phone numbers by their pattern, then
        every value masked in a column (names also by first or last name alone)."""
        count = 0

        def sub(kind: Kind) -> Callable[[re.Match[str]], str]:
            def repl(m: re.Match[str]) -> str:
                nonlocal count
                count += 1
                return self.fake(kind, m.group(0))
            return repl

        text = EMAIL_RE.sub(sub("email"), text)
        text = IBAN_RE.sub(lambda m: sub("iban")(m) if iban_ok(m.group(0)) else m.group(0), text)
        text = CARD_RE.sub(lambda m: sub("card")(m) if luhn_ok(re.sub(r"\D", "", m.group(0)))
                           else m.group(0), text)
        text = PHONE_RE.sub(lambda m: sub("phone")(m)
                            if 9 <= len(re.sub(r"\D", "", m.group(0))) <= 15
                            and not DATE_START_RE.match(m.group(0))
                            and not _is_fake(self, m.group(0)) else m.group(0), text)
        if known is not None:
            def known_repl(m: re.Match[str]) -> str:
                nonlocal count
                kind = known_kinds.get(m.group(0).casefold())
                if kind is None:
                    return m.group(0)
                count += 1
                return self.fake(kind, m.group(0))
            text = known.sub(known_repl, text)
        if self.name_tokens:
            tokens = re.compile(r"\b(" + "|".join(re.escape(t) for t in sorted(
                self.name_tokens, key=len, reverse=True)) + r")\b", re.IGNORECASE)

            def token_repl(m: re.Match[str]) -> str:
                nonlocal count
                word = m.group(0)
                fake = self.name_tokens.get(word.capitalize())
                if fake is None or not word[0].isupper():
                    return word  # a name alone is capitalised: 'grant access' is no Grant
                before = text[:m.start()].rstrip()
                if word.lower() in NAME_WORDS and (not before or before[-1] in ".!?:\n"):
                    return word  # 'Grant access to...', 'May I...': a word, not a name
                count += 1
                return _styled(fake, word)
            text = tokens.sub(token_repl, text)
        return text, count


NAME_WORDS = frozenset((
    "grant", "will", "mark", "bill", "may", "june", "april", "august", "rose", "faith", "hope",
    "joy", "lane", "dean", "chase", "hunter", "frank", "art", "pat", "sue", "rob", "jack",
    "guy", "ray", "gene", "max", "earl", "drew", "jean", "bob", "don", "grace", "summer",
    "dawn", "iris", "ivy", "page", "price", "young", "king", "brown", "white", "green"))
"""Names that are also words a sentence starts with ('Grant access...', 'May I...'): alone at
the start of a sentence they are read as the word (a full name is masked wherever it is)."""


def _is_fake(masker: Masker, value: str) -> bool:
    return identity("phone", value) in masker.taken or \
        identity("card", value) in masker.taken


def _styled(fake: str, original: str) -> str:
    """A fake name in the original's letter case ('JOHN SMITH' -> 'AMARA NOVAK')."""
    letters = [c for c in original if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return fake.upper()
    if letters and all(c.islower() for c in letters):
        return fake.lower()
    return fake


def known_pattern(masker: Masker) -> tuple[re.Pattern[str] | None, dict[str, Kind]]:
    """One pattern for every original value masked in a column (longest first, whole words),
    to find their mentions in free text."""
    by_text: dict[str, Kind] = {}
    for text, kind in masker.seen.items():
        if len(text) >= 3:
            by_text.setdefault(text.casefold(), kind)
    if not by_text:
        return None, {}
    alternatives = "|".join(re.escape(t) for t in sorted(by_text, key=len, reverse=True))
    return re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)", re.IGNORECASE), by_text


@dataclass
class ColumnPlan:
    kind: Kind
    detected_by: str


COMPANY_TABLES = ("supplier", "vendor", "compan", "organi", "merchant", "partner", "bank")


def plan_columns(table: Table, overrides: Mapping[str, Kind],
                 text_column: str | None) -> dict[str, ColumnPlan]:
    """Which columns of one table are masked, and as what. A bare `name` column of a table of
    suppliers (vendors, companies...) names companies, not people: kept unless mapped."""
    out: dict[str, ColumnPlan] = {}
    companies = any(w in table.path.stem.lower() for w in COMPANY_TABLES)
    for col in table.columns:
        if col in overrides:
            out[col] = ColumnPlan(overrides[col], "mapping")
            continue
        if col == text_column:
            out[col] = ColumnPlan("text", "case text")
            continue
        by_values = kind_by_values([r.values.get(col, "") for r in table.rows])
        by_header = kind_by_header(col)
        if by_header == "name" and ((companies and header_words(col) == {"name"})
                                    or not looks_like_names([r.values.get(col, "")
                                                             for r in table.rows])):
            by_header = None  # 'manager_approved: yes': a header word, not a person
        if by_header is not None and by_header != "text":
            out[col] = ColumnPlan(by_header, "header")
        elif by_values is not None:
            out[col] = ColumnPlan(by_values, "values")
        elif by_header == "text":
            out[col] = ColumnPlan("text", "header")
    return out


@dataclass
class Masked:
    """An import's result: each table's masked rows, and the report of what was replaced."""

    rows: dict[str, list[dict[str, str]]]
    columns: list[ColumnReport]


def mask_tables(tables: Mapping[str, Table], key: bytes,
                overrides: Mapping[str, Mapping[str, Kind]],
                text_column: tuple[str, str] | None) -> Masked:
    """Mask every table together (so the same value gets the same fake in all of them): the
    structured columns first, then free text, which by then knows every value to look for."""
    masker = Masker(key)
    plans = {name: plan_columns(t, overrides.get(name, {}),
                                text_column[1] if text_column and text_column[0] == name
                                else None)
             for name, t in tables.items()}
    for name, t in tables.items():  # the originals, so that no fake equals one of them
        for col, plan in plans[name].items():
            if plan.kind in STRUCTURED:
                masker.originals.update(identity(plan.kind, r.values[col]) for r in t.rows
                                        if r.values.get(col, "").strip())
    rows = {name: [dict(r.values) for r in t.rows] for name, t in tables.items()}
    reports: list[ColumnReport] = []
    # names first: an email written from a name then gets the email of the fake name
    order = sorted(((name, col, plan) for name in tables for col, plan in plans[name].items()
                    if plan.kind in STRUCTURED), key=lambda x: x[2].kind != "name")
    for name, col, plan in order:
        rep = ColumnReport(name, col, plan.kind, plan.detected_by)
        distinct = set()
        for row in rows[name]:
            value = row.get(col, "")
            if value.strip():
                fake = masker.fake(plan.kind, value.strip())
                row[col] = value.replace(value.strip(), fake)
                rep.cells_replaced += 1
                distinct.add(identity(plan.kind, value))
        rep.distinct_values = len(distinct)
        reports.append(rep)
    known, kinds = known_pattern(masker)
    for name in tables:
        for col, plan in plans[name].items():
            if plan.kind != "text":
                continue
            rep = ColumnReport(name, col, "text", plan.detected_by)
            for row in rows[name]:
                value = row.get(col, "")
                if value.strip():
                    masked, n = masker.mask_text(value, known, kinds)
                    if n:
                        row[col] = masked
                        rep.cells_replaced += 1
                        rep.mentions_replaced += n
            reports.append(rep)
    # a column nobody flagged can still hold an email or a card number: mask those mentions
    for name, t in tables.items():
        for col in t.columns:
            if col in plans[name]:
                continue
            rep = ColumnReport(name, col, "text", "mentions")
            for row in rows[name]:
                value = row.get(col, "")
                if value.strip():
                    masked, n = masker.mask_text(value, None, {})
                    if n:
                        row[col] = masked
                        rep.cells_replaced += 1
                        rep.mentions_replaced += n
            if rep.cells_replaced:
                reports.append(rep)
    return Masked(rows, reports)


# --------------------------------------------------------------------------- the check
@dataclass(frozen=True)
class Survivor:
    file: str
    row: int
    column: str
    kind: Kind
    shown: str
    """The value, never in full: its first two characters and its length."""


def hint(value: str) -> str:
    return f"{value[:2]}... ({len(value)} characters)"


def originals_of(tables: Mapping[str, Table], overrides: Mapping[str, Mapping[str, Kind]],
                 text_column: tuple[str, str] | None) -> dict[str, Kind]:
    """Every value of the source export that masking must have replaced: the structured
    columns' values, and the emails, IBANs, card and phone numbers written in any cell."""
    out: dict[str, Kind] = {}
    for name, t in tables.items():
        plans = plan_columns(t, overrides.get(name, {}),
                             text_column[1] if text_column and text_column[0] == name else None)
        for row in t.rows:
            for col, value in row.values.items():
                plan = plans.get(col)
                if plan is not None and plan.kind in STRUCTURED and len(value.strip()) >= 3:
                    out.setdefault(value.strip(), plan.kind)
                for kind, pattern in (("email", EMAIL_RE), ("iban", IBAN_RE),
                                      ("card", CARD_RE)):
                    for m in pattern.finditer(value):
                        if kind == "card" and not luhn_ok(re.sub(r"\D", "", m.group(0))):
                            continue
                        if kind == "iban" and not iban_ok(m.group(0)):
                            continue
                        out.setdefault(m.group(0), kind)  # type: ignore[arg-type]
    return out


def survivors(originals: Mapping[str, Kind], cells: Iterator[tuple[str, int, str, str]]
              ) -> list[Survivor]:
    """Where an original value still appears: as text (any case, whole words), or, for the
    numeric kinds, as the same digits with other separators."""
    words = {v.casefold(): k for v, k in originals.items()}
    digits = {re.sub(r"\D", "", v): (v, k) for v, k in originals.items()
              if k in ("phone", "card", "account", "iban") and len(re.sub(r"\D", "", v)) >= 6}
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(
        re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?!\w)",
        re.IGNORECASE) if words else None
    found: list[Survivor] = []
    for file, row, column, text in cells:
        hits: dict[str, Kind] = {}
        if pattern is not None:
            for m in pattern.finditer(text):
                hits.setdefault(m.group(0), words[m.group(0).casefold()])
        if digits:
            for run in re.findall(r"\d[\d .()-]*\d", text):
                flat = re.sub(r"\D", "", run)
                for d, (v, k) in digits.items():
                    if d in flat:
                        hits.setdefault(v, k)
        for value, kind in hits.items():
            found.append(Survivor(file, row, column, kind, hint(value)))
    return found
