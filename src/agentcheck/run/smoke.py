"""`agentcheck vendors check PROFILE...`: a quick smoke test of vendor profiles before a long run.

For each profile, in order, stopping at the first problem:
1. the key is in the environment variable the profile names;
2. one tiny request without tools: the key is accepted and the model exists;
3. a one-tool mini scenario: the model is asked the time, must call `get_time`, gets the result
   back and must answer: tool calling works end to end through this protocol and profile.

Each profile gets one line, `ok` or the problem and what to do about it; the exit status is 0
when every profile is ok and 1 otherwise. Retries are capped so a check stays quick.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from agentcheck.core.addresses import is_loopback
from agentcheck.core.errors import ConfigError, VendorError
from agentcheck.core.redaction import redact, snippet
from agentcheck.run.runner import make_driver
from agentcheck.vendors.profile import VendorProfile
from agentcheck.vendors.protocols.base import ModelTurn, Session, ToolResult
from agentcheck.vendors.protocols.harness import HarnessDriver
from agentcheck.vendors.transport import async_client

SYSTEM = "You are being connection-tested. Follow the user's instructions exactly and briefly."
HELLO = "Reply with the single word: ready"
GET_TIME = {
    "name": "get_time",
    "description": "Get the current time in a time zone.",
    "parameters": {"type": "object",
                   "properties": {"timezone": {"type": "string",
                                               "description": "IANA time zone name, e.g. UTC"}},
                   "required": ["timezone"]},
}
ASK_TIME = ("What time is it in UTC right now? You cannot know it without the get_time tool: "
            "call get_time, then tell me the time it returns.")
TIME_RESULT = {"timezone": "UTC", "time": "12:34"}
MAX_STEPS = 3
MAX_RETRIES = 2
MAX_RETRY_WAIT_S = 5.0

FIXES = {
    "rate_limited": "the key works but is rate limited right now: wait and check again, or "
                    "lower max_concurrency for the run",
    "quota": "the account has no quota or credit left: top it up with the vendor",
    "server_error": "the vendor's server failed: check again later",
    "stream_cut": "the stream broke off: check again, or try `stream: false`",
    "too_large": "the reply exceeded max_response_bytes: check base_url points at the API",
    "protocol": "the reply is an error in protocol form: read the message above",
}


@dataclass
class CheckResult:
    vendor: str
    ok: bool
    detail: str
    """What passed, or what went wrong."""
    fix: str | None = None
    """What to do about it."""

    def render(self) -> str:
        """The line to print, masked: the fix may quote base_url, the detail the vendor."""
        if self.ok:
            return redact(f"{self.vendor}: ok ({self.detail})")
        return redact(f"{self.vendor}: FAILED: {self.detail}" + (f"\n    fix: {self.fix}"
                                                                 if self.fix else ""))


def _where(profile: VendorProfile) -> str:
    return f" in {profile.source}" if profile.source else ""


def _explain(profile: VendorProfile, exc: VendorError, stage: str) -> CheckResult:
    """A VendorError turned into the problem and what to do about it."""
    message = redact(str(exc)).removeprefix(f"{profile.name}: ")  # the line names it already
    prefix = f"{exc.status} from {profile.name}: " if exc.status else ""
    said = message.removeprefix(prefix) if prefix and message.startswith(prefix) else message
    fix: str | None
    if exc.cause == "auth":
        detail = message
        fix = (f"set ${profile.api_key_env} to a valid key for {profile.base_url}"
               if profile.api_key_env else
               f"the vendor wants a key: add api_key_env to the profile{_where(profile)}")
    elif exc.status == 404:
        detail = f"{prefix}model {profile.model!r} not found ({said})"
        fix = (f"check `model` (for Azure: the deployment name) and `base_url`{_where(profile)}; "
               f"requests go to {profile.base_url.rstrip('/')}/...")
    elif exc.cause == "timeout":
        detail = message
        fix = (f"no reply within timeout_s={profile.timeout_s:g}: check base_url, or raise "
               "timeout_s for a slow model")
    elif exc.cause == "connection":
        detail = message
        fix = f"check base_url ({profile.base_url}), the network and any proxy"
    elif exc.cause == "malformed":
        detail = message
        fix = (f"the reply is not {profile.protocol}: check `protocol` and `base_url`"
               f"{_where(profile)}")
    elif exc.cause == "http_error":
        detail = message
        fix = ("the vendor refused the request: check `params`, `api_version`, `max_tokens` "
               f"and `headers`{_where(profile)}")
        if stage == "tools":
            fix = ("the model or server refused a request with tools: pick a model with tool "
                   "calling (vLLM: --enable-auto-tool-choice --tool-call-parser ...), or check "
                   f"`params`{_where(profile)}")
    else:
        detail = message
        fix = FIXES.get(exc.cause)
    if stage == "tools":
        detail = f"the key and model work, but the tool round trip failed: {detail}"
    return CheckResult(profile.name, False, detail, fix)


async def _tool_round_trip(profile: VendorProfile, session: Session) -> CheckResult | None:
    """None when the model called get_time, got the result and answered."""
    called = False
    for _ in range(MAX_STEPS):
        turn: ModelTurn = await session.step()
        if not turn.tool_calls:
            if not called:
                return CheckResult(
                    profile.name, False,
                    f"the model answered without calling get_time: {snippet(turn.text, 80)!r}",
                    "use a model that supports tool calling, or enable tool calling on the "
                    "server (vLLM: --enable-auto-tool-choice; Ollama: a model tagged 'tools')")
            if not turn.text.strip():
                return CheckResult(profile.name, False,
                                   "the model got the tool result but answered with no text",
                                   "check `params` (e.g. max_tokens) in the profile")
            return None
        results = []
        for call in turn.tool_calls:
            if call.name != "get_time" or call.parse_error is not None:
                problem = (f"called an unknown tool {call.name!r}" if call.name != "get_time"
                           else f"sent invalid arguments {snippet(call.raw_arguments, 80)!r} "
                                f"({call.parse_error})")
                return CheckResult(profile.name, False, f"the model {problem}",
                                   "the model's tool calling is unreliable: try another model")
            called = True
            results.append(ToolResult(call, json.dumps(TIME_RESULT), False))
        session.add_tool_results(results)
    return CheckResult(profile.name, False,
                       f"the model kept calling tools for {MAX_STEPS} steps and never answered",
                       "the model's tool calling is unreliable: try another model")


async def check_vendor(profile: VendorProfile) -> CheckResult:
    """Smoke-test one profile; never raises for the vendor's or the profile's problems."""
    try:
        profile.api_key()
    except ConfigError as exc:
        return CheckResult(profile.name, False, exc.detail,
                           f"export {profile.api_key_env}=<your key>, then check again")
    quick = profile.model_copy(update={
        "max_retries": min(profile.max_retries, MAX_RETRIES),
        "max_retry_wait_s": min(profile.max_retry_wait_s, MAX_RETRY_WAIT_S)})
    # the same client a run uses, so the check exercises the same stack
    async with async_client(timeout_s=profile.timeout_s, max_connections=2,
                            trust_env=not is_loopback(profile.base_url)) as client:
        try:
            driver = make_driver(quick, client)
        except ConfigError as exc:
            return CheckResult(profile.name, False, exc.render(), "fix the profile")
        if not isinstance(driver, HarnessDriver):  # the check is a harness-loop conversation
            raise ConfigError(f"vendor {profile.name!r} (protocol {profile.protocol}) runs its "
                              "own agent loop; try it with agentcheck run, or register "
                              "agentcheck serve-tools in its console",
                              file=profile.source or None, field="protocol")
        stage = "hello"
        try:
            session = driver.session(SYSTEM, [])
            session.add_user(HELLO)
            hello = await session.step()
            stage = "tools"
            session = driver.session(SYSTEM, [GET_TIME])
            session.add_user(ASK_TIME)
            problem = await _tool_round_trip(profile, session)
        except VendorError as exc:
            return _explain(profile, exc, stage)
    if problem is not None:
        return problem
    detail = f"key accepted, model {profile.model!r} answered in {hello.latency_s:.2f}s"
    if hello.ttft_s is not None:
        detail += f" (first token {hello.ttft_s:.2f}s)"
    return CheckResult(profile.name, True, detail + ", tool round trip ok")


async def check_vendors(profiles: list[VendorProfile]) -> list[CheckResult]:
    return list(await asyncio.gather(*(check_vendor(p) for p in profiles)))


def check_command(specs: list[Any]) -> int:
    """The CLI's `vendors check`: specs are loaded profiles (demo names are refused)."""
    demos = [s for s in specs if isinstance(s, str)]
    if demos:
        raise ConfigError(f"{', '.join(demos)}: built-in demo vendors need no check; "
                          "give profile files or names in adapters/")
    profiles: list[VendorProfile] = list(specs)
    results = asyncio.run(check_vendors(profiles))
    for r in results:
        print(r.render(), flush=True)
    bad = sum(1 for r in results if not r.ok)
    if len(results) > 1:
        print(f"{len(results) - bad} of {len(results)} profile(s) ok")
    return 1 if bad else 0
