"""The credit line of a funds account: its terms, bills and the date arithmetic behind them.

The debt is ``-balance("credit.used")``. A negative ``credit.used`` line adds debt (a draw for a
contract, a late fee), a positive one reduces it (a repayment, a released draw). Each is counted
from the journal, so a read model can recompute everything here from journal lines and dates.

Billing: on the billing day B (1–28) a bill states the debt added in the period that ends the
day before B (entries posted on dates before B and not on an earlier bill). It is due on the next
repayment day R (1–28) after B. Reductions pay the oldest bill first, so a bill's remaining amount
is ``clamp(cumulative billed up to it - total reductions, 0, its amount)``.

Overdue: a bill still not paid after ``due_on + grace_days`` is overdue: the line is frozen (no
new draws, payments still welcome) and a late fee of ``remaining x rate`` per overdue day (days
after due + grace) is charged into ``credit.used``. The line unfreezes when no bill is overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID, uuid4

from domain import context
from domain.errors import ConflictError, InsufficientFundsError, ValidationError
from domain.funds.journal import (
    CREDIT_USED,
    SELLER_FEES,
    UNALLOCATED,
    JournalEntry,
    move,
    require_amount,
)
from domain.funds.state import FundsState
from domain.values import CENT, Money

MAX_LATE_FEE_RATE = Decimal("0.01")  # 1 % a day is already usury; more is a typo
MAX_GRACE_DAYS = 90
_ZERO = Decimal("0.00")
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class CreditTerms:
    limit: Money
    billing_day: int
    repayment_day: int
    grace_days: int
    late_fee_rate: Decimal  # per day, e.g. Decimal("0.0005")

    @classmethod
    def checked(
        cls,
        limit: object,
        billing_day: object,
        repayment_day: object,
        grace_days: object,
        late_fee_rate: object,
    ) -> CreditTerms:
        if not isinstance(limit, Money) or limit.amount < 0:
            raise ValidationError("invalid_amount", "The credit limit must be zero or more CNY.")
        _check_day(billing_day, "billing_day")
        _check_day(repayment_day, "repayment_day")
        if not _is_int(grace_days) or not 0 <= grace_days <= MAX_GRACE_DAYS:  # type: ignore[operator]
            raise ValidationError("invalid_grace_days", f"Grace days are 0-{MAX_GRACE_DAYS}.")
        if not isinstance(late_fee_rate, Decimal) or not (
            late_fee_rate.is_finite() and 0 <= late_fee_rate <= MAX_LATE_FEE_RATE
        ):
            raise ValidationError(
                "invalid_late_fee_rate",
                f"The late-fee rate is a Decimal per day between 0 and {MAX_LATE_FEE_RATE}.",
            )
        return cls(limit, billing_day, repayment_day, grace_days, late_fee_rate)  # type: ignore[arg-type]


@dataclass(frozen=True)
class CreditLine:
    terms: CreditTerms
    open: bool = True
    frozen: bool = False


@dataclass(frozen=True)
class Bill:
    bill_id: UUID
    period_start: date | None  # None: since the account began
    period_end: date  # the billing date; the period ends the day before it
    amount: Money
    due_on: date
    cumulative: Money  # this bill plus all earlier ones

    def overdue_from(self, grace_days: int) -> date:
        """The first day on which this bill, if unpaid, is overdue."""
        return self.due_on + timedelta(days=grace_days + 1)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_day(value: object, name: str) -> None:
    if not _is_int(value) or not 1 <= value <= 28:  # type: ignore[operator]
        raise ValidationError(f"invalid_{name}", f"The {name.replace('_', ' ')} is 1-28.")


def _add_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, day.day)


def last_billing_date(today: date, billing_day: int) -> date:
    """The latest date on or before today that falls on the billing day."""
    this_month = today.replace(day=billing_day)
    if this_month <= today:
        return this_month
    previous = today.replace(day=1) - timedelta(days=1)
    return previous.replace(day=billing_day)


def due_date(billing_date: date, repayment_day: int) -> date:
    """The first repayment day after the billing date."""
    candidate = billing_date.replace(day=repayment_day)
    return candidate if candidate > billing_date else _add_month(candidate)


def bill_remaining(bill: Bill, reduced: Decimal) -> Money:
    """What is left of a bill when ``reduced`` has been repaid in total, oldest bills first."""
    left = bill.cumulative.amount - reduced
    return Money(max(_ZERO, min(left, bill.amount.amount)))


def late_fee(remaining: Money, rate: Decimal, days: int) -> Money:
    return Money((remaining.amount * rate * days).quantize(CENT, ROUND_HALF_UP))


class CreditCommands(FundsState):
    """The credit-line commands and queries of ``FundsAccount`` (a mixin over ``FundsState``:
    the events stay on the aggregate class, whose ``@event`` appliers override the stubs below).
    """

    credit_line: CreditLine | None
    _bills: list[Bill]  # the last bill and the unpaid ones
    _fees_through: dict[UUID, date]  # bill (of _bills) → last day a late fee covers

    def set_credit_line(
        self,
        limit: Money,
        billing_day: int,
        repayment_day: int,
        grace_days: int,
        late_fee_rate: Decimal,
    ) -> CreditLine:
        """Open the line, or change its terms (a lower limit than used only stops new draws)."""
        terms = CreditTerms.checked(limit, billing_day, repayment_day, grace_days, late_fee_rate)
        self._credit_line_set(terms=terms)
        return self._require_line()

    def close_credit_line(self) -> None:
        """No more draws; the debt stays and is billed and repaid as before."""
        if self.credit_line is None or not self.credit_line.open:
            raise ConflictError("credit_line_not_open", "There is no open credit line.")
        self._credit_line_closed()

    def repay_credit(self, amount: Money) -> JournalEntry:
        """Repay the line from unallocated money (a payment can repay directly, too)."""
        require_amount(amount)
        entry = self._checked("credit_repaid", move(UNALLOCATED, CREDIT_USED, amount))
        self._credit_repaid(entry=entry)
        self._unfreeze_if_nothing_overdue()
        return entry

    def issue_credit_bill(self) -> Bill | None:
        """On or after the billing day: bill the debt added in the period (once; None if done
        or nothing to bill)."""
        line = self._require_line()
        billing_date = last_billing_date(context.current().today(), line.terms.billing_day)
        last = self._bills[-1] if self._bills else None
        if last is not None and last.period_end >= billing_date:
            return None
        billed = last.cumulative if last else Money.zero()
        amount = Money(self._debt_added_before(billing_date)) - billed
        if not amount.is_positive():
            return None
        due_on = due_date(billing_date, line.terms.repayment_day)
        start = last.period_end if last else None
        bill = Bill(uuid4(), start, billing_date, amount, due_on, billed + amount)
        self._credit_billed(bill=bill)
        return bill

    def assess_credit(self) -> tuple[JournalEntry, ...]:
        """Daily: freeze the line while a bill is overdue, charge late fees for the overdue days
        not charged yet, unfreeze when nothing is overdue. Running it twice a day changes
        nothing the second time."""
        line = self.credit_line
        if line is None:
            return ()
        today = context.current().today()
        overdue = self.overdue_bills()
        if overdue and not line.frozen:
            ids = tuple(bill.bill_id for bill in overdue)
            self._credit_line_frozen(bill_ids=ids, reason="bill overdue")
        elif not overdue and line.frozen:
            self._credit_line_unfrozen()
        fees = []
        for bill in overdue:
            charged_through = self._fees_through.get(bill.bill_id, date.min)
            first = max(bill.overdue_from(line.terms.grace_days), charged_through + _DAY)
            days = (today - first).days + 1
            if days <= 0:
                continue
            fee = late_fee(self.bill_remaining(bill), line.terms.late_fee_rate, days)
            if fee.is_positive():
                memo = f"{days} day(s) overdue"
                moves = move(CREDIT_USED, SELLER_FEES, fee)
                entry = self._checked("late_fee", moves, memo, str(bill.bill_id))
                self._late_fee_charged(bill_id=bill.bill_id, through=today, entry=entry)
                fees.append(entry)
        return tuple(fees)

    # queries

    def credit_used(self) -> Money:
        return -self.balance(CREDIT_USED)

    def credit_available(self) -> Money:
        """Unused credit, when the line is open, not frozen and no bill is overdue."""
        line = self.credit_line
        if line is None or not line.open or self._credit_blocked():
            return Money.zero()
        return max(Money.zero(), line.terms.limit - self.credit_used())

    @property
    def bills(self) -> tuple[Bill, ...]:
        """The last bill and every earlier one not fully paid (a paid bill stays paid)."""
        return tuple(self._bills)

    def bill_remaining(self, bill: Bill) -> Money:
        reduced = self._debt_added - self.credit_used().amount
        return bill_remaining(bill, reduced)

    def overdue_bills(self) -> tuple[Bill, ...]:
        if self.credit_line is None:
            return ()
        today = context.current().today()
        grace = self.credit_line.terms.grace_days
        return tuple(
            bill
            for bill in self._bills
            if today >= bill.overdue_from(grace) and self.bill_remaining(bill).is_positive()
        )

    # helpers

    def _require_line(self) -> CreditLine:
        if self.credit_line is None:
            raise ConflictError("no_credit_line", "This account has no credit line.")
        return self.credit_line

    def _credit_blocked(self) -> bool:
        """Frozen, or a bill is overdue and the scheduler has not recorded the freeze yet."""
        return self.credit_line is not None and (
            self.credit_line.frozen or bool(self.overdue_bills())
        )

    def _split_with_credit(self, bucket: str, amount: Money) -> tuple[Money, Money]:
        """How much of an amount the bucket pays and how much is drawn on credit."""
        have = self.balance(bucket)
        cash = min(have, amount)
        credit = amount - cash
        if credit.is_positive():
            line = self.credit_line
            if line is not None and line.open and self._credit_blocked():
                raise ConflictError(
                    "credit_frozen", "The credit line is frozen until the overdue bill is repaid."
                )
            available = self.credit_available()
            if credit > available:
                raise InsufficientFundsError(
                    f"Available to order from {bucket}: {have + available}; {amount} is needed.",
                    bucket=bucket,
                    available=str(have + available),
                    needed=str(amount),
                )
        return cash, credit

    def _unfreeze_if_nothing_overdue(self) -> None:
        line = self.credit_line
        if line is not None and line.frozen and not self.overdue_bills():
            self._credit_line_unfrozen()

    def _debt_added_before(self, day: date) -> Decimal:
        """Debt added by entries posted before a date: all of it but the days since."""
        since = sum((a for d, a in self._debt_by_day.items() if d >= day), _ZERO)
        return self._debt_added - since

    def _forget_paid_bills(self) -> None:
        if not self._bills:
            return
        last = self._bills[-1]
        kept = [b for b in self._bills[:-1] if self.bill_remaining(b).is_positive()] + [last]
        if len(kept) < len(self._bills):
            self._bills = kept
            ids = {b.bill_id for b in kept}
            self._fees_through = {b: d for b, d in self._fees_through.items() if b in ids}

    def _billed(self, bill: Bill) -> None:
        """Applied by ``CreditBilled``: the days before the billing date are billed now."""
        self._bills.append(bill)
        self._debt_by_day = {d: a for d, a in self._debt_by_day.items() if d >= bill.period_end}
        self._forget_paid_bills()

    # appliers: the ``@event`` methods of FundsAccount

    def _credit_line_set(self, terms: CreditTerms) -> None:
        raise NotImplementedError

    def _credit_line_closed(self) -> None:
        raise NotImplementedError

    def _credit_billed(self, bill: Bill) -> None:
        raise NotImplementedError

    def _credit_repaid(self, entry: JournalEntry) -> None:
        raise NotImplementedError

    def _late_fee_charged(self, bill_id: UUID, through: date, entry: JournalEntry) -> None:
        raise NotImplementedError

    def _credit_line_frozen(self, bill_ids: tuple[UUID, ...], reason: str) -> None:
        raise NotImplementedError

    def _credit_line_unfrozen(self) -> None:
        raise NotImplementedError
