"""A call at the agent's workstation (spec §2, §6): it starts when the intake opens, may be
held with the caller's consent — every 30-second break, the offer to hang up and call back and
the resume are recorded with it for quality review — and ends with the closing line read.

The 30-second rule is the console's to enforce (it prompts the agent); this service records
what happened and refuses what the rule forbids: a hold without the caller's consent, a second
hold while one runs, a break or a resume with no hold running, another agent's call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from svcdesk.domain.clock import Clock
from svcdesk.domain.phone import PhoneError, normalize_phone
from svcdesk.domain.roles import Permission
from svcdesk.services import audit
from svcdesk.services.context import Actor
from svcdesk.services.errors import Conflict, Invalid, NotFound
from svcdesk.services.tickets import TicketService
from svcdesk.services.views import TicketView
from svcdesk.store import call_queries as cq
from svcdesk.store import repo
from svcdesk.store.database import Database, Session
from svcdesk.store.draft_store import unavailable_as_error
from svcdesk.store.models import Call, HoldEvent, HoldPeriod

#: The hold rule (通话保持规范): break the hold every 30 seconds; after 1 minute, offer to
#: hang up and call back.
BREAK_EVERY = timedelta(seconds=30)
OFFER_CALLBACK_AFTER = timedelta(seconds=60)

#: What is recorded of a hold, in the order it can happen.
HOLD_EVENTS = ("start", "break", "callback_offered", "callback_agreed", "resume")


@dataclass(frozen=True)
class HoldView:
    id: int
    call_id: int
    started_at: datetime
    ended_at: datetime | None
    breaks: int
    callback_offered: bool
    events: tuple[tuple[datetime, str], ...] = ()

    @property
    def running(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class CallView:
    id: int
    agent_id: int
    phone: str
    started_at: datetime
    ended_at: datetime | None
    closing_line: str
    holds: tuple[HoldView, ...] = ()


def prompts_due(started_at: datetime, now: datetime) -> int:
    """How many 30-second prompts a hold that started at ``started_at`` has earned by ``now``."""
    held = now - started_at
    return max(0, int(held.total_seconds() // BREAK_EVERY.total_seconds()))


def offers_callback(started_at: datetime, now: datetime) -> bool:
    """Whether the hold has run long enough to offer hanging up and calling back."""
    return now - started_at >= OFFER_CALLBACK_AFTER


def _hold_view(h: HoldPeriod, events: Sequence[HoldEvent] = ()) -> HoldView:
    assert h.id is not None
    return HoldView(
        id=h.id,
        call_id=h.call_id,
        started_at=h.started_at,
        ended_at=h.ended_at,
        breaks=h.breaks,
        callback_offered=h.callback_offered,
        events=tuple((e.at, e.kind) for e in events),
    )


def _call_view(s: Session, call: Call) -> CallView:
    assert call.id is not None
    holds = tuple(_hold_view(h, ev) for h, ev in cq.holds_with_events(s, call.id))
    return CallView(
        call.id, call.agent_id, call.phone, call.started_at, call.ended_at, call.closing_line, holds
    )


class CallService:
    def __init__(self, db: Database, clock: Clock, tickets: TicketService) -> None:
        self._db = db
        self._clock = clock
        self._tickets = tickets

    # -- helpers -------------------------------------------------------------------------

    def _call(self, s: Session, actor: Actor, call_id: int) -> Call:
        call = cq.call_by_id(s, call_id)
        # Another agent's call is as good as absent: nobody holds or ends a call not theirs.
        if call is None or call.agent_id != actor.id:
            raise NotFound(f"no call {call_id} of {actor.username}")
        return call

    def _open_hold(self, s: Session, call: Call) -> HoldPeriod:
        assert call.id is not None
        hold = cq.open_hold(s, call.id)
        if hold is None:
            raise Conflict(f"call {call.id} is not on hold")
        return hold

    def _event(self, s: Session, hold: HoldPeriod, at: datetime, kind: str) -> None:
        assert hold.id is not None and kind in HOLD_EVENTS
        s.add(HoldEvent(hold_id=hold.id, at=at, kind=kind))

    # -- the call ------------------------------------------------------------------------

    def start(self, actor: Actor, phone: str = "", started_at: datetime | None = None) -> int:
        """Opens a call (the intake screen opened) and returns its id. ``started_at`` lets a
        console that could not reach the database at the first ring record the real start."""
        actor.require(Permission.TAKE_CALL, "take calls")
        now = self._clock.now()
        at = started_at or now
        if at.tzinfo is None:
            raise Invalid("started_at: a time zone is required", field="started_at")
        if at > now + timedelta(minutes=1):
            raise Invalid("started_at: a call cannot start in the future", field="started_at")
        with unavailable_as_error(), self._db.write() as s:
            call = Call(agent_id=actor.id, phone=_canonical(phone), started_at=at)
            s.add(call)
            s.flush()
            assert call.id is not None
            return call.id

    def get(self, actor: Actor, call_id: int) -> CallView:
        """One of the actor's own calls, with its holds and their events."""
        actor.require(Permission.TAKE_CALL, "take calls")
        with unavailable_as_error(), self._db.read() as s:
            return _call_view(s, self._call(s, actor, call_id))

    def for_ticket(self, actor: Actor, number: str) -> CallView | None:
        """The call a ticket was taken on, with its holds (quality review, the ticket's detail)."""
        actor.require(Permission.READ_QUEUE, "read tickets")
        with unavailable_as_error(), self._db.read() as s:
            t = repo.ticket_by_number(s, number.strip())
            if t is None:
                raise NotFound(f"no ticket numbered {number!r}")
            call = cq.call_by_id(s, t.call_id) if t.call_id is not None else None
            return None if call is None else _call_view(s, call)

    def submit(
        self,
        actor: Actor,
        call_id: int | None,
        data: Mapping[str, object],
        *,
        direct_result: str = "",
        handover_contact: str = "",
        kb_ids: Sequence[int] = (),
        bind_to: str | None = None,
        bind_kind: str = "same_matter",
        callback_at: datetime | None = None,
    ) -> TicketView:
        """Submits the call's intake (the ticket-writing rule, the handling, a promised
        callback, knowledge-base answers and the binding, in one transaction). A call still
        on hold cannot be submitted: the agent resumes first, so the hold's end is recorded."""
        if call_id is not None:
            with unavailable_as_error(), self._db.read() as s:
                call = self._call(s, actor, call_id)
                if call.ended_at is not None:
                    raise Conflict(f"call {call_id} has already ended")
                if cq.open_hold(s, call_id) is not None:
                    raise Conflict("the caller is on hold: resume the call (F5) before submitting")
        with unavailable_as_error():
            return self._tickets.take_call(
                actor,
                data,
                direct_result=direct_result,
                handover_contact=handover_contact,
                kb_ids=kb_ids,
                bind_to=bind_to,
                bind_kind=bind_kind,
                call_id=call_id,
                callback_at=callback_at,
            )

    def end(self, actor: Actor, call_id: int, closing: str, ticket: str | None = None) -> CallView:
        """The closing line was read (``closing``: a key of :meth:`closing_keys`); the call ends."""
        if closing not in self.closing_keys():
            raise Invalid(
                f"closing: one of {', '.join(self.closing_keys())}, not {closing!r}", field="closing"
            )
        now = self._clock.now()
        with unavailable_as_error(), self._db.write() as s:
            call = self._call(s, actor, call_id)
            if call.ended_at is not None:
                raise Conflict(f"call {call_id} has already ended")
            hold = cq.open_hold(s, call_id)
            if hold is not None:
                hold.ended_at = now
                self._event(s, hold, now, "resume")
                s.add(hold)
            call.ended_at = now
            call.closing_line = closing
            ticket_id = None
            if ticket:
                t = repo.ticket_by_number(s, ticket)
                if t is None:
                    raise NotFound(f"no ticket numbered {ticket!r}")
                if t.call_id != call.id:
                    raise Invalid(f"ticket: {ticket} was not taken on call {call_id}", field="ticket")
                ticket_id = t.id
                call.phone = call.phone or (t.caller_phone or "")
            s.add(call)
            minutes, seconds = divmod(int((now - call.started_at).total_seconds()), 60)
            audit.record(
                s, actor, now, "call_end", f"{closing}; {minutes}:{seconds:02d} on the line", ticket_id
            )
        return self.get(actor, call_id)

    @staticmethod
    def closing_keys() -> tuple[str, ...]:
        """What ``end`` records: the closing line read (``closing.<n>`` of data/scripts.json,
        ``dialect`` for a caller who could not be understood) or ``abandoned`` (the caller hung
        up before anything could be taken)."""
        return (*(f"closing.{n}" for n in range(10)), "dialect", "abandoned")

    # -- hold (spec §6) ------------------------------------------------------------------

    def hold(self, actor: Actor, call_id: int, *, consent: bool) -> HoldView:
        """Puts the caller on hold; ``consent``: the agent confirms the caller agreed."""
        actor.require(Permission.TAKE_CALL, "put callers on hold")
        if not consent:
            raise Invalid("consent: ask the caller's consent before putting them on hold", field="consent")
        now = self._clock.now()
        with unavailable_as_error(), self._db.write() as s:
            call = self._call(s, actor, call_id)
            if call.ended_at is not None:
                raise Conflict(f"call {call_id} has already ended")
            if cq.open_hold(s, call_id) is not None:
                raise Conflict(f"call {call_id} is already on hold")
            hold = HoldPeriod(call_id=call_id, started_at=now, consent=True)
            s.add(hold)
            s.flush()
            self._event(s, hold, now, "start")
            return _hold_view(hold)

    def hold_break(self, actor: Actor, call_id: int) -> HoldView:
        """The agent broke the hold and told the caller the consultation goes on."""
        now = self._clock.now()
        with unavailable_as_error(), self._db.write() as s:
            hold = self._open_hold(s, self._call(s, actor, call_id))
            hold.breaks += 1
            self._event(s, hold, now, "break")
            s.add(hold)
            return _hold_view(hold)

    def callback_offered(self, actor: Actor, call_id: int) -> HoldView:
        """The console prompted the agent (after 1 minute) to offer hanging up and calling back."""
        now = self._clock.now()
        with unavailable_as_error(), self._db.write() as s:
            hold = self._open_hold(s, self._call(s, actor, call_id))
            if not hold.callback_offered:
                hold.callback_offered = True
                self._event(s, hold, now, "callback_offered")
                s.add(hold)
            return _hold_view(hold)

    def hang_up_for_callback(self, actor: Actor, call_id: int, callback_at: datetime) -> HoldView:
        """The caller agreed to hang up and be called back at ``callback_at``: the hold ends.
        The callback itself is scheduled on the ticket when the intake is submitted
        (:meth:`submit`'s ``callback_at``), so that one callback answers everything."""
        now = self._clock.now()
        if callback_at.tzinfo is None:
            raise Invalid("callback_at: a time zone is required", field="callback_at")
        if callback_at <= now:
            raise Invalid("callback_at: the callback must be in the future", field="callback_at")
        with unavailable_as_error(), self._db.write() as s:
            hold = self._open_hold(s, self._call(s, actor, call_id))
            hold.ended_at = now
            hold.callback_offered = True
            self._event(s, hold, now, "callback_agreed")
            s.add(hold)
            return _hold_view(hold)

    def resume(self, actor: Actor, call_id: int) -> HoldView:
        now = self._clock.now()
        with unavailable_as_error(), self._db.write() as s:
            hold = self._open_hold(s, self._call(s, actor, call_id))
            hold.ended_at = now
            self._event(s, hold, now, "resume")
            s.add(hold)
            return _hold_view(hold)


def _canonical(phone: str) -> str:
    if not phone.strip():
        return ""
    try:
        return normalize_phone(phone)
    except PhoneError:
        return ""
