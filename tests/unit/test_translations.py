"""The Chinese catalog is complete, keeps every placeholder, and its .mo is up to date.

When one of these fails: run ``python tools/i18n.py update``, translate the new or changed
strings in resources/i18n/zh_CN.po, then ``python tools/i18n.py compile``.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo

ROOT = Path(__file__).resolve().parents[2]
#: A str.format() replacement field such as {name}, {count:d} or {percent!s}.
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kamdesk_i18n_tool", ROOT / "tools" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


@pytest.fixture(scope="module")
def po() -> Catalog:
    catalog: Catalog = tool.load_po()
    return catalog


def _messages(catalog: Catalog) -> Iterator[Message]:
    return (message for message in catalog if message.id)


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (list, tuple)) else (message.id,)


def _strings(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, (list, tuple)):
        return tuple(message.string)
    return (message.string,)


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def test_every_string_in_the_code_is_translated(po: Catalog) -> None:
    problems = []
    for message in _messages(tool.extract()):
        translated = po.get(message.id, context=message.context)
        where = ", ".join(f"{file}:{line}" for file, line in message.locations)
        if translated is None:
            problems.append(f"not in zh_CN.po: {_ids(message)[0]!r} ({where})")
        elif _ids(translated) != _ids(message):
            problems.append(f"plural form changed: {_ids(message)[0]!r} ({where})")
        elif not all(s.strip() for s in _strings(translated)):
            problems.append(f"no translation: {_ids(message)[0]!r} ({where})")
        elif translated.fuzzy:
            problems.append(f"marked fuzzy (left out of the .mo): {_ids(message)[0]!r} ({where})")
    assert not problems, "\n".join(problems)


def test_every_message_in_the_catalog_has_a_translation(po: Catalog) -> None:
    untranslated = [
        _ids(m)[0] for m in _messages(po) if not all(s.strip() for s in _strings(m)) or m.fuzzy
    ]
    assert not untranslated, untranslated


def test_translations_keep_the_placeholders(po: Catalog) -> None:
    problems = []
    for message in _messages(po):
        expected = set().union(*(_placeholders(text) for text in _ids(message)))
        for string in _strings(message):
            if string and _placeholders(string) != expected:
                problems.append(
                    f"{_ids(message)[0]!r}: expected {sorted(expected)}, "
                    f"got {sorted(_placeholders(string))} in {string!r}"
                )
    assert not problems, "\n".join(problems)


def test_chinese_has_one_plural_form(po: Catalog) -> None:
    assert po.num_plurals == 1
    for message in _messages(po):
        if message.pluralizable:
            assert len(_strings(message)) == 1, _ids(message)[0]


def _translations(catalog: Catalog) -> dict[tuple[tuple[str, ...], str | None], tuple[str, ...]]:
    """What a catalog translates, message by message: its header (tool, dates) left out."""
    return {
        (_ids(message), message.context): _strings(message)
        for message in catalog
        if message.id and any(_strings(message)) and not message.fuzzy
    }


def test_the_committed_mo_is_compiled_from_the_po(po: Catalog) -> None:
    # Compare meaning, not bytes: the .mo header names the Babel release that wrote it,
    # and CI installs whichever release pyproject.toml allows.
    with tool.MO.open("rb") as fp:
        committed = read_mo(fp)
    assert _translations(committed) == _translations(po), (
        "resources/i18n/zh_CN.mo is stale: run `python tools/i18n.py compile`"
    )
