"""Reading a buyer's export: CSV, JSON (an array of objects), JSONL and XLSX, as rows of text
cells with the row number a person sees in a spreadsheet or editor.

Every problem names `file:row` and the column. Bytes that are not UTF-8 are described (UTF-16
byte-order mark, a Windows-1252 letter) instead of guessed at: a silently mis-decoded name
would be masked under the wrong value, and a vendor would then see the real one.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentcheck.core.errors import ConfigError

FORMATS = (".csv", ".json", ".jsonl", ".xlsx")
MAX_TABLE_BYTES = 200_000_000
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Row:
    number: int
    """Where the row is: the line of a CSV/JSONL file (the header is line 1), the sheet row of
    an XLSX file, the 1-based position in a JSON array."""
    values: dict[str, str]


@dataclass
class Table:
    path: Path
    columns: list[str]
    rows: list[Row]
    empty_rows: int = 0
    """Rows with no value at all, skipped (and counted, for the data-quality profile)."""
    kind: str = "csv"
    problems: list[ConfigError] = field(default_factory=list)


class TableErrors(ConfigError):
    """Every problem of one table, reported together (the first MAX_PROBLEMS)."""

    def __init__(self, errors: list[ConfigError]) -> None:
        self.errors = errors
        lines = [e.render() for e in errors[:MAX_PROBLEMS]]
        if len(errors) > MAX_PROBLEMS:
            lines.append(f"... and {len(errors) - MAX_PROBLEMS} more problem(s)")
        super().__init__("\n".join(lines))

    def render(self) -> str:
        return self.detail


def cell_text(value: Any) -> str:
    """A cell as text: numbers as written (1.0 as 1), booleans lower case, empty for null."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def decode(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without a byte-order mark); otherwise a ConfigError saying what the bytes
    look like and where the first bad one is."""
    for bom, name in ((b"\xff\xfe", "UTF-16 little-endian"), (b"\xfe\xff", "UTF-16 big-endian")):
        if raw.startswith(bom):
            raise ConfigError(f"the file is {name} (it starts with the byte-order mark "
                              f"{bom.hex(' ').upper()}); save it as UTF-8 and import again",
                              file=str(path), line=1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start]
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        guess = raw[exc.start:exc.start + 1].decode("cp1252", errors="replace")
        raise ConfigError(f"byte 0x{bad:02X} at column {col} is not UTF-8; the file looks like "
                          f"Windows-1252 or Latin-1 (that byte is {guess!r} there); save it as "
                          "UTF-8 and import again", file=str(path), line=line) from None


def read_table(path: Path) -> Table:
    """The table in `path`, by its extension. Raises ConfigError (TableErrors for several)."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ConfigError(f"unsupported file type {suffix or '(none)'!r}: case tables are "
                          f"{', '.join(FORMATS)}", file=str(path))
    if not path.is_file():
        raise ConfigError(f"no such file: {path}")
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise ConfigError(f"larger than {MAX_TABLE_BYTES // 1_000_000} MB: split the export",
                          file=str(path))
    if suffix == ".xlsx":
        table = _read_xlsx(path)
    else:
        text = decode(path.read_bytes(), path)
        table = {".csv": _read_csv, ".json": _read_json, ".jsonl": _read_jsonl}[suffix](
            text, path)
    if table.problems:
        raise TableErrors(table.problems)
    return table


def _header(cells: list[str], path: Path, line: int) -> list[str]:
    columns = [c.strip() for c in cells]
    problems = []
    seen: set[str] = set()
    for i, name in enumerate(columns, 1):
        if not name:
            problems.append(ConfigError(f"column {i} of the header has no name", file=str(path),
                                        line=line))
        elif name in seen:
            problems.append(ConfigError("this column name appears twice in the header",
                                        file=str(path), line=line, field=name))
        seen.add(name)
    if problems:
        raise TableErrors(problems)
    return columns


def _rows_from_cells(table: Table, cells: list[list[str]], numbers: list[int]) -> None:
    width = len(table.columns)
    for number, row in zip(numbers, cells, strict=True):
        if not any(c.strip() for c in row):
            table.empty_rows += 1
            continue
        if len(row) != width:
            table.problems.append(ConfigError(
                f"this row has {len(row)} cells, the header {width}", file=str(table.path),
                line=number))
            continue
        table.rows.append(Row(number, dict(zip(table.columns, row, strict=True))))


