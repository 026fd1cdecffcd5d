"""search indexes: Chinese substring search over tickets and the knowledge base, and the
intake's related-ticket suggestions among the open tickets (spec §8, §11)

SQLite: FTS5 tables with the trigram tokenizer, kept in step by triggers —
``ticket_fts`` (every ticket's place and details, external content), ``ticket_open_fts``
(the open tickets only, contentless: a ticket enters it when it enters an open status and
leaves it when it leaves), ``kbentry_fts`` (title, keywords, answer). PostgreSQL: pg_trgm
GIN indexes on the same columns, partial ones for the open tickets.

A later migration that rebuilds ``ticket`` or ``kbentry`` on SQLite (batch mode's copy and
rename) drops their triggers with the old table: it must create them again, as below, and
rebuild the index (tests/store/test_search.py checks that the triggers are there at head).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "('awaiting_dispatch', 'with_unit', 'awaiting_callback', 'supervised')"

SQLITE_UP = [
    # every ticket: the text stays in ticket, the index keeps the trigrams
    "CREATE VIRTUAL TABLE ticket_fts USING fts5("
    "place, details, content='ticket', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER ticket_fts_insert AFTER INSERT ON ticket BEGIN "
    "INSERT INTO ticket_fts(rowid, place, details) VALUES (new.id, new.place, new.details); END",
    "CREATE TRIGGER ticket_fts_delete AFTER DELETE ON ticket BEGIN "
    "INSERT INTO ticket_fts(ticket_fts, rowid, place, details) "
    "VALUES ('delete', old.id, old.place, old.details); END",
    "CREATE TRIGGER ticket_fts_update AFTER UPDATE OF place, details ON ticket BEGIN "
    "INSERT INTO ticket_fts(ticket_fts, rowid, place, details) "
    "VALUES ('delete', old.id, old.place, old.details); "
    "INSERT INTO ticket_fts(rowid, place, details) VALUES (new.id, new.place, new.details); END",
    "INSERT INTO ticket_fts(ticket_fts) VALUES ('rebuild')",
    # the open tickets: contentless, so a 'delete' must give the values that were indexed
    "CREATE VIRTUAL TABLE ticket_open_fts USING fts5("
    "place, details, content='', tokenize='trigram')",
    f"CREATE TRIGGER ticket_open_fts_insert AFTER INSERT ON ticket WHEN new.status IN {OPEN} BEGIN "
    "INSERT INTO ticket_open_fts(rowid, place, details) VALUES (new.id, new.place, new.details); END",
    f"CREATE TRIGGER ticket_open_fts_delete AFTER DELETE ON ticket WHEN old.status IN {OPEN} BEGIN "
    "INSERT INTO ticket_open_fts(ticket_open_fts, rowid, place, details) "
    "VALUES ('delete', old.id, old.place, old.details); END",
    "CREATE TRIGGER ticket_open_fts_update AFTER UPDATE OF status, place, details ON ticket BEGIN "
    "INSERT INTO ticket_open_fts(ticket_open_fts, rowid, place, details) "
    f"SELECT 'delete', old.id, old.place, old.details WHERE old.status IN {OPEN}; "
    "INSERT INTO ticket_open_fts(rowid, place, details) "
    f"SELECT new.id, new.place, new.details WHERE new.status IN {OPEN}; END",
    "INSERT INTO ticket_open_fts(rowid, place, details) "
    f"SELECT id, place, details FROM ticket WHERE status IN {OPEN}",
    # the knowledge base
    "CREATE VIRTUAL TABLE kbentry_fts USING fts5("
    "title, keywords, answer, content='kbentry', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER kbentry_fts_insert AFTER INSERT ON kbentry BEGIN "
    "INSERT INTO kbentry_fts(rowid, title, keywords, answer) "
    "VALUES (new.id, new.title, new.keywords, new.answer); END",
    "CREATE TRIGGER kbentry_fts_delete AFTER DELETE ON kbentry BEGIN "
    "INSERT INTO kbentry_fts(kbentry_fts, rowid, title, keywords, answer) "
    "VALUES ('delete', old.id, old.title, old.keywords, old.answer); END",
    "CREATE TRIGGER kbentry_fts_update AFTER UPDATE OF title, keywords, answer ON kbentry BEGIN "
    "INSERT INTO kbentry_fts(kbentry_fts, rowid, title, keywords, answer) "
    "VALUES ('delete', old.id, old.title, old.keywords, old.answer); "
    "INSERT INTO kbentry_fts(rowid, title, keywords, answer) "
    "VALUES (new.id, new.title, new.keywords, new.answer); END",
    "INSERT INTO kbentry_fts(kbentry_fts) VALUES ('rebuild')",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS kbentry_fts_update",
    "DROP TRIGGER IF EXISTS kbentry_fts_delete",
    "DROP TRIGGER IF EXISTS kbentry_fts_insert",
    "DROP TABLE IF EXISTS kbentry_fts",
    "DROP TRIGGER IF EXISTS ticket_open_fts_update",
    "DROP TRIGGER IF EXISTS ticket_open_fts_delete",
    "DROP TRIGGER IF EXISTS ticket_open_fts_insert",
    "DROP TABLE IF EXISTS ticket_open_fts",
    "DROP TRIGGER IF EXISTS ticket_fts_update",
    "DROP TRIGGER IF EXISTS ticket_fts_delete",
    "DROP TRIGGER IF EXISTS ticket_fts_insert",
    "DROP TABLE IF EXISTS ticket_fts",
]

POSTGRES_UP = [
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_ticket_place_trgm ON ticket USING gin (place gin_trgm_ops)",
    "CREATE INDEX ix_ticket_details_trgm ON ticket USING gin (details gin_trgm_ops)",
    f"CREATE INDEX ix_ticket_open_place_trgm ON ticket USING gin (place gin_trgm_ops) WHERE status IN {OPEN}",
    f"CREATE INDEX ix_ticket_open_details_trgm ON ticket USING gin (details gin_trgm_ops) WHERE status IN {OPEN}",
    "CREATE INDEX ix_kbentry_title_trgm ON kbentry USING gin (title gin_trgm_ops)",
    "CREATE INDEX ix_kbentry_keywords_trgm ON kbentry USING gin (keywords gin_trgm_ops)",
    "CREATE INDEX ix_kbentry_answer_trgm ON kbentry USING gin (answer gin_trgm_ops)",
]

POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS ix_kbentry_answer_trgm",
    "DROP INDEX IF EXISTS ix_kbentry_keywords_trgm",
    "DROP INDEX IF EXISTS ix_kbentry_title_trgm",
    "DROP INDEX IF EXISTS ix_ticket_open_details_trgm",
    "DROP INDEX IF EXISTS ix_ticket_open_place_trgm",
    "DROP INDEX IF EXISTS ix_ticket_details_trgm",
    "DROP INDEX IF EXISTS ix_ticket_place_trgm",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_UP)
    elif dialect == "postgresql":
        _run(POSTGRES_UP)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_DOWN)
    elif dialect == "postgresql":
        _run(POSTGRES_DOWN)
