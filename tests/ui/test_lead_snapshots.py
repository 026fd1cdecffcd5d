"""Snapshots of the lead's screens in Chinese and English: fixed size, frozen clock, no
animation, no blinking cursor. ``--snapshot-update`` rewrites them after a deliberate change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from svcdesk.domain.clock import FixedClock
from svcdesk.services.factory import Services
from svcdesk.services.quality import NORMS
from svcdesk.ui.app import SvcdeskApp
from svcdesk.ui.screens.callbacks import CallbacksScreen
from svcdesk.ui.screens.dashboard import DashboardScreen
from svcdesk.ui.screens.detail import DetailScreen
from svcdesk.ui.screens.handover import HandoverScreen
from svcdesk.ui.screens.queue import QueueScreen
from tests.conftest import Staff, intake
from tests.ui.lead_helpers import SIZE, settle

LANGS = ["zh", "en"]


def _shift(services: Services, staff: Staff, clock: FixedClock) -> dict[str, str]:
    """A small shift: tickets in every state the lead's screens show, at fixed times."""
    t = services.tickets
    first = t.take_call(staff.agent1, intake(place="西湖区文三路100号")).number
    t.take_call(staff.agent2, intake(caller_phone="13900001111"), bind_to=first)
    clock.advance(minutes=5)
    late = t.take_call(
        staff.agent1, intake(category="complaint", subtype="other", place="拱墅区莫干山路8号", major=True)
    ).number
    t.dispatch(staff.lead1, late, "CGJ", urgent=True)
    replied = t.take_call(
        staff.agent1, intake(place="上城区延安路20号", details="小区电梯经常故障,物业不处理。")
    ).number
    t.dispatch(staff.lead1, replied, "JTJ", days=3)
    t.reply(staff.lead1, replied, "经现场核查,电梯已维修完毕。", handler="李工")
    services.lead.quality.score(staff.lead1, {**NORMS, "forbidden": 0}, agent="agent1")
    services.lead.handover.write(
        staff.lead1, {"business": "公积金新政今日起执行", "difficult": "文三路路灯反复来电"}
    )
    clock.advance(hours=24, minutes=10)
    fresh = t.take_call(staff.agent2, intake(place="滨江区江南大道5号")).number
    clock.advance(minutes=20)
    return {"first": first, "late": late, "replied": replied, "fresh": fresh}


def _before(actor_name: str, make: Callable[[], Screen[Any]]) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, SvcdeskApp)
        app.actor = next(a for a in (app.services.accounts.sign_in(actor_name, "demo"),) if a is not None)
        await pilot.pause()
        await app.push_screen(make())
        await settle(app, pilot)

    return run_before


@pytest.fixture
def shift(services: Services, staff: Staff, clock: FixedClock) -> dict[str, str]:
    return _shift(services, staff, clock)


@pytest.mark.parametrize("lang", LANGS)
def test_queue(snap_compare: Any, services: Services, shift: dict[str, str], lang: str) -> None:
    assert snap_compare(
        SvcdeskApp(services, lang=lang), terminal_size=SIZE, run_before=_before("lead1", QueueScreen)
    )


@pytest.mark.parametrize("lang", LANGS)
def test_detail(snap_compare: Any, services: Services, shift: dict[str, str], lang: str) -> None:
    number = shift["replied"]
    assert snap_compare(
        SvcdeskApp(services, lang=lang),
        terminal_size=SIZE,
        run_before=_before("lead1", lambda: DetailScreen(number)),
    )


@pytest.mark.parametrize("lang", LANGS)
def test_callbacks(snap_compare: Any, services: Services, shift: dict[str, str], lang: str) -> None:
    assert snap_compare(
        SvcdeskApp(services, lang=lang), terminal_size=SIZE, run_before=_before("agent1", CallbacksScreen)
    )


@pytest.mark.parametrize("lang", LANGS)
def test_handover(snap_compare: Any, services: Services, shift: dict[str, str], lang: str) -> None:
    assert snap_compare(
        SvcdeskApp(services, lang=lang), terminal_size=SIZE, run_before=_before("office1", HandoverScreen)
    )


@pytest.mark.parametrize("lang", LANGS)
def test_dashboard(snap_compare: Any, services: Services, shift: dict[str, str], lang: str) -> None:
    assert snap_compare(
        SvcdeskApp(services, lang=lang), terminal_size=SIZE, run_before=_before("lead1", DashboardScreen)
    )


def test_the_shift_is_what_the_snapshots_show(
    services: Services, staff: Staff, shift: dict[str, str]
) -> None:
    rows = services.lead.queue.page(staff.lead1).rows
    assert [r.number for r in rows] == [shift["first"], shift["late"], shift["fresh"]]
    assert rows[0].group_size == 2 and rows[1].urgent
    assert services.lead.callbacks.due(staff.agent1)[0].number == shift["replied"]
    assert timedelta(0) < services.lead.dashboard.snapshot(staff.lead1).oldest_waiting  # type: ignore[operator]
