"""A deal's milestones: its checklist from the team's templates, kept as the rep edits it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from kamdesk.errors import ValidationError
from kamdesk.i18n import set_language
from kamdesk.kinds import kind
from kamdesk.kinds.milestone import (
    DEFAULT_TEMPLATES,
    default_templates,
    template_id,
    template_position,
)
from kamdesk.ops.accounts import create_account
from kamdesk.ops.kinds import (
    create_record,
    delete_record,
    restore_record,
    update_record,
)
from kamdesk.store.book import Book
from kamdesk.store.reader import BookReader, RecordRow

DEAL = kind("opportunity")
MILESTONE = kind("milestone")
TEMPLATE = kind("milestone_template")


@pytest.fixture
def account_id(book: Book) -> str:
    return create_account(book, {"name": "华东制造集团总部", "currency": "CNY"})


@pytest.fixture
def chinese() -> Iterator[None]:
    set_language("zh_CN")
    yield
    set_language("en")


def new_deal(book: Book, account_id: str, **values: object) -> str:
    return create_record(
        book, DEAL, account_id, {"name": "MES 二期扩容", "currency": "CNY", **values}
    )


def checklist(book: Book, deal_id: str) -> list[RecordRow]:
    return BookReader(book.db).records_of(MILESTONE, deal_id)


def texts(book: Book, deal_id: str) -> list[tuple[str, str]]:
    return [(row.values["stage"], row.values["text"]) for row in checklist(book, deal_id)]


def test_a_new_deal_starts_with_its_models_checklist_in_stage_order(
    book: Book, account_id: str
) -> None:
    compass = new_deal(book, account_id)
    project = new_deal(book, account_id, stage_model="project", stage="project.tender")

    assert texts(book, compass) == [(t.stage, t.text_en) for t in default_templates("compass")]
    assert texts(book, compass)[0] == (
        "compass.intent",
        "The customer agrees there is a problem worth solving",
    )
    assert [stage for stage, _text in texts(book, project)][:3] == ["project.development"] * 3
    assert texts(book, project)[-1][0] == "project.implementation"
    assert len(texts(book, project)) == len(default_templates("project")) == 22
    assert not any(row.values["done"] for row in checklist(book, project))


def test_a_deal_made_in_chinese_gets_the_chinese_wording(
    book: Book, account_id: str, chinese: None
) -> None:
    deal = new_deal(book, account_id)
    assert texts(book, deal)[0] == ("compass.intent", "客户确认存在需要解决的问题")


def test_a_new_book_holds_the_default_templates_with_ids_every_device_shares(
    book: Book,
) -> None:
    rows = book.db.execute(
        "SELECT id, stage, position, text_en, text_zh FROM milestone_template "
        "ORDER BY stage, position"
    ).fetchall()
    expected = []
    index: dict[str, int] = {}
    for t in DEFAULT_TEMPLATES:
        n = index[t.stage] = index.get(t.stage, -1) + 1
        expected.append(
            (template_id(t.stage, n), t.stage, template_position(t.stage, n), t.text_en, t.text_zh)
        )
    assert sorted(rows) == sorted(expected)
    stages = {t.stage for t in DEFAULT_TEMPLATES}
    assert len(stages) == 10  # every stage of both models
    for stage in stages:
        assert 3 <= sum(1 for t in DEFAULT_TEMPLATES if t.stage == stage) <= 5


def test_a_teams_edited_templates_shape_the_deals_made_afterwards(
    book: Book, account_id: str
) -> None:
    before = new_deal(book, account_id)
    # Through the same actions as Team → Milestone templates…
    templates = BookReader(book.db).all_of(TEMPLATE)
    intent = [row for row in templates if row.values["stage"] == "compass.intent"]
    update_record(
        book, TEMPLATE, intent[0].id, {"text_en": "The plant manager admits the line stops"}
    )
    for other in intent[1:]:
        update_record(book, TEMPLATE, other.id, {"archived": True})
    create_record(
        book,
        TEMPLATE,
        None,
        {"stage": "compass.intent", "text_en": "The customer shares last year's downtime"},
    )
    with pytest.raises(ValidationError) as unworded:
        create_record(book, TEMPLATE, None, {"stage": "compass.intent"})
    assert set(unworded.value.errors) == {"text_en"}
    after = new_deal(book, account_id)

    assert [text for stage, text in texts(book, after) if stage == "compass.intent"] == [
        "The plant manager admits the line stops",
        "The customer shares last year's downtime",
    ]
    assert len(texts(book, before)) == 16  # a deal's own checklist is its own
    # The team's list reads as the checklists do: the added one last of its stage.
    listed = [row.values["stage"] for row in BookReader(book.db).all_of(TEMPLATE)]
    assert listed[:6] == ["compass.intent"] * 5 + ["compass.solution"]
    assert listed[-1] == "project.implementation"


def test_a_milestone_of_another_stage_model_is_refused_and_nothing_is_saved(
    book: Book, account_id: str
) -> None:
    deal = new_deal(book, account_id)  # the sales compass
    with pytest.raises(ValidationError) as refused:
        create_record(
            book, MILESTONE, deal, {"stage": "project.tender", "text": "The bid is published"}
        )
    assert set(refused.value.errors) == {"stage"}
    assert "stage model" in refused.value.errors["stage"]
    first = checklist(book, deal)[0]
    with pytest.raises(ValidationError):
        update_record(book, MILESTONE, first.id, {"stage": "project.proposal"})
    assert len(checklist(book, deal)) == 16
    assert checklist(book, deal)[0].values["stage"] == "compass.intent"


def test_a_milestone_the_rep_adds_goes_last_in_its_stage(book: Book, account_id: str) -> None:
    deal = new_deal(book, account_id)
    create_record(
        book,
        MILESTONE,
        deal,
        {"stage": "compass.solution", "text": "The customer's IT accepts cloud hosting"},
    )
    solution = [text for stage, text in texts(book, deal) if stage == "compass.solution"]
    assert solution[-1] == "The customer's IT accepts cloud hosting"
    assert len(solution) == 5
    # The stages stay in order around it.
    stages = [stage for stage, _text in texts(book, deal)]
    assert stages.index("compass.commercial") == stages.index("compass.solution") + 5


def test_ticking_a_milestone_dates_it_and_undoing_the_untick_brings_the_date_back(
    book: Book, account_id: str
) -> None:
    deal = new_deal(book, account_id)
    first = checklist(book, deal)[0].id

    replaced = update_record(book, MILESTONE, first, {"done": True})
    row = checklist(book, deal)[0]
    assert row.values["done"] is True
    assert row.values["done_on"] == dt.date.today()
    assert replaced == {"done": False}  # undoing it unticks, which clears the date

    update_record(book, MILESTONE, first, {"done_on": dt.date(2026, 11, 3)})  # a day given
    untick = update_record(book, MILESTONE, first, {"done": False})
    assert checklist(book, deal)[0].values["done_on"] is None
    # What undo writes back: the tick and the day it had.
    assert untick == {"done": True, "done_on": dt.date(2026, 11, 3)}
    update_record(book, MILESTONE, first, untick)
    row = checklist(book, deal)[0]
    assert (row.values["done"], row.values["done_on"]) == (True, dt.date(2026, 11, 3))


def test_a_day_given_ticks_the_milestone_and_a_day_to_come_is_refused(
    book: Book, account_id: str
) -> None:
    deal = new_deal(book, account_id)
    first, second = (row.id for row in checklist(book, deal)[:2])
    replaced = update_record(book, MILESTONE, first, {"done_on": dt.date(2026, 11, 3)})
    row = checklist(book, deal)[0]
    assert (row.values["done"], row.values["done_on"]) == (True, dt.date(2026, 11, 3))
    assert replaced == {"done_on": None, "done": False}

    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as future:
        update_record(book, MILESTONE, second, {"done": True, "done_on": tomorrow})
    assert set(future.value.errors) == {"done_on"}
    assert checklist(book, deal)[1].values["done"] is False


def test_a_deleted_milestone_comes_back_with_undo(book: Book, account_id: str) -> None:
    deal = new_deal(book, account_id)
    second = checklist(book, deal)[1]
    delete_record(book, MILESTONE, second.id)
    assert second.id not in [row.id for row in checklist(book, deal)]
    restore_record(book, MILESTONE, second.id)
    assert [row.id for row in checklist(book, deal)][1] == second.id


def test_a_deal_switching_model_switches_checklist_and_switching_back_keeps_the_ticks(
    book: Book, account_id: str
) -> None:
    deal = new_deal(book, account_id)
    first = checklist(book, deal)[0].id
    update_record(book, MILESTONE, first, {"done": True})
    removed = checklist(book, deal)[2].id
    delete_record(book, MILESTONE, removed)  # the rep's own deletion

    replaced = update_record(
        book, DEAL, deal, {"stage_model": "project", "stage": "project.development"}
    )
    assert {stage.split(".")[0] for stage, _text in texts(book, deal)} == {"project"}
    assert len(texts(book, deal)) == 22

    update_record(book, DEAL, deal, replaced)  # undo
    rows = checklist(book, deal)
    assert {row.values["stage"].split(".")[0] for row in rows} == {"compass"}
    assert len(rows) == 15  # the one the rep deleted stays deleted
    assert rows[0].id == first and rows[0].values["done"] is True
    assert removed not in {row.id for row in rows}
