"""Writes a run folder's reports, and re-renders any run from its trials."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agentcheck.core.errors import ConfigError
from agentcheck.judge.verdict import summarise
from agentcheck.report.csvfile import csv_text
from agentcheck.report.evidence import failed_trials
from agentcheck.report.htmlpage import html_page
from agentcheck.report.markdown import markdown
from agentcheck.results.files import read_json, read_trials, write_json, write_text

REPORT_FILES = ("report.md", "report.csv", "report.html")


def write_reports(folder: Path, summary: dict[str, Any], run: dict[str, Any],
                  records: list[dict[str, Any]] | None = None) -> list[Path]:
    """report.md, report.csv and report.html in folder; records default to its trials.jsonl."""
    if records is None:
        records = read_trials(folder / "trials.jsonl")
    failures = failed_trials(records, [v["name"] for v in summary["vendors"]])
    outputs = {"report.md": markdown(summary, run, failures), "report.csv": csv_text(summary),
               "report.html": html_page(summary, run, failures)}
    for name, text in outputs.items():
        write_text(folder / name, text)
    return [folder / name for name in outputs]


def load_run(run_dir: Path) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """(run.json, trial records, summary recomputed from the records)."""
    if not run_dir.is_dir():
        raise ConfigError(f"no run folder at {run_dir}")
    run = read_json(run_dir / "run.json")
    if not isinstance(run, dict):
        raise ConfigError("run.json is not an object", file=str(run_dir / "run.json"))
    records = read_trials(run_dir / "trials.jsonl")
    if not records:
        raise ConfigError(f"no finished trial in {run_dir / 'trials.jsonl'}")
    order = [str(v.get("name")) for v in run.get("vendors", []) if isinstance(v, dict)]
    return run, records, summarise(records, order)


def render_run(run_dir: Path, out: Path | None = None) -> tuple[dict[str, Any], list[Path]]:
    """Recompute summary.json from trials.jsonl and write it with every report to out
    (default: the run folder itself)."""
    run, records, summary = load_run(run_dir)
    out = out or run_dir
    try:
        out.mkdir(parents=True, exist_ok=True)
        write_json(out / "summary.json", summary)
        paths = write_reports(out, summary, run, records)
    except OSError as exc:
        raise ConfigError(f"cannot write reports to {out}: {exc.strerror}") from None
    return summary, [out / "summary.json", *paths]
