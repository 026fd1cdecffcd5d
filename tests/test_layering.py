"""One direction of dependency: each layer imported alone, in a fresh interpreter, pulls in
nothing it must not (no Textual outside ui/, no SQL libraries in domain/ or services/…)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "svcdesk"

FORBIDDEN_AT_RUNTIME = {
    "svcdesk.domain": (
        "textual",
        "sqlalchemy",
        "sqlmodel",
        "typer",
        "svcdesk.store",
        "svcdesk.services",
        "svcdesk.ui",
        "svcdesk.cli",
    ),
    "svcdesk.store": ("textual", "typer", "svcdesk.services", "svcdesk.ui", "svcdesk.cli"),
    "svcdesk.services": ("textual", "typer", "svcdesk.ui", "svcdesk.cli"),
    "svcdesk.cli.main": ("textual", "svcdesk.ui"),
    "svcdesk.i18n": ("textual", "sqlalchemy", "sqlmodel", "svcdesk.store"),
}

# Direct imports a layer's source may not write, even lazily.
FORBIDDEN_IN_SOURCE = {
    "domain": (
        "textual",
        "sqlalchemy",
        "sqlmodel",
        "typer",
        "svcdesk.store",
        "svcdesk.services",
        "svcdesk.ui",
        "svcdesk.cli",
    ),
    "services": ("textual", "sqlalchemy", "sqlmodel", "typer", "svcdesk.ui", "svcdesk.cli"),
    "ui": ("sqlalchemy", "sqlmodel", "typer", "svcdesk.cli", "svcdesk.store.repo", "svcdesk.store.models"),
    "cli": ("sqlalchemy", "sqlmodel"),
    "i18n": ("textual", "sqlalchemy", "sqlmodel"),
}


@pytest.mark.parametrize("module", list(FORBIDDEN_AT_RUNTIME))
def test_importing_a_layer_pulls_in_nothing_it_must_not(module: str) -> None:
    code = f"import sys, {module}\nprint('\\n'.join(sorted(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    bad = [m for m in loaded for f in FORBIDDEN_AT_RUNTIME[module] if m == f or m.startswith(f + ".")]
    assert bad == [], f"{module} imports {bad}"


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("layer", list(FORBIDDEN_IN_SOURCE))
def test_no_layer_writes_an_import_it_must_not(layer: str) -> None:
    bad = []
    for path in (SRC / layer).rglob("*.py"):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_SOURCE[layer]):
                bad.append(f"{path.relative_to(SRC)}: {name}")
    assert bad == []


def test_no_sql_text_outside_store() -> None:
    bad = []
    for path in SRC.rglob("*.py"):
        if "store" in path.relative_to(SRC).parts:
            continue
        text = path.read_text(encoding="utf-8")
        for word in ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM", "exec_driver_sql"):
            if word in text:
                bad.append(f"{path.relative_to(SRC)}: {word.strip()}")
    assert bad == []
