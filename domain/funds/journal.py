"""The funds journal: named buckets, lines and balanced entries.

Every movement of a customer's money is one ``JournalEntry`` whose ``JournalLine`` amounts sum to
zero. A positive line adds to its bucket, a negative one takes from it.

Customer buckets (never negative, except ``credit.used``):

    unallocated                 paid in, not yet given a product category
    category:<CODE>             allocated to a product category (HRC, PLATE …)
    reserved:<contract>         held for a contract
    held:transfer:<id>          held while a transfer request awaits finance
    held:refund:<id>            held from a refund request until it is paid or rejected
    deposit.free                auction deposit not locked
    deposit.locked:<auction>    deposit locked while bidding in an auction
    rebate                      rebate credited, not yet applied to a contract
    credit.used                 ≤ 0: minus what the customer owes on its credit line

The seller's counter-accounts (``seller.*``, either sign) mirror what flows in and out:
``seller.bank`` (−X when X is received, +X when a refund is paid out), ``seller.revenue`` (+ on
settlement), ``seller.penalties`` (+ forfeits and breach penalties), ``seller.fees`` (+ late fees),
``seller.rebates`` (− rebates granted), ``seller.transfers`` (+ sent to / − received from another
company's account). So the sum of all buckets of an account is always zero.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

from domain import context
from domain.errors import ConflictError, InsufficientFundsError, ValidationError
from domain.values import Money

UNALLOCATED = "unallocated"
DEPOSIT_FREE = "deposit.free"
REBATE = "rebate"
CREDIT_USED = "credit.used"
SELLER_BANK = "seller.bank"
SELLER_REVENUE = "seller.revenue"
SELLER_PENALTIES = "seller.penalties"
SELLER_FEES = "seller.fees"
SELLER_REBATES = "seller.rebates"
SELLER_TRANSFERS = "seller.transfers"
SELLER_COMPENSATIONS = "seller.compensations"

CATEGORY_PREFIX = "category:"
RESERVED_PREFIX = "reserved:"
LOCKED_PREFIX = "deposit.locked:"
HELD_PREFIX = "held:"

_CATEGORY_CODE = re.compile(r"[A-Z0-9_]{2,16}")
_ZERO = Decimal("0.00")


def check_category_code(code: object) -> str:
    if not isinstance(code, str) or not _CATEGORY_CODE.fullmatch(code):
        raise ValidationError(
            "invalid_category",
            f"{code!r} is not a category code (2-16 upper-case letters, digits or _).",
        )
    return code


def category(code: str) -> str:
    return CATEGORY_PREFIX + check_category_code(code)


def reserved(contract_id: UUID) -> str:
    return f"{RESERVED_PREFIX}{contract_id}"


def deposit_locked(auction_id: UUID) -> str:
    return f"{LOCKED_PREFIX}{auction_id}"


def held(kind: str, request_id: UUID) -> str:
    return f"{HELD_PREFIX}{kind}:{request_id}"


def may_go_negative(bucket: str) -> bool:
    return bucket == CREDIT_USED or bucket.startswith("seller.")


def is_customer_cash(bucket: str) -> bool:
    """Buckets holding money the customer paid in (reservations are counted separately)."""
    return bucket in (UNALLOCATED, DEPOSIT_FREE) or bucket.startswith(
        (CATEGORY_PREFIX, HELD_PREFIX, LOCKED_PREFIX)
    )


def source_bucket(source: str) -> str:
    """A request's source: ``"unallocated"``, ``"deposit"`` (free deposit) or a category code."""
    if source == UNALLOCATED:
        return UNALLOCATED
    if source == "deposit":
        return DEPOSIT_FREE
    return category(source)


def require_amount(amount: object, what: str = "amount") -> Money:
    """Amounts of commands: a Money above zero (Money itself has at most 2 places)."""
    if not isinstance(amount, Money) or amount.amount <= 0:
        raise ValidationError("invalid_amount", f"The {what} must be a positive amount of CNY.")
    return amount


def require_text(value: object, code: str, what: str, max_length: int = 200) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > max_length:
        raise ValidationError(code, f"A {what} of 1-{max_length} characters is required.")
    return text


@dataclass(frozen=True)
class JournalLine:
    bucket: str
    amount: Money


@dataclass(frozen=True)
class JournalEntry:
    entry_id: UUID
    kind: str
    lines: tuple[JournalLine, ...]
    memo: str
    reference: str
    posted_on: date  # the Asia/Shanghai business date

    def is_balanced(self) -> bool:
        return sum((line.amount.amount for line in self.lines), _ZERO) == 0

    def deltas(self) -> dict[str, Decimal]:
        result: dict[str, Decimal] = {}
        for line in self.lines:
            result[line.bucket] = result.get(line.bucket, _ZERO) + line.amount.amount
        return result

    def delta(self, bucket: str) -> Decimal:
        return self.deltas().get(bucket, _ZERO)


def make_entry(
    kind: str, moves: Iterable[tuple[str, Money]], memo: str = "", reference: str = ""
) -> JournalEntry:
    """An entry from (bucket, signed amount) moves: same buckets merged, zero lines dropped."""
    merged: dict[str, Decimal] = {}
    for bucket, amount in moves:
        merged[bucket] = merged.get(bucket, _ZERO) + amount.amount
    lines = tuple(JournalLine(b, Money(a)) for b, a in merged.items() if a != 0)
    return JournalEntry(uuid4(), kind, lines, memo, reference, context.current().today())


def move(source: str, target: str, amount: Money) -> list[tuple[str, Money]]:
    """Moves that take an amount from one bucket and put it in another."""
    return [(source, -amount), (target, amount)]


def check_entry(balances: dict[str, Decimal], entry: JournalEntry) -> None:
    """Refuse an entry that does not balance or would leave a bucket below what it allows."""
    if not entry.lines or not entry.is_balanced():
        raise ConflictError("unbalanced_entry", f"Entry {entry.kind} does not balance.")
    for bucket, delta in entry.deltas().items():
        before = balances.get(bucket, _ZERO)
        after = before + delta
        if bucket == CREDIT_USED and after > 0:
            raise ConflictError("exceeds_credit_used", "That is more than the credit used.")
        if after < 0 and not may_go_negative(bucket):
            raise shortfall(bucket, Money(before), Money(-delta))


def shortfall(bucket: str, available: Money, needed: Money) -> ConflictError:
    detail = f"{bucket} holds {available}, {needed} is needed."
    extra = {"bucket": bucket, "available": str(available), "needed": str(needed)}
    if bucket.startswith("deposit."):
        return ConflictError("insufficient_deposit", f"Not enough deposit: {detail}", **extra)
    if bucket == REBATE:
        return ConflictError("insufficient_rebate", f"Not enough rebate: {detail}", **extra)
    return InsufficientFundsError(f"Not enough money: {detail}", **extra)
