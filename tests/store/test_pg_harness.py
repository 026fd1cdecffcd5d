"""The suite's own PostgreSQL: missing binaries make the PostgreSQL tests fail (so CI cannot
pass without them), and only SVCDESK_SKIP_PG=1 turns them into skips."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ONE_TEST = "tests/store/test_backends.py::test_a_naive_time_is_refused_before_it_reaches_the_database"


def run_one(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SVCDESK_"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", ONE_TEST],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_without_postgresql_its_tests_fail_and_skip_only_when_asked(tmp_path: Path) -> None:
    missing = run_one(SVCDESK_PG_BINDIR=str(tmp_path / "no-postgresql"))
    assert missing.returncode != 0
    assert "1 passed" in missing.stdout and "1 error" in missing.stdout  # sqlite ran, postgres failed
    assert "PostgreSQL server binaries not found" in missing.stdout
    assert "install the Debian package `postgresql`" in missing.stdout
    asked = run_one(SVCDESK_PG_BINDIR=str(tmp_path / "no-postgresql"), SVCDESK_SKIP_PG="1")
    assert asked.returncode == 0, asked.stdout
    assert "1 passed, 1 skipped" in asked.stdout
