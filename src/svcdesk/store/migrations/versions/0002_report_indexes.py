"""report indexes: the reports' rates find the handling limits, the replies, the callback
limits and the callbacks that fall in a period through these (spec §13)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 13:24:25.918584
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_callback_due_at', ['callback_due_at'], unique=False)
        batch_op.create_index('ix_ticket_called_back_at', ['called_back_at'], unique=False)
        batch_op.create_index('ix_ticket_due_at', ['due_at'], unique=False)
        batch_op.create_index('ix_ticket_replied_at', ['replied_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_replied_at')
        batch_op.drop_index('ix_ticket_due_at')
        batch_op.drop_index('ix_ticket_called_back_at')
        batch_op.drop_index('ix_ticket_callback_due_at')
