"""Revisions 0005–0007 (a deal's people, competitors and objections): a book with deals
gains them, and going back to 0004 leaves a book 0004 reads, with its deals."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import kamdesk.store
from kamdesk.kinds import kind
from kamdesk.ops.accounts import create_account
from kamdesk.ops.kinds import create_record
from kamdesk.ops.stakeholders import create_stakeholder
from kamdesk.store.book import Book, create_book, sqlite_url
from kamdesk.store.reader import BookReader
from kamdesk.store.schema import SCHEMA_HEAD

MIGRATIONS = Path(kamdesk.store.__file__).parent / "migrations"
TABLES = {"deal_person", "deal_competitor", "objection"}
LISTS = {"competitor_standing", "objection_type", "objection_status"}


def downgrade(path: Path, revision: str) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(sqlite_url(path))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
    finally:
        engine.dispose()


def test_a_0004_book_gains_the_deal_records_and_goes_back_to_0004(tmp_path: Path) -> None:
    path = tmp_path / "b.kamdesk"
    create_book(path, revision="0004")
    with closing(sqlite3.connect(path)) as db:
        terms_at_0004 = db.execute("SELECT COUNT(*) FROM vocabulary").fetchone()[0]
    with Book.open(path) as book:  # upgraded to the head on opening
        assert book.revision == SCHEMA_HEAD
        account = create_account(book, {"name": "华东制造集团总部", "currency": "CNY"})
        wang = create_stakeholder(book, account, {"name": "王磊", "buying_role": "TB"})
        deal = create_record(book, kind("opportunity"), account, {"name": "MES", "currency": "CNY"})
        create_record(book, kind("deal_person"), deal, {"stakeholder_id": wang})
        create_record(book, kind("deal_competitor"), deal, {"name": "SAP", "standing": "leading"})
        create_record(book, kind("objection"), deal, {"summary": "Too dear", "type": "price"})
        lists = BookReader(book.db).vocabulary()
        assert [t.label_zh for t in lists["objection_type"]] == [
            "价格",
            "时间",
            "风险",
            "决策",
            "其他",
        ]
        assert [t.code for t in lists["objection_status"]] == ["open", "handled"]
        assert lists["competitor_standing"][0].label_en == "Leading"

    downgrade(path, "0004")
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0004",)
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert not TABLES & tables
        assert not LISTS & {r[0] for r in db.execute("SELECT DISTINCT kind FROM vocabulary")}
        assert db.execute("SELECT COUNT(*) FROM vocabulary").fetchone()[0] == terms_at_0004
        logged = {r[0] for r in db.execute("SELECT DISTINCT table_name FROM change_log")}
        assert not TABLES & logged
        assert db.execute("SELECT name FROM opportunity").fetchall() == [("MES",)]

    with Book.open(path) as book:
        assert book.revision == SCHEMA_HEAD
        deals = BookReader(book.db).records_of(kind("opportunity"), account)
        assert [d.values["name"] for d in deals] == ["MES"]
        assert BookReader(book.db).records_of(kind("objection"), deals[0].id) == []
        assert book.integrity_check() == ["ok"]
