"""The editing actions behind menus and shortcuts: open a form, save, push undo, announce.

Each function is one user action (new account, edit stakeholder, delete team member…),
kept here so the main window only wires shortcuts to them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from kamdesk.domain.fields import ACCOUNT_FIELDS, STAKEHOLDER_FIELDS, TEAM_MEMBER_FIELDS, FieldKind
from kamdesk.errors import KamdeskError
from kamdesk.i18n import _
from kamdesk.ops import accounts, stakeholders, team
from kamdesk.settings import DEFAULT_CURRENCY
from kamdesk.ui.context import AppContext
from kamdesk.ui.forms import Choices
from kamdesk.ui.record_dialog import RecordDialog
from kamdesk.ui.undo import (
    ACCOUNT_ACTIONS,
    STAKEHOLDER_ACTIONS,
    TEAM_MEMBER_ACTIONS,
    create_command,
    delete_command,
    edit_command,
)


def _refuse_if_read_only(context: AppContext, parent: QWidget | None) -> bool:
    if context.book.read_only_reason:
        QMessageBox.information(parent, _("Read-only book"), context.book.read_only_reason)
        return True
    return False


def _tell(parent: QWidget | None, error: KamdeskError) -> None:
    QMessageBox.warning(parent, _("KAMDesk"), error.message)


def _member_choices(context: AppContext) -> Choices:
    return lambda: [(m.id, m.name) for m in context.team()]


# Accounts ------------------------------------------------------------------


def _account_choices(context: AppContext, exclude: str | None) -> dict[FieldKind, Choices]:
    return {
        FieldKind.ACCOUNT: lambda: [
            (i, name) for i, name in context.reader.account_names() if i != exclude
        ],
        FieldKind.TEAM_MEMBER: _member_choices(context),
    }


def new_account(
    context: AppContext, parent: QWidget | None, parent_account: str | None = None
) -> str | None:
    """Ask for a new account's profile and add it; returns its id, or None if cancelled."""
    if _refuse_if_read_only(context, parent):
        return None
    created: list[str] = []

    def save(values: dict[str, Any]) -> None:
        created.append(accounts.create_account(context.book, values))

    defaults: dict[str, Any] = {
        "currency": context.settings.get(DEFAULT_CURRENCY),
        "org_level": "standalone" if parent_account is None else "branch",
        "parent_id": parent_account,
    }
    dialog = RecordDialog(
        context,
        lambda: _("New account"),
        ACCOUNT_FIELDS,
        save,
        values=defaults,
        choices=_account_choices(context, None),
        validate=lambda values: accounts.check_account(context.book, None, values),
        parent=parent,
    )
    if not dialog.exec() or not created:
        return None
    account_id = created[0]
    name = context.reader.account(account_id) or {"name": ""}
    context.undo_stack.push(
        create_command(
            context,
            ACCOUNT_ACTIONS,
            account_id,
            _("Add account {name}").format(name=name["name"]),
            lambda: context.signals.account_did_change.emit(account_id),
        )
    )
    context.signals.account_did_change.emit(account_id)
    return account_id


def edit_account(context: AppContext, parent: QWidget | None, account_id: str) -> bool:
    """Open an account's profile for editing; True if something changed."""
    if _refuse_if_read_only(context, parent):
        return False
    current = context.reader.account(account_id)
    if current is None:
        return False
    changes: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def save(values: dict[str, Any]) -> None:
        changes.append((accounts.update_account(context.book, account_id, values), values))

    dialog = RecordDialog(
        context,
        lambda: _("Edit account"),
        ACCOUNT_FIELDS,
        save,
        values=current,
        choices=_account_choices(context, account_id),
        validate=lambda values: accounts.check_account(context.book, account_id, values),
        parent=parent,
    )
    if not dialog.exec() or not changes or not changes[0][0]:
        return False
    before, after = changes[0]
    context.undo_stack.push(
        edit_command(
            context,
            ACCOUNT_ACTIONS,
            account_id,
            before,
            after,
            _("Edit account {name}").format(name=after.get("name", current["name"])),
            lambda: context.signals.account_did_change.emit(account_id),
        )
    )
    context.signals.account_did_change.emit(account_id)
    return True


