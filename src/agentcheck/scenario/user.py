"""The scripted user: how the simulated requester answers the agent, one reply at a time.

The harness loop and vendor-run agents both follow these rules (docs/scoring.md, "The scripted
user"), so a vendor cannot get a different user by choosing a protocol:

- a turn not marked `only_if_asked` is said after the agent's reply, whatever the reply was;
- a turn marked `only_if_asked` is said only when the reply asks for what it gives: a question
  (any script's question forms, "Please send me ..." included) naming one of the turn's
  `asks_for` terms, a synonym from the library's list, or the same thing in another language.
  "Anything else I can help with?" asks for nothing;
- a request for confirmation ("Shall I go ahead and refund ORD-1?") is confirmed;
- any other question gets a neutral reply that gives nothing away;
- at most MAX_PROMPTS confirmations and neutral replies per trial; after that, or when the reply
  asks nothing, the conversation ends: "final_answer" when the user has nothing left to say,
  "user_left" when the agent stopped without asking for a fact only the user has.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from agentcheck.scenario.model import Scenario
from agentcheck.speech import SpeechAct, language_of, read

USER_LEFT = "the agent ended its turn without asking for what the user knows"
CONFIRM = "Yes, please go ahead."
NEUTRAL = "I don't have anything more to add; please go ahead with my request."
# the same two replies in the language the user writes in (the scenario's first turn)
CONFIRMS = {"en": CONFIRM, "zh-Hant": "是的，請繼續。", "zh-Hans": "是的，请继续。",
            "ja": "はい、進めてください。", "ko": "네, 진행해 주세요.",
            "es": "Sí, adelante, por favor.", "pt": "Sim, pode prosseguir.",
            "de": "Ja, bitte machen Sie weiter.", "fr": "Oui, allez-y, s'il vous plaît."}
NEUTRALS = {"en": NEUTRAL, "zh-Hant": "我沒有其他要補充的了，請繼續處理我的請求。",
            "zh-Hans": "我没有其他要补充的了，请继续处理我的请求。",
            "ja": "特に付け加えることはありません。依頼どおり進めてください。",
            "ko": "더 드릴 말씀은 없습니다. 요청한 대로 진행해 주세요.",
            "es": "No tengo nada más que añadir; por favor, siga con mi solicitud.",
            "pt": "Não tenho mais nada a acrescentar; por favor, prossiga com o meu pedido.",
            "de": "Ich habe nichts hinzuzufügen; bitte bearbeiten Sie meine Anfrage weiter.",
            "fr": "Je n'ai rien à ajouter ; merci de poursuivre ma demande."}
_TRADITIONAL = re.compile("[們這為個來時說會過還應點請單與帳號碼戶務額發訂關閉處辦經]")


def user_language(first_turn: str) -> str:
    """The language of the user's replies: that of the scenario's first turn, with Chinese told
    apart by script (a Taiwanese requester is not answered in Simplified characters)."""
    code = language_of(first_turn)
    if code == "zh":
        return "zh-Hant" if _TRADITIONAL.search(first_turn) else "zh-Hans"
    return code if code in CONFIRMS else "en"
MAX_PROMPTS = 3

# the same fact in the words agents use for it, in the library's languages
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("employee id", "employee number", "employee no", "employee #", "staff id", "staff number",
     "personnel number", "badge number", "worker id", "emp id", "número de empleado",
     "id de empleado", "número de funcionário", "matrícula", "personalnummer",
     "mitarbeiternummer", "mitarbeiter-id", "numéro d'employé", "numéro d’employé",
     "matricule", "员工编号", "员工号", "工号", "員工編號", "員工號", "社員番号", "従業員番号",
     "社員id", "사번", "직원 번호", "사원 번호"),
    ("serial number", "serial", "s/n", "sn", "número de serie", "número de série",
     "seriennummer", "numéro de série", "序列号", "序號", "序列號", "シリアル番号",
     "製造番号", "일련번호", "시리얼 번호"),
    ("order number", "order id", "order #", "order no", "número de pedido", "pedido",
     "bestellnummer", "numéro de commande", "订单号", "訂單號", "注文番号", "주문 번호"),
    ("due date", "deadline", "date", "fecha", "data de", "data da", "qual a data", "datum",
     "termin", "échéance", "日期", "截止日期", "日付", "期限", "날짜", "마감일"),
    ("invoice number", "invoice id", "invoice #", "número de factura", "rechnungsnummer",
     "numéro de facture", "发票号", "發票號", "請求書番号", "송장 번호"),
    ("ticket number", "ticket id", "case number", "case id", "incident number",
     "número de ticket", "ticketnummer", "numéro de ticket", "工单号", "工單號",
     "チケット番号", "티켓 번호"),
)
FISHING = 3
"""A question that names this many kinds of fact at once is a list to fish from, not a
question for what the task is missing: it gets the neutral reply."""
_CONFIRM = re.compile(
    r"\b(?:shall i|should i|may i|can i|could i|do you want me to|would you like me to|"
    r"want me to|ok(?:ay)? (?:to|if)|(?:is it )?(?:alright|all right|fine) (?:if|to)|"
    r"go ahead|proceed|confirm(?:ation)?|is that (?:ok|okay|correct|right)|"
    r"desea que|quiere que|procedo|proceda|puedo|confirma|deseja que|posso|prossig|"
    r"soll ich|darf ich|kann ich|möchten sie, dass|bestätigen|fortfahren|"
    r"puis-je|dois-je|voulez-vous que|souhaitez-vous que|confirmez|je procède)\b"
    r"|要我|是否|确认|確認|需要我|我可以|可以.{0,20}[吗嗎]|要不要"
    r"|よろしい(?:でしょう|です)か|しましょうか|してもいいですか|してもよろしい|進めても"
    r"|할까요|드릴까요|해도 될까요|진행|확인",
    re.I)


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _cjk(text: str) -> bool:
    return any(ord(ch) > 0x2E80 for ch in text)


def _mentions(sentence: str, term: str) -> bool:
    """Does the sentence name the term? CJK by substring; other scripts by every word of the
    term starting a word of the sentence ("employee no." names "employee number")."""
    term = _norm(term)
    if not term:
        return False
    if _cjk(term):
        return term in sentence
    words = [w for w in re.split(r"[^\w#/'’-]+", term) if w]
    # whole words ("sn" is not the start of "snags"), plurals and a trailing dot allowed
    return all(re.search(rf"(?<![\w]){re.escape(w)}(?:e?s)?(?![\w])", sentence) for w in words)


def expand(terms: list[str]) -> list[str]:
    """The terms plus every synonym of any of them."""
    out = [_norm(t) for t in terms if t.strip()]
    for group in SYNONYMS:
        if any(_norm(g) in out for g in group):
            out.extend(_norm(g) for g in group if _norm(g) not in out)
    return out


def _kinds_named(text: str, wanted: list[str]) -> int:
    kinds = [group for group in SYNONYMS if any(_mentions(text, _norm(g)) for g in group)]
    own = any(_mentions(text, t) for t in wanted)
    return len(kinds) + (1 if own and not any(_norm(g) in wanted for k in kinds for g in k)
                         else 0)


def asks_for(acts: list[SpeechAct], terms: list[str]) -> bool:
    """Does one of the reply's questions ask for something named by `terms`, and not as one
    item of a list of every identifier there is (in one sentence or spread over several)?"""
    wanted = expand(terms)
    questions = [_norm(a.sentence) for a in acts if a.kind == "question"]
    if _kinds_named(" | ".join(questions), wanted) >= FISHING:
        return False
    return any(_mentions(q, t) for q in questions for t in wanted)


_COURTESY = re.compile(
    r"\b(?:anything else|something else|any other|other questions?|further questions?|"
    r"help (?:you )?with|else i can|algo más|alguna otra|mais alguma|algo mais|noch etwas|"
    r"sonst noch|autre chose|d'autres questions)\b"
    r"|其他|还有什么|還有什麼|他に|ほかに|다른|더 도와",
    re.I)


def asks_confirmation(acts: list[SpeechAct]) -> bool:
    """A question that asks leave to act ("Shall I go ahead?", "May I refund it now?",
    "進めてもよろしいでしょうか"), not an offer of more help ("Can I help with anything
    else?")."""
    return any(a.kind == "question" and _CONFIRM.search(_norm(a.sentence))
               and not _COURTESY.search(_norm(a.sentence)) for a in acts)


@dataclass
class UserMove:
    """The scripted user's answer: a text to send (with the scenario turn it gives, if any),
    or the end of the conversation and why."""

    text: str | None = None
    turn: int | None = None
    end: str | None = None


class ScriptedUser:
    left_why = USER_LEFT

    def __init__(self, scenario: Scenario, turns: list[str]) -> None:
        self.scenario = scenario
        self.turns = turns
        self.turn = 0
        self.prompts = 0
        lang = user_language(turns[0]) if turns else "en"
        self.confirm, self.neutral = CONFIRMS[lang], NEUTRALS[lang]

    def answer(self, reply_text: str, asked: bool = False) -> UserMove:
        """After the agent's reply: what the user says next, or why the conversation ends.
        `asked`: the protocol itself says the agent waits for input (A2A input-required); the
        reply's words still decide what it asked for."""
        nxt = self.turn + 1
        pending = self.scenario.task[nxt] if nxt < len(self.turns) else None
        if pending is not None and not pending.only_if_asked:
            return self._give(nxt)
        if pending is None and not asked and not ("?" in reply_text or "？" in reply_text
                                                  or _CONFIRM.search(reply_text)):
            return UserMove(end="final_answer")  # nothing to ask and no confirmation asked for
        acts = read(reply_text, self.turns[: self.turn + 1])
        if asked:  # the protocol says the agent waits for the user: its words are a question
            acts = [replace(a, kind="question") if a.kind == "info" else a for a in acts]
        if pending is not None and asks_for(acts, pending.asks_for):
            return self._give(nxt)
        questions = [a for a in acts if a.kind == "question"]
        if self.prompts < MAX_PROMPTS and (questions or asked):
            if asks_confirmation(acts):
                self.prompts += 1
                return UserMove(text=self.confirm)
            if pending is not None:
                self.prompts += 1
                return UserMove(text=self.neutral)
        if pending is not None:
            return UserMove(end="user_left")
        return UserMove(end="final_answer")

    def _give(self, turn: int) -> UserMove:
        self.turn = turn
        return UserMove(text=self.turns[turn], turn=turn)
