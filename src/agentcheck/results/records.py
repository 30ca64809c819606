"""One line of trials.jsonl as a typed record: what every reader of a run (the verdict, the
reports, resume, shard merge, compare) relies on, written in one place instead of as a dict built
by hand in three.

The JSON on disk is unchanged: `to_json()` gives the fields that were set, in the order they are
declared here, with the values exactly as given (no float/int coercion on the way out), so the
bytes json.dumps writes are those the hand-built dict gave. A harness-error record sets fewer
fields (no final answer, no grounding counts) and so keeps its shorter shape.

The parts that are free-form vendor evidence (checks, usage, events) stay loosely typed: they
hold whatever a trial recorded, and their shape belongs to the scorer and the trajectory.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

Number = int | float
"""A number as JSON wrote it: an int stays an int (so 0 is not rewritten as 0.0)."""


class DictAccess(BaseModel):
    """`record["passed"]` and `record.get("x")` as well as `record.passed`: the bridge for callers
    written against the plain dicts these models replace. New code uses attributes."""

    def __getitem__(self, key: str) -> Any:
        if key not in type(self).model_fields:
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        if key not in type(self).model_fields:
            return default
        value = getattr(self, key)
        return default if value is None and key not in self.model_fields_set else value

    def to_json(self) -> dict[str, Any]:
        """The fields that were set, in declaration order, values as given: the JSON shape on
        disk (a field never set, like a harness error's final answer, is left out)."""
        given = self.model_fields_set
        return {k: _plain(getattr(self, k)) for k in type(self).model_fields if k in given}

    def shallow_json(self) -> dict[str, Any]:
        """`to_json()` without walking the values: a nested model stays a model, for an encoder
        that turns models into their JSON form as it meets them (`files.record_line`). A trial's
        events are most of its record, and walking them cost more than encoding them."""
        given, values = self.model_fields_set, self.__dict__
        return {k: values[k] for k in type(self).model_fields if k in given}


def _plain(value: Any) -> Any:
    if isinstance(value, DictAccess):
        return value.to_json()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class SentenceLabels(DictAccess):
    """One sentence of a final reply as both readers labelled it: the deterministic reader
    (speech/, its first act in the order claim, refusal, handback, question, info) and the
    second reader, a model asked with the pinned prompt (`judge` None when it gave none)."""

    model_config = ConfigDict(extra="forbid")

    text: str
    reader: str
    judge: str | None = None
    scope: str | None = None
    """The second reader's scope of a claim: "task" or "action"."""


class SecondReading(DictAccess):
    """What the optional second reader (`run --judge PROFILE`) said of a trial's final reply,
    and what it cost. `status` "error" (an unreachable judge, an answer that is not the JSON
    asked for) says why in `reason` and never changes the verdict; "skipped": nothing to read
    (no final reply). `decided`: its labels decided this trial's honesty checks
    (`--judge-decides`); otherwise the deterministic reader's did."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["ok", "error", "skipped"]
    reason: str | None = None
    profile: str
    model: str
    prompt: str
    prompt_sha256: str
    cached: bool = False
    """Answered from the cache (same prompt, model, reply and context): cost nothing."""
    decided: bool = False
    sentences: list[SentenceLabels] = []
    usage: dict[str, Any] = {}
    cost_usd: Number = 0.0


class ShownNames(DictAccess):
    """Under a private variant (issue 13): what the vendor saw where the record keeps the
    scenario's own names. Canonical name -> shown name, only those that differ."""

    model_config = ConfigDict(extra="forbid")

    tools: dict[str, str] = {}
    parameters: dict[str, dict[str, str]] = {}
    """Per canonical tool: canonical parameter -> shown parameter."""
    lookalikes: int = 0
    """Look-alike records added to the trial's World."""


class UsageFloor(DictAccess):
    """The harness's own estimate of a trial's traffic (core/usage.py), beside the usage the
    vendor reported: `cost_usd` prices the reported usage raised to this floor where below it
    (`raised`), and `reported_cost_usd` is what the reported usage alone would cost."""

    model_config = ConfigDict(extra="forbid")

    prompt_chars: int
    """Characters of every request's prompt the harness sent (vendor-run agents: of what the
    agent was sent, once)."""
    completion_chars: int
    """Characters of every reply and tool call received."""
    input_tokens: int
    output_tokens: int
    """The floor: the characters at a token per 4 (core.usage.CHARS_PER_TOKEN_FLOOR)."""
    raised: bool
    """The reported prompt or completion tokens were below the floor and were raised to it."""
    reported_cost_usd: Number


class TrialRecord(DictAccess):
    """One finished trial: what was run (vendor, scenario, trial, seed), how it was judged (the
    scorer's fields), how it ended and what it cost, and its trajectory as evidence.

    Unknown fields are refused (`extra="forbid"`): a line written by a newer agentcheck with a
    field this one does not know is reported with its file and line (read_records), rather than
    read silently without it and then written back without it by a shard merge."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    # what was run
    vendor: str
    scenario: str
    scenario_version: int | None = None
    scenario_hash: str | None = None
    variant: str = "clean"
    family: str | None = None
    probes: list[str] = []
    human_minutes: Number | None = None
    trial: int
    seed: int | None = None
    started_at: str | None = None
    reference_sequence: list[str] = []
    tool_set: list[str] = []
    """Scenarios offering the same tools form a control group (the verdict's `scripted`)."""
    shown_names: ShownNames | None = None
    """Only under `--private-variants`: the names the vendor saw (left out otherwise, so
    records of runs without variants keep their bytes)."""
    # how it was judged (judge/scoring.py TrialScore)
    passed: bool = False
    score: Number = 0.0
    checks: list[dict[str, Any]] = []
    dimensions: dict[str, Number | None] = {}
    flags: list[str] = []
    flag_evidence: dict[str, str] = {}
    call_sequence: list[str] = []
    faults_fired: int = 0
    grounded_calls: int | None = None
    """Successful calls with no made-up value; absent in records from before grounding."""
    made_up_values: int | None = None
    # how it ended and what it cost
    termination: str = "final_answer"
    error_cause: str | None = None
    error_message: str | None = None
    model_calls: int = 0
    tool_calls: int = 0
    invalid_calls: int = 0
    usage: dict[str, Any] = {}
    cost_usd: Number = 0.0
    """What the trial cost: the reported usage at the profile's prices, raised to the floor."""
    usage_floor: UsageFloor | None = None
    """The harness's estimate of the traffic and the cost of the reported usage alone; absent
    in records from before the floor (their cost_usd is the reported usage's)."""
    duration_s: Number = 0.0
    model_latencies: list[Number] = []
    final_answer: str | None = None
    events: list[dict[str, Any]] = []
    second_reader: SecondReading | None = None
    """Only with `run --judge` or `report --judge`: left out otherwise, so records written
    without a second reader keep their bytes."""

    @property
    def key(self) -> tuple[str, str, int]:
        """(vendor, scenario, trial): the cell of the matrix this trial fills."""
        return self.vendor, self.scenario, self.trial

    @property
    def harness_error(self) -> bool:
        return self.termination == "harness_error"

    @property
    def grounding_measured(self) -> bool:
        return "grounded_calls" in self.model_fields_set


IDENTITY_FIELDS = ("vendor", "scenario", "scenario_version", "scenario_hash", "variant",
                   "family", "probes", "human_minutes", "trial", "seed", "started_at",
                   "reference_sequence", "tool_set", "usage", "cost_usd", "duration_s")
"""What names a trial (and what it cost): kept when the rest of its record cannot be written."""


def harness_error_record(base: TrialRecord | dict[str, Any], cause: str, message: str
                         ) -> TrialRecord:
    """A trial agentcheck itself failed: nothing judged, nothing counted against the vendor
    (`run --resume` runs it again). `base` gives the fields that name the trial."""
    named = base.to_json() if isinstance(base, TrialRecord) else base
    fields = {k: named[k] for k in IDENTITY_FIELDS if k in named}
    return TrialRecord.model_validate({**fields, **harness_error_fields(cause, message)})


def harness_error_fields(cause: str, message: str) -> dict[str, Any]:
    """The judged part of a record agentcheck could not judge, in the order it is written."""
    return {"passed": False, "score": 0.0, "checks": [], "dimensions": {}, "flags": [],
            "flag_evidence": {}, "call_sequence": [], "faults_fired": 0,
            "termination": "harness_error", "error_cause": cause,
            "error_message": message[:500], "model_calls": 0, "tool_calls": 0,
            "invalid_calls": 0, "usage": {}, "cost_usd": 0.0, "duration_s": 0.0,
            "model_latencies": [], "events": []}


class RecordError(ValueError):
    """A line of trials.jsonl that names a trial but is not a record this agentcheck reads."""


def parse_record(data: dict[str, Any]) -> TrialRecord:
    """A record read from disk (or handed over as a dict by older callers), validated; a
    RecordError says which field is wrong in words, without a traceback."""
    try:
        return TrialRecord.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors()[:3]:
            where = ".".join(str(p) for p in err["loc"]) or "record"
            if err["type"] == "extra_forbidden":
                problems.append(f"unknown field {where!r} (written by a newer agentcheck?)")
            else:
                problems.append(f"{where}: {err['msg']}")
        more = exc.error_count() - len(problems)
        raise RecordError("; ".join(problems) + (f" (and {more} more)" if more > 0 else "")
                          ) from None


def as_record(value: TrialRecord | dict[str, Any]) -> TrialRecord:
    """A record, from a model or from a dict as older callers (and tests) pass them."""
    return value if isinstance(value, TrialRecord) else parse_record(value)
