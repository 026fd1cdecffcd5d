"""Property tests: whatever people type, through the services, on SQLite and PostgreSQL.

Huge texts, control and zero-width characters, mixed scripts, SQL and LIKE fragments,
malformed phone numbers and dates: each value either gets a clear refusal naming its field
(:class:`Invalid`), or is stored exactly as typed (by the documented rule of
``domain.validation``: surrounding whitespace stripped, line breaks as ``\\n``) and reads
back the same. Searching with any text never fails. Example counts stay modest so the
suite stays quick; the domain's own field-level properties are in tests/domain.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from svcdesk.domain.masking import is_anonymous_name
from svcdesk.domain.phone import PhoneError, normalize_phone
from svcdesk.domain.states import STATUSES
from svcdesk.domain.validation import InputError, normalize_newlines, parse_event_time
from svcdesk.services.errors import Conflict, Invalid, NotFound, NotSignedIn
from svcdesk.services.factory import Services
from svcdesk.store import repo
from tests.conftest import T0, TZ, Staff, intake
from tests.strategies import any_text, date_text, nasty_text, phone_text

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def as_typed(value: str) -> str:
    """What the rule stores for a text that passes: stripped, line breaks as \\n."""
    return normalize_newlines(value).strip()


def refused_by_name(exc: Invalid, field: str) -> None:
    """The refusal names ``field``, and only ``field`` (the rest of the intake was valid)."""
    problems = getattr(exc, "problems", None)
    fields = {p.field for p in problems} if problems else {exc.field}
    assert fields == {field}, (fields, str(exc))
    assert field in str(exc)


@pytest.mark.parametrize("field", ["caller_name", "place", "details"])
@PROPERTY
@given(value=any_text)
def test_an_intake_text_is_stored_as_typed_or_refused_by_name(
    services: Services, staff: Staff, field: str, value: str
) -> None:
    try:
        view = services.tickets.take_call(staff.agent1, intake(**{field: value}))
    except Invalid as exc:
        refused_by_name(exc, field)
        return
    expected: str | None = as_typed(value)
    if field == "caller_name" and is_anonymous_name(expected or ""):
        expected = None
    assert getattr(view, field) == expected
    again = services.tickets.get(staff.lead1, view.number)  # read back from the database
    assert getattr(again, field) == expected


@PROPERTY
@given(value=phone_text)
def test_a_phone_number_is_stored_in_one_form_or_refused_by_name(
    services: Services, staff: Staff, value: str
) -> None:
    try:
        canonical: str | None = normalize_phone(value)
    except PhoneError:
        canonical = None
    try:
        view = services.tickets.take_call(staff.agent1, intake(caller_phone=value))
    except Invalid as exc:
        assert canonical is None, f"{value!r} is a valid number ({canonical}) but was refused: {exc}"
        refused_by_name(exc, "caller_phone")
        return
    assert view.caller_phone == canonical
    # However it is typed again, the caller's history finds the ticket.
    found = services.tickets.history_by_phone(staff.agent2, value)
    assert view.number in {t.number for t in found}


@PROPERTY
@given(value=date_text)
def test_an_event_time_is_stored_as_meant_or_refused_by_name(
    services: Services, staff: Staff, value: str
) -> None:
    try:
        meant: datetime | None = parse_event_time(value, tz=TZ, now=T0)
    except InputError:
        meant = None
    try:
        view = services.tickets.take_call(staff.agent1, intake(event_time=value))
    except Invalid as exc:
        assert meant is None, f"{value!r} means {meant} but was refused: {exc}"
        refused_by_name(exc, "event_time")
        return
    assert meant is not None and view.event_time == meant
    again = services.tickets.get(staff.lead1, view.number)
    assert again.event_time == meant


@PROPERTY
@given(note=any_text, text=any_text, reason=any_text)
def test_the_follow_up_texts_are_stored_as_typed_or_refused_by_name(
    services: Services, staff: Staff, note: str, text: str, reason: str
) -> None:
    number = services.tickets.take_call(staff.agent1, intake()).number
    lead = staff.lead1
    try:
        services.tickets.dispatch(lead, number, "CGJ", 5, note=note)
        assert as_typed(note) in services.tickets.get(lead, number).history[-1].note  # type: ignore[index]
    except Invalid as exc:
        assert exc.field == "note" and "note" in str(exc)
        services.tickets.dispatch(lead, number, "CGJ", 5)
    try:
        replied = services.tickets.reply(lead, number, text)
        assert replied.reply_text == as_typed(text)
    except Invalid as exc:
        assert exc.field == "text" and "text" in str(exc)
        services.tickets.reply(lead, number, "已处理")
    try:
        services.tickets.callback(staff.agent1, number, "unsatisfied", reason)
        history = services.tickets.get(lead, number).history or []
        assert as_typed(reason) in history[-1].note
    except Invalid as exc:
        assert exc.field == "note" and "note" in str(exc)


@PROPERTY
@given(text=any_text)
def test_searching_with_any_text_never_fails(services: Services, staff: Staff, text: str) -> None:
    agent = staff.agent1
    try:
        services.reference.kb_search(agent, text)
    except Invalid as exc:  # only a search longer than a search can be
        assert exc.field == "text" and len(text) > 200
    related = services.tickets.related(agent, phone=text, place=text, details=text)
    assert isinstance(related, list)
    try:
        services.tickets.history_by_phone(agent, text)
    except Invalid as exc:
        assert exc.field == "caller_phone"


@PROPERTY
@example(status=None, category=None, unit="C\x00GJ", limit=50)
@example(status=None, category=None, unit="\udcff", limit=50)
@given(
    status=st.none() | st.sampled_from(STATUSES) | nasty_text,
    category=st.none() | st.sampled_from(["help", "complaint", "inquiry"]) | nasty_text,
    unit=st.none() | st.sampled_from(["CGJ", "cgj"]) | nasty_text,
    limit=st.integers(-5, 20_000),
)
def test_ticket_list_filters_list_or_name_what_is_wrong(
    services: Services, staff: Staff, status: str | None, category: str | None, unit: str | None, limit: int
) -> None:
    try:
        services.tickets.list(staff.lead1, status=status, category=category, unit=unit, limit=limit)
    except Invalid as exc:
        assert exc.field in ("status", "category", "unit", "limit") and exc.field in str(exc)


@PROPERTY
@example(number="20250930-0001\x00")
@example(number="20250930-\udcff")  # undecodable bytes on a command line arrive like this
@given(number=nasty_text | st.sampled_from(["20250930-0001", "20250930-9999", " 20250930-0001 "]))
def test_any_ticket_number_is_found_or_not_found(services: Services, staff: Staff, number: str) -> None:
    services.tickets.take_call(staff.agent1, intake())
    try:
        view = services.tickets.get(staff.lead1, number)
    except NotFound as exc:
        assert "no ticket numbered" in str(exc)
    else:
        assert view.number == number.strip()
    with pytest.raises((NotFound, Invalid, Conflict)):
        services.tickets.dispatch(staff.lead1, number + "x", "CGJ")


@settings(PROPERTY, max_examples=15)
@example(username="lead1\x00", password="demo")
@example(username="lead1\udcff", password="demo\udcff")
@given(username=nasty_text | st.from_regex(r"[A-Za-z0-9_.-]{2,40}", fullmatch=True), password=any_text)
def test_sign_in_with_anything_is_refused_in_plain_words(
    services: Services, username: str, password: str
) -> None:
    with pytest.raises(NotSignedIn) as caught:
        services.accounts.sign_in(username, password)
    assert "wrong user name or password" in str(caught.value) or "too many failed" in str(caught.value)


@settings(PROPERTY, max_examples=12)
@given(
    username=st.from_regex(r"[A-Za-z0-9_.-]{2,40}", fullmatch=True) | nasty_text,
    display=any_text,
    password=st.text(max_size=30) | st.sampled_from(["密码密码", "pass word", "😀😀😀😀", "x" * 201]),
)
def test_a_new_account_signs_in_with_exactly_its_password_or_is_refused_by_name(
    services: Services, staff: Staff, username: str, display: str, password: str
) -> None:
    try:
        services.accounts.add(staff.office1, username, password, "agent", display)
    except Invalid as exc:
        assert exc.field in ("username", "password", "display_name") and exc.field in str(exc)
        return
    except Conflict:
        return  # drawn twice
    assert services.accounts.sign_in(username, password).username == username
    with services.db.read() as s:
        account = repo.account_by_username(s, username)
    assert account is not None
    assert account.password_hash.startswith("$argon2id$") and password not in account.password_hash
