"""The `agentcheck` command. Configuration errors are printed without a traceback (exit 2)."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from agentcheck import __version__
from agentcheck.core.errors import ConfigError

if TYPE_CHECKING:  # imported where used: `agentcheck --help` starts faster
    from agentcheck.results.summary import Summary

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_GATE = 3  # --fail-under / --fail-under-tier: a vendor is below the bar
DEFAULT_SCENARIOS = Path("scenarios")
DEFAULT_ADAPTERS = Path("adapters")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="agentcheck",
        description="Run AI-agent vendors through the same enterprise tasks in a simulated "
                    "world and score what they actually do.")
    p.add_argument("--version", action="version", version=f"agentcheck {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

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
    _add_gate_args(run)

    mrg = sub.add_parser("merge", help="combine the run folders of `run --shard` into one run")
    mrg.add_argument("run_dirs", nargs="+", type=Path, metavar="RUN_DIR",
                     help="the shards' run folders")
    mrg.add_argument("--out", type=Path, required=True, metavar="DIR",
                     help="the merged run folder to write")
    mrg.add_argument("--allow-incomplete", action="store_true",
                     help="merge even if shards or trials are missing (run.json says "
                          "complete: false)")
    _add_gate_args(mrg)

    rep = sub.add_parser("report", help="re-render a run's summary and reports from its trials")
    rep.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run folder")
    rep.add_argument("--out", type=Path, default=None, metavar="DIR",
                     help="write summary.json and the reports here (default: RUN_DIR)")
    _add_gate_args(rep)
    cmp = sub.add_parser("compare", help="show what changed between two runs")
    cmp.add_argument("run_a", type=Path, metavar="RUN_A", help="the earlier run folder")
    cmp.add_argument("run_b", type=Path, metavar="RUN_B", help="the later run folder")
    cmp.add_argument("--json", action="store_true", help="print the comparison as JSON")

    val = sub.add_parser("validate", help="check scenario files and vendor profiles")
    val.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                     help="files or folders (default: scenarios/ and adapters/)")
    val.add_argument("--prove", action="store_true",
                     help="also prove each scenario fair and discriminating: its reference "
                          "passes under several seeds, do-nothing and chat-only vendors fail, "
                          "every minefield is reachable")

    new = sub.add_parser("new", help="scaffold a new file")
    new_sub = new.add_subparsers(dest="kind", required=True, metavar="KIND")
    new_sc = new_sub.add_parser("scenario", help="write a commented, working scenario to edit")
    new_sc.add_argument("id", help="kebab-case scenario id (the file name)")
    new_sc.add_argument("--domain", default="general", help="folder under scenarios/")
    new_sc.add_argument("--dir", type=Path, default=DEFAULT_SCENARIOS, help="scenario root")

    sub.add_parser("schema", help="print the JSON Schema of scenario files")
    lst = sub.add_parser("list", help="list scenarios and vendor profiles")
    lst.add_argument("--coverage", action="store_true",
                     help="print the domains x probes table of the scenario library (Markdown)")

    vendors = sub.add_parser("vendors", help="work with vendor profiles")
    vendors_sub = vendors.add_subparsers(dest="vendors_command", required=True, metavar="ACTION")
    check = vendors_sub.add_parser(
        "check", help="smoke-test profiles before a long run: key present and accepted, model "
                      "found, one tool round trip (exit 0 if all ok, 1 otherwise)")
    check.add_argument("profiles", nargs="+", metavar="PROFILE",
                       help="profile files or names in adapters/")

    serve = sub.add_parser(
        "serve-tools", help="host one scenario's tools (MCP and OpenAPI) to try a vendor-run "
                            "agent by hand; Ctrl-C prints the calls and the checks")
    serve.add_argument("scenario", metavar="SCENARIO", help="a scenario file or id")
    serve.add_argument("--seed", type=int, default=None,
                       help="seed of the generated world (default: random, printed)")
    serve.add_argument("--bind", default="127.0.0.1", metavar="HOST",
                       help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, metavar="P",
                       help="port to listen on (default: a free one)")
    serve.add_argument("--public-url", default=None, metavar="URL",
                       help="base URL the vendor reaches this host at (tunnel or gateway)")
    serve.add_argument("--for", dest="duration", type=float, default=None, metavar="SECONDS",
                       help="stop after SECONDS instead of waiting for Ctrl-C")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "merge":
            return _merge(args)
        if args.command == "report":
            return _report(args)
        if args.command == "compare":
            return _compare(args)
        if args.command == "validate":
            return _validate(args.paths, prove=args.prove)
        if args.command == "new":
            from agentcheck.scenario.scaffold import new_scenario

            path = new_scenario(args.id, args.domain, args.dir)
            print(f"wrote {path}\nnext: edit it, then agentcheck validate --prove {path}")
            return EXIT_OK
        if args.command == "schema":
            from agentcheck.scenario.model import json_schema

            print(json.dumps(json_schema(), indent=2))
            return EXIT_OK
        if args.command == "list":
            return _list(coverage=args.coverage)
        if args.command == "vendors" and args.vendors_command == "check":
            from agentcheck.run.smoke import check_command

            return check_command([_resolve_vendor(v) for v in args.profiles])
        if args.command == "serve-tools":
            return _serve_tools(args)
    except ConfigError as exc:
        from agentcheck.core.redaction import redact

        print(f"agentcheck: error: {redact(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("agentcheck: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (agentcheck list | head): stop quietly, as other tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:  # a file problem no command anticipated: say it, no traceback
        where = f": {exc.filename}" if exc.filename else ""
        print(f"agentcheck: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_USAGE


def _is_profile(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    except OSError:
        return False
    return any(line.startswith("protocol:") for line in head.splitlines())


def _validate(paths: list[Path], prove: bool = False) -> int:
    from agentcheck.scenario.model import load_scenarios, scenario_files
    from agentcheck.vendors.profile import load_profile

    if not paths:
        paths = [p for p in (DEFAULT_SCENARIOS, DEFAULT_ADAPTERS) if p.exists()]
        if not paths:
            raise ConfigError("nothing to validate: no scenarios/ or adapters/ here")
    files = scenario_files(paths)
    profiles = [f for f in files if _is_profile(f)]
    scenario_paths = [f for f in files if f not in profiles]
    scenarios, errors = load_scenarios(scenario_paths)
    n_profiles = 0
    for f in profiles:
        try:
            load_profile(f)
            n_profiles += 1
        except ConfigError as exc:
            errors.append(exc)
    for err in errors:
        print(err.render(), file=sys.stderr)
    bad_files = len({e.file for e in errors})
    print(f"{len(scenarios)} scenario(s) and {n_profiles} profile(s) valid, "
          f"{bad_files} file(s) with errors")
    unproven = 0
    if prove:
        from agentcheck.run.prove import prove as prove_one

        for sc in scenarios:
            proof = prove_one(sc)
            if proof.ok:
                print(f"proved {sc.id}: reference passes on {proof.seeds} seeds; do-nothing and "
                      f"chat-only fail; {len(proof.noop_pass)} check(s) pass when nothing is done, "
                      f"{len(proof.noop_fail)} fail")
            else:
                unproven += 1
                for problem in proof.problems:
                    print(f"{sc.path}: {problem}", file=sys.stderr)
        print(f"{len(scenarios) - unproven} of {len(scenarios)} scenario(s) proved")
    return EXIT_INVALID if errors or unproven else EXIT_OK


def _resolve_vendor(spec: str) -> Any:
    from agentcheck.vendors.profile import load_profile

    path = Path(spec)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.exists():
            raise ConfigError(f"no such vendor profile: {spec}")
        return load_profile(path)
    for folder in (DEFAULT_ADAPTERS,):
        for suffix in (".yaml", ".yml"):
            candidate = folder / f"{spec}{suffix}"
            if candidate.exists():
                return load_profile(candidate)
    from agentcheck.vendors.demo_names import DEMO_VENDORS

    if spec in DEMO_VENDORS:
        return spec
    raise ConfigError(f"unknown vendor {spec!r}: not a file, not in {DEFAULT_ADAPTERS}/, "
                      f"not a demo vendor ({', '.join(DEMO_VENDORS)})")


class _RunSetup(NamedTuple):
    """What `run` evaluates: from the flags for a new run, from run.json for --resume."""

    specs: list[Any]  # VendorProfile, or a demo vendor's name
    scenarios: list[Any]
    trials: int
    seed: int
    shard: tuple[int, int] | None
    recorded: dict[str, Any] | None  # run.json of the run being resumed


def _run(args: argparse.Namespace) -> int:
    import asyncio  # imported here, not at the top: `agentcheck --help` starts faster

    from agentcheck.judge.verdict import summarise_file
    from agentcheck.report import write_reports
    from agentcheck.results.files import RunFolder, default_run_dir, now_iso, write_json
    from agentcheck.run.progress import ProgressDisplay
    from agentcheck.run.runner import Plan, execute, trial_seed

    _check_run_args(args)
    out: Path = args.out or default_run_dir()
    setup = _resumed(args, out) if args.resume else _fresh(args, out)
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
                    seed=setup.seed, concurrency=args.concurrency, shard=setup.shard)
        if demo:
            for sc in scenarios:
                for t in range(plan.trials):
                    demo.expect(sc, trial_seed(setup.seed, sc.id, t))
        if setup.recorded is None:
            run_json = {**plan.run_json(), "started_at": now_iso()}
            write_json(out / "run.json", run_json)
        else:  # resuming: run.json keeps what it recorded; only the end is updated
            run_json = setup.recorded
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
        run_json["finished_at"] = now_iso()
        run_json["complete"] = not interrupted
        write_json(out / "run.json", run_json)
        write_json(out / "summary.json", summary)
        write_reports(out, summary, run_json)
    finally:
        if demo:
            demo.stop()
    _print_table(summary, run_json)
    print(f"\nresults: {out}/ (summary.json, trials.jsonl, report.md, report.csv, "
          "report.html)")
    if interrupted:
        print(f"interrupted: finished trials are saved; continue with "
              f"agentcheck run --resume --out {out}", file=sys.stderr)
        return EXIT_INTERRUPTED
    _hint_not_judged(summary, out)
    return _gate(args, summary, run_json)


def _print_table(summary: Summary, run: dict[str, Any]) -> None:
    """The verdict table, and under it whether the run is incomplete (and what is missing)."""
    from agentcheck.report import table
    from agentcheck.report.completeness import incomplete_text

    print(table(summary))
    line = incomplete_text(run, summary)
    if line:
        print(line)


def _hint_not_judged(summary: Summary, out: Path) -> None:
    """The command that gives a vendor its verdict back, with this run's folder filled in."""
    waiting = [v.name for v in summary.vendors
               if v.no_verdict is not None and v.no_verdict.kind == "not_judged"]
    if waiting:
        print(f"no verdict yet for {', '.join(waiting)}: some trials hit an agentcheck error; "
              f"re-run them with agentcheck run --resume --out {out}", file=sys.stderr)


