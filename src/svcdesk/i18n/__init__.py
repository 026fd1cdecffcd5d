"""Interface strings, Chinese and English, one key set (tests check both are complete)."""

from __future__ import annotations

from svcdesk.i18n.en import STRINGS as EN
from svcdesk.i18n.zh import STRINGS as ZH

CATALOGUES: dict[str, dict[str, str]] = {"zh": ZH, "en": EN}
LANGUAGES = tuple(CATALOGUES)


class Translator:
    def __init__(self, lang: str) -> None:
        if lang not in CATALOGUES:
            raise ValueError(f"language: one of {', '.join(LANGUAGES)}, not {lang!r}")
        self.lang = lang
        self._strings = CATALOGUES[lang]

    def __call__(self, key: str, **values: object) -> str:
        text = self._strings.get(key)
        if text is None:
            text = EN.get(key, key)
        return text.format(**values) if values else text
