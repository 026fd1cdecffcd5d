"""Ticket exports (spec §10, §13): CSV for Excel, XLSX with typed cells, JSON or JSON Lines.

One row per ticket with the contract's ticket keys, the dates of its life, the outcome of
each time limit (from :mod:`svcdesk.services.metrics`, the reports' own definitions), its
callback result and its bound group. Exports stream: rows are read in batches and written
as they come (xlsxwriter's ``constant_memory`` mode for XLSX), so memory does not grow with
the number of tickets; the file is written under a temporary name and renamed into place
only when complete, so an interrupted export never leaves a half-written file behind.

Confidentiality (安全保密制度): callers' names and phone numbers are masked (``张*``,
``138****5678``), and so are phone numbers written inside the place and the details,
unless the office exports with ``unmask``, which is written to the audit trail before any
row is read. Names written inside free text cannot be recognised and are not masked.

Formats
    ``csv``   UTF-8 with a byte-order mark (Excel opens Chinese text correctly), times in
              the centre's local time as ``YYYY-MM-DD HH:MM:SS``, booleans ``true``/``false``,
              ``bound_to`` space-separated. A free-text cell starting with ``= + - @`` gets a
              leading ``'`` so a spreadsheet never runs it as a formula.
    ``xlsx``  A header row in bold, frozen, with filters; times as real dates (local time,
              ``yyyy-mm-dd hh:mm:ss``), booleans and numbers typed, text never a formula. A
              sheet holds at most 1,048,575 tickets; the next ones go on a further sheet.
    ``json``  One document: an array of ticket objects, times ISO 8601 with their offset.
    ``jsonl`` One ticket object per line.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from svcdesk.domain import limits
from svcdesk.domain.categories import CATEGORIES, MODES
from svcdesk.domain.clock import Clock
from svcdesk.domain.masking import ANONYMOUS_NAMES, is_anonymous_name, mask_name, mask_phone
from svcdesk.domain.phone import PhoneError, phone_kind
from svcdesk.domain.roles import Permission
from svcdesk.domain.states import OPEN_STATUSES, STATUSES
from svcdesk.services import audit
from svcdesk.services.context import Actor
from svcdesk.services.errors import Invalid
from svcdesk.services.metrics import (
    CALLBACK_RESULTS,
    DISPATCHED_MODE,
    REACHED_RESULTS,
    Outcome,
    callback_decision,
    days_window,
    dispatch_decision,
    handling_decision,
    is_overdue,
)
from svcdesk.store import export_csv, repo
from svcdesk.store import export_queries as q
from svcdesk.store.database import Database

FORMATS: tuple[str, ...] = ("csv", "xlsx", "json", "jsonl")
XLSX_MAX_ROWS = 1_048_576
"""Excel's limit per sheet, the header row included."""

# (name, kind): kind is text, bool, int, time, outcome or list.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "text"),
    ("status", "text"),
    ("category", "text"),
    ("subtype", "text"),
    ("mode", "text"),
    ("urgent", "bool"),
    ("major", "bool"),
    ("supervised", "bool"),
    ("round", "int"),
    ("caller_name", "text"),
    ("caller_phone", "text"),
    ("event_time", "time"),
    ("place", "text"),
    ("details", "text"),
    ("unit", "text"),
    ("accepted_by", "text"),
    ("created_at", "time"),
    ("dispatch_due_at", "time"),
    ("first_dispatched_at", "time"),
    ("dispatched_at", "time"),
    ("due_at", "time"),
    ("due_provisional", "bool"),
    ("replied_at", "time"),
    ("callback_due_at", "time"),
    ("called_back_at", "time"),
    ("closed_at", "time"),
    ("close_reason", "text"),
    ("dispatched_within_1h", "outcome"),
    ("handled_in_time", "outcome"),
    ("called_back_in_time", "outcome"),
    ("overdue", "bool"),
    ("callback_result", "text"),
    ("group", "text"),
    ("group_size", "int"),
    ("bound_to", "list"),
)
COLUMN_NAMES: tuple[str, ...] = tuple(name for name, _ in COLUMNS)
_KINDS: tuple[str, ...] = tuple(kind for _, kind in COLUMNS)
_XLSX_WIDTHS = {"text": 14, "bool": 8, "int": 7, "time": 19, "outcome": 10, "list": 28}
_XLSX_WIDE = {"number": 15, "place": 30, "details": 60, "caller_phone": 14, "bound_to": 30}


