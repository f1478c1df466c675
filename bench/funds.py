"""How fast the funds ledger takes payments, against what the database allows, and how fast the
balances read model follows: all measured in one run on the same PostgreSQL server.

    STEELYARD_PERSISTENCE=postgres POSTGRES_HOST=… POSTGRES_PORT=… POSTGRES_DBNAME=… \\
    POSTGRES_USER=… POSTGRES_PASSWORD=… .venv/bin/python -m bench.funds [SECONDS]

Everything happens in a throw-away schema, dropped afterwards.

- payments/s: ``FundsService.record_payment`` (the application, no HTTP) as finance, each with a
  fresh bank reference, for SECONDS (default 3) per row. Each client thread pays into its own
  8 companies in turn (distinct companies: no two clients touch the same account); the last row
  has all 16 clients paying into ONE company, to show optimistic-concurrency retries. A payment
  is one atomic write of two events (PaymentRecorded and the bank reference's Claim).
- raw: one-row INSERT + COMMIT on a plain table, one connection per client: the server's ceiling
  for one transaction per command at that concurrency.
- catch-up: the balances and funds-tracking projections over every event written above (batches
  of 500), events applied per second.

Half a second of payments and raw inserts warms the connection pools up first (not counted).
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from decimal import Decimal

from bench.common import postgres_settings, raw_commit_rate, throwaway_schema, timed
from domain import context
from domain.accounts.account import Account
from domain.context import Actor, CommandContext, Role
from domain.errors import ConcurrencyError
from domain.funds.account import FundsAccount
from domain.funds.service import FundsService
from domain.ledger import CommandRunner, Ledger
from domain.values import Money
from interfaces.config import Settings
from projections.backends import open_views
from projections.balances.projection import BalancesProjection
from projections.base import Projection
from projections.database import ViewDatabase
from projections.funds_tracking.projection import FundsTrackingProjection
from projections.runner import ProjectionRunner

CLIENTS = 16
PER_CLIENT = 8
AMOUNT = Money(Decimal("1000.00"))


def open_companies(ledger: Ledger, count: int) -> list[uuid.UUID]:
    """Customer accounts with their funds accounts opened, saved 100 aggregates at a time."""
    accounts = [
        Account(
            admin_id=uuid.uuid4(), phone=f"138{n:08d}", name="Bench", password_hash="-",
            email=None, rules_version="bench",
        )
        for n in range(count)
    ]  # fmt: skip
    funds = [FundsAccount(company_id=a.id) for a in accounts]
    both = [*accounts, *funds]
    for start in range(0, len(both), 100):
        ledger.save(*both[start : start + 100])
    return [a.id for a in accounts]


def payments_per_second(
    funds: FundsService, pools: list[list[uuid.UUID]], seconds: float
) -> tuple[float, int]:
    finance = CommandContext(actor=Actor(uuid.uuid4(), Role.FINANCE), request_id="bench")
    turns = [0] * len(pools)

    def pay(client: int) -> bool:
        pool = pools[client]
        company = pool[turns[client] % len(pool)]
        turns[client] += 1
        with context.acting(finance):
            try:
                funds.record_payment(company, AMOUNT, f"B{client}-{uuid.uuid4().hex}")
            except ConcurrencyError:
                return False
        return True

    return timed(len(pools), seconds, pay)


def catch_up_rate(ledger: Ledger, views: ViewDatabase, projection: Projection) -> float:
    runner = ProjectionRunner(ledger, views, [projection], batch_size=500)
    started = time.perf_counter()
    applied = runner.catch_up()
    return applied / (time.perf_counter() - started)


def measure(settings: Settings, seconds: float) -> None:
    ledger = Ledger(env=settings.eventsourcing_env(create_table=True))
    views = open_views(settings)
    funds = FundsService(CommandRunner(ledger))
    companies = open_companies(ledger, CLIENTS * PER_CLIENT)
    pools = [companies[i * PER_CLIENT : (i + 1) * PER_CLIENT] for i in range(CLIENTS)]
    payments_per_second(funds, pools, 0.5)  # warm up: pools filled, statements prepared
    raw_commit_rate(settings, CLIENTS, 0.3)
    rows: list[tuple[str, float, float | None, str]] = []
    for clients in (1, CLIENTS):
        app, _ = payments_per_second(funds, pools[:clients], seconds)
        raw = raw_commit_rate(settings, clients, seconds)
        rows.append((f"payments, {clients} client(s), distinct companies", app, raw, ""))
    one = [pools[0][:1]] * CLIENTS
    same, gave_up = payments_per_second(funds, one, seconds)
    rows.append((f"payments, {CLIENTS} clients, ONE company", same, None, f"{gave_up} gave up"))
    events = ledger.head()
    for projection in (BalancesProjection(), FundsTrackingProjection()):
        rate = catch_up_rate(ledger, views, projection)
        rows.append((f"catch-up {projection.name} ({events} events)", rate, None, "events/s"))
    views.close()
    ledger.close()
    print_table(rows, seconds)


def print_table(rows: list[tuple[str, float, float | None, str]], seconds: float) -> None:
    print(f"\nPostgreSQL, {seconds:g} s per measurement, {os.cpu_count()} CPUs")
    print(f"{'what':<52} {'per s':>9} {'raw/s':>9} {'app/raw':>8}  note")
    for what, rate, raw, note in rows:
        raw_text = f"{raw:>9,.0f}" if raw else f"{'':>9}"
        ratio = f"{rate / raw:>8.2f}" if raw else f"{'':>8}"
        print(f"{what:<52} {rate:>9,.0f} {raw_text} {ratio}  {note}")


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    with throwaway_schema(postgres_settings(pool_size=CLIENTS + 4)) as settings:
        measure(settings, seconds)


if __name__ == "__main__":
    main()