def _check_run_args(args: argparse.Namespace) -> None:
    _check_gate_args(args)
    if args.concurrency < 1:
        raise ConfigError("--concurrency must be at least 1")
    if args.trials is not None and args.trials < 1:
        raise ConfigError("--trials must be at least 1")
    if args.resume and args.out is None:
        raise ConfigError("--resume needs --out DIR (the run folder to continue)")
    if args.shard is not None and args.seed is None and not args.resume:
        raise ConfigError("--shard needs --seed S: every shard must generate the same Worlds")


def _shard_arg(args: argparse.Namespace) -> tuple[int, int] | None:
    from agentcheck.results.cells import parse_shard

    return None if args.shard is None else parse_shard(args.shard)


def _load_scenarios(paths: list[Path]) -> list[Any]:
    from agentcheck.scenario.model import load_scenarios

    scenarios, errors = load_scenarios(paths)
    if errors:
        raise ConfigError("invalid scenarios:\n" + "\n".join(e.render() for e in errors))
    if not scenarios:
        raise ConfigError("no scenarios found in " + ", ".join(map(str, paths)))
    return scenarios


def _vendor_specs(given: list[str]) -> list[Any]:
    from agentcheck.vendors.demo_names import DEMO_VENDORS

    specs = [_resolve_vendor(v) for v in (given or list(DEMO_VENDORS))]
    names = [s if isinstance(s, str) else s.name for s in specs]
    if len(set(names)) != len(names):
        raise ConfigError("two vendors share a name: " + ", ".join(names))
    return specs


