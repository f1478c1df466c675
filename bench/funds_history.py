"""Does one account's cost grow with its history? (issue 15) Payments into ONE company's funds
account through ``FundsService.record_payment``, one client, snapshots every 100 events, up to
the Nth payment (default 50,000), on PostgreSQL (fsync on), in a throw-away schema:

    STEELYARD_PERSISTENCE=postgres POSTGRES_PORT=… .venv/bin/python -m bench.funds_history \\
        [--payments N] [--seconds S]

At checkpoints (the first thousand, a tenth, half, the end) it prints the payments/s of the last
thousand payments, the largest FundsAccount snapshot so far and the p50 of a cold
``repository.get`` (a ledger without a cache, so from the latest snapshot and the events after
it). The baseline is the same server's raw one-row INSERT + COMMIT rate, measured in the same
run at each checkpoint; the ratios: payments/s at the Nth payment ÷ at the first thousand (target
≥ 0.8), largest snapshot (≤ 64 KB), cold get p50 (≤ 5 ms).

A disk's fsync rate drifts over minutes (the raw rate itself halves and recovers), so the first
thousand, measured minutes before the last, is a noisy baseline. At the end the bench therefore
also compares in the same moments: slices of payments into the old account alternate with
slices into a fresh one (its first thousand), and the ratio is old ÷ fresh over those slices.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal

from bench.common import postgres_settings, raw_commit_rate, table, throwaway_schema
from bench.funds import open_companies
from domain import context
from domain.commands import CommandRunner
from domain.context import Actor, CommandContext, Role
from domain.funds.account import FundsAccount
from domain.funds.service import FundsService
from domain.ledger import Ledger
from domain.values import Money
from interfaces.config import Settings

WINDOW = 1_000
AMOUNT = Money(Decimal("1000.00"))


@dataclass(frozen=True)
class Checkpoint:
    payments: int
    rate: float  # payments/s over the last WINDOW payments
    raw: float  # the server's one-row commit rate, measured right after
    largest_snapshot: int  # bytes
    cold_get_ms: float  # p50


def largest_snapshot(ledger: Ledger, funds_id: uuid.UUID) -> int:
    assert ledger.snapshots is not None
    return max((len(s.state) for s in ledger.snapshots.recorder.select_events(funds_id)), default=0)


def cold_get_p50(settings: Settings, funds_id: uuid.UUID, times: int = 25) -> float:
    """A ledger without the aggregate cache: each get reads the latest snapshot and the events
    after it from the database."""
    env = {**settings.eventsourcing_env(create_table=False), "AGGREGATE_CACHE_MAXSIZE": ""}
    env.pop("AGGREGATE_CACHE_FASTFORWARD", None)
    cold = Ledger(env=env, snapshot_every={FundsAccount: 100})
    try:
        cold.repository.get(funds_id)  # the connection and statements, not counted
        samples = []
        for _ in range(times):
            started = time.perf_counter()
            cold.repository.get(funds_id)
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples)
    finally:
        cold.close()


def run(
    settings: Settings, payments: int, seconds: float
) -> tuple[list[Checkpoint], tuple[float, float]]:
    ledger = Ledger(
        env=settings.eventsourcing_env(create_table=True), snapshot_every={FundsAccount: 100}
    )
    funds = FundsService(CommandRunner(ledger))
    [company] = open_companies(ledger, 1)
    funds_id = FundsAccount.id_for(company)
    finance = CommandContext(actor=Actor(uuid.uuid4(), Role.FINANCE), request_id="bench")
    marks = sorted({min(WINDOW, payments), payments // 10, payments // 2, payments} - {0})
    checkpoints: list[Checkpoint] = []
    raw_commit_rate(settings, 1, 0.3)  # warm up
    window_started = time.perf_counter()
    with context.acting(finance):
        for n in range(1, payments + 1):
            if n % WINDOW == 1 or WINDOW == 1:
                window_started = time.perf_counter()
            funds.record_payment(company, AMOUNT, f"BANK-{n:07d}")
            if n in marks:
                counted = (n - 1) % WINDOW + 1
                rate = counted / (time.perf_counter() - window_started)
                raw = raw_commit_rate(settings, 1, seconds)
                size = largest_snapshot(ledger, funds_id)
                checkpoints.append(Checkpoint(n, rate, raw, size, cold_get_p50(settings, funds_id)))
                print(f"  {n:>7,} payments: {rate:,.0f}/s", flush=True)
    with context.acting(finance):
        same_moments = interleaved(funds, company, open_companies(ledger, 1)[0])
    ledger.close()
    return checkpoints, same_moments


def interleaved(
    funds: FundsService, old: uuid.UUID, fresh: uuid.UUID, slices: int = 10, per: int = 100
) -> tuple[float, float]:
    """Payments/s into the old account and into a fresh one, in alternating slices."""
    spent = {old: 0.0, fresh: 0.0}
    for n in range(slices):
        for company in (old, fresh) if n % 2 == 0 else (fresh, old):
            started = time.perf_counter()
            for k in range(per):
                funds.record_payment(company, AMOUNT, f"SAME-{company.hex[:8]}-{n}-{k}")
            spent[company] += time.perf_counter() - started
    return slices * per / spent[old], slices * per / spent[fresh]


def report(checkpoints: list[Checkpoint], same_moments: tuple[float, float]) -> str:
    first, last = checkpoints[0], checkpoints[-1]
    rows = [
        ("payments so far", "payments/s", "raw/s", "app/raw", "largest snapshot", "cold get p50")
    ]
    for c in checkpoints:
        start = max(1, c.payments - WINDOW + 1)
        rows.append(
            (
                f"{start:,}–{c.payments:,}",
                f"{c.rate:,.0f}",
                f"{c.raw:,.0f}",
                f"{c.rate / c.raw:.2f}",
                f"{c.largest_snapshot / 1024:,.1f} KB",
                f"{c.cold_get_ms:.2f} ms",
            )
        )
    largest = max(c.largest_snapshot for c in checkpoints)
    ratio = (last.rate / last.raw) / (first.rate / first.raw)
    targets = [
        ("measure (same run)", "value", "target"),
        (
            f"payments/s at the {last.payments:,}th ÷ at the first thousand",
            f"{last.rate / first.rate:.2f} (app/raw {last.rate / last.raw:.2f} ÷ "
            f"{first.rate / first.raw:.2f} = {ratio:.2f})",
            "≥ 0.8",
        ),
        (
            f"same moments: at the {last.payments:,}th ÷ a fresh account (alternating slices)",
            f"{same_moments[0]:,.0f}/s ÷ {same_moments[1]:,.0f}/s = "
            f"{same_moments[0] / same_moments[1]:.2f}",
            "≥ 0.8",
        ),
        ("largest FundsAccount snapshot", f"{largest / 1024:,.1f} KB", "≤ 64 KB"),
        (f"cold repository.get p50 at {last.payments:,}", f"{last.cold_get_ms:.2f} ms", "≤ 5 ms"),
    ]
    return table(rows) + "\n\n" + table(targets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=50_000)
    parser.add_argument("--seconds", type=float, default=1.0, help="per raw-rate measurement")
    args = parser.parse_args()
    with throwaway_schema(postgres_settings(pool_size=4)) as settings:
        checkpoints, same_moments = run(settings, args.payments, args.seconds)
    print("\nOne company, one client, snapshots every 100 events, PostgreSQL")
    print(report(checkpoints, same_moments))


if __name__ == "__main__":
    main()
