"""Case-pack commands: `new case-pack`, `import` (and `import --check-masking`), and
`run --cases` (the shadow replay of a pack's sampled cases against each vendor)."""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path
from typing import Any

from agentcheck.cli.exits import EXIT_INVALID, EXIT_OK
from agentcheck.core.errors import ConfigError


def add_new_parser(new_sub: Any) -> None:
    p = new_sub.add_parser("case-pack", help="scaffold a case pack from a sample of an export")
    p.add_argument("dir", type=Path, metavar="DIR", help="the pack folder to create")
    p.add_argument("--from", dest="sample", type=Path, required=True, metavar="SAMPLE_FILE",
                   help="a CSV, JSON, JSONL or XLSX export: its headers guide the mapping")
    p.set_defaults(handler=new_case_pack)


def add_parsers(sub: Any) -> None:
    imp = sub.add_parser(
        "import", help="mask an export into a case pack (AGENTCHECK_MASKING_KEY)",
        description="Pseudonymise SOURCE_FILES into the case pack --pack DIR: names, emails, "
                    "phone numbers, addresses, account and card numbers, IBANs and their "
                    "mentions in free text, the same fake for the same value in every file. "
                    "Or, with --check-masking, prove no original value survives in a pack.")
    imp.add_argument("sources", nargs="*", type=Path, metavar="SOURCE_FILE")
    imp.add_argument("--pack", type=Path, default=None, metavar="DIR",
                     help="the case pack (its pack.yaml names the tables)")
    imp.add_argument("--check-masking", type=Path, default=None, metavar="DIR",
                     help="fail if any original value of --against survives in the pack DIR")
    imp.add_argument("--against", nargs="+", type=Path, default=[], metavar="SOURCE_FILE",
                     help="the original export (with --check-masking)")
    imp.set_defaults(handler=import_command)


def add_run_args(run: Any) -> None:
    run.add_argument("--cases", type=Path, default=None, metavar="PACK_DIR",
                     help="replay a case pack's cases in shadow mode instead of scenarios")
    run.add_argument("--sample", type=int, default=None, metavar="N",
                     help="with --cases: a random sample of N cases (default: all)")
    run.add_argument("--stratify", default=None, metavar="COLUMN",
                     help="with --cases --sample: proportional to the values of COLUMN")


def new_case_pack(args: argparse.Namespace) -> int:
    from agentcheck.cases.scaffold import new_case_pack as scaffold

    written = scaffold(args.sample, args.dir)
    print("wrote " + ", ".join(str(p) for p in written))
    print(f"next: check the mapping, then AGENTCHECK_MASKING_KEY=... agentcheck import "
          f"{args.sample} --pack {args.dir}")
    return EXIT_OK


def import_command(args: argparse.Namespace) -> int:
    from agentcheck.cases.importer import check_masking, import_pack, render

    if args.check_masking is not None:
        if not args.against:
            raise ConfigError("--check-masking DIR needs --against SOURCE_FILE... (the "
                              "original export)")
        found = check_masking(args.check_masking, args.against)
        if found:
            print(render(found), file=sys.stderr)
            print(f"masking check failed: {len(found)} original value(s) survive in "
                  f"{args.check_masking}", file=sys.stderr)
            return EXIT_INVALID
        print(f"masking check passed: no value of {len(args.against)} source file(s) "
              f"survives in {args.check_masking}")
        return EXIT_OK
    if args.pack is None or not args.sources:
        raise ConfigError("usage: agentcheck import SOURCE_FILE... --pack DIR (or "
                          "--check-masking DIR --against SOURCE_FILE...)")
    done = import_pack(args.sources, args.pack)
    for c in done.columns:
        if c.cells_replaced or c.kind != "text":
            extra = f", {c.mentions_replaced} mention(s)" if c.kind == "text" else ""
            print(f"  {c.file}: {c.column}: {c.kind} ({c.detected_by}): "
                  f"{c.cells_replaced} cell(s) replaced{extra}")
    print(f"masked {done.cases} case(s) into {done.folder} (key fingerprint "
          f"{done.fingerprint}; {done.empty_rows} empty row(s) skipped); report: "
          f"{done.folder / 'masking-report.json'}")
    return EXIT_OK


