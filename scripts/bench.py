"""The performance benchmark: the figures a big city's hotline needs, on one SQLite file.

    python scripts/bench.py --tickets 1000000 --out bench.json      # the full run, ~15 minutes
    python scripts/bench.py                                         # 100,000 tickets, quicker

It generates the database with the product's own generator (``svcdesk demo``, timed as the
user runs it), then measures each operation of the table below many times with varied inputs
and prints medians and 95th percentiles. Beside each operation it times, in the same run on
the same file and interleaved with it, the plainest raw ``sqlite3`` query that returns the same
rows — the floor: what the database itself needs — and reports the ratio. The machine may be
shared: medians, ratios to the floor and the CPU time of each call (``cpu``) are the figures
to read; the load average is recorded at the start and the end.

The console's figures come from ``scripts/bench_console.py`` (a real pseudo-terminal), and the
export's from the ``svcdesk export`` command run as its own process (wall time, rows per
second and peak resident memory from ``wait4``). ``--markdown docs/benchmarks.md`` rewrites
the results part of that page (between its ``bench:begin``/``bench:end`` markers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))
SVCDESK = str(Path(sys.executable).with_name("svcdesk"))

from benchlib import p95 as _p95  # noqa: E402

from svcdesk.domain.states import OPEN_STATUS_VALUES as OPEN  # noqa: E402
from svcdesk.services.factory import Services, build_services  # noqa: E402
from svcdesk.services.settings import Settings  # noqa: E402
from svcdesk.store import search  # noqa: E402

# -- measuring ------------------------------------------------------------------------------


@dataclass
class Figure:
    """One operation's figures, in milliseconds unless said otherwise."""

    name: str
    target: str
    median_ms: float | None = None
    p95_ms: float | None = None
    cpu_median_ms: float | None = None
    floor_median_ms: float | None = None
    floor_p95_ms: float | None = None
    ratio: float | None = None
    met: bool | None = None
    runs: int = 0
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


PROFILE_DIR: Path | None = None
"""``--profile DIR``: each operation's service call is also profiled (pyinstrument) into DIR."""


def _profile(name: str, call: Callable[[Any], object], inputs: Sequence[Any], calls: int = 50) -> None:
    from pyinstrument import Profiler

    assert PROFILE_DIR is not None
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for i in range(calls):
        call(inputs[i % len(inputs)])
    profiler.stop()
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]
    PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    (PROFILE_DIR / f"{slug}.txt").write_text(f"{name}: {calls} calls\n\n{text}", encoding="utf-8")


def measure(
    name: str,
    target: str,
    limit_ms: float,
    call: Callable[[Any], object],
    floor: Callable[[Any], object] | None,
    inputs: Sequence[Any],
    runs: int,
    warmup: int = 5,
) -> Figure:
    """Runs ``call`` and ``floor`` alternately on the same inputs; medians of the timings."""
    wall: list[float] = []
    cpu: list[float] = []
    base: list[float] = []
    for i in range(warmup + runs):
        x = inputs[i % len(inputs)]
        c0, t0 = time.process_time(), time.perf_counter()
        call(x)
        t1, c1 = time.perf_counter(), time.process_time()
        if floor is not None:
            f0 = time.perf_counter()
            floor(x)
            f1 = time.perf_counter()
        if i >= warmup:
            wall.append((t1 - t0) * 1000)
            cpu.append((c1 - c0) * 1000)
            if floor is not None:
                base.append((f1 - f0) * 1000)
    fig = Figure(name, target, runs=runs)
    fig.median_ms = statistics.median(wall)
    fig.p95_ms = _p95(wall)
    fig.cpu_median_ms = statistics.median(cpu)
    if base:
        fig.floor_median_ms = statistics.median(base)
        fig.floor_p95_ms = _p95(base)
        fig.ratio = fig.median_ms / fig.floor_median_ms if fig.floor_median_ms else None
    fig.met = fig.median_ms <= limit_ms
    if PROFILE_DIR is not None:
        _profile(name, call, inputs)
    return fig


