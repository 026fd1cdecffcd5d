"""The one place that wires svcdesk together; the CLI, the console and the tests all use it."""

from __future__ import annotations

from dataclasses import dataclass

from svcdesk.domain.clock import Clock, SystemClock
from svcdesk.services.accounts import AccountService
from svcdesk.services.calendar import CalendarService
from svcdesk.services.calls import CallService
from svcdesk.services.drafts import DraftService
from svcdesk.services.exports import ExportService
from svcdesk.services.imports import ImportService
from svcdesk.services.lead import LeadServices
from svcdesk.services.metrics import MetricsService
from svcdesk.services.reference import ReferenceService
from svcdesk.services.reports import ReportService
from svcdesk.services.settings import Settings
from svcdesk.services.suggest import SuggestService
from svcdesk.services.tickets import TicketService
from svcdesk.store import migrate
from svcdesk.store.database import Database, DatabaseError


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db: Database
    accounts: AccountService
    calendar: CalendarService
    reference: ReferenceService
    tickets: TicketService
    calls: CallService
    drafts: DraftService
    suggest: SuggestService
    metrics: MetricsService
    lead: LeadServices
    """The shift lead's and the office's: queue, callbacks, handover, quality, dashboard."""
    reports: ReportService
    exports: ExportService
    imports: ImportService

    def close(self) -> None:
        self.db.dispose()


def build_services(settings: Settings, clock: Clock | None = None, *, check: bool = True) -> Services:
    """Opens the database (refusing one from a newer svcdesk or a corrupt one) and builds the
    services. ``check=False`` is for ``init``, which creates or upgrades the schema itself."""
    clock = clock or SystemClock()
    db = Database(settings.db, create=not check)
    if check:
        migrate.ensure_current(db)
    calendar = CalendarService(db, settings.data, clock, settings.tz)
    tickets = TicketService(db, clock, settings.tz, calendar)
    metrics = MetricsService(db, clock, settings.tz)
    return Services(
        settings=settings,
        clock=clock,
        db=db,
        accounts=AccountService(db, clock),
        calendar=calendar,
        reference=ReferenceService(db, clock, settings.data),
        tickets=tickets,
        calls=CallService(db, clock, tickets),
        drafts=DraftService(db, clock),
        suggest=SuggestService(db),
        metrics=metrics,
        lead=LeadServices.build(db, clock, settings.tz, tickets, metrics),
        reports=ReportService(metrics, clock, settings.tz),
        exports=ExportService(db, clock, settings.tz),
        imports=ImportService(db, clock, settings.tz, tickets),
    )


@dataclass(frozen=True)
class DatabaseCheck:
    """``svcdesk db check``: which database, its schema ('current', 'behind', 'empty') and
    the problems found."""

    about: dict[str, str]
    schema: str
    problems: list[str]


def check_database(settings: Settings) -> DatabaseCheck:
    """Integrity and schema of the database, without opening the services (a database too
    old, or empty, is reported rather than refused)."""
    db = Database(settings.db)
    try:
        schema = migrate.check_schema(db)
        problems = db.integrity_problems(svcdesk_checks=schema != "empty")
        return DatabaseCheck(db.describe(), schema, problems)
    finally:
        db.dispose()


def public_calendar(settings: Settings, clock: Clock | None = None) -> CalendarService:
    """The working-day calendar for someone not signed in: the official holidays, and the
    years the office loaded when the database is there (it is neither created nor required)."""
    try:
        db: Database | None = Database(settings.db, create=False)
    except DatabaseError:
        db = None
    if db is not None and migrate.check_schema(db) == "empty":
        db = None
    return CalendarService(db, settings.data, clock or SystemClock(), settings.tz)


def initialize(settings: Settings, clock: Clock | None = None) -> Services:
    """``svcdesk init``: create or upgrade the schema and load the shipped reference data."""
    services = build_services(settings, clock, check=False)
    migrate.upgrade(services.db)
    services.reference.load_shipped(None)
    services.calendar.invalidate()
    return services
