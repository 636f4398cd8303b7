"""The app-wide events, named ``<subject>_did_<verb>``.

They are emitted by the UI layer after an operation commits (never before), so a
listener always reads committed data. This is the whole list; add new ones here.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class AppSignals(QObject):
    """One instance per app, passed to every view that needs to hear about changes."""

    #: An account was created, edited, deleted or restored: (account id).
    account_did_change = Signal(str)
    #: Undo brought back a deleted account, which the list should show selected: (id).
    account_did_come_back = Signal(str)
    #: A stakeholder of an account changed, coverage included: (account id).
    stakeholders_did_change = Signal(str)
    #: A record of a declared kind (``kamdesk.kinds``) was created, edited, deleted or
    #: restored: (kind name, id of the account it belongs to).
    records_did_change = Signal(str, str)
    #: A team member was created, edited, deleted or restored.
    team_did_change = Signal()
    #: The user switched the language: (language code).
    language_did_change = Signal(str)
    #: A setting changed (branding, default currency…).
    settings_did_change = Signal()
    #: A sync merged other devices' changes into the book (or closed conflicts): every
    #: view reads the book again. Not a local edit, so it never starts another sync.
    book_did_sync = Signal()
    #: Something the user should read in the status bar: (message).
    notice_did_post = Signal(str)
    #: The book's list of changes the sync server refused grew or shrank.
    refusals_did_change = Signal()
