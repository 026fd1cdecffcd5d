"""Where the data lives, which time zone the centre runs on, the interface language."""

from __future__ import annotations

import locale
import os
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from platformdirs import user_data_dir

DEFAULT_TZ = "Asia/Shanghai"


def default_db_path() -> Path:
    return Path(user_data_dir("svcdesk", appauthor=False)) / "svcdesk.db"


def data_dir() -> Path:
    """The reference data shipped with svcdesk (``data/`` in the source tree)."""
    env = os.environ.get("SVCDESK_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    source_tree = here.parents[3] / "data"
    if source_tree.is_dir():
        return source_tree
    import sys

    return Path(sys.prefix) / "share" / "svcdesk" / "data"


def detect_language(explicit: str | None = None) -> str:
    value = explicit or os.environ.get("SVCDESK_LANG")
    if value:
        value = value.lower()
        if value not in ("zh", "en"):
            raise ValueError(f"language: use zh or en, not {value!r}")
        return value
    loc = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG")
    if not loc:
        try:
            loc = locale.getlocale()[0] or ""
        except ValueError:
            loc = ""
    return "zh" if loc.lower().startswith("zh") else "en"


@dataclass(frozen=True)
class Settings:
    db: str
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TZ))
    lang: str = "en"
    data: Path = field(default_factory=data_dir)

    @classmethod
    def resolve(cls, db: str | None = None, lang: str | None = None, tz: str | None = None) -> Settings:
        return cls(
            db=db or os.environ.get("SVCDESK_DB") or str(default_db_path()),
            tz=ZoneInfo(tz or os.environ.get("SVCDESK_TZ") or DEFAULT_TZ),
            lang=detect_language(lang),
        )
