"""The console's tests: local drafts go to the test's own directory, never the user's, and the
intake's debounce delays are short so tests do not wait."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from svcdesk.ui.screens.intake import IntakeScreen


@pytest.fixture(autouse=True)
def _local_drafts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "local-drafts"
    monkeypatch.setenv("SVCDESK_DRAFTS", str(path))
    monkeypatch.setattr(IntakeScreen, "DRAFT_DELAY", 0.05)
    monkeypatch.setattr(IntakeScreen, "LOOKUP_DELAY", 0.05)
    yield path
