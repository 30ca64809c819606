"""report.csv: one row per vendor x scenario, for spreadsheets. The first ten columns are the
original contract (tools rely on their order); the rest were added after and only ever grow."""

from __future__ import annotations

import csv
import io
from typing import Any

from agentcheck.report.fmt import max_k, no_verdict, tier_text

COLUMNS = [
    # the original columns, in this order
    "vendor", "tier", "capability_score", "scenario", "variant", "trials", "passed",
    "pass_rate", "score", "flags",
    # added by the sourcing report
    "tier_name", "family", "pass_rate_ci_low", "pass_rate_ci_high", "k", "pass_hat_k", "flips",
    "human_minutes", "cost_usd", "cost_per_trial_usd", "latency_p50_s", "latency_p95_s",
    "scenario_version", "scenario_hash", "probes",
    # "unavailable" or "not_judged" when the vendor has no verdict (tier then says why)
    "no_verdict",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """Spreadsheets run a text cell starting with = + - @ as a formula: quote it (a lone "-",
    the mark for "no value", is no formula)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(_FORMULA_START) and value != "-":
        return "'" + value
    return value


def csv_rows(summary: dict[str, Any]) -> list[list[Any]]:
    out = []
    for v in summary["vendors"]:
        judged = no_verdict(v) is None
        tier = v["tier"] if judged else tier_text(v)
        score = v["capability_score"] if judged else "-"
        state = None if judged else (v.get("no_verdict") or {}).get("kind") or "no_verdict"
        # a vendor none of whose trials could be judged has no scenario result: still one row
        for s in v["scenarios"] or [{"scenario": "", "variant": "", "trials": 0, "passed": 0,
                                     "pass_rate": None, "score": None, "flags": []}]:
            ci = s.get("pass_rate_ci") or [None, None]
            k = max_k(s.get("pass_hat_k") or {})
            lat = s.get("latency_s") or {}
            out.append([cell(x) for x in (
                v["name"], tier, score, s["scenario"], s["variant"],
                s["trials"], s["passed"], s["pass_rate"], s["score"], ";".join(s["flags"]),
                v.get("tier_name"), s.get("family"), ci[0], ci[1], k,
                (s.get("pass_hat_k") or {}).get(k) if k else None, s.get("flips"),
                s.get("human_minutes"), s.get("cost_usd"), s.get("cost_per_trial_usd"),
                lat.get("p50"), lat.get("p95"), s.get("scenario_version"),
                s.get("scenario_hash"), ";".join(s.get("probes") or []), state)])
    return out


def csv_text(summary: dict[str, Any]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    writer.writerows(csv_rows(summary))
    return buf.getvalue()
