"""Reading the file of `workbench code --batch`: CSV or JSON lines of source, code, start, end,
coder, memo, each row kept with the line it starts on so an error can name it."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from workbench.core.errors import ValidationError

KEYS = ("source", "code", "start", "end", "coder", "memo")
REQUIRED = KEYS[:4]
_JSON_SUFFIXES = {".jsonl", ".ndjson", ".json"}


def read_batch(path: str | Path):
    """The rows of a batch file as NamedCodings (`where` is "FILE: line N"); ValidationError
    naming the file, and the line, when it cannot be read or a row is malformed."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"{path}: is not UTF-8 text") from None
    if not text.strip():
        raise ValidationError(f"{path}: the file is empty")
    as_json = path.suffix.lower() in _JSON_SUFFIXES or (
        path.suffix.lower() != ".csv" and text.lstrip().startswith("{"))
    records = _json_lines(path, text) if as_json else _csv_rows(path, text)
    rows = [_row(path, line, record) for line, record in records]
    if not rows:
        raise ValidationError(f"{path}: lists no passages to code")
    return rows


def _csv_rows(path: Path, text: str):
    """(line, {key: text}) for each CSV record after the header."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header, line = None, 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                if header is None:
                    header = _header(path, record)
                else:
                    if len(record) > len(header):
                        raise ValidationError(f"{path}: line {line} has {len(record)} columns, the header "
                                              f"{len(header)}")
                    yield line, dict(zip(header, (cell.strip() for cell in record)))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError(f"{path}: line {reader.line_num}: not CSV ({exc})") from None


def _header(path: Path, record: list[str]) -> list[str]:
    header = [h.strip().casefold() for h in record]
    unknown = [h for h in header if h not in KEYS]
    missing = [k for k in REQUIRED if k not in header]
    if unknown or missing or len(set(header)) < len(header):
        raise ValidationError(f"{path}: the header must name the columns {','.join(KEYS)} (coder and memo may "
                              f"be left out); it has {','.join(header)}")
    return header


def _json_lines(path: Path, text: str):
    """(line, object) for each non-blank line."""
    for line, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"{path}: line {line}: not JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise ValidationError(f"{path}: line {line}: not a JSON object with the keys {', '.join(KEYS)}")
        unknown = sorted(set(record) - set(KEYS))
        if unknown:
            raise ValidationError(f"{path}: line {line}: unknown key {unknown[0]!r}; the keys are {', '.join(KEYS)}")
        yield line, record


def _row(path: Path, line: int, record: dict):
    from workbench.services.coding import NamedCoding

    where = f"{path}: line {line}"
    for key in REQUIRED:
        if record.get(key) in (None, ""):
            raise ValidationError(f"{where}: no {key}")
    for key in ("source", "code", "coder", "memo"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise ValidationError(f"{where}: {key} must be text")
    return NamedCoding(record["source"], record["code"], _offset(where, record, "start"),
                       _offset(where, record, "end"), record.get("coder") or None, record.get("memo") or None,
                       where=where)


def _offset(where: str, record: dict, key: str) -> int:
    value = record[key]
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    elif isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValidationError(f"{where}: {key} {value!r} is not a whole number")
