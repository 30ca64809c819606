"""The answer check: does the final reply mention the facts the user needs, in the forms a
vendor writing in another language would use (case, width, number and date notation)?"""

from __future__ import annotations

import datetime
import re
import unicodedata

from agentcheck.core.checks import CheckResult
from agentcheck.judge.grounding import numbers_in
from agentcheck.scenario.model import Scenario
from agentcheck.scenario.world import World

_MONTHS = (
    ("january", "jan", "enero", "janeiro", "januar", "janvier"),
    ("february", "feb", "febrero", "fevereiro", "februar", "février"),
    ("march", "mar", "marzo", "março", "märz", "mars"),
    ("april", "apr", "abril", "avril"),
    ("may", "mayo", "maio", "mai"),
    ("june", "jun", "junio", "junho", "juni", "juin"),
    ("july", "jul", "julio", "julho", "juli", "juillet"),
    ("august", "aug", "agosto", "août"),
    ("september", "sep", "sept", "septiembre", "setembro", "septembre"),
    ("october", "oct", "octubre", "outubro", "oktober", "octobre"),
    ("november", "nov", "noviembre", "novembro", "novembre"),
    ("december", "dec", "diciembre", "dezembro", "dezember", "décembre"),
)


_AMOUNT = re.compile(r"(?:[-+]?\s*(?:[a-z]{1,3}\s?)?[$€£¥₩]|[a-z]{3}\s)?\s*[-+]?\d+(?:[.,]\d+)*"
                     r"\s*(?:%|元|円|圓|원|€|[a-z]{3})?")
"""A value the answer check reads as a number: 1280, NT$1,280, $84.50, 1.280 €, 12%, 500 EUR."""
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_MOMENT = re.compile(r"(\d{4}-\d{2}-\d{2})[t ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?"
                         r"(?:z|[+-]\d{2}:?\d{2})?")
"""A moment as the World keeps it (casefolded: 2026-05-04t14:30:00-04:00): its day and its
time of day, as written in its own offset, are what a reply must say."""


def _month_number(name: str) -> int | None:
    name = name.rstrip(".")
    for i, names in enumerate(_MONTHS):
        if name in names:
            return i + 1
    return None


