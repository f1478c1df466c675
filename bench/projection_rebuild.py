"""How fast every read model catches up, against the one-event save rate of the same run.

    STEELYARD_PERSISTENCE=postgres POSTGRES_PORT=… .venv/bin/python -m bench.projection_rebuild \
        [ROUNDS] [BATCH_SIZE]

The store gets a mixed history through the ordinary services: the demo (accounts, payments,
catalog, contracts through settlement, intents, auctions), then ROUNDS rounds of 16 customers
each checking out a tonne and being paid for it. Then, in the same schema, the baseline: one
event per ``save()`` for a few seconds (the eventsourcing library's own write path). Then every
projection is rebuilt from the first event on its own (into new tables, as ``steelyard rebuild``
does, digests and switch included) and timed twice: with every write sent at its ``execute``
(the old way, ``buffered=False``) and with writes kept and sent together (the default).
Events/s is every event of the store read and applied (a projection skips the events it does
not handle, which is part of its catch-up), ÷ the save rate (issue 12: ≥ 10×).

Without STEELYARD_PERSISTENCE=postgres it runs on SQLite files in a temporary folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from bench.checkout import _as, _code
from bench.common import table, throwaway_schema
from domain import context
from domain.accounts.account import CompanyInfo
from domain.accounts.staff import RegistryEntry
from domain.catalog.catalog import ProductAttributes
from domain.context import CommandContext, Role
from domain.unit_of_work import UnitOfWork
from domain.values import Money, Quantity, UnitPrice
from interfaces import demo
from interfaces.config import Settings
from interfaces.wiring import Services
from projections.all import all_projections
from projections.runner import ProjectionRunner
from tests.projections.sample import Widget

SAVE_SECONDS = 2.0
CUSTOMERS = 16


def workload(services: Services, rounds: int) -> None:
    """The demo, then ``rounds`` × CUSTOMERS checkouts of a tonne, each paid into the account."""
    demo.seed(services)
    buyers, listings = customers(services)
    finance = _staff(services, "13900000002")
    for n in range(rounds):
        for i, (account, admin) in enumerate(buyers):
            with _as(services, finance, Role.FINANCE):
                services.funds.record_payment(account, Money.parse("4000.00"), f"R{n}-{i}", "HRC")
            with _as(services, admin, Role.BUYER_ADMIN, account):
                line = ((listings[i], Quantity.parse("1")),)
                services.orders.checkout(account, "Dock", None, line)


def customers(services: Services) -> tuple[list[tuple[UUID, UUID]], list[UUID]]:
    """CUSTOMERS certified companies (in the ERP registry), each with a listing of its own."""
    operator = _staff(services, "13900000001")
    with context.acting(CommandContext(request_id="bench")):
        services.identity.import_registry(
            tuple(RegistryEntry(_code(n), f"Bench {n}", f"B{n}", "east") for n in range(CUSTOMERS)),
            "bench",
        )
    buyers = []
    for n in range(CUSTOMERS):
        with context.acting(CommandContext(request_id="bench")):
            got = services.accounts.register(f"1370000{n:04d}", "Bench-pass-1", "", None, True)
        account, admin = got.result["account_id"], got.result["user_id"]
        with _as(services, admin, Role.BUYER_ADMIN, account):
            services.accounts.bind_company(
                account, CompanyInfo(f"Bench {n}", _code(n), "-", "east")
            )
        buyers.append((account, admin))
    with _as(services, operator, Role.OPERATOR):
        product = services.catalog.add_product(
            "HRC",
            "bench coil",
            ProductAttributes("Q235B", Decimal(3), Decimal(1500), standard="GB/T 3274"),
        ).result["product_id"]
        listings = []
        for _ in range(CUSTOMERS):
            listing = services.catalog.create_listing(
                product, "Rizhao", Quantity.parse("1000000"), UnitPrice.parse("4000.00"),
                min_quantity=Quantity.parse("0.001"),
            ).result["listing_id"]  # fmt: skip
            services.catalog.publish_listing(listing)
            listings.append(listing)
    return buyers, listings


def _staff(services: Services, phone: str) -> UUID:
    found = UnitOfWork(services.ledger).owner_of("login", phone)
    if found is None:
        raise RuntimeError(f"no demo staff {phone}")
    return found


def save_rate(services: Services, seconds: float) -> float:
    """One Widget event per ``save()``: the library's one-event write rate here, now."""
    saved, stop = 0, time.monotonic() + seconds
    started = time.monotonic()
    while time.monotonic() < stop:
        services.ledger.save(Widget(name="bench"))
        saved += 1
    return saved / (time.monotonic() - started)


def rebuild_rate(services: Services, name: str, batch_size: int, buffered: bool) -> float:
    """Events per second of one projection rebuilt on its own, every event of the store."""
    projection = next(p for p in all_projections() if p.name == name)
    runner = ProjectionRunner(
        services.ledger, services.views, [projection], batch_size=batch_size, buffered=buffered
    )
    started = time.perf_counter()
    applied = runner.rebuild()
    return applied / (time.perf_counter() - started)


def measure(settings: Settings, rounds: int, batch_size: int) -> None:
    services = Services.build(settings)
    try:
        started = time.perf_counter()
        workload(services, rounds)
        events = services.ledger.head()
        took = time.perf_counter() - started
        print(f"{settings.persistence}: {events} events written in {took:.1f}s")
        rates = {
            p.name: (
                rebuild_rate(services, p.name, batch_size, buffered=False),
                rebuild_rate(services, p.name, batch_size, buffered=True),
            )
            for p in all_projections()
        }
        saves = save_rate(services, SAVE_SECONDS)  # last: its events would be read above
    finally:
        services.close()
    rows = [
        ("catch-up of", "one write at a time /s", "÷ save", "writes sent together /s", "÷ save")
    ]
    rows.append(("(baseline: one event per save())", f"{saves:,.0f}", "1.0", "", ""))
    for name, (old, new) in rates.items():
        rows.append(
            (name, f"{old:,.0f}", f"{old / saves:.1f}", f"{new:,.0f}", f"{new / saves:.1f}")
        )
    print(f"{events} events, batches of {batch_size}; target: ≥ 10× the save rate")
    print(table(rows))


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    batch_size = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    env = {**os.environ, "STEELYARD_SECRET_KEY": "bench-secret-of-at-least-32-bytes-long"}
    env |= {"STEELYARD_PASSWORD_HASH_COST": "fast", "STEELYARD_ALLOW_DEV_SECRET": "1"}
    with tempfile.TemporaryDirectory() as folder:
        base = Settings.from_env(env | {"STEELYARD_SQLITE_PATH": str(Path(folder) / "s.db")})
        if base.persistence != "postgres":
            measure(base, rounds, batch_size)
            return
        with throwaway_schema(base) as settings:
            measure(settings, rounds, batch_size)


if __name__ == "__main__":
    main()
