"""Commands that read run folders: report (re-render), merge (shards into one run), compare."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from agentcheck import __version__
from agentcheck.cli.console import print_table
from agentcheck.cli.exits import EXIT_OK
from agentcheck.cli.gates import add_gate_args, check_gate_args, gate


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
    rep.add_argument("--judge", default=None, metavar="PROFILE",
                     help="first add a second reader's labels to RUN_DIR's trials (a model "
                          "profile; answers cached, verdicts unchanged)")
    rep.add_argument("--lang", default=None, metavar="LANG",
                     help="language of report.md and report.html: en or zh-TW (default: the "
                          "language the run recorded, else en)")
    rep.add_argument("--plan", type=Path, default=None, metavar="FILE",
                     help="re-judge the run under this evaluation plan (an edited copy of "
                          "its plan, say), without re-running any vendor; exit 3 when no "
                          "vendor passes every gate (default: the plan the run was made with, "
                          "if any)")
    add_gate_args(rep)
    rep.set_defaults(handler=report)

    cmp = sub.add_parser("compare", help="show what changed between two runs")
    cmp.add_argument("run_a", type=Path, metavar="RUN_A", help="the earlier run folder")
    cmp.add_argument("run_b", type=Path, metavar="RUN_B", help="the later run folder")
    cmp.add_argument("--json", action="store_true", help="print the comparison as JSON")
    cmp.set_defaults(handler=compare)


def report(args: argparse.Namespace) -> int:
    from agentcheck.report import render_run
    from agentcheck.report.messages import check_lang
    from agentcheck.results.files import read_json
    from agentcheck.results.manifest import is_intact, refresh_manifest, signing_key

    check_gate_args(args)
    check_lang(args.lang)
    # reports re-rendered into the run folder change its files: its manifest follows, unless
    # the folder had already been changed since the manifest was written (not blessed here)
    in_place = args.out is None or args.out.resolve() == args.run_dir.resolve()
    in_place = in_place or args.judge is not None  # the labels go into RUN_DIR's trials
    intact = False
    if in_place:
        signing_key()
        intact = is_intact(args.run_dir)
    if args.judge is not None:
        add_second_reader(args.run_dir, args.judge)
    from agentcheck.cli.plan import decision_for_report

    decision = decision_for_report(args.run_dir, args.plan)
    summary, paths = render_run(args.run_dir, args.out, args.lang, decision)
    if in_place:
        refresh_manifest(args.run_dir, __version__, intact)
        if not intact:
            print(f"agentcheck: manifest.json left as it was: the folder had changed since it "
                  f"was written; agentcheck verify {args.run_dir} lists what", file=sys.stderr)
    run = read_json(args.run_dir / "run.json")  # render_run has read it: an object
    print_table(summary, run)
    if "cases" in run:  # a case pack's replay: the agreement, with review.yaml's marks
        from agentcheck.cli.console import print_agreement

        print_agreement(args.run_dir)
    print(f"\nwrote {', '.join(str(p) for p in paths)}")
    code = gate(args, summary, run)
    if decision is not None:
        from agentcheck.cli.plan import exit_code
        from agentcheck.report.decision import console_text

        print(console_text(decision))
        if args.plan is not None:  # the CI gate of a plan: no vendor passed every gate
            code = max(code, exit_code(decision, run, summary))
    return code


def add_second_reader(run_dir: Path, judge: str) -> None:
    """`report --judge PROFILE`: the second reader's labels added to a finished run."""
    import asyncio

    from agentcheck.cli.inputs import resolve_vendor
    from agentcheck.run.runner import make_driver
    from agentcheck.run.second_reader import annotate_run, judge_for_run

    spec = judge_for_run(resolve_vendor(judge), False)
    assert spec is not None
    done = asyncio.run(annotate_run(run_dir, spec, make_driver))
    print(f"second reader {spec.profile.name}: read {done.read} trial(s) "
          f"({done.requests} request(s) to the model, the rest from the cache), kept "
          f"{done.kept} already read, {done.errors} not readable", file=sys.stderr)


def merge(args: argparse.Namespace) -> int:
    from agentcheck.report import render_run
    from agentcheck.report.completeness import completeness
    from agentcheck.results.manifest import signing_key, write_manifest
    from agentcheck.run.shard import merge_runs

    check_gate_args(args)
    signing_key()  # a bad key is said before anything is written
    merged, missing = merge_runs(args.run_dirs, args.out, args.allow_incomplete)
    summary, paths = render_run(args.out)
    write_manifest(args.out, __version__)  # last: it lists every file of the merged run
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