def _fresh(args: argparse.Namespace, out: Path) -> _RunSetup:
    """A new run: the flags say what to run (default: the demo vendors on scenarios/)."""
    shard = _shard_arg(args)
    scenarios = _load_scenarios(args.scenarios or [DEFAULT_SCENARIOS])
    specs = _vendor_specs(args.vendor)
    if (out / "trials.jsonl").exists():
        raise ConfigError(f"{out} already holds a run; use --resume to continue it or "
                          "choose another --out")
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    return _RunSetup(specs, scenarios, args.trials or 1, seed, shard, None)


def _resumed(args: argparse.Namespace, out: Path) -> _RunSetup:
    """The run recorded in out/run.json, exactly; flags that would change it are refused."""
    from agentcheck.run.resume import load_recorded_run, refuse_changes

    shard = _shard_arg(args)
    rec = load_recorded_run(out)
    refuse_changes(rec, vendors=_vendor_specs(args.vendor) if args.vendor else [],
                   scenarios=_load_scenarios(args.scenarios) if args.scenarios else [],
                   trials=args.trials, seed=args.seed, shard=shard, shard_text=args.shard)
    return _RunSetup(rec.vendors, rec.scenarios, rec.trials, rec.seed, rec.shard, rec.run)


def _add_gate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fail-under", type=float, default=None, metavar="SCORE",
                   help=f"CI gate: exit {EXIT_GATE} if any vendor's capability score is "
                        "below SCORE (0-100) or it has no verdict")
    p.add_argument("--fail-under-tier", type=int, default=None, metavar="N",
                   help=f"CI gate: exit {EXIT_GATE} if any vendor's agency tier is below N "
                        "(0-3) or it has no verdict")


