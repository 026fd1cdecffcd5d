"""The ticket state machine of spec §5: every allowed transition, every other refused with a reason."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    AWAITING_DISPATCH = "awaiting_dispatch"
    WITH_UNIT = "with_unit"
    AWAITING_CALLBACK = "awaiting_callback"
    SUPERVISED = "supervised"
    CLOSED = "closed"


STATUSES: tuple[str, ...] = tuple(s.value for s in Status)


class Action(StrEnum):
    SUBMIT_DIRECT = "submit_direct"
    SUBMIT_TRANSFER = "submit_transfer"
    SUBMIT_HANDOVER = "submit_handover"
    DISPATCH = "dispatch"
    REMIND = "remind"
    REPLY = "reply"
    RETURN = "return"
    SUPERVISE = "supervise"
    ESCALATE = "escalate"
    CALLBACK_CLOSE = "callback_close"
    CALLBACK_RETRY = "callback_retry"
    CALLBACK_SECOND_ROUND = "callback_second_round"
    CALLBACK_TO_OFFICE = "callback_to_office"
    CLOSE_SUPERVISED = "close_supervised"
    BIND = "bind"


S, A = Status, Action

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (S.DRAFT, A.SUBMIT_DIRECT): S.CLOSED,
    (S.DRAFT, A.SUBMIT_TRANSFER): S.AWAITING_DISPATCH,
    (S.DRAFT, A.SUBMIT_HANDOVER): S.WITH_UNIT,
    (S.AWAITING_DISPATCH, A.DISPATCH): S.WITH_UNIT,
    # Re-dispatch to another unit while the first still holds it.
    (S.WITH_UNIT, A.DISPATCH): S.WITH_UNIT,
    (S.SUPERVISED, A.DISPATCH): S.WITH_UNIT,
    (S.WITH_UNIT, A.REMIND): S.WITH_UNIT,
    (S.SUPERVISED, A.REMIND): S.SUPERVISED,
    (S.WITH_UNIT, A.REPLY): S.AWAITING_CALLBACK,
    (S.SUPERVISED, A.REPLY): S.AWAITING_CALLBACK,
    (S.WITH_UNIT, A.RETURN): S.AWAITING_DISPATCH,
    (S.AWAITING_DISPATCH, A.SUPERVISE): S.SUPERVISED,
    (S.WITH_UNIT, A.SUPERVISE): S.SUPERVISED,
    (S.AWAITING_CALLBACK, A.SUPERVISE): S.SUPERVISED,
    (S.AWAITING_DISPATCH, A.ESCALATE): S.AWAITING_DISPATCH,
    (S.WITH_UNIT, A.ESCALATE): S.WITH_UNIT,
    (S.AWAITING_CALLBACK, A.ESCALATE): S.AWAITING_CALLBACK,
    (S.AWAITING_CALLBACK, A.CALLBACK_CLOSE): S.CLOSED,
    (S.AWAITING_CALLBACK, A.CALLBACK_RETRY): S.AWAITING_CALLBACK,
    (S.AWAITING_CALLBACK, A.CALLBACK_SECOND_ROUND): S.AWAITING_DISPATCH,
    (S.AWAITING_CALLBACK, A.CALLBACK_TO_OFFICE): S.SUPERVISED,
    (S.SUPERVISED, A.CLOSE_SUPERVISED): S.CLOSED,
}

# Binding related tickets changes no status; it is allowed on any submitted ticket.
BINDABLE: frozenset[Status] = frozenset(set(Status) - {Status.DRAFT})

_WHY: dict[Action, str] = {
    A.DISPATCH: "only a ticket awaiting dispatch, with a unit or supervised can be dispatched",
    A.REMIND: "only a ticket with a unit or supervised can be reminded",
    A.REPLY: "a unit's reply can only be recorded on a ticket with a unit",
    A.RETURN: "only a ticket with a unit can be returned by it",
    A.SUPERVISE: "only an open, submitted ticket can be put under supervision",
    A.ESCALATE: "only an open, submitted ticket can be sent to the office",
    A.CALLBACK_CLOSE: "a callback can only be recorded on a ticket awaiting callback",
    A.CALLBACK_RETRY: "a callback can only be recorded on a ticket awaiting callback",
    A.CALLBACK_SECOND_ROUND: "a callback can only be recorded on a ticket awaiting callback",
    A.CALLBACK_TO_OFFICE: "a callback can only be recorded on a ticket awaiting callback",
    A.CLOSE_SUPERVISED: "only a supervised ticket can be closed by the office",
}


class TransitionError(ValueError):
    def __init__(self, status: Status, action: Action, reason: str) -> None:
        super().__init__(f"cannot {action.value.replace('_', ' ')} a ticket that is {status.value}: {reason}")
        self.status = status
        self.action = action
        self.reason = reason


def next_status(status: Status | str, action: Action) -> Status:
    status = Status(status)
    if action is Action.BIND:
        if status not in BINDABLE:
            raise TransitionError(status, action, "a draft cannot be bound")
        return status
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        if status is Status.CLOSED:
            reason = "the ticket is closed"
        else:
            reason = _WHY.get(action, "a ticket is submitted once")
        raise TransitionError(status, action, reason) from None


def allowed_actions(status: Status | str) -> list[Action]:
    status = Status(status)
    acts = [a for (s, a) in TRANSITIONS if s is status]
    if status in BINDABLE:
        acts.append(Action.BIND)
    return acts


OPEN_STATUS_VALUES: tuple[str, ...] = (
    S.AWAITING_DISPATCH.value,
    S.WITH_UNIT.value,
    S.AWAITING_CALLBACK.value,
    S.SUPERVISED.value,
)
"""The open statuses as stored, in the order of a ticket's life (for queries)."""
OPEN_STATUSES: frozenset[Status] = frozenset(Status(v) for v in OPEN_STATUS_VALUES)
