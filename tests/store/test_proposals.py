"""Proposals in the book, through the actions: made, edited, sent and frozen, versioned,
compared, read back as the calculator and the PDF read them, and bad input refused."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kamdesk.domain.proposals import BenefitKind, Billing, ProposalLanguage, ProposalStatus
from kamdesk.errors import ValidationError
from kamdesk.kinds import kind
from kamdesk.ops.accounts import create_account
from kamdesk.ops.kinds import create_record, delete_record, restore_record, update_record
from kamdesk.ops.proposals import (
    compare_versions,
    new_proposal,
    next_version,
    proposal_document,
    proposals_of_account,
    proposals_of_book,
    send_proposal,
    versions,
)
from kamdesk.ops.team import create_team_member
from kamdesk.store.book import Book, create_book
from kamdesk.store.reader import BookReader
from kamdesk.store.schema import SCHEMA_HEAD

from .test_deal_migrations import downgrade

PROPOSAL = kind("proposal")
OPTION = kind("proposal_option")
LINE = kind("proposal_line")
BENEFIT = kind("proposal_benefit")
PAIN = kind("proposal_pain")
PHASE = kind("proposal_phase")
SENT_ON = dt.date(2026, 12, 3)


@pytest.fixture
def account(book: Book) -> str:
    owner = create_team_member(book, {"name": "李娜"})
    return create_account(
        book,
        {
            "name": "华东制造集团总部",
            "currency": "CNY",
            "owner_id": owner,
            "pain_points": "- 设备停机多，每月损失约 50 万\n\n• Paper work orders; Slow audits\n",
        },
    )


@pytest.fixture
def deal(book: Book, account: str) -> str:
    deal = create_record(
        book, kind("opportunity"), account, {"name": "MES 二期", "currency": "USD"}
    )
    create_record(book, kind("deal_competitor"), deal, {"name": "SAP", "standing": "leading"})
    create_record(book, kind("deal_competitor"), deal, {"name": "启明科技"})
    return deal


def rows(book: Book, k: Any, parent: str) -> list[dict[str, Any]]:
    return [r.values | {"id": r.id} for r in BookReader(book.db).records_of(k, parent)]


def refused(call: Any, *args: Any, **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as error:
        call(*args, **kwargs)
    return error.value.errors


def change_log_size(book: Book) -> int:
    return int(book.db.execute("SELECT COUNT(*) FROM change_log").fetchone()[0])


@pytest.fixture
def priced(book: Book, account: str, deal: str) -> str:
    """A draft with a line and a benefit on its recommended option, and a phase."""
    proposal = new_proposal(book, account, title="MES rollout", language="en", opportunity_id=deal)
    better = rows(book, OPTION, proposal)[1]["id"]
    create_record(
        book,
        LINE,
        better,
        {
            "product": "Licences",
            "quantity": Decimal("2.5"),
            "unit_price_minor": 1_234_567,
            "discount": Decimal("12.5"),
            "billing": "yearly",
        },
    )
    create_record(
        book,
        BENEFIT,
        better,
        {
            "kind": "hours_saved",
            "description": "Fewer manual reports",
            "hours_per_year": Decimal("1200.5"),
            "hourly_rate_minor": 8_000,
            "assumption": "Two planners, half a day a week each",
        },
    )
    create_record(book, PHASE, proposal, {"name": "Pilot", "weeks": 6})
    return proposal


# Making a proposal -----------------------------------------------------------------------


def test_a_new_proposal_is_a_draft_with_three_options_and_the_accounts_pains(
    book: Book, account: str, deal: str
) -> None:
    proposal = new_proposal(book, account, title="MES 方案", language="zh_CN", opportunity_id=deal)

    [row] = rows(book, PROPOSAL, account)
    assert row["id"] == proposal
    assert (row["status"], row["version"], row["sent_on"]) == ("draft", 1, None)
    assert row["currency"] == "USD"  # the deal's, not the account's
    assert (row["horizon_years"], row["discount_rate"]) == (5, 800)
    options = rows(book, OPTION, proposal)
    assert [o["name"] for o in options] == ["基础版", "标准版", "旗舰版"]
    assert [o["recommended"] for o in options] == [False, True, False]
    pains = rows(book, PAIN, proposal)
    assert [(p["pain"], p["component"]) for p in pains] == [
        ("设备停机多，每月损失约 50 万", ""),
        ("Paper work orders", ""),
        ("Slow audits", ""),
    ]
    assert versions(book, proposal) == [(proposal, 1, "draft", None)]
    assert [(s.account, s.title, s.version) for s in proposals_of_book(book)] == [
        ("华东制造集团总部", "MES 方案", 1)
    ]
    assert proposals_of_account(book, account)[0].id == proposal


def test_an_english_proposal_without_a_deal_is_in_the_accounts_currency(
    book: Book, account: str
) -> None:
    proposal = new_proposal(book, account, title="Audit")
    assert [o["name"] for o in rows(book, OPTION, proposal)] == ["Good", "Better", "Best"]
    assert rows(book, PROPOSAL, account)[0]["currency"] == "CNY"


def test_a_draft_is_edited_and_its_rows_go_in_order(book: Book, priced: str) -> None:
    update_record(book, PROPOSAL, priced, {"horizon_years": 3, "discount_rate": Decimal("9.75")})
    added = create_record(book, PHASE, priced, {"name": "Rollout", "weeks": 10})

    values = BookReader(book.db).record_of(PROPOSAL, priced)
    assert values is not None
    assert (values.values["horizon_years"], values.values["discount_rate"]) == (3, 975)
    phases = rows(book, PHASE, priced)
    assert [p["name"] for p in phases] == ["Pilot", "Rollout"]
    assert phases[1]["id"] == added


def test_a_proposals_title_is_found_by_the_accounts_search(book: Book, account: str) -> None:
    from kamdesk.store.reader import AccountQuery

    new_proposal(book, account, title="Predictive maintenance")
    assert BookReader(book.db).account_ids(AccountQuery(text="predictive")) == [account]


# Sending freezes a version ----------------------------------------------------------------


def test_sending_stamps_the_date_and_freezes_the_version_and_every_row(
    book: Book, priced: str
) -> None:
    send_proposal(book, priced, SENT_ON)
    frozen = "This version was sent on Dec 3, 2026: make a new version to change it."

    better = rows(book, OPTION, priced)[1]["id"]
    line = rows(book, LINE, better)[0]["id"]
    benefit = rows(book, BENEFIT, better)[0]["id"]
    pain = rows(book, PAIN, priced)[0]["id"]
    phase = rows(book, PHASE, priced)[0]["id"]
    logged = change_log_size(book)
    assert refused(update_record, book, PROPOSAL, priced, {"title": "x"}) == {"title": frozen}
    assert refused(delete_record, book, PROPOSAL, priced) == {"title": frozen}
    for k, record, field in (
        (OPTION, better, "name"),
        (LINE, line, "product"),
        (BENEFIT, benefit, "description"),
        (PAIN, pain, "pain"),
        (PHASE, phase, "name"),
    ):
        assert refused(update_record, book, k, record, {field: "x"}) == {field: frozen}
        assert refused(delete_record, book, k, record) == {field: frozen}
    assert refused(create_record, book, OPTION, priced, {"name": "Premium"}) == {"name": frozen}
    assert refused(create_record, book, LINE, better, {"product": "x", "unit_price_minor": 1}) == {
        "product": frozen
    }
    assert refused(create_record, book, PAIN, priced, {"pain": "x"}) == {"pain": frozen}
    assert refused(send_proposal, book, priced, SENT_ON) == {"status": frozen}
    assert change_log_size(book) == logged  # nothing written
    row = BookReader(book.db).record_of(PROPOSAL, priced)
    assert row is not None
    assert (row.values["status"], row.values["sent_on"]) == ("sent", SENT_ON)


def test_a_row_deleted_from_the_draft_stays_deleted_once_sent(book: Book, priced: str) -> None:
    phase = rows(book, PHASE, priced)[0]["id"]
    delete_record(book, PHASE, phase)
    send_proposal(book, priced, SENT_ON)
    assert "make a new version" in refused(restore_record, book, PHASE, phase)["name"]
    assert rows(book, PHASE, priced) == []


def test_a_proposal_with_no_priced_option_cannot_be_sent(book: Book, account: str) -> None:
    proposal = new_proposal(book, account, title="Empty")
    assert refused(send_proposal, book, proposal, SENT_ON) == {
        "status": "Add a line item to an option before sending the proposal."
    }


def test_status_and_version_are_not_typed(book: Book, priced: str) -> None:
    message = "Send the proposal to change its status, or make a new version."
    assert refused(update_record, book, PROPOSAL, priced, {"status": "sent"}) == {"status": message}
    assert refused(update_record, book, PROPOSAL, priced, {"version": 4}) == {"version": message}


# Versions ---------------------------------------------------------------------------------


def test_the_next_version_copies_everything_and_is_the_one_draft(book: Book, priced: str) -> None:
    send_proposal(book, priced, SENT_ON)
    second = next_version(book, priced)

    assert next_version(book, priced) == second  # one draft at a time
    assert next_version(book, second) == second
    assert versions(book, second) == [(priced, 1, "sent", SENT_ON), (second, 2, "draft", None)]
    old, new = proposal_document(book, priced, SENT_ON), proposal_document(book, second, SENT_ON)
    assert [o.name for o in new.options] == [o.name for o in old.options]
    assert new.options[1].lines[0].product == "Licences"
    assert new.options[1].lines[0].id != old.options[1].lines[0].id
    assert new.phases[0].name == "Pilot"
    assert new.economics == old.economics
    # The copy is a draft that edits; the sent version stays as it was.
    update_record(book, LINE, new.options[1].lines[0].id, {"unit_price_minor": 1_000_000})
    assert proposal_document(book, priced, SENT_ON).options[1].lines[0].unit_price == Decimal(
        "12345.67"
    )


def test_a_deleted_draft_gives_its_number_to_no_other_version(book: Book, priced: str) -> None:
    send_proposal(book, priced, SENT_ON)
    delete_record(book, PROPOSAL, next_version(book, priced))
    third = next_version(book, priced)
    assert [v.version for v in versions(book, priced)] == [1, 3]
    assert versions(book, third)[-1].id == third


def test_a_deleted_draft_is_not_restored_beside_another_draft(book: Book, priced: str) -> None:
    send_proposal(book, priced, SENT_ON)
    second = next_version(book, priced)
    delete_record(book, PROPOSAL, second)
    third = next_version(book, priced)
    before = change_log_size(book)
    [message] = refused(restore_record, book, PROPOSAL, second).values()
    assert "Version 3" in message
    assert change_log_size(book) == before
    assert [(v.version, v.status) for v in versions(book, priced)] == [(1, "sent"), (3, "draft")]
    # With the newer draft gone, the older one comes back.
    delete_record(book, PROPOSAL, third)
    restore_record(book, PROPOSAL, second)
    assert next_version(book, priced) == second


def test_versions_compare_field_by_field_with_rows_added_and_removed(
    book: Book, priced: str
) -> None:
    send_proposal(book, priced, SENT_ON)
    second = next_version(book, priced)
    options = rows(book, OPTION, second)
    line = rows(book, LINE, options[1]["id"])[0]["id"]
    update_record(book, LINE, line, {"unit_price_minor": 1_000_000, "discount": Decimal(15)})
    update_record(book, PROPOSAL, second, {"horizon_years": 3})
    create_record(
        book, LINE, options[2]["id"], {"product": "Sensors", "unit_price_minor": 5000, "year": 3}
    )
    delete_record(book, PHASE, rows(book, PHASE, second)[0]["id"])

    found = compare_versions(book, priced, second)

    assert [(d.where, d.field, d.old, d.new, d.change) for d in found] == [
        ("Proposal", "Horizon in years", "5", "3", "changed"),
        ("Line 'Licences' (Better)", "Unit price", "$12,345.67", "$10,000.00", "changed"),
        ("Line 'Licences' (Better)", "Discount", "12.5 %", "15 %", "changed"),
        ("Line 'Sensors' (Best)", "Product or service", "", "Sensors", "added"),
        ("Phase 'Pilot'", "Phase", "Pilot", "", "removed"),
    ]
    assert compare_versions(book, priced, priced) == []
    [sensors] = proposal_document(book, second, SENT_ON).options[2].lines
    assert (sensors.year, sensors.first_year) == (3, 3)


# The document -----------------------------------------------------------------------------


def test_the_document_reads_money_as_decimal_major_units(
    book: Book, priced: str, account: str
) -> None:
    update_record(
        book,
        PROPOSAL,
        priced,
        {
            "status_quo_cost_minor": 50_000_000,
            "competitor_name": "SAP",
            "competitor_one_off_minor": 99_900,
            "why_us": "Local team",
            "reference_cases": "苏州工厂",
        },
    )
    document = proposal_document(book, priced, dt.date(2026, 12, 1))

    assert (document.customer, document.deal, document.currency) == (
        "华东制造集团总部",
        "MES 二期",
        "USD",
    )
    assert document.competitors == ("SAP", "启明科技")
    assert document.prepared_by == "李娜"
    assert (document.status, document.version, document.sent_on) == (ProposalStatus.DRAFT, 1, None)
    assert document.language is ProposalLanguage.ENGLISH
    assert document.document_date == dt.date(2026, 12, 1)
    economics = document.economics
    assert (economics.horizon_years, economics.discount_rate) == (5, Decimal(8))
    assert economics.status_quo_cost_per_year == Decimal("500000.00")
    assert economics.competitor_one_off == Decimal("999.00")
    assert economics.competitor_per_year is None
    better = document.recommended
    assert better is not None and better.name == "Better"
    assert document.recommended_option_id == better.id
    [line] = better.lines
    assert (line.quantity, line.unit_price, line.discount) == (
        Decimal("2.5"),
        Decimal("12345.67"),
        Decimal("12.5"),
    )
    assert line.billing is Billing.YEARLY
    assert (line.year, line.first_year) == (None, 1)
    assert line.amount == Decimal("2.5") * Decimal("12345.67") * Decimal("0.875")
    [benefit] = better.benefits
    assert benefit.kind is BenefitKind.HOURS_SAVED
    assert benefit.yearly_value == Decimal("1200.5") * Decimal("80.00")
    assert benefit.assumption == "Two planners, half a day a week each"
    assert (document.why_us, document.references) == ("Local team", "苏州工厂")
    assert [p.pain for p in document.pains][1] == "Paper work orders"
    assert [(p.name, p.weeks) for p in document.phases] == [("Pilot", 6)]

    send_proposal(book, priced, SENT_ON)
    assert proposal_document(book, priced, dt.date(2027, 1, 1)).document_date == SENT_ON


# Bad input, each refused with its message and nothing written -------------------------------


@pytest.mark.parametrize(
    ("k", "values", "expected"),
    [
        (LINE, {"discount": Decimal("100.01")}, {"discount": "Discount cannot be above 100 %."}),
        (LINE, {"quantity": Decimal(-1)}, {"quantity": "Quantity cannot be negative."}),
        (LINE, {"year": 11}, {"year": "Paid in year cannot be above 10."}),
        (
            LINE,
            {"quantity": Decimal("0.0001")},
            {"quantity": "Quantity takes at most 3 decimal places."},
        ),
        (
            LINE,
            {"unit_price_minor": 10**14 + 1},
            {"unit_price_minor": "Unit price is too large."},
        ),
        (
            LINE,
            {"quantity": Decimal(1000), "unit_price_minor": 10**12},
            {"unit_price_minor": "Quantity × unit price is too large for an amount."},
        ),
        (PROPOSAL, {"horizon_years": 0}, {"horizon_years": "Horizon in years cannot be below 1."}),
        (
            PROPOSAL,
            {"discount_rate": Decimal(-100)},
            {"discount_rate": "The customer's discount rate must be above −100 %."},
        ),
        (
            PROPOSAL,
            {"discount_rate": Decimal(-250)},
            {"discount_rate": "The customer's discount rate must be above −100 %."},
        ),
        (
            BENEFIT,
            {"hours_per_year": Decimal(-3)},
            {"hours_per_year": "Hours saved a year cannot be negative."},
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_changes(
    book: Book, priced: str, k: Any, values: dict[str, Any], expected: dict[str, str]
) -> None:
    better = rows(book, OPTION, priced)[1]["id"]
    target = {
        "proposal": priced,
        "proposal_line": rows(book, LINE, better)[0]["id"],
        "proposal_benefit": rows(book, BENEFIT, better)[0]["id"],
    }[k.name]
    before = proposal_document(book, priced, SENT_ON)
    logged = change_log_size(book)

    assert refused(update_record, book, k, target, values) == expected

    assert proposal_document(book, priced, SENT_ON) == before
    assert change_log_size(book) == logged


def test_a_new_line_with_a_bad_discount_is_not_made(book: Book, priced: str) -> None:
    better = rows(book, OPTION, priced)[1]["id"]
    errors = refused(
        create_record,
        book,
        LINE,
        better,
        {"product": "Support", "unit_price_minor": 100, "discount": 10_001},
    )
    assert errors == {"discount": "Discount cannot be above 100 %."}
    assert [r["product"] for r in rows(book, LINE, better)] == ["Licences"]


def test_a_deal_of_another_account_is_refused(book: Book, account: str) -> None:
    other = create_account(book, {"name": "Northwind", "currency": "EUR"})
    elsewhere = create_record(book, kind("opportunity"), other, {"name": "X", "currency": "EUR"})
    assert refused(new_proposal, book, account, title="MES", opportunity_id=elsewhere) == {
        "opportunity_id": "Choose a deal of this proposal's account."
    }
    assert proposals_of_book(book) == []


# The migration ----------------------------------------------------------------------------


def test_a_0010_book_gains_proposals_and_goes_back_to_0010(tmp_path: Path) -> None:
    path = tmp_path / "b.kamdesk"
    create_book(path, revision="0010")
    with closing(sqlite3.connect(path)) as db:
        terms_at_0010 = db.execute("SELECT COUNT(*) FROM vocabulary").fetchone()[0]
    with Book.open(path) as book:  # upgraded to the head on opening
        assert book.revision == SCHEMA_HEAD
        account = create_account(book, {"name": "Northwind", "currency": "EUR"})
        proposal = new_proposal(book, account, title="Rotterdam")
        better = rows(book, OPTION, proposal)[1]["id"]
        create_record(book, LINE, better, {"product": "Licences", "unit_price_minor": 100})
        create_record(
            book, BENEFIT, better, {"description": "Less scrap", "amount_per_year_minor": 5}
        )
        create_record(book, PHASE, proposal, {"name": "Pilot"})
        create_record(book, PAIN, proposal, {"pain": "Scrap"})
        send_proposal(book, proposal, SENT_ON)
        next_version(book, proposal)
        lists = BookReader(book.db).vocabulary()
        assert [t.label_zh for t in lists["benefit_kind"]] == [
            "成本节约",
            "收入增长",
            "工时节省",
            "风险规避",
        ]

    downgrade(path, "0010")
    tables = {
        "proposal",
        "proposal_option",
        "proposal_line",
        "proposal_benefit",
        "proposal_pain",
        "proposal_phase",
    }
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0010",)
        left = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert not tables & left
        assert db.execute("SELECT COUNT(*) FROM vocabulary").fetchone()[0] == terms_at_0010
        logged = {r[0] for r in db.execute("SELECT DISTINCT table_name FROM change_log")}
        assert not tables & logged
        assert db.execute("SELECT name FROM account").fetchall() == [("Northwind",)]

    with Book.open(path) as book:
        assert book.revision == SCHEMA_HEAD
        assert proposals_of_book(book) == []
        assert book.integrity_check() == ["ok"]
