"""The demo book: realistic, valid, searchable, logged, deterministic, and never destructive."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import sqlite3
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import pytest

import kamdesk.demo
from kamdesk.demo import DemoSummary, write_demo_book
from kamdesk.domain.deals import days_per_stage
from kamdesk.domain.fields import ACCOUNT_FIELDS, STAKEHOLDER_FIELDS, TEAM_MEMBER_FIELDS
from kamdesk.domain.rules import check_narrowed_choices, check_values
from kamdesk.domain.vocabulary import DEFAULT_VOCABULARY, FORCE_ROLE, VocabularyKind
from kamdesk.errors import BookError
from kamdesk.kinds.opportunity import FIRST_STAGE, OPPORTUNITY
from kamdesk.store.book import Book
from kamdesk.store.reader import ACCOUNT_COLUMNS, STAKEHOLDER_COLUMNS, AccountQuery, BookReader

CJK = re.compile(r"[\u4e00-\u9fff]")
LEVEL_RANK = {"executive": 0, "middle": 1, "staff": 2}
#: The day the demo books of these tests are dated around.
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    path = tmp_path_factory.mktemp("demo") / "demo.kamdesk"
    return path, write_demo_book(path, today=TODAY)


@pytest.fixture
def book(demo: tuple[Path, DemoSummary]) -> Iterator[Book]:
    with Book.open(demo[0]) as opened:
        yield opened


@pytest.fixture
def reader(book: Book) -> BookReader:
    return BookReader(book.db)


def _codes(kind: VocabularyKind) -> set[str]:
    return {term.code for term in DEFAULT_VOCABULARY if term.kind is kind}


def _rows(db: sqlite3.Connection, sql: str) -> list[tuple[object, ...]]:
    return list(db.execute(sql).fetchall())


def _account_id(reader: BookReader, name: str) -> str:
    matches = reader.find_accounts(name)
    assert len(matches) == 1, name
    return matches[0][0]


def _account(reader: BookReader, account_id: str) -> dict[str, Any]:
    values = reader.account(account_id)
    assert values is not None
    return values


def test_default_demo_size(demo: tuple[Path, DemoSummary], reader: BookReader) -> None:
    _path, summary = demo
    assert summary.accounts == reader.account_count() == 30
    assert 8 <= summary.team_members == len(reader.team_members()) <= 10
    assert 5 <= summary.stakeholders / summary.accounts <= 7
    assert summary.coverage > 0


def test_mix_of_chinese_and_english_accounts(reader: BookReader) -> None:
    names = [name for _id, name in reader.account_names()]
    chinese = [n for n in names if CJK.search(n)]
    english = [n for n in names if n.isascii()]
    assert len(chinese) >= 15
    assert len(english) >= 8
    currencies = {r[0] for r in _rows(reader.db, "SELECT currency FROM account")}
    assert {"CNY", "USD", "EUR"} <= currencies


def test_group_with_headquarters_and_branches(reader: BookReader) -> None:
    group_id = _account_id(reader, "华东制造集团")
    assert group_id in reader.child_ids(None)
    assert _account(reader, group_id)["org_level"] == "group"
    children = {a["name"]: a for a in map(partial(_account, reader), reader.child_ids(group_id))}
    assert children["华东制造集团总部"]["org_level"] == "headquarters"
    branches = {name: a for name, a in children.items() if a["org_level"] == "branch"}
    assert {"华东制造集团苏州分公司", "华东制造集团无锡分公司", "华东制造集团宁波分公司"} <= set(
        branches
    )
    own = {name for name, a in branches.items() if a["own_purchasing"]}
    assert "华东制造集团苏州分公司" in own
    assert own != set(branches), "some branches must buy through the group"
    # The whitespace the sources warn about: a branch we do not sell to yet.
    assert any(a["annual_revenue_minor"] is None for a in branches.values())
    assert reader.child_counts([group_id])[group_id] == len(children)
    english_groups = _rows(
        reader.db,
        "SELECT g.name FROM account g WHERE g.org_level = 'group' AND g.name NOT GLOB '*[^ -~]*' "
        "AND EXISTS (SELECT 1 FROM account c WHERE c.parent_id = g.id)",
    )
    assert len(english_groups) >= 2


def test_tiers_follow_pareto(reader: BookReader) -> None:
    rate = {"CNY": 1.0, "USD": 7.2, "EUR": 7.8}
    by_tier: dict[str, float] = {"A": 0.0, "B": 0.0, "C": 0.0}
    counts: dict[str, int] = {"A": 0, "B": 0, "C": 0}
    for tier, currency, revenue in _rows(
        reader.db,
        "SELECT tier, currency, annual_revenue_minor FROM account "
        "WHERE org_level <> 'group' AND annual_revenue_minor IS NOT NULL",
    ):
        assert isinstance(tier, str) and isinstance(currency, str) and isinstance(revenue, int)
        by_tier[tier] += revenue * rate[currency]
        counts[tier] += 1
    total = sum(by_tier.values())
    assert counts["A"] < counts["B"] < counts["C"]
    assert by_tier["A"] / total > 0.7
    assert by_tier["C"] / total < 0.1


def test_every_role_force_and_attitude_appears(reader: BookReader) -> None:
    db = reader.db
    assert {r[0] for r in _rows(db, "SELECT buying_role FROM stakeholder")} == _codes(
        VocabularyKind.BUYING_ROLE
    )
    assert {r[0] for r in _rows(db, "SELECT force FROM stakeholder")} == _codes(
        VocabularyKind.FORCE
    )
    assert {r[0] for r in _rows(db, "SELECT attitude FROM stakeholder")} == _codes(
        VocabularyKind.ATTITUDE
    )


def test_force_matches_buying_role(reader: BookReader) -> None:
    for role, force in _rows(reader.db, "SELECT buying_role, force FROM stakeholder"):
        assert isinstance(force, str)
        assert FORCE_ROLE[force[0]].value == role, (role, force)


def test_every_record_passes_the_form_checks(book: Book, reader: BookReader) -> None:
    """Demo data must be data a user could have typed: known codes, valid e-mails, limits."""
    vocabulary = reader.vocabulary()

    def known(kind: str) -> set[str]:
        return {term.code for term in vocabulary.get(kind, [])}

    checks = (
        ("account", ACCOUNT_COLUMNS, ACCOUNT_FIELDS),
        ("stakeholder", STAKEHOLDER_COLUMNS, STAKEHOLDER_FIELDS),
        ("team_member", ("name", "role", "title", "level", "email", "phone"), TEAM_MEMBER_FIELDS),
    )
    for table, columns, fields in checks:
        specs = {spec.name: spec for spec in fields}
        for row in book.db.execute(f"SELECT {', '.join(columns)} FROM {table}"):
            values = dict(zip(columns, row, strict=True))
            if "own_purchasing" in values:
                values["own_purchasing"] = bool(values["own_purchasing"])
            assert check_values(specs, values, known) == {}, values


def test_reporting_lines_go_up_within_the_account(reader: BookReader) -> None:
    people = {
        r[0]: r[1:]
        for r in _rows(reader.db, "SELECT id, account_id, level, reports_to_id FROM stakeholder")
    }
    bosses = 0
    for account_id, level, boss_id in people.values():
        if boss_id is None:
            continue
        bosses += 1
        boss_account, boss_level, _boss_boss = people[boss_id]
        assert boss_account == account_id
        assert LEVEL_RANK[str(boss_level)] < LEVEL_RANK[str(level)] or level == "executive"
    assert bosses > len(people) / 2


def test_people_speak_their_account_language(reader: BookReader) -> None:
    for account_id, name in reader.account_names():
        people = [s.name for s in reader.stakeholders(account_id)]
        assert people, name
        if CJK.search(name):
            assert all(CJK.search(p) for p in people), name
    brightwater = reader.stakeholders(_account_id(reader, "Brightwater Bank"))
    assert all(s.name.isascii() for s in brightwater)


def test_coverage_with_gaps(reader: BookReader) -> None:
    members = {m.id: m for m in reader.team_members()}
    assert {m.role for m in members.values()} == _codes(VocabularyKind.TEAM_ROLE)
    covered = uncovered = matched = threads = 0
    economic_buyer_gap = False
    for account_id, _name in reader.account_names():
        for person in reader.stakeholders(account_id):
            if not person.covered_by:
                uncovered += 1
                economic_buyer_gap |= person.values["buying_role"] == "EB"
                continue
            covered += 1
            for member_id in person.covered_by:
                threads += 1
                matched += members[member_id].level == person.values["level"]
    assert covered > 3 * uncovered > 0
    assert economic_buyer_gap
    assert matched / threads > 0.5
    owners = {r[0] for r in _rows(reader.db, "SELECT owner_id FROM account")}
    assert None in owners and len(owners - {None}) >= 3


def test_demo_is_searchable(reader: BookReader) -> None:
    suzhou = _account_id(reader, "华东制造集团苏州分公司")
    assert suzhou in reader.account_ids(AccountQuery(text="苏州"))
    manufacturing = reader.account_ids(AccountQuery(text="制造"))
    assert _account_id(reader, "华东制造集团") in manufacturing
    assert _account_id(reader, "Northwind Logistics HQ") in reader.account_ids(
        AccountQuery(text="northw")
    )
    # Stakeholders are indexed too: a contact's name finds their account.
    flagship = _account_id(reader, "华东制造集团总部")
    assert reader.account_ids(AccountQuery(text="何晓雯")) == [flagship]


def test_change_log_and_search_index_are_filled(book: Book) -> None:
    db = book.db
    accounts, stakeholders, coverage = (
        db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("account", "stakeholder", "coverage")
    )
    logged = dict(
        db.execute(
            "SELECT table_name, COUNT(DISTINCT row_id) FROM change_log GROUP BY table_name"
        ).fetchall()
    )
    assert logged["account"] == accounts
    assert logged["stakeholder"] == stakeholders
    assert logged["coverage"] == coverage
    # One search document per account, holding its people's names too.
    assert db.execute("SELECT COUNT(*) FROM search_doc").fetchone()[0] == accounts


def test_refuses_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "precious.kamdesk"
    content = b"someone's real book" * 100
    target.write_bytes(content)
    with pytest.raises(BookError, match="already exists"):
        write_demo_book(target, 3)
    assert target.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious.kamdesk"]


def test_refuses_an_existing_demo_book(demo: tuple[Path, DemoSummary]) -> None:
    path = demo[0]
    before = path.read_bytes()
    with pytest.raises(BookError):
        write_demo_book(path)
    assert path.read_bytes() == before


def test_failure_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "demo.kamdesk"

    def interrupt(_done: int, _total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_demo_book(target, 3, progress=interrupt)
    assert list(tmp_path.iterdir()) == []


def _content(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Accounts and stakeholders in the order they were written (ids left out: random)."""
    db = sqlite3.connect(path)
    try:
        accounts = db.execute(
            "SELECT name, tier, annual_revenue_minor, notes FROM account ORDER BY rowid"
        ).fetchall()
        people = db.execute(
            "SELECT a.name, s.name, s.force, s.attitude, s.email FROM stakeholder s "
            "JOIN account a ON a.id = s.account_id ORDER BY s.rowid"
        ).fetchall()
        return accounts, people
    finally:
        db.close()