_MONTH_WORD = r"([^\W\d_]+\.?)"
_WRITTEN_DATES = (  # (pattern, order of year, month, day groups), on casefolded text
    (re.compile(r"(\d{4})\s*[/.]\s*(\d{1,2})\s*[/.]\s*(\d{1,2})"), "ymd"),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日號号]"), "ymd"),
    (re.compile(r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일"), "ymd"),
    (re.compile(rf"{_MONTH_WORD}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})"), "mdy"),
    (re.compile(rf"(\d{{1,2}})(?:st|nd|rd|th|er|º)?\.?\s+(?:of\s+|de\s+)?{_MONTH_WORD},?"
                r"\s+(?:de\s+)?(\d{4})"), "dmy"),
)


def written_date(text: str) -> str | None:
    """The ISO day of a date written out in full, the way an author may write an expected
    value: '3 May 2026', 'May 3, 2026', '2026/5/3', '2026年5月3日'; None for anything else."""
    norm = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    for pattern, order in _WRITTEN_DATES:
        m = pattern.fullmatch(norm)
        if m is None:
            continue
        parts = dict(zip(order, m.groups(), strict=True))
        month = int(parts["m"]) if parts["m"].isdigit() else _month_number(parts["m"])
        try:
            return datetime.date(int(parts["y"]), month or 0, int(parts["d"])).isoformat()
        except ValueError:
            return None
    return None


def _time_forms(hour: int, minute: int) -> str:
    """The ways a reply may write a time of day: 14:30, 14h30, 14.30, 2:30 pm, 2:30pm,
    14時30分, 14点30分, 下午2:30, 下午2點30分, 午後2時30分; on the hour also 2 pm, 14時, 下午2點."""
    h12 = hour % 12 or 12
    half = "(?:pm|p\\.m\\.)" if hour >= 12 else "(?:am|a\\.m\\.)"
    noon = "(?:下午|晚上|中午|午後)" if hour >= 12 else "(?:上午|早上|凌晨|午前)"
    mm = f"{minute:02d}"
    forms = [rf"0?{hour}\s*[:h.]\s*{mm}(?!\s*[:.]?\d)", rf"0?{h12}\s*[:.]\s*{mm}\s*{half}",
             rf"0?{hour}\s*[時时点點]\s*{mm}\s*分", rf"{noon}\s*0?{h12}\s*[:：]\s*{mm}",
             rf"{noon}\s*0?{h12}\s*[時时点點]\s*{mm}\s*分?"]
    if minute == 0:
        forms += [rf"0?{h12}\s*{half}", rf"0?{hour}\s*[時时点點](?!\s*\d)",
                  rf"{noon}\s*0?{h12}\s*[時时点點]"]
    if minute == 30:
        forms += [rf"0?{hour}\s*[時时点點]半", rf"{noon}\s*0?{h12}\s*[時时点點]半"]
    return rf"(?<![\d:.])(?:{'|'.join(forms)})(?!\d)"


def _date_forms(iso: str) -> re.Pattern[str] | None:
    """The ways a reply may write an ISO date: 2026-07-06, 2026/7/6, 06.07.2026, 7/6/2026,
    July 6, 2026, 6 July 2026, 6th of July 2026, 6 de julio de 2026, 6. Juli 2026, 2026年7月6日,
    2026년 7월 6일. Day first with dots (06.07.2026); 07/06/2026 is read both ways."""
    m = _ISO_DATE.fullmatch(iso.strip())
    if m is None:
        return None
    y, mo, d = m.group(1), int(m.group(2)), int(m.group(3))
    if not 1 <= mo <= 12:
        return None
    mm, dd = rf"0?{mo}", rf"0?{d}"
    day = rf"{dd}(?:st|nd|rd|th|er|º)?"
    name = "|".join(re.escape(n) for n in _MONTHS[mo - 1])
    month = rf"(?:{name})\.?"
    forms = [rf"{y}\s*[-/.]\s*{mm}\s*[-/.]\s*{dd}", rf"{dd}\s*[-/.]\s*{mm}\s*[-/.]\s*{y}",
             rf"{mm}\s*[-/]\s*{dd}\s*[-/]\s*{y}", rf"{month}\s+{day},?\s+{y}",
             rf"{day}\.?\s+(?:of\s+|de\s+)?{month},?\s+(?:de\s+)?{y}",
             rf"{y}\s*年\s*{mm}\s*月\s*{dd}\s*[日號号]",
             rf"{y}\s*년\s*{mm}\s*월\s*{dd}\s*일",
             # the year left out, as replies about this year write it: 5月3日, 3 de mayo,
             # May 3, 3. Mai, 5월 3일 (never when another year is written next to it)
             rf"(?<!年)(?<!年 ){mm}\s*月\s*{dd}\s*[日號号]", rf"(?<!년 ){mm}\s*월\s*{dd}\s*일",
             rf"{month}(?![^\W\d_])\s+{day}(?!,?\s*\d)",
             rf"{day}\.?\s+(?:of\s+|de\s+)?{month}(?![^\W\d_])(?!,?\s*(?:de\s+)?\d)"]
    year = int(y)
    if year > 2011:  # Taiwan's Minguo years (民國115年 is 2026), also written 115/05/03
        roc = year - 1911
        forms += [rf"(?:民國|民国)\s*{roc}\s*年\s*{mm}\s*月\s*{dd}\s*日",
                  rf"{roc}\s*[/.]\s*{mm}\s*[/.]\s*{dd}"]
    if year >= 2019:  # Japan's Reiwa era (令和8年 is 2026; its first year is 元年)
        era = "元" if year == 2019 else str(year - 2018)
        forms.append(rf"令和\s*{era}\s*年\s*{mm}\s*月\s*{dd}\s*日")
    # no digit may follow, unless the form ends in a unit (2026年5月4日14時30分)
    return re.compile(rf"(?<!\d)(?:{'|'.join(forms)})(?:(?<=[日號号일])|(?!\d))", re.I)


_CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5,
               "六": 6, "七": 7, "八": 8, "九": 9}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}
