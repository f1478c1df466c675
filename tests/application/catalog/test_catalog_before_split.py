"""Events are forever: a store written while the whole catalog was one ``Catalog`` aggregate, a
listing remembered every closed order and an account every reset (committed as a fixture,
``tests/fixtures/catalog-before-split.db``, written by tests/fixtures/write_catalog_before_split.py
on that code, snapshots included) still loads, serves its categories and products, keeps its
listing's rules for old orders and takes new commands; its read models rebuild."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from domain import context
from domain.accounts.account import Account
from domain.catalog.catalog import Catalog, ProductAttributes
from domain.catalog.entries import CatalogProduct
from domain.catalog.listing import Listing
from domain.catalog.service import CatalogService
from domain.context import Actor, CommandContext, FrozenClock, Role
from domain.errors import ConflictError, DomainError
from domain.ledger import Ledger
from domain.unit_of_work import UnitOfWork
from domain.values import Quantity, UnitPrice
from interfaces.config import Settings
from interfaces.wiring import Services
from projections.catalog.tree import CategoryTreeView
from projections.listings.search import ListingSearch

FIXTURE = Path(__file__).parent.parent.parent / "fixtures" / "catalog-before-split.db"
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
ADMIN = UUID(int=2)
OLD_CODES = {"METAL", "STEEL", "HRC", "HRC_PICKLED", "PLATE", "COLD", "WIRE", "REBAR", "SECTION"}
PICKLED = ProductAttributes(
    grade="Q235B",
    thickness=Decimal("2.5"),
    width=Decimal(1250),
    surface="pickled",
    standard="GB/T 3274",
)


def order(n: int) -> UUID:
    """Order n of the fixture: every third released, the others sold; 121 and 122 still open."""
    return UUID(int=1000 + n)


@pytest.fixture
def old(tmp_path: Path) -> Iterator[Ledger]:
    copy = tmp_path / "old.db"
    shutil.copy(FIXTURE, copy)
    ledger = Ledger(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(copy),
            "CREATE_TABLE": "n",
            "TRANSCODER_TOPIC": "interfaces.persistence.transcoder:OrjsonTranscoder",
        },
        snapshot_every={Account: 100},  # so its snapshot table is opened too
    )
    yield ledger
    ledger.close()


@pytest.fixture
def services(settings: Settings, tmp_path: Path, old: Ledger) -> Iterator[Services]:
    """A fresh store holding the fixture's events and snapshots exactly as they were written."""
    running = Services.build(replace(settings, sqlite_path=tmp_path / "store.db"))
    events = old.recorder.select_notifications(start=1, limit=100_000)
    running.ledger.recorder.insert_events(list(events))
    assert old.snapshots is not None and running.ledger.snapshots is not None
    for aggregate_id in {n.originator_id for n in events}:
        stored = old.snapshots.recorder.select_events(aggregate_id)
        running.ledger.snapshots.recorder.insert_events(list(stored))
    with acting(Role.OPERATOR):
        yield running
    running.close()


def acting(role: Role, account_id: UUID | None = None, user: UUID | None = None) -> Any:
    actor = Actor(user_id=user or UUID(int=1), role=role, account_id=account_id)
    return context.acting(CommandContext(actor=actor, clock=FrozenClock(NOW)))


def old_products(old: Ledger) -> dict[UUID, tuple[str, str]]:
    """product id → (category, name), from the fixture's events."""
    found: dict[UUID, tuple[str, str]] = {}
    for notification in old.recorder.select_notifications(start=1, limit=100_000):
        if notification.topic.endswith(":Catalog.ProductAdded"):
            product = old.mapper.to_domain_event(notification).product  # type: ignore[attr-defined]
            found[product.product_id] = (product.category, product.name)
    return found


def listing_id_of(old: Ledger) -> UUID:
    return _created(old, ":Listing.Created")


def account_id_of(old: Ledger) -> UUID:
    return _created(old, ":Account.Registered")


def _created(old: Ledger, topic_end: str) -> UUID:
    created = old.recorder.select_notifications(start=1, limit=100_000)
    return next(UUID(str(n.originator_id)) for n in created if n.topic.endswith(topic_end))


