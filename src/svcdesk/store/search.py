"""Chinese substring search over tickets and the knowledge base, and the related-ticket look-ups
of an intake (spec §8, §11).

SQLite: FTS5 tables with the ``trigram`` tokenizer (migration 0003), kept in step with their
tables by triggers:

* ``ticket_fts`` (place, details) indexes every ticket (external content: the text stays in
  ``ticket`` only);
* ``ticket_open_fts`` (place, details) indexes the open tickets only (contentless; the
  triggers add a ticket when it enters an open status and take it out when it leaves), so
  that the intake's suggestions rank among thousands of rows rather than a million;
* ``kbentry_fts`` (title, keywords, answer) indexes the knowledge base.

PostgreSQL: ``pg_trgm`` GIN indexes on the same columns (partial ones for the open tickets)
serve ``ILIKE '%term%'``. They only hold trigrams of Chinese text when the database's
``LC_CTYPE`` is a UTF-8 locale (``C.UTF-8``, ``zh_CN.UTF-8``…); under the ``C`` locale the
queries stay correct but scan.

Search text is split on white space into terms that must all occur (an agent types
``文三路 路灯``). Each term is matched as a literal substring, whatever it contains: it is
quoted for FTS5 (``AND``, ``"``, ``*``, ``NEAR(`` are searched as typed, never parsed) and
escaped for ``LIKE``. A trigram index cannot find a term shorter than three characters, so:

* tickets, only short terms: a ``LIKE`` scan bounded to the newest :data:`SHORT_WINDOW`
  tickets (about a week of calls at a big city's rate);
* tickets, long and short terms: the long ones go through the index, and the short ones
  filter the newest :data:`CANDIDATES` of those matches;
* knowledge base: a ``LIKE`` scan of the whole base (it holds thousands of entries, not
  millions);
* suggestions at the same place, a two-character place: a ``LIKE`` scan of the open tickets.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Integer, case, func, literal, text
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, or_, select

from svcdesk.domain.states import OPEN_STATUS_VALUES
from svcdesk.store.models import KbEntry, Ticket

OPEN = OPEN_STATUS_VALUES
MAX_TERMS = 8
MAX_TERM_LENGTH = 100
SHORT_WINDOW = 20_000
"""Terms of one or two characters alone search the newest this many tickets."""
CANDIDATES = 5_000
"""Short terms beside long ones filter at most this many of the long ones' newest matches."""
SIMILAR_GRAMS = 12
"""At most this many trigrams of an intake's text go into the similar-details query (each one
more costs about 0.1 ms on ten thousand open tickets; the share below uses them all)."""
SIMILAR_MIN_SHARE = 0.3
"""A suggested ticket shares at least this part of the intake's trigrams."""

FTS_TABLES = ("ticket_fts", "ticket_open_fts", "kbentry_fts")
"""SQLite's search tables (each with FTS5's own shadow tables, named after it)."""
TICKET_TRIGGERS = (
    "ticket_fts_insert",
    "ticket_fts_delete",
    "ticket_fts_update",
    "ticket_open_fts_insert",
    "ticket_open_fts_delete",
    "ticket_open_fts_update",
)
"""The triggers that keep SQLite's ticket search tables in step (migration 0003)."""

_UNSEARCHABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_WORD_RUN = re.compile(r"\w+")


def terms(value: str) -> list[str]:
    """The terms of a search text: split on white space, control characters dropped, each
    kept once and at most :data:`MAX_TERM_LENGTH` characters, at most :data:`MAX_TERMS`."""
    out: list[str] = []
    for raw in _UNSEARCHABLE.sub(" ", value).split():
        term = raw[:MAX_TERM_LENGTH]
        if term not in out:
            out.append(term)
        if len(out) == MAX_TERMS:
            break
    return out


def fts_phrase(term: str) -> str:
    """``term`` as one FTS5 string: matched literally, never parsed as query syntax."""
    return '"' + term.replace('"', '""') + '"'


