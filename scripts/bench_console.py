"""Measures the agent's console in a real pseudo-terminal (not a timed test).

1. Launch to the sign-in screen being ready: ``svcdesk --db X`` started in a pty, timed until
   the sign-in form is on the screen, beside a bare Textual app (a label in a screen) started
   the same way by the same interpreter, alternating, in the same run.
2. Keystroke to screen while typing the details of an intake, with N tickets in the database
   (``svcdesk demo --tickets N --no-console`` first when the file does not exist): each
   character is written to the terminal as a keyboard (or an input method committing a
   character) would, and timed until the console has drawn it. The gaps between keys vary
   (0.15 to 0.6 s) so that keys also arrive while the debounced look-ups (related tickets,
   the suggestion, the draft) are running.

Usage::

    python scripts/bench_console.py --tickets 100000 --db /tmp/x.db [--runs 7] [--keys 60] \
        [--out bench_console.json]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import random
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

import benchlib

HERE = Path(__file__).resolve().parent
SVCDESK = str(Path(sys.executable).with_name("svcdesk"))
COLS, ROWS = 120, 40
BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Input, Label


class Bare(App[None]):
    def compose(self):
        yield Header()
        yield Label("BARE-READY")
        yield Input()
        yield Footer()


Bare().run()
"""


class Pty:
    """A program running in a pseudo-terminal of COLS x ROWS, and what it has drawn."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True
        )
        os.close(slave)
        self.master = master
        self.out = b""

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return b""
        try:
            chunk = os.read(self.master, 65536)
        except OSError:
            return b""
        self.out += chunk
        return chunk

    def wait_for(self, marker: bytes, timeout: float = 60.0, since: int = 0) -> float:
        """Seconds until ``marker`` appears in the output after offset ``since``."""
        deadline = time.perf_counter() + timeout
        while marker not in self.out[since:]:
            if time.perf_counter() > deadline:
                tail = self.out[-2000:].decode("utf-8", "replace")
                raise TimeoutError(f"{marker!r} not seen in {timeout} s; last output: {tail!r}")
            self.read(0.05)
        return time.perf_counter() - self.started

    def drain(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            self.read(max(0.0, end - time.perf_counter()))

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        os.close(self.master)


def _env(drafts: Path) -> dict[str, str]:
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLS), "LINES": str(ROWS)}
    env.update(SVCDESK_LANG="en", SVCDESK_DRAFTS=str(drafts), TEXTUAL_ANIMATIONS="none")
    env.pop("TMUX", None)
    return env


def launch_times(db: str, runs: int, env: dict[str, str]) -> dict[str, list[float]]:
    with tempfile.NamedTemporaryFile("w", suffix="_bare_textual.py", delete=False) as f:
        f.write(BARE_APP)
        bare = f.name
    times: dict[str, list[float]] = {"svcdesk": [], "bare_textual": []}
    try:
        for _ in range(runs):
            for name, argv, marker in (
                ("bare_textual", [sys.executable, bare], b"BARE-READY"),
                ("svcdesk", [SVCDESK, "--db", db, "--lang", "en"], b"User name"),
            ):
                term = Pty(argv, env)
                try:
                    times[name].append(term.wait_for(marker))
                finally:
                    term.close()
    finally:
        os.unlink(bare)
    return times


def keystroke_latencies(db: str, keys: int, env: dict[str, str], seed: int = 7) -> list[float]:
    rng = random.Random(seed)
    term = Pty([SVCDESK, "--db", db, "--lang", "en"], env)
    try:
        term.wait_for(b"User name")
        term.drain(0.5)
        for key in [b"agent1", b"\t", b"demo", b"\r"]:
            # One key at a time: a burst is taken as pasted text (field notes).
            for ch in key.decode():
                term.send(ch.encode())
                term.drain(0.05)
        mark = len(term.out)
        term.drain(2.0)
        if b"unfinished intake" in term.out[mark:]:
            # A draft left by an earlier run (the console saves it when it is killed): discard.
            term.send(b"d")
            term.drain(1.0)
        term.wait_for(b"Signed in as", since=0)
        term.drain(1.0)
        term.send(b"\x1bOQ")  # F2
        term.wait_for(b"Read:", since=0)
        term.drain(1.0)
        for value in ("13812345678", "Zhang", "2025-01-02 08:30", "西湖区文三路"):
            term.send(value.encode())  # an input method commits a phrase at once
            term.drain(0.3)
            term.send(b"\t")
            term.drain(0.3)
        term.drain(1.5)
        text = "路灯坏了一个多星期晚上出行很不安全小区门口的井盖也松动了希望尽快派人来修理谢谢" * 3
        latencies = []
        for ch in text[:keys]:
            term.drain(rng.uniform(0.15, 0.6))
            mark = len(term.out)
            sent = time.perf_counter()
            term.send(ch.encode())
            term.wait_for(ch.encode(), timeout=10, since=mark)
            latencies.append(time.perf_counter() - sent)
        return latencies
    finally:
        term.close()


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = benchlib.p95(ordered)
    return {"median_ms": statistics.median(values) * 1000, "p95_ms": p95 * 1000, "n": len(values)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="/tmp/svcdesk_bench_console.db")
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keys", type=int, default=60)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as drafts:
        env = _env(Path(drafts))
        if not Path(args.db).exists():
            print(f"generating {args.tickets} tickets in {args.db} ...", flush=True)
            started = time.perf_counter()
            subprocess.run(
                [SVCDESK, "demo", "--tickets", str(args.tickets), "--no-console", "--db", args.db],
                check=True,
                env=env,
                stdout=subprocess.DEVNULL,
            )
            print(f"  {time.perf_counter() - started:.1f} s", flush=True)
        launch = launch_times(args.db, args.runs, env)
        latencies = keystroke_latencies(args.db, args.keys, env)

    result = {
        "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "terminal": f"{COLS}x{ROWS} pty",
        "launch_to_sign_in": {name: _stats(v) for name, v in launch.items()},
        "launch_ratio": statistics.median(launch["svcdesk"]) / statistics.median(launch["bare_textual"]),
        "keystroke_to_screen_details": {**_stats(latencies), "tickets": args.tickets},
    }
    print(f"launch to sign-in ready (median of {args.runs}):")
    for name, s in result["launch_to_sign_in"].items():
        print(f"  {name:14s} {s['median_ms']:8.0f} ms   (p95 {s['p95_ms']:.0f} ms)")
    print(f"  ratio          {result['launch_ratio']:8.2f}")
    k = result["keystroke_to_screen_details"]
    print(
        f"keystroke to screen, details field, {args.tickets} tickets: median {k['median_ms']:.1f} ms, "
        f"p95 {k['p95_ms']:.1f} ms over {k['n']} keys"
    )
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
