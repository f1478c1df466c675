"""A funds history written through FundsService, for the balances and reconciliation tests.

Companies are Account aggregates saved directly (the funds routes are not what is tested here);
every command runs as the person who may issue it, at the time of a movable clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from domain import context
from domain.accounts.account import Account, CompanyInfo
from domain.context import Actor, CommandContext, FrozenClock, Role
from domain.funds.service import FundsService
from domain.ledger import Ledger
from domain.unit_of_work import UnitOfWork
from domain.values import Money

START = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def cny(value: str) -> Money:
    return Money.parse(value)


def new_company(ledger: Ledger, manager_id: UUID | None = None) -> UUID:
    account = Account(
        admin_id=uuid4(),
        phone="13800000001",
        name="Admin",
        password_hash="h",
        email=None,
        rules_version="2026-01",
    )
    if manager_id is not None:
        account.bind_company(CompanyInfo("Acme Steel", "91350100M000100Y43", "1 Road", "east"))
        account.approve_certification()
        account.bind_manager(manager_id, "test", START)
    ledger.save(account)
    return account.id


@contextmanager
def acting(
    clock: FrozenClock, role: Role = Role.FINANCE, company: UUID | None = None
) -> Iterator[Actor]:
    actor = Actor(uuid4(), role, company)
    with context.acting(CommandContext(actor=actor, clock=clock, request_id=f"test-{role.value}")):
        yield actor


def within(funds: FundsService, command: Callable[[UnitOfWork], Any]) -> Any:
    """Run a composition helper (reserve_in, settle_in …) as its own command."""
    return funds.runner.run(command).result


@dataclass(frozen=True)
class Story:
    company: UUID
    other: UUID
    contract: UUID
    auction: UUID
    transfer: UUID
    refund_paid: UUID
    refund_rejected: UUID
    cross_transfer: UUID


def write_story(ledger: Ledger, funds: FundsService, clock: FrozenClock) -> Story:
    """Payments, allocation, deposit, rebate, credit line, a contract reserved on cash + credit,
    rebate applied and part settled, transfers (one to another company), refunds.

    Afterwards the company holds: unallocated 4500, HRC 1000, PLATE 2500, deposit free 400,
    locked 600, rebate 100, reserved 7200 (cash 4200, credit 3000), credit used 3000 of 20000;
    financial balance 13200. The other company received 500 unallocated.
    """
    company, other = new_company(ledger), new_company(ledger)
    contract, auction = uuid4(), uuid4()
    with acting(clock):
        funds.record_payment(company, cny("10000"), "BANK-1")
        clock.advance(minutes=1)
        funds.record_payment(company, cny("5000"), "BANK-2", category="HRC")
        funds.allocate(company, cny("4000"), "PLATE")
        funds.top_up_deposit(company, cny("1000"))
        within(funds, lambda uow: funds.lock_deposit_in(uow, company, auction, cny("600")))
        funds.credit_rebate(company, cny("300"), "REBATE-2026-02")
        funds.set_credit_line(company, cny("20000"), 5, 20, 3, Decimal("0.0005"))
        within(funds, lambda uow: funds.reserve_in(uow, company, contract, "HRC", cny("8000")))
        within(funds, lambda uow: funds.apply_rebate_in(uow, company, contract, cny("200")))
        within(funds, lambda uow: funds.settle_in(uow, company, contract, cny("1000")))
    with acting(clock, Role.BUYER_ADMIN, company):
        transfer = funds.request_transfer(company, cny("1000"), "PLATE", to_category="HRC")
        cross = funds.request_transfer(company, cny("500"), "PLATE", to_company_id=other)
        paid = funds.request_refund(company, cny("500"), "unallocated", memo="back to bank")
        rejected = funds.request_refund(company, cny("100"), "deposit")
    clock.advance(hours=1)
    with acting(clock):
        funds.approve_transfer(company, transfer.result["transfer_id"])
        funds.approve_transfer(company, cross.result["transfer_id"])
        funds.approve_refund(company, paid.result["refund_id"])
        funds.mark_refund_paid(company, paid.result["refund_id"], "OUT-1")
        funds.reject_refund(company, rejected.result["refund_id"], "deposit is locked for bids")
    return Story(
        company=company,
        other=other,
        contract=contract,
        auction=auction,
        transfer=transfer.result["transfer_id"],
        refund_paid=paid.result["refund_id"],
        refund_rejected=rejected.result["refund_id"],
        cross_transfer=cross.result["transfer_id"],
    )
