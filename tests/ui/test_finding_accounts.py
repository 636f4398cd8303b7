"""Finding an account: search as you type, filters, sorting and the group tree."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QTreeView
from pytestqt.qtbot import QtBot

from kamdesk.ops import accounts
from kamdesk.store.book import Book
from kamdesk.ui.context import AppContext
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.models.account_table import Column

from .conftest import (
    ACME,
    ALL_ACCOUNTS,
    BANK,
    GROUP,
    NORTHWIND,
    SUZHOU,
    WUXI,
    User,
    menu_action,
    menu_choices,
    menu_labels,
    rows,
)

# Search as you type --------------------------------------------------------------------


def search_box(window: MainWindow) -> QLineEdit:
    box = window.findChild(QLineEdit, "account_search")
    assert box is not None
    return box


def test_typing_chinese_leaves_only_the_matching_branch(window: MainWindow, user: User) -> None:
    user.type(search_box(window), "苏州")

    assert rows(window.account_list.table) == [SUZHOU]
    assert window.count_label.text() == "1 of 6 accounts"
    assert not window.account_list.empty.isVisible()


def test_typing_part_of_a_chinese_name_matches_inside_it(window: MainWindow, user: User) -> None:
    user.type(search_box(window), "分公司")

    assert sorted(rows(window.account_list.table)) == sorted([SUZHOU, WUXI])


def test_typing_a_stakeholder_name_finds_their_account(window: MainWindow, user: User) -> None:
    user.type(search_box(window), "brian")

    assert rows(window.account_list.table) == [ACME]


def test_typing_a_chinese_stakeholder_name_finds_their_account(
    window: MainWindow, user: User
) -> None:
    user.type(search_box(window), "张伟")

    assert rows(window.account_list.table) == [SUZHOU]


def test_search_matches_words_as_they_are_typed(window: MainWindow, user: User) -> None:
    box = search_box(window)
    table = window.account_list.table

    user.type(box, "Blu")
    assert rows(table) == [BANK]
    user.type(box, "e Riv")
    assert rows(table) == [BANK]


def test_a_search_matching_nothing_says_so(window: MainWindow, user: User) -> None:
    user.type(search_box(window), "zzzz")

    empty = window.account_list.empty
    assert rows(window.account_list.table) == []
    assert empty.isVisible()
    assert empty.text().startswith("No account matches")
    assert window.count_label.text() == "0 of 6 accounts"


def test_clearing_the_search_shows_every_account_again(window: MainWindow, user: User) -> None:
    box = search_box(window)
    user.type(box, "zzzz")

    box.selectAll()
    user.press(box, Qt.Key_Backspace)

    assert sorted(rows(window.account_list.table)) == sorted(ALL_ACCOUNTS)
    assert not window.account_list.empty.isVisible()
    assert window.count_label.text() == "6 accounts"


def test_ctrl_f_puts_the_cursor_in_the_search_box(window: MainWindow, user: User) -> None:
    box = search_box(window)
    user.type(box, "Acme")
    user.click_row(window.account_list.table, 0)
    assert QApplication.focusWidget() is window.account_list.table

    user.press(window, Qt.Key_F, Qt.ControlModifier)

    assert QApplication.focusWidget() is box
    assert box.selectedText() == "Acme"


def test_a_100_kb_paste_into_the_search_box_does_not_break_the_list(
    window: MainWindow, user: User
) -> None:
    box = search_box(window)
    QApplication.clipboard().setText("Acme " * 20_000)

    box.setFocus()
    user.press(box, Qt.Key_V, Qt.ControlModifier)

    assert len(box.text()) > 1000
    assert rows(window.account_list.table) == [ACME]


# Filters ------------------------------------------------------------------------------


def test_ticking_tier_a_shows_only_tier_a_accounts(window: MainWindow) -> None:
    panel = window.account_list

    menu_action(panel.tier_filter, "A").trigger()

    assert sorted(rows(panel.table)) == sorted([ACME, GROUP])
    assert set(rows(panel.table, Column.TIER)) == {"A"}
    assert panel.tier_filter.text() == "Tier (1)"
    assert window.count_label.text() == "2 of 6 accounts"


def test_two_ticks_in_one_filter_show_either(window: MainWindow) -> None:
    panel = window.account_list

    menu_action(panel.tier_filter, "A").trigger()
    menu_action(panel.tier_filter, "C").trigger()

    assert sorted(rows(panel.table)) == sorted([ACME, GROUP, NORTHWIND, WUXI])
    assert panel.tier_filter.text() == "Tier (2)"


def test_filters_combine_with_the_search(window: MainWindow, user: User) -> None:
    panel = window.account_list
    menu_action(panel.industry_filter, "Manufacturing").trigger()

    user.type(panel.search, "无锡")

    assert rows(panel.table) == [WUXI]
    assert panel.industry_filter.text() == "Industry (1)"


def test_clear_resets_the_search_and_every_filter(window: MainWindow, user: User) -> None:
    panel = window.account_list
    menu_action(panel.tier_filter, "B").trigger()
    menu_action(panel.owner_filter, "Chen Jing").trigger()
    user.type(panel.search, "Blue")
    assert rows(panel.table) == [BANK]

    user.click(panel.clear_filters)

    assert sorted(rows(panel.table)) == sorted(ALL_ACCOUNTS)
    assert panel.search.text() == ""
    assert panel.tier_filter.text() == "Tier"
    assert panel.owner_filter.text() == "Owner"
    assert not any(a.isChecked() for a in menu_choices(panel.tier_filter))
    assert window.count_label.text() == "6 accounts"


def test_owner_filter_offers_the_team_and_no_owner(window: MainWindow) -> None:
    labels = menu_labels(window.account_list.owner_filter)

    assert labels == ["No owner", "Chen Jing", "Zhou Min"]


def test_owner_filter_shows_one_owners_accounts(window: MainWindow) -> None:
    panel = window.account_list

    menu_action(panel.owner_filter, "Zhou Min").trigger()

    assert sorted(rows(panel.table)) == sorted([ACME, SUZHOU])
    assert set(rows(panel.table, Column.OWNER)) == {"Zhou Min"}


def test_no_owner_filter_shows_accounts_nobody_owns(window: MainWindow) -> None:
    panel = window.account_list

    menu_action(panel.owner_filter, "No owner").trigger()

    assert sorted(rows(panel.table)) == sorted([NORTHWIND, WUXI])
    assert set(rows(panel.table, Column.OWNER)) == {""}


def test_no_owner_together_with_an_owner(window: MainWindow) -> None:
    panel = window.account_list

    menu_action(panel.owner_filter, "No owner").trigger()
    menu_action(panel.owner_filter, "Chen Jing").trigger()

    assert sorted(rows(panel.table)) == sorted([BANK, GROUP, NORTHWIND, WUXI])
    assert panel.owner_filter.text() == "Owner (2)"


def test_unticking_a_filter_shows_the_accounts_again(window: MainWindow) -> None:
    panel = window.account_list
    tier_a = menu_action(panel.tier_filter, "A")

    tier_a.trigger()
    tier_a.trigger()

    assert len(rows(panel.table)) == 6
    assert panel.tier_filter.text() == "Tier"


def test_filters_that_match_nothing_show_the_no_match_state(window: MainWindow) -> None:
    panel = window.account_list

    menu_action(panel.tier_filter, "A").trigger()
    menu_action(panel.owner_filter, "No owner").trigger()

    assert rows(panel.table) == []
    assert panel.empty.isVisible()
    assert panel.empty.text().startswith("No account matches")


# Sorting ------------------------------------------------------------------------------

REVENUE_ASCENDING = [WUXI, NORTHWIND, BANK, SUZHOU, ACME, GROUP]
TIER_ASCENDING = [ACME, GROUP, BANK, SUZHOU, NORTHWIND, WUXI]


def test_clicking_the_revenue_header_sorts_by_revenue_both_ways(
    window: MainWindow, user: User
) -> None:
    table = window.account_list.table
    header = table.horizontalHeader()

    user.click_header(table, Column.REVENUE)
    first = header.sortIndicatorOrder()
    user.click_header(table, Column.REVENUE)
    second = header.sortIndicatorOrder()

    assert header.sortIndicatorSection() == Column.REVENUE
    assert first != second
    # The last click decides what is shown; check it, then flip back and check again.
    expected = REVENUE_ASCENDING if second == Qt.AscendingOrder else REVENUE_ASCENDING[::-1]
    assert rows(table) == expected
    user.click_header(table, Column.REVENUE)
    assert rows(table) == expected[::-1]


def test_revenue_column_shows_money_and_sorts_accounts_without_revenue_first(
    window: MainWindow,
) -> None:
    table = window.account_list.table

    table.sortByColumn(Column.REVENUE, Qt.AscendingOrder)

    assert rows(table) == REVENUE_ASCENDING
    assert rows(table, Column.REVENUE) == [
        "",
        "CN¥150,000.00",
        "CN¥800,000.00",
        "CN¥1,200,000.00",
        "CN¥3,000,000.00",
        "CN¥5,000,000.00",
    ]


def test_sorting_by_tier_both_ways(window: MainWindow) -> None:
    table = window.account_list.table

    table.sortByColumn(Column.TIER, Qt.AscendingOrder)
    assert rows(table) == TIER_ASCENDING
    assert rows(table, Column.TIER) == ["A", "A", "B", "B", "C", "C"]

    table.sortByColumn(Column.TIER, Qt.DescendingOrder)
    assert rows(table) == TIER_ASCENDING[::-1]
    assert rows(table, Column.TIER) == ["C", "C", "B", "B", "A", "A"]


def test_sorting_keeps_the_selected_account(window: MainWindow) -> None:
    panel = window.account_list
    table = panel.table
    panel.select_account(panel.model.account_id(rows(table).index(BANK)) or "")

    table.sortByColumn(Column.REVENUE, Qt.DescendingOrder)

    assert window.account_page.title.text() == BANK
    assert table.currentIndex().data() == BANK
    assert table.selectionModel().selectedRows()[0].data() == BANK


def test_sorting_by_the_parent_account_column_orders_accounts_by_their_parent(
    window: MainWindow, book: Book, context: AppContext
) -> None:
    # A second group whose branch's own name sorts first: "Alpha Plant" in "Zenith Holdings".
    zenith = accounts.create_account(
        book, {"name": "Zenith Holdings", "org_level": "group", "currency": "CNY"}
    )
    accounts.create_account(
        book, {"name": "Alpha Plant", "parent_id": zenith, "org_level": "branch", "currency": "CNY"}
    )
    context.signals.account_did_change.emit(zenith)
    table = window.account_list.table

    table.sortByColumn(Column.GROUP, Qt.AscendingOrder)

    # The sort arrow is on "Parent account", so the parents read in order down that column.
    assert table.horizontalHeader().model().headerData(Column.GROUP, Qt.Horizontal) == (
        "Parent account"
    )
    assert table.horizontalHeader().sortIndicatorSection() == Column.GROUP
    groups = rows(table, Column.GROUP)
    # In pinyin order: 华东制造集团 ("hua dong …") before Zenith.
    assert groups == [""] * 5 + [GROUP, GROUP, "Zenith Holdings"], groups


# The group tree -----------------------------------------------------------------------


def open_tree(window: MainWindow, qtbot: QtBot) -> QTreeView:
    tabs = window.account_list.tabs
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.tabRect(1).center())
    tree = window.findChild(QTreeView, "account_tree")
    assert tree is not None
    qtbot.waitExposed(tree)
    return tree


def test_groups_tab_builds_the_tree_on_first_view(window: MainWindow, qtbot: QtBot) -> None:
    assert window.findChild(QTreeView, "account_tree") is None
    assert window.account_list.tabs.tabText(1) == "Groups"

    tree = open_tree(window, qtbot)

    assert window.account_list.tabs.currentWidget() is tree
    assert window.account_list.tabs.tabText(1) == "Groups"
    # Top level: the group and the accounts in no group; branches sit under their group.
    assert sorted(rows(tree)) == sorted([ACME, BANK, NORTHWIND, GROUP])


def test_the_group_has_its_branches_as_children(window: MainWindow, qtbot: QtBot) -> None:
    tree = open_tree(window, qtbot)
    model = tree.model()
    group = model.index(rows(tree).index(GROUP), 0)
    assert model.hasChildren(group)

    tree.expand(group)

    assert tree.isExpanded(group)
    assert rows(tree, 0, group) == [SUZHOU, WUXI]  # by pinyin: su zhou, wu xi
    assert rows(tree, 1, group) == ["Branch", "Branch"]
    assert rows(tree, 2, group) == ["B", "C"]
    assert rows(tree, 1)[rows(tree).index(GROUP)] == "Group"


def test_choosing_a_branch_in_the_tree_shows_its_page(window: MainWindow, qtbot: QtBot) -> None:
    tree = open_tree(window, qtbot)
    model = tree.model()
    group = model.index(rows(tree).index(GROUP), 0)
    tree.expand(group)
    suzhou = model.index(0, 0, group)

    rect = tree.visualRect(suzhou)
    qtbot.mouseClick(tree.viewport(), Qt.LeftButton, pos=rect.center())

    assert window.account_list.current_account_id()
    assert window.account_page.title.text() == SUZHOU
    assert rows(window.account_page.stakeholders) == ["张伟"]
