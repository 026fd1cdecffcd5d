"""The CSV export's fast path on SQLite: SQLite writes each ticket's row as one finished CSV
line, so Python only joins the lines and writes them.

An export of a million tickets spends its time in per-row work: local times, the three limit
outcomes, masking, quoting. Done in Python that is about 25 µs a row; here it is one
``printf()`` per row in SQLite's own C, and the rows reach Python as ready bytes. The SQL
mirrors, rule by rule, what :mod:`svcdesk.services.exports` does in Python (the service passes
the rules in: :class:`CsvRules`), and ``tests/services/test_exports_fast.py`` holds the two to
byte-identical output.

SQLite formats a row only when it can do so exactly like Python; anything else is *routed* to
the Python path: the row's line carries the marker ``\\x01`` (:data:`MARK`) and is replaced by
the service's own line for that ticket. Routed are the tickets of a bound group; masked names
that are not a plain word of Chinese or Latin letters; masked phone numbers not in a canonical
form; masked places and details in which a phone number could be written (the test is wider
than the masking rule and never narrower: see :func:`_may_hold_a_phone`); a time outside the
span over which the centre's UTC offset is fixed (``fixed_from``/``fixed_to``, compared as
text) or not of the stored form's length (26 characters, ``YYYY-MM-DD HH:MM:SS.ffffff``); and
a status, category, subtype, mode, close reason or callback result that is not one of the known
values (which need no CSV quoting).

Only the length of a time is checked, not its shape: a ``GLOB`` on the shape costs 1.3 s of CPU
a million tickets (a tenth of the export). The application writes every time in the stored
form; a text of that length in another form, written into the file by another program (such
as ``2025-09-29 10:00:00 +08:00``), is written as SQLite's ``datetime()`` reads it, which may
differ from the Python path's line.

Times are stored as naive UTC text that orders as it compares, so the limits' rules are text
comparisons here, and local time is SQLite's ``datetime()``. SQLite rounds the microseconds to
milliseconds where Python cuts them (``replace(microsecond=0)``), which differs only from
``.999500`` on: such times are routed. A text with a NUL character is routed too: ``printf()``
and ``GLOB`` would stop at it.

A big export (every ticket, or some days of them) is read by two processes, slice of creation
time by slice, in one snapshot (see :func:`csv_lines`): SQLite serialises the memory
allocations of a process's threads, so a second thread would only slow the first down.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

from sqlmodel import Session

from svcdesk.store.export_helper import END_OF_SLICE, HEADER, placeholders
from svcdesk.store.export_queries import COLUMNS, TicketFilter, group_numbers, usernames
from svcdesk.store.repo import unit_codes

MARK = "\x01"
"""In a line SQLite wrote, the sign that the row must be written by the Python path."""
_MARK_BYTE = MARK.encode()
_first = itemgetter(0)

_STORED = "%Y-%m-%d %H:%M:%S.%f"
_STORED_LENGTH = 26

#: The export's columns that SQLite writes as stored when they are one of the known values.
PLAIN_COLUMNS: tuple[str, ...] = ("status", "category", "subtype", "mode", "close_reason", "callback_result")

#: The stored times of a row (``deadline_at`` is not exported but decides ``overdue``).
_TIMES: tuple[str, ...] = (
    "event_time",
    "created_at",
    "dispatch_due_at",
    "first_dispatched_at",
    "dispatched_at",
    "due_at",
    "replied_at",
    "callback_due_at",
    "called_back_at",
    "closed_at",
    "deadline_at",
)

#: Every decimal digit that is not ASCII lies in these ranges (Python's ``\\d``; the test
#: suite checks it against the running Python's Unicode database).
NON_ASCII_DIGITS = "[\u0660-\u1c59\ua620-\uabf9\uff10-\uff19\U000104a0-\U0001fbf9]"

#: What the fast path writes for a masked caller's name: one word of these letters.
_NAME_LETTERS = "一-鿿A-Za-z"
_INDEXED = "/*indexed*/"
_STARS = "*" * 40


@dataclass(frozen=True)
class CsvRules:
    """Everything the SQL needs from the service's rules, for one export."""

    masked: bool
    now: datetime
    """Naive UTC: the moment the outcomes are decided at."""
    utc_offset: timedelta
    """The centre's offset from UTC, the same at every moment of ``[fixed_from, fixed_to)``."""
    fixed_from: datetime
    fixed_to: datetime
    """Naive UTC."""
    dispatch_mode: str
    dispatch_limit: timedelta
    reached_results: tuple[str, ...]
    open_statuses: tuple[str, ...]
    anonymous_names: frozenset[str]
    plain_values: dict[str, tuple[str, ...]]
    """For each of :data:`PLAIN_COLUMNS`, the values written as stored."""
    header: str
    """The header line, as the Python path writes it."""


