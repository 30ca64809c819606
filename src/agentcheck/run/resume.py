"""`agentcheck run --resume --out DIR`: continue exactly the run that DIR/run.json records.

run.json is the only source of what to run: its vendors (profile files by their recorded path,
built-in demo vendors by name), its scenarios (by recorded path, refused if the file's content
hash changed), its trial count, seed and shard. Flags may repeat these but never change them, so
a bare `--resume` can neither widen a run nor mix two evaluations in one trials.jsonl.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentcheck.core.errors import ConfigError
from agentcheck.results.files import read_json
from agentcheck.run.shard import vendor_identity
from agentcheck.scenario.model import Scenario, load_scenario
from agentcheck.vendors.demo_names import DEMO_VENDORS
from agentcheck.vendors.profile import VendorProfile, load_profile

VendorSpec = VendorProfile | str
"""A loaded profile, or the name of a built-in demo vendor (started on demand)."""


@dataclass
class RecordedRun:
    run: dict[str, Any]
    """run.json as written when the run started; resuming only updates its end time."""
    vendors: list[VendorSpec]
    scenarios: list[Scenario]
    trials: int
    seed: int
    shard: tuple[int, int] | None
    where: str
    """the path of run.json, for error messages"""


def load_recorded_run(out: Path) -> RecordedRun:
    """The run in `out`, with its vendors and scenarios loaded from where run.json says, each
    checked against what run.json recorded of it."""
    path = out / "run.json"
    if not path.exists():
        raise ConfigError(f"nothing to resume in {out}: it has no run.json (start the run "
                          "without --resume)")
    run = read_json(path)
    where = str(path)
    if not isinstance(run, dict):
        raise ConfigError("run.json is not an object", file=where)
    return RecordedRun(
        run=run, vendors=[_vendor(e, i, where) for i, e in enumerate(_list(run, "vendors",
                                                                             where))],
        scenarios=[_scenario(e, i, where) for i, e in enumerate(_list(run, "scenarios",
                                                                      where))],
        trials=_positive_int(run, "trials", where), seed=_int(run, "seed", where),
        shard=_shard(run.get("shard"), where), where=where)


def _list(run: dict[str, Any], name: str, where: str) -> list[dict[str, Any]]:
    value = run.get(name)
    if not isinstance(value, list) or not value or not all(isinstance(e, dict) for e in value):
        raise ConfigError("must be a non-empty list of objects", file=where, field=name)
    return value


def _int(run: dict[str, Any], name: str, where: str) -> int:
    value = run.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ConfigError("must be a whole number", file=where, field=name)
    return value


def _positive_int(run: dict[str, Any], name: str, where: str) -> int:
    value = _int(run, name, where)
    if value < 1:
        raise ConfigError("must be at least 1", file=where, field=name)
    return value


def _shard(value: Any, where: str) -> tuple[int, int] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ConfigError("must be an object with index and count", file=where, field="shard")
    index, count = _int(value, "index", where), _int(value, "count", where)
    if not 1 <= index <= count:
        raise ConfigError(f"index {index} is not between 1 and count {count}", file=where,
                          field="shard")
    return index, count


def _vendor(entry: dict[str, Any], i: int, where: str) -> VendorSpec:
    """A recorded vendor: its profile file reloaded (it must still say what it said when the
    run started), or a demo vendor's name."""
    name, source = entry.get("name"), entry.get("source") or ""
    if not isinstance(name, str) or not name:
        raise ConfigError("a vendor has no name", file=where, field=f"vendors[{i}].name")
    if not source:
        if name in DEMO_VENDORS:
            return name
        raise ConfigError(f"vendor {name!r} has no profile file recorded, so the run cannot "
                          "be resumed; start a new run", file=where, field=f"vendors[{i}]")
    path = Path(str(source))
    if not path.is_file():
        raise ConfigError(f"vendor {name!r}: its profile {source} is missing (resume from the "
                          "folder the run was started in, or start a new run)", file=where,
                          field=f"vendors[{i}].source")
    profile = load_profile(path)
    changed = differing_fields(vendor_identity(entry), vendor_identity(profile.public()))
    if changed:
        raise ConfigError(f"vendor profile {name!r} changed since the run started "
                          f"({', '.join(changed)} differ from run.json); start a new run "
                          "instead of resuming", file=str(source))
    return profile


def _scenario(entry: dict[str, Any], i: int, where: str) -> Scenario:
    """A recorded scenario, loaded from its recorded path, with the content it had then."""
    sid, digest, source = entry.get("id"), entry.get("hash"), entry.get("path")
    if not isinstance(source, str) or not source:
        raise ConfigError(f"scenario {sid!r} has no path recorded, so the run cannot be "
                          "resumed; start a new run", file=where, field=f"scenarios[{i}].path")
    path = Path(source)
    if not path.is_file():
        raise ConfigError(f"scenario {sid!r}: its file {source} is missing (resume from the "
                          "folder the run was started in, or start a new run)", file=where,
                          field=f"scenarios[{i}].path")
    try:
        scenario = load_scenario(path)
    except ConfigError as exc:
        raise ConfigError(f"scenario {sid!r} changed since the run started and no longer "
                          f"loads: {exc.render()}", file=source) from None
    if scenario.id != sid or scenario.content_hash != digest:
        raise ConfigError(f"scenario {sid!r} changed since the run started (content hash "
                          f"{digest} in run.json, {scenario.content_hash} now); start a new run "
                          "instead of resuming", file=source)
    return scenario


