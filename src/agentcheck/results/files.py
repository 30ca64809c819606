"""The run folder: run.json (what was run), trials.jsonl (one line per finished trial, flushed as
it lands, so a crash loses nothing), summary.json (the verdicts). Tools rely on this contract."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import sys
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TextIO, TypeVar

from agentcheck.core.errors import ConfigError
from agentcheck.core.redaction import redact, redact_data
from agentcheck.results.records import (
    IDENTITY_FIELDS,
    DictAccess,
    RecordError,
    TrialRecord,
    harness_error_fields,
    parse_record,
)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def default_run_dir(root: Path = Path("results")) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return root / f"{stamp}-{secrets.token_hex(3)}"


def write_text(path: Path, text: str) -> None:
    """Atomic: readers never see half a file. Any str can be written: a character UTF-8
    cannot encode (a lone surrogate that slipped past the cleaning at the boundary) is written
    as "?" rather than stopping the run before its summary and reports."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", errors="replace")
    os.replace(tmp, path)


def write_parts(path: Path, parts: Iterable[str]) -> None:
    """write_text for a text made in pieces (a long report): written as they come, never
    joined in memory; atomic like write_text."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", errors="replace") as fh:
        for part in parts:
            fh.write(part)
    os.replace(tmp, path)


def write_json(path: Path, data: Any) -> None:
    if isinstance(data, DictAccess):  # a summary model: its JSON form, keys in their order
        data = data.to_json()
    write_text(path, json.dumps(redact_data(data), indent=2, ensure_ascii=False) + "\n")


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path.name} not found in {path.parent}", file=str(path)) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {path.name}: {exc}", file=str(path)) from None


def read_trials(path: Path) -> list[dict[str, Any]]:
    """Every finished trial, once: the last line of each (vendor, scenario, trial) wins.

    trials.jsonl is only ever appended to (a crash can cost at most the line being written), so
    a trial that `run --resume` runs again (it ended in an agentcheck error) gets a second line,
    and that newer line replaces the old record for every reader. A line cut by a crash (the
    last one), and any line that is not a trial record, is skipped: resume runs that trial
    again.

    The lines as plain dicts, unvalidated and all in memory: for scripts and tests that look at
    the raw JSON. agentcheck's own readers use read_records or fold_trials (typed, streamed)."""
    if not path.exists():
        return []
    latest: dict[tuple[str, str, int], dict[str, Any]] = {}
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if not line.endswith("\n"):
                break
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if is_trial_record(record):
                latest[trial_key(record)] = record  # a re-run keeps its trial's place
    return list(latest.values())


class RecordSink(Protocol):
    """What fold_trials feeds: a summary tally, a report's evidence, a list."""

    def add(self, record: TrialRecord) -> None: ...


SinkT = TypeVar("SinkT", bound=RecordSink)


class RecordList:
    """A sink that keeps every record: for readers that need them all at once (shard merge)."""

    def __init__(self) -> None:
        self.records: list[TrialRecord] = []

    def add(self, record: TrialRecord) -> None:
        self.records.append(record)


def read_records(path: Path) -> list[TrialRecord]:
    """Every finished trial as a model, once (the rules of read_trials); all in memory, so
    for merges and small runs. Summaries and reports fold the file instead (fold_trials)."""
    return fold_trials(path, RecordList).records


def fold_trials(path: Path, make: Callable[[], SinkT]) -> SinkT:
    """Feed every finished trial of trials.jsonl to a sink made by `make`, once each, in
    the order read_trials gives them (first appearance, last record of a re-run trial), without
    holding the file: memory stays flat however many trials the run has.

    Most files have one line per trial: one pass, remembering only a hash of each trial's
    key. When a trial appears twice (`run --resume` ran it again), that sink is dropped and
    _fold_reruns reads the file again to feed the right lines by their offsets. A line that
    names a trial but is not a valid record (a newer agentcheck's field, a hand edit) is a
    ConfigError naming the file and line."""
    sink = make()
    if not path.exists():
        return sink
    seen: set[int] = set()  # hashes of the keys: a few bytes a trial, not a tuple and offset
    rerun = False
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.endswith(b"\n"):
                break  # cut by a crash: resume runs that trial again
            record = _record_at(raw, path, number)
            if record is None:
                continue
            digest = hash(record.key)
            if digest in seen:  # a re-run (or, rarely, two keys with one hash): redo exactly
                rerun = True
                break
            seen.add(digest)
            sink.add(record)
    if not rerun:
        return sink
    del seen
    return _fold_reruns(path, make)


