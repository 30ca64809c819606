#!/usr/bin/env bash
# Regenerate the committed example run, results/examples/demo-vendors/: the three built-in demo
# vendors over the whole scenario library, one trial each, with every file a run folder holds
# (run.json, trials.jsonl, summary.json, report.md, report.html, report.csv, manifest.json).
#
#   scripts/regenerate-example.sh          # from the repository root; then commit the folder
#   scripts/regenerate-example.sh OUT_DIR  # write elsewhere (tests/results/test_example_current.py)
#
# Fixed seed and one trial at a time, so trials.jsonl's lines come in a fixed order and only
# times, latencies and the demo servers' loopback port change between two regenerations.
# tests/results/test_example_current.py fails when code or scenarios change these outputs and
# the example was not regenerated. Paths in run.json are relative to the repository root (no
# absolute path or machine name is written). PYTHON picks the interpreter (default: .venv's).
set -euo pipefail

SEED=20261202
cd "$(dirname "$0")/.."
out="${1:-results/examples/demo-vendors}"
python="${PYTHON:-.venv/bin/python}"
[ -x "$python" ] || python=python3

tmp="$(mktemp -d "${TMPDIR:-/tmp}/agentcheck-example.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
"$python" -m agentcheck.cli run --seed "$SEED" --concurrency 1 --trials 1 \
    --scenarios scenarios --out "$tmp/run" --quiet >/dev/null
rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$tmp/run" "$out"
echo "example run written to $out"
