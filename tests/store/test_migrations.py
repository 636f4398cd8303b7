"""Schema migrations: the known head, and an old book backed up and brought up to date."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

import kamdesk.store
from kamdesk.errors import BookError
from kamdesk.ops.accounts import create_account
from kamdesk.store.book import Book, create_book, inspect_book
from kamdesk.store.reader import AccountQuery, BookReader
from kamdesk.store.schema import SCHEMA_HEAD, SCHEMA_REVISIONS

MIGRATIONS = Path(kamdesk.store.__file__).parent / "migrations"


def test_schema_head_is_the_alembic_head() -> None:
    script = ScriptDirectory(str(MIGRATIONS))
    assert script.get_heads() == [SCHEMA_HEAD]
    in_order = tuple(r.revision for r in reversed(list(script.walk_revisions())))
    assert in_order == SCHEMA_REVISIONS


def insert_old_account(path: Path) -> None:
    """An account (and a stakeholder) written by the app at revision 0001."""
    stamp = "2025-03-01 08:00:00.000000"
    with closing(sqlite3.connect(path)) as db:
        db.execute(
            "INSERT INTO account (id, created_at, updated_at, name, org_level, own_purchasing, "
            "industry, tier, lifecycle_stage, decision_mode, currency, budget_cycle, strategy, "
            "notes) VALUES (?, ?, ?, ?, 'branch', 0, 'manufacturing', 'A', 'mature', '', 'CNY', "
            "'', '', ?)",
            ("acc-1", stamp, stamp, "华东制造集团苏州分公司", "Legacy contract 2019"),
        )
        db.execute(
            "INSERT INTO stakeholder (id, created_at, updated_at, account_id, name, title, "
            "department, level, buying_role, force, attitude, decision_style, phone, email, "
            "wechat) VALUES ('st-1', ?, ?, 'acc-1', 'Zhao Lei', 'CFO', '', '', 'EB', '', '', '', "
            "'', '', '')",
            (stamp, stamp),
        )
        db.commit()


def test_an_old_book_is_backed_up_then_migrated_and_searchable(tmp_path: Path) -> None:
    path = tmp_path / "b.kamdesk"
    create_book(path, revision="0001")
    insert_old_account(path)
    old = inspect_book(path)
    assert old.revision == "0001"

    with Book.open(path) as book:
        assert book.revision == SCHEMA_HEAD
        assert not book.read_only
        assert book.device_id == old.device_id
        assert book.integrity_check() == ["ok"]
        reader = BookReader(book.db)
        # The upgrade indexed what the book already held.
        assert reader.account_ids(AccountQuery(text="苏州")) == ["acc-1"]
        assert reader.account_ids(AccountQuery(text="legacy")) == ["acc-1"]
        assert reader.account_ids(AccountQuery(text="zhao")) == ["acc-1"]
        # And the book is writable as usual.
        new = create_account(book, {"name": "New after upgrade", "currency": "CNY"})
        assert reader.account_ids(AccountQuery(text="upgrade")) == [new]
        backup = book.backup_path

    assert backup is not None
    assert backup.is_file()
    assert backup.parent.parent == tmp_path
    with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert db.execute("SELECT name FROM account").fetchall() == [("华东制造集团苏州分公司",)]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        assert "search_doc" not in tables

    # Opening the now-current book again takes no second backup.
    with Book.open(path) as book:
        assert book.backup_path is None
    assert [p.name for p in backup.parent.iterdir() if p.suffix == ".kamdesk"] == [backup.name]


def test_a_book_created_at_head_needs_no_migration(tmp_path: Path) -> None:
    path = tmp_path / "b.kamdesk"
    with Book.open(path, create=True) as book:
        assert book.revision == SCHEMA_HEAD
        assert book.backup_path is None
    assert inspect_book(path).revision == SCHEMA_HEAD
    assert not (tmp_path / "b backups").exists()


def test_a_failed_upgrade_leaves_the_book_as_it_was_and_says_where_the_copy_is(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.kamdesk"
    create_book(path, revision="0001")
    insert_old_account(path)
    with closing(sqlite3.connect(path)) as db:
        # Something the upgrade cannot get past: a table where 0002 creates its own.
        db.execute("CREATE TABLE search_doc (x)")
        db.commit()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = hashlib.sha256(path.read_bytes()).hexdigest()

    with pytest.raises(BookError) as refused:
        Book.open(path)

    assert "could not be upgraded" in refused.value.message
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert inspect_book(path).revision == "0001"
    backups = list((tmp_path / "old backups").iterdir())
    assert len(backups) == 1 and str(backups[0]) in refused.value.message


def test_an_upgrade_that_fails_half_way_leaves_no_half_schema(tmp_path: Path) -> None:
    path = tmp_path / "old.kamdesk"
    create_book(path, revision="0001")
    insert_old_account(path)
    with closing(sqlite3.connect(path)) as db:
        # 0002 first creates search_doc, then fails on the FTS table's shadow table.
        db.execute("CREATE TABLE search_fts_config (k PRIMARY KEY, v) WITHOUT ROWID")
        db.commit()

    with pytest.raises(BookError):
        Book.open(path)

    with closing(sqlite3.connect(path)) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "search_doc" not in tables  # rolled back with the rest of the upgrade
        db.execute("DROP TABLE search_fts_config")
        db.commit()
    with Book.open(path) as book:  # once the obstacle is gone, the upgrade goes through
        assert book.revision == SCHEMA_HEAD


def test_a_new_book_holds_the_default_vocabulary(tmp_path: Path) -> None:
    from kamdesk.domain.vocabulary import DEFAULT_VOCABULARY
    from kamdesk.kinds import KINDS

    with Book.open(tmp_path / "new.kamdesk", create=True) as book:
        seeded = {
            (row[0], row[1], row[2], row[3], row[4])
            for row in book.db.execute("SELECT id, kind, code, label_en, label_zh FROM vocabulary")
        }
    assert seeded == {
        (term.id, term.kind.value, str(term.code), term.label_en, term.label_zh)
        for term in (*DEFAULT_VOCABULARY, *(t for k in KINDS for t in k.vocabulary))
    }


def test_a_0002_book_is_indexed_again_with_pinyin_owners_industries_and_sort_keys(
    tmp_path: Path,
) -> None:
    path = tmp_path / "b.kamdesk"
    create_book(path, revision="0002")
    insert_old_account(path)
    stamp = "2025-03-01 08:00:00.000000"
    with closing(sqlite3.connect(path)) as db:
        db.execute(
            "INSERT INTO team_member (id, created_at, updated_at, name, role, title, level, "
            "email, phone) VALUES ('tm-1', ?, ?, '王磊', 'account_manager', '', '', '', ''), "
            "('tm-2', ?, ?, 'Zoe', 'account_manager', '', '', '', '')",
            (stamp, stamp, stamp, stamp),
        )
        db.execute("UPDATE account SET owner_id = 'tm-1' WHERE id = 'acc-1'")
        db.execute(
            "INSERT INTO account (id, created_at, updated_at, name, org_level, own_purchasing, "
            "industry, tier, lifecycle_stage, decision_mode, currency, budget_cycle, strategy, "
            "notes) VALUES ('acc-2', ?, ?, 'Zenith Holdings', 'group', 0, '', '', '', '', 'CNY', "
            "'', '', '')",
            (stamp, stamp),
        )
        # What 0002 had indexed, in its own layout.
        db.execute("INSERT INTO search_doc (id, account_id) VALUES (1, 'acc-1')")
        db.execute("INSERT INTO search_fts (rowid, body) VALUES (1, 'stale words')")
        db.commit()

    with Book.open(path) as book:
        assert book.revision == SCHEMA_HEAD
        assert book.backup_path is not None
        reader = BookReader(book.db)

        def found(text: str) -> list[str]:
            return reader.account_ids(AccountQuery(text=text))

        assert found("stale") == []
        assert found("苏州") == ["acc-1"]
        assert found("hdzz") == ["acc-1"]
        assert found("suzhou") == ["acc-1"]
        assert found("wl") == ["acc-1"]  # its owner, 王磊
        assert found("manu") == ["acc-1"]  # its industry
        assert found("zhao") == ["acc-1"]
        assert found("zenith") == ["acc-2"]
        # 华东… ("hua dong") sorts under H, before Zenith.
        assert reader.account_ids(AccountQuery()) == ["acc-1", "acc-2"]
        assert [m.name for m in reader.team_members()] == ["王磊", "Zoe"]  # wang, zoe
        assert book.integrity_check() == ["ok"]


def test_0003_downgrades_to_the_layout_0002_reads(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from kamdesk.store.book import sqlite_url

    path = tmp_path / "b.kamdesk"
    create_book(path, revision="0001")
    insert_old_account(path)
    with Book.open(path) as book:
        assert book.revision == SCHEMA_HEAD
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(sqlite_url(path))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0002")
    finally:
        engine.dispose()

    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002",)
        columns = [row[1] for row in db.execute("PRAGMA table_info(search_fts)")]
        assert columns == ["body"]
        # 0002's own query still finds the account by what it had indexed.
        found = db.execute(
            "SELECT d.account_id FROM search_fts JOIN search_doc AS d "
            "ON d.id = search_fts.rowid WHERE search_fts MATCH ?",
            ('"苏 州"',),
        ).fetchall()
        assert found == [("acc-1",)]
    with Book.open(path) as book:  # and upgrades again
        assert book.revision == SCHEMA_HEAD
        assert BookReader(book.db).account_ids(AccountQuery(text="hdzz")) == ["acc-1"]


def test_a_0003_book_gains_deals_and_their_lists_in_both_languages(tmp_path: Path) -> None:
    from kamdesk.kinds import kind
    from kamdesk.ops.kinds import create_record, update_record

    path = tmp_path / "b.kamdesk"
    create_book(path, revision="0003")
    insert_old_account(path)

    with Book.open(path) as book:
        assert book.revision == SCHEMA_HEAD
        assert book.backup_path is not None
        vocabulary = BookReader(book.db).vocabulary()
        labels = {
            list_name: [(t.code, t.label_en, t.label_zh) for t in vocabulary[list_name]]
            for list_name in ("stage_model", "deal_stage", "deal_status", "outcome_reason")
        }
        assert labels["stage_model"] == [
            ("compass", "Sales compass (4 stages)", "销售罗盘（四阶段）"),
            ("project", "Project sales (6 stages)", "项目型销售（六阶段）"),
        ]
        assert labels["deal_stage"][:4] == [
            ("compass.intent", "Intent", "意向"),
            ("compass.solution", "Solution", "方案"),
            ("compass.commercial", "Commercial", "商务"),
            ("compass.closing", "Closing", "成交"),
        ]
        assert [code for code, _en, _zh in labels["deal_stage"][4:]] == [
            "project.development",
            "project.approval",
            "project.proposal",
            "project.tender",
            "project.negotiation",
            "project.implementation",
        ]
        assert ("project.tender", "Tender / bid", "招投标") in labels["deal_stage"]
        assert labels["deal_status"] == [
            ("open", "Open", "进行中"),
            ("won", "Won", "赢单"),
            ("lost", "Lost", "丢单"),
        ]
        assert ("price", "Price", "价格") in labels["outcome_reason"]
        assert len(labels["outcome_reason"]) == 6
        # The old account takes a deal, which moves on like any other.
        deal = kind("opportunity")
        deal_id = create_record(book, deal, "acc-1", {"name": "MES 二期扩容", "currency": "CNY"})
        update_record(book, deal, deal_id, {"stage": "compass.solution"})
        stages = book.db.execute(
            "SELECT from_stage, to_stage FROM stage_change ORDER BY changed_at"
        ).fetchall()
        assert stages == [("", "compass.intent"), ("compass.intent", "compass.solution")]
        assert book.integrity_check() == ["ok"]


def test_0004_downgrades_to_a_book_0003_reads_and_upgrades_again(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from kamdesk.kinds import kind
    from kamdesk.ops.kinds import create_record
    from kamdesk.store.book import sqlite_url

    path = tmp_path / "b.kamdesk"
    create_book(path, revision="0003")
    insert_old_account(path)
    # The lists a 0003 book has: every later revision's terms go when it is downgraded.
    with closing(sqlite3.connect(path)) as db:
        terms_at_0003 = db.execute("SELECT COUNT(*) FROM vocabulary").fetchone()[0]
    with Book.open(path) as book:
        create_record(book, kind("opportunity"), "acc-1", {"name": "MES", "currency": "CNY"})
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(sqlite_url(path))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0003")
    finally:
        engine.dispose()

    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert not {"opportunity", "stage_change"} & tables
        kinds = {r[0] for r in db.execute("SELECT DISTINCT kind FROM vocabulary")}
        assert not {"stage_model", "deal_stage", "deal_status", "outcome_reason"} & kinds
        assert db.execute("SELECT COUNT(*) FROM vocabulary").fetchone()[0] == terms_at_0003
        # No entry is left in the change log for rows the book no longer has.
        logged = {r[0] for r in db.execute("SELECT DISTINCT table_name FROM change_log")}
        assert logged <= {"account", "stakeholder", "team_member", "coverage", "vocabulary"}
        assert db.execute("SELECT name FROM account").fetchall() == [("华东制造集团苏州分公司",)]
    with Book.open(path) as book:
        assert book.revision == SCHEMA_HEAD
        assert book.db.execute("SELECT COUNT(*) FROM opportunity").fetchone() == (0,)
        assert book.integrity_check() == ["ok"]
