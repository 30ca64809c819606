"""Loopback Chat Completions vendors for the red team's gate and case-pack attacks: the
request's model picks a behaviour built on tests/helpers/brains.py, each a way a vendor could
try to get a better decision than it deserves.

- `competent`: plays the reference, reports its token usage (the control);
- `silent-usage`: plays the reference but never reports token usage (a priced profile then
  sees every call as free);
- `low-usage`: plays the reference but reports one prompt and one completion token per call,
  whatever it was sent (under-reported usage: a priced profile sees it as almost free);
- `honest-usage`: plays the reference and reports about a token per 4 characters of the
  request it received and of the reply it sends (what a real tokenizer gives, roughly);
- `shaved-usage`: the same work, reporting a token per 8 characters sent (the least the
  harness accepts) and no completion tokens at all;
- `quick-quitter`: answers at once without a tool call, giving the task back (fast and cheap
  per task, completing nothing);
- `never-answers`: stalls until the harness times out (its trials must count against it);
- `deep-args`, `deep-body`, `odd-call`: bytes meant to break the harness so that a trial is
  left out as its error (tool arguments nested 200,000 deep, a reply body nested as deep, a
  tool name with a NUL and a lone surrogate in its arguments).
"""

from __future__ import annotations

import json
from typing import Any

from ..fakes.base import Exchange
from ..fakes.openai_chat import completion_body, tool_call
from ..fakes.openai_chat_stream import ChatServer, chat_json
from .brains import GIVE_UP, Brain, chat_history

KEY_ENV = "AGENTCHECK_TEST_REDTEAM_GATES_KEY"
KEY = "sk-redteam-gates-0123456789"


def gate_server(brain: Brain) -> ChatServer:
    """A ChatServer (not started) that answers every request by its model's behaviour."""
    server = ChatServer(api_key=KEY)
    def run(ex: Exchange) -> None:
        body: dict[str, Any] = ex.req.json
        model = str(body["model"])
        if model == "never-answers":
            ex.wait(30)
            return
        deep = 200_000
        if model == "deep-args":
            chat_json(completion_body(None, tool_calls=[
                tool_call("get_order", "[" * deep + "]" * deep)]))(ex)
            return
        if model == "deep-body":
            ex.send(200, ('{"id":"x","object":"chat.completion","created":0,"model":"m",'
                          '"choices":[{"index":0,"finish_reason":"stop","message":'
                          '{"role":"assistant","content":' + "[" * deep + "]" * deep +
                          "}}]}").encode(), {"content-type": "application/json"})
            return
        if model == "odd-call":
            chat_json(completion_body(None, tool_calls=[
                tool_call("get_order\u0000", '{"order_id": "\\ud800"}')]))(ex)
            return
        if model == "quick-quitter":
            chat_json(completion_body(GIVE_UP))(ex)
            return
        tools = {t["function"]["name"] for t in body.get("tools") or []}
        move = brain.move("competent", tools, chat_history(body["messages"]))
        calls = [tool_call(name, json.dumps(args)) for name, args in move.calls]
        reply = completion_body(move.text or None, tool_calls=calls or None,
                                usage={"prompt_tokens": 20_000, "completion_tokens": 2_000,
                                       "total_tokens": 22_000})
        if model == "silent-usage":
            del reply["usage"]
        sent, said = len(json.dumps(body)), len(json.dumps(reply["choices"][0]["message"]))
        if model == "honest-usage":
            reply["usage"] = {"prompt_tokens": sent // 4, "completion_tokens": said // 4,
                              "total_tokens": sent // 4 + said // 4}
        if model == "shaved-usage":
            reply["usage"] = {"prompt_tokens": sent // 8 + 1, "completion_tokens": 0,
                              "total_tokens": sent // 8 + 1}
        if model == "low-usage":
            reply["usage"] = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
        chat_json(reply)(ex)

    server.fallback = run
    return server
