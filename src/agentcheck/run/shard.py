"""One evaluation over many machines, without a scheduler.

`agentcheck run --shard I/N --seed S` runs a fixed slice of the vendor x scenario x trial
matrix: every cell (vendor, scenario, trial) has one shard, decided by a hash of the cell alone,
so N machines given the same command line (as a CI matrix does) split the work exactly, with no
overlap and no gap. `agentcheck merge RUN_DIR... --out DIR` checks that the shards belong to the
same evaluation (seed, trials, scenarios and their content hashes, vendors, version) and writes
one run folder with one summary, as if a single machine had run everything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agentcheck.core.addresses import is_loopback
from agentcheck.core.errors import ConfigError
from agentcheck.results.cells import Cell, plan_cells, shard_cells
from agentcheck.results.files import now_iso, read_json, read_records, record_line, write_json
from agentcheck.results.records import TrialRecord


def _shard_of(run: dict[str, Any], where: Path) -> tuple[int, int]:
    shard = run.get("shard")
    if not isinstance(shard, dict):
        raise ConfigError(f"{where} was not run with --shard I/N; nothing to merge",
                          file=str(where / "run.json"))
    return int(shard["index"]), int(shard["count"])


def _identity(run: dict[str, Any]) -> dict[str, Any]:
    """What must be equal for runs to be shards of one evaluation."""
    return {
        "agentcheck version": run.get("agentcheck_version"),
        "seed": run.get("seed"),
        "trials": run.get("trials"),
        "scenarios (id and content hash)": sorted((s["id"], s["hash"])
                                                  for s in run.get("scenarios", [])),
        "vendors": [vendor_identity(p) for p in run.get("vendors", [])],
        # shards of one evaluation show the same private variants (the key never leaves env)
        "private variants (key fingerprint)": (run.get("variants") or {}).get("key_fingerprint"),
    }


def vendor_identity(profile: dict[str, Any]) -> dict[str, Any]:
    """A vendor profile (as run.json records it) as it must match across shards, and between a
    run and its resumption: where the file lay does not matter, nor the port of a loopback
    server (the built-in demo vendors get a new one each run)."""
    same = {k: v for k, v in profile.items() if k != "source"}
    if is_loopback(str(same.get("base_url", ""))):
        same.pop("base_url", None)
    return same


def merge_runs(dirs: list[Path], out: Path, allow_incomplete: bool = False
               ) -> tuple[dict[str, Any], int]:
    """Merge shard run folders into `out`; returns (run.json written, trials missing)."""
    if not dirs:
        raise ConfigError("merge needs at least one run folder")
    if (out / "trials.jsonl").exists():
        raise ConfigError(f"{out} already holds a run; choose another --out")
    runs: list[tuple[Path, dict[str, Any], tuple[int, int]]] = []
    for d in dirs:
        if not d.is_dir():
            raise ConfigError(f"no run folder at {d}")
        run = read_json(d / "run.json")
        if not isinstance(run, dict):
            raise ConfigError("run.json is not an object", file=str(d / "run.json"))
        runs.append((d, run, _shard_of(run, d)))
    first_dir, first, (_, count) = runs[0]
    expected_identity = _identity(first)
    seen: dict[int, Path] = {}
    for d, run, (index, n) in runs:
        if n != count:
            raise ConfigError(f"{d} is shard {index}/{n} but {first_dir} is one of {count}")
        for what, value in _identity(run).items():
            if value != expected_identity[what]:
                raise ConfigError(f"{d} and {first_dir} are not shards of the same evaluation: "
                                  f"their {what} differ")
        if index in seen:
            raise ConfigError(f"{d} and {seen[index]} are both shard {index}/{count}")
        seen[index] = d
    missing_shards = sorted(set(range(1, count + 1)) - set(seen))
    if missing_shards and not allow_incomplete:
        raise ConfigError("missing shard(s) " + ", ".join(f"{i}/{count}" for i in missing_shards)
                          + " (or pass --allow-incomplete)")

    vendor_names = [str(p["name"]) for p in first.get("vendors", [])]
    scenario_ids = [str(s["id"]) for s in first.get("scenarios", [])]
    cells = plan_cells(vendor_names, scenario_ids, int(first["trials"]))
    records: dict[Cell, TrialRecord] = {}
    for d, _, (index, _) in runs:
        mine = shard_cells(cells, index, count)
        for record in read_records(d / "trials.jsonl"):  # a re-run trial: its last record
            key = record.key
            if key not in mine:
                raise ConfigError(f"{d / 'trials.jsonl'} holds trial {key[2]} of {key[1]} for "
                                  f"{key[0]}, which is not in shard {index}/{count}")
            records[key] = record
    missing = [c for c in cells if c not in records]
    if missing and not allow_incomplete:
        shown = ", ".join(f"{v} {s} #{t}" for v, s, t in missing[:5])
        raise ConfigError(f"{len(missing)} trial(s) never finished ({shown}"
                          f"{', ...' if len(missing) > 5 else ''}); resume those shards with "
                          "agentcheck run --resume --out DIR, or pass --allow-incomplete")

    try:
        out.mkdir(parents=True, exist_ok=True)
        with (out / "trials.jsonl").open("w", encoding="utf-8") as fh:
            for cell in cells:  # one order, whatever order the shards ran in
                if cell in records:  # the line as the shard wrote it
                    fh.write(record_line(records[cell]) + "\n")
    except OSError as exc:
        raise ConfigError(f"cannot write the merged run to {out}: {exc.strerror}") from None
    merged = {k: v for k, v in first.items() if k != "shard"}
    merged["started_at"] = min((str(r.get("started_at")) for _, r, _ in runs
                                if r.get("started_at")), default=None)
    merged["finished_at"] = max((str(r.get("finished_at")) for _, r, _ in runs
                                 if r.get("finished_at")), default=None) or now_iso()
    merged["complete"] = not missing
    merged["merged_from"] = [{"path": str(d), "shard": f"{i}/{n}",
                              "complete": r.get("complete") is True}
                             for d, r, (i, n) in sorted(runs, key=lambda x: x[2][0])]
    write_json(out / "run.json", merged)
    return merged, len(missing)
