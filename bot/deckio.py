"""A server's own prompts in and out: checking prompt text, parsing imports, building the export.

Pure: no discord, no database. An import file (TOML, JSON or CSV) becomes rows plus a per-row
error report; a whole-file problem (unreadable, too big, too many rows) raises
`ImportFileError` so that nothing is added. The export document is plain JSON-ready data.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any, Literal, Protocol

from bot.content.unsafe_terms import find_unsafe_terms
from bot.content.vocab import IntimacyType

TEXT_MIN, TEXT_MAX = 10, 300
DEPTHS = (1, 2, 3)
MAX_ROWS = 1000
MAX_BYTES = 1024 * 1024
EXPORT_FORMAT = "closeness-server-export"
EXPORT_VERSION = 1

ImportFormat = Literal["toml", "json", "csv"]

_MENTION = re.compile(r"@(?:everyone|here)\b|<@[!&]?\d+>|<#\d+>", re.IGNORECASE)
_MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")
_TYPE_NAMES = ", ".join(t.value for t in IntimacyType)
_EXTENSIONS: dict[str, ImportFormat] = {".toml": "toml", ".json": "json", ".csv": "csv"}
_CONTENT_TYPES: dict[str, ImportFormat] = {
    "application/toml": "toml",
    "text/toml": "toml",
    "text/x-toml": "toml",
    "application/json": "json",
    "text/json": "json",
    "text/csv": "csv",
    "application/csv": "csv",
}
# TOML files hold entries under one of these array-of-tables names ("entry" as in prompts/decks).
_TOML_TABLES = ("entry", "prompt", "prompts")
_JSON_KEYS = ("prompts", "entries")
_CSV_COLUMNS = ("text", "type", "depth")


class ImportFileError(ValueError):
    """The file as a whole can't be imported; the message says why and what to send instead."""


@dataclass(frozen=True, slots=True)
class DeckRow:
    """A valid row: ready to add to the server's deck."""

    number: int
    text: str
    type: IntimacyType
    depth: int


@dataclass(frozen=True, slots=True)
class RowError:
    """Why one row was skipped."""

    number: int
    message: str

    def __str__(self) -> str:
        return f"row {self.number}: {self.message}"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """Every row of a file, split into the valid ones and the reasons for the others."""

    format: ImportFormat
    rows: tuple[DeckRow, ...]
    errors: tuple[RowError, ...]


# Prompt text -------------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """One line: every run of whitespace (newlines too) becomes a single space."""
    return " ".join(text.split())


def text_problems(text: str) -> list[str]:
    """Why ``text`` can't be a public prompt (empty when it can), as clauses to show a user."""
    problems: list[str] = []
    if not TEXT_MIN <= len(text) <= TEXT_MAX:
        problems.append(f"the text is {len(text)} characters; it needs {TEXT_MIN}-{TEXT_MAX}")
    mention = _MENTION.search(text)
    if mention:
        problems.append(
            f"the text contains a mention ({mention.group(0)}); prompts can't mention "
            "@everyone, @here, members, roles or channels"
        )
    if _MARKDOWN_LINK.search(text):
        problems.append(
            "the text contains a markdown link like [text](https://...), which hides where it "
            "goes; write prompts without links"
        )
    unsafe = list(dict.fromkeys(term.lower() for term in find_unsafe_terms(text)))
    if unsafe:
        quoted = ", ".join(f"'{term}'" for term in unsafe)
        problems.append(
            f"the text contains {quoted}, which public prompts can't include: they're posted in "
            "shared channels that may include under-18s"
        )
    return problems


def parse_type(value: object) -> IntimacyType:
    """An intimacy type from any casing; ValueError with the user-facing reason otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(f"type is missing; use one of {_TYPE_NAMES}")
    try:
        return IntimacyType(str(value).strip().lower())
    except ValueError:
        raise ValueError(f"type '{value}' isn't one of {_TYPE_NAMES}") from None


def parse_depth(value: object) -> int:
    """A depth 1-3 from an int, an integral float or a digit string."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("depth is missing; use 1, 2 or 3")
    depth: int | None = None
    if isinstance(value, bool):
        depth = None
    elif isinstance(value, int):
        depth = value
    elif isinstance(value, float) and value.is_integer():
        depth = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        depth = int(value.strip())
    if depth not in DEPTHS:
        raise ValueError(f"depth '{value}' isn't 1, 2 or 3")
    return depth