def _fold_reruns(path: Path, make: Callable[[], SinkT]) -> SinkT:
    """fold_trials for a file where some trial appears more than once: one pass finds each
    trial's first place and last line, a second feeds those lines in that order."""
    where: dict[tuple[str, str, int], int] = {}  # key -> offset of its latest line
    with path.open("rb") as fh:
        offset = 0
        for number, raw in enumerate(fh, start=1):
            start, offset = offset, offset + len(raw)
            if not raw.endswith(b"\n"):
                break
            record = _record_at(raw, path, number)
            if record is not None:
                where[record.key] = start  # a re-run keeps its trial's place
        sink = make()
        for start in where.values():
            fh.seek(start)
            record = _record_at(fh.readline(), path, 0)
            assert record is not None  # it was read as a trial record just now
            sink.add(record)
    return sink


def _record_at(raw: bytes, path: Path, number: int) -> TrialRecord | None:
    """The trial record on one line; None for a line that is no trial record (skipped, as
    read_trials does)."""
    try:
        data = json.loads(raw.decode("utf-8", errors="replace"))
    except ValueError:
        return None
    if not is_trial_record(data):
        return None
    data["vendor"] = sys.intern(data["vendor"])  # shared by every record that holds them
    data["scenario"] = sys.intern(data["scenario"])
    try:
        return parse_record(data)
    except RecordError as exc:
        raise ConfigError(f"{path.name} line {number} is not a trial record this agentcheck "
                          f"reads: {exc}", file=str(path)) from None


def trial_states(path: Path) -> dict[tuple[str, str, int], str]:
    """Each finished trial's termination, by (vendor, scenario, trial): what resume needs to
    know which trials to run, without holding their records."""
    return fold_trials(path, _States).states


class _States:
    def __init__(self) -> None:
        self.states: dict[tuple[str, str, int], str] = {}

    def add(self, record: TrialRecord) -> None:
        self.states[record.key] = record.termination


def is_trial_record(value: Any) -> bool:
    """Has the key every reader relies on (a hand-edited or foreign line may not)."""
    return (isinstance(value, dict) and isinstance(value.get("vendor"), str)
            and isinstance(value.get("scenario"), str)
            and isinstance(value.get("trial"), int) and not isinstance(value.get("trial"), bool))


def trial_key(record: dict[str, Any]) -> tuple[str, str, int]:
    return record["vendor"], record["scenario"], int(record["trial"])


class _Syncer:
    """fsyncs a file on its own thread when asked, at most once per `interval` seconds: lines
    flushed meanwhile share one sync (each sync covers every line flushed before it began)."""

    def __init__(self, fd: int, interval: float = 0.5) -> None:
        self.fd = os.dup(fd)
        self.interval = interval
        self.wanted = threading.Event()
        self.closing = threading.Event()
        self.stopping = False
        self.thread = threading.Thread(target=self._run, name="agentcheck-fsync", daemon=True)
        self.thread.start()

    def request(self) -> None:
        self.wanted.set()

    def _run(self) -> None:
        while True:
            self.wanted.wait()
            if not self.stopping:
                self.closing.wait(self.interval)  # let more lines join this sync
            self.wanted.clear()
            last = self.stopping  # read before the sync, so the last sync follows close()
            with contextlib.suppress(OSError):
                os.fsync(self.fd)
            if last:
                return

    def close(self) -> None:
        self.stopping = True
        self.closing.set()
        self.wanted.set()
        self.thread.join()
        os.close(self.fd)


RECORD_KEYS = IDENTITY_FIELDS
"""What names a trial (and what it cost): kept when the rest of its record cannot be written."""

_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})
"""Characters that some readers (Python's str.splitlines, JavaScript) take for line ends:
escaped, so one trial is one line for every JSON Lines reader."""


