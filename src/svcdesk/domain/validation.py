"""Validation of what agents type, with problems that name the field (spec §2 step 3).

Every problem is a :class:`FieldProblem` ``(field, code, message)``: ``field`` is the
input's name (as in the contract's Tab order), ``code`` a stable key the interface can
translate, ``message`` an English explanation. :class:`InputError` carries all of them.

Problem codes
    ``required``         a value is needed and none was given
    ``too_long``         more characters than the field holds (see :data:`MAX_LENGTHS`)
    ``control_chars``    a control character (C0/C1), a surrogate, or a line break or tab
                         in a single-line field
    ``invisible_chars``  a zero-width or bidi-override character (see below)
    ``bad_type``         not text (e.g. a number where text is expected)
    ``bad_phone``        not a usable phone number (the message says why)
    ``bad_time``         not a date and time, or an impossible one
    ``future_time``      more than 10 minutes after *now*
    ``bad_choice``       not one of the allowed values (category, subtype, mode)
    ``bad_value``        not a yes/no value (urgent, major, anonymous)
    ``conflict``         a name given for a caller marked anonymous

Text (:func:`clean_text`) is stored exactly as typed except for surrounding whitespace,
which is stripped, and line breaks, which become ``\\n`` (``\\r\\n``, ``\\r``, U+2028 and
U+2029). Chinese, mixed scripts, emoji, quotes and SQL fragments are ordinary text.
Refused anywhere: C0/C1 control characters (``\\n`` and ``\\t`` are allowed inside
multi-line fields only), lone surrogates, and the invisible characters U+200B–U+200F,
U+202A–U+202E, U+2066–U+2069, U+FEFF, U+061C and U+2060. The zero-width joiner U+200D is
allowed between two emoji (👨‍👩‍👧, 🏳️‍🌈), its one legitimate use in typed text.

The ticket-writing rule (工单书写): the caller's phone, name, event time, place and
details are required, except for an inquiry answered directly (category ``inquiry``
and mode ``direct``), which needs only the details. An anonymous caller is allowed: the
agent types one of :data:`~svcdesk.domain.masking.ANONYMOUS_NAMES` (``匿名``,
``anonymous``, …) in the name field, or passes ``anonymous=True``; the ticket then has
``caller_name=None`` and ``anonymous=True``. A ticket handed over or transferred to a
unit always needs a phone number so the caller can be called back.

:func:`find_forbidden` finds the phrases agents must not use (通话禁忌,
:data:`FORBIDDEN_PHRASES`) in what they write; it is a reminder, not part of the rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    ModelWrapValidatorHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from svcdesk.domain.categories import CATEGORIES, MODES
from svcdesk.domain.masking import is_anonymous_name
from svcdesk.domain.phone import PhoneError, normalize_phone

__all__ = [
    "DEFAULT_TZ",
    "FORBIDDEN_PHRASES",
    "FUTURE_TOLERANCE",
    "MAX_LENGTHS",
    "MULTILINE_FIELDS",
    "TAB_ORDER",
    "FieldProblem",
    "InputError",
    "TicketInput",
    "clean_text",
    "find_forbidden",
    "normalize_newlines",
    "parse_event_time",
    "problems_from_validation_error",
    "validate_ticket",
]

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")

#: How far ahead of *now* an event time may be (clocks differ, agents round up).
FUTURE_TOLERANCE = timedelta(minutes=10)

#: The most characters (code points) each free-text field holds.
MAX_LENGTHS: dict[str, int] = {
    "caller_name": 40,
    "place": 200,
    "details": 4000,
    "note": 4000,
    "notes": 4000,
    "reply_text": 4000,
    "text": 4000,
    "reason": 1000,
    "reasons": 1000,
    "unit_code": 64,
}

#: Fields where line breaks and tabs are part of the text.
MULTILINE_FIELDS: frozenset[str] = frozenset(
    {"details", "direct_result", "note", "notes", "reply_text", "text", "reason", "reasons"}
)

#: The intake screen's Tab order (contract), then the fields that are not on it.
TAB_ORDER: tuple[str, ...] = (
    "caller_phone",
    "caller_name",
    "event_time",
    "place",
    "details",
    "category",
    "subtype",
    "mode",
    "unit_code",
    "urgent",
    "major",
    "anonymous",
)


class FieldProblem(NamedTuple):
    field: str
    code: str
    message: str


class InputError(ValueError):
    """One or more problems with what was typed; ``problems`` lists them all."""

    def __init__(self, problems: Iterable[FieldProblem]) -> None:
        self.problems: list[FieldProblem] = list(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        return "; ".join(f"{p.field}: {p.message}" for p in self.problems)

    @property
    def fields(self) -> list[str]:
        """The fields with a problem, each once, in the order of ``problems``."""
        return list(dict.fromkeys(p.field for p in self.problems))

    def for_field(self, field: str) -> list[FieldProblem]:
        return [p for p in self.problems if p.field == field]


class _Bad(Exception):
    """A problem found by a cleaning helper, before it is given its field."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# --------------------------------------------------------------------------- text

