"""Look-alike records: a private variant adds to the World records that look like the
scenario's own (another order of another customer, with an id of the same pattern and the same
kinds of fields), so that a vendor replaying "take the only order in the list" or a remembered
position meets records its homework never saw.

A look-alike is a copy of one of the collection's records with a fresh identity: every id-like
value (an `id` or `*_id` field, or a value shaped like `ORD-4821`, `RITM0012`), every email, and
every generated person or company name is re-drawn, one mapping for the whole World, so that
a look-alike order copied from a customer's order belongs to that customer's look-alike (or to
no customer at all). Statuses, amounts, dates and the other fields stay as they were.

They must not change the task. The rule, per World:

1. Only a collection some tool reads or changes (find, filter, update, delete) gets
   look-alikes, and never one that a tool's guard, returned value, inserted values or set
   values read as a whole (a count, "the first open one"): there a look-alike could refuse a
   competent agent's write or change what a tool answers.
2. A look-alike is dropped when any call of the reference solution, played on this World,
   would match it (the call's `where`, rendered with the reference's own arguments): a
   competent agent asking what the reference asks never sees one, so the task's set of
   records ("every report in my queue") is the same as without them.
3. Proof: the reference played with the look-alikes makes the same calls with the same
   arguments and results, and every outcome condition has the same value at the start and at
   the end, as without them; otherwise the collection whose look-alikes changed something
   gets none.

Look-alikes are appended to their collections (indices in checks, like `orders[0]`, keep their
meaning), and placed among the other records only in what a vendor's read returns. A vendor
that acts on one has touched a record the task does not involve: its change is collateral
damage (or a minefield), as for any wrong record.
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass
from typing import Any

from agentcheck.core.calls import CallResult
from agentcheck.scenario.effects import Selecting, context
from agentcheck.scenario.expr import ExpressionError, clone, is_operator, matches, render
from agentcheck.scenario.expr.generators import COMPANIES, FIRST_NAMES, LAST_NAMES
from agentcheck.scenario.model import Scenario
from agentcheck.scenario.world import World

Data = dict[str, list[dict[str, Any]]]
MAX_PER_COLLECTION = 2
MAX_REPLAY_STEPS = 200

_ID_RE = re.compile(r"[A-Z][A-Z0-9]*(?:[-_#][A-Za-z0-9]+)+|[A-Z]{2,}\d{3,}|\d{5,}")
_EMAIL_RE = re.compile(r"^(\s*)([^@\s]+)@(\S+?)(\s*)$")
_PERSON_RE = re.compile(r"^([A-Z][a-z]+) ([A-Z][a-z]+)$")
_TEMPLATE_RE = re.compile(r"\{\{.*?\}\}", re.S)
# `orders[?id=='{{ args.order_id }}' ...]`: one record named by the caller; a look-alike has a
# fresh id, so only a call that names it selects it (then it is a wrong record, as any other)
_BY_ID = re.compile(r"\b\w+\[\?\s*(?:id|\w+_id)\s*==\s*'\{\{\s*(?:args|record)\.[\w.]+\s*\}\}'"
                    r"[^\]]*\]")
# an id or an email written inside free text
_TEXT_IDENTITY = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[A-Z][A-Z0-9]*[-_#][A-Z0-9]+"
                            r"(?:[-_][A-Z0-9]+)*\b|\b[A-Z]{2,}\d{3,}\b")
_PREFIX_RE = re.compile(r"^[A-Za-z]+[-_#]|^[A-Z]+(?=\d)")


@dataclass(frozen=True)
class LookAlike:
    """One added record: its collection, the record, and the index of the record it copies."""

    collection: str
    record: dict[str, Any]
    like: int


@dataclass(frozen=True)
class _Call:
    tool: str
    args: Any
    ok: bool
    result: Any


# --------------------------------------------------------------------------- rule 1


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def eligible_collections(scenario: Scenario) -> list[str]:
    """Collections a vendor can read or change through a tool, minus those any tool's guard,
    returned, inserted or set values read as a whole (rule 1)."""
    reached: set[str] = set()
    exprs: list[str] = []  # only expressions read collections: templates and guard checks
    for tool in scenario.tools:
        effect = tool.effect
        if isinstance(effect, Selecting):
            reached.add(effect.collection)
        dumped = effect.model_dump(by_alias=True)
        for part in ("where", "return", "values", "set"):
            exprs += [e for t in _strings(dumped.get(part)) for e in _TEMPLATE_RE.findall(t)]
        for guard in tool.guards:  # its error is words, its check an expression
            check = guard.check
            if isinstance(check, str):
                exprs.append(check)
            else:
                exprs.append(check.path)
                exprs += [e for t in _strings(check.is_) for e in _TEMPLATE_RE.findall(t)]
    aggregated = {name for name in scenario.world
                  if any(re.search(rf"(?<![\w.]){re.escape(name)}\b", _BY_ID.sub("", e))
                         for e in exprs)}
    return sorted(c for c in reached - aggregated if scenario.world.get(c))


# --------------------------------------------------------------------------- drawing


class _Identities:
    """Fresh values for the identity parts of records, one mapping per World."""

    def __init__(self, rng: random.Random, data: Data) -> None:
        self.rng = rng
        self.swap: dict[str, str] = {}
        self.taken = {s.casefold() for records in data.values() for r in records
                      for s in _strings(r)}
        self.ids = {str(v).strip() for records in data.values() for r in records
                    for k, v in r.items() if (k == "id" or k.endswith("_id")) and v}
        """Every record id of the World: a value equal to one refers to that record."""

    def _fresh(self, make: Any, old: str) -> str:
        if old in self.swap:
            return self.swap[old]
        for _ in range(50):
            new = str(make())
            if new.casefold() not in self.taken:
                break
        else:
            return old
        self.taken.add(new.casefold())
        self.swap[old] = new
        return new

    def _redraw(self, value: str) -> str:
        prefix = _PREFIX_RE.match(value)
        head = prefix.group(0) if prefix else ""

        def one(c: str) -> str:
            if c.isdigit():
                return self.rng.choice(string.digits)
            if c.isupper():
                return self.rng.choice(string.ascii_uppercase)
            if c.islower():
                return self.rng.choice(string.ascii_lowercase)
            return c
        return head + "".join(one(c) for c in value[len(head):])

    def _person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _email(self, m: re.Match[str]) -> str:
        lead, local, domain, trail = m.groups()
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        new = f"{first}.{last}{self.rng.randint(10, 99)}"
        if local == local.lower():
            new = new.lower()
        return f"{lead}{new}@{domain}{trail}"

    def _id_like(self, token: str) -> bool:
        """An id of the World, or shaped like one with a digit (`ORD-4821`, `RITM0012`;
        `IN-PROGRESS` or `CLOSED_WON` are values, not identities)."""
        return token in self.ids or (bool(_ID_RE.fullmatch(token))
                                     and any(c.isdigit() for c in token))

    def text(self, value: Any) -> Any:
        """Free text of a look-alike with its ids and emails re-drawn too, through the same
        mapping (a message about PO-12 copied for PO-98 speaks of PO-98), and every other id
        or email in it made fresh: a look-alike never speaks of one of the scenario's records
        (a copied "we confirm PO-12" would tell an agent searching otherwise that PO-12 is
        confirmed)."""
        if isinstance(value, dict):
            return {k: self.text(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.text(v) for v in value]
        if not isinstance(value, str) or not value.strip():
            return value
        if value.strip() in self.swap.values():  # an identity this look-alike already got
            return value

        def fresh(m: re.Match[str]) -> str:
            token = m.group(0)
            if token in self.swap:
                return self.swap[token].strip()
            email = _EMAIL_RE.match(token)
            if email and "@" in token:
                return self._fresh(lambda: self._email(email), token).strip()
            if not self._id_like(token):
                return token
            return self._fresh(lambda: self._redraw(token), token).strip()

        out = _TEXT_IDENTITY.sub(fresh, value)
        olds = sorted((o.strip() for o in self.swap if len(o.strip()) >= 4
                       and not _TEXT_IDENTITY.fullmatch(o.strip())), key=len, reverse=True)
        if olds:  # names and companies already re-drawn, written in the text
            back = {o.strip(): n.strip() for o, n in self.swap.items()}
            out = re.sub("|".join(re.escape(o) for o in olds), lambda m: back[m.group(0)], out)
        return out

    def value(self, key: str, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.value(str(k), v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(key, v) for v in value]
        if not isinstance(value, str) or not value.strip():
            return value
        email = _EMAIL_RE.match(value)
        if email and "." in email.group(3):
            return self._fresh(lambda: self._email(email), value)
        if key == "id" or key.endswith("_id") or self._id_like(value.strip()):
            return self._fresh(lambda: self._redraw(value), value)
        person = _PERSON_RE.match(value)
        if person and (person.group(1) in FIRST_NAMES or person.group(2) in LAST_NAMES):
            return self._fresh(self._person, value)
        if value in COMPANIES:
            return self._fresh(lambda: self.rng.choice(COMPANIES), value)
        return value


def draw(scenario: Scenario, data: Data, rng: random.Random) -> list[LookAlike]:
    """Candidate look-alikes for a World (`data` as generated), before the rule is applied."""
    ids = _Identities(rng, data)
    out: list[LookAlike] = []
    for name in eligible_collections(scenario):
        records = data.get(name, [])
        if not records:
            continue
        count = min(len(records), rng.randint(1, MAX_PER_COLLECTION))
        for like in sorted(rng.sample(range(len(records)), count)):
            copy = ids.value("", clone(records[like]))
            # an id the copy could not re-draw (a number) would make two records one
            if copy != records[like] and ("id" not in copy or copy["id"] != records[like]["id"]):
                out.append(LookAlike(name, copy, like))
    return [LookAlike(la.collection, ids.text(la.record), la.like) for la in out]


# --------------------------------------------------------------------------- rules 2 and 3


def replay_reference(scenario: Scenario, seed: int, initial: Data,
                     world: World | None = None) -> tuple[World, list[_Call]]:
    """The reference solution played on a World built from `initial` (or on `world`), with
    every call it made (reference.walk_reference: failed calls retried, `say` steps answered
    by the user)."""
    from agentcheck.scenario.reference import walk_reference

    calls: list[_Call] = []

    def record(tool: str, args: dict[str, Any], outcome: CallResult) -> None:
        calls.append(_Call(tool, clone(args), outcome.ok,
                           clone(outcome.result) if outcome.ok else outcome.error))

    played, _ = walk_reference(scenario, seed, initial, world, on_call=record,
                               max_steps=MAX_REPLAY_STEPS)
    return played, calls


def matched_by_reference(scenario: Scenario, data: Data, calls: list[_Call],
                         candidate: LookAlike) -> bool:
    """Rule 2: would any of the reference's calls select this record?"""
    for call in calls:
        tool = scenario.tool(call.tool)
        if tool is None or not isinstance(tool.effect, Selecting) or \
                tool.effect.collection != candidate.collection or not isinstance(call.args, dict):
            continue
        try:
            where = render(tool.effect.where, context(data, call.args))
        except ExpressionError:
            return True  # cannot tell: keep it out
        active = {k: v for k, v in where.items() if v is not None
                  and not (is_operator(v) and all(x is None for x in v.values()))}
        if all(matches(candidate.record.get(k), v) for k, v in active.items()):
            return True
    return False


