"""The intake's suggested classification: category, subtype and handling unit, taken from the
most similar earlier tickets by place and details. The agent accepts it with one key or
ignores it; it never fills anything by itself.

Similarity is the overlap of character pairs (bigrams), which suits Chinese text without a
word segmenter: 「文三路路灯不亮」 and 「文三路的路灯坏了」 share 文三, 三路, 路灯. Candidates
are recent tickets sharing a three-character fragment of the place or of the details (the
store bounds the window), scored in Python; the most similar ones vote, weighted by their
score.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from svcdesk.domain.categories import HANDLING
from svcdesk.domain.roles import Permission
from svcdesk.services.context import Actor
from svcdesk.store import suggest_queries
from svcdesk.store.database import Database
from svcdesk.store.draft_store import unavailable_as_error

#: Tickets below this similarity do not vote.
MIN_SCORE = 0.12
#: How many of the most similar tickets vote.
VOTERS = 12
#: Place and details weigh the same.
PLACE_WEIGHT = 0.5

_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z]+")


@dataclass(frozen=True)
class Suggestion:
    category: str
    subtype: str
    unit: str | None
    """The unit most of the similar tickets went to, when they went to one."""
    confidence: float
    """The winning classification's share of the votes, 0..1."""
    based_on: tuple[str, ...]
    """The ticket numbers that voted for it, most similar first."""


def bigrams(text: str) -> frozenset[str]:
    """Character pairs within runs of Chinese characters or letters (digits and punctuation
    break runs: house numbers say little about the kind of matter)."""
    out: set[str] = set()
    for run in _RUN.findall(text.lower()):
        if len(run) == 1:
            out.add(run)
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    return frozenset(out)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(place: str, details: str, other_place: str, other_details: str) -> float:
    p = _jaccard(bigrams(place), bigrams(other_place)) if place.strip() else 0.0
    d = _jaccard(bigrams(details), bigrams(other_details)) if details.strip() else 0.0
    if not place.strip():
        return d
    if not details.strip():
        return p
    return PLACE_WEIGHT * p + (1 - PLACE_WEIGHT) * d


def fragments(text: str, most: int) -> list[str]:
    """Up to ``most`` three-character fragments spread along the text's runs of Chinese
    characters or letters, for the store's substring look-up."""
    grams: list[str] = []
    for run in _RUN.findall(text):
        grams += [run[i : i + 3] for i in range(len(run) - 2)]
    grams = list(dict.fromkeys(grams))
    if len(grams) <= most:
        return grams
    step = len(grams) / most
    return [grams[int(i * step)] for i in range(most)]


class SuggestService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def suggest(self, actor: Actor, *, place: str = "", details: str = "") -> Suggestion | None:
        """The likeliest classification for an intake, or None when nothing similar enough
        was taken before."""
        actor.require(Permission.TAKE_CALL, "take calls")
        place, details = place.strip()[:200], details.strip()[:4000]
        place_terms = fragments(place, 2)
        detail_terms = fragments(details, 3)
        if not place_terms and not detail_terms:
            return None
        with unavailable_as_error(), self._db.read() as s:
            candidates = suggest_queries.similar_candidates(s, place_terms, detail_terms)
        scored = sorted(
            ((similarity(place, details, c.place, c.details), c) for c in candidates),
            key=lambda sc: -sc[0],
        )
        voters = [(score, c) for score, c in scored[:VOTERS] if score >= MIN_SCORE]
        votes: dict[tuple[str, str], float] = defaultdict(float)
        for score, c in voters:
            if (c.category, c.subtype) in HANDLING:
                votes[(c.category, c.subtype)] += score
        if not votes:
            return None
        (category, subtype), weight = max(votes.items(), key=lambda kv: (kv[1], kv[0]))
        winners = [c for _, c in voters if (c.category, c.subtype) == (category, subtype)]
        units: dict[str, float] = defaultdict(float)
        for score, c in voters:
            if (c.category, c.subtype) == (category, subtype) and c.unit:
                units[c.unit] += score
        unit = max(units.items(), key=lambda kv: (kv[1], kv[0]))[0] if units else None
        if not HANDLING[(category, subtype)].needs_unit:
            unit = None
        return Suggestion(
            category=category,
            subtype=subtype,
            unit=unit,
            confidence=round(weight / sum(votes.values()), 2),
            based_on=tuple(c.number for c in winners),
        )
