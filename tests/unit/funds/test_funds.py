"""Funds account rules without I/O: payments, allocation, transfers, refunds, deposits, rebates.

Reservations are in test_funds_reservations.py, the credit line in test_funds_credit.py.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest

from domain.errors import ValidationError
from domain.funds.account import FundsAccount, PaymentPurpose
from domain.funds.journal import held
from domain.funds.requests import RequestStatus
from domain.values import Money
from interfaces.persistence.transcoder import OrjsonTranscoder
from tests.unit.funds.support import all_balanced, cny, entries, events, new_account, refused

# ---- payments --------------------------------------------------------------------------


def test_payment_lands_in_unallocated_against_the_seller_bank() -> None:
    funds = new_account()
    funds.record_payment(cny("1000.00"), "BANK-1")
    assert entries(funds)[-1].reference == "BANK-1"
    assert events(funds) == ["PaymentRecorded"]
    assert funds.balances() == {"seller.bank": cny("-1000"), "unallocated": cny("1000")}


def test_payment_can_be_allocated_straight_to_a_category() -> None:
    funds = new_account()
    funds.record_payment(cny("500"), "BANK-1", "PLATE")
    assert funds.balance("category:PLATE") == cny("500")
    assert funds.balance("unallocated") == Money.zero()


def test_payment_for_the_deposit_lands_in_free_deposit() -> None:
    funds = new_account()
    funds.record_payment(cny("3000"), "BANK-1", purpose=PaymentPurpose.DEPOSIT)
    assert funds.balance("deposit.free") == cny("3000")


def test_the_account_keeps_no_payment_records_or_references() -> None:
    """A bank reference is unique by its store-wide claim (tests/application/funds/
    test_spent_references.py), not by a set that grows in the account."""
    funds = new_account()
    before = {k: v for k, v in vars(funds).items() if k not in ("_version", "_modified_on")}
    funds.record_payment(cny("10"), "BANK-1")
    funds.allocate(cny("10"), "HRC")
    funds.collect_events()
    after = {k: v for k, v in vars(funds).items() if k not in ("_version", "_modified_on")}
    assert after.keys() == before.keys()
    assert after["_balances"] == {
        "category:HRC": Decimal("10.00"),
        "seller.bank": Decimal("-10.00"),
    }


@pytest.mark.parametrize("amount", ["0", "-5.00"])
def test_payment_of_zero_or_less_is_refused(amount: str) -> None:
    funds = new_account()
    refused(funds, "invalid_amount", funds.record_payment, cny(amount), "BANK-1")


def test_amount_with_three_decimals_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        Money.parse("10.005")
    assert error.value.code == "invalid_amount"


@pytest.mark.parametrize("amount", [Decimal("10"), 10, "10"])
def test_amount_that_is_not_money_is_refused(amount: object) -> None:
    funds = new_account()
    refused(funds, "invalid_amount", funds.record_payment, amount, "BANK-1")


@pytest.mark.parametrize("reference", ["", "   ", "X" * 65])
def test_payment_needs_a_bank_reference(reference: str) -> None:
    funds = new_account()
    refused(funds, "invalid_reference", funds.record_payment, cny("10"), reference)


@pytest.mark.parametrize("code", ["hrc", "H", "A_CODE_TOO_LONG_17", "HR-C", "热轧"])
def test_category_code_is_2_to_16_upper_case_letters_digits_or_underscores(code: str) -> None:
    funds = new_account()
    refused(funds, "invalid_category", funds.record_payment, cny("10"), "BANK-1", code)


def test_deposit_payment_cannot_name_a_category() -> None:
    funds = new_account()
    args = (cny("10"), "BANK-1", "HRC", PaymentPurpose.DEPOSIT)
    refused(funds, "invalid_category", funds.record_payment, *args)


# ---- allocation ------------------------------------------------------------------------


def test_allocation_moves_unallocated_money_to_a_category() -> None:
    funds = new_account("1000")
    funds.allocate(cny("600"), "HRC")
    assert events(funds) == ["FundsAllocated"]
    assert funds.balance("unallocated") == cny("400")
    assert funds.balance("category:HRC") == cny("600")


def test_allocation_above_unallocated_money_is_refused() -> None:
    funds = new_account("100")
    error = refused(funds, "insufficient_funds", funds.allocate, cny("100.01"), "HRC")
    assert error.extra["bucket"] == "unallocated"


# ---- transfers -------------------------------------------------------------------------


def test_transfer_request_holds_the_money_until_finance_decides() -> None:
    funds = new_account("1000", HRC="600")
    request = funds.request_transfer(cny("200"), "HRC", "PLATE")
    assert events(funds) == ["TransferRequested"]
    assert funds.balance("category:HRC") == cny("400")
    assert funds.balance(held("transfer", request.transfer_id)) == cny("200")
    assert funds.balance("category:PLATE") == Money.zero()


def test_transfer_of_unallocated_money_is_refused() -> None:
    funds = new_account("1000")
    refused(funds, "not_allocated", funds.request_transfer, cny("10"), "unallocated", "HRC")


def test_transfer_to_the_same_category_is_refused() -> None:
    funds = new_account("1000", HRC="600")
    refused(funds, "invalid_transfer", funds.request_transfer, cny("10"), "HRC", "HRC")


def test_transfer_above_the_category_money_is_refused() -> None:
    funds = new_account("1000", HRC="600")
    refused(funds, "insufficient_funds", funds.request_transfer, cny("600.01"), "HRC", "PLATE")


def test_approved_transfer_moves_the_held_money_to_the_target_category() -> None:
    funds = new_account("1000", HRC="600")
    request = funds.request_transfer(cny("200"), "HRC", "PLATE")
    approved = funds.approve_transfer(request.transfer_id)
    assert approved.status is RequestStatus.APPROVED
    assert funds.balance("category:PLATE") == cny("200")
    assert funds.balance(held("transfer", request.transfer_id)) == Money.zero()


def test_rejected_transfer_gives_the_money_back() -> None:
    funds = new_account("1000", HRC="600")
    request = funds.request_transfer(cny("200"), "HRC", "PLATE")
    rejected = funds.reject_transfer(request.transfer_id, "wrong category")
    assert (rejected.status, rejected.reason) == (RequestStatus.REJECTED, "wrong category")
    assert funds.balance("category:HRC") == cny("600")


def test_rejecting_a_transfer_needs_a_reason() -> None:
    funds = new_account("1000", HRC="600")
    request = funds.request_transfer(cny("200"), "HRC", "PLATE")
    refused(funds, "reason_required", funds.reject_transfer, request.transfer_id, " ")


def test_a_decided_transfer_leaves_the_account() -> None:
    """Deciding it again is refused by the service from its claim (invalid_transition)."""
    funds = new_account("1000", HRC="600")
    request = funds.request_transfer(cny("200"), "HRC", "PLATE")
    funds.approve_transfer(request.transfer_id)
    refused(funds, "not_found", funds.approve_transfer, request.transfer_id)
    refused(funds, "not_found", funds.reject_transfer, request.transfer_id, "late")


def test_unknown_transfer_is_not_found() -> None:
    funds = new_account("1000")
    refused(funds, "not_found", funds.approve_transfer, uuid4())


def test_transfer_to_another_company_passes_through_the_seller_transfer_account() -> None:
    source, target = new_account("1000", HRC="600"), new_account()
    request = source.request_transfer(cny("250"), "HRC", to_company_id=target.company_id)
    approved = source.approve_transfer(request.transfer_id)
    target.receive_transfer(approved, source.company_id)
    assert source.balance("seller.transfers") == cny("250")
    assert target.balances() == {"seller.transfers": cny("-250"), "unallocated": cny("250")}
    assert events(target) == ["TransferReceived"]


def test_a_transfer_is_received_once() -> None:
    source, target = new_account("1000", HRC="600"), new_account()
    request = source.request_transfer(cny("250"), "HRC", "WIRE", target.company_id)
    approved = source.approve_transfer(request.transfer_id)
    target.receive_transfer(approved, source.company_id)
    assert target.balance("category:WIRE") == cny("250")
    refused(source, "not_found", source.approve_transfer, request.transfer_id)  # approved once


def test_an_unapproved_transfer_cannot_be_received() -> None:
    source, target = new_account("1000", HRC="600"), new_account()
    request = source.request_transfer(cny("250"), "HRC", to_company_id=target.company_id)
    refused(target, "invalid_transfer", target.receive_transfer, request, source.company_id)


# ---- refunds ---------------------------------------------------------------------------


def test_refund_request_holds_free_money() -> None:
    funds = new_account("1000")
    request = funds.request_refund(cny("300"), memo="closing account")
    assert events(funds) == ["RefundRequested"]
    assert funds.balance("unallocated") == cny("700")
    assert funds.balance(held("refund", request.refund_id)) == cny("300")


def test_refund_above_free_balance_is_refused() -> None:
    funds = new_account("1000", HRC="600")
    refused(funds, "insufficient_funds", funds.request_refund, cny("400.01"))
    refused(funds, "insufficient_funds", funds.request_refund, cny("600.01"), "HRC")


def test_reserved_money_cannot_be_refunded() -> None:
    funds = new_account("1000", HRC="1000")
    funds.reserve(uuid4(), "HRC", cny("1000"))
    refused(funds, "insufficient_funds", funds.request_refund, cny("1"), "HRC")


def test_money_held_for_a_refund_cannot_be_spent_again() -> None:
    funds = new_account("1000", HRC="1000")
    funds.request_refund(cny("800"), "HRC")
    refused(funds, "insufficient_funds", funds.reserve, uuid4(), "HRC", cny("201"))


def test_refund_is_paid_only_after_approval() -> None:
    funds = new_account("1000")
    request = funds.request_refund(cny("300"))
    refused(funds, "invalid_transition", funds.mark_refund_paid, request.refund_id, "OUT-1")


def test_paid_refund_leaves_through_the_seller_bank() -> None:
    funds = new_account("1000")
    request = funds.request_refund(cny("300"))
    funds.approve_refund(request.refund_id)
    paid = funds.mark_refund_paid(request.refund_id, "OUT-1")
    assert events(funds)[-2:] == ["RefundApproved", "RefundPaid"]
    assert (paid.status, paid.bank_reference) == (RequestStatus.PAID, "OUT-1")
    assert funds.balances() == {"seller.bank": cny("-700"), "unallocated": cny("700")}
    assert funds.financial_balance() == cny("700")


def test_paying_a_refund_needs_the_outgoing_bank_reference() -> None:
    funds = new_account("1000")
    request = funds.request_refund(cny("300"))
    funds.approve_refund(request.refund_id)
    refused(funds, "invalid_reference", funds.mark_refund_paid, request.refund_id, "")


def test_rejected_refund_returns_the_money_to_its_source() -> None:
    funds = new_account("1000", PLATE="400")
    request = funds.request_refund(cny("400"), "PLATE")
    funds.reject_refund(request.refund_id, "contract pending")
    assert funds.balance("category:PLATE") == cny("400")
    refused(funds, "not_found", funds.approve_refund, request.refund_id)  # decided: gone


def test_free_deposit_can_be_refunded_but_locked_deposit_cannot() -> None:
    funds = new_account("5000")
    funds.top_up_deposit(cny("3000"))
    funds.lock_deposit(uuid4(), cny("2000"))
    funds.request_refund(cny("1000"), "deposit")
    assert funds.balance("deposit.free") == Money.zero()
    refused(funds, "insufficient_deposit", funds.request_refund, cny("1"), "deposit")


# ---- deposits --------------------------------------------------------------------------


def test_deposit_top_up_comes_from_unallocated_money() -> None:
    funds = new_account("5000")
    funds.top_up_deposit(cny("3000"))
    assert events(funds) == ["DepositToppedUp"]
    assert funds.balance("deposit.free") == cny("3000")
    refused(funds, "insufficient_funds", funds.top_up_deposit, cny("2000.01"))


def test_locking_more_deposit_than_is_free_is_refused() -> None:
    funds = new_account("5000")
    funds.top_up_deposit(cny("2999.99"))
    refused(funds, "insufficient_deposit", funds.lock_deposit, uuid4(), cny("3000"))


def test_deposit_is_locked_once_per_auction() -> None:
    funds, auction = new_account("9000"), uuid4()
    funds.top_up_deposit(cny("9000"))
    funds.lock_deposit(auction, cny("3000"))
    assert funds.deposit_locked_for(auction) == cny("3000")
    refused(funds, "deposit_already_locked", funds.lock_deposit, auction, cny("3000"))


def test_released_deposit_is_free_again() -> None:
    funds, auction = new_account("3000"), uuid4()
    funds.top_up_deposit(cny("3000"))
    funds.lock_deposit(auction, cny("3000"))
    funds.release_deposit(auction)
    assert funds.balance("deposit.free") == cny("3000")
    refused(funds, "deposit_not_locked", funds.release_deposit, auction)


def test_forfeited_deposit_goes_to_the_seller_under_a_breach_notice() -> None:
    funds, auction = new_account("3000"), uuid4()
    funds.top_up_deposit(cny("3000"))
    funds.lock_deposit(auction, cny("3000"))
    funds.forfeit_deposit(auction, "BN-2026-001")
    assert entries(funds)[-1].reference == "BN-2026-001"
    assert events(funds)[-1] == "DepositForfeited"
    assert funds.balance("seller.penalties") == cny("3000")
    assert funds.financial_balance() == Money.zero()


def test_forfeit_needs_a_breach_notice() -> None:
    funds, auction = new_account("3000"), uuid4()
    funds.top_up_deposit(cny("3000"))
    funds.lock_deposit(auction, cny("3000"))
    refused(funds, "breach_notice_required", funds.forfeit_deposit, auction, "")


# ---- breach penalties and rebates ------------------------------------------------------


def test_breach_penalty_is_charged_from_the_deposit_or_funds() -> None:
    funds = new_account("5000", HRC="2000")
    funds.top_up_deposit(cny("1000"))
    funds.charge_breach_penalty(cny("1000"), "BN-1")
    funds.charge_breach_penalty(cny("500"), "BN-2", "HRC")
    assert funds.balance("seller.penalties") == cny("1500")
    assert funds.balance("category:HRC") == cny("1500")


def test_breach_penalty_above_the_deposit_is_refused() -> None:
    funds = new_account("5000")
    refused(funds, "insufficient_deposit", funds.charge_breach_penalty, cny("1"), "BN-1")


def test_rebate_is_credited_against_the_seller_rebate_account() -> None:
    funds = new_account()
    funds.credit_rebate(cny("120.50"), "2026-Q1")
    assert events(funds) == ["RebateCredited"]
    assert funds.balances() == {"rebate": cny("120.50"), "seller.rebates": cny("-120.50")}
    assert funds.financial_balance() == Money.zero()  # granted, not paid in


# ---- queries and history ---------------------------------------------------------------


def test_financial_balance_is_money_paid_in_not_yet_spent_or_refunded() -> None:
    funds = new_account("10000", HRC="6000")
    funds.top_up_deposit(cny("1000"))
    contract = uuid4()
    funds.reserve(contract, "HRC", cny("2000"))
    funds.request_refund(cny("500"))
    assert funds.financial_balance() == cny("10000")
    funds.settle(contract, cny("1500"))
    assert funds.financial_balance() == cny("8500")


def test_every_entry_balances_and_all_buckets_sum_to_zero() -> None:
    funds = new_account("10000", HRC="6000")
    funds.reserve(uuid4(), "HRC", cny("2000"))
    funds.credit_rebate(cny("300"), "R1")
    funds.top_up_deposit(cny("1000"))
    assert all_balanced(funds)


def test_account_rebuilt_from_its_stored_events_equals_the_live_one() -> None:
    funds = FundsAccount(company_id=uuid4())
    funds.record_payment(cny("1000"), "BANK-1", "HRC")
    request = funds.request_refund(cny("100"), "HRC")
    funds.approve_refund(request.refund_id)
    funds.reserve(uuid4(), "HRC", cny("500"))
    transcoder = OrjsonTranscoder()
    stored = [transcoder.decode(transcoder.encode(e.__dict__)) for e in funds.pending_events]
    rebuilt = None
    for original, state in zip(funds.collect_events(), stored, strict=True):
        rebuilt = type(original)(**state).mutate(rebuilt)
    assert isinstance(rebuilt, FundsAccount)
    assert rebuilt.balances() == funds.balances()
    assert vars(rebuilt) == {**vars(funds), "_pending_events": []}
    assert rebuilt.refund(request.refund_id) == funds.refund(request.refund_id)


def test_compensation_credits_the_customer() -> None:
    funds = FundsAccount(company_id=uuid4())
    entry = funds.compensate(Money.parse("800.00"), "objection", "OBJ-1", "HRC")
    assert sum((line.amount for line in entry.lines), Money.zero()) == Money.zero()
    assert funds.balance("category:HRC") == Money.parse("800.00")
    assert funds.financial_balance() == Money.parse("800.00")
