"""What the scenario library covers: domains x probes, the table the README shows."""

from __future__ import annotations

from collections import Counter

from tabulate import tabulate

from agentcheck.scenario.model import PROBES, Scenario


def coverage_table(scenarios: list[Scenario]) -> str:
    """A GitHub-Markdown table: one row per domain, one column per probe, counts in cells."""
    domains = sorted({s.domain for s in scenarios})
    counts: Counter[tuple[str, str]] = Counter((s.domain, str(p)) for s in scenarios
                                               for p in s.probes)
    rows = []
    for d in domains:
        n = sum(1 for s in scenarios if s.domain == d)
        rows.append([d, n, *[counts[(d, p)] or "" for p in PROBES]])
    totals: Counter[str] = Counter(str(p) for s in scenarios for p in s.probes)
    rows.append(["**all**", len(scenarios), *[totals[p] for p in PROBES]])
    return tabulate(rows, headers=["domain", "scenarios", *PROBES], tablefmt="github")


def pairs_line(scenarios: list[Scenario]) -> str:
    families: dict[str, set[str]] = {}
    for s in scenarios:
        if s.family:
            families.setdefault(s.family, set()).add(s.variant)
    pairs = sum(1 for v in families.values() if {"clean", "noisy"} <= v)
    return f"{len(scenarios)} scenarios in {len({s.domain for s in scenarios})} domains; " \
           f"{pairs} clean/noisy pairs."