Fallback = Callable[
    [list[tuple[Any, ...]], dict[int, str], dict[int, str], dict[int, list[str]]],
    list[str],
]
"""The Python path: stored rows (in :data:`~svcdesk.store.export_queries.COLUMNS`), the unit
codes, the usernames and the bound groups' ticket numbers -> each row's CSV line."""


# --------------------------------------------------------------------------- the SQL


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _lits(values: Sequence[str]) -> str:
    return ", ".join(_lit(v) for v in values)


def _needs_quotes(x: str) -> str:
    """Whether Python's ``csv`` module quotes the cell (a comma, a double quote, CR or LF).
    Each GLOB starts with a plain character, which SQLite looks for with ``strcspn``."""
    return f"({x} GLOB '*,*' OR {x} GLOB '*\"*' OR {x} GLOB '*\n*' OR {x} GLOB '*\r*')"


def _quoted(x: str, value: str | None = None) -> str:
    """The cell of ``value`` (default ``x``) as ``csv.writer`` writes it, quoting as ``x``
    needs. ``%w`` doubles the double quotes."""
    value = value or x
    return f"CASE WHEN {_needs_quotes(x)} THEN printf('\"%w\"', {value}) ELSE {value} END"


def _defused(x: str) -> str:
    """A leading ``'`` before ``= + - @`` TAB and CR, as the service's ``_defuse``."""
    return f"CASE WHEN unicode({x}) IN (61, 43, 45, 64, 9, 13) THEN '''' || {x} ELSE {x} END"


def _may_hold_a_phone(x: str) -> str:
    """True for every text in which ``mask_phones_in_text`` could find a phone number (and
    for some more). A mobile number there holds ``1[3-9]``, a landline ``0`` and a digit. In
    ASCII digits, a landline holds a run of seven (its number after the area code), a mobile
    seven in a row from its ``1[3-9]`` or three, a space or hyphen, and four; with a non-ASCII
    digit, an ASCII digit is right before the first one or before a space or hyphen before it.
    So years, room numbers and amounts (``2024年``, ``1502室``, ``12000元``) stay on the fast
    path. The first test is cheap (SQLite looks for the plain character first), the second is
    made only when it passes."""
    n = NON_ASCII_DIGITS
    seven = _digits(7)
    split_mobile = "1[3-9][0-9][ -]" + _digits(4)
    return (
        f"(({x} GLOB '*1[3-9]*' OR {x} GLOB '*0[0-9]*' OR {x} GLOB '*0{n}*') AND "
        f"({x} GLOB '*{seven}*' OR {x} GLOB '*{split_mobile}*' "
        f"OR {x} GLOB '*[0-9]{n}*' OR {x} GLOB '*[0-9][ -]{n}*'))"
    )


def _masked_name(rules: CsvRules) -> str:
    """``mask_stored_name`` for one word of Chinese or Latin letters (first letter kept)."""
    n = "t.caller_name"
    anonymous = sorted(rules.anonymous_names)
    exact = [a for a in anonymous if not a.isascii()]
    folded = [a for a in anonymous if a.isascii() and a.isalpha()]
    return (
        f"CASE WHEN {n} IS NULL THEN NULL "
        f"WHEN {n} = '' OR {n} GLOB '*[^{_NAME_LETTERS}]*' OR length({n}) > {len(_STARS) + 1} "
        f"THEN {_lit(MARK)} "
        f"WHEN {n} IN ({_lits(exact)}) OR lower({n}) IN ({_lits(folded)}) THEN {n} "
        f"WHEN length({n}) = 1 THEN '*' "
        f"ELSE substr({n}, 1, 1) || substr('{_STARS}', 1, length({n}) - 1) END"
    )


