"""What the user named on the command line, found: default folders, vendor profiles or demo
vendor names, scenario files. Shared by run, validate, list, serve-tools and vendors check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agentcheck.core.errors import ConfigError

DEFAULT_SCENARIOS = Path("scenarios")
DEFAULT_ADAPTERS = Path("adapters")


def is_profile(path: Path) -> bool:
    try:  # the head only: a huge file is refused by its size when loaded, never read whole
        with path.open("rb") as fh:
            head = fh.read(4000).decode("utf-8", errors="replace")
    except OSError:
        return False
    return any(line.startswith("protocol:") for line in head.splitlines())


def resolve_vendor(spec: str) -> Any:
    from agentcheck.vendors.profile import load_profile

    path = Path(spec)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.exists():
            raise ConfigError(f"no such vendor profile: {spec}")
        return load_profile(path)
    for folder in (DEFAULT_ADAPTERS,):
        for suffix in (".yaml", ".yml"):
            candidate = folder / f"{spec}{suffix}"
            if candidate.exists():
                return load_profile(candidate)
    from agentcheck.vendors.demo_names import DEMO_VENDORS

    if spec in DEMO_VENDORS:
        return spec
    raise ConfigError(f"unknown vendor {spec!r}: not a file, not in {DEFAULT_ADAPTERS}/, "
                      f"not a demo vendor ({', '.join(DEMO_VENDORS)})")


def vendor_specs(given: list[str]) -> list[Any]:
    from agentcheck.vendors.demo_names import DEMO_VENDORS

    specs = [resolve_vendor(v) for v in (given or list(DEMO_VENDORS))]
    names = [s if isinstance(s, str) else s.name for s in specs]
    if len(set(names)) != len(names):
        raise ConfigError("two vendors share a name: " + ", ".join(names))
    return specs


def load_scenarios_or_fail(paths: list[Path]) -> list[Any]:
    """Every scenario under `paths`; any invalid file, or none found, is a configuration error."""
    from agentcheck.scenario.model import load_scenarios

    scenarios, errors = load_scenarios(paths)
    if errors:
        raise ConfigError("invalid scenarios:\n" + "\n".join(e.render() for e in errors))
    if not scenarios:
        raise ConfigError("no scenarios found in " + ", ".join(map(str, paths)))
    return scenarios
