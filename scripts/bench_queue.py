"""How fast the lead's queue (F6) opens and refreshes on a large database, and whether the
screen stays responsive meanwhile. A measurement, not a test.

    .venv/bin/svcdesk demo --tickets 1000000 --no-console --db /tmp/m1.db   # once, ~2 minutes
    .venv/bin/python scripts/bench_queue.py --db /tmp/m1.db

For each view it runs the real console headless (``App.run_test``) on the real database,
signed in as ``lead1`` (or ``agent1`` for an agent's F6), and reports medians over the runs:

- open: from pushing the queue screen to its first full page drawn (the page's worker done
  and the rows in the table);
- summary: from pushing the screen to the side panel's counts drawn (a second worker);
- refresh: from asking for the page again (what the 30-second timer does) to it redrawn;
- service: the page query alone, outside the console;
- ui cpu: the UI thread's own CPU time from the push to the first page drawn (building and
  drawing the screen), which the machine's load does not inflate;
- counting: the longest gap between ticks while only the counting worker runs (from a
  moment after the page is drawn to the counts drawn): the query's own effect on the UI;
- max gap: the longest interval between two ticks of a 10 ms timer on the UI thread while
  the screen loads and refreshes. A screen that froze while querying would show the query's
  whole duration here; a responsive one shows a few frames at most.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import time
from typing import Any

from svcdesk.services.factory import build_services
from svcdesk.services.settings import Settings
from svcdesk.store import repo
from svcdesk.ui.app import SvcdeskApp
from svcdesk.ui.screens.queue import QueueScreen


async def _until(predicate: Any, timeout: float = 60.0) -> float:
    start = time.perf_counter()
    while not predicate():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("the screen did not draw in time")
        await asyncio.sleep(0.001)
    return time.perf_counter()


async def _one(app: SvcdeskApp, view: str, refreshes: int) -> dict[str, Any]:
    ticks: list[float] = []
    timer = app.set_interval(0.01, lambda: ticks.append(time.perf_counter()))
    await asyncio.sleep(0.05)
    t0 = time.perf_counter()
    cpu0 = time.thread_time()
    screen = QueueScreen(view)
    await app.push_screen(screen)
    t_page = await _until(lambda: screen.fills >= 1)
    cpu_page = time.thread_time() - cpu0
    t_summary = await _until(lambda: screen.summary is not None)
    rows = len(screen.rows)
    refresh = []
    for _ in range(refreshes):
        before = screen.fills
        r0 = time.perf_counter()
        screen.refresh_page()
        refresh.append(await _until(lambda b=before: screen.fills > b) - r0)
    t_end = time.perf_counter()
    timer.stop()
    window = [t for t in ticks if t0 <= t <= t_end]
    gaps = [b - a for a, b in zip([t0, *window], [*window, t_end], strict=True)]
    # While only the counting worker runs (the page drawn a moment ago): does the query hold
    # up the UI thread?
    counting = [t for t in ticks if t_page + 0.25 <= t <= t_summary]
    counting_gap = max((b - a for a, b in itertools.pairwise(counting)), default=0.0)
    await app.workers.wait_for_complete()
    app.pop_screen()
    await asyncio.sleep(0.05)
    return {
        "open": t_page - t0,
        "summary": t_summary - t0,
        "refresh": statistics.median(refresh),
        "max_gap": max(gaps),
        "ui_cpu": cpu_page,
        "counting_gap": counting_gap,
        "rows": rows,
        "total": screen.summary.total if screen.summary else None,
    }


async def _run(db: str, view: str, user: str, runs: int, refreshes: int) -> list[dict[str, Any]]:
    services = build_services(Settings.resolve(db=db, lang="en"))
    actor = services.accounts.sign_in(user, "demo")
    out = []
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=(120, 36)) as pilot:
        app.actor = actor
        await pilot.pause()
        for _ in range(runs):
            out.append(await _one(app, view, refreshes))
    services.close()
    return out


def _service(db: str, view: str, user: str, runs: int) -> float:
    services = build_services(Settings.resolve(db=db, lang="en"))
    actor = services.accounts.sign_in(user, "demo")
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        services.lead.queue.page(actor, view)
        times.append(time.perf_counter() - t0)
    services.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="/tmp/m1.db")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--refreshes", type=int, default=5)
    parser.add_argument("--views", default="lead1:queue,lead1:dispatch,lead1:overdue,lead1:open,agent1:mine")
    args = parser.parse_args()
    services = build_services(Settings.resolve(db=args.db))
    with services.db.read() as s:
        tickets = repo.count_tickets(s)
    services.close()
    print(f"database: {args.db}, {tickets:,} tickets; load average before: {os.getloadavg()[0]:.1f}")
    print(f"medians of {args.runs} runs ({args.refreshes} refreshes each); max gap: median (worst)")
    head = ("view", "rows", "matters", "service", "open", "ui cpu", "summary", "refresh", "counting")
    head += ("max gap",)
    print(f"{head[0]:<16}{head[1]:>5}{head[2]:>9}" + "".join(f"{h:>10}" for h in head[3:]))
    for spec in args.views.split(","):
        user, view = spec.split(":")
        results = asyncio.run(_run(args.db, view, user, args.runs, args.refreshes))
        med = {k: statistics.median(r[k] for r in results) for k in ("open", "summary", "refresh", "ui_cpu")}
        gap = statistics.median(r["max_gap"] for r in results)
        counting = statistics.median(r["counting_gap"] for r in results)
        worst = max(r["max_gap"] for r in results)
        service = _service(args.db, view, user, args.runs)
        print(
            f"{user + ':' + view:<16}{results[-1]['rows']:>5}{results[-1]['total'] or 0:>9}"
            f"{service * 1000:>8.1f}ms{med['open'] * 1000:>8.0f}ms{med['ui_cpu'] * 1000:>8.0f}ms"
            f"{med['summary'] * 1000:>8.0f}ms"
            f"{med['refresh'] * 1000:>8.0f}ms{counting * 1000:>8.0f}ms"
            f"{gap * 1000:>5.0f}ms ({worst * 1000:.0f})"
        )


if __name__ == "__main__":
    main()