def _digits(count: int) -> str:
    return "[0-9]" * count


def _masked_phone() -> str:
    """``mask_stored_phone`` for a number in canonical form: a mobile's 4 middle digits, a
    landline's local number but its last 4 digits, a 400/800 number's middle; short service
    numbers as they are."""
    p = "t.caller_phone"
    landline = " OR ".join(f"{p} GLOB '0[1-9]{_digits(n)}'" for n in (8, 9, 10))
    service = " OR ".join(
        f"{p} GLOB '{pattern}'" for pattern in ("1[12][0-9]", "1[0-2]" + _digits(3), "9[56]" + _digits(3))
    )
    return (
        f"CASE WHEN {p} IS NULL THEN NULL "
        f"WHEN {p} GLOB '1[3-9]{_digits(9)}' THEN substr({p}, 1, 3) || '****' || substr({p}, 8) "
        f"WHEN {landline} THEN CASE WHEN substr({p}, 2, 1) IN ('1', '2') "
        f"THEN substr({p}, 1, 3) || substr('*****', 1, length({p}) - 7) "
        f"ELSE substr({p}, 1, 4) || substr('*****', 1, length({p}) - 8) END || substr({p}, -4) "
        f"WHEN {p} GLOB '[48]00{_digits(7)}' THEN substr({p}, 1, 3) || '***' || substr({p}, -4) "
        f"WHEN {p} = '' OR {service} THEN {p} "
        f"ELSE {_lit(MARK)} END"
    )


def _text_cell(x: str, masked: bool) -> str:
    """A place or the details: defused and quoted; routed when masked and a phone number
    could be written in it."""
    cell = _quoted(x, _defused(x))
    if masked:
        return f"CASE WHEN {_may_hold_a_phone(x)} THEN {_lit(MARK)} ELSE {cell} END"
    return cell


def _local(column: str) -> str:
    """Local wall time to the second (times from ``.999500`` on are routed: see the module)."""
    return f"datetime(t.{column}, :offset)"


def _yes_no(column: str) -> str:
    return f"CASE t.{column} WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE {_lit(MARK)} END"


def _outcomes(rules: CsvRules) -> list[str]:
    """The three limits' outcomes and ``overdue``, as ``services.metrics`` decides them."""
    limit = "datetime(substr(t.created_at, 1, 19), :dispatch_limit) || substr(t.created_at, 20)"
    return [
        # dispatch_decision: transfers only; met when first dispatched by created + 1 h
        "CASE WHEN t.mode <> :dispatch_mode THEN NULL "
        f"WHEN t.first_dispatched_at <= {limit} THEN 'met' "
        "WHEN t.created_at < :dispatch_missed_before THEN 'missed' ELSE 'pending' END",
        # handling_decision: a reply of the current round (not before the dispatch) by due_at
        "CASE WHEN t.due_at IS NULL OR t.dispatched_at IS NULL THEN NULL "
        "WHEN t.replied_at >= t.dispatched_at AND t.replied_at <= t.due_at THEN 'met' "
        "WHEN :now > t.due_at THEN 'missed' ELSE 'pending' END",
        # callback_decision: the caller reached (or closed unreachable) by callback_due_at
        "CASE WHEN t.replied_at IS NULL OR t.callback_due_at IS NULL THEN NULL "
        "WHEN t.called_back_at >= t.replied_at "
        f"AND (t.callback_result IN ({_lits(rules.reached_results)}) OR t.close_reason = 'unreachable') "
        "AND t.called_back_at <= t.callback_due_at THEN 'met' "
        "WHEN :now > t.callback_due_at THEN 'missed' ELSE 'pending' END",
        # is_overdue
        f"CASE WHEN t.deadline_at < :now AND t.status IN ({_lits(rules.open_statuses)}) "
        "THEN 'true' ELSE 'false' END",
    ]


