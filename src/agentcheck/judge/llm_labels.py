"""The optional second reader's side of the judge, without the call: the pinned prompt, the
request built from a final reply, the validation of the answer, and the labels as speech acts.

A model (any vendor profile: `agentcheck run --judge PROFILE`) labels each sentence of a trial's
final reply with the classes of the deterministic reader (speech/): claim, refusal, handback,
question, info. The sentences are the deterministic reader's own (speech.sentences), so the two
readers label the same units and can be compared sentence by sentence (judge/agreement.py).
The call itself, its cache and its cost live in run/second_reader.py: the judge never talks to
a vendor.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from agentcheck.core.calls import CallResult
from agentcheck.core.trajectory import Trajectory
from agentcheck.judge.claims import as_reports, quoted_texts
from agentcheck.speech import KINDS, Kind, Scope, SpeechAct, read, sentences

PROMPT = "speech_acts_v2"
"""The prompt's name and version (judge/prompts/speech_acts_v2.py): a new wording is a new
module (and a new cache key), never an edit of this one, so every recorded label names the
exact words that produced it."""

PRIORITY: tuple[Kind, ...] = ("claim", "refusal", "handback", "question", "info")
"""One label per sentence: the first of these the sentence performs (the deterministic reader
may find several acts in one sentence; the prompt asks the model for the same order)."""

MAX_SENTENCES = 80
MAX_SENTENCE_CHARS = 600
MAX_CONTEXT_ITEM_CHARS = 1_000
MAX_CONTEXT_CHARS = 6_000


@cache
def prompt_text(name: str = PROMPT) -> str:
    """The pinned system prompt, as shipped in the package (judge/prompts/NAME.py, `TEXT`)."""
    text: str = importlib.import_module(f"agentcheck.judge.prompts.{name}").TEXT
    return text


@cache
def prompt_sha256(name: str = PROMPT) -> str:
    return hashlib.sha256(prompt_text(name).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Unit:
    """One sentence of the reply: where it is (as the deterministic reader's acts say) and the
    text shown to the model and in reports (whitespace collapsed)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Label:
    kind: Kind
    scope: Scope | None = None


class AnswerError(ValueError):
    """The model's answer is not the JSON the prompt asks for; the message says how."""


def units(text: str) -> list[Unit]:
    return [Unit(a, b, " ".join(text[a:b].split())[:MAX_SENTENCE_CHARS])
            for a, b in sentences(text)]


def primary(kinds: Iterable[str]) -> Kind:
    found = set(kinds)
    return next((k for k in PRIORITY if k in found), "info")


def reader_labels(reply_units: Sequence[Unit], acts: Iterable[SpeechAct]) -> list[Kind]:
    """The deterministic reader's label of each unit: the first of PRIORITY among its acts."""
    by_span: dict[tuple[int, int], list[str]] = {}
    for act in acts:
        by_span.setdefault((act.start, act.end), []).append(act.kind)
    return [primary(by_span.get((u.start, u.end), ())) for u in reply_units]


def deterministic_acts(traj: Trajectory) -> list[SpeechAct]:
    """The final reply's acts as the honesty checks read them (judge/scoring.py): the speech
    reader, with text copied from the user or tools ignored and a record's state it read taken
    as a report."""
    return as_reports(read(traj.final_text, quoted_texts(traj)), traj)


def context_of(traj: Trajectory) -> list[str]:
    """What the user wrote and the tools returned, which the reply may repeat: each item cut
    to MAX_CONTEXT_ITEM_CHARS, the latest kept first when they are too many in all."""
    items = [" ".join(q.split())[:MAX_CONTEXT_ITEM_CHARS] for q in quoted_texts(traj)]
    kept: list[str] = []
    total = 0
    for item in reversed([i for i in items if i]):
        if total + len(item) > MAX_CONTEXT_CHARS:
            break
        kept.append(item)
        total += len(item)
    return kept[::-1]


def user_message(reply_units: Sequence[Unit], context: Sequence[str]) -> str:
    """The one user message the model gets: JSON, so no reply text can pose as instructions
    outside its string."""
    return json.dumps({"sentences": [{"n": i + 1, "text": u.text}
                                     for i, u in enumerate(reply_units)],
                       "context": list(context)}, ensure_ascii=False)


def cache_key(prompt_hash: str, model: str, reply: str, context: Sequence[str]) -> str:
    """sha256 over the prompt's hash, the model, the reply and the quoted context: the same
    question to the same model is asked once."""
    h = hashlib.sha256()
    for part in (prompt_hash, model, reply, *context):
        data = part.encode("utf-8", errors="replace")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


_FENCE = re.compile(r"^\s*```[A-Za-z]*\s*\n?(.*?)\n?\s*```\s*$", re.S)


def parse_answer(text: str, count: int) -> list[Label]:
    """The labels in a model's answer, one per sentence in order, or AnswerError. The answer
    must be the JSON object the prompt shows (a Markdown code fence around it is tolerated):
    `labels` with exactly `count` entries numbered 1..count, each a known class; a claim's
    scope is "task" or "action" (missing: "action")."""
    fenced = _FENCE.match(text)
    body = (fenced.group(1) if fenced else text).strip()
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise AnswerError(f"not JSON: {_clip(body)!r}") from None
    labels = data.get("labels") if isinstance(data, dict) else None
    if not isinstance(labels, list):
        raise AnswerError("no \"labels\" list in the answer")
    if len(labels) != count:
        raise AnswerError(f"{len(labels)} label(s) for {count} sentence(s)")
    out: list[Label] = []
    for i, item in enumerate(labels, start=1):
        if not isinstance(item, dict):
            raise AnswerError(f"label {i} is not an object")
        n, kind, scope = item.get("n"), item.get("label"), item.get("scope")
        if n != i or isinstance(n, bool):
            raise AnswerError(f"label {i} is numbered {_clip(str(n))!r}")
        if kind not in KINDS:
            raise AnswerError(f"label {i} is {_clip(str(kind))!r}, not one of "
                              f"{', '.join(KINDS)}")
        if kind != "claim":
            out.append(Label(cast(Kind, kind)))
        elif scope in ("task", "action"):
            out.append(Label("claim", cast(Scope, scope)))
        elif scope is None:
            out.append(Label("claim", "action"))
        else:
            raise AnswerError(f"label {i} has scope {_clip(str(scope))!r}, not task or action")
    return out


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def acts_of(reply: str, reply_units: Sequence[Unit], labels: Sequence[Label]) -> list[SpeechAct]:
    """The second reader's labels as the speech acts the honesty checks read
    (`run --judge-decides`): one act per sentence, quoting the vendor's own bytes."""
    return [SpeechAct(lab.kind, reply[u.start:u.end].strip()[:300], u.start, u.end,
                      lab.scope if lab.kind == "claim" else None)
            for u, lab in zip(reply_units, labels, strict=True)]


def trajectory_of(events: Iterable[dict[str, Any]]) -> Trajectory:
    """A trial's trajectory rebuilt from its recorded events (trials.jsonl), enough for the
    readers: the user's turns, the replies and the tool calls with their results
    (`report --judge` reads a finished run this way)."""
    traj = Trajectory()
    for event in events:
        if not isinstance(event, dict):
            continue
        traj.events.append(event)
        kind = event.get("type")
        if kind == "assistant" and event.get("text"):
            traj.texts.append(str(event["text"]))
        elif kind == "tool":
            ok = bool(event.get("ok"))
            changes = event.get("changes")
            traj.calls.append(CallResult(
                tool=str(event.get("name", "")), args=event.get("args"), ok=ok,
                result=event.get("result"), error=event.get("error"),
                error_kind=event.get("error_kind"),
                changed=changes if isinstance(changes, list) else []))
    return traj
