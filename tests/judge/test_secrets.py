"""No key leaves the process: not in the run folder, the reports, stdout, stderr, a log line or
an error message, on the happy path or any error path.

Every vendor profile below carries three recognisable secrets: its API key (in the environment
variable it names, sent the way its `auth` style says: bearer token, Azure `api-key`, Anthropic
`x-api-key`, Gemini `x-goog-api-key` or `?key=`), a credential in a profile `headers:` value, and
one in its base_url (userinfo, which the HTTP client turns into a Basic token, or a query
parameter). A hostile loopback vendor, speaking all four protocols, echoes every credential it
received back: in its answers and tool-call arguments, in 401 and 500 bodies, in malformed
replies, in streamed chunks and error events, and placed so that each cut agentcheck makes to an
error text (80, 120, 200, 300, 2000 characters) falls inside a key. Other vendors time out or
refuse the connection. `agentcheck run` (with DEBUG logging of every library on), `report`,
`vendors check` and `validate` must then show no 8-character piece of any secret anywhere.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import secrets
import socket
import string
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agentcheck.core.redaction import MASK, credentials_in, redact, register, snippet
from agentcheck.vendors.profile import VendorProfile
from agentcheck.vendors.protocols.base import endpoint

from ..fakes import anthropic as an
from ..fakes import gemini as gm
from ..fakes import openai_chat as vs
from ..fakes import openai_responses as rs
from ..fakes.base import Exchange, Server
from ..fakes.openai_chat_stream import chat_sse, completion_chunks
from ..helpers.paths import ROOT

REFUND = "scenarios/customer-service/refund-damaged-order.yaml"
GRAM = 8
"""A leak is any run of this many characters of a secret."""
USER = "agent"
LOG_WRAPPER = ("import logging, sys; logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, "
               "format='LOG %(name)s %(levelname)s %(message)s'); "
               "from agentcheck.cli import main; sys.exit(main(sys.argv[1:]))")


def planted(tag: str) -> str:
    """A recognisable secret: no 8 characters of it occur by chance in anything else."""
    alphabet = string.ascii_letters + string.digits
    return f"{tag}{''.join(secrets.choice(alphabet) for _ in range(30))}"


# --------------------------------------------------------------------------- vendors


@dataclass
class Variant:
    """One way to carry credentials: protocol, auth style, where the URL secret goes, which
    header carries the header secret."""

    name: str
    protocol: str
    auth: str | None
    url_secret: str  # "userinfo" or a query parameter name
    header: str
    scheme: str = ""  # a prefix for the header value, e.g. "Bearer "
    path: str = "/v1"
    extra: tuple[tuple[str, Any], ...] = ()


VARIANTS = (
    Variant("chat", "openai-chat", None, "sig", "X-Gateway-Token"),
    Variant("azure", "openai-chat", "api-key", "userinfo", "Ocp-Apim-Subscription-Key",
            path="/openai/deployments/dep-1", extra=(("api_version", "2024-10-21"),)),
    Variant("responses", "openai-responses", None, "code", "Proxy-Authorization", "Bearer "),
    Variant("anthropic", "anthropic", None, "userinfo", "X-Client-Secret"),
    Variant("gemini", "gemini", None, "userinfo", "X-Api-Token", path="/v1beta"),
    Variant("gemini-query", "gemini", "query-key", "access_token", "X-Gateway-Key",
            path="/v1beta"),
)
STREAMING = {"chat": ("chat-stream", "openai-chat"), "anthropic": ("anthropic-stream",
                                                                     "anthropic")}
BEHAVIOURS = ("echo", "talk", "claim", "reject", "crash", "garbage", "error200", "stall",
              "refused")
STREAM_BEHAVIOURS = ("echo", "badchunk", "errorevent", "cut")
CAUSES = {"reject": "auth", "crash": "server_error", "garbage": "malformed",
          "error200": "protocol", "stall": "timeout", "refused": "connection",
          "badchunk": "malformed", "cut": "stream_cut"}


@dataclass
class Vendor:
    name: str
    protocol: str
    behaviour: str
    variant: Variant
    key: str
    header_secret: str
    url_secret: str
    env: str
    stream: bool = False

    @property
    def secrets(self) -> dict[str, str]:
        found = {"key": self.key, "header": self.header_secret, "url": self.url_secret}
        if self.variant.url_secret == "userinfo":  # what httpx sends for it
            basic = base64.b64encode(f"{USER}:{self.url_secret}".encode()).decode()
            found["basic"] = basic
        return found

    def base_url(self, port: int) -> str:
        v = self.variant
        if v.url_secret == "userinfo":
            return f"http://{USER}:{self.url_secret}@127.0.0.1:{port}{v.path}"
        return f"http://127.0.0.1:{port}{v.path}?{v.url_secret}={self.url_secret}"

    def profile(self, port: int) -> str:
        v = self.variant
        lines = [f"name: {self.name}", f"protocol: {self.protocol}",
                 f"base_url: {self.base_url(port)}", f"model: {self.name}",
                 f"api_key_env: {self.env}", "max_retries: 1",
                 # a stall times out, but only after its request reached the server (whose
                 # echo the tests check): at 0.5 s a run's busy start on a loaded machine could
                 # time the request out before it was written (KeyError 'chat-stall')
                 f"timeout_s: {3 if self.behaviour == 'stall' else 10}",
                 "max_retry_wait_s: 0.01", f"headers: {{{v.header}: '{v.scheme}"
                 f"{self.header_secret}'}}"]
        if v.auth:
            lines.append(f"auth: {v.auth}")
        if self.stream:
            lines.append("stream: true")
        lines += [f"{k}: {json.dumps(val)}" for k, val in v.extra]
        return "\n".join(lines) + "\n"


def make_vendors() -> list[Vendor]:
    out: list[Vendor] = []

    def add(name: str, protocol: str, behaviour: str, variant: Variant, stream: bool) -> None:
        i = len(out)
        out.append(Vendor(name, protocol, behaviour, variant, planted(f"K{i:02d}"),
                          planted(f"H{i:02d}"), planted(f"U{i:02d}"),
                          f"AGENTCHECK_SECRET_KEY_{i:02d}", stream))

    for v in VARIANTS:
        for b in BEHAVIOURS:
            add(f"{v.name}-{b}", v.protocol, b, v, False)
        if v.name in STREAMING:
            label, protocol = STREAMING[v.name]
            for b in STREAM_BEHAVIOURS:
                add(f"{label}-{b}", protocol, b, v, True)
    return out


# --------------------------------------------------------------------------- the hostile vendor


def echoed(ex: Exchange) -> str:
    """Every credential the request carried, bare: header values (scheme dropped), the path
    with its query string. The first word is always a secret."""
    req = ex.request
    words = [w for k, v in req.headers.items()
             if re.search(r"auth|key|token|secret|api-key", k) for w in v.split()
             if w.lower() not in ("bearer", "basic")]
    return " ".join([*words, req.path])


def straddle(at: int, text: str, before: int = 0, pad: str = ".") -> str:
    """`text` placed so that its first word straddles character `at` of what agentcheck cuts
    (`before` characters precede it there): 11 characters in, the rest beyond."""
    return pad * (at - before - 12) + " " + text


def claim(seen: str) -> str:
    """A false claim ("refunded", no refund call) in one sentence that carries a key across
    each cut agentcheck makes to a final answer: the quoted claim (300), the answer check's
    evidence (500), the record's final_answer (2000)."""
    first, text = seen.split()[0], "I refunded the order, "
    for at in (300, 500, 2000):
        text += straddle(at, first, len(text), pad="~")
    return f"{text} {seen}."


