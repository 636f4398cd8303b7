"""A form's checks read the book without its write lock, so another program's long write
neither blocks them nor makes them report a save that never was."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from kamdesk.errors import ValidationError
from kamdesk.ops.accounts import check_account, create_account
from kamdesk.ops.team import check_team_member
from kamdesk.store.book import Book


def test_checks_run_while_another_program_holds_the_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "b.kamdesk"
    with Book.open(path, create=True) as book:
        group = create_account(book, {"name": "Group", "currency": "CNY"})
        with closing(sqlite3.connect(path, isolation_level=None, timeout=0)) as other:
            other.execute("BEGIN IMMEDIATE")  # another program is in the middle of a write
            other.execute("UPDATE book_meta SET value = value WHERE key = 'hlc'")

            with pytest.raises(ValidationError) as refused:
                check_account(book, group, {"parent_id": group})
            assert set(refused.value.errors) == {"parent_id"}
            check_account(book, group, {"name": "Group Holdings"})  # fine, and says so
            with pytest.raises(ValidationError):
                check_team_member(book, None, {"name": ""})
            other.execute("ROLLBACK")
