"""Commands for writing scenarios and plans: validate (and --prove), new scenario, new plan,
schema."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentcheck.cli.exits import EXIT_INVALID, EXIT_OK
from agentcheck.cli.inputs import DEFAULT_ADAPTERS, DEFAULT_SCENARIOS, is_profile
from agentcheck.core.errors import ConfigError

if TYPE_CHECKING:
    from agentcheck.scenario.model import Scenario


def add_parsers(sub: Any) -> None:
    """validate, new and schema, in the order `agentcheck --help` lists them."""
    val = sub.add_parser("validate", help="check scenario files and vendor profiles")
    val.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                     help="files or folders (default: scenarios/ and adapters/)")
    val.add_argument("--prove", action="store_true",
                     help="also prove each scenario fair and discriminating: its reference "
                          "passes under several seeds, do-nothing and chat-only vendors fail, "
                          "every minefield is reachable")
    val.set_defaults(handler=validate_command)

    new = sub.add_parser("new", help="scaffold a new file")
    new_sub = new.add_subparsers(dest="kind", required=True, metavar="KIND")
    new_sc = new_sub.add_parser("scenario", help="write a commented, working scenario to edit")
    new_sc.add_argument("id", help="kebab-case scenario id (the file name)")
    new_sc.add_argument("--domain", default="general", help="folder under scenarios/")
    new_sc.add_argument("--dir", type=Path, default=DEFAULT_SCENARIOS, help="scenario root")
    new_sc.set_defaults(handler=new_scenario)
    from agentcheck.cli.cases import add_new_parser

    add_new_parser(new_sub)

    new_plan = new_sub.add_parser("plan", help="write a commented evaluation plan (vendors, "
                                               "scenarios, business gates, weights) to edit")
    new_plan.add_argument("path", nargs="?", type=Path, default=Path("evaluation.yaml"),
                          help="where to write it (default: evaluation.yaml)")
    new_plan.set_defaults(handler=new_plan_command)

    sch = sub.add_parser("schema", help="print the JSON Schema of scenario files (or of "
                                        "evaluation plans: schema plan)")
    sch.add_argument("kind", nargs="?", choices=("scenario", "plan"), default="scenario",
                     help="scenario (default) or plan")
    sch.set_defaults(handler=schema)


def validate_command(args: argparse.Namespace) -> int:
    from agentcheck.cli.cases import split_packs, validate_packs

    packs, paths = split_packs(args.paths)  # case-pack folders (pack.yaml): cli/cases.py
    code = validate_packs(packs, args.prove) if packs else EXIT_OK
    return max(code, validate(paths, prove=args.prove)) if paths or not packs else code


def new_scenario(args: argparse.Namespace) -> int:
    from agentcheck.scenario.scaffold import new_scenario as scaffold

    path = scaffold(args.id, args.domain, args.dir)
    print(f"wrote {path}\nnext: edit it, then agentcheck validate --prove {path}")
    return EXIT_OK


def new_plan_command(args: argparse.Namespace) -> int:
    from agentcheck.decision.scaffold import new_plan

    path = new_plan(args.path)
    print(f"wrote {path}\nnext: edit it, then agentcheck run --plan {path}")
    return EXIT_OK


def schema(args: argparse.Namespace) -> int:
    if getattr(args, "kind", "scenario") == "plan":
        from agentcheck.decision.plan import json_schema as plan_schema

        print(json.dumps(plan_schema(), indent=2))
        return EXIT_OK
    from agentcheck.scenario.model import json_schema

    print(json.dumps(json_schema(), indent=2))
    return EXIT_OK


def validate(paths: list[Path], prove: bool = False) -> int:
    from agentcheck.scenario.model import load_scenarios, scenario_files
    from agentcheck.vendors.profile import load_profile

    if not paths:
        paths = [p for p in (DEFAULT_SCENARIOS, DEFAULT_ADAPTERS) if p.exists()]
        if not paths:
            raise ConfigError("nothing to validate: no scenarios/ or adapters/ here")
    files = scenario_files(paths)
    profiles = [f for f in files if is_profile(f)]
    scenario_paths = [f for f in files if f not in profiles]
    scenarios, errors = load_scenarios(scenario_paths)
    errors.extend(_lint(scenarios))
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
    linted = {e.file for e in errors}
    print(f"{len([s for s in scenarios if s.path not in linted])} scenario(s) and "
          f"{n_profiles} profile(s) valid, "
          f"{bad_files} file(s) with errors")
    unproven = 0
    if prove:
        from agentcheck.run.prove import prove as prove_one

        for sc in scenarios:
            proof = prove_one(sc)
            if proof.ok:
                print(f"proved {sc.id}: reference passes on {proof.seeds} seeds and under "
                      f"{proof.keys} private-variant keys ({proof.variants:,} distinct "
                      f"variants); do-nothing and chat-only fail; {len(proof.noop_pass)} check(s) "
                      f"pass when nothing is done, {len(proof.noop_fail)} fail")
            else:
                unproven += 1
                for problem in proof.problems:
                    print(f"{sc.path}: {problem}", file=sys.stderr)
        print(f"{len(scenarios) - unproven} of {len(scenarios)} scenario(s) proved")
    return EXIT_INVALID if errors or unproven else EXIT_OK


def _lint(scenarios: list[Scenario]) -> list[ConfigError]:
    """The static checks (scenario/lint.py) of every scenario that loaded."""
    from agentcheck.scenario.lint import lint

    errors: list[ConfigError] = []
    for sc in scenarios:
        errors.extend(lint(sc))
    return errors
