"""The editing actions behind menus and shortcuts: open a form, save, push undo, announce.

Each public function is one user action (new account, edit stakeholder, delete team
member…), kept here so the main window only wires shortcuts to them. The three steps
every action shares (ask with a form, record undo, tell the views) live in the private
helpers below, once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from kamdesk.domain.fields import (
    ACCOUNT_FIELDS,
    STAKEHOLDER_FIELDS,
    TEAM_MEMBER_FIELDS,
    FieldKind,
    FieldSpec,
)
from kamdesk.domain.rules import clean_value
from kamdesk.errors import EditConflictError, KamdeskError
from kamdesk.i18n import _
from kamdesk.kinds import Kind, shown_on
from kamdesk.kinds import kind as kind_named
from kamdesk.ops import accounts, stakeholders, team
from kamdesk.ops import kinds as kind_ops
from kamdesk.ops.copies import copied_values
from kamdesk.settings import DEFAULT_CURRENCY
from kamdesk.ui.conflict_dialog import ConflictDialog
from kamdesk.ui.context import AppContext
from kamdesk.ui.forms import Choices, Suggest
from kamdesk.ui.record_dialog import RecordDialog, Validate
from kamdesk.ui.undo import (
    ACCOUNT_ACTIONS,
    STAKEHOLDER_ACTIONS,
    TEAM_MEMBER_ACTIONS,
    RecordActions,
    actions_for,
    create_command,
    delete_command,
    edit_command,
)
from kamdesk.ui.values import question_text, value_text

Announce = Callable[[], None]


def _refuse_if_read_only(context: AppContext, parent: QWidget | None) -> bool:
    if context.book.read_only_reason:
        QMessageBox.information(parent, _("Read-only book"), context.book.read_only_reason)
        return True
    return False


def _member_choices(context: AppContext) -> Choices:
    return lambda: [(m.id, m.name) for m in context.team()]


# The steps every action shares -------------------------------------------------


def _ask_and_create(
    context: AppContext,
    parent: QWidget | None,
    *,
    title: Callable[[], str],
    specs: Sequence[FieldSpec],
    create: Callable[[dict[str, Any]], str],
    validate: Validate,
    actions: RecordActions,
    undo_text: Callable[[str], str],
    announce: Callable[[str], None],
    values: dict[str, Any] | None = None,
    choices: dict[FieldKind, Choices] | None = None,
    suggest: Suggest | None = None,
) -> str | None:
    """Show an empty form; on Save add the record, record undo, announce; returns its id."""
    if _refuse_if_read_only(context, parent):
        return None
    created: list[str] = []
    dialog = RecordDialog(
        context,
        title,
        specs,
        lambda typed: created.append(create(typed)),
        values=values,
        choices=choices,
        validate=validate,
        parent=parent,
    )
    _let_suggest(dialog, suggest)
    if not dialog.exec() or not created:
        return None
    record_id = created[0]
    announce(record_id)
    context.undo_stack.push(
        create_command(
            context, actions, record_id, undo_text(record_id), lambda: announce(record_id)
        )
    )
    return record_id


def _ask_and_edit(
    context: AppContext,
    parent: QWidget | None,
    record_id: str,
    *,
    title: Callable[[], str],
    specs: Sequence[FieldSpec],
    current: dict[str, Any],
    validate: Validate,
    actions: RecordActions,
    undo_text: Callable[[dict[str, Any]], str],
    announce: Announce,
    choices: dict[FieldKind, Choices] | None = None,
    suggest: Suggest | None = None,
    pages: Callable[[RecordDialog], None] | None = None,
) -> bool:
    """Show the record in a form; on Save write what changed and record undo.

    ``pages`` adds tabs of the record's own records to the form (a deal's people).
    """
    if _refuse_if_read_only(context, parent):
        return False
    changes: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def save(typed: dict[str, Any]) -> None:
        # Only what the user changed is written, measured from what the form showed;
        # a field someone else changed meanwhile that the user left alone keeps its
        # new value, and one both changed is the user's to decide.
        base, values = dict(current), dict(typed)
        while True:
            try:
                changes.append((actions.update(context.book, record_id, values, base=base), values))
                return
            except EditConflictError as conflict:
                ask = ConflictDialog(context, specs, conflict, current, dialog)
                if not ask.exec():
                    raise KamdeskError(
                        _("Nothing was saved; what you typed is still in the form.")
                    ) from conflict
                for name, keep_mine in ask.keep_mine().items():
                    if keep_mine:
                        base[name] = conflict.conflicts[name].theirs
                    else:
                        values.pop(name, None)

    dialog = RecordDialog(
        context, title, specs, save, values=current, choices=choices, validate=validate,
        parent=parent,
    )  # fmt: skip
    _let_suggest(dialog, suggest)
    if pages is not None:
        pages(dialog)
    if not dialog.exec() or not changes or not changes[0][0]:
        return False  # cancelled, or saved without changing anything: nothing to undo
    before, after = changes[0]
    context.undo_stack.push(
        edit_command(context, actions, record_id, before, after, undo_text(after), announce)
    )
    announce()
    return True


def _let_suggest(dialog: RecordDialog, suggest: Suggest | None) -> None:
    """Let the dialog's forms fill in what the user's edits suggest."""
    if suggest is not None:
        dialog.set_suggest(suggest)


def _delete(
    context: AppContext,
    parent: QWidget | None,
    record_id: str,
    *,
    name: str,
    actions: RecordActions,
    undo_text: str,
    announce: Announce,
) -> bool:
    """Delete a record now (no question asked: undo brings it back) and say how to undo."""
    if _refuse_if_read_only(context, parent):
        return False
    try:
        actions.delete(context.book, record_id)
    except KamdeskError as error:
        QMessageBox.warning(parent, _("KAMDesk"), error.message)
        return False
    context.undo_stack.push(delete_command(context, actions, record_id, undo_text, announce))
    announce()
    context.signals.notice_did_post.emit(_("Deleted {name}. Undo with Ctrl+Z.").format(name=name))
    return True


# Accounts ------------------------------------------------------------------


def _account_choices(context: AppContext, exclude: str | None) -> dict[FieldKind, Choices]:
    return {
        FieldKind.ACCOUNT: lambda: [
            (i, name) for i, name in context.reader.account_names() if i != exclude
        ],
        FieldKind.TEAM_MEMBER: _member_choices(context),
    }


def _account_name(context: AppContext, account_id: str) -> str:
    values = context.reader.account(account_id)
    return str(values["name"]) if values else ""


def new_account(
    context: AppContext, parent: QWidget | None, parent_account: str | None = None
) -> str | None:
    """Ask for a new account's profile and add it; returns its id, or None if cancelled."""
    return _ask_and_create(
        context,
        parent,
        title=lambda: _("New account"),
        specs=ACCOUNT_FIELDS,
        create=lambda values: accounts.create_account(context.book, values),
        validate=lambda values: accounts.check_account(context.book, None, values),
        actions=ACCOUNT_ACTIONS,
        undo_text=lambda i: _("Add account {name}").format(name=_account_name(context, i)),
        announce=context.signals.account_did_change.emit,
        values={
            "currency": context.settings.get(DEFAULT_CURRENCY),
            "org_level": "standalone" if parent_account is None else "branch",
            "parent_id": parent_account,
        },
        choices=_account_choices(context, None),
    )


