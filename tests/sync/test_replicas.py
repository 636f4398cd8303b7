"""Replicas that edit, delete and restore as they like, and hear of each other late.

Three laptops share accounts and their people. Each edits through the real ops on its own
book, with its clock skewed by up to a day (one of them set back on the way); entries go
from one to another shuffled, duplicated, partly lost and late. Once every laptop has
heard everything, they all hold the same data and the same conflicts, and every value a
user typed is still somewhere a user can see it: the field's value, a conflict kept for
it, or something a user replaced knowingly (overwrote it, or resolved its conflict).
"""

from __future__ import annotations

import random
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from kamdesk.ops.accounts import create_account, delete_account, restore_account, update_account
from kamdesk.ops.conflicts import open_conflicts, resolve_conflict
from kamdesk.ops.stakeholders import create_stakeholder, update_stakeholder
from kamdesk.ops.sync import merge_into
from kamdesk.store.book import Book, create_book
from kamdesk.store.changelog import pack_row_id

from .books import conflicts, data, entries_of, new_device_book

DAY_MS = 24 * 60 * 60 * 1000
START_MS = 1_765_000_000_000
REPLICAS = 3
#: Fields a user edits, per table, and whether their values are numbers.
FIELDS = {
    "account": (("name", False), ("notes", False), ("annual_revenue_minor", True)),
    "stakeholder": (("title", False), ("notes", False), ("influence", True)),
}

replica = st.integers(0, REPLICAS - 1)