def check_case_args(args: argparse.Namespace) -> None:
    if args.cases is None:
        if args.sample is not None or args.stratify is not None:
            raise ConfigError("--sample and --stratify go with --cases PACK_DIR")
        return
    if args.resume or args.shard or args.scenarios or args.private_variants or args.judge \
            or getattr(args, "plan", None) is not None:
        raise ConfigError("--cases replays a case pack: --resume, --shard, --scenarios, "
                          "--private-variants, --judge and --plan do not apply to it")
    if args.trials not in (None, 1):
        raise ConfigError("--cases replays each case once per vendor (no --trials)")
    if args.stratify is not None and args.sample is None:
        raise ConfigError("--stratify needs --sample N")


def run_cases(args: argparse.Namespace) -> int:
    """`run --cases PACK_DIR`: sample, profile, replay against each vendor, then the reports
    with the agreement sections, and review.yaml to fill in."""
    import asyncio

    from agentcheck import __version__
    from agentcheck.cases.pack import case_scenarios, load_pack
    from agentcheck.cases.sample import draw, profile
    from agentcheck.cli.console import agreement_table, print_table
    from agentcheck.cli.gates import check_gate_args, gate
    from agentcheck.cli.inputs import vendor_specs
    from agentcheck.judge.verdict import summarise_file
    from agentcheck.report import write_reports
    from agentcheck.report.agreement import agreement
    from agentcheck.results.cases import (
        QUALITY_FILE,
        REVIEW_FILE,
        review_template,
        write_outcomes,
    )
    from agentcheck.results.files import RunFolder, default_run_dir, now_iso, write_json
    from agentcheck.results.manifest import write_manifest
    from agentcheck.run.progress import ProgressDisplay
    from agentcheck.run.shadow import ShadowPlan, replay

    check_case_args(args)
    check_gate_args(args)
    if args.concurrency < 1:
        raise ConfigError("--concurrency must be at least 1")
    loaded = load_pack(args.cases)
    specs = vendor_specs(args.vendor)
    outside = [s.name for s in specs if not isinstance(s, str)]
    if outside and not loaded.pack.send_unmasked:
        if not loaded.pack.masked:
            raise ConfigError(f"the pack is not masked: its cases would reach "
                              f"{', '.join(outside)} with real identities. Mask it (agentcheck "
                              f"import EXPORT --pack {args.cases}), or set send_unmasked: true "
                              "in pack.yaml if that is allowed",
                              file=str(args.cases / "pack.yaml"), field="masked")
        from agentcheck.cases.importer import changed_since_masking

        changed = changed_since_masking(args.cases, loaded.pack.files())
        if changed:
            raise ConfigError(f"{', '.join(changed)} changed since agentcheck import masked "
                              f"the pack (masking-report.json records what it wrote): import "
                              f"the export again before sending the cases to "
                              f"{', '.join(outside)}", file=str(args.cases / "pack.yaml"),
                              field="masked")
    if not loaded.cases:
        raise ConfigError(f"no case with a human resolution in {loaded.pack.cases.file}")
    out: Path = args.out or default_run_dir()
    if (out / "trials.jsonl").exists():
        raise ConfigError(f"{out} already holds a run; choose another --out")
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    sample, strata = draw(loaded, args.sample, seed, args.stratify)
    quality = profile(loaded, sample, seed, args.stratify, strata)
    scenarios = case_scenarios(loaded, sample)
    folder = RunFolder(out)
    folder.prepare()
    demo = None
    if any(isinstance(s, str) for s in specs):
        from agentcheck.vendors.demo import DemoServer

        demo = DemoServer(list(scenarios.values()))
        for case in sample:  # the demo agent is told which case a first message is
            demo.known_tasks[case.text.strip() or "(the requester wrote nothing)"] = \
                scenarios[case.id]
    try:
        if demo:
            demo.start()
            by_name = {p.name: p for p in demo.profiles()}
            profiles = [by_name[s] if isinstance(s, str) else s for s in specs]
        else:
            profiles = list(specs)
        for p in profiles:
            p.api_key()
        run_json: dict[str, Any] = {
            "agentcheck_version": __version__, "seed": seed, "trials": 1,
            "scenarios": [{"id": s.id, "title": s.title, "version": s.version,
                           "hash": s.content_hash, "path": s.path}
                          for s in scenarios.values()],
            "vendors": [v.public() for v in profiles],
            "cases": {"pack": loaded.pack.name, "folder": str(args.cases),
                      "template": loaded.template.id, "masked": loaded.pack.masked,
                      "masking_key_fingerprint": loaded.pack.masking_key_fingerprint,
                      "population": len(loaded.cases), "sampled": len(sample),
                      "sample": args.sample, "stratify": args.stratify},
            "started_at": now_iso()}
        if args.lang:
            run_json["report_lang"] = args.lang
        write_json(out / "run.json", run_json)
        write_json(out / QUALITY_FILE, quality.model_dump(mode="json"))
        plan = ShadowPlan(loaded, sample, profiles, seed, args.concurrency)
        progress = None if args.quiet else ProgressDisplay(sys.stderr)
        try:
            outcomes = asyncio.run(replay(plan, folder, scenarios, progress))
        finally:
            if progress:
                progress.close()
        write_outcomes(out, outcomes)
        if not (out / REVIEW_FILE).exists():
            (out / REVIEW_FILE).write_text(review_template(outcomes), encoding="utf-8")
        summary = summarise_file(folder.trials_path, [p.name for p in profiles])
        run_json["finished_at"] = now_iso()
        run_json["complete"] = True
        write_json(out / "run.json", run_json)
        write_json(out / "summary.json", summary)
        write_reports(out, summary, run_json)
        folder.close()
        write_manifest(out, __version__)
    finally:
        if demo:
            demo.stop()
    print_table(summary, run_json)
    print()
    print(agreement_table(agreement(outcomes)))
    print(f"\nresults: {out}/ (cases.jsonl, data-quality.json, review.yaml, report.md, "
          "report.html)")
    return gate(args, summary, run_json)  # --fail-under / --fail-under-tier on the verdicts


