"""Negotiation preparation on a deal's page, through the real window: the plan, the
concessions in the order planned, the roles at the table, and undo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QPlainTextEdit, QPushButton

from kamdesk.kinds import kind
from kamdesk.ops import kinds as kind_ops
from kamdesk.store.book import Book
from kamdesk.ui.context import AppContext
from kamdesk.ui.formatting import money_text
from kamdesk.ui.main_window import MainWindow

from .conftest import Seed, User, choose, error_label, field
from .test_deal_page import column, on_deal_page, open_tab, tab_titles, tabs_of
from .test_deals import add_deal

CTRL = Qt.ControlModifier
PLAN = kind("negotiation_plan")
CONCESSION = kind("concession")
ROLE = kind("negotiation_role")


def retype(user: User, line: QLineEdit, text: str) -> None:
    line.setFocus()
    line.selectAll()
    user.type(line, text)


def test_a_plan_is_filled_in_the_deals_currency_and_prices_out_of_order_are_refused(
    window: MainWindow, user: User, book: Book, context: AppContext, seed: Seed
) -> None:
    # Acme keeps its books in yuan; this deal is quoted in dollars.
    deal = add_deal(book, seed.acme, "Paint shop", currency="USD")

    def fill_the_plan(dialog: QDialog) -> None:
        plans = open_tab(user, dialog, "negotiation_plan")

        def fill(form: QDialog) -> None:
            assert form.windowTitle() == "New negotiation plan"
            assert field(form, QComboBox, "currency").currentText() == "USD"
            retype(user, field(form, QLineEdit, "price_best_minor"), "120000")
            retype(user, field(form, QLineEdit, "price_expected_minor"), "130000")
            retype(user, field(form, QLineEdit, "price_walk_away_minor"), "95000")
            user.type(field(form, QLineEdit, "payment_expected"), "30/60/10")
            user.type(field(form, QLineEdit, "delivery_walk_away"), "6 months")
            tabs_of(form).setCurrentIndex(1)  # the long texts
            user.type(field(form, QPlainTextEdit, "our_batna"), "Ship the cells to Bank")
            user.type(field(form, QPlainTextEdit, "their_batna"), "Keep the old line a year")
            user.press(form, Qt.Key_S, CTRL)
            assert form.isVisible()  # refused, by the field, nothing saved
            assert error_label(form, "price_expected_minor").text() == (
                "The expected price cannot be above the best price: we are selling."
            )
            assert kind_ops_records(context, deal) == []
            tabs_of(form).setCurrentIndex(0)
            retype(user, field(form, QLineEdit, "price_expected_minor"), "110000")
            user.press(form, Qt.Key_S, CTRL)
            assert not form.isVisible()

        user.answer(lambda: user.press(plans.table, Qt.Key_N, CTRL), fill)
        assert column(plans, "price_best_minor") == [money_text(12_000_000, "USD")]
        assert column(plans, "price_expected_minor") == [money_text(11_000_000, "USD")]
        assert column(plans, "price_walk_away_minor") == [money_text(9_500_000, "USD")]
        assert "Negotiation plan (1)" in tab_titles(dialog)

        def add_a_second(form: QDialog) -> None:
            user.press(form, Qt.Key_S, CTRL)
            assert form.isVisible()
            assert error_label(form, "price_expected_minor").text() == (
                "This deal already has a negotiation plan: edit that one."
            )

        user.answer(lambda: user.click(plans.add_button), add_a_second)
        assert plans.model.row_count() == 1

    on_deal_page(window, user, "Paint shop", fill_the_plan)
    [plan] = kind_ops_records(context, deal)
    assert (plan["price_best_minor"], plan["price_expected_minor"]) == (12_000_000, 11_000_000)
    assert (plan["price_walk_away_minor"], plan["currency"]) == (9_500_000, "USD")
    assert plan["payment_expected"] == "30/60/10"
    assert plan["their_batna"] == "Keep the old line a year"

    assert window.undo_action.text().startswith("Undo Add negotiation plan")
    user.press(window, Qt.Key_Z, CTRL)
    assert kind_ops_records(context, deal) == []


def kind_ops_records(context: AppContext, deal: str) -> list[dict[str, object]]:
    return [row.values for row in context.reader.records_of(PLAN, deal)]


def test_concessions_are_added_in_order_each_asking_something_back_and_undone_one_by_one(
    window: MainWindow, user: User, book: Book, context: AppContext, seed: Seed
) -> None:
    deal = add_deal(book, seed.acme, "Paint shop")
    steps = [
        ("Three-year warranty", "A three-year framework agreement"),
        ("Free operator training", "A reference visit"),
        ("5% discount", "Signature this quarter"),
    ]

    def add_three(dialog: QDialog) -> None:
        concessions = open_tab(user, dialog, "concession")
        for number, (give, ask) in enumerate(steps):

            def fill(form: QDialog, give: str = give, ask: str = ask, number: int = number) -> None:
                assert form.windowTitle() == "New concession"
                assert field(form, QComboBox, "status").currentData() == "planned"
                user.type(field(form, QLineEdit, "what_we_give"), give)
                asked = field(form, QLineEdit, "what_we_ask")
                [label] = [x for x in form.findChildren(QLabel) if x.buddy() is asked]
                assert label.text() == "What we ask in return *"  # marked as required
                if number == 1:  # given for nothing: refused by the field
                    user.press(form, Qt.Key_S, CTRL)
                    assert form.isVisible()
                    assert error_label(form, "what_we_ask").text() == (
                        "A concession is never given for nothing: say what we ask in return."
                    )
                user.type(field(form, QLineEdit, "what_we_ask"), ask)
                if number == 2:
                    retype(user, field(form, QLineEdit, "value_minor"), "6000")
                user.press(form, Qt.Key_S, CTRL)
                assert not form.isVisible()

            user.answer(lambda: user.press(concessions.table, Qt.Key_N, CTRL), fill)
        assert column(concessions, "what_we_give") == [give for give, _ask in steps]
        assert column(concessions, "what_we_ask") == [ask for _give, ask in steps]
        assert column(concessions, "value_minor")[2] == money_text(600_000, "CNY")  # Acme's yuan
        assert column(concessions, "status") == ["Planned"] * 3
        assert "Concessions (3)" in tab_titles(dialog)

        # Offered: the first one's status changes, its place in the plan does not.
        concessions.table.setFocus()
        user.click_row(concessions.table, 0)

        def offer(form: QDialog) -> None:
            choose(field(form, QComboBox, "status"), "offered")
            user.press(form, Qt.Key_S, CTRL)

        user.answer(lambda: user.press(concessions.table, Qt.Key_F2), offer)
        assert column(concessions, "status") == ["Offered", "Planned", "Planned"]
        assert column(concessions, "what_we_give")[0] == "Three-year warranty"

    on_deal_page(window, user, "Paint shop", add_three)

    def listed() -> list[str]:
        return [row.values["what_we_give"] for row in context.reader.records_of(CONCESSION, deal)]

    assert listed() == [give for give, _ask in steps]
    assert window.undo_action.text() == "Undo Edit concession Three-year warranty"
    user.press(window, Qt.Key_Z, CTRL)
    assert context.reader.records_of(CONCESSION, deal)[0].values["status"] == "planned"
    assert window.undo_action.text() == "Undo Add concession 5% discount"
    user.press(window, Qt.Key_Z, CTRL)
    assert listed() == ["Three-year warranty", "Free operator training"]
    user.press(window, Qt.Key_Y, CTRL)  # redone, it comes back last
    assert listed() == [give for give, _ask in steps]


def test_roles_at_the_table_name_our_people(
    window: MainWindow, user: User, book: Book, context: AppContext, seed: Seed
) -> None:
    deal = add_deal(book, seed.acme, "Paint shop")
    kind_ops.create_record(book, ROLE, deal, {"team_member_id": seed.chen})

    def add_zhou(dialog: QDialog) -> None:
        roles = open_tab(user, dialog, "negotiation_role")
        assert column(roles, "role") == ["Lead negotiator"]

        def fill(form: QDialog) -> None:
            assert form.windowTitle() == "New negotiation role"
            choose(field(form, QComboBox, "team_member_id"), seed.zhou)
            choose(field(form, QComboBox, "role"), "technical")
            user.press(form, Qt.Key_S, CTRL)

        user.answer(lambda: user.click(roles.add_button), fill)
        assert sorted(column(roles, "team_member_id")) == ["Chen Jing", "Zhou Min"]
        assert sorted(column(roles, "role")) == ["Lead negotiator", "Technical"]

    on_deal_page(window, user, "Paint shop", add_zhou)
    assert {row.values["role"] for row in context.reader.records_of(ROLE, deal)} == {
        "lead",
        "technical",
    }
    assert window.undo_action.text() == "Undo Add negotiation role Zhou Min"


def test_a_concession_moves_up_the_plan_and_undo_moves_it_back(
    window: MainWindow, user: User, book: Book, context: AppContext, seed: Seed
) -> None:
    deal = add_deal(book, seed.acme, "Paint shop")
    made = [
        kind_ops.create_record(book, CONCESSION, deal, {"what_we_give": give, "what_we_ask": "x"})
        for give in ("Warranty", "Training", "Discount")
    ]

    def move_discount_first(dialog: QDialog) -> None:
        concessions = open_tab(user, dialog, "concession")
        up = concessions.findChild(QPushButton, "move_concession_up")
        down = concessions.findChild(QPushButton, "move_concession_down")
        assert up is not None and down is not None
        user.click_row(concessions.table, 2)
        user.click(up)
        assert column(concessions, "what_we_give") == ["Warranty", "Discount", "Training"]
        assert concessions.current_record_id() == made[2]  # the cursor went with it
        user.click(up)
        user.click(up)  # first already: nothing happens
        assert column(concessions, "what_we_give") == ["Discount", "Warranty", "Training"]

    on_deal_page(window, user, "Paint shop", move_discount_first)

    def listed() -> list[str]:
        return [row.values["what_we_give"] for row in context.reader.records_of(CONCESSION, deal)]

    assert window.undo_action.text() == "Undo Move Discount up"
    user.press(window, Qt.Key_Z, CTRL)
    assert listed() == ["Warranty", "Discount", "Training"]
    user.press(window, Qt.Key_Z, CTRL)
    assert listed() == ["Warranty", "Training", "Discount"]
    user.press(window, Qt.Key_Y, CTRL)
    assert listed() == ["Warranty", "Discount", "Training"]