def test_same_seed_same_content(tmp_path: Path, demo: tuple[Path, DemoSummary]) -> None:
    again = tmp_path / "again.kamdesk"
    write_demo_book(again, today=TODAY)
    assert _content(again) == _content(demo[0])
    assert _deals(again) == _deals(demo[0])
    other = tmp_path / "other.kamdesk"
    write_demo_book(other, seed=8)
    accounts, people = _content(other)
    # The 30 hand-shaped accounts stay; the people and generated details change.
    assert [a[0] for a in accounts] == [a[0] for a in _content(demo[0])[0]]
    assert people != _content(demo[0])[1]


def test_larger_book_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kamdesk.demo, "BATCH_ACCOUNTS", 50)
    calls: list[tuple[int, int]] = []
    path = tmp_path / "big.kamdesk"
    summary = write_demo_book(path, 200, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(50, 200), (100, 200), (150, 200), (200, 200)]
    assert summary.accounts == 200
    assert 1000 <= summary.stakeholders <= 1400
    with Book.open(path) as book:
        reader = BookReader(book.db)
        assert reader.account_count() == 200
        names = [name for _id, name in reader.account_names()]
        assert len(set(names)) == len(names)
        assert sum(bool(CJK.search(n)) for n in names) > 60
        assert sum(n.isascii() for n in names) > 40
        count = book.db.execute("SELECT COUNT(*) FROM stakeholder").fetchone()[0]
        assert count == summary.stakeholders
        # Generated groups hang together too: every parent is a live account.
        parents = reader.parents()
        assert all(p is None or p in parents for p in parents.values())


