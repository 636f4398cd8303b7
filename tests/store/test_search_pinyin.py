"""Finding Chinese names by pinyin, and listing them in pinyin order, in a real book."""

from __future__ import annotations

import pytest

from kamdesk.ops.accounts import create_account, delete_account, update_account
from kamdesk.ops.stakeholders import create_stakeholder, delete_stakeholder, update_stakeholder
from kamdesk.ops.team import (
    create_team_member,
    delete_team_member,
    restore_team_member,
    update_team_member,
)
from kamdesk.store.book import Book
from kamdesk.store.reader import AccountQuery, AccountSort, BookReader


def search(book: Book, text: str) -> set[str]:
    return set(BookReader(book.db).account_ids(AccountQuery(text=text)))


@pytest.fixture
def accounts(book: Book) -> dict[str, str]:
    """The README's accounts: a manufacturing group, its branch, a bank, a logistics firm."""
    wang = create_team_member(book, {"name": "王磊"})
    ids = {
        "group": create_account(book, {"name": "华东制造集团", "currency": "CNY"}),
        "suzhou": create_account(book, {"name": "华东制造集团苏州分公司", "currency": "CNY"}),
        "bank": create_account(
            book,
            {"name": "招商银行", "currency": "CNY", "notes": "网络改造项目，王总牵头"},
        ),
        "haier": create_account(book, {"name": "Haier Europe", "currency": "EUR"}),
        "logistics": create_account(book, {"name": "东莞隆润物流有限公司", "currency": "CNY"}),
    }
    update_account(book, ids["group"], {"owner_id": wang})
    create_stakeholder(book, ids["bank"], {"name": "李建国", "title": "CIO"})
    return ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("huadong", "group suzhou"),  # full pinyin, from the start of the name
        ("HuaDong", "group suzhou"),
        ("hua", "group suzhou"),  # a syllable still being typed
        ("huad", "group suzhou"),
        ("hdzz", "group suzhou"),  # initials
        ("hdzzjt", "group suzhou"),
        ("suzhou", "suzhou"),  # from a character inside the name, as "苏州" finds it
        ("szfgs", "suzhou"),
        ("zhaoshang", "bank"),
        ("yinhang", "bank"),  # 行 read as in 银行, not "xing"
        ("lijianguo", "bank"),  # a stakeholder
        ("ljg", "bank"),
        ("jianguo", "bank"),
        ("wl", "group logistics"),  # 王磊, the group's owner; 物流, wu liu
        ("wanglei", "group"),
        ("lei", "group"),
        ("huadong wl", "group"),  # every word must match
        ("华东 wl", "group"),  # characters and pinyin together
        ("hdzz 苏州", "suzhou"),
    ],
)
def test_pinyin_finds_names(
    book: Book, accounts: dict[str, str], query: str, expected: str
) -> None:
    assert search(book, query) == {accounts[key] for key in expected.split()}


@pytest.mark.parametrize(
    "query",
    [
        "uadong",  # never from the middle of a syllable
        "ongzhi",
        "huadongx",  # nothing after 华东 reads x…
        "hdzzx",
        "xing",  # the reading 行 does not have in 银行
        "wangluo",  # 网络 is in the bank's notes: notes are not spelled in pinyin
        "wangzong",
    ],
)
def test_pinyin_does_not_find_what_a_user_would_find_absurd(
    book: Book, accounts: dict[str, str], query: str
) -> None:
    assert search(book, query) == set()


def test_pinyin_follows_renames_and_deletions(book: Book, accounts: dict[str, str]) -> None:
    update_account(book, accounts["bank"], {"name": "浦发银行"})
    assert search(book, "zhaoshang") == set()
    assert search(book, "pufa") == {accounts["bank"]}

    person = BookReader(book.db).stakeholders(accounts["bank"])[0].id
    update_stakeholder(book, person, {"name": "赵敏"})
    assert search(book, "ljg") == set()
    assert search(book, "zhaomin") == {accounts["bank"]}

    wang = BookReader(book.db).team_members()[0].id
    update_team_member(book, wang, {"name": "周涛"})
    assert search(book, "wanglei") == set()
    assert search(book, "zhoutao") == {accounts["group"]}
    delete_team_member(book, wang)
    assert search(book, "zhoutao") == set()

    delete_account(book, accounts["suzhou"])
    assert search(book, "suzhou") == set()


# Order ------------------------------------------------------------------------------


def names_in_order(book: Book, **query: object) -> list[str]:
    reader = BookReader(book.db)
    ids = reader.account_ids(AccountQuery(**query))  # type: ignore[arg-type]
    rows = reader.account_rows(ids)
    return [rows[i].name for i in ids]


def test_chinese_names_sort_by_pinyin_among_latin_ones(book: Book) -> None:
    for name in ["Zenith Holdings", "华东制造集团", "Hubei Steel", "Acme", "阿里巴巴", "Haier",
                 "汪洋物流", "王氏集团", "haier trading", "Étoile SA", "招商银行"]:  # fmt: skip
        create_account(book, {"name": name, "currency": "CNY"})

    expected = [
        "阿里巴巴",  # a li ba ba: syllable by syllable, "a" comes before "acme"
        "Acme",
        "Étoile SA",  # accents do not send a name after z
        "Haier",
        "haier trading",  # case does not split the H names either
        "华东制造集团",  # hua dong: after Haier, before Hubei
        "Hubei Steel",
        "王氏集团",  # wang shi
        "汪洋物流",  # wang yang
        "Zenith Holdings",
        "招商银行",  # zhao shang
    ]
    assert names_in_order(book) == expected
    assert names_in_order(book, descending=True) == expected[::-1]
    # A search keeps the order.
    assert names_in_order(book, text="ji") == ["华东制造集团", "王氏集团"]
    assert names_in_order(book, text="h", tiers=frozenset({""})) == [
        "Haier",
        "haier trading",
        "华东制造集团",
        "Hubei Steel",
        "Zenith Holdings",
        "招商银行",  # zhao shang yin hang
    ]


