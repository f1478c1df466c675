"""How fast the funds ledger takes payments, against what the database allows and against the
plain eventsourcing peer (``bench/plain_peer.py``), all measured in one run on the same
PostgreSQL server (issue 12's goals table).

    STEELYARD_PERSISTENCE=postgres POSTGRES_HOST=… POSTGRES_PORT=… POSTGRES_DBNAME=… \\
    POSTGRES_USER=… POSTGRES_PASSWORD=… .venv/bin/python -m bench.funds \\
        [--seconds 3] [--clients 1,16,64] [--hot 16] [--no-peer] [--catch-up]

Everything happens in a throw-away schema, dropped afterwards.

- payments/s: ``FundsService.record_payment`` (the application, no HTTP, its group commit) as
  finance, each with a fresh bank reference, for SECONDS per row. Each client thread pays into
  its own 8 companies in turn (distinct companies: no two clients touch the same account). A
  payment is one atomic write of two events (PaymentRecorded and the bank reference's claim).
- raw: one-row INSERT + COMMIT on a plain table, one connection per client: the server's ceiling
  for one transaction per command at that concurrency.
- peer: the plain eventsourcing peer, same clients, same server (``bench/plain_peer.py``).
- hot spot: --hot clients all paying into ONE company ÷ the same clients on distinct companies;
  "gave up" counts commands refused with ConcurrencyError (target 0).
- --catch-up: the balances and funds-tracking projections over every event written above
  (batches of 500), events applied per second (``bench.projection_rebuild`` is the full bench).

Half a second of each warms the connection pools up first (not counted).
"""

from __future__ import annotations

import argparse
import time
import uuid
from decimal import Decimal

from bench.common import (
    client_counts,
    loaded_machine_note,
    postgres_settings,
    ratio,
    raw_commit_rate,
    table,
    throwaway_schema,
    timed,
)
from bench.plain_peer import open_accounts, open_peer, peer_payments_per_second
from domain import context
from domain.accounts.account import Account
from domain.commands import CommandRunner
from domain.context import Actor, CommandContext, Role
from domain.errors import ConcurrencyError
from domain.funds.account import FundsAccount
from domain.funds.service import FundsService
from domain.ledger import Ledger
from domain.values import Money
from interfaces.config import Settings
from projections.backends import open_views
from projections.balances.projection import BalancesProjection
from projections.base import Projection
from projections.database import ViewDatabase
from projections.funds_tracking.projection import FundsTrackingProjection
from projections.runner import ProjectionRunner

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


def measure(
    settings: Settings, seconds: float, counts: list[int], hot: int, peer: bool, catch_up: bool
) -> None:
    most = max([*counts, hot])
    ledger = Ledger(env=settings.eventsourcing_env(create_table=True))
    views = open_views(settings)
    batches: list[int] = []
    funds = FundsService(CommandRunner(ledger, on_batch=lambda size, _: batches.append(size)))
    companies = open_companies(ledger, most * PER_CLIENT)
    pools = [companies[i * PER_CLIENT : (i + 1) * PER_CLIENT] for i in range(most)]
    plain = open_peer(settings, most + 4) if peer else None
    peer_pools: list[list[uuid.UUID]] = []
    if plain is not None:
        accounts = open_accounts(plain, most * PER_CLIENT)
        peer_pools = [accounts[i * PER_CLIENT : (i + 1) * PER_CLIENT] for i in range(most)]
        peer_payments_per_second(plain, peer_pools, 0.5)
    payments_per_second(funds, pools, 0.5)  # warm up: pools filled, statements prepared
    raw_commit_rate(settings, most, 0.3)
    rows: list[tuple[str, ...]] = [
        ("clients", "app payments/s", "raw commits/s", "app/raw", "peer/s", "app/peer", "note")
    ]
    distinct: dict[int, float] = {}
    for clients in counts:
        del batches[:]
        app, gave_up = payments_per_second(funds, pools[:clients], seconds)
        mean_batch = sum(batches) / len(batches) if batches else 0.0
        raw = raw_commit_rate(settings, clients, seconds)
        rate = peer_payments_per_second(plain, peer_pools[:clients], seconds)[0] if plain else 0.0
        distinct[clients] = app
        rows.append(
            (
                f"{clients}, distinct companies", f"{app:,.0f}", f"{raw:,.0f}", ratio(app, raw),
                f"{rate:,.0f}" if plain else "–", ratio(app, rate),
                f"{gave_up} gave up, {mean_batch:.1f} commands/commit",
            )
        )  # fmt: skip
    if hot not in distinct:
        distinct[hot] = payments_per_second(funds, pools[:hot], seconds)[0]
    one = [pools[0][:1]] * hot
    del batches[:]
    same, gave_up = payments_per_second(funds, one, seconds)
    mean_batch = sum(batches) / len(batches) if batches else 0.0
    print(loaded_machine_note(seconds))
    print("\npayments through FundsService.record_payment (PaymentRecorded + its bank-reference")
    print("claim in one write) ÷ raw one-row INSERT+COMMIT ÷ the plain eventsourcing peer")
    print(table(rows))
    hot_rows: list[tuple[str, ...]] = [
        ("hot spot", "payments/s", "same clients, distinct", "hot/distinct", "gave up", "target")
    ]
    hot_rows.append(
        (
            f"{hot} clients, ONE company", f"{same:,.0f}", f"{distinct[hot]:,.0f}",
            ratio(same, distinct[hot]), f"{gave_up} ({mean_batch:.1f} commands/commit)",
            "≥ 0.8, 0 gave up",
        )
    )  # fmt: skip
    print()
    print(table(hot_rows))
    events = ledger.head()
    if catch_up:
        catch_rows: list[tuple[str, ...]] = [("catch-up (over the events above)", "events/s")]
        for projection in (BalancesProjection(), FundsTrackingProjection()):
            rate = catch_up_rate(ledger, views, projection)
            catch_rows.append((f"{projection.name} ({events:,} events)", f"{rate:,.0f}"))
        print()
        print(table(catch_rows))
    views.close()
    if plain is not None:
        plain.close()
    ledger.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="payments/s against raw commits and the peer")
    parser.add_argument("seconds_pos", nargs="?", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement (3)")
    parser.add_argument("--clients", default="1,16,64", help="client counts (1,16,64)")
    parser.add_argument("--hot", type=int, default=16, help="clients on the one company (16)")
    parser.add_argument("--no-peer", action="store_true", help="skip the plain eventsourcing peer")
    parser.add_argument("--catch-up", action="store_true", help="also time two projections")
    args = parser.parse_args()
    seconds = args.seconds_pos or args.seconds
    counts = client_counts(args.clients)
    most = max([*counts, args.hot])
    with throwaway_schema(postgres_settings(pool_size=most + 4)) as settings:
        measure(settings, seconds, counts, args.hot, not args.no_peer, args.catch_up)


if __name__ == "__main__":
    main()
