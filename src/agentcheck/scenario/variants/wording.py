# ruff: noqa: RUF001  (full-width punctuation of Chinese and Japanese turns is the point)
"""The wording of a private variant's user turns: which language a turn is in, its facts, its
independent sentences in another order, and generic re-phrasings (greeting, sign-off, formality,
request forms), each kept only when every fact of the turn survives."""

from __future__ import annotations

import math
import random
import re

from agentcheck.scenario.model import turn_facts

GREETINGS = ("", "Hi, ", "Hello, ", "Hi there, ", "Good morning, ")
SIGN_OFFS = ("", " Thanks.", " Thank you!", " Thanks in advance.")
_GREETING_RE = re.compile(r"^(?:hi there|hi|hello|hey|good (?:morning|afternoon))\b\s*[,!.]?\s*",
                          re.I)
_LOWER_AFTER_GREETING = re.compile(r"^(?:Could|Can|Would|Please|My|Our|We|The|This|Quick)\b")
# formal <-> informal forms that mean the same (no "I'd", "it's": they have two readings)
_CONTRACTIONS = (("I'm", "I am"), ("I've", "I have"), ("don't", "do not"),
                 ("can't", "cannot"), ("won't", "will not"), ("isn't", "is not"),
                 ("we're", "we are"), ("you're", "you are"), ("doesn't", "does not"),
                 ("didn't", "did not"), ("hasn't", "has not"), ("haven't", "have not"))
REQUESTS = ("Can you", "Could you", "Would you")

# greetings and sign-offs of the other library languages ("" = none); the greeting pattern
# strips the turn's own, the thanks pattern says the turn already thanks
OTHER_PHRASES: dict[str, tuple[tuple[str, ...], tuple[str, ...], re.Pattern[str],
                                 re.Pattern[str]]] = {
    "es": (("", "Hola, ", "Buenas, ", "Buenos días, "),
           ("", " Gracias.", " ¡Muchas gracias!", " Gracias de antemano."),
           re.compile(r"^(?:hola|buenas tardes|buenos días|buenas)\b\s*[,!.]?\s*", re.I),
           re.compile(r"gracias", re.I)),
    "zh": (("", "您好，", "你好，", "哈囉，"),
           ("", "謝謝。", "感謝！", "麻煩了，謝謝。"),
           re.compile(r"^(?:您好|你好|哈囉|嗨)[，,！!。]?\s*"),
           re.compile(r"謝|感謝|感恩")),
    "ja": (("", "お疲れさまです。", "お世話になっております。"),
           ("", "よろしくお願いします。", "よろしくお願いいたします。"),
           re.compile(r"^(?:お疲れさまです|お疲れ様です|お世話になっております)[。、]?\s*"),
           re.compile(r"よろしく")),
}
_ES_LOWER = re.compile(r"^(?:La|El|Los|Las|Mi|Mis|Necesito|Me|Tengo|Quiero|Quisiera|Ya)\b")
_CJK_RE = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
_KANA_RE = re.compile(r"[\u3040-\u30ff]")
_TEMPLATE_RE = re.compile(r"\{\{.*?\}\}")
# a sentence ends at . ! ? (not after a common abbreviation) before a capital, a template or
# an opening ¿ ¡; or at a CJK full stop, ! or ?
_SENTENCE_END = re.compile(r"(?<!\bInc\.)(?<!\bLtd\.)(?<!\bNo\.)(?<!\bSt\.)(?<!\bDr\.)"
                           r"(?<!\bMr\.)(?<!\bMs\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)"
                           r"(?<=[.!?])\s+(?=[A-Z\x00¿¡])|(?<=[。！？])\s*(?=\S)")
# words by which a sentence refers back to an earlier one (it stays after what precedes it)
_REFERS_BACK = re.compile(
    r"^(?:also|and|but|so|then|sure|yes|of course|plus|or|however|otherwise|instead|once|"
    r"after that|afterwards|which|too|still|también|y|pero|así que|entonces|además|claro|sí)\b"
    r"|\b(?:it|its|it's|that|this|these|those|they|they're|them|their|theirs|there|he|she|"
    r"him|her|his|same|above|afterwards|then|again|instead|otherwise|else|one|the rest|"
    r"the former|the latter|the other|too|as well|"
    r"lo|le|les|su|sus|eso|esto|esa|ese|este|esta|ello|allí|ahí)\b"
    r"|[他她它這这那其該该此也再又還还同並并而]|所以|因此|然後|另外"
    r"|それ|これ|その|この|あの|そちら|こちら|先方|彼|また|さらに|なお|同じ|上記", re.I)
_GREETING_OR_THANKS = re.compile(
    r"^(?:hi there|hi|hello|hey|good (?:morning|afternoon)|good news|great news|sorry|thanks|"
    r"thank you|hola|buenas|buenos días|gracias)\b"
    r"|^(?:您好|你好|哈囉|嗨|謝謝|感謝|お疲れ|お世話|よろしく)", re.I)


