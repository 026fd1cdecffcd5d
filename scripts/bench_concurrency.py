"""Tickets per second taken by several workstations at once, on PostgreSQL and on SQLite.

    .venv/bin/python scripts/bench_concurrency.py                 # 1, 4, 16 writers on PostgreSQL
                                                                  # and 1, 4, 8 on SQLite, 3 runs
    .venv/bin/python scripts/bench_concurrency.py --runs 5 --seconds 10 --out bench-concurrency.json

Each writer is a process of its own (a workstation): it signs in, waits for the others, then
takes calls through the same use case the console uses (``TicketService.take_call``: the
ticket, its call, its number, its audit entry, and the ticket read back) for ``--seconds``.
A run's figure is all the tickets taken divided by the time from the common start to the
last writer's last ticket; the table shows the median of the runs, on a fresh database each.

PostgreSQL runs on a throwaway server this script starts (``initdb`` + ``pg_ctl``, with
fsync and synchronous commit on, as a real server keeps them), or on the database that
``--pg-url`` names (the script runs ``init`` on it and adds a ``bench`` agent account; its
tickets stay there). SQLite runs with the product's settings (WAL, synchronous=NORMAL).
A benchmark, not a test: the figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

import benchlib  # noqa: E402

from svcdesk.domain.clock import SystemClock  # noqa: E402
from svcdesk.services.factory import build_services, initialize  # noqa: E402
from svcdesk.services.settings import Settings  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
WRITER = "bench"
PASSWORD = "bench-pass"
INTAKE = {
    "caller_phone": "13812345678",
    "caller_name": "张三",
    "event_time": "",
    "place": "西湖区文三路100号",
    "details": "路灯坏了一个多星期,晚上出行不安全。",
    "category": "general_request",
    "subtype": "general",
    "mode": "transfer",
    "unit_code": None,
    "urgent": False,
}


@dataclass
class Run:
    backend: str
    writers: int
    tickets: int
    seconds: float
    per_second: float
    latency_ms_p50: float
    latency_ms_p95: float


def _writer(db: str, seconds: float, ready: Any, go: Any, queue: Any) -> None:
    try:
        services = build_services(Settings(db=db, tz=TZ), SystemClock())
        actor = services.accounts.sign_in(WRITER, PASSWORD)
        ready.wait()  # a barrier: every writer started up
        go.wait()
        start = time.monotonic()
        stop = start + seconds
        latencies: list[float] = []
        last = start
        while last < stop:
            t = time.monotonic()
            event = (datetime.now(TZ) - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
            services.tickets.take_call(actor, {**INTAKE, "event_time": event})
            last = time.monotonic()
            latencies.append(last - t)
        services.close()
        queue.put(("ok", start, last, latencies))
    except BaseException as exc:
        queue.put(("error", repr(exc), 0.0, []))


def _prepare(db: str) -> None:
    services = initialize(Settings(db=db, tz=TZ), SystemClock())
    if not services.accounts.exists(WRITER):
        services.accounts.add(None, WRITER, PASSWORD, "agent")
    services.close()


def run_once(backend: str, db: str, writers: int, seconds: float) -> Run:
    _prepare(db)
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    ready = ctx.Barrier(writers + 1)
    go = ctx.Event()
    procs = [ctx.Process(target=_writer, args=(db, seconds, ready, go, queue)) for _ in range(writers)]
    for p in procs:
        p.start()
    try:
        ready.wait(timeout=300)
        go.set()
        results = [queue.get(timeout=seconds + 300) for _ in procs]
    except BaseException:  # interrupted (Ctrl+C) or a writer never came: stop them all
        for p in procs:
            p.terminate()
        raise
    for p in procs:
        p.join(timeout=60)
    errors = [r[1] for r in results if r[0] == "error"]
    if errors:
        raise SystemExit(f"a writer failed on {backend}: {errors[0]}")
    start = min(r[1] for r in results)
    end = max(r[2] for r in results)
    latencies = sorted(x for r in results for x in r[3])
    tickets = len(latencies)
    elapsed = end - start
    return Run(
        backend=backend,
        writers=writers,
        tickets=tickets,
        seconds=round(elapsed, 3),
        per_second=round(tickets / elapsed, 1),
        latency_ms_p50=round(1000 * latencies[len(latencies) // 2], 2),
        latency_ms_p95=round(1000 * benchlib.p95(latencies), 2),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per configuration (the median is shown)")
    parser.add_argument("--seconds", type=float, default=5.0, help="how long each writer takes calls")
    parser.add_argument("--pg-writers", default="1,4,16")
    parser.add_argument("--sqlite-writers", default="1,4,8")
    parser.add_argument("--pg-url", help="an empty PostgreSQL database to use instead of a throwaway server")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--out", type=Path, help="write every run and the medians as JSON")
    args = parser.parse_args()

    runs: list[Run] = []
    work = Path(tempfile.mkdtemp(prefix="svcdesk-bench-"))
    server = None
    pg_version = None
    try:
        if not args.no_pg:
            writers = [int(x) for x in args.pg_writers.split(",") if x]
            if not args.pg_url:
                from tests.pg import PgServer

                server = PgServer(durable=True)
                server.start()
                pg_version = server.version()
            for n in writers:
                for i in range(args.runs):
                    url = server.create_database(f"bench_{n}_{i}") if server else args.pg_url
                    runs.append(run_once("postgresql", url, n, args.seconds))
                    print(
                        f"postgresql {n:>2} writers, run {i + 1}: {runs[-1].per_second} tickets/s", flush=True
                    )
                    if server is not None:
                        server.drop_database(f"bench_{n}_{i}")
        for n in [int(x) for x in args.sqlite_writers.split(",") if x]:
            for i in range(args.runs):
                path = work / f"bench_{n}_{i}.db"
                runs.append(run_once("sqlite", str(path), n, args.seconds))
                print(f"sqlite     {n:>2} writers, run {i + 1}: {runs[-1].per_second} tickets/s", flush=True)
    finally:
        if server is not None:
            server.destroy()
        for f in work.glob("*"):
            f.unlink()
        work.rmdir()

    medians: list[dict[str, Any]] = []
    for backend in ("postgresql", "sqlite"):
        for n in sorted({r.writers for r in runs if r.backend == backend}):
            mine = [r for r in runs if r.backend == backend and r.writers == n]
            medians.append(
                {
                    "backend": backend,
                    "writers": n,
                    "runs": len(mine),
                    "tickets_per_second": statistics.median(r.per_second for r in mine),
                    "latency_ms_p50": statistics.median(r.latency_ms_p50 for r in mine),
                    "latency_ms_p95": statistics.median(r.latency_ms_p95 for r in mine),
                }
            )
    print()
    print(f"{'backend':<11} {'writers':>7} {'tickets/s':>10} {'p50 ms':>8} {'p95 ms':>8}   (medians)")
    for m in medians:
        print(
            f"{m['backend']:<11} {m['writers']:>7} {m['tickets_per_second']:>10.1f} "
            f"{m['latency_ms_p50']:>8.2f} {m['latency_ms_p95']:>8.2f}"
        )
    machine = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "load_average_1m": os.getloadavg()[0],
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "postgresql_version_num": pg_version,
    }
    if args.out:
        args.out.write_text(
            json.dumps(
                {"machine": machine, "medians": medians, "runs": [asdict(r) for r in runs]},
                indent=2,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
