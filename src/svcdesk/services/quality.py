"""Call quality (质检, spec §12): a lead scores a call on the seed's work norms; scores roll up
per agent per month.

The scorecard gives each norm a number of points; the weights put business accuracy, the
procedure, the ticket writing and the manner on the phone above the set phrases, and add up to
100. A norm is scored from 0 to its points; the total is their sum.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from svcdesk.domain.clock import Clock
from svcdesk.domain.roles import Permission
from svcdesk.domain.validation import InputError, clean_text
from svcdesk.services import audit
from svcdesk.services.context import Actor
from svcdesk.services.errors import Invalid, NotFound, PermissionDenied
from svcdesk.store import quality_queries as qlq
from svcdesk.store import repo
from svcdesk.store.database import Database
from svcdesk.store.models import QualityScore

NORMS: dict[str, int] = {
    "opening": 5,
    "closing": 5,
    "polite": 10,
    "tone_pace": 5,
    "mandarin": 5,
    "accuracy": 15,
    "procedure": 10,
    "communication": 10,
    "attitude": 10,
    "ticket_writing": 10,
    "forbidden": 10,
    "hold": 5,
}
"""Norm -> points, in the seed's order: opening line, closing line, polite standard language,
tone and pace, clear Mandarin, business accuracy, following the procedure, communication skills,
attitude, ticket writing, no forbidden phrases, the hold rule."""
assert sum(NORMS.values()) == 100


@dataclass(frozen=True)
class ScoreView:
    id: int
    agent: str
    scored_by: str
    at: datetime
    ticket: str | None
    items: dict[str, int]
    total: float
    note: str


@dataclass(frozen=True)
class AgentMonth:
    agent: str
    display_name: str
    month: str
    """YYYY-MM in the centre's time zone."""
    calls: int
    average: float
    lowest: float
    weakest: str
    """The norm with the lowest share of its points over the month's scorecards."""


def month_bounds(month: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    first = month.replace(day=1)
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return datetime.combine(first, time(), tz), datetime.combine(nxt, time(), tz)


class QualityService:
    def __init__(self, db: Database, clock: Clock, tz: ZoneInfo) -> None:
        self._db = db
        self._clock = clock
        self._tz = tz

    def score(
        self,
        actor: Actor,
        items: Mapping[str, int],
        *,
        ticket: str | None = None,
        agent: str | None = None,
        note: str = "",
    ) -> ScoreView:
        """Scores one call: by its ticket (the agent is the one who accepted it) or, for a call
        that left no ticket, by the agent's user name. Every norm must be scored."""
        actor.require(Permission.SCORE_QUALITY, "score call quality")
        for key in items:
            if key not in NORMS:
                raise Invalid(f"{key}: not a norm of the scorecard ({', '.join(NORMS)})", field=key)
        clean: dict[str, int] = {}
        for key, points in NORMS.items():
            if key not in items:
                raise Invalid(f"{key}: every norm must be scored (0 to {points})", field=key)
            value = items[key]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= points:
                raise Invalid(f"{key}: a whole number from 0 to {points}, not {value!r}", field=key)
            clean[key] = value
        try:
            note = clean_text(note, "note", 1000, False, multiline=True) or ""
        except InputError as exc:
            raise Invalid(str(exc), field="note") from exc
        if ticket is None and not agent:
            raise Invalid("ticket: give the call's ticket or the agent scored", field="ticket")
        now = self._clock.now()
        with self._db.write() as s:
            t = None
            if ticket:
                t = repo.ticket_by_number(s, ticket.strip())
                if t is None:
                    raise NotFound(f"no ticket numbered {ticket!r}")
            agent_id = t.accepted_by_id if t is not None else None
            if agent:
                acc = repo.account_by_username(s, agent.strip())
                if acc is None or acc.id is None:
                    raise Invalid(f"agent: no account named {agent!r}", field="agent")
                if agent_id is not None and acc.id != agent_id:
                    raise Invalid(f"agent: {agent} did not take the call of ticket {ticket}", field="agent")
                agent_id = acc.id
            assert agent_id is not None
            if agent_id == actor.id:
                raise PermissionDenied(f"{actor.username} may not score their own call; ask another lead")
            total = float(sum(clean.values()))
            row = QualityScore(
                call_id=t.call_id if t is not None else None,
                ticket_id=t.id if t is not None else None,
                agent_id=agent_id,
                scored_by_id=actor.id,
                at=now,
                items=json.dumps(clean, sort_keys=True),
                total=total,
                note=note,
            )
            s.add(row)
            s.flush()
            names = repo.usernames_by_ids(s, [agent_id])
            audit.record(
                s,
                actor,
                now,
                "quality_score",
                f"call of {names.get(agent_id, '?')} scored {total:g}/100" + (f"; {note}" if note else ""),
                t.id if t is not None else None,
            )
            return ScoreView(
                row.id or 0,
                names.get(agent_id, "?"),
                actor.username,
                now,
                t.number if t is not None else None,
                clean,
                total,
                note,
            )

    def monthly(self, actor: Actor, month: date | None = None) -> list[AgentMonth]:
        """Each scored agent's month: calls scored, the average and lowest totals, and the norm
        that lost the most. A lead or the office sees everyone; an agent sees their own."""
        actor.require(Permission.READ_QUEUE, "read quality scores")
        own_only = not actor.can(Permission.SCORE_QUALITY)
        month = month or self._clock.now().astimezone(self._tz).date()
        start, end = month_bounds(month, self._tz)
        with self._db.read() as s:
            rows = qlq.scores_between(s, start, end)
        per: dict[str, list[tuple[QualityScore, str]]] = {}
        for score, username, display in rows:
            if own_only and score.agent_id != actor.id:
                continue
            per.setdefault(username, []).append((score, display))
        out = []
        for username, scores in sorted(per.items()):
            totals = [sc.total for sc, _ in scores]
            lost: dict[str, float] = dict.fromkeys(NORMS, 0.0)
            for sc, _ in scores:
                items = json.loads(sc.items)
                for key, points in NORMS.items():
                    lost[key] += 1 - int(items.get(key, 0)) / points
            weakest = max(NORMS, key=lambda k: (lost[k], -list(NORMS).index(k)))
            out.append(
                AgentMonth(
                    agent=username,
                    display_name=scores[0][1],
                    month=start.strftime("%Y-%m"),
                    calls=len(scores),
                    average=round(sum(totals) / len(totals), 1),
                    lowest=min(totals),
                    weakest=weakest if lost[weakest] > 0 else "",
                )
            )
        return out
