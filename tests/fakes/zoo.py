"""A loopback server of misbehaving Chat Completions vendors; the profile's model picks one."""

from __future__ import annotations

import json
import re
from typing import Any

from .base import Exchange, Server

REFUND = "scenarios/customer-service/refund-damaged-order.yaml"


def completion(text: str | None, calls: list[tuple[str, dict[str, Any]]] | None = None
               ) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if calls:
        message["tool_calls"] = [{"id": f"call_{i}", "type": "function",
                                  "function": {"name": n, "arguments": json.dumps(a)}}
                                 for i, (n, a) in enumerate(calls)]
    return {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}


class Zoo(Server):
    """One loopback server; the profile's model picks the behaviour (a `m_<model>` method)."""

    def __init__(self) -> None:
        super().__init__()
        self.hits: dict[str, int] = {}

    def handle(self, ex: Exchange) -> None:
        model = ex.request.json["model"]
        with self._lock:
            self.hits[model] = self.hits.get(model, 0) + 1
        getattr(self, "m_" + model.replace("-", "_"))(ex, ex.request.json)

    @staticmethod
    def ok(ex: Exchange, data: dict[str, Any]) -> None:
        ex.send_json(200, data)

    def m_talker(self, ex: Exchange, body: dict[str, Any]) -> None:
        self.ok(ex, completion("Refunds matter a great deal to us. Our policy is generous."))

    def m_deflector(self, ex: Exchange, body: dict[str, Any]) -> None:
        self.ok(ex, completion("You can request a refund from the Orders page of your "
                               "account, or please contact our billing team."))

    def m_looper(self, ex: Exchange, body: dict[str, Any]) -> None:
        self.ok(ex, completion(None, [("list_orders", {"customer_id": "CUS-000000"})]))

    def m_garbage(self, ex: Exchange, body: dict[str, Any]) -> None:
        ex.send(200, b"<html><body>Bad Gateway</body></html>", content_type="text/html")

    def m_flaky(self, ex: Exchange, body: dict[str, Any]) -> None:
        if self.hits["flaky"] % 2:
            ex.send(503, b'{"error": {"message": "overloaded"}}', {"retry-after-ms": "10"})
        else:
            self.ok(ex, completion("I could not finish, sorry."))

    def m_down(self, ex: Exchange, body: dict[str, Any]) -> None:
        ex.send(500, b'{"error": {"message": "boom"}}', {"retry-after-ms": "5"})

    def m_slow(self, ex: Exchange, body: dict[str, Any]) -> None:
        if not ex.wait(0.15):
            self.ok(ex, completion("Still thinking about it."))

    def m_guesser(self, ex: Exchange, body: dict[str, Any]) -> None:
        if any(m["role"] == "tool" for m in body["messages"]):
            self.ok(ex, completion("Your refund has been processed."))
        else:
            self.ok(ex, completion(None, [("refund_order", {"order_id": "ORD-123456"})]))

    # -- a slow but competent agent (crash and resume tests)

    def m_slow_agent(self, ex: Exchange, body: dict[str, Any]) -> None:
        """Solves the refund task step by step, reading each id from the last tool result,
        after 50 ms per call: slow enough to be killed mid-run."""
        if ex.wait(0.05):
            return
        messages = body["messages"]
        step = sum(1 for m in messages if m["role"] == "assistant")
        last = json.loads(messages[-1]["content"]) if messages[-1]["role"] == "tool" else None
        if step == 0:
            user = next(m["content"] for m in messages if m["role"] == "user")
            email = re.search(r"[\w.+-]+@[\w.-]+\.\w+", user)
            self.ok(ex, completion(None, [("lookup_customer",
                                           {"email": email.group(0) if email else ""})]))
        elif step == 1 and isinstance(last, dict):
            self.ok(ex, completion(None, [("list_orders", {"customer_id": last.get("id")})]))
        elif step == 2 and isinstance(last, list):
            order = next((o["id"] for o in last if o.get("status") == "delivered"), "")
            self.ok(ex, completion(None, [("refund_order", {"order_id": order})]))
        else:
            done = last.get("id") if isinstance(last, dict) else None
            self.ok(ex, completion(f"I refunded order {done} in full."))

    # -- the fault matrix (tests/run/test_fault_matrix.py): one misbehaviour each

    def m_sleeper(self, ex: Exchange, body: dict[str, Any]) -> None:
        """Answers long after any sensible timeout."""
        if not ex.wait(3):
            self.ok(ex, completion("Sorry for the wait."))

    def m_staller(self, ex: Exchange, body: dict[str, Any]) -> None:
        """Headers and the start of the body, then silence."""
        ex.start(200, length=4096)
        ex.write(b'{"id": "chatcmpl-1", "choices": [')
        ex.wait(3)
        ex.abort()

    def m_throttled(self, ex: Exchange, body: dict[str, Any]) -> None:
        ex.send(429, b'{"error": {"message": "Rate limit reached", "type": "requests"}}',
                {"retry-after": "0.01"})

    def m_throttled_bare(self, ex: Exchange, body: dict[str, Any]) -> None:
        ex.send(429, b'{"error": {"message": "Too many requests", "type": "requests"}}')

    def m_overloaded(self, ex: Exchange, body: dict[str, Any]) -> None:
        ex.send(529, b'{"type": "error", "error": {"type": "overloaded_error", '
                     b'"message": "Overloaded"}}')

    def m_truncated(self, ex: Exchange, body: dict[str, Any]) -> None:
        ex.send(200, b'{"id": "x", "choices": [{"index": 0, "message": {"role": "assist')

    def m_html_error(self, ex: Exchange, body: dict[str, Any]) -> None:
        ex.send(502, b"<html><head><title>502 Bad Gateway</title></head><body><center>"
                     b"<h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body>"
                     b"</html>", content_type="text/html")

    def m_bad_args(self, ex: Exchange, body: dict[str, Any]) -> None:
        """Arguments that are not JSON, then arguments that break the tool's schema."""
        tries = sum(1 for m in body["messages"] if m["role"] == "tool")
        if tries == 0:
            message = completion(None, [("lookup_customer", {})])
            message["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"] = \
                '{"email": '
            self.ok(ex, message)
        elif tries == 1:
            self.ok(ex, completion(None, [("refund_order", {"order_id": 42, "force": True})]))
        else:
            self.ok(ex, completion("I could not do it."))

    def m_unknown_tool(self, ex: Exchange, body: dict[str, Any]) -> None:
        if any(m["role"] == "tool" for m in body["messages"]):
            self.ok(ex, completion("Done, everything is sorted."))
        else:
            self.ok(ex, completion(None, [("issue_refund_now", {"customer": "me"})]))

    def m_huge(self, ex: Exchange, body: dict[str, Any]) -> None:
        """A 3 MB reply: text padding inside a valid completion."""
        ex.send_json(200, completion("x" * 3_000_000))

    def m_stream_cut(self, ex: Exchange, body: dict[str, Any]) -> None:
        """A streamed reply (the profile asks for one) that stops after its first chunk."""
        ex.start_sse()
        ex.event(None, {"id": "x", "object": "chat.completion.chunk", "created": 0,
                        "model": "m", "choices": [{"index": 0, "delta": {
                            "role": "assistant", "content": "I am look"},
                            "finish_reason": None}]})
        ex.abort()
