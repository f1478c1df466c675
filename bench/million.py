"""With a million events stored: the balances query's p99 and an aggregate's load p50 (snapshots
on), against the targets (≤ 5 ms each) and the same server's own floor measured in the same run
(issue 12), on PostgreSQL (fsync on), in a throw-away schema:

    STEELYARD_PERSISTENCE=postgres POSTGRES_PORT=… .venv/bin/python -m bench.million \\
        [--events 1000000] [--companies 2000] [--per-save 250] [--samples 1000] \\
        [--read-models-at N] [--no-catch-up]

- build: real domain events, made by the aggregates' own commands — a payment into a company's
  ``FundsAccount`` (``PaymentRecorded``) and its bank reference's ``SpentReference`` claim, as
  ``FundsService.record_payment`` writes them — saved through the Ledger (its recorder: the
  hash chain and all) with --per-save companies' payments in one insert (2 × --per-save events),
  snapshots every 100 events as the wiring sets them. The first save opens the companies.
- catch-up: the balances and fulfilment-tracking read models follow the store (what the
  balances query reads); events applied per second. At the end, or with --read-models-at N when
  the store holds N events (then the build goes on to --events): the query reads a company's own
  rows by index (its account row, buckets, bills, contracts), whose number does not grow with
  the events behind them, and a full catch-up of a million events takes longer than the build.
- balances query: what ``GET /funds/{company}/balances`` asks the read models (the dashboard's
  figures, buckets, bills and the company's trade figures), for random companies: p50 / p99.
- aggregate load: ``repository.get`` of a random company's FundsAccount by a ledger without the
  aggregate cache (from its latest snapshot and the events after it): p50 / p99; and by the
  serving ledger (cached, fast-forwarded: one query for what is new).
- floor: a primary-key SELECT of one event row on the same server, p50 / p99.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import psycopg

from bench.common import loaded_machine_note, postgres_settings, table, throwaway_schema
from domain import context
from domain.accounts.account import Account
from domain.context import Actor, CommandContext, Role
from domain.funds.account import FundsAccount, PaymentPurpose
from domain.funds.spent import BANK_REFERENCE, SpentReference, claim_value
from domain.ledger import Ledger
from domain.values import Money
from interfaces.config import Settings
from interfaces.wiring import SNAPSHOT_EVERY, Services
from projections.balances.projection import BalancesProjection
from projections.runner import ProjectionRunner
from projections.tracking.projection import TrackingProjection

AMOUNT = Money(Decimal("1000.00"))
TARGET_MS = 5.0


def open_companies(ledger: Ledger, companies: int, per_save: int) -> list[FundsAccount]:
    """The companies' accounts and funds accounts, 2 × ``per_save`` aggregates per insert."""
    accounts = [
        Account(
            admin_id=uuid.uuid4(), phone=f"137{n:08d}", name="Bench", password_hash="-",
            email=None, rules_version="bench",
        )
        for n in range(companies)
    ]  # fmt: skip
    funds = [FundsAccount(company_id=a.id) for a in accounts]
    opened = [*accounts, *funds]
    for start in range(0, len(opened), 2 * per_save):
        ledger.save(*opened[start : start + 2 * per_save])
    return funds


