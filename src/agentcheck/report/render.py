"""Writes a run folder's reports, and re-renders any run from its trials.

Both read trials.jsonl as a stream (results/files.py fold_trials): the summary from a tally of
the records, the reports from that summary plus a bounded sample of failed trials, so the end of
a run of 50,000 trials needs no more memory than one of 500 (bench/memory.py measures it)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from agentcheck.core.errors import ConfigError
from agentcheck.decision.model import Decision
from agentcheck.judge.agreement import AgreementSink
from agentcheck.judge.verdict import summarise_file
from agentcheck.report.agreement import case_sections
from agentcheck.report.csvfile import csv_text
from agentcheck.report.evidence import FailureSink, failed_trials
from agentcheck.report.htmlpage import html_parts
from agentcheck.report.markdown import markdown
from agentcheck.report.messages import check_lang, language
from agentcheck.report.sections import RaisedUsage, build_sections
from agentcheck.report.xlsx import TrialSink, write_workbook
from agentcheck.results.files import fold_trials, read_json, write_json, write_parts, write_text
from agentcheck.results.records import TrialRecord, as_record
from agentcheck.results.summary import Summary

REPORT_FILES = ("report.md", "report.csv", "report.html", "report.xlsx")


def write_reports(folder: Path, summary: Summary, run: dict[str, Any],
                  records: Iterable[TrialRecord | dict[str, Any]] | None = None,
                  trials: Path | None = None, lang: str | None = None,
                  decision: Decision | None = None) -> list[Path]:
    """report.md, report.csv, report.html and report.xlsx (report/xlsx.py) in folder. The
    failed trials they show come from records when given, else from streaming `trials`
    (default: the folder's trials.jsonl).
    report.md and report.html are in `lang`, else in the language run.json records
    (`report_lang`, written by `run --lang`), else English; report.csv is always English (its
    cells are the results contract). `decision`: the run judged under an evaluation plan
    (decision/judge.py), shown after the verdict."""
    lang = lang or (run.get("report_lang") if isinstance(run.get("report_lang"), str)
                    else None)
    order = [v.name for v in summary.vendors]
    given: list[TrialRecord] | None = None
    seen: TrialSink | None = None
    if records is None:
        source = trials or folder / "trials.jsonl"
        # fresh sinks per make(): fold_trials starts over when a trial was run again
        both = fold_trials(source, lambda: _Both(FailureSink(order), AgreementSink(order),
                                                 TrialSink(), RaisedUsage()))
        failures, agreement, seen = both.failures.failures(), both.agreement, both.trials
        raised = both.raised
    else:
        agreement, raised = AgreementSink(order), RaisedUsage()
        given = [as_record(r) for r in records]
        failures = failed_trials(given, order)
        for record in given:
            agreement.add(record)
            raised.add(record)
    # a case pack's replay: agreement with the team, read beside trials.jsonl (agreement.py)
    with language(lang):
        cases = case_sections((trials or folder / "trials.jsonl").parent)
        sections = build_sections(summary, run, agreement, raised)
        write_text(folder / "report.md", markdown(summary, run, failures, sections, decision,
                                                  cases))
        write_parts(folder / "report.html", html_parts(summary, run, failures, sections,
                                                       decision, cases))
    write_text(folder / "report.csv", csv_text(summary))
    write_workbook(folder / "report.xlsx", summary, run, given, trials or folder / "trials.jsonl",
                   decision, seen)
    return [folder / name for name in REPORT_FILES]


class _Both:
    """One pass over trials.jsonl feeds the failed trials, the second reader's agreement,
    what the workbook reads and the trials priced at the usage floor."""

    def __init__(self, failures: FailureSink, agreement: AgreementSink,
                 trials: TrialSink, raised: RaisedUsage) -> None:
        self.failures = failures
        self.agreement = agreement
        self.trials = trials
        self.raised = raised

    def add(self, record: TrialRecord) -> None:
        self.failures.add(record)
        self.agreement.add(record)
        self.trials.add(record)
        self.raised.add(record)


def load_run(run_dir: Path) -> tuple[dict[str, Any], Summary]:
    """(run.json, summary recomputed from the trial records)."""
    if not run_dir.is_dir():
        raise ConfigError(f"no run folder at {run_dir}")
    run = read_json(run_dir / "run.json")
    if not isinstance(run, dict):
        raise ConfigError("run.json is not an object", file=str(run_dir / "run.json"))
    order = [str(v.get("name")) for v in run.get("vendors", []) if isinstance(v, dict)]
    summary = summarise_file(run_dir / "trials.jsonl", order)
    if not summary.vendors:
        raise ConfigError(f"no finished trial in {run_dir / 'trials.jsonl'}")
    return run, summary


def render_run(run_dir: Path, out: Path | None = None, lang: str | None = None,
               decision: Decision | None = None) -> tuple[Summary, list[Path]]:
    """Recompute summary.json from trials.jsonl and write it with every report to out
    (default: the run folder itself), in `lang` (default: the run's recorded language), with
    the decision under a plan when given."""
    check_lang(lang)
    run, summary = load_run(run_dir)
    out = out or run_dir
    try:
        out.mkdir(parents=True, exist_ok=True)
        write_json(out / "summary.json", summary)
        paths = write_reports(out, summary, run, trials=run_dir / "trials.jsonl", lang=lang,
                              decision=decision)
    except OSError as exc:
        raise ConfigError(f"cannot write reports to {out}: {exc.strerror}") from None
    return summary, [out / "summary.json", *paths]

