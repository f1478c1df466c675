"""A long history must not slow a command (issue 15): one listing after N orders, and a catalog
of N products, against the same command on a fresh listing / a fresh catalog, same run, same
PostgreSQL (fsync on).

    STEELYARD_PERSISTENCE=postgres POSTGRES_PORT=… .venv/bin/python -m bench.catalog_history \
        [--orders 100000] [--products 100000] [--seconds 3]

The history is not built through the application (100,000 commands take long): it is built
from the same aggregates and the same events the application writes, saved in batches. An
order on the old listing is reserved then sold, with the store-wide claim the service saves
with a sale (``stock_sold``); a product of the big catalog is a ``CatalogProduct`` filed under
one category (the first one marks it). Then the application's own commands are timed:
reserve + sell of a new order on the old listing vs on a fresh listing of the same store, and
``add_product`` into the big catalog's category vs into a fresh store's.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Snapshot

from bench.common import postgres_settings, raw_commit_rate, table, throwaway_schema, timed
from domain import context
from domain.catalog.catalog import Product, ProductAttributes
from domain.catalog.entries import CatalogCategory, CatalogProduct
from domain.catalog.listing import Listing
from domain.catalog.service import CLOSED
from domain.context import Actor, CommandContext, Role
from domain.ledger import Claim
from domain.values import Quantity, UnitPrice
from interfaces.config import Settings
from interfaces.wiring import Services

ONE = Quantity.parse("1")
COIL = ProductAttributes(
    grade="Q235B", thickness=Decimal("3.0"), width=Decimal(1500), standard="GB/T 3274"
)
BATCH = 1000  # orders or products per save while building the history


@contextmanager
def operator() -> Iterator[None]:
    actor = Actor(user_id=UUID(int=1), role=Role.OPERATOR)
    with context.acting(CommandContext(actor=actor, request_id="bench")):
        yield


@contextmanager
def store(settings: Settings) -> Iterator[Services]:
    with throwaway_schema(settings) as schema:
        services = Services.build(schema)
        try:
            with operator():
                services.catalog.define_default_categories()
            yield services
        finally:
            services.close()


def new_listing(services: Services) -> UUID:
    catalog = services.catalog
    product = catalog.add_product("HRC", "coil", COIL).result["product_id"]
    listing = catalog.create_listing(
        product, "Rizhao", Quantity.parse("9000000"), UnitPrice.parse("4000.00"), min_quantity=ONE
    ).result["listing_id"]
    catalog.publish_listing(listing)
    return UUID(str(listing))


def build_orders(services: Services, listing_id: UUID, orders: int) -> None:
    """``orders`` orders reserved and sold on the listing, as the service writes them."""
    ledger, now = services.ledger, datetime.now(UTC)
    listing: Listing = ledger.repository.get(listing_id)
    for start in range(0, orders, BATCH):
        claims = []
        for _ in range(start, min(start + BATCH, orders)):
            order = uuid4()
            listing.reserve(order, ONE, now)
            listing.sell(order)
            claims.append(Claim(kind=CLOSED["sold"], value=f"{listing_id}:{order}", owner_id=order))
        ledger.save(listing, *claims)
    ledger.take_snapshot(listing_id)


def build_products(services: Services, products: int) -> None:
    """``products`` products filed under PLATE, as ``add_product`` writes them."""
    ledger = services.ledger
    plate: CatalogCategory = ledger.repository.get(CatalogCategory.create_id("PLATE"))
    plate.file_product()
    ledger.save(plate)
    attributes = ProductAttributes(
        grade="Q345R",
        thickness=Decimal(20),
        width=Decimal(2200),
        length=Decimal(10000),
        standard="GB 713",
    )
    for start in range(0, products, BATCH):
        batch = range(start, min(start + BATCH, products))
        entries = [
            CatalogProduct(product=Product(uuid4(), "PLATE", f"PLATE {n}", attributes))
            for n in batch
        ]
        ledger.save(*entries)


def listing_rate(services: Services, listing_id: UUID, seconds: float) -> float:
    """Commands per second: a new order reserves 1 t, then is sold (two commands)."""
    catalog, runner = services.catalog, services.runner

    def order_and_ship(_: int) -> None:
        order = uuid4()
        now = datetime.now(UTC)
        with operator():
            runner.run(lambda uow: catalog.reserve_in(uow, listing_id, order, ONE, now))
            runner.run(lambda uow: catalog.sell_in(uow, listing_id, order))

    return 2 * timed(1, seconds, order_and_ship)[0]


def product_rate(services: Services, seconds: float) -> float:
    def add(_: int) -> None:
        with operator():  # each of timed's threads starts with no context
            services.catalog.add_product("PLATE", "plate", PLATE)

    return timed(1, seconds, add)[0]


PLATE = ProductAttributes(
    grade="Q345R", thickness=Decimal(20), width=Decimal(2200), length=Decimal(10000), standard="GB"
)


def snapshot_bytes(services: Services, aggregate_id: UUID) -> int:
    aggregate: Any = services.ledger.repository.get(aggregate_id)
    return len(services.ledger.mapper.to_stored_event(Snapshot.take(aggregate)).state)


def cold_load_ms(services: Services, aggregate_id: UUID, times: int = 20) -> float:
    took = []
    for _ in range(times):
        started = time.perf_counter()
        services.ledger.repository.get(aggregate_id)
        took.append((time.perf_counter() - started) * 1000)
    return statistics.median(took)


def alternate(
    fresh: Callable[[], float], old: Callable[[], float], rounds: int
) -> tuple[float, float]:
    """Mean rates of the two, measured turn about (the machine's load drifts during a run)."""
    pairs = [(fresh(), old()) for _ in range(rounds)]
    return statistics.mean(a for a, _ in pairs), statistics.mean(b for _, b in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="fresh and old, turn about")
    args = parser.parse_args()
    seconds, rounds = args.seconds, args.rounds
    rows: list[tuple[str, ...]] = [("measure", "per second / value", "vs baseline")]
    settings = postgres_settings(pool_size=4)
    with store(settings) as services, operator():
        raw = raw_commit_rate(services.settings, 1, seconds)
        rows.append(("raw INSERT+COMMIT, 1 client (context)", f"{raw:,.0f}", "-"))
        fresh, old = new_listing(services), new_listing(services)
        started = time.monotonic()
        build_orders(services, old, args.orders)
        built = time.monotonic() - started
        base, after = alternate(
            lambda: listing_rate(services, fresh, seconds),
            lambda: listing_rate(services, old, seconds),
            rounds,
        )
        rows.append(("listing commands, fresh listing (baseline)", f"{base:,.1f}", "1.00"))
        rows.append(
            (
                f"listing commands, after {args.orders:,} orders",
                f"{after:,.1f}",
                f"{after / base:.2f}",
            )
        )
        rows.append(
            ("listing snapshot, fresh / old (bytes)",
             f"{snapshot_bytes(services, fresh):,} / {snapshot_bytes(services, old):,}", "-")
        )  # fmt: skip
        rows.append(
            ("listing cold load p50, fresh / old (ms)",
             f"{cold_load_ms(services, fresh):.1f} / {cold_load_ms(services, old):.1f}", "-")
        )  # fmt: skip
    with store(settings) as small, store(settings) as big, operator():
        started = time.monotonic()
        build_products(big, args.products)
        built_products = time.monotonic() - started
        base, after = alternate(
            lambda: product_rate(small, seconds), lambda: product_rate(big, seconds), rounds
        )
        size = snapshot_bytes(big, CatalogCategory.create_id("PLATE"))
    rows.append(("add_product, fresh catalog (baseline)", f"{base:,.1f}", "1.00"))
    rows.append(
        (f"add_product, catalog of {args.products:,}", f"{after:,.1f}", f"{after / base:.2f}")
    )
    rows.append(("its category's snapshot (bytes)", f"{size:,}", "-"))
    print(table(rows))
    print(f"(history built in {built:.0f} s for the orders, {built_products:.0f} s for products)")


if __name__ == "__main__":
    main()
