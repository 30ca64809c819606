"""The verdict table: one row per vendor, for the terminal and the top of report.md."""

from __future__ import annotations

from tabulate import tabulate

from agentcheck.report.fmt import max_k, no_verdict, pct, score_text, tier_text
from agentcheck.report.messages import t
from agentcheck.results.summary import Summary

_HEADER_KEYS = ("col.vendor", "col.tier", "col.score_ci", "col.tasks_completed", "col.passk",
                "col.flags", "col.cost_task", "col.p50")


def headers() -> list[str]:
    """The columns, in the current report language (English outside a report)."""
    return [t(k) for k in _HEADER_KEYS]


HEADERS = headers()


def rows(summary: Summary) -> list[list[str]]:
    out = []
    for v in summary.vendors:
        pk = v.pass_hat_k
        k = max_k(pk)
        cost = v.cost_per_completed_task_usd
        judged = no_verdict(v) is None
        p50 = v.latency_s.p50
        out.append([
            v.name,
            tier_text(v),
            score_text(v),
            f"{v.completed_tasks}/{v.scored_trials} ({pct(v.completion_rate)})",
            f"^{k} {pct(pk[k])}" if k else "-",
            # "none" would read as a clean bill; with no verdict there is none to give
            ", ".join(v.flags) or (t("none") if judged else "-"),
            "-" if cost is None else f"${cost:.4f}",
            "-" if p50 is None else f"{p50:.2f}",
        ])
    return out


def table(summary: Summary, tablefmt: str = "simple") -> str:
    return tabulate(rows(summary), headers=headers(), tablefmt=tablefmt)
