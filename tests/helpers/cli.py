"""The real CLI in a subprocess, as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .paths import ROOT


def agentcheck(*args: str, env: dict[str, str] | None = None,
               cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "agentcheck.cli", *args], capture_output=True,
                          text=True, cwd=cwd, env=full_env, timeout=300)
