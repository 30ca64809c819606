"""A case pack: `pack.yaml` (this model), the scenario template it names, and its case tables.

The loader turns each row of the case table into a Case: the World records its world needs
(built from the row and from rows of other tables that join to it), the requester's text (the
user turn), its category and impact, and the human resolution (the state a person left the
case's record in, and/or their decision). Columns that hold the resolution never reach the
World: a vendor must not be shown the answer.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from agentcheck.cases.tables import Row, Table, TableErrors, read_table
from agentcheck.core.errors import ConfigError
from agentcheck.core.yamlfile import LocatedData, load_file
from agentcheck.scenario.expect import ConditionSpec
from agentcheck.scenario.model import Scenario, Turn, load_scenario
from agentcheck.scenario.strict import Strict

PACK_FILE = "pack.yaml"
Decision = Literal["approve", "decline", "escalate"]
DECISIONS: tuple[Decision, ...] = ("approve", "decline", "escalate")
MaskKind = Literal["name", "email", "phone", "address", "account", "card", "iban", "text",
                   "none"]
FIELD_RE = r"^[A-Za-z_][A-Za-z0-9_]*$"


class CaseTable(Strict):
    file: str = Field(min_length=1, description="the case table, relative to the pack folder")
    id: str = Field(min_length=1, description="column: the case's id")
    text: str = Field(min_length=1, description="column: the request as the requester wrote "
                                                "it (the vendor's first user turn)")
    category: str | None = Field(default=None, description="column: the case's category "
                                                           "(agreement is shown per category)")
    impact: str | None = Field(default=None, description="column: a number ranking "
                                                         "disagreements (e.g. the amount)")


class RecordMap(Strict):
    """Which columns make which World records."""

    collection: str = Field(pattern=FIELD_RE)
    file: str | None = Field(default=None, description="another table (default: the case "
                                                       "table: the case's own row)")
    match: dict[str, str] = Field(
        default_factory=dict,
        description="column of `file` -> column of the case table: the rows of `file` whose "
                    "values equal the case row's belong to the case")
    fields: dict[str, str] | None = Field(
        default=None, description="World field -> column (default: every column under its "
                                  "own name, except the human resolution's)")
    omit: list[str] = Field(default_factory=list,
                            description="columns left out of the record (with the default "
                                        "fields): e.g. a note written after the decision")
    numbers: list[str] = Field(default_factory=list,
                               description="World fields read as numbers ('USD 1,200.50' is "
                                           "1200.5); a value that is not one is an error")
    set: dict[str, Any] = Field(default_factory=dict,
                                description="World fields with a fixed value, e.g. the state "
                                            "before anyone acted (status: pending)")

    @model_validator(mode="after")
    def _joined(self) -> RecordMap:
        if self.file is not None and not self.match:
            raise ValueError("records from another file need `match` (its column -> the case "
                             "table's column)")
        return self


class DecisionMap(Strict):
    column: str = Field(min_length=1, description="column: what the person decided")
    field: str = Field(pattern=FIELD_RE,
                       description="field of the case's record whose final value is the "
                                   "vendor's decision")
    values: dict[Decision, list[str]] = Field(
        description="the values (in the column and in the field) meaning each decision, "
                    "compared without case or surrounding spaces")

    @model_validator(mode="after")
    def _some(self) -> DecisionMap:
        if not any(self.values.values()):
            raise ValueError("values names at least one value for a decision")
        return self


class Resolution(Strict):
    """What the human team did, and where to read what the vendor did."""

    collection: str = Field(pattern=FIELD_RE, description="the collection of the case's own "
                                                          "record (built from the case row)")
    key: str = Field(default="id", pattern=FIELD_RE,
                     description="the field that identifies that record")
    state: dict[str, str] = Field(default_factory=dict,
                                  description="field of the case's record -> column holding "
                                              "the value the person left it at")
    decision: DecisionMap | None = None

    @model_validator(mode="after")
    def _something(self) -> Resolution:
        if not self.state and self.decision is None:
            raise ValueError("a resolution names `state` fields, a `decision`, or both")
        return self


class MaskMap(Strict):
    columns: dict[str, dict[str, MaskKind]] = Field(
        default_factory=dict,
        description="file -> column -> kind, overriding detection ('none' keeps a column "
                    "as it is; 'text' replaces mentions of masked values only)")


class Pack(Strict):
    name: str = Field(min_length=1)
    scenario: str = Field(min_length=1, description="the scenario template, relative to the "
                                                    "pack folder; its `world` lists the "
                                                    "collections, left empty")
    cases: CaseTable
    records: list[RecordMap] = Field(min_length=1)
    resolution: Resolution
    mask: MaskMap = Field(default_factory=MaskMap)
    masked: bool = Field(default=False, description="set by `agentcheck import`")
    masking_key_fingerprint: str | None = Field(
        default=None, description="set by `agentcheck import`: which key masked the pack "
                                  "(a fingerprint, never the key)")
    send_unmasked: bool = Field(default=False, description="allow replaying an unmasked "
                                                           "pack against a vendor")

    def files(self) -> list[str]:
        """Every table the pack reads, the case table first."""
        out = [self.cases.file]
        for r in self.records:
            if r.file is not None and r.file not in out:
                out.append(r.file)
        return out


@dataclass(frozen=True)
class Human:
    decision: Decision | None
    state: dict[str, str]


@dataclass
class Case:
    id: str
    row: int
    text: str
    category: str
    impact: float | None
    world: dict[str, list[dict[str, Any]]]
    human: Human
    values: dict[str, str] = field(default_factory=dict)
    """The case row as read (for sampling strata and the data-quality profile)."""


@dataclass
class LoadedPack:
    folder: Path
    pack: Pack
    template: Scenario
    tables: dict[str, Table]
    cases: list[Case]
    skipped: int = 0
    """Case rows without any human resolution (nothing to compare with)."""

    @property
    def case_table(self) -> Table:
        return self.tables[self.pack.cases.file]


def _validation_errors(exc: ValidationError, src: LocatedData) -> list[ConfigError]:
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if isinstance(p, (str, int))
                    and not (isinstance(p, str) and p[:1].isupper()))
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "missing":
            msg = "required field is missing"
        out.append(src.error(loc, msg))
    return out


def read_pack_file(folder: Path) -> tuple[Pack, LocatedData]:
    path = folder / PACK_FILE
    if not folder.is_dir():
        raise ConfigError(f"no case pack folder at {folder}")
    if not path.is_file():
        raise ConfigError(f"no {PACK_FILE} in {folder} (agentcheck new case-pack --from "
                          "EXPORT DIR writes one)")
    src = load_file(path)
    if not isinstance(src.data, dict):
        raise ConfigError("a pack file is a YAML mapping", file=str(path))
    try:
        return Pack.model_validate(src.data), src
    except ValidationError as exc:
        raise TableErrors(_validation_errors(exc, src)) from None


NUMBER_RE = re.compile(r"^\(?-?\d+(?:[.,]\d+)*\)?-?$")


def parse_number(text: str) -> float | None:
    """'USD 1,200.50', '$1 200,50', '1.200,50 €', '(300.00)' as numbers; None if it is not one.
    With both separators the later one is the decimal; a lone comma followed by three digits
    groups thousands ('1,200'), any other lone comma or dot is the decimal."""
    s = re.sub(r"(?i)\b(usd|eur|gbp|chf|jpy|cad|aud|nzd|sek|nok|dkk|twd|cny|inr)\b", "", text)
    s = re.sub(r"[\s$€£¥\u00a0']", "", s)
    if not s or not NUMBER_RE.match(s):
        return None
    negative = s.startswith(("(", "-")) or s.endswith("-")
    s = s.strip("()-")
    dot, comma = s.rfind("."), s.rfind(",")
    if dot >= 0 and comma >= 0:
        decimal = "." if dot > comma else ","
    elif comma >= 0:
        decimal = "," if s.count(",") == 1 and len(s) - comma - 1 != 3 else ""
    elif dot >= 0:
        decimal = "." if s.count(".") == 1 else ""
    else:
        decimal = ""
    for sep in {".", ","} - {decimal}:
        s = s.replace(sep, "")
    try:
        value = float(s.replace(",", "."))
    except ValueError:
        return None
    return -value if negative else value


def norm(text: str) -> str:
    """How resolution values are compared: case, surrounding and repeated spaces ignored."""
    return " ".join(text.split()).casefold()


def safe_text(text: str) -> str:
    """Case data never runs as a scenario template: `{{` is broken up (a requester who wrote
    it, or a hostile cell, would otherwise be evaluated against the World)."""
    return text.replace("{{", "{ {").replace("}}", "} }")


def load_pack(folder: Path, tables: dict[str, Table] | None = None) -> LoadedPack:
    """The pack in `folder`, every case built. `tables`: already read tables by file name."""
    pack, src = read_pack_file(folder)
    template_path = folder / pack.scenario
    if not template_path.is_file():
        raise src.error(("scenario",), f"no scenario template at {template_path}")
    template = load_scenario(template_path)  # ScenarioErrors name the template's lines
    loaded = tables or {}
    for name in pack.files():
        if name not in loaded:
            path = folder / name
            if not path.is_file():
                raise src.error(("cases", "file") if name == pack.cases.file else ("records",),
                                f"no table {name} in {folder} (agentcheck import EXPORT "
                                f"--pack {folder} writes it)")
            loaded[name] = read_table(path)
    _check_mapping(pack, src, loaded, template)
    cases, skipped = _build_cases(pack, loaded)
    return LoadedPack(folder, pack, template, loaded, cases, skipped)


def _resolution_columns(pack: Pack) -> set[str]:
    cols = set(pack.resolution.state.values())
    if pack.resolution.decision is not None:
        cols.add(pack.resolution.decision.column)
    return cols


def _check_mapping(pack: Pack, src: LocatedData, tables: dict[str, Table],
                   template: Scenario) -> None:
    problems: list[ConfigError] = []
    cases = tables[pack.cases.file]

    def need(table: Table, column: str, loc: tuple[str | int, ...]) -> None:
        if column not in table.columns:
            have = ", ".join(table.columns) or "none"
            problems.append(src.error(loc, f"no column {column!r} in {table.path.name} "
                                           f"(its columns: {have})"))

    for key in ("id", "text", "category", "impact"):
        col = getattr(pack.cases, key)
        if col is not None:
            need(cases, col, ("cases", key))
    hidden = _resolution_columns(pack)
    for col, loc in [(c, ("resolution", "state", f)) for f, c in pack.resolution.state.items()]:
        need(cases, col, loc)
    if pack.resolution.decision is not None:
        need(cases, pack.resolution.decision.column, ("resolution", "decision", "column"))
    own = [r for r in pack.records if r.file is None]
    if not any(r.collection == pack.resolution.collection for r in own):
        problems.append(src.error(("resolution", "collection"),
                                  f"no record of {pack.resolution.collection!r} is built from "
                                  "the case row (a `records` entry without `file`)"))
    for i, rec in enumerate(pack.records):
        table = tables[rec.file] if rec.file is not None else cases
        if rec.collection not in template.world:
            problems.append(src.error(("records", i, "collection"),
                                      f"the template {pack.scenario} has no collection "
                                      f"{rec.collection!r} (its world: "
                                      f"{', '.join(template.world) or 'nothing'})"))
        for mine, theirs in rec.match.items():
            need(table, mine, ("records", i, "match", mine))
            need(cases, theirs, ("records", i, "match", mine))
        for j, col in enumerate(rec.omit):
            need(table, col, ("records", i, "omit", j))
        for name, col in (rec.fields or {}).items():
            need(table, col, ("records", i, "fields", name))
            if rec.file is None and col in hidden:
                problems.append(src.error(("records", i, "fields", name),
                                          f"column {col!r} holds the human resolution: a "
                                          "vendor must not see it"))
    for fname in pack.mask.columns:
        if fname not in tables:
            problems.append(src.error(("mask", "columns", fname),
                                      f"{fname} is not a table of this pack"))
    if problems:
        raise TableErrors(problems)


def _record(rec: RecordMap, row: Row, table: Table, hidden: set[str],
            problems: list[ConfigError]) -> dict[str, Any]:
    fields = rec.fields if rec.fields is not None else \
        {c: c for c in table.columns if c not in hidden and c not in rec.omit}
    out: dict[str, Any] = {}
    for name, col in fields.items():
        text = safe_text(row.values.get(col, "").strip())
        if name in rec.numbers:
            if not text:
                out[name] = None
                continue
            number = parse_number(text)
            if number is None:
                problems.append(ConfigError(f"{text[:40]!r} is not a number",
                                            file=str(table.path), line=row.number, field=col))
                continue
            out[name] = int(number) if number.is_integer() else number
        else:
            out[name] = text
    for name, value in rec.set.items():
        out[name] = value
    return out


def _build_cases(pack: Pack, tables: dict[str, Table]) -> tuple[list[Case], int]:
    table = tables[pack.cases.file]
    problems: list[ConfigError] = []
    hidden = _resolution_columns(pack)
    # rows of each joined file by their match key, built once
    index: dict[int, dict[tuple[str, ...], list[Row]]] = {}
    for i, rec in enumerate(pack.records):
        if rec.file is not None:
            by: dict[tuple[str, ...], list[Row]] = {}
            for r in tables[rec.file].rows:
                key = tuple(norm(r.values.get(c, "")) for c in rec.match)
                by.setdefault(key, []).append(r)
            index[i] = by
    cases: list[Case] = []
    skipped = 0
    seen: dict[str, int] = {}
    res = pack.resolution
    for row in table.rows:
        case_id = row.values[pack.cases.id].strip()
        if not case_id:
            problems.append(ConfigError("the case id is empty", file=str(table.path),
                                        line=row.number, field=pack.cases.id))
            continue
        if case_id in seen:  # an export's duplicate row: the first one is the case
            continue
        seen[case_id] = row.number
        world: dict[str, list[dict[str, Any]]] = {}
        for i, rec in enumerate(pack.records):
            coll = world.setdefault(rec.collection, [])
            if rec.file is None:
                own = _record(rec, row, table, hidden, problems)
                if rec.collection == res.collection and res.key in own:
                    # its key first: the field a change set names the record by
                    # (scenario/changes.py record_key)
                    own = {res.key: own.pop(res.key), **own}
                coll.append(own)
                continue
            key = tuple(norm(row.values.get(c, "")) for c in rec.match.values())
            for joined in index[i].get(key, []):
                coll.append(_record(rec, joined, tables[rec.file], set(), problems))
        decision: Decision | None = None
        if res.decision is not None:
            raw = norm(row.values.get(res.decision.column, ""))
            if raw:
                decision = next((d for d, vals in res.decision.values.items()
                                 if raw in {norm(v) for v in vals}), None)
                if decision is None:
                    known = ", ".join(v for vals in res.decision.values.values() for v in vals)
                    problems.append(ConfigError(
                        f"{raw[:40]!r} is not a decision value of the pack (known: {known}; "
                        "add it under resolution.decision.values)", file=str(table.path),
                        line=row.number, field=res.decision.column))
        state = {f: row.values.get(c, "").strip() for f, c in res.state.items()
                 if row.values.get(c, "").strip()}
        if decision is None and not state:
            skipped += 1
            continue
        impact = None
        if pack.cases.impact is not None:
            impact = parse_number(row.values.get(pack.cases.impact, ""))
        cases.append(Case(case_id, row.number, safe_text(row.values[pack.cases.text].strip()),
                          (row.values.get(pack.cases.category, "").strip() or "(none)")
                          if pack.cases.category else "(all)",
                          impact, world, Human(decision, state), dict(row.values)))
    if problems:
        raise TableErrors(problems)
    return cases, skipped


def _slug(text: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-") or "case"


def _quoted(name: str) -> str:
    """A JMESPath quoted identifier (any field name)."""
    return json.dumps(name)


def _want(text: str) -> Any:
    """A resolution value as an outcome check expects it: a number when it is one ('1,200.50'
    matches 1200.5), else the text with its spaces collapsed (case is ignored by the check)."""
    number = parse_number(text)
    if number is not None:
        return int(number) if number.is_integer() else number
    return safe_text(" ".join(text.split()))


def resolution_checks(pack: Pack, case: Case) -> list[ConditionSpec]:
    """Outcome checks for the case's own scenario: the vendor completes the case only when its
    record ends as the team left it (the team's decision, the team's value on every state
    field), the same as the agreement of cases.jsonl, so a constant policy completes only the
    cases where the team happened to decide as it does. The team being wrong is the review's
    question (review.yaml: the adjusted agreement), not the trial's.

    Two kinds of check, so that a vendor that decided otherwise and says what it did is not
    called dishonest (a claim of work over a failed check that the untouched World fails too
    is a false claim, judge/claims.py):
    - `acted`: something recorded on the record: a decision value other than the one it
      started with (or, without a decision, a state field the team changed moved off its
      start), which the untouched World fails: a vendor that only talks completes no case and
      a claim of work with nothing recorded is false;
    - `as the team left it`: each of the team's values, *or* nothing recorded, which the
      untouched World passes: a vendor that recorded another decision fails the case without
      a false claim.
    Where the team's decision can only be written as the value the record started with (a
    pack whose decline is only 'open'), leaving it so is the team's resolution: doing nothing
    completes such a case, and the agreement counts it apart (agreed by doing nothing)."""
    res = pack.resolution
    start = case.world[res.collection][0]
    literal = json.dumps(start.get(res.key)).replace("`", "\\`")
    record = f"{_quoted(res.collection)}[?{_quoted(res.key)}==`{literal}`] | [0]"

    def check(path: str, want: Any, label: str) -> ConditionSpec:
        return ConditionSpec.model_validate({"path": path, "is": want,
                                             "label": safe_text(f"{case.id}: {label}")})

    out: list[ConditionSpec] = []
    gate: dict[str, Any] = {}  # field -> start value: 'nothing recorded' is all of them so
    human = case.human
    if res.decision is not None and human.decision is not None:
        dec = res.decision
        before = start.get(dec.field)
        mine = [safe_text(v) for v in dec.values.get(human.decision, [])]
        recorded = [v for v in mine if norm(v) != norm(str(before or ""))]
        if recorded:
            anything = [safe_text(v) for vals in dec.values.values() for v in vals
                        if norm(v) != norm(str(before or ""))]
            out.append(check(f"{record}.{_quoted(dec.field)}", {"in": anything},
                             f"a decision recorded ({dec.field} is one of "
                             f"{', '.join(anything)})"))
            gate[dec.field] = before
            out.append(check(f"{record}.{_quoted(dec.field)}",
                             {"in": [*recorded, before]},
                             f"the team's decision, {human.decision} ({dec.field} is one of "
                             f"{', '.join(recorded)}), if one is recorded"))
        else:
            out.append(check(f"{record}.{_quoted(dec.field)}", {"in": mine},
                             f"the team's decision, {human.decision} ({dec.field} left as "
                             f"{', '.join(mine)})"))
    changed = {f: t for f, t in human.state.items() if not _same_start(t, start.get(f))}
    for name, text in human.state.items():
        if name not in changed:  # the team left it as it was: so must the vendor
            out.append(check(f"{record}.{_quoted(name)}", _want(text),
                             f"{name} as the team left it ({safe_text(text)})"))
    if changed and not gate:
        gate = {f: start.get(f) for f in changed}
        out.append(check(record, {"exists": True, "not": gate},
                         f"something recorded ({' or '.join(gate)} changed)"))
    for name, text in changed.items():
        for g, before in gate.items():
            if g == name:
                want: Any = {"not": {name: {"not_in": [_want(text), before]}}}
            else:
                want = {"not": {name: {"not": _want(text)}, g: {"not": before}}}
            out.append(check(record, want, f"{name} as the team left it ({safe_text(text)}), "
                                           "if something is recorded"))
    return out


def _same_start(text: str, before: Any) -> bool:
    """Did the team leave this field at the value the case's record starts with?"""
    if before is None:
        return not text.strip()
    a, b = parse_number(text), parse_number(str(before))
    if a is not None and b is not None:
        return abs(a - b) < 0.005
    return norm(text) == norm(str(before))


def case_scenarios(loaded: LoadedPack, cases: list[Case]) -> dict[str, Scenario]:
    """One scenario per case: the template with the case's World, the requester's text as
    the first turn and a decision required by its outcome checks (ids
    '<template>--<case id>', unique). By case id."""
    template = loaded.template
    out: dict[str, Scenario] = {}
    taken: set[str] = set()
    for case in cases:
        sid = f"{template.id}--{_slug(case.id)}"
        if sid in taken:
            sid = f"{sid}-row-{case.row}"
        taken.add(sid)
        expect = template.expect.model_copy(update={
            "outcome": [*template.expect.outcome, *resolution_checks(loaded.pack, case)]})
        sc = template.model_copy(update={
            "id": sid, "title": f"{template.title}: case {case.id}", "world": case.world,
            "task": [Turn(user=case.text or "(the requester wrote nothing)")],
            "expect": expect})
        digest = hashlib.sha256((template.content_hash + json.dumps(
            [case.id, case.text, case.world], sort_keys=True, default=str)).encode())
        sc._hash = digest.hexdigest()[:16]
        sc._path = template.path
        out[case.id] = sc
    return out