def split_packs(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(the case-pack folders among `paths`, the other paths)."""
    packs = [p for p in paths if (p / "pack.yaml").is_file()]
    return packs, [p for p in paths if p not in packs]


def validate_packs(packs: list[Path], prove: bool) -> int:
    """`validate [--prove] PACK_DIR`: the pack loads (mapping, template, tables); with
    --prove, the template's reference beats doing nothing on a sample of its cases."""
    from agentcheck.cases.pack import load_pack
    from agentcheck.run.shadow import prove_pack

    bad = 0
    for folder in packs:
        try:
            loaded = load_pack(folder)
        except ConfigError as exc:
            print(exc.render(), file=sys.stderr)
            bad += 1
            continue
        print(f"case pack {folder}: {len(loaded.cases)} case(s) valid"
              f"{'' if loaded.pack.masked else ' (NOT masked)'}")
        if prove:
            proof = prove_pack(loaded)
            if proof.ok:
                print(f"proved {folder}: the reference reaches the team's resolution on "
                      f"{proof.reference_agreed} of {proof.cases} sampled cases, doing "
                      f"nothing on {proof.nothing_agreed}")
            else:
                bad += 1
                for problem in proof.problems:
                    print(f"{folder}: {problem}", file=sys.stderr)
    return EXIT_INVALID if bad else EXIT_OK
