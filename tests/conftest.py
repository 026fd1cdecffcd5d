"""Shared fixtures: a real database per test, copied from a template built once per session
(migrations, reference data and the four demo accounts), and a frozen clock.

The store, services and CLI tests run twice, on a SQLite file and on a real PostgreSQL
server that the suite starts itself (``tests/pg.py``): every test there that uses
``services`` or ``db_url`` is parametrized ``[sqlite]``/``[postgres]`` (marked ``postgres``),
each PostgreSQL test on a fresh database created from a template database. A test that
asks for ``db_path`` (the SQLite file itself) or is marked ``sqlite_only`` runs on SQLite only.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from svcdesk.domain.clock import FixedClock
from svcdesk.services.context import Actor
from svcdesk.services.factory import Services, build_services, initialize
from svcdesk.services.settings import Settings
from tests.pg import PgServer, PgUnavailable, skip_requested

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

TZ = ZoneInfo("Asia/Shanghai")
# A Tuesday, the day before the 2025 National Day holiday.
T0 = datetime(2025, 9, 30, 10, 0, tzinfo=TZ)
ACCOUNTS = (("agent1", "agent"), ("agent2", "agent"), ("lead1", "lead"), ("office1", "office"))


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    services = initialize(Settings(db=str(path), tz=TZ), FixedClock(T0))
    for name, role in ACCOUNTS:
        services.accounts.add(None, name, "demo", role)
    services.close()
    return path


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "svcdesk.db"
    shutil.copy(template_db, path)
    os.chmod(path, 0o600)
    return path


# Test folders whose tests run on both backends (see the module's docstring).
BOTH_BACKENDS = ("services", "store", "cli")
TESTS = Path(__file__).resolve().parent


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    names = metafunc.fixturenames
    if "backend" not in names or "db_path" in names:
        return
    if metafunc.definition.get_closest_marker("sqlite_only"):
        return
    if any("backend" in str(m.args[0]) for m in metafunc.definition.iter_markers("parametrize")):
        return
    parts = Path(metafunc.definition.path).resolve().relative_to(TESTS).parts
    if parts and parts[0] in BOTH_BACKENDS:
        metafunc.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])


@pytest.fixture
def backend() -> str:
    """``sqlite`` or ``postgres``; parametrized over both in the folders of BOTH_BACKENDS."""
    return "sqlite"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """This test process's own PostgreSQL server (one per xdist worker), stopped at the end.
    Missing PostgreSQL fails the tests that need it, unless SVCDESK_SKIP_PG=1 asks to skip."""
    if skip_requested():
        pytest.skip("PostgreSQL tests skipped: SVCDESK_SKIP_PG is set")
    try:
        server = PgServer()
        server.start()
    except PgUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.destroy()


@pytest.fixture(scope="session")
def pg_template(pg_server: PgServer) -> str:
    """The name of a database with the migrations, the reference data and the accounts."""
    name = "svcdesk_template"
    url = pg_server.create_database(name)
    services = initialize(Settings(db=url, tz=TZ), FixedClock(T0))
    for account, role in ACCOUNTS:
        services.accounts.add(None, account, "demo", role)
    services.close()
    return name


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """The test's own database as ``--db`` takes it: on SQLite the path of ``db_path`` (the
    same file when a test asks for both), on PostgreSQL the URL of a fresh database."""
    if backend == "postgres":
        server: PgServer = request.getfixturevalue("pg_server")
        template: str = request.getfixturevalue("pg_template")
        name = f"t_{uuid.uuid4().hex[:16]}"
        yield server.create_database(name, template=template)
        server.drop_database(name)
        return
    yield str(request.getfixturevalue("db_path"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def services(db_url: str, clock: FixedClock) -> Iterator[Services]:
    s = build_services(Settings(db=db_url, tz=TZ, lang="en"), clock)
    yield s
    s.close()


@dataclass
class Staff:
    agent1: Actor
    agent2: Actor
    lead1: Actor
    office1: Actor


@pytest.fixture
def staff(services: Services) -> Staff:
    return Staff(*(services.accounts.sign_in(n, "demo") for n, _ in ACCOUNTS))


def intake(**overrides: object) -> dict[str, object]:
    """A complete, valid intake; tests override what they exercise."""
    data: dict[str, object] = {
        "caller_phone": "13812345678",
        "caller_name": "张三",
        "event_time": "2025-09-30 08:30",
        "place": "西湖区文三路100号",
        "details": "路灯坏了一个多星期,晚上出行不安全。",
        "category": "general_request",
        "subtype": "general",
        "mode": "transfer",
        "unit_code": None,
        "urgent": False,
    }
    data.update(overrides)
    return data
