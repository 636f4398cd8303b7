"""The demo's negotiation preparation: a late-stage deal with its plan, concessions, roles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamdesk.demo import write_demo_book
from kamdesk.domain.rules import check_values
from kamdesk.kinds import Kind, kind
from kamdesk.store.book import Book
from kamdesk.store.reader import BookReader, RecordRow

DEAL = kind("opportunity")
PLAN = kind("negotiation_plan")
CONCESSION = kind("concession")
ROLE = kind("negotiation_role")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.kamdesk"
    write_demo_book(path, today=dt.date(2026, 12, 1))
    return path


@pytest.fixture
def reader(demo: Path) -> Iterator[BookReader]:
    with Book.open(demo) as book:
        yield BookReader(book.db)


def _passes_the_form_checks(reader: BookReader, declared: Kind, row: RecordRow) -> None:
    vocabulary = reader.vocabulary()

    def known(list_name: str) -> set[str]:
        return {term.code for term in vocabulary.get(list_name, [])}

    values = {spec.name: row.values[spec.name] for spec in declared.fields}
    assert check_values(declared.specs, values, known) == {}, values
    for rule in declared.checks:
        assert rule(values) == {}, values


def test_a_late_stage_deal_is_prepared_for_negotiation(reader: BookReader) -> None:
    prepared = [
        deal
        for account_id, _name in reader.account_names()
        for deal in reader.records_of(DEAL, account_id)
        if reader.records_of(PLAN, deal.id)
    ]
    [deal] = prepared
    assert deal.values["stage"] in ("compass.commercial", "compass.closing")
    assert deal.values["status"] == "open"

    [plan] = reader.records_of(PLAN, deal.id)
    _passes_the_form_checks(reader, PLAN, plan)
    prices = [plan.values[name] for name in ("price_best_minor", "price_expected_minor")]
    prices.append(plan.values["price_walk_away_minor"])
    assert prices == sorted(prices, reverse=True) and len(set(prices)) == 3
    assert plan.values["currency"] == deal.values["currency"]
    assert all(plan.values[name] for name in ("payment_expected", "our_batna", "their_batna"))

    concessions = reader.records_of(CONCESSION, deal.id)
    assert len(concessions) == 3
    for concession in concessions:
        _passes_the_form_checks(reader, CONCESSION, concession)
    # The first one offered already, the later ones still planned: in the order made.
    assert [c.values["status"] for c in concessions] == ["offered", "planned", "planned"]

    roles = reader.records_of(ROLE, deal.id)
    for role in roles:
        _passes_the_form_checks(reader, ROLE, role)
    assert {"lead", "technical", "finance"} <= {r.values["role"] for r in roles}
    lead = next(r for r in roles if r.values["role"] == "lead")
    assert lead.values["team_member_id"] == deal.values["owner_id"]