class Hostile(Server):
    """Speaks Chat Completions, Responses, Messages and generateContent (by path); the model
    name picks the behaviour, the vendor's own name suffix."""

    prefix = ""

    def __init__(self) -> None:
        super().__init__()
        self.sent_secrets: dict[str, str] = {}
        """Vendor name -> the echo it sent."""

    def handle(self, ex: Exchange) -> None:
        req = ex.request
        path = req.path.split("?")[0]
        gemini = re.search(r"/models/([^/:]+):generateContent$", path)
        body = req.json if isinstance(req.json, dict) else {}
        model = gemini.group(1) if gemini else str(body.get("model"))
        behaviour = model.rsplit("-", 1)[1]
        protocol = ("gemini" if gemini else "anthropic" if path.endswith("/messages")
                    else "responses" if path.endswith("/responses") else "chat")
        seen = echoed(ex)
        with self._lock:
            self.sent_secrets[model] = seen
        answered = re.search(r'"(tool|function_call_output|tool_result|functionResponse)"',
                             json.dumps(body))
        getattr(self, f"b_{behaviour}")(ex, protocol, seen, bool(answered))

    # -- replies in each protocol

    def reply(self, ex: Exchange, protocol: str, text: str,
              call: tuple[str, dict[str, Any]] | None = None) -> None:
        if protocol == "chat":
            calls = [vs.tool_call(call[0], json.dumps(call[1]))] if call else None
            completion = vs.completion_body(None if call else text, tool_calls=calls)
            if ex.request.stream:
                chat_sse(completion_chunks(completion))(ex)
            else:
                ex.send_json(200, completion)
        elif protocol == "responses":
            output = [rs.fcall(*call)] if call else [rs.message(text)]
            ex.send_json(200, rs.response_body(ex.request, output))
        elif protocol == "anthropic":
            msg = an.message(an.tool_use(*call) if call else an.text(text))
            if ex.request.stream:
                ex.start_sse()
                for name, event in an.stream_events(msg):
                    ex.event(name, event)
                ex.end_chunks()
            else:
                ex.send_json(200, msg)
        else:
            ex.send_json(200, gm.generate_body([gm.gcall(*call) if call else gm.text(text)]))

    # -- behaviours

    def b_echo(self, ex: Exchange, protocol: str, seen: str, answered: bool) -> None:
        if not answered:  # the credentials as tool-call arguments first
            self.reply(ex, protocol, "", ("lookup_customer", {"email": seen}))
        else:
            self.reply(ex, protocol, f"Refunded. For the record, you sent me {seen}.")

    def b_talk(self, ex: Exchange, protocol: str, seen: str, answered: bool) -> None:
        self.reply(ex, protocol, straddle(80, seen))  # `vendors check` quotes 80 characters

    def b_claim(self, ex: Exchange, protocol: str, seen: str, answered: bool) -> None:
        self.reply(ex, protocol, claim(seen))

    def b_reject(self, ex: Exchange, protocol: str, seen: str, answered: bool) -> None:
        message = straddle(300, f"{seen} is not a valid key.")
        ex.send_json(401, {"error": {"message": message, "type": "authentication_error",
                                     "code": 401, "status": "UNAUTHENTICATED"}})

    def b_crash(self, ex: Exchange, protocol: str, seen: str, answered: bool) -> None:
        page = f"<html><body>{straddle(200, seen, len('<html><body>'))}</body></html>"
        ex.send(500, page.encode(), {"x-should-retry": "false"}, content_type="text/html")

    def b_garbage(self, ex: Exchange, protocol: str, seen: str, answered: bool) -> None:
        ex.send(200, straddle(120, seen).encode(), content_type="text/plain")

    def b_error200(self, ex: Exchange, protocol: str, seen: str, answered: bool) -> None:
        if protocol == "responses":
            body = rs.response_body(ex.request, [], status="failed",
                                    error={"code": "invalid_prompt",
                                           "message": straddle(300, seen)})
        elif protocol == "chat":
            body = {"error": straddle(200, seen)}
        elif protocol == "anthropic":
            body = {"type": "error", "error": {"message": straddle(200, seen, 13)}}
        else:
            body = {"error": {"message": straddle(200, seen, 13)}}
        ex.send_json(200, body)

    def b_stall(self, ex: Exchange, protocol: str, seen: str, answered: bool) -> None:
        ex.wait(10)
        ex.abort()

    def b_badchunk(self, ex: Exchange, protocol: str, seen: str, answered: bool) -> None:
        ex.start_sse()
        ex.write(f"event: message_start\ndata: {straddle(120, seen)}\n\n".encode(),
                 chunked=True)
        ex.end_chunks()

    def b_errorevent(self, ex: Exchange, protocol: str, seen: str, answered: bool) -> None:
        ex.start_sse()
        if protocol == "chat":
            ex.event(None, {"error": {"message": straddle(200, seen, 13)}})
        else:
            ex.event("error", {"type": "error", "error": {
                "type": "overloaded_error", "message": straddle(200, seen)}})
        ex.end_chunks()

    def b_cut(self, ex: Exchange, protocol: str, seen: str, answered: bool) -> None:
        ex.start_sse()
        if protocol == "chat":
            ex.event(None, {"choices": [{"index": 0, "delta": {"content": seen}}]})
        else:
            ex.event("message_start", an.stream_events(an.message(an.text(seen)))[0][1])
        ex.abort()


