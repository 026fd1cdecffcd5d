"""The two backends are one product: the same schema from the same migrations, the same
aware-UTC times, the same ticket numbering, the same refusal of a schema from the future.
Each test runs on SQLite and on PostgreSQL (see tests/conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import StatementError

from svcdesk.domain.clock import FixedClock
from svcdesk.services.factory import Services, build_services, initialize
from svcdesk.services.settings import Settings
from svcdesk.store import migrate, repo
from svcdesk.store.database import Database, DatabaseError
from svcdesk.store.models import Call
from tests.conftest import T0, TZ, Staff
from tests.pg import PgServer


def test_times_go_in_aware_and_come_out_the_same_instant_in_utc(services: Services, staff: Staff) -> None:
    moments = [
        datetime(2025, 9, 30, 23, 59, 59, 999_999, tzinfo=TZ),  # a different UTC day
        datetime(2025, 1, 1, 0, 0, tzinfo=ZoneInfo("America/New_York")),
        datetime(2025, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=14))),
        datetime(1900, 1, 1, 0, 0, tzinfo=TZ),  # Shanghai's local mean time: +08:05:43
    ]
    with services.db.write() as s:
        ids = []
        for at in moments:
            call = Call(agent_id=staff.agent1.id, started_at=at)
            s.add(call)
            s.flush()
            ids.append(call.id)
    with services.db.read() as s:
        back = [s.get(Call, i) for i in ids]
        listed = ",".join(str(int(i or 0)) for i in ids)
        rows = s.connection().execute(text(f"SELECT id FROM call WHERE id IN ({listed}) ORDER BY started_at"))
        order = [int(r[0]) for r in rows]
    for at, row in zip(moments, back, strict=True):
        assert row is not None
        assert row.started_at == at and row.started_at.utcoffset() == timedelta(0)
        assert row.started_at.tzinfo == UTC
    # Ordered by the instant in SQL, whatever offset they were given in.
    assert order == [i for _, i in sorted(zip(moments, ids, strict=True))]


def test_a_naive_time_is_refused_before_it_reaches_the_database(services: Services, staff: Staff) -> None:
    with pytest.raises(StatementError, match="naive datetime"), services.db.write() as s:
        s.add(Call(agent_id=staff.agent1.id, started_at=datetime(2025, 9, 30, 10, 0)))
        s.flush()


def test_ticket_serials_count_per_day_and_a_rolled_back_one_is_handed_out_again(services: Services) -> None:
    def take(day: str) -> int:
        return services.db.transaction(lambda s: repo.next_ticket_serial(s, day))

    assert [take("20250930"), take("20250930"), take("20251001"), take("20250930")] == [1, 2, 1, 3]

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), services.db.write() as s:
        assert repo.next_ticket_serial(s, "20250930") == 4
        raise Abandoned  # the intake failed after taking its number: no gap is left
    assert take("20250930") == 4


def test_a_schema_from_a_newer_svcdesk_is_refused_and_left_alone(db_url: str) -> None:
    db = Database(db_url)
    with db.write() as s:
        s.connection().execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(DatabaseError, match="newer svcdesk"):
        build_services(Settings(db=db_url, tz=TZ))
    with pytest.raises(DatabaseError, match="newer svcdesk"):
        initialize(Settings(db=db_url, tz=TZ))
    assert migrate.current_revision(db) == "9999_future"
    db.dispose()


def test_init_again_is_harmless(db_url: str, services: Services, staff: Staff) -> None:
    services.tickets.take_call(staff.agent1, {"caller_phone": "13812345678", "caller_name": "张三",
        "event_time": "2025-09-30 08:00", "place": "文三路", "details": "路灯坏了", "category": "help",
        "subtype": "general", "mode": "transfer"})  # fmt: skip
    again = initialize(Settings(db=db_url, tz=TZ), FixedClock(T0))
    assert migrate.check_schema(again.db) == "current"
    with again.db.read() as s:
        assert repo.count_tickets(s) == 1
    again.close()


@pytest.mark.postgres
def test_the_same_migrations_give_the_same_tables_and_columns(
    template_db: Path, pg_server: PgServer, pg_template: str
) -> None:
    def shape(url: str) -> dict[str, dict[str, bool]]:
        db = Database(url)
        with db.read() as s:
            insp = inspect(s.connection())
            tables = {
                t: {c["name"]: bool(c["nullable"]) for c in insp.get_columns(t)}
                for t in insp.get_table_names()
                if "_fts" not in t  # SQLite's full-text tables; PostgreSQL indexes the columns
            }
        db.dispose()
        return tables

    lite = shape(str(template_db))
    pg = shape(pg_server.url(pg_template))
    assert lite == pg
    assert {"ticket", "audit", "ticketcounter", "account", "alembic_version"} <= set(pg)