_NEWLINES_RE = re.compile("\r\n|[\r\u2028\u2029]")
_INVISIBLE: frozenset[int] = frozenset(
    [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF, 0x061C, 0x2060]
)
_ZWJ = 0x200D


def _is_pictographic(char: str) -> bool:
    cp = ord(char)
    return (
        cp >= 0x1F000
        or 0x2190 <= cp <= 0x21FF
        or 0x2300 <= cp <= 0x23FF
        or 0x2600 <= cp <= 0x27BF
        or 0x2B00 <= cp <= 0x2BFF
        or cp in (0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D)
    )


def _emoji_joiner(text: str, index: int) -> bool:
    """Whether the ZWJ at ``index`` joins two emoji (allowing a variation selector)."""
    if index == 0 or index + 1 >= len(text):
        return False
    before = text[index - 1]
    if before == "\ufe0f" and index >= 2:
        before = text[index - 2]
    return _is_pictographic(before) and _is_pictographic(text[index + 1])


def _char_name(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}".rstrip()


def normalize_newlines(text: str) -> str:
    """``\\r\\n``, ``\\r``, U+2028 and U+2029 become ``\\n``."""
    return _NEWLINES_RE.sub("\n", text)


def _clean(value: object, max_len: int | None, required: bool, multiline: bool) -> str | None:
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    else:
        raise _Bad("bad_type", f"must be text, not {type(value).__name__}")
    text = normalize_newlines(text)
    for index, char in enumerate(text):
        cp = ord(char)
        if cp in _INVISIBLE:
            if cp == _ZWJ and _emoji_joiner(text, index):
                continue
            raise _Bad(
                "invisible_chars",
                f"contains an invisible character ({_char_name(char)}) at position {index + 1}",
            )
        category = unicodedata.category(char)
        if category == "Cs":
            raise _Bad("control_chars", f"contains an unpaired surrogate at position {index + 1}")
        if category == "Cc" and char not in "\n\t":
            # Line breaks and tabs: surrounding ones are stripped, inner ones are
            # checked below for single-line fields.
            raise _Bad(
                "control_chars",
                f"contains a control character (U+{cp:04X}) at position {index + 1}",
            )
    text = text.strip()
    if not multiline:
        for index, char in enumerate(text):
            if char == "\n":
                raise _Bad("control_chars", f"must be one line (line break at position {index + 1})")
            if char == "\t":
                raise _Bad("control_chars", f"must not contain a tab (at position {index + 1})")
    if not text:
        if required:
            raise _Bad("required", "a value is required")
        return None
    if max_len is not None and len(text) > max_len:
        raise _Bad("too_long", f"too long: {len(text)} characters, at most {max_len}")
    return text


def clean_text(
    value: object,
    field: str,
    max_len: int | None = None,
    required: bool = False,
    *,
    multiline: bool | None = None,
) -> str | None:
    """Return ``value`` stripped of surrounding whitespace, or ``None`` when it is empty.

    ``max_len`` defaults to :data:`MAX_LENGTHS` for ``field``; ``multiline`` defaults to
    whether ``field`` is in :data:`MULTILINE_FIELDS`. Raises :class:`InputError` naming
    ``field`` when the text is refused (see the module's rules), or is empty and
    ``required``.
    """
    if max_len is None:
        max_len = MAX_LENGTHS.get(field)
    if multiline is None:
        multiline = field in MULTILINE_FIELDS
    try:
        return _clean(value, max_len, required, multiline)
    except _Bad as bad:
        raise InputError([FieldProblem(field, bad.code, bad.message)]) from None