def delete_account(context: AppContext, parent: QWidget | None, account_id: str) -> bool:
    """Delete an account (undo brings it back)."""
    if _refuse_if_read_only(context, parent):
        return False
    current = context.reader.account(account_id)
    if current is None:
        return False
    try:
        accounts.delete_account(context.book, account_id)
    except KamdeskError as error:
        _tell(parent, error)
        return False
    text = _("Delete account {name}").format(name=current["name"])
    context.undo_stack.push(
        delete_command(
            context,
            ACCOUNT_ACTIONS,
            account_id,
            text,
            lambda: context.signals.account_did_change.emit(account_id),
        )
    )
    context.signals.account_did_change.emit(account_id)
    context.signals.notice_did_post.emit(
        _("Deleted {name}. Undo with Ctrl+Z.").format(name=current["name"])
    )
    return True


# Stakeholders ----------------------------------------------------------------


def _stakeholder_choices(
    context: AppContext, account_id: str, exclude: str | None
) -> dict[FieldKind, Choices]:
    return {
        FieldKind.STAKEHOLDER: lambda: [
            (s.id, s.name) for s in context.reader.stakeholders(account_id) if s.id != exclude
        ],
        FieldKind.TEAM_MEMBERS: _member_choices(context),
    }


def _announce_stakeholders(context: AppContext, account_id: str) -> None:
    context.signals.stakeholders_did_change.emit(account_id)


def new_stakeholder(context: AppContext, parent: QWidget | None, account_id: str) -> str | None:
    """Ask for a new stakeholder card on an account and add it."""
    if _refuse_if_read_only(context, parent):
        return None
    created: list[str] = []

    def save(values: dict[str, Any]) -> None:
        created.append(stakeholders.create_stakeholder(context.book, account_id, values))

    dialog = RecordDialog(
        context,
        lambda: _("New stakeholder"),
        STAKEHOLDER_FIELDS,
        save,
        choices=_stakeholder_choices(context, account_id, None),
        validate=lambda values: stakeholders.check_stakeholder(
            context.book, account_id, None, values
        ),
        parent=parent,
    )
    if not dialog.exec() or not created:
        return None
    stakeholder_id = created[0]
    row = context.reader.stakeholder(stakeholder_id)
    context.undo_stack.push(
        create_command(
            context,
            STAKEHOLDER_ACTIONS,
            stakeholder_id,
            _("Add stakeholder {name}").format(name=row.name if row else ""),
            lambda: _announce_stakeholders(context, account_id),
        )
    )
    _announce_stakeholders(context, account_id)
    return stakeholder_id


def edit_stakeholder(context: AppContext, parent: QWidget | None, stakeholder_id: str) -> bool:
    """Open a stakeholder card for editing; True if something changed."""
    if _refuse_if_read_only(context, parent):
        return False
    row = context.reader.stakeholder(stakeholder_id)
    if row is None:
        return False
    account_id = row.account_id
    changes: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def save(values: dict[str, Any]) -> None:
        changes.append(
            (stakeholders.update_stakeholder(context.book, stakeholder_id, values), values)
        )

    dialog = RecordDialog(
        context,
        lambda: _("Edit stakeholder"),
        STAKEHOLDER_FIELDS,
        save,
        values={**row.values, "covered_by": row.covered_by},
        choices=_stakeholder_choices(context, account_id, stakeholder_id),
        validate=lambda values: stakeholders.check_stakeholder(
            context.book, account_id, stakeholder_id, values
        ),
        parent=parent,
    )
    if not dialog.exec() or not changes or not changes[0][0]:
        return False
    before, after = changes[0]
    context.undo_stack.push(
        edit_command(
            context,
            STAKEHOLDER_ACTIONS,
            stakeholder_id,
            before,
            after,
            _("Edit stakeholder {name}").format(name=after.get("name", row.name)),
            lambda: _announce_stakeholders(context, account_id),
        )
    )
    _announce_stakeholders(context, account_id)
    return True