def test_the_fixture_holds_one_catalog_and_snapshots_of_the_old_shapes(old: Ledger) -> None:
    topics = {n.topic for n in old.recorder.select_notifications(start=1, limit=100_000)}
    assert "domain.catalog.catalog:Catalog.ProductAdded" in topics
    assert "domain.catalog.listing:Listing.StockSold" in topics
    assert len(old_products(old)) == 60
    assert old.snapshots is not None
    snapshots = old.snapshots.recorder.select_events(listing_id_of(old))
    assert [s.originator_version for s in snapshots] == [100, 200]
    assert [
        s.originator_version for s in old.snapshots.recorder.select_events(account_id_of(old))
    ] == [100]


def test_old_categories_and_products_are_still_served(services: Services, old: Ledger) -> None:
    tree = {c["code"]: c for c in services.catalog.get_category_tree()}
    assert set(tree) == OLD_CODES
    assert tree["HRC_PICKLED"]["parent"] == "HRC"
    assert tree["HRC_PICKLED"]["template"] == ["grade", "standard", "thickness", "width", "surface"]
    for product_id, (category, name) in old_products(old).items():
        seen = services.catalog.get_product(product_id)
        assert (seen["category"], seen["name"]) == (category, name)


def test_the_old_catalog_takes_new_commands_under_its_old_rules(
    services: Services, old: Ledger
) -> None:
    catalog = services.catalog
    added = catalog.add_product("HRC_PICKLED", "Pickled Q235B 2.5x1250", PICKLED).result
    assert catalog.get_product(added["product_id"])["category"] == "HRC_PICKLED"
    assert (
        catalog.define_category("SHEET", "薄板", "STEEL", ("thickness",)).result["code"] == "SHEET"
    )
    refused = {
        "duplicate_code": lambda: catalog.define_category("HRC", "again", "STEEL"),
        "category_has_products": lambda: catalog.define_category("PLATE_X", "x", "PLATE"),
        "not_a_leaf_category": lambda: catalog.add_product("HRC", "x", PICKLED),
    }
    for code, command in refused.items():
        with pytest.raises(DomainError) as error:
            command()
        assert error.value.code == code
    assert catalog.define_default_categories().result["added"] == []
    tree = {c["code"] for c in catalog.get_category_tree()}
    assert tree == OLD_CODES | {"SHEET"}
    product = next(iter(old_products(old)))
    listing = catalog.create_listing(
        product, "Rizhao WH2", Quantity.parse("50"), UnitPrice.parse("4100.00")
    )
    assert listing.result["state"] == "draft"


def test_the_old_listing_keeps_its_rules_for_old_orders(services: Services, old: Ledger) -> None:
    listing_id, catalog = listing_id_of(old), services.catalog

    def run(decide: Any) -> Any:
        return services.runner.run(decide).result

    before = services.ledger.repository.get(listing_id)
    assert isinstance(before, Listing) and before.version == 244
    assert before.stock.as_dict() == {
        "supplied": "1000.000",
        "reserved": "6.000",
        "sold": "160.000",
        "remaining": "834.000",
    }
    with pytest.raises(ConflictError) as error:
        run(lambda uow: catalog.release_in(uow, listing_id, order(1)))  # sold long ago
    assert error.value.code == "already_sold"
    assert run(lambda uow: catalog.sell_in(uow, listing_id, order(1))) is False
    assert run(lambda uow: catalog.release_in(uow, listing_id, order(3))) is False
    for closed in (order(1), order(3)):
        with pytest.raises(ConflictError) as error:
            run(lambda uow, o=closed: reserve(catalog, uow, listing_id, o))
        assert error.value.code == "already_reserved"
    with pytest.raises(ConflictError) as error:
        run(lambda uow: catalog.sell_in(uow, listing_id, order(3)))  # released, never sold
    assert error.value.code == "not_reserved"
    assert run(lambda uow: catalog.release_in(uow, listing_id, order(121))) is True
    assert run(lambda uow: catalog.sell_in(uow, listing_id, order(122))) is True
    run(lambda uow: reserve(catalog, uow, listing_id, order(500)))
    after = services.ledger.repository.get(listing_id)
    assert after.stock.as_dict() == {
        "supplied": "1000.000",
        "reserved": "2.000",
        "sold": "163.000",
        "remaining": "835.000",
    }


