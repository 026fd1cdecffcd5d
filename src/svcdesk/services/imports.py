"""Bulk loads from files (spec §1, §11): handling units, knowledge-base entries and units'
replies, from CSV, XLSX or JSON (column sets in docs/imports.md, templates in
``data/templates``).

A file is read whole and every row checked with the domain's own validation before anything
is written; a file with any bad row is refused whole, with each problem's line number and
field. A good file goes in as one transaction and is written to the audit trail. Replies are
recorded by :meth:`TicketService.reply_in`, the console's own step, so each ticket moves on
exactly as it would there (its bound group with it, the callback clock started); a row the
ticket's state refuses makes the whole file refused and nothing of it is kept.

Line numbers are those a person sees: the line of the file for CSV (the header is line 1;
a quoted value spanning lines counts from the line it starts on) and JSON Lines, the row of
the sheet for XLSX, and the line where the row's object starts for JSON.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from svcdesk.domain.clock import Clock
from svcdesk.domain.roles import Permission
from svcdesk.domain.validation import InputError, clean_text, parse_event_time
from svcdesk.services import audit
from svcdesk.services.context import Actor
from svcdesk.services.errors import Invalid, ServiceError
from svcdesk.services.tickets import TicketService
from svcdesk.store import repo
from svcdesk.store.database import Database, Session
from svcdesk.store.import_queries import savepoint
from svcdesk.store.models import KbEntry, Unit

KINDS: tuple[str, ...] = ("units", "kb", "replies")
FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
UNIT_KINDS: tuple[str, ...] = ("municipal", "county", "utility")
MAX_ROWS = 100_000
"""A file holds at most this many rows (it is checked whole, in memory, before loading)."""
PROBLEMS_SHOWN = 50

_YES = frozenset({"true", "yes", "y", "1", "是", "启用", "有效"})
_NO = frozenset({"false", "no", "n", "0", "否", "停用", "无效"})
_UNIT_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


class _Bad(Exception):
    pass


# --------------------------------------------------------------------------- cell parsers


def _as_text(value: object) -> object:
    """Spreadsheet cells come typed: a phone number as a number, a code as an integer."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return value


def _text(name: str, max_len: int, required: bool = False, multiline: bool = False) -> Callable[..., Any]:
    def parse(value: object, _tz: ZoneInfo) -> str:
        try:
            return clean_text(_as_text(value), name, max_len, required, multiline=multiline) or ""
        except InputError as exc:
            raise _Bad(exc.problems[0].message) from None

    return parse


def _unit_code(value: object, tz: ZoneInfo) -> str:
    code = _text("code", 20, required=True)(value, tz)
    if not _UNIT_CODE.fullmatch(code):
        raise _Bad(f"{code!r}: letters, digits, - and _ only, starting with a letter or digit")
    return str(code)


def _unit_kind(value: object, tz: ZoneInfo) -> str:
    kind = _text("kind", 20)(value, tz) or "municipal"
    if kind not in UNIT_KINDS:
        raise _Bad(f"one of {', '.join(UNIT_KINDS)}, not {kind!r}")
    return str(kind)


def _yes_no(value: object, _tz: ZoneInfo) -> bool:
    if value is None or value == "":
        return True
    if isinstance(value, bool):
        return value
    text = str(_as_text(value)).strip().casefold()
    if text in _YES or not text:
        return True
    if text in _NO:
        return False
    raise _Bad(f"yes or no (true/false, 1/0, 是/否), not {value!r}")


def _day(value: object, _tz: ZoneInfo) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        if value.time() != time():
            raise _Bad("a date without a time of day, e.g. 2026-06-30")
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise _Bad(f"{text!r} is not a date; use YYYY-MM-DD") from None


def _moment(value: object, tz: ZoneInfo) -> datetime | None:
    try:
        return parse_event_time(_as_text(value), tz=tz)
    except InputError as exc:
        raise _Bad(exc.problems[0].message) from None


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[object, ZoneInfo], Any]
    required: bool = False
    aliases: tuple[str, ...] = ()


