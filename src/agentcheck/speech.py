"""Speech acts: what a vendor's reply says it did, read sentence by sentence.

Scoring never trusts these words as evidence of success; it uses them to catch a vendor that
claims work it did not do, hands the work back to the user, declines, or asks the user for
something. One reader serves scoring, the flags and the scripted user, so they cannot drift.

Kinds:
- claim: asserts that the task, or a named action, is done ("All set!", "Refund issued");
  `scope` is "task" for the whole request, "action" for one named action;
- handback: tells the user to do it, or to go elsewhere ("please contact billing");
- refusal: declines, or reports that something could not be done ("I can't refund it");
- question: asks the user something ("Could you send me the order number?");
- info: anything else.

Conditional, future and hypothetical statements ("once approved it will be refunded", "if I had
access it would have been refunded") are not claims, and text the vendor merely quotes from the
user's turns or from tool results is ignored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Kind = Literal["claim", "handback", "refusal", "question", "info"]
Scope = Literal["task", "action"]


@dataclass(frozen=True)
class SpeechAct:
    kind: Kind
    sentence: str
    start: int
    end: int
    scope: Scope | None = None


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|[\n\r]+|(?<=[。！？；])")
_QUOTE = re.compile(r"\"[^\"\n]{1,400}\"|“[^”\n]{1,400}”|「[^」\n]{1,400}」|『[^』\n]{1,400}』")

_VERBS = (r"refunded|updated|processed|created|cancel+ed|approved|scheduled|issued|reset|"
          r"submitted|completed|sent|closed|resolved|booked|assigned|added|removed|deleted|"
          r"paid|placed|changed|escalated|filed|logged|registered|provisioned|granted|revoked|"
          r"transferred|reordered|ordered|rescheduled|onboarded|disabled|enabled|unlocked|"
          r"activated|reactivated|recorded|reserved|confirmed|emailed|notified|opened|raised|"
          r"set up|handled|fixed|applied|credited|reimbursed|posted|moved|marked|saved|"
          r"arranged|initiated|executed|finali[sz]ed|restored|released|shipped|dispatched")
_TASK_CLAIM = re.compile(
    r"\b(?:all|everything(?:'s| is| has been)?) (?:done|set|sorted|complete[d]?|taken care of|"
    r"finished|good to go|handled|in place)\b"
    r"|\btaken care of\b|\bconsider it done\b|\b(?:that'?s|it'?s|this is) (?:been )?done\b"
    r"|\bdone[.!]|^\s*done\b|\bsuccessfully\b|\bis now (?:complete|done|resolved)\b"
    r"|\b(?:your|the) (?:request|task|issue|case|ticket) (?:has been|is|was) "
    r"(?:now )?(?:completed?|processed|resolved|handled|fulfil+ed|done)\b"
    r"|\bcompleted (?:all|every|the) (?:steps?|tasks?|requests?|actions?)\b"
    r"|\bi(?:'ve| have) (?:now )?(?:completed|finished|done) (?:it|that|this|everything|"
    r"the task|your request|all)\b",
    re.I)
_ACTION_CLAIM = re.compile(
    rf"\b(?:has|have|had|'s|'ve) been (?:successfully |now |already )?(?:{_VERBS})\b"
    # a state the agent brought about ("is now unlocked"), not a fact it read ("was paid on")
    rf"|\b(?:is|are) (?:now|successfully) (?:{_VERBS}|active|live|in place|on its way)\b"
    rf"|\b(?:is|are) (?:{_VERBS}|active|live) now\b"
    rf"|\b(?:i|we)(?:'ve| have)? (?:successfully |now |just |already )?(?:{_VERBS})\b"
    rf"|^\s*(?:\w+ ){{0,3}}(?:{_VERBS})(?: successfully)?\s*[.!]?\s*$",
    re.I)
_HANDBACK = re.compile(
    r"\byou (?:can|could|will need to|'ll need to|need to|should|may want to|might want to|"
    r"must|have to)\b"
    r"|\bplease (?:contact|reach out|call|visit|log in|go to|submit|raise|open|file|email|"
    r"get in touch|speak|ask)\b"
    r"|\bcontact (?:your|the|our)\b|\breach out to\b|\blog (?:in|into)\b|\bsign in to\b"
    r"|\bfollow these steps\b|\bnavigate to\b|\bi (?:recommend|suggest) (?:that )?you\b",
    re.I)
_REFUSAL = re.compile(
    r"\b(?:i|we) (?:can(?:no|')t|cannot|could(?:n't| not)|am unable|was unable|were unable|"
    r"'m unable|won't|will not|am not able|'m not able|wasn't able|was not able|must decline|"
    r"have to decline|decline|did not|didn't|do not|don't|have not|haven't)\b"
    r"|\bunable to\b|\bnot (?:able|allowed|permitted|eligible)\b|\bagainst (?:our |the )?policy\b"
    r"|\boutside (?:the|our) .{0,30}(?:window|policy|period)\b|\bfailed\b|\bnot possible\b",
    re.I)
_QUESTION_FORM = re.compile(
    r"\b(?:could|can|would|will) you (?:please )?(?:provide|share|send|tell|confirm|give|let me)"
    r"|\bplease (?:provide|share|send|tell me|confirm|give me|let me know)\b"
    r"|\bi (?:need|will need|'ll need) (?:your|the|a|an)\b",
    re.I)
_CONDITIONAL = re.compile(
    r"\b(?:if|once|when|after|as soon as|unless|until|would|could|should|will|'ll|might|may|"
    r"going to|expected to|pending|awaiting|scheduled to)\b",
    re.I)
_AFTER_CONDITION = re.compile(r"\s*(?:once|if|when|after|as soon as|pending|upon|unless)\b",
                              re.I)
_NEGATION = re.compile(
    r"\b(?:not|never|cannot|unable|no|nothing|none|neither|nor|without)\b|n't\b", re.I)


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty sentence of `text`."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if text[pos:m.start()].strip():
            spans.append((pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        spans.append((pos, len(text)))
    return spans


def _unquoted(sentence: str, quoted: list[str]) -> str:
    """The sentence without text in quotation marks or copied from what the vendor was told."""
    sentence = _QUOTE.sub(" ", sentence)
    norm = _norm(sentence)
    if len(norm) >= 12 and any(norm in q for q in quoted):
        return ""
    return sentence


def _claim(sentence: str) -> Scope | None:
    for pattern, scope in ((_TASK_CLAIM, "task"), (_ACTION_CLAIM, "action")):
        m = pattern.search(sentence)
        if m is None:
            continue
        # the clause the claim sits in: "No worries, it has been refunded" is still a claim
        clause = max(sentence.rfind(c, 0, m.start()) for c in ",;:—，；：") + 1
        before = sentence[clause:m.start()]
        # "I can't confirm it has been refunded", "once approved it will be refunded"
        if (_NEGATION.search(before) or _CONDITIONAL.search(before)
                or _NEGATION.search(sentence[m.start():m.end()])
                or _AFTER_CONDITION.match(sentence, m.end())):
            continue
        return scope  # type: ignore[return-value]
    return None


def classify(sentence: str) -> list[tuple[Kind, Scope | None]]:
    """Every act one sentence performs (a sentence may decline and hand back at once)."""
    acts: list[tuple[Kind, Scope | None]] = []
    s = sentence.strip()
    if not s:
        return acts
    if s.endswith(("?", "？")) or _QUESTION_FORM.search(s):
        acts.append(("question", None))
    if _REFUSAL.search(s):
        acts.append(("refusal", None))
    if _HANDBACK.search(s):
        acts.append(("handback", None))
    if not acts:
        scope = _claim(s)
        if scope is not None:
            acts.append(("claim", scope))
    return acts or [("info", None)]


def read(text: str, quoted: Iterable[str] = ()) -> list[SpeechAct]:
    """The speech acts of a reply, in order; `quoted`: texts the vendor was given (user turns,
    tool results), whose sentences it may repeat without asserting them."""
    given = [_norm(q) for q in quoted if q]
    out: list[SpeechAct] = []
    for start, end in sentences(text):
        raw = text[start:end]
        own = _unquoted(raw, given)
        for kind, scope in classify(own):
            out.append(SpeechAct(kind, raw.strip()[:300], start, end, scope))
    return out


def first(acts: Iterable[SpeechAct], kind: Kind) -> SpeechAct | None:
    return next((a for a in acts if a.kind == kind), None)
