"""The database problems a person can act on. Kept apart from the engine set-up so that the
console and the command line can name them without importing SQLAlchemy: the console draws
its sign-in screen before the database layer is loaded."""

from __future__ import annotations

__all__ = ["DatabaseDamaged", "DatabaseError", "DatabaseUnavailable", "SaveOutcomeUnknown"]


class DatabaseError(RuntimeError):
    """A problem with the database a user can act on (wrong path, newer version, corrupt)."""


class DatabaseUnavailable(DatabaseError):
    """The database stayed busy or unreachable through every retry; the step was not saved."""


class DatabaseDamaged(DatabaseError):
    """The SQLite file is damaged (or is not a database at all). svcdesk refuses to write to
    it from then on, and never repairs or replaces it: restoring a backup is a person's call."""


class SaveOutcomeUnknown(DatabaseUnavailable):
    """The connection was lost while the server was committing: the step may or may not be
    saved. Never retried blindly, since doing it again could record it twice."""
