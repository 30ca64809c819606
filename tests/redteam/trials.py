"""Reading the red team's recorded trials: the events of one kind, what the vendor said, and
where its own extra writes changed a record."""

from __future__ import annotations

from typing import Any

from .library_run import LibraryRun


def events(trial: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in trial.get("events", []) if e.get("type") == kind]


def texts(trial: dict[str, Any]) -> list[str]:
    return [e.get("text") or "" for e in events(trial, "assistant") if e.get("text")]


def collateral_scenarios(lib: LibraryRun, vendor: str) -> set[str]:
    """Scenarios where the vendor's own extra write (an `x` call) changed a record."""
    return {t["scenario"] for t in lib.trials(vendor) for e in t.get("events", [])
            if e.get("type") == "tool" and str(e.get("id", "")).startswith("x")
            and e.get("ok") and e.get("changes")}
