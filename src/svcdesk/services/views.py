"""What the services hand out: plain, serialisable views of tickets (the contract's JSON)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass
class HistoryEntry:
    at: datetime
    account: str | None
    action: str
    note: str

    def to_json(self) -> dict[str, Any]:
        return {"at": iso(self.at), "account": self.account, "action": self.action, "note": self.note}


@dataclass
class CallbackView:
    at: datetime
    account: str | None
    result: str
    note: str
    next_at: datetime | None
    round: int

    def to_json(self) -> dict[str, Any]:
        return {
            "at": iso(self.at),
            "account": self.account,
            "result": self.result,
            "note": self.note,
            "next_at": iso(self.next_at),
            "round": self.round,
        }


@dataclass
class TicketView:
    number: str
    status: str
    category: str
    subtype: str
    mode: str
    urgent: bool
    major: bool
    caller_name: str | None
    caller_phone: str | None
    event_time: datetime | None
    place: str
    details: str
    unit: str | None
    created_at: datetime
    dispatch_due_at: datetime | None
    dispatched_at: datetime | None
    due_at: datetime | None
    due_provisional: bool
    replied_at: datetime | None
    callback_due_at: datetime | None
    closed_at: datetime | None
    bound_to: list[str]
    accepted_by: str | None
    anonymous: bool = False
    round: int = 1
    supervised: bool = False
    escalated: bool = False
    handling_days: int | None = None
    reply_text: str = ""
    return_reason: str = ""
    direct_result: str = ""
    callback_result: str | None = None
    callback_next_at: datetime | None = None
    called_back_at: datetime | None = None
    callback_due_provisional: bool = False
    deadline_at: datetime | None = None
    close_reason: str = ""
    group_size: int = 1
    history: list[HistoryEntry] | None = None
    callbacks: list[CallbackView] | None = None
    kb_used: list[str] = field(default_factory=list)

    def to_json(self, *, with_history: bool = False) -> dict[str, Any]:
        data = asdict(self)
        data.pop("history")
        data.pop("callbacks")
        for key, value in list(data.items()):
            if isinstance(value, datetime):
                data[key] = iso(value)
        if with_history:
            data["history"] = [h.to_json() for h in self.history or []]
            data["callbacks"] = [c.to_json() for c in self.callbacks or []]
        return data
