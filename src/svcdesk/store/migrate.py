"""Schema migrations (Alembic), run from one place: ``svcdesk init`` and the demo."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from svcdesk.store.database import PG_WRITE_LOCK, Database, DatabaseError

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(_config("sqlite://"))
    return {rev.revision for rev in script.walk_revisions()}


def head_revision() -> str:
    script = ScriptDirectory.from_config(_config("sqlite://"))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_schema(db: Database) -> str:
    """'current', 'behind' or 'empty'; refuses a database from a newer svcdesk or not ours.
    A server that is away is waited for (:class:`DatabaseUnavailable` when it stays away)."""
    try:
        with db.read() as s:
            conn = s.connection()
            rev = MigrationContext.configure(conn).get_current_revision()
            tables = set(inspect(conn).get_table_names())
    except DatabaseError:
        raise
    except Exception as exc:  # corrupt file, not a database
        raise DatabaseError(f"cannot read the database at {db.display_url}: {exc}") from exc
    if rev is None:
        if tables - {"alembic_version"}:
            raise DatabaseError("the database holds tables that are not svcdesk's; refusing to touch it")
        return "empty"
    if rev not in known_revisions():
        raise DatabaseError(
            f"the database was written by a newer svcdesk (schema {rev}); upgrade svcdesk"
            " before using it — it has not been changed"
        )
    return "current" if rev == head_revision() else "behind"


def upgrade(db: Database) -> None:
    """Upgrades to the newest schema. On PostgreSQL, under the write lock every svcdesk writer
    takes, so two workstations running ``svcdesk init`` at once upgrade one after the other
    (the second finds nothing to do) and no agent writes to a half-upgraded schema."""
    check_schema(db)
    db.refuse_if_damaged()
    cfg = _config(db.url)
    with db.engine.begin() as conn:
        if not db.is_sqlite:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_WRITE_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def ensure_current(db: Database) -> None:
    state = check_schema(db)
    if state == "empty":
        raise DatabaseError(f"no svcdesk database at {db.url}: run `svcdesk init` first")
    if state == "behind":
        raise DatabaseError("the database schema is older than this svcdesk: run `svcdesk init`")
