"""The account list's filters and sorts, the group tree and stakeholder rows."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kamdesk.models import Account, utc_now
from kamdesk.ops.accounts import create_account, update_account
from kamdesk.ops.stakeholders import create_stakeholder, update_stakeholder
from kamdesk.ops.team import create_team_member, delete_team_member
from kamdesk.store.book import Book
from kamdesk.store.reader import AccountQuery, AccountSort, BookReader


@dataclass
class Portfolio:
    """Four accounts whose every sortable column differs."""

    ids: dict[str, str]
    members: dict[str, str]


@pytest.fixture
def portfolio(book: Book) -> Portfolio:
    members = {
        "anna": create_team_member(book, {"name": "Anna"}),
        "zhou": create_team_member(book, {"name": "Zhou Min"}),
    }
    rows = {
        "beta": {
            "name": "Beta Bank", "tier": "B", "industry": "finance",
            "lifecycle_stage": "mature", "owner_id": members["zhou"],
            "annual_revenue_minor": 500_00,
        },
        "alpha": {
            "name": "Alpha Energy", "tier": "A", "industry": "energy",
            "lifecycle_stage": "strategic", "owner_id": members["anna"],
            "annual_revenue_minor": 9_000_00,
        },
        "delta": {
            "name": "Delta Hospital", "tier": "", "industry": "healthcare",
            "lifecycle_stage": "new",
        },
        "gamma": {
            "name": "Gamma Grid", "tier": "C", "industry": "government",
            "lifecycle_stage": "prospect", "owner_id": members["anna"],
            "annual_revenue_minor": 20_00,
        },
    }  # fmt: skip
    ids = {key: create_account(book, {**values, "currency": "CNY"}) for key, values in rows.items()}
    for i in range(3):
        create_stakeholder(book, ids["gamma"], {"name": f"Person {i}"})
    create_stakeholder(book, ids["delta"], {"name": "Dr. Wu"})
    return Portfolio(ids, members)


def listed(book: Book, portfolio: Portfolio, **query: object) -> list[str]:
    names = {v: k for k, v in portfolio.ids.items()}
    return [names[i] for i in BookReader(book.db).account_ids(AccountQuery(**query))]  # type: ignore[arg-type]


def test_default_list_is_by_name(book: Book, portfolio: Portfolio) -> None:
    assert listed(book, portfolio) == ["alpha", "beta", "delta", "gamma"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"tiers": frozenset({"A"})}, ["alpha"]),
        ({"tiers": frozenset({"B", "C"})}, ["beta", "gamma"]),
        ({"tiers": frozenset({""})}, ["delta"]),
        ({"industries": frozenset({"finance", "healthcare"})}, ["beta", "delta"]),
        ({"lifecycle_stages": frozenset({"prospect"})}, ["gamma"]),
        ({"lifecycle_stages": frozenset({"new", "mature"})}, ["beta", "delta"]),
        ({"tiers": frozenset({"A", "C"}), "lifecycle_stages": frozenset({"prospect"})}, ["gamma"]),
        ({"industries": frozenset({"telecom"})}, []),
    ],
)
def test_filters(
    book: Book, portfolio: Portfolio, query: dict[str, object], expected: list[str]
) -> None:
    assert listed(book, portfolio, **query) == expected


def test_owner_filter(book: Book, portfolio: Portfolio) -> None:
    anna, zhou = portfolio.members["anna"], portfolio.members["zhou"]
    assert listed(book, portfolio, owners=frozenset({anna})) == ["alpha", "gamma"]
    assert listed(book, portfolio, owners=frozenset({zhou})) == ["beta"]
    assert listed(book, portfolio, owners=frozenset({""})) == ["delta"]
    assert listed(book, portfolio, owners=frozenset({"", zhou})) == ["beta", "delta"]


def test_filters_combine_with_search(book: Book, portfolio: Portfolio) -> None:
    anna = portfolio.members["anna"]
    assert listed(book, portfolio, text="gamma", owners=frozenset({anna})) == ["gamma"]
    assert listed(book, portfolio, text="gamma", tiers=frozenset({"A"})) == []


def test_no_owner_filter_includes_accounts_whose_owner_was_deleted(
    book: Book, portfolio: Portfolio
) -> None:
    # Deleting a team member makes their ownership "disappear from view": the list shows
    # no owner for their accounts, so the "no owner" filter must show those accounts.
    delete_team_member(book, portfolio.members["zhou"])
    rows = BookReader(book.db).account_rows([portfolio.ids["beta"]])
    assert rows[portfolio.ids["beta"]].owner_name == ""
    assert listed(book, portfolio, owners=frozenset({""})) == ["beta", "delta"]


def test_sort_by_owner_puts_accounts_of_a_deleted_owner_with_the_unowned(
    book: Book, portfolio: Portfolio
) -> None:
    # The list shows a blank owner for them; sorting must not use the hidden name.
    delete_team_member(book, portfolio.members["zhou"])
    assert listed(book, portfolio, sort=AccountSort.OWNER) == ["beta", "delta", "alpha", "gamma"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (AccountSort.NAME, ["alpha", "beta", "delta", "gamma"]),
        (AccountSort.TIER, ["alpha", "beta", "gamma", "delta"]),  # no tier after C
        (AccountSort.INDUSTRY, ["alpha", "beta", "gamma", "delta"]),
        (AccountSort.LIFECYCLE_STAGE, ["beta", "delta", "gamma", "alpha"]),
        (AccountSort.OWNER, ["delta", "alpha", "gamma", "beta"]),
        (AccountSort.REVENUE, ["delta", "gamma", "beta", "alpha"]),
        (AccountSort.STAKEHOLDERS, ["alpha", "beta", "delta", "gamma"]),
        (AccountSort.UPDATED, ["beta", "alpha", "delta", "gamma"]),
    ],
)
def test_sorts_and_their_reverse(
    book: Book, portfolio: Portfolio, sort: AccountSort, expected: list[str]
) -> None:
    assert listed(book, portfolio, sort=sort) == expected
    if sort is AccountSort.OWNER:
        # alpha and gamma share an owner: they stay by name (reversed too).
        expected_desc = ["beta", "gamma", "alpha", "delta"]
    elif sort is AccountSort.STAKEHOLDERS:
        expected_desc = ["gamma", "delta", "beta", "alpha"]
    else:
        expected_desc = list(reversed(expected))
    assert listed(book, portfolio, sort=sort, descending=True) == expected_desc


def test_sort_by_updated_puts_the_last_edited_account_first_when_descending(
    book: Book, portfolio: Portfolio
) -> None:
    update_account(book, portfolio.ids["beta"], {"notes": "met the CFO"})
    assert listed(book, portfolio, sort=AccountSort.UPDATED, descending=True)[0] == "beta"


def test_account_rows_hold_what_the_list_shows(book: Book, portfolio: Portfolio) -> None:
    reader = BookReader(book.db)
    rows = reader.account_rows(list(portfolio.ids.values()))
    gamma = rows[portfolio.ids["gamma"]]
    assert gamma.name == "Gamma Grid"
    assert gamma.owner_name == "Anna"
    assert gamma.stakeholder_count == 3
    assert gamma.annual_revenue_minor == 20_00
    assert rows[portfolio.ids["delta"]].owner_name == ""
    assert reader.account_count() == 4


def test_child_ids_build_the_group_tree(book: Book) -> None:
    group = create_account(book, {"name": "华东集团", "currency": "CNY", "org_level": "group"})
    hq = create_account(book, {"name": "HQ", "currency": "CNY", "parent_id": group})
    east = create_account(book, {"name": "East branch", "currency": "CNY", "parent_id": hq})
    west = create_account(book, {"name": "West branch", "currency": "CNY", "parent_id": hq})
    solo = create_account(book, {"name": "Solo Ltd", "currency": "CNY"})
    reader = BookReader(book.db)

    assert reader.child_ids(None) == [group, solo]  # by name, in pinyin: "hua dong" < "solo"
    assert reader.child_ids(group) == [hq]
    assert reader.child_ids(hq) == [east, west]
    assert reader.child_ids(east) == []
    assert reader.child_counts([group, hq, east]) == {group: 1, hq: 2, east: 0}


def test_accounts_whose_parent_was_deleted_show_at_the_top(book: Book) -> None:
    group = create_account(book, {"name": "Group", "currency": "CNY"})
    branch = create_account(book, {"name": "Branch", "currency": "CNY", "parent_id": group})
    # Another device deleted the group (sync can do what the UI refuses).
    with book.write() as session:
        row = session.get(Account, group)
        assert row is not None
        row.deleted_at = utc_now()
    reader = BookReader(book.db)
    assert reader.child_ids(None) == [branch]
    assert reader.account_rows([branch])[branch].parent_name == ""


def test_stakeholders_with_coverage(book: Book, portfolio: Portfolio) -> None:
    gamma = portfolio.ids["gamma"]
    anna, zhou = portfolio.members["anna"], portfolio.members["zhou"]
    reader = BookReader(book.db)
    people = reader.stakeholders(gamma)
    assert [p.name for p in people] == ["Person 0", "Person 1", "Person 2"]
    update_stakeholder(book, people[0].id, {"covered_by": [zhou, anna]})
    update_stakeholder(book, people[2].id, {"covered_by": [zhou]})

    covered = {p.name: p.covered_by for p in reader.stakeholders(gamma)}
    assert covered == {
        "Person 0": tuple(sorted((anna, zhou))),
        "Person 1": (),
        "Person 2": (zhou,),
    }
    # A deleted team member no longer shows as covering anyone.
    delete_team_member(book, zhou)
    covered = {p.name: p.covered_by for p in reader.stakeholders(gamma)}
    assert covered == {"Person 0": (anna,), "Person 1": (), "Person 2": ()}
    one = reader.stakeholder(people[0].id)
    assert one is not None
    assert one.covered_by == (anna,)
    assert one.values["name"] == "Person 0"
