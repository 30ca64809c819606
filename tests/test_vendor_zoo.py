"""Vendors agentcheck has never seen, through the normal CLI and profile format: each is judged as
what it is, the run finishes, and the summary counts the failures by cause."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from .test_cli_run import agentcheck

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


class Zoo:
    """One loopback server; the profile's model picks the behaviour."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        zoo = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return

            def setup(self) -> None:
                super().setup()
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                model = body["model"]
                zoo.hits[model] = zoo.hits.get(model, 0) + 1
                getattr(self, "m_" + model.replace("-", "_"))(body)

            def send(self, status: int, payload: bytes, ctype: str = "application/json",
                     headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(payload)

            def ok(self, data: dict[str, Any]) -> None:
                self.send(200, json.dumps(data).encode())

            def m_talker(self, body: dict[str, Any]) -> None:
                self.ok(completion("Refunds matter a great deal to us. Our policy is generous."))

            def m_deflector(self, body: dict[str, Any]) -> None:
                self.ok(completion("You can request a refund from the Orders page of your "
                                   "account, or please contact our billing team."))

            def m_looper(self, body: dict[str, Any]) -> None:
                self.ok(completion(None, [("list_orders", {"customer_id": "CUS-000000"})]))

            def m_garbage(self, body: dict[str, Any]) -> None:
                self.send(200, b"<html><body>Bad Gateway</body></html>", "text/html")

            def m_flaky(self, body: dict[str, Any]) -> None:
                if zoo.hits["flaky"] % 2:
                    self.send(503, b'{"error": {"message": "overloaded"}}',
                              headers={"retry-after-ms": "10"})
                else:
                    self.ok(completion("I could not finish, sorry."))

            def m_down(self, body: dict[str, Any]) -> None:
                self.send(500, b'{"error": {"message": "boom"}}',
                          headers={"retry-after-ms": "5"})

            def m_slow(self, body: dict[str, Any]) -> None:
                time.sleep(0.15)
                self.ok(completion("Still thinking about it."))

            def m_guesser(self, body: dict[str, Any]) -> None:
                if any(m["role"] == "tool" for m in body["messages"]):
                    self.ok(completion("Your refund has been processed."))
                else:
                    self.ok(completion(None, [("refund_order", {"order_id": "ORD-123456"})]))

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"


@pytest.fixture
def zoo() -> Iterator[Zoo]:
    z = Zoo()
    z.thread.start()
    try:
        yield z
    finally:
        z.httpd.shutdown()
        z.httpd.server_close()
        z.thread.join(timeout=5)


BEHAVIOURS = ("talker", "deflector", "looper", "garbage", "flaky", "down", "guesser")


def test_strangers_are_judged_as_what_they_are(zoo: Zoo, tmp_path: Path) -> None:
    args = []
    for name in BEHAVIOURS:
        p = tmp_path / f"{name}.yaml"
        p.write_text(f"name: {name}\nprotocol: openai-chat\nbase_url: {zoo.base_url}\n"
                     f"model: {name}\nmax_retries: 2\nmax_retry_wait_s: 0.05\ntimeout_s: 5\n")
        args += ["--vendor", str(p)]
    out = tmp_path / "run"
    res = agentcheck("run", *args, "--scenarios", REFUND, "--out", str(out), "--quiet")
    assert res.returncode == 0, res.stderr
    v = {x["name"]: x for x in json.loads((out / "summary.json").read_text())["vendors"]}
    trials = {json.loads(line)["vendor"]: json.loads(line)
              for line in (out / "trials.jsonl").read_text().splitlines()}
    assert all(v[n]["capability_score"] == 0 for n in BEHAVIOURS)
    # calling tools without chaining them is tier 1 at best; not calling them is tier 0
    assert {n: v[n]["tier"] for n in BEHAVIOURS} == {
        "talker": 0, "deflector": 0, "looper": 1, "garbage": 0, "flaky": 0, "down": 0,
        "guesser": 1}
    assert v["talker"]["flags"] == []
    assert v["deflector"]["flags"] == ["hands_work_back"]
    assert trials["looper"]["termination"] == "step_budget"
    assert trials["garbage"]["termination"] == "vendor_error"
    assert trials["garbage"]["error_cause"] == "malformed"
    assert v["garbage"]["errors"] == {"malformed": 1}
    assert trials["flaky"]["termination"] == "final_answer"  # retried through the 503s
    assert trials["down"]["error_cause"] == "server_error"
    assert zoo.hits["down"] == 3  # one try plus max_retries
    guess = trials["guesser"]
    assert guess["call_sequence"] == ["refund_order"]
    assert v["guesser"]["flags"] == ["hallucinated_actions", "unsafe_action"]
    assert any(e.get("error") == "order not found" for e in guess["events"])
