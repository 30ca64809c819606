"""`agentcheck run`: a new run from the flags, or `--resume` of the run recorded in run.json."""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from agentcheck import __version__
from agentcheck.cli.console import print_table
from agentcheck.cli.exits import EXIT_INTERRUPTED
from agentcheck.cli.gates import add_gate_args, check_gate_args, gate
from agentcheck.cli.inputs import (
    DEFAULT_SCENARIOS,
    load_scenarios_or_fail,
    resolve_vendor,
    vendor_specs,
)
from agentcheck.core.errors import ConfigError

if TYPE_CHECKING:  # imported where used: `agentcheck --help` starts faster
    from agentcheck.results.summary import Summary


def add_parser(sub: Any) -> None:
    run = sub.add_parser("run", help="evaluate vendors on scenarios (default: built-in demos)")
    run.add_argument("--vendor", action="append", default=[], metavar="PROFILE",
                     help="a profile file, a name in adapters/, or a demo vendor name "
                          "(repeatable; default: the three built-in demo vendors)")
    run.add_argument("--scenarios", action="append", default=[], type=Path, metavar="PATH",
                     help="scenario files or folders (repeatable; default: scenarios/)")
    run.add_argument("--trials", type=int, default=None, metavar="K",
                     help="trials per scenario and vendor (default 1)")
    run.add_argument("--concurrency", type=int, default=8, metavar="N",
                     help="trials in flight at once across vendors (default 8)")
    run.add_argument("--seed", type=int, default=None,
                     help="base seed of the generated worlds (default: random, recorded)")
    run.add_argument("--out", type=Path, default=None, metavar="DIR",
                     help="run folder (default results/<timestamp>-<id>)")
    run.add_argument("--resume", action="store_true",
                     help="continue the run in --out DIR, skipping finished trials")
    run.add_argument("--quiet", action="store_true", help="no progress lines")
    run.add_argument("--shard", default=None, metavar="I/N",
                     help="run only shard I of N of the vendor x scenario x trial matrix (needs "
                          "--seed; combine the shards with agentcheck merge)")
    run.add_argument("--private-variants", action="store_true",
                     help="show each vendor a private variant of every scenario (other "
                          "wording, tool and parameter names, tool order) derived from the "
                          "secret key in AGENTCHECK_VARIANT_KEY: a vendor that memorised the "
                          "public library gains nothing; run.json records the key's "
                          "fingerprint, never the key")
    run.add_argument("--judge", default=None, metavar="PROFILE",
                     help="a second reader: a model profile (hosted, llama.cpp, Ollama...) "
                          "that labels every final reply beside the deterministic reader; "
                          "the report shows their agreement (answers cached)")
    run.add_argument("--judge-decides", action="store_true",
                     help="the second reader's labels decide the honesty checks (default: "
                          "the deterministic reader's)")
    run.add_argument("--lang", default=None, metavar="LANG",
                     help="language of report.md and report.html: en (default) or zh-TW; "
                          "recorded in run.json, so `report` re-renders in it")
    run.add_argument("--plan", type=Path, default=None, metavar="FILE",
                     help="an evaluation plan (evaluation.yaml): its vendors, scenarios, "
                          "trials and seed, and the business gates and weights the report "
                          "decides by; --trials and --seed override its own; exit 3 when no "
                          "vendor passes every gate")
    add_gate_args(run)
    from agentcheck.cli.cases import add_run_args

    add_run_args(run)
    run.set_defaults(handler=run_command)


class RunSetup(NamedTuple):
    """What `run` evaluates: from the flags for a new run, from run.json for --resume."""

    specs: list[Any]  # VendorProfile, or a demo vendor's name
    scenarios: list[Any]
    trials: int
    seed: int
    shard: tuple[int, int] | None
    recorded: dict[str, Any] | None  # run.json of the run being resumed
    plan: Any = None  # the evaluation plan (decision.plan.LoadedPlan) the run decides by
    plan_record: dict[str, Any] | None = None  # what run.json records of it (cli/plan.py)


