"""A book we may not write still makes its proposal's PDF and spreadsheet: a manager's copy.

Reading a proposal goes through a read session; on a read-only book (a newer book, a
read-only file) that session reads through connections that never write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from pypdf import PdfReader

from kamdesk.errors import ReadOnlyBookError
from kamdesk.kinds import kind
from kamdesk.ops.accounts import create_account
from kamdesk.ops.kinds import create_record, update_record
from kamdesk.ops.proposal_outputs import proposal_pdf_of, proposal_xlsx_of
from kamdesk.ops.proposals import new_proposal, proposal_document
from kamdesk.reports.data import Branding
from kamdesk.store.book import Book
from kamdesk.store.reader import BookReader


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_proposal(path: Path) -> str:
    with Book.open(path, create=True) as book:
        account = create_account(book, {"name": "Acme Steel", "currency": "USD"})
        proposal = new_proposal(book, account, title="Line 2 automation")
        option = BookReader(book.db).records_of(kind("proposal_option"), proposal)[0].id
        create_record(
            book,
            kind("proposal_line"),
            option,
            {"product": "Robot cell", "quantity": 2000, "unit_price_minor": 45_000_000},
        )
        create_record(
            book,
            kind("proposal_benefit"),
            option,
            {"description": "Less downtime", "amount_per_year_minor": 30_000_000},
        )
        update_record(book, kind("proposal"), proposal, {"horizon_years": 4})
        book.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return proposal


@pytest.mark.parametrize("cause", ["newer", "file"])
def test_a_read_only_book_makes_the_proposals_pdf_and_spreadsheet(
    tmp_path: Path, cause: str
) -> None:
    path = tmp_path / "b.kamdesk"
    proposal = make_proposal(path)
    if cause == "newer":
        with closing(sqlite3.connect(path)) as db, db:
            db.execute("UPDATE alembic_version SET version_num = '9999'")
    else:
        path.chmod(0o444)
    digest = sha256(path)
    with Book.open(path) as book:
        assert book.read_only
        document = proposal_document(book, proposal, dt.date(2026, 12, 1))
        assert document.title == "Line 2 automation"
        assert document.economics.horizon_years == 4
        pdf = tmp_path / "p.pdf"
        pdf.write_bytes(proposal_pdf_of(book, proposal, Branding()))
        assert "Line 2 automation" in "".join(p.extract_text() for p in PdfReader(pdf).pages)
        assert proposal_xlsx_of(book, proposal)[:2] == b"PK"
        with pytest.raises(ReadOnlyBookError):
            update_record(book, kind("proposal"), proposal, {"title": "Must not be saved"})
    assert sha256(path) == digest