def reserve(catalog: Any, uow: UnitOfWork, listing_id: UUID, order_id: UUID) -> Any:
    return catalog.reserve_in(uow, listing_id, order_id, Quantity.parse("2"), NOW)


def test_the_old_account_still_resets_a_password(services: Services, old: Ledger) -> None:
    account = services.ledger.repository.get(account_id_of(old))
    assert isinstance(account, Account) and account.version == 166
    with pytest.raises(ConflictError):  # the fixture's last reset ended in a new password
        account.reset_challenge(ADMIN, NOW)
    account.start_password_reset(ADMIN, "new-code", NOW + timedelta(minutes=10))
    assert account.reset_challenge(ADMIN, NOW).code_hash == "new-code"
    services.ledger.save(account)
    assert services.ledger.repository.get(account.id).version == 167


def test_every_read_model_rebuilds_from_the_old_store(services: Services, old: Ledger) -> None:
    services.catalog.define_category("SHEET", "薄板", "STEEL", ("thickness",))  # splits it
    services.projections.setup()
    services.projections.catch_up()
    status = services.projections.status()
    assert all(s.last_error is None for s in status.values())
    assert {s.position for s in status.values()} == {services.ledger.head()}
    rows, total = services.listings.search(ListingSearch(now=NOW, category="STEEL"))
    assert total == 1 and rows[0]["listing_id"] == listing_id_of(old)
    assert rows[0]["category_path"] == ["METAL", "STEEL", "PLATE"]
    tree = {c["code"]: c for c in CategoryTreeView(services.views).categories()}
    assert set(tree) == OLD_CODES | {"SHEET"}  # the split's copies are not counted twice
    assert tree["SHEET"]["template"] == ["grade", "standard", "thickness"]
    assert tree["HRC_PICKLED"]["template"] == ["grade", "standard", "thickness", "width", "surface"]


def test_the_old_catalog_is_split_once_by_adding_events(services: Services, old: Ledger) -> None:
    written = list(old.recorder.select_notifications(start=1, limit=100_000))
    services.catalog.get_product(next(iter(old_products(old))))  # a read writes nothing
    assert services.ledger.head() == len(written)
    assert services.catalog.define_default_categories().result["added"] == []  # a command splits
    head = services.ledger.head()
    legacy = services.ledger.repository.get(Catalog.ID)
    assert isinstance(legacy, Catalog) and legacy.split
    stored = services.ledger.recorder.select_notifications(start=1, limit=100_000)
    assert [(n.topic, n.state) for n in stored[: len(written)]] == [
        (n.topic, n.state) for n in written
    ]  # the old events are as they were written
    added = {n.topic.rpartition(":")[2] for n in stored[len(written) :]}
    assert added == {
        "CatalogCategory.Defined",
        "CatalogCategory.ChildAdded",
        "CatalogCategory.FirstProductFiled",
        "CatalogProduct.Added",
        "Catalog.Split",
    }
    for product_id in old_products(old):
        entry = services.ledger.repository.get(product_id)
        assert isinstance(entry, CatalogProduct)
    again = CatalogService(services.runner)  # another process, say
    again.split_legacy_catalog()
    assert again.get_product(next(iter(old_products(old))))
    assert services.ledger.head() == head


def test_old_shape_snapshots_load_as_the_old_events_replay(services: Services, old: Ledger) -> None:
    """Listing, Catalog and Account snapshots of the old shapes are upcast (class_version 2)
    to the state their events give when replayed from the first one."""
    ledger = services.ledger
    for aggregate_id in (listing_id_of(old), Catalog.ID, account_id_of(old)):
        assert ledger.snapshots is not None
        assert list(ledger.snapshots.get(aggregate_id, desc=True, limit=1))
        from_snapshot = ledger.repository.get(aggregate_id)
        replayed: Any = None
        for stored in ledger.repository.event_store.get(aggregate_id):
            replayed = stored.mutate(replayed)
        state = {k: v for k, v in vars(from_snapshot).items() if k != "_pending_events"}
        assert state == {k: v for k, v in vars(replayed).items() if k != "_pending_events"}
    listing = ledger.repository.get(listing_id_of(old))
    assert len(listing.legacy_closed) == 120 and listing.recently_closed == {}