# Import ------------------------------------------------------------------------------------


def detect_format(filename: str, content_type: str | None = None) -> ImportFormat:
    """The file's format from its extension, else its content type."""
    found = _EXTENSIONS.get(PurePath(filename).suffix.lower())
    if found is None and content_type:
        found = _CONTENT_TYPES.get(content_type.split(";")[0].strip().lower())
    if found is None:
        raise ImportFileError(
            f"I can't tell what kind of file `{filename}` is. Send a `.toml`, `.json` or `.csv` "
            "file with the columns text, type and depth."
        )
    return found


def parse_import(data: bytes, *, filename: str, content_type: str | None = None) -> ImportResult:
    """Parse an import file into valid rows and per-row errors.

    Raises `ImportFileError` when the file can't be used at all: unknown format, larger than
    1 MB, not UTF-8, malformed, no rows, or more than 1,000 rows.
    """
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; imports can be at most 1 MB. "
            "Split it into smaller files."
        )
    fmt = detect_format(filename, content_type)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file isn't UTF-8 text. Save it as UTF-8 (most editors offer this under "
            "'Save as' or 'Encoding') and try again."
        ) from None
    raw = _RAW_PARSERS[fmt](text)
    if not raw:
        raise ImportFileError(f"The file has no prompts in it. {_SHAPE_HELP[fmt]}")
    if len(raw) > MAX_ROWS:
        raise ImportFileError(
            f"The file has {len(raw)} rows; an import can have at most {MAX_ROWS}. "
            "Split it into smaller files."
        )
    rows: list[DeckRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, fields in raw:
        row = _check_row(number, fields, seen)
        if isinstance(row, RowError):
            errors.append(row)
        else:
            rows.append(row)
            seen[row.text.casefold()] = number
    return ImportResult(fmt, tuple(rows), tuple(errors))


# A row's fields, or why the row has no usable fields.
RawRow = tuple[int, Mapping[str, object] | str]

_SHAPE_HELP: dict[ImportFormat, str] = {
    "toml": "Write each prompt as a `[[entry]]` table with `text`, `type` and `depth` keys.",
    "json": 'Send a list of objects like `{"text": "...", "type": "emotional", "depth": 1}`.',
    "csv": "Put one prompt per line with the columns text, type, depth (a header line is fine).",
}


def _check_row(
    number: int, fields: Mapping[str, object] | str, seen: dict[str, int]
) -> DeckRow | RowError:
    if isinstance(fields, str):
        return RowError(number, fields)
    problems: list[str] = []
    raw_text = fields.get("text")
    text = normalise_text(raw_text) if isinstance(raw_text, str) else ""
    if not text:
        problems.append("text is missing")
    else:
        problems += text_problems(text)
    type_: IntimacyType | None = None
    depth = 0
    try:
        type_ = parse_type(fields.get("type"))
    except ValueError as exc:
        problems.append(str(exc))
    try:
        depth = parse_depth(fields.get("depth"))
    except ValueError as exc:
        problems.append(str(exc))
    if not problems and text.casefold() in seen:
        problems.append(f"same text as row {seen[text.casefold()]}")
    if problems or type_ is None:
        return RowError(number, "; ".join(problems))
    return DeckRow(number, text, type_, depth)


def _parse_toml(text: str) -> list[RawRow]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ImportFileError(f"The file isn't valid TOML: {exc}. Nothing was added.") from None
    for key in _TOML_TABLES:
        entries = document.get(key)
        if isinstance(entries, list):
            return [(n, _mapping(e)) for n, e in enumerate(entries, start=1)]
    raise ImportFileError(f"I found no prompts in the TOML file. {_SHAPE_HELP['toml']}")


def _parse_json(text: str) -> list[RawRow]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"The file isn't valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}. "
            "Nothing was added."
        ) from None
    if isinstance(document, dict):
        # An export of this bot (or a wrapper object) holds its prompts under one key.
        document = next(
            (document[k] for k in _JSON_KEYS if isinstance(document.get(k), list)), None
        )
    if not isinstance(document, list):
        raise ImportFileError(f"I found no list of prompts in the JSON file. {_SHAPE_HELP['json']}")
    return [(n, _mapping(e)) for n, e in enumerate(document, start=1)]


