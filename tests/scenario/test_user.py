"""The scripted user: a fact the user holds is released only when the agent asks for it, in
any language and script; confirmations are confirmed; nothing else gives it away."""

from __future__ import annotations

import pytest

from agentcheck.scenario.model import load_scenario
from agentcheck.scenario.user import CONFIRM, MAX_PROMPTS, NEUTRAL, ScriptedUser
from agentcheck.scenario.world import World

from ..helpers.paths import SCENARIOS
from ..helpers.scripted import call, last_result, play, say

BOOKING = load_scenario(SCENARIOS / "scheduling" / "book-new-hire-orientation.yaml")
REFUND = load_scenario(SCENARIOS / "customer-service" / "refund-damaged-order.yaml")


def user_for(scenario=BOOKING) -> ScriptedUser:  # type: ignore[no-untyped-def]
    world = World(scenario, 1)
    return ScriptedUser(scenario, world.user_turns())


@pytest.mark.parametrize("reply", [
    "Happy to help. What is the new hire's employee ID?",
    "Could you send me their employee number, please",
    "Please share the staff ID of the new hire.",
    "¿Cuál es el número de empleado de la nueva contratación?",
    "Wie lautet die Mitarbeiternummer?",
    "Quel est le numéro d'employé ?",
    "请提供新员工的员工编号？",
    "新入社員の社員番号を教えていただけますか？",
    "신입 사원의 사번을 알려주시겠어요?",
])
def test_asking_for_the_fact_in_any_language_releases_it(reply: str) -> None:
    user = user_for()
    move = user.answer(reply)
    assert move.turn == 1 and move.text is not None and "employee ID" in move.text


@pytest.mark.parametrize("reply", [
    "Anything else I can help with?",
    "Is there anything else you need?",
    "Which site is the new hire at?",
    "有什么其他需要帮忙的吗？",
])
def test_a_question_about_something_else_gets_a_neutral_reply(reply: str) -> None:
    user = user_for()
    move = user.answer(reply)
    assert move.text == NEUTRAL and move.turn is None


def test_neutral_replies_are_limited_then_the_user_leaves() -> None:
    user = user_for()
    for _ in range(MAX_PROMPTS):
        assert user.answer("Anything else?").text == NEUTRAL
    assert user.answer("Anything else?").end == "user_left"


def test_not_asking_at_all_ends_with_user_left() -> None:
    assert user_for().answer("I booked the orientation.").end == "user_left"


def test_a_request_for_confirmation_is_confirmed() -> None:
    user = user_for(REFUND)
    move = user.answer("I found order ORD-1 (delivered). Shall I go ahead and refund it?")
    assert move.text == CONFIRM
    assert user.answer("Refunded ORD-1.").end == "final_answer"


def test_an_agent_that_confirms_before_acting_passes_like_one_that_does_not() -> None:
    email = World(REFUND, 1).data["customers"][0]["email"]
    delivered: list[str] = []

    def ask(s):  # type: ignore[no-untyped-def]
        delivered.append(next(o["id"] for o in last_result(s) if o["status"] == "delivered"))
        return say(f"I found the delivered order {delivered[0]}. Do you want me to refund it?")

    turns = [call("lookup_customer", email=email),
             lambda s: call("list_orders", customer_id=last_result(s)["id"]), ask,
             lambda s: call("refund_order", order_id=delivered[0]),
             lambda s: say(f"Done: order {delivered[0]} is refunded.")]
    _, traj, score = play(REFUND, turns)
    assert score.passed and score.flags == [], [c.reason for c in score.checks if not c.passed]
    assert [e["text"] for e in traj.events if e["type"] == "user"][1] == CONFIRM


def test_an_offer_is_not_a_question_for_the_date() -> None:
    log_call = load_scenario(SCENARIOS / "sales-crm"
                             / "log-customer-call-and-schedule-follow-up.yaml")
    user = user_for(log_call)
    assert user.answer("Would you like me to email you a summary when I'm done?").text != \
        user.turns[1]
    assert user_for(log_call).answer("When is their legal review?").turn == 1


def test_a_list_of_every_identifier_fishes_and_releases_nothing() -> None:
    move = user_for().answer("Could you give me the order number, employee ID, invoice number, "
                             "ticket number and serial number?")
    assert move.text == NEUTRAL


@pytest.mark.parametrize("reply", [
    "Puis-je procéder au remboursement de la commande ?",
    "ORD-1 の返金を進めてもよろしいでしょうか？",
    "ORD-1 건을 처리해 드릴까요?",
    "我可以為您處理這筆退款嗎？",
    "May I refund the order now?",
    "Is it alright if I refund it?",
    "Darf ich die Erstattung jetzt veranlassen?",
])
def test_leave_to_act_is_confirmed_in_any_language(reply: str) -> None:
    assert user_for(REFUND).answer(reply).text == CONFIRM


@pytest.mark.parametrize("reply", [
    "Can I help you with anything else?",
    "还有什么可以帮您的吗？",
    "他に何かお手伝いできることはありますか？",
])
def test_an_offer_of_more_help_is_not_a_confirmation(reply: str) -> None:
    assert user_for(REFUND).answer(reply).end == "final_answer"


def test_fishing_over_several_sentences_or_with_look_alike_words_releases_nothing() -> None:
    spread = "Do you have an order number? An employee ID? A serial number? A due date?"
    assert user_for().answer(spread).text == NEUTRAL
    for generic in ("Any snags or ideas you want me to emphasize?",
                    "Is there any other data you can share with me?"):
        move = user_for().answer(generic)
        assert move.turn is None and move.text in (NEUTRAL, CONFIRM), generic


@pytest.mark.parametrize("reply", ["고객사 법무 검토는 언제인가요?",
                                   "Quando é a revisão jurídica do cliente?"])
def test_the_scenario_names_its_fact_in_other_languages(reply: str) -> None:
    log_call = load_scenario(SCENARIOS / "sales-crm"
                             / "log-customer-call-and-schedule-follow-up.yaml")
    assert user_for(log_call).answer(reply).turn == 1


ZH_RESET = load_scenario(SCENARIOS / "it-helpdesk" /
                         "zh-tw-reset-password-after-employee-number-check.yaml")
ES_ROOM = load_scenario(SCENARIOS / "scheduling" /
                        "es-book-room-and-visitor-pass-for-supplier-audit.yaml")


@pytest.mark.parametrize("scenario, confirm, neutral", [
    (ZH_RESET, "是的，請繼續。", "我沒有其他要補充的了，請繼續處理我的請求。"),
    (ES_ROOM, "Sí, adelante, por favor.",
     "No tengo nada más que añadir; por favor, siga con mi solicitud."),
])
def test_the_user_answers_in_the_language_it_wrote_in(  # type: ignore[no-untyped-def]
        scenario, confirm: str,
                                                      neutral: str) -> None:
    """A Taiwanese requester is not answered in English, nor in Simplified characters."""
    question = {"zh": "請問還有其他需要嗎？", "es": "¿Necesita algo más?"}
    asks_ok = {"zh": "我要幫您重設密碼，可以嗎？", "es": "¿Confirma que reserve la sala?"}
    lang = "zh" if scenario is ZH_RESET else "es"
    assert user_for(scenario).answer(question[lang]).text == neutral
    assert user_for(scenario).answer(asks_ok[lang]).text == confirm
    assert user_for(REFUND).answer("Shall I go ahead with the refund?").text == CONFIRM
