"""Loopback Chat Completions vendors for the red team's date tests (issue 14): competent agents
(the public reference, tests/helpers/brains.py) that work differently, whom the verdict must not
penalise. The request's model picks one:

- `competent`: the reference as it is (the control);
- `dates-long`: writes every date of its answers as '3 May 2026' and a moment as
  '4 May 2026 at 14:30';
- `dates-ja`: writes them as '2026年5月3日' and '2026年5月4日 14時30分';
- `dates-off`: as `dates-long`, but every date a day late (a wrong date must still fail);
- `confirmer`: before its first write, asks 'Shall I go ahead and <verb> <id>?' and waits for
  the user's yes.
Tool arguments are never reformatted: only what the agent says to the user.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

from agentcheck.scenario.model import Scenario
from agentcheck.scenario.reference import identify

from ..fakes.base import Exchange
from ..fakes.openai_chat import completion_body, tool_call
from ..fakes.openai_chat_stream import ChatServer, chat_json
from .brains import Brain, chat_history

KEY_ENV = "AGENTCHECK_TEST_REDTEAM_DATES_KEY"
KEY = "sk-redteam-dates-0123456789"
MOMENT = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2})?"
                    r"(?:Z|[+-]\d{2}:?\d{2})?)?\b")
ASK = "Shall I go ahead and"


def reformat(text: str, style: str, shift: int = 0) -> str:
    """Every ISO date or moment in `text` in the given style ('long' or 'ja'), `shift` days
    later."""
    def one(m: re.Match[str]) -> str:
        day = datetime.date(int(m[1]), int(m[2]), int(m[3])) + datetime.timedelta(days=shift)
        if style == "ja":
            out = f"{day.year}年{day.month}月{day.day}日"
            return out + (f" {int(m[4])}時{m[5]}分" if m[4] else "")
        out = f"{day.day} {day:%B} {day.year}"
        return out + (f" at {m[4]}:{m[5]}" if m[4] else "")
    return MOMENT.sub(one, text)


def date_server(scenarios: list[Scenario]) -> ChatServer:
    server = ChatServer(api_key=KEY)
    brain = Brain(scenarios)

    def run(ex: Exchange) -> None:
        body: dict[str, Any] = ex.req.json
        model = str(body["model"])
        tools = {t["function"]["name"] for t in body.get("tools") or []}
        history = chat_history(body["messages"])
        move = brain.move("competent", tools, history)
        text = move.text
        if model in ("dates-long", "dates-ja", "dates-off") and not move.calls:
            text = reformat(text, "ja" if model == "dates-ja" else "long",
                            shift=1 if model == "dates-off" else 0)
        if model == "confirmer" and move.calls:
            first = next((h["text"] for h in history if h["role"] == "user"), "")
            sc = identify(scenarios, tools, first)
            name, args = move.calls[0]
            spec = sc.tool(name) if sc is not None else None
            asked = any(ASK in (h.get("text") or "") for h in history
                        if h["role"] == "assistant")
            if spec is not None and spec.mutates and not asked:
                target = next((v for v in args.values() if isinstance(v, str)), "")
                verb = name.split("_")[0]
                chat_json(completion_body(f"I have what I need. {ASK} {verb} {target} now?"))(ex)
                return
        calls = [tool_call(n, json.dumps(a)) for n, a in move.calls]
        chat_json(completion_body(text or None, tool_calls=calls or None))(ex)

    server.fallback = run
    return server