def delete_stakeholder(context: AppContext, parent: QWidget | None, stakeholder_id: str) -> bool:
    """Delete a stakeholder (undo brings them back)."""
    if _refuse_if_read_only(context, parent):
        return False
    row = context.reader.stakeholder(stakeholder_id)
    if row is None:
        return False
    try:
        stakeholders.delete_stakeholder(context.book, stakeholder_id)
    except KamdeskError as error:
        _tell(parent, error)
        return False
    account_id = row.account_id
    context.undo_stack.push(
        delete_command(
            context,
            STAKEHOLDER_ACTIONS,
            stakeholder_id,
            _("Delete stakeholder {name}").format(name=row.name),
            lambda: _announce_stakeholders(context, account_id),
        )
    )
    _announce_stakeholders(context, account_id)
    context.signals.notice_did_post.emit(
        _("Deleted {name}. Undo with Ctrl+Z.").format(name=row.name)
    )
    return True


# Team members ----------------------------------------------------------------


def new_team_member(context: AppContext, parent: QWidget | None) -> str | None:
    """Ask for a new member of our team and add them."""
    if _refuse_if_read_only(context, parent):
        return None
    created: list[str] = []

    def save(values: dict[str, Any]) -> None:
        created.append(team.create_team_member(context.book, values))

    dialog = RecordDialog(
        context,
        lambda: _("New team member"),
        TEAM_MEMBER_FIELDS,
        save,
        values={"role": "account_manager"},
        validate=lambda values: team.check_team_member(context.book, None, values),
        parent=parent,
    )
    if not dialog.exec() or not created:
        return None
    member_id = created[0]
    context.signals.team_did_change.emit()
    context.undo_stack.push(
        create_command(
            context,
            TEAM_MEMBER_ACTIONS,
            member_id,
            _("Add team member {name}").format(name=context.member_name(member_id)),
            context.signals.team_did_change.emit,
        )
    )
    return member_id


def edit_team_member(context: AppContext, parent: QWidget | None, member_id: str) -> bool:
    """Edit one of our team members."""
    if _refuse_if_read_only(context, parent):
        return False
    member = next((m for m in context.team() if m.id == member_id), None)
    if member is None:
        return False
    changes: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def save(values: dict[str, Any]) -> None:
        changes.append((team.update_team_member(context.book, member_id, values), values))

    values = {spec.name: getattr(member, spec.name) for spec in TEAM_MEMBER_FIELDS}
    dialog = RecordDialog(
        context,
        lambda: _("Edit team member"),
        TEAM_MEMBER_FIELDS,
        save,
        values=values,
        validate=lambda values: team.check_team_member(context.book, member_id, values),
        parent=parent,
    )
    if not dialog.exec() or not changes or not changes[0][0]:
        return False
    before, after = changes[0]
    context.undo_stack.push(
        edit_command(
            context,
            TEAM_MEMBER_ACTIONS,
            member_id,
            before,
            after,
            _("Edit team member {name}").format(name=after.get("name", member.name)),
            context.signals.team_did_change.emit,
        )
    )
    context.signals.team_did_change.emit()
    return True


def delete_team_member(context: AppContext, parent: QWidget | None, member_id: str) -> bool:
    """Remove a member from our team (undo brings them back)."""
    if _refuse_if_read_only(context, parent):
        return False
    name = context.member_name(member_id)
    try:
        team.delete_team_member(context.book, member_id)
    except KamdeskError as error:
        _tell(parent, error)
        return False
    context.undo_stack.push(
        delete_command(
            context,
            TEAM_MEMBER_ACTIONS,
            member_id,
            _("Delete team member {name}").format(name=name),
            context.signals.team_did_change.emit,
        )
    )
    context.signals.team_did_change.emit()
    return True
