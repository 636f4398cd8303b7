"""The pre-visit briefing PDF, read back as a rep's PDF reader would: one page, all there."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from briefing_sample import make_briefing, make_people
from visit_book import SHANGHAI, at, make_visit_book, needs_visits

from kamdesk.errors import NotFoundError
from kamdesk.i18n import _, set_language
from kamdesk.kinds import kind
from kamdesk.ops.briefing import visit_briefing_data, visit_briefing_pdf
from kamdesk.ops.kinds import create_record
from kamdesk.ops.stakeholders import update_stakeholder
from kamdesk.reports.data import Branding
from kamdesk.reports.visit_briefing import build_visit_briefing
from kamdesk.reports.visit_data import BriefingFollowUp, BriefingPerson, BriefingQuestion
from kamdesk.store.book import Book

if TYPE_CHECKING:
    from conftest import ReadBack

ReadPdf = Callable[[bytes], "ReadBack"]

LOCALES = {"en": "en_US", "zh_CN": "zh_Hans_CN"}


def squash(text: str) -> str:
    """``text`` without whitespace: wrapping turns spaces into line breaks and back."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_twelve_attendees_fit_on_one_page_with_everything_on_it(
    language: str, branding: Branding, read_pdf: ReadPdf
) -> None:
    set_language(language)
    briefing = make_briefing(people=12)

    pdf = read_pdf(build_visit_briefing(briefing, branding, LOCALES[language]))

    assert pdf.page_count == 1
    page = squash(pdf.text)
    for person in briefing.attendees:
        for text in (person.name, person.title, person.role):
            assert squash(text) in page, text
    for text in (
        briefing.title,
        briefing.account_name,
        briefing.objective,
        briefing.commitment_best,
        briefing.commitment_minimum,
        briefing.value_first,
        *briefing.agenda.splitlines(),
        *(question.text for question in briefing.questions),
        *(deal.name for deal in briefing.deals),
        *(item.text for item in briefing.follow_ups),
        briefing.last_visit.outcome if briefing.last_visit else "",
        *briefing.red_flags,
        *briefing.our_attendees,
    ):
        assert squash(text) in page, text
    for heading in ("Objective", "Agenda", "Questions to ask", "Open deals", "Last visit"):
        assert squash(_(heading)) in page, heading


def test_the_account_snapshot_and_the_visits_time_in_its_own_zone(
    branding: Branding, read_pdf: ReadPdf
) -> None:
    pdf = read_pdf(build_visit_briefing(make_briefing(), branding, "en_US"))

    # 01:30 UTC is 9:30 in Shanghai, where the visit is.
    assert pdf.contains("Thu, Dec 3, 2026")
    assert pdf.contains("9:30 AM–11:00 AM Asia/Shanghai")
    assert pdf.contains("CN¥1,234,567.89")
    # The visit's deal: its stage, amount, probability and close date on one line.
    assert pdf.contains("商务 Commercial · CN¥4,800,000.00 · 60% · close Mar 31, 2027")
    for text in ("Tier", "A", "战略客户", "李明", "苏州工业园区星湖街 328 号 3F 会议室"):
        assert pdf.contains(text), text


def test_the_chinese_briefing_uses_chinese_dates_and_money(
    branding: Branding, read_pdf: ReadPdf
) -> None:
    set_language("zh_CN")

    pdf = read_pdf(build_visit_briefing(make_briefing(), branding, "zh_Hans_CN"))

    assert pdf.contains("2026年12月3日")
    assert pdf.contains("09:30–11:00 Asia/Shanghai")
    assert pdf.contains("¥1,234,567.89")
    assert pdf.contains("2026年11月12日")


def test_each_card_says_who_covers_them_and_when_they_were_last_met(
    branding: Branding, read_pdf: ReadPdf
) -> None:
    people = (
        BriefingPerson(
            "王建国",
            "首席信息官",
            "EB",
            "中立",
            influence=5,
            covered_by=("李明",),
            last_contact=dt.date(2026, 11, 12),
        ),
        BriefingPerson("孙立", "设备科科长", "UB", "反对", opposed=True, influence=4),
    )

    pdf = read_pdf(build_visit_briefing(make_briefing(attendees=people), branding, "en_US"))

    assert pdf.contains("Covered by: 李明")
    assert pdf.contains("Last contact: Nov 12, 2026")
    assert pdf.contains("Covered by: nobody")
    assert pdf.contains("Last contact: never")


