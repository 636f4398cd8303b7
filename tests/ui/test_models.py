"""The Qt models behind the views: reset signals in order, and rows fetched on demand."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from kamdesk.models import Account
from kamdesk.store.book import Book
from kamdesk.store.reader import AccountRow
from kamdesk.ui.account_list import FilterButton
from kamdesk.ui.context import AppContext
from kamdesk.ui.models.account_table import PAGE, AccountTableModel, Column
from kamdesk.ui.models.account_tree import ID_ROLE, AccountTreeModel
from kamdesk.ui.models.stakeholder_table import StakeholderTableModel

from .conftest import GROUP, SUZHOU, WUXI, Seed, menu_action


def test_search_resets_the_account_model_in_order(
    qtbot: QtBot, context: AppContext, seed: Seed
) -> None:
    model = AccountTableModel(context)

    with qtbot.waitSignals(
        [model.modelAboutToBeReset, model.modelReset], order="strict", timeout=1000
    ):
        model.set_search_text("苏州")

    assert model.rowCount() == 1
    assert model.index(0, Column.NAME).data() == SUZHOU


def test_the_same_search_again_does_not_reset(
    qtbot: QtBot, context: AppContext, seed: Seed
) -> None:
    model = AccountTableModel(context)
    model.set_search_text("Acme")

    with qtbot.assertNotEmitted(model.modelAboutToBeReset):
        model.set_search_text("Acme")

    assert model.rowCount() == 1


def test_an_account_change_anywhere_resets_the_list(
    qtbot: QtBot, context: AppContext, seed: Seed
) -> None:
    model = AccountTableModel(context)

    with qtbot.waitSignals(
        [model.modelAboutToBeReset, model.modelReset], order="strict", timeout=1000
    ):
        context.signals.account_did_change.emit(seed.acme)


def test_stakeholder_model_reloads_only_for_its_account(
    qtbot: QtBot, context: AppContext, seed: Seed
) -> None:
    model = StakeholderTableModel(context)
    model.show_account(seed.acme)
    assert model.rowCount() == 2

    with qtbot.assertNotEmitted(model.modelReset):
        context.signals.stakeholders_did_change.emit(seed.bank)
    with qtbot.waitSignals(
        [model.modelAboutToBeReset, model.modelReset], order="strict", timeout=1000
    ):
        context.signals.stakeholders_did_change.emit(seed.acme)


def test_filter_button_announces_each_tick(qtbot: QtBot) -> None:
    button = FilterButton()
    qtbot.addWidget(button)
    button.set_choices("Tier", [("A", "A"), ("B", "B")])

    with qtbot.waitSignal(button.changed, timeout=1000):
        menu_action(button, "B").trigger()

    assert button.selected() == frozenset({"B"})
    assert button.text() == "Tier (1)"
    with qtbot.waitSignal(button.changed, timeout=1000):
        button.clear_selection()
    assert button.text() == "Tier"


# 2,000 accounts -------------------------------------------------------------------------


@pytest.fixture
def big_book(book: Book) -> Book:
    """2,000 accounts, written in one unit of work as an import would."""
    with book.write() as session:
        for i in range(2000):
            session.add(
                Account(
                    name=f"Account {i:04d}",
                    tier="ABC"[i % 3],
                    currency="CNY",
                    annual_revenue_minor=i * 100,
                )
            )
    return book


def count_row_queries(context: AppContext, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many ids each query for list rows asked for."""
    asked: list[int] = []
    fetch = context.reader.account_rows

    def counting(ids: Sequence[str]) -> dict[str, AccountRow]:
        asked.append(len(ids))
        return fetch(ids)

    monkeypatch.setattr(context.reader, "account_rows", counting)
    return asked


def test_rows_are_fetched_a_page_at_a_time(
    big_book: Book, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = AccountTableModel(context)
    asked = count_row_queries(context, monkeypatch)

    assert model.rowCount() == 2000
    assert asked == []  # counting rows reads ids only
    assert model.index(0, Column.NAME).data() == "Account 0000"
    assert model.index(0, Column.TIER).data() == "A"
    assert model.index(0, Column.REVENUE).data() == "CN¥0.00"
    assert asked == [PAGE]
    assert model.index(PAGE - 1, Column.NAME).data() == f"Account {PAGE - 1:04d}"
    assert asked == [PAGE]  # still from the cache
    assert model.index(1999, Column.NAME).data() == "Account 1999"
    assert model.index(1999, Column.REVENUE).data() == "CN¥1,999.00"
    assert len(asked) == 2
    assert sum(asked) < 2000


def test_sorting_2000_accounts_by_revenue(big_book: Book, context: AppContext) -> None:
    model = AccountTableModel(context)

    model.sort(Column.REVENUE, Qt.DescendingOrder)

    assert model.index(0, Column.NAME).data() == "Account 1999"
    assert model.index(1999, Column.NAME).data() == "Account 0000"


def test_the_tree_reads_a_groups_children_when_it_is_expanded(
    context: AppContext, seed: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = AccountTreeModel(context)
    top = [model.index(r, 0).data() for r in range(model.rowCount())]
    group = model.index(top.index(GROUP), 0)
    asked: list[str | None] = []
    children = context.reader.child_ids
    monkeypatch.setattr(
        context.reader, "child_ids", lambda parent: asked.append(parent) or children(parent)
    )

    assert model.hasChildren(group)
    assert model.rowCount(group) == 0
    assert model.canFetchMore(group)
    assert asked == []

    model.fetchMore(group)

    assert asked[0] == group.data(ID_ROLE)
    assert [model.index(r, 0, group).data() for r in range(model.rowCount(group))] == [
        SUZHOU,
        WUXI,
    ]
    assert model.parent(model.index(0, 0, group)) == group
    assert not model.hasChildren(model.index(0, 0, group))
    assert model.parent(group) == QModelIndex()


def test_the_plain_int_roles_and_alignments_are_qt_s_own_values() -> None:
    from PySide6.QtCore import Qt

    from kamdesk.ui.models import base

    assert Qt.ItemDataRole.DisplayRole.value == base.DISPLAY_ROLE
    assert Qt.ItemDataRole.ToolTipRole.value == base.TOOLTIP_ROLE
    assert Qt.ItemDataRole.TextAlignmentRole.value == base.TEXT_ALIGNMENT_ROLE
    assert Qt.ItemDataRole.BackgroundRole.value == base.BACKGROUND_ROLE
    assert Qt.ItemDataRole.ForegroundRole.value == base.FOREGROUND_ROLE
    assert Qt.ItemDataRole.UserRole.value == base.USER_ROLE
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert right.value == base.ALIGN_RIGHT_VCENTER
    assert Qt.AlignmentFlag.AlignCenter.value == base.ALIGN_CENTER


def test_an_amount_too_large_to_be_money_is_refused_as_unreadable() -> None:
    from kamdesk.ui.formatting import parse_amount

    for typed in ("1e30", "12345678901234567890123456789", "abc"):
        with pytest.raises(ValueError):
            parse_amount(typed, "CNY")
    assert parse_amount("1,234.50", "CNY") == 123450