# --------------------------------------------------------------------------- leak detection


def grams(s: str) -> set[str]:
    return {s[i:i + GRAM] for i in range(len(s) - GRAM + 1)}


def leaks(text: str, vendors: list[Vendor]) -> list[str]:
    """Every (vendor, secret kind) of which some 8 characters appear in `text`."""
    index = {g: f"{v.name}:{kind}" for v in vendors for kind, s in v.secrets.items()
             for g in grams(s)}
    found: set[str] = set()
    for run in re.findall(rf"[A-Za-z0-9+/=_-]{{{GRAM},}}", text):
        found.update(index[g] for g in grams(run) if g in index)
    return sorted(found)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", LOG_WRAPPER, *args], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, **env}, timeout=120)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every vendor run through `agentcheck run`, then `report`, `vendors check`, `validate`."""
    tmp = tmp_path_factory.mktemp("secrets")
    vendors = make_vendors()
    env = {v.env: v.key for v in vendors}
    server = Hostile()
    refused = closed_port()
    outputs: dict[str, str] = {}
    with server:
        paths: dict[str, Path] = {}
        for v in vendors:
            paths[v.name] = tmp / f"{v.name}.yaml"
            paths[v.name].write_text(v.profile(refused if v.behaviour == "refused"
                                               else server.port))
        run_dir = tmp / "run"
        args = [a for p in paths.values() for a in ("--vendor", str(p))]
        procs = {"run": cli("run", *args, "--scenarios", REFUND, "--out", str(run_dir),
                            "--concurrency", "64", env=env)}
        procs["report"] = cli("report", str(run_dir), "--out", str(tmp / "report"), env=env)
        checked = [paths[v.name] for v in vendors if v.behaviour in (
            "echo", "talk", "reject", "garbage", "refused", "badchunk")]
        procs["check"] = cli("vendors", "check", *map(str, checked), env=env)
        procs["validate"] = cli("validate", *map(str, paths.values()), env=env)
    for name, proc in procs.items():
        outputs[f"{name} stdout"] = proc.stdout
        outputs[f"{name} stderr"] = proc.stderr
    for folder in (run_dir, tmp / "report"):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                outputs[str(path.relative_to(tmp))] = path.read_text(errors="replace")
    trials = [json.loads(x) for x in (run_dir / "trials.jsonl").read_text().splitlines()]
    return {"vendors": vendors, "procs": procs, "outputs": outputs, "server": server,
            "trials": {t["vendor"]: t for t in trials}}


