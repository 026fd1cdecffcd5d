"""The CSV export's fast path (SQLite writes each line, ``svcdesk.store.export_csv``) against
the Python path (``csv.writer`` over the service's rows): the same bytes, on a varied data set
— every status and outcome, bound groups, masked and unmasked, phone numbers in the text,
formula-like text, NULLs, times around local midnight, and data the application itself would
not write (which the fast path hands to the Python path)."""

from __future__ import annotations

import io
import re
import signal
import sqlite3
import string
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from svcdesk.domain.clock import FixedClock
from svcdesk.domain.masking import ANONYMOUS_NAMES
from svcdesk.services import demo
from svcdesk.services import exports as ex
from svcdesk.services.context import Actor
from svcdesk.services.exports import ExportFilter, ExportService
from svcdesk.services.factory import Services, build_services
from svcdesk.services.settings import Settings
from svcdesk.store import export_csv
from tests.conftest import Staff
from tests.services.test_metrics import build
from tests.strategies import CJK, nasty_text, phone_text

pytestmark = pytest.mark.sqlite_only

UTC = ZoneInfo("UTC")


class Spy:
    """Counts the rows the Python path writes (``exports._row``)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rows = 0
        real = ex._row

        def counting(*args: Any) -> list[Any]:
            self.rows += 1
            return real(*args)

        monkeypatch.setattr(ex, "_row", counting)


def export_both(
    exports: ExportService,
    actor: Actor,
    f: ExportFilter,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    unmask: bool = False,
) -> tuple[bytes, bytes, int]:
    """``(fast, python, routed)``: the two files' bytes and how many rows the fast path left
    to Python."""
    spy = Spy(monkeypatch)
    fast = tmp_path / "fast.csv"
    exports.export(actor, f, "csv", fast, unmask=unmask)
    routed = spy.rows
    with monkeypatch.context() as m:
        m.setattr(ExportService, "_csv_rules", lambda *_args: None)
        slow = tmp_path / "python.csv"
        exports.export(actor, f, "csv", slow, unmask=unmask)
    return fast.read_bytes(), slow.read_bytes(), routed


def raw(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path)
    conn.isolation_level = None
    return conn


# What an agent may type, and what the application would never store: each goes on a ticket.
NAMES = [
    "欧阳娜娜",
    "张",
    "无",
    "匿名",
    "John Smith",
    "Jo",
    "Anonymous",
    "NONE",
    "ſ",
    "买买提·艾力",
    " 张三 ",
    "",
    "=cmd|' /C calc'!A0",
    "+张",
    "张,三",
    '"张"',
    "张\n三",
    "a\x00b",
    "王" * 45,
    "𠀀𪚥",
    "Ζωή",
]
PHONES = [
    "02188886666",
    "01012345678",
    "075512345678",
    "03511234567",
    "12345",
    "110",
    "4008123123",
    "8001234567",
    "not-a-phone",
    "",
    "１３８１２３４５６７８",
    "+8613812345678",
    "138 1234 5678",
    "0571,1234",
    "13812345678\x00",
]
TEXTS = [
    "拱墅区湖墅南路1号(联系人电话13900001111)",
    "邻居王先生 +86 139-0000-2222 也反映过;物业电话0571-88886666,门牌123号,工号8001",
    "联系电话１３９００００１１１１",
    "电话139 ００００ １１１１",
    "座机0５７１８８８８６６６６",
    "门牌1234号",
    "门牌120号,13号楼",
    '=HYPERLINK("http://x","点击")',
    "-1楼车库",
    "+86 138 1234 5678 请回电",
    "@所有人",
    "\t缩进",
    "\r回车",
    "多行\n文本\r\n第三行",
    'he said "ok", then left',
    "逗号,分隔",
    "a\x00,b",
    "😀 表情",
    "١٢٣٤٥ 阿拉伯数字",
    "0",
    "",
]
# UTC texts as stored: local midnight in Shanghai, a microsecond before it, and the
# microseconds that SQLite would round up to the next second.
TIMES = [
    "2025-09-29 15:59:59.999999",
    "2025-09-29 16:00:00.000000",
    "2025-09-29 15:59:59.999500",
    "2025-09-30 23:30:00.000001",
]


@pytest.fixture
def varied(services: Services, staff: Staff, clock: FixedClock, db_path: Path) -> Services:
    """A year of demo tickets (every status and outcome, bound groups), the hand-built
    tickets of ``test_metrics`` and odd data written straight into the file."""
    demo.generate(services, 1500, seed=11)
    build(services, staff, clock)
    conn = raw(db_path)
    ids = [r[0] for r in conn.execute("SELECT id FROM ticket ORDER BY id LIMIT 400")]
    it = iter(ids)

    def update(sql: str, *values: object) -> None:
        conn.execute(f"UPDATE ticket SET {sql} WHERE id = ?", (*values, next(it)))

    for name in [*NAMES, None]:
        update("caller_name = ?", name)
    for phone in [*PHONES, None]:
        update("caller_phone = ?", phone)
    for text in TEXTS:
        update("place = ?", text)
        update("details = ?", text)
    for moment in TIMES:
        update("created_at = ?, closed_at = ?", moment, moment)
        update("event_time = ?, replied_at = ?", moment, moment)
    now = "2025-10-16 04:00:00.000000"  # the clock, 12:00 in Shanghai
    update("event_time = '1985-06-01 03:00:00.000000'")  # Shanghai kept summer time then
    update("event_time = '2025-09-29 10:00:00'")  # not the stored form
    update("deadline_at = '2025-10-16 04:00:00', status = 'with_unit'")  # equal to now, but as text
    update("deadline_at = ?, status = 'with_unit'", now)
    update("due_at = ?, dispatched_at = '2025-10-10 01:00:00.000000', replied_at = NULL", now)
    update(
        "mode = 'transfer', created_at = '2025-10-01 01:00:00.123456', "
        "first_dispatched_at = '2025-10-01 02:00:00.123456'"  # dispatched on the hour's last microsecond
    )
    update(
        "mode = 'transfer', created_at = '2025-10-01 01:00:00.123456', "
        "first_dispatched_at = '2025-10-01 02:00:00.123457'"
    )
    update(
        "replied_at = '2025-10-02 01:00:00.000000', callback_due_at = '2025-10-05 15:59:59.000000', "
        "called_back_at = '2025-10-05 15:59:59.000000', callback_result = 'satisfied'"
    )
    update("status = 'draft'")
    update("close_reason = 'weird,reason'")
    update("callback_result = 'odd\"result'")
    update("category = 'new_category'")
    update("number = '2025,0001'")
    update("round = 'two'")
    update("urgent = 2")
    update("supervised = 3")
    conn.execute("UPDATE unit SET code = 'A,B' WHERE code = 'SW'")
    conn.close()
    return services


@pytest.mark.parametrize(
    "f",
    [
        ExportFilter(),
        ExportFilter(date_from=date(2025, 9, 29), date_to=date(2025, 9, 30)),
        ExportFilter(status="with_unit"),
        ExportFilter(unit="CGJ", date_from=date(2025, 7, 1)),
        ExportFilter(category="complaint"),
    ],
    ids=["all", "days", "status", "unit", "category"],
)
@pytest.mark.parametrize("shared", [False, True], ids=["one process", "two processes"])
def test_the_fast_path_writes_the_python_paths_bytes(
    varied: Services,
    staff: Staff,
    f: ExportFilter,
    shared: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    helpers = HelperSpy(monkeypatch, shared)
    for actor, unmask in ((staff.lead1, False), (staff.office1, True)):
        fast, python, routed = export_both(varied.exports, actor, f, tmp_path, monkeypatch, unmask=unmask)
        assert fast == python
        lines = python.count(b"\r\n")
        assert lines > 10
        assert routed < lines // 4  # SQLite wrote most of them itself
    # A second process reads every ticket or those of some days, never a status or a unit.
    assert helpers.runs == (2 if shared and not (f.status or f.unit) else 0)


class HelperSpy:
    """Counts the exports shared with a second process; ``shared``: share even small ones."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, shared: bool = True) -> None:
        self.runs = 0
        if shared:
            monkeypatch.setattr(export_csv, "PARALLEL_FROM", 0)
        real = export_csv._Helper.run

        def counting(helper: Any, *args: Any) -> None:
            self.runs += 1
            real(helper, *args)

        monkeypatch.setattr(export_csv._Helper, "run", counting)


