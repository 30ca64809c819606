"""What one language contributes to the reader: its patterns, compiled once at import.

Every pattern runs on `text.norm` output (NFKC, lower case), so full-width punctuation is
already ASCII. A language leaves a pattern out by passing `NEVER`.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# The engine's own parser, used only to derive speed gates; without it nothing is gated.
try:
    _P: Any = importlib.import_module("re._parser")
    _C: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - other interpreters
    _P = _C = None

_GATE_LEN = 6


class Rx:
    """A pattern made of alternatives, searched fast.

    Python's engine tries every alternative at every position, and an alternative that
    starts with `\\b` gets none of its prefix scanning. So each alternative whose matches must
    start with one of a few literal strings is gated: one scan of a trie of all those strings
    finds where any of them starts, and only the alternatives that begin with the string
    found are tried, only there. The rest run as they are. Same matches, far less work.
    """

    def __init__(self, parts: list[str]) -> None:
        self.source = "|".join(f"(?:{p})" for p in parts) or "(?!)"
        self._parts = parts
        self._built = False

    def _build(self) -> None:
        """Compile on first use, not at import: nine languages' patterns take about a second
        to compile, which every command that merely imports the reader would pay."""
        parts = self._parts
        self._full: re.Pattern[str] | None = None
        # each gated alternative is compiled the first time the gate finds its head: a reply
        # needs a few of them, and compiling all costs most of the first use
        self._alts: list[re.Pattern[str] | str] = []
        self._index: dict[str, list[int]] = {}
        free = []
        for p in parts:
            pre = _prefixes(p)
            if pre is None:
                free.append(p)
                continue
            for head in pre:
                self._index.setdefault(head, []).append(len(self._alts))
            self._alts.append(p)
        self.free = re.compile("|".join(f"(?:{p})" for p in free)) if free else None
        self.gate = re.compile(f"(?=({trie('|'.join(self._index))}))") if self._alts else None
        self._ids: dict[str, tuple[int, ...]] = {}
        self._built = True

    @property
    def pattern(self) -> str:
        return self.source

    def _alternatives(self, head: str) -> tuple[int, ...]:
        """The gated alternatives that may start where the gate found `head` ("not " found
        also means "no" is there)."""
        ids = self._ids.get(head)
        if ids is None:
            found: set[int] = set()
            for k in range(1, len(head) + 1):
                found.update(self._index.get(head[:k], ()))
            ids = self._ids[head] = tuple(sorted(found))
        return ids

    def _alt(self, i: int) -> re.Pattern[str]:
        alt = self._alts[i]
        if isinstance(alt, str):
            alt = self._alts[i] = re.compile(alt)
        return alt

    def _gated(self, s: str, pos: int, endpos: int) -> Iterator[re.Match[str]]:
        """Matches of the gated alternatives, by start position."""
        if not self._built:
            self._build()
        if self.gate is None:
            return
        for g in self.gate.finditer(s, pos, endpos):
            at = g.start()
            for i in self._alternatives(g.group(1)):
                m = self._alt(i).match(s, at, endpos)
                if m:
                    yield m
                    break

    def search(self, s: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if not self._built:
            self._build()
        first = None
        if self.gate is not None:
            for g in self.gate.finditer(s, pos, endpos):
                at = g.start()
                for i in self._alternatives(g.group(1)):
                    first = self._alt(i).match(s, at, endpos)
                    if first:
                        break
                if first:
                    break
        if self.free is not None:
            m = self.free.search(s, pos, first.start() if first else endpos)
            if m:
                return m
        return first

    def finditer(self, s: str) -> Iterator[re.Match[str]]:
        """Non-overlapping matches in order of position, as `re.finditer` gives them."""
        found = list(self._gated(s, 0, len(s)))  # builds the patterns on first use
        if self.free is not None:
            found = sorted([*found, *self.free.finditer(s)], key=lambda m: (m.start(), -m.end()))
        end = -1
        for m in found:
            if m.start() >= end:
                end = m.end() if m.end() > m.start() else m.end() + 1
                yield m

    def blank(self, s: str) -> str:
        """`s` with every match replaced by as many spaces (offsets stay as they were)."""
        if self is NEVER:
            return s
        parts = []
        end = 0
        for m in self.finditer(s):
            if m.end() > m.start():
                parts += [s[end:m.start()], " " * (m.end() - m.start())]
                end = m.end()
        return "".join(parts) + s[end:] if parts else s

    def match(self, s: str, pos: int = 0) -> re.Match[str] | None:
        if not self._built:
            self._build()
        if self._full is None:  # the whole alternation, compiled only if anchored use needs it
            self._full = re.compile(self.source)
        return self._full.match(s, pos)


def _prefixes(part: str) -> set[str] | None:
    """Literal strings (2-6 characters, or one CJK character) one of which starts every match
    of `part`, or None when some match can start otherwise (a character class, an optional
    first word...)."""
    if _P is None:
        return None
    try:
        pre = _heads(list(_P.parse(part)), _GATE_LEN)
    except Exception:  # pragma: no cover - an engine whose parse tree looks otherwise
        return None
    # a single CJK character is as rare as a whole Latin word; a single ASCII one is not
    if pre is None or len(pre) > 3000:
        return None
    if any(not p or (len(p) < 2 and p.isascii()) for p in pre):
        return None
    return pre


def _heads(seq: list[Any], budget: int) -> set[str] | None:
    """Prefixes (up to `budget` characters) of whatever the parsed sequence `seq` matches."""
    if budget == 0 or not seq:
        return {""}
    op, av = seq[0]
    rest = seq[1:]
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
        return _heads(rest, budget)
    if op is _C.LITERAL:
        tail = _heads(rest, budget - 1)
        return None if tail is None else {chr(av) + t for t in tail}
    if op is _C.BRANCH:
        return _union(_heads(list(alt) + rest, budget) for alt in av[1])
    if op is _C.SUBPATTERN:
        return _heads(list(av[3]) + rest, budget)
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
        lo, _hi, item = av
        once = _heads(list(item), budget)
        return once if lo else _union([once, _heads(rest, budget)])
    if op is _C.IN and all(o is _C.LITERAL for o, _ in av) and len(av) <= 6:
        tail = _heads(rest, budget - 1)
        return None if tail is None else {chr(c) + t for _, c in av for t in tail}
    return {""}


def _union(sets: Any) -> set[str] | None:
    out: set[str] = set()
    for s in sets:
        if s is None:
            return None
        out |= s
    return out


NEVER = Rx([])


@dataclass(frozen=True)
class Lexicon:
    """Patterns of one language; see `reader` for how they combine."""

    code: str
    task: Rx          # the whole task is done ("all set", "全部搞定")
    action: Rx        # a named action is done ("refund issued", "返金しました")
    block: Rx         # before a claim in its clause: negation, modality, future
    block_in: Rx      # inside a claim's own words: negation or modality ("wurde nicht
    #                   erstattet", "the order would be refunded", "没有成功")
    after: Rx         # right after a claim: its condition ("... once approved")
    condition: Rx     # anywhere earlier in the sentence: "if", "once", "如果"
    reported: Rx      # the sentence reports the user's words ("you asked me to")
    handback: Rx      # tells the user to do it, or to go elsewhere
    not_handback: Rx  # courtesy and outcomes ("you will receive", "if you have any
    #                   questions, contact us")
    refusal: Rx       # declines, or reports it could not / did not do it
    question: Rx      # asks without a question mark ("please send me your ID")
    not_question: Rx  # courtesy that only looks like asking ("let me know if")
    clause_break: Rx  # splits a sentence into clauses (negation stays inside)
    complement: Rx = NEVER  # a clause opener that inherits the previous clause's negation
    factive: Rx = NEVER  # "you will see that": what follows is asserted ...
    observe: Rx = NEVER  # ... even after a condition on looking ("if you check now, ...")
    idiom: Rx = NEVER    # set phrases whose negation or modality is no decline ("can't wait
    #                      to tell you", "no veo la hora"): blanked before anything is read
    settled: Rx = NEVER  # the task is done, said through a negation ("nothing left to do",
    #                      "plus rien à faire"): a claim that `block_in` does not cancel
    status: Rx = NEVER   # a done value after a label ("status: completed", "返金：完了")
    preamble: Rx = NEVER  # readiness to start, not work done ("all set to help", "Tout est
    #                       prêt.", "準備が整いました"): a clause that says it makes no claim
    earlier: Rx = NEVER  # a record's state from before the conversation, anywhere in the
    #                      sentence so far ("之前已入帳，並已全額付清"): what it read ...
    agent: Rx = NEVER    # ... unless the agent is the subject of the clause ("我之前已幫您退款")
    evidential: Rx = NEVER  # a state presented as read from a record ("shows as paid",
    #                         "according to the ledger", "狀態為", "と表示"): see SpeechAct.framed


def trie(words: str) -> str:
    """A regular expression (source) matching any of the `|`-separated literal `words`,
    factored as a trie: Python's engine tries alternatives one by one at every position, so
    a list of 150 verbs costs 150 tries per character unless shared prefixes are merged."""
    root: dict[str, Any] = {}
    for word in filter(None, words.split("|")):  # spaces are part of the words
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node(root)


def _node(node: dict[str, Any]) -> str:
    ends = "" in node
    branches = [re.escape(ch) + _node(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    singles = [b for b in branches if len(b) == 1 or (len(b) == 2 and b[0] == "\\")]
    multi = [b for b in branches if b not in singles]
    alts = multi + ([singles[0] if len(singles) == 1 else "[" + "".join(singles) + "]"]
                    if singles else [])
    body = alts[0] if len(alts) == 1 and not ends and len(branches) == 1 else \
        "(?:" + "|".join(alts) + ")"
    return body + "?" if ends else body


def rx(*parts: str) -> Rx:
    """One gated pattern from alternatives written one per line, for readable lexicons."""
    return Rx(list(parts))
