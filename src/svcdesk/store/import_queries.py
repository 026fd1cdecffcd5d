"""What bulk imports need from the store beyond ``repo``: a savepoint, so one row of a batch
can be tried and undone inside the import's single transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """Everything done in the block is undone if it raises (the exception goes on); the
    enclosing transaction stays open either way."""
    nested = session.begin_nested()
    try:
        yield
    except BaseException:
        nested.rollback()
        raise
    nested.commit()