SPECS: dict[str, tuple[Column, ...]] = {
    "units": (
        Column("code", _unit_code, True, ("编码", "单位编码", "代码")),
        Column("name", _text("name", 80, required=True), True, ("名称", "单位名称")),
        Column("kind", _unit_kind, False, ("类型", "单位类型")),
        Column("phone", _text("phone", 30), False, ("电话", "联系电话")),
        Column("active", _yes_no, False, ("启用", "状态")),
    ),
    "kb": (
        Column("title", _text("title", 200, required=True), True, ("标题",)),
        Column(
            "answer", _text("answer", 4000, required=True, multiline=True), True, ("答案", "答复", "内容")
        ),
        Column("department", _text("department", 80), False, ("部门", "责任部门")),
        Column("contact", _text("contact", 80), False, ("联系方式", "联系电话")),
        Column("keywords", _text("keywords", 200), False, ("关键词",)),
        Column("review_date", _day, False, ("复核日期", "审核日期")),
    ),
    "replies": (
        Column("number", _text("number", 20, required=True), True, ("工单号", "工单编号")),
        Column("text", _text("text", 4000, required=True, multiline=True), True, ("回复内容", "答复内容")),
        Column("replied_at", _moment, False, ("回复时间", "答复时间")),
        Column("handler", _text("handler", 80), False, ("经办人", "承办人")),
    ),
}
_KEYS = {"units": "code", "kb": "title", "replies": "number"}


# --------------------------------------------------------------------------- reading files


@dataclass(frozen=True)
class RowProblem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


class ImportRefused(Invalid):
    """The file is refused whole; ``problems`` has each bad row's line number and field."""

    def __init__(self, path: Path, problems: list[RowProblem]) -> None:
        shown = "\n".join(f"  {p}" for p in problems[:PROBLEMS_SHOWN])
        more = len(problems) - PROBLEMS_SHOWN
        if more > 0:
            shown += f"\n  and {more} more"
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(
            f"{path.name} refused, nothing was loaded ({count}):\n{shown}", field=problems[0].field
        )
        self.problems = problems


@dataclass
class _Table:
    header_line: int
    header: list[object]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)


def _decode(data: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Invalid(f"{path.name}: not UTF-8 or GB18030 text", field="file")


def _read_csv(path: Path) -> _Table | None:
    reader = csv.reader(io.StringIO(_decode(path.read_bytes(), path), newline=""))
    table: _Table | None = None
    start = 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                if table is None:
                    table = _Table(start, list(record))
                else:
                    table.rows.append((start, list(record)))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise Invalid(f"{path.name}: line {reader.line_num}: {exc}", field="file") from None
    return table


def _read_xlsx(path: Path) -> _Table | None:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise Invalid(f"{path.name}: not a readable XLSX workbook ({exc})", field="file") from None
    try:
        sheet = workbook.worksheets[0]
        table: _Table | None = None
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = list(values)
            if not any(v is not None and str(v).strip() for v in cells):
                continue
            if table is None:
                table = _Table(line, cells)
            else:
                table.rows.append((line, cells))
        return table
    finally:
        workbook.close()


def _json_objects(text: str, key: str, path: Path) -> Iterator[tuple[int, object]]:
    """The objects of a top-level array, or of the array under ``key`` in a top-level object
    (as in data/units.json), each with the line it starts on."""
    decoder = json.JSONDecoder()
    pos = 0

    def skip() -> int:
        nonlocal pos
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        return pos

    def line_of(at: int) -> int:
        return text.count("\n", 0, at) + 1

    def fail(message: str) -> Invalid:
        return Invalid(f"{path.name}: line {line_of(pos)}: {message}", field="file")

    def value() -> object:
        nonlocal pos
        try:
            obj, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise Invalid(f"{path.name}: line {exc.lineno}: {exc.msg}", field="file") from None
        return obj

    skip()
    if text.startswith("{", pos):
        pos += 1
        while True:
            skip()
            if text.startswith("}", pos):
                raise fail(f'no "{key}" list in the object; give a list of rows or {{"{key}": [...]}}')
            name = value()
            skip()
            if not text.startswith(":", pos):
                raise fail("expected ':'")
            pos += 1
            skip()
            if name == key and text.startswith("[", pos):
                break
            value()
            skip()
            if text.startswith(",", pos):
                pos += 1
    if not text.startswith("[", pos):
        raise fail(f'expected a list of rows, or an object with a "{key}" list')
    pos += 1
    skip()
    if text.startswith("]", pos):
        return
    while True:
        skip()
        start = line_of(pos)
        yield start, value()
        skip()
        if text.startswith(",", pos):
            pos += 1
            continue
        if text.startswith("]", pos):
            return
        raise fail("expected ',' or ']'")


def _read_json(path: Path, kind: str, lines: bool) -> _Table | None:
    text = _decode(path.read_bytes(), path)
    names = [c.name for c in SPECS[kind]]
    objects: list[tuple[int, object]] = []
    if lines:
        for number, row_text in enumerate(text.splitlines(), start=1):
            if row_text.strip():
                try:
                    objects.append((number, json.loads(row_text)))
                except json.JSONDecodeError as exc:
                    raise Invalid(f"{path.name}: line {number}: {exc.msg}", field="file") from None
    else:
        json_key = {"units": "units", "kb": "entries", "replies": "replies"}[kind]
        objects = list(_json_objects(text, json_key, path))
    if not objects:
        return None
    header: list[object] = []
    for _line, obj in objects:
        if isinstance(obj, dict):
            header += [k for k in obj if k not in header]
    header.sort(key=lambda k: names.index(str(k)) if k in names else len(names))
    table = _Table(0, header)
    for line, obj in objects:
        if not isinstance(obj, dict):
            table.rows.append((line, [_NOT_AN_OBJECT]))
            continue
        table.rows.append((line, [obj.get(str(h), _ABSENT) for h in header]))
    return table


_NOT_AN_OBJECT = object()
_ABSENT = object()
"""A key a JSON row does not have: the column is not given for that row."""


# --------------------------------------------------------------------------- the service


@dataclass(frozen=True)
class ImportResult:
    kind: str
    path: str
    rows: int
    created: int
    updated: int
    dry_run: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "path": self.path,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "dry_run": self.dry_run,
        }


