#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine and runs it:
# Debian packages (tmux for the console's end-to-end test, PostgreSQL for the shared
# backend), a virtual environment with svcdesk and its development extras, then
# ruff, mypy and pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    # env: sudo would drop DEBIAN_FRONTEND. The postgresql package may create and start its
    # own cluster on port 5432; the suite does not use it (tests/pg.py starts a server of
    # its own in a temporary directory, as the postgres user when run as root).
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'

.venv/bin/ruff check src tests scripts
.venv/bin/ruff format --check src tests scripts
.venv/bin/mypy
TEXTUAL_ANIMATIONS=none .venv/bin/python -m pytest -n 2 --dist loadgroup "$@"
