"""The demo's proposals: each shows a case a rep meets, through the real book and engine."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from kamdesk.demo import write_demo_book
from kamdesk.domain.proposal_figures import (
    IrrFigure,
    OptionFigures,
    Reason,
    Unavailable,
    proposal_figures,
)
from kamdesk.domain.proposals import ProposalDocument, ProposalLanguage, ProposalStatus
from kamdesk.ops.proposals import ProposalSummary, proposal_document, proposals_of_book
from kamdesk.store.book import Book

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.kamdesk"
    write_demo_book(path, today=TODAY)
    return path


@pytest.fixture(scope="module")
def proposals(
    demo: Path,
) -> Iterator[list[tuple[ProposalSummary, ProposalDocument, dict[str, OptionFigures]]]]:
    with Book.open(demo) as book:
        read = []
        for summary in proposals_of_book(book):
            document = proposal_document(book, summary.id, TODAY)
            read.append((summary, document, proposal_figures(document)))
        yield read


def test_there_are_proposals_in_both_languages_with_three_options_over_five_years(
    proposals: list[tuple[ProposalSummary, ProposalDocument, dict[str, OptionFigures]]],
) -> None:
    for language in ProposalLanguage:
        full = [
            document
            for _, document, _ in proposals
            if document.language is language
            and len(document.options) == 3
            and document.economics.horizon_years == 5
        ]
        assert full, f"no three-option, five-year proposal in {language}"
        for document in full:
            assert all(option.lines and option.benefits for option in document.options)
            assert document.recommended is not None


def test_one_proposal_was_sent_and_has_a_later_draft(
    proposals: list[tuple[ProposalSummary, ProposalDocument, dict[str, OptionFigures]]],
) -> None:
    series: dict[str, list[ProposalSummary]] = {}
    for summary, _, _ in proposals:
        series.setdefault(summary.series_id, []).append(summary)
    versioned = [rows for rows in series.values() if len(rows) > 1]
    assert len(versioned) == 1
    sent, draft = sorted(versioned[0], key=lambda row: row.version)
    assert (sent.version, sent.status, sent.sent_on) == (
        1,
        ProposalStatus.SENT,
        TODAY - dt.timedelta(days=21),
    )
    assert (draft.version, draft.status, draft.sent_on) == (2, ProposalStatus.DRAFT, None)


def test_one_proposal_never_pays_back_and_says_why(
    proposals: list[tuple[ProposalSummary, ProposalDocument, dict[str, OptionFigures]]],
) -> None:
    never = [
        document
        for _, document, figures in proposals
        if all(
            figures[o.id].payback_months == Unavailable(Reason.NEVER_PAYS_BACK)
            for o in document.options
        )
    ]
    assert [document.customer for document in never] == ["Helios Solar GmbH"]


def test_one_proposal_has_flows_that_change_sign_twice_and_an_irr_that_is_not_unique(
    proposals: list[tuple[ProposalSummary, ProposalDocument, dict[str, OptionFigures]]],
) -> None:
    found = []
    for _, document, figures in proposals:
        for option in document.options:
            flows = figures[option.id].net_flows
            signs = [flow > 0 for flow in flows if flow != 0]
            changes = sum(1 for a, b in itertools.pairwise(signs) if a != b)
            irr = figures[option.id].irr
            if changes >= 2:
                found.append((document.customer, option.name, irr, figures[option.id].npv))
    assert found, "no option whose flows change sign twice"
    customer, _, irr, npv = found[0]
    assert customer == "Orbital Telecom"
    assert isinstance(irr, IrrFigure) and not irr.unique
    # The IRR looks good, the NPV at the customer's rate is negative: trust the NPV.
    assert isinstance(npv, Decimal) and npv < 0 < irr.rate


def test_every_pain_of_a_demo_proposal_is_answered_and_the_accounts_own_pains_come_first(
    proposals: list[tuple[ProposalSummary, ProposalDocument, dict[str, OptionFigures]]],
) -> None:
    for _, document, _ in proposals:
        assert document.pains, document.title
        assert all(p.pain and p.component for p in document.pains), document.title
    mes = next(d for _, d, _ in proposals if d.customer == "华东制造集团宁波分公司")
    assert mes.pains[0].pain == "质量问题追溯要花好几天"
