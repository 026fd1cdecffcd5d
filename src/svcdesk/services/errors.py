"""Errors a person can act on. The CLI prints them and exits non-zero; the console shows them."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of every refusal the services give; the message is meant for the user."""

    code = "error"


class NotSignedIn(ServiceError):
    code = "auth"


class PermissionDenied(ServiceError):
    code = "permission"


class NotFound(ServiceError):
    code = "not_found"


class Invalid(ServiceError):
    """Bad input; ``field`` names what is wrong when it is one field."""

    code = "invalid"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(ServiceError):
    """The ticket is not in a state that allows the step."""

    code = "conflict"