# --------------------------------------------------------------------------- time

_DATETIME_RE = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<mo>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:(?:\s+|T|\s*日?\s*)(?P<h>\d{1,2})\s*[:时點点]\s*(?P<mi>\d{1,2})\s*分?"
    r"(?:\s*[:]\s*(?P<s>\d{1,2})\s*秒?)?)?"
)
_TIME_FORMAT_HINT = "use YYYY-MM-DD HH:MM, e.g. 2025-09-30 14:30"


def _as_tz(value: object) -> tzinfo:
    if value is None:
        return DEFAULT_TZ
    if isinstance(value, tzinfo):
        return value
    if isinstance(value, str):
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
    raise TypeError(f"tz must be a tzinfo or a zone name, not {type(value).__name__}")


def _parse_time_text(text: str) -> datetime:
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        raise _Bad("required", "a value is required")
    if any(unicodedata.category(char).startswith("C") for char in text):
        # datetime.fromisoformat would let a trailing NUL through.
        raise _Bad("bad_time", f"contains a control or invisible character ({_TIME_FORMAT_HINT})")
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        pass
    match = _DATETIME_RE.fullmatch(text)
    if match is None:
        raise _Bad("bad_time", f"not a date and time ({_TIME_FORMAT_HINT})")
    parts = match.groupdict()
    try:
        return datetime(
            int(parts["y"]),
            int(parts["mo"]),
            int(parts["d"]),
            int(parts["h"] or 0),
            int(parts["mi"] or 0),
            int(parts["s"] or 0),
        )
    except ValueError as exc:
        raise _Bad("bad_time", f"not a real date and time ({exc})") from None


def parse_event_time(
    value: object, *, tz: tzinfo | str | None = None, now: datetime | None = None
) -> datetime | None:
    """A timezone-aware event time from a datetime, a date or typed text; ``None`` if empty.

    Text may be ISO 8601 (``2025-09-30T14:30:00+08:00``) or ``YYYY-MM-DD HH:MM[:SS]``
    (also with ``/`` or ``.`` separators, full-width digits, or ``2025年9月30日 14:30``).
    A naive time is taken in ``tz`` (default Asia/Shanghai); a date alone is its
    midnight. With ``now``, a time more than :data:`FUTURE_TOLERANCE` ahead is refused.
    Raises :class:`InputError` on the field ``event_time``.
    """
    try:
        return _event_time(value, _as_tz(tz), now)
    except _Bad as bad:
        raise InputError([FieldProblem("event_time", bad.code, bad.message)]) from None