CLOSE_REASONS: tuple[str, ...] = ("", "callback", "direct", "office", "unreachable")
"""What a ticket's ``close_reason`` holds (empty while it is open)."""

_OUTCOME_TEXT: dict[Outcome, str | None] = {o: o.value for o in Outcome} | {Outcome.NOT_APPLICABLE: None}


def mask_stored_name(name: str | None) -> str | None:
    """:func:`~svcdesk.domain.masking.mask_name`, quicker for the usual name: one word of
    letters (``王秀英`` -> ``王**``); anything else goes through ``mask_name`` itself."""
    if (
        name
        and len(name) > 1
        and name.isalpha()
        and name not in ANONYMOUS_NAMES
        and not (name.isascii() and is_anonymous_name(name))
    ):
        return name[0] + "*" * (len(name) - 1)
    return mask_name(name)


def mask_stored_phone(phone: str | None) -> str | None:
    """:func:`~svcdesk.domain.masking.mask_phone` for a number stored in canonical form.

    Tickets keep the caller's number as :func:`~svcdesk.domain.phone.normalize_phone`
    returned it, so its kind follows from its shape and the mask is applied directly,
    without validating the number again (which costs tens of microseconds a row). Anything
    not canonical goes through ``mask_phone`` itself.
    """
    if not phone:
        return phone
    if len(phone) == 11 and phone[0] == "1" and phone[1] in "3456789" and phone.isdigit():
        return phone[:3] + "****" + phone[7:]  # a mobile number, the usual case
    try:
        kind = phone_kind(phone)
    except PhoneError:
        return mask_phone(phone)
    if kind == "mobile":
        return phone[:3] + "****" + phone[7:]
    if kind == "landline":
        head = 3 if phone[1] in "12" else 4
        return phone[:head] + "*" * (len(phone) - head - 4) + phone[-4:]
    if len(phone) <= 5:
        return phone
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


_PHONE_IN_TEXT = re.compile(
    r"(?<!\d)(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)"  # mobile
    r"|(?<!\d)0\d{2,3}[ -]?\d{7,8}(?!\d)"  # landline with its area code
)


def _mask_match(match: re.Match[str]) -> str:
    return mask_phone(match.group(0))


def mask_phones_in_text(text: str | None) -> str | None:
    """Masks the phone numbers written inside free text (place, details): mobile numbers,
    with or without +86 and separators, and landlines with their area code."""
    if not text:
        return text
    return _PHONE_IN_TEXT.sub(_mask_match, text)


_MISS = object()


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


