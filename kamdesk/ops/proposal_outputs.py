"""A proposal's PDF and spreadsheet, made from the book with no network.

Both read the proposal once (``proposal_document``) and show the engine's figures
(``proposal_figures``), so the PDF, the spreadsheet and the builder agree to the cent.
"""

from __future__ import annotations

import datetime as dt

from kamdesk.domain.proposal_figures import proposal_figures
from kamdesk.ops.proposals import proposal_document
from kamdesk.reports.data import Branding
from kamdesk.store.book import Book


def proposal_pdf_of(
    book: Book, proposal_id: str, branding: Branding, today: dt.date | None = None
) -> bytes:
    """The PDF of one proposal version, in the proposal's own language."""
    from kamdesk.reports.proposal import proposal_pdf

    document = proposal_document(book, proposal_id, today or dt.date.today())
    return proposal_pdf(document, proposal_figures(document), branding)


def proposal_xlsx_of(book: Book, proposal_id: str, today: dt.date | None = None) -> bytes:
    """The spreadsheet of one proposal version, its figures as live formulas."""
    from kamdesk.reports.proposal_xlsx import proposal_xlsx

    return proposal_xlsx(proposal_document(book, proposal_id, today or dt.date.today()))
