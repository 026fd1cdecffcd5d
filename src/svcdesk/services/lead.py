"""The services of the shift lead's and the office's console, built together (the factory's
``Services.lead``): they share the database, the clock and the ticket and metrics services."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from svcdesk.domain.clock import Clock
from svcdesk.services.callbacks_queue import CallbackQueueService
from svcdesk.services.dashboard import DashboardService
from svcdesk.services.detail import DetailService
from svcdesk.services.handover import HandoverService
from svcdesk.services.metrics import MetricsService
from svcdesk.services.quality import QualityService
from svcdesk.services.queue import QueueService
from svcdesk.services.tickets import TicketService
from svcdesk.store.database import Database


@dataclass
class LeadServices:
    queue: QueueService
    callbacks: CallbackQueueService
    handover: HandoverService
    quality: QualityService
    dashboard: DashboardService
    detail: DetailService

    @classmethod
    def build(
        cls, db: Database, clock: Clock, tz: ZoneInfo, tickets: TicketService, metrics: MetricsService
    ) -> LeadServices:
        queue = QueueService(db, clock)
        callbacks = CallbackQueueService(db, clock)
        quality = QualityService(db, clock, tz)
        return cls(
            queue=queue,
            callbacks=callbacks,
            handover=HandoverService(db, clock),
            quality=quality,
            dashboard=DashboardService(db, clock, tz, metrics, queue, callbacks, quality),
            detail=DetailService(db, tickets),
        )
