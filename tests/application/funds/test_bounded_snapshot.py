"""An account's cost does not grow with its history (issue 15): the FundsAccount snapshot
after 2,000 events is about the size of the one after 200. The history — payments, contracts
reserved, settled and post-settled, refunds and transfers decided — is in the events; the
account keeps only what is open."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain import context
from domain.context import CommandContext, FrozenClock
from domain.funds.account import FundsAccount
from domain.ledger import Ledger
from domain.values import Money
from interfaces.config import Settings


@pytest.fixture
def ledger(settings: Settings) -> Iterator[Ledger]:
    app = Ledger(env=settings.eventsourcing_env(), snapshot_every={FundsAccount: 100})
    with context.acting(CommandContext(clock=FrozenClock(datetime(2026, 3, 1, 2, tzinfo=UTC)))):
        yield app
    app.close()


def _a_day_of_business(funds: FundsAccount, n: int) -> None:
    """Ten events: payments, a contract reserved, settled and post-settled, a refund paid, a
    transfer approved, another rejected."""
    cny = Money.parse
    funds.record_payment(cny("5000.00"), f"PAY-{n}-A", "HRC")
    funds.record_payment(cny("1000.00"), f"PAY-{n}-B")
    contract = uuid4()
    funds.reserve(contract, "HRC", cny("3000.00"))
    funds.settle(contract, cny("2000.00"))
    funds.post_settle(contract, cny("2950.00"))
    refund = funds.request_refund(cny("100.00"), memo=f"refund {n}")
    funds.approve_refund(refund.refund_id)
    funds.mark_refund_paid(refund.refund_id, f"OUT-{n}")
    sent = funds.request_transfer(cny("50.00"), "HRC", "PLATE", memo=f"move {n}")
    funds.approve_transfer(sent.transfer_id)


def _largest_snapshot_after(ledger: Ledger, events: int) -> int:
    funds = FundsAccount(company_id=uuid4())
    ledger.save(funds)  # Opened: version 1
    n = 0
    while funds.version < events:
        for _ in range(5):  # 50 events a save
            _a_day_of_business(funds, n)
            n += 1
        ledger.save(funds)
    assert ledger.snapshots is not None
    snapshots = list(ledger.snapshots.recorder.select_events(funds.id))
    assert snapshots, "snapshots are taken every 100 events"
    return max(len(s.state) for s in snapshots[-2:])


def test_the_funds_snapshot_does_not_grow_with_the_history(ledger: Ledger) -> None:
    small = _largest_snapshot_after(ledger, 200)
    large = _largest_snapshot_after(ledger, 2_000)
    assert large <= small * 1.1 + 256, (small, large)  # before issue 15: 168 KB and 1.7 MB
    assert large < 8_000  # a few KB: buckets, the credit line, nothing of the past