def _deals(path: Path) -> list[tuple[object, ...]]:
    """Deals and their stage histories in the order they were written (ids left out)."""
    db = sqlite3.connect(path)
    try:
        return db.execute(
            "SELECT a.name, o.name, o.stage, o.status, o.amount_minor, o.expected_close, "
            "(SELECT group_concat(s.to_stage || '@' || s.changed_at, ' ') FROM stage_change s "
            "WHERE s.opportunity_id = o.id) FROM opportunity o "
            "JOIN account a ON a.id = o.account_id ORDER BY o.rowid"
        ).fetchall()
    finally:
        db.close()


class _Move(NamedTuple):
    to_stage: str
    changed_at: dt.datetime


def _deal_rows(book: Book) -> list[dict[str, Any]]:
    columns = ["id", "account_id", *OPPORTUNITY.specs]
    rows = book.db.execute(f"SELECT {', '.join(columns)} FROM opportunity").fetchall()
    return [dict(zip(columns, row, strict=True)) for row in rows]


def test_accounts_have_up_to_five_deals_in_their_own_language_and_currency(
    book: Book, reader: BookReader
) -> None:
    accounts = {
        r[0]: r[1:] for r in _rows(book.db, "SELECT id, name, currency, org_level FROM account")
    }
    deals = _deal_rows(book)
    per_account: dict[str, int] = {}
    for deal in deals:
        name, currency, org_level = accounts[deal["account_id"]]
        per_account[deal["account_id"]] = per_account.get(deal["account_id"], 0) + 1
        assert org_level != "group", "a group buys through its members"
        assert deal["currency"] == currency
        assert deal["amount_minor"] > 0
        if CJK.search(str(name)):
            assert CJK.search(deal["name"]), (name, deal["name"])
        else:
            assert deal["name"].isascii(), (name, deal["name"])
    assert max(per_account.values()) <= 5
    # About three a buying account (issue: a 10,000-account book has ~30,000 deals).
    members = [a for a, (_n, _c, level) in accounts.items() if level != "group"]
    assert 0 < len(per_account) <= len(members)
    assert 1.5 <= sum(per_account.values()) / len(members) <= 4
    names = {deal["name"] for deal in deals}
    assert {"MES 二期扩容", "Fleet telematics rollout"} <= names
    assert {deal["currency"] for deal in deals} == {"CNY", "USD", "EUR"}


