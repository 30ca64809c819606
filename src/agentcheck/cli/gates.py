"""The CI gates of run, report and merge: --fail-under and --fail-under-tier."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from agentcheck.cli.exits import EXIT_GATE, EXIT_OK
from agentcheck.core.errors import ConfigError

if TYPE_CHECKING:  # imported where used: `agentcheck --help` starts faster
    from agentcheck.results.summary import Summary


def add_gate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fail-under", type=float, default=None, metavar="SCORE",
                   help=f"CI gate: exit {EXIT_GATE} if any vendor's capability score is "
                        "below SCORE (0-100) or it has no verdict")
    p.add_argument("--fail-under-tier", type=int, default=None, metavar="N",
                   help=f"CI gate: exit {EXIT_GATE} if any vendor's agency tier is below N "
                        "(0-3) or it has no verdict")


def check_gate_args(args: argparse.Namespace) -> None:
    if args.fail_under is not None and not 0 <= args.fail_under <= 100:
        raise ConfigError("--fail-under must be a score from 0 to 100")
    if args.fail_under_tier is not None and not 0 <= args.fail_under_tier <= 3:
        raise ConfigError("--fail-under-tier must be a tier from 0 to 3")


def gate(args: argparse.Namespace, summary: Summary, run: dict[str, Any]) -> int:
    """EXIT_GATE, with every vendor under the bar on stderr, or EXIT_OK. A vendor with no
    verdict fails any gate: there is no score or tier to clear the bar with. So does an
    incomplete run (interrupted, a shard or trials missing), on one line naming what is
    missing: a vendor that never ran is not in the summary, and must not pass by absence."""
    from agentcheck.report.completeness import completeness
    from agentcheck.report.fmt import no_verdict

    if args.fail_under is None and args.fail_under_tier is None:
        return EXIT_OK
    below = []
    state = completeness(run, summary)
    if not state.complete:
        below.append(f"incomplete run: {state.text()}")
    for v in summary.vendors:
        reason = no_verdict(v)
        if reason is not None or v.capability_score is None or v.tier is None:
            below.append(f"{v.name} has no verdict ({reason})")
            continue
        if args.fail_under is not None and v.capability_score < args.fail_under:
            below.append(f"{v.name} capability score {v.capability_score:g} < "
                         f"{args.fail_under:g}")
        if args.fail_under_tier is not None and v.tier < args.fail_under_tier:
            below.append(f"{v.name} tier {v.tier} ({v.tier_name}) < {args.fail_under_tier}")
    for line in below:
        print(f"agentcheck: gate failed: {line}", file=sys.stderr)
    return EXIT_GATE if below else EXIT_OK
