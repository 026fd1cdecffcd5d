from __future__ import annotations

import re

from svcdesk.i18n import CATALOGUES, Translator


def test_every_language_has_the_same_keys() -> None:
    keys = {lang: set(c) for lang, c in CATALOGUES.items()}
    assert keys["zh"] == keys["en"]


def test_placeholders_match_across_languages() -> None:
    for key, en in CATALOGUES["en"].items():
        zh = CATALOGUES["zh"][key]
        assert set(re.findall(r"{(\w+)}", en)) == set(re.findall(r"{(\w+)}", zh)), key


def test_no_ambiguous_width_characters_in_the_interface() -> None:
    # Drawn two wide by CJK terminals but measured as one (field notes): keep them out.
    for lang, catalogue in CATALOGUES.items():
        for key, text in catalogue.items():
            for ch in "…“”‘’→←—·":
                assert ch not in text, f"{lang}:{key} contains {ch!r}"


def test_translator_formats() -> None:
    assert Translator("en")("home.count", shown=3) == "3 shown"
    assert Translator("zh")("home.count", shown=3) == "显示 3 件"
