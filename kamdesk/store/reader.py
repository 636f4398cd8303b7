"""Read-only queries the windows and reports use, on plain sqlite3.

Listing and searching accounts is what the user waits on when the app starts and while
they type, so these queries use the standard library's sqlite3 directly (no ORM import,
no object construction) and return small frozen rows. Tombstoned rows are never returned.

Names sort by the keys the search index keeps for them (``search_doc.sort_key``, see
kamdesk.store.pinyin): Chinese names by their pinyin, among the Latin ones. The keys are
worked out when a name is written, so a read sorts 10,000 accounts by walking an index,
with no Python in the comparisons and no pinyin dictionary to load.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from kamdesk.domain.fields import FieldKind
from kamdesk.domain.vocabulary import VocabularyKind
from kamdesk.store.search import MATCHING_DOCS_SQL, match_expression

if TYPE_CHECKING:
    # Only named in annotations: the declarations load with the first record read, not
    # on the way to the window's first paint.
    from kamdesk.kinds import Kind


class StageMoveRow(NamedTuple):
    """One move of a deal's stage history (see ``kamdesk.domain.deals``)."""

    to_stage: str
    changed_at: dt.datetime


class AccountSort(StrEnum):
    """Columns the account list can be sorted by."""

    NAME = "name"
    PARENT = "parent"
    TIER = "tier"
    INDUSTRY = "industry"
    LIFECYCLE_STAGE = "lifecycle_stage"
    OWNER = "owner"
    REVENUE = "revenue"
    STAKEHOLDERS = "stakeholders"
    UPDATED = "updated"


#: The order of each sort, on ``account a`` joined with its ``search_doc d``.
_SORT_SQL: dict[AccountSort, str] = {
    AccountSort.NAME: "d.sort_key",
    # search_doc holds live accounts only: a deleted parent sorts as no parent.
    AccountSort.PARENT: (
        "COALESCE((SELECT p.sort_key FROM search_doc p WHERE p.account_id = a.parent_id), '')"
    ),
    # Accounts with no tier sort after C.
    AccountSort.TIER: "CASE a.tier WHEN '' THEN 'Z' ELSE a.tier END",
    AccountSort.INDUSTRY: "a.industry",
    AccountSort.LIFECYCLE_STAGE: "a.lifecycle_stage",
    # '' when there is no owner, or the owner has left the team (the list shows none).
    AccountSort.OWNER: "d.owner_key",
    AccountSort.REVENUE: "COALESCE(a.annual_revenue_minor, -1)",
    AccountSort.STAKEHOLDERS: (
        "(SELECT COUNT(*) FROM stakeholder s WHERE s.account_id = a.id AND s.deleted_at IS NULL)"
    ),
    AccountSort.UPDATED: "a.updated_at",
}


class AccountQuery(NamedTuple):
    """What the account list shows: a search, filters and an order."""

    text: str = ""
    tiers: frozenset[str] = frozenset()
    industries: frozenset[str] = frozenset()
    lifecycle_stages: frozenset[str] = frozenset()
    #: Team member ids; the empty string stands for "no owner".
    owners: frozenset[str] = frozenset()
    sort: AccountSort = AccountSort.NAME
    descending: bool = False

    def is_filtered(self) -> bool:
        """True when a search or a filter hides some accounts (the order aside)."""
        return bool(
            self.text.strip()
            or self.tiers
            or self.industries
            or self.lifecycle_stages
            or self.owners
        )


class AccountRow(NamedTuple):
    """One line of the account list."""

    id: str
    name: str
    parent_name: str
    org_level: str
    industry: str
    tier: str
    lifecycle_stage: str
    owner_name: str
    currency: str
    annual_revenue_minor: int | None
    stakeholder_count: int
    updated_at: str


class StakeholderRow(NamedTuple):
    """A stakeholder with the ids of the team members who cover them."""

    id: str
    account_id: str
    values: dict[str, Any]
    covered_by: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The stakeholder's name."""
        return str(self.values["name"])


class RecordRow(NamedTuple):
    """One record of a declared kind (a deal): its fields by name, decoded."""

    id: str
    #: The record it belongs to (a deal's account), or None for a kind with no parent.
    parent_id: str | None
    values: dict[str, Any]


def _decoder(kind: FieldKind) -> Callable[[Any], Any] | None:
    """How a field of ``kind`` turns from what SQLite returns into what forms expect."""
    if kind is FieldKind.DATE:
        return lambda raw: None if raw is None else dt.date.fromisoformat(str(raw)[:10])
    if kind is FieldKind.FLAG:
        return lambda raw: None if raw is None else bool(raw)
    if kind is FieldKind.DATETIME:
        return _moment
    return None