def test_deals_are_open_won_or_lost_on_both_stage_models(book: Book) -> None:
    deals = _deal_rows(book)
    assert {d["status"] for d in deals} == {"open", "won", "lost"}
    assert {d["stage_model"] for d in deals} == set(FIRST_STAGE)
    for deal in deals:
        assert deal["stage"].startswith(f"{deal['stage_model']}."), deal
        if deal["status"] == "open":
            assert deal["outcome_reason"] == ""
            # Closing in the quarters ahead.
            close = dt.date.fromisoformat(deal["expected_close"])
            assert TODAY < close <= TODAY + dt.timedelta(days=366), deal
            assert 0 < deal["probability"] < 100
        else:
            assert deal["outcome_reason"], deal
            assert deal["probability"] == (100 if deal["status"] == "won" else 0)
            assert dt.date.fromisoformat(deal["expected_close"]) <= TODAY
    won_reasons = {d["outcome_reason"] for d in deals if d["status"] == "won"}
    lost_reasons = {d["outcome_reason"] for d in deals if d["status"] == "lost"}
    assert "competitor" in lost_reasons and "value" in won_reasons


def test_every_deal_passes_the_form_checks(book: Book, reader: BookReader) -> None:
    vocabulary = reader.vocabulary()

    def known(kind: str) -> set[str]:
        return {term.code for term in vocabulary.get(kind, [])}

    specs = OPPORTUNITY.specs
    for deal in _deal_rows(book):
        values = {name: deal[name] for name in specs}
        values["expected_close"] = dt.date.fromisoformat(values["expected_close"])
        assert check_values(specs, values, known) == {}, values
        assert check_narrowed_choices(specs, values, {}) == {}, values
        for rule in OPPORTUNITY.checks:
            assert rule(values) == {}, values


