"""report.csv: one row per vendor x scenario, for spreadsheets. The first ten columns are the
original contract (tools rely on their order); the rest were added after and only ever grow."""

from __future__ import annotations

import csv
import io
from typing import Any

from .fmt import max_k

COLUMNS = [
    # the original columns, in this order
    "vendor", "tier", "capability_score", "scenario", "variant", "trials", "passed",
    "pass_rate", "score", "flags",
    # added by the sourcing report
    "tier_name", "family", "pass_rate_ci_low", "pass_rate_ci_high", "k", "pass_hat_k", "flips",
    "human_minutes", "cost_usd", "cost_per_trial_usd", "latency_p50_s", "latency_p95_s",
    "scenario_version", "scenario_hash", "probes",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """Spreadsheets run a text cell starting with = + - @ as a formula: quote it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_rows(summary: dict[str, Any]) -> list[list[Any]]:
    out = []
    for v in summary["vendors"]:
        for s in v["scenarios"]:
            ci = s.get("pass_rate_ci") or [None, None]
            k = max_k(s.get("pass_hat_k") or {})
            lat = s.get("latency_s") or {}
            out.append([cell(x) for x in (
                v["name"], v["tier"], v["capability_score"], s["scenario"], s["variant"],
                s["trials"], s["passed"], s["pass_rate"], s["score"], ";".join(s["flags"]),
                v["tier_name"], s.get("family"), ci[0], ci[1], k,
                (s.get("pass_hat_k") or {}).get(k) if k else None, s.get("flips"),
                s.get("human_minutes"), s.get("cost_usd"), s.get("cost_per_trial_usd"),
                lat.get("p50"), lat.get("p95"), s.get("scenario_version"),
                s.get("scenario_hash"), ";".join(s.get("probes") or []))])
    return out


def csv_text(summary: dict[str, Any]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    writer.writerows(csv_rows(summary))
    return buf.getvalue()
