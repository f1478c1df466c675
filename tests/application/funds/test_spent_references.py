"""References spent once, forever, are store-wide claims (domain/funds/spent.py), not sets that
grow inside the funds account: each is refused the second time through the service, the same as
when the account remembered them itself."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import uuid4

import pytest

from domain.commands import CommandRunner
from domain.context import Role
from domain.errors import DomainError
from domain.funds.account import FundsAccount
from domain.funds.service import FundsService
from domain.ledger import Ledger
from interfaces.config import Settings
from tests.application.funds.test_funds_service import acting, balances, finance
from tests.projections.funds_story import cny, new_company


@pytest.fixture
def ledger(settings: Settings) -> Iterator[Ledger]:
    app = Ledger(env=settings.eventsourcing_env())
    yield app
    app.close()


@pytest.fixture
def funds(ledger: Ledger) -> FundsService:
    return FundsService(CommandRunner(ledger, attempts=60))


def refused(code: str, command: object, *args: object) -> None:
    with pytest.raises(DomainError) as error:
        command(*args)  # type: ignore[operator]
    assert error.value.code == code, error.value.detail


def test_a_bank_reference_with_other_details_is_refused_for_the_same_company(
    ledger: Ledger, funds: FundsService
) -> None:
    company = new_company(ledger)
    with finance():
        funds.record_payment(company, cny("1000"), "REF-1")
        refused("bank_reference_conflict", funds.record_payment, company, cny("999"), "REF-1")
        refused(
            "bank_reference_conflict", funds.record_payment, company, cny("1000"), "REF-1", "HRC"
        )
    assert balances(ledger, company)["unallocated"] == cny("1000")


def test_rebate_breach_and_compensation_references_are_spent_once(
    ledger: Ledger, funds: FundsService
) -> None:
    company = new_company(ledger)
    with finance():
        funds.record_payment(company, cny("1000"), "REF-1")
        first = funds.credit_rebate(company, cny("50"), "2026-Q1")
        assert (
            funds.credit_rebate(company, cny("50"), "2026-Q1").result["entry_id"]
            == (first.result["entry_id"])
        )  # the same credit again is the first one
        refused("rebate_reference_conflict", funds.credit_rebate, company, cny("51"), "2026-Q1")
        funds.charge_breach_penalty(company, cny("10"), "BN-1", "unallocated")
        refused(
            "breach_notice_conflict",
            funds.charge_breach_penalty, company, cny("1"), "BN-1", "unallocated",
        )  # fmt: skip
        funds.runner.run(lambda u: funds.compensate_in(u, company, cny("5"), "objection", "O-1"))
        with pytest.raises(DomainError) as error:
            funds.runner.run(
                lambda u: funds.compensate_in(u, company, cny("5"), "objection", "O-1")
            )
        assert error.value.code == "already_compensated"
    assert balances(ledger, company)["unallocated"] == cny("995")
    assert balances(ledger, company)["rebate"] == cny("50")


def test_a_rebate_reference_is_per_company(ledger: Ledger, funds: FundsService) -> None:
    first, second = new_company(ledger), new_company(ledger)
    with finance():
        funds.credit_rebate(first, cny("50"), "VIP-2026-Q1")
        funds.credit_rebate(second, cny("70"), "VIP-2026-Q1")
    assert balances(ledger, second)["rebate"] == cny("70")


def test_a_decided_request_is_not_decided_again(ledger: Ledger, funds: FundsService) -> None:
    source, target = new_company(ledger), new_company(ledger)
    with finance():
        funds.record_payment(source, cny("1000"), "REF-1", "HRC")
    with acting(Role.BUYER_ADMIN, source):
        sent = funds.request_transfer(source, cny("400"), "HRC", None, target).result
        refund = funds.request_refund(source, cny("100"), "HRC").result
    with finance():
        funds.approve_transfer(source, sent["transfer_id"])
        refused("invalid_transition", funds.approve_transfer, source, sent["transfer_id"])
        refused("invalid_transition", funds.reject_transfer, source, sent["transfer_id"], "late")
        funds.reject_refund(source, refund["refund_id"], "no")
        refused("invalid_transition", funds.approve_refund, source, refund["refund_id"])
        refused("invalid_transition", funds.mark_refund_paid, source, refund["refund_id"], "X")
        refused("not_found", funds.approve_transfer, source, uuid4())
    assert balances(ledger, target)["unallocated"] == cny("400")  # received once
    assert balances(ledger, source)["category:HRC"] == cny("600")


def test_a_post_settled_contract_is_not_reserved_again(ledger: Ledger, funds: FundsService) -> None:
    company, contract = new_company(ledger), uuid4()
    with finance():
        funds.record_payment(company, cny("1000"), "REF-1", "HRC")
        run = funds.runner.run
        run(lambda u: funds.reserve_in(u, company, contract, "HRC", cny("300")))
        run(lambda u: funds.post_settle_in(u, company, contract, cny("300")))
        for command in (
            lambda u: funds.reserve_in(u, company, contract, "HRC", cny("1")),
            lambda u: funds.settle_in(u, company, contract, cny("1")),
        ):
            with pytest.raises(DomainError) as error:
                run(command)
            assert error.value.code == "reservation_closed"
    account = ledger.repository.get(FundsAccount.id_for(company))
    assert account.reservation(contract) is None  # closed: gone from the account
