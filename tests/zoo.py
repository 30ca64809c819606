"""A loopback server of misbehaving Chat Completions vendors; the profile's model picks one."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

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


    def start(self) -> Zoo:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
