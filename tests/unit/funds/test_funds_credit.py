"""The credit line: terms, bills, overdue freeze, late fees, repayment.

The scenario: limit 10,000, billing day 5, repayment day 25, 3 grace days, 0.05 % a day.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from domain import context
from domain.context import CommandContext, FrozenClock
from domain.funds.account import FundsAccount, PaymentPurpose
from domain.funds.credit import due_date, last_billing_date
from domain.values import Money
from tests.unit.funds.support import cny, events, new_account, refused

RATE = Decimal("0.0005")


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    clock = FrozenClock(datetime(2026, 3, 1, 2, 0, tzinfo=UTC))  # 1 March, 10:00 in Shanghai
    with context.acting(CommandContext(clock=clock)):
        yield clock


def on(clock: FrozenClock, day: date) -> None:
    clock.at = datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def credit_account(limit: str = "10000") -> FundsAccount:
    funds = new_account()
    funds.set_credit_line(cny(limit), 5, 25, 3, RATE)
    funds.collect_events()
    return funds


def drawn_and_billed(clock: FrozenClock, amount: str = "4000") -> FundsAccount:
    funds = credit_account()
    funds.reserve(uuid4(), "HRC", cny(amount))
    on(clock, date(2026, 3, 5))
    funds.issue_credit_bill()
    funds.collect_events()
    return funds


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("billing_day", 0, "invalid_billing_day"),
        ("billing_day", 29, "invalid_billing_day"),
        ("repayment_day", 31, "invalid_repayment_day"),
        ("grace_days", -1, "invalid_grace_days"),
        ("late_fee_rate", 0.0005, "invalid_late_fee_rate"),
        ("late_fee_rate", Decimal("0.02"), "invalid_late_fee_rate"),
        ("late_fee_rate", Decimal("-0.0001"), "invalid_late_fee_rate"),
        ("limit", Money(Decimal("-1")), "invalid_amount"),
    ],
)
def test_credit_terms_out_of_range_are_refused(field: str, value: object, code: str) -> None:
    funds = new_account()
    terms: dict[str, object] = {
        "limit": cny("1000"),
        "billing_day": 5,
        "repayment_day": 25,
        "grace_days": 3,
        "late_fee_rate": RATE,
    }
    terms[field] = value
    refused(funds, code, lambda: funds.set_credit_line(**terms))  # type: ignore[arg-type]


def test_billing_and_due_dates_follow_the_calendar() -> None:
    assert last_billing_date(date(2026, 3, 4), 5) == date(2026, 2, 5)
    assert last_billing_date(date(2026, 3, 5), 5) == date(2026, 3, 5)
    assert last_billing_date(date(2026, 1, 2), 28) == date(2025, 12, 28)
    assert due_date(date(2026, 3, 5), 25) == date(2026, 3, 25)
    assert due_date(date(2026, 12, 25), 10) == date(2027, 1, 10)
    assert due_date(date(2026, 3, 5), 5) == date(2026, 4, 5)


def test_bill_states_what_was_drawn_in_the_period_due_on_the_repayment_day(clock) -> None:
    funds = credit_account()
    funds.reserve(uuid4(), "HRC", cny("4000"))
    on(clock, date(2026, 3, 5))
    funds.reserve(uuid4(), "HRC", cny("1000"))  # on the billing day: the next period
    bill = funds.issue_credit_bill()
    assert bill is not None and events(funds)[-1] == "CreditBilled"
    assert (bill.amount, bill.period_end, bill.due_on) == (
        cny("4000"),
        date(2026, 3, 5),
        date(2026, 3, 25),
    )
    on(clock, date(2026, 4, 5))
    second = funds.issue_credit_bill()
    assert second is not None and second.amount == cny("1000")
    assert second.period_start == date(2026, 3, 5)


def test_a_bill_is_issued_once_per_billing_day(clock) -> None:
    funds = drawn_and_billed(clock)
    assert funds.issue_credit_bill() is None
    on(clock, date(2026, 3, 20))
    assert funds.issue_credit_bill() is None
    assert events(funds) == []


def test_nothing_drawn_means_no_bill(clock) -> None:
    funds = credit_account()
    on(clock, date(2026, 3, 5))
    assert funds.issue_credit_bill() is None
    other = new_account()
    refused(other, "no_credit_line", other.issue_credit_bill)


def test_within_the_grace_days_nothing_is_frozen_or_charged(clock) -> None:
    funds = drawn_and_billed(clock)
    on(clock, date(2026, 3, 28))
    assert funds.assess_credit() == ()
    assert events(funds) == []
    assert funds.credit_available() == cny("6000")


def test_a_bill_unpaid_after_grace_freezes_the_line_and_charges_a_late_fee(clock) -> None:
    funds = drawn_and_billed(clock)
    on(clock, date(2026, 3, 29))
    fees = funds.assess_credit()
    assert events(funds) == ["CreditLineFrozen", "LateFeeCharged"]
    assert funds.credit_line is not None and funds.credit_line.frozen
    assert fees[0].deltas() == {"credit.used": Decimal("-2.00"), "seller.fees": Decimal("2.00")}
    assert funds.credit_available() == Money.zero()


def test_late_fee_is_charged_once_for_each_overdue_day(clock) -> None:
    funds = drawn_and_billed(clock)
    on(clock, date(2026, 3, 29))
    funds.assess_credit()
    assert funds.assess_credit() == ()
    on(clock, date(2026, 3, 31))
    (fee,) = funds.assess_credit()
    assert fee.delta("seller.fees") == Decimal("4.00")
    assert funds.credit_used() == cny("4006")


def test_drawing_on_a_frozen_line_is_refused(clock) -> None:
    funds = drawn_and_billed(clock)
    funds.record_payment(cny("500"), "BANK-9", "HRC")
    on(clock, date(2026, 3, 29))
    funds.assess_credit()
    refused(funds, "credit_frozen", funds.reserve, uuid4(), "HRC", cny("500.01"))
    funds.reserve(uuid4(), "HRC", cny("500"))  # own money still orders


def test_an_overdue_bill_blocks_draws_before_the_scheduler_freezes_the_line(clock) -> None:
    funds = drawn_and_billed(clock)
    on(clock, date(2026, 3, 29))
    refused(funds, "credit_frozen", funds.reserve, uuid4(), "HRC", cny("1"))


def test_a_payment_on_a_frozen_line_repays_it_and_unfreezes(clock) -> None:
    funds = drawn_and_billed(clock)
    on(clock, date(2026, 3, 29))
    funds.assess_credit()
    funds.record_payment(cny("4100"), "BANK-2", purpose=PaymentPurpose.REPAYMENT)
    assert events(funds)[-2:] == ["PaymentRecorded", "CreditLineUnfrozen"]
    assert funds.credit_used() == Money.zero()
    assert funds.balance("unallocated") == cny("98.00")
    assert funds.credit_available() == cny("10000")


def test_repaying_the_overdue_bill_from_unallocated_unfreezes(clock) -> None:
    funds = drawn_and_billed(clock)
    on(clock, date(2026, 3, 30))
    funds.assess_credit()
    funds.record_payment(cny("4000"), "BANK-2")
    funds.repay_credit(cny("4000"))
    assert events(funds)[-2:] == ["CreditRepaid", "CreditLineUnfrozen"]
    assert funds.credit_used() == cny("4.00")  # the fees, billed next period


def test_part_repayment_keeps_the_line_frozen(clock) -> None:
    funds = drawn_and_billed(clock)
    on(clock, date(2026, 3, 29))
    funds.assess_credit()
    funds.record_payment(cny("3999.99"), "BANK-2", purpose=PaymentPurpose.REPAYMENT)
    assert funds.credit_line is not None and funds.credit_line.frozen
    assert funds.bill_remaining(funds.bills[0]) == cny("0.01")


def test_repaying_more_than_the_credit_used_is_refused(clock) -> None:
    funds = drawn_and_billed(clock, "100")
    funds.record_payment(cny("1000"), "BANK-2")
    refused(funds, "exceeds_credit_used", funds.repay_credit, cny("100.01"))


def test_a_repayment_before_the_bill_pays_it(clock) -> None:
    funds = credit_account()
    funds.reserve(uuid4(), "HRC", cny("4000"))
    funds.record_payment(cny("4000"), "BANK-2", purpose=PaymentPurpose.REPAYMENT)
    on(clock, date(2026, 3, 5))
    bill = funds.issue_credit_bill()
    assert bill is not None and funds.bill_remaining(bill) == Money.zero()
    on(clock, date(2026, 4, 1))
    assert funds.assess_credit() == ()
