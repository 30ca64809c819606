"""What the commands print to the console under their work: the verdict table and a case-pack
replay's agreement table. Apart from the commands, so that `run`, `report` and the case-pack
commands share them without importing each other."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agentcheck.results.summary import Summary


def print_table(summary: Summary, run: dict[str, Any]) -> None:
    """The verdict table, and under it whether the run is incomplete (and what is missing)."""
    from agentcheck.report import table
    from agentcheck.report.completeness import incomplete_text

    print(table(summary))
    line = incomplete_text(run, summary)
    if line:
        print(line)



def print_agreement(run_dir: Path) -> None:
    from agentcheck.report.agreement import agreement
    from agentcheck.results.cases import read_outcomes, read_review

    review = read_review(run_dir)
    print()
    print(agreement_table(agreement(read_outcomes(run_dir), review),
                          adjusted=any(r.better == "vendor" for r in review.reviews)))


def agreement_table(rows: list[Any], adjusted: bool = False) -> str:
    from tabulate import tabulate

    extra = ["adjusted (review)"] if adjusted else []
    return tabulate(
        [[r.vendor, r.cases, r.agreed, f"{100 * r.rate:.0f}%",
          f"{100 * r.low:.0f}-{100 * r.high:.0f}%", f"{100 * r.nothing_rate:.0f}%",
          r.did_nothing, "yes" if r.beats_nothing else "no",
          *([f"{100 * r.adjusted / r.cases:.0f}% (+{r.vendor_better})"] if adjusted else [])]
         for r in rows],
        headers=["vendor", "cases", "agreed", "agreement", "95% CI", "doing nothing",
                 "did nothing", "beats doing nothing", *extra])
