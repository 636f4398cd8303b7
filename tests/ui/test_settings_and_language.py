"""The Settings dialog, and switching the language while the app runs.

Texts are compared with ``_()`` of the English source under the new language (the zh_CN
catalog grows as we go), and Qt's own buttons with Qt's Chinese catalog.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTreeView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kamdesk.i18n import _, current_language, ngettext
from kamdesk.settings import (
    COMPANY_NAME,
    DEFAULT_CURRENCY,
    LANGUAGE,
    PRIMARY_COLOR,
    Settings,
)
from kamdesk.ui.context import AppContext
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.models.account_table import Column
from kamdesk.ui.models.stakeholder_table import Column as PeopleColumn
from kamdesk.ui.settings_dialog import SettingsDialog

from .conftest import (
    GROUP,
    SUZHOU,
    Seed,
    User,
    button,
    choose,
    error_label,
    field,
    menu_action,
    rows,
    settle,
    switch_language,
)

OK = QDialogButtonBox.StandardButton.Ok
SAVE = QDialogButtonBox.StandardButton.Save
CTRL = Qt.ControlModifier


def switch_in_settings(window: MainWindow, user: User, qtbot: QtBot, code: str) -> None:
    def fill(dialog: QDialog) -> None:
        choose(dialog.language, code)
        user.click(button(dialog, OK))

    user.answer(window.show_settings, fill, kind=SettingsDialog)
    settle(qtbot)  # the LanguageChange events Qt posted, and the layouts they change


def label_of(dialog: QWidget, editor: QWidget) -> str:
    labels = [label for label in dialog.findChildren(QLabel) if label.buddy() is editor]
    assert len(labels) == 1
    return labels[0].text()


def select(window: MainWindow, user: User, name: str) -> None:
    table = window.account_list.table
    user.click_row(table, rows(table).index(name))


# Switching the language -------------------------------------------------------------------


def test_settings_dialog_shows_the_current_settings(window: MainWindow, user: User) -> None:
    seen: dict[str, object] = {}

    def read(dialog: SettingsDialog) -> None:
        seen.update(
            title=dialog.windowTitle(),
            languages=[dialog.language.itemText(i) for i in range(dialog.language.count())],
            language=dialog.language.currentData(),
            currency=dialog.currency.currentText(),
            primary=dialog.primary.text(),
            logo=dialog.logo_preview.text(),
        )

    user.answer(window.show_settings, read, kind=SettingsDialog)

    assert seen == {
        "title": "Settings",
        "languages": ["English", "简体中文"],
        "language": "en",
        "currency": "CNY",
        "primary": "#1F4E79",
        "logo": "No logo",
    }


def test_choosing_chinese_switches_menus_headers_and_labels(
    window: MainWindow, user: User, qtbot: QtBot, settings: Settings
) -> None:
    select(window, user, SUZHOU)

    switch_in_settings(window, user, qtbot, "zh_CN")

    assert current_language().code == "zh_CN"
    assert window.file_menu.title() == _("&File")
    assert window.edit_menu.title() == _("&Edit")
    assert window.team_menu.title() == _("&Team")
    assert window.help_menu.title() == _("&Help")
    assert window.new_account_action.text() == _("New account…")
    assert window.windowTitle() == _("KAMDesk — {book}").format(book="b.kamdesk")
    six_accounts = ngettext("{count} account", "{count} accounts", 6).format(count=6)
    assert window.count_label.text() == six_accounts
    panel = window.account_list
    header = panel.table.horizontalHeader().model().headerData  # what the header shows
    assert header(Column.NAME, Qt.Horizontal) == _("Account")
    assert header(Column.REVENUE, Qt.Horizontal) == _("Revenue with us")
    assert panel.tabs.tabText(0) == _("List")
    assert panel.tabs.tabText(1) == _("Groups")
    assert panel.tier_filter.text() == _("Tier")
    assert panel.clear_filters.text() == _("Clear")
    assert panel.search.placeholderText() == _("Search accounts, people and notes (Ctrl+F)")
    page = window.account_page
    assert page.profile_box.title() == _("Profile")
    assert page.tabs.tabText(0) == _("Stakeholders ({count})").format(count=1)
    assert page.edit_button.text() == _("Edit (F2)")
    assert page.coverage.text() == _(
        "Decision-maker coverage: {percent}% ({covered} of {count} covered)"
    ).format(percent=100, covered=1, count=1)
    # Vocabulary labels come from the book, in both languages.
    assert rows(panel.table, Column.INDUSTRY)[rows(panel.table).index(SUZHOU)] == "制造业"
    assert rows(page.stakeholders, PeopleColumn.ROLE) == ["最终决策者 (EB)"]
    assert json.loads(settings.path.read_text(encoding="utf-8"))["language"] == "zh_CN"
    assert Settings(settings.path).get(LANGUAGE) == "zh_CN"


def test_qt_buttons_follow_the_language_too(window: MainWindow, user: User, qtbot: QtBot) -> None:
    switch_in_settings(window, user, qtbot, "zh_CN")
    texts: list[str] = []

    def read(dialog: QDialog) -> None:
        texts.append(button(dialog, SAVE).text())
        texts.append(button(dialog, QDialogButtonBox.StandardButton.Cancel).text())

    user.answer(lambda: user.press(window, Qt.Key_N, CTRL), read)

    assert "保存" in texts[0]
    assert "取消" in texts[1]


def test_switching_back_to_english(window: MainWindow, user: User, qtbot: QtBot) -> None:
    switch_in_settings(window, user, qtbot, "zh_CN")

    switch_in_settings(window, user, qtbot, "en")

    assert current_language().code == "en"
    assert window.file_menu.title() == "&File"
    assert window.account_list.tabs.tabText(1) == "Groups"
    assert window.count_label.text() == "6 accounts"
    assert rows(window.account_list.table, Column.INDUSTRY)[0] == "Internet"


def test_filters_and_selection_survive_a_language_switch(
    window: MainWindow, user: User, qtbot: QtBot
) -> None:
    panel = window.account_list
    menu_action(panel.tier_filter, "B").trigger()
    select(window, user, SUZHOU)

    switch_in_settings(window, user, qtbot, "zh_CN")

    assert sorted(rows(panel.table)) == sorted(["Blue River Bank", SUZHOU])
    assert panel.tier_filter.text() == f"{_('Tier')} (1)"
    assert panel.table.currentIndex().data() == SUZHOU
    assert window.account_page.title.text() == SUZHOU


def test_the_group_tree_follows_a_language_switch(
    window: MainWindow, user: User, qtbot: QtBot
) -> None:
    window.account_list.tabs.setCurrentIndex(1)
    tree = window.findChild(QTreeView, "account_tree")
    assert tree is not None
    group = tree.model().index(rows(tree).index(GROUP), 0)
    tree.expand(group)

    switch_in_settings(window, user, qtbot, "zh_CN")

    assert tree.model().headerData(0, Qt.Horizontal) == _("Account")
    assert tree.model().headerData(1, Qt.Horizontal) == _("Position in group")
    assert tree.isExpanded(group)
    assert rows(tree, 1, group) == ["分公司", "分公司"]


def test_an_open_form_keeps_what_was_typed_across_a_language_switch(
    window: MainWindow, user: User, qtbot: QtBot, context: AppContext
) -> None:
    seen: dict[str, object] = {}
    expected: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        name = field(dialog, QLineEdit, "name")
        revenue = field(dialog, QLineEdit, "annual_revenue_minor")
        industry = field(dialog, QComboBox, "industry")
        own = field(dialog, QCheckBox, "own_purchasing")
        notes = field(dialog, QPlainTextEdit, "notes")
        user.type(name, "Delta Foods")
        user.type(revenue, "1234.5")
        choose(industry, "finance")
        user.press(own, Qt.Key_Space)
        user.type(notes, "Met at the fair")

        switch_language(qtbot, "zh_CN")

        seen.update(
            name=name.text(),
            revenue=revenue.text(),
            industry=industry.currentData(),
            industry_label=industry.currentText(),
            own=own.isChecked(),
            notes=notes.toPlainText(),
            title=dialog.windowTitle(),
            label=label_of(dialog, name),
            save=button(dialog, SAVE).text(),
        )
        expected.update(title=_("New account"), label=_("Account name") + " *")
        user.click(button(dialog, SAVE))

    user.answer(lambda: user.press(window, Qt.Key_N, CTRL), fill)

    assert seen == {
        "name": "Delta Foods",
        "revenue": "1234.5",
        "industry": "finance",
        "industry_label": "金融",
        "own": True,
        "notes": "Met at the fair",
        "title": expected["title"],
        "label": expected["label"],
        "save": seen["save"],
    }
    assert "保存" in str(seen["save"])
    stored = context.reader.account(window.account_list.current_account_id())
    assert stored is not None
    assert (stored["name"], stored["annual_revenue_minor"], stored["industry"]) == (
        "Delta Foods",
        123_450,
        "finance",
    )
    assert stored["own_purchasing"] is True
    assert stored["notes"] == "Met at the fair"


def test_a_parent_name_typed_in_an_open_form_survives_a_language_switch(
    window: MainWindow, user: User, qtbot: QtBot
) -> None:
    seen: dict[str, str] = {}

    def fill(dialog: QDialog) -> None:
        parent = field(dialog, QComboBox, "parent_id")
        parent.lineEdit().clear()
        user.type(parent.lineEdit(), "华东制造")  # still typing the group's name
        seen["before"] = parent.currentText()

        switch_language(qtbot, "zh_CN")

        seen["after"] = parent.currentText()

    user.answer(lambda: user.press(window, Qt.Key_N, CTRL), fill)

    assert seen["before"].startswith("华东制造")
    assert seen["after"] == seen["before"]


def test_messages_under_fields_follow_a_language_switch(
    window: MainWindow, user: User, qtbot: QtBot
) -> None:
    select(window, user, "Blue River Bank")
    seen: dict[str, str] = {}

    def fill(dialog: QDialog) -> None:
        amount = field(dialog, QLineEdit, "annual_revenue_minor")
        amount.selectAll()
        user.type(amount, "-5")
        user.click(button(dialog, SAVE))
        assert error_label(dialog, "annual_revenue_minor").isVisible()

        switch_language(qtbot, "zh_CN")

        seen["error"] = error_label(dialog, "annual_revenue_minor").text()
        seen["expected"] = _("{field} cannot be negative.").format(
            field=_("Annual revenue with us")
        )

    user.answer(lambda: user.press(window, Qt.Key_F2), fill)

    assert seen["error"] == seen["expected"]


# Other settings -------------------------------------------------------------------------


def test_company_name_is_saved(window: MainWindow, user: User, settings: Settings) -> None:
    def fill(dialog: SettingsDialog) -> None:
        dialog.company.clear()
        user.type(dialog.company, "Sunrise Trading ")
        user.type(dialog.company, "日升贸易")
        user.click(button(dialog, OK))

    user.answer(window.show_settings, fill, kind=SettingsDialog)

    assert settings.get(COMPANY_NAME) == "Sunrise Trading 日升贸易"
    assert Settings(settings.path).get(COMPANY_NAME) == "Sunrise Trading 日升贸易"
    assert current_language().code == "en"  # nothing else changed


def test_a_chosen_colour_is_saved(window: MainWindow, user: User, settings: Settings) -> None:
    def fill(dialog: SettingsDialog) -> None:
        original = QColorDialog.getColor
        QColorDialog.getColor = staticmethod(lambda *_args: QColor("#12ab9f"))  # type: ignore[method-assign]
        try:
            user.click(dialog.primary)
        finally:
            QColorDialog.getColor = original  # type: ignore[method-assign]
        assert dialog.primary.text() == "#12AB9F"
        user.click(button(dialog, OK))

    user.answer(window.show_settings, fill, kind=SettingsDialog)

    assert settings.get(PRIMARY_COLOR) == "#12AB9F"


def test_an_invalid_colour_is_refused(window: MainWindow, user: User, settings: Settings) -> None:
    saved = settings.path.read_text(encoding="utf-8")
    seen: dict[str, object] = {}

    def fill(dialog: SettingsDialog) -> None:
        # The colour chooser only returns valid colours; a value from elsewhere (an
        # older file, a future setting) can still reach the button.
        dialog.primary.color = "blue-ish"
        user.click(button(dialog, OK))
        seen.update(
            text=dialog.error.text(), visible=dialog.error.isVisible(), open=dialog.isVisible()
        )

    user.answer(window.show_settings, fill, kind=SettingsDialog)

    assert seen == {
        "text": "Main colour on PDFs: this value is not valid.",
        "visible": True,
        "open": True,
    }
    assert settings.get(PRIMARY_COLOR) == "#1F4E79"
    assert settings.path.read_text(encoding="utf-8") == saved


def test_an_invalid_currency_is_refused(window: MainWindow, user: User, settings: Settings) -> None:
    seen: dict[str, object] = {}

    def fill(dialog: SettingsDialog) -> None:
        dialog.currency.lineEdit().clear()
        user.type(dialog.currency.lineEdit(), "EURO")
        user.click(button(dialog, OK))
        seen.update(text=dialog.error.text(), open=dialog.isVisible())

    user.answer(window.show_settings, fill, kind=SettingsDialog)

    assert seen == {"text": "Default currency: this value is not valid.", "open": True}
    assert settings.get(DEFAULT_CURRENCY) == "CNY"


def test_a_file_that_is_not_an_image_is_refused_as_logo(
    window: MainWindow, user: User, settings: Settings, tmp_path: Path
) -> None:
    not_an_image = tmp_path / "logo.png"
    not_an_image.write_text("not a picture", encoding="utf-8")
    seen: dict[str, object] = {}

    def fill(dialog: SettingsDialog) -> None:
        user.type(dialog.logo, str(not_an_image))
        seen["preview"] = dialog.logo_preview.text()
        user.click(button(dialog, OK))
        seen.update(text=dialog.error.text(), open=dialog.isVisible())

    user.answer(window.show_settings, fill, kind=SettingsDialog)

    assert seen == {
        "preview": "This file is not an image.",
        "text": "The logo must be a PNG or JPEG image file.",
        "open": True,
    }


def test_cancel_changes_nothing(window: MainWindow, user: User, settings: Settings) -> None:
    def fill(dialog: SettingsDialog) -> None:
        choose(dialog.language, "zh_CN")
        user.type(dialog.company, "Ignored Ltd")
        user.click(button(dialog, QDialogButtonBox.StandardButton.Cancel))

    user.answer(window.show_settings, fill, kind=SettingsDialog)

    assert current_language().code == "en"
    assert settings.get(COMPANY_NAME) == ""
    assert settings.get(LANGUAGE) == "en"


def test_new_accounts_use_the_default_currency_from_settings(
    window: MainWindow, user: User, seed: Seed
) -> None:
    def fill_settings(dialog: SettingsDialog) -> None:
        dialog.currency.setCurrentText("USD")
        user.click(button(dialog, OK))

    user.answer(window.show_settings, fill_settings, kind=SettingsDialog)
    currencies: list[str] = []

    def read(dialog: QDialog) -> None:
        currencies.append(field(dialog, QComboBox, "currency").currentText())

    user.answer(lambda: user.press(window, Qt.Key_N, CTRL), read)

    assert currencies == ["USD"]


def test_settings_show_the_language_of_this_run_and_ok_keeps_it(
    window: MainWindow, user: User, settings: Settings, qtbot: QtBot
) -> None:
    # Started with --language zh_CN while the saved setting is still English.
    assert settings.get(LANGUAGE) == "en"
    switch_language(qtbot, "zh_CN")
    shown: list[str] = []

    def look(dialog: SettingsDialog) -> None:
        shown.append(dialog.language.currentText())
        user.click(button(dialog, OK))

    user.answer(window.show_settings, look, kind=SettingsDialog)

    assert shown == ["简体中文"]
    assert current_language().code == "zh_CN"
    assert settings.get(LANGUAGE) == "zh_CN"
