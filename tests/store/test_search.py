"""Type-ahead search over a real book: Chinese and English, names and notes."""

from __future__ import annotations

import pytest

from kamdesk.ops.accounts import create_account, delete_account, restore_account, update_account
from kamdesk.ops.stakeholders import (
    create_stakeholder,
    delete_stakeholder,
    restore_stakeholder,
    update_stakeholder,
)
from kamdesk.store.book import Book
from kamdesk.store.reader import AccountQuery, BookReader


def search(book: Book, text: str) -> set[str]:
    return set(BookReader(book.db).account_ids(AccountQuery(text=text)))


@pytest.fixture
def accounts(book: Book) -> dict[str, str]:
    """A few accounts a Chinese key-account manager might hold."""
    ids = {
        "suzhou": create_account(book, {"name": "华东制造集团苏州分公司", "currency": "CNY"}),
        "acme": create_account(
            book, {"name": "Acme Manufacturing Ltd", "currency": "USD", "notes": "Plant in 无锡"}
        ),
        "mixed": create_account(book, {"name": "华东 Manufacturing 合资公司", "currency": "CNY"}),
        "bank": create_account(
            book,
            {
                "name": "招商银行",
                "currency": "CNY",
                "notes": "Renewal due; ask about the datacenter",
            },
        ),
    }
    return ids


def test_two_chinese_characters_find_their_account(book: Book, accounts: dict[str, str]) -> None:
    assert search(book, "苏州") == {accounts["suzhou"]}
    assert search(book, "制造") == {accounts["suzhou"]}
    assert search(book, "分公司") == {accounts["suzhou"]}


def test_chinese_characters_must_stand_together(book: Book, accounts: dict[str, str]) -> None:
    assert search(book, "苏公") == set()
    assert search(book, "州苏") == set()


def test_a_single_chinese_character(book: Book, accounts: dict[str, str]) -> None:
    assert search(book, "华") == {accounts["suzhou"], accounts["mixed"]}
    assert search(book, "银") == {accounts["bank"]}


def test_english_prefix_and_case_do_not_matter(book: Book, accounts: dict[str, str]) -> None:
    expected = {accounts["acme"], accounts["mixed"]}
    assert search(book, "manu") == expected
    assert search(book, "MANU") == expected
    assert search(book, "Manufacturing") == expected
    assert search(book, "manufacturingx") == set()


def test_mixed_query_requires_every_word(book: Book, accounts: dict[str, str]) -> None:
    assert search(book, "华东 manu") == {accounts["mixed"]}
    assert search(book, "manu 华东") == {accounts["mixed"]}
    assert search(book, "acme 华东") == set()


def test_account_notes_are_searchable(book: Book, accounts: dict[str, str]) -> None:
    assert search(book, "datacenter") == {accounts["bank"]}
    assert search(book, "无锡") == {accounts["acme"]}
    update_account(book, accounts["bank"], {"notes": "Renewal signed"})
    assert search(book, "datacenter") == set()
    assert search(book, "signed") == {accounts["bank"]}


def test_a_renamed_account_is_found_by_its_new_name_only(
    book: Book, accounts: dict[str, str]
) -> None:
    update_account(book, accounts["suzhou"], {"name": "华东制造集团杭州分公司"})
    assert search(book, "苏州") == set()
    assert search(book, "杭州") == {accounts["suzhou"]}


def test_a_stakeholder_finds_their_account(book: Book, accounts: dict[str, str]) -> None:
    person = create_stakeholder(
        book, accounts["bank"], {"name": "王晓明", "title": "CIO", "department": "信息科技部"}
    )
    assert search(book, "晓明") == {accounts["bank"]}
    assert search(book, "cio") == {accounts["bank"]}
    assert search(book, "科技") == {accounts["bank"]}
    update_stakeholder(book, person, {"name": "王晓红"})
    assert search(book, "晓明") == set()
    assert search(book, "晓红") == {accounts["bank"]}


def test_deleted_account_is_not_found_and_a_restored_one_is(
    book: Book, accounts: dict[str, str]
) -> None:
    create_stakeholder(book, accounts["suzhou"], {"name": "Zhang Hua"})
    delete_account(book, accounts["suzhou"])
    assert search(book, "苏州") == set()
    assert search(book, "zhang") == set()
    restore_account(book, accounts["suzhou"])
    assert search(book, "苏州") == {accounts["suzhou"]}
    assert search(book, "zhang") == {accounts["suzhou"]}


def test_deleted_stakeholder_is_not_found_and_a_restored_one_is(
    book: Book, accounts: dict[str, str]
) -> None:
    person = create_stakeholder(book, accounts["acme"], {"name": "Olivia Brennan"})
    assert search(book, "brennan") == {accounts["acme"]}
    delete_stakeholder(book, person)
    assert search(book, "brennan") == set()
    restore_stakeholder(book, person)
    assert search(book, "brennan") == {accounts["acme"]}


@pytest.mark.parametrize(
    "query",
    ['"', "AND", "a*", "(", "NEAR", "NEAR(a b)", "OR", "NOT x", "*", "^manu", "name:acme",
     "'", "华东\"", "(苏州", "-", "::", "\\"],
)  # fmt: skip
def test_punctuation_and_operators_in_the_query_do_not_raise(
    book: Book, accounts: dict[str, str], query: str
) -> None:
    search(book, query)


def test_query_operators_are_taken_as_words(book: Book, accounts: dict[str, str]) -> None:
    update_account(book, accounts["acme"], {"notes": "NEAR the port AND the airport"})
    assert search(book, "NEAR") == {accounts["acme"]}
    assert search(book, "and") == {accounts["acme"]}


def test_a_100_kb_query_does_not_raise(book: Book, accounts: dict[str, str]) -> None:
    search(book, "华东 manu " * 10_000)
    search(book, "苏" * 100_000)
    search(book, "(" * 100_000)