class Builder:
    """Payments into the companies in turn, ``per_save`` of them (each a PaymentRecorded and its
    claim) in one insert, until the store holds a given number of events."""

    def __init__(self, ledger: Ledger, funds: list[FundsAccount], per_save: int) -> None:
        self.ledger, self.funds, self.per_save = ledger, funds, per_save
        self.payments = 0
        self.seconds = 0.0

    def until(self, events: int, progress: Callable[[int], None]) -> None:
        started = time.perf_counter()
        written = self.ledger.head()
        while written < events:
            batch_funds, claims = [], []
            for _ in range(min(self.per_save, len(self.funds), max(1, (events - written) // 2))):
                account = self.funds[self.payments % len(self.funds)]
                self.payments += 1
                payment = account.record_payment(AMOUNT, f"M{self.payments:09d}")
                claims.append(
                    SpentReference(
                        kind=BANK_REFERENCE,
                        value=claim_value(BANK_REFERENCE, account.id, payment.bank_reference),
                        owner_id=account.id,
                        entry_id=payment.entry_id,
                        amount=payment.amount,
                        detail=f"{PaymentPurpose.FUNDS.value}:",
                    )
                )
                batch_funds.append(account)
            self.ledger.save(*batch_funds, *claims)
            written += 2 * len(claims)
            progress(written)
        self.seconds += time.perf_counter() - started


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered), p99


def timed_ms(call: Callable[[], object], times: int) -> list[float]:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description="a million events stored, then queried")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--companies", type=int, default=2_000)
    parser.add_argument("--per-save", type=int, default=250, help="payments per insert (250)")
    parser.add_argument("--samples", type=int, default=1_000)
    parser.add_argument("--no-catch-up", action="store_true", help="skip the read models")
    parser.add_argument(
        "--read-models-at",
        type=int,
        default=0,
        help="catch the read models up when the store holds this many events, then build on "
        "(default: at the end; the balances query reads per-company rows only)",
    )
    args = parser.parse_args()
    rows: list[tuple[str, ...]] = [("measure (same run)", "value", "target / floor")]
    finance = CommandContext(actor=Actor(uuid.uuid4(), Role.FINANCE), request_id="bench")
    with throwaway_schema(postgres_settings(pool_size=8)) as settings:
        services = Services.build(settings)
        try:
            last = [time.perf_counter()]

            def progress(written: int) -> None:
                if time.perf_counter() - last[0] > 30:
                    last[0] = time.perf_counter()
                    print(f"  {written:,} events written", flush=True)

            started = time.perf_counter()
            with context.acting(finance):
                funds = open_companies(services.ledger, args.companies, args.per_save)
                builder = Builder(services.ledger, funds, args.per_save)
                builder.seconds = time.perf_counter() - started
                caught_up_at = args.read_models_at or args.events
                if not args.no_catch_up and caught_up_at < args.events:
                    builder.until(caught_up_at, progress)
                    rows.append(catch_up(services))
                builder.until(args.events, progress)
            companies = [f.company_id for f in funds]
            head = services.ledger.head()
            rows.insert(
                1,
                (f"build: {head:,} events ({args.per_save} payments per insert)",
                 f"{builder.seconds / 60:.1f} min, {head / builder.seconds:,.0f} events/s",
                 "minutes"),
            )  # fmt: skip
            if not args.no_catch_up and caught_up_at >= args.events:
                rows.append(catch_up(services))
            pick = random.Random(12)
            categories = sorted(services.funds.known_categories)
            today = date.today()

            def balances() -> None:
                company = pick.choice(companies)
                services.balances.figures(company, today, categories)
                services.tracking.company_figures(company)

            timed_ms(balances, 50)  # warm up
            p50, p99 = percentiles(timed_ms(balances, args.samples))
            rows.append(
                ("balances query (read models) p50 / p99", f"{p50:.2f} / {p99:.2f} ms",
                 f"p99 ≤ {TARGET_MS:g} ms")
            )  # fmt: skip
            rows.extend(loads(settings, services.ledger, companies, args.samples, pick))
            rows.append(floor(settings, args.samples))
        finally:
            services.close()
    print(loaded_machine_note())
    print(table(rows))


def catch_up(services: Services) -> tuple[str, ...]:
    """The balances and fulfilment-tracking read models follow the store to its head."""
    runner = ProjectionRunner(
        services.ledger,
        services.views,
        [BalancesProjection(), TrackingProjection()],
        batch_size=2_000,
    )
    head = services.ledger.head()
    started = time.perf_counter()
    applied = runner.catch_up()
    took = time.perf_counter() - started
    return (
        f"catch-up: balances + tracking read models to event {head:,}",
        f"{applied:,} events applied, {took:.0f} s, {applied / took:,.0f}/s",
        "",
    )


def loads(
    settings: Settings,
    ledger: Ledger,
    companies: list[uuid.UUID],
    samples: int,
    pick: random.Random,
) -> list[tuple[str, ...]]:
    env = {**settings.eventsourcing_env(create_table=False), "AGGREGATE_CACHE_MAXSIZE": ""}
    env.pop("AGGREGATE_CACHE_FASTFORWARD", None)
    cold = Ledger(env=env, snapshot_every=SNAPSHOT_EVERY)
    try:
        ids = [FundsAccount.id_for(c) for c in companies]
        version: int = cold.repository.get(ids[0]).version
        timed_ms(lambda: cold.repository.get(pick.choice(ids)), 20)
        c50, c99 = percentiles(timed_ms(lambda: cold.repository.get(pick.choice(ids)), samples))
        for funds_id in ids:  # every account in the serving ledger's cache
            ledger.repository.get(funds_id)
        w50, w99 = percentiles(timed_ms(lambda: ledger.repository.get(pick.choice(ids)), samples))
    finally:
        cold.close()
    return [
        (f"FundsAccount load, no cache (~{version} events, snapshots every 100) p50 / p99",
         f"{c50:.2f} / {c99:.2f} ms", f"p50 ≤ {TARGET_MS:g} ms"),
        ("FundsAccount load, serving ledger (cached, fast-forward) p50 / p99",
         f"{w50:.2f} / {w99:.2f} ms", ""),
    ]  # fmt: skip


def floor(settings: Settings, samples: int) -> tuple[str, ...]:
    """The server's own floor: one event row by primary key, one round trip."""
    with psycopg.connect(settings.postgres.conninfo(), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT originator_id, originator_version FROM steelyard_events "
            "ORDER BY random() LIMIT 200"
        ).fetchall()
        pick = random.Random(7)

        def one() -> None:
            conn.execute(
                "SELECT state FROM steelyard_events "
                "WHERE originator_id = %s AND originator_version = %s",
                pick.choice(rows),
            ).fetchall()

        timed_ms(one, 20)
        p50, p99 = percentiles(timed_ms(one, samples))
    return ("floor: one event row by primary key p50 / p99", f"{p50:.2f} / {p99:.2f} ms", "")


if __name__ == "__main__":
    main()
