"""Interface strings, Chinese and English, one key set (tests check both are complete).

Each area of the interface keeps its strings in its own module (``EN`` and ``ZH`` dicts with the
same keys); they are merged here. A key may be defined by one module only.
"""

from __future__ import annotations

from importlib import import_module

AREAS = ("core", "domain", "reports", "intake", "lead")
LANGUAGES = ("zh", "en")


def _merge() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {"zh": {}, "en": {}}
    for area in AREAS:
        module = import_module(f"svcdesk.i18n.{area}")
        for lang, name in (("zh", "ZH"), ("en", "EN")):
            strings: dict[str, str] = getattr(module, name)
            clash = set(strings) & set(merged[lang])
            if clash:
                raise RuntimeError(f"i18n keys defined twice ({area}): {sorted(clash)[:5]}")
            merged[lang].update(strings)
    return merged


CATALOGUES: dict[str, dict[str, str]] = _merge()


class Translator:
    def __init__(self, lang: str) -> None:
        if lang not in CATALOGUES:
            raise ValueError(f"language: one of {', '.join(LANGUAGES)}, not {lang!r}")
        self.lang = lang
        self._strings = CATALOGUES[lang]

    def __call__(self, key: str, **values: object) -> str:
        text = self._strings.get(key)
        if text is None:
            text = CATALOGUES["en"].get(key, key)
        return text.format(**values) if values else text
