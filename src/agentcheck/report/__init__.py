"""Reports for people, rendered from a run folder's results only (run.json, trials.jsonl,
summary.json), never from scenario files or vendors: the terminal table, report.md,
report.csv and report.html, plus the comparison of two runs."""

from __future__ import annotations

from agentcheck.report.csvfile import csv_text
from agentcheck.report.markdown import markdown
from agentcheck.report.render import render_run, write_reports
from agentcheck.report.table import HEADERS, rows, table

__all__ = ["HEADERS", "csv_text", "markdown", "render_run", "rows", "table", "write_reports"]
