"""Who gets in, and what each role is refused, on both backends: passwords kept only as
Argon2id hashes, a disabled account refused, failed sign-ins counted, locked after five for
five minutes and audited, even when they arrive all at once; the office's tasks refused to
the others with a message naming who and what."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from svcdesk.domain.clock import FixedClock
from svcdesk.services.accounts import LOCK_FOR, MAX_FAILURES
from svcdesk.services.errors import Conflict, NotSignedIn, PermissionDenied
from svcdesk.services.factory import Services
from tests.conftest import Staff, intake


def audit_actions(services: Services, since: int = 0) -> list[tuple[str, str]]:
    with services.db.read() as s:
        rows = s.connection().execute(
            text("SELECT action, note FROM audit WHERE id > :since AND ticket_id IS NULL ORDER BY id"),
            {"since": since},
        )
        return [(a, n) for a, n in rows]


def last_audit_id(services: Services) -> int:
    with services.db.read() as s:
        return int(s.connection().execute(text("SELECT coalesce(max(id), 0) FROM audit")).scalar_one())


def test_passwords_are_kept_only_as_salted_argon2id_hashes(services: Services, staff: Staff) -> None:
    services.accounts.add(staff.office1, "wangfang", "同一个密码", "agent")
    services.accounts.add(staff.office1, "lina", "同一个密码", "agent")
    with services.db.read() as s:
        query = text("SELECT username, password_hash FROM account WHERE username IN ('wangfang', 'lina')")
        rows = {u: h for u, h in s.connection().execute(query)}
    assert all(h.startswith("$argon2id$") for h in rows.values())
    assert rows["wangfang"] != rows["lina"]  # salted: the same password, two hashes
    assert not any("同一个密码" in h for h in rows.values())
    assert services.accounts.sign_in("lina", "同一个密码").username == "lina"


def test_a_disabled_account_cannot_sign_in_until_enabled_again(services: Services, staff: Staff) -> None:
    services.accounts.set_active(staff.office1, "agent2", False)
    mark = last_audit_id(services)
    with pytest.raises(NotSignedIn, match="agent2 is disabled; ask the hotline office"):
        services.accounts.sign_in("agent2", "demo")
    assert audit_actions(services, mark) == [("signin_refused", "account disabled")]
    services.accounts.set_active(staff.office1, "agent2", True)
    assert services.accounts.sign_in("agent2", "demo").username == "agent2"


def test_five_failed_sign_ins_lock_the_account_for_five_minutes_and_are_audited(
    services: Services, clock: FixedClock
) -> None:
    mark = last_audit_id(services)
    for _ in range(MAX_FAILURES):
        with pytest.raises(NotSignedIn, match="wrong user name or password"):
            services.accounts.sign_in("agent1", "guess")
    # Locked: even the right password is refused now, and said so.
    with pytest.raises(NotSignedIn, match="too many failed sign-ins for agent1: try again in 5 min"):
        services.accounts.sign_in("agent1", "demo")
    clock.advance(LOCK_FOR - timedelta(seconds=1))
    with pytest.raises(NotSignedIn, match="try again in 1 min"):
        services.accounts.sign_in("agent1", "demo")
    clock.advance(timedelta(seconds=1))
    assert services.accounts.sign_in("agent1", "demo").username == "agent1"
    assert audit_actions(services, mark) == [
        *[("signin_failed", f"attempt {n}") for n in range(1, MAX_FAILURES + 1)],
        ("signin_refused", "locked after failed attempts"),
        ("signin_refused", "locked after failed attempts"),
        ("signin", ""),
    ]
    # The count started again: four more failures do not lock.
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(NotSignedIn, match="wrong"):
            services.accounts.sign_in("agent1", "guess")
    assert services.accounts.sign_in("agent1", "demo").username == "agent1"


def test_an_unknown_account_is_refused_like_a_wrong_password_and_audited(services: Services) -> None:
    mark = last_audit_id(services)
    with pytest.raises(NotSignedIn) as unknown:
        services.accounts.sign_in("nobody", "demo")
    with pytest.raises(NotSignedIn) as wrong:
        services.accounts.sign_in("agent1", "nope")
    assert str(unknown.value) == str(wrong.value) == "wrong user name or password"
    assert audit_actions(services, mark) == [
        ("signin_failed", "unknown account 'nobody'"),
        ("signin_failed", "attempt 1"),
    ]


def test_failed_sign_ins_arriving_at_once_are_all_counted(services: Services) -> None:
    """Eight wrong passwords at the same moment: exactly five count, then the lock holds
    (a write lock on both backends; without it PostgreSQL would lose some of the counts)."""
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def attempt() -> None:
        barrier.wait()
        try:
            services.accounts.sign_in("lead1", "guess")
        except NotSignedIn as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(outcomes) == 8
    actions = [a for a, _ in audit_actions(services) if a.startswith("signin_")]
    assert actions.count("signin_failed") == MAX_FAILURES
    assert actions.count("signin_refused") == 8 - MAX_FAILURES
    with pytest.raises(NotSignedIn, match="too many failed"):
        services.accounts.sign_in("lead1", "demo")


OFFICE_ONLY: list[tuple[str, Callable[[Services, Staff, str], object]]] = [
    ("add accounts", lambda s, st, who: s.accounts.add(getattr(st, who), "newbie", "secret", "agent")),
    ("list accounts", lambda s, st, who: s.accounts.list(getattr(st, who))),
    ("disable accounts", lambda s, st, who: s.accounts.set_active(getattr(st, who), "agent2", False)),
    ("another's password", lambda s, st, who: s.accounts.passwd(getattr(st, who), "agent2", "newpass")),
    ("supervise", lambda s, st, who: s.tickets.supervise(getattr(st, who), st_number(s, st))),
]


def st_number(services: Services, staff: Staff) -> str:
    return services.tickets.take_call(staff.agent1, intake()).number


@pytest.mark.parametrize("who", ["agent1", "lead1"])
@pytest.mark.parametrize(("what", "step"), OFFICE_ONLY, ids=[w for w, _ in OFFICE_ONLY])
def test_the_offices_tasks_are_refused_to_agents_and_leads(
    services: Services, staff: Staff, who: str, what: str, step: Callable[[Services, Staff, str], object]
) -> None:
    mark = last_audit_id(services)
    with pytest.raises(PermissionDenied, match=f"{who} \\((agent|lead)\\) may not"):
        step(services, staff, who)
    assert not [a for a, _ in audit_actions(services, mark) if a.startswith("account_")]


def test_the_office_may_not_lock_itself_out_and_anyone_may_change_their_own_password(
    services: Services, staff: Staff
) -> None:
    with pytest.raises(Conflict, match="cannot disable itself"):
        services.accounts.set_active(staff.office1, "office1", False)
    services.accounts.passwd(staff.agent1, "agent1", "my-new-pass")
    with pytest.raises(NotSignedIn):
        services.accounts.sign_in("agent1", "demo")
    assert services.accounts.sign_in("agent1", "my-new-pass").username == "agent1"


def test_the_calendar_is_loaded_by_the_office_only(services: Services, staff: Staff, tmp_path: Path) -> None:
    year = tmp_path / "2027.json"
    holidays = ["2027-01-01..2027-01-03", "2027-05-01..2027-05-05", "2027-10-01..2027-10-07"]
    year.write_text(json.dumps({"year": 2027, "holidays": holidays, "workdays": []}))
    for who in (staff.agent1, staff.lead1):
        with pytest.raises(PermissionDenied, match="may not"):
            services.calendar.load_year(who, year)
    loaded, _changed = services.calendar.load_year(staff.office1, year)
    assert loaded.year == 2027
