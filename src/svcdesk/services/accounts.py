"""Sign-in and account administration. Passwords are hashed with Argon2id; failed sign-ins
are counted, audited and, after several in a row, the account is locked for a while."""

from __future__ import annotations

import functools
import math
import re
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from svcdesk.domain.clock import Clock
from svcdesk.domain.roles import Permission, Role
from svcdesk.domain.validation import InputError, clean_text
from svcdesk.services import audit
from svcdesk.services.context import Actor
from svcdesk.services.errors import Conflict, Invalid, NotFound, NotSignedIn
from svcdesk.store import repo
from svcdesk.store.database import Database, Session
from svcdesk.store.models import Account

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=5)
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,40}$")
_hasher = PasswordHasher()


WRONG = "wrong user name or password"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    if not _encodable(password):  # undecodable bytes: no account can have that password
        password = ""
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash("not the password of any account")


def _check_password(password: str) -> str:
    if not password or len(password) < 4:
        raise Invalid("password: at least 4 characters", field="password")
    if len(password) > 200:
        raise Invalid("password: at most 200 characters", field="password")
    if "\x00" in password or not _encodable(password):
        raise Invalid(
            "password: contains a character that cannot be typed (NUL or broken text)", field="password"
        )
    return password


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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
        """Checks the password, then records the outcome. The Argon2 check (tens of
        milliseconds of CPU, on purpose) runs outside the write transaction, so a shift signing
        in at once never holds the other workstations' writes; the outcome is decided again
        under the write lock, on the account as it is then (a lock set meanwhile still holds)."""
        now = self._clock.now()
        name = username or ""
        with self._db.read() as s:
            seen = repo.account_by_username(s, name)
            seen_hash = seen.password_hash if seen is not None else None
        # An unknown account costs the same check as a known one: no timing hint either.
        verified = _verify(seen_hash or _dummy_hash(), password or "") and seen_hash is not None

        def record(s: Session) -> tuple[Actor | None, str]:
            a = repo.account_by_username(s, name)
            if a is None:
                # The same message as a wrong password: no hint whether the account exists.
                audit.record(s, None, now, "signin_failed", f"unknown account {name[:40]!r}")
                return None, WRONG
            if not a.active:
                audit.record(s, _actor(a), now, "signin_refused", "account disabled")
                return None, f"the account {name} is disabled; ask the hotline office"
            if a.locked_until is not None and a.locked_until > now:
                audit.record(s, _actor(a), now, "signin_refused", "locked after failed attempts")
                minutes = max(1, math.ceil((a.locked_until - now).total_seconds() / 60))
                return None, f"too many failed sign-ins for {name}: try again in {minutes} min"
            ok = verified if a.password_hash == seen_hash else _verify(a.password_hash, password or "")
            if not ok:
                a.failed_signins += 1
                if a.failed_signins >= MAX_FAILURES:
                    a.locked_until = now + LOCK_FOR
                s.add(a)
                audit.record(s, _actor(a), now, "signin_failed", f"attempt {a.failed_signins}")
                return None, WRONG
            if a.failed_signins or a.locked_until:
                a.failed_signins = 0
                a.locked_until = None
                s.add(a)
            audit.record(s, _actor(a), now, "signin")
            return _actor(a), ""

        # The refusal is audited, so the transaction commits before the error is raised.
        actor, refusal = self._db.transaction(record)
        if actor is None:
            raise NotSignedIn(refusal)
        return actor

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
        hashed = hash_password(password)  # outside the transaction: it takes a while, on purpose

        def create(s: Session) -> Actor:
            if repo.account_by_username(s, username) is not None:
                raise Conflict(f"username: an account named {username} already exists")
            a = Account(
                username=username,
                display_name=display,
                role=r.value,
                password_hash=hashed,
                created_at=now,
            )
            s.add(a)
            s.flush()
            audit.record(s, actor, now, "account_add", f"{username} as {r.value}")
            return _actor(a)

        return self._db.transaction(create)

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
        hashed = hash_password(password)

        def change(s: Session) -> None:
            a = self._target(s, username)
            a.password_hash = hashed
            a.failed_signins = 0
            a.locked_until = None
            s.add(a)
            audit.record(s, actor, now, "account_passwd", username)

        self._db.transaction(change)

    def set_active(self, actor: Actor, username: str, active: bool) -> None:
        actor.require(Permission.MANAGE_ACCOUNTS, "disable accounts")
        if actor.username == username and not active:
            raise Conflict("an office account cannot disable itself")
        now = self._clock.now()

        def change(s: Session) -> None:
            a = self._target(s, username)
            a.active = active
            s.add(a)
            audit.record(s, actor, now, "account_enable" if active else "account_disable", username)

        self._db.transaction(change)

    def exists(self, username: str) -> bool:
        with self._db.read() as s:
            return repo.account_by_username(s, username) is not None
