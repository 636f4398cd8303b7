"""Type-ahead search over a real book: Chinese and English, names, notes, owners, industries."""

from __future__ import annotations

import pytest
from sqlmodel import select

from kamdesk.models import VocabularyTerm
from kamdesk.ops.accounts import create_account, delete_account, restore_account, update_account
from kamdesk.ops.stakeholders import (
    create_stakeholder,
    delete_stakeholder,
    restore_stakeholder,
    update_stakeholder,
)
from kamdesk.ops.team import (
    create_team_member,
    delete_team_member,
    restore_team_member,
    update_team_member,
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


#: Queries made of FTS5 syntax: whatever is not a word counts for nothing, and the words
#: left are searched as words (a query with no word at all shows every account).
_SYNTAX_QUERIES = [
    ('"', "all"),
    ("AND", ""),
    ("a*", "acme bank"),  # "a" as a prefix: Acme; "ask", "about" in the bank's notes
    ("(", "all"),
    ("NEAR", ""),
    ("NEAR(a b)", ""),
    ("OR", ""),
    ("NOT x", ""),
    ("*", "all"),
    ("^manu", "acme mixed"),
    ("name:acme", ""),  # not a column filter: "name" is a word no account holds
    ("'", "all"),
    ('华东"', "suzhou mixed"),
    ("(苏州", "suzhou"),
    ("-", "all"),
    ("::", "all"),
    ("\\", "all"),
    ("datacenter)", "bank"),
]


@pytest.mark.parametrize(("query", "expected"), _SYNTAX_QUERIES)
def test_punctuation_and_operators_in_the_query_are_not_syntax(
    book: Book, accounts: dict[str, str], query: str, expected: str
) -> None:
    wanted = (
        set(accounts.values()) if expected == "all" else {accounts[k] for k in expected.split()}
    )
    assert search(book, query) == wanted


def test_query_operators_are_taken_as_words(book: Book, accounts: dict[str, str]) -> None:
    update_account(book, accounts["acme"], {"notes": "NEAR the port AND the airport"})
    assert search(book, "NEAR") == {accounts["acme"]}
    assert search(book, "and") == {accounts["acme"]}
    assert search(book, "near AND port") == {accounts["acme"]}
    assert search(book, "near OR nothing") == set()  # every word must match, "or" too


def test_a_100_kb_query_is_cut_and_still_searched(book: Book, accounts: dict[str, str]) -> None:
    # Cut to its first couple of hundred characters: still "华东" and "manu", many times.
    assert search(book, "华东 manu " * 10_000) == {accounts["mixed"]}
    assert search(book, "苏" * 100_000) == set()  # no name holds 200 苏 in a row
    assert search(book, "(" * 100_000) == set(accounts.values())  # no word: no search


# What the search covers beyond names and notes ------------------------------------------


def test_the_industry_finds_its_accounts_in_english_and_chinese(
    book: Book, accounts: dict[str, str]
) -> None:
    update_account(book, accounts["bank"], {"industry": "finance"})
    assert search(book, "finance") == {accounts["bank"]}
    assert search(book, "金融") == {accounts["bank"]}
    assert search(book, "招商 fin") == {accounts["bank"]}
    update_account(book, accounts["bank"], {"industry": "internet"})
    assert search(book, "finance") == set()
    assert search(book, "互联网") == {accounts["bank"]}


def test_manu_finds_accounts_in_manufacturing_whatever_their_name(
    book: Book, accounts: dict[str, str]
) -> None:
    # The README's example: the industry's label counts, not only the name.
    update_account(book, accounts["suzhou"], {"industry": "manufacturing"})
    assert search(book, "manu") == {accounts["suzhou"], accounts["acme"], accounts["mixed"]}
    assert search(book, "制造业") == {accounts["suzhou"]}


def test_the_owner_finds_the_accounts_they_own_under_their_current_name(
    book: Book, accounts: dict[str, str]
) -> None:
    wang = create_team_member(book, {"name": "王磊"})
    update_account(book, accounts["bank"], {"owner_id": wang})
    update_account(book, accounts["acme"], {"owner_id": wang})
    assert search(book, "王磊") == {accounts["bank"], accounts["acme"]}

    update_team_member(book, wang, {"name": "王刚"})
    assert search(book, "王磊") == set()
    assert search(book, "王刚") == {accounts["bank"], accounts["acme"]}

    update_account(book, accounts["acme"], {"owner_id": None})
    assert search(book, "王刚") == {accounts["bank"]}
    delete_team_member(book, wang)  # the list then shows no owner: neither does the search
    assert search(book, "王刚") == set()
    restore_team_member(book, wang)
    assert search(book, "王刚") == {accounts["bank"]}


def test_a_relabelled_industry_is_found_under_its_new_label(
    book: Book, accounts: dict[str, str]
) -> None:
    update_account(book, accounts["bank"], {"industry": "finance"})
    # A label changed on another device arrives as an ordinary edit of the term.
    with book.write(log_changes=False) as session:
        term = session.exec(
            select(VocabularyTerm).where(
                VocabularyTerm.kind == "industry", VocabularyTerm.code == "finance"
            )
        ).one()
        term.label_en = "Banking"
    assert search(book, "finance") == set()
    assert search(book, "banking") == {accounts["bank"]}


def test_the_readme_examples_find_what_they_promise(book: Book, accounts: dict[str, str]) -> None:
    create_stakeholder(book, accounts["suzhou"], {"name": "王建国", "department": "采购部"})
    create_stakeholder(book, accounts["bank"], {"name": "王晓明"})
    assert search(book, "华东 王") == {accounts["suzhou"]}
    assert search(book, "苏州") == {accounts["suzhou"]}
    assert search(book, "采购") == {accounts["suzhou"]}  # a person's department
    assert search(book, "王") == {accounts["suzhou"], accounts["bank"]}
