"""Commands that read run folders: report (re-render), merge (shards into one run), compare."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentcheck.cli.exits import EXIT_OK
from agentcheck.cli.gates import add_gate_args, check_gate_args, gate

if TYPE_CHECKING:  # imported where used: `agentcheck --help` starts faster
    from agentcheck.results.summary import Summary


def add_parsers(sub: Any) -> None:
    """merge, report and compare, in the order `agentcheck --help` lists them."""
    mrg = sub.add_parser("merge", help="combine the run folders of `run --shard` into one run")
    mrg.add_argument("run_dirs", nargs="+", type=Path, metavar="RUN_DIR",
                     help="the shards' run folders")
    mrg.add_argument("--out", type=Path, required=True, metavar="DIR",
                     help="the merged run folder to write")
    mrg.add_argument("--allow-incomplete", action="store_true",
                     help="merge even if shards or trials are missing (run.json says "
                          "complete: false)")
    add_gate_args(mrg)
    mrg.set_defaults(handler=merge)

    rep = sub.add_parser("report", help="re-render a run's summary and reports from its trials")
    rep.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run folder")
    rep.add_argument("--out", type=Path, default=None, metavar="DIR",
                     help="write summary.json and the reports here (default: RUN_DIR)")
    add_gate_args(rep)
    rep.set_defaults(handler=report)

    cmp = sub.add_parser("compare", help="show what changed between two runs")
    cmp.add_argument("run_a", type=Path, metavar="RUN_A", help="the earlier run folder")
    cmp.add_argument("run_b", type=Path, metavar="RUN_B", help="the later run folder")
    cmp.add_argument("--json", action="store_true", help="print the comparison as JSON")
    cmp.set_defaults(handler=compare)


def print_table(summary: Summary, run: dict[str, Any]) -> None:
    """The verdict table, and under it whether the run is incomplete (and what is missing)."""
    from agentcheck.report import table
    from agentcheck.report.completeness import incomplete_text

    print(table(summary))
    line = incomplete_text(run, summary)
    if line:
        print(line)


def report(args: argparse.Namespace) -> int:
    from agentcheck.report import render_run
    from agentcheck.results.files import read_json

    check_gate_args(args)
    summary, paths = render_run(args.run_dir, args.out)
    run = read_json(args.run_dir / "run.json")  # render_run has read it: an object
    print_table(summary, run)
    print(f"\nwrote {', '.join(str(p) for p in paths)}")
    return gate(args, summary, run)


def merge(args: argparse.Namespace) -> int:
    from agentcheck.report import render_run
    from agentcheck.report.completeness import completeness
    from agentcheck.run.shard import merge_runs

    check_gate_args(args)
    merged, missing = merge_runs(args.run_dirs, args.out, args.allow_incomplete)
    summary, paths = render_run(args.out)
    print_table(summary, merged)
    print(f"\nmerged {len(args.run_dirs)} shard(s) into {args.out}/ "
          f"(run.json, trials.jsonl, {', '.join(p.name for p in paths)})")
    if missing or not merged["complete"]:
        state = completeness(merged, summary)
        shards = (f" (shard {', '.join(state.missing_shards)} missing)"
                  if state.missing_shards else "")
        print(f"incomplete: {missing} trial(s) missing{shards}", file=sys.stderr)
    return gate(args, summary, merged)


def compare(args: argparse.Namespace) -> int:
    from agentcheck.report.compare import compare_runs, compare_text

    result = compare_runs(args.run_a, args.run_b)
    print(json.dumps(result, indent=2) if args.json else compare_text(result), end="")
    return EXIT_OK
