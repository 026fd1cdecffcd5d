"""Measures the exports and the reports on a big database (not a test: figures for the notes).

    .venv/bin/svcdesk demo --tickets 1000000 --no-console --db /tmp/m1.db   # once, ~100 s
    .venv/bin/python scripts/bench_reports.py --db /tmp/m1.db --out bench_reports.json

Each export runs as its own ``svcdesk export tickets`` process under ``/usr/bin/time -v``, so
its wall time, CPU time and peak memory (maximum resident set size) are the whole command's,
start-up and sign-in included; rows per second are the rows written over that wall time, and
over the CPU time (user + system), which is what an idle machine would take for this
single-threaded work when the machine is shared. The reports are timed in one process (the
service call, median of ``--runs``, wall and CPU time), after a warm-up run, and
``svcdesk report daily`` once more as a whole command.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import benchlib

ROOT = Path(__file__).resolve().parents[1]
SVCDESK = ROOT / ".venv" / "bin" / "svcdesk"


def run_timed(args: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds, peak RSS in KiB and stdout of one command under
    /usr/bin/time -v."""
    proc = subprocess.run(
        ["/usr/bin/time", "-v", *args], capture_output=True, text=True, env=env, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stderr[-2000:]}")

    def field(pattern: str) -> str:
        found = re.search(pattern, proc.stderr)
        if found is None:
            raise SystemExit(f"/usr/bin/time printed no {pattern!r}")
        return found.group(1)

    peak = int(field(r"Maximum resident set size \(kbytes\): (\d+)"))
    seconds = 0.0
    for part in field(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)").split(":"):
        seconds = seconds * 60 + float(part)
    cpu = float(field(r"User time \(seconds\): ([\d.]+)")) + float(
        field(r"System time \(seconds\): ([\d.]+)")
    )
    return seconds, cpu, peak, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True, help="A demo database (svcdesk demo --tickets N).")
    parser.add_argument("--runs", type=int, default=15, help="Report runs to take the median of.")
    parser.add_argument("--formats", default="csv,xlsx,json", help="Export formats to measure.")
    parser.add_argument("--out", type=Path, help="Write the figures as JSON here.")
    opts = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    from svcdesk.services.factory import build_services
    from svcdesk.services.reports import ReportService
    from svcdesk.services.settings import Settings
    from svcdesk.store import repo

    services = build_services(Settings.resolve(db=opts.db, lang="en"))
    actor = services.accounts.sign_in("lead1", "demo")
    with services.db.read() as s:
        tickets = repo.count_tickets(s)
    figures: dict[str, object] = {
        "tickets": tickets,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
        "load_average_at_start": round(os.getloadavg()[0], 1),
    }
    print(f"{tickets:,} tickets in {opts.db}")

    reports = ReportService(services.metrics, services.clock, services.settings.tz)
    today = services.clock.now().astimezone(services.settings.tz).date()
    for kind in ("daily", "weekly", "monthly"):
        for day in (today, date(today.year, today.month, 1) if today.day > 15 else today):
            reports.report(actor, kind, day)  # warm the page cache
        times = []
        cpu_times = []
        for _ in range(opts.runs):
            started, cpu_started = time.perf_counter(), time.process_time()
            report = reports.report(actor, kind, today)
            times.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu_started)
        median = statistics.median(times) * 1000
        p95 = benchlib.p95(times) * 1000
        cpu = statistics.median(cpu_times) * 1000
        figures[f"report_{kind}_ms"] = {
            "median": round(median, 1),
            "p95": round(p95, 1),
            "cpu_median": round(cpu, 1),
        }
        count = report.figures.counts.total
        print(
            f"report {kind:<8} median {median:7.1f} ms  p95 {p95:7.1f} ms  cpu {cpu:7.1f} ms"
            f"  ({count:,} tickets created)"
        )
    services.close()

    env = {**os.environ, "SVCDESK_USER": "lead1", "SVCDESK_PASSWORD": "demo", "SVCDESK_DB": opts.db}
    seconds, cpu, peak, _ = run_timed([str(SVCDESK), "report", "daily"], env)
    figures["report_daily_command"] = {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_mib": round(peak / 1024, 1),
    }
    print(
        f"svcdesk report daily (whole command): {seconds:.2f} s (cpu {cpu:.2f} s), peak {peak / 1024:.0f} MiB"
    )

    with tempfile.TemporaryDirectory(dir=Path(opts.db).parent) as folder:
        for fmt in opts.formats.split(","):
            path = Path(folder) / f"tickets.{fmt}"
            seconds, cpu, peak, out = run_timed(
                [str(SVCDESK), "export", "tickets", "--format", fmt, "--out", str(path), "--json"], env
            )
            rows = json.loads(out)["rows"]
            size = path.stat().st_size
            figures[f"export_{fmt}"] = {
                "rows": rows,
                "seconds": round(seconds, 1),
                "rows_per_second": round(rows / seconds),
                "cpu_seconds": round(cpu, 1),
                "rows_per_cpu_second": round(rows / cpu),
                "peak_mib": round(peak / 1024, 1),
                "file_mib": round(size / 2**20, 1),
            }
            print(
                f"export {fmt:<5} {rows:,} rows in {seconds:6.1f} s = {rows / seconds:9,.0f} rows/s "
                f"(cpu {cpu:6.1f} s = {rows / cpu:9,.0f} rows/s), peak {peak / 1024:5.0f} MiB, "
                f"file {size / 2**20:6.0f} MiB"
            )
            path.unlink()
    figures["load_average_at_end"] = round(os.getloadavg()[0], 1)
    start, end = figures["load_average_at_start"], figures["load_average_at_end"]
    print(f"load average: {start} at the start, {end} at the end")
    if opts.out:
        opts.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
