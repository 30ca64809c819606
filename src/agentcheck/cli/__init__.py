"""The `agentcheck` command: the parser wired from one module per group of commands, and the
one place that turns errors into exit codes. Configuration errors are printed without a
traceback (exit 2).

Each command module imports what its command needs inside the command, so `agentcheck --help`
loads no runner, report or demo server.
"""

from __future__ import annotations

import argparse
import os
import sys

from agentcheck import __version__
from agentcheck.cli import authoring, cases, history, inspect, report, run, variants, verify
from agentcheck.cli.exits import (
    EXIT_GATE,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
)
from agentcheck.core.errors import ConfigError

__all__ = ["EXIT_GATE", "EXIT_INTERRUPTED", "EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="agentcheck",
        description="Run AI-agent vendors through the same enterprise tasks in a simulated "
                    "world and score what they actually do.")
    p.add_argument("--version", action="version", version=f"agentcheck {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run.add_parser(sub)
    report.add_parsers(sub)
    history.add_parser(sub)
    verify.add_parser(sub)
    authoring.add_parsers(sub)
    inspect.add_parsers(sub)
    cases.add_parsers(sub)
    variants.add_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        code: int = args.handler(args)
        return code
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