@contextmanager
def _progress(what: str) -> Iterator[None]:
    print(f"  {what} ...", end="", flush=True)
    started = time.perf_counter()
    yield
    print(f" {time.perf_counter() - started:.1f} s", flush=True)


# Forks the command from a fresh, small interpreter: a child forked from this process would
# count this process's memory in its peak (the resident set before ``exec`` is its own).
# ``wait4`` gives the largest peak of the command and its children, not their sum: a command
# that starts helper processes (the CSV export) is also sampled every 10 ms for the sum of the
# resident sets of its whole process tree.
LAUNCHER = """
import json, os, sys, threading, time

def tree_kib(root):
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/status") as fh:
                total += next((int(l.split()[1]) for l in fh if l.startswith("VmRSS:")), 0)
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            pass
    return total

started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
tree = [0]
done = threading.Event()

def sample():
    while not done.wait(0.01):
        tree[0] = max(tree[0], tree_kib(pid))

threading.Thread(target=sample, daemon=True).start()
_pid, status, usage = os.wait4(pid, 0)
done.set()
with open(sys.argv[1], "w") as fh:
    json.dump({"wall": time.perf_counter() - started, "cpu": usage.ru_utime + usage.ru_stime,
               "peak_kib": usage.ru_maxrss, "tree_kib": tree[0],
               "code": os.waitstatus_to_exitcode(status)}, fh)
"""


def run_measured(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system), peak resident MiB and stdout of a command.
    The peak is the larger of the largest process's (exact) and the whole process tree's
    sum (sampled)."""
    with tempfile.TemporaryDirectory() as folder:
        figures = Path(folder) / "figures.json"
        proc = subprocess.run(
            [sys.executable, "-c", LAUNCHER, str(figures), *argv], capture_output=True, env=env, check=False
        )
        measured = json.loads(figures.read_text()) if figures.exists() else {"code": proc.returncode}
    if measured["code"] != 0:
        err = proc.stderr.decode("utf-8", "replace")
        raise SystemExit(f"{' '.join(argv)} failed ({measured['code']}):\n{err[-2000:]}")
    stdout = proc.stdout.decode("utf-8", "replace")
    peak_kib = max(measured["peak_kib"], measured["tree_kib"])
    return measured["wall"], measured["cpu"], peak_kib / 1024, stdout


# -- the machine ----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        memory = f"{kib / 2**20:.1f} GiB"
    except (OSError, AttributeError):
        pass
    return {
        "nproc": os.cpu_count(),
        "memory": memory,
        "cpu": cpu,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "system": f"{platform.system()} {platform.release()}",
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


# -- the operations -------------------------------------------------------------------------


def raw_connection(path: Path) -> sqlite3.Connection:
    """The floor's connection: what the product's engine sets, nothing more."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for pragma in ("busy_timeout=10000", "journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def sample_inputs(raw: sqlite3.Connection, rng: random.Random, n: int) -> dict[str, list[Any]]:
    top = raw.execute("SELECT max(id) FROM ticket").fetchone()[0]
    ids = [rng.randrange(1, top + 1) for _ in range(n)]
    rows = [
        raw.execute("SELECT caller_phone, place, details FROM ticket WHERE id = ?", (i,)).fetchone()
        for i in ids
    ]
    phones = [r[0] for r in rows if r and r[0]]
    opened = raw.execute(
        f"SELECT caller_phone, place, details FROM ticket WHERE status IN {OPEN} ORDER BY id DESC LIMIT 5000"
    ).fetchall()
    intakes = []
    callers = phones
    for _ in range(n):
        _phone, place, details = opened[rng.randrange(len(opened))]
        # An intake in progress: a caller (often one seen before), the place, part of the details.
        cut = rng.randint(8, max(9, len(details)))
        intakes.append((callers[rng.randrange(len(callers))], place, details[:cut]))
    texts = [r[1] + r[2] for r in rows if r]
    substrings = []
    for i in range(n):
        t = texts[i % len(texts)]
        length = 2 + i % 5  # 2, 3, 4, 5, 6 characters in turn
        start = rng.randrange(max(1, len(t) - length))
        substrings.append(t[start : start + length])
    kb = [r[0] + r[1] + r[2] for r in raw.execute("SELECT title, keywords, answer FROM kbentry")]
    kb_terms = []
    for i in range(n):
        t = kb[i % len(kb)]
        length = 2 + i % 5
        start = rng.randrange(max(1, len(t) - length))
        kb_terms.append(t[start : start + length].strip(",") or t[:length])
    return {"phones": phones, "intakes": intakes, "substrings": substrings, "kb": kb_terms}


