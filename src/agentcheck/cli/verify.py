"""`agentcheck verify RUN_DIR`: check an evidence pack against its manifest (and, given the
public key the reader trusts, its signature). Exit 0 unaltered, 1 with every problem listed,
2 when there is no manifest to check against."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from agentcheck.cli.exits import EXIT_INVALID, EXIT_OK
from agentcheck.core.errors import ConfigError


def add_parser(sub: Any) -> None:
    ver = sub.add_parser("verify", help="check a run folder against its manifest.json: any "
                                        "altered, missing or extra file fails")
    ver.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run folder")
    ver.add_argument("--public-key", type=Path, default=None, metavar="FILE",
                     help="also check the manifest was signed by this Ed25519 public key "
                          "(PEM, as openssl pkey -pubout writes it)")
    ver.set_defaults(handler=verify_command)


def verify_command(args: argparse.Namespace) -> int:
    from agentcheck.results.manifest import read_manifest, verify

    run_dir: Path = args.run_dir
    if not run_dir.is_dir():
        raise ConfigError(f"no run folder at {run_dir}")
    public_key = None
    if args.public_key is not None:
        try:
            public_key = args.public_key.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read the public key: {exc}",
                              file=str(args.public_key)) from None
    problems = verify(run_dir, public_key)
    for line in problems:
        print(line)
    if problems:
        print(f"agentcheck: {run_dir} does not match its manifest: {len(problems)} "
              "problem(s)", file=sys.stderr)
        return EXIT_INVALID
    manifest = read_manifest(run_dir)
    signed = (f", signed by key {manifest.signature.key_id}"
              if public_key is not None and manifest.signature is not None else "")
    print(f"verified: {len(manifest.files)} files, unaltered{signed}")
    return EXIT_OK
