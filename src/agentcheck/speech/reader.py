"""The reader: sentence by sentence, which acts a vendor's reply performs.

A claim must survive its clause: negation or modality before it ("can't confirm it has been
refunded", "it will be refunded"), a condition after it ("refunded once approved") or
anywhere earlier in the sentence ("if I had access, ...") and reported speech ("you asked
me to ...") each cancel it. Negation is clause-local, so "No worries, your order has been
refunded" is still a claim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agentcheck.speech.acts import Kind, Scope, SpeechAct
from agentcheck.speech.language import detect, latin_scores, script_language
from agentcheck.speech.lexicon import Lexicon, Rx
from agentcheck.speech.lexicons import LATIN, LEXICONS
from agentcheck.speech.text import CHECK, fragments, norm, sentences, unquote, without_given

_INFO: list[tuple[Kind, Scope | None]] = [("info", None)]
_CLOSERS = "\"'”’»」』）)]】》〉 .。!！"


def _asks(s: str, lex: Lexicon) -> bool:
    if s.rstrip(_CLOSERS + "…").endswith("?") or s.rstrip().endswith("?"):
        return True
    return bool(lex.question.search(s)) and not lex.not_question.search(s)


def _hands_back(s: str, lex: Lexicon) -> bool:
    """Tells the user to do it, unless courtesy, or a report of what the user wrote."""
    return (bool(lex.handback.search(s)) and not lex.not_handback.search(s)
            and not lex.reported.search(s) and not lex.settled.search(s))


def _clauses(s: str, lex: Lexicon) -> list[tuple[int, str]]:
    """(offset, text) of each clause of the normalised sentence `s`."""
    out: list[tuple[int, str]] = []
    pos = 0
    for m in lex.clause_break.finditer(s):
        out.append((pos, s[pos:m.start()]))
        pos = m.end()
    out.append((pos, s[pos:]))
    return [(o, c) for o, c in out if c.strip()]


def _valid(clause: str, lead: str, lex: Lexicon, pattern: Rx, inner: bool = True
           ) -> re.Match[str] | None:
    """The first match of `pattern` in `clause` that nothing cancels; `lead` is the sentence
    before the clause (its conditions reach into this clause). After a factive frame ("you
    will see that ...", "verá que ...") the claim is asserted, and a condition on merely
    looking does not cancel it: "If you check now, you will see that it has been completed"
    claims completion; "Once approved, you will see that it has been refunded" does not."""
    for m in pattern.finditer(clause):
        start = 0
        for f in lex.factive.finditer(clause):
            if f.end() <= m.start():
                start = f.end()
        if lex.condition.search(lead) and not (start and lex.observe.search(lead)):
            continue
        if not (lex.block.search(clause, start, m.start())
                or (inner and lex.block_in.search(m.group()))
                or lex.after.match(clause, m.end())):
            return m
    return None


def _claim_in(clause: str, lead: str, lex: Lexicon) -> Scope | None:
    """The scope of the claim `clause` makes, if any: "task" when it says the whole request
    is done, else "action" when it names an action done."""
    if clause.rstrip(_CLOSERS).endswith("?"):
        return None
    if lex.earlier.search(lead + clause) and not lex.agent.search(clause):
        return None
    if _valid(clause, lead, lex, lex.task) or _valid(clause, lead, lex, lex.settled, False):
        scope: Scope | None = "task"
    else:
        scope = "action" if _valid(clause, lead, lex, lex.action) else None
    if scope and lex.preamble.search(clause):  # "all set to help", "Tout est prêt."
        return None
    return scope


# labels whose done value is the whole task's ("Status: completed", "結果：完了")
_TASK_LABEL = re.compile(
    r"^(?:(?:overall|final|request|task|ticket|order) )?(?:status|result|outcome|state|"
    r"estado|resultado|statut|résultat|ergebnis|zustand|ステータス|状態|結果|状态|狀態|结果|"
    r"상태|결과|처리 결과)$")
_STATUS_LABEL_WORDS = 6


def _status(label: str, value: str, lex: Lexicon) -> Scope | None:
    """A done value after a short label, as tables, bullets and status lines write it
    ("Status: completed", "Refund — done", "返金:完了"): "task" for a status
    label."""
    label = label.strip(" :-–—.")
    if not label or len(label.split()) > _STATUS_LABEL_WORDS or not lex.status.match(
            value.strip(" .!")):
        return None
    return "task" if _TASK_LABEL.match(label) else "action"


_SEPARATOR = re.compile(r"\s*(?::|\s[-–—]|—)\s*")


def _status_line(s: str, lex: Lexicon) -> Scope | None:
    """The scope of a status line's done value: one separator, a short label before it."""
    parts = _SEPARATOR.split(s)
    return _status(parts[0], parts[1], lex) if len(parts) == 2 else None


def _claim(s: str, lex: Lexicon) -> Scope | None:
    if lex.reported.search(s):
        return None
    prev = ""
    for offset, clause in _clauses(s, lex):
        lead = s[:offset]
        # "I can't confirm, as of now, that it has been refunded": the opener inherits
        text = prev + " " + clause if prev and lex.complement.match(clause.lstrip()) else clause
        scope = _claim_in(text, lead, lex)
        if scope:
            return scope
        prev = clause
    return None


def classify_normalised(s: str, lex: Lexicon) -> list[tuple[Kind, Scope | None]]:
    """Every act the normalised sentence `s` performs in the language of `lex`."""
    acts: list[tuple[Kind, Scope | None]] = []
    s = lex.idiom.blank(s)
    if not s.strip():
        return acts
    checked = False
    if CHECK in s:  # "Refund: ✅", "| Update | ✔️ |": a label ticked off is an action done
        label = " ".join(s.replace(CHECK, " ").split())
        checked = s.rstrip(" .!").endswith(CHECK) and 0 < len(label.split()) <= 8
        s = label
    status = _status_line(s, lex)
    if status:  # "Status: completed", "| Update | Done |": a done value, nothing else
        return [("claim", status)]
    if _asks(s, lex):
        acts.append(("question", None))
    if lex.refusal.search(s):
        acts.append(("refusal", None))
    if _hands_back(s, lex):
        acts.append(("handback", None))
    scope = _claim(s, lex)
    if checked and not scope and not acts:
        scope = "action"
    if scope:
        acts.append(("claim", scope))
    return acts or [("info", None)]


def _latin_union(s: str, codes: Iterable[str]) -> list[tuple[Kind, Scope | None]]:
    """A Latin-script sentence whose language is unclear ("Done!", "¡Listo!", "Erledigt.", or
    as many cues of two languages): read it with each candidate lexicon, keep what any finds."""
    found: dict[Kind, Scope | None] = {}
    for code in codes:
        for kind, scope in classify_normalised(s, LEXICONS[code]):
            if kind != "info":
                found.setdefault(kind, scope)
    return list(found.items()) or [("info", None)]


def language_of(sentence: str, default: str = "en") -> str:
    """The language code the reader uses for `sentence` (see `language.LANGUAGES`)."""
    return detect(norm(sentence), default)


def _latin(scores: dict[str, int]) -> str | None:
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else None


def _acts(s: str, scores: dict[str, int] | None, default: str
          ) -> tuple[str, list[tuple[Kind, Scope | None]]]:
    """The language and acts of the normalised sentence `s`; `scores`: its Latin-script
    language scores (None for a CJK sentence); `default`: the reply's language."""
    if scores is None:
        code = script_language(s, default) or default
        return code, classify_normalised(s, LEXICONS[code])
    best = _latin(scores)
    if len(s) <= 80 and _SEPARATOR.search(s):  # "Resultado: éxito": a status line in any
        for code in (best or default, *LATIN):   # Latin-script language
            status = _status_line(s, LEXICONS[code]) if code in LATIN else None
            if status:
                return code, [("claim", status)]
    if best is None and len(s.split()) <= 3:
        return default, _latin_union(s, LATIN)
    tied = [c for c in LATIN if best and scores[c] == scores[best]]
    if len(tied) > 1:  # as many telltales of two languages: read it as either
        code = default if default in tied else tied[0]
        return code, _latin_union(s, tied)
    code = best or default
    return code, classify_normalised(s, LEXICONS[code])


def classify(sentence: str, language: str | None = None) -> list[tuple[Kind, Scope | None]]:
    """Every act one sentence performs (a sentence may decline and hand back at once);
    `language` forces a lexicon, else it is detected."""
    s = norm(unquote(sentence))
    if language:
        return classify_normalised(s, LEXICONS[language])
    scores = None if script_language(s) else latin_scores(s)
    return _acts(s, scores, "en")[1]


def _reply_language(texts: list[str], scores: list[dict[str, int] | None]) -> str:
    """The reply's language, for sentences too short to tell: the script of its first CJK
    sentence, else the Latin-script language its sentences' cues add up to."""
    for s, sc in zip(texts, scores, strict=True):
        if sc is None:
            return script_language(s) or "en"
    total = dict.fromkeys(LATIN, 0)
    for sc in scores:
        for code, n in (sc or {}).items():
            total[code] += n
    return _latin(total) or "en"


def read(text: str, quoted: Iterable[str] = ()) -> list[SpeechAct]:
    """The speech acts of a reply, in order. `quoted`: texts the vendor was given (user
    turns, tool results); sentences or clauses it copies from them are not its own acts."""
    given = [fragments(q) for q in quoted if q]
    spans = sentences(text)
    own = [without_given(norm(unquote(text[a:b], given)), given) for a, b in spans]
    scores = [None if script_language(s) else latin_scores(s) for s in own]
    default = _reply_language(own, scores)
    out: list[SpeechAct] = []
    for (start, end), s, sc in zip(spans, own, scores, strict=True):
        code, acts = _acts(s, sc, default) if s else (default, _INFO)
        shown = text[start:end].strip()[:300]
        framed = bool(LEXICONS[code].evidential.search(s)) if s else False
        for kind, scope in acts:
            out.append(SpeechAct(kind, shown, start, end, scope, code,
                                 framed=kind == "claim" and framed))
    return out


def first(acts: Iterable[SpeechAct], kind: Kind) -> SpeechAct | None:
    """The first act of `kind`, e.g. the claim to quote as evidence."""
    return next((a for a in acts if a.kind == kind), None)
