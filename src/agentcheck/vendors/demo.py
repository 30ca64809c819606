"""Built-in demo vendors, served on loopback as real Chat Completions HTTP servers, so the first
run needs no key and no network and still exercises the whole stack:

- demo-agent: a competent agent; it plays each scenario's reference solution, reading the
  generated values from the user's messages and tool results.
- demo-chatbot: talks and claims success, never calls a tool.
- demo-rpa: runs the same fixed tool script whatever the task.
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from agentcheck.scenario.model import Scenario
from agentcheck.scenario.reference import identify, next_action
from agentcheck.scenario.variants import Variant, VariantWorld
from agentcheck.scenario.world import World
from agentcheck.vendors.demo_names import DEMO_VENDORS
from agentcheck.vendors.profile import Prices, VendorProfile

__all__ = ["DEMO_VENDORS", "DemoServer", "demo_profiles", "respond"]
CHATBOT_REPLY = (
    "Thanks for reaching out! I've taken care of that for you: everything has been processed "
    "and updated in our system, and you will receive a confirmation shortly."
)
RPA_SCRIPT = (
    ("search_records", {"query": "open items"}),
    ("update_record", {"record_id": "REC-0001", "status": "closed"}),
)
RPA_DONE = "Workflow RPA-7 finished: 1 record has been updated."


def _neutral_history(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for m in messages:
        role = m.get("role")
        if role == "user":
            content = m.get("content")
            out.append({"role": "user", "text": content if isinstance(content, str) else ""})
        elif role == "assistant":
            out.append({"role": "assistant", "text": m.get("content") or "",
                        "tool_calls": m.get("tool_calls") or []})
        elif role == "tool":
            out.append({"role": "tool", "content": m.get("content")})
    return out


def _completion(model: str, text: str | None, calls: list[tuple[str, dict[str, Any]]],
                n_step: int, prompt_chars: int) -> dict[str, Any]:
    tool_calls = [{"id": f"call_{n_step}_{i}", "type": "function",
                   "function": {"name": name, "arguments": json.dumps(args)}}
                  for i, (name, args) in enumerate(calls)]
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if tool_calls:
        message["tool_calls"] = tool_calls
    completion_tokens = max(1, len(json.dumps(message)) // 4)
    prompt_tokens = max(1, prompt_chars // 4)
    return {
        "id": f"chatcmpl-demo{n_step}", "object": "chat.completion", "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "logprobs": None,
                     "finish_reason": "tool_calls" if tool_calls else "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def respond(kind: str, body: dict[str, Any], scenarios: list[Scenario],
            prompt_chars: int, known_tasks: dict[str, Scenario] | None = None,
            variants: dict[str, Variant] | None = None) -> dict[str, Any]:
    messages = body.get("messages") or []
    model = str(body.get("model", kind))
    steps = sum(1 for m in messages if m.get("role") == "assistant")
    if kind == "demo-chatbot":
        return _completion(model, CHATBOT_REPLY, [], steps, prompt_chars)
    if kind == "demo-rpa":
        if steps < len(RPA_SCRIPT):
            return _completion(model, None, [RPA_SCRIPT[steps]], steps, prompt_chars)
        return _completion(model, RPA_DONE, [], steps, prompt_chars)
    tools = {t["function"]["name"] for t in body.get("tools") or []}
    history = _neutral_history(messages)
    first_user = next((h["text"] for h in history if h["role"] == "user"), "")
    scenario = (known_tasks or {}).get(first_user.strip()) or identify(scenarios, tools,
                                                                        first_user)
    if scenario is None:
        return _completion(model, "I could not match this task to a scenario I know.", [],
                           steps, prompt_chars)
    action = next_action(scenario, history)
    if action.kind == "call":
        call = (action.name, action.args or {})
        variant = (variants or {}).get(first_user.strip())
        if variant is not None:  # a private variant's names (see DemoServer.expect)
            call = variant.to_shown(*call)
        return _completion(model, None, [call], steps, prompt_chars)
    return _completion(model, action.text, [], steps, prompt_chars)


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up (Ctrl-C stops the run mid-request) is not an error to print:
    the standard handler would write a traceback to the user's terminal."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        return


class DemoServer:
    """One loopback HTTP server answering /v1/chat/completions as the three demo vendors,
    chosen by the request's `model` field."""

    def __init__(self, scenarios: list[Scenario], host: str = "127.0.0.1", port: int = 0) -> None:
        self.scenarios = scenarios
        self.host = host
        self.known_tasks: dict[str, Scenario] = {}
        self.variants: dict[str, Variant] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def setup(self) -> None:
                super().setup()
                # headers and body go out in two writes; without this, Nagle's algorithm and
                # delayed ACKs add ~40 ms to every reply
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                    kind = str(body.get("model"))
                    if self.path.rstrip("/") != "/v1/chat/completions":
                        self._send(404, {"error": {"message": "not found", "type": "invalid"}})
                        return
                    if kind not in DEMO_VENDORS:
                        self._send(404, {"error": {"message": f"model {kind!r} not found",
                                                   "type": "invalid_request_error",
                                                   "code": "model_not_found"}})
                        return
                    self._send(200, respond(kind, body, server.scenarios, len(raw),
                                            server.known_tasks, server.variants))
                except (ValueError, KeyError, TypeError, AttributeError) as exc:
                    self._send(400, {"error": {"message": f"bad request: {exc}",
                                               "type": "invalid_request_error"}})

            def _send(self, status: int, data: dict[str, Any]) -> None:
                payload = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = _QuietServer((host, port), Handler)
        self.httpd.daemon_threads = True
        # shutdown() waits for the next poll: at the default 0.5 s every run ended idle
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,),
                                       daemon=True, name="agentcheck-demo")

    def expect(self, scenario: Scenario, seed: int, variant_key: str | None = None) -> None:
        """Tell the demo agent which task a trial's first message belongs to, for scenarios
        that share their tools and wording (clean and noisy variants of one task). With a
        private variant's key, also how that trial names its tools: the demo agent stands in
        for a competent agent, which would read the renamed tools and use them; it is told
        the mapping instead of understanding it (a memorising vendor is told nothing)."""
        if variant_key is None:
            world = World(scenario, seed)
            self.known_tasks[str(world.render_initial(scenario.task[0].user)).strip()] = \
                scenario
            return
        vworld = VariantWorld(scenario, seed, variant_key)
        first = vworld.user_turns()[0].strip()
        self.known_tasks[first] = scenario
        self.variants[first] = vworld.variant

    @property
    def base_url(self) -> str:
        port = self.httpd.server_address[1]
        return f"http://{self.host}:{port}/v1"

    def profiles(self) -> list[VendorProfile]:
        """The three demo vendors' profiles, pointing at this server."""
        return demo_profiles(self.base_url)

    def start(self) -> DemoServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def demo_profiles(base_url: str) -> list[VendorProfile]:
    # illustrative prices, so the cost columns show how cost is reported
    prices = Prices(input=0.5, output=2.0)
    return [VendorProfile(name=name, protocol="openai-chat", base_url=base_url, model=name,
                          max_concurrency=8, prices=prices, version="builtin")
            for name in DEMO_VENDORS]