def _is_english(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isascii() for c in letters) / len(letters) > 0.97 and \
        bool(re.search(r"\b(?:the|a|an|my|please|is|to|for|I|you|of|and)\b", text))


def language(text: str) -> str | None:
    """"en", "es", "zh" or "ja" when the turn is plainly in one of them, else None."""
    if _KANA_RE.search(text):
        return "ja"
    if re.search(r"[\u4e00-\u9fff]", text):
        return "zh"
    if re.search(r"[¿¡ñ]|\b(?:hola|por favor|puedes|podrías|necesito|gracias|para la|"
                 r"de la|que)\b", text, re.I):
        return "es"
    return "en" if _is_english(text) else None


def facts(text: str) -> list[str]:
    """`turn_facts` of a rendered turn, with CJK letters and punctuation as word breaks (a
    value written against Chinese or Japanese text is a fact of its own; brackets around an
    email or id are not part of it: "(a@b.example)" and "a@b.example." are one fact)."""
    return [f.lstrip("([<").rstrip(")]>.,;:!?") for f in turn_facts(_CJK_RE.sub(" ", text))]


def _sentences(template: str) -> list[str]:
    """The sentences of a turn's template, templates kept whole."""
    held: list[str] = []

    def hold(m: re.Match[str]) -> str:
        held.append(m.group(0))
        return f"\x00{len(held) - 1}\x00"

    masked = _TEMPLATE_RE.sub(hold, template.strip())
    parts = [p for p in _SENTENCE_END.split(masked) if p.strip()]
    return [re.sub(r"\x00(\d+)\x00", lambda m: held[int(m.group(1))], p.strip())
            for p in parts]


def _movable(sentence: str) -> bool:
    """Whether a sentence stands on its own: no reference back, not the greeting or a thanks;
    in Chinese and Japanese (which drop pronouns) only a sentence that names a fact."""
    bare = _TEMPLATE_RE.sub(" ", sentence).strip()
    if _REFERS_BACK.search(bare) or _GREETING_OR_THANKS.match(bare):
        return False
    if _CJK_RE.search(bare):
        return bool(turn_facts(_CJK_RE.sub(" ", sentence)))
    return True


def _runs(sentences: list[str]) -> list[list[int]]:
    """Runs of consecutive movable sentences: each may be re-ordered within itself."""
    runs: list[list[int]] = [[]]
    for i, sentence in enumerate(sentences):
        if _movable(sentence):
            runs[-1].append(i)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if len(r) > 1]


def sentence_orders(template: str) -> int:
    """How many orders of its sentences `reorder_sentences` can give a turn."""
    return math.prod(math.factorial(len(r)) for r in _runs(_sentences(template)))


def reorder_sentences(template: str, seed: int) -> str:
    """The turn with its independent sentences in another order (seeded): a sentence that
    refers back, the greeting and a thanks keep their place. Every fact is kept."""
    sentences = _sentences(template)
    runs = _runs(sentences)
    if not runs:
        return template
    rng = random.Random(seed)
    order = list(range(len(sentences)))
    for run in runs:
        shuffled = list(run)
        rng.shuffle(shuffled)
        for slot, src in zip(run, shuffled, strict=True):
            order[slot] = src
    cjk = bool(_CJK_RE.search(template))
    out = ("" if cjk else " ").join(sentences[i] for i in order)
    before, after = turn_facts(template), turn_facts(out)
    if sorted(before) != sorted(after) or any(
            [f for f in after if _kind(f) == kind] != [f for f in before if _kind(f) == kind]
            for kind in {_kind(f) for f in before}):
        return template  # a reference reads the first id of a kind: their order is kept
    return out


def _kind(fact: str) -> str:
    """What a fact is, as a reference reads it: a template's last attribute (`id`, `email`),
    an email, or a literal's letters before its first digit (`ORD` of ORD-12)."""
    if fact.startswith("{{"):
        return "{{" + re.split(r"[.\[(]", fact.strip("{} "))[-1]
    if "@" in fact:
        return "@"
    return re.split(r"\d", fact, maxsplit=1)[0].rstrip("-_#")


# request forms that mean the same, by language: Spanish questions (tú and usted kept apart),
# Chinese openers at the start of a clause before a verb (請 of 申請 or 請問 never matches),
# Japanese requests after て/で or an honorific noun (ご確認ください)
_ES_TU = ("¿Puedes", "¿Podrías")
_ES_USTED = ("¿Puede", "¿Podría")
_ES_TU_RE = re.compile(r"¿(?:Puedes|Podrías)\b")
_ES_USTED_RE = re.compile(r"¿(?:Puede|Podría)\b(?!\s+que\b)")
_ZH_FORMS = {"tw": (("請", "麻煩"), ("請您", "麻煩您")), "cn": (("请", "麻烦"), ("请您", "麻烦您"))}
_ZH_OPENER = re.compile(r"(?:^|(?<=[。！？，,；;：:\s]))(請您|麻煩您|请您|麻烦您|請|麻煩|请|麻烦)"
                        r"(?=[幫帮把將将先再協协處处確确更建安寄通改設设查看核提取發发])")