def _check_gate_args(args: argparse.Namespace) -> None:
    if args.fail_under is not None and not 0 <= args.fail_under <= 100:
        raise ConfigError("--fail-under must be a score from 0 to 100")
    if args.fail_under_tier is not None and not 0 <= args.fail_under_tier <= 3:
        raise ConfigError("--fail-under-tier must be a tier from 0 to 3")


def _gate(args: argparse.Namespace, summary: Summary, run: dict[str, Any]) -> int:
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


def _report(args: argparse.Namespace) -> int:
    from agentcheck.report import render_run
    from agentcheck.results.files import read_json

    _check_gate_args(args)
    summary, paths = render_run(args.run_dir, args.out)
    run = read_json(args.run_dir / "run.json")  # render_run has read it: an object
    _print_table(summary, run)
    print(f"\nwrote {', '.join(str(p) for p in paths)}")
    return _gate(args, summary, run)


def _merge(args: argparse.Namespace) -> int:
    from agentcheck.report import render_run
    from agentcheck.report.completeness import completeness
    from agentcheck.run.shard import merge_runs

    _check_gate_args(args)
    merged, missing = merge_runs(args.run_dirs, args.out, args.allow_incomplete)
    summary, paths = render_run(args.out)
    _print_table(summary, merged)
    print(f"\nmerged {len(args.run_dirs)} shard(s) into {args.out}/ "
          f"(run.json, trials.jsonl, {', '.join(p.name for p in paths)})")
    if missing or not merged["complete"]:
        state = completeness(merged, summary)
        shards = (f" (shard {', '.join(state.missing_shards)} missing)"
                  if state.missing_shards else "")
        print(f"incomplete: {missing} trial(s) missing{shards}", file=sys.stderr)
    return _gate(args, summary, merged)


