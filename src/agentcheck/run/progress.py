"""Progress of `agentcheck run` on stderr: per vendor and overall, with an ETA.

On a terminal, one status line redrawn in place (at most ten times a second). Elsewhere (CI
logs, files), a plain line at the first result, then every `interval_s`, when a vendor
finishes, and at the end: never one line per trial."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from typing import Any, TextIO

REDRAW_S = 0.1
PLAIN_INTERVAL_S = 10.0


def clock_text(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    s = max(0, round(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


class ProgressDisplay:
    """A runner progress callback (see runner.execute); call close() when the run ends."""

    def __init__(self, stream: TextIO, tty: bool | None = None,
                 interval_s: float = PLAIN_INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.interval_s = interval_s
        self.clock = clock
        self.started = clock()
        self.last_draw = float("-inf")
        self.done = 0
        self.total = 0
        self.failed = 0
        self.errors = 0
        self.vendor_done: dict[str, int] = {}
        self.vendor_total: dict[str, int] = {}
        self.vendor_passed: dict[str, int] = {}
        self._drawn = False

    # -- numbers ---------------------------------------------------------------------------
    def eta_s(self, done: int, total: int) -> float | None:
        if done == 0:
            return None
        if done >= total:
            return 0.0
        elapsed = self.clock() - self.started
        return elapsed / done * (total - done)

    def _vendor_parts(self, eta: bool = True) -> list[str]:
        parts = []
        for name, total in self.vendor_total.items():
            done = self.vendor_done.get(name, 0)
            state = (" done" if done >= total else " waiting" if done == 0 else
                     f" ETA {clock_text(self.eta_s(done, total))}" if eta else "")
            parts.append(f"{name} {done}/{total}{state}")
        return parts

    def status(self, vendor_eta: bool = True) -> str:
        share = self.done / self.total if self.total else 1.0
        head = (f"agentcheck {self.done}/{self.total} trials ({share:.0%}), elapsed "
                f"{clock_text(self.clock() - self.started)}, ETA "
                f"{clock_text(self.eta_s(self.done, self.total))}")
        tail = f"{self.failed} failed" + (f", {self.errors} agentcheck errors"
                                          if self.errors else "")
        return " | ".join([head, "; ".join(self._vendor_parts(vendor_eta)), tail])

    # -- the callback ----------------------------------------------------------------------
    def __call__(self, event: dict[str, Any]) -> None:
        record = event["record"]
        vendor = str(record["vendor"])
        self.done, self.total = int(event["done"]), int(event["total"])
        if "vendor_totals" in event:
            self.vendor_total = dict(event["vendor_totals"])
        self.vendor_total.setdefault(vendor, 0)
        self.vendor_done[vendor] = self.vendor_done.get(vendor, 0) + 1
        self.vendor_total[vendor] = max(self.vendor_total[vendor], self.vendor_done[vendor])
        if record.get("termination") == "harness_error":
            self.errors += 1
        elif record.get("passed"):
            self.vendor_passed[vendor] = self.vendor_passed.get(vendor, 0) + 1
        else:
            self.failed += 1
        now = self.clock()
        vendor_finished = self.vendor_done[vendor] == self.vendor_total[vendor]
        if self.tty:
            if now - self.last_draw >= REDRAW_S or self.done == self.total:
                self._redraw()
                self.last_draw = now
            return
        if vendor_finished:
            passed = self.vendor_passed.get(vendor, 0)
            self._line(f"progress: {vendor} finished {self.vendor_done[vendor]} trials, "
                       f"{passed} passed")
        if now - self.last_draw >= self.interval_s or self.done == self.total:
            self._line("progress: " + self.status().removeprefix("agentcheck "))
            self.last_draw = now

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def _redraw(self) -> None:
        width = self._width()
        text = self.status()
        if len(text) > width - 1:  # too long: per-vendor ETAs go first, then the tail
            text = self.status(vendor_eta=False)
        if len(text) > width - 1:
            text = text[: max(0, width - 4)] + "..."
        self.stream.write("\r\x1b[2K" + text)
        self.stream.flush()
        self._drawn = True

    def _width(self) -> int:
        """Columns of the terminal this line is drawn on (stderr, not stdout: stdout may be
        redirected to a file while the progress is watched)."""
        try:
            return os.get_terminal_size(self.stream.fileno()).columns or 100
        except (AttributeError, OSError, ValueError):
            return shutil.get_terminal_size((100, 20)).columns

    def close(self) -> None:
        """End the redrawn line so that what follows starts on a fresh line."""
        if self.tty and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
