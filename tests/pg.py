"""A throwaway PostgreSQL server for the test suite and the benchmarks.

The suite starts its own server from the Debian ``postgresql`` package's binaries
(``/usr/lib/postgresql/<version>/bin``): ``initdb`` and ``pg_ctl start`` in a temporary
directory, on a free port of 127.0.0.1, with the unix socket in that directory too, and
stops it afterwards. ``initdb`` refuses to run as root, so as root the server runs as the
``postgres`` system user the package creates (``runuser -u postgres --``).

When the binaries are missing, the PostgreSQL tests FAIL with a message saying how to
install them; they are skipped only when ``SVCDESK_SKIP_PG=1`` asks for it (for a quick
local run; CI never sets it).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

SKIP_ENV = "SVCDESK_SKIP_PG"
BINDIR_ENV = "SVCDESK_PG_BINDIR"
SUPERUSER = "postgres"


class PgUnavailable(RuntimeError):
    """No PostgreSQL binaries, or the server would not start; the message says what to do."""


def skip_requested() -> bool:
    return os.environ.get(SKIP_ENV, "") not in ("", "0", "false", "no")


def find_bindir() -> Path:
    """The newest installed server's bin directory, or only ``SVCDESK_PG_BINDIR`` when set."""
    explicit = os.environ.get(BINDIR_ENV)
    if explicit:
        candidates = [Path(explicit)]
    else:
        candidates = sorted(
            Path("/usr/lib/postgresql").glob("*/bin"),
            key=lambda p: int(re.sub(r"\D", "", p.parent.name) or 0),
            reverse=True,
        )
    for c in candidates:
        if (c / "initdb").is_file() and (c / "pg_ctl").is_file():
            return c
    raise PgUnavailable(
        "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): install the Debian "
        "package `postgresql` (bash scripts/test.sh does it), or set SVCDESK_SKIP_PG=1 to skip the "
        "PostgreSQL tests on this machine"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """One PostgreSQL cluster in a temporary directory, owned by this process."""

    def __init__(self, *, durable: bool = False, bindir: Path | None = None) -> None:
        """``durable=False`` turns fsync and synchronous commit off (tests: fast, and a
        clean ``pg_ctl stop``/``restart`` still loses nothing); the benchmarks keep them on."""
        self.bindir = bindir or find_bindir()
        self.durable = durable
        self._as_user: list[str] = []
        owner: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam(SUPERUSER)
            except KeyError:
                raise PgUnavailable(
                    "running as root, and there is no `postgres` system user to run the server as "
                    "(initdb refuses root): install the Debian package `postgresql`"
                ) from None
            self._as_user = ["runuser", "-u", SUPERUSER, "--"]
        self.root = Path(tempfile.mkdtemp(prefix="svcdesk-pg-"))
        self.root.chmod(0o755)
        if owner is not None:
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self._running = False
        self._run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ]
        )
        atexit.register(self.destroy)

    # -- processes ---------------------------------------------------------------------

    def _run(self, args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(
                [*self._as_user, *args],
                check=True,
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd=self.root,
            )
        except subprocess.CalledProcessError as exc:
            raise PgUnavailable(f"{' '.join(args[:2])} failed: {exc.stderr or exc.stdout}") from exc

    def _options(self) -> str:
        opts = [
            f"-p {self.port}",
            f"-k {self.root}",
            "-c listen_addresses=127.0.0.1",
            "-c max_connections=120",
            "-c shared_buffers=32MB",
        ]
        if not self.durable:
            opts += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        return " ".join(opts)

    def _pg_ctl_start(self) -> None:
        self._run(
            [
                str(self.bindir / "pg_ctl"),
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-o",
                self._options(),
            ]
        )
        self._running = True

    def start(self) -> None:
        """Starts the server: the first time on a free port (another one if that was taken
        meanwhile), afterwards on the same port, as a server coming back would."""
        if self.port:
            self._pg_ctl_start()
            return
        last: Exception | None = None
        for _ in range(3):
            self.port = free_port()
            try:
                self._pg_ctl_start()
                return
            except PgUnavailable as exc:
                last = exc
        self.port = 0
        tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
        raise PgUnavailable(f"the PostgreSQL server did not start: {last}\n{tail}")

    def stop(self, mode: str = "fast") -> None:
        if self._running:
            self._run([str(self.bindir / "pg_ctl"), "stop", "-w", "-m", mode, "-D", str(self.data)])
            self._running = False

    def restart(self) -> None:
        """``pg_ctl restart``: every connection is cut, then the server is back on the same port."""
        self._run(
            [
                str(self.bindir / "pg_ctl"),
                "restart",
                "-w",
                "-t",
                "60",
                "-m",
                "fast",
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-o",
                self._options(),
            ]
        )
        self._running = True

    @property
    def running(self) -> bool:
        return self._running

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    # -- databases ---------------------------------------------------------------------

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={dbname}"

    @contextlib.contextmanager
    def admin(self, dbname: str = "postgres") -> Iterator[psycopg.Connection]:  # type: ignore[type-arg]
        with psycopg.connect(self.dsn(dbname), autocommit=True) as conn:
            yield conn

    def version(self) -> int:
        with self.admin() as conn:
            row = conn.execute("SHOW server_version_num").fetchone()
        assert row is not None
        return int(row[0])

    def create_database(self, name: str, template: str | None = None) -> str:
        """Creates ``name`` (from ``template``, a whole-file copy) and returns its URL."""
        query = sql.SQL("CREATE DATABASE {} ").format(sql.Identifier(name))
        if template:
            query += sql.SQL("TEMPLATE {} ").format(sql.Identifier(template))
            if self.version() >= 150000:
                # A file copy beats WAL-logging every page of a small database when the
                # server runs without fsync (the suite's setting).
                query += sql.SQL("STRATEGY {}").format(
                    sql.SQL("FILE_COPY" if not self.durable else "WAL_LOG")
                )
        for attempt in range(20):
            try:
                with self.admin() as conn:
                    conn.execute(query)
                break
            except psycopg.errors.ObjectInUse:
                # The template still has a connection closing; wait for it to go.
                if attempt == 19:
                    raise
                time.sleep(0.05)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
