"""PostgreSQL administration that needs the server's own tools: the backup (``pg_dump``)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from svcdesk.store.database import DatabaseError


def find_tool(name: str) -> str:
    """``name`` on the PATH (Debian's wrapper picks the newest installed version), else the
    newest ``/usr/lib/postgresql/<version>/bin/<name>``."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(re.sub(r"\D", "", p.parent.parent.name) or 0),
        reverse=True,
    )
    if versions:
        return str(versions[0])
    raise DatabaseError(
        f"{name} is not installed: install the PostgreSQL client tools (Debian: postgresql-client) "
        "of the server's version or newer"
    )


def libpq_uri(url: str) -> tuple[str, dict[str, str]]:
    """The libpq URI of an SQLAlchemy URL, without its password, and the environment that
    passes the password (never on a command line, where other users could read it)."""
    u = make_url(url)
    env: dict[str, str] = {}
    if u.password is not None:
        env["PGPASSWORD"] = str(u.password)
    plain = u.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def dump(url: str, target: Path) -> None:
    """A consistent copy of the whole database in ``pg_dump``'s custom format, readable by
    its owner only; restore it with ``pg_restore --dbname=URL PATH`` into an empty database."""
    if target.exists():
        raise DatabaseError(f"{target} exists; choose a new file")
    tool = find_tool("pg_dump")
    uri, env = libpq_uri(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        result = subprocess.run(
            [tool, "--format=custom", "--no-password", f"--file={target}", f"--dbname={uri}"],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise DatabaseError(f"cannot run {tool}: {exc.strerror}") from exc
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        message = " ".join(result.stderr.strip().splitlines()[:3]) or f"exit status {result.returncode}"
        raise DatabaseError(f"pg_dump failed, no backup written: {message}")
