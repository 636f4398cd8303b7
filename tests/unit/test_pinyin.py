"""Pinyin of names: the words the search indexes for them, and the keys they sort by."""

from __future__ import annotations

import pytest

from kamdesk.store.pinyin import TOKEN_CHARACTERS, search_tokens, sort_key, syllables

#: A character in the unified block that has no reading (U+9FA6).
NO_READING = "\u9fa6"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("华东", ("hua", "dong")),
        ("重庆", ("chong", "qing")),  # 重 read in context, not "zhong"
        ("银行", ("yin", "hang")),  # 行 in 银行, not "xing"
        ("长沙", ("chang", "sha")),
        ("吕", ("lv",)),  # ü as typed on a keyboard
        (f"王{NO_READING}磊", ("wang", "", "lei")),
    ],
)
def test_syllables_follow_the_reading_in_context(text: str, expected: tuple[str, ...]) -> None:
    assert syllables(text) == expected


def test_a_name_is_spelled_from_each_character_in_full_and_by_initials() -> None:
    assert search_tokens("王磊") == ["wanglei", "wl", "lei", "l"]
    tokens = search_tokens("华东制造集团")
    assert tokens[:4] == ["huadongzhizaojituan", "hdzzjt", "dongzhizaojituan", "dzzjt"]
    assert "zhizaojituan" in tokens and "zzjt" in tokens
    # Nothing that starts inside a syllable, nothing of the Latin words around.
    assert not any(t.startswith(("uadong", "ong")) for t in tokens)
    assert search_tokens("Acme 无锡 Ltd") == ["wuxi", "wx", "xi", "x"]
    assert search_tokens("Acme Ltd") == []


def test_a_character_without_a_reading_splits_the_name() -> None:
    assert search_tokens(f"王{NO_READING}磊") == ["wang", "w", "lei", "l"]
    assert search_tokens(NO_READING) == []


def test_a_long_run_makes_tokens_of_bounded_length() -> None:
    # A pasted paragraph in a name: from each character on, at most TOKEN_CHARACTERS
    # characters are spelled, so the tokens do not grow with the square of its length.
    tokens = search_tokens("华东" * 500)
    assert max(tokens, key=len) == "huadong" * (TOKEN_CHARACTERS // 2)
    assert len(tokens) <= 4 * TOKEN_CHARACTERS


def test_sort_keys_put_chinese_names_among_latin_ones_by_pinyin() -> None:
    names = ["Hubei Steel", "华东制造", "Haier", "汪洋", "王磊", "Wang Corp", "阿里", "Acme"]
    assert sorted(names, key=sort_key) == [
        "阿里",  # "a li": syllable by syllable, before "acme"
        "Acme",
        "Haier",
        "华东制造",  # "hua dong zhi zao"
        "Hubei Steel",
        "Wang Corp",  # "wang corp" before "wang lei", both before "wang yang"
        "王磊",
        "汪洋",
    ]


def test_sort_keys_ignore_case_accents_width_and_spacing() -> None:
    assert sort_key("Émile").split("\x1f")[0] == "emile"
    assert sort_key("ＡＢＣ公司").split("\x1f")[0] == "abc gong si"  # full-width letters
    assert sort_key("  Blue\tRiver\x00 Bank ").split("\x1f")[0] == "blue river bank"
    # Names that read the same still have an order: the name breaks the tie.
    assert sort_key("王") != sort_key("汪")
    assert sorted(["hua xia", "华", "Hua"], key=sort_key) == ["Hua", "华", "hua xia"]