def test_every_deal_has_its_stage_history_over_the_past_months(book: Book) -> None:
    histories: dict[str, list[tuple[str, str, dt.datetime]]] = {}
    for deal_id, before, after, moment in book.db.execute(
        "SELECT opportunity_id, from_stage, to_stage, changed_at FROM stage_change "
        "ORDER BY opportunity_id, changed_at"
    ):
        histories.setdefault(deal_id, []).append(
            (before, after, dt.datetime.fromisoformat(moment).replace(tzinfo=dt.UTC))
        )
    deals = _deal_rows(book)
    assert set(histories) == {d["id"] for d in deals}
    now = dt.datetime.combine(TODAY, dt.time(), dt.UTC)
    oldest = now
    for deal in deals:
        history = histories[deal["id"]]
        # From nowhere into the first stage, each move from where the last one went,
        # ending where the deal is now.
        assert history[0][:2] == ("", FIRST_STAGE[deal["stage_model"]])
        assert all(a[1] == b[0] for a, b in itertools.pairwise(history))
        assert history[-1][1] == deal["stage"]
        assert all(moment < now for _b, _a, moment in history)
        oldest = min(oldest, history[0][2])
        spent = days_per_stage([_Move(a, m) for _b, a, m in history], now)
        assert spent[-1].current and spent[-1].stage == deal["stage"]
        assert all(t.days >= 7 for t in spent[:-1]), spent
    assert oldest < now - dt.timedelta(days=180)
    logged = {
        r[0]
        for r in _rows(
            book.db, "SELECT DISTINCT row_id FROM change_log WHERE table_name = 'stage_change'"
        )
    }
    assert len(logged) == sum(len(h) for h in histories.values())


def test_every_deal_has_its_models_milestones_part_done_in_its_language(
    book: Book, reader: BookReader
) -> None:
    from kamdesk.domain.milestones import progress
    from kamdesk.kinds.milestone import MILESTONE, STAGES, default_templates

    accounts = dict(_rows(book.db, "SELECT id, name FROM account"))
    started = dict(
        _rows(book.db, "SELECT opportunity_id, MIN(changed_at) FROM stage_change GROUP BY 1")
    )
    ticked_in_current_stage = 0
    for deal in _deal_rows(book):
        rows = reader.records_of(MILESTONE, deal["id"])
        model = deal["stage_model"]
        # The whole checklist of the deal's model, in stage order.
        assert [r.values["stage"] for r in rows] == [t.stage for t in default_templates(model)], (
            deal["name"]
        )
        zh = bool(CJK.search(str(accounts[deal["account_id"]])))
        assert all(bool(CJK.search(r.values["text"])) == zh for r in rows), deal["name"]
        first_day = dt.date.fromisoformat(str(started[deal["id"]])[:10])
        for row in rows:
            done, done_on = row.values["done"], row.values["done_on"]
            assert (done_on is not None) == done
            if done:
                assert first_day <= done_on <= TODAY, (deal["name"], done_on)
        for stage in STAGES[model]:
            # Answered in order, as visits answer them.
            days = [r.values["done_on"] for r in rows if r.values["stage"] == stage]
            answered = [day for day in days if day is not None]
            assert answered == sorted(answered), (deal["name"], stage)
        result = progress(
            [_Milestone(r.values["stage"], r.values["done"]) for r in rows],
            STAGES[model],
            deal["stage"],
        )
        if deal["status"] == "won":
            assert result.overall.done == result.overall.total
        else:
            # Never everything: the deal would have moved on.
            assert result.overall.done < result.overall.total
            current = dict(result.stages)[deal["stage"]]
            assert current.done < current.total
            ticked_in_current_stage += current.done > 0
            ahead = list(STAGES[model])[list(STAGES[model]).index(deal["stage"]) + 1 :]
            assert all(dict(result.stages)[s].done == 0 for s in ahead)
    assert ticked_in_current_stage > 0  # part done, not only stage by stage
    logged = _rows(
        book.db, "SELECT COUNT(DISTINCT row_id) FROM change_log WHERE table_name = 'milestone'"
    )
    assert logged[0][0] == _rows(book.db, "SELECT COUNT(*) FROM milestone")[0][0]


class _Milestone(NamedTuple):
    stage: str
    done: bool
    text: str = ""