def differing_fields(recorded: dict[str, Any], now: dict[str, Any]) -> list[str]:
    return sorted(k for k in set(recorded) | set(now) if recorded.get(k) != now.get(k))


def refuse_changes(rec: RecordedRun, *, vendors: list[VendorSpec], scenarios: list[Scenario],
                   trials: int | None, seed: int | None, shard: tuple[int, int] | None,
                   shard_text: str | None = None) -> None:
    """Flags given with --resume may repeat the run's settings, never change them: a
    ConfigError names each flag that would."""
    problems = []
    if seed is not None and seed != rec.seed:
        problems.append(f"--seed {seed} differs from the run's seed {rec.seed}")
    if trials is not None and trials != rec.trials:
        problems.append(f"--trials {trials} differs from the run's {rec.trials}")
    if shard is not None and shard != rec.shard:
        was = f"shard {rec.shard[0]}/{rec.shard[1]}" if rec.shard else "whole matrix"
        problems.append(f"--shard {shard_text or f'{shard[0]}/{shard[1]}'} differs from the "
                        f"run's {was}")
    if vendors:
        problems += _vendor_changes(rec, vendors)
    if scenarios:
        problems += _scenario_changes(rec, scenarios)
    if problems:
        raise ConfigError("--resume continues the run recorded in " + rec.where + " exactly, "
                          "and these flags would change it: " + "; ".join(problems)
                          + ". Drop them, or start a new run with another --out")


def _spec_identity(spec: VendorSpec) -> dict[str, Any]:
    return {"demo vendor": spec} if isinstance(spec, str) else vendor_identity(spec.public())


def _vendor_changes(rec: RecordedRun, given: list[VendorSpec]) -> list[str]:
    before = {_name(s): _spec_identity(s) for s in rec.vendors}
    now = {_name(s): _spec_identity(s) for s in given}
    out = _set_changes("--vendor", set(before), set(now))
    for name in sorted(set(before) & set(now)):
        fields = differing_fields(before[name], now[name])
        if fields:
            out.append(f"--vendor {name} is not the run's {name} ({', '.join(fields)} "
                       "differ)")
    return out


def _scenario_changes(rec: RecordedRun, given: list[Scenario]) -> list[str]:
    before = {s.id: s.content_hash for s in rec.scenarios}
    now = {s.id: s.content_hash for s in given}
    out = _set_changes("--scenarios", set(before), set(now))
    changed = sorted(sid for sid in set(before) & set(now) if before[sid] != now[sid])
    if changed:
        out.append("--scenarios gives other content for " + ", ".join(changed))
    return out


def _set_changes(flag: str, before: set[str], now: set[str]) -> list[str]:
    out = []
    if now - before:
        out.append(f"{flag} adds {', '.join(sorted(now - before))} (not in the run)")
    if before - now:
        out.append(f"{flag} leaves out {', '.join(sorted(before - now))} (in the run)")
    return out


def _name(spec: VendorSpec) -> str:
    return spec if isinstance(spec, str) else spec.name


def resume_variant_key(run: dict[str, Any], where: str, private_variants: bool,
                       environ: Mapping[str, str] | None = None) -> str | None:
    """The private-variant key a resumed run needs: None when it ran without variants (and then
    --private-variants would change it), else AGENTCHECK_VARIANT_KEY, which must be the key
    whose fingerprint run.json recorded (the same key and seed replay the same variants)."""
    from agentcheck.scenario.variants import VARIANT_KEY_ENV, key_fingerprint, variant_key

    recorded = run.get("variants")
    if not isinstance(recorded, dict):
        if private_variants:
            raise ConfigError("--resume continues the run recorded in " + where + " exactly, "
                              "and it ran without private variants: drop --private-variants, "
                              "or start a new run with another --out")
        return None
    want = str(recorded.get("key_fingerprint"))
    try:
        key = variant_key(environ)
    except ConfigError as exc:
        raise ConfigError(f"the run in {where} ran with private variants (key fingerprint "
                          f"{want}): resume it with the same key in {VARIANT_KEY_ENV} "
                          f"({exc})") from None
    if key_fingerprint(key) != want:
        raise ConfigError(f"{VARIANT_KEY_ENV} is not the key the run in {where} was made "
                          f"with (its fingerprint is {want}, the key given has "
                          f"{key_fingerprint(key)}); resume with the same key")
    return key
