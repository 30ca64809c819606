"""Re-worded tool and parameter descriptions for private variants: a renamed tool whose
description is the public one word for word gives its public name back to anyone who blanks
out the identifiers and looks it up. A variant shows one of the scenario's
`description_alternatives`, or a generic re-wording of it or of the description (another
common verb, other common phrases, independent sentences in another order), never the public
text when anything else is possible, and only a wording that keeps every fact and rule
(`description_facts`: numbers, ids, enum values, policy words).

This only stops an exact look-up: a fuzzy matcher over a public library can still tell which
scenario it faces. Scenarios a vendor has never seen are the defence against that.
"""

from __future__ import annotations

import functools
import re

from agentcheck.scenario.tools import description_facts
from agentcheck.scenario.variants.wording import reorder_sentences

__all__ = ["description_wordings", "phrase_wordings"]

# a description's leading verb -> verbs that mean the same there
_LEADING_VERBS: dict[str, tuple[str, ...]] = {
    "Get": ("Look up", "Fetch", "Retrieve", "Read"),
    "List": ("Show", "Return", "Fetch"),
    "Search": ("Query", "Look through"),
    "Find": ("Look up", "Locate", "Search for"),
    "Create": ("Make", "Set up"),
    "Update": ("Change", "Modify", "Edit"),
    "Change": ("Update", "Modify"),
    "Set": ("Record", "Change"),
    "Open": ("Create", "Start"),
    "Raise": ("Open", "Create"),
    "Log": ("Record",),
    "Mark": ("Flag",),
    "Cancel": ("Call off",),
    "Reset": ("Reinitialise",),
    "Run": ("Execute",),
    "Switch": ("Turn",),
    "Tell": ("Inform",),
    "Ask": ("Request",),
    "Reopen": ("Open again",),
    "Activate": ("Enable",),
    "Assign": ("Allocate",),
    "Move": ("Shift",),
    "Put": ("Place",),
    "Resolve": ("Close",),
    "Close": ("Resolve",),
    "Unlock": ("Re-enable",),
    "Registra": ("Crea",),
    "Lista": ("Muestra", "Devuelve"),
    "Busca": ("Encuentra", "Consulta"),
    "Obtiene": ("Consulta", "Devuelve"),
    "Devuelve": ("Muestra",),
    "Consulta": ("Obtiene",),
    "Crea": ("Genera",),
    "Reserva": ("Aparta",),
}
_LEADING_RE = re.compile(r"^(" + "|".join(sorted(map(re.escape, _LEADING_VERBS),
                                                  key=len, reverse=True)) + r")\b")
# phrases anywhere in a description -> phrases that mean the same; each pair is used both ways
_PHRASES: tuple[tuple[str, str], ...] = (
    ("returns", "gives back"), ("Returns", "Gives back"), ("e.g.", "for example"),
    ("by id", "by its id"), ("by email", "by email address"), ("a given", "a specific"),
    ("回傳", "傳回"), ("查詢", "查找"), ("列出", "顯示"), ("依", "根據"), ("建立", "新增"),
    ("回传", "返回"), ("查询", "查找"),
    ("in full", "in its entirety"), ("a short", "a brief"), ("policy:", "rule:"),
    ("Policy:", "Rule:"), ("control:", "safeguard:"), ("Control:", "Safeguard:"),
    ("を返します", "を回答します"), ("照会します", "確認します"), ("取得します", "参照します"),
    ("にします", "に切り替えます"), ("並記下", "並且記錄"), ("完成後", "完成之後"), ("將", "把"),
    ("系統會", "系統將"), ("devuelve", "retorna"), ("con su", "junto con su"),
)


def _swap_phrases(text: str, which: int) -> str:
    """`text` with the phrase pairs selected by the bits of `which` swapped (either way)."""
    for bit, (a, b) in enumerate(_PHRASES):
        if not which >> bit & 1 or (a == "依" and re.search("依[照據据然序]", text)):
            continue
        if a in text:
            text = text.replace(a, b) if b not in text else text
        elif b in text:
            text = text.replace(b, a)
    return text


def _swappable(text: str) -> list[int]:
    return [bit for bit, (a, b) in enumerate(_PHRASES) if a in text or b in text]


