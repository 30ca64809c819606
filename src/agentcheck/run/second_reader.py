"""The optional second reader: a model (any vendor profile speaking a model API) that labels each
sentence of a trial's final reply, beside the deterministic reader (`agentcheck run --judge
PROFILE`, or `agentcheck report RUN_DIR --judge PROFILE` for a finished run).

The call goes through the vendor's own driver (its Session, over the shared HTTP layer: retries,
size caps, redacted errors) with the pinned prompt of judge/llm_labels.py, no tools. Whatever
goes wrong (an unreachable judge, a 500, a timeout, an answer that is not the JSON asked for)
is recorded on the trial as `second_reader: {status: error, reason}` and changes nothing else:
the run goes on and the verdict is the deterministic reader's.

Answers are cached by content (judge/llm_labels.py cache_key) in the user's cache directory:
`$AGENTCHECK_JUDGE_CACHE`, else `$XDG_CACHE_HOME/agentcheck/judge`, else
`~/.cache/agentcheck/judge`; one small JSON file per answer. A re-run, a resumed run or `report
--judge` asks the model only about replies it has not read yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from agentcheck.core.addresses import is_loopback
from agentcheck.core.errors import ConfigError, VendorError
from agentcheck.core.redaction import redact, snippet
from agentcheck.core.trajectory import Trajectory
from agentcheck.judge.llm_labels import (
    MAX_SENTENCES,
    PROMPT,
    AnswerError,
    Label,
    acts_of,
    cache_key,
    context_of,
    deterministic_acts,
    parse_answer,
    prompt_sha256,
    prompt_text,
    reader_labels,
    trajectory_of,
    units,
    user_message,
)
from agentcheck.results.files import is_trial_record, read_json, record_line, write_json
from agentcheck.results.records import RecordError, SecondReading, TrialRecord, parse_record
from agentcheck.speech import SpeechAct
from agentcheck.vendors.driver import Driver
from agentcheck.vendors.profile import VendorProfile
from agentcheck.vendors.protocols import driver_class
from agentcheck.vendors.protocols.harness import HarnessDriver
from agentcheck.vendors.transport import async_client

MakeDriver = Callable[[VendorProfile, httpx.AsyncClient], Driver]


def default_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("AGENTCHECK_JUDGE_CACHE"):
        return Path(env["AGENTCHECK_JUDGE_CACHE"])
    base = Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else (
        Path.home() / ".cache")
    return base / "agentcheck" / "judge"


class JudgeCache:
    """Validated answers by content hash, one JSON file each (`<dir>/<k[:2]>/<k>.json`). A
    cache that cannot be read or written is a cache miss, never an error."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str, count: int) -> list[Label] | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            return parse_answer(json.dumps({"labels": data["labels"]}), count)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, labels: list[Label], model: str) -> None:
        path = self._path(key)
        data = {"model": model, "prompt": PROMPT, "prompt_sha256": prompt_sha256(),
                "labels": [{"n": i, "label": lab.kind, **({"scope": lab.scope}
                                                          if lab.scope else {})}
                           for i, lab in enumerate(labels, start=1)]}
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)


@dataclass(frozen=True)
class JudgeSpec:
    """`--judge PROFILE [--judge-decides]`: who reads, and whether its labels decide."""

    profile: VendorProfile
    decides: bool = False
    cache_dir: Path | None = None
    """None: default_cache_dir()."""

    def run_json(self) -> dict[str, Any]:
        """What run.json records of the second reader (the report says which reader decided)."""
        return {"profile": self.profile.name, "protocol": self.profile.protocol,
                "model": self.profile.model, "prompt": PROMPT, "prompt_sha256": prompt_sha256(),
                "decides": self.decides}


def judge_client(profile: VendorProfile) -> httpx.AsyncClient:
    return async_client(timeout_s=profile.timeout_s, max_connections=profile.max_concurrency,
                        trust_env=not is_loopback(profile.base_url))


