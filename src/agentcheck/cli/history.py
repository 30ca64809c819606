"""`agentcheck history RESULTS_DIR...`: every run of each vendor lined up over time, for
re-certification after award (report/history.py)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from agentcheck.cli.exits import EXIT_OK


def add_parser(sub: Any) -> None:
    his = sub.add_parser("history", help="line up every run of each vendor over time: score, "
                                         "tier, flags, model changes, significant changes")
    his.add_argument("results", nargs="+", type=Path, metavar="RESULTS_DIR",
                     help="run folders, or folders holding run folders (searched at any depth)")
    his.add_argument("--vendor", default=None, metavar="NAME", help="only this vendor")
    his.add_argument("--json", action="store_true", help="print the history as JSON")
    his.add_argument("--out", type=Path, default=None, metavar="DIR",
                     help="also write history.md and history.html (with a chart) to DIR")
    his.set_defaults(handler=history_command)


def history_command(args: argparse.Namespace) -> int:
    from agentcheck.report.history import build_history, history_text, write_history

    result = build_history(args.results, args.vendor, _decide)
    paths = write_history(result, args.out) if args.out is not None else []
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        print(history_text(result), end="")
        if paths:
            print(f"\nwrote {', '.join(str(p) for p in paths)}")
    return EXIT_OK


def _decide(run_dir: Path, run: dict[str, Any]) -> Any:
    """A run judged under the plan it was made with (RUN_DIR/plan.yaml), as `report` judges
    it; None for a run made without a plan."""
    from agentcheck.cli.plan import judge_run, recorded_plan

    loaded = recorded_plan(run_dir, run)
    return None if loaded is None else judge_run(loaded, run_dir, run)
