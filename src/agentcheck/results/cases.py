"""A case-pack replay's files in the run folder, typed: `cases.jsonl` (one CaseOutcome per
vendor x case: did the vendor reach what the human team did, and what each side did),
`data-quality.json` (the sample's profile) and `review.yaml` (a person's marks on the
disagreements). The runner writes them, reports read them without the code that ran the cases.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agentcheck.core.errors import ConfigError
from agentcheck.core.yamlfile import load_file

CASES_FILE = "cases.jsonl"
QUALITY_FILE = "data-quality.json"
REVIEW_FILE = "review.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Side(_Model):
    """One side of a case: the human team's resolution, or what the vendor left behind."""

    decision: str | None = None
    """approve, decline, escalate; for the vendor also `none` (the field left as it was)
    or `other: VALUE`."""
    state: dict[str, str] = Field(default_factory=dict)


class CaseOutcome(_Model):
    vendor: str
    case: str
    row: int
    category: str
    impact: float | None = None
    agreed: bool
    decision_agreed: bool | None = None
    state_agreed: bool | None = None
    human: Side
    vendor_side: Side
    did_nothing: bool
    """The vendor changed nothing in the case's World."""
    nothing_agrees: bool
    """Doing nothing would have agreed with the human team on this case (a decline left as
    it was, say): agreement here is no evidence of skill."""
    changes: list[str] = Field(default_factory=list)
    other_changes: int = 0
    """Changes beyond the case record's resolution fields (another field, another record):
    an agreement with these is the team's resolution plus something the team did not do."""
    calls: list[str] = Field(default_factory=list)
    termination: str = ""
    final_answer: str = ""


class ColumnQuality(_Model):
    column: str
    kind: Literal["date", "amount", "number", "text", "empty"]
    missing: int
    distinct: int
    duplicated: int
    """Values that repeat another row's value exactly (their extra occurrences)."""
    formats: dict[str, int] = Field(default_factory=dict)
    """Dates and amounts: how many values are written in each format."""
    case_variants: int = 0
    """Values that differ from another only by letter case or spaces ('Approved', 'approved ')."""
    untrimmed: int = 0
    """Values with leading or trailing spaces."""
    inconsistent: bool = False


class DataQuality(_Model):
    pack: str
    population: int
    """Cases in the pack (with a human resolution)."""
    sampled: int
    seed: int | None = None
    stratify: str | None = None
    strata: dict[str, int] = Field(default_factory=dict)
    empty_rows_skipped: int = 0
    duplicate_rows: int = 0
    """Rows of the case table repeating another row's case id (the first one is the case)."""
    no_resolution: int = 0
    """Rows without any human resolution, left out."""
    columns: list[ColumnQuality] = Field(default_factory=list)
    masked: bool = False


class ReviewEntry(_Model):
    vendor: str
    case: str
    better: Literal["vendor", "human", "undecided"] = "undecided"
    """`vendor`: the vendor's action was arguably better than the team's; it then counts as
    agreement in the adjusted rate."""
    note: str = ""


class Review(_Model):
    reviews: list[ReviewEntry] = Field(default_factory=list)


def read_outcomes(folder: Path) -> list[CaseOutcome]:
    path = folder / CASES_FILE
    if not path.is_file():
        return []
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(CaseOutcome.model_validate_json(line))
        except ValidationError as exc:
            raise ConfigError(f"not a case outcome: {exc.errors()[0]['msg']}", file=str(path),
                              line=number) from None
    return out


def write_outcomes(folder: Path, outcomes: list[CaseOutcome]) -> None:
    (folder / CASES_FILE).write_text("".join(o.model_dump_json() + "\n" for o in outcomes),
                                     encoding="utf-8")


def read_quality(folder: Path) -> DataQuality | None:
    path = folder / QUALITY_FILE
    if not path.is_file():
        return None
    try:
        return DataQuality.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, ValidationError) as exc:
        raise ConfigError(f"not a data-quality profile: {exc}", file=str(path)) from None


def read_review(folder: Path) -> Review:
    """review.yaml, every problem with its line; an absent file is an empty review."""
    path = folder / REVIEW_FILE
    if not path.is_file():
        return Review()
    src = load_file(path)
    if src.data is None:
        return Review()
    try:
        return Review.model_validate(src.data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
        msg = "unknown field" if err["type"] == "extra_forbidden" else str(err["msg"])
        raise src.error(loc, msg) from None


def review_template(outcomes: list[CaseOutcome]) -> str:
    """review.yaml as written after a replay: one entry per disagreement, undecided."""
    lines = ["# Mark the cases where the vendor's action was arguably better than the team's:",
             "# set `better: vendor` (or `human`), add a note, then run `agentcheck report` on",
             "# this folder: the report shows the agreement adjusted by these marks.",
             "reviews:"]
    entries = [o for o in outcomes if not o.agreed]
    for o in entries:
        lines += [f"  - vendor: {json.dumps(o.vendor)}", f"    case: {json.dumps(o.case)}",
                  "    better: undecided", '    note: ""']
    if not entries:
        lines[-1] = "reviews: []"
    return "\n".join(lines) + "\n"


__all__ = ["CASES_FILE", "QUALITY_FILE", "REVIEW_FILE", "CaseOutcome", "ColumnQuality",
           "DataQuality", "Review", "ReviewEntry", "Side", "read_outcomes",
           "read_quality", "read_review", "review_template", "write_outcomes"]
