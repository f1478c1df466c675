"""Listing rules, without I/O: shelf lifecycle and window, order quantities, regions, stock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.catalog.catalog import Product, ProductAttributes
from domain.catalog.listing import Listing, SaleTerms
from domain.catalog.pricing import CustomerPrice, PriceRules
from domain.errors import ConflictError, InvalidTransitionError, ValidationError
from domain.values import Quantity, UnitPrice

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
PRODUCT = Product(uuid4(), "HRC", "Q235B 4.75x1500", ProductAttributes(grade="Q235B"))


def t(value: str) -> Quantity:
    return Quantity.parse(value)


def new_listing(
    quantity: str = "7",
    minimum: str = "1",
    step: str = "1",
    regions: tuple[str, ...] = (),
    warning: str | None = None,
) -> Listing:
    terms = SaleTerms(t(minimum), t(step), regions, t(warning) if warning else None)
    rules = PriceRules(UnitPrice.parse("4321.57"))
    return Listing.create(PRODUCT, "Rizhao WH1", t(quantity), rules, terms)


def on_shelf(**kwargs: Any) -> Listing:
    listing = new_listing(**kwargs)
    listing.publish(NOW)
    return listing


def codes_of(error: pytest.ExceptionInfo[Any]) -> str:
    return str(error.value.code)


# ---- lifecycle and window --------------------------------------------------------------
def test_a_new_listing_is_a_draft_and_cannot_be_reserved() -> None:
    listing = new_listing()
    assert listing.shelf_status(NOW) == "draft"
    with pytest.raises(ConflictError) as error:
        listing.reserve(uuid4(), t("1"), NOW)
    assert codes_of(error) == "not_on_shelf"


def test_published_listing_is_on_shelf_until_withdrawn() -> None:
    listing = on_shelf()
    assert listing.is_on_shelf(NOW)
    listing.withdraw("sold out at the mill")
    assert listing.shelf_status(NOW) == "withdrawn"
    with pytest.raises(ConflictError):
        listing.reserve(uuid4(), t("1"), NOW)


def test_withdrawn_listing_can_be_published_again() -> None:
    listing = on_shelf()
    listing.withdraw()
    listing.publish(NOW)
    assert listing.is_on_shelf(NOW)


def test_only_a_published_listing_can_be_withdrawn() -> None:
    with pytest.raises(InvalidTransitionError):
        new_listing().withdraw()


def test_scheduled_listing_is_buyable_only_inside_its_window() -> None:
    listing = new_listing()
    opens, closes = NOW + timedelta(hours=1), NOW + timedelta(hours=3)
    listing.publish(NOW, on_shelf_at=opens, off_shelf_at=closes)
    assert listing.shelf_status(NOW) == "scheduled"
    assert listing.is_on_shelf(opens)
    assert listing.shelf_status(closes) == "expired"
    with pytest.raises(ConflictError):
        listing.reserve(uuid4(), t("1"), closes)
    assert listing.reserve(uuid4(), t("1"), opens)


@pytest.mark.parametrize(
    ("opens", "closes"),
    [(NOW, NOW), (NOW + timedelta(hours=2), NOW + timedelta(hours=1)), (None, NOW)],
)
def test_window_that_closes_before_it_opens_or_before_now_is_refused(
    opens: datetime | None, closes: datetime
) -> None:
    with pytest.raises(ValidationError) as error:
        new_listing().publish(NOW, opens, closes)
    assert codes_of(error) == "invalid_window"


def test_window_without_time_zone_is_refused() -> None:
    with pytest.raises(ValidationError):
        new_listing().publish(NOW, on_shelf_at=datetime(2026, 12, 1, 8))


# ---- quantities and regions ------------------------------------------------------------
@pytest.mark.parametrize("qty", ["2.5", "2.75", "4.5"])
def test_minimum_plus_whole_steps_is_accepted(qty: str) -> None:
    on_shelf(quantity="10", minimum="2.5", step="0.25").check_quantity(t(qty))


@pytest.mark.parametrize(("qty", "code"), [("2.499", "below_minimum"), ("2.6", "off_step")])
def test_below_minimum_or_off_step_is_refused(qty: str, code: str) -> None:
    listing = on_shelf(quantity="10", minimum="2.5", step="0.25")
    with pytest.raises(ValidationError) as error:
        listing.reserve(uuid4(), t(qty), NOW)
    assert codes_of(error) == code
    assert listing.stock.remaining == t("10")


def test_listing_without_regions_is_saleable_everywhere() -> None:
    assert on_shelf().saleable_in("anywhere")


def test_listing_with_regions_refuses_other_regions() -> None:
    listing = on_shelf(regions=("east", "north"))
    listing.check_region("north")
    with pytest.raises(ConflictError) as error:
        listing.check_region("south")
    assert codes_of(error) == "not_saleable_in_region"


# ---- stock -----------------------------------------------------------------------------
def test_reserving_down_to_exactly_zero_works_and_one_more_is_oversold() -> None:
    listing = on_shelf(quantity="7")
    listing.reserve(uuid4(), t("3"), NOW)
    listing.reserve(uuid4(), t("4"), NOW)
    assert listing.stock.remaining == Quantity.zero()
    with pytest.raises(ConflictError) as error:
        listing.reserve(uuid4(), t("1"), NOW)
    assert codes_of(error) == "oversold"
    assert listing.stock.reserved == t("7")


def test_reserving_again_for_the_same_order_changes_nothing() -> None:
    listing, order = on_shelf(), uuid4()
    assert listing.reserve(order, t("2"), NOW)
    assert not listing.reserve(order, t("2"), NOW)
    assert listing.stock.reserved == t("2")
    with pytest.raises(ConflictError):
        listing.reserve(order, t("3"), NOW)


def test_release_returns_stock_once() -> None:
    listing, order = on_shelf(), uuid4()
    listing.reserve(order, t("2"), NOW)
    assert listing.release(order)
    events = len(listing.pending_events)
    assert not listing.release(order)
    assert len(listing.pending_events) == events
    assert (listing.stock.remaining, listing.stock.reserved) == (t("7"), Quantity.zero())


def test_withdrawn_listing_still_releases_its_reservations() -> None:
    listing, order = on_shelf(), uuid4()
    listing.reserve(order, t("2"), NOW)
    listing.withdraw()
    assert listing.release(order)


def test_sold_stock_cannot_be_released() -> None:
    listing, order = on_shelf(), uuid4()
    listing.reserve(order, t("2"), NOW)
    assert listing.sell(order)
    assert not listing.sell(order)
    with pytest.raises(ConflictError) as error:
        listing.release(order)
    assert codes_of(error) == "already_sold"


def test_shipping_less_than_reserved_returns_the_rest_to_stock() -> None:
    listing, order = on_shelf(), uuid4()
    listing.reserve(order, t("3"), NOW)
    listing.sell(order, t("2.870"))
    assert (listing.stock.sold, listing.stock.remaining) == (t("2.870"), t("4.130"))
    assert listing.stock.reserved == Quantity.zero()


def test_shipping_more_than_reserved_is_refused() -> None:
    listing, order = on_shelf(), uuid4()
    listing.reserve(order, t("3"), NOW)
    with pytest.raises(ConflictError) as error:
        listing.sell(order, t("3.001"))
    assert codes_of(error) == "exceeds_reservation"


def test_restock_adds_to_supply_and_remaining() -> None:
    listing = on_shelf()
    listing.restock(t("5.5"))
    assert (listing.stock.supplied, listing.stock.remaining) == (t("12.5"), t("12.5"))
    with pytest.raises(ValidationError):
        listing.restock(Quantity.zero())


def test_warning_line_flags_low_stock_when_remaining_reaches_it() -> None:
    listing = on_shelf(quantity="10", warning="3")
    listing.reserve(uuid4(), t("6"), NOW)
    assert not listing.low_on_stock
    listing.reserve(uuid4(), t("1"), NOW)
    assert listing.low_on_stock


def test_every_price_change_is_a_new_price_version_and_stock_moves_are_not() -> None:
    listing, customer = on_shelf(), uuid4()
    assert listing.price_version == 1
    listing.change_prices(listing.prices.changed(list_price=UnitPrice.parse("4400.00")))
    listing.set_customer_price(CustomerPrice(customer, UnitPrice.parse("4300.00")))
    listing.reserve(uuid4(), t("1"), NOW)
    listing.remove_customer_price(customer)
    assert listing.price_version == 4


# ---- the stock invariant, over any sequence of commands ---------------------------------
ORDERS = [UUID(int=n) for n in range(1, 6)]
operation = st.tuples(
    st.sampled_from(["reserve", "release", "sell", "restock"]),
    st.sampled_from(ORDERS),
    st.integers(min_value=1, max_value=4),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(operation, max_size=40))
def test_supplied_equals_reserved_plus_sold_plus_remaining_always(
    operations: list[tuple[str, UUID, int]],
) -> None:
    listing = on_shelf(quantity="5")
    supplied, held, sold = 5, dict[UUID, int](), 0
    for name, order, tonnes in operations:
        qty = Quantity.parse(tonnes)
        try:
            if name == "reserve" and listing.reserve(order, qty, NOW):
                held[order] = tonnes
            elif name == "release" and listing.release(order):
                held.pop(order)
            elif name == "sell" and listing.sell(order, qty):  # may ship less than held
                sold += tonnes
                held.pop(order)
            elif name == "restock":
                listing.restock(qty)
                supplied += tonnes
        except ConflictError:
            pass
        stock = listing.stock
        assert stock.remaining >= Quantity.zero()
        assert stock.reserved + stock.sold + stock.remaining == stock.supplied
        assert (stock.supplied, stock.reserved, stock.sold) == tuple(
            Quantity.parse(n) for n in (supplied, sum(held.values()), sold)
        )
    replayed: Any = None
    for recorded in listing.pending_events:
        replayed = recorded.mutate(replayed)
    assert replayed.stock == listing.stock


def test_a_customer_price_window_needs_time_zones() -> None:
    listing = on_shelf()
    naive = CustomerPrice(uuid4(), UnitPrice.parse("4100.00"), datetime(2026, 12, 1, 8))
    with pytest.raises(ValidationError) as error:
        listing.set_customer_price(naive)
    assert error.value.code == "invalid_window"


def test_changed_terms_tidy_their_regions() -> None:
    listing = on_shelf()
    listing.change_terms(SaleTerms(t("1"), t("1"), (" north", "east", "north "), None))
    assert listing.terms.saleable_regions == ("east", "north")
    with pytest.raises(ValidationError):
        listing.change_terms(SaleTerms(t("1"), t("1"), ("east", " "), None))
