"""`agentcheck new scenario`: a commented, working scenario to start from.

The scaffold validates and proves as written, so an engineer starts from green and changes one
thing at a time.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

from agentcheck.core.errors import ConfigError

TEMPLATE = files("agentcheck") / "templates" / "scenario.yaml"


def new_scenario(scenario_id: str, domain: str, root: Path) -> Path:
    kebab = r"^[a-z0-9]+(-[a-z0-9]+)*$"
    if not re.match(kebab, scenario_id):
        raise ConfigError(f"scenario id {scenario_id!r} must be kebab-case, e.g. close-ticket")
    if not re.match(kebab, domain):
        raise ConfigError(f"domain {domain!r} must be kebab-case, e.g. it-helpdesk")
    folder = root / domain
    path = folder / f"{scenario_id}.yaml"
    if path.exists():
        raise ConfigError(f"{path} already exists; choose another id")
    existing = list(root.rglob(f"{scenario_id}.yaml")) if root.exists() else []
    if existing:
        raise ConfigError(f"scenario id {scenario_id!r} is already used by {existing[0]}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create {folder}: {exc.strerror}") from None
    schema = Path("../" * len(path.relative_to(root).parts[:-1]) + "../schema/scenario.schema.json")
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in (("__SCHEMA__", str(schema)), ("__PATH__", str(path)),
                       ("__ID__", scenario_id), ("__DOMAIN__", domain)):
        text = text.replace(key, value)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror}") from None
    return path
