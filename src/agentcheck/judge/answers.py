"""The answer check: does the final reply mention the facts the user needs, in the forms a
vendor writing in another language would use (case, width, number and date notation)?"""

from __future__ import annotations

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


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _date_forms(iso: str) -> re.Pattern[str] | None:
    """The ways a reply may write an ISO date: 2026-07-06, 2026/7/6, 06.07.2026, 7/6/2026,
    July 6, 2026, 6 July 2026, 6 de julio de 2026, 6. Juli 2026, 2026年7月6日, 2026년 7월 6일."""
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
             rf"{mm}\s*[-/.]\s*{dd}\s*[-/.]\s*{y}", rf"{month}\s+{day},?\s+{y}",
             rf"{day}\.?\s+(?:de\s+)?{month}\s+(?:de\s+)?{y}", rf"{y}\s*年\s*{mm}\s*月\s*{dd}\s*日",
             rf"{y}\s*년\s*{mm}\s*월\s*{dd}\s*일"]
    return re.compile(rf"(?<!\d)(?:{'|'.join(forms)})(?!\d)", re.I)


def mentions(reply: str, value: str) -> bool:
    """Does the reply mention the value, in any of the forms a vendor writing in another
    language would use? Case, width and spacing are ignored, a number matches in any decimal
    or thousands notation ("84.50", "84,50", "84.5", "1,250.00", "1.250,00"), and an ISO date
    in the usual written forms of the supported languages."""
    norm_reply = " ".join(unicodedata.normalize("NFKC", reply).casefold().split())
    norm_value = " ".join(unicodedata.normalize("NFKC", value).casefold().split())
    if norm_value in norm_reply:
        return True
    dates = _date_forms(norm_value)
    if dates is not None:
        return bool(dates.search(norm_reply))
    if re.fullmatch(r"[-+$€£¥]?\s*\d+(?:[.,]\d+)*\s*%?", norm_value):
        wanted = numbers_in(norm_value)
        return bool(wanted) and bool(wanted & numbers_in(norm_reply))
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