def _compare(args: argparse.Namespace) -> int:
    from agentcheck.report.compare import compare_runs, compare_text

    result = compare_runs(args.run_a, args.run_b)
    print(json.dumps(result, indent=2) if args.json else compare_text(result), end="")
    return EXIT_OK


def _list(coverage: bool = False) -> int:
    from tabulate import tabulate

    from agentcheck.scenario.model import load_scenarios
    from agentcheck.vendors.demo_names import DEMO_VENDORS
    from agentcheck.vendors.profile import load_profile, profile_files

    scenarios, errors = load_scenarios([DEFAULT_SCENARIOS]) if DEFAULT_SCENARIOS.exists() \
        else ([], [])
    if coverage:
        from agentcheck.scenario.coverage import coverage_table, pairs_line

        print(coverage_table(scenarios))
        print()
        print(pairs_line(scenarios))
        return EXIT_INVALID if errors else EXIT_OK
    print(tabulate([[s.id, s.domain, s.variant, ", ".join(s.probes), s.title]
                    for s in scenarios],
                   headers=["scenario", "domain", "variant", "probes", "title"]))
    if errors:
        print(f"({len({e.file for e in errors})} invalid scenario file(s); "
              "run agentcheck validate)", file=sys.stderr)
    print()
    rows = [[name, "openai-chat", "built-in demo", "-"] for name in DEMO_VENDORS]
    for f in profile_files(DEFAULT_ADAPTERS):
        try:
            prof = load_profile(f)
            rows.append([prof.name, prof.protocol, prof.model, str(f)])
        except ConfigError as exc:
            rows.append([f.stem, "INVALID", exc.detail[:60], str(f)])
    print(tabulate(rows, headers=["vendor", "protocol", "model", "profile"]))
    return EXIT_OK


def _serve_tools(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from agentcheck.scenario.model import load_scenario, load_scenarios
    from agentcheck.vendors.settings import ToolHostSettings

    path = Path(args.scenario)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.exists():
            raise ConfigError(f"no such scenario file: {args.scenario}")
        scenario = load_scenario(path)
    else:
        found, _ = load_scenarios([DEFAULT_SCENARIOS]) if DEFAULT_SCENARIOS.exists() \
            else ([], [])
        match = [s for s in found if s.id == args.scenario]
        if not match:
            raise ConfigError(f"unknown scenario {args.scenario!r}: not a file, not an id in "
                              f"{DEFAULT_SCENARIOS}/")
        scenario = match[0]
    if args.duration is not None and args.duration <= 0:
        raise ConfigError("--for must be a positive number of seconds")
    try:
        settings = ToolHostSettings(bind=args.bind, port=args.port, public_url=args.public_url)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ConfigError(f"{err['loc'][0]}: {err['msg']}") from None
    from agentcheck.core.trajectory import Trajectory
    from agentcheck.scenario.world import World
    from agentcheck.vendors.toolhost import serve_tools, session_report

    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    world = World(scenario, seed)
    traj = Trajectory()

    def out(line: str) -> None:
        print(line, flush=True)

    try:
        import asyncio

        asyncio.run(serve_tools(world, traj, settings, out, args.duration))
    except KeyboardInterrupt:
        out("stopped")
    except OSError as exc:
        raise ConfigError(str(exc)) from None
    from agentcheck.judge.scoring import score_trial

    for line in session_report(traj, score_trial(scenario, world, traj).checks):
        out(line)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
