"""The six categories (六大类), their subtypes and the prescribed handling of spec §3.

The guidance texts live in the i18n catalogue under ``guidance.<category>.<subtype>``;
this module holds the rules the services enforce and the console shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Mode(StrEnum):
    DIRECT = "direct"
    PHONE_HANDOVER = "phone_handover"
    TRANSFER = "transfer"


MODES: tuple[str, ...] = tuple(m.value for m in Mode)


@dataclass(frozen=True)
class Referral:
    """A number the caller is guided to when the matter is out of the hotline's scope."""

    key: str
    number: str


LEGAL_AID = Referral("legal_aid", "12348")
POLICE = Referral("police", "110")
DISCIPLINE = Referral("discipline", "12388")
PETITIONS = Referral("petitions", "信访")
COURT = Referral("court", "法院/检察院")


@dataclass(frozen=True)
class Handling:
    category: str
    subtype: str
    modes: tuple[Mode, ...]
    """Handling modes that apply; the first is the one the console proposes."""
    needs_unit: bool
    """The matter goes to a handling unit (dispatch or phone hand-over)."""
    consult_lead: bool = False
    """The agent consults the shift lead first (hold), spec §3 complex/urgent requests."""
    to_office: bool = False
    """Goes up to the hotline office rather than a unit's queue."""
    always_major: bool = False
    referrals: tuple[Referral, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.category}.{self.subtype}"

    @property
    def guidance_key(self) -> str:
        return f"guidance.{self.category}.{self.subtype}"


_D, _P, _T = Mode.DIRECT, Mode.PHONE_HANDOVER, Mode.TRANSFER

HANDLING: dict[tuple[str, str], Handling] = {
    (h.category, h.subtype): h
    for h in (
        Handling("suggestion", "reasonable", (_T,), needs_unit=True),
        Handling("suggestion", "unreasonable", (_D,), needs_unit=False),
        Handling("general_request", "simple", (_D,), needs_unit=False),
        Handling("general_request", "general", (_T,), needs_unit=True),
        Handling("general_request", "complex_urgent", (_T, _P), needs_unit=True, consult_lead=True),
        Handling(
            "help",
            "out_of_scope",
            (_D,),
            needs_unit=False,
            referrals=(LEGAL_AID, POLICE, COURT),
        ),
        Handling("help", "general", (_T,), needs_unit=True),
        Handling("help", "urgent", (_P, _T), needs_unit=True),
        Handling(
            "complaint",
            "major",
            (_D,),
            needs_unit=False,
            always_major=True,
            referrals=(DISCIPLINE, PETITIONS),
        ),
        Handling("complaint", "staff_conduct", (_T,), needs_unit=True),
        Handling("complaint", "other", (_T,), needs_unit=True),
        Handling("inquiry", "simple", (_D,), needs_unit=False),
        Handling("inquiry", "professional", (_D, _T), needs_unit=False),
        Handling("praise", "unit", (_T,), needs_unit=True),
        Handling("praise", "hotline", (_D,), needs_unit=False),
    )
}

CATEGORIES: dict[str, tuple[str, ...]] = {}
for _c, _s in HANDLING:
    CATEGORIES.setdefault(_c, ())
    CATEGORIES[_c] = (*CATEGORIES[_c], _s)


def handling_for(category: str, subtype: str) -> Handling:
    try:
        return HANDLING[(category, subtype)]
    except KeyError:
        if category not in CATEGORIES:
            raise ValueError(f"unknown category {category!r}; one of {', '.join(CATEGORIES)}") from None
        raise ValueError(
            f"unknown subtype {subtype!r} for {category}; one of {', '.join(CATEGORIES[category])}"
        ) from None
