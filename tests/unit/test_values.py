"""Parsing money, prices and tonnes: one rule for every field. A plain decimal string within the
field's places and bounds is accepted; anything else is refused with the field's code, never
rounded and never an unexpected error."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ValidationError
from domain.values import Money, Quantity, UnitPrice

PARSERS = {
    "invalid_amount": Money.parse,
    "invalid_price": UnitPrice.parse,
    "invalid_quantity": Quantity.parse,
}


def refused(code: str, value: object) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        PARSERS[code](value)
    assert error.value.code == code
    return error.value


@pytest.mark.parametrize(
    ("code", "largest", "bound"),
    [
        ("invalid_amount", "9999999999999.99", "10000000000000.00"),
        ("invalid_price", "9999999.99", "10000000.00"),
        ("invalid_quantity", "9999999.999", "10000000.000"),
    ],
)
def test_the_largest_value_is_accepted_and_the_bound_refused(
    code: str, largest: str, bound: str
) -> None:
    assert str(PARSERS[code](largest)) == largest
    assert str(PARSERS[code]("-" + largest)) == "-" + largest  # the sign is each field's rule
    refused(code, bound)
    refused(code, "-" + bound)


@pytest.mark.parametrize("code", sorted(PARSERS))
@pytest.mark.parametrize(
    "text",
    [
        "1e25",
        "1e30",
        "1E+2",
        "1e99999999999999999999",
        "12345678901234567890123.456",
        "99999999999999999",
        "NaN",
        "Infinity",
        "-Infinity",
        "sNaN",
        "",
        " 1",
        "1_000",
        ".5",
        "5.",
        "12,50",
        "０１",  # full-width digits: Decimal() would take them
    ],
)
def test_exotic_or_huge_text_is_refused_with_the_fields_code(code: str, text: str) -> None:
    refused(code, text)


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("invalid_amount", "100.000"),
        ("invalid_amount", "1.005"),
        ("invalid_price", "4000.000"),
        ("invalid_price", "4321.575"),
        ("invalid_quantity", "10.0000"),
        ("invalid_quantity", "1.0005"),
    ],
)
def test_more_places_than_allowed_are_refused_even_when_they_are_zeros(
    code: str, text: str
) -> None:
    assert "decimal places" in refused(code, text).detail


def test_fewer_places_are_filled_in() -> None:
    assert str(Money.parse("1250.5")) == "1250.50"
    assert str(UnitPrice.parse("4000")) == "4000.00"
    assert str(Quantity.parse("27.1")) == "27.100"


def test_a_float_or_a_bool_is_refused() -> None:
    refused("invalid_amount", 1.5)
    refused("invalid_quantity", True)


def test_decimals_and_integers_follow_the_same_rule_as_text() -> None:
    assert Money.parse(Decimal("12.30")) == Money.parse("12.3") == Money(Decimal("12.30"))
    assert Quantity.parse(7) == Quantity.parse("7.000")
    refused("invalid_amount", Decimal("100.000"))
    refused("invalid_amount", Decimal("1E+13"))
    refused("invalid_quantity", 10**7)
    refused("invalid_price", Decimal("NaN"))


@given(
    st.decimals(
        min_value=Decimal("-9999999999999.99"), max_value=Decimal("9999999999999.99"), places=2
    )
)
def test_any_amount_within_the_bound_reads_back_as_written(amount: Decimal) -> None:
    assert Money.parse(str(amount)).amount == amount


@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal("9999999.999"), places=3))
def test_any_tonnage_within_the_bound_reads_back_as_written(tonnes: Decimal) -> None:
    assert Quantity.parse(str(tonnes)).tonnes == tonnes