def _with(initial: Data, added: list[LookAlike]) -> Data:
    data: Data = clone(initial)
    for la in added:
        data.setdefault(la.collection, []).append(clone(la.record))
    return data


def _conditions(scenario: Scenario, world: World) -> list[Any]:
    out: list[Any] = []
    for cond in scenario.expect.outcome:
        for check in (world.check_initial, world.check):
            try:
                out.append(check(cond))
            except ExpressionError as exc:
                out.append(f"error: {exc}")
    return out


def _observed(scenario: Scenario, seed: int, initial: Data) -> list[Any]:
    """What rule 3 compares: the reference's calls, the outcome conditions at the start and at
    the end, and the user's turns and the other checks as rendered on the World."""
    world, calls = replay_reference(scenario, seed, initial)
    try:
        checks = render(scenario.expect.model_dump(mode="json", by_alias=True,
                                                   exclude={"outcome"}), world.initial)
    except ExpressionError as exc:
        checks = f"error: {exc}"
    return [[(c.tool, c.args, c.ok, c.result) for c in calls], _conditions(scenario, world),
            world.user_turns(), checks]


def choose(scenario: Scenario, seed: int, initial: Data, rng: random.Random
           ) -> tuple[LookAlike, ...]:
    """The look-alikes a World gets: drawn, then kept only under rules 2 and 3."""
    candidates = draw(scenario, initial, rng)
    if not candidates:
        return ()
    try:
        _, calls = replay_reference(scenario, seed, initial)
        baseline = _observed(scenario, seed, initial)
    except ExpressionError:
        return ()
    kept = [c for c in candidates if not matched_by_reference(scenario, initial, calls, c)]
    if not kept:
        return ()

    def same(added: list[LookAlike]) -> bool:
        try:
            return _observed(scenario, seed, _with(initial, added)) == baseline
        except ExpressionError:
            return False

    if same(kept):
        return tuple(kept)
    accepted: list[LookAlike] = []
    for name in sorted({c.collection for c in kept}):
        trial = accepted + [c for c in kept if c.collection == name]
        if same(trial):
            accepted = trial
    return tuple(accepted)
