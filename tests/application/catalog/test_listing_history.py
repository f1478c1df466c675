"""A listing forgets the orders it closed long ago; the store does not: a store-wide claim saved
with each release or sale keeps the listing's rules for every order it ever held."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from domain import context
from domain.catalog import listing as listing_module
from domain.catalog.catalog import ProductAttributes
from domain.catalog.listing import Listing
from domain.catalog.service import CatalogService
from domain.commands import CommandRunner
from domain.context import Actor, CommandContext, FrozenClock, Role
from domain.errors import ConflictError
from domain.ledger import Ledger
from domain.unit_of_work import UnitOfWork
from domain.values import Quantity, UnitPrice

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
ONE = Quantity.parse("1")
COIL = ProductAttributes(
    grade="Q235B", thickness=Decimal("3.0"), width=Decimal(1500), standard="GB/T 3274"
)


@pytest.fixture
def service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CatalogService]:
    monkeypatch.setattr(listing_module, "RECENT_CLOSED", 3)
    ledger = Ledger(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(tmp_path / "es.db"),
            "TRANSCODER_TOPIC": "interfaces.persistence.transcoder:OrjsonTranscoder",
        }
    )
    actor = Actor(user_id=UUID(int=1), role=Role.OPERATOR)
    with context.acting(CommandContext(actor=actor, clock=FrozenClock(NOW))):
        yield CatalogService(CommandRunner(ledger))
    ledger.close()


def order(n: int) -> UUID:
    return UUID(int=100 + n)


def test_orders_closed_long_ago_keep_the_listings_rules(service: CatalogService) -> None:
    service.define_default_categories()
    product = service.add_product("HRC", "coil", COIL).result["product_id"]
    created = service.create_listing(
        product, "Rizhao", Quantity.parse("100"), UnitPrice.parse("4000.00"), min_quantity=ONE
    )
    listing_id = created.result["listing_id"]
    service.publish_listing(listing_id)

    def run(decide: Any) -> Any:
        return service.runner.run(decide).result

    def reserve(uow: UnitOfWork, n: int) -> Any:
        return service.reserve_in(uow, listing_id, order(n), ONE, NOW)

    for n in range(10):  # order 0 released, the others sold
        run(lambda uow, n=n: reserve(uow, n))
        if n == 0:
            run(lambda uow: service.release_in(uow, listing_id, order(0)))
        else:
            run(lambda uow, n=n: service.sell_in(uow, listing_id, order(n)))
    stored = service.runner.app.repository.get(listing_id)
    assert isinstance(stored, Listing) and set(stored.recently_closed) == {
        order(7),
        order(8),
        order(9),
    }
    with pytest.raises(ConflictError) as error:
        run(lambda uow: service.release_in(uow, listing_id, order(1)))
    assert error.value.code == "already_sold"
    assert run(lambda uow: service.sell_in(uow, listing_id, order(1))) is False
    assert run(lambda uow: service.release_in(uow, listing_id, order(0))) is False
    with pytest.raises(ConflictError) as error:
        run(lambda uow: service.sell_in(uow, listing_id, order(0)))
    assert error.value.code == "not_reserved"
    for n in (0, 1):
        with pytest.raises(ConflictError) as error:
            run(lambda uow, n=n: reserve(uow, n))
        assert error.value.code == "already_reserved"
    after = service.runner.app.repository.get(listing_id)
    assert after.stock.as_dict()["sold"] == "9.000" and after.version == stored.version