def edit_account(context: AppContext, parent: QWidget | None, account_id: str) -> bool:
    """Open an account's profile for editing; True if something changed."""
    current = context.reader.account(account_id)
    if current is None:
        return False
    return _ask_and_edit(
        context,
        parent,
        account_id,
        title=lambda: _("Edit account"),
        specs=ACCOUNT_FIELDS,
        current=current,
        validate=lambda values: accounts.check_account(context.book, account_id, values),
        actions=ACCOUNT_ACTIONS,
        undo_text=lambda after: _("Edit account {name}").format(
            name=after.get("name", current["name"])
        ),
        announce=lambda: context.signals.account_did_change.emit(account_id),
        choices=_account_choices(context, account_id),
    )


def delete_account(context: AppContext, parent: QWidget | None, account_id: str) -> bool:
    """Delete an account (undo brings it back, with its stakeholders, and selects it).

    One key press must not take a whole relationship map with it unasked: when people,
    deals or other records go with the account, the user is asked first.
    """
    name = _account_name(context, account_id)
    if not name:
        return False
    people = len(context.reader.stakeholders(account_id))
    going = [(_("Stakeholders"), people)] if people else []
    for kind in shown_on("account"):  # deals, visits…: each kind declared under accounts
        count = context.reader.count_of(kind, [account_id])[account_id]
        if count:
            going.append((_(kind.plural), count))
    if going and not _confirm_delete(
        parent,
        _("Delete {name} and what belongs to it ({what})?").format(
            name=name, what=", ".join(f"{label}: {count}" for label, count in going)
        ),
    ):
        return False
    signals = context.signals

    def announce() -> None:
        signals.account_did_change.emit(account_id)
        if context.reader.account(account_id) is not None:  # undone: show it again
            signals.account_did_come_back.emit(account_id)

    return _delete(
        context,
        parent,
        account_id,
        name=name,
        actions=ACCOUNT_ACTIONS,
        undo_text=_("Delete account {name}").format(name=name),
        announce=announce,
    )