def floor_search(raw: sqlite3.Connection, value: str, limit: int = 20) -> list[Any]:
    terms = search.terms(value)
    long = [t for t in terms if len(t) >= 3]
    if long:
        match = " ".join(search.fts_phrase(t) for t in long)
        return raw.execute(
            "SELECT t.* FROM ticket_fts f JOIN ticket t ON t.id = f.rowid WHERE ticket_fts MATCH ? "
            "ORDER BY f.rowid DESC LIMIT ?",
            (match, limit),
        ).fetchall()
    if not terms:
        return []
    like = " AND ".join("(place LIKE ? ESCAPE '\\' OR details LIKE ? ESCAPE '\\')" for _ in terms)
    params: list[Any] = [search.SHORT_WINDOW]
    for t in terms:
        params += [search.like_pattern(t)] * 2
    return raw.execute(
        f"SELECT * FROM ticket WHERE id > (SELECT max(id) FROM ticket) - ? AND {like} "
        "ORDER BY id DESC LIMIT ?",
        (*params, limit),
    ).fetchall()


def floor_kb(raw: sqlite3.Connection, value: str, limit: int = 20) -> list[Any]:
    terms = search.terms(value)
    long = [t for t in terms if len(t) >= 3]
    if long:
        match = " ".join(search.fts_phrase(t) for t in long)
        return raw.execute(
            "SELECT k.* FROM kbentry_fts f JOIN kbentry k ON k.id = f.rowid "
            "WHERE kbentry_fts MATCH ? LIMIT ?",
            (match, limit),
        ).fetchall()
    pattern = search.like_pattern(terms[0]) if terms else "%"
    return raw.execute(
        "SELECT * FROM kbentry WHERE title LIKE ?1 ESCAPE '\\' OR keywords LIKE ?1 ESCAPE '\\' "
        "OR answer LIKE ?1 ESCAPE '\\' ORDER BY title LIMIT ?2",
        (pattern, limit),
    ).fetchall()


