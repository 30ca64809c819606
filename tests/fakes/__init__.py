"""Fake vendors: real HTTP servers on 127.0.0.1 that speak one vendor protocol each, check every
request the way the real API does, and play a script of replies.

`base` is the loopback server every fake builds on (lifecycle, request log, script queue,
`Exchange`, the SDK-referee helpers `drain` and `judge`). Then one module per protocol:
`openai_chat` (Chat Completions), `openai_responses` (Responses), `anthropic` (Messages, JSON and
streamed), `gemini` (generateContent), `a2a` (agents on the official a2a-sdk server),
`http_agent` (a task API described only by a profile), and `zoo` (vendors that misbehave on
purpose).
"""
