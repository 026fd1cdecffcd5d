"""The hotline office's lists: supervised tickets, units' late tickets, returned tickets,
complaints flagged major (the last 30 days, closed ones too) and matters the leads escalated.
The queue's screen with the office's views; ``v`` moves between them, and the steps are the
same keys (the office may supervise, ``s``)."""

from __future__ import annotations

from typing import ClassVar

from svcdesk.services.queue import OFFICE_VIEWS
from svcdesk.ui.screens.queue import QueueScreen


class OfficeScreen(QueueScreen):
    VIEWS: ClassVar[tuple[str, ...]] = OFFICE_VIEWS
