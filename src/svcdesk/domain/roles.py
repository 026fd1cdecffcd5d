"""Roles and what each may do (spec §1). Each role includes everything of the one below."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    LEAD = "lead"
    OFFICE = "office"


class Permission(StrEnum):
    TAKE_CALL = "take_call"
    READ_QUEUE = "read_queue"
    CALLBACK = "callback"
    SEARCH_KB = "search_kb"
    DISPATCH = "dispatch"
    REMIND = "remind"
    RECORD_REPLY = "record_reply"
    RECORD_RETURN = "record_return"
    BIND = "bind"
    HANDOVER = "handover"
    SCORE_QUALITY = "score_quality"
    SUPERVISE = "supervise"
    CLOSE_SUPERVISED = "close_supervised"
    MANAGE_ACCOUNTS = "manage_accounts"
    MANAGE_REFERENCE = "manage_reference"
    UNMASK = "unmask"
    EXPORT = "export"
    LOAD_CALENDAR = "load_calendar"
    ADMIN_DB = "admin_db"


_AGENT = frozenset(
    {
        Permission.TAKE_CALL,
        Permission.READ_QUEUE,
        Permission.CALLBACK,
        Permission.SEARCH_KB,
        Permission.BIND,
        Permission.EXPORT,
    }
)
_LEAD = _AGENT | {
    Permission.DISPATCH,
    Permission.REMIND,
    Permission.RECORD_REPLY,
    Permission.RECORD_RETURN,
    Permission.HANDOVER,
    Permission.SCORE_QUALITY,
}
_OFFICE = _LEAD | {
    Permission.SUPERVISE,
    Permission.CLOSE_SUPERVISED,
    Permission.MANAGE_ACCOUNTS,
    Permission.MANAGE_REFERENCE,
    Permission.UNMASK,
    Permission.LOAD_CALENDAR,
    Permission.ADMIN_DB,
}

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.AGENT: _AGENT,
    Role.LEAD: frozenset(_LEAD),
    Role.OFFICE: frozenset(_OFFICE),
}


def may(role: Role | str, permission: Permission) -> bool:
    return permission in PERMISSIONS[Role(role)]
