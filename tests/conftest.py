"""Shared fixtures: a real SQLite file per test, copied from a template built once per
session (migrations, reference data and the four demo accounts), and a frozen clock."""

from __future__ import annotations

import os
import shutil
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


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def services(db_path: Path, clock: FixedClock) -> Iterator[Services]:
    s = build_services(Settings(db=str(db_path), tz=TZ, lang="en"), clock)
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