class _LocalTime:
    """UTC text (``YYYY-MM-DD HH:MM:SS[.ffffff]``, as the store hands it out) to the centre's
    local time, fast: the local date and hour are worked out once per hour of UTC and the
    minutes and seconds copied over. An hour holding a time-zone transition, or a zone whose
    offset is not a whole number of hours, takes the exact path."""

    def __init__(self, tz: ZoneInfo) -> None:
        self._tz = tz
        self._hours: dict[str, Any] = {}
        self.prefixes: dict[str, str] = {}
        """UTC ``YYYY-MM-DD HH`` -> local ``YYYY-MM-DD HH``, for the hours of the fast path."""
        self._iso: dict[str, tuple[str, str, str]] = {}

    def _hour(self, utc: str) -> tuple[str, str, str] | None:
        key = utc[:13]
        hit = self._hours.get(key, _MISS)
        if hit is _MISS:
            start = datetime.fromisoformat(key + ":00:00").replace(tzinfo=UTC)
            a = start.astimezone(self._tz).utcoffset() or timedelta(0)
            b = (start + timedelta(minutes=59, seconds=59)).astimezone(self._tz).utcoffset() or timedelta(0)
            if a == b and a % timedelta(hours=1) == timedelta(0):
                local = (start + a).strftime("%Y-%m-%d %H")
                hit = (local, local.replace(" ", "T"), _offset_text(a))
                self.prefixes[key] = local
                self._iso[key] = hit
            else:
                hit = None
            self._hours[key] = hit
        return hit  # type: ignore[no-any-return]

    def _exact(self, utc: str) -> datetime:
        return datetime.fromisoformat(utc).replace(tzinfo=UTC).astimezone(self._tz).replace(microsecond=0)

    def text(self, utc: str) -> str:
        """Local wall time, ``YYYY-MM-DD HH:MM:SS``."""
        prefix = self.prefixes.get(utc[:13])
        if prefix is not None:
            return prefix + utc[13:19]
        hour = self._hour(utc)
        if hour is not None:
            return hour[0] + utc[13:19]
        return self._exact(utc).strftime("%Y-%m-%d %H:%M:%S")

    def naive(self, utc: str) -> datetime:
        """Local wall time as a datetime without a zone (a spreadsheet's date)."""
        return datetime.fromisoformat(self.text(utc))

    def iso(self, utc: str) -> str:
        """ISO 8601 with the UTC offset, to the second."""
        hour = self._iso.get(utc[:13]) or self._hour(utc)
        if hour is not None:
            return hour[1] + utc[13:19] + hour[2]
        return self._exact(utc).isoformat()


_SPAN_REACH = timedelta(days=3653)
_SPAN_MIN = timedelta(days=366)


def fixed_offset_span(tz: ZoneInfo, around: datetime) -> tuple[timedelta, datetime, datetime] | None:
    """The zone's UTC offset at ``around`` (aware) and the span of days around it, up to ten
    years either way, over which the offset stays the same: ``(offset, first, last)``, naive
    UTC. ``None`` when the span is shorter than a year (a zone with daylight saving time).

    The offset is looked at once a day, so a change and its reversal within one day would go
    unseen; the time-zone database has none in the years this looks at."""
    day = timedelta(days=1)
    moment = around.astimezone(UTC)

    def offset_at(when: datetime) -> timedelta | None:
        return when.astimezone(tz).utcoffset()

    offset = offset_at(moment)
    if offset is None:
        return None
    first = last = moment
    while moment - first < _SPAN_REACH and offset_at(first - day) == offset:
        first -= day
    while last - moment < _SPAN_REACH and offset_at(last + day) == offset:
        last += day
    if last - first < _SPAN_MIN:
        return None
    return offset, first.replace(tzinfo=None), last.replace(tzinfo=None)


@dataclass(frozen=True)
class _Style:
    """How a format writes the cells that differ between formats."""

    time: Callable[[str], Any]
    """UTC text -> the cell."""
    bools: tuple[Any, Any]
    """The cells for false and true."""
    bound: Callable[[list[str]], Any]
    """The other tickets of the bound group -> the cell."""
    defuse: bool
    """Free text a spreadsheet would run as a formula gets a leading ``'`` (CSV)."""


def _style(fmt: str, local: _LocalTime) -> _Style:
    if fmt == "csv":
        return _Style(local.text, ("false", "true"), " ".join, True)
    if fmt == "xlsx":
        return _Style(local.naive, (False, True), " ".join, False)
    return _Style(local.iso, (False, True), list, False)


def _defuse(text: str | None) -> str | None:
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


@dataclass(frozen=True)
class ExportFilter:
    """``date_from``/``date_to`` are inclusive local days of creation."""

    date_from: date | None = None
    date_to: date | None = None
    status: str | None = None
    category: str | None = None
    unit: str | None = None

    def describe(self) -> str:
        parts = [
            f"{k}={v}"
            for k, v in (
                ("from", self.date_from),
                ("to", self.date_to),
                ("status", self.status),
                ("category", self.category),
                ("unit", self.unit),
            )
            if v
        ]
        return ", ".join(parts) or "all tickets"