_JA_FORMS = ("ください", "いただけますか", "いただけますでしょうか")
_JA_REQUEST = re.compile(r"(?:(?<=[てで])|(?<=[ごお][\u4e00-\u9fff]{2}))"
                         r"(?:ください|いただけますでしょうか|いただけますか)")
_JA_POLITE = (("お願いします", "お願いいたします"),)


def _request_forms(out: str, lang: str, formal: bool, request: int) -> str:
    """Spanish, Chinese and Japanese: the request forms of a turn in another form of the same
    politeness (Spanish, Chinese) or another polite one (Japanese), and Japanese お願いします
    or its humbler form by `formal`."""
    if lang == "es":
        out = _ES_TU_RE.sub(_ES_TU[request % len(_ES_TU)], out)
        return _ES_USTED_RE.sub(_ES_USTED[request % len(_ES_USTED)], out)
    if lang == "zh":
        def opener(m: re.Match[str]) -> str:
            script = "cn" if any(c in m.group(1) for c in "请烦") else "tw"
            forms = _ZH_FORMS[script][1 if formal else 0]
            return forms[request % len(forms)]
        return _ZH_OPENER.sub(opener, out)
    if lang == "ja":
        out = _JA_REQUEST.sub(_JA_FORMS[request % len(_JA_FORMS)], out)
        for plain, humble in _JA_POLITE:
            out = out.replace(humble, plain) if not formal else \
                re.sub(rf"{plain}(?!いたし)", humble, out)
        return out
    return out


def request_forms(text: str, lang: str) -> int:
    """How many request forms x politeness levels `_request_forms` can give a turn (1 when
    it has no request form it knows)."""
    if lang == "es":
        return len(_ES_TU) if _ES_TU_RE.search(text) or _ES_USTED_RE.search(text) else 1
    if lang == "zh":
        return 4 if _ZH_OPENER.search(text) else 1
    if lang == "ja":
        has_request = bool(_JA_REQUEST.search(text))
        polite = any(p in text or h in text for p, h in _JA_POLITE)
        return (len(_JA_FORMS) if has_request else 1) * (2 if polite else 1)
    return 1


def _rephrase_other(text: str, lang: str, greeting: int, sign_off: int, first: bool,
                    formal: bool = False, request: int = 0) -> str:
    greetings, sign_offs, greeting_re, thanks_re = OTHER_PHRASES[lang]
    out = text.strip()
    if first:
        body = greeting_re.sub("", out, count=1)
        lead = greetings[greeting % len(greetings)]
        if body and (body != out or lead):
            if lang == "es" and lead and _ES_LOWER.match(body):
                body = body[:1].lower() + body[1:]
            elif lang == "es" and not lead:
                body = body[:1].upper() + body[1:]
            out = lead + body
    tail = sign_offs[sign_off % len(sign_offs)]
    if tail and not thanks_re.search(out) and out[-1:] in ".!?。！？":
        out += tail
    return _request_forms(out, lang, formal, request)  # the sign-off's politeness too


def rephrase(text: str, greeting: int, sign_off: int, contract: bool, request: int, *,
             first: bool = True) -> str:
    """A generic re-phrasing of a turn: English gets a greeting, a sign-off, contractions and
    a request form; Spanish, Chinese and Japanese a greeting, a sign-off and their request
    forms (¿Puedes/¿Podrías, 請/麻煩/請您, ください/いただけますか, お願いします/お願いいたします);
    other text is returned as it is. Kept only when every fact of `text` is still in it, in the
    same order."""
    lang = language(text)
    if lang is None:
        return text
    if lang != "en":
        out = _rephrase_other(text, lang, greeting, sign_off, first, not contract, request)
        return out if facts(out) == facts(text) else text
    out = text.strip()
    if first:
        body = _GREETING_RE.sub("", out, count=1)
        if (body and body != out) or GREETINGS[greeting]:
            lead = GREETINGS[greeting]
            if not lead:
                body = body[:1].upper() + body[1:]
            elif _LOWER_AFTER_GREETING.match(body):
                body = body[:1].lower() + body[1:]
            out = lead + body
    for short, long in _CONTRACTIONS:
        src, dst = (long, short) if contract else (short, long)
        out = re.sub(rf"\b{re.escape(src)}\b", dst, out)
        out = re.sub(rf"\b{re.escape(src.capitalize())}\b", dst[:1].upper() + dst[1:], out)
    out = re.sub(r"\b(?:Can|Could|Would) you\b", REQUESTS[request], out)
    if SIGN_OFFS[sign_off] and not re.search(r"\bthank", out, re.I) and out[-1:] in ".!?":
        out += SIGN_OFFS[sign_off]
    return out if turn_facts(out) == turn_facts(text) else text