class _DryRun(Exception):
    """Rolls a checked import back on purpose."""


@dataclass
class _Row:
    line: int
    values: dict[str, Any]
    present: frozenset[str]


class ImportService:
    def __init__(self, db: Database, clock: Clock, tz: ZoneInfo, tickets: TicketService) -> None:
        self._db = db
        self._clock = clock
        self._tz = tz
        self._tickets = tickets

    def load(self, actor: Actor, kind: str, path: Path, *, dry_run: bool = False) -> ImportResult:
        """Checks the file whole, then loads it in one transaction (or, with ``dry_run``,
        only checks that it would load)."""
        if kind not in KINDS:
            raise Invalid(f"kind: one of {', '.join(KINDS)}, not {kind!r}", field="kind")
        if kind == "replies":
            actor.require(Permission.RECORD_REPLY, "record units' replies")
        else:
            actor.require(
                Permission.MANAGE_REFERENCE, f"import {'units' if kind == 'units' else 'the knowledge base'}"
            )
        rows = self._read(kind, path.expanduser())
        apply = {"units": self._apply_units, "kb": self._apply_kb, "replies": self._apply_replies}[kind]
        outcome: dict[str, int] = {}

        def work(s: Session) -> None:
            now = self._clock.now()
            created, updated = apply(s, actor, rows, now, path)
            outcome.update(created=created, updated=updated)
            audit.record(
                s,
                actor,
                now,
                f"import_{kind}",
                f"{len(rows)} rows from {path.name}: {created} new, {updated} updated",
            )
            if dry_run:
                raise _DryRun

        with contextlib.suppress(_DryRun):
            self._db.transaction(work)
        return ImportResult(kind, str(path), len(rows), outcome["created"], outcome["updated"], dry_run)

    # -- reading and checking ----------------------------------------------------------

    def _read(self, kind: str, path: Path) -> list[_Row]:
        if not path.is_file():
            raise Invalid(f"file: {path} does not exist or is not a file", field="file")
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise Invalid(f"file: {path.name} is not .csv, .xlsx, .json or .jsonl", field="file")
        if fmt == "csv":
            table = _read_csv(path)
        elif fmt == "xlsx":
            table = _read_xlsx(path)
        else:
            table = _read_json(path, kind, lines=fmt == "jsonl")
        if table is None or not table.rows:
            raise Invalid(f"file: {path.name} holds no rows", field="file")
        if len(table.rows) > MAX_ROWS:
            raise Invalid(f"file: {path.name} holds {len(table.rows)} rows, at most {MAX_ROWS}", field="file")
        spec = SPECS[kind]
        columns = self._columns(table, spec, path)
        problems: list[RowProblem] = []
        out: list[_Row] = []
        seen: dict[str, int] = {}
        key = _KEYS[kind]
        for line, cells in table.rows:
            if cells and cells[0] is _NOT_AN_OBJECT:
                problems.append(RowProblem(line, "row", "not a JSON object"))
                continue
            values: dict[str, Any] = {}
            present = set()
            for index, column in columns.items():
                raw = cells[index] if index < len(cells) else None
                if raw is _ABSENT:
                    if column.required:
                        problems.append(RowProblem(line, column.name, "a value is required"))
                    continue
                present.add(column.name)
                try:
                    values[column.name] = column.parse(raw, self._tz)
                except _Bad as bad:
                    problems.append(RowProblem(line, column.name, str(bad)))
            for column in spec:
                if column.name not in present:
                    values.setdefault(column.name, None)
            if values.get(key):
                first = seen.setdefault(str(values[key]), line)
                if first != line:
                    problems.append(RowProblem(line, key, f"{values[key]} is already on line {first}"))
            out.append(_Row(line, values, frozenset(present)))
        if problems:
            raise ImportRefused(path, problems)
        return out

    def _columns(self, table: _Table, spec: tuple[Column, ...], path: Path) -> dict[int, Column]:
        by_name: dict[str, Column] = {}
        for c in spec:
            by_name[c.name] = c
            for alias in c.aliases:
                by_name[alias] = c
        found: dict[int, Column] = {}
        problems = []
        line = table.header_line or 1
        for index, raw in enumerate(table.header):
            name = str(raw if raw is not None else "").strip().lstrip("\ufeff")
            if not name:
                continue
            match = by_name.get(name) or by_name.get(name.casefold())
            if match is None:
                expected = ", ".join(c.name for c in spec)
                problems.append(RowProblem(line, name, f"unknown column; the columns are {expected}"))
            elif match in found.values():
                problems.append(RowProblem(line, name, f"column {match.name} is given twice"))
            else:
                found[index] = match
        given = {c.name for c in found.values()}
        for c in spec:
            if c.required and c.name not in given:
                problems.append(RowProblem(line, c.name, "this column is required"))
        if problems:
            raise ImportRefused(path, problems)
        return found

    # -- loading -------------------------------------------------------------------------

    def _apply_units(
        self, s: Session, actor: Actor, rows: list[_Row], now: datetime, path: Path
    ) -> tuple[int, int]:
        created = updated = 0
        for row in rows:
            v = row.values
            unit = repo.unit_by_code(s, v["code"])
            if unit is None:
                unit = Unit(code=v["code"], name=v["name"])
                created += 1
            else:
                updated += 1
            unit.name = v["name"]
            _set(unit, "kind", v, row.present, "municipal")
            _set(unit, "phone", v, row.present, "")
            _set(unit, "active", v, row.present, True)
            s.add(unit)
        return created, updated

    def _apply_kb(
        self, s: Session, actor: Actor, rows: list[_Row], now: datetime, path: Path
    ) -> tuple[int, int]:
        created = updated = 0
        for row in rows:
            v = row.values
            entry = repo.kb_by_title(s, v["title"])
            if entry is None:
                entry = KbEntry(title=v["title"], answer=v["answer"], updated_at=now)
                created += 1
            else:
                updated += 1
            entry.answer = v["answer"]
            for name in ("department", "contact", "keywords"):
                _set(entry, name, v, row.present, "")
            _set(entry, "review_date", v, row.present, None)
            entry.updated_at = now
            s.add(entry)
        return created, updated

    def _apply_replies(
        self, s: Session, actor: Actor, rows: list[_Row], now: datetime, path: Path
    ) -> tuple[int, int]:
        problems: list[RowProblem] = []
        moved_by: dict[str, int] = {}
        for row in rows:
            v = row.values
            number = v["number"]
            if number in moved_by:
                problems.append(
                    RowProblem(
                        row.line,
                        "number",
                        f"{number} was already moved on by the reply on line {moved_by[number]}, "
                        "to a ticket bound to it; leave this row out",
                    )
                )
                continue
            try:
                with savepoint(s):
                    moved = self._tickets.reply_in(
                        s, actor, number, v["text"], v["replied_at"], v["handler"] or ""
                    )
            except ServiceError as exc:
                where = getattr(exc, "field", None) or "number"
                problems.append(RowProblem(row.line, where, _strip_field(str(exc), where)))
                continue
            for other in moved:
                moved_by.setdefault(other, row.line)
        if problems:
            raise ImportRefused(path, problems)
        return 0, len(rows)


def _set(target: object, name: str, values: Mapping[str, Any], present: frozenset[str], default: Any) -> None:
    """A column given in the file sets the value (an empty cell: the default); a column the
    file does not have leaves an existing row as it is and gives a new one the default."""
    if name in present:
        value = values[name]
        setattr(target, name, default if value is None or value == "" else value)
    elif getattr(target, "id", None) is None:
        setattr(target, name, default)


def _strip_field(message: str, field: str) -> str:
    prefix = f"{field}: "
    return message[len(prefix) :] if message.startswith(prefix) else message