def _moment(raw: Any) -> dt.datetime | None:
    """A moment as stored (UTC without offset, see ``kamdesk.models.visit``), aware."""
    if raw is None or raw == "":
        return None
    moment = dt.datetime.fromisoformat(str(raw))
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


#: Fields naming a record of a declared kind that may be deleted: a deleted one reads as
#: none (a visit of a deleted deal loses its link; undoing the deletion brings it back).
_DECLARED_REFERENCES: dict[FieldKind, str] = {
    FieldKind.DEAL: "opportunity",
    FieldKind.QUESTION: "question",
}


def _column_select(spec_name: str, kind: FieldKind) -> str:
    target = _DECLARED_REFERENCES.get(kind)
    if target is None:
        return f"r.{spec_name}"
    return f"(SELECT t.id FROM {target} t WHERE t.id = r.{spec_name} AND t.deleted_at IS NULL)"


def _record_select(kind: Kind) -> str:
    """``SELECT id, <parent>, <fields…> FROM <table> r``, from the declaration alone."""
    parent = f"r.{kind.parent.column}" if kind.parent is not None else "NULL"
    fields = "".join(f", {_column_select(spec.name, spec.kind)}" for spec in kind.column_fields)
    return f"SELECT r.id, {parent}{fields} FROM {kind.name} r"


_TEXT_KINDS = frozenset({FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.EMAIL})


def _record_order(kind: Kind) -> str:
    """The kind's list order: each column with NULLs last (text in any case), then the id."""
    specs = kind.specs
    terms = []
    for column in kind.order_by:
        spec = specs.get(column)
        collate = " COLLATE NOCASE" if spec is not None and spec.kind in _TEXT_KINDS else ""
        terms.append(f"r.{column} IS NULL, r.{column}{collate}")
    return ", ".join([*terms, "r.id"])


def _record_rows(kind: Kind, raw_rows: Iterable[Sequence[Any]]) -> list[RecordRow]:
    columns = kind.column_fields
    names = [spec.name for spec in columns]
    decoders = [(i, d) for i, spec in enumerate(columns) if (d := _decoder(spec.kind))]
    rows = []
    for raw in raw_rows:
        values = list(raw[2:])
        for i, decode in decoders:
            values[i] = decode(values[i])
        rows.append(RecordRow(raw[0], raw[1], dict(zip(names, values, strict=True))))
    return rows


class TeamMemberRow(NamedTuple):
    """A member of our team."""

    id: str
    name: str
    role: str
    title: str
    level: str
    email: str
    phone: str


class TermRow(NamedTuple):
    """One vocabulary entry, with both labels."""

    kind: str
    code: str
    label_en: str
    label_zh: str
    archived: bool

    def label(self, language_code: str) -> str:
        """The label in ``language_code`` (``en`` or ``zh_CN``)."""
        return self.label_zh if language_code.startswith("zh") and self.label_zh else self.label_en


_ACCOUNT_ROW_SQL = """
SELECT a.id, a.name, COALESCE(p.name, ''), a.org_level, a.industry, a.tier, a.lifecycle_stage,
       COALESCE(o.name, ''), a.currency, a.annual_revenue_minor,
       (SELECT COUNT(*) FROM stakeholder s WHERE s.account_id = a.id AND s.deleted_at IS NULL),
       a.updated_at
FROM account a
LEFT JOIN account p ON p.id = a.parent_id AND p.deleted_at IS NULL
LEFT JOIN team_member o ON o.id = a.owner_id AND o.deleted_at IS NULL
WHERE a.id IN ({marks}) AND +a.deleted_at IS NULL
"""

STAKEHOLDER_COLUMNS: tuple[str, ...] = (
    "name", "title", "department", "level", "reports_to_id", "buying_role", "force", "attitude",
    "influence", "decision_style", "personal_goals", "interests", "needs_basic",
    "needs_personal", "needs_business", "needs_strategic", "phone", "email", "wechat", "notes",
)  # fmt: skip

ACCOUNT_COLUMNS: tuple[str, ...] = (
    "name", "parent_id", "org_level", "own_purchasing", "industry", "tier", "lifecycle_stage",
    "decision_mode", "owner_id", "currency", "annual_revenue_minor", "potential_revenue_minor",
    "budget_cycle", "strategy", "procurement_process", "pain_points", "incumbent_suppliers",
    "competitors", "notes",
)  # fmt: skip