def run_command(args: argparse.Namespace) -> int:
    import asyncio  # imported here, not at the top: `agentcheck --help` starts faster

    from agentcheck.judge.verdict import summarise_file
    from agentcheck.report import write_reports
    from agentcheck.results.files import RunFolder, default_run_dir, now_iso, write_json
    from agentcheck.results.manifest import signing_key, write_manifest
    from agentcheck.run.progress import ProgressDisplay
    from agentcheck.run.runner import Plan, execute, trial_seed

    if args.cases is not None or args.sample is not None or args.stratify is not None:
        from agentcheck.cli.cases import run_cases

        return run_cases(args)  # a case pack's shadow replay (cli/cases.py)
    check_run_args(args)
    signing_key()  # a bad AGENTCHECK_SIGNING_KEY stops the run before any vendor call
    out: Path = args.out or default_run_dir()
    setup = resumed(args, out) if args.resume else fresh(args, out)
    key = private_variant_key(args, setup, out)
    judge = None
    if args.judge or args.judge_decides or "second_reader" in (setup.recorded or {}):
        # only then: the second reader's module and its driver lookup cost start-up time
        from agentcheck.run.second_reader import judge_for_run

        judge = judge_for_run(resolve_vendor(args.judge) if args.judge else None,
                              args.judge_decides, setup.recorded)
    folder = RunFolder(out)
    folder.prepare()

    specs, scenarios = setup.specs, setup.scenarios
    demo = None
    if any(isinstance(s, str) for s in specs):  # the demo server only when a demo vendor runs
        from agentcheck.vendors.demo import DemoServer

        demo = DemoServer(scenarios)
    try:
        if demo:
            demo.start()
            by_name = {p.name: p for p in demo.profiles()}
            profiles = [by_name[s] if isinstance(s, str) else s for s in specs]
        else:
            profiles = list(specs)
        for p in profiles:
            p.api_key()  # a missing key is a configuration error before any call
        plan = Plan(vendors=profiles, scenarios=scenarios, trials=setup.trials,
                    seed=setup.seed, concurrency=args.concurrency, shard=setup.shard,
                    variant_key=key, judge=judge)
        if demo:
            for sc in scenarios:
                for t in range(plan.trials):
                    demo.expect(sc, trial_seed(setup.seed, sc.id, t), key)
        if setup.recorded is None:
            run_json = {**plan.run_json(), "started_at": now_iso()}
            if setup.plan is not None:  # the plan's bytes and hash go with the run
                from agentcheck.cli.plan import keep

                run_json["plan"] = setup.plan_record
                keep(setup.plan, out)
            if judge is not None:
                run_json["second_reader"] = judge.run_json()
            write_json(out / "run.json", run_json)
        else:  # resuming: run.json keeps what it recorded; only the end is updated
            run_json = setup.recorded
            if judge is not None and "second_reader" not in run_json:
                run_json["second_reader"] = judge.run_json()
        progress = None if args.quiet else ProgressDisplay(sys.stderr)
        interrupted = False
        try:
            summary = asyncio.run(execute(plan, folder, progress))
        except KeyboardInterrupt:
            interrupted = True
            summary = summarise_file(folder.trials_path, [p.name for p in profiles])
        finally:
            if progress:
                progress.close()
        if args.lang:
            run_json["report_lang"] = args.lang
        run_json["finished_at"] = now_iso()
        run_json["complete"] = not interrupted
        write_json(out / "run.json", run_json)
        write_json(out / "summary.json", summary)
        decision = None
        if setup.plan is not None or setup.recorded is not None:
            from agentcheck.cli.plan import judge_run, recorded_plan

            loaded = setup.plan or recorded_plan(out, run_json)
            decision = judge_run(loaded, out, run_json) if loaded is not None else None
        write_reports(out, summary, run_json, decision=decision)
        folder.close()  # no trial line can land after the manifest, even after Ctrl-C
        write_manifest(out, __version__)  # last: it lists every file above
    finally:
        if demo:
            demo.stop()
    print_table(summary, run_json)
    print(f"\nresults: {out}/ (summary.json, trials.jsonl, report.md, report.csv, "
          "report.html, report.xlsx)")
    if interrupted:
        print(f"interrupted: finished trials are saved; continue with "
              f"agentcheck run --resume --out {out}", file=sys.stderr)
        return EXIT_INTERRUPTED
    hint_not_judged(summary, out)
    code = gate(args, summary, run_json)
    if decision is not None:
        from agentcheck.cli.plan import exit_code
        from agentcheck.report.decision import console_text

        print(console_text(decision))
        code = max(code, exit_code(decision, run_json, summary))
    return code