def _parse_csv(text: str) -> list[RawRow]:
    first_line = text.split("\n", 1)[0]
    delimiter = next((d for d in (",", ";", "\t") if d in first_line), ",")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportFileError(f"The file isn't valid CSV: {exc}. Nothing was added.") from None
    columns: Sequence[str] = _CSV_COLUMNS
    rows: list[RawRow] = []
    for number, record in enumerate(records, start=1):
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue
        if number == 1 and "text" in (c.lower() for c in cells):
            columns = [c.lower() for c in cells]
            continue
        if any(cells[len(columns) :]):
            rows.append((number, _TOO_MANY_CELLS.format(found=len(cells))))
            continue
        rows.append((number, dict(zip(columns, cells, strict=False))))
    return rows


_TOO_MANY_CELLS = (
    "has {found} columns, expected text, type, depth; put text that contains commas in "
    '"double quotes"'
)
_NOT_AN_ENTRY = "expected an entry with text, type and depth"


def _mapping(entry: object) -> Mapping[str, object] | str:
    if isinstance(entry, dict):
        return {str(k).lower(): v for k, v in entry.items()}
    return _NOT_AN_ENTRY


_RAW_PARSERS = {"toml": _parse_toml, "json": _parse_json, "csv": _parse_csv}


def error_report(errors: Iterable[RowError]) -> str:
    """The skipped rows, one per line."""
    return "\n".join(str(e) for e in errors)


# Export ------------------------------------------------------------------------------------

# Discord ids exceed JavaScript's safe integers, so the export writes them as strings.
_SNOWFLAKE_KEYS = frozenset(
    {
        "guild_id",
        "channel_id",
        "ping_role_id",
        "last_message_id",
        "created_by",
        "message_id",
        "thread_id",
        "author_id",
        "added_by",
        "reviewed_by",
    }
)
_WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ExportPrompt(Protocol):
    """A server prompt as the export needs it."""

    @property
    def id(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def depth(self) -> int: ...
    @property
    def author_id(self) -> int | None: ...
    @property
    def added_by(self) -> int | None: ...


def _plain(row: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in _SNOWFLAKE_KEYS and isinstance(value, int):
            value = str(value)
        elif isinstance(value, datetime):
            value = value.isoformat()
        out[key] = value
    return out


def _schedule(row: Mapping[str, Any]) -> dict[str, Any]:
    out = _plain(row)
    weekdays = out.get("weekdays")
    if isinstance(weekdays, str) and weekdays:
        out["weekdays"] = [_WEEKDAY_NAMES[int(d)] for d in weekdays.split(",")]
    types = out.get("types")
    if isinstance(types, str) and types:
        out["types"] = types.split(",")
    for flag in ("thread", "pin"):
        if flag in out and out[flag] is not None:
            out[flag] = bool(out[flag])
    return out


def build_export(
    *,
    guild_id: int,
    exported_at: datetime,
    prompts: Iterable[ExportPrompt],
    schedules: Iterable[Mapping[str, Any]],
    suggestions: Iterable[Mapping[str, Any]],
    deliveries: Iterable[Mapping[str, Any]],
) -> dict[str, Any]:
    """Everything a server has stored about its decks and schedules, as a JSON-ready document.

    ``prompts`` can be imported again: `parse_import` reads this document's ``prompts`` list.
    """
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "guild_id": str(guild_id),
        "exported_at": exported_at.isoformat(),
        "prompts": [
            _plain(
                {
                    "id": f"g-{p.id}",
                    "text": p.text,
                    "type": p.type,
                    "depth": p.depth,
                    "author_id": p.author_id,
                    "added_by": p.added_by,
                }
            )
            for p in prompts
        ],
        "schedules": [_schedule(s) for s in schedules],
        "suggestions": [_plain(s) for s in suggestions],
        "deliveries": [_plain(d) for d in deliveries],
    }


def dump_export(document: Mapping[str, Any]) -> bytes:
    """The export document as UTF-8 JSON, indented for reading."""
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")
