"""What tamper evidence costs on the command path, and how fast the whole store verifies: all
measured in one run on the same PostgreSQL server (run it on one with fsync on, not the test
suite's throw-away cluster).

    STEELYARD_PERSISTENCE=postgres POSTGRES_HOST=… POSTGRES_PORT=… POSTGRES_DBNAME=… \\
    POSTGRES_USER=… POSTGRES_PASSWORD=… .venv/bin/python -m bench.hashing [SECONDS]

Two throw-away schemas side by side: one store written by the hashing recorders (every event
chained and appended to the Merkle tree in its own transaction), one by the library's plain
recorder (the baseline). In each, for SECONDS (default 3) per row:

- payments/s: ``FundsService.record_payment`` as finance (the group-commit path), 1 client and
  16 clients, each client paying into its own companies;
- bulk events/s: 10,000-event inserts straight through the recorder (hashing's share of a
  batch's cost, without the domain);
- verify: ``StoreCheck`` over the whole hashed store (every chain and the tree recomputed), in
  events/s.
"""

from __future__ import annotations

import sys
import time
import uuid

from eventsourcing.persistence import StoredEvent

from bench.common import loaded_machine_note, postgres_settings, throwaway_schema
from bench.funds import PER_CLIENT, open_companies, payments_per_second
from domain.commands import CommandRunner
from domain.funds.service import FundsService
from domain.ledger import Ledger
from interfaces.config import Settings
from interfaces.integrity.keys import SigningKey
from interfaces.persistence.integrity_log import IntegrityLog
from interfaces.persistence.store_check import StoreCheck

PLAIN = "eventsourcing.postgres:PostgresApplicationRecorder"
BULK = 10_000
CLIENTS = 16


def ledger_for(settings: Settings, hashing: bool) -> Ledger:
    env = settings.eventsourcing_env(create_table=True)
    if not hashing:
        env["APPLICATION_RECORDER_TOPIC"] = PLAIN
    return Ledger(env=env)


def bulk_rate(ledger: Ledger, seconds: float) -> float:
    state = b'{"amount":{"_t":"dec","_v":"1000.00"},"reference":"bulk"}'
    written, stop = 0, time.monotonic() + seconds
    started = time.perf_counter()
    while time.monotonic() < stop:
        streams = [uuid.uuid4() for _ in range(BULK // 100)]
        ledger.recorder.insert_events(
            [StoredEvent(s, v, "bench:Bulk.Event", state) for s in streams for v in range(1, 101)]
        )
        written += BULK
    return written / (time.perf_counter() - started)


def measure(hashed: Settings, plain: Settings, seconds: float) -> None:
    rows: list[tuple[str, float, float]] = []
    ledgers = {True: ledger_for(hashed, True), False: ledger_for(plain, False)}
    pools = {}
    for hashing, ledger in ledgers.items():
        companies = open_companies(ledger, CLIENTS * PER_CLIENT)
        pools[hashing] = [companies[i * PER_CLIENT : (i + 1) * PER_CLIENT] for i in range(CLIENTS)]
        payments_per_second(FundsService(CommandRunner(ledger)), pools[hashing], 0.5)  # warm up
    for clients in (1, CLIENTS):
        rates = {}
        for hashing, ledger in ledgers.items():
            funds = FundsService(CommandRunner(ledger))
            rates[hashing], _ = payments_per_second(funds, pools[hashing][:clients], seconds)
        rows.append((f"payments/s, {clients} client(s)", rates[True], rates[False]))
    bulk = {hashing: bulk_rate(ledger, seconds) for hashing, ledger in ledgers.items()}
    rows.append((f"bulk events/s, {BULK:,} per insert", bulk[True], bulk[False]))
    log = IntegrityLog.of(ledgers[True])
    log.take_checkpoint(SigningKey.generate())
    started = time.perf_counter()
    report = StoreCheck(log, None).run()
    verify_rate = report.events / (time.perf_counter() - started)
    for ledger in ledgers.values():
        ledger.close()
    print_table(rows, seconds, verify_rate, report.events, report.ok)


def print_table(
    rows: list[tuple[str, float, float]], seconds: float, verify: float, events: int, ok: bool
) -> None:
    print(f"\nPostgreSQL: {loaded_machine_note(seconds)}")
    print(f"{'what':<40} {'hashed':>10} {'plain':>10} {'hashed/plain':>13}")
    for what, with_hashing, without in rows:
        print(
            f"{what:<40} {with_hashing:>10,.0f} {without:>10,.0f} {with_hashing / without:>13.2f}"
        )
    verdict = "verifies" if ok else "DOES NOT VERIFY"
    print(f"verify, whole store ({events:,} events, {verdict}): {verify:,.0f} events/s")


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    base = postgres_settings(pool_size=CLIENTS + 4)
    with throwaway_schema(base) as hashed, throwaway_schema(base) as plain:
        measure(hashed, plain, seconds)


if __name__ == "__main__":
    main()
