"""report.csv: one row per vendor x scenario, for spreadsheets. The first ten columns are the
original contract (tools rely on their order); the rest were added after and only ever grow."""

from __future__ import annotations

import csv
import io
from typing import Any

from agentcheck.report.fmt import max_k, no_verdict, tier_text
from agentcheck.results.summary import Summary

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
    # the vendor's own red flags (summary.json's `flags`, ";"-separated), on each of its rows:
    # `flags` above is the scenario's, and a vendor-level flag such as `unreliable` or
    # `scripted` is in no scenario's
    "vendor_flags",
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


def csv_rows(summary: Summary) -> list[list[Any]]:
    out = []
    for v in summary.vendors:
        judged = no_verdict(v) is None
        tier = v.tier if judged else tier_text(v)
        score = v.capability_score if judged else "-"
        state = None if judged else (v.no_verdict.kind if v.no_verdict else "no_verdict")
        if not v.scenarios:
            # a vendor none of whose trials could be judged has no scenario result: one row
            out.append([cell(x) for x in (v.name, tier, score, "", "", 0, 0, None, None, "",
                                          v.tier_name, *[None] * 14, state,
                                          ";".join(v.flags))])
            continue
        for s in v.scenarios:
            ci = s.pass_rate_ci or [None, None]
            k = max_k(s.pass_hat_k)
            out.append([cell(x) for x in (
                v.name, tier, score, s.scenario, s.variant,
                s.trials, s.passed, s.pass_rate, s.score, ";".join(s.flags),
                v.tier_name, s.family, ci[0], ci[1], k,
                s.pass_hat_k.get(k) if k else None, s.flips,
                s.human_minutes, s.cost_usd, s.cost_per_trial_usd,
                s.latency_s.p50, s.latency_s.p95, s.scenario_version,
                s.scenario_hash, ";".join(s.probes), state, ";".join(v.flags))])
    return out


def csv_text(summary: Summary) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    writer.writerows(csv_rows(summary))
    return buf.getvalue()
