"""Bad input on every intake field: a clear message naming the field, nothing written."""

from __future__ import annotations

import pytest

from svcdesk.services.factory import Services
from svcdesk.services.tickets import InvalidInput
from svcdesk.store import repo
from tests.conftest import Staff, intake

BAD = [
    ("caller_phone", {"caller_phone": "12"}),
    ("caller_phone", {"caller_phone": "1381234567x"}),
    ("caller_phone", {"caller_phone": ""}),
    ("caller_name", {"caller_name": "张" * 41}),
    ("caller_name", {"caller_name": "张\x00三"}),
    ("caller_name", {"caller_name": ""}),
    ("event_time", {"event_time": "yesterday"}),
    ("event_time", {"event_time": "2025-13-01 10:00"}),
    ("event_time", {"event_time": "2030-01-01 10:00"}),
    ("event_time", {"event_time": ""}),
    ("place", {"place": ""}),
    ("place", {"place": "文三路\u202e100号"}),
    ("place", {"place": "路" * 201}),
    ("details", {"details": ""}),
    ("details", {"details": "x" * 4001}),
    ("details", {"details": "路灯\x1b[31m坏了"}),
    ("category", {"category": "gossip"}),
    ("subtype", {"subtype": "cosmic"}),
    ("mode", {"mode": "telepathy"}),
    ("unit_code", {"mode": "phone_handover", "category": "help", "subtype": "urgent", "unit_code": "NOPE"}),
    ("unit_code", {"mode": "phone_handover", "category": "help", "subtype": "urgent", "unit_code": None}),
]


@pytest.mark.parametrize(("field", "change"), BAD, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD)])
def test_bad_input_names_the_field_and_writes_nothing(
    services: Services, staff: Staff, field: str, change: dict[str, object]
) -> None:
    with services.db.read() as s:
        before = (repo.count_tickets(s), repo.count_audit(s))
    with pytest.raises(Exception) as info:
        services.tickets.take_call(staff.agent1, intake(**change))
    err = info.value
    assert getattr(err, "field", None) == field, str(err)
    assert field in str(err)
    with services.db.read() as s:
        assert (repo.count_tickets(s), repo.count_audit(s)) == before


def test_all_problems_are_reported_in_tab_order(services: Services, staff: Staff) -> None:
    with pytest.raises(InvalidInput) as info:
        services.tickets.take_call(staff.agent1, intake(details="", place="", caller_phone="abc"))
    fields = [p.field for p in info.value.problems]
    assert fields == ["caller_phone", "place", "details"]


def test_text_is_stored_exactly_as_typed(services: Services, staff: Staff) -> None:
    details = '楼道里有"奇怪"的味道 \'; DROP TABLE ticket; -- 😀 mixed English 和中文'
    v = services.tickets.take_call(staff.agent1, intake(details=details))
    assert services.tickets.get(staff.agent1, v.number).details == details