_CJK_GROUPS = {"萬": 10_000, "万": 10_000, "億": 100_000_000, "亿": 100_000_000}
_CJK_NUMBER = re.compile(r"(?:\d+(?:\.\d+)?|[零〇一二兩两三四五六七八九十百千])"
                         r"[\d.零〇一二兩两三四五六七八九十百千萬万億亿]*")


def _cjk_value(text: str) -> float | None:
    """12.8萬 -> 128000, 12万8千 -> 128000, 一千二百八十 -> 1280; None if not a number."""
    total, group, digit = 0.0, 0.0, None
    i = 0
    while i < len(text):
        m = re.match(r"\d+(?:\.\d+)?", text[i:])
        if m:
            if digit is not None:
                return None
            digit, i = float(m.group()), i + m.end()
            continue
        ch = text[i]
        if ch in _CJK_DIGITS:
            if digit is not None:
                return None
            digit = float(_CJK_DIGITS[ch])
        elif ch in _CJK_UNITS:
            group += (1.0 if digit is None else digit) * _CJK_UNITS[ch]
            digit = None
        elif ch in _CJK_GROUPS:
            total += (group + (digit or 0.0)) * _CJK_GROUPS[ch]
            group, digit = 0.0, None
        else:
            return None
        i += 1
    return total + group + (digit or 0.0)


def cjk_numbers(text: str) -> set[float]:
    """Numbers written with Chinese or Japanese numerals or units of ten thousand (萬, 万, 億)
    and thousand (千): "12.8萬元", "12万8千円", "一千二百八十元". Plain digit runs are left to
    numbers_in; a run counts here only when it holds a CJK numeral or unit."""
    out: set[float] = set()
    for m in _CJK_NUMBER.finditer(text.replace(",", "")):
        raw = m.group()
        if not re.search(r"[零〇一二兩两三四五六七八九十百千萬万億亿]", raw):
            continue
        value = _cjk_value(raw)
        if value is not None:
            out.add(round(value, 2))
    return out


def mentions(reply: str, value: str) -> bool:
    """Does the reply mention the value, in any of the forms a vendor writing in another
    language would use? Case, width and spacing are ignored, a number matches in any decimal
    or thousands notation ("84.50", "84,50", "84.5", "1,250.00", "1.250,00"), and an ISO date
    in the usual written forms of the supported languages."""
    norm_reply = " ".join(unicodedata.normalize("NFKC", reply).casefold().split())
    norm_value = " ".join(unicodedata.normalize("NFKC", value).casefold().split())
    if norm_value in norm_reply:
        return True
    moment = _ISO_MOMENT.fullmatch(norm_value)
    if moment is not None:  # the day and the time of day, each in any form
        day = _date_forms(moment.group(1))
        hour, minute = int(moment.group(2)), int(moment.group(3))
        return day is not None and hour < 24 and minute < 60 and bool(
            day.search(norm_reply)) and bool(re.search(_time_forms(hour, minute), norm_reply))
    dates = _date_forms(written_date(norm_value) or norm_value)
    if dates is not None:
        return bool(dates.search(norm_reply))
    if _AMOUNT.fullmatch(norm_value):
        wanted = numbers_in(norm_value)
        return bool(wanted) and bool(wanted & (numbers_in(norm_reply) | cjk_numbers(norm_reply)))
    return False


def check_answer(scenario: Scenario, world: World, final: str) -> CheckResult | None:
    spec = scenario.expect.answer
    if spec is None:
        return None
    missing = [str(world.render_initial(m)) for m in spec.mentions]
    missing = [m for m in missing if not mentions(final, m)]
    present = [str(world.render_initial(m)) for m in spec.not_mentions]
    present = [m for m in present if mentions(final, m)]
    passed = not missing and not present and bool(final.strip())
    reasons = []
    if not final.strip():
        reasons.append("no final answer")
    if missing:
        reasons.append("final answer does not mention " + ", ".join(map(repr, missing)))
    if present:
        reasons.append("final answer must not mention " + ", ".join(map(repr, present)))
    name = "final answer" + (f" mentions {', '.join(spec.mentions)}" if spec.mentions else "")
    return CheckResult("answer", str(world.render_initial(name)), passed, "; ".join(reasons),
                       evidence={"final": final[:500]} if not passed else None)