def _event_time(value: object, tz: tzinfo, now: datetime | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str):
        if not value.strip():
            return None
        moment = _parse_time_text(value)
    else:
        raise _Bad("bad_time", f"must be a date and time, not {type(value).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=tz)
    if moment.year < 1900:
        raise _Bad("bad_time", f"year {moment.year} is too far in the past ({_TIME_FORMAT_HINT})")
    if now is not None:
        if now.tzinfo is None or now.utcoffset() is None:
            now = now.replace(tzinfo=tz)
        ahead = moment - now
        if ahead > FUTURE_TOLERANCE:
            minutes = int(ahead.total_seconds() // 60)
            raise _Bad(
                "future_time",
                f"is {minutes} minutes in the future; an event time may be at most "
                f"{int(FUTURE_TOLERANCE.total_seconds() // 60)} minutes ahead of now",
            )
    return moment


# --------------------------------------------------------------------------- ticket

_ALL_SUBTYPES = frozenset(s for subtypes in CATEGORIES.values() for s in subtypes)
_TEXT_FIELDS = ("caller_name", "place", "unit_code")


def _choice(value: object, allowed: Iterable[str], what: str) -> str:
    options = list(allowed)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _Bad("required", f"choose a {what}: one of {', '.join(options)}")
    if not isinstance(value, str):
        raise _Bad("bad_type", f"must be text, not {type(value).__name__}")
    chosen = value.strip().lower()
    if chosen not in options:
        shown = value.strip()[:40]
        raise _Bad("bad_choice", f"unknown {what} {shown!r}; one of {', '.join(options)}")
    return chosen


def _context(info: ValidationInfo) -> Mapping[str, Any]:
    context = info.context
    return context if isinstance(context, Mapping) else {}


def _custom(bad: _Bad) -> PydanticCustomError:
    return PydanticCustomError(bad.code, bad.message)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _yes(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "y", "1", "on")
    return value is True or (type(value) is int and value == 1)


_REQUIRED_MESSAGES: dict[str, str] = {
    "caller_phone": "a phone number is required",
    "caller_name": "a name is required (or 匿名 / anonymous for an anonymous caller)",
    "event_time": "the time the event happened is required",
    "place": "the exact place is required",
    "details": "the details of the request are required",
    "category": f"choose a category: one of {', '.join(CATEGORIES)}",
    "subtype": "choose the category's subtype",
    "mode": f"choose a handling mode: one of {', '.join(MODES)}",
}

_PYDANTIC_CODES = {"missing": "required"}


def _code_of(error_type: str) -> tuple[str, str | None]:
    """Our code for a pydantic error type, and a message to use instead of pydantic's."""
    if error_type in _PYDANTIC_CODES:
        return _PYDANTIC_CODES[error_type], "a value is required"
    if error_type.startswith("bool"):
        return "bad_value", "must be yes or no (true or false)"
    if error_type.startswith("string") or error_type.endswith("_type"):
        return "bad_type", None
    return error_type, None


class TicketInput(BaseModel):
    """A ticket as submitted at intake, cleaned and checked (the ticket-writing rule).

    Validate with :func:`validate_ticket`, or ``TicketInput.model_validate(data,
    context={"now": ..., "tz": ..., "default_area_code": ...})``; every context key is
    optional (no ``now``: the future-time check is skipped).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    caller_phone: str | None = None
    caller_name: str | None = None
    event_time: datetime | None = None
    place: str | None = None
    details: str
    category: str
    subtype: str
    mode: str
    unit_code: str | None = None
    urgent: bool = False
    major: bool = False
    anonymous: bool = False

    @property
    def direct_inquiry(self) -> bool:
        return self.category == "inquiry" and self.mode == "direct"

    @field_validator("caller_phone", mode="before")
    @classmethod
    def _phone(cls, value: object, info: ValidationInfo) -> object:
        if _blank(value):
            return None
        if not isinstance(value, str):
            raise PydanticCustomError("bad_type", "must be text, not {kind}", {"kind": type(value).__name__})
        area = _context(info).get("default_area_code")
        try:
            return normalize_phone(value, default_area_code=area if isinstance(area, str) else None)
        except PhoneError as err:
            raise PydanticCustomError(
                "bad_phone", "not a valid phone number ({detail})", {"detail": err.detail}
            ) from None

    @field_validator(*_TEXT_FIELDS, mode="before")
    @classmethod
    def _single_line(cls, value: object, info: ValidationInfo) -> object:
        assert info.field_name is not None
        try:
            return _clean(value, MAX_LENGTHS[info.field_name], False, False)
        except _Bad as bad:
            raise _custom(bad) from None

    @field_validator("details", mode="before")
    @classmethod
    def _details(cls, value: object) -> object:
        try:
            return _clean(value, MAX_LENGTHS["details"], True, True)
        except _Bad as bad:
            raise _custom(bad) from None

    @field_validator("event_time", mode="before")
    @classmethod
    def _check_event_time(cls, value: object, info: ValidationInfo) -> object:
        context = _context(info)
        try:
            tz = _as_tz(context.get("tz"))
        except (TypeError, ValueError):
            tz = DEFAULT_TZ
        now = context.get("now")
        try:
            return _event_time(value, tz, now if isinstance(now, datetime) else None)
        except _Bad as bad:
            raise _custom(bad) from None

    @field_validator("category", mode="before")
    @classmethod
    def _category(cls, value: object) -> object:
        try:
            return _choice(value, CATEGORIES, "category")
        except _Bad as bad:
            raise _custom(bad) from None

    @field_validator("subtype", mode="before")
    @classmethod
    def _subtype(cls, value: object, info: ValidationInfo) -> object:
        category = info.data.get("category")
        allowed = CATEGORIES[category] if category in CATEGORIES else sorted(_ALL_SUBTYPES)
        what = f"subtype of {category}" if category in CATEGORIES else "subtype"
        try:
            return _choice(value, allowed, what)
        except _Bad as bad:
            raise _custom(bad) from None

    @field_validator("mode", mode="before")
    @classmethod
    def _mode(cls, value: object) -> object:
        try:
            return _choice(value, MODES, "handling mode")
        except _Bad as bad:
            raise _custom(bad) from None

    @model_validator(mode="wrap")
    @classmethod
    def _ticket_writing_rule(cls, data: Any, handler: ModelWrapValidatorHandler[TicketInput]) -> TicketInput:
        if not isinstance(data, Mapping):
            return handler(data)
        data = dict(data)
        problems: list[FieldProblem] = []
        name = data.get("caller_name")
        if isinstance(name, str) and is_anonymous_name(name):
            data["caller_name"] = None
            data["anonymous"] = True
        elif _yes(data.get("anonymous")) and not _blank(name):
            problems.append(
                FieldProblem("caller_name", "conflict", "a name was given for a caller marked anonymous")
            )

        errors: list[InitErrorDetails] = []
        ticket: TicketInput | None = None
        try:
            ticket = handler(data)
        except ValidationError as exc:
            for error in exc.errors():
                code, message = _code_of(error["type"])
                field = str(error["loc"][0]) if error["loc"] else ""
                if code == "required" and field in _REQUIRED_MESSAGES:
                    message = _REQUIRED_MESSAGES[field]
                errors.append(
                    InitErrorDetails(
                        type=PydanticCustomError(code, message or error["msg"]),
                        loc=error["loc"],
                        input=error.get("input"),
                    )
                )
        problems.extend(_rule_problems(data))
        if ticket is not None and not problems:
            return ticket
        for problem in problems:
            errors.append(
                InitErrorDetails(
                    type=PydanticCustomError(problem.code, problem.message),
                    loc=(problem.field,),
                    input=data.get(problem.field),
                )
            )
        errors.sort(key=lambda e: _order(str(e["loc"][0]) if e["loc"] else ""))
        raise ValidationError.from_exception_data(cls.__name__, errors)


def _valid_choice(value: object, allowed: Iterable[str]) -> str | None:
    try:
        return _choice(value, allowed, "")
    except _Bad:
        return None


def _rule_problems(data: Mapping[str, Any]) -> list[FieldProblem]:
    """The ticket-writing rule's ``required`` problems, judged on the raw values."""
    category = _valid_choice(data.get("category"), CATEGORIES)
    mode = _valid_choice(data.get("mode"), MODES)
    if category == "inquiry" and mode == "direct":
        return []
    problems: list[FieldProblem] = []
    if _blank(data.get("caller_phone")):
        if mode in ("transfer", "phone_handover"):
            message = "a phone number is required: the unit's reply needs a way to reach the caller"
        else:
            message = _REQUIRED_MESSAGES["caller_phone"]
        problems.append(FieldProblem("caller_phone", "required", message))
    if _blank(data.get("caller_name")) and not _yes(data.get("anonymous")):
        problems.append(FieldProblem("caller_name", "required", _REQUIRED_MESSAGES["caller_name"]))
    for field in ("event_time", "place"):
        if _blank(data.get(field)):
            problems.append(FieldProblem(field, "required", _REQUIRED_MESSAGES[field]))
    return problems


def _order(field: str) -> tuple[int, str]:
    try:
        return TAB_ORDER.index(field), field
    except ValueError:
        return len(TAB_ORDER), field


def problems_from_validation_error(exc: ValidationError) -> list[FieldProblem]:
    """Pydantic's errors as :class:`FieldProblem` s, in Tab order (stable otherwise)."""
    problems: list[FieldProblem] = []
    for error in exc.errors():
        loc = error["loc"]
        field = ".".join(str(part) for part in loc) if loc else "ticket"
        code, message = _code_of(error["type"])
        problems.append(FieldProblem(field, code, message or error["msg"]))
    problems.sort(key=lambda p: _order(p.field.split(".", 1)[0]))
    return problems


def validate_ticket(
    data: Mapping[str, object],
    *,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
    default_area_code: str | None = None,
) -> TicketInput:
    """Clean and check an intake; raise :class:`InputError` listing every problem.

    ``now`` enables the future-time check of the event time; naive times are taken in
    ``tz``; ``default_area_code`` completes local landline numbers typed without one.
    """
    context: dict[str, object] = {"tz": tz}
    if now is not None:
        context["now"] = now
    if default_area_code is not None:
        context["default_area_code"] = default_area_code
    try:
        return TicketInput.model_validate(data, context=context)
    except ValidationError as exc:
        raise InputError(problems_from_validation_error(exc)) from None


# --------------------------------------------------------------------------- forbidden

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CLAUSE = r"[^\s，,。.！!？?；;：:\n]"

#: Phrases agents must not use on a call or write in a ticket (通话禁忌, spec §2), each
#: with the pattern that finds it. The first six are the seed's; the rest are the
#: blaming, mocking or provoking words (指责、嘲讽、激化矛盾) this product checks too.
#:
#: * 「喂」 counts only as an interjection: a run of 喂 not joined to another Chinese
#:   character (``喂，你好``, ``喂?``, ``喂喂``), so 喂养, 投喂, 喂食 and the like do not.
#: * 「哦」 counts wherever it is (哦, 哦哦): it has no ordinary written use in a ticket.
#: * 「你自己去XX部门问吧」 is any ``你自己去…问(吧)`` within one clause of up to 20
#:   characters (你自己去社保局问吧, 你自己去街道办问).
_FORBIDDEN: tuple[tuple[str, str], ...] = (
    ("喂", rf"(?<![{_CJK}])(?:喂{{2,}}|喂(?![{_CJK}]))"),
    ("哦", r"哦+"),
    ("我不知道", r"我(?:也|真|确实)?不知道"),
    ("这是规定我没办法", r"这是规定[\s，,。.、]*我(?:也)?没(?:有)?办法"),
    ("你自己去XX部门问吧", rf"你自己去{_CLAUSE}{{1,20}}?问吧?"),
    ("说完了没有", r"说完了?没有?"),
    ("你怎么这么笨", r"你怎么这么笨|笨死了"),
    ("听不懂人话", r"听不懂人话|你听不懂[吗么嘛]"),
    ("烦不烦", r"烦不烦"),
    ("有完没完", r"有完没完"),
    ("关我什么事", r"关我(?:什么|啥)事"),
    ("爱找谁找谁", r"爱找谁找谁"),
    ("不归我管", r"不归我(?:们)?管"),
    ("说了多少遍", r"说了多少遍"),
    ("少废话", r"少废话"),
    ("你自己看着办", r"你自己看着办"),
    ("早干嘛去了", r"早干(?:嘛|什么|啥)去了"),
    ("活该", r"活该"),
    ("神经病", r"神经病"),
    ("有病吧", r"(?:你)?有病吧"),
)

FORBIDDEN_PHRASES: tuple[str, ...] = tuple(phrase for phrase, _ in _FORBIDDEN)

_FORBIDDEN_RES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (phrase, re.compile(pattern)) for phrase, pattern in _FORBIDDEN
)


def find_forbidden(text: str) -> list[tuple[int, int, str]]:
    """The forbidden phrases in ``text`` as ``(start, end, phrase)``, sorted, not overlapping.

    ``text[start:end]`` is what was written; ``phrase`` is its entry in
    :data:`FORBIDDEN_PHRASES`. Where two matches overlap, the earlier (then the longer)
    one is kept.
    """
    found: list[tuple[int, int, str]] = []
    for phrase, pattern in _FORBIDDEN_RES:
        for match in pattern.finditer(text):
            if match.end() > match.start():
                found.append((match.start(), match.end(), phrase))
    found.sort(key=lambda span: (span[0], -span[1]))
    kept: list[tuple[int, int, str]] = []
    for span in found:
        if kept and span[0] < kept[-1][1]:
            continue
        kept.append(span)
    return kept
