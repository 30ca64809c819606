"""A fast zero-latency OpenAI-compatible vendor for the benchmark, in its own process.

A raw asyncio HTTP/1.1 server (keep-alive, Content-Length bodies; nothing else is needed), so
the vendor's CPU is never counted as the client's and the vendor is never the bottleneck.

It plays the chained task of bench/scenarios/bench-refund-chain.yaml the way a competent agent
would, reading each id from the previous tool result:
    lookup_customer(email from the user message) -> list_orders(customer id)
    -> refund_order(id of the delivered order) -> final answer naming the order.

The request's `model` picks the latency: "bench" answers at once, "bench-lat20" after 20 ms.

    python bench/vendor.py [--port 0]     prints "PORT <n>" on stdout once listening
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from typing import Any

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
USAGE = {"prompt_tokens": 120, "completion_tokens": 20, "total_tokens": 140}


def _reply(message: dict[str, Any], step: int) -> dict[str, Any]:
    return {"id": f"chatcmpl-b{step}", "object": "chat.completion", "created": 0,
            "model": "bench", "choices": [{"index": 0, "message": message,
                                           "finish_reason": "tool_calls"
                                           if message.get("tool_calls") else "stop"}],
            "usage": USAGE}


def _call(step: int, name: str, args: dict[str, Any]) -> dict[str, Any]:
    return _reply({"role": "assistant", "content": None, "tool_calls": [
        {"id": f"call_{step}", "type": "function",
         "function": {"name": name, "arguments": json.dumps(args)}}]}, step)


def answer(body: dict[str, Any]) -> dict[str, Any]:
    """The next move of the chained task, decided from the conversation so far."""
    messages = body["messages"]
    step = sum(1 for m in messages if m["role"] == "assistant")
    last = messages[-1]
    result: Any = json.loads(last["content"]) if last["role"] == "tool" else None
    if step == 0:
        user = next(m["content"] for m in messages if m["role"] == "user")
        match = EMAIL.search(user)
        return _call(step, "lookup_customer", {"email": match.group(0) if match else ""})
    if step == 1 and isinstance(result, dict):
        return _call(step, "list_orders", {"customer_id": result.get("id", "")})
    if step == 2 and isinstance(result, list):
        order: dict[str, Any] = next((o for o in result if o.get("status") == "delivered"), {})
        return _call(step, "refund_order", {"order_id": order.get("id", "")})
    if step == 3 and isinstance(result, dict):
        return _reply({"role": "assistant",
                       "content": f"I refunded order {result.get('id')} in full."}, step)
    return _reply({"role": "assistant", "content": "I could not finish this task."}, step)


class VendorProtocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.buf = bytearray()
        self.transport: asyncio.Transport | None = None
        self.loop = asyncio.get_running_loop()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        arrived = self.loop.time()  # latency counts from here, not from our own processing
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buf[:end]).decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if len(self.buf) < end + 4 + length:
                return
            raw = bytes(self.buf[end + 4:end + 4 + length])
            del self.buf[:end + 4 + length]
            self.handle(raw, arrived)

    def handle(self, raw: bytes, arrived: float) -> None:
        try:
            body = json.loads(raw)
            payload = json.dumps(answer(body)).encode()
            status = b"200 OK"
            latency = 0.02 if body.get("model") == "bench-lat20" else 0.0
        except (ValueError, KeyError, TypeError, AttributeError, StopIteration) as exc:
            payload = json.dumps({"error": {"message": f"bad request: {exc}"}}).encode()
            status, latency = b"400 Bad Request", 0.0
        out = (b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\n"
               b"Content-Length: " + str(len(payload)).encode() + b"\r\n\r\n" + payload)
        if latency:
            self.loop.call_at(arrived + latency, self.send, out)
        else:
            self.send(out)

    def send(self, out: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(out)


async def serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(VendorProtocol, "127.0.0.1", port, backlog=1024)
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    async with server:
        # stop when the parent closes our stdin (or dies)
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        await reader.read()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, default=0)
    asyncio.run(serve(p.parse_args().port))


if __name__ == "__main__":
    main()
