"""The baseline: a bare asyncio agent loop doing the same HTTP calls as agentcheck, no harness.

Same requests (system + user + tool schemas, the assistant turn echoed back, tool results),
same replies parsed, tools answered from a dict "world", nothing written anywhere.

    python bench/bare_loop.py URL --client httpx|aiohttp --trials N --concurrency C [--model M]

Prints one JSON line: run wall time, run CPU time and model calls.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

TOOLS = [{"type": "function", "function": {"name": n, "description": n, "parameters": {
    "type": "object", "properties": {a: {"type": "string"}}, "required": [a]}}}
    for n, a in (("lookup_customer", "email"), ("list_orders", "customer_id"),
                 ("refund_order", "order_id"))]


def run_tool(world: dict[str, Any], name: str, args: dict[str, Any]) -> Any:
    if name == "lookup_customer":
        return next(c for c in world["customers"] if c["email"] == args["email"])
    if name == "list_orders":
        return [o for o in world["orders"] if o["customer_id"] == args["customer_id"]]
    order = next(o for o in world["orders"] if o["id"] == args["order_id"])
    order["status"] = "refunded"
    return order


async def trial(post: Any, url: str, model: str, i: int) -> int:
    world = {"customers": [{"id": f"CUS-{i}", "email": f"c{i}@example.com"}],
             "orders": [{"id": f"ORD-{i}", "customer_id": f"CUS-{i}", "status": "delivered"}]}
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": "You are an agent."},
        {"role": "user", "content": f"I'm c{i}@example.com. Please refund my order."}]
    for step in range(1, 31):
        data = await post(url, {"model": model, "messages": messages, "tools": TOOLS})
        msg = data["choices"][0]["message"]
        messages.append({k: msg[k] for k in ("role", "content", "tool_calls") if k in msg})
        if not msg.get("tool_calls"):
            return step
        for call in msg["tool_calls"]:
            result = run_tool(world, call["function"]["name"],
                              json.loads(call["function"]["arguments"]))
            messages.append({"role": "tool", "tool_call_id": call["id"],
                             "content": json.dumps(result)})
    return 30


async def main(url: str, client: str, trials: int, concurrency: int, model: str) -> None:
    gate = asyncio.Semaphore(concurrency)
    if client == "httpx":
        import httpx

        session: Any = httpx.AsyncClient(timeout=60)  # httpx's default connection pool

        async def post(u: str, body: Any) -> Any:
            return (await session.post(u, json=body)).json()
    else:
        import aiohttp

        session = aiohttp.ClientSession()

        async def post(u: str, body: Any) -> Any:
            async with session.post(u, json=body) as resp:
                return await resp.json()

    async def one(i: int) -> int:
        async with gate:
            return await trial(post, url, model, i)

    t0, c0 = time.perf_counter(), time.process_time()
    calls = sum(await asyncio.gather(*(one(i) for i in range(trials))))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    await (session.aclose() if client == "httpx" else session.close())
    print(json.dumps({"run_wall_s": wall, "run_cpu_s": cpu, "model_calls": calls}))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("--client", choices=("httpx", "aiohttp"), default="httpx")
    p.add_argument("--trials", type=int, default=200)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--model", default="bench")
    a = p.parse_args()
    asyncio.run(main(a.url, a.client, a.trials, a.concurrency, a.model))
