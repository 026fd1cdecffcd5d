"""The tables. Times are aware UTC datetimes (see ``UTCDateTime``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from svcdesk.store.types import UTCDateTime


def _ts(nullable: bool = True, index: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(UTCDateTime(), nullable=nullable, index=index)


class Account(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40, unique=True, index=True)
    display_name: str = Field(max_length=40)
    role: str = Field(max_length=10)
    password_hash: str = Field(max_length=200)
    active: bool = True
    failed_signins: int = 0
    locked_until: datetime | None = Field(default=None, sa_column=_ts())
    created_at: datetime = Field(sa_column=_ts(nullable=False))


class Unit(SQLModel, table=True):
    """A handling unit (承办单位): a city department, a county body, a utility."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)
    name: str = Field(max_length=80)
    kind: str = Field(default="municipal", max_length=20)
    phone: str = Field(default="", max_length=30)
    active: bool = True


class Referral(SQLModel, table=True):
    """The referral directory: where out-of-scope matters are sent (12348, 110, 12388, …)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=30, unique=True)
    name: str = Field(max_length=80)
    number: str = Field(max_length=40)
    note: str = Field(default="", max_length=200)


class KbEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    answer: str = Field(sa_column=Column(Text, nullable=False))
    department: str = Field(default="", max_length=80)
    contact: str = Field(default="", max_length=80)
    keywords: str = Field(default="", max_length=200)
    review_date: date | None = None
    updated_at: datetime = Field(sa_column=_ts(nullable=False))


class Call(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="account.id", index=True)
    phone: str = Field(default="", max_length=20)
    started_at: datetime = Field(sa_column=_ts(nullable=False, index=True))
    ended_at: datetime | None = Field(default=None, sa_column=_ts())
    closing_line: str = Field(default="", max_length=40)


class HoldPeriod(SQLModel, table=True):
    """A hold on a call (spec §6): consent, start, each 30-second break, end."""

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True)
    started_at: datetime = Field(sa_column=_ts(nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=_ts())
    consent: bool = True
    breaks: int = 0
    callback_offered: bool = False


class HoldEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    hold_id: int = Field(foreign_key="holdperiod.id", index=True)
    at: datetime = Field(sa_column=_ts(nullable=False))
    kind: str = Field(max_length=20)


class Ticket(SQLModel, table=True):
    __table_args__ = (
        Index("ix_ticket_status_deadline", "status", "deadline_at"),
        Index("ix_ticket_phone_created", "caller_phone", "created_at"),
        Index("ix_ticket_unit_status", "unit_id", "status"),
        Index("ix_ticket_accepted_status", "accepted_by_id", "status"),
        Index("ix_ticket_status_callback_due", "status", "callback_due_at"),
        # The reports' rates find the limits and the steps that fall in a period (migration 0002).
        Index("ix_ticket_due_at", "due_at"),
        Index("ix_ticket_replied_at", "replied_at"),
        Index("ix_ticket_callback_due_at", "callback_due_at"),
        Index("ix_ticket_called_back_at", "called_back_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)
    status: str = Field(max_length=20)
    category: str = Field(max_length=20)
    subtype: str = Field(max_length=20)
    mode: str = Field(max_length=20)
    urgent: bool = False
    major: bool = False
    caller_name: str | None = Field(default=None, max_length=40)
    anonymous: bool = False
    caller_phone: str | None = Field(default=None, max_length=20)
    event_time: datetime | None = Field(default=None, sa_column=_ts())
    place: str = Field(default="", max_length=200)
    details: str = Field(sa_column=Column(Text, nullable=False))
    direct_result: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    handover_contact: str = Field(default="", max_length=80)
    handling_days: int | None = None
    round: int = 1
    supervised: bool = False
    escalated: bool = False
    group_id: int | None = Field(default=None, index=True)
    call_id: int | None = Field(default=None, foreign_key="call.id")
    accepted_by_id: int = Field(foreign_key="account.id")
    created_at: datetime = Field(sa_column=_ts(nullable=False, index=True))
    dispatch_due_at: datetime | None = Field(default=None, sa_column=_ts())
    dispatched_at: datetime | None = Field(default=None, sa_column=_ts())
    first_dispatched_at: datetime | None = Field(default=None, sa_column=_ts())
    due_at: datetime | None = Field(default=None, sa_column=_ts())
    due_provisional: bool = False
    replied_at: datetime | None = Field(default=None, sa_column=_ts())
    reply_text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    reply_handler: str = Field(default="", max_length=80)
    return_reason: str = Field(default="", max_length=1000)
    callback_due_at: datetime | None = Field(default=None, sa_column=_ts())
    callback_due_provisional: bool = False
    callback_next_at: datetime | None = Field(default=None, sa_column=_ts())
    callback_result: str | None = Field(default=None, max_length=20)
    called_back_at: datetime | None = Field(default=None, sa_column=_ts())
    closed_at: datetime | None = Field(default=None, sa_column=_ts())
    close_reason: str = Field(default="", max_length=40)
    deadline_at: datetime | None = Field(default=None, sa_column=_ts())
    """The nearest limit the ticket can break in its status: what the queue orders by."""
    updated_at: datetime = Field(sa_column=_ts(nullable=False))


class TicketLink(SQLModel, table=True):
    """A binding (参阅): ``ticket`` was bound to ``other`` as the same matter or the same caller."""

    __table_args__ = (UniqueConstraint("ticket_id", "other_id"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    other_id: int = Field(foreign_key="ticket.id", index=True)
    kind: str = Field(max_length=20)
    created_at: datetime = Field(sa_column=_ts(nullable=False))
    created_by_id: int = Field(foreign_key="account.id")


class TicketKb(SQLModel, table=True):
    """A knowledge-base answer used on the call that produced the ticket."""

    __table_args__ = (UniqueConstraint("ticket_id", "kb_id"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    kb_id: int = Field(foreign_key="kbentry.id")


class Callback(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    agent_id: int = Field(foreign_key="account.id")
    at: datetime = Field(sa_column=_ts(nullable=False))
    result: str = Field(max_length=20)
    note: str = Field(default="", max_length=1000)
    next_at: datetime | None = Field(default=None, sa_column=_ts())
    round: int = 1


class HandoverEntry(SQLModel, table=True):
    """A shift handover log (交接班) written by the outgoing lead."""

    id: int | None = Field(default=None, primary_key=True)
    author_id: int = Field(foreign_key="account.id")
    created_at: datetime = Field(sa_column=_ts(nullable=False, index=True))
    business: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    instructions: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    callers: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    process: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    difficult: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    staffing: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    acknowledged_by_id: int | None = Field(default=None, foreign_key="account.id")
    acknowledged_at: datetime | None = Field(default=None, sa_column=_ts())


class DutyRecord(SQLModel, table=True):
    """The duty record (值班记录): what happened on a shift, objective and complete; staff only."""

    id: int | None = Field(default=None, primary_key=True)
    author_id: int = Field(foreign_key="account.id")
    at: datetime = Field(sa_column=_ts(nullable=False, index=True))
    text: str = Field(sa_column=Column(Text, nullable=False))


class QualityScore(SQLModel, table=True):
    """A lead's scorecard for one call (质检, spec §12); ``items`` is JSON: norm -> score."""

    id: int | None = Field(default=None, primary_key=True)
    call_id: int | None = Field(default=None, foreign_key="call.id", index=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    agent_id: int = Field(foreign_key="account.id", index=True)
    scored_by_id: int = Field(foreign_key="account.id")
    at: datetime = Field(sa_column=_ts(nullable=False, index=True))
    items: str = Field(sa_column=Column(Text, nullable=False))
    total: float = 0.0
    note: str = Field(default="", max_length=1000)


class Audit(SQLModel, table=True):
    """The append-only audit trail: nothing updates or deletes a row here."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_ts(nullable=False, index=True))
    account_id: int | None = Field(default=None, foreign_key="account.id")
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    action: str = Field(max_length=40)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class TicketCounter(SQLModel, table=True):
    """The last ticket number handed out on a day (local date, YYYYMMDD)."""

    day: str = Field(primary_key=True, max_length=8)
    last: int = 0


class CalendarYear(SQLModel, table=True):
    """A year of the statutory holiday calendar loaded or corrected by the office."""

    year: int = Field(primary_key=True)
    source: str = Field(max_length=200)
    holidays: str = Field(sa_column=Column(Text, nullable=False))
    workdays: str = Field(sa_column=Column(Text, nullable=False))
    loaded_at: datetime = Field(sa_column=_ts(nullable=False))
    loaded_by_id: int | None = Field(default=None, foreign_key="account.id")


class IntakeDraft(SQLModel, table=True):
    """An unfinished intake, one per agent, saved as they type (spec §2)."""

    agent_id: int = Field(primary_key=True, foreign_key="account.id")
    data: str = Field(sa_column=Column(Text, nullable=False))
    saved_at: datetime = Field(sa_column=_ts(nullable=False))
