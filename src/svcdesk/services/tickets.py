"""The ticket's life (spec §3–§5, §7, §8): intake, dispatch, follow-up, callbacks, binding.

Each public method is one use case: it checks the actor's permission, validates its input,
moves the ticket through the domain's state machine, and writes the audit trail, all in one
transaction — a refused step leaves the database as it was.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from svcdesk.domain import limits
from svcdesk.domain.categories import Mode, handling_for
from svcdesk.domain.clock import Clock
from svcdesk.domain.phone import PhoneError, normalize_phone
from svcdesk.domain.roles import Permission
from svcdesk.domain.states import STATUSES, Action, Status, TransitionError, next_status
from svcdesk.domain.validation import InputError, clean_text, validate_ticket
from svcdesk.services import audit
from svcdesk.services.calendar import CalendarService
from svcdesk.services.context import Actor
from svcdesk.services.errors import Conflict, Invalid, NotFound, PermissionDenied
from svcdesk.services.views import CallbackView, HistoryEntry, TicketView
from svcdesk.store import repo, search
from svcdesk.store.database import Database, Session
from svcdesk.store.models import Call, Callback, Ticket, TicketKb, TicketLink

CALLBACK_RESULTS = ("satisfied", "basically_satisfied", "unsatisfied", "unreached")
BIND_KINDS = ("same_matter", "same_caller")
UNREACHED_RETRY = timedelta(hours=2)


@dataclass(frozen=True)
class RelatedTicket:
    number: str
    reason: str
    """same_caller or same_place (or similar_details once search ranks them)."""
    status: str
    place: str
    details: str
    created_at: datetime


class InvalidInput(Invalid):
    """Several fields may be wrong at once; ``problems`` lists them in the intake's Tab order."""

    def __init__(self, error: InputError) -> None:
        first = error.problems[0].field if error.problems else None
        super().__init__(str(error), field=first)
        self.problems = error.problems


def _text(value: str | None, field: str, max_len: int, required: bool) -> str:
    try:
        return clean_text(value, field, max_len, required) or ""
    except InputError as exc:
        raise InvalidInput(exc) from exc


