"""Turning the services' refusals into words in the interface language.

Validation problems carry the field and a stable code (``FieldProblem``); each code has a
message in the catalogue (``field.error.<code>``), and the most common ones a message for the
field itself (``field.error.<code>.<field>``). A phone number is checked again here so that
the message can say what is wrong with it (``phone.error.<code>``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcdesk.i18n import CATALOGUES, Translator
from svcdesk.services.errors import Conflict, Invalid, NotFound, NotSignedIn, PermissionDenied, ServiceError
from svcdesk.store.errors import DatabaseError, DatabaseUnavailable

if TYPE_CHECKING:
    from svcdesk.domain.validation import FieldProblem


def _has(key: str) -> bool:
    return key in CATALOGUES["en"]


def phone_problem(t: Translator, text: str) -> str | None:
    """What is wrong with a typed phone number, or None when it is a usable number."""
    # Imported here: the sign-in screen shows errors too, and is drawn before phonenumbers loads.
    from svcdesk.domain.phone import PhoneError, normalize_phone

    try:
        normalize_phone(text)
    except PhoneError as exc:
        key = f"phone.error.{exc.code}"
        return t(key) if _has(key) else t("phone.error.invalid")
    return None


def problem_text(t: Translator, problem: FieldProblem, typed: str = "") -> str:
    if problem.field == "caller_phone" and problem.code == "bad_phone" and typed:
        return phone_problem(t, typed) or t("field.error.bad_phone")
    for key in (f"field.error.{problem.code}.{problem.field}", f"field.error.{problem.code}"):
        if _has(key):
            return t(key)
    return t("field.error.other", detail=problem.message)


def invalid_text(t: Translator, exc: Invalid) -> str:
    """An :class:`Invalid` that is not a list of field problems (mode, unit, ...)."""
    message = str(exc)
    field = exc.field or ""
    if field == "unit_code":
        if "required" in message:
            return t("field.error.required.unit_code")
        if "no longer active" in message:
            return t("field.error.unit_inactive")
        return t("field.error.unit_unknown")
    if field == "mode":
        return t("field.error.mode_not_applicable")
    if field == "callback_at":
        return t("field.error.callback_past")
    return t("field.error.other", detail=message.split(": ", 1)[-1])


def error_text(t: Translator, exc: BaseException) -> str:
    """Any refusal or database problem, for the status line of a screen."""
    if isinstance(exc, DatabaseUnavailable):
        return t("console.error.unavailable", detail=str(exc))
    if isinstance(exc, DatabaseError):
        return t("error.database", detail=str(exc))
    if isinstance(exc, PermissionDenied):
        return t("console.error.permission", detail=str(exc))
    if isinstance(exc, NotSignedIn):
        return t("console.error.signin", detail=str(exc))
    if isinstance(exc, Conflict):
        return t("console.error.conflict", detail=str(exc))
    if isinstance(exc, NotFound):
        return t("console.error.not_found", detail=str(exc))
    if isinstance(exc, Invalid):
        return invalid_text(t, exc)
    if isinstance(exc, ServiceError):
        return str(exc)
    return t("console.error.unexpected", detail=f"{type(exc).__name__}: {exc}")
