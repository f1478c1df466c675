"""Request and response bodies for a company's funds (payments, transfers, refunds, credit).

Money travels as decimal strings ("1250.00"), never as JSON numbers: a number is refused before
it can become a float. The text is parsed into ``Money`` by ``to_money`` in the route, so a bad
amount (not a decimal, more than 2 places, zero or negative) is refused with ``invalid_amount``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from domain.errors import ValidationError
from domain.funds.account import PaymentPurpose
from domain.values import Money
from interfaces.api.schemas.accounts import Strict
from interfaces.api.schemas.balances import JournalEntryPublic
from interfaces.api.schemas.common import Amount

_DECIMAL_TEXT = re.compile(r"[+-]?\d{1,15}(\.\d{1,8})?")
_RATE_TEXT = re.compile(r"\d(\.\d{1,8})?")


def _text_only(value: object) -> object:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "decimal_string",
            'Money and rates are decimal strings such as "1250.00", never JSON numbers.',
        )
    return value


DecimalText = Annotated[
    str,
    BeforeValidator(_text_only),
    Field(max_length=32, examples=["1250.00"], description='A decimal string, e.g. "1250.00"'),
]
CategoryCode = Annotated[
    str, Field(min_length=1, max_length=16, examples=["HRC"], description="HRC, PLATE, WIRE …")
]
Reference = Annotated[str, Field(min_length=1, max_length=64)]


def to_money(text: str) -> Money:
    """CNY from a decimal string; anything else is ``invalid_amount`` (422)."""
    if not _DECIMAL_TEXT.fullmatch(text):
        raise ValidationError("invalid_amount", f'{text!r} is not an amount such as "1250.00".')
    return Money.parse(text)


def to_rate(text: str) -> Decimal:
    """A late-fee rate per day from a decimal string such as "0.0005"."""
    if not _RATE_TEXT.fullmatch(text):
        raise ValidationError(
            "invalid_late_fee_rate", f'{text!r} is not a rate per day such as "0.0005".'
        )
    return Decimal(text)


class PaymentCreate(Strict):
    amount: DecimalText
    bank_reference: Reference = Field(
        description="The bank's reference: the same reference twice is one payment",
        examples=["CMB-20261126-0042"],
    )
    category: CategoryCode | None = Field(
        default=None, description="Allocate straight to this category (funds payments only)"
    )
    purpose: PaymentPurpose = Field(
        default=PaymentPurpose.FUNDS,
        description="funds: to unallocated or the category; deposit: to the free deposit; "
        "repayment: repays the credit line, any excess to unallocated",
    )


class AllocationCreate(Strict):
    amount: DecimalText
    category: CategoryCode


class TransferCreate(Strict):
    amount: DecimalText
    from_category: CategoryCode = Field(description="Only allocated money can be transferred")
    to_category: CategoryCode | None = Field(
        default=None, description="Required for a transfer between this company's categories"
    )
    to_company_id: UUID | None = Field(
        default=None,
        description="Another company's funds account (its unallocated money, or to_category there)",
    )
    memo: str = Field(default="", max_length=200)


class RefundCreate(Strict):
    amount: DecimalText
    source: str = Field(
        default="unallocated",
        max_length=16,
        description='"unallocated", "deposit" (the free deposit) or a category code',
    )
    bank_name: str = Field(default="", max_length=60, description="Pay to (default: on file)")
    bank_account: str = Field(default="", max_length=40)
    memo: str = Field(default="", max_length=80)

    def full_memo(self) -> str:
        """The memo finance sees, with the payee when it is not the account on file."""
        payee = " ".join(p for p in (self.bank_name, self.bank_account) if p)
        return "; ".join(p for p in (f"payee: {payee}" if payee else "", self.memo) if p)


class AmountCreate(Strict):
    amount: DecimalText


class Decision(Strict):
    reason: str = Field(max_length=200, examples=["Documents missing"])


class RefundPaid(Strict):
    bank_reference: Reference = Field(description="The outgoing transfer's bank reference")


class CreditLineSet(Strict):
    limit: DecimalText = Field(examples=["500000.00"])
    billing_day: int = Field(description="1-28: the day of the month a bill is issued")
    repayment_day: int = Field(description="1-28: a bill is due on the next such day")
    grace_days: int = Field(description="0-90: days after the due date before the line freezes")
    late_fee_rate: DecimalText = Field(
        examples=["0.0005"], description="Per overdue day, on what is left of the bill"
    )


class RebateCredit(Strict):
    amount: DecimalText
    reference: Reference = Field(
        description="The rebate's reference (e.g. policy and period); credited once",
        examples=["VIP-2026-Q4"],
    )


class BreachPenalty(Strict):
    amount: DecimalText
    breach_notice: Reference = Field(description="The breach notice (违约通知); charged once")
    source: str = Field(
        default="deposit",
        max_length=16,
        description='"deposit" (free deposit), "unallocated" or a category code',
    )


class CategoryAsOf(BaseModel):
    category: str
    amount: Amount
    available_to_order: Amount


class DashboardAsOf(BaseModel):
    """我的资金 as of a moment, replayed from the funds account's events."""

    opened: bool = Field(description="False: the account had no event yet (all zero)")
    version: int = Field(description="The last event of the funds account included")
    as_of: date = Field(description="Business date (Asia/Shanghai) of the credit figures")
    financial_balance: Amount
    available_to_order: Amount
    unallocated: Amount
    allocated: Amount
    categories: list[CategoryAsOf]
    held: Amount
    reserved: Amount
    deposit_free: Amount
    deposit_locked: Amount
    rebate: Amount
    credit_limit: Amount
    credit_used: Amount
    credit_available: Amount
    credit_open: bool
    credit_frozen: bool
    overdue: bool


class FundsStatement(BaseModel):
    """One company's balances: now (from its funds account), or as of a moment (``as_of``,
    replayed from its events, with the dashboard and the journal of then)."""

    company_id: UUID
    balances: dict[str, Amount] = Field(
        description="Every non-zero bucket; positive is the customer's money, credit.used is "
        "minus the debt, seller.* mirror it, so all buckets sum to zero"
    )
    financial_balance: Amount = Decimal("0.00")
    available_to_order: Amount = Decimal("0.00")
    credit_limit: Amount = Decimal("0.00")
    credit_used: Amount = Decimal("0.00")
    credit_available: Amount = Decimal("0.00")
    credit_open: bool = False
    credit_frozen: bool = False
    as_of: datetime | None = Field(
        None, description="Only with ?as_of=: the moment shown (a date is its end, Asia/Shanghai)"
    )
    dashboard: DashboardAsOf | None = None
    journal: list[JournalEntryPublic] | None = Field(
        None, description="Only with ?as_of=: the entries up to then, newest first (limit, offset)"
    )
    journal_count: int | None = None

    @classmethod
    def of(cls, statement: dict[str, Any]) -> FundsStatement:
        return cls.model_validate(statement)
