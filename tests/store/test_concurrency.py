"""Many processes taking calls at once on one SQLite file: every ticket there, every number
unique and in order, no error (BEGIN IMMEDIATE makes writers wait instead of failing)."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import pytest

from svcdesk.domain.clock import FixedClock
from svcdesk.services.factory import build_services
from svcdesk.services.settings import Settings
from svcdesk.store import repo
from tests.conftest import T0, TZ, intake

PROCESSES = 8
PER_PROCESS = 200


def _worker(db: str, who: str, n: int, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    try:
        services = build_services(Settings(db=db, tz=TZ), FixedClock(T0))
        actor = services.accounts.sign_in(who, "demo")
        numbers = [services.tickets.take_call(actor, intake()).number for _ in range(n)]
        queue.put(("ok", numbers))
    except Exception as exc:  # reported to the test, which fails on it
        queue.put(("error", repr(exc)))


@pytest.mark.slow
def test_eight_processes_two_hundred_tickets_each(db_path: Path) -> None:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(str(db_path), ("agent1", "agent2")[i % 2], PER_PROCESS, queue))
        for i in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    errors = [r for kind, r in results if kind == "error"]
    assert errors == []
    numbers = [n for _, ns in results for n in ns]
    assert len(numbers) == PROCESSES * PER_PROCESS
    assert len(set(numbers)) == PROCESSES * PER_PROCESS
    serials = sorted(int(n.split("-")[1]) for n in numbers)
    assert serials == list(range(1, PROCESSES * PER_PROCESS + 1))
    for _, ns in results:  # each process saw its own numbers rise
        assert ns == sorted(ns)
    services = build_services(Settings(db=str(db_path), tz=TZ), FixedClock(T0))
    with services.db.read() as s:
        assert repo.count_tickets(s) == PROCESSES * PER_PROCESS
        assert repo.count_audit(s) >= PROCESSES * PER_PROCESS
    assert services.db.integrity_problems() == []
