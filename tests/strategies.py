"""Hypothesis strategies for what people type into a hotline's console and CLI: huge texts,
control and zero-width characters, mixed scripts, SQL and LIKE fragments, malformed phone
numbers and dates. Shared by the services' and the CLI's property tests."""

from __future__ import annotations

from hypothesis import strategies as st

# Pieces that have broken software before: SQL and LIKE syntax, escapes, invisible and
# direction characters, line breaks of every kind, control characters, emoji sequences,
# scripts other than Chinese, characters outside the Basic Multilingual Plane.
NASTY = (
    "'; DROP TABLE ticket;--",
    "' OR '1'='1",
    '"',
    "%",
    "_",
    "\\",
    "\\%",
    "[a-z]",
    "*",
    "NULL",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\u200b",
    "\u200d",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\r\n",
    "\r",
    "\n",
    "\u2028",
    "\t",
    "   ",
    "\u3000",
    "😀",
    "👨\u200d👩\u200d👧",
    "🏳️\u200d🌈",
    "𠀀𪚥",
    "مرحبا",
    "Ελληνικά",
    "한국어",
    "ｆｕｌｌ－ｗｉｄｔｈ",
    "Zalgơ̵̡͖",
    "<script>alert(1)</script>",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "路灯",
    "西湖区文三路100号",
    "噪音扰民",
    "公积金",
)

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)

nasty_text = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(NASTY) | st.text(CJK, min_size=1, max_size=4), max_size=8).map("".join),
    st.text(CJK, min_size=1, max_size=60),
)

huge_text = st.integers(min_value=190, max_value=4100).map(lambda n: "长" * n) | st.just("x" * 100_000)

any_text = st.one_of(nasty_text, huge_text)

# Phone numbers as agents type them, and as they mistype them.
_DIGITS = st.text("0123456789", min_size=1, max_size=16)
_NINE = st.text("0123456789", min_size=9, max_size=9)
_PREFIXES = ["+86 ", "0086", "86", "+1 ", "0", "(021)", "021-"]
_PIECES = ["138", " ", "-", "1234", "5678", "(", ")", "+", "x", "１", "\u200b", "."]
phone_text = st.one_of(
    st.builds(
        lambda a, b: f"1{a}{b}", st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9)
    ),
    st.builds(
        lambda p, d: p + d, st.sampled_from(["+86 ", "0086", "86", "+1 ", "0", "(021)", "021-"]), _DIGITS
    ),
    st.lists(
        st.sampled_from(["138", " ", "-", "1234", "5678", "(", ")", "+", "x", "１", "\u200b", "."]),
        max_size=8,
    ).map("".join),
    _DIGITS,
    nasty_text,
)

# Dates and times as typed: real ones, impossible ones, odd formats, far past and future.
date_text = st.one_of(
    st.builds(
        lambda y, mo, d, h, mi: f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}",
        st.integers(1, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
        st.integers(0, 25),
        st.integers(0, 61),
    ),
    st.sampled_from(
        [
            "2025-09-30 08:00",
            "2025-09-30T08:00:00+08:00",
            "2025-09-30T00:00:00Z",
            "2025年9月30日 8时30分",
            "2025/09/30 8:30",
            "２０２５-０９-３０ ０８:００",
            "2025-02-29 10:00",
            "2024-02-29 10:00",
            "0001-01-01 00:00",
            "9999-12-31 23:59",
            "1899-12-31 23:59",
            "1900-01-01 00:00",
            "30/09/2025",
            "yesterday",
            "2025-09-30 08:00\x00",
            "2025-09-30\u200b08:00",
            "",
            " ",
        ]
    ),
    nasty_text,
)

day_text = st.one_of(
    st.builds(
        lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
        st.integers(1, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
    ),
    st.sampled_from(["9999-12-31", "0001-01-01", "2025-09-30", "2025-9-30", "20250930", "today"]),
    nasty_text,
)