@dataclass(frozen=True)
class ExportResult:
    path: str
    format: str
    rows: int
    masked: bool
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "rows": self.rows,
            "masked": self.masked,
            "seconds": round(self.seconds, 3),
        }


Progress = Callable[[int], None]


class ExportService:
    def __init__(self, db: Database, clock: Clock, tz: ZoneInfo) -> None:
        self._db = db
        self._clock = clock
        self._tz = tz

    # -- filters -------------------------------------------------------------------------

    def _filter(self, f: ExportFilter) -> q.TicketFilter:
        if f.status is not None and f.status not in STATUSES:
            raise Invalid(f"status: one of {', '.join(STATUSES)}, not {f.status!r}", field="status")
        if f.category is not None and f.category not in CATEGORIES:
            raise Invalid(f"category: one of {', '.join(CATEGORIES)}, not {f.category!r}", field="category")
        start = end = None
        if f.date_from is not None or f.date_to is not None:
            first = f.date_from or date(1900, 1, 1)
            last = f.date_to or date(9998, 12, 30)
            if last < first:
                raise Invalid(f"to: {last} is before from: {first}", field="to")
            window = days_window(first, last, self._tz)
            start = window.start if f.date_from is not None else None
            end = window.end if f.date_to is not None else None
        unit_id = None
        if f.unit:
            with self._db.read() as s:
                unit = repo.unit_by_code(s, f.unit.strip())
                unit_id = None if unit is None else unit.id
            if unit_id is None:
                raise Invalid(
                    f"unit: no handling unit with code {f.unit!r} (see `svcdesk units list`)", field="unit"
                )
        return q.TicketFilter(start, end, (f.status,) if f.status else (), f.category, unit_id)

    def count(self, actor: Actor, f: ExportFilter) -> int:
        """How many tickets an export with these filters will write (for a progress bar)."""
        actor.require(Permission.EXPORT, "export tickets")
        flt = self._filter(f)
        with self._db.read() as s:
            return q.count(s, flt)

    # -- rows ----------------------------------------------------------------------------

    def _batches(self, flt: q.TicketFilter, unmask: bool, style: _Style) -> Iterator[list[list[Any]]]:
        """The export's rows, a batch at a time, in :data:`COLUMNS` order, each cell as the
        format writes it (``style``); outcomes are ``met``, ``missed``, ``pending`` or
        ``None`` when the limit does not apply. Masked unless ``unmask``."""
        now = self._clock.now().astimezone(UTC).replace(tzinfo=None)
        with self._db.read() as s:
            units = repo.unit_codes(s)
            users = q.usernames(s)
            for batch in q.batches(s, flt):
                gids = [r[_GROUP] for r in batch if r[_GROUP] is not None]
                groups = q.group_numbers(s, gids) if gids else {}
                yield [_row(r, now, units, users, groups, unmask, style) for r in batch]

    def _csv_rules(self, unmask: bool, now: datetime) -> export_csv.CsvRules | None:
        """The rules for SQLite to write the CSV lines itself; ``None`` when it cannot (not
        SQLite, or a time zone with daylight saving time: see :func:`fixed_offset_span`)."""
        if not self._db.is_sqlite:
            return None
        span = fixed_offset_span(self._tz, now.replace(tzinfo=UTC))
        if span is None:
            return None
        offset, first, last = span
        return export_csv.CsvRules(
            masked=not unmask,
            now=now,
            utc_offset=offset,
            fixed_from=first,
            fixed_to=last,
            dispatch_mode=DISPATCHED_MODE,
            dispatch_limit=limits.DISPATCH_LIMIT,
            reached_results=REACHED_RESULTS,
            open_statuses=tuple(sorted(OPEN_STATUSES)),
            anonymous_names=ANONYMOUS_NAMES,
            plain_values={
                "status": STATUSES,
                "category": tuple(CATEGORIES),
                "subtype": tuple(sorted({s for subs in CATEGORIES.values() for s in subs})),
                "mode": MODES,
                "close_reason": CLOSE_REASONS,
                "callback_result": CALLBACK_RESULTS,
            },
            header=_csv_text([list(COLUMN_NAMES)])[0],
        )

    def _csv_lines(self, flt: q.TicketFilter, unmask: bool) -> Lines | None:
        """The CSV export's lines written by SQLite (``None`` when it cannot: then the rows
        of :meth:`_batches` are written by ``csv.writer``), the same bytes either way."""
        now = self._clock.now().astimezone(UTC).replace(tzinfo=None)
        rules = self._csv_rules(unmask, now)
        if rules is None:
            return None
        style = _style("csv", _LocalTime(self._tz))

        def python_lines(
            rows: list[tuple[Any, ...]],
            units: dict[int, str],
            users: dict[int, str],
            groups: dict[int, list[str]],
        ) -> list[str]:
            return _csv_text([_row(r, now, units, users, groups, unmask, style) for r in rows])

        def lines() -> Lines:
            yield 0, rules.header.encode()
            with self._db.read() as s:
                yield from export_csv.csv_lines(s, flt, rules, python_lines)

        return lines()

    # -- the export ----------------------------------------------------------------------

    def export(
        self,
        actor: Actor,
        f: ExportFilter,
        fmt: str,
        path: Path | None,
        *,
        unmask: bool = False,
        stream: IO[str] | None = None,
        progress: Progress | None = None,
    ) -> ExportResult:
        """Writes the export to ``path`` (complete or not at all), or to the text ``stream``
        (CSV, JSON and JSON Lines only). ``unmask`` needs the office's permission and is
        audited before any row is read."""
        actor.require(Permission.EXPORT, "export tickets")
        if fmt not in FORMATS:
            raise Invalid(f"format: one of {', '.join(FORMATS)}, not {fmt!r}", field="format")
        if unmask:
            actor.require(Permission.UNMASK, "export callers' names and phone numbers unmasked")
        if (path is None) == (stream is None):
            raise Invalid("out: give a file to write", field="out")
        if stream is not None and fmt == "xlsx":
            raise Invalid(
                "out: an XLSX workbook must be written to a file, not to standard output", field="out"
            )
        if path is not None:
            path = path.expanduser()
            if path.is_dir():
                raise Invalid(f"out: {path} is a directory; give a file name", field="out")
            if not path.parent.is_dir():
                raise Invalid(f"out: the folder {path.parent} does not exist", field="out")
        flt = self._filter(f)
        started = time.perf_counter()
        if unmask:
            with self._db.write() as s:
                matching = q.count(s, flt)
                where = str(path) if path is not None else "standard output"
                audit.record(
                    s,
                    actor,
                    self._clock.now(),
                    "export_unmasked",
                    f"{matching} tickets with callers' names and phone numbers unmasked, {fmt}, "
                    f"to {where} ({f.describe()})",
                )
        lines = self._csv_lines(flt, unmask) if fmt == "csv" else None
        rows = self._batches(flt, unmask, _style(fmt, _LocalTime(self._tz)))
        if stream is not None:
            if lines is not None:
                n = _write_csv_lines(lines, stream, progress)
            else:
                n = _WRITERS[fmt](rows, stream, progress)
            return ExportResult("-", fmt, n, not unmask, time.perf_counter() - started)
        assert path is not None
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        tmp = Path(tmp_name)
        try:
            if fmt == "xlsx":
                os.close(fd)
                n = _write_xlsx(rows, tmp, progress)
            elif lines is not None:
                with open(fd, "wb") as raw:
                    raw.write(codecs.BOM_UTF8)
                    n = _write_csv_lines(lines, raw, progress)
            else:
                encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
                with open(fd, "w", encoding=encoding, newline="") as fh:
                    n = _WRITERS[fmt](rows, fh, progress)
            # mkstemp creates the file readable by its owner only, as caller data should be.
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return ExportResult(str(path), fmt, n, not unmask, time.perf_counter() - started)