class _RecordEncoder(json.JSONEncoder):
    """json.dumps(ensure_ascii=False), built once, that writes a nested model (a record's second
    reading) as its `to_json()` when it meets one, so a record's values are not walked twice
    (once to find models, once to encode); anything else it cannot encode fails as before."""

    def default(self, o: Any) -> Any:
        if isinstance(o, DictAccess):
            return o.shallow_json()
        return super().default(o)


_ENCODER = _RecordEncoder(ensure_ascii=False)


def record_line(record: dict[str, Any] | DictAccess) -> str:
    """One trial's JSON line; a record that cannot be serialised whole does not end the run.
    Nesting too deep for the encoder comes only from what a vendor sent: that trial is its
    malformed reply and fails (a vendor must not turn its trials into agentcheck's errors and
    so out of its verdict). A value JSON has no form for is agentcheck's own fault: a harness
    error, which `run --resume` runs again."""
    if isinstance(record, DictAccess):
        record = record.shallow_json()
    try:
        return _ENCODER.encode(record).translate(_LINE_BREAKS)
    except (TypeError, ValueError, RecursionError) as exc:
        why = f"({type(exc).__name__}: {str(exc)[:200]})"
        stub = {**harness_error_fields("RecordNotWritable", "the trial's record could not be "
                                       f"written {why}"),
                **{k: record[k] for k in RECORD_KEYS if k in record}}
        if isinstance(exc, RecursionError):
            stub.update({"termination": "vendor_error", "error_cause": "malformed",
                         "error_message": f"the vendor's reply could not be recorded {why}"})
        return json.dumps(stub, ensure_ascii=False, default=str).translate(_LINE_BREAKS)


MIN_FREE_BYTES = 50_000_000
"""A run of thousands of trials writes tens of MB (trials carry their trajectories)."""

class RunFolder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.trials_path = path / "trials.jsonl"
        self._fh: TextIO | None = None
        self._syncer: _Syncer | None = None

    def prepare(self, min_free_bytes: int = MIN_FREE_BYTES) -> None:
        """Fail before the first vendor call if results cannot be written: the folder is not
        writable, or its disk is (nearly) full, so no paid vendor call is wasted."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            probe = self.path / ".write-test"
            probe.write_text("ok", encoding="utf-8")
            probe.unlink()
            free = shutil.disk_usage(self.path).free
        except OSError as exc:
            raise ConfigError(f"cannot write results to {self.path}: {exc.strerror}") from None
        if free < min_free_bytes:
            raise ConfigError(f"only {free // 1_000_000} MB free for results in {self.path}; "
                              f"a run needs at least {min_free_bytes // 1_000_000} MB "
                              "(choose another --out or free some space)")
        if self.trials_path.exists():
            self._truncate_partial_line()

    def _truncate_partial_line(self) -> None:
        """Drop a line cut by a crash, reading only the file's tail (runs grow to many MB)."""
        with self.trials_path.open("r+b") as fh:
            end = fh.seek(0, os.SEEK_END)
            pos = end
            while pos > 0:
                step = min(65_536, pos)
                fh.seek(pos - step)
                block = fh.read(step)
                if pos == end and block.endswith(b"\n"):
                    return
                cut = block.rfind(b"\n")
                if cut >= 0:
                    fh.truncate(pos - step + cut + 1)
                    return
                pos -= step
            fh.truncate(0)

    def append(self, record: dict[str, Any] | DictAccess) -> None:
        """Write one trial's line and flush it to the OS at once: from here it survives the
        process being killed. The disk sync (surviving a power cut too) follows within half a
        second on a background thread, shared by the lines flushed meanwhile, so the event loop
        never waits for the disk (bench/README.md has the cost of both)."""
        if self._fh is None:
            self._fh = self.trials_path.open("a", encoding="utf-8", errors="replace")
            self._syncer = _Syncer(self._fh.fileno())
        # redacting the serialised line is what redact_data does, without a second round trip
        self._fh.write(redact(record_line(record)) + "\n")
        self._fh.flush()
        if self._syncer is not None:
            self._syncer.request()

    def close(self) -> None:
        if self._syncer is not None:
            self._syncer.close()  # the last sync has happened when this returns
            self._syncer = None
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def trials(self) -> list[dict[str, Any]]:
        return read_trials(self.trials_path)