def floor_related(raw: sqlite3.Connection, intake: tuple[str, str, str], limit: int = 10) -> list[Any]:
    phone, place, details = intake
    found = raw.execute(
        f"SELECT * FROM ticket WHERE caller_phone = ? AND status IN {OPEN} ORDER BY created_at DESC LIMIT ?",
        (phone, limit),
    ).fetchall()
    found += raw.execute(
        "SELECT t.* FROM ticket_open_fts f JOIN ticket t ON t.id = f.rowid WHERE ticket_open_fts MATCH ? "
        "ORDER BY f.rowid DESC LIMIT ?",
        ("place : " + search.fts_phrase(place), limit),
    ).fetchall()
    grams = search.trigrams(f"{place} {details}")
    if grams:
        step = max(1, len(grams) // search.SIMILAR_GRAMS)
        match = " OR ".join(search.fts_phrase(g) for g in grams[::step][: search.SIMILAR_GRAMS])
        found += raw.execute(
            "SELECT t.* FROM (SELECT rowid AS id FROM ticket_open_fts WHERE ticket_open_fts MATCH ? "
            "ORDER BY rank LIMIT ?) f JOIN ticket t ON t.id = f.id",
            (match, 3 * limit),
        ).fetchall()
    return found


class FloorIntake:
    """The plainest way to write what an intake writes: a call, the day's counter, the ticket
    (its triggers keep the search indexes), the audit entry — one IMMEDIATE transaction."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw
        self.n = 0

    def __call__(self, intake: tuple[str, str, str]) -> None:
        phone, place, details = intake
        self.n += 1
        now = time.strftime("%Y-%m-%d %H:%M:%S.000000", time.gmtime())
        c = self.raw
        c.execute("BEGIN IMMEDIATE")
        call = c.execute(
            "INSERT INTO call (agent_id, phone, started_at, ended_at, closing_line) VALUES (1, ?, ?, ?, '')",
            (phone, now, now),
        ).lastrowid
        (serial,) = c.execute(
            "INSERT INTO ticketcounter (day, last) VALUES ('floor', 1) "
            "ON CONFLICT (day) DO UPDATE SET last = ticketcounter.last + 1 RETURNING last"
        ).fetchone()
        ticket = c.execute(
            "INSERT INTO ticket (number, status, category, subtype, mode, urgent, major, caller_name, "
            "anonymous, caller_phone, event_time, place, details, direct_result, handover_contact, round, "
            "supervised, escalated, call_id, accepted_by_id, created_at, dispatch_due_at, due_provisional, "
            "reply_text, reply_handler, return_reason, callback_due_provisional, close_reason, deadline_at, "
            "updated_at) VALUES (?, 'awaiting_dispatch', 'general_request', 'general', 'transfer', 0, 0, "
            "'张三', 0, ?, ?, ?, ?, '', '', 1, 0, 0, ?, 1, ?, ?, 0, '', '', '', 0, '', ?, ?)",
            (f"floor-{serial}", phone, now, place, details, call, now, now, now, now),
        ).lastrowid
        c.execute(
            "INSERT INTO audit (at, account_id, ticket_id, action, note) VALUES (?, 1, ?, 'submit', ?)",
            (now, ticket, "transfer: general_request.general"),
        )
        c.execute("COMMIT")


def intake_data(intake: tuple[str, str, str], rng: random.Random) -> dict[str, object]:
    phone, place, details = intake
    return {
        "caller_phone": phone,
        "caller_name": "张三",
        "event_time": time.strftime("%Y-%m-%d %H:%M", time.localtime(time.time() - 3600)),
        "place": place,
        "details": details if len(details) >= 10 else details + "情况需要尽快处理。",
        "category": "general_request",
        "subtype": "general",
        "mode": "transfer",
        "unit_code": None,
        "urgent": rng.random() < 0.1,
    }


def captured_statements(services: Services, call: Callable[[], object]) -> list[tuple[str, Any]]:
    """The SELECT statements ``call`` sends, with their parameters."""
    from sqlalchemy import event

    sent: list[tuple[str, Any]] = []

    def before(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            sent.append((statement, params))

    event.listen(services.db.engine, "before_cursor_execute", before)
    try:
        call()
    finally:
        event.remove(services.db.engine, "before_cursor_execute", before)
    return sent


EXPORT_FLOOR = """
import csv, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "w", encoding="utf-8-sig", newline="") as fh:
    out = csv.writer(fh)
    cur = conn.execute("SELECT * FROM ticket ORDER BY id")
    out.writerow([d[0] for d in cur.description])
    n = 0
    while rows := cur.fetchmany(5000):
        out.writerows(rows)
        n += len(rows)
