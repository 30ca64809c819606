"""`agentcheck new plan`: a commented evaluation plan that runs as written against the demo
vendors, so a buyer edits a working plan instead of starting from a blank page."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from agentcheck.core.errors import ConfigError

TEMPLATE = files("agentcheck") / "templates" / "evaluation.yaml"
SCHEMA = Path("schema") / "evaluation.schema.json"


def new_plan(path: Path) -> Path:
    """Write the template to `path` (never over an existing file). Its schema line points at
    schema/evaluation.schema.json under the current folder, relative to the plan."""
    if path.exists():
        raise ConfigError(f"{path} already exists; choose another file name")
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create {folder}: {exc.strerror}") from None
    schema = os.path.relpath(SCHEMA.resolve(), folder.resolve())
    text = TEMPLATE.read_text(encoding="utf-8")
    text = text.replace("__SCHEMA__", schema).replace("__PATH__", str(path))
    try:
        with path.open("x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise ConfigError(f"{path} already exists; choose another file name") from None
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror}") from None
    return path
