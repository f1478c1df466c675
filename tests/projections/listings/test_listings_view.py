"""The listing search read model: stock figures follow reservations, releases, sales and
restocking; categories find their descendants; a rebuild gives the same rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain import context
from domain.catalog.catalog import ProductAttributes
from domain.catalog.pricing import RegionalDelta
from domain.catalog.service import CatalogService
from domain.commands import CommandRunner
from domain.context import Actor, CommandContext, FrozenClock, Role
from domain.errors import ConflictError
from domain.ledger import Ledger
from domain.unit_of_work import UnitOfWork
from domain.values import Money, Quantity, UnitPrice
from projections.database import ViewDatabase
from projections.listings.projection import ListingSearchProjection
from projections.listings.search import ListingSearch, ListingSearchView
from projections.runner import ProjectionRunner

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
SIZES = ProductAttributes(  # a plate's length does not hurt a coil
    grade="Q235B",
    thickness=Decimal("3.0"),
    width=Decimal(1500),
    length=Decimal(6000),
    standard="GB/T 3274",
)


@pytest.fixture
def service(ledger: Ledger) -> Iterator[CatalogService]:
    operator = Actor(user_id=uuid4(), role=Role.OPERATOR)
    with context.acting(CommandContext(actor=operator, clock=FrozenClock(NOW))):
        yield CatalogService(CommandRunner(ledger))


@pytest.fixture
def runner(ledger: Ledger, db: ViewDatabase) -> ProjectionRunner:
    return ProjectionRunner(ledger, db, [ListingSearchProjection()], batch_size=7)


def listing(service: CatalogService, category: str = "HRC", **terms: Any) -> UUID:
    service.define_default_categories()
    product = service.add_product(category, f"{category} Q235B", SIZES).result["product_id"]
    created = service.create_listing(
        product,
        "Rizhao",
        Quantity.parse("10"),
        UnitPrice.parse("4321.57"),
        regional=(RegionalDelta("north", Money.parse("50.00")),),
        **terms,
    ).result["listing_id"]
    service.publish_listing(created)
    return UUID(str(created))


def stock_of(runner: ProjectionRunner, listing_id: UUID) -> tuple[dict[str, str], bool]:
    runner.catch_up()
    rows, _ = ListingSearchView(runner.db).search(ListingSearch(now=NOW))
    row = next(r for r in rows if r["listing_id"] == listing_id)
    return row["stock"], row["low_stock"]


def test_stock_figures_follow_reservations_releases_sales_and_restocking(
    service: CatalogService, runner: ProjectionRunner
) -> None:
    listing_id = listing(service, warning_line=Quantity.parse("4"))
    first, second = uuid4(), uuid4()
    run = service.runner.run

    def reserve(order: UUID, tonnes: str) -> None:
        run(lambda uow: service.reserve_in(uow, listing_id, order, Quantity.parse(tonnes), NOW))

    reserve(first, "3")
    reserve(second, "4")
    assert stock_of(runner, listing_id) == (
        {"supplied": "10.000", "reserved": "7.000", "sold": "0.000", "remaining": "3.000"},
        True,
    )
    run(lambda uow: service.release_in(uow, listing_id, first))
    assert stock_of(runner, listing_id) == (
        {"supplied": "10.000", "reserved": "4.000", "sold": "0.000", "remaining": "6.000"},
        False,
    )
    run(lambda uow: service.sell_in(uow, listing_id, second, Quantity.parse("3.5")))
    service.restock(listing_id, Quantity.parse("2.25"))
    assert stock_of(runner, listing_id) == (
        {"supplied": "12.250", "reserved": "0.000", "sold": "3.500", "remaining": "8.750"},
        False,
    )


def test_an_oversold_reservation_leaves_the_view_as_it_was(
    service: CatalogService, runner: ProjectionRunner
) -> None:
    listing_id = listing(service)
    before = stock_of(runner, listing_id)

    def greedy(uow: UnitOfWork) -> None:
        service.reserve_in(uow, listing_id, uuid4(), Quantity.parse("11"), NOW)

    with pytest.raises(ConflictError) as refused:
        service.runner.run(greedy)
    assert refused.value.code == "oversold"
    assert stock_of(runner, listing_id) == before


def test_a_category_finds_its_descendants_only(
    service: CatalogService, runner: ProjectionRunner
) -> None:
    service.define_category("ORE", "矿石")
    service.define_category("IRON_ORE", "铁矿石", "ORE")
    coil, plate = listing(service, "HRC"), listing(service, "PLATE")
    runner.catch_up()
    view = ListingSearchView(runner.db)

    def found(category: str) -> set[UUID]:
        rows, total = view.search(ListingSearch(now=NOW, category=category))
        assert total == len(rows)
        return {row["listing_id"] for row in rows}

    assert found("METAL") == found("steel") == {coil, plate}
    assert (found("HRC"), found("PLATE")) == ({coil}, {plate})
    assert found("ORE") == found("IRON_ORE") == set()


def test_rebuilding_from_the_first_event_gives_the_same_rows(
    service: CatalogService, runner: ProjectionRunner
) -> None:
    first = listing(service, warning_line=Quantity.parse("9"))
    second = listing(service, "PLATE", saleable_regions=("east", "north"))
    service.change_prices(second, list_price=UnitPrice.parse("4400.00"))
    service.withdraw_listing(first)
    service.runner.run(
        lambda uow: service.reserve_in(uow, second, uuid4(), Quantity.parse("2.5"), NOW)
    )
    runner.catch_up()
    projection = runner.projections["listing_search"]
    before = projection.digest(runner.db)
    rows_before = ListingSearchView(runner.db).search(ListingSearch(now=NOW, region="north"))
    assert runner.rebuild("listing_search") > 0
    assert projection.digest(runner.db) == before
    rows_after = ListingSearchView(runner.db).search(ListingSearch(now=NOW, region="north"))
    assert rows_after == rows_before
    assert [row["price_in_region"] for row in rows_after[0]] == ["4450.00", "4371.57"]