class Laptops(RuleBasedStateMachine):
    """Laptops of one team, each with its own book, clock and delivery of entries."""

    folder: Path

    def __init__(self) -> None:
        super().__init__()
        self.books: list[Book] = []
        self.now = START_MS
        self.offsets = [0] * REPLICAS
        self.counter = 0
        #: Each value typed, by (table, row, column): value → "open", or "replaced".
        self.typed: dict[tuple[str, str, str], dict[Any, str]] = {}
        #: (account id, device id) → the (field, value) pairs that device had of the
        #: account when it last deleted it.
        self.deletions: dict[tuple[str, str], set[tuple[str, str]]] = {}

    @initialize(skews=st.lists(st.integers(-DAY_MS, DAY_MS), min_size=REPLICAS, max_size=REPLICAS))
    def laptops(self, skews: list[int]) -> None:
        folder = Path(self.folder) / uuid.uuid4().hex
        folder.mkdir()
        self.offsets = list(skews)
        for index in range(REPLICAS):
            self.books.append(
                new_device_book(
                    TEMPLATE,
                    folder / f"laptop{index}.kamdesk",
                    # Fixed ids: a tie between two clocks goes the same way on every run,
                    # so hypothesis can replay and shrink a history.
                    device_id=str(uuid.UUID(int=index + 1)),
                    wall=lambda index=index: self.now + self.offsets[index],
                )
            )
        # One account everybody starts with, synced to all.
        first = create_account(self.books[0], {"name": self._text("Huadong"), "currency": "CNY"})
        del first
        for book in self.books[1:]:
            merge_into(book, entries_of(self.books[0]))

    def teardown(self) -> None:
        try:
            if len(self.books) == REPLICAS:
                self._check_convergence()
        finally:
            for book in self.books:
                book.close()

    # -- helpers ---------------------------------------------------------------------

    def _text(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix} {self.counter} 华东"

    def _number(self) -> int:
        self.counter += 1
        return self.counter

    def _tick(self) -> None:
        self.now += 1 + self.counter % 7

    def _live(self, book: Book, table: str) -> list[str]:
        if table == "stakeholder":  # a person is edited while their account is live
            rows = book.db.execute(
                "SELECT s.id FROM stakeholder s JOIN account a ON a.id = s.account_id "
                "WHERE s.deleted_at IS NULL AND a.deleted_at IS NULL ORDER BY s.name, s.id"
            )
        else:
            # By name, not by (random) id: the same history picks the same rows each run.
            rows = book.db.execute(
                f"SELECT id FROM {table} WHERE deleted_at IS NULL ORDER BY name, id"
            )
        return [str(r[0]) for r in rows]

    def _deleted(self, book: Book, table: str) -> list[str]:
        rows = book.db.execute(
            f"SELECT id FROM {table} WHERE deleted_at IS NOT NULL ORDER BY name, id"
        )
        return [str(r[0]) for r in rows]

    def _current(self, book: Book, table: str, row_id: str, column: str) -> Any:
        row = book.db.execute(f"SELECT {column} FROM {table} WHERE id = ?", (row_id,)).fetchone()
        return None if row is None else row[0]

    def _remember_what_a_delete_saw(self, book: Book, account_id: str) -> None:
        """What this laptop has of the account as it deletes it: its values go with it."""
        had = {
            (column, repr(self._current(book, "account", account_id, column)))
            for column, _numeric in FIELDS["account"]
        }
        had |= {
            (c.column, repr(c.value))
            for c in open_conflicts(book)
            if (c.table, c.row_id) == ("account", account_id)
        }
        self.deletions[(account_id, book.device_id)] = had

    def _edit(self, index: int, table: str, pick: int, field: int) -> None:
        book = self.books[index]
        live = self._live(book, table)
        if not live:
            return
        row_id = live[pick % len(live)]
        column, numeric = FIELDS[table][field % len(FIELDS[table])]
        value: Any = (self._number() % 5) + 1 if column == "influence" else None
        if value is None:
            value = self._number() if numeric else self._text(column)
        replaced = self._current(book, table, row_id, column)
        if column == "influence" and replaced == value:
            return
        if table == "account":
            update_account(book, row_id, {column: value})
        else:
            update_stakeholder(book, row_id, {column: value})
        values = self.typed.setdefault((table, row_id, column), {})
        if replaced in values and column != "influence":
            values[replaced] = "replaced"  # the user saw it and typed over it
        if column != "influence":
            values[value] = "open"
        self._tick()

    # -- what users do -------------------------------------------------------------------

    @rule(index=replica)
    def add_account(self, index: int) -> None:
        create_account(self.books[index], {"name": self._text("Account"), "currency": "CNY"})
        self._tick()

    @rule(index=replica, pick=st.integers(0, 50))
    def add_person(self, index: int, pick: int) -> None:
        live = self._live(self.books[index], "account")
        if live:
            create_stakeholder(
                self.books[index], live[pick % len(live)], {"name": self._text("王")}
            )
            self._tick()

    @rule(
        index=replica,
        table=st.sampled_from(sorted(FIELDS)),
        pick=st.integers(0, 50),
        field=st.integers(0, 2),
    )
    def edit(self, index: int, table: str, pick: int, field: int) -> None:
        self._edit(index, table, pick, field)

    @rule(
        first=replica,
        second=replica,
        table=st.sampled_from(sorted(FIELDS)),
        pick=st.integers(0, 50),
        field=st.integers(0, 2),
    )
    def edit_the_same_field_on_two_laptops(
        self, first: int, second: int, table: str, pick: int, field: int
    ) -> None:
        if first == second:
            return
        live = set(self._live(self.books[first], table)) & set(
            self._live(self.books[second], table)
        )
        if not live:
            return
        rows = sorted(live)
        row_id = rows[pick % len(rows)]
        for index in (first, second):
            position = self._live(self.books[index], table).index(row_id)
            self._edit(index, table, position, field)

    @rule(index=replica, pick=st.integers(0, 50))
    def delete_an_account(self, index: int, pick: int) -> None:
        book = self.books[index]
        live = self._live(book, "account")
        if live:
            account_id = live[pick % len(live)]
            has_branches = book.db.execute(
                "SELECT 1 FROM account WHERE parent_id = ? AND deleted_at IS NULL", (account_id,)
            ).fetchone()
            if not has_branches:
                self._remember_what_a_delete_saw(book, account_id)
                delete_account(book, account_id)
                self._tick()

    @rule(index=replica, pick=st.integers(0, 50))
    def restore_an_account(self, index: int, pick: int) -> None:
        deleted = self._deleted(self.books[index], "account")
        if deleted:
            restore_account(self.books[index], deleted[pick % len(deleted)])
            self._tick()

    @rule(index=replica, back=st.integers(1, DAY_MS))
    def set_a_clock_back(self, index: int, back: int) -> None:
        self.offsets[index] -= back

    @rule(index=replica, pick=st.integers(0, 50), keep=st.booleans())
    def resolve(self, index: int, pick: int, keep: bool) -> None:
        found = open_conflicts(self.books[index])
        if not found:
            return
        chosen = found[pick % len(found)]
        if chosen.kind == "deleted" and keep and chosen.table == "account":
            # "Delete it after all", with the record's values in view.
            self._remember_what_a_delete_saw(self.books[index], chosen.row_id)
        for value in self.typed.get((chosen.table, chosen.row_id, chosen.column), {}):
            self.typed[(chosen.table, chosen.row_id, chosen.column)][value] = "replaced"
        resolve_conflict(self.books[index], chosen.id, keep)
        self._tick()

    @rule(source=replica, to=replica, rnd=st.randoms(use_true_random=False))
    def deliver_some(self, source: int, to: int, rnd: random.Random) -> None:
        """Entries arrive shuffled, some twice, some not at all (they come again later)."""
        if source == to:
            return
        sent = entries_of(self.books[source])
        arriving = [e for e in sent if rnd.random() > 0.2]
        arriving += [e for e in sent if rnd.random() < 0.2]
        rnd.shuffle(arriving)
        merge_into(self.books[to], arriving, allow_mass_delete=True)
        self._tick()

    # -- the check -----------------------------------------------------------------------

    def _check_convergence(self) -> None:
        for source in self.books:
            for target in self.books:
                if source is not target:
                    sent = entries_of(source)
                    random.Random(7).shuffle(sent)
                    merge_into(target, sent, allow_mass_delete=True)
        first = self.books[0]
        for other in self.books[1:]:
            assert data(other, ("account", "stakeholder", "conflict_dismissal")) == data(
                first, ("account", "stakeholder", "conflict_dismissal")
            )
            assert conflicts(other) == conflicts(first)
        kept = {(c.table, c.row_id, c.column, repr(c.value)) for c in open_conflicts(first)}
        for (table, row_id, column), values in self.typed.items():
            deleted_by = self._deleted_by(first, table, row_id)
            current = self._current(first, table, row_id, column)
            for value, state in values.items():
                if state != "open":
                    continue
                if deleted_by is not None:
                    # Deleted by someone who had this value: it goes with the record, on
                    # purpose. A delete that had not seen it must have kept the row.
                    had = self.deletions.get((row_id, deleted_by), set())
                    if value != current and (column, repr(current)) in had:
                        # A loser of two edits made at once goes with a delete that had
                        # the winner: the delete says which winners it had, not losers.
                        continue
                    assert (column, repr(value)) in had, (
                        f"{table}.{column} of {row_id}: {value!r} went with a delete "
                        f"that had not seen it"
                    )
                    continue
                assert value == current or (table, row_id, column, repr(value)) in kept, (
                    f"{table}.{column} of {row_id}: {value!r} was lost (now {current!r})"
                )

    @staticmethod
    def _deleted_by(book: Book, table: str, row_id: str) -> str | None:
        """The device whose delete the row lies under, or None for a live row."""
        row = book.db.execute(f"SELECT deleted_at FROM {table} WHERE id = ?", (row_id,))
        found = row.fetchone()
        if found is None or found[0] is None:
            return None
        clock = book.db.execute(
            "SELECT d.device_id FROM row_clock r JOIN sync_column c ON c.idx = r.column_idx "
            "JOIN sync_device d ON d.idx = r.device_idx WHERE c.table_name = ? "
            "AND c.column_name = 'deleted_at' AND r.row_id = ?",
            (table, pack_row_id(row_id)),
        ).fetchone()
        return str(clock[0]) if clock is not None else None


TEMPLATE = Path()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("replica-template") / "empty.kamdesk"
    create_book(path)
    return path


def _run(template: Path, folder: Path, examples: int, steps: int) -> None:
    global TEMPLATE
    TEMPLATE = template
    Laptops.folder = folder
    run_state_machine_as_test(
        Laptops,
        settings=settings(max_examples=examples, stateful_step_count=steps, deadline=None),
    )


def test_laptops_that_hear_of_each_other_late_agree_and_lose_nothing(
    template: Path, tmp_path: Path
) -> None:
    _run(template, tmp_path, examples=25, steps=15)


@pytest.mark.slow
def test_many_more_laptop_histories(
    template: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if "slow" not in (request.config.option.markexpr or ""):
        pytest.skip("run with -m slow")
    _run(template, tmp_path, examples=2000, steps=40)