# --------------------------------------------------------------------------- the tests


def test_no_secret_in_any_output_log_or_error(world: dict[str, Any]) -> None:
    outputs: dict[str, str] = world["outputs"]
    assert {"run.json", "trials.jsonl", "summary.json", "report.md", "report.csv",
            "report.html"} <= {Path(k).name for k in outputs}
    found = {where: leaks(text, world["vendors"]) for where, text in outputs.items()}
    assert {where: f for where, f in found.items() if f} == {}


def test_the_commands_ran_and_logged(world: dict[str, Any]) -> None:
    procs = world["procs"]
    assert procs["run"].returncode == 0, procs["run"].stderr[-3000:]
    assert procs["report"].returncode == 0, procs["report"].stderr[-3000:]
    assert procs["validate"].returncode == 0, procs["validate"].stdout[-3000:]
    assert procs["check"].returncode == 1  # the hostile vendors fail the check
    assert "FAILED" in procs["check"].stdout
    for name, proc in procs.items():
        assert "Traceback" not in proc.stderr, name
    run_log = procs["run"].stderr
    assert "LOG httpx INFO HTTP Request: POST" in run_log  # every request URL was logged
    assert MASK in run_log  # ... masked where it carried a key


def test_every_secret_was_sent_and_echoed(world: dict[str, Any]) -> None:
    """The test means something: each planted secret reached the vendor, in the header, query
    or userinfo its profile says, and came back in the vendor's replies."""
    server: Hostile = world["server"]
    for v in world["vendors"]:
        if v.behaviour == "refused":
            continue
        echo = server.sent_secrets[v.name]
        for kind, secret in v.secrets.items():
            if kind == "url" and v.variant.url_secret == "userinfo":
                continue  # travels as the Basic token
            assert secret in echo, (v.name, kind)