def like_pattern(term: str) -> str:
    """``%term%`` for ``LIKE … ESCAPE '\\'``: ``%`` and ``_`` in the term are literal."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def trigrams(value: str) -> list[str]:
    """The distinct three-character sequences of the word runs of ``value``, in order."""
    seen: dict[str, None] = {}
    for run in _WORD_RUN.findall(value.lower()):
        for i in range(len(run) - 2):
            seen.setdefault(run[i : i + 3], None)
    return list(seen)


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _contains(column: object, term: str, sqlite: bool) -> ColumnElement[bool]:
    c = col(column)  # type: ignore[call-overload]
    pattern = like_pattern(term)
    # SQLite's LIKE ignores ASCII case already, as the trigram index does; ILIKE there would
    # wrap both sides in lower() for nothing.
    return c.like(pattern, escape="\\") if sqlite else c.ilike(pattern, escape="\\")  # type: ignore[no-any-return]


def _ticket_has(term: str, sqlite: bool) -> ColumnElement[bool]:
    return or_(_contains(Ticket.place, term, sqlite), _contains(Ticket.details, term, sqlite))


def _in_order(session: Session, ids: Sequence[int]) -> list[Ticket]:
    if not ids:
        return []
    rows = {t.id: t for t in session.exec(select(Ticket).where(col(Ticket.id).in_(list(ids))))}
    return [rows[i] for i in ids if i in rows]


def _newest_window_start(session: Session) -> int:
    top = session.exec(select(func.max(Ticket.id))).one()
    return int(top or 0) - SHORT_WINDOW


# -- tickets -----------------------------------------------------------------------------


def ticket_ids(session: Session, value: str, limit: int = 20) -> list[int]:
    """Tickets whose place or details contain every term of ``value``, newest first."""
    found = terms(value)
    if not found or limit <= 0:
        return []
    sqlite = _is_sqlite(session)
    long = [t for t in found if len(t) >= 3]
    short = [t for t in found if len(t) < 3]
    if sqlite and long:
        match = " ".join(fts_phrase(t) for t in long)
        if not short:
            rows = session.connection().execute(
                text(
                    "SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH :match "
                    "ORDER BY rowid DESC LIMIT :limit"
                ),
                {"match": match, "limit": limit},
            )
            return [int(r[0]) for r in rows]
        candidates = (
            text(
                "SELECT rowid AS id FROM ticket_fts WHERE ticket_fts MATCH :match "
                "ORDER BY rowid DESC LIMIT :candidates"
            )
            .bindparams(match=match, candidates=CANDIDATES)
            .columns(id=Integer)
            .subquery("c")
        )
        q = (
            select(Ticket.id)
            .join(candidates, candidates.c.id == col(Ticket.id))
            .where(*(_ticket_has(t, sqlite) for t in short))
            .order_by(col(Ticket.id).desc())
            .limit(limit)
        )
        return [int(i) for i in session.exec(q) if i is not None]
    q = select(Ticket.id).where(*(_ticket_has(t, sqlite) for t in found))
    if not long:
        q = q.where(col(Ticket.id) > _newest_window_start(session))
    return [int(i) for i in session.exec(q.order_by(col(Ticket.id).desc()).limit(limit)) if i is not None]


def tickets(session: Session, value: str, limit: int = 20) -> list[Ticket]:
    return _in_order(session, ticket_ids(session, value, limit))


# -- knowledge base ----------------------------------------------------------------------


def _kb_order(found: Sequence[str], sqlite: bool) -> list[ColumnElement[object]]:
    """Entries whose title holds the first term come first, then by keywords, then by title."""
    first = found[0]
    return [
        _contains(KbEntry.title, first, sqlite).desc(),  # type: ignore[list-item]
        _contains(KbEntry.keywords, first, sqlite).desc(),  # type: ignore[list-item]
        col(KbEntry.title).asc(),  # type: ignore[list-item]
    ]


def _kb_has(term: str, sqlite: bool) -> ColumnElement[bool]:
    return or_(
        _contains(KbEntry.title, term, sqlite),
        _contains(KbEntry.keywords, term, sqlite),
        _contains(KbEntry.answer, term, sqlite),
    )


def kb_entries(session: Session, value: str, limit: int = 20) -> list[KbEntry]:
    """Knowledge-base entries whose title, keywords or answer contain every term of ``value``:
    those with the first term in their title first, then in their keywords, then by title (the
    same order on both backends); the whole base by title when ``value`` has no term."""
    found = terms(value)
    if limit <= 0:
        return []
    if not found:
        return list(session.exec(select(KbEntry).order_by(col(KbEntry.title)).limit(limit)))
    sqlite = _is_sqlite(session)
    long = [t for t in found if len(t) >= 3]
    short = [t for t in found if len(t) < 3]
    q = select(KbEntry)
    if sqlite and long:
        matches = (
            text("SELECT rowid AS id FROM kbentry_fts WHERE kbentry_fts MATCH :match")
            .bindparams(match=" ".join(fts_phrase(t) for t in long))
            .columns(id=Integer)
            .subquery("f")
        )
        q = q.join(matches, matches.c.id == col(KbEntry.id)).where(*(_kb_has(t, sqlite) for t in short))
    else:
        q = q.where(*(_kb_has(t, sqlite) for t in found))
    return list(session.exec(q.order_by(*_kb_order(found, sqlite)).limit(limit)))


# -- an intake's related tickets ---------------------------------------------------------


def open_by_phone(session: Session, phone: str, limit: int = 10) -> list[Ticket]:
    """The caller's open tickets, newest first (the phone index, then the status)."""
    q = (
        select(Ticket)
        .where(Ticket.caller_phone == phone)
        .where(col(Ticket.status).in_(OPEN))
        .order_by(col(Ticket.created_at).desc())
        .limit(limit)
    )
    return list(session.exec(q))


