"""`agentcheck import`: an export becomes a masked case pack, and `--check-masking` proves that
no original value of the export survives anywhere in the pack.

The source files are read and the pack's mapping checked against them before anything is
written; the masked tables replace the pack's copies; `masking-report.json` lists per column
what was replaced (never a value); pack.yaml then says `masked: true` and names the key's
fingerprint.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from agentcheck.cases.masking import (
    ColumnReport,
    Kind,
    Survivor,
    key_fingerprint,
    mask_tables,
    masking_key,
    originals_of,
    survivors,
)
from agentcheck.cases.pack import PACK_FILE, Pack, load_pack, read_pack_file
from agentcheck.cases.tables import FORMATS, Table, read_table, write_table
from agentcheck.core.errors import ConfigError

REPORT_FILE = "masking-report.json"


@dataclass
class Imported:
    folder: Path
    cases: int
    columns: list[ColumnReport]
    fingerprint: str
    empty_rows: int


def _sources(pack: Pack, sources: list[Path]) -> dict[str, Table]:
    """The source tables by the file name the pack gives them; every one the pack needs."""
    wanted = pack.files()
    by_name: dict[str, Path] = {}
    for src in sources:
        if src.name not in wanted:
            raise ConfigError(f"{src.name} is not a table of this pack (pack.yaml names: "
                              f"{', '.join(wanted)})", file=str(src))
        by_name[src.name] = src
    missing = [w for w in wanted if w not in by_name]
    if missing:
        raise ConfigError(f"pack.yaml also needs {', '.join(missing)}: give every table of "
                          "the export in one import, so the same value gets the same fake "
                          "in all of them")
    return {name: read_table(path) for name, path in by_name.items()}


def _overrides(pack: Pack) -> Mapping[str, Mapping[str, Kind]]:
    return pack.mask.columns


def import_pack(sources: list[Path], folder: Path,
                environ: Mapping[str, str] | None = None) -> Imported:
    pack, _ = read_pack_file(folder)
    key = masking_key(environ)  # refused before reading any data without it
    tables = _sources(pack, sources)
    load_pack(folder, dict(tables))  # the mapping against the real columns, before writing
    text = (pack.cases.file, pack.cases.text)
    masked = mask_tables(tables, key, _overrides(pack), text)
    for name, table in tables.items():
        write_table(table, folder / name, masked.rows[name])
    fingerprint = key_fingerprint(key)
    report = {
        "key_fingerprint": fingerprint,
        "files": {name: {"rows": len(t.rows), "empty_rows_skipped": t.empty_rows,
                         "sha256": _sha256(folder / name)}
                  for name, t in tables.items()},
        "columns": [asdict(c) for c in masked.columns],
    }
    (folder / REPORT_FILE).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    _mark_masked(folder / PACK_FILE, fingerprint)
    found = check_masking(folder, sources)
    if found:  # never expected: the check is the same as --check-masking
        raise ConfigError("masking left original values in the pack:\n" + render(found))
    loaded = load_pack(folder)
    return Imported(folder, len(loaded.cases), masked.columns, fingerprint,
                    sum(t.empty_rows for t in tables.values()))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def changed_since_masking(folder: Path, files: list[str]) -> list[str]:
    """The pack's tables that are not byte for byte what `import` wrote (an export copied in
    by hand after masking, say), or every table when there is no masking report."""
    try:
        report = json.loads((folder / REPORT_FILE).read_text(encoding="utf-8"))
        recorded = {name: info.get("sha256") for name, info in report["files"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return list(files)
    return [f for f in files if not (folder / f).is_file()
            or recorded.get(f) != _sha256(folder / f)]


def _mark_masked(path: Path, fingerprint: str) -> None:
    """`masked: true` and the key's fingerprint in pack.yaml, keeping the file's comments."""
    text = path.read_text(encoding="utf-8")
    for name, value in (("masked", "true"), ("masking_key_fingerprint", fingerprint)):
        line = f"{name}: {value}"
        if re.search(rf"(?m)^{name}:.*$", text):
            text = re.sub(rf"(?m)^{name}:.*$", line, text)
        else:
            text = text.rstrip("\n") + "\n" + line + "\n"
    path.write_text(text, encoding="utf-8")


def _pack_cells(folder: Path) -> Iterator[tuple[str, int, str, str]]:
    """Every cell of every table in the pack folder, and every line of its other text files
    (file, row or line, column or '', text)."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = str(path.relative_to(folder))
        if path.suffix.lower() in FORMATS:
            try:
                table = read_table(path)
            except ConfigError:
                table = None
            if table is not None:
                for column in table.columns:
                    yield rel, 1, f"(header) {column}", column
                for row in table.rows:
                    for column, value in row.values.items():
                        yield rel, row.number, column, value
                continue
        try:
            text = path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            yield rel, number, "", line


def check_masking(folder: Path, sources: list[Path]) -> list[Survivor]:
    """Where an original value of the source files appears in the pack folder."""
    pack, _ = read_pack_file(folder)
    tables = {p.name: read_table(p) for p in sources}
    originals = originals_of(tables, _overrides(pack), (pack.cases.file, pack.cases.text))
    return survivors(originals, _pack_cells(folder))


def render(found: list[Survivor], limit: int = 50) -> str:
    lines = [f"{s.file}:{s.row}:{s.column or '-'}: an original {s.kind} survives ({s.shown})"
             for s in found[:limit]]
    if len(found) > limit:
        lines.append(f"... and {len(found) - limit} more")
    return "\n".join(lines)