def private_variant_key(args: argparse.Namespace, setup: RunSetup, out: Path) -> str | None:
    """The secret key of `--private-variants` (from the environment only), or None; a resumed
    run uses private variants exactly when it did, with the same key."""
    if setup.recorded is not None:
        from agentcheck.run.resume import resume_variant_key

        return resume_variant_key(setup.recorded, str(out / "run.json"), args.private_variants)
    if not args.private_variants:
        return None
    from agentcheck.scenario.variants import variant_key

    return variant_key()


def hint_not_judged(summary: Summary, out: Path) -> None:
    """The command that gives a vendor its verdict back, with this run's folder filled in."""
    waiting = [v.name for v in summary.vendors
               if v.no_verdict is not None and v.no_verdict.kind == "not_judged"]
    if waiting:
        print(f"no verdict yet for {', '.join(waiting)}: some trials hit an agentcheck error; "
              f"re-run them with agentcheck run --resume --out {out}", file=sys.stderr)


def check_run_args(args: argparse.Namespace) -> None:
    from agentcheck.report.messages import check_lang

    check_gate_args(args)
    check_lang(args.lang)
    if args.concurrency < 1:
        raise ConfigError("--concurrency must be at least 1")
    if args.trials is not None and args.trials < 1:
        raise ConfigError("--trials must be at least 1")
    if args.resume and args.out is None:
        raise ConfigError("--resume needs --out DIR (the run folder to continue)")
    if args.shard is not None and args.seed is None and not args.resume:
        raise ConfigError("--shard needs --seed S: every shard must generate the same Worlds")
    if args.plan is not None:
        given = [flag for flag, value in (("--vendor", args.vendor),
                                          ("--scenarios", args.scenarios),
                                          ("--resume", args.resume), ("--shard", args.shard))
                 if value]
        if given:
            raise ConfigError(f"--plan cannot be combined with {' or '.join(given)}: the plan "
                              "names the vendors and scenarios (a resumed run keeps its plan; "
                              "shards of a plan are not supported yet)")


def _shard_arg(args: argparse.Namespace) -> tuple[int, int] | None:
    from agentcheck.results.cells import parse_shard

    return None if args.shard is None else parse_shard(args.shard)


def fresh(args: argparse.Namespace, out: Path) -> RunSetup:
    """A new run: the flags say what to run (default: the demo vendors on scenarios/), or
    the evaluation plan given with --plan (its trials and seed unless the flags give them)."""
    shard = _shard_arg(args)
    if args.plan is not None:
        import agentcheck.cli.plan as plans

        loaded = plans.load(args.plan)
        sel = plans.select(loaded)
        if (out / "trials.jsonl").exists():
            raise ConfigError(f"{out} already holds a run; choose another --out")
        seed = args.seed if args.seed is not None else loaded.plan.seed
        seed = seed if seed is not None else secrets.randbelow(2**31)
        return RunSetup(sel.specs, sel.scenarios, args.trials or loaded.plan.trials, seed,
                        shard, None, loaded, plans.record(loaded, sel))
    scenarios = load_scenarios_or_fail(args.scenarios or [DEFAULT_SCENARIOS])
    specs = vendor_specs(args.vendor)
    if (out / "trials.jsonl").exists():
        raise ConfigError(f"{out} already holds a run; use --resume to continue it or "
                          "choose another --out")
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    return RunSetup(specs, scenarios, args.trials or 1, seed, shard, None)


def resumed(args: argparse.Namespace, out: Path) -> RunSetup:
    """The run recorded in out/run.json, exactly; flags that would change it are refused."""
    from agentcheck.run.resume import load_recorded_run, refuse_changes

    shard = _shard_arg(args)
    rec = load_recorded_run(out)
    refuse_changes(rec, vendors=vendor_specs(args.vendor) if args.vendor else [],
                   scenarios=load_scenarios_or_fail(args.scenarios) if args.scenarios else [],
                   trials=args.trials, seed=args.seed, shard=shard, shard_text=args.shard)
    return RunSetup(rec.vendors, rec.scenarios, rec.trials, rec.seed, rec.shard, rec.run)
