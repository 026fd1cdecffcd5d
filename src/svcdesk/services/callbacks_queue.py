"""An agent's callbacks due (回访, spec §7), soonest first, each with what the agent reads
before calling: the original request and the unit's reply beside it.

Two kinds are listed: the satisfaction callback of a ticket the unit has replied to (due within
3 working days of the reply, or at the new time agreed with a caller who had no time or was not
reached), and a callback promised to a caller during a hold (spec §6: the consultation could not
be finished, the caller agreed to hang up and be called back). Outcomes are recorded with
``TicketService.callback``: the same rules and audit as the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from svcdesk.domain.clock import Clock
from svcdesk.domain.roles import Permission
from svcdesk.services.context import Actor
from svcdesk.store import queue_queries as qq
from svcdesk.store.database import Database
from svcdesk.store.models import Ticket


@dataclass(frozen=True)
class CallbackItem:
    number: str
    kind: str
    """satisfaction (the unit replied) or promised (during a hold)."""
    status: str
    category: str
    subtype: str
    caller_name: str | None
    caller_phone: str | None
    place: str
    details: str
    """The original request."""
    unit: str | None
    reply_text: str
    """The unit's reply, read before calling."""
    reply_handler: str
    replied_at: datetime | None
    due_at: datetime | None
    """When to call: the agreed new time when there is one, otherwise the callback limit."""
    limit_at: datetime | None
    """The 3-working-day limit itself."""
    provisional: bool
    round: int
    attempts: int
    """Callbacks already recorded on the ticket (every round)."""
    last_result: str | None


def _item(t: Ticket, unit: str | None, kind: str, attempts: dict[int, int]) -> CallbackItem:
    return CallbackItem(
        number=t.number,
        kind=kind,
        status=t.status,
        category=t.category,
        subtype=t.subtype,
        caller_name=t.caller_name,
        caller_phone=t.caller_phone,
        place=t.place,
        details=t.details,
        unit=unit,
        reply_text=t.reply_text,
        reply_handler=t.reply_handler,
        replied_at=t.replied_at,
        due_at=t.callback_next_at or t.callback_due_at,
        limit_at=t.callback_due_at,
        provisional=t.callback_due_provisional,
        round=t.round,
        attempts=attempts.get(t.id or -1, 0),
        last_result=t.callback_result,
    )


class CallbackQueueService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def due(self, actor: Actor, *, everyone: bool = False, limit: int = 200) -> list[CallbackItem]:
        """The actor's callbacks (a lead or the office may ask for everyone's), soonest first."""
        actor.require(Permission.CALLBACK, "call callers back")
        if everyone:
            actor.require(Permission.DISPATCH, "see every agent's callbacks")
        agent = None if everyone else actor.id
        with self._db.read() as s:
            satisfaction = qq.callbacks_due(s, agent_id=agent, limit=limit)
            promised = qq.promised_callbacks(s, agent_id=agent, limit=limit)
            counts = qq.callback_rounds(s, [t.id for t, _ in satisfaction + promised if t.id is not None])
        items = [_item(t, u, "satisfaction", counts) for t, u in satisfaction]
        items += [_item(t, u, "promised", counts) for t, u in promised]
        far = datetime.max.replace(tzinfo=self._clock.now().tzinfo)
        items.sort(key=lambda i: (i.due_at or far, i.number))
        return items[:limit]

    def count_due(self, actor: Actor, before: datetime, *, everyone: bool = True) -> int:
        """Satisfaction callbacks to make before ``before`` (the dashboard's figure)."""
        actor.require(Permission.READ_QUEUE, "read tickets")
        with self._db.read() as s:
            return qq.count_callbacks_due(s, before, None if everyone else actor.id)