def _in_clause(column: str, values: Iterable[str], params: list[Any]) -> str:
    values = list(values)
    params.extend(values)
    return f"{column} IN ({', '.join('?' * len(values))})"


def _filter_clauses(query: AccountQuery, params: list[Any]) -> list[str]:
    """The conditions on ``account a`` of the query's filters (their values go to params)."""
    where: list[str] = []
    if query.tiers:
        where.append(_in_clause("a.tier", query.tiers, params))
    if query.industries:
        where.append(_in_clause("a.industry", query.industries, params))
    if query.lifecycle_stages:
        where.append(_in_clause("a.lifecycle_stage", query.lifecycle_stages, params))
    if query.owners:
        owners = set(query.owners)
        clause = _in_clause("a.owner_id", owners - {""}, params) if owners - {""} else "0"
        if "" in owners:
            # "No owner" includes accounts whose owner has left the team.
            clause = (
                f"({clause} OR NOT EXISTS (SELECT 1 FROM team_member m "
                "WHERE m.id = a.owner_id AND m.deleted_at IS NULL))"
            )
        where.append(clause)
    return where


class BookReader:
    """The queries behind the account list, the account page and the reports."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def account_ids(self, query: AccountQuery) -> list[str]:
        """Ids of the live accounts that match ``query``, in its order."""
        params: list[Any] = []
        where: list[str] = []
        expression = match_expression(query.text)
        if expression is not None:
            where.append(f"d.id IN ({MATCHING_DOCS_SQL})")
            params.append(expression)
        filters = _filter_clauses(query, params)
        direction = "DESC" if query.descending else "ASC"
        if query.sort is AccountSort.NAME:
            # Walk the sort-key index of search_doc (one row per live account) and keep
            # the matches: no sort afterwards, so a broad first keystroke ("m": thousands
            # of matches) costs no more than a narrow one, and the unfiltered list reads
            # one index and nothing else.
            source = "search_doc d INDEXED BY ix_search_doc_sort_key"
            if filters:
                source += " JOIN account a ON a.id = d.account_id"
            # Ties follow the same direction, so the order can walk its index backwards.
            order = f"d.sort_key {direction}, d.account_id {direction}"
        else:
            # The unary + keeps SQLite from walking an index on deleted_at instead (every
            # live row shares the one value); search_doc already holds live accounts only.
            source = "account a JOIN search_doc d ON d.account_id = a.id"
            filters.append("+a.deleted_at IS NULL")
            order = f"{_SORT_SQL[query.sort]} {direction}, d.sort_key {direction}, a.id {direction}"
        where.extend(filters)
        condition = f" WHERE {' AND '.join(where)}" if where else ""
        sql = f"SELECT d.account_id FROM {source}{condition} ORDER BY {order}"
        return [row[0] for row in self.db.execute(sql, params)]

    def account_rows(self, ids: Sequence[str]) -> dict[str, AccountRow]:
        """The list rows of ``ids`` (missing or deleted ids are left out)."""
        rows: dict[str, AccountRow] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            sql = _ACCOUNT_ROW_SQL.format(marks=", ".join("?" * len(chunk)))
            for raw in self.db.execute(sql, chunk):
                rows[raw[0]] = AccountRow(*raw)
        return rows

    def account(self, account_id: str) -> dict[str, Any] | None:
        """Every editable field of one live account, or None."""
        row = self.db.execute(
            f"SELECT {', '.join(ACCOUNT_COLUMNS)} FROM account WHERE id = ? AND deleted_at IS NULL",
            (account_id,),
        ).fetchone()
        if row is None:
            return None
        values = dict(zip(ACCOUNT_COLUMNS, row, strict=True))
        values["own_purchasing"] = bool(values["own_purchasing"])
        return values

    def last_changed(self, account_id: str) -> dt.datetime | None:
        """When the account or one of its people was last changed (UTC, timezone-aware)."""
        row = self.db.execute(
            "SELECT MAX(stamp) FROM (SELECT updated_at AS stamp FROM account WHERE id = ? "
            "UNION ALL SELECT updated_at FROM stakeholder WHERE account_id = ?)",
            (account_id, account_id),
        ).fetchone()
        if row is None or row[0] is None:
            return None
        return dt.datetime.fromisoformat(str(row[0])).replace(tzinfo=dt.UTC)

    def find_accounts(self, name_or_id: str) -> list[tuple[str, str]]:
        """(id, name) of live accounts whose id or exact name is ``name_or_id``."""
        return [
            (r[0], r[1])
            for r in self.db.execute(
                "SELECT id, name FROM account WHERE deleted_at IS NULL AND (id = ? OR name = ?) "
                "ORDER BY name",
                (name_or_id, name_or_id),
            )
        ]

    def account_names(self) -> list[tuple[str, str]]:
        """(id, name) of every live account, by name: the choices for a parent account."""
        return [
            (r[0], r[1])
            for r in self.db.execute(
                "SELECT a.id, a.name FROM search_doc d INDEXED BY ix_search_doc_sort_key "
                "JOIN account a ON a.id = d.account_id WHERE a.deleted_at IS NULL "
                "ORDER BY d.sort_key, d.account_id"
            )
        ]

    def parents(self) -> dict[str, str | None]:
        """Each live account's parent, for cycle checks."""
        return dict(
            self.db.execute("SELECT id, parent_id FROM account WHERE deleted_at IS NULL").fetchall()
        )

    def child_ids(self, parent_id: str | None) -> list[str]:
        """Live accounts directly under ``parent_id`` (top-level ones for None), by name."""
        if parent_id is None:
            sql = (
                "SELECT a.id FROM account a JOIN search_doc d ON d.account_id = a.id "
                "LEFT JOIN account p ON p.id = a.parent_id AND p.deleted_at IS NULL "
                "WHERE a.deleted_at IS NULL AND p.id IS NULL ORDER BY d.sort_key, a.id"
            )
            return [r[0] for r in self.db.execute(sql)]
        return [
            r[0]
            for r in self.db.execute(
                "SELECT a.id FROM account a JOIN search_doc d ON d.account_id = a.id "
                "WHERE a.parent_id = ? AND a.deleted_at IS NULL ORDER BY d.sort_key, a.id",
                (parent_id,),
            )
        ]

    def child_counts(self, ids: Sequence[str]) -> dict[str, int]:
        """How many live children each of ``ids`` has."""
        counts: dict[str, int] = dict.fromkeys(ids, 0)
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            sql = (
                "SELECT parent_id, COUNT(*) FROM account WHERE deleted_at IS NULL AND "
                f"parent_id IN ({', '.join('?' * len(chunk))}) GROUP BY parent_id"
            )
            counts.update(dict(self.db.execute(sql, chunk).fetchall()))
        return counts

    def stakeholders(self, account_id: str) -> list[StakeholderRow]:
        """The live stakeholders of an account, by name (in pinyin), with their coverage."""
        covered: dict[str, list[str]] = {}
        for stakeholder_id, member_id in self.db.execute(
            "SELECT c.stakeholder_id, c.team_member_id FROM coverage c "
            "JOIN stakeholder s ON s.id = c.stakeholder_id "
            "JOIN team_member m ON m.id = c.team_member_id AND m.deleted_at IS NULL "
            "WHERE s.account_id = ? AND c.deleted_at IS NULL",
            (account_id,),
        ):
            covered.setdefault(stakeholder_id, []).append(member_id)
        rows = self.db.execute(
            f"SELECT s.id, {', '.join(f's.{c}' for c in STAKEHOLDER_COLUMNS)} FROM stakeholder s "
            "LEFT JOIN search_person k ON k.stakeholder_id = s.id "
            "WHERE s.account_id = ? AND s.deleted_at IS NULL "
            "ORDER BY COALESCE(k.sort_key, s.name), s.id",
            (account_id,),
        )
        return [
            StakeholderRow(
                id=row[0],
                account_id=account_id,
                values=dict(zip(STAKEHOLDER_COLUMNS, row[1:], strict=True)),
                covered_by=tuple(sorted(covered.get(row[0], ()))),
            )
            for row in rows
        ]

    def stakeholder(self, stakeholder_id: str) -> StakeholderRow | None:
        """One live stakeholder, or None."""
        row = self.db.execute(
            "SELECT account_id FROM stakeholder WHERE id = ? AND deleted_at IS NULL",
            (stakeholder_id,),
        ).fetchone()
        if row is None:
            return None
        return next(s for s in self.stakeholders(row[0]) if s.id == stakeholder_id)

    def records_of(self, kind: Kind, parent_id: str) -> list[RecordRow]:
        """The live records of ``kind`` under ``parent_id`` (an account's deals), in order.

        The order is the kind's (``Kind.order_by``): a deal list by expected close, the
        deals with no date last, then by name.
        """
        assert kind.parent is not None, f"a {kind.name} belongs to no other record"
        sql = (
            f"{_record_select(kind)} WHERE r.{kind.parent.column} = ? AND r.deleted_at IS NULL "
            f"ORDER BY {_record_order(kind)}"
        )
        return self._with_links(kind, _record_rows(kind, self.db.execute(sql, (parent_id,))))

    def stage_history(self, deal_id: str) -> list[StageMoveRow]:
        """A deal's moves from stage to stage, oldest first."""
        return [
            StageMoveRow(stage, dt.datetime.fromisoformat(moment))
            for stage, moment in self.db.execute(
                "SELECT to_stage, changed_at FROM stage_change "
                "WHERE opportunity_id = ? AND deleted_at IS NULL ORDER BY changed_at, id",
                (deal_id,),
            )
        ]

    def record_of(self, kind: Kind, record_id: str) -> RecordRow | None:
        """One live record of ``kind`` (what its edit form shows), or None."""
        sql = f"{_record_select(kind)} WHERE r.id = ? AND r.deleted_at IS NULL"
        rows = self._with_links(kind, _record_rows(kind, self.db.execute(sql, (record_id,))))
        return rows[0] if rows else None

    def all_of(self, kind: Kind) -> list[RecordRow]:
        """Every live record of a kind with no parent (the question bank), in order."""
        sql = f"{_record_select(kind)} WHERE r.deleted_at IS NULL ORDER BY {_record_order(kind)}"
        return self._with_links(kind, _record_rows(kind, self.db.execute(sql)))

    def _with_links(self, kind: Kind, rows: list[RecordRow]) -> list[RecordRow]:
        """Fill each link field (a visit's attendees) with the ids of its live others."""
        for link in kind.links:
            found: dict[str, list[str]] = {}
            ids = [row.id for row in rows]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                sql = (
                    f"SELECT l.{link.own_column}, l.{link.other_column} FROM {link.table} l "
                    f"JOIN {link.other_table} o ON o.id = l.{link.other_column} "
                    f"AND o.deleted_at IS NULL WHERE l.deleted_at IS NULL "
                    f"AND l.{link.own_column} IN ({', '.join('?' * len(chunk))})"
                )
                for own, other in self.db.execute(sql, chunk):
                    found.setdefault(own, []).append(other)
            for row in rows:
                row.values[link.field] = tuple(sorted(found.get(row.id, ())))
        return rows

    def count_of(self, kind: Kind, parent_ids: Sequence[str]) -> dict[str, int]:
        """How many live records of ``kind`` each of ``parent_ids`` has (0 for none)."""
        assert kind.parent is not None, f"a {kind.name} belongs to no other record"
        column = kind.parent.column
        counts: dict[str, int] = dict.fromkeys(parent_ids, 0)
        for start in range(0, len(parent_ids), 500):
            chunk = list(parent_ids[start : start + 500])
            sql = (
                f"SELECT {column}, COUNT(*) FROM {kind.name} WHERE deleted_at IS NULL AND "
                f"{column} IN ({', '.join('?' * len(chunk))}) GROUP BY {column}"
            )
            counts.update(dict(self.db.execute(sql, chunk).fetchall()))
        return counts

    def team_members(self) -> list[TeamMemberRow]:
        """Our live team members, by name (in pinyin)."""
        return [
            TeamMemberRow(*row)
            for row in self.db.execute(
                "SELECT m.id, m.name, m.role, m.title, m.level, m.email, m.phone "
                "FROM team_member m LEFT JOIN search_member k ON k.team_member_id = m.id "
                "WHERE m.deleted_at IS NULL ORDER BY COALESCE(k.sort_key, m.name), m.id"
            )
        ]

    def vocabulary(self) -> dict[str, list[TermRow]]:
        """Every vocabulary list, by kind, in its order."""
        terms: dict[str, list[TermRow]] = {kind.value: [] for kind in VocabularyKind}
        for kind, code, en, zh, archived in self.db.execute(
            "SELECT kind, code, label_en, label_zh, archived FROM vocabulary "
            "WHERE deleted_at IS NULL ORDER BY kind, position, code"
        ):
            terms.setdefault(kind, []).append(TermRow(kind, code, en, zh, bool(archived)))
        return terms

    def account_count(self) -> int:
        """How many live accounts the book holds."""
        return int(
            self.db.execute("SELECT COUNT(*) FROM account WHERE deleted_at IS NULL").fetchone()[0]
        )