def _read_csv(text: str, path: Path) -> Table:
    # the delimiter the header uses most (exports from European locales write ';')
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t|", key=lambda d: (first.count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    cells: list[list[str]] = []
    numbers: list[int] = []
    header: list[str] | None = None
    try:
        before = 0  # a quoted cell may span lines: a row is where it starts
        for row in reader:
            start, before = before + 1, reader.line_num
            if header is None:
                if any(c.strip() for c in row):
                    header = _header(row, path, start)
                continue
            cells.append(row)
            numbers.append(start)
    except csv.Error as exc:
        raise ConfigError(f"not readable as CSV: {exc}", file=str(path),
                          line=reader.line_num) from None
    if header is None:
        raise ConfigError("the file is empty (no header row)", file=str(path))
    table = Table(path, header, [], kind="csv")
    _rows_from_cells(table, cells, numbers)
    return table


def _objects(items: list[tuple[int, Any]], path: Path, kind: str) -> Table:
    columns: list[str] = []
    table = Table(path, columns, [], kind=kind)
    for number, item in items:
        if not isinstance(item, dict):
            table.problems.append(ConfigError("each row must be a JSON object, this is "
                                              f"{type(item).__name__}", file=str(path),
                                              line=number))
            continue
        for key in item:
            if key not in columns:
                columns.append(str(key))
    for number, item in items:
        if not isinstance(item, dict):
            continue
        values = {c: cell_text(item.get(c)) for c in columns}
        if not any(v.strip() for v in values.values()):
            table.empty_rows += 1
            continue
        table.rows.append(Row(number, values))
    return table


def _read_json(text: str, path: Path) -> Table:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"not valid JSON: {exc.msg} (column {exc.colno})", file=str(path),
                          line=exc.lineno) from None
    if isinstance(data, dict) and len(data) == 1 and isinstance(next(iter(data.values())), list):
        data = next(iter(data.values()))  # {"records": [...]}, as many exports write it
    if not isinstance(data, list):
        raise ConfigError("a JSON case table is an array of objects (one per row)",
                          file=str(path))
    return _objects(list(enumerate(data, 1)), path, "json")


def _read_jsonl(text: str, path: Path) -> Table:
    items: list[tuple[int, Any]] = []
    empty = 0
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            empty += 1
            continue
        try:
            items.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"not valid JSON: {exc.msg} (column {exc.colno})",
                              file=str(path), line=number) from None
    table = _objects(items, path, "jsonl")
    table.empty_rows += empty
    return table


def _read_xlsx(path: Path) -> Table:
    try:
        import openpyxl  # only when reading a spreadsheet
    except ImportError:  # pragma: no cover - a dependency of agentcheck
        raise ConfigError("reading .xlsx needs openpyxl (pip install openpyxl)",
                          file=str(path)) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise ConfigError(f"not a readable XLSX workbook ({type(exc).__name__})",
                          file=str(path)) from None
    try:
        sheet = book.worksheets[0]
        header: list[str] | None = None
        cells: list[list[str]] = []
        numbers: list[int] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
            row = [cell_text(v) for v in values]
            if header is None:
                if any(c.strip() for c in row):
                    while row and not row[-1].strip():
                        row.pop()
                    header = _header(row, path, number)
                continue
            row = (row + [""] * len(header))[:max(len(header), len(row))]
            if len(row) > len(header) and not any(c.strip() for c in row[len(header):]):
                row = row[:len(header)]
            cells.append(row)
            numbers.append(number)
    finally:
        book.close()
    if header is None:
        raise ConfigError("the first sheet is empty (no header row)", file=str(path))
    table = Table(path, header, [], kind="xlsx")
    _rows_from_cells(table, cells, numbers)
    return table


def write_table(table: Table, path: Path, rows: list[dict[str, str]]) -> None:
    """Write rows with table's columns to `path`, in the format of its extension (the masked
    copy of an export keeps the export's format, so the pack's mapping still names it)."""
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows([[r.get(c, "") for c in table.columns] for r in rows])
        path.write_text(buf.getvalue(), encoding="utf-8")
    elif suffix == ".json":
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    elif suffix == ".jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                        encoding="utf-8")
    elif suffix == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(table.columns)
        for r in rows:
            sheet.append([r.get(c, "") for c in table.columns])
        book.save(path)
    else:
        raise ConfigError(f"unsupported file type {suffix!r}", file=str(path))
