"""Reconciliation while customers are paying: a report under load is as true as one at rest.

The balances view follows the store a little behind the writers; reconciliation must compare
each account's view row with the account replayed to the same version, so a busy store yields
no false difference, a tampered row is still named, and a run stays quick.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from uuid import UUID

import pytest

from domain.context import FrozenClock
from interfaces.config import Settings
from interfaces.reconcile import reconciler
from interfaces.wiring import Services
from projections.balances.reconcile import Reconciliation
from tests.projections.funds_story import START, acting, cny, new_company

PAYERS = 6
RUNS = 10


@pytest.fixture
def services(pg_settings: Settings) -> Iterator[Services]:
    running = Services.build(pg_settings, clock=FrozenClock(START))
    running.projections.start()
    yield running
    running.close()


class Payers:
    """``PAYERS`` clients recording payments into the busy companies until stopped."""

    def __init__(self, services: Services, companies: list[UUID]) -> None:
        self.services = services
        self.companies = companies
        self.stop = threading.Event()
        self.paid = 0
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._pay, args=(n,), daemon=True) for n in range(PAYERS)
        ]

    def __enter__(self) -> Payers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(30)

    def _pay(self, n: int) -> None:
        company = self.companies[n % len(self.companies)]
        count = 0
        try:
            with acting(self.services.clock):  # type: ignore[arg-type]
                while not self.stop.is_set():
                    count += 1
                    self.services.funds.record_payment(company, cny("1.25"), f"LOAD-{n}-{count}")
                    with self._lock:
                        self.paid += 1
        except BaseException as exc:  # the test reports it
            self.errors.append(exc)


def _paid_in(services: Services, companies: list[UUID], each: int) -> None:
    with acting(services.clock):  # type: ignore[arg-type]
        for company in companies:
            for n in range(each):
                services.funds.record_payment(company, cny("10"), f"START-{company}-{n}")


def test_reconciliations_while_customers_pay_report_no_false_difference(
    services: Services,
) -> None:
    busy = [new_company(services.ledger) for _ in range(3)]
    quiet = new_company(services.ledger)
    _paid_in(services, [*busy, quiet], 20)
    assert services.projections.wait(services.ledger.head(), 10)
    results: list[tuple[float, Reconciliation]] = []
    with Payers(services, busy) as payers:
        while payers.paid < 20:  # the clients are paying before the first run
            time.sleep(0.01)
        for _ in range(RUNS):
            started = time.monotonic()
            result = reconciler(services).run()
            results.append((time.monotonic() - started, result))
        paid_during = payers.paid
    assert not payers.errors, payers.errors
    assert paid_during > 2 * RUNS  # the store really was busy throughout
    reported = [d for _, result in results for d in result.differences]
    assert reported == []
    assert all(result.companies == 4 for _, result in results)
    slowest = max(seconds for seconds, _ in results)
    print(f"\n{RUNS} reconciliations, {paid_during} payments meanwhile, slowest {slowest:.2f}s")
    assert slowest < 3.0


def test_a_tampered_row_is_named_while_others_pay(services: Services) -> None:
    busy = [new_company(services.ledger) for _ in range(2)]
    quiet = new_company(services.ledger)
    _paid_in(services, [*busy, quiet], 5)
    assert services.projections.wait(services.ledger.head(), 10)
    with services.views.transaction() as tx:
        tx.execute(
            "UPDATE fund_buckets SET amount = %s WHERE company_id = %s AND bucket = 'unallocated'",
            (Decimal("49.00"), quiet),
        )
    with Payers(services, busy) as payers:
        while payers.paid < 10:
            time.sleep(0.01)
        result = reconciler(services).run()
    assert [(d.company_id, d.figure, d.view, d.replayed) for d in result.differences] == [
        (quiet, "bucket unallocated", "49.00", "50.00")
    ]
