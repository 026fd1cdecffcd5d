"""Reference data the office maintains: handling units, the referral directory, the knowledge
base, and the scripts agents read. ``load_shipped`` loads the samples under ``data/``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from svcdesk.domain.clock import Clock
from svcdesk.domain.roles import Permission
from svcdesk.services import audit
from svcdesk.services.context import Actor
from svcdesk.services.errors import Invalid
from svcdesk.store import repo, search
from svcdesk.store.database import Database
from svcdesk.store.models import KbEntry, Referral, Unit


@dataclass(frozen=True)
class UnitView:
    code: str
    name: str
    kind: str
    phone: str
    active: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "phone": self.phone,
            "active": self.active,
        }


@dataclass(frozen=True)
class KbView:
    id: int
    title: str
    answer: str
    department: str
    contact: str
    keywords: str
    review_date: date | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "answer": self.answer,
            "department": self.department,
            "contact": self.contact,
            "keywords": self.keywords,
            "review_date": self.review_date.isoformat() if self.review_date else None,
        }


@dataclass(frozen=True)
class ReferralView:
    key: str
    name: str
    number: str
    note: str


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise Invalid(f"cannot read {path}: {exc}", field="path") from exc
    if not isinstance(data, dict):
        raise Invalid(f"{path}: expected a JSON object", field="path")
    return data


class ReferenceService:
    def __init__(self, db: Database, clock: Clock, data_dir: Path) -> None:
        self._db = db
        self._clock = clock
        self._data = data_dir
        self._scripts: dict[str, Any] | None = None

    def units(self, actor: Actor, active_only: bool = False) -> list[UnitView]:
        actor.require(Permission.READ_QUEUE, "read the units")
        with self._db.read() as s:
            return [UnitView(u.code, u.name, u.kind, u.phone, u.active) for u in repo.units(s, active_only)]

    def referrals(self, actor: Actor) -> list[ReferralView]:
        actor.require(Permission.READ_QUEUE, "read the referral directory")
        with self._db.read() as s:
            return [ReferralView(r.key, r.name, r.number, r.note) for r in repo.referrals(s)]

    def kb_search(self, actor: Actor, text: str, limit: int = 20) -> list[KbView]:
        """Entries whose title, keywords or answer contain every term of ``text`` (Chinese
        substrings; terms separated by spaces), best first; any text is searched as typed."""
        actor.require(Permission.SEARCH_KB, "search the knowledge base")
        if len(text) > 200:
            raise Invalid("text: at most 200 characters", field="text")
        with self._db.read() as s:
            return [
                KbView(e.id or 0, e.title, e.answer, e.department, e.contact, e.keywords, e.review_date)
                for e in search.kb_entries(s, text, limit)
            ]

    def scripts(self) -> dict[str, Any]:
        if self._scripts is None:
            self._scripts = _read_json(self._data / "scripts.json")
        return self._scripts

    def load_shipped(self, actor: Actor | None) -> dict[str, int]:
        """Loads the sample units, referrals and knowledge base; existing rows are updated by
        their key (unit code, referral key, entry title), so ``init`` can run again safely."""
        now = self._clock.now()
        counts = {"units": 0, "referrals": 0, "kb": 0}
        units = _read_json(self._data / "units.json").get("units", [])
        refs = _read_json(self._data / "referrals.json").get("referrals", [])
        entries = _read_json(self._data / "kb.json").get("entries", [])
        with self._db.write() as s:
            for u in units:
                row = repo.unit_by_code(s, u["code"]) or Unit(code=u["code"], name=u["name"])
                row.name, row.kind, row.phone = u["name"], u.get("kind", "municipal"), u.get("phone", "")
                s.add(row)
                counts["units"] += 1
            for r in refs:
                ref = repo.referral_by_key(s, r["key"]) or Referral(
                    key=r["key"], name=r["name"], number=r["number"]
                )
                ref.name, ref.number, ref.note = r["name"], r["number"], r.get("note", "")
                s.add(ref)
                counts["referrals"] += 1
            for e in entries:
                kb = repo.kb_by_title(s, e["title"]) or KbEntry(
                    title=e["title"], answer=e["answer"], updated_at=now
                )
                kb.answer = e["answer"]
                kb.department = e.get("department", "")
                kb.contact = e.get("contact", "")
                kb.keywords = e.get("keywords", "")
                rd = e.get("review_date")
                kb.review_date = date.fromisoformat(rd) if rd else None
                kb.updated_at = now
                s.add(kb)
                counts["kb"] += 1
            audit.record(
                s,
                actor,
                now,
                "reference_load",
                f"{counts['units']} units, {counts['referrals']} referrals,"
                f" {counts['kb']} knowledge-base entries",
            )
        return counts