DYING_HELPER = """
import importlib.util, os, sys
spec = importlib.util.spec_from_file_location("helper", {real!r})
helper = importlib.util.module_from_spec(spec)
spec.loader.exec_module(helper)

class Dying:
    def __init__(self, out, limit):
        self.out, self.left = out, limit
    def write(self, data):
        if len(data) >= self.left:
            self.out.write(data[: self.left])
            self.out.flush()
            os._exit(3)
        self.left -= len(data)
        return self.out.write(data)
    def flush(self):
        self.out.flush()

helper.serve(sys.stdin.buffer, Dying(sys.stdout.buffer, {limit}))
"""


@pytest.mark.parametrize("limit", [0, 1, 3, 5000, 60_000, 200_000], ids=lambda n: f"dies after {n} bytes")
def test_a_second_process_that_dies_is_replaced_mid_slice(
    varied: Services, staff: Staff, limit: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whenever the second process stops (before it connects, before its snapshot, in the
    middle of a frame), this one reads the rest, from the row where it stopped."""
    script = tmp_path / "dying_helper.py"
    script.write_text(DYING_HELPER.format(real=str(export_csv._HELPER), limit=limit), encoding="utf-8")
    monkeypatch.setattr(export_csv, "_HELPER", script)
    monkeypatch.setattr(export_csv, "_MAX_SLICES", 3)  # the second of three: many chunks
    monkeypatch.setattr(export_csv, "CHUNK_ROWS", 50)
    HelperSpy(monkeypatch)
    fast, python, _ = export_both(varied.exports, staff.lead1, ExportFilter(), tmp_path, monkeypatch)
    assert fast == python


STOPPING_HELPER = """
import importlib.util, os, signal, sys
spec = importlib.util.spec_from_file_location("helper", {real!r})
helper = importlib.util.module_from_spec(spec)
spec.loader.exec_module(helper)

class Stopping:
    def __init__(self, out, at):
        self.out, self.at, self.sent = out, at, 0
    def write(self, data):
        if (self.at == "S" and data == b"S") or (self.at == "frames" and self.sent > 2000):
            self.out.flush()
            open({marker!r}, "w").close()
            os.kill(os.getpid(), signal.SIGSTOP)
        self.sent += len(data)
        return self.out.write(data)
    def flush(self):
        self.out.flush()

helper.serve(sys.stdin.buffer, Stopping(sys.stdout.buffer, {at!r}))
"""


def keep_helpers(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The second processes started, as they are started."""
    started: list[Any] = []
    real = export_csv._Helper.start

    def keep(*args: Any) -> Any:
        helper = real(*args)
        started.append(helper)
        return helper

    monkeypatch.setattr(export_csv._Helper, "start", keep)
    return started


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="SIGSTOP is POSIX")
@pytest.mark.parametrize("at", ["S", "frames"], ids=["at the handshake", "between frames"])
def test_a_second_process_that_hangs_is_ended_and_its_share_read_here(
    varied: Services, staff: Staff, at: str, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second process stopped dead (SIGSTOP), whether before it confirms its snapshot (the
    write lock held meanwhile) or in the middle of its frames: it is killed and reaped, the
    export is read here, whole, and a workstation saving a ticket meanwhile is not kept
    waiting on the export."""
    marker = tmp_path / "stopped"
    script = tmp_path / "stopping_helper.py"
    script.write_text(
        STOPPING_HELPER.format(real=str(export_csv._HELPER), at=at, marker=str(marker)), encoding="utf-8"
    )
    monkeypatch.setattr(export_csv, "_HELPER", script)
    monkeypatch.setattr(export_csv, "_FRAME_WAIT_S", 0.5)
    monkeypatch.setattr(export_csv, "_MAX_SLICES", 3)
    monkeypatch.setattr(export_csv, "CHUNK_ROWS", 50)
    helpers = HelperSpy(monkeypatch)
    started = keep_helpers(monkeypatch)
    done = threading.Event()
    written: list[str] = []
    rescued: list[int] = []

    def save_a_ticket_meanwhile() -> None:
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        writer = sqlite3.connect(db_path, timeout=5)
        try:
            writer.execute("UPDATE ticket SET place = place WHERE id = 1")
            writer.commit()
            written.append("saved")
        except sqlite3.OperationalError as exc:
            written.append(str(exc))
        finally:
            writer.close()
        # Without its deadlines the export would wait for ever: end the process for it.
        if not done.wait(10):
            for helper in started:
                rescued.append(helper._proc.pid)
                helper._proc.kill()

    meanwhile = threading.Thread(target=save_a_ticket_meanwhile)
    meanwhile.start()
    try:
        fast, python, _ = export_both(varied.exports, staff.lead1, ExportFilter(), tmp_path, monkeypatch)
    finally:
        done.set()
        meanwhile.join()
    assert fast == python
    assert rescued == []
    assert written == ["saved"]
    assert helpers.runs == (0 if at == "S" else 1)
    assert len(started) == 1 and started[0]._proc.poll() is not None  # ended and reaped


class FailingHeader:
    """``HEADER`` for the reading thread, failing on the third frame with an error nobody
    foresaw."""

    size = export_csv.HEADER.size

    def __init__(self) -> None:
        self.calls = 0

    def unpack(self, data: bytes) -> tuple[int, int]:
        self.calls += 1
        if self.calls == 3:
            raise RuntimeError("an error nobody foresaw")
        return export_csv.HEADER.unpack(data)  # type: ignore[return-value]


def test_any_error_reading_the_second_process_is_handled_here_without_a_traceback(
    varied: Services, staff: Staff, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    HelperSpy(monkeypatch)
    monkeypatch.setattr(export_csv, "_MAX_SLICES", 3)
    monkeypatch.setattr(export_csv, "CHUNK_ROWS", 50)
    monkeypatch.setattr(export_csv, "_FRAME_WAIT_S", 2)
    header = FailingHeader()
    monkeypatch.setattr(export_csv, "HEADER", header)
    uncaught: list[Any] = []
    monkeypatch.setattr(threading, "excepthook", uncaught.append)
    fast, python, _ = export_both(varied.exports, staff.lead1, ExportFilter(), tmp_path, monkeypatch)
    assert fast == python
    assert header.calls == 3
    assert uncaught == []


def test_writes_during_a_shared_export_are_not_in_it(
    varied: Services, staff: Staff, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export is one snapshot in both processes: tickets changed or added while it runs,
    in slices either process has yet to read, are written as they were when it began."""
    helpers = HelperSpy(monkeypatch)
    before = tmp_path / "before.csv"
    varied.exports.export(staff.lead1, ExportFilter(), "csv", before)
    writes = 0

    def write_meanwhile(_rows: int) -> None:
        nonlocal writes
        writes += 1
        conn = raw(db_path)
        conn.execute(
            "UPDATE ticket SET place = ? WHERE id IN (SELECT max(id) - ? FROM ticket)",
            (f"改{writes}", writes),
        )
        conn.execute(
            "UPDATE ticket SET status = 'closed', details = '已改' "
            "WHERE id = (SELECT id FROM ticket ORDER BY created_at DESC LIMIT 1 OFFSET ?)",
            (writes,),
        )
        conn.close()

    during = tmp_path / "during.csv"
    varied.exports.export(staff.lead1, ExportFilter(), "csv", during, progress=write_meanwhile)
    assert writes > 1 and helpers.runs == 2
    assert during.read_bytes() == before.read_bytes()
    after = tmp_path / "after.csv"
    varied.exports.export(staff.lead1, ExportFilter(), "csv", after)
    assert after.read_bytes() != before.read_bytes()


def test_an_interrupted_shared_export_stops_the_second_process_and_leaves_nothing(
    varied: Services, staff: Staff, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    HelperSpy(monkeypatch)
    monkeypatch.setattr(export_csv, "CHUNK_ROWS", 20)
    started: list[Any] = []
    real = export_csv._Helper.start

    def keep(*args: Any) -> Any:
        helper = real(*args)
        started.append(helper)
        return helper

    monkeypatch.setattr(export_csv._Helper, "start", keep)

    def interrupt(_rows: int) -> None:
        raise KeyboardInterrupt

    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(KeyboardInterrupt):
        varied.exports.export(staff.lead1, ExportFilter(), "csv", folder / "t.csv", progress=interrupt)
    assert list(folder.iterdir()) == []
    assert len(started) == 1 and started[0]._proc.poll() is not None  # ended and reaped


def test_no_write_can_come_between_the_two_snapshots(
    varied: Services, staff: Staff, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From before this process's first read until the second process has begun its read
    transaction, this process holds the write lock: a writer in between waits."""
    HelperSpy(monkeypatch)
    real = export_csv._Helper.begin
    tried: list[str] = []

    def begin_after_a_write(helper: Any) -> bool:
        writer = sqlite3.connect(db_path, timeout=0.05)
        try:
            writer.execute("UPDATE ticket SET place = '改' WHERE id = 1")
            writer.commit()
            tried.append("written")
        except sqlite3.OperationalError as exc:
            tried.append(str(exc))
        finally:
            writer.close()
        return bool(real(helper))

    monkeypatch.setattr(export_csv._Helper, "begin", begin_after_a_write)
    varied.exports.export(staff.lead1, ExportFilter(), "csv", tmp_path / "t.csv")
    assert tried == ["database is locked"]


def test_while_another_program_holds_the_write_lock_one_process_reads_everything(
    varied: Services, staff: Staff, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the lock the two snapshots could differ: the export is read here alone."""
    helpers = HelperSpy(monkeypatch)
    monkeypatch.setattr(export_csv, "_LOCK_WAIT_S", 0.05)
    writer = raw(db_path)
    writer.execute("BEGIN IMMEDIATE")
    try:
        fast, python, _ = export_both(varied.exports, staff.lead1, ExportFilter(), tmp_path, monkeypatch)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert fast == python
    assert helpers.runs == 0


def test_what_the_fast_path_leaves_to_python(
    varied: Services, staff: Staff, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The routed rows are the odd ones: bound groups, the renamed unit's, the edits."""
    fast, python, routed = export_both(varied.exports, staff.lead1, ExportFilter(), tmp_path, monkeypatch)
    assert fast == python
    conn = raw(db_path)
    bound = conn.execute("SELECT count(*) FROM ticket WHERE group_id IS NOT NULL").fetchone()[0]
    renamed = conn.execute(
        "SELECT count(*) FROM ticket JOIN unit ON unit.id = ticket.unit_id WHERE unit.code = 'A,B'"
    ).fetchone()[0]
    conn.close()
    edits = len(NAMES) + len(PHONES) + 2 * len(TEXTS) + 2 * len(TIMES) + 20
    assert bound > 5 and renamed > 5
    assert bound + renamed <= routed <= bound + renamed + edits


def test_standard_output_gets_the_same_text(
    varied: Services, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    def text() -> str:
        out = io.StringIO()
        varied.exports.export(staff.lead1, ExportFilter(), "csv", None, stream=out)
        return out.getvalue()

    fast = text()
    with monkeypatch.context() as m:
        m.setattr(ExportService, "_csv_rules", lambda *_args: None)
        python = text()
    assert fast == python
    assert not fast.startswith("\ufeff")  # a byte-order mark is for files only


@pytest.fixture
def small(services: Services, staff: Staff, clock: FixedClock, db_path: Path) -> Iterator[int]:
    """A few hundred tickets; yields the id of the one the property test rewrites."""
    demo.generate(services, 200, seed=3)
    conn = raw(db_path)
    yield int(conn.execute("SELECT max(id) FROM ticket WHERE group_id IS NULL").fetchone()[0])
    conn.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=nasty_text, phone=phone_text, place=nasty_text, details=nasty_text)
def test_any_text_gives_the_same_bytes(
    services: Services,
    staff: Staff,
    small: int,
    db_path: Path,
    tmp_path: Path,
    name: str,
    phone: str,
    place: str,
    details: str,
) -> None:
    conn = raw(db_path)
    conn.execute(
        "UPDATE ticket SET caller_name = ?, caller_phone = ?, place = ?, details = ? WHERE id = ?",
        (name, phone, place, details, small),
    )
    conn.close()
    with pytest.MonkeyPatch.context() as monkeypatch:
        for actor, unmask in ((staff.lead1, False), (staff.office1, True)):
            fast, python, _ = export_both(
                services.exports, actor, ExportFilter(), tmp_path, monkeypatch, unmask=unmask
            )
            assert fast == python


def test_every_ticket_or_some_days_are_read_in_order_without_a_sort(
    varied: Services, staff: Staff, db_path: Path, tmp_path: Path
) -> None:
    """The statement walks the creation-time index (no sort of a million rows before the
    first line); the units and accounts by their keys."""
    sent: list[str] = []
    real = export_csv.csv_lines

    def tracing(session: Any, *args: Any, **kwargs: Any) -> Iterator[tuple[int, bytes]]:
        dbapi = session.connection().connection.dbapi_connection
        dbapi.set_trace_callback(sent.append)
        try:
            yield from real(session, *args, **kwargs)
        finally:
            dbapi.set_trace_callback(None)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(export_csv, "csv_lines", tracing)
        for f in (ExportFilter(), ExportFilter(date_from=date(2025, 9, 1), date_to=date(2025, 9, 30))):
            sent.clear()
            varied.exports.export(staff.lead1, f, "csv", tmp_path / "t.csv")
            (statement,) = [s for s in sent if "printf(" in s]
            plan = [r[3] for r in raw(db_path).execute("EXPLAIN QUERY PLAN " + statement)]
            assert plan[0].startswith(
                ("SCAN t USING INDEX ix_ticket_created_at", "SEARCH t USING INDEX ix_ticket_created_at")
            )
            assert not any("TEMP B-TREE" in step for step in plan), plan


# --------------------------------------------------------------------------- time zones


def test_a_zone_that_changed_its_offset_is_written_in_sql_only_where_it_was_fixed(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mexico City gave up summer time on 2022-10-30: a year of tickets up to 2023-06 is
    written by SQLite from that day on, and by Python before it, in the same bytes."""
    tz = ZoneInfo("America/Mexico_City")
    clock = FixedClock(datetime(2023, 6, 1, 12, 0, tzinfo=tz))
    services = build_services(Settings(db=str(db_path), tz=tz, lang="en"), clock)
    try:
        demo.generate(services, 800, seed=5, days=365)
        lead = services.accounts.sign_in("lead1", "demo")
        span = ex.fixed_offset_span(tz, clock.now())
        assert span is not None
        assert span[1] <= datetime(2022, 10, 31, 0, 0) and span[0] == timedelta(hours=-6)
        fast, python, routed = export_both(services.exports, lead, ExportFilter(), tmp_path, monkeypatch)
        assert fast == python
        assert 100 < routed < python.count(b"\r\n") - 100  # both paths at work
    finally:
        services.close()


def test_times_outside_the_span_go_to_python(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New York's summer time of 2025, as if it were a fixed offset: tickets with a time
    before or after it (their limits run on into November) are written by Python."""
    tz = ZoneInfo("America/New_York")
    clock = FixedClock(datetime(2025, 10, 31, 12, 0, tzinfo=tz))
    summer = (timedelta(hours=-4), datetime(2025, 3, 9, 7, 0), datetime(2025, 11, 2, 6, 0))
    monkeypatch.setattr(ex, "fixed_offset_span", lambda *_args: summer)
    services = build_services(Settings(db=str(db_path), tz=tz, lang="en"), clock)
    try:
        demo.generate(services, 800, seed=9, days=365)
        with services.db.read() as s:
            later = s.connection().exec_driver_sql(
                "SELECT count(*) FROM ticket WHERE max(ifnull(due_at, ''), ifnull(callback_due_at, ''), "
                "ifnull(deadline_at, ''), ifnull(dispatch_due_at, '')) >= '2025-11-02 06:00:00'"
            )
            assert later.scalar_one() > 0
        lead = services.accounts.sign_in("lead1", "demo")
        fast, python, routed = export_both(services.exports, lead, ExportFilter(), tmp_path, monkeypatch)
        assert fast == python
        assert 100 < routed < python.count(b"\r\n") - 100
    finally:
        services.close()


def test_a_zone_with_summer_time_uses_the_python_path(db_path: Path) -> None:
    tz = ZoneInfo("America/New_York")
    clock = FixedClock(datetime(2025, 9, 30, 10, 0, tzinfo=tz))
    assert ex.fixed_offset_span(tz, clock.now()) is None
    services = build_services(Settings(db=str(db_path), tz=tz, lang="en"), clock)
    try:
        assert services.exports._csv_rules(False, datetime(2025, 9, 30, 14, 0)) is None
    finally:
        services.close()


@pytest.mark.parametrize(
    ("zone", "offset"),
    [("Asia/Shanghai", 8 * 60), ("Asia/Kolkata", 5 * 60 + 30), ("UTC", 0), ("Asia/Kathmandu", 5 * 60 + 45)],
)
def test_fixed_offsets_and_their_span(zone: str, offset: int) -> None:
    now = datetime(2025, 9, 30, 2, 0, tzinfo=UTC)
    span = ex.fixed_offset_span(ZoneInfo(zone), now)
    assert span is not None
    assert span[0] == timedelta(minutes=offset)
    assert span[1] <= datetime(2016, 1, 1) and span[2] >= datetime(2035, 1, 1)


def test_shanghais_span_starts_after_its_last_summer_time() -> None:
    span = ex.fixed_offset_span(ZoneInfo("Asia/Shanghai"), datetime(1995, 1, 1, tzinfo=UTC))
    assert span is not None
    assert datetime(1991, 9, 14) <= span[1] <= datetime(1991, 9, 16)


def test_every_decimal_digit_beyond_ascii_is_in_the_class_sql_looks_for() -> None:
    """``\\d`` in the masking regexes is any Unicode decimal digit: the SQL's class (ranges of
    code points) must hold every one that is not ASCII."""
    ranges = re.findall(r"(.)-(.)", export_csv.NON_ASCII_DIGITS.strip("[]"))
    digit = re.compile(r"\d")
    for cp in range(0x80, 0x110000):
        if 0xD800 <= cp < 0xE000 or not digit.match(chr(cp)):
            continue
        assert any(ord(lo) <= cp <= ord(hi) for lo, hi in ranges), hex(cp)


# --------------------------------------------------------------------------- masking


def _sql_rules() -> export_csv.CsvRules:
    """The service's own rules (its anonymous names), without a database."""
    stub = SimpleNamespace(_db=SimpleNamespace(is_sqlite=True), _tz=ZoneInfo("Asia/Shanghai"))
    rules = ExportService._csv_rules(stub, False, datetime(2025, 10, 1))  # type: ignore[arg-type]
    assert rules is not None
    return rules


_SQL = sqlite3.connect(":memory:", check_same_thread=False)
_RULES = _sql_rules()


def sql_masked(name: str | None, phone: str | None, text: str | None) -> tuple[Any, Any, Any]:
    """The SQL's masked name and phone cells and its may-hold-a-phone test for ``text``."""
    return _SQL.execute(
        f"SELECT {export_csv._masked_name(_RULES)}, {export_csv._masked_phone()}, "
        f"{export_csv._may_hold_a_phone('t.place')} FROM (SELECT ? AS caller_name, ? AS caller_phone, "
        "? AS place) t",
        (name, phone, text),
    ).fetchone()


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=n, max_size=n)


# Every shape of number normalize_phone stores: mobile, landline with a 3-digit (010, 02x) or
# 4-digit area code and 7 or 8 digits after it, 400/800, 3- and 5-digit service numbers.
canonical_phones = st.one_of(
    st.builds(lambda a, b: f"1{a}{b}", st.sampled_from("3456789"), _digits(9)),
    st.builds(lambda a, b: f"0{a}{b}", st.sampled_from("12"), st.one_of(_digits(8), _digits(9))),
    st.builds(lambda a, b: f"0{a}{b}", st.sampled_from("3456789"), st.one_of(_digits(9), _digits(10))),
    st.builds(lambda a, b: f"{a}00{b}", st.sampled_from("48"), _digits(7)),
    st.builds(lambda a, b: f"1{a}{b}", st.sampled_from("12"), _digits(1)),
    st.builds(lambda a, b: f"1{a}{b}", st.sampled_from("012"), _digits(3)),
    st.builds(lambda a, b: f"9{a}{b}", st.sampled_from("56"), _digits(3)),
)
# And what else may be stored: near misses of those shapes, other digits, typed text.
odd_phones = st.one_of(
    st.text("0123456789", max_size=14),
    canonical_phones.map(lambda p: p + "0"),
    canonical_phones.map(lambda p: p[:-1]),
    canonical_phones.map(lambda p: p.replace("1", "１")),
    canonical_phones.map(lambda p: p[:3] + " " + p[3:]),
    phone_text,
    st.text(max_size=14),
)
names = st.one_of(
    st.text(CJK, min_size=1, max_size=6),
    st.text(string.ascii_letters, min_size=1, max_size=12),
    st.sampled_from(sorted(ANONYMOUS_NAMES)).map(lambda a: a.upper() if a.isascii() else a),
    st.text(CJK | st.sampled_from(" ·-.'ſİ"), max_size=8),
    st.integers(40, 43).map(lambda n: "王" * n),
    nasty_text,
)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
# Phone numbers as they are written in a place or the details.
written_phones = st.builds(
    lambda before, sep, number, after: before + sep.join([number[:3], number[3:7], number[7:]]) + after,
    st.text(CJK | st.sampled_from("0123456789 -+,"), max_size=6),
    st.sampled_from(["", " ", "-", "－"]),
    st.one_of(
        canonical_phones,
        canonical_phones.map(lambda p: p.translate(FULL_WIDTH)),
        canonical_phones.map(lambda p: p[:2] + p[2:].translate(FULL_WIDTH)),
    ),
    st.text(CJK | st.sampled_from("0123456789 -"), max_size=6),
)

# A landline as people write it: the area code, maybe a space or hyphen, a local number of 7 or
# 8 digits (the only run of seven digits in the text may be that local number).
written_landlines = st.builds(
    lambda before, area, sep, local, after: f"{before}{area}{sep}{local}{after}",
    st.text(CJK | st.sampled_from("0123456789 -"), max_size=4),
    st.sampled_from(["010", "021", "0571", "0755", "0898"]),
    st.sampled_from(["", " ", "-"]),
    st.one_of(_digits(7), _digits(8)).filter(lambda d: d[0] != "0"),
    st.text(CJK | st.sampled_from("年室元号 "), max_size=4),
)


@settings(max_examples=400, deadline=None)
@example(name="张 三", canonical="075512345678", odd="0755 1234", text="座机0５７１８８８８６６６６")
@example(name="李四", canonical="13912345678", odd="2024", text="2024年起,座机0571-2345678,1502室")
@example(name="John", canonical="01012345678", odd="4008123123", text="电话139 ００００ １１１１")
@given(
    name=names,
    canonical=canonical_phones,
    odd=odd_phones,
    text=written_phones | written_landlines | nasty_text,
)
def test_the_sql_masks_as_the_service_does(name: str, canonical: str, odd: str, text: str) -> None:
    """The SQL's masking is a copy of the service's (``mask_stored_name``,
    ``mask_stored_phone``, ``mask_phones_in_text``): what it writes is what they write, or it
    routes the row to them; a number in a stored form it always writes itself."""
    masked_name, masked_canonical, may_hold = sql_masked(name, canonical, text)
    # A text with a NUL character is routed by its own check (see export_csv._routed).
    if "\x00" not in name:
        assert masked_name in (export_csv.MARK, ex.mask_stored_name(name))
    if (name.isascii() and name.isalpha()) or all("一" <= c <= "鿿" for c in name):
        assert masked_name != export_csv.MARK or not name or len(name) > 41
    assert masked_canonical == ex.mask_stored_phone(canonical)
    if "\x00" not in odd:
        assert sql_masked(None, odd, None)[1] in (export_csv.MARK, ex.mask_stored_phone(odd))
    if "\x00" not in text and ex.mask_phones_in_text(text) != text:
        assert may_hold