def _routed(rules: CsvRules, odd_units: Sequence[int], odd_users: Sequence[int]) -> str:
    """True for the rows SQLite does not write itself (see the module)."""
    checks = ["t.group_id IS NOT NULL", _needs_quotes("t.number"), "typeof(t.round) <> 'integer'"]
    # SQLite's printf() and GLOB end a text at a NUL character; Python's csv does not.
    checks += [
        f"instr(CAST({c} AS BLOB), X'00')"
        for c in ("t.number", "t.caller_name", "t.caller_phone", "t.place", "t.details")
    ]
    for name in PLAIN_COLUMNS:
        values = " ".join(f"WHEN {_lit(v)} THEN 0" for v in rules.plain_values[name])
        checks.append(f"CASE t.{name} {values} ELSE t.{name} IS NOT NULL END")
    for column in _TIMES:  # the length only, not the shape: see the module
        checks.append(
            f"t.{column} < :fixed_from OR t.{column} >= :fixed_to OR length(t.{column}) <> {_STORED_LENGTH} "
            f"OR t.{column} GLOB '*.999[5-9]*'"
        )
    if odd_units:
        checks.append(f"t.unit_id IN ({', '.join(str(int(i)) for i in odd_units)})")
    if odd_users:
        checks.append(f"t.accepted_by_id IN ({', '.join(str(int(i)) for i in odd_users)})")
    return " OR ".join(f"({c})" for c in checks)


def line_sql(rules: CsvRules, odd_units: Sequence[int] = (), odd_users: Sequence[int] = ()) -> str:
    """``SELECT line, id FROM ticket t …`` without its ``WHERE`` and ``ORDER BY``: each row's
    CSV line (``\\r\\n`` included), as a blob. ``odd_units``/``odd_users``: the units and
    accounts whose code or username SQLite would not write as Python does (it needs CSV
    quoting or holds a NUL), so their tickets are routed."""
    for name in PLAIN_COLUMNS:
        bad = [v for v in rules.plain_values[name] if any(c in v for c in ',"\r\n')]
        assert not bad, f"{name} values that need quoting: {bad}"
    masked = rules.masked
    name = _masked_name(rules) if masked else _quoted("t.caller_name", _defused("t.caller_name"))
    phone = _masked_phone() if masked else _quoted("t.caller_phone")
    cells = [
        "t.number",
        "t.status",
        "t.category",
        "t.subtype",
        "t.mode",
        _yes_no("urgent"),
        _yes_no("major"),
        _yes_no("supervised"),
        "t.round",
        name,
        phone,
        _local("event_time"),
        _text_cell("t.place", masked),
        _text_cell("t.details", masked),
        "u.code",
        "a.username",
        _local("created_at"),
        _local("dispatch_due_at"),
        _local("first_dispatched_at"),
        _local("dispatched_at"),
        _local("due_at"),
        _yes_no("due_provisional"),
        _local("replied_at"),
        _local("callback_due_at"),
        _local("called_back_at"),
        _local("closed_at"),
        "t.close_reason",
        *_outcomes(rules),
        "t.callback_result",
        # group, group_size, bound_to: tickets of a bound group are routed
        f"CASE WHEN {_routed(rules, odd_units, odd_users)} THEN {_lit(MARK)} END",
    ]
    # printf writes NULL as nothing, as csv.writer writes None.
    fmt = ",".join(["%s"] * (len(cells) - 1)) + ",,1,%s\r\n"
    return (
        f"SELECT CAST(printf('{fmt}', {', '.join(cells)}) AS BLOB), t.id FROM ticket t{_INDEXED} "
        "LEFT JOIN unit u ON u.id = t.unit_id LEFT JOIN account a ON a.id = t.accepted_by_id"
    )


def _params(rules: CsvRules) -> dict[str, Any]:
    seconds = rules.utc_offset.total_seconds()
    return {
        "now": rules.now.strftime(_STORED),
        "offset": f"{seconds:+.0f} seconds",
        "fixed_from": rules.fixed_from.strftime(_STORED),
        "fixed_to": rules.fixed_to.strftime(_STORED),
        "dispatch_mode": rules.dispatch_mode,
        "dispatch_limit": f"{rules.dispatch_limit.total_seconds():+.0f} seconds",
        "dispatch_missed_before": (rules.now - rules.dispatch_limit).strftime(_STORED),
    }


