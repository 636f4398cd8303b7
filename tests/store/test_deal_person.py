"""The people on a deal, through the actions: each person's role is the deal's own."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from kamdesk.errors import ValidationError
from kamdesk.kinds import kind
from kamdesk.ops.accounts import create_account
from kamdesk.ops.copies import copied_values
from kamdesk.ops.kinds import create_record, delete_record, restore_record, update_record
from kamdesk.ops.stakeholders import create_stakeholder
from kamdesk.store.book import Book
from kamdesk.store.reader import BookReader

DEAL = kind("opportunity")
PERSON = kind("deal_person")


class Seed(NamedTuple):
    account: str
    other_account: str
    wang: str
    li: str
    stranger: str
    mes: str
    erp: str


@pytest.fixture
def seed(book: Book) -> Seed:
    account = create_account(book, {"name": "华东制造集团总部", "currency": "CNY"})
    other = create_account(book, {"name": "Blue River Bank", "currency": "USD"})
    wang = create_stakeholder(
        book,
        account,
        {
            "name": "王磊",
            "title": "CIO",
            "buying_role": "TB",
            "force": "T-CA",
            "attitude": "neutral",
            "influence": 4,
        },
    )
    li = create_stakeholder(book, account, {"name": "李娜", "buying_role": "UB"})
    stranger = create_stakeholder(book, other, {"name": "Carol Diaz"})

    def deal(name: str) -> str:
        return create_record(book, DEAL, account, {"name": name, "currency": "CNY"})

    return Seed(account, other, wang, li, stranger, deal("MES 二期扩容"), deal("ERP 升级"))


def people(book: Book, deal_id: str) -> dict[str, dict[str, object]]:
    return {
        str(row.values["stakeholder_id"]): row.values
        for row in BookReader(book.db).records_of(PERSON, deal_id)
    }


def log_size(book: Book) -> int:
    return int(book.db.execute("SELECT COUNT(*) FROM change_log").fetchone()[0])


def test_a_person_is_the_eb_on_one_deal_and_a_tb_on_another_and_their_card_stays(
    book: Book, seed: Seed
) -> None:
    on_mes = create_record(
        book,
        PERSON,
        seed.mes,
        {"stakeholder_id": seed.wang, "buying_role": "EB", "force": "E-DB", "influence": 5},
    )
    create_record(
        book, PERSON, seed.erp, {"stakeholder_id": seed.wang, "buying_role": "TB", "force": "T-CA"}
    )

    mes, erp = people(book, seed.mes)[seed.wang], people(book, seed.erp)[seed.wang]
    assert (mes["buying_role"], mes["force"], mes["influence"]) == ("EB", "E-DB", 5)
    assert (erp["buying_role"], erp["force"]) == ("TB", "T-CA")
    card = BookReader(book.db).stakeholder(seed.wang)
    assert card is not None
    assert (card.values["buying_role"], card.values["influence"]) == ("TB", 4)

    update_record(book, PERSON, on_mes, {"attitude": "supportive"})
    assert people(book, seed.mes)[seed.wang]["attitude"] == "supportive"
    assert people(book, seed.erp)[seed.wang]["attitude"] == "neutral"  # from the card


def test_choosing_a_person_brings_the_role_force_attitude_and_influence_of_their_card(
    book: Book, seed: Seed
) -> None:
    assert copied_values(book, PERSON, "stakeholder_id", {"stakeholder_id": seed.wang}) == {
        "buying_role": "TB",
        "force": "T-CA",
        "attitude": "neutral",
        "influence": 4,
    }
    # Another person's card replaces all four, empty ones too.
    assert copied_values(book, PERSON, "stakeholder_id", {"stakeholder_id": seed.li}) == {
        "buying_role": "UB",
        "force": "",
        "attitude": "",
        "influence": None,
    }
    assert copied_values(book, PERSON, "buying_role", {"stakeholder_id": seed.wang}) == {}
    assert copied_values(book, PERSON, "stakeholder_id", {"stakeholder_id": None}) == {}


def test_a_person_put_on_a_deal_with_no_role_given_takes_their_cards(
    book: Book, seed: Seed
) -> None:
    create_record(book, PERSON, seed.mes, {"stakeholder_id": seed.wang, "attitude": "opposed"})
    entry = people(book, seed.mes)[seed.wang]
    assert (entry["buying_role"], entry["force"], entry["influence"]) == ("TB", "T-CA", 4)
    assert entry["attitude"] == "opposed"  # given: kept

    # A role given: the card's force (a technical buyer's) is not taken with it.
    create_record(book, PERSON, seed.erp, {"stakeholder_id": seed.wang, "buying_role": "EB"})
    entry = people(book, seed.erp)[seed.wang]
    assert (entry["buying_role"], entry["force"], entry["influence"]) == ("EB", "", 4)


def test_only_the_deal_accounts_people_and_each_once(book: Book, seed: Seed) -> None:
    create_record(book, PERSON, seed.mes, {"stakeholder_id": seed.wang})
    before = log_size(book)

    with pytest.raises(ValidationError) as refused:
        create_record(book, PERSON, seed.mes, {"stakeholder_id": seed.stranger})
    assert refused.value.errors == {
        "stakeholder_id": "Carol Diaz is not one of this deal's account's people."
    }
    with pytest.raises(ValidationError) as refused:
        create_record(book, PERSON, seed.mes, {"stakeholder_id": seed.wang})
    assert refused.value.errors == {"stakeholder_id": "王磊 is already on this deal."}
    with pytest.raises(ValidationError) as refused:
        create_record(book, PERSON, seed.mes, {"buying_role": "EB"})
    assert set(refused.value.errors) == {"stakeholder_id"}  # a person must be chosen

    assert log_size(book) == before  # nothing written
    assert list(people(book, seed.mes)) == [seed.wang]


def test_switching_an_entry_to_a_person_already_on_the_deal_is_refused(
    book: Book, seed: Seed
) -> None:
    create_record(book, PERSON, seed.mes, {"stakeholder_id": seed.wang})
    li = create_record(book, PERSON, seed.mes, {"stakeholder_id": seed.li})
    with pytest.raises(ValidationError) as refused:
        update_record(book, PERSON, li, {"stakeholder_id": seed.wang})
    assert refused.value.errors == {"stakeholder_id": "王磊 is already on this deal."}
    # Changing the role alone does not count the entry against itself.
    update_record(book, PERSON, li, {"buying_role": "COACH", "force": "C-CO"})
    assert people(book, seed.mes)[seed.li]["force"] == "C-CO"


def test_a_force_must_be_of_the_buying_role_on_the_deal(book: Book, seed: Seed) -> None:
    with pytest.raises(ValidationError) as refused:
        create_record(
            book,
            PERSON,
            seed.mes,
            {"stakeholder_id": seed.wang, "buying_role": "EB", "force": "T-CA"},
        )
    assert set(refused.value.errors) == {"force"}
    assert people(book, seed.mes) == {}


def test_a_person_taken_off_a_deal_can_be_put_back_and_undo_restores_the_entry(
    book: Book, seed: Seed
) -> None:
    entry = create_record(
        book, PERSON, seed.mes, {"stakeholder_id": seed.wang, "buying_role": "EB"}
    )
    delete_record(book, PERSON, entry)
    assert people(book, seed.mes) == {}
    restore_record(book, PERSON, entry)
    assert people(book, seed.mes)[seed.wang]["buying_role"] == "EB"

    delete_record(book, PERSON, entry)
    again = create_record(book, PERSON, seed.mes, {"stakeholder_id": seed.wang})
    assert again != entry
    assert list(people(book, seed.mes)) == [seed.wang]


def test_no_one_is_added_to_a_deleted_deal(book: Book, seed: Seed) -> None:
    delete_record(book, DEAL, seed.erp)
    with pytest.raises(ValidationError) as refused:
        create_record(book, PERSON, seed.erp, {"stakeholder_id": seed.wang})
    assert list(refused.value.errors.values()) == ["The deal of this person no longer exists."]
