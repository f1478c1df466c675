"""CatalogService through the command runner on a SQLite ledger: roles, visibility, prices,
stock composed into another command's unit of work, and racing reservations."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain import context
from domain.accounts.account import Account, CompanyInfo
from domain.catalog.catalog import ProductAttributes
from domain.catalog.listing import Listing
from domain.catalog.pricing import LevelPrice, RegionalDelta
from domain.catalog.service import CatalogService
from domain.commands import CommandRunner
from domain.context import Actor, CommandContext, FrozenClock, Role
from domain.errors import ConflictError, ForbiddenError, NotFoundError
from domain.ledger import Ledger
from domain.unit_of_work import UnitOfWork
from domain.values import Money, Quantity, UnitPrice

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
COIL = ProductAttributes(
    grade="Q235B", thickness=Decimal("4.75"), width=Decimal(1500), standard="GB/T 3274"
)


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    app = Ledger(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(tmp_path / "es.db"),
            "TRANSCODER_TOPIC": "interfaces.persistence.transcoder:OrjsonTranscoder",
        }
    )
    yield app
    app.close()


@pytest.fixture
def service(ledger: Ledger) -> CatalogService:
    return CatalogService(CommandRunner(ledger, attempts=60))


def as_role(
    role: Role, account_id: UUID | None = None, user_id: UUID | None = None
) -> AbstractContextManager[CommandContext]:
    actor = Actor(user_id=user_id or uuid4(), role=role, account_id=account_id)
    return context.acting(CommandContext(actor=actor, clock=FrozenClock(NOW)))


def customer(
    ledger: Ledger, region: str, level: str = "ordinary", manager: UUID | None = None
) -> UUID:
    account = Account(uuid4(), f"138{uuid4().int % 10**8:08d}", "Admin", "h", None, "2026-01")
    account.bind_company(CompanyInfo(f"Buyer {region}", uuid4().hex[:18], "1 Road", region))
    account.approve_certification()
    if level != "ordinary":
        account.change_level(level)
    if manager is not None:
        account.bind_manager(manager, "test", NOW)
    ledger.save(account)
    return account.id


def on_shelf_listing(service: CatalogService, quantity: str = "7", **options: Any) -> UUID:
    with as_role(Role.OPERATOR):
        service.define_default_categories()
        product = service.add_product("HRC", "Q235B 4.75x1500", COIL).result["product_id"]
        listing_id = service.create_listing(
            product,
            "Rizhao WH1",
            Quantity.parse(quantity),
            UnitPrice.parse("4321.57"),
            min_quantity=Quantity.parse("1"),
            step=Quantity.parse("1"),
            **options,
        ).result["listing_id"]
        service.publish_listing(listing_id)
    return listing_id


def reserve(service: CatalogService, listing_id: UUID, tonnes: str = "1") -> Any:
    def decide(uow: UnitOfWork) -> Any:
        return service.reserve_in(uow, listing_id, uuid4(), Quantity.parse(tonnes), NOW)

    return service.runner.run(decide).result


def test_operator_builds_the_tree_and_files_a_product(service: CatalogService) -> None:
    with as_role(Role.OPERATOR):
        assert "HRC" in service.define_default_categories().result["added"]
        product = service.add_product("HRC", "Q235B coil", COIL).result
        tree = {c["code"]: c for c in service.get_category_tree()}
        assert service.get_product(product["product_id"])["attributes"]["thickness"] == "4.75"
    assert tree["HRC"]["parent"] == "STEEL"
    assert tree["HRC"]["template"] == ["grade", "standard", "thickness", "width"]


def test_duplicate_category_code_is_a_conflict(service: CatalogService) -> None:
    with as_role(Role.OPERATOR):
        service.define_category("METAL", "金属矿产")
        with pytest.raises(ConflictError) as error:
            service.define_category("METAL", "Metals")
    assert error.value.code == "duplicate_code"


@pytest.mark.parametrize("role", [Role.FINANCE, Role.MANAGER, Role.BUYER_ADMIN])
def test_only_operators_manage_catalog_and_listings(service: CatalogService, role: Role) -> None:
    listing_id = on_shelf_listing(service)
    with as_role(role):
        with pytest.raises(ForbiddenError):
            service.define_category("METAL2", "x")
        with pytest.raises(ForbiddenError):
            service.withdraw_listing(listing_id)


def test_listing_changes_are_stored_and_read_back(service: CatalogService) -> None:
    listing_id = on_shelf_listing(service, warning_line=Quantity.parse("8"))
    with as_role(Role.OPERATOR):
        service.change_prices(listing_id, list_price=UnitPrice.parse("4400.00"))
        service.restock(listing_id, Quantity.parse("3"))
        seen = service.get_listing(listing_id)
    assert (seen["status"], seen["list_price"], seen["price_version"]) == ("on_shelf", "4400.00", 2)
    stock = seen["stock"]
    assert (stock["supplied"], stock["reserved"], stock["remaining"]) == (
        "10.000",
        "0.000",
        "10.000",
    )
    assert seen["product"]["category"] == seen["category"] == "HRC"


def test_buyer_sees_an_on_shelf_listing_with_its_own_price(
    service: CatalogService, ledger: Ledger
) -> None:
    vip = LevelPrice("vip", ratio=Decimal("0.98"))
    east = RegionalDelta("east", Money.parse("50.00"))
    listing_id = on_shelf_listing(service, levels=(vip,), regional=(east,))
    buyer = customer(ledger, "east", "vip")
    with as_role(Role.BUYER_ADMIN, account_id=buyer):
        seen = service.get_listing(listing_id)
    assert seen["your_price"]["unit_price"] == "4285.14"  # 4,321.57 x 0.98 = 4,235.14; + 50
    assert seen["your_price"]["rule"] == "level_ratio:vip"
    assert "levels" not in seen and "customer_prices" not in seen


def test_buyer_cannot_see_drafts_withdrawn_or_unsaleable_listings(
    service: CatalogService, ledger: Ledger
) -> None:
    listing_id = on_shelf_listing(service, saleable_regions=("north",))
    north, east = customer(ledger, "north"), customer(ledger, "east")
    with as_role(Role.BUYER_MEMBER, account_id=north):
        service.get_listing(listing_id)
    with as_role(Role.BUYER_ADMIN, account_id=east), pytest.raises(NotFoundError):
        service.get_listing(listing_id)
    with as_role(Role.OPERATOR):
        service.withdraw_listing(listing_id)
        assert service.get_listing(listing_id)["status"] == "withdrawn"
    with as_role(Role.BUYER_ADMIN, account_id=north), pytest.raises(NotFoundError):
        service.get_listing(listing_id)


def test_customer_price_is_seen_only_by_that_customer(
    service: CatalogService, ledger: Ledger
) -> None:
    listing_id = on_shelf_listing(service)
    agreed, other = customer(ledger, "east"), customer(ledger, "east")
    with as_role(Role.FINANCE):
        until = datetime(2027, 1, 1, tzinfo=UTC)
        service.set_customer_price(listing_id, agreed, UnitPrice.parse("4100.00"), NOW, until)
    with as_role(Role.BUYER_ADMIN, account_id=agreed):
        assert service.get_listing(listing_id)["your_price"]["rule"] == "customer_price"
    with as_role(Role.BUYER_ADMIN, account_id=other):
        assert service.get_listing(listing_id)["your_price"]["unit_price"] == "4321.57"


def test_manager_prices_only_its_bound_customers(service: CatalogService, ledger: Ledger) -> None:
    listing_id, manager = on_shelf_listing(service), uuid4()
    bound, foreign = customer(ledger, "east", manager=manager), customer(ledger, "east")
    with as_role(Role.MANAGER, user_id=manager):
        service.set_customer_price(listing_id, bound, UnitPrice.parse("4200.00"))
        with pytest.raises(NotFoundError):
            service.set_customer_price(listing_id, foreign, UnitPrice.parse("4200.00"))
        with pytest.raises(NotFoundError):
            service.remove_customer_price(listing_id, foreign)
        assert len(service.get_listing(listing_id)["customer_prices"]) == 1


def test_an_earlier_price_version_is_replayed_from_history(service: CatalogService) -> None:
    listing_id = on_shelf_listing(service)
    with as_role(Role.OPERATOR):
        service.change_prices(listing_id, list_price=UnitPrice.parse("4400.00"))
    with as_role(Role.AUDITOR):
        assert service.price_book_at(listing_id, 1)["list_price"] == "4321.57"
        assert service.price_book_at(listing_id, 2)["list_price"] == "4400.00"
        with pytest.raises(NotFoundError):
            service.price_book_at(listing_id, 3)


def test_reservations_in_one_unit_of_work_are_saved_together_or_not_at_all(
    service: CatalogService, ledger: Ledger
) -> None:
    plenty, scarce, order = on_shelf_listing(service, "9"), on_shelf_listing(service, "2"), uuid4()

    def checkout(uow: UnitOfWork) -> None:
        service.reserve_in(uow, plenty, order, Quantity.parse("4"), NOW, region="east")
        service.reserve_in(uow, scarce, order, Quantity.parse("3"), NOW, region="east")

    with pytest.raises(ConflictError) as error:
        service.runner.run(checkout)
    assert error.value.code == "oversold"
    assert ledger.repository.get(plenty).stock.remaining == Quantity.parse("9")


def test_release_in_returns_stock_and_repeating_it_changes_nothing(
    service: CatalogService, ledger: Ledger
) -> None:
    listing_id, order = on_shelf_listing(service), uuid4()
    run = service.runner.run
    run(lambda uow: service.reserve_in(uow, listing_id, order, Quantity.parse("5"), NOW))
    assert run(lambda uow: service.release_in(uow, listing_id, order)).result is True
    assert run(lambda uow: service.release_in(uow, listing_id, order)).result is False
    stored: Listing = ledger.repository.get(listing_id)
    assert stored.stock.remaining == Quantity.parse("7")


def test_twenty_racing_reservations_of_one_tonne_never_oversell_seven(
    service: CatalogService, ledger: Ledger
) -> None:
    listing_id = on_shelf_listing(service, "7")
    start = threading.Barrier(20)

    def attempt(_: int) -> str:
        start.wait()
        try:
            with as_role(Role.BUYER_ADMIN):
                reserve(service, listing_id)
        except ConflictError as error:
            return error.code
        return "reserved"

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(attempt, range(20)))
    assert (outcomes.count("reserved"), outcomes.count("oversold")) == (7, 13)
    stored: Listing = ledger.repository.get(listing_id)
    assert (stored.stock.remaining, stored.stock.reserved) == (Quantity.zero(), Quantity.parse("7"))
