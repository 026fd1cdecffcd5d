"""svcdesk's own consistency checks, the same on SQLite and PostgreSQL (``svcdesk db check``).

The engines check their files (SQLite's integrity check) and their constraints; these check
what only svcdesk knows: a day's ticket counter must be at least its highest ticket number
(or the next intake of that day would be refused as a duplicate), every status must be one
the rules know, and every ticket must have the audit entry of its intake.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from svcdesk.domain.states import STATUSES


def _highest_serials(session: Session) -> dict[str, int]:
    """The highest serial of each day's ticket numbers (``YYYYMMDD-NNNN``, NNNN possibly
    longer). Within one length, the greatest string is the greatest number."""
    rows = session.connection().execute(
        text(
            "SELECT substr(number, 1, 8) AS day, length(number) AS len, max(number) AS top "
            "FROM ticket GROUP BY substr(number, 1, 8), length(number)"
        )
    )
    highest: dict[str, int] = {}
    for day, _len, top in rows:
        serial = str(top)[9:]
        if serial.isdigit():
            highest[day] = max(highest.get(day, 0), int(serial))
    return highest


def consistency_problems(session: Session) -> list[str]:
    problems: list[str] = []
    counters = {
        str(day): int(last)
        for day, last in session.connection().execute(text("SELECT day, last FROM ticketcounter"))
    }
    for day, top in sorted(_highest_serials(session).items()):
        if counters.get(day, 0) < top:
            problems.append(
                f"ticket counter of {day} is at {counters.get(day, 0)} but ticket {day}-{top:04d} "
                "exists: new tickets of that day would collide"
            )
    for status, count in session.connection().execute(
        text("SELECT status, count(*) FROM ticket GROUP BY status")
    ):
        if status not in STATUSES:
            problems.append(f"{count} ticket(s) in an unknown status {status!r}")
    missing = (
        session.connection()
        .execute(
            text(
                "SELECT count(*) FROM ticket t WHERE NOT EXISTS "
                "(SELECT 1 FROM audit a WHERE a.ticket_id = t.id AND a.action = 'submit')"
            )
        )
        .scalar_one()
    )
    if missing:
        problems.append(f"{missing} ticket(s) without the audit entry of their intake")
    return problems