_GROUP = q.COLUMNS.index("group_id")
_MAY_HOLD_A_PHONE = re.compile(r"\d\d\d\d")
_parse = datetime.fromisoformat


def _row(
    r: tuple[Any, ...],
    now: datetime,
    units: dict[int, str],
    users: dict[int, str],
    groups: dict[int, list[str]],
    unmask: bool,
    style: _Style,
) -> list[Any]:
    """One export row, its cells as the format writes them, from one stored row (``now`` and
    the stored times are naive UTC)."""
    (
        number,
        status,
        category,
        subtype,
        mode,
        urgent,
        major,
        supervised,
        round_,
        caller_name,
        caller_phone,
        event_time,
        place,
        details,
        unit_id,
        accepted_by_id,
        created_at,
        dispatch_due_at,
        first_dispatched_at,
        dispatched_at,
        due_at,
        due_provisional,
        replied_at,
        callback_due_at,
        called_back_at,
        closed_at,
        close_reason,
        callback_result,
        deadline_at,
        group_id,
    ) = r
    if not unmask:
        caller_name = mask_stored_name(caller_name)
        caller_phone = mask_stored_phone(caller_phone)
        if place and _MAY_HOLD_A_PHONE.search(place):
            place = mask_phones_in_text(place)
        if details and _MAY_HOLD_A_PHONE.search(details):
            details = mask_phones_in_text(details)
    if style.defuse:
        caller_name, place, details = _defuse(caller_name), _defuse(place), _defuse(details)
    created = _parse(created_at)
    dispatched = None if dispatched_at is None else _parse(dispatched_at)
    due = None if due_at is None else _parse(due_at)
    replied = None if replied_at is None else _parse(replied_at)
    first = None if first_dispatched_at is None else _parse(first_dispatched_at)
    cb_due = None if callback_due_at is None else _parse(callback_due_at)
    called = None if called_back_at is None else _parse(called_back_at)
    deadline = None if deadline_at is None else _parse(deadline_at)
    dispatch = dispatch_decision(mode, created, first, now)
    handling = handling_decision(dispatched, due, replied, now)
    callback = callback_decision(replied, cb_due, called, callback_result, close_reason, now)
    members = groups.get(group_id) if group_id is not None else None
    t = style.time
    yes_no = style.bools
    return [
        number,
        status,
        category,
        subtype,
        mode,
        yes_no[bool(urgent)],
        yes_no[bool(major)],
        yes_no[bool(supervised)],
        round_,
        caller_name,
        caller_phone,
        None if event_time is None else t(event_time),
        place,
        details,
        units.get(unit_id) if unit_id is not None else None,
        users.get(accepted_by_id),
        t(created_at),
        None if dispatch_due_at is None else t(dispatch_due_at),
        None if first_dispatched_at is None else t(first_dispatched_at),
        None if dispatched_at is None else t(dispatched_at),
        None if due_at is None else t(due_at),
        yes_no[bool(due_provisional)],
        None if replied_at is None else t(replied_at),
        None if callback_due_at is None else t(callback_due_at),
        None if called_back_at is None else t(called_back_at),
        None if closed_at is None else t(closed_at),
        close_reason or None,
        _OUTCOME_TEXT[dispatch[0]],
        _OUTCOME_TEXT[handling[0]],
        _OUTCOME_TEXT[callback[0]],
        yes_no[is_overdue(status, deadline, now)],
        callback_result,
        members[0] if members else None,
        len(members) if members else 1,
        style.bound([m for m in members if m != number] if members else []),
    ]


