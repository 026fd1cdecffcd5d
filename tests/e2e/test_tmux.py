"""The console in a real terminal: tmux runs ``svcdesk`` on a fresh demo database, an agent
signs in, presses F2, types a call through the contract's Tab order, submits with Ctrl+S and
reads the ticket number off the screen; the command line then reads the ticket back.

Keys go one ``send-keys`` at a time with a pause: sent in one burst, Textual takes them as
pasted text and the Tabs land in the field (field notes).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("tmux"),
    pytest.mark.skipif(
        shutil.which("tmux") is None, reason="tmux is not installed (scripts/test.sh installs it)"
    ),
]

SVCDESK = str(Path(sys.executable).with_name("svcdesk"))
KEY_PAUSE = 0.3


class Terminal:
    """One tmux server of our own (its own socket), one window running the console."""

    def __init__(self, socket: str, env: dict[str, str]) -> None:
        self.socket = socket
        self.env = env

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True, env=self.env
        ).stdout

    def start(self, command: list[str]) -> None:
        self.tmux("new-session", "-d", "-x", "140", "-y", "45", "-s", "e2e", " ".join(command))

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def key(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "e2e", key)
            time.sleep(KEY_PAUSE)

    def text(self, text: str) -> None:
        """Character by character, literally (-l), as a person types."""
        for ch in text:
            self.tmux("send-keys", "-t", "e2e", "-l", ch)
            time.sleep(KEY_PAUSE)

    def wait_for(self, pattern: str, timeout: float = 30.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        seen = ""
        while time.monotonic() < deadline:
            seen = self.screen()
            match = re.search(pattern, seen)
            if match:
                return match
            time.sleep(0.2)
        raise AssertionError(f"{pattern!r} never appeared; the screen was:\n{seen}")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    env = {
        **os.environ,
        "SVCDESK_LANG": "en",
        "SVCDESK_DRAFTS": str(tmp_path / "drafts"),
        "TERM": "xterm-256color",
        "TEXTUAL_ANIMATIONS": "none",
    }
    env.pop("TMUX", None)
    term = Terminal(f"svcdesk-e2e-{os.getpid()}", env)
    yield term
    subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True, env=env)


def test_a_call_typed_in_a_real_terminal_is_read_back_by_the_cli(terminal: Terminal, tmp_path: Path) -> None:
    db = str(tmp_path / "e2e.db")
    subprocess.run(
        [SVCDESK, "demo", "--tickets", "50", "--no-console", "--db", db],
        check=True,
        capture_output=True,
        env=terminal.env,
        timeout=120,
    )
    terminal.start([SVCDESK, "--db", db, "--lang", "en"])
    terminal.wait_for(r"User name")

    terminal.text("agent1")
    terminal.key("Tab")
    terminal.text("demo")
    terminal.key("Enter")
    terminal.wait_for(r"Signed in as")

    terminal.key("F2")
    terminal.wait_for(r"Read: ")
    terminal.text("+86 139-0571-2345")  # phone, written as callers say it
    terminal.key("Tab")
    terminal.text("王芳")  # name
    terminal.key("Tab")
    terminal.text("2025-01-02 08:30")  # event time
    terminal.key("Tab")
    terminal.text("文三路8号")  # event place
    terminal.key("Tab")
    terminal.text("井盖松动")  # details
    terminal.key("Tab", "2")  # category: general request
    terminal.key("Tab", "2")  # subtype: general (transfer proposed)
    terminal.key("Tab")  # handling mode: keep the transfer
    terminal.key("Tab")  # handling unit: the lead will choose
    terminal.key("Tab", "Space")  # urgency: urgent
    terminal.key("C-s")

    number = terminal.wait_for(r"Ticket (\d{8}-\d{4})").group(1)
    terminal.key("1")  # the closing line read
    terminal.wait_for(r"Read: ")
    terminal.key("C-q")

    shown = subprocess.run(
        [SVCDESK, "tickets", "show", number, "--json", "--db", db, "--user", "agent1", "--password", "demo"],
        check=True,
        capture_output=True,
        text=True,
        env=terminal.env,
        timeout=60,
    )
    ticket = json.loads(shown.stdout)
    assert ticket["number"] == number
    assert ticket["caller_phone"] == "13905712345"
    assert ticket["caller_name"] == "王芳"
    assert datetime.fromisoformat(ticket["event_time"]) == datetime(
        2025, 1, 2, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai")
    )
    assert ticket["place"] == "文三路8号"
    assert ticket["details"] == "井盖松动"
    assert (ticket["category"], ticket["subtype"], ticket["mode"]) == (
        "general_request",
        "general",
        "transfer",
    )
    assert ticket["urgent"] is True
    assert ticket["status"] == "awaiting_dispatch"
    assert ticket["accepted_by"] == "agent1"
    assert [h["action"] for h in ticket["history"]][:1] == ["submit"]
