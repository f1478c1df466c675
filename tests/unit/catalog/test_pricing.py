"""Pricing rules, without I/O: precedence, regional differences, rounding, price versions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.catalog.catalog import Product, ProductAttributes
from domain.catalog.listing import Listing, SaleTerms
from domain.catalog.pricing import CustomerPrice, LevelPrice, PriceRules, RegionalDelta, quote
from domain.errors import ConflictError, ValidationError
from domain.values import Money, Quantity, UnitPrice

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
CUSTOMER = uuid4()
PRODUCT = Product(uuid4(), "HRC", "Q235B 4.75x1500", ProductAttributes(grade="Q235B"))


def price(value: str) -> UnitPrice:
    return UnitPrice.parse(value)


def listing(
    list_price: str = "4321.57",
    regional: tuple[RegionalDelta, ...] = (),
    levels: tuple[LevelPrice, ...] = (),
    regions: tuple[str, ...] = (),
) -> Listing:
    terms = SaleTerms(Quantity.parse("1"), Quantity.parse("0.001"), regions)
    rules = PriceRules(price(list_price), regional, levels)
    return Listing.create(PRODUCT, "Rizhao WH1", Quantity.parse("100"), rules, terms)


def delta(region: str, amount: str) -> RegionalDelta:
    return RegionalDelta(region, Money.parse(amount))


def test_line_amount_is_quantity_times_price_rounded_half_up() -> None:
    # 27.125 t x 4,321.57 = 116,682.39 (27 t) + 540.19625 (0.125 t) = 117,222.58625 → 117,222.59
    assert price("4321.57").times(Quantity.parse("27.125")) == Money.parse("117222.59")


def test_line_amount_rounds_an_exact_half_cent_up() -> None:
    # 0.5 t x 100.01 = 50.005: half-up gives 50.01 where banker's rounding would give 50.00
    assert price("100.01").times(Quantity.parse("0.500")) == Money.parse("50.01")


def test_without_level_or_customer_price_the_list_price_applies() -> None:
    found = quote(listing(), "ordinary", CUSTOMER, None, NOW)
    assert (found.unit_price, found.rule, found.region_delta) == (
        price("4321.57"),
        "list",
        Money.zero(),
    )


def test_fixed_level_price_overrides_the_list_price() -> None:
    vip = LevelPrice("vip", fixed=price("4200.00"))
    found = quote(listing(levels=(vip,)), "vip", CUSTOMER, None, NOW)
    assert (found.unit_price, found.rule) == (price("4200.00"), "level_fixed:vip")


def test_level_ratio_is_rounded_half_up_to_cents() -> None:
    # 4,321.57 x 0.98 = 4,235.1386 → 4,235.14
    vip = LevelPrice("vip", ratio=Decimal("0.98"))
    found = quote(listing(levels=(vip,)), "vip", CUSTOMER, None, NOW)
    assert (found.unit_price, found.rule) == (price("4235.14"), "level_ratio:vip")


def test_level_ratio_on_an_exact_half_cent_rounds_up() -> None:
    # 4,321.50 x 0.99 = 4,278.285 → 4,278.29 (banker's rounding would say 4,278.28)
    strategic = LevelPrice("strategic", ratio=Decimal("0.99"))
    found = quote(listing("4321.50", levels=(strategic,)), "strategic", CUSTOMER, None, NOW)
    assert found.unit_price == price("4278.29")


def test_another_levels_price_does_not_apply() -> None:
    vip = LevelPrice("vip", fixed=price("4000.00"))
    assert quote(listing(levels=(vip,)), "ordinary", CUSTOMER, None, NOW).rule == "list"


def test_customer_price_overrides_level_and_list_prices() -> None:
    item = listing(levels=(LevelPrice("vip", fixed=price("4200.00")),))
    item.set_customer_price(CustomerPrice(CUSTOMER, price("4100.00")))
    found = quote(item, "vip", CUSTOMER, None, NOW)
    assert (found.unit_price, found.rule) == (price("4100.00"), "customer_price")


def test_customer_price_is_all_in_so_no_regional_difference_is_added() -> None:
    item = listing(regional=(delta("east", "80.00"),))
    item.set_customer_price(CustomerPrice(CUSTOMER, price("4100.00")))
    found = quote(item, "ordinary", CUSTOMER, "east", NOW)
    assert (found.unit_price, found.region_delta) == (price("4100.00"), Money.zero())


def test_customer_price_of_another_customer_does_not_apply() -> None:
    item = listing()
    item.set_customer_price(CustomerPrice(uuid4(), price("4100.00")))
    assert quote(item, "ordinary", CUSTOMER, None, NOW).rule == "list"


def test_customer_price_outside_its_window_falls_back_to_level_price() -> None:
    item = listing(levels=(LevelPrice("vip", fixed=price("4200.00")),))
    window = CustomerPrice(CUSTOMER, price("4100.00"), NOW - timedelta(days=7), NOW)
    item.set_customer_price(window)
    assert quote(item, "vip", CUSTOMER, None, NOW).rule == "level_fixed:vip"
    assert quote(item, "vip", CUSTOMER, None, NOW - timedelta(days=1)).rule == "customer_price"


def test_regional_difference_is_added_to_list_and_level_prices() -> None:
    vip = LevelPrice("vip", ratio=Decimal("0.98"))
    item = listing(regional=(delta("east", "50.00"), delta("north", "-30.00")), levels=(vip,))
    east = quote(item, "ordinary", CUSTOMER, "east", NOW)
    north_vip = quote(item, "vip", CUSTOMER, "north", NOW)
    assert (east.unit_price, east.region_delta) == (price("4371.57"), Money.parse("50.00"))
    assert (north_vip.unit_price, north_vip.base_price) == (price("4205.14"), price("4235.14"))


def test_region_without_a_difference_pays_the_base_price() -> None:
    item = listing(regional=(delta("east", "50.00"),))
    assert quote(item, "ordinary", CUSTOMER, "south", NOW).unit_price == price("4321.57")


def test_quote_for_a_region_the_listing_is_not_sold_in_is_refused() -> None:
    with pytest.raises(ConflictError) as error:
        quote(listing(regions=("east",)), "ordinary", CUSTOMER, "west", NOW)
    assert error.value.code == "not_saleable_in_region"


def test_quote_records_the_price_version_and_explains_itself() -> None:
    item = listing(levels=(LevelPrice("vip", ratio=Decimal("0.98")),))
    item.change_prices(item.prices.changed(list_price=price("4400.00")))
    found = quote(item, "vip", CUSTOMER, None, NOW)
    assert found.price_version == 2
    assert "0.98" in found.explanation and "4312.00" in found.explanation


def test_regional_difference_that_would_make_a_price_non_positive_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        listing("100.00", regional=(delta("far", "-100.00"),))
    assert error.value.code == "invalid_price"


@pytest.mark.parametrize(
    ("level", "code"),
    [
        (LevelPrice("vip"), "invalid_level_price"),
        (LevelPrice("vip", fixed=price("1.00"), ratio=Decimal("0.9")), "invalid_level_price"),
        (LevelPrice("vip", ratio=Decimal("1.01")), "invalid_ratio"),
        (LevelPrice("vip", ratio=Decimal("0")), "invalid_ratio"),
        (LevelPrice("gold", ratio=Decimal("0.9")), "unknown_level"),
        (LevelPrice("vip", fixed=price("0.00")), "invalid_price"),
    ],
)
def test_malformed_level_price_is_refused(level: LevelPrice, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        listing(levels=(level,))
    assert error.value.code == code


def test_the_same_region_twice_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        listing(regional=(delta("east", "10.00"), delta("east", "20.00")))
    assert error.value.code == "duplicate_region"


def test_customer_price_window_must_end_after_it_starts() -> None:
    with pytest.raises(ValidationError) as error:
        listing().set_customer_price(CustomerPrice(CUSTOMER, price("4000.00"), NOW, NOW))
    assert error.value.code == "invalid_window"
