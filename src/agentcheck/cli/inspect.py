"""Commands that look before a run: list the library, smoke-test vendor profiles (vendors
check), host one scenario's tools to try a vendor-run agent by hand (serve-tools)."""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path
from typing import Any

from agentcheck.cli.exits import EXIT_INVALID, EXIT_OK
from agentcheck.cli.inputs import DEFAULT_ADAPTERS, DEFAULT_SCENARIOS, resolve_vendor
from agentcheck.core.errors import ConfigError


def add_parsers(sub: Any) -> None:
    """list, vendors and serve-tools, in the order `agentcheck --help` lists them."""
    lst = sub.add_parser("list", help="list scenarios and vendor profiles")
    lst.add_argument("--coverage", action="store_true",
                     help="print the domains x probes table of the scenario library (Markdown)")
    lst.set_defaults(handler=list_library)

    vendors = sub.add_parser("vendors", help="work with vendor profiles")
    vendors_sub = vendors.add_subparsers(dest="vendors_command", required=True, metavar="ACTION")
    check = vendors_sub.add_parser(
        "check", help="smoke-test profiles before a long run: key present and accepted, model "
                      "found, one tool round trip (exit 0 if all ok, 1 otherwise)")
    check.add_argument("profiles", nargs="+", metavar="PROFILE",
                       help="profile files or names in adapters/")
    check.set_defaults(handler=vendors_check)

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
    serve.set_defaults(handler=serve_tools)


def vendors_check(args: argparse.Namespace) -> int:
    from agentcheck.run.smoke import check_command

    return check_command([resolve_vendor(v) for v in args.profiles])


def list_library(args: argparse.Namespace) -> int:
    from tabulate import tabulate

    from agentcheck.scenario.model import load_scenarios
    from agentcheck.vendors.demo_names import DEMO_VENDORS
    from agentcheck.vendors.profile import load_profile, profile_files

    scenarios, errors = load_scenarios([DEFAULT_SCENARIOS]) if DEFAULT_SCENARIOS.exists() \
        else ([], [])
    if args.coverage:
        from agentcheck.scenario.coverage import coverage_table, pairs_line

        print(coverage_table(scenarios))
        print()
        print(pairs_line(scenarios))
        return EXIT_INVALID if errors else EXIT_OK
    print(f"Scenarios ({len(scenarios)} in {DEFAULT_SCENARIOS}/; run a subset with "
          "--scenarios PATH)")
    print()
    print(tabulate([[s.id, s.domain, s.variant, ", ".join(s.probes), s.title]
                    for s in scenarios],
                   headers=["scenario", "domain", "variant", "probes", "title"]))
    if errors:
        print(f"({len({e.file for e in errors})} invalid scenario file(s); "
              "run agentcheck validate)", file=sys.stderr)
    print()
    print(f"Vendors (what --vendor accepts: a name below, or the path of any profile; the demo "
          f"vendors are built in, the others are profiles in {DEFAULT_ADAPTERS}/)")
    print()
    # the first column is what --vendor takes: a demo vendor's name, a profile's file name
    # without .yaml (resolve_vendor looks the name up as adapters/NAME.yaml)
    rows = [[name, name, "openai-chat", name, "built-in demo"] for name in DEMO_VENDORS]
    for f in profile_files(DEFAULT_ADAPTERS):
        try:
            prof = load_profile(f)
            rows.append([f.stem, prof.name, prof.protocol, prof.model, str(f)])
        except ConfigError as exc:
            rows.append([f.stem, "-", "INVALID", exc.detail[:60], str(f)])
    print(tabulate(rows, headers=["--vendor", "shown as", "protocol", "model", "profile"]))
    return EXIT_OK


def serve_tools(args: argparse.Namespace) -> int:
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
    from agentcheck.vendors.toolhost import serve_tools as host_tools
    from agentcheck.vendors.toolhost import session_report

    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    world = World(scenario, seed)
    traj = Trajectory()

    def out(line: str) -> None:
        print(line, flush=True)

    try:
        import asyncio

        asyncio.run(host_tools(world, traj, settings, out, args.duration))
    except KeyboardInterrupt:
        out("stopped")
    except OSError as exc:
        raise ConfigError(str(exc)) from None
    from agentcheck.judge.scoring import score_trial

    for line in session_report(traj, score_trial(scenario, world, traj).checks):
        out(line)
    return EXIT_OK
