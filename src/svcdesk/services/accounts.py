"""Sign-in and account administration. Passwords are hashed with Argon2id; failed sign-ins
are counted, audited and, after several in a row, the account is locked for a while."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from svcdesk.domain.clock import Clock
from svcdesk.domain.roles import Permission, Role
from svcdesk.domain.validation import InputError, clean_text
from svcdesk.services import audit
from svcdesk.services.context import Actor
from svcdesk.services.errors import Conflict, Invalid, NotFound, NotSignedIn
from svcdesk.store import repo
from svcdesk.store.database import Database
from svcdesk.store.models import Account

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=5)
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,40}$")
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_password(password: str) -> str:
    if not password or len(password) < 4:
        raise Invalid("password: at least 4 characters", field="password")
    if len(password) > 200:
        raise Invalid("password: at most 200 characters", field="password")
    return password


def _check_username(username: str) -> str:
    if not USERNAME.match(username or ""):
        raise Invalid("username: 2 to 40 letters, digits, '.', '_' or '-'", field="username")
    return username


def _check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise Invalid(
            f"role: one of {', '.join(r.value for r in Role)}, not {role!r}", field="role"
        ) from None


def _actor(a: Account) -> Actor:
    assert a.id is not None
    return Actor(id=a.id, username=a.username, role=Role(a.role), display_name=a.display_name)


class AccountService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def sign_in(self, username: str, password: str) -> Actor:
        now = self._clock.now()
        refusal = "wrong user name or password"
        # The refusal is audited, so the transaction commits before the error is raised.
        with self._db.write() as s:
            a = repo.account_by_username(s, username or "")
            if a is None:
                # The same message as a wrong password: no hint whether the account exists.
                audit.record(s, None, now, "signin_failed", f"unknown account {username[:40]!r}")
            elif not a.active:
                audit.record(s, _actor(a), now, "signin_refused", "account disabled")
                refusal = f"the account {username} is disabled; ask the hotline office"
            elif a.locked_until is not None and a.locked_until > now:
                audit.record(s, _actor(a), now, "signin_refused", "locked after failed attempts")
                minutes = max(1, int((a.locked_until - now).total_seconds() // 60) + 1)
                refusal = f"too many failed sign-ins for {username}: try again in {minutes} min"
            else:
                try:
                    _hasher.verify(a.password_hash, password or "")
                except (VerificationError, InvalidHashError):
                    a.failed_signins += 1
                    if a.failed_signins >= MAX_FAILURES:
                        a.locked_until = now + LOCK_FOR
                    s.add(a)
                    audit.record(s, _actor(a), now, "signin_failed", f"attempt {a.failed_signins}")
                else:
                    if a.failed_signins or a.locked_until:
                        a.failed_signins = 0
                        a.locked_until = None
                        s.add(a)
                    audit.record(s, _actor(a), now, "signin")
                    return _actor(a)
        raise NotSignedIn(refusal)

    def add(
        self, actor: Actor | None, username: str, password: str, role: str, display_name: str = ""
    ) -> Actor:
        """``actor`` None is the system itself (``init``/``demo`` creating the first accounts)."""
        if actor is not None:
            actor.require(Permission.MANAGE_ACCOUNTS, "manage accounts")
        _check_username(username)
        _check_password(password)
        r = _check_role(role)
        try:
            display = clean_text(display_name or username, "display_name", 40, True) or username
        except InputError as exc:
            raise Invalid(str(exc), field="display_name") from exc
        now = self._clock.now()
        with self._db.write() as s:
            if repo.account_by_username(s, username) is not None:
                raise Conflict(f"username: an account named {username} already exists")
            a = Account(
                username=username,
                display_name=display,
                role=r.value,
                password_hash=hash_password(password),
                created_at=now,
            )
            s.add(a)
            s.flush()
            audit.record(s, actor, now, "account_add", f"{username} as {r.value}")
            return _actor(a)

    def list(self, actor: Actor) -> list[dict[str, object]]:
        actor.require(Permission.MANAGE_ACCOUNTS, "list accounts")
        with self._db.read() as s:
            return [
                {
                    "username": a.username,
                    "display_name": a.display_name,
                    "role": a.role,
                    "active": a.active,
                    "created_at": a.created_at.isoformat(),
                }
                for a in repo.accounts(s)
            ]

    def _target(self, s: object, username: str) -> Account:
        a = repo.account_by_username(s, username)  # type: ignore[arg-type]
        if a is None:
            raise NotFound(f"no account named {username!r}")
        return a

    def passwd(self, actor: Actor, username: str, password: str) -> None:
        if actor.username != username:
            actor.require(Permission.MANAGE_ACCOUNTS, "change another account's password")
        _check_password(password)
        now = self._clock.now()
        with self._db.write() as s:
            a = self._target(s, username)
            a.password_hash = hash_password(password)
            a.failed_signins = 0
            a.locked_until = None
            s.add(a)
            audit.record(s, actor, now, "account_passwd", username)

    def set_active(self, actor: Actor, username: str, active: bool) -> None:
        actor.require(Permission.MANAGE_ACCOUNTS, "disable accounts")
        if actor.username == username and not active:
            raise Conflict("an office account cannot disable itself")
        now = self._clock.now()
        with self._db.write() as s:
            a = self._target(s, username)
            a.active = active
            s.add(a)
            audit.record(s, actor, now, "account_enable" if active else "account_disable", username)

    def exists(self, username: str) -> bool:
        with self._db.read() as s:
            return repo.account_by_username(s, username) is not None

    def now(self) -> datetime:
        return self._clock.now()