class TicketService:
    def __init__(self, db: Database, clock: Clock, tz: ZoneInfo, calendar: CalendarService) -> None:
        self._db = db
        self._clock = clock
        self._tz = tz
        self._calendar = calendar
        # A unit's code and an account's username never change for their id: every view of
        # a ticket would otherwise read them again (two of the caller-history's four reads).
        self._unit_codes: dict[int, str] = {}
        self._usernames: dict[int, str] = {}

    # -- helpers -------------------------------------------------------------------------

    def _codes_of(self, s: Session, unit_ids: Iterable[int | None]) -> dict[int, str]:
        missing = {i for i in unit_ids if i is not None and i not in self._unit_codes}
        if missing:
            self._unit_codes.update(repo.unit_codes_by_ids(s, missing))
        return self._unit_codes

    def _names_of(self, s: Session, account_ids: Iterable[int]) -> dict[int, str]:
        missing = {i for i in account_ids if i not in self._usernames}
        if missing:
            self._usernames.update(repo.usernames_by_ids(s, missing))
        return self._usernames

    def _now(self) -> datetime:
        # In UTC, as the database gives times back: a view built in the transaction that
        # wrote the ticket shows what a later read shows (a test clock may run in local time).
        return self._clock.now().astimezone(UTC)

    def _get(self, s: Session, number: str) -> Ticket:
        t = repo.ticket_by_number(s, number.strip())
        if t is None:
            raise NotFound(f"no ticket numbered {number!r}")
        return t

    def _move(self, t: Ticket, action: Action) -> Status:
        try:
            return next_status(t.status, action)
        except TransitionError as exc:
            raise Conflict(f"ticket {t.number}: {exc}") from exc

    def _group(self, s: Session, t: Ticket, statuses: Iterable[Status]) -> list[Ticket]:
        """The ticket and the other members of its bound group that are in ``statuses``."""
        members = [t]
        if t.group_id is not None:
            wanted = {str(x) for x in statuses}
            ids = [i for i in repo.group_member_ids(s, t.group_id) if i != t.id]
            members += [m for m in repo.tickets_by_ids(s, ids) if m.status in wanted]
        return members

    def _save(self, s: Session, t: Ticket, now: datetime) -> None:
        t.deadline_at = limits.nearest_deadline(t.status, t.dispatch_due_at, t.due_at, t.callback_due_at)
        t.updated_at = now
        s.add(t)

    def _unit_id(self, s: Session, code: str | None, field: str = "unit") -> int:
        if not code:
            raise Invalid(f"{field}: a handling unit is required (see `svcdesk units list`)", field=field)
        unit = repo.unit_by_code(s, code.strip())
        if unit is None or unit.id is None:
            raise Invalid(
                f"{field}: no handling unit with code {code!r} (see `svcdesk units list`)", field=field
            )
        if not unit.active:
            raise Invalid(f"{field}: unit {code} is no longer active", field=field)
        return unit.id

    # -- intake --------------------------------------------------------------------------

    def take_call(
        self,
        actor: Actor,
        data: Mapping[str, object],
        *,
        direct_result: str = "",
        handover_contact: str = "",
        kb_ids: Sequence[int] = (),
        bind_to: str | None = None,
        bind_kind: str = "same_matter",
        call_id: int | None = None,
        callback_at: datetime | None = None,
    ) -> TicketView:
        """Submits an intake: a closed direct ticket, a ticket for the lead's queue, or a
        phone hand-over already with its unit. ``callback_at``: the caller agreed during a
        hold to hang up and be called back then (spec §6); it shows in the agent's callbacks."""
        actor.require(Permission.TAKE_CALL, "take calls")
        now = self._now()
        try:
            ticket_in = validate_ticket(data, now=now, tz=self._tz)
        except InputError as exc:
            raise InvalidInput(exc) from exc
        handling = handling_for(ticket_in.category, ticket_in.subtype)
        mode = Mode(ticket_in.mode)
        if mode not in handling.modes and mode is not Mode.TRANSFER:
            allowed = ", ".join(m.value for m in (*handling.modes, Mode.TRANSFER))
            raise Invalid(
                f"mode: {mode.value} does not apply to {handling.key}; use one of {allowed}",
                field="mode",
            )
        direct_result = _text(direct_result, "direct_result", 4000, required=False)
        handover_contact = _text(handover_contact, "handover_contact", 80, required=False)
        if bind_to is not None and bind_kind not in BIND_KINDS:
            raise Invalid(f"bind kind: one of {', '.join(BIND_KINDS)}", field="bind_kind")
        if callback_at is not None:
            if callback_at.tzinfo is None:
                callback_at = callback_at.replace(tzinfo=self._tz)
            if callback_at <= now:
                raise Invalid("callback_at: the promised callback must be in the future", field="callback_at")
        action = {
            Mode.DIRECT: Action.SUBMIT_DIRECT,
            Mode.TRANSFER: Action.SUBMIT_TRANSFER,
            Mode.PHONE_HANDOVER: Action.SUBMIT_HANDOVER,
        }[mode]
        status = next_status(Status.DRAFT, action)
        urgent = ticket_in.urgent or mode is Mode.PHONE_HANDOVER

        # One transaction, run again whole if the database was busy or the connection was cut
        # before its commit (Database.transaction): it keeps nothing between attempts. The
        # view handed back is read in it too (an agent is waiting with a caller on the line:
        # no second transaction to read back what was just written).
        def submit(s: Session) -> TicketView:
            unit_id = None
            if mode is Mode.PHONE_HANDOVER or ticket_in.unit_code:
                unit_id = self._unit_id(s, ticket_in.unit_code, "unit_code")
            call_ref = call_id
            if call_ref is None:
                call = Call(
                    agent_id=actor.id, phone=ticket_in.caller_phone or "", started_at=now, ended_at=now
                )
                s.add(call)
                s.flush()
                call_ref = call.id
            day = now.astimezone(self._tz).strftime("%Y%m%d")
            serial = repo.next_ticket_serial(s, day)
            t = Ticket(
                number=f"{day}-{serial:04d}",
                status=status.value,
                category=ticket_in.category,
                subtype=ticket_in.subtype,
                mode=mode.value,
                urgent=urgent,
                major=ticket_in.major or handling.always_major,
                caller_name=ticket_in.caller_name,
                anonymous=ticket_in.anonymous,
                caller_phone=ticket_in.caller_phone,
                event_time=_utc(ticket_in.event_time),
                place=ticket_in.place or "",
                details=ticket_in.details,
                direct_result=direct_result,
                unit_id=unit_id,
                handover_contact=handover_contact,
                call_id=call_ref,
                accepted_by_id=actor.id,
                created_at=now,
                updated_at=now,
            )
            if status is Status.CLOSED:
                t.closed_at = now
                t.close_reason = "direct"
            elif status is Status.AWAITING_DISPATCH:
                t.dispatch_due_at = limits.dispatch_due(now)
            elif status is Status.WITH_UNIT:
                t.dispatch_due_at = limits.dispatch_due(now)
                t.dispatched_at = t.first_dispatched_at = now
                due = limits.handling_due(
                    now, limits.HANDLING_DAYS_DEFAULT, True, self._calendar.calendar(), self._tz
                )
                t.due_at, t.due_provisional = due.at, due.provisional
            self._save(s, t, now)
            s.flush()
            assert t.id is not None
            note = f"{mode.value}: {handling.key}"
            if t.major:
                note += "; flagged major, the lead and the office are told"
            if mode is Mode.PHONE_HANDOVER:
                note += f"; handed over by phone to {ticket_in.unit_code}"
                if handover_contact:
                    note += f" ({handover_contact})"
            audit.record(s, actor, now, "submit", note, t.id)
            if callback_at is not None:
                t.callback_next_at = _utc(callback_at)
                s.add(t)
                when = callback_at.astimezone(self._tz).isoformat()
                audit.record(s, actor, now, "callback_promised", f"caller to be called back at {when}", t.id)
            for kb_id in dict.fromkeys(kb_ids):
                s.add(TicketKb(ticket_id=t.id, kb_id=kb_id))
            if bind_to:
                other = self._get(s, bind_to)
                self._bind(s, actor, t, other, bind_kind, now)
            return self._views(s, [t], with_history=True)[0]

        return self._db.transaction(submit)

    # -- the lead's steps ----------------------------------------------------------------

    def dispatch(
        self,
        actor: Actor,
        number: str,
        unit_code: str,
        days: int | None = None,
        urgent: bool | None = None,
        note: str = "",
    ) -> TicketView:
        actor.require(Permission.DISPATCH, "dispatch tickets")
        days = limits.HANDLING_DAYS_DEFAULT if days is None else days
        try:
            limits.check_handling_days(days)
        except ValueError as exc:
            raise Invalid(str(exc), field="days") from exc
        note = _text(note, "note", 1000, required=False)
        now = self._now()
        cal = self._calendar.calendar()

        def step(s: Session) -> None:
            t = self._get(s, number)
            unit_id = self._unit_id(s, unit_code)
            self._move(t, Action.DISPATCH)
            is_urgent = t.urgent if urgent is None else urgent
            for m in self._group(s, t, [Status.AWAITING_DISPATCH]):
                redispatch = m.dispatched_at is not None
                m.status = self._move(m, Action.DISPATCH).value
                m.unit_id = unit_id
                m.urgent = is_urgent
                m.dispatched_at = now
                m.first_dispatched_at = m.first_dispatched_at or now
                m.handling_days = days
                m.return_reason = ""
                due = limits.handling_due(now, days, is_urgent, cal, self._tz)
                m.due_at, m.due_provisional = due.at, due.provisional
                self._save(s, m, now)
                text = f"{'re-dispatched' if redispatch else 'dispatched'} to {unit_code}, "
                text += "urgent, due in 24 hours" if is_urgent else f"{days} working days"
                text += f", due {due.at.astimezone(self._tz).isoformat()}"
                if due.provisional:
                    text += " (provisional: the holiday calendar of that year is not loaded)"
                if m is not t:
                    text += f" (with bound ticket {t.number})"
                if note:
                    text += f"; {note}"
                audit.record(s, actor, now, "dispatch", text, m.id)

        self._db.transaction(step)
        return self.get(actor, number)

    def remind(self, actor: Actor, number: str, note: str = "") -> TicketView:
        actor.require(Permission.REMIND, "remind units")
        note = _text(note, "note", 1000, required=False)
        now = self._now()

        def step(s: Session) -> None:
            t = self._get(s, number)
            self._move(t, Action.REMIND)
            for m in self._group(s, t, [Status.WITH_UNIT, Status.SUPERVISED]):
                self._move(m, Action.REMIND)
                self._save(s, m, now)
                audit.record(s, actor, now, "remind", note, m.id)

        self._db.transaction(step)
        return self.get(actor, number)

    def reply(
        self,
        actor: Actor,
        number: str,
        text: str,
        replied_at: datetime | None = None,
        handler: str = "",
    ) -> TicketView:
        """Records a unit's reply (received by web, paper or fax) and starts the callback clock."""
        actor.require(Permission.RECORD_REPLY, "record units' replies")
        self._db.transaction(lambda s: self.reply_in(s, actor, number, text, replied_at, handler))
        return self.get(actor, number)

    def reply_in(
        self,
        s: Session,
        actor: Actor,
        number: str,
        text: str,
        replied_at: datetime | None = None,
        handler: str = "",
    ) -> list[str]:
        """:meth:`reply` inside the caller's transaction ``s``, with the same checks and the
        same moves, so a bulk import can record a whole file of replies in one transaction.
        Returns the numbers of the tickets moved on: the ticket and the members of its bound
        group with the same unit."""
        actor.require(Permission.RECORD_REPLY, "record units' replies")
        text = _text(text, "text", 4000, required=True)
        handler = _text(handler, "handler", 80, required=False)
        now = self._now()
        at = replied_at or now
        if at.tzinfo is None:
            at = at.replace(tzinfo=self._tz)
        if at > now + timedelta(minutes=10):
            raise Invalid("replied_at: the reply cannot be in the future", field="replied_at")
        cal = self._calendar.calendar()
        t = self._get(s, number)
        self._move(t, Action.REPLY)
        if t.dispatched_at and at < t.dispatched_at:
            raise Invalid("replied_at: the reply cannot be earlier than the dispatch", field="replied_at")
        members = [
            m for m in self._group(s, t, [Status.WITH_UNIT, Status.SUPERVISED]) if m.unit_id == t.unit_id
        ]
        for m in members:
            m.status = self._move(m, Action.REPLY).value
            m.replied_at = at
            m.reply_text = text
            m.reply_handler = handler
            due = limits.callback_due(at, cal, self._tz)
            m.callback_due_at, m.callback_due_provisional = due.at, due.provisional
            m.callback_next_at = None
            self._save(s, m, now)
            audit.record(s, actor, now, "reply", text if not handler else f"{text} ({handler})", m.id)
        return [m.number for m in members]

    def return_(self, actor: Actor, number: str, reason: str) -> TicketView:
        """A unit returns (退回) a ticket that is not theirs: back to the lead's queue."""
        actor.require(Permission.RECORD_RETURN, "record returns")
        reason = _text(reason, "reason", 1000, required=True)
        now = self._now()

        def step(s: Session) -> None:
            t = self._get(s, number)
            t.status = self._move(t, Action.RETURN).value
            codes = repo.unit_codes_by_ids(s, [t.unit_id])
            unit = codes.get(t.unit_id or -1, "?")
            t.unit_id = None
            t.due_at = None
            t.due_provisional = False
            t.return_reason = reason
            t.dispatch_due_at = limits.dispatch_due(now)
            self._save(s, t, now)
            audit.record(s, actor, now, "return", f"returned by {unit}: {reason}", t.id)

        self._db.transaction(step)
        return self.get(actor, number)

    def escalate(self, actor: Actor, number: str, note: str = "") -> TicketView:
        """The lead sends a hot or difficult matter to the office."""
        actor.require(Permission.REMIND, "send tickets to the office")
        note = _text(note, "note", 1000, required=False)
        now = self._now()

        def step(s: Session) -> None:
            t = self._get(s, number)
            self._move(t, Action.ESCALATE)
            t.escalated = True
            self._save(s, t, now)
            audit.record(s, actor, now, "escalate", note, t.id)

        self._db.transaction(step)
        return self.get(actor, number)

    def supervise(self, actor: Actor, number: str, note: str = "") -> TicketView:
        actor.require(Permission.SUPERVISE, "supervise tickets (督办)")
        note = _text(note, "note", 1000, required=False)
        now = self._now()

        def step(s: Session) -> None:
            t = self._get(s, number)
            t.status = self._move(t, Action.SUPERVISE).value
            t.supervised = True
            self._save(s, t, now)
            audit.record(s, actor, now, "supervise", note, t.id)

        self._db.transaction(step)
        return self.get(actor, number)

    def close_supervised(self, actor: Actor, number: str, note: str) -> TicketView:
        actor.require(Permission.CLOSE_SUPERVISED, "close supervised tickets")
        note = _text(note, "note", 1000, required=True)
        now = self._now()

        def step(s: Session) -> None:
            t = self._get(s, number)
            t.status = self._move(t, Action.CLOSE_SUPERVISED).value
            t.closed_at = now
            t.close_reason = "office"
            self._save(s, t, now)
            audit.record(s, actor, now, "close", note, t.id)

        self._db.transaction(step)
        return self.get(actor, number)

    # -- callbacks -----------------------------------------------------------------------

    def callback(
        self,
        actor: Actor,
        number: str,
        result: str,
        note: str = "",
        next_at: datetime | None = None,
    ) -> TicketView:
        actor.require(Permission.CALLBACK, "call callers back")
        if result not in CALLBACK_RESULTS:
            raise Invalid(f"result: one of {', '.join(CALLBACK_RESULTS)}, not {result!r}", field="result")
        note = _text(note, "note", 1000, required=result == "unsatisfied")
        now = self._now()
        if next_at is not None:
            if next_at.tzinfo is None:
                next_at = next_at.replace(tzinfo=self._tz)
            if result != "unreached":
                raise Invalid("next_at: a new time is only for a caller not reached or busy", field="next_at")
            if next_at <= now:
                raise Invalid("next_at: the new time must be in the future", field="next_at")

        def step(s: Session) -> None:
            t = self._get(s, number)
            if not actor.can(Permission.DISPATCH) and t.accepted_by_id != actor.id:
                raise PermissionDenied(
                    f"{actor.username} may only call back the tickets they accepted; "
                    f"{t.number} was accepted by someone else"
                )
            if t.status != Status.AWAITING_CALLBACK.value and t.callback_next_at is not None:
                self._promised_callback(s, actor, t, result, note, next_at, now)
            else:
                self._satisfaction_callback(s, actor, t, result, note, next_at, now)

        self._db.transaction(step)
        return self.get(actor, number)

    def _satisfaction_callback(
        self,
        s: Session,
        actor: Actor,
        t: Ticket,
        result: str,
        note: str,
        next_at: datetime | None,
        now: datetime,
    ) -> None:
        """The callback of spec §7 on a ticket the unit replied to."""
        previous = repo.callbacks_for_ticket(s, t.id or 0)
        round_at_call = t.round
        text = note
        if result in ("satisfied", "basically_satisfied"):
            t.status = self._move(t, Action.CALLBACK_CLOSE).value
            t.closed_at = now
            t.close_reason = "callback"
            t.callback_next_at = None
        elif result == "unsatisfied":
            if t.round >= 2:
                t.status = self._move(t, Action.CALLBACK_TO_OFFICE).value
                t.supervised = True
                text = f"unsatisfied again in round {t.round}: to the office for supervision; {note}"
            else:
                t.status = self._move(t, Action.CALLBACK_SECOND_ROUND).value
                t.round += 1
                t.dispatch_due_at = limits.dispatch_due(now)
                t.due_at = None
                t.due_provisional = False
                text = f"unsatisfied: second round, to be re-dispatched; {note}"
            t.callback_next_at = None
        else:
            self._move(t, Action.CALLBACK_RETRY)
            attempts = [c for c in previous if c.round == t.round and c.result == "unreached"]
            first = attempts[0].at if attempts else now
            give_up = limits.unreachable_after(first, self._calendar.calendar(), self._tz)
            if next_at is None and attempts and now >= give_up.at:
                t.status = self._move(t, Action.CALLBACK_CLOSE).value
                t.closed_at = now
                t.close_reason = "unreachable"
                t.callback_next_at = None
                text = f"not reached since {first.isoformat()}: closed as unreachable; {note}"
            else:
                t.callback_next_at = next_at or now + UNREACHED_RETRY
                text = f"not reached; next attempt {t.callback_next_at.astimezone(self._tz).isoformat()}"
                if note:
                    text += f"; {note}"
        t.callback_result = result
        t.called_back_at = now
        s.add(
            Callback(
                ticket_id=t.id or 0,
                agent_id=actor.id,
                at=now,
                result=result,
                note=note,
                next_at=t.callback_next_at,
                round=round_at_call,
            )
        )
        self._save(s, t, now)
        audit.record(s, actor, now, f"callback_{result}", text.strip("; "), t.id)

    def _promised_callback(
        self,
        s: Session,
        actor: Actor,
        t: Ticket,
        result: str,
        note: str,
        next_at: datetime | None,
        now: datetime,
    ) -> None:
        """A callback promised to the caller during a hold (spec §6), on a ticket that is not
        awaiting its satisfaction callback: reached, the promise is kept (the caller's opinion
        is recorded, the ticket's status does not change); not reached, it comes back at the
        new time."""
        if result == "unreached":
            t.callback_next_at = next_at or now + UNREACHED_RETRY
            when = t.callback_next_at.astimezone(self._tz).isoformat()
            text = f"promised callback not reached; next attempt {when}"
        else:
            t.callback_next_at = None
            text = f"promised callback made: {result}"
        if note:
            text += f"; {note}"
        s.add(
            Callback(
                ticket_id=t.id or 0,
                agent_id=actor.id,
                at=now,
                result=result,
                note=note,
                next_at=t.callback_next_at,
                round=t.round,
            )
        )
        self._save(s, t, now)
        audit.record(s, actor, now, "callback_promised", text, t.id)

    # -- related tickets -----------------------------------------------------------------

    def _bind(self, s: Session, actor: Actor, t: Ticket, other: Ticket, kind: str, now: datetime) -> None:
        if t.id == other.id:
            raise Invalid("to: a ticket cannot be bound to itself", field="to")
        for x in (t, other):
            try:
                next_status(x.status, Action.BIND)
            except TransitionError as exc:
                raise Conflict(f"ticket {x.number}: {exc}") from exc
        assert t.id is not None and other.id is not None
        g_t = t.group_id or t.id
        g_o = other.group_id or other.id
        if g_t == g_o and t.group_id is not None:
            raise Conflict(f"{t.number} and {other.number} are already bound")
        group = min(g_t, g_o)
        for g in {g_t, g_o} - {group}:
            repo.regroup(s, g, group)
        t.group_id = group
        other.group_id = group
        s.add(t)
        s.add(other)
        s.add(
            TicketLink(ticket_id=t.id, other_id=other.id, kind=kind, created_at=now, created_by_id=actor.id)
        )
        audit.record(s, actor, now, "bind", f"{kind} as {other.number}", t.id)
        audit.record(s, actor, now, "bind", f"{kind}: {t.number} bound to it", other.id)

    def bind(self, actor: Actor, number: str, other: str, kind: str = "same_matter") -> TicketView:
        actor.require(Permission.BIND, "bind related tickets")
        if kind not in BIND_KINDS:
            raise Invalid(f"kind: one of {', '.join(BIND_KINDS)}, not {kind!r}", field="kind")
        now = self._now()

        def step(s: Session) -> None:
            t = self._get(s, number)
            o = self._get(s, other)
            self._bind(s, actor, t, o, kind, now)

        self._db.transaction(step)
        return self.get(actor, number)

    # -- reading -------------------------------------------------------------------------

    def _views(self, s: Session, tickets: list[Ticket], with_history: bool = False) -> list[TicketView]:
        units = self._codes_of(s, [t.unit_id for t in tickets])
        users = self._names_of(s, [t.accepted_by_id for t in tickets])
        groups: dict[int, list[int]] = {}
        for t in tickets:
            if t.group_id is not None and t.group_id not in groups:
                groups[t.group_id] = repo.group_member_ids(s, t.group_id)
        numbers = repo.numbers_by_ids(s, {i for ids in groups.values() for i in ids})
        views = []
        for t in tickets:
            members = groups.get(t.group_id, []) if t.group_id is not None else []
            v = TicketView(
                number=t.number,
                status=t.status,
                category=t.category,
                subtype=t.subtype,
                mode=t.mode,
                urgent=t.urgent,
                major=t.major,
                caller_name=t.caller_name,
                anonymous=t.anonymous,
                caller_phone=t.caller_phone,
                event_time=t.event_time,
                place=t.place,
                details=t.details,
                unit=units.get(t.unit_id) if t.unit_id else None,
                created_at=t.created_at,
                dispatch_due_at=t.dispatch_due_at,
                dispatched_at=t.dispatched_at,
                due_at=t.due_at,
                due_provisional=t.due_provisional,
                replied_at=t.replied_at,
                callback_due_at=t.callback_due_at,
                closed_at=t.closed_at,
                bound_to=[numbers[i] for i in members if i != t.id and i in numbers],
                accepted_by=users.get(t.accepted_by_id),
                round=t.round,
                supervised=t.supervised,
                escalated=t.escalated,
                handling_days=t.handling_days,
                reply_text=t.reply_text,
                return_reason=t.return_reason,
                direct_result=t.direct_result,
                callback_result=t.callback_result,
                callback_next_at=t.callback_next_at,
                called_back_at=t.called_back_at,
                callback_due_provisional=t.callback_due_provisional,
                deadline_at=t.deadline_at,
                close_reason=t.close_reason,
                group_size=max(1, len(members)),
            )
            if with_history and t.id is not None:
                rows = repo.audit_for_ticket(s, t.id)
                cbs = repo.callbacks_for_ticket(s, t.id)
                names = self._names_of(
                    s, [r.account_id for r in rows if r.account_id] + [c.agent_id for c in cbs]
                )
                v.history = [
                    HistoryEntry(r.at, names.get(r.account_id) if r.account_id else None, r.action, r.note)
                    for r in rows
                ]
                v.callbacks = [
                    CallbackView(c.at, names.get(c.agent_id), c.result, c.note, c.next_at, c.round)
                    for c in cbs
                ]
                v.kb_used = [str(i) for i in repo.kb_ids_for_ticket(s, t.id)]
            views.append(v)
        return views

    def get(self, actor: Actor, number: str) -> TicketView:
        actor.require(Permission.READ_QUEUE, "read tickets")
        with self._db.read() as s:
            return self._views(s, [self._get(s, number)], with_history=True)[0]

    def list(
        self,
        actor: Actor,
        *,
        status: str | None = None,
        category: str | None = None,
        unit: str | None = None,
        overdue: bool = False,
        mine: bool = False,
        order: str = "newest",
        limit: int = 50,
        offset: int = 0,
    ) -> list[TicketView]:
        actor.require(Permission.READ_QUEUE, "read tickets")
        if status is not None and status not in STATUSES:
            raise Invalid(f"status: one of {', '.join(STATUSES)}, not {status!r}", field="status")
        if category is not None:
            try:
                handling_for(category, "")
            except ValueError as exc:
                if "unknown category" in str(exc):
                    raise Invalid(f"category: {exc}", field="category") from exc
        if not 1 <= limit <= 10_000:
            raise Invalid("limit: between 1 and 10000", field="limit")
        with self._db.read() as s:
            unit_id = None
            if unit:
                u = repo.unit_by_code(s, unit)
                if u is None:
                    raise Invalid(f"unit: no handling unit with code {unit!r}", field="unit")
                unit_id = u.id
            rows = repo.list_tickets(
                s,
                statuses=[status] if status else None,
                category=category,
                unit_id=unit_id,
                accepted_by_id=actor.id if mine else None,
                overdue_at=self._now() if overdue else None,
                order="deadline" if overdue or order == "deadline" else "newest",
                limit=limit,
                offset=offset,
            )
            return self._views(s, rows)

    def history_by_phone(self, actor: Actor, phone: str, limit: int = 20) -> builtins.list[TicketView]:
        """The caller's earlier tickets (一人反映多次), however the number was typed."""
        actor.require(Permission.READ_QUEUE, "read tickets")
        try:
            canonical = normalize_phone(phone)
        except PhoneError as exc:
            raise Invalid(f"caller_phone: {exc}", field="caller_phone") from exc
        with self._db.read() as s:
            return self._views(s, repo.tickets_by_phone(s, canonical, limit))

    def related(
        self,
        actor: Actor,
        *,
        phone: str | None = None,
        place: str = "",
        details: str = "",
        exclude: Sequence[str] = (),
        limit: int = 10,
    ) -> builtins.list[RelatedTicket]:
        """Open tickets the intake may be bound to (spec §8): the same caller first, then the
        same place, then similar place and details (``reason``: same_caller, same_place,
        similar_details). Each look-up goes by an index (``store.search``), so this stays
        fast however many tickets the centre holds; text that is too short simply proposes
        nothing."""
        actor.require(Permission.READ_QUEUE, "read tickets")
        if not 1 <= limit <= 100:
            raise Invalid("limit: between 1 and 100", field="limit")
        canonical = None
        if phone:
            try:
                canonical = normalize_phone(phone)
            except PhoneError:
                canonical = None
        place = place.strip()[:200]
        details = details.strip()[:1000]
        excluded = set(exclude)
        out: dict[str, RelatedTicket] = {}

        def propose(t: Ticket, reason: str) -> None:
            if t.number not in excluded and len(out) < limit:
                out.setdefault(
                    t.number, RelatedTicket(t.number, reason, t.status, t.place, t.details, t.created_at)
                )

        with self._db.read() as s:
            if canonical:
                for t in search.open_by_phone(s, canonical, limit + len(excluded)):
                    propose(t, "same_caller")
            if len(place) >= 2 and len(out) < limit:
                for t in search.open_at_place(s, place, limit + len(excluded)):
                    propose(t, "same_place")
            if details and len(out) < limit:
                for similar in search.similar_open(s, f"{place} {details}", limit + len(out)):
                    propose(similar.ticket, "similar_details")
        return list(out.values())

    def search(self, actor: Actor, text: str, limit: int = 20) -> builtins.list[TicketView]:
        """Tickets whose place or details contain every term of ``text`` (Chinese substrings;
        terms separated by spaces), newest first. Any text is searched as typed: nothing in it
        is taken as query syntax."""
        actor.require(Permission.READ_QUEUE, "read tickets")
        if len(text) > 200:
            raise Invalid("text: at most 200 characters", field="text")
        if not 1 <= limit <= 200:
            raise Invalid("limit: between 1 and 200", field="limit")
        with self._db.read() as s:
            return self._views(s, search.tickets(s, text, limit))


def _utc(at: datetime | None) -> datetime | None:
    """A time as the database gives it back (UTC): a view read in the transaction that wrote
    it shows the same values as one read later."""
    return None if at is None else at.astimezone(UTC)