# --------------------------------------------------------------------------- writers

Batches = Iterator[list[list[Any]]]
Lines = Generator[tuple[int, bytes], None, None]
"""Finished CSV lines: ``(rows, UTF-8 bytes)``."""


def _write_csv(batches: Batches, fh: IO[str], progress: Progress | None) -> int:
    writer = csv.writer(fh)
    writer.writerow(COLUMN_NAMES)
    n = 0
    for batch in batches:
        writer.writerows(batch)
        n += len(batch)
        if progress is not None:
            progress(len(batch))
    return n


def _write_json(batches: Batches, fh: IO[str], progress: Progress | None) -> int:
    n = 0
    fh.write("[")
    dumps = json.dumps
    for batch in batches:
        for row in batch:
            fh.write(",\n" if n else "\n")
            fh.write(dumps(dict(zip(COLUMN_NAMES, row, strict=True)), ensure_ascii=False))
            n += 1
        if progress is not None:
            progress(len(batch))
    fh.write("\n]\n" if n else "]\n")
    return n


def _write_jsonl(batches: Batches, fh: IO[str], progress: Progress | None) -> int:
    n = 0
    dumps = json.dumps
    for batch in batches:
        fh.write(
            "".join(
                dumps(dict(zip(COLUMN_NAMES, row, strict=True)), ensure_ascii=False) + "\n" for row in batch
            )
        )
        n += len(batch)
        if progress is not None:
            progress(len(batch))
    return n