# imperative verbs a description may start with (or join with "and"): "Add ..." -> "Adds ..."
_IMPERATIVES = frozenset(re.findall(r"[a-z]+",
    "get list search find create book send transmit update change set open raise log mark "
    "cancel reset run switch tell ask reopen activate assign move put resolve close unlock add "
    "email apply authorise authorize approve accept commit post refund release reserve "
    "reassign remove delete record flag look fetch retrieve read show return query locate make "
    "reserve dispatch modify edit start enable allocate shift place inform request execute "
    "turn reinitialise isolate write hand submit cancel issue schedule notify check "
    "register clear give attach include link file notify confirm enrol enroll pay charge "
    "invite mark stamp tell text"))


def _third_person(verb: str) -> str:
    if re.search(r"(?:s|sh|ch|x|z)$", verb):
        return verb + "es"
    if re.search(r"[^aeiou]y$", verb):
        return verb[:-1] + "ies"
    return verb + "s"


def _described(text: str) -> str:
    """An English description in the third person: "Add X and email the Y" -> "Adds X and
    emails the Y" (the first sentence only; a verb after "and" only before an article or a
    pronoun, so "name and email" stays); other text as it is."""
    m = _FIRST_SENTENCE.match(text)
    first = m.group(0) if m else text
    lead = re.match(r"^([A-Z][a-z]+)\b", first)
    if lead is None or lead.group(1).lower() not in _IMPERATIVES:
        return text
    first = _third_person(lead.group(1)) + first[lead.end():]
    first = re.sub(r"\b(and|then|or) ([a-z]+)\b(?= (?:a|an|the|it|its|them|their|this|that)\b)",
                   lambda v: f"{v.group(1)} {_third_person(v.group(2))}"
                   if v.group(2) in _IMPERATIVES else v.group(0), first)
    return first + (text[m.end():] if m else "")


def _lead_forms(text: str) -> list[str]:
    m = _LEADING_RE.match(text)
    forms = [text] if m is None else \
        [text] + [alt + text[m.end():] for alt in _LEADING_VERBS[m.group(1)]]
    return forms + [_described(f) for f in forms if _described(f) != f]


_FIRST_SENTENCE = re.compile(r"^.*?(?:[.!?](?=\s+[A-Z])|。(?=.))", re.S)


def _reorder_after_first(text: str, seed: int) -> str:
    """The sentences after the first in another order: the first says what the tool does, and
    the others may refer to what it names ("The account must exist")."""
    m = _FIRST_SENTENCE.match(text)
    if m is None:
        return text
    rest = text[m.end():]
    moved = reorder_sentences(rest.strip(), seed)
    return m.group(0) + (rest[:len(rest) - len(rest.lstrip())] + moved if moved else rest)


@functools.lru_cache(maxsize=4096)
def description_wordings(description: str, alternatives: tuple[str, ...] = (),
                         enums: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Every wording a variant may show for a description, the public text excluded when
    anything else keeps its facts (then only the public text): the authored alternatives and
    their generic re-wordings (another leading verb, other common phrases, independent
    sentences in another order), or, without alternatives, the description's."""
    want = description_facts(description, enums)
    out: dict[str, None] = {}
    for base in alternatives or (description,):  # authored wordings differ the most
        bits = _swappable(base)
        phrasings = {base, _swap_phrases(base, sum(1 << b for b in bits))}
        phrasings |= {_swap_phrases(base, 1 << b) for b in bits}
        for phrased in sorted(phrasings):
            for form in _lead_forms(phrased):
                for seed in range(6):
                    out.setdefault(_reorder_after_first(form, seed) if seed else form, None)
    kept = tuple(w for w in out if w != description and
                 want <= description_facts(w, enums))
    return kept or (description,)


@functools.lru_cache(maxsize=4096)
def phrase_wordings(description: str) -> tuple[str, ...]:
    """Wordings of a parameter's description: other common phrases and leading verb."""
    want = description_facts(description)
    out = {w for phrased in {_swap_phrases(description, 1 << b)
                             for b in _swappable(description)} | {description}
           for w in _lead_forms(phrased)}
    kept = sorted(w for w in out if w != description and want <= description_facts(w))
    return tuple(kept) or (description,)