def test_red_flags_are_shown_first_and_none_when_there_are_none(
    branding: Branding, read_pdf: ReadPdf
) -> None:
    flagged = read_pdf(build_visit_briefing(make_briefing(), branding, "en_US"))
    clear = read_pdf(build_visit_briefing(make_briefing(red_flags=()), branding, "en_US"))

    text = flagged.text
    assert text.index("No contact with the economic buyer") < text.index("Objective")
    assert "▲" in text
    assert "▲" not in clear.text


def test_a_briefing_with_far_too_much_stays_on_one_page_and_says_what_it_left_out(
    branding: Branding, read_pdf: ReadPdf
) -> None:
    long = "这是一段非常长的说明文字，用来检查页面是否会溢出。" * 12
    many = tuple(
        BriefingPerson(
            name=f"{name} {index}",
            title="集团首席数字化转型官兼信息技术中心总经理 Chief Digital Officer",
            role="EB 经济决策者",
            attitude="反对",
            opposed=True,
            influence=5,
            needs=(long, long),
            covered_by=("李明（销售总监）", "Anna Berg", "王小二（售前工程师）"),
        )
        for index, name in enumerate(("王建国", "李娜", "Zhang Wei", "陈晓明") * 6)
    )
    briefing = make_briefing(
        attendees=many,
        objective=long,
        agenda="\n".join(f"{i}. {long}" for i in range(12)),
        value_first=long,
        commitment_best=long,
        commitment_minimum=long,
        questions=tuple(BriefingQuestion(f"{i}. {long}", "开放式") for i in range(20)),
        follow_ups=tuple(
            BriefingFollowUp(long, "李明", dt.date(2026, 11, 1), overdue=True) for _ in range(9)
        ),
        red_flags=tuple(f"Flag {i}: {long[:40]}" for i in range(4)),
    )

    pdf = read_pdf(build_visit_briefing(briefing, branding, "zh_Hans_CN"))

    assert pdf.page_count == 1
    assert pdf.contains("王建国 0")
    assert "more" in pdf.text
    assert "…" in pdf.text


@pytest.mark.parametrize("count", [0, 1, 5, 12, 16])
def test_one_page_whatever_the_number_of_attendees(
    count: int, branding: Branding, read_pdf: ReadPdf
) -> None:
    briefing = make_briefing(people=count)

    pdf = read_pdf(build_visit_briefing(briefing, branding, "en_US"))

    assert pdf.page_count == 1
    assert pdf.contains(_("Their attendees ({count})").format(count=count))
    page = squash(pdf.text)
    shown = [person.name for person in make_people(count) if squash(person.name) in page]
    assert len(shown) == count


def test_the_pdf_says_what_it_is(branding: Branding, read_pdf: ReadPdf) -> None:
    pdf = read_pdf(build_visit_briefing(make_briefing(), branding, "en_US"))

    assert (
        pdf.reader.metadata.title == "Pre-visit briefing: MES 二期方案评审 Phase II design review"
    )
    assert pdf.reader.metadata.author == "李明"


# -- Gathered from a real book -------------------------------------------------------------


@needs_visits
@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_briefing_of_a_book_s_visit_with_twelve_attendees_is_one_page(
    language: str, book: Book, read_pdf: ReadPdf
) -> None:
    set_language(language)
    made = make_visit_book(book, extra_people=8)

    pdf = read_pdf(visit_briefing_pdf(book, made.visit, Branding(company_name="远景智能")))

    assert pdf.page_count == 1
    page = squash(pdf.text)
    assert len(made.people) == 12
    for name in made.people:
        assert squash(name) in page, name
    for text in ("方案评审会", "华东制造集团", "确认试点范围", "CIO 签署试点立项", "MES 二期扩容"):
        assert squash(text) in page, text
    assert squash(_("Their attendees ({count})").format(count=12)) in page