def test_a_renamed_account_moves_to_its_new_place(book: Book) -> None:
    bank = create_account(book, {"name": "招商银行", "currency": "CNY"})
    create_account(book, {"name": "Merchants Trust", "currency": "CNY"})
    assert names_in_order(book) == ["Merchants Trust", "招商银行"]
    update_account(book, bank, {"name": "北京银行"})  # bei jing
    assert names_in_order(book) == ["北京银行", "Merchants Trust"]


def test_other_orders_break_ties_by_pinyin_and_owners_sort_by_pinyin(book: Book) -> None:
    zhou = create_team_member(book, {"name": "周涛"})  # zhou
    chen = create_team_member(book, {"name": "陈静"})  # chen
    anna = create_team_member(book, {"name": "Dana"})
    for name, owner in [("Zeta", chen), ("招商银行", zhou), ("北京银行", anna), ("Yankee", zhou)]:
        create_account(book, {"name": name, "currency": "CNY", "tier": "A", "owner_id": owner})
    create_account(book, {"name": "无主公司", "currency": "CNY", "tier": "A"})

    # Within one tier: by name, in pinyin.
    assert names_in_order(book, sort=AccountSort.TIER) == [
        "北京银行", "无主公司", "Yankee", "Zeta", "招商银行",
    ]  # fmt: skip
    # By owner: nobody, 陈静 (chen), Dana, 周涛 (zhou); their accounts by name.
    assert names_in_order(book, sort=AccountSort.OWNER) == [
        "无主公司", "Zeta", "北京银行", "Yankee", "招商银行",
    ]  # fmt: skip
    update_team_member(book, chen, {"name": "Zoe"})
    assert names_in_order(book, sort=AccountSort.OWNER) == [
        "无主公司", "北京银行", "Yankee", "招商银行", "Zeta",
    ]  # fmt: skip


def test_parents_and_the_group_tree_sort_by_pinyin(book: Book) -> None:
    group = create_account(book, {"name": "华东集团", "currency": "CNY", "org_level": "group"})
    zenith = create_account(book, {"name": "Zenith", "currency": "CNY", "org_level": "group"})
    wuxi = create_account(book, {"name": "无锡分公司", "currency": "CNY", "parent_id": group})
    suzhou = create_account(book, {"name": "苏州分公司", "currency": "CNY", "parent_id": group})
    plant = create_account(book, {"name": "Alpha Plant", "currency": "CNY", "parent_id": zenith})
    reader = BookReader(book.db)

    assert reader.child_ids(None) == [group, zenith]
    assert reader.child_ids(group) == [suzhou, wuxi]
    assert [name for _id, name in reader.account_names()] == [
        "Alpha Plant", "华东集团", "苏州分公司", "无锡分公司", "Zenith",
    ]  # fmt: skip
    assert reader.account_ids(AccountQuery(sort=AccountSort.PARENT)) == [
        group, zenith, suzhou, wuxi, plant,
    ]  # fmt: skip


def test_the_people_of_an_account_are_listed_by_pinyin(book: Book) -> None:
    bank = create_account(book, {"name": "招商银行", "currency": "CNY"})
    for name in ["赵敏", "Alice Walker", "王磊", "陈静", "Zoe Li", "安娜"]:
        create_stakeholder(book, bank, {"name": name})

    def people() -> list[str]:
        return [person.name for person in BookReader(book.db).stakeholders(bank)]

    # alice, an na, chen jing, wang lei, zhao min, zoe
    assert people() == ["Alice Walker", "安娜", "陈静", "王磊", "赵敏", "Zoe Li"]
    wang = next(p.id for p in BookReader(book.db).stakeholders(bank) if p.name == "王磊")
    update_stakeholder(book, wang, {"name": "白雪"})  # bai xue
    assert people() == ["Alice Walker", "安娜", "白雪", "陈静", "赵敏", "Zoe Li"]
    delete_stakeholder(book, wang)
    assert people() == ["Alice Walker", "安娜", "陈静", "赵敏", "Zoe Li"]


def test_our_team_is_listed_by_pinyin(book: Book) -> None:
    ids = {
        name: create_team_member(book, {"name": name}) for name in ["周涛", "Anna", "陈静", "Mark"]
    }

    def team() -> list[str]:
        return [member.name for member in BookReader(book.db).team_members()]

    assert team() == ["Anna", "陈静", "Mark", "周涛"]  # anna, chen jing, mark, zhou tao
    update_team_member(book, ids["周涛"], {"name": "白雪"})  # bai xue
    assert team() == ["Anna", "白雪", "陈静", "Mark"]
    delete_team_member(book, ids["陈静"])
    assert team() == ["Anna", "白雪", "Mark"]
    restore_team_member(book, ids["陈静"])
    assert team() == ["Anna", "白雪", "陈静", "Mark"]