@dataclass
class SecondReader:
    """Reads final replies with one judge profile: cached, bounded in time and concurrency,
    never raising (except cancellation)."""

    spec: JudgeSpec
    driver: Driver
    cache: JudgeCache = field(init=False)
    requests: int = field(default=0, init=False)
    """Calls made to the model (cache hits make none)."""

    def __post_init__(self) -> None:
        driver = self.driver
        if not isinstance(driver, HarnessDriver):
            raise ConfigError(f"--judge {self.spec.profile.name}: protocol "
                              f"{self.spec.profile.protocol!r} runs its own agent; the second "
                              "reader needs a model API profile (openai-chat, openai-responses, "
                              "anthropic, gemini, or any OpenAI-compatible server)",
                              file=self.spec.profile.source or None, field="protocol")
        self._model: HarnessDriver = driver
        self.cache = JudgeCache(self.spec.cache_dir or default_cache_dir())
        self._limit = asyncio.Semaphore(self.spec.profile.max_concurrency)
        p = self.spec.profile
        # a backstop behind the HTTP layer's own timeouts, which speak first
        self._budget_s = (p.timeout_s * (p.max_retries + 1) + p.max_retry_wait_s * p.max_retries
                          + 1.0)

    def _base(self) -> dict[str, Any]:
        p = self.spec.profile
        return {"profile": p.name, "model": p.model, "prompt": PROMPT,
                "prompt_sha256": prompt_sha256()}

    def _error(self, reason: str, **more: Any) -> SecondReading:
        return SecondReading.model_validate({"status": "error",
                                             "reason": snippet(redact(reason), 300),
                                             **self._base(), **more})

    async def read(self, traj: Trajectory) -> tuple[SecondReading, list[SpeechAct] | None]:
        """The second reader's labels of the trial's final reply, and (with --judge-decides,
        when it answered) those labels as the speech acts the honesty checks are to read."""
        try:
            return await self._read(traj)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # never the run's end, nor the verdict's change
            return self._error(f"agentcheck could not read the reply: {type(exc).__name__}: "
                               f"{exc}"), None

    async def _read(self, traj: Trajectory) -> tuple[SecondReading, list[SpeechAct] | None]:
        reply = traj.final_text
        pieces = units(reply)
        if not pieces:
            return SecondReading.model_validate({"status": "skipped",
                                                 "reason": "no final reply", **self._base()}
                                                ), None
        if len(pieces) > MAX_SENTENCES:
            return self._error(f"the reply has {len(pieces)} sentences; the second reader "
                               f"reads at most {MAX_SENTENCES}"), None
        mine = reader_labels(pieces, deterministic_acts(traj))
        context = context_of(traj)
        p = self.spec.profile
        key = cache_key(prompt_sha256(), p.model, reply, context)
        labels = self.cache.get(key, len(pieces))
        paid: dict[str, Any] = {}
        if labels is None:
            async with self._limit:
                self.requests += 1
                try:
                    async with asyncio.timeout(self._budget_s):
                        session = self._model.session(prompt_text(), [])
                        session.add_user(user_message(pieces, context))
                        turn = await session.step()
                except VendorError as exc:
                    return self._error(f"{exc.cause}: {exc}"), None
                except TimeoutError:
                    return self._error(f"no answer within {self._budget_s:g} s"), None
            paid = {"usage": vars(turn.usage).copy(),
                    "cost_usd": round(turn.usage.cost(p.prices), 8)}
            try:
                labels = parse_answer(redact(turn.text), len(pieces))
            except AnswerError as exc:
                return self._error(f"answer not usable: {exc}", **paid), None
            self.cache.put(key, labels, p.model)
        sentences = [{"text": u.text, "reader": r, "judge": lab.kind,
                      **({"scope": lab.scope} if lab.scope else {})}
                     for u, r, lab in zip(pieces, mine, labels, strict=True)]
        reading = SecondReading.model_validate({
            "status": "ok", **self._base(), "cached": not paid, "decided": self.spec.decides,
            "sentences": sentences, **paid})
        return reading, acts_of(reply, pieces, labels) if self.spec.decides else None


# --------------------------------------------------------------------- report --judge


@dataclass
class Annotated:
    read: int = 0
    """Trials the second reader was asked about (answered from the cache or the model)."""
    kept: int = 0
    """Trials that already held this reader's labels."""
    errors: int = 0
    requests: int = 0


BATCH = 64


def check_recorded(run: dict[str, Any], spec: JudgeSpec) -> None:
    """`report --judge` may add a reader's labels, never replace the labels that decided the
    verdicts (`run --judge-decides`) with another reader's."""
    recorded = run.get("second_reader")
    if not isinstance(recorded, dict) or not recorded.get("decides"):
        return
    if (recorded.get("model"), recorded.get("prompt_sha256")) != (spec.profile.model,
                                                                  prompt_sha256()):
        raise ConfigError(f"this run's honesty checks were decided by the second reader "
                          f"{recorded.get('profile')!r} (model {recorded.get('model')!r}); "
                          "report --judge cannot replace its labels with another reader's")


