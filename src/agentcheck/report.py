"""Renders a run's summary for people: the terminal table, report.md and report.csv.
Reads results only."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from tabulate import tabulate

HEADERS = ["vendor", "tier", "score (95% CI)", "tasks completed", "pass^k", "flags",
           "cost/task", "p50 s"]


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def rows(summary: dict[str, Any]) -> list[list[str]]:
    out = []
    for v in summary["vendors"]:
        ci = v["capability_ci"]
        pk = v["pass_hat_k"]
        k = max(pk, key=int) if pk else None
        cost = v["cost_per_completed_task_usd"]
        out.append([
            v["name"],
            f"{v['tier']} {v['tier_name']}",
            f"{v['capability_score']:.0f} ({ci[0]:.0f}-{ci[1]:.0f})",
            f"{v['completed_tasks']}/{v['scored_trials']} ({_pct(v['completion_rate'])})",
            f"^{k} {_pct(pk[k])}" if k else "-",
            ", ".join(v["flags"]) or "none",
            "-" if cost is None else f"${cost:.4f}",
            "-" if v["latency_s"]["p50"] is None else f"{v['latency_s']['p50']:.2f}",
        ])
    return out


def table(summary: dict[str, Any]) -> str:
    return tabulate(rows(summary), headers=HEADERS, tablefmt="simple")


def markdown(summary: dict[str, Any], run: dict[str, Any]) -> str:
    lines = ["# agentcheck results", "",
             f"Run started {run.get('started_at', '?')}, seed {run.get('seed')}, "
             f"{run.get('trials')} trial(s) per scenario, {len(run.get('scenarios', []))} "
             "scenarios.", "",
             tabulate(rows(summary), headers=HEADERS, tablefmt="github"), ""]
    for v in summary["vendors"]:
        lines.append(f"## {v['name']}: tier {v['tier']} ({v['tier_name']})")
        lines.append("")
        if v["tier_reasons"]:
            lines.append("Why not higher: " + "; ".join(v["tier_reasons"]) + ".")
            lines.append("")
        for flag in v["flags"]:
            lines.append(f"- **{flag}** ({v['flag_counts'][flag]}): "
                         + " | ".join(v["flag_evidence"][flag]))
        lines.append("")
        dims = ", ".join(f"{k} {_pct(x)}" for k, x in v["dimensions"].items())
        lines += [f"Dimensions: {dims}.", ""]
        lines.append(tabulate([[s["scenario"], f"{s['passed']}/{s['trials']}", s["score"],
                                ", ".join(s["flags"])] for s in v["scenarios"]],
                              headers=["scenario", "passed", "score", "flags"],
                              tablefmt="github"))
        lines.append("")
    return "\n".join(lines)


def csv_text(summary: dict[str, Any]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["vendor", "tier", "capability_score", "scenario", "variant", "trials",
                     "passed", "pass_rate", "score", "flags"])
    for v in summary["vendors"]:
        for s in v["scenarios"]:
            writer.writerow([v["name"], v["tier"], v["capability_score"], s["scenario"],
                             s["variant"], s["trials"], s["passed"], s["pass_rate"],
                             s["score"], ";".join(s["flags"])])
    return buf.getvalue()


def write_reports(folder: Path, summary: dict[str, Any], run: dict[str, Any]) -> None:
    (folder / "report.md").write_text(markdown(summary, run), encoding="utf-8")
    (folder / "report.csv").write_text(csv_text(summary), encoding="utf-8")