def _where(f: TicketFilter) -> tuple[str, dict[str, Any]]:
    parts: list[str] = []
    params: dict[str, Any] = {}
    if f.created_from is not None:
        parts.append("t.created_at >= :created_from")
        params["created_from"] = _stored(f.created_from)
    if f.created_to is not None:
        parts.append("t.created_at < :created_to")
        params["created_to"] = _stored(f.created_to)
    if f.statuses:
        names = [f"status_{i}" for i in range(len(f.statuses))]
        parts.append(f"t.status IN ({', '.join(':' + n for n in names)})")
        params.update(zip(names, f.statuses, strict=True))
    if f.category:
        parts.append("t.category = :category")
        params["category"] = f.category
    if f.unit_id is not None:
        parts.append("t.unit_id = :unit_id")
        params["unit_id"] = f.unit_id
    return (" WHERE " + " AND ".join(parts) if parts else ""), params


def _stored(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime(_STORED)


# --------------------------------------------------------------------------- the rows

CHUNK_ROWS = 1_000
PARALLEL_FROM = 50_000
"""An export of at least this many tickets (every ticket, or those of some days) shares the
work with a second process (:mod:`svcdesk.store.export_helper`)."""
_SLICES_PER_DAY = 4
_MAX_SLICES = 512
_QUEUE_FRAMES = 64
_LOCK_WAIT_S = 2.0
_HELPER = Path(__file__).with_name("export_helper.py")
_PLACEHOLDER = re.compile(re.escape(_MARK_BYTE) + rb"(\d+)" + re.escape(_MARK_BYTE))
_FIRST, _MIDDLE, _LAST, _WHOLE = range(4)
Slice = tuple[int, str | None, str | None]
"""Which statement (first, middle, last or whole) and the creation times it reads from and to."""


def csv_lines(
    session: Session, f: TicketFilter, rules: CsvRules, fallback: Fallback
) -> Iterator[tuple[int, bytes]]:
    """The export's CSV lines in creation order, :data:`CHUNK_ROWS` rows at a time, as
    ``(rows, UTF-8 bytes)``: SQLite's lines, and the Python path's for the routed rows.

    Read inside the session's read transaction, which must not have read anything yet. A big
    export is cut into slices of creation time, read alternately here and by a second
    process; the two read one snapshot: the second begins its transaction while this one
    holds the database's write lock, before this session's first read, so no write can come
    between them. When that lock cannot be had at once (a read-only file, a long write), or
    the second process fails, everything is read here."""
    export = _Export(session, f, rules, fallback, CHUNK_ROWS)
    try:
        yield from export.lines()
    finally:
        export.close()


class _Export:
    """One export's reading: its snapshot (and the second process, when it shares the work),
    its statements, and the lines slice by slice. Its own reads go through the session's
    connection, so that they are in the session's read transaction (the routed rows too)."""

    def __init__(self, session: Session, f: TicketFilter, rules: CsvRules, fallback: Fallback, size: int):
        self._session = session
        connection = session.connection()
        raw = connection.connection.dbapi_connection
        assert raw is not None
        self._raw: sqlite3.Connection = raw  # type: ignore[assignment]
        self._path = str(connection.engine.url.database)
        self._filter = f
        self._rules = rules
        self._fallback = fallback
        self._size = size
        self._helper: _Helper | None = None
        self._units: dict[int, str] = {}
        self._users: dict[int, str] = {}

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """The lines, in creation order. The slices alternate: the even ones are read here
        while the second process reads the odd ones ahead into its queue, so the two work at
        once and the lines still come in order."""
        shared = self._begin()
        statements, params = self._statements(shared)
        slices = self._slices() if shared else [(_WHOLE, None, None)]
        if self._helper is not None:
            if len(slices) < 2:
                self._stop_helper()
            else:
                mine = [s for i, s in enumerate(slices) if i % 2]
                self._helper.run(statements, params, mine, self._size)
        for index, part in enumerate(slices):
            if index % 2 and self._helper is not None:
                yield from self._helpers_slice(statements, params, part)
            else:
                yield from self._own_slice(statements, params, part)

    def close(self) -> None:
        """Ends the second process, if any, also when the export stops early (an error, an
        interrupt, a reader that stops iterating), so that none is left running."""
        self._stop_helper()

    # -- the snapshot --------------------------------------------------------------------

    def _begin(self) -> bool:
        """Reads the units and accounts (this session's first read). For a big export, starts
        the second process and has it begin its transaction at the same moment; ``True`` when
        it did."""
        f = self._filter
        if f.statuses or f.unit_id is not None or _cpus() < 2 or getattr(sys, "frozen", False):
            self._read_lookups()
            return False
        try:
            holder = sqlite3.connect(self._path, timeout=_LOCK_WAIT_S, isolation_level=None)
        except sqlite3.Error:
            self._read_lookups()
            return False
        try:
            if self._estimate(holder) < PARALLEL_FROM:
                self._read_lookups()
                return False
            busy_ms = int(self._raw.execute("PRAGMA busy_timeout").fetchone()[0])
            self._helper = _Helper.start(self._path, busy_ms)
            if self._helper is None:
                self._read_lookups()
                return False
            try:
                holder.execute("BEGIN IMMEDIATE")
            except sqlite3.Error:  # read-only, or another writer kept the lock
                self._stop_helper()
                self._read_lookups()
                return False
            try:
                self._read_lookups()
                begun = self._helper.begin()
            finally:
                holder.execute("ROLLBACK")  # the lock is held no longer than LOCKED_WAIT_S
            if not begun:
                self._stop_helper()
            return begun
        finally:
            holder.close()

    def _read_lookups(self) -> None:
        self._units = unit_codes(self._session)
        self._users = usernames(self._session)

    def _estimate(self, conn: sqlite3.Connection) -> int:
        """The tickets of the export's days, counted up to :data:`PARALLEL_FROM`."""
        where, params = _where(TicketFilter(self._filter.created_from, self._filter.created_to))
        row = conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM ticket t INDEXED BY ix_ticket_created_at{where} "
            f"LIMIT {int(PARALLEL_FROM)})",
            params,
        ).fetchone()
        return int(row[0])

    # -- the statements ------------------------------------------------------------------

    def _statements(self, shared: bool) -> tuple[list[str], dict[str, Any]]:
        """The statement for the first, a middle and the last slice, and for the whole."""
        odd_units = [i for i, code in self._units.items() if _odd(code)]
        odd_users = [i for i, name in self._users.items() if _odd(name)]
        where, params = _where(self._filter)
        f = self._filter
        by_day = shared or f.created_from is not None or f.created_to is not None
        base = line_sql(self._rules, odd_units, odd_users).replace(
            _INDEXED, " INDEXED BY ix_ticket_created_at" if by_day else ""
        )
        and_ = " AND " if where else " WHERE "
        order = " ORDER BY t.created_at, t.id"
        statements = [
            base + where + and_ + "t.created_at < :slice_to" + order,
            base + where + and_ + "t.created_at >= :slice_from AND t.created_at < :slice_to" + order,
            base + where + and_ + "t.created_at >= :slice_from" + order,
            base + where + order,
        ]
        return statements, {**_params(self._rules), **params}

    def _slices(self) -> list[Slice]:
        """Slices of equal spans of creation time, about six hours each, at most
        :data:`_MAX_SLICES`; the first and the last open-ended."""
        where, params = _where(TicketFilter(self._filter.created_from, self._filter.created_to))
        first, last = self._raw.execute(
            f"SELECT min(t.created_at), max(t.created_at) FROM ticket t{where}", params
        ).fetchone()
        try:
            start, end = datetime.fromisoformat(first), datetime.fromisoformat(last)
        except (TypeError, ValueError):
            return [(_WHOLE, None, None)]
        span = end - start
        count = max(2, min(_MAX_SLICES, int(span / timedelta(days=1) * _SLICES_PER_DAY)))
        bounds = [(start + span * i / count).strftime(_STORED) for i in range(1, count)]
        return [
            (_FIRST, None, bounds[0]),
            *((_MIDDLE, a, b) for a, b in pairwise(bounds)),
            (_LAST, bounds[-1], None),
        ]

    # -- the lines -----------------------------------------------------------------------

    def _own_slice(
        self, statements: list[str], params: dict[str, Any], part: Slice, skip: int = 0
    ) -> Iterator[tuple[int, bytes]]:
        which, start, end = part
        sql = statements[which] + (f" LIMIT -1 OFFSET {int(skip)}" if skip else "")
        cursor = self._raw.cursor()
        try:
            cursor.execute(sql, {**params, "slice_from": start, "slice_to": end})
            while rows := cast(list[tuple[bytes, int]], cursor.fetchmany(self._size)):
                chunk = b"".join(map(_first, rows))
                if _MARK_BYTE in chunk:
                    chunk = self._splice(placeholders(rows))
                yield len(rows), chunk
        finally:
            cursor.close()

    def _helpers_slice(
        self, statements: list[str], params: dict[str, Any], part: Slice
    ) -> Iterator[tuple[int, bytes]]:
        """The second process's lines for this slice; if it fails, the rest read here."""
        assert self._helper is not None
        received = 0
        while True:
            frame = self._helper.frame()
            if frame is None:
                self._stop_helper()
                yield from self._own_slice(statements, params, part, skip=received)
                return
            rows, chunk = frame
            if rows == END_OF_SLICE:
                return
            received += rows
            if _MARK_BYTE in chunk:
                chunk = self._splice(chunk)
            yield rows, chunk

    def _splice(self, chunk: bytes) -> bytes:
        """``chunk`` with each ``MARK id MARK`` replaced by that ticket's line from the Python
        path."""
        parts: list[Any] = _PLACEHOLDER.split(chunk)
        ids = [int(p) for p in parts[1::2]]
        stored = _stored_rows(self._session, ids)
        gids = [r[_GROUP] for r in stored if r[_GROUP] is not None]
        groups = group_numbers(self._session, gids) if gids else {}
        lines = self._fallback(stored, self._units, self._users, groups)
        parts[1::2] = [line.encode() for line in lines]
        return b"".join(parts)

    def _stop_helper(self) -> None:
        if self._helper is not None:
            self._helper.stop()
            self._helper = None


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _odd(text: str) -> bool:
    return any(c in text for c in ',"\r\n\x00')


