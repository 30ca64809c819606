"""The run folder: run.json (what was run), trials.jsonl (one line per finished trial, flushed as
it lands, so a crash loses nothing), summary.json (the verdicts). Tools rely on this contract."""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from .errors import ConfigError
from .redaction import redact_data


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def default_run_dir(root: Path = Path("results")) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return root / f"{stamp}-{secrets.token_hex(3)}"


def write_json(path: Path, data: Any) -> None:
    """Atomic: readers never see half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(redact_data(data), indent=2, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path.name} not found in {path.parent}", file=str(path)) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {path.name}: {exc}", file=str(path)) from None


def read_trials(path: Path) -> list[dict[str, Any]]:
    """Every complete line; a line cut by a crash (the last one) is ignored."""
    if not path.exists():
        return []
    records = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.endswith("\n"):
                break
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
    return records


def trial_key(record: dict[str, Any]) -> tuple[str, str, int]:
    return record["vendor"], record["scenario"], int(record["trial"])


class RunFolder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.trials_path = path / "trials.jsonl"
        self._fh: TextIO | None = None

    def prepare(self) -> None:
        """Fail before the first vendor call if results cannot be written."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            probe = self.path / ".write-test"
            probe.write_text("ok", encoding="utf-8")
            probe.unlink()
        except OSError as exc:
            raise ConfigError(f"cannot write results to {self.path}: {exc.strerror}") from None
        if self.trials_path.exists():
            self._truncate_partial_line()

    def _truncate_partial_line(self) -> None:
        data = self.trials_path.read_bytes()
        if data and not data.endswith(b"\n"):
            keep = data.rfind(b"\n") + 1
            with self.trials_path.open("r+b") as fh:
                fh.truncate(keep)

    def append(self, record: dict[str, Any]) -> None:
        if self._fh is None:
            self._fh = self.trials_path.open("a", encoding="utf-8")
        self._fh.write(json.dumps(redact_data(record), ensure_ascii=False) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def trials(self) -> list[dict[str, Any]]:
        return read_trials(self.trials_path)
