from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import svcdesk.store.models  # noqa: F401  (registers the tables)
from svcdesk.store.database import make_memoryless_engine
from svcdesk.store.search import is_search_object

config = context.config
target_metadata = SQLModel.metadata


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Autogenerate leaves the hand-made search indexes (migration 0003) alone."""
    return not is_search_object(name, type_)


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_memoryless_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        context.configure(
            connection=conn, target_metadata=target_metadata, render_as_batch=True, include_name=include_name
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