print(n)
"""


# -- the run --------------------------------------------------------------------------------


def generate(db: Path, tickets: int) -> Figure:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    wall, cpu, peak, out = run_measured(
        [SVCDESK, "demo", "--tickets", str(tickets), "--no-console", "--db", str(db), "--lang", "en"]
    )
    fig = Figure(f"generate the {tickets:,}-ticket database", "<= 120 s (1,000,000 tickets)")
    fig.median_ms = wall * 1000
    fig.cpu_median_ms = cpu * 1000
    fig.runs = 1
    fig.met = wall <= 120 if tickets >= 1_000_000 else None  # the target is for a million
    fig.extra = {"peak_mib": round(peak), "output": " ".join(out.split())}
    fig.note = f"whole `svcdesk demo` command; CPU {cpu:.0f} s, peak {peak:.0f} MiB"
    return fig


def console_figures(db: Path, runs: int, keys: int) -> list[Figure]:
    """The agent's-console engineer's pty measurements (scripts/bench_console.py), in this run."""
    import bench_console  # scripts/bench_console.py

    figures = []
    with tempfile.TemporaryDirectory() as drafts:
        env = bench_console._env(Path(drafts))
        launch = bench_console.launch_times(str(db), runs, env)
        ours = statistics.median(launch["svcdesk"]) * 1000
        bare = statistics.median(launch["bare_textual"]) * 1000
        fig = Figure("console: launch to sign-in ready", "<= 1.5 x a bare Textual app", runs=runs)
        fig.median_ms, fig.p95_ms = ours, _p95(launch["svcdesk"]) * 1000
        fig.floor_median_ms, fig.floor_p95_ms = bare, _p95(launch["bare_textual"]) * 1000
        fig.ratio = ours / bare
        fig.met = fig.ratio <= 1.5
        fig.note = "floor: a bare Textual app (header, label, input, footer) started the same way"
        figures.append(fig)
        latencies = bench_console.keystroke_latencies(str(db), keys, env)
        fig = Figure("console: keystroke to updated screen (details)", "<= 16 ms", runs=len(latencies))
        fig.median_ms = statistics.median(latencies) * 1000
        fig.p95_ms = _p95(latencies) * 1000
        fig.met = fig.median_ms <= 16
        fig.note = "a real pty, from the key written to the character drawn; look-ups run meanwhile"
        figures.append(fig)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=100_000, help="How many tickets to generate.")
    parser.add_argument("--db", type=Path, help="The database file (default: a temporary one per size).")
    parser.add_argument("--reuse", action="store_true", help="Measure an existing --db; do not generate.")
    parser.add_argument("--runs", type=int, default=200, help="Timed calls per operation.")
    parser.add_argument("--out", type=Path, help="Write the figures as JSON here.")
    parser.add_argument("--markdown", type=Path, help="Rewrite the results part of this page.")
    parser.add_argument("--no-console", action="store_true", help="Skip the console's figures.")
    parser.add_argument("--console-runs", type=int, default=7)
    parser.add_argument("--console-keys", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", type=Path, help="Also profile each operation into this folder.")
    opts = parser.parse_args()
    global PROFILE_DIR
    PROFILE_DIR = opts.profile
    db: Path = (opts.db or Path(tempfile.gettempdir()) / f"svcdesk-bench-{opts.tickets}.db").resolve()
    rng = random.Random(opts.seed)
    info = machine()
    load_start = os.getloadavg()
    print(
        f"svcdesk benchmark, {opts.tickets:,} tickets in {db}\n{info['nproc']} CPUs ({info['cpu']}), "
        f"{info['memory']}, Python {info['python']}, SQLite {info['sqlite']}; load {load_start[0]:.2f}"
    )
    figures: list[Figure] = []
    if not opts.reuse or not db.exists():
        with _progress(f"generating {opts.tickets:,} tickets"):
            figures.append(generate(db, opts.tickets))

    services = build_services(Settings(db=str(db), lang="en"))
    agent = services.accounts.sign_in("agent1", "demo")
    lead = services.accounts.sign_in("lead1", "demo")
    raw = raw_connection(db)
    tickets = raw.execute("SELECT count(*) FROM ticket").fetchone()[0]
    inputs = sample_inputs(raw, rng, max(opts.runs, 50))
    runs = opts.runs

    with _progress("caller history by phone"):
        figures.append(
            measure(
                "caller history by phone",
                "<= 1 ms",
                1,
                lambda p: services.tickets.history_by_phone(agent, p),
                lambda p: raw.execute(
                    "SELECT * FROM ticket WHERE caller_phone = ? ORDER BY created_at DESC LIMIT 20", (p,)
                ).fetchall(),
                inputs["phones"],
                runs,
            )
        )
    with _progress("the lead's queue"):
        fig = measure(
            "lead's queue, first 50 by time to breach (console: queue view)",
            "<= 5 ms",
            5,
            lambda _: services.lead.queue.page(lead, "queue", limit=50),
            lambda _: raw.execute(
                "SELECT * FROM ticket WHERE status IN ('awaiting_dispatch', 'with_unit', 'supervised') "
                "AND deadline_at < ? ORDER BY deadline_at, id LIMIT 50",
                (time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + 86400)),),
            ).fetchall(),
            [0],
            runs,
        )
        fig.note = "QueueService.page: statuses merged, bound groups shown once; floor: one IN query"
        figures.append(fig)
        fig = measure(
            "lead's queue, first 50 awaiting dispatch (tickets list by deadline)",
            "<= 5 ms",
            5,
            lambda _: services.tickets.list(lead, status="awaiting_dispatch", order="deadline", limit=50),
            lambda _: raw.execute(
                "SELECT * FROM ticket WHERE status = 'awaiting_dispatch' ORDER BY deadline_at, id LIMIT 50"
            ).fetchall(),
            [0],
            runs,
        )
        figures.append(fig)
    with _progress("related tickets"):
        fig = measure(
            "related-ticket suggestions (phone, place, details)",
            "<= 20 ms",
            20,
            lambda i: services.tickets.related(agent, phone=i[0], place=i[1], details=i[2]),
            lambda i: floor_related(raw, i),
            inputs["intakes"],
            runs,
        )
        fig.note = "floor: the same three index look-ups, raw"
        figures.append(fig)
    with _progress("searches"):
        fig = measure(
            "ticket search, 2-6 character substring",
            "<= 20 ms",
            20,
            lambda t: services.tickets.search(agent, t),
            lambda t: floor_search(raw, t),
            inputs["substrings"],
            runs,
        )
        by_length: dict[int, list[float]] = {}
        for t in inputs["substrings"][:100]:
            started = time.perf_counter()
            services.tickets.search(agent, t)
            by_length.setdefault(len(t), []).append((time.perf_counter() - started) * 1000)
        fig.extra["median_ms_by_length"] = {
            k: round(statistics.median(v), 3) for k, v in sorted(by_length.items())
        }
        figures.append(fig)
        figures.append(
            measure(
                "knowledge-base search, 2-6 character substring",
                "<= 20 ms",
                20,
                lambda t: services.reference.kb_search(agent, t),
                lambda t: floor_kb(raw, t),
                inputs["kb"],
                runs,
            )
        )
    with _progress("submitting intakes"):
        data = [intake_data(i, rng) for i in inputs["intakes"]]
        floor_intake = FloorIntake(raw)
        fig = measure(
            "submit an intake (ticket, call, audit, search index)",
            "<= 5 ms",
            5,
            lambda d: services.tickets.take_call(agent, d),
            lambda d: floor_intake((str(d["caller_phone"]), str(d["place"]), str(d["details"]))),
            data,
            runs,
        )
        fig.note = (
            "take_call returns the new ticket's view with its history, read in the transaction that saved it"
        )
        figures.append(fig)
    with _progress("daily report"):
        reports = services.reports
        statements = captured_statements(services, lambda: reports.report(lead, "daily"))

        def replay(_: object) -> None:
            for statement, params in statements:
                raw.execute(statement, params).fetchall()

        fig = measure(
            "daily report",
            "<= 500 ms",
            500,
            lambda _: reports.report(lead, "daily"),
            replay,
            [0],
            max(10, runs // 10),
            2,
        )
        fig.note = f"floor: the report's own {len(statements)} queries replayed raw"
        figures.append(fig)
    services.close()
    raw.close()

    with _progress("CSV export of every ticket"):
        env = {**os.environ, "SVCDESK_USER": "lead1", "SVCDESK_PASSWORD": "demo", "SVCDESK_LANG": "en"}
        with tempfile.TemporaryDirectory(dir=db.parent) as folder:
            out = Path(folder) / "tickets.csv"
            wall, cpu, peak, stdout = run_measured(
                [
                    SVCDESK,
                    "export",
                    "tickets",
                    "--format",
                    "csv",
                    "--out",
                    str(out),
                    "--db",
                    str(db),
                    "--json",
                ],
                env,
            )
            rows = json.loads(stdout)["rows"]
            out.unlink()
            fwall, fcpu, fpeak, fout = run_measured([sys.executable, "-c", EXPORT_FLOOR, str(db), str(out)])
            frows = int(fout.strip())
        fig = Figure("CSV export", ">= 100,000 rows/s, peak memory <= 200 MB", runs=1)
        fig.median_ms, fig.cpu_median_ms, fig.floor_median_ms = wall * 1000, cpu * 1000, fwall * 1000
        fig.ratio = wall / fwall
        fig.met = rows / wall >= 100_000 and peak <= 200
        fig.extra = {
            "rows": rows,
            "rows_per_second": round(rows / wall),
            "peak_mib": round(peak, 1),
            "rows_per_cpu_second": round(rows / cpu),
            "floor_rows_per_second": round(frows / fwall),
            "floor_rows_per_cpu_second": round(frows / fcpu),
            "floor_peak_mib": round(fpeak, 1),
        }
        fig.note = (
            f"{rows:,} rows, {rows / wall:,.0f} rows/s ({rows / cpu:,.0f} per CPU second), peak "
            f"{peak:.0f} MiB (the command and its helper process together); "
            f"floor: raw SELECT * to csv.writer, {frows / fwall:,.0f} rows/s "
            f"({frows / fcpu:,.0f} per CPU second)"
        )
        figures.append(fig)

    if not opts.no_console and (HERE / "bench_console.py").exists():
        with _progress("console (pty)"):
            figures += console_figures(db, opts.console_runs, opts.console_keys)

    load_end = os.getloadavg()
    result = {
        "machine": info,
        "tickets": tickets,
        "db": str(db),
        "runs": runs,
        "load_average": {"start": round(load_start[0], 2), "end": round(load_end[0], 2)},
        "figures": [asdict(f) for f in figures],
    }
    print(table(result))
    if opts.out:
        opts.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if opts.markdown:
        write_markdown(opts.markdown, result)


def _ms(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 10_000:
        return f"{value / 1000:.1f} s"
    return f"{value:.2f} ms" if value < 10 else f"{value:.0f} ms"


def table(result: dict[str, Any]) -> str:
    head = ("operation", "target", "median", "p95", "cpu", "floor", "ratio", "met")
    lines = [head]
    for f in result["figures"]:
        lines.append(
            (
                f["name"],
                f["target"],
                _ms(f["median_ms"]),
                _ms(f["p95_ms"]),
                _ms(f["cpu_median_ms"]),
                _ms(f["floor_median_ms"]),
                f"{f['ratio']:.1f}x" if f["ratio"] else "",
                {True: "yes", False: "NO", None: ""}[f["met"]],
            )
        )
    widths = [max(len(str(row[i])) for row in lines) for i in range(len(head))]
    text = [
        "  ".join(
            str(c).ljust(w) if i < 2 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in lines
    ]
    text.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {f['name']}: {f['note']}" for f in result["figures"] if f["note"]]
    return "\n".join([*text, "", *notes])


BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def write_markdown(path: Path, result: dict[str, Any]) -> None:
    m = result["machine"]
    rows = [
        "| operation | target | median | p95 | CPU (median) | floor (median) | ratio | met |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | :---: |",
    ]
    for f in result["figures"]:
        ratio = f"{f['ratio']:.1f}x" if f["ratio"] else ""
        met = {True: "yes", False: "**no**", None: ""}[f["met"]]
        rows.append(
            f"| {f['name']} | {f['target']} | {_ms(f['median_ms'])} | {_ms(f['p95_ms'])} | "
            f"{_ms(f['cpu_median_ms'])} | {_ms(f['floor_median_ms'])} | {ratio} | {met} |"
        )
    notes = [f"- {f['name']}: {f['note']}" for f in result["figures"] if f["note"]]
    extra = [
        f"- {f['name']}: `{json.dumps(f['extra'], ensure_ascii=False)}`"
        for f in result["figures"]
        if f["extra"]
    ]
    body = "\n".join(
        [
            BEGIN,
            f"Run on {m['date']}: {result['tickets']:,} tickets, {result['runs']} timed calls per operation.",
            "",
            f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory']} of memory, {m['system']}, "
            f"Python {m['python']}, SQLite {m['sqlite']}. Load average {result['load_average']['start']} at "
            f"the start, {result['load_average']['end']} at the end (the machine is shared).",
            "",
            *rows,
            "",
            *notes,
            *extra,
            END,
        ]
    )
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + body + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
