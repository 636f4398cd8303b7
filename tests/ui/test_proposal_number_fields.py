"""Exact numbers in forms (a quantity, a discount, a rate) read and written in the UI's
locale, and the fields the actions keep shown but not editable."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from kamdesk.kinds import kind
from kamdesk.ui.context import AppContext
from kamdesk.ui.forms import RecordForm
from kamdesk.ui.values import number_text, parse_number, value_text

from .conftest import switch_language

LINE = kind("proposal_line")
PROPOSAL = kind("proposal")


def test_a_line_shows_and_reads_back_its_numbers_exactly(qtbot: QtBot, context: AppContext) -> None:
    form = RecordForm(context, LINE.fields)
    qtbot.addWidget(form)
    form.set_values({"product": "Licences", "quantity": 2500, "discount": 1250})

    quantity = form.editors["quantity"].widget
    discount = form.editors["discount"].widget
    assert isinstance(quantity, QLineEdit) and isinstance(discount, QLineEdit)
    assert (quantity.text(), discount.text()) == ("2.5", "12.5")

    quantity.setText("1,234.125")
    discount.setText("7 %")
    values, unreadable = form.values()
    assert (values["quantity"], values["discount"], unreadable) == (1_234_125, 700, {})

    quantity.setText("two")
    discount.setText("1.005")  # more places than a discount keeps
    _values, unreadable = form.values()
    assert set(unreadable) == {"quantity", "discount"}
    assert unreadable["quantity"] == "Enter a number such as 12.5."


def test_numbers_follow_the_chinese_locale_and_lists_show_the_unit(
    qtbot: QtBot, context: AppContext
) -> None:
    assert number_text(123_456_700, 2) == "1,234,567"
    assert parse_number("", 2) is None
    assert value_text(context, PROPOSAL.specs["discount_rate"], 975, {}) == "9.75 %"
    assert value_text(context, LINE.specs["quantity"], -1500, {}) == "-1.5"
    switch_language(qtbot, "zh_CN")
    assert number_text(123_456_750, 2) == "1,234,567.5"
    assert parse_number("1,234,567.5", 2) == 123_456_750


def test_the_status_version_and_sent_date_are_shown_but_not_typed(
    qtbot: QtBot, context: AppContext
) -> None:
    form = RecordForm(context, PROPOSAL.fields)
    qtbot.addWidget(form)
    form.set_values({"title": "MES", "status": "sent", "version": 2})

    status = form.editors["status"].widget
    assert isinstance(status, QComboBox)
    assert status.currentData() == "sent" and not status.isEnabled()
    assert not form.editors["version"].widget.isEnabled()
    assert not form.editors["sent_on"].widget.isEnabled()
    assert form.editors["title"].widget.isEnabled()