@needs_visits
def test_the_red_flags_of_the_book_are_on_the_page(book: Book, read_pdf: ReadPdf) -> None:
    made = make_visit_book(book)

    briefing = visit_briefing_data(book, made.visit)
    pdf = read_pdf(visit_briefing_pdf(book, made.visit, Branding()))

    # 王建国 is the EB and nobody covers him; 孙立 is opposed with influence 5; no coach.
    assert len(briefing.red_flags) == 3
    page = squash(pdf.text)
    assert squash("No contact with the economic buyer (王建国)") in page
    assert squash("孙立 is opposed, with influence 5 of 5, and nobody of ours covers them.") in page
    assert squash("No coach") in page


@needs_visits
def test_covering_the_economic_buyer_and_the_opponent_clears_their_flags(book: Book) -> None:
    made = make_visit_book(book)
    ming = made.team["李明"]
    for name in ("王建国", "孙立"):
        update_stakeholder(book, made.people[name], {"covered_by": (ming,)})

    flags = visit_briefing_data(book, made.visit).red_flags

    assert flags == ("No coach: nobody at the account guides us from the inside.",)


@needs_visits
def test_a_card_shows_the_role_on_this_deal_coverage_and_last_contact(book: Book) -> None:
    made = make_visit_book(book)
    # On this deal Emily Chen is the coach, whatever her card says.
    create_record(
        book,
        kind("deal_person"),
        made.deal,
        {"stakeholder_id": made.people["Emily Chen"], "buying_role": "COACH", "force": ""},
    )
    earlier = create_record(
        book,
        kind("visit"),
        made.account,
        {"title": "技术交流会", "starts_at": at("2026-11-12 14:00"),
         "ends_at": at("2026-11-12 15:00"), "time_zone": SHANGHAI,
         "attendees": (made.people["李娜"],), "outcome": "CIO 认可方向"},
    )  # fmt: skip

    briefing = visit_briefing_data(
        book, made.visit, now=dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    )

    cards = {card.name: card for card in briefing.attendees}
    assert cards["Emily Chen"].role == "Coach"
    assert cards["李娜"].role == "User buyer (UB)"
    assert cards["李娜"].covered_by == ("李明",)
    assert cards["李娜"].last_contact == dt.date(2026, 11, 12)
    assert cards["王建国"].last_contact is None
    assert cards["孙立"].opposed
    # The economic buyer's card comes first.
    assert briefing.attendees[0].name == "王建国"
    assert briefing.last_visit is not None
    assert (briefing.last_visit.title, briefing.last_visit.outcome) == (
        "技术交流会",
        "CIO 认可方向",
    )
    assert earlier
    assert briefing.owner == "李明"
    assert [deal.name for deal in briefing.deals] == ["MES 二期扩容"]
    assert briefing.our_attendees == ("Anna Berg", "李明")


@needs_visits
def test_an_unknown_visit_has_no_briefing(book: Book) -> None:
    make_visit_book(book)

    with pytest.raises(NotFoundError):
        visit_briefing_data(book, "no-such-visit")


@needs_visits
def test_on_a_deal_with_its_own_people_the_red_flags_look_at_them(book: Book) -> None:
    made = make_visit_book(book)
    # The deal's only person is Emily Chen, as its coach: no EB is on the deal.
    create_record(
        book,
        kind("deal_person"),
        made.deal,
        {"stakeholder_id": made.people["Emily Chen"], "buying_role": "COACH", "force": ""},
    )

    flags = visit_briefing_data(book, made.visit).red_flags

    assert flags == ("No economic buyer among the people on this deal.",)


@needs_visits
def test_a_briefing_read_after_the_visit_began_does_not_count_it_as_the_last_contact(
    book: Book,
) -> None:
    made = make_visit_book(book)

    during = visit_briefing_data(
        book, made.visit, now=at("2026-12-08 10:00")
    )  # the visit runs 09:30–11:00

    assert all(card.last_contact is None for card in during.attendees)
    assert any("economic buyer" in flag for flag in during.red_flags)
