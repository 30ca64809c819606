"""A memoriser that reads private variants back through the tool descriptions (issue 13): the
public library's tools, keyed by their description with every identifier blanked out, tell it
which public tool each renamed one is, and the parameters keep their order, so it learns the
whole renaming without a synonym list. It then recognises the scenario by its tool set (and,
among scenarios sharing tools, the system prompt nearest the public one), replays the public
reference solution in canonical names, and sends each call under the shown names.

It knows only the public library and what the request shows: no key, no oracle.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from agentcheck.scenario.model import Scenario
from agentcheck.scenario.reference import next_action

from ..fakes.base import Exchange
from ..fakes.openai_chat import completion_body, tool_call
from ..fakes.openai_chat_stream import ChatServer, chat_json
from .brains import chat_history

KEY_ENV = "AGENTCHECK_TEST_REDTEAM_MEMO_KEY"
KEY = "sk-redteam-memo-0123456789"
_IDENT = re.compile(r"[A-Za-z0-9]+(?:[_A-Z][A-Za-z0-9]*)+|`[^`]*`|'[^']*'")


def blank(text: str | None) -> str:
    """A description with its identifiers (tool and parameter names) blanked out."""
    return _IDENT.sub("#", text or "")


def _props(schema: Any) -> list[str]:
    return list((schema or {}).get("properties") or {})


class DescriptionMemoriser:
    def __init__(self, scenarios: list[Scenario]) -> None:
        self.scenarios = scenarios

    def _fingerprint(self, tools: list[tuple[str, int]]) -> frozenset[tuple[str, int]]:
        return frozenset(tools)

    def mapping(self, body: dict[str, Any]) -> tuple[Scenario, dict[str, str],
                                                     dict[str, dict[str, str]]] | None:
        """(scenario, shown tool -> canonical, canonical tool -> {canonical param: shown})."""
        shown = [t["function"] for t in body.get("tools") or []]
        want = self._fingerprint([(blank(f.get("description")), len(_props(f.get("parameters"))))
                                  for f in shown])
        system = next((m.get("content") or "" for m in body["messages"]
                       if m["role"] == "system"), "")
        found = [sc for sc in self.scenarios if self._fingerprint(
            [(blank(t.description), len(_props(t.parameters))) for t in sc.tools]) == want]
        if not found:
            return None
        sc = max(found, key=lambda s: difflib.SequenceMatcher(
            None, blank(s.system), blank(str(system))).ratio())
        tools: dict[str, str] = {}
        params: dict[str, dict[str, str]] = {}
        for f in shown:
            key = (blank(f.get("description")), len(_props(f.get("parameters"))))
            canon = next(t for t in sc.tools
                         if (blank(t.description), len(_props(t.parameters))) == key)
            tools[f["name"]] = canon.name
            params[canon.name] = dict(zip(_props(canon.parameters), _props(f["parameters"]),
                                          strict=True))
        return sc, tools, params

    def reply(self, body: dict[str, Any]) -> dict[str, Any]:
        found = self.mapping(body)
        if found is None:
            return completion_body("I do not know this task.")
        sc, tools, params = found
        history = chat_history(body["messages"])
        for h in history:  # the vendor's own earlier calls, read back into canonical names
            for call in h.get("tool_calls") or []:
                fn = call["function"]
                canon = tools.get(fn["name"], fn["name"])
                back = {v: k for k, v in params.get(canon, {}).items()}
                args = json.loads(fn["arguments"] or "{}")
                fn["name"] = canon
                fn["arguments"] = json.dumps({back.get(k, k): v for k, v in args.items()}
                                             if isinstance(args, dict) else args)
        action = next_action(sc, history)
        if action.kind != "call" or action.name is None:
            return completion_body(action.text or "Done.")
        shown_tool = next(s for s, c in tools.items() if c == action.name)
        names = params.get(action.name, {})
        args = {names.get(k, k): v for k, v in (action.args or {}).items()}
        return completion_body(None, tool_calls=[tool_call(shown_tool, json.dumps(args))])


def memoriser_server(scenarios: list[Scenario]) -> ChatServer:
    server = ChatServer(api_key=KEY)
    memo = DescriptionMemoriser(scenarios)

    def run(ex: Exchange) -> None:
        try:
            body = memo.reply(ex.req.json)
        except Exception:  # a wrong guess of the scenario: the vendor gives up, honestly
            body = completion_body("I could not finish this request; nothing was changed.")
        chat_json(body)(ex)

    server.fallback = run
    return server
