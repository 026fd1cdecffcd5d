"""A ticket's detail: the ticket with its whole history (the audit trail), the call's hold
periods, the bound tickets, the knowledge-base answers used on the call, its callbacks and the
quality scorecards of its call. One read, for the detail screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from svcdesk.domain.roles import Permission
from svcdesk.services.context import Actor
from svcdesk.services.tickets import TicketService
from svcdesk.services.views import TicketView
from svcdesk.store import call_queries as cq
from svcdesk.store import dashboard_queries as dq
from svcdesk.store import quality_queries as qlq
from svcdesk.store import repo
from svcdesk.store.database import Database


@dataclass(frozen=True)
class HoldInfo:
    started_at: datetime
    ended_at: datetime | None
    breaks: int
    callback_offered: bool
    events: list[tuple[datetime, str]]


@dataclass(frozen=True)
class BoundInfo:
    number: str
    status: str
    caller_name: str | None
    place: str
    created_at: datetime


@dataclass(frozen=True)
class KbUsed:
    title: str
    department: str
    contact: str


@dataclass(frozen=True)
class TicketDetail:
    ticket: TicketView
    holds: list[HoldInfo] = field(default_factory=list)
    bound: list[BoundInfo] = field(default_factory=list)
    kb: list[KbUsed] = field(default_factory=list)
    scores: list[tuple[datetime, float]] = field(default_factory=list)


class DetailService:
    def __init__(self, db: Database, tickets: TicketService) -> None:
        self._db = db
        self._tickets = tickets

    def get(self, actor: Actor, number: str) -> TicketDetail:
        actor.require(Permission.READ_QUEUE, "read tickets")
        view = self._tickets.get(actor, number)
        with self._db.read() as s:
            t = repo.ticket_by_number(s, view.number)
            assert t is not None and t.id is not None
            holds: list[HoldInfo] = []
            if t.call_id is not None:
                for h, hold_events in cq.holds_with_events(s, t.call_id):
                    events = [(e.at, e.kind) for e in hold_events]
                    holds.append(HoldInfo(h.started_at, h.ended_at, h.breaks, h.callback_offered, events))
            bound: list[BoundInfo] = []
            if t.group_id is not None:
                ids = [i for i in repo.group_member_ids(s, t.group_id) if i != t.id]
                for m in sorted(repo.tickets_by_ids(s, ids), key=lambda m: m.id or 0):
                    bound.append(BoundInfo(m.number, m.status, m.caller_name, m.place, m.created_at))
            kb = [
                KbUsed(title, dep, contact)
                for _, title, dep, contact in dq.kb_entries(s, repo.kb_ids_for_ticket(s, t.id))
            ]
            scores = [(q.at, q.total) for q in qlq.scores_for_ticket(s, t.id)]
        return TicketDetail(view, holds, bound, kb, scores)