def _csv_text(rows: list[list[Any]]) -> list[str]:
    """Each row as ``csv.writer`` writes it, line ending included."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    out = []
    for row in rows:
        buf.seek(0)
        buf.truncate()
        writer.writerow(row)
        out.append(buf.getvalue())
    return out


def _write_csv_lines(lines: Lines, fh: IO[Any], progress: Progress | None) -> int:
    """Writes finished CSV lines (the header first) to a binary file or a text stream."""
    text = isinstance(fh, io.TextIOBase)
    n = 0
    with contextlib.closing(lines):  # an interrupted export stops its reading at once
        for count, chunk in lines:
            fh.write(chunk.decode() if text else chunk)
            if count:
                n += count
                if progress is not None:
                    progress(count)
    return n


_WRITERS: dict[str, Callable[[Batches, IO[str], Progress | None], int]] = {
    "csv": _write_csv,
    "json": _write_json,
    "jsonl": _write_jsonl,
}


def _write_xlsx(batches: Batches, path: Path, progress: Progress | None) -> int:
    """Writes the workbook. xlsxwriter's ``constant_memory`` mode keeps one row in memory and
    the sheet's XML in a scratch file until the workbook is zipped up at the end; the scratch
    files go in a folder of their own beside the export (not the system's temporary folder,
    which may be small or in memory) and are removed whatever happens."""
    import xlsxwriter

    scratch = tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".scratch", dir=path.parent)
    try:
        workbook = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "tmpdir": scratch,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1})
        when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        per_sheet = XLSX_MAX_ROWS - 1
        kinds = list(enumerate(_KINDS))
        n = 0
        line = per_sheet + 1
        sheet: Any = None
        for batch in batches:
            for row in batch:
                if line > per_sheet:
                    sheet = _new_sheet(workbook, header, n // per_sheet)
                    line = 1
                write_string = sheet.write_string
                for i, kind in kinds:
                    v = row[i]
                    if v is None:
                        continue
                    if kind == "text" or kind == "outcome":
                        write_string(line, i, v)
                    elif kind == "time":
                        sheet.write_datetime(line, i, v, when)
                    elif kind == "bool":
                        sheet.write_boolean(line, i, v)
                    elif kind == "int":
                        sheet.write_number(line, i, v)
                    elif v:
                        write_string(line, i, v)
                line += 1
                n += 1
            if progress is not None:
                progress(len(batch))
        if sheet is None:
            _new_sheet(workbook, header, 0)
        workbook.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return n


def _new_sheet(workbook: Any, header: Any, index: int) -> Any:
    sheet = workbook.add_worksheet("tickets" if index == 0 else f"tickets {index + 1}")
    for i, (name, kind) in enumerate(COLUMNS):
        sheet.set_column(i, i, _XLSX_WIDE.get(name, _XLSX_WIDTHS[kind]))
    sheet.write_row(0, 0, COLUMN_NAMES, header)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, 0, len(COLUMNS) - 1)
    return sheet
