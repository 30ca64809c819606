"""Fake vendors: real HTTP servers on 127.0.0.1 that speak one vendor protocol each, check every
request the way the real API does, and play a script of replies.

`base` is the loopback server every scripted fake builds on (lifecycle, request log, script
queue, `Exchange`, the SDK-referee helpers `drain` and `judge`); `checked` adds the
check-then-play servers the protocols share. Then one module per protocol: `openai_chat` (Chat
Completions) and `openai_chat_stream` (its streamed and Azure forms), `openai_responses`
(Responses), `anthropic` (Messages, JSON and streamed), `gemini` (generateContent), and `zoo`
(Chat Completions vendors that misbehave on purpose), `judge` (a judge model for the second
reader, answering from a labelling function of the sentences it is asked about). Fakes built on
an SDK's own server run under uvicorn (`asgi`): `a2a` (agents on the official a2a-sdk server)
and `http_agent` (a task API described only by a profile). Each protocol fake carries its SDK
referee.
"""
