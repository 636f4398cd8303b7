"""Every declared kind is consistent with its table, and costs the window's start nothing.

The generic parts (actions, reader, change log, search, forms) trust a declaration: a
field it names that its table lacks would fail only when a user first opens that list.
These checks fail at once instead, for every kind in ``kamdesk.kinds.KINDS``.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from sqlalchemy import inspect

from kamdesk.domain.fields import FieldKind
from kamdesk.domain.vocabulary import DEFAULT_VOCABULARY
from kamdesk.kinds import KINDS, Kind, kind
from kamdesk.models import SYNCED_TABLES
from kamdesk.store.changelog import encode_value


def columns(kind: Kind) -> set[str]:
    return {column.name for column in inspect(kind.model()).columns}


@pytest.fixture(params=KINDS, ids=[k.name for k in KINDS])
def declared(request: pytest.FixtureRequest) -> Kind:
    value: Kind = request.param
    return value


def test_a_kind_is_named_after_its_table_and_its_table_is_synced(declared: Kind) -> None:
    model = declared.model()
    assert model.__tablename__ == declared.name
    assert SYNCED_TABLES[declared.name] is model


def test_every_field_a_kind_names_is_a_column_of_its_table(declared: Kind) -> None:
    fields = {spec.name for spec in declared.fields}
    tallies = {tally.name for tally in declared.tallies}
    # Fields kept in link tables (a visit's attendees) are the links' columns instead.
    assert {spec.name for spec in declared.column_fields} <= columns(declared)
    for link in declared.links:
        assert link.field in fields and link.field not in columns(declared)
        assert {link.own_column, link.other_column} <= set(link.model().model_fields)
    named = {
        *declared.search_text,
        *(c.field for c in declared.list_columns if c.field not in tallies),
        *(name for group in declared.merge_groups for name in group.fields),
        *declared.defaults,
        declared.title_field,
    }
    assert named <= fields
    # The order may be a column the kind keeps itself rather than a field of its form
    # (a milestone's place on its deal's checklist).
    assert set(declared.order_by) <= columns(declared)
    for spec in declared.fields:
        assert spec.narrowed_by is None or spec.narrowed_by in fields
    for tally in declared.tallies:
        # What a tally counts is a kind under this one, ticked off by a flag it has.
        counted = kind(tally.kind)
        assert counted.parent is not None and counted.parent.kind == declared.name
        assert counted.specs[tally.flag].kind is FieldKind.FLAG
        assert tally.name not in columns(declared)


def test_a_merge_group_is_named_unlike_any_column(declared: Kind) -> None:
    # The change log writes a group as one entry under its name: a column of the same
    # name would be mistaken for it.
    for group in declared.merge_groups:
        assert group.name not in columns(declared)
        assert len(group.fields) > 1


def test_the_parent_column_refers_to_the_parent_and_leads_an_index(declared: Kind) -> None:
    if declared.parent is None:
        pytest.skip("this kind belongs to no other record")
    table = declared.model().__table__  # type: ignore[attr-defined]
    column = table.columns[declared.parent.column]
    assert {fk.column.table.name for fk in column.foreign_keys} == {declared.parent.kind}
    # Listing an account's records walks this index rather than the whole table.
    assert any(index.columns.keys()[0] == declared.parent.column for index in table.indexes)


def test_every_choice_of_a_kind_has_its_seed_vocabulary(declared: Kind) -> None:
    # A kind may choose from the core lists too (a person's buying role on a deal).
    seeded = {(term.kind, term.code) for term in (*declared.vocabulary, *DEFAULT_VOCABULARY)}
    for spec in declared.fields:
        if spec.kind is FieldKind.CHOICE:
            assert spec.vocabulary is not None
            assert any(kind == spec.vocabulary for kind, _code in seeded), spec.name
    for name, value in declared.defaults.items():
        spec = declared.specs[name]
        if spec.kind is FieldKind.CHOICE:
            assert (spec.vocabulary, value) in seeded, name


def test_dates_go_in_the_change_log_as_iso_text_alone_or_in_a_merge_group() -> None:
    assert json.loads(encode_value(dt.date(2027, 3, 31))) == "2027-03-31"
    stamp = dt.datetime(2026, 12, 1, 9, 41, tzinfo=dt.UTC)
    assert dt.datetime.fromisoformat(json.loads(encode_value(stamp))) == stamp
    assert json.loads(encode_value({"amount_minor": 5, "closes": dt.date(2027, 1, 2)})) == {
        "amount_minor": 5,
        "closes": "2027-01-02",
    }
    with pytest.raises(TypeError):
        encode_value(object())


def test_reading_kinds_and_searching_load_no_orm() -> None:
    # The window's first paint reads the account list through these; SQLModel alone
    # would add a quarter of a second to it.
    code = (
        "import sys, kamdesk.kinds, kamdesk.store.reader, kamdesk.store.search\n"
        "print(sorted(m for m in ('sqlmodel', 'sqlalchemy') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
