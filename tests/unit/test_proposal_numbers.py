"""NUMBER fields: exact decimals kept as scaled integers, checked against their bounds."""

from __future__ import annotations

from decimal import Decimal

from kamdesk.domain.fields import FieldKind, FieldSpec, decimal_places, from_scaled, to_scaled
from kamdesk.domain.rules import check_field, clean_value

DISCOUNT = FieldSpec(
    "discount", "Discount", FieldKind.NUMBER, scale=2, minimum=Decimal(0), maximum=Decimal(100),
    unit="%",
)  # fmt: skip
RATE = FieldSpec(
    "rate", "Rate", FieldKind.NUMBER, scale=2, minimum=Decimal(-100), minimum_excluded=True,
    unit="%",
)  # fmt: skip


def no_codes(_kind: str) -> set[str]:
    return set()


def test_scaled_integers_round_trip_exactly() -> None:
    assert to_scaled(Decimal("12.5"), 2) == 1250
    assert from_scaled(1250, 2) == Decimal("12.5")
    assert to_scaled(Decimal("0.0005"), 3) == 0  # half-even
    assert to_scaled(7, 1) == 70
    assert decimal_places(Decimal("2.50")) == 1
    assert decimal_places(Decimal("100")) == 0


def test_a_decimal_in_the_unit_shown_is_stored_scaled_unless_it_has_too_many_places() -> None:
    assert clean_value(DISCOUNT, Decimal("12.5")) == 1250
    assert clean_value(DISCOUNT, 1250) == 1250
    assert clean_value(DISCOUNT, "") is None
    kept = clean_value(DISCOUNT, Decimal("1.005"))
    assert check_field(DISCOUNT, kept, no_codes) == "Discount takes at most 2 decimal places."


def test_bounds_say_what_is_wrong_in_the_fields_words() -> None:
    assert check_field(DISCOUNT, 10_000, no_codes) is None
    assert check_field(DISCOUNT, 10_001, no_codes) == "Discount cannot be above 100 %."
    assert check_field(DISCOUNT, -1, no_codes) == "Discount cannot be negative."
    assert check_field(RATE, -9_999, no_codes) is None
    assert check_field(RATE, -10_000, no_codes) == "Rate must be above −100 %."
    assert check_field(RATE, True, no_codes) == "Enter a number."
    assert check_field(RATE, Decimal("NaN"), no_codes) == "Enter a number."
    assert check_field(RATE, 10**15, no_codes) == "Rate is too large."
