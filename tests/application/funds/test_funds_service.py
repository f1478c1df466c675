"""Funds commands through FundsService and the CommandRunner on the configured event store
(SQLite by default, PostgreSQL under the test command), so the races below are real races."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain import context
from domain.commands import CommandRunner
from domain.context import Actor, CommandContext, FrozenClock, Role
from domain.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    InsufficientFundsError,
    NotFoundError,
    ValidationError,
)
from domain.funds.account import FundsAccount
from domain.funds.service import FundsService
from domain.ledger import Ledger
from domain.unit_of_work import UnitOfWork
from domain.values import Money
from interfaces.config import Settings
from tests.projections.funds_story import cny, new_company

NOW = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def ledger(settings: Settings) -> Iterator[Ledger]:
    app = Ledger(env=settings.eventsourcing_env())
    yield app
    app.close()


@pytest.fixture
def funds(ledger: Ledger) -> FundsService:
    return FundsService(CommandRunner(ledger, attempts=60))


def acting(role: Role, company: UUID | None = None, *perms: str) -> AbstractContextManager[Any]:
    actor = Actor(uuid4(), role, company, frozenset(perms))
    return context.acting(CommandContext(actor=actor, clock=FrozenClock(NOW)))


def finance() -> AbstractContextManager[Any]:
    return acting(Role.FINANCE)


def balances(ledger: Ledger, company: UUID) -> dict[str, Money]:
    return ledger.repository.get(FundsAccount.id_for(company)).balances()


def test_the_same_bank_reference_twice_is_one_payment(ledger: Ledger, funds: FundsService) -> None:
    company = new_company(ledger)
    with finance():
        first = funds.record_payment(company, cny("1000"), "CMB-20260301-01")
        head = ledger.head()
        again = funds.record_payment(company, cny("1000"), " CMB-20260301-01")
    assert again.result == first.result
    assert ledger.head() == head  # nothing written the second time
    assert balances(ledger, company)["unallocated"] == cny("1000")


def test_a_bank_reference_reused_for_another_payment_is_a_conflict(
    ledger: Ledger, funds: FundsService
) -> None:
    company, other = new_company(ledger), new_company(ledger)
    with finance():
        funds.record_payment(company, cny("1000"), "REF-1")
        for target, amount in ((company, "999"), (other, "1000")):
            with pytest.raises(ConflictError) as error:
                funds.record_payment(target, cny(amount), "REF-1")
            assert error.value.code == "bank_reference_conflict"


def test_payment_for_an_unknown_company_is_not_found(funds: FundsService) -> None:
    with finance(), pytest.raises(NotFoundError):
        funds.record_payment(uuid4(), cny("10"), "REF-1")


def test_only_finance_records_payments(ledger: Ledger, funds: FundsService) -> None:
    company = new_company(ledger)
    with acting(Role.BUYER_ADMIN, company), pytest.raises(ForbiddenError):
        funds.record_payment(company, cny("10"), "REF-1")


def test_allocation_to_an_unknown_category_is_refused(ledger: Ledger, funds: FundsService) -> None:
    company = new_company(ledger)
    with finance():
        funds.record_payment(company, cny("100"), "REF-1")
        with pytest.raises(ValidationError) as error:
            funds.allocate(company, cny("10"), "GOLD")
    assert error.value.code == "unknown_category"


def test_transfer_to_another_company_moves_the_money_in_one_save(
    ledger: Ledger, funds: FundsService
) -> None:
    source, target = new_company(ledger), new_company(ledger)
    with finance():
        funds.record_payment(source, cny("1000"), "REF-1", "HRC")
    with acting(Role.BUYER_MEMBER, source, "refunds.request"):
        made = funds.request_transfer(source, cny("400"), "HRC", "PLATE", target)
    head = ledger.head()
    with finance():
        done = funds.approve_transfer(source, made.result["transfer_id"])
    assert done.result["status"] == "approved"
    assert balances(ledger, source)["category:HRC"] == cny("600")
    assert balances(ledger, target)["category:PLATE"] == cny("400")
    written = ledger.recorder.select_notifications(start=head + 1, limit=10)
    assert [n.topic.rsplit(".", 1)[-1] for n in written] == [
        "TransferApproved",
        "Made",  # the decided transfer's claim (domain/funds/spent.py)
        "Opened",
        "TransferReceived",  # the receiver's account opens on first use
    ]
    assert done.position == written[-1].id


def test_a_failing_receiver_leaves_the_transfer_undone(
    ledger: Ledger, funds: FundsService, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, target = new_company(ledger), new_company(ledger)
    with finance():
        funds.record_payment(source, cny("1000"), "REF-1", "HRC")
    with acting(Role.BUYER_ADMIN, source):
        made = funds.request_transfer(source, cny("400"), "HRC", to_company_id=target)

    def refuse(*_: object) -> None:
        raise ConflictError("test", "the receiving side refuses")

    monkeypatch.setattr(FundsAccount, "receive_transfer", refuse)
    with finance(), pytest.raises(ConflictError):
        funds.approve_transfer(source, made.result["transfer_id"])
    account: FundsAccount = ledger.repository.get(FundsAccount.id_for(source))
    assert account.transfer(made.result["transfer_id"]).status.value == "requested"
    assert UnitOfWork(ledger).find(FundsAccount, FundsAccount.id_for(target)) is None


def test_a_buyer_cannot_touch_another_company_funds(ledger: Ledger, funds: FundsService) -> None:
    company, foreign = new_company(ledger), new_company(ledger)
    with finance():
        funds.record_payment(company, cny("1000"), "REF-1")
    with acting(Role.BUYER_ADMIN, foreign):
        with pytest.raises(NotFoundError):
            funds.request_refund(company, cny("10"))
        with pytest.raises(NotFoundError):
            funds.statement(company)


def test_a_member_without_the_permission_is_forbidden(ledger: Ledger, funds: FundsService) -> None:
    company = new_company(ledger)
    with finance():
        funds.record_payment(company, cny("1000"), "REF-1")
    with acting(Role.BUYER_MEMBER, company, "funds.view"):
        with pytest.raises(ForbiddenError):
            funds.request_refund(company, cny("10"))
        assert funds.statement(company)["financial_balance"] == Decimal("1000.00")


def test_refund_is_requested_approved_and_paid(ledger: Ledger, funds: FundsService) -> None:
    company = new_company(ledger)
    with finance():
        funds.record_payment(company, cny("1000"), "REF-1")
    with acting(Role.BUYER_MEMBER, company, "refunds.request"):
        refund_id = funds.request_refund(company, cny("300")).result["refund_id"]
    with finance():
        funds.approve_refund(company, refund_id)
        paid = funds.mark_refund_paid(company, refund_id, "OUT-1")
    assert paid.result["status"] == "paid"
    assert balances(ledger, company) == {"seller.bank": cny("-700"), "unallocated": cny("700")}


def test_a_bound_manager_sees_the_funds_and_another_manager_does_not(
    ledger: Ledger, funds: FundsService
) -> None:
    manager = uuid4()
    company = new_company(ledger, manager)
    with context.acting(CommandContext(actor=Actor(manager, Role.MANAGER))):
        assert funds.statement(company)["balances"] == {}
    with acting(Role.MANAGER), pytest.raises(NotFoundError):
        funds.statement(company)


def test_checkout_can_reserve_funds_within_its_own_unit_of_work(
    ledger: Ledger, funds: FundsService
) -> None:
    company, contract = new_company(ledger), uuid4()
    with finance():
        funds.record_payment(company, cny("1000"), "REF-1", "HRC")
        outcome = funds.runner.run(
            lambda uow: funds.reserve_in(uow, company, contract, "HRC", cny("800")).cash
        )
    assert outcome.result == cny("800")
    assert balances(ledger, company)["category:HRC"] == cny("200")


def test_concurrent_reservations_never_exceed_the_money(
    ledger: Ledger, funds: FundsService
) -> None:
    company = new_company(ledger)
    with finance():
        funds.record_payment(company, cny("1000"), "REF-1", "HRC")
    outcomes: list[str] = []
    start = threading.Barrier(16)

    def reserve() -> None:
        with acting(Role.SYSTEM):
            start.wait()
            try:
                funds.runner.run(
                    lambda uow: funds.reserve_in(uow, company, uuid4(), "HRC", cny("150"))
                )
                outcomes.append("reserved")
            except InsufficientFundsError:
                outcomes.append("insufficient_funds")
            except DomainError as error:  # pragma: no cover - shows up in the assertion
                outcomes.append(error.code)

    threads = [threading.Thread(target=reserve) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["insufficient_funds"] * 10 + ["reserved"] * 6
    account: FundsAccount = ledger.repository.get(FundsAccount.id_for(company))
    reserved = [m for b, m in account.balances().items() if b.startswith("reserved:")]
    assert sum(reserved, Money.zero()) == cny("900")
    assert account.balance("category:HRC") == cny("100")


def test_the_scheduler_bills_and_freezes_an_overdue_credit_line(
    ledger: Ledger, funds: FundsService
) -> None:
    company, clock = new_company(ledger), FrozenClock(NOW)
    system = CommandContext(actor=Actor.system(), clock=clock)
    with finance():
        funds.set_credit_line(company, cny("5000"), 5, 25, 3, Decimal("0.0005"))
    with context.acting(system):
        funds.runner.run(lambda uow: funds.reserve_in(uow, company, uuid4(), "HRC", cny("2000")))
        clock.at = datetime(2026, 3, 5, 2, tzinfo=UTC)
        assert funds.issue_credit_bill(company).result["bill_id"] is not None
        assert funds.issue_credit_bill(company).result["bill_id"] is None
        clock.at = datetime(2026, 3, 29, 2, tzinfo=UTC)
        assessed = funds.assess_credit(company).result
    assert assessed["credit_frozen"] and len(assessed["late_fees"]) == 1
    assert assessed["credit_used"] == Decimal("2001.00")  # 2,000 x 0.05 % for 1 day


def test_deposit_is_topped_up_locked_and_forfeited_by_the_services_that_own_them(
    ledger: Ledger, funds: FundsService
) -> None:
    company, auction = new_company(ledger), uuid4()
    with finance():
        funds.record_payment(company, cny("5000"), "REF-1")
    with acting(Role.BUYER_MEMBER, company, "deposits.manage"):
        funds.top_up_deposit(company, cny("3000"))
        funds.runner.run(lambda uow: funds.lock_deposit_in(uow, company, auction, cny("3000")))
    with acting(Role.SYSTEM):
        funds.runner.run(lambda uow: funds.forfeit_deposit_in(uow, company, auction, "BN-1"))
    with finance():
        charged = funds.charge_breach_penalty(company, cny("500"), "BN-2", "unallocated").result
    assert charged["kind"] == "breach_penalty"
    assert charged["balances"]["seller.penalties"] == Decimal("3500.00")


def test_a_member_without_deposit_permission_cannot_top_up(
    ledger: Ledger, funds: FundsService
) -> None:
    company = new_company(ledger)
    with finance():
        funds.record_payment(company, cny("5000"), "REF-1")
    with acting(Role.BUYER_MEMBER, company, "refunds.request"), pytest.raises(ForbiddenError):
        funds.top_up_deposit(company, cny("3000"))


def test_rebate_credited_twice_under_one_reference_is_one_rebate(
    ledger: Ledger, funds: FundsService
) -> None:
    company = new_company(ledger)
    with finance():
        first = funds.credit_rebate(company, cny("120"), "2026-Q1")
        again = funds.credit_rebate(company, cny("120"), "2026-Q1")
        with pytest.raises(ConflictError):
            funds.credit_rebate(company, cny("121"), "2026-Q1")
    assert again.result["entry_id"] == first.result["entry_id"]
    assert balances(ledger, company)["rebate"] == cny("120")
