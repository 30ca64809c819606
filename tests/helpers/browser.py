"""A tiny headless-Chromium driver for the report tests: the Chrome DevTools Protocol over
--remote-debugging-pipe (JSON messages separated by NUL bytes on file descriptors 3 and 4).

No websocket, no port, no new dependency: the browser talks to this process only, through two
pipes. Events (console messages, exceptions, log entries, network requests) are kept in order
for the tests to inspect. `needs_chromium` skips a test where Chromium is missing;
`open_report(path)` opens a report in a fresh browser."""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# the flags this machine needs (see the environment notes): no sandbox as root, no GPU, and no
# background connections to the outside
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--hide-scrollbars",
         "--mute-audio", "--remote-debugging-pipe"]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class CDPError(RuntimeError):
    pass


class Chromium:
    def __init__(self, executable: str, timeout_s: float = 30.0) -> None:
        self.timeout_s = timeout_s
        self.events: list[dict[str, Any]] = []
        self._replies: queue.Queue[dict[str, Any]] = queue.Queue()
        self._next_id = 0
        self._profile = tempfile.mkdtemp(prefix="agentcheck-chromium-")
        self._log = open(Path(self._profile) / "stderr.log", "wb")  # noqa: SIM115
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        # far from 3 and 4, so that the dup2 below never maps a descriptor onto itself
        high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 10)
        high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_child_r)
        os.close(from_child_w)

        def pipes_to_3_and_4() -> None:  # runs in the child, before exec
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log,
            preexec_fn=pipes_to_3_and_4, close_fds=False)
        os.close(high_r)
        os.close(high_w)
        self._out = to_child_w
        self._in = from_child_r
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.session = self._attach_page()

    # -- protocol ----------------------------------------------------------------------
    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._in, 65536)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    self._replies.put(msg)
                else:
                    self.events.append(msg)

    def send(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._out, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                reply = self._replies.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise CDPError(f"no reply to {method} in {self.timeout_s}s") from None
            if reply["id"] == self._next_id:
                if "error" in reply:
                    raise CDPError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))

    def page(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.send(method, params, self.session)

    def _attach_page(self) -> str:
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            targets = self.send("Target.getTargets")["targetInfos"]
            pages = [t for t in targets if t["type"] == "page"]
            if pages:
                return str(self.send("Target.attachToTarget",
                                     {"targetId": pages[0]["targetId"], "flatten": True}
                                     )["sessionId"])
            time.sleep(0.05)
        raise CDPError("no page target")

    def wait_for(self, method: str, since: int = 0, timeout_s: float | None = None
                 ) -> dict[str, Any]:
        deadline = time.monotonic() + (timeout_s or self.timeout_s)
        while time.monotonic() < deadline:
            for e in self.events[since:]:
                if e.get("method") == method:
                    return e
            time.sleep(0.02)
        raise CDPError(f"no {method} event")

    # -- page helpers --------------------------------------------------------------------
    def open(self, url: str, width: int = 1280, height: int = 900) -> None:
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.page(f"{domain}.enable")
        self.page("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        mark = len(self.events)
        self.page("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired", since=mark)

    def js(self, expression: str) -> Any:
        reply = self.page("Runtime.evaluate", {"expression": expression,
                                               "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in reply:
            raise CDPError(f"script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the first element matching selector."""
        box = self.js(f"""(() => {{ const el = document.querySelector({json.dumps(selector)});
            el.scrollIntoView({{block: 'center'}}); const r = el.getBoundingClientRect();
            return [r.left + Math.min(r.width / 2, 40), r.top + r.height / 2]; }})()""")
        for kind in ("mousePressed", "mouseReleased"):
            self.page("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1],
                                                   "button": "left", "clickCount": 1})

    def screenshot(self, path: Path, full_page: bool = True) -> None:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            w, h = self.js("[document.documentElement.scrollWidth, "
                           "document.documentElement.scrollHeight]")
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": w, "height": h, "scale": 1})
        path.write_bytes(base64.b64decode(self.page("Page.captureScreenshot", params)["data"]))

    def console_errors(self) -> list[str]:
        """Console errors, uncaught exceptions and browser log errors (CSP violations, failed
        loads), as text."""
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append("console: " + " ".join(str(a.get("value", a.get("description")))
                                                  for a in p.get("args", [])))
            elif m == "Runtime.exceptionThrown":
                details = p.get("exceptionDetails", {})
                out.append("exception: " + str((details.get("exception") or {}).get(
                    "description") or details.get("text")))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append(f"log: {p['entry'].get('source')}: {p['entry'].get('text')}")
        return out

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"]

    def close(self) -> None:
        with contextlib.suppress(CDPError, OSError):
            self.send("Browser.close")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        os.close(self._out)
        self._reader.join(timeout=10)  # the browser is gone: its end of the pipe closed
        with contextlib.suppress(OSError):
            os.close(self._in)
        self._log.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------- for the tests

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium; "
                             ".ci/run installs it)")


@contextlib.contextmanager
def open_report(path: Path) -> Iterator[Chromium]:
    """A fresh headless Chromium showing path."""
    assert CHROMIUM
    with Chromium(CHROMIUM) as b:
        b.open(path.resolve().as_uri())
        b.js("new Promise(r => setTimeout(r, 300))")  # let late errors (CSP reports) arrive
        yield b
