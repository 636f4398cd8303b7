"""Validation rules, field declarations and the coverage KPI (no book involved)."""

from __future__ import annotations

import pytest

from kamdesk.domain.coverage import decision_maker_coverage, is_decision_maker
from kamdesk.domain.fields import (
    ACCOUNT_FIELDS,
    MAX_AMOUNT_MINOR,
    MAX_LINE,
    MAX_LONG_TEXT,
    STAKEHOLDER_FIELDS,
    TEAM_MEMBER_FIELDS,
    FieldKind,
    field_map,
)
from kamdesk.domain.rules import check_field, check_values, clean_value, creates_cycle
from kamdesk.domain.vocabulary import DEFAULT_VOCABULARY, BuyingRole, Level

ACCOUNT = field_map(ACCOUNT_FIELDS)
STAKEHOLDER = field_map(STAKEHOLDER_FIELDS)


def known(kind: str) -> set[str]:
    return {term.code for term in DEFAULT_VOCABULARY if term.kind.value == kind}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "华东制造集团苏州分公司"),
        ("tier", "A"),
        ("currency", "USD"),
        ("annual_revenue_minor", 0),
        ("annual_revenue_minor", MAX_AMOUNT_MINOR),
        ("industry", "manufacturing"),
        ("own_purchasing", True),
        ("notes", "x" * MAX_LONG_TEXT),
        ("name", "x" * MAX_LINE),
        ("parent_id", None),
    ],
)
def test_good_account_values_pass(field: str, value: object) -> None:
    assert check_field(ACCOUNT[field], value, known) is None


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("name", "", "required"),
        ("name", "   ", "required"),
        ("name", "x" * (MAX_LINE + 1), "too long"),
        ("name", "a\x00b", "cannot be stored"),
        ("notes", "x" * (MAX_LONG_TEXT + 1), "too long"),
        ("annual_revenue_minor", -1, "negative"),
        ("annual_revenue_minor", MAX_AMOUNT_MINOR + 1, "too large"),
        ("annual_revenue_minor", 1.5, "amount"),
        ("annual_revenue_minor", True, "amount"),
        ("tier", "D", "A, B or C"),
        ("currency", "yuan", "three-letter"),
        ("industry", "alchemy", "from the list"),
        ("own_purchasing", "yes", "Tick"),
    ],
)
def test_bad_account_values_get_a_message(field: str, value: object, fragment: str) -> None:
    message = check_field(ACCOUNT[field], value, known)
    assert message is not None
    assert fragment in message


@pytest.mark.parametrize(("value", "ok"), [(1, True), (5, True), (0, False), (6, False)])
def test_influence_is_a_score_from_one_to_five(value: int, ok: bool) -> None:
    assert (check_field(STAKEHOLDER["influence"], value, known) is None) is ok


def test_email_must_look_like_an_address() -> None:
    assert check_field(STAKEHOLDER["email"], "li.wei@example.cn", known) is None
    assert check_field(STAKEHOLDER["email"], "li.wei at example", known) is not None


def test_check_values_keys_each_message_by_its_field() -> None:
    errors = check_values(ACCOUNT, {"name": "", "tier": "Z", "currency": "CNY"}, known)
    assert set(errors) == {"name", "tier"}


def test_clean_value_trims_text_and_empties_references() -> None:
    assert clean_value(ACCOUNT["name"], "  Acme  ") == "Acme"
    assert clean_value(ACCOUNT["parent_id"], "  ") is None
    assert clean_value(ACCOUNT["industry"], None) == ""
    assert clean_value(STAKEHOLDER["covered_by"], ["b", "a", "b"]) == ("a", "b")
    assert clean_value(STAKEHOLDER["covered_by"], None) == ()


def test_required_fields_are_declared() -> None:
    assert {s.name for s in ACCOUNT_FIELDS if s.required} == {"name", "currency"}
    assert {s.name for s in STAKEHOLDER_FIELDS if s.required} == {"name"}
    assert {s.name for s in TEAM_MEMBER_FIELDS if s.required} == {"name"}


def test_every_choice_field_names_a_seeded_vocabulary() -> None:
    for spec in (*ACCOUNT_FIELDS, *STAKEHOLDER_FIELDS, *TEAM_MEMBER_FIELDS):
        if spec.kind is FieldKind.CHOICE:
            assert spec.vocabulary is not None
            assert known(spec.vocabulary.value), spec.name


@pytest.mark.parametrize(
    ("record", "new_parent", "parents", "cycle"),
    [
        ("A", None, {}, False),
        ("A", "A", {"A": None}, True),
        ("A", "B", {"A": None, "B": "A"}, True),
        ("A", "C", {"A": None, "B": "A", "C": "B"}, True),
        ("A", "C", {"A": None, "B": None, "C": "B"}, False),
        # An existing loop elsewhere must not make the check spin forever.
        ("A", "B", {"A": None, "B": "C", "C": "B"}, True),
    ],
)
def test_creates_cycle(
    record: str, new_parent: str | None, parents: dict[str, str | None], cycle: bool
) -> None:
    assert creates_cycle(record, new_parent, parents) is cycle


def test_decision_makers_are_economic_buyers_and_executives() -> None:
    assert is_decision_maker(BuyingRole.ECONOMIC_BUYER, Level.STAFF)
    assert is_decision_maker(BuyingRole.USER_BUYER, Level.EXECUTIVE)
    assert not is_decision_maker(BuyingRole.TECHNICAL_BUYER, Level.MIDDLE)


def test_decision_maker_coverage_counts_only_decision_makers() -> None:
    people = [
        ("EB", "executive", True),
        ("UB", "executive", False),
        ("TB", "staff", False),  # not a decision maker: does not lower the share
        ("COACH", "middle", True),
    ]
    assert decision_maker_coverage(people) == pytest.approx(0.5)


def test_no_decision_maker_on_record_is_a_gap_not_zero() -> None:
    assert decision_maker_coverage([("TB", "staff", True)]) is None
    assert decision_maker_coverage([]) is None