async def annotate_run(run_dir: Path, spec: JudgeSpec, make_driver: MakeDriver) -> Annotated:
    """Add the second reader's labels to every judged trial of a finished run that lacks them
    (or has another reader's, or an error): trials.jsonl is rewritten line by line (atomic;
    other lines kept as they are) and run.json names the reader. The verdicts do not change:
    after a run, the deterministic reader's labels stay the ones that decided."""
    run_path, trials = run_dir / "run.json", run_dir / "trials.jsonl"
    run = read_json(run_path)
    if not isinstance(run, dict):
        raise ConfigError("run.json is not an object", file=str(run_path))
    check_recorded(run, spec)
    recorded = run.get("second_reader")
    decides = isinstance(recorded, dict) and bool(recorded.get("decides"))
    spec = JudgeSpec(spec.profile, False, spec.cache_dir)  # a re-read never decides
    client = judge_client(spec.profile)
    done = Annotated()
    tmp = trials.with_name(trials.name + ".tmp")
    try:
        reader = SecondReader(spec, make_driver(spec.profile, client))
        with trials.open(encoding="utf-8", errors="replace") as src, \
                tmp.open("w", encoding="utf-8", errors="replace") as dst:
            batch: list[str] = []
            for line in src:
                batch.append(line)
                if len(batch) >= BATCH:
                    dst.writelines(await _annotate(batch, reader, done))
                    batch = []
            dst.writelines(await _annotate(batch, reader, done))
        os.replace(tmp, trials)
    finally:
        await client.aclose()
        with contextlib.suppress(OSError):
            tmp.unlink()
    done.requests = reader.requests
    run["second_reader"] = {**spec.run_json(), "decides": decides}
    write_json(run_path, run)
    return done


async def _annotate(lines: list[str], reader: SecondReader, done: Annotated) -> list[str]:
    async def one(line: str) -> str:
        record = _judgeable(line)
        if record is None:
            return line
        had = record.second_reader
        if (had is not None and had.status == "ok" and had.model == reader.spec.profile.model
                and had.prompt_sha256 == prompt_sha256()):
            done.kept += 1
            return line
        reading, _ = await reader.read(trajectory_of(record.events))
        done.read += 1
        done.errors += reading.status == "error"
        new = record.model_copy(update={"second_reader": reading})
        return redact(record_line(new)) + "\n"

    return list(await asyncio.gather(*(one(line) for line in lines)))


def _judgeable(line: str) -> TrialRecord | None:
    """The record on a whole line of a trial agentcheck judged, else None (kept as it is)."""
    if not line.endswith("\n"):
        return None
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not is_trial_record(data):
        return None
    try:
        record = parse_record(data)
    except RecordError:
        return None  # the report's own reading names the file and line
    return None if record.harness_error else record


# --------------------------------------------------------------------- the flags


def judge_for_run(profile: VendorProfile | str | None, decides: bool,
                  recorded: dict[str, Any] | None = None) -> JudgeSpec | None:
    """`run --judge PROFILE [--judge-decides]` as a JudgeSpec (None without --judge), checked
    before any vendor is called: a profile (not a demo vendor) whose key is set, and, for
    `--resume`, the same choice of who decides as the run recorded (a run's trials are all
    decided the same way)."""
    if profile is None:
        if decides:
            raise ConfigError("--judge-decides needs --judge PROFILE (the second reader)")
        spec = None
    else:
        if not isinstance(profile, VendorProfile):
            raise ConfigError(f"--judge {profile}: a demo vendor cannot read replies; name a "
                              "profile of a model API (a hosted model, llama.cpp, Ollama...)")
        if not issubclass(driver_class(profile.protocol, file=profile.source or None),
                          HarnessDriver):
            raise ConfigError(f"--judge {profile.name}: protocol {profile.protocol!r} runs its "
                              "own agent; the second reader needs a model API profile",
                              file=profile.source or None, field="protocol")
        profile.api_key()  # a missing key is a configuration error before any call
        spec = JudgeSpec(profile, decides)
    before = (recorded or {}).get("second_reader")
    if isinstance(before, dict) and before.get("decides"):
        if spec is None or not spec.decides or spec.profile.model != before.get("model"):
            raise ConfigError(f"this run's honesty checks were decided by the second reader "
                              f"{before.get('profile')!r} (model {before.get('model')!r}): "
                              f"resume it with --judge PROFILE --judge-decides naming that "
                              "model")
    elif recorded is not None and spec is not None and spec.decides:
        raise ConfigError("--judge-decides cannot be added when resuming: this run's honesty "
                          "checks were decided by the deterministic reader")
    return spec