def test_each_error_path_was_taken(world: dict[str, Any]) -> None:
    trials = world["trials"]
    for v in world["vendors"]:
        t = trials[v.name]
        if v.behaviour in CAUSES:
            assert (t["termination"], t["error_cause"]) == ("vendor_error", CAUSES[v.behaviour]), \
                (v.name, t["error_message"])
            assert MASK in t["error_message"] or v.behaviour in ("stall", "refused", "cut"), \
                (v.name, t["error_message"])
        elif v.behaviour in ("echo", "talk", "claim"):
            assert t["termination"] == "final_answer" and MASK in t["final_answer"], v.name
        if v.behaviour == "claim":
            assert "hallucinated_actions" in t["flags"], v.name
            assert MASK in t["flag_evidence"]["hallucinated_actions"], v.name
    run_json = json.loads(world["outputs"]["run/run.json"])
    for profile in run_json["vendors"]:
        assert MASK in profile["base_url"] and set(profile["headers"].values()) == {MASK}


# --------------------------------------------------------------------------- the pieces


def test_credentials_in_headers_and_urls() -> None:
    found = credentials_in(
        "https://agent:p%40ss-Word-123@gw.example/v1?api-version=2024-10-21&sig=Sig-abcdefgh"
        "&code=Code%2Babcdef&region=westeurope",
        {"X-Api-Token": "Bearer tok-abcdefgh", "X-Tenant": "tenant-12345",
         "Authorization": "Basic QWxhZGRpbjpvcGVu", "X-Client-Key": "12345678"})
    basic = base64.b64encode(b"agent:p@ss-Word-123").decode()
    assert set(found) == {"Bearer tok-abcdefgh", "tok-abcdefgh", "Basic QWxhZGRpbjpvcGVu",
                          "QWxhZGRpbjpvcGVu", "p%40ss-Word-123", "p@ss-Word-123", basic,
                          "Sig-abcdefgh", "Code%2Babcdef", "Code+abcdef"}
    # a user alone is a token; plain settings and number-like values are not secrets
    assert "tok3n-as-user" in credentials_in("https://tok3n-as-user@gw.example/v1", {})
    assert credentials_in("https://gw.example/v1?api-version=2024-10-21", {"X-Tenant": "acme"}) \
        == []


def test_the_request_url_keeps_the_base_url_query() -> None:
    assert endpoint("https://gw.example/v1/?code=Abc%2B1", "/chat/completions",
                    {"api-version": "2024-10-21"}) == \
        "https://gw.example/v1/chat/completions?code=Abc%2B1&api-version=2024-10-21"
    assert endpoint("http://u:p@h:8/v1beta", "/models/m:generateContent") == \
        "http://u:p@h:8/v1beta/models/m:generateContent"


def test_profile_public_masks_and_registers_credentials() -> None:
    secret, header = planted("P"), planted("Q")
    profile = VendorProfile(name="acme", protocol="openai-chat", model="m",
                            base_url=f"https://gw.example/v1?key={secret}&api-version=1",
                            headers={"X-Api-Key": header, "X-Trace": "visible-value"})
    public = profile.public()
    assert public["base_url"] == f"https://gw.example/v1?key={MASK}&api-version=1"
    assert public["headers"] == {"X-Api-Key": MASK, "X-Trace": "visible-value"}
    assert redact(f"echo {secret} {header}") == f"echo {MASK} {MASK}"


def test_snippet_never_leaves_part_of_a_key_at_the_cut() -> None:
    key = planted("S")
    register(key)
    text = straddle(120, f"{key} and more")
    assert key[:11] in text[:120] and key[:5] not in snippet(text, 120)
    assert snippet(text, 120) == redact(text)[:120]
    assert snippet("short", 120) == "short"


def test_log_records_are_redacted_whoever_logs_them(caplog: pytest.LogCaptureFixture) -> None:
    key = planted("L")
    register(key)
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").info("HTTP Request: %s %s", "POST", f"https://x.example/?key={key}")
    try:
        raise ValueError(f"bad key {key}")
    except ValueError:
        logging.getLogger("some.library").exception("failed with %r", key)
    assert key not in caplog.text and MASK in caplog.text