_GROUP = COLUMNS.index("group_id")


def _stored_rows(session: Session, ids: list[int]) -> list[tuple[Any, ...]]:
    """The rows of these tickets as ``export_queries.batches`` reads them, in this order."""
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    found: dict[int, tuple[Any, ...]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        cursor = raw.execute(f"SELECT id, {', '.join(COLUMNS)} FROM ticket WHERE id IN ({marks})", chunk)
        for row in cursor:
            found[row[0]] = tuple(row[1:])
    return [found[i] for i in ids]


_FAILED = object()
"""Queued by the reading thread when the process's output ends or cannot be read."""

LOCKED_WAIT_S = 1.0
"""How long the exporter waits for the second process while it holds the write lock (its
answer that its snapshot has begun): every workstation's writes wait meanwhile. When it does
not answer in time it is ended and the exporter reads everything itself."""
_START_WAIT_S = 5.0
"""How long the second process may take to start and connect (no lock is held meanwhile)."""
_FRAME_WAIT_S = 10.0
"""How long the exporter waits for the second process's next frame (a frame takes it a few
milliseconds); after that it is ended and the exporter reads the rest of its slices."""


class _Helper:
    """The second process, and a thread that reads its output into a bounded queue (so that
    it runs ahead while this process writes, by at most :data:`_QUEUE_FRAMES` frames).

    Every wait for the process is a wait on that queue, with a deadline: a process that hangs
    (stopped, starved, blocked) must neither keep the write lock held nor stall the export. A
    process that misses a deadline is killed and reaped, and the exporter does its share."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self._proc = proc
        self._frames: queue.Queue[Any] = queue.Queue(maxsize=_QUEUE_FRAMES)
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    @classmethod
    def start(cls, path: str, busy_timeout_ms: int) -> _Helper | None:
        """The process, connected to the database; ``None`` when it could not be started."""
        try:
            proc = subprocess.Popen(
                [sys.executable, "-I", str(_HELPER)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            return None
        helper = cls(proc)
        helper._thread(helper._read, "csv-export-helper")
        setup = json.dumps({"db": path, "busy_timeout_ms": busy_timeout_ms}).encode() + b"\n"
        if not (helper._send(setup) and helper._answer(b"R", _START_WAIT_S)):
            helper.stop()
            return None
        return helper

    def _thread(self, target: Callable[..., None], name: str, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _send(self, data: bytes) -> bool:
        """Writes to the process. Only the short handshake messages are written from the
        exporter's thread: they go into an empty pipe, so the write cannot wait."""
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(data)
            self._proc.stdin.flush()
        except (OSError, ValueError):
            return False
        return True

    def _answer(self, expected: bytes, timeout: float) -> bool:
        """Whether the process answers ``expected`` within ``timeout`` seconds."""
        try:
            return bool(self._frames.get(timeout=timeout) == expected)
        except queue.Empty:
            return False

    def begin(self) -> bool:
        """Has the process begin its read transaction, while the caller holds the write lock:
        ``False`` when it does not confirm within :data:`LOCKED_WAIT_S` (the caller then
        stops it and reads alone)."""
        return self._send(b"G\n") and self._answer(b"S", LOCKED_WAIT_S)

    def run(self, statements: list[str], params: dict[str, Any], slices: list[Slice], size: int) -> None:
        """Sends the process its slices; their frames then come through :meth:`frame`. The job
        (the statements and up to :data:`_MAX_SLICES` slices) may not fit in the pipe, so it
        is written from a thread of its own: a process that stopped reading cannot hold this
        one up (:meth:`frame`'s deadline ends it, which ends the write)."""
        job = {"sql": statements, "params": params, "slices": slices, "size": size}
        self._thread(self._write_job, "csv-export-job", json.dumps(job).encode() + b"\n")

    def _write_job(self, data: bytes) -> None:
        if not self._send(data):
            self._put(_FAILED)

    def _read(self) -> None:
        """The reading thread: the process's two one-byte answers (``R``, ``S``), then its
        frames, into the queue. However the reading ends (the end of the output, a broken
        pipe, any error at all), :data:`_FAILED` is queued, so the exporter takes over the
        rest; nothing is raised, which would only print a traceback on the user's terminal."""
        out = self._proc.stdout
        assert out is not None
        try:
            for _answer in range(2):
                answer = out.read(1)
                if not answer:
                    break
                self._put(answer)
            else:
                while not self._stopping.is_set():
                    head = out.read(HEADER.size)
                    if len(head) < HEADER.size:
                        break
                    rows, length = HEADER.unpack(head)
                    chunk = out.read(length) if length else b""
                    if len(chunk) < length:
                        break
                    self._put((rows, chunk))
        except Exception:  # any failure of the process is the exporter's to handle
            pass
        self._put(_FAILED)

    def _put(self, item: Any) -> None:
        while not self._stopping.is_set():
            try:
                self._frames.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def frame(self) -> tuple[int, bytes] | None:
        """The next frame, ``None`` once the process has failed or has sent none for
        :data:`_FRAME_WAIT_S` seconds."""
        try:
            item = self._frames.get(timeout=_FRAME_WAIT_S)
        except queue.Empty:
            return None
        return None if item is _FAILED or isinstance(item, bytes) else item  # type: ignore[no-any-return]

    def stop(self) -> None:
        """Ends the process, whatever it is doing (even stopped, or blocked on a full pipe),
        and reaps it; then its threads. It is killed and reaped first, so that the threads'
        reads and writes of its pipes end at once rather than wait on it."""
        self._stopping.set()
        proc = self._proc
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for thread in self._threads:
            thread.join()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError, ValueError):
                    stream.close()
