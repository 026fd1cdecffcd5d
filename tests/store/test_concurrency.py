"""Many processes at once on one database: every ticket there, every number unique and in
order, the audit trail complete, no error surfaced. SQLite: BEGIN IMMEDIATE makes writers
wait instead of failing; PostgreSQL: the write lock does the same, and readers never wait.

8 processes share the SQLite file (one workstation's worth); 16 share the PostgreSQL server
(a centre's worth), each taking calls and moving its tickets through dispatch, the unit's
reply and the callback while the others do the same.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from pathlib import Path
from typing import Any

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
@pytest.mark.xdist_group("concurrency")
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


STEPS = ["submit", "dispatch", "reply", "callback_satisfied"]
SHIFT_TICKETS = {"sqlite": 25, "postgres": 15}
SHIFT_PROCESSES = {"sqlite": 8, "postgres": 16}


def _shift_worker(
    db: str,
    who: str,
    n: int,
    start: Any,
    queue: mp.Queue,  # type: ignore[type-arg]
) -> None:
    """A workstation's shift: take a call, dispatch it, record the unit's reply, call back."""
    try:
        services = build_services(Settings(db=db, tz=TZ), FixedClock(T0))
        actor = services.accounts.sign_in(who, "demo")
        start.wait(timeout=120)
        numbers = []
        for i in range(n):
            v = services.tickets.take_call(actor, intake(details=f"{who} {os.getpid()} call {i}"))
            services.tickets.dispatch(actor, v.number, "CGJ", 5)
            services.tickets.reply(actor, v.number, "已派人维修,路灯已恢复。")
            done = services.tickets.callback(actor, v.number, "satisfied")
            assert done.status == "closed", done.status
            numbers.append(v.number)
        services.close()
        queue.put(("ok", numbers))
    except BaseException as exc:  # reported to the test, which fails on it
        queue.put(("error", repr(exc)))


@pytest.mark.slow
@pytest.mark.xdist_group("concurrency")
def test_a_shift_of_workstations_taking_and_moving_tickets_at_once(backend: str, db_url: str) -> None:
    processes, per_process = SHIFT_PROCESSES[backend], SHIFT_TICKETS[backend]
    total = processes * per_process
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    start = ctx.Event()
    procs = [
        ctx.Process(
            target=_shift_worker, args=(db_url, ("lead1", "office1")[i % 2], per_process, start, queue)
        )
        for i in range(processes)
    ]
    for p in procs:
        p.start()
    start.set()  # each waits for it after its start-up, so the work overlaps
    results = [queue.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert [r for kind, r in results if kind == "error"] == []
    numbers = [n for _, ns in results for n in ns]
    assert len(numbers) == len(set(numbers)) == total
    assert sorted(int(n.split("-")[1]) for n in numbers) == list(range(1, total + 1))
    for _, ns in results:
        assert ns == sorted(ns)
    services = build_services(Settings(db=db_url, tz=TZ), FixedClock(T0))
    with services.db.read() as s:
        rows = s.connection().exec_driver_sql(
            "SELECT t.number, t.status, a.action FROM ticket t JOIN audit a ON a.ticket_id = t.id "
            "ORDER BY t.id, a.id"
        )
        trail: dict[str, list[str]] = {}
        statuses: dict[str, str] = {}
        for number, status, action in rows:
            trail.setdefault(number, []).append(action)
            statuses[number] = status
        in_id_order = [n for (n,) in s.connection().exec_driver_sql("SELECT number FROM ticket ORDER BY id")]
    assert sorted(trail) == sorted(numbers)  # every ticket present
    assert all(actions == STEPS for actions in trail.values())  # one audit row per step
    assert set(statuses.values()) == {"closed"}
    assert in_id_order == sorted(in_id_order)  # numbered in the order they were saved
    assert services.db.integrity_problems() == []
    services.close()
