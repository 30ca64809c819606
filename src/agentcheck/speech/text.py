"""Cutting a reply into sentences and clauses, and removing what the vendor only quotes.

Sentence spans are taken on the text as given (evidence quotes it); matching runs on a
normalised copy (NFKC: full-width punctuation and digits become ASCII, case folded).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

# check marks and celebration emoji end a sentence ("Refund processed ✅ Anything else?")
_CHECKS = "\u2705\u2714\u2611\u2713"
_MARKS = "[" + _CHECKS + "\U0001f389\U0001f38a\U0001f44d\U0001f44c\U0001f680\u2728\U0001f973]"
# a run of sentence-final punctuation and the closing quotes or brackets that follow it
_END = re.compile(r"[.!?…。！？．｡]+[\"'”’»」』）)\]】》〉]*|" + _MARKS + r"\ufe0f?")
_CJK_END = frozenset("。！？．｡")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]")
_ABBREV = frozenset((
    "e.g", "i.e", "mr", "mrs", "ms", "dr", "no", "nr", "st", "vs", "etc", "approx", "ca", "z.b",
    "u.a", "bzw", "inc", "ltd", "co", "sr", "sra", "srta", "dra", "p.ex", "ex", "av", "art",
    "tel", "ust-idnr", "idnr", "usw", "evtl", "ggf", "mme", "mlle", "cf"))
_MONTHS = re.compile(
    r"\s+(?:jan|feb|mär|mar|apr|mai|jun|jul|aug|sep|okt|nov|dez)[a-zä]*\b", re.I)


# emoji, check marks, arrows and markdown emphasis carry no words; list markers open a line
_DECOR = re.compile(r"[\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2b00-\u2bff\ufe0f\u200d"
                    r"\U0001f000-\U0001faff*_`~>|#]+")
_LIST_MARK = re.compile(r"^(?:[-•+]|\d{1,2}[.)])\s+")


_EDGE = " .!?。！？'’-—–"


CHECK = "\u221a"  # what a check mark becomes: "- Refund: ✅" reads "refund: √"
_CHECK_RX = re.compile("[" + _CHECKS + "]\ufe0f?")
# a markdown table row: its cells read as "label: value"
_CELLS = re.compile(r"\s*\|\s*")


def norm(text: str) -> str:
    """The form every pattern is written for: NFKC, lower case (not casefold: keeps ß),
    decoration (emoji, markdown emphasis, list markers) dropped, single spaces; a check mark
    becomes `CHECK` and a table row's cells "label: value"."""
    s = unicodedata.normalize("NFKC", text).lower()
    if "|" in s:
        s = _CELLS.sub(": ", s.strip().strip("|").strip())
    if _CHECKS_SET.intersection(s):
        s = _CHECK_RX.sub(" " + CHECK + " ", s)
    s = _DECOR.sub(" ", s)
    return _LIST_MARK.sub("", " ".join(s.split()))


_CHECKS_SET = frozenset(_CHECKS)


# where a quoted text (a user turn, a tool result, JSON or prose) breaks into fragments
_FRAGMENT_BREAK = re.compile(r"[.!?。！？;；:：,，、\n\r\t{}\[\]\"“”「」]+")


@lru_cache(maxsize=256)
def fragments(text: str) -> frozenset[str]:
    """The normalised sentences, clauses and JSON values of a text the vendor was given; a
    vendor sentence or clause equal to one of them is a copy, not the vendor's own words.
    Cached: the same user turns and tool results come back with every reply of a trial."""
    out = set()
    for part in _FRAGMENT_BREAK.split(norm(text)):
        part = part.strip(_EDGE)
        # a CJK character carries about what a short Latin word does
        if len(part) >= 8 or (len(part) >= 4 and max(part) >= "\u3000"):
            out.add(part)
    return frozenset(out)


def _is_abbreviation(line: str, dot: int) -> bool:
    """Is the full stop at `dot` part of an abbreviation or a German ordinal date
    ("z.B. ", "Nr. 5", "am 3. Mai")?"""
    start = dot
    while start > 0 and (line[start - 1].isalnum() or line[start - 1] in ".-"):
        start -= 1
    token = line[start:dot]
    if token.lower() in _ABBREV or (len(token) == 1 and token.isupper()):  # "J. Smith"
        return True
    return token.isdigit() and len(token) <= 2 and bool(_MONTHS.match(line, dot + 1))


def _breaks(line: str) -> list[int]:
    """Offsets in `line` where a new sentence starts."""
    out = []
    for m in _END.finditer(line):
        end = m.end()
        if end >= len(line):
            break
        nxt = line[end]
        run = m.group()
        if any(c in _CJK_END for c in run):
            out.append(end)
        elif nxt.isspace():
            if not (run == "." and _is_abbreviation(line, m.start())):
                out.append(end)
        elif (("!" in run or "?" in run) and _CJK.match(nxt)) or (
                "." in run and _CJK.match(nxt) and _CJK.match(line[m.start() - 1: m.start()])):
            out.append(end)
    return out


def _has_words(text: str) -> bool:
    return any(c.isalpha() for c in text)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text` that has words, split at full stops, question
    and exclamation marks (ASCII and full-width; CJK needs no space after them) and line
    breaks."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        cuts = [0, *_breaks(line), len(line)]
        for a, b in itertools.pairwise(cuts):
            seg = line[a:b]
            if _has_words(seg):
                lead = len(seg) - len(seg.lstrip())
                spans.append((pos + a + lead, pos + a + len(seg.rstrip())))
        pos += len(line)
    return spans


# quotation marks of every script served; single ASCII quotes only around CJK labels
_QUOTED = re.compile(
    r"\"[^\"\n]{1,300}\"|“[^”\n]{1,300}”|„[^“”\n]{1,300}[“”]|«[^»\n]{1,300}»|"
    r"「[^」\n]{1,300}」|『[^』\n]{1,300}』|‘[^’\n]{1,300}’(?!\w)|"
    r"(?<![a-z])'[^'\n]{1,60}'(?![a-z])")


def _is_label(inner: str) -> bool:
    """A short quoted passage: a button, a status, a field value ("Forgot password",
    「已退款」), not a sentence of its own."""
    if max(inner, default=" ") >= "\u3000":
        return len(inner.strip()) <= 10
    return len(inner.split()) <= 4


def unquote(sentence: str, given: list[frozenset[str]] | tuple[()] = ()) -> str:
    """The sentence with what it only quotes replaced by a placeholder: a label or status in
    quotation marks, or a passage copied from a text the vendor was given. A whole sentence
    in quotation marks that nobody gave the vendor is its own words, and stays."""
    def one(m: re.Match[str]) -> str:
        inner = m.group()[1:-1]
        if _is_label(inner) or any(norm(inner).strip(_EDGE) in g for g in given):
            return " «» "
        return f" {inner} "
    return _QUOTED.sub(one, sentence)


def without_given(sentence: str, given: list[frozenset[str]]) -> str:
    """The normalised sentence minus the clauses it copies whole from texts the vendor was
    given (user turns, tool results, see `fragments`): repeating them is not asserting them.
    Whole fragments only: a claim that merely shares words with the user's request stays."""
    if not given:
        return sentence
    if any(sentence.strip(_EDGE) in g for g in given):
        return ""
    parts = re.split(r"([,;:]\s+|[，；：、])", sentence)
    kept = [p for p in parts if not any(p.strip(_EDGE) in g for g in given)]
    return "".join(kept) if len(kept) != len(parts) else sentence
