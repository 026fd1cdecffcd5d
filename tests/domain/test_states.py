"""Every (status, action) pair: the allowed ones move as spec §5 draws, the rest are refused
with a reason."""

from __future__ import annotations

import itertools

import pytest

from svcdesk.domain.states import (
    TRANSITIONS,
    Action,
    Status,
    TransitionError,
    allowed_actions,
    next_status,
)

S, A = Status, Action

EXPECTED = {
    (S.DRAFT, A.SUBMIT_DIRECT): S.CLOSED,
    (S.DRAFT, A.SUBMIT_TRANSFER): S.AWAITING_DISPATCH,
    (S.DRAFT, A.SUBMIT_HANDOVER): S.WITH_UNIT,
    (S.AWAITING_DISPATCH, A.DISPATCH): S.WITH_UNIT,
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


def test_the_table_is_the_one_the_spec_draws() -> None:
    assert EXPECTED == TRANSITIONS


@pytest.mark.parametrize(("status", "action"), list(itertools.product(Status, Action)))
def test_every_pair_is_allowed_or_refused_with_a_reason(status: Status, action: Action) -> None:
    if action is Action.BIND:
        if status is Status.DRAFT:
            with pytest.raises(TransitionError):
                next_status(status, action)
        else:
            assert next_status(status, action) is status
        return
    if (status, action) in EXPECTED:
        assert next_status(status, action) is EXPECTED[(status, action)]
        assert action in allowed_actions(status)
    else:
        with pytest.raises(TransitionError) as info:
            next_status(status, action)
        assert info.value.reason
        assert status.value in str(info.value)
        assert action not in allowed_actions(status)


def test_a_closed_ticket_allows_nothing_but_binding() -> None:
    assert allowed_actions(Status.CLOSED) == [Action.BIND]
    with pytest.raises(TransitionError, match="closed"):
        next_status(Status.CLOSED, Action.REMIND)
