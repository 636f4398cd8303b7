"""Any declared kind, through the generic actions: a deal made, edited, deleted, restored.

The deal (``kamdesk.kinds.opportunity``) has no actions of its own: what a user does
with one goes through ``kamdesk.ops.kinds``, on a real book, and is read back by the
reader, the change log and the search as the app reads it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kamdesk.errors import EditConflictError, NotFoundError, UnknownFieldError, ValidationError
from kamdesk.kinds import kind
from kamdesk.ops.accounts import create_account, delete_account, update_account
from kamdesk.ops.kinds import (
    check_record,
    create_record,
    delete_record,
    restore_record,
    update_record,
)
from kamdesk.ops.team import create_team_member, delete_team_member
from kamdesk.store.book import Book
from kamdesk.store.reader import AccountQuery, BookReader, RecordRow

DEAL = kind("opportunity")


@pytest.fixture
def acme(book: Book) -> str:
    return create_account(book, {"name": "Acme Manufacturing", "currency": "CNY"})


@pytest.fixture
def elsewhere(book: Book) -> Iterator[Book]:
    """The same book open in another program (another window, a second laptop session)."""
    with Book.open(book.path) as other:
        yield other


def new_deal(book: Book, account_id: str, name: str, **values: Any) -> str:
    return create_record(book, DEAL, account_id, {"name": name, "currency": "CNY", **values})


def deal(book: Book, deal_id: str) -> dict[str, Any]:
    row = BookReader(book.db).record_of(DEAL, deal_id)
    assert row is not None
    return row.values


def deals(book: Book, account_id: str) -> list[str]:
    return [row.values["name"] for row in BookReader(book.db).records_of(DEAL, account_id)]


def found(book: Book, text: str) -> list[str]:
    return BookReader(book.db).account_ids(AccountQuery(text=text))


def log_of(book: Book, row_id: str) -> list[tuple[str, Any]]:
    return [
        (column, json.loads(value))
        for column, value in book.db.execute(
            "SELECT column_name, value FROM change_log WHERE row_id = ? ORDER BY device_seq",
            (row_id,),
        )
    ]


def snapshot(book: Book) -> dict[str, Any]:
    """Everything a refused action must leave exactly as it was."""
    q = book.db.execute
    return {
        "log": q("SELECT * FROM change_log ORDER BY id").fetchall(),
        "opportunity": q("SELECT * FROM opportunity ORDER BY id").fetchall(),
        "account": q("SELECT * FROM account ORDER BY id").fetchall(),
        "search": q("SELECT * FROM search_doc ORDER BY id").fetchall(),
        "meta": q("SELECT * FROM book_meta ORDER BY key").fetchall(),
    }


def refused(book: Book, action: Callable[[], object]) -> dict[str, str]:
    """Run ``action``, which must be refused without a trace; return its field messages."""
    before = snapshot(book)
    with pytest.raises(ValidationError) as raised:
        action()
    assert snapshot(book) == before
    return raised.value.errors


# --- making, reading, editing, deleting, restoring ---------------------------------------


def test_a_new_deal_starts_at_the_first_stage_of_the_compass_and_reads_back_decoded(
    book: Book, acme: str
) -> None:
    deal_id = new_deal(
        book,
        acme,
        "The Shanghai rollout",
        amount_minor=12_000_000,
        expected_close="2027-03-31",  # a date may come as ISO text, as from the log
    )

    rows = BookReader(book.db).records_of(DEAL, acme)
    assert rows == [RecordRow(deal_id, acme, deal(book, deal_id))]
    values = rows[0].values
    assert values["name"] == "The Shanghai rollout"
    assert values["expected_close"] == dt.date(2027, 3, 31)
    assert (values["stage_model"], values["stage"], values["probability"], values["status"]) == (
        "compass",
        "compass.intent",
        10,
        "open",
    )
    assert values["amount_minor"] == 12_000_000
    assert BookReader(book.db).count_of(DEAL, [acme, "no-such-account"]) == {
        acme: 1,
        "no-such-account": 0,
    }


def test_a_deal_made_at_a_later_stage_gets_that_stages_probability_not_the_first_ones(
    book: Book, acme: str
) -> None:
    closing = new_deal(book, acme, "Closing now", stage="compass.closing")
    project = new_deal(book, acme, "A project", stage_model="project")
    won = new_deal(book, acme, "Won already", stage="compass.closing", status="won")
    mine = new_deal(book, acme, "My own guess", stage="compass.closing", probability=70)

    assert deal(book, closing)["probability"] == 90
    assert (deal(book, project)["stage"], deal(book, project)["probability"]) == (
        "project.development",
        5,
    )
    assert deal(book, won)["probability"] == 100
    assert deal(book, mine)["probability"] == 70  # what the user gave is never replaced


def test_editing_a_deal_returns_what_it_replaced_and_undoing_puts_it_back(
    book: Book, acme: str
) -> None:
    deal_id = new_deal(book, acme, "Shanghai rollout", amount_minor=100_00)

    before = update_record(
        book, DEAL, deal_id, {"name": "Shanghai rollout, phase 2", "stage": "compass.solution"}
    )

    assert before == {"name": "Shanghai rollout", "stage": "compass.intent"}
    assert deal(book, deal_id)["name"] == "Shanghai rollout, phase 2"
    update_record(book, DEAL, deal_id, before)  # what undo does
    assert (deal(book, deal_id)["name"], deal(book, deal_id)["stage"]) == (
        "Shanghai rollout",
        "compass.intent",
    )
    # An edit that changes nothing writes nothing.
    logged = len(log_of(book, deal_id))
    assert update_record(book, DEAL, deal_id, {"name": "Shanghai rollout"}) == {}
    assert len(log_of(book, deal_id)) == logged


def test_a_deleted_deal_leaves_the_list_and_undo_brings_it_back_as_it_was(
    book: Book, acme: str
) -> None:
    deal_id = new_deal(book, acme, "Shanghai rollout", notes="Pilot in Pudong")
    kept = new_deal(book, acme, "Another deal")
    as_it_was = deal(book, deal_id)

    delete_record(book, DEAL, deal_id)

    assert deals(book, acme) == ["Another deal"]
    assert BookReader(book.db).record_of(DEAL, deal_id) is None
    assert BookReader(book.db).count_of(DEAL, [acme]) == {acme: 1}
    with pytest.raises(NotFoundError):
        update_record(book, DEAL, deal_id, {"name": "Edited after deletion"})
    with pytest.raises(NotFoundError):
        delete_record(book, DEAL, deal_id)

    assert restore_record(book, DEAL, deal_id) == []  # nothing else had to come back
    assert deal(book, deal_id) == as_it_was
    assert sorted(deals(book, acme)) == ["Another deal", "Shanghai rollout"]
    assert kept in {row.id for row in BookReader(book.db).records_of(DEAL, acme)}


def test_undoing_the_deletion_of_a_deal_whose_account_was_deleted_since_brings_the_account_back(
    book: Book,
) -> None:
    group = create_account(book, {"name": "Huadong Group", "currency": "CNY"})
    branch = create_account(book, {"name": "Huadong Suzhou", "currency": "CNY"})
    update_account(book, branch, {"parent_id": group})
    deal_id = new_deal(book, branch, "Suzhou line upgrade")
    delete_record(book, DEAL, deal_id)
    delete_account(book, branch)
    delete_account(book, group)

    brought_back = restore_record(book, DEAL, deal_id)

    assert brought_back == ["Huadong Suzhou", "Huadong Group"]
    assert deals(book, branch) == ["Suzhou line upgrade"]
    reader = BookReader(book.db)
    assert reader.account(branch) is not None
    assert reader.account(group) is not None
    assert found(book, "suzhou line") == [branch]


def test_a_deal_on_a_deleted_account_is_refused_and_nothing_is_written(
    book: Book, acme: str
) -> None:
    deal_id = new_deal(book, acme, "Shanghai rollout")
    delete_account(book, acme)

    errors = refused(book, lambda: new_deal(book, acme, "Made after the account went"))
    assert errors == {"name": "The account of this deal no longer exists."}
    assert refused(book, lambda: new_deal(book, "no-such-account", "Nowhere")) == errors
    assert refused(book, lambda: update_record(book, DEAL, deal_id, {"name": "Edited"})) == errors
    # A form checks the same way, writing nothing.
    assert refused(book, lambda: check_record(book, DEAL, acme, None, {"name": "x"})) == errors
    assert refused(book, lambda: check_record(book, DEAL, acme, deal_id, {"name": "x"})) == errors


def test_bad_values_are_refused_by_field_and_nothing_is_written(book: Book, acme: str) -> None:
    deal_id = new_deal(book, acme, "Shanghai rollout")

    assert refused(book, lambda: new_deal(book, acme, "Negative", amount_minor=-1)) == {
        "amount_minor": "Amount cannot be negative."
    }
    assert set(refused(book, lambda: new_deal(book, acme, "Sure thing", probability=101))) == {
        "probability"
    }
    assert set(refused(book, lambda: new_deal(book, acme, "Bad date", expected_close="31/3"))) == {
        "expected_close"
    }
    # A stage of the other stage model.
    assert set(
        refused(book, lambda: update_record(book, DEAL, deal_id, {"stage": "project.tender"}))
    ) == {"stage"}
    # The kind's own rule: an open deal has no win or loss reason yet.
    assert refused(
        book, lambda: update_record(book, DEAL, deal_id, {"outcome_reason": "price"})
    ) == {"outcome_reason": "An open deal has no win or loss reason yet."}
    assert set(refused(book, lambda: new_deal(book, acme, ""))) == {"name"}
    with pytest.raises(UnknownFieldError):
        update_record(book, DEAL, deal_id, {"account_id": "somewhere-else"})
    # The rule reads the stored values with the new ones: closing the deal with a reason
    # is fine, and reopening it without clearing the reason is not.
    update_record(book, DEAL, deal_id, {"status": "lost", "outcome_reason": "price"})
    assert refused(book, lambda: update_record(book, DEAL, deal_id, {"status": "open"})) == {
        "outcome_reason": "An open deal has no win or loss reason yet."
    }


def test_a_stored_value_that_breaks_a_rule_does_not_block_an_unrelated_edit(
    book: Book, acme: str
) -> None:
    from kamdesk.models import Opportunity

    deal_id = new_deal(book, acme, "Synced in odd", status="lost", outcome_reason="price")
    with book.write() as session:  # as another device's edit could leave it
        stored = session.get(Opportunity, deal_id)
        assert stored is not None
        stored.status = "open"

    update_record(book, DEAL, deal_id, {"notes": "Call back in March"})

    assert deal(book, deal_id)["notes"] == "Call back in March"
    # Touching the field the rule names is judged.
    assert set(
        refused(book, lambda: update_record(book, DEAL, deal_id, {"outcome_reason": "value"}))
    ) == {"outcome_reason"}


def test_an_owner_must_be_on_the_team_but_one_who_left_since_does_not_block_an_edit(
    book: Book, acme: str
) -> None:
    wang = create_team_member(book, {"name": "王磊"})
    gone = create_team_member(book, {"name": "Former colleague"})
    delete_team_member(book, gone)

    assert refused(book, lambda: new_deal(book, acme, "Orphan", owner_id=gone)) == {
        "owner_id": "This team member no longer exists."
    }
    deal_id = new_deal(book, acme, "Owned", owner_id=wang)
    delete_team_member(book, wang)
    update_record(book, DEAL, deal_id, {"notes": "Owner left; deal goes on"})
    assert deal(book, deal_id)["owner_id"] == wang


# --- lost updates ----------------------------------------------------------------------


def test_saving_a_form_keeps_a_field_another_program_changed_meanwhile(
    book: Book, elsewhere: Book, acme: str
) -> None:
    deal_id = new_deal(book, acme, "Shanghai rollout", notes="Pilot in Pudong")
    opened = deal(book, deal_id)
    update_record(elsewhere, DEAL, deal_id, {"notes": "Pilot in Pudong; budget approved"})

    before = update_record(book, DEAL, deal_id, {**opened, "name": "Shanghai go-live"}, base=opened)

    assert before == {"name": "Shanghai rollout"}
    now = deal(book, deal_id)
    assert (now["name"], now["notes"]) == ("Shanghai go-live", "Pilot in Pudong; budget approved")


def test_a_field_both_changed_is_refused_with_both_values(
    book: Book, elsewhere: Book, acme: str
) -> None:
    deal_id = new_deal(book, acme, "Shanghai rollout", expected_close=dt.date(2027, 3, 31))
    opened = deal(book, deal_id)
    update_record(elsewhere, DEAL, deal_id, {"expected_close": "2027-06-30"})
    before = snapshot(book)

    with pytest.raises(EditConflictError) as raised:
        update_record(
            book, DEAL, deal_id, {**opened, "expected_close": dt.date(2027, 4, 30)}, base=opened
        )

    assert snapshot(book) == before
    conflict = raised.value.conflicts["expected_close"]
    assert (conflict.base, conflict.theirs, conflict.mine) == (
        dt.date(2027, 3, 31),
        dt.date(2027, 6, 30),
        dt.date(2027, 4, 30),
    )


def test_an_amount_edited_while_its_currency_changed_elsewhere_is_a_conflict(
    book: Book, elsewhere: Book, acme: str
) -> None:
    deal_id = new_deal(book, acme, "Shanghai rollout", amount_minor=100_000_00)
    opened = deal(book, deal_id)
    update_record(elsewhere, DEAL, deal_id, {"currency": "USD"})
    typed = {**opened, "amount_minor": 120_000_00}  # the user meant 120,000 yuan

    with pytest.raises(EditConflictError) as raised:
        update_record(book, DEAL, deal_id, typed, base=opened)

    assert set(raised.value.conflicts) == {"currency"}
    conflict = raised.value.conflicts["currency"]
    assert (conflict.base, conflict.theirs, conflict.mine) == ("CNY", "USD", "CNY")
    assert (deal(book, deal_id)["amount_minor"], deal(book, deal_id)["currency"]) == (
        100_000_00,
        "USD",
    )

    # Keeping mine: the form's currency goes back with the amount, as one value.
    base = {**opened, "currency": conflict.theirs}
    assert update_record(book, DEAL, deal_id, typed, base=base) == {
        "amount_minor": 100_000_00,
        "currency": "USD",
    }
    assert (deal(book, deal_id)["amount_minor"], deal(book, deal_id)["currency"]) == (
        120_000_00,
        "CNY",
    )


def test_keeping_their_currency_saves_the_amount_with_it(
    book: Book, elsewhere: Book, acme: str
) -> None:
    deal_id = new_deal(book, acme, "Shanghai rollout", amount_minor=100_000_00)
    opened = deal(book, deal_id)
    update_record(elsewhere, DEAL, deal_id, {"currency": "USD"})
    typed = {**opened, "amount_minor": 15_000_00}

    without_currency = {k: v for k, v in typed.items() if k != "currency"}
    update_record(book, DEAL, deal_id, without_currency, base=opened)

    assert (deal(book, deal_id)["amount_minor"], deal(book, deal_id)["currency"]) == (
        15_000_00,
        "USD",
    )


def test_a_name_edited_while_the_currency_changed_elsewhere_is_no_conflict(
    book: Book, elsewhere: Book, acme: str
) -> None:
    deal_id = new_deal(book, acme, "Shanghai rollout", amount_minor=100_000_00)
    opened = deal(book, deal_id)
    update_record(elsewhere, DEAL, deal_id, {"currency": "USD"})

    update_record(book, DEAL, deal_id, {**opened, "name": "Shanghai go-live"}, base=opened)

    assert deal(book, deal_id)["currency"] == "USD"


# --- order -----------------------------------------------------------------------------


def test_an_accounts_deals_are_listed_by_expected_close_then_name_undated_last(
    book: Book, acme: str
) -> None:
    other = create_account(book, {"name": "Other account", "currency": "CNY"})
    new_deal(book, acme, "undated b")
    new_deal(book, acme, "Late", expected_close=dt.date(2027, 9, 30))
    new_deal(book, acme, "Undated a")
    new_deal(book, acme, "soon b", expected_close=dt.date(2027, 1, 15))
    new_deal(book, acme, "Soon a", expected_close=dt.date(2027, 1, 15))
    new_deal(book, other, "Another account's deal", expected_close=dt.date(2026, 1, 1))
    deleted = new_deal(book, acme, "Deleted", expected_close=dt.date(2026, 1, 1))
    delete_record(book, DEAL, deleted)

    assert deals(book, acme) == ["Soon a", "soon b", "Late", "Undated a", "undated b"]


# --- the change log ----------------------------------------------------------------------


def test_a_new_deal_logs_its_fields_with_dates_as_iso_text_and_the_amount_as_one_entry(
    book: Book, acme: str
) -> None:
    deal_id = new_deal(
        book,
        acme,
        "上海推广",
        amount_minor=12_000_000,
        currency="USD",
        expected_close=dt.date(2027, 3, 31),
        stage="compass.solution",
    )

    logged = dict(log_of(book, deal_id))
    assert logged["name"] == "上海推广"
    assert logged["account_id"] == acme
    assert logged["expected_close"] == "2027-03-31"
    assert logged["stage"] == "compass.solution"
    assert logged["probability"] == 30
    assert logged["amount"] == {"amount_minor": 12_000_000, "currency": "USD"}
    assert "amount_minor" not in logged
    assert "currency" not in logged
    # Values equal to the table's defaults go unlogged: the other device starts from them.
    assert "status" not in logged
    assert "stage_model" not in logged


def test_changing_only_the_currency_logs_the_amount_group_once_with_one_clock(
    book: Book, acme: str
) -> None:
    deal_id = new_deal(book, acme, "Shanghai rollout", amount_minor=500_00)
    (made_hlc,) = book.db.execute(
        "SELECT hlc FROM change_log WHERE row_id = ? AND column_name = 'amount'", (deal_id,)
    ).fetchone()
    start = book.db.execute("SELECT MAX(id) FROM change_log").fetchone()[0]

    update_record(book, DEAL, deal_id, {"currency": "EUR", "notes": "Quoted in euros"})

    rows = book.db.execute(
        "SELECT column_name, value, hlc, seen_hlc FROM change_log WHERE id > ? "
        "AND table_name = 'opportunity' ORDER BY id",
        (start,),
    ).fetchall()
    assert [(column, json.loads(value)) for column, value, _hlc, _seen in rows] == [
        ("amount", {"amount_minor": 500_00, "currency": "EUR"}),
        ("notes", "Quoted in euros"),
    ]
    amount_hlc, seen = rows[0][2], rows[0][3]
    assert seen == made_hlc  # it saw the amount as made: the group has one history
    assert amount_hlc > made_hlc
    assert len({hlc for _c, _v, hlc, _s in rows}) == len(rows)  # one clock per entry


def test_deleting_and_restoring_a_deal_is_logged_as_its_tombstone(book: Book, acme: str) -> None:
    deal_id = new_deal(book, acme, "Shanghai rollout")
    delete_record(book, DEAL, deal_id)
    restore_record(book, DEAL, deal_id)

    tombstones = [value for column, value in log_of(book, deal_id) if column == "deleted_at"]
    assert len(tombstones) == 2
    assert dt.datetime.fromisoformat(tombstones[0])  # when it was deleted, as ISO text
    assert tombstones[1] is None


# --- search ----------------------------------------------------------------------------


def test_search_finds_an_account_by_its_deals_name_and_notes(book: Book, acme: str) -> None:
    other = create_account(book, {"name": "Beta Logistics", "currency": "CNY"})
    new_deal(book, other, "Warehouse robots")
    deal_id = new_deal(book, acme, "the Shanghai rollout", notes="需要华东区域的试点")

    assert found(book, "the Shanghai rollout") == [acme]
    assert found(book, "shang roll") == [acme]  # as the user types
    assert found(book, "试点") == [acme]
    assert found(book, "acme rollout") == [acme]  # words across the account and its deal

    update_record(book, DEAL, deal_id, {"name": "Pudong go-live"})
    assert found(book, "rollout") == []
    assert found(book, "pudong") == [acme]

    delete_record(book, DEAL, deal_id)
    assert found(book, "pudong") == []
    restore_record(book, DEAL, deal_id)
    assert found(book, "pudong") == [acme]


def test_rebuilding_the_index_keeps_the_deals_text(book: Book, acme: str) -> None:
    from kamdesk.store.search import rebuild_index

    new_deal(book, acme, "the Shanghai rollout")
    with book.write() as session:
        connection = session.connection().connection.dbapi_connection
        assert connection is not None
        rebuild_index(connection.cursor())  # type: ignore[arg-type]  # sqlite3 underneath

    assert found(book, "Shanghai rollout") == [acme]


def test_a_deal_moved_to_another_account_is_found_only_there(book: Book, acme: str) -> None:
    from kamdesk.models import Opportunity

    beta = create_account(book, {"name": "Beta Logistics", "currency": "CNY"})
    deal_id = new_deal(book, acme, "the Shanghai rollout")
    with book.write() as session:  # as a change from another device would move it
        stored = session.get(Opportunity, deal_id)
        assert stored is not None
        stored.account_id = beta

    assert found(book, "shanghai rollout") == [beta]
    assert deals(book, acme) == []
    assert deals(book, beta) == ["the Shanghai rollout"]


def test_a_person_moved_to_another_account_is_found_only_there(book: Book, acme: str) -> None:
    from kamdesk.models import Stakeholder
    from kamdesk.ops.stakeholders import create_stakeholder

    beta = create_account(book, {"name": "Beta Logistics", "currency": "CNY"})
    person = create_stakeholder(book, acme, {"name": "Zhou Xiaoming"})
    with book.write() as session:
        stored = session.get(Stakeholder, person)
        assert stored is not None
        stored.account_id = beta

    assert found(book, "xiaoming") == [beta]