def _confirm_delete(parent: QWidget | None, question: str) -> bool:
    """Ask before a deletion that takes more than one record; Cancel is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, _("Delete"), question, parent=parent)
    box.setObjectName("confirm_delete")
    box.setInformativeText(_("Undo (Ctrl+Z) brings everything back."))
    delete = box.addButton(_("Delete"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is delete


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


def _stakeholder_name(context: AppContext, stakeholder_id: str) -> str:
    row = context.reader.stakeholder(stakeholder_id)
    return row.name if row else ""


def new_stakeholder(context: AppContext, parent: QWidget | None, account_id: str) -> str | None:
    """Ask for a new stakeholder card on an account and add it."""
    return _ask_and_create(
        context,
        parent,
        title=lambda: _("New stakeholder"),
        specs=STAKEHOLDER_FIELDS,
        create=lambda values: stakeholders.create_stakeholder(context.book, account_id, values),
        validate=lambda values: stakeholders.check_stakeholder(
            context.book, account_id, None, values
        ),
        actions=STAKEHOLDER_ACTIONS,
        undo_text=lambda i: _("Add stakeholder {name}").format(name=_stakeholder_name(context, i)),
        announce=lambda _id: context.signals.stakeholders_did_change.emit(account_id),
        choices=_stakeholder_choices(context, account_id, None),
    )


def edit_stakeholder(context: AppContext, parent: QWidget | None, stakeholder_id: str) -> bool:
    """Open a stakeholder card for editing; True if something changed."""
    row = context.reader.stakeholder(stakeholder_id)
    if row is None:
        return False
    account_id = row.account_id
    return _ask_and_edit(
        context,
        parent,
        stakeholder_id,
        title=lambda: _("Edit stakeholder"),
        specs=STAKEHOLDER_FIELDS,
        current={**row.values, "covered_by": row.covered_by},
        validate=lambda values: stakeholders.check_stakeholder(
            context.book, account_id, stakeholder_id, values
        ),
        actions=STAKEHOLDER_ACTIONS,
        undo_text=lambda after: _("Edit stakeholder {name}").format(
            name=after.get("name", row.name)
        ),
        announce=lambda: context.signals.stakeholders_did_change.emit(account_id),
        choices=_stakeholder_choices(context, account_id, stakeholder_id),
    )


def delete_stakeholder(context: AppContext, parent: QWidget | None, stakeholder_id: str) -> bool:
    """Delete a stakeholder (undo brings them back)."""
    row = context.reader.stakeholder(stakeholder_id)
    if row is None:
        return False
    account_id = row.account_id
    return _delete(
        context,
        parent,
        stakeholder_id,
        name=row.name,
        actions=STAKEHOLDER_ACTIONS,
        undo_text=_("Delete stakeholder {name}").format(name=row.name),
        announce=lambda: context.signals.stakeholders_did_change.emit(account_id),
    )


# Team members ----------------------------------------------------------------


def new_team_member(context: AppContext, parent: QWidget | None) -> str | None:
    """Ask for a new member of our team and add them."""
    return _ask_and_create(
        context,
        parent,
        title=lambda: _("New team member"),
        specs=TEAM_MEMBER_FIELDS,
        create=lambda values: team.create_team_member(context.book, values),
        validate=lambda values: team.check_team_member(context.book, None, values),
        actions=TEAM_MEMBER_ACTIONS,
        undo_text=lambda i: _("Add team member {name}").format(name=context.member_name(i)),
        announce=lambda _id: context.signals.team_did_change.emit(),
        values={"role": "account_manager"},
    )


def edit_team_member(context: AppContext, parent: QWidget | None, member_id: str) -> bool:
    """Edit one of our team members."""
    member = next((m for m in context.team() if m.id == member_id), None)
    if member is None:
        return False
    return _ask_and_edit(
        context,
        parent,
        member_id,
        title=lambda: _("Edit team member"),
        specs=TEAM_MEMBER_FIELDS,
        current={spec.name: getattr(member, spec.name) for spec in TEAM_MEMBER_FIELDS},
        validate=lambda values: team.check_team_member(context.book, member_id, values),
        actions=TEAM_MEMBER_ACTIONS,
        undo_text=lambda after: _("Edit team member {name}").format(
            name=after.get("name", member.name)
        ),
        announce=context.signals.team_did_change.emit,
    )


def delete_team_member(context: AppContext, parent: QWidget | None, member_id: str) -> bool:
    """Remove a member from our team (undo brings them back)."""
    name = context.member_name(member_id)
    if not name:
        return False
    return _delete(
        context,
        parent,
        member_id,
        name=name,
        actions=TEAM_MEMBER_ACTIONS,
        undo_text=_("Delete team member {name}").format(name=name),
        announce=context.signals.team_did_change.emit,
    )


# Records of a declared kind (deals, and the kinds after them) ----------------------


def record_choices(
    context: AppContext, account_id: str | None, exclude: str | None = None
) -> dict[FieldKind, Choices]:
    """What the drop-downs naming other records offer in a form of a record at an account."""
    return {
        FieldKind.TEAM_MEMBER: _member_choices(context),
        FieldKind.TEAM_MEMBERS: _member_choices(context),
        FieldKind.STAKEHOLDER: lambda: [
            (s.id, s.name)
            for s in (context.reader.stakeholders(account_id) if account_id else [])
            if s.id != exclude
        ],
        FieldKind.ACCOUNT: lambda: [
            (i, name) for i, name in context.reader.account_names() if i != exclude
        ],
        FieldKind.STAKEHOLDERS: lambda: [
            (s.id, s.name) for s in (context.reader.stakeholders(account_id) if account_id else [])
        ],
        FieldKind.DEAL: lambda: [
            (row.id, str(row.values["name"]))
            for row in (
                context.reader.records_of(kind_named("opportunity"), account_id)
                if account_id
                else []
            )
        ],
        FieldKind.QUESTION: lambda: [
            (row.id, question_text(row.values))
            for row in context.reader.all_of(kind_named("question"))
        ],
    }


def account_of(context: AppContext, kind: Kind, parent_id: str | None) -> str:
    """The account a record under ``parent_id`` belongs to (its parent, or the parent's)."""
    while kind.parent is not None and parent_id:
        if kind.parent.kind == "account":
            return parent_id
        kind = kind_named(kind.parent.kind)
        row = context.reader.record_of(kind, parent_id)
        parent_id = row.parent_id if row is not None else None
    return ""


def _title(context: AppContext, kind: Kind, values: dict[str, Any]) -> str:
    # As the list shows it: a person on a deal is named by their name, not their id.
    spec = kind.specs.get(kind.title_field)
    value = values.get(kind.title_field)
    if spec is None or spec.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        return str(value or "")
    return value_text(context, spec, value, values)


def _suggest(context: AppContext, kind: Kind) -> Suggest | None:
    """The kind's suggestions, and what a record it names brings (``Kind.copies``)."""
    if not kind.copies:
        return kind.suggest

    def suggest(edited: str, values: Mapping[str, Any]) -> dict[str, Any]:
        found = kind.suggest(edited, values) if kind.suggest is not None else {}
        return {**found, **copied_values(context.book, kind, edited, values)}

    return suggest


def _new_values(
    context: AppContext, kind: Kind, account_id: str, parent_id: str | None = None
) -> dict[str, Any]:
    """A new record's form: the kind's defaults, and the currency of what it is under.

    A record under a deal (its negotiation plan) starts in the deal's currency, one under
    an account in the account's; it starts with the deal's values its kind takes from it
    (``Kind.from_parent``: a milestone starts at the deal's current stage).
    """
    values = dict(kind.defaults)
    account = context.reader.account(account_id) if account_id else None
    currency = (account or {}).get("currency") or context.settings.get(DEFAULT_CURRENCY)
    if kind.parent is not None and kind.parent.kind != "account" and parent_id:
        above = context.reader.record_of(kind_named(kind.parent.kind), parent_id)
        currency = str((above.values if above is not None else {}).get("currency") or currency)
        for name in kind.from_parent:
            if above is not None and above.values.get(name) is not None:
                values[name] = above.values[name]
    for spec in kind.fields:
        if spec.kind is FieldKind.CURRENCY and not values.get(spec.name):
            values[spec.name] = currency
    return values


def new_record(
    context: AppContext,
    parent: QWidget | None,
    kind: Kind,
    parent_id: str | None,
    values: dict[str, Any] | None = None,
) -> str | None:
    """Ask for a new record of ``kind`` under ``parent_id`` and add it; returns its id.

    The form starts with the kind's defaults (a deal at the first stage) and the
    account's currency, and fills in what the user's choices suggest as they go.
    """
    account_id = account_of(context, kind, parent_id)

    def announce(_record_id: str) -> None:
        context.signals.records_did_change.emit(kind.name, account_id)

    def undo_text(record_id: str) -> str:
        row = context.reader.record_of(kind, record_id)
        return _("Add {record} {name}").format(
            record=_(kind.label), name=_title(context, kind, row.values) if row else ""
        )

    return _ask_and_create(
        context,
        parent,
        title=lambda: _("New {record}").format(record=_(kind.label)),
        specs=kind.fields,
        create=lambda typed: kind_ops.create_record(context.book, kind, parent_id, typed),
        validate=lambda typed: kind_ops.check_record(context.book, kind, parent_id, None, typed),
        actions=actions_for(kind),
        undo_text=undo_text,
        announce=announce,
        values={**_new_values(context, kind, account_id, parent_id), **(values or {})},
        choices=record_choices(context, account_id),
        suggest=_suggest(context, kind),
    )


def edit_record(context: AppContext, parent: QWidget | None, kind: Kind, record_id: str) -> bool:
    """Open a record of ``kind`` for editing; True if something changed."""
    row = context.reader.record_of(kind, record_id)
    if row is None:
        return False
    account_id = account_of(context, kind, row.parent_id)
    # As the ops store them (a date as a date), so an untouched field never counts as
    # changed.
    current = {s.name: clean_value(s, row.values.get(s.name)) for s in kind.fields}
    return _ask_and_edit(
        context,
        parent,
        record_id,
        title=lambda: _("Edit {record}").format(record=_(kind.label)),
        specs=kind.fields,
        current=current,
        validate=lambda typed: kind_ops.check_record(
            context.book, kind, row.parent_id, record_id, typed
        ),
        actions=actions_for(kind),
        undo_text=lambda after: _("Edit {record} {name}").format(
            record=_(kind.label), name=_title(context, kind, {**current, **after})
        ),
        announce=lambda: context.signals.records_did_change.emit(kind.name, account_id),
        choices=record_choices(context, account_id, record_id),
        suggest=_suggest(context, kind),
        pages=lambda dialog: _record_pages(context, dialog, kind, record_id),
    )


def _record_pages(context: AppContext, dialog: RecordDialog, kind: Kind, record_id: str) -> None:
    # Imported here: the record pages list records with the actions of this module.
    from kamdesk.ui.deal_page import add_record_pages

    add_record_pages(context, dialog, kind, record_id)


def delete_record(context: AppContext, parent: QWidget | None, kind: Kind, record_id: str) -> bool:
    """Delete a record of ``kind`` (undo brings it back)."""
    row = context.reader.record_of(kind, record_id)
    if row is None:
        return False
    account_id = account_of(context, kind, row.parent_id)
    name = _title(context, kind, row.values)
    return _delete(
        context,
        parent,
        record_id,
        name=name,
        actions=actions_for(kind),
        undo_text=_("Delete {record} {name}").format(record=_(kind.label), name=name),
        announce=lambda: context.signals.records_did_change.emit(kind.name, account_id),
    )