def open_at_place(
    session: Session, place: str, limit: int = 10, exclude_ids: Sequence[int] = ()
) -> list[Ticket]:
    """Open tickets whose place contains ``place`` (one literal substring), newest first."""
    place = _UNSEARCHABLE.sub(" ", place).strip()[:MAX_TERM_LENGTH]
    if len(place) < 2 or limit <= 0:
        return []
    sqlite = _is_sqlite(session)
    want = limit + len(exclude_ids)
    if sqlite and len(place) >= 3:
        rows = session.connection().execute(
            text(
                "SELECT rowid FROM ticket_open_fts WHERE ticket_open_fts MATCH :match "
                "ORDER BY rowid DESC LIMIT :limit"
            ),
            {"match": "place : " + fts_phrase(place), "limit": want},
        )
        ids = [int(r[0]) for r in rows]
    else:
        q = (
            select(Ticket.id)
            .where(col(Ticket.status).in_(OPEN))
            .where(_contains(Ticket.place, place, sqlite))
            .order_by(col(Ticket.id).desc())
            .limit(want)
        )
        ids = [int(i) for i in session.exec(q) if i is not None]
    excluded = set(exclude_ids)
    return _in_order(session, [i for i in ids if i not in excluded][:limit])


@dataclass(frozen=True)
class Similar:
    ticket: Ticket
    share: float
    """The part of the intake's trigrams found in the ticket's place and details."""


def _spread(grams: list[str], n: int) -> list[str]:
    """At most ``n`` of ``grams``, evenly spread over the text rather than its start."""
    if len(grams) <= n:
        return grams
    step = len(grams) / n
    return [grams[int(i * step)] for i in range(n)]


def similar_open(
    session: Session, value: str, limit: int = 10, exclude_ids: Sequence[int] = ()
) -> list[Similar]:
    """Open tickets whose place and details share much of ``value``'s text (an intake's place
    and details), most similar first.

    The index proposes candidates — SQLite: BM25 over the open tickets' trigram index, a
    rare shared trigram weighing more than a common one; PostgreSQL: the open tickets holding
    the most of the trigrams — and each candidate is kept when it shares at least
    :data:`SIMILAR_MIN_SHARE` of the intake's trigrams."""
    grams = trigrams(value)
    if not grams or limit <= 0:
        return []
    sqlite = _is_sqlite(session)
    want = 3 * limit + len(exclude_ids)
    if sqlite:
        match = " OR ".join(fts_phrase(g) for g in _spread(grams, SIMILAR_GRAMS))
        rows = session.connection().execute(
            text(
                "SELECT rowid FROM ticket_open_fts WHERE ticket_open_fts MATCH :match "
                "ORDER BY rank LIMIT :limit"
            ),
            {"match": match, "limit": want},
        )
        ids = [int(r[0]) for r in rows]
    else:
        # Candidates hold at least one of the trigrams (each ILIKE served by the partial
        # pg_trgm indexes of the open tickets), ranked by how many they hold.
        shared = [_ticket_has(g, sqlite) for g in _spread(grams, SIMILAR_GRAMS)]
        score = sum((case((c, 1), else_=0) for c in shared), start=literal(0))
        q = (
            select(Ticket.id)
            .where(col(Ticket.status).in_(OPEN))
            .where(or_(*shared))
            .order_by(score.desc(), col(Ticket.id).desc())
            .limit(want)
        )
        ids = [int(i) for i in session.exec(q) if i is not None]
    excluded = set(exclude_ids)
    candidates = [i for i in ids if i not in excluded]
    if not candidates:
        return []
    # The share is computed on the text alone; only the tickets kept are loaded whole.
    wanted = set(grams)
    shares: list[tuple[float, int]] = []
    texts = select(Ticket.id, Ticket.place, Ticket.details).where(col(Ticket.id).in_(candidates))
    for tid, place, details in session.exec(texts):
        share = len(wanted.intersection(trigrams(f"{place} {details}"))) / len(wanted)
        if share >= SIMILAR_MIN_SHARE and tid is not None:
            shares.append((share, tid))
    shares.sort(key=lambda s: (-s[0], -s[1]))
    share_of = {tid: share for share, tid in shares[:limit]}
    return [Similar(t, share_of[t.id]) for t in _in_order(session, list(share_of)) if t.id is not None]


def is_search_object(name: str | None, type_: str) -> bool:
    """Whether ``name`` is one of the search indexes the migrations create by hand (FTS5
    tables and their shadow tables on SQLite, pg_trgm indexes on PostgreSQL): the models do not
    declare them, so Alembic's autogenerate must leave them alone rather than drop them."""
    if not name:
        return False
    if type_ == "table":
        return any(name == t or name.startswith(t + "_") for t in FTS_TABLES)
    return type_ == "index" and name.endswith("_trgm")


def index_tickets_from(conn: sqlite3.Connection, first_id: int) -> None:
    """SQLite, a bulk load done with :data:`TICKET_TRIGGERS` dropped: indexes the tickets from
    ``first_id`` on as the triggers would have, in one pass per search table."""
    conn.execute(
        "INSERT INTO ticket_fts(rowid, place, details) SELECT id, place, details FROM ticket WHERE id >= ?",
        (first_id,),
    )
    conn.execute(
        "INSERT INTO ticket_open_fts(rowid, place, details) SELECT id, place, details FROM ticket "
        f"WHERE id >= ? AND status IN ({', '.join('?' * len(OPEN))})",
        (first_id, *OPEN),
    )
