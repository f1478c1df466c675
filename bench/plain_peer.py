"""The plain eventsourcing peer: what a team would write with the library as its documentation
shows it, for ``bench.funds`` to measure Steelyard's command path against (issue 12).

An ``Application`` subclass, an ``Aggregate`` with one event per payment (the same fields as
Steelyard's ``PaymentRecorded``: amount, bank reference, category, purpose, entry id), each
command ``repository.get`` → trigger the event → ``save``, one transaction per command. The
library's own PostgreSQL recorder and JSON transcoder (the peer's tables, ``plainpeer_events``,
live in the same throw-away schema of the same server). Nothing Steelyard adds: no store-wide
bank-reference claim (so it writes one event per payment where Steelyard writes two), no
idempotency, no hash chain, no retry (a conflict is counted as "gave up").

    STEELYARD_PERSISTENCE=postgres POSTGRES_PORT=… .venv/bin/python -m bench.plain_peer [SECONDS]

prints the peer alone against raw one-row commits (1, 16, 64 clients); ``bench.funds`` runs it
beside the application.
"""

from __future__ import annotations

import argparse
import uuid
from decimal import Decimal

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding

from bench.common import (
    loaded_machine_note,
    postgres_settings,
    raw_commit_rate,
    table,
    throwaway_schema,
    timed,
)
from interfaces.config import Settings


class DecimalAsStr(Transcoding):
    """The documentation's way to teach the JSON transcoder a value type."""

    type = Decimal
    name = "decimal_str"

    def encode(self, obj: Decimal) -> str:
        return str(obj)

    def decode(self, data: str) -> Decimal:
        return Decimal(data)


class PeerFunds(Aggregate):
    """A company's money, the tutorial way: state changed by the event's decorated method."""

    @event("Opened")
    def __init__(self, company_id: uuid.UUID) -> None:
        self.company_id = company_id
        self.unallocated = Decimal("0")
        self.payments = 0

    @event("PaymentRecorded")
    def record_payment(
        self,
        amount: Decimal,
        bank_reference: str,
        category: str | None,
        purpose: str,
        entry_id: uuid.UUID,
    ) -> None:
        self.unallocated += amount
        self.payments += 1


class PlainPeer(Application[uuid.UUID]):
    name = "plainpeer"

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DecimalAsStr())

    def open_account(self, company_id: uuid.UUID) -> uuid.UUID:
        account = PeerFunds(company_id)
        self.save(account)
        return account.id

    def record_payment(self, account_id: uuid.UUID, amount: Decimal, bank_reference: str) -> None:
        account: PeerFunds = self.repository.get(account_id)
        account.record_payment(amount, bank_reference, None, "funds", uuid.uuid4())
        self.save(account)


def peer_env(settings: Settings, pool_size: int) -> dict[str, str]:
    """The library's own PostgreSQL persistence (no Steelyard recorder or transcoder)."""
    pg = settings.postgres
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_HOST": pg.host,
        "POSTGRES_PORT": str(pg.port),
        "POSTGRES_DBNAME": pg.dbname,
        "POSTGRES_USER": pg.user,
        "POSTGRES_PASSWORD": pg.password,
        "POSTGRES_SCHEMA": pg.schema,
        "POSTGRES_POOL_SIZE": str(pool_size),
        "POSTGRES_LOCK_TIMEOUT": "10",
        "CREATE_TABLE": "y",
    }


def open_peer(settings: Settings, pool_size: int) -> PlainPeer:
    return PlainPeer(env=peer_env(settings, pool_size))


def open_accounts(peer: PlainPeer, count: int) -> list[uuid.UUID]:
    """One account per company, opened up front (one save each, not counted)."""
    return [peer.open_account(uuid.uuid4()) for _ in range(count)]


def peer_payments_per_second(
    peer: PlainPeer, pools: list[list[uuid.UUID]], seconds: float
) -> tuple[float, int]:
    """Payments/s with one thread per pool of accounts, each paying into its accounts in turn;
    and how many gave up (a concurrent writer saved first: the peer has no retry)."""
    turns = [0] * len(pools)
    amount = Decimal("1000.00")

    def pay(client: int) -> bool:
        pool = pools[client]
        account = pool[turns[client] % len(pool)]
        turns[client] += 1
        try:
            peer.record_payment(account, amount, f"P{client}-{uuid.uuid4().hex}")
        except IntegrityError:
            return False
        return True

    return timed(len(pools), seconds, pay)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--clients", default="1,16,64", help="comma-separated client counts")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",")]
    most = max(counts)
    rows: list[tuple[str, ...]] = [("clients", "peer payments/s", "raw commits/s", "peer/raw", "")]
    with throwaway_schema(postgres_settings(pool_size=most + 4)) as settings:
        peer = open_peer(settings, most + 4)
        try:
            accounts = open_accounts(peer, most * 8)
            pools = [accounts[i * 8 : (i + 1) * 8] for i in range(most)]
            peer_payments_per_second(peer, pools, 0.5)  # warm up, not counted
            for n in counts:
                rate, gave_up = peer_payments_per_second(peer, pools[:n], args.seconds)
                raw = raw_commit_rate(settings, n, args.seconds)
                rows.append(
                    (
                        str(n),
                        f"{rate:,.0f}",
                        f"{raw:,.0f}",
                        f"{rate / raw:.2f}",
                        f"{gave_up} gave up",
                    )
                )
        finally:
            peer.close()
    print(loaded_machine_note(args.seconds))
    print(table(rows))


if __name__ == "__main__":
    main()
