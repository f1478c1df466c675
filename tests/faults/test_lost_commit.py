"""A command without an Idempotency-Key is applied exactly once even when PostgreSQL commits it
and the connection drops before the answer arrives (the driver then retries the insert, which
the store refuses as a duplicate: that refusal must not be taken for a concurrent writer)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from uuid import UUID

import pytest

from domain.commands import CommandRunner
from domain.context import FrozenClock, Role
from domain.funds.account import FundsAccount
from domain.funds.service import FundsService
from domain.ledger import Ledger
from domain.values import Money
from interfaces.config import Settings
from tests.faults.pg_proxy import PgProxy
from tests.projections.funds_story import START, acting, new_company


@pytest.fixture
def proxy(pg_settings: Settings) -> Iterator[PgProxy]:
    running = PgProxy(pg_settings.postgres.host, pg_settings.postgres.port)
    yield running
    running.close()


@pytest.fixture
def through_proxy(pg_settings: Settings, proxy: PgProxy) -> Iterator[Ledger]:
    proxied = replace(pg_settings, postgres=replace(pg_settings.postgres, port=proxy.port))
    app = Ledger(env=proxied.eventsourcing_env())
    yield app
    app.close()


@pytest.fixture
def direct(pg_settings: Settings) -> Iterator[Ledger]:
    app = Ledger(env=pg_settings.eventsourcing_env(create_table=False))
    yield app
    app.close()


def _event_names(ledger: Ledger, company: object) -> list[str]:
    funds_id = FundsAccount.id_for(company)  # type: ignore[arg-type]
    return [
        type(ledger.mapper.to_domain_event(s)).__name__
        for s in ledger.recorder.select_events(funds_id)
    ]


def _buyer_command_with_lost_answer(
    ledger: Ledger, proxy: PgProxy, paid: str, command: Callable[[FundsService, UUID], object]
) -> UUID:
    """A company paid ``paid`` in; then its buyer runs ``command`` while the COMMIT's answer is
    swallowed on the way back (the proxy asserts it really was)."""
    funds = FundsService(CommandRunner(ledger))
    clock = FrozenClock(START)
    company = new_company(ledger)
    with acting(clock):
        funds.record_payment(company, Money.parse(paid), f"BANK-{company}")
    proxy.lose_next_commit()
    with acting(clock, Role.BUYER_ADMIN, company):
        command(funds, company)
    assert proxy.commits_lost == 1
    return company


def test_deposit_top_up_with_lost_commit_answer_is_applied_once(
    through_proxy: Ledger, direct: Ledger, proxy: PgProxy
) -> None:
    company = _buyer_command_with_lost_answer(
        through_proxy, proxy, "100.00", lambda f, c: f.top_up_deposit(c, Money.parse("2.00"))
    )
    account = direct.repository.get(FundsAccount.id_for(company))
    assert account.balance("deposit.free") == Money.parse("2.00")
    assert account.balance("unallocated") == Money.parse("98.00")
    assert _event_names(direct, company).count("DepositToppedUp") == 1


def test_refund_request_with_lost_commit_answer_is_created_once(
    through_proxy: Ledger, direct: Ledger, proxy: PgProxy
) -> None:
    company = _buyer_command_with_lost_answer(
        through_proxy, proxy, "500.00", lambda f, c: f.request_refund(c, Money.parse("120.00"))
    )
    account = direct.repository.get(FundsAccount.id_for(company))
    assert account.balance("unallocated") == Money.parse("380.00")
    assert _event_names(direct, company).count("RefundRequested") == 1
