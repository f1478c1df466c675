"""FundsAccount: one double-entry ledger per customer company (SPEC "Funds").

Every change of money is one balanced ``JournalEntry`` (``domain/funds/journal.py`` lists the
buckets and the sign convention: positive = the customer's money in that bucket, ``credit.used`` ≤ 0
is minus the debt, the ``seller.*`` counter-accounts mirror it, so an account's buckets always sum
to zero). No bucket but ``credit.used`` and ``seller.*`` is ever negative: every entry is checked
against the balances before its event is recorded.

The commands live beside their records: payments, allocation and rebates here;
deposits and breach penalties in ``domain/funds/deposits.py``; reservations in
``domain/funds/reservations.py``; transfers and refunds (with their holds) in
``domain/funds/requests.py``; the credit line in ``domain/funds/credit.py``. Each of those is a
mixin over ``FundsState`` (``domain/funds/state.py``: the shared state and helpers) that declares
its own state and appliers; none imports this module. All events are defined here, on the
aggregate, so their topics are ``domain.funds.account:FundsAccount.<Event>``.

Financial balance (财务余额) = money paid in and not yet spent or refunded = unallocated +
categories + held (requested transfers/refunds) + deposit (free and locked) + the cash part of
reservations. Rebate (granted, not paid in), credit drawn (lent) and money settled, forfeited or
charged as fees are not in it.

Available to order (可订货余额) in a category = its allocated money + the unused credit when the
line is open, not frozen and no bill is overdue; in total = all categories + that credit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import Enum
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Aggregate, CopiesCheaply
from domain.errors import ConflictError, ValidationError
from domain.funds.credit import Bill, CreditCommands, CreditLine, CreditTerms
from domain.funds.deposits import DepositCommands
from domain.funds.journal import (
    CATEGORY_PREFIX,
    CREDIT_USED,
    DEPOSIT_FREE,
    REBATE,
    SELLER_BANK,
    SELLER_COMPENSATIONS,
    SELLER_REBATES,
    UNALLOCATED,
    JournalEntry,
    category,
    is_customer_cash,
    move,
    require_amount,
    require_text,
)
from domain.funds.requests import (
    RefundRequest,
    RequestCommands,
    RequestStatus,
    TransferRequest,
)
from domain.funds.reservations import Reservation, ReservationCommands
from domain.ledger import stable_id
from domain.values import Money

_ZERO = Decimal("0.00")


class PaymentPurpose(Enum):
    FUNDS = "funds"  # to unallocated, or straight to a category
    DEPOSIT = "deposit"  # to deposit.free
    REPAYMENT = "repayment"  # repays the credit line; any excess goes to unallocated


@dataclass(frozen=True)
class PaymentRecord:
    bank_reference: str
    amount: Money
    purpose: PaymentPurpose
    category: str | None
    entry_id: UUID


class FundsAccount(
    CopiesCheaply,
    DepositCommands,
    ReservationCommands,
    RequestCommands,
    CreditCommands,
    Aggregate,
):
    @staticmethod
    def create_id(company_id: UUID) -> UUID:
        return stable_id("funds", str(company_id))

    @classmethod
    def id_for(cls, company_id: UUID) -> UUID:
        return cls.create_id(company_id)

    @event("Opened")
    def __init__(self, company_id: UUID) -> None:
        # the types of the parts' state are declared on them (FundsState and the mixins)
        self.company_id = company_id
        self.credit_line = None
        self._balances = {}
        self._journal = []
        self._payments: dict[str, PaymentRecord] = {}
        self._reservations = {}
        self._transfers = {}
        self._received = set()
        self._refunds = {}
        self._rebates: dict[str, UUID] = {}  # reference → entry id
        self._breaches = {}
        self._bills = []
        self._fees_through = {}
        self._debt_added = _ZERO
        self._compensations: dict[str, UUID] = {}  # "objection:<id>" / "return:<id>" → entry

    # queries (``balance(bucket)`` is FundsState's)

    def balances(self) -> dict[str, Money]:
        """Every bucket that holds something, by name."""
        return {b: Money(a) for b, a in sorted(self._balances.items()) if a != 0}

    @property
    def journal(self) -> tuple[JournalEntry, ...]:
        return tuple(self._journal)

    def financial_balance(self) -> Money:
        cash = sum((a for b, a in self._balances.items() if is_customer_cash(b)), _ZERO)
        reserved_cash = sum((r.cash.amount for r in self._reservations.values()), _ZERO)
        return Money(cash + reserved_cash)

    def available_to_order(self, category_code: str | None = None) -> Money:
        if category_code is None:
            allocated = sum(
                (a for b, a in self._balances.items() if b.startswith(CATEGORY_PREFIX)), _ZERO
            )
            return Money(allocated) + self.credit_available()
        return self.balance(category(category_code)) + self.credit_available()

    def payment(self, bank_reference: str) -> PaymentRecord | None:
        return self._payments.get(bank_reference.strip())

    def reservation(self, contract_id: UUID) -> Reservation | None:
        return self._reservations.get(contract_id)

    def rebate_entry(self, reference: str) -> UUID | None:
        return self._rebates.get(reference.strip())

    # commands: payments, allocation, rebates

    def record_payment(
        self,
        amount: Money,
        bank_reference: str,
        category_code: str | None = None,
        purpose: PaymentPurpose = PaymentPurpose.FUNDS,
    ) -> PaymentRecord:
        """Money received by bank transfer; a bank reference is recorded once."""
        require_amount(amount)
        reference = require_text(bank_reference, "invalid_reference", "bank reference", 64)
        if reference in self._payments:
            raise ConflictError(
                "bank_reference_conflict", f"Bank reference {reference} is recorded already."
            )
        if not isinstance(purpose, PaymentPurpose):
            raise ValidationError("invalid_purpose", f"{purpose!r} is not a payment purpose.")
        if category_code is not None and purpose is not PaymentPurpose.FUNDS:
            raise ValidationError("invalid_category", "Only funds payments go to a category.")
        if purpose is PaymentPurpose.REPAYMENT:
            repaid = min(amount, self.credit_used())
            moves = [(SELLER_BANK, -amount), (CREDIT_USED, repaid), (UNALLOCATED, amount - repaid)]
        else:
            target = DEPOSIT_FREE if purpose is PaymentPurpose.DEPOSIT else UNALLOCATED
            target = category(category_code) if category_code is not None else target
            moves = move(SELLER_BANK, target, amount)
        entry = self._checked("payment", moves, purpose.value, reference)
        record = PaymentRecord(reference, amount, purpose, category_code, entry.entry_id)
        self._payment_recorded(payment=record, entry=entry)
        self._unfreeze_if_nothing_overdue()
        return record

    def allocate(self, amount: Money, category_code: str) -> JournalEntry:
        """Give unallocated money a product category."""
        require_amount(amount)
        entry = self._checked("allocation", move(UNALLOCATED, category(category_code), amount))
        self._funds_allocated(entry=entry)
        return entry

    def credit_rebate(self, amount: Money, reference: str) -> JournalEntry:
        """返利调账: rebate credited by finance under a reference (e.g. its policy period)."""
        require_amount(amount)
        ref = require_text(reference, "invalid_reference", "rebate reference", 64)
        if ref in self._rebates:
            raise ConflictError("rebate_reference_conflict", f"Rebate {ref} is credited already.")
        entry = self._checked("rebate_credited", move(SELLER_REBATES, REBATE, amount), "", ref)
        self._rebate_credited(reference=ref, entry=entry)
        return entry

    def compensate(
        self, amount: Money, kind: str, reference: str, category_code: str | None = None
    ) -> JournalEntry:
        """Money the seller gives back: an accepted objection's compensation, or the refund of
        returned goods. Credited to a category (or unallocated), once per kind and reference."""
        require_amount(amount)
        if kind not in ("objection", "return"):
            raise ValidationError("invalid_kind", "Compensation is for an objection or a return.")
        key = f"{kind}:{require_text(reference, 'invalid_reference', 'reference', 64)}"
        if key in self._compensations:
            raise ConflictError("already_compensated", f"{key} is compensated already.")
        target = category(category_code) if category_code else UNALLOCATED
        entry = self._checked("compensated", move(SELLER_COMPENSATIONS, target, amount), kind, key)
        self._compensated(key=key, entry=entry)
        return entry

    # helpers of the appliers (``_checked`` and ``_memo`` are FundsState's)

    def _set_transfer(self, transfer_id: UUID, status: RequestStatus, reason: str = "") -> None:
        self._transfers[transfer_id] = replace(
            self._transfers[transfer_id], status=status, reason=reason
        )

    def _set_refund(
        self, refund_id: UUID, status: RequestStatus, reason: str = "", bank_reference: str = ""
    ) -> None:
        self._refunds[refund_id] = replace(
            self._refunds[refund_id], status=status, reason=reason, bank_reference=bank_reference
        )

    def _set_line(self, **changes: bool) -> None:
        if self.credit_line is not None:
            self.credit_line = replace(self.credit_line, **changes)  # type: ignore[arg-type]

    def _post(self, entry: JournalEntry) -> None:
        for bucket, delta in entry.deltas().items():
            self._balances[bucket] = self._balances.get(bucket, _ZERO) + delta
        self._debt_added -= min(_ZERO, entry.delta(CREDIT_USED))
        self._journal.append(entry)

    # appliers: replay runs only these

    @event("PaymentRecorded")
    def _payment_recorded(self, payment: PaymentRecord, entry: JournalEntry) -> None:
        self._post(entry)
        self._payments[payment.bank_reference] = payment

    @event("FundsAllocated")
    def _funds_allocated(self, entry: JournalEntry) -> None:
        self._post(entry)

    @event("DepositToppedUp")
    def _deposit_topped_up(self, entry: JournalEntry) -> None:
        self._post(entry)

    @event("DepositLocked")
    def _deposit_locked(self, auction_id: UUID, entry: JournalEntry) -> None:
        self._post(entry)

    @event("DepositReleased")
    def _deposit_released(self, auction_id: UUID, entry: JournalEntry) -> None:
        self._post(entry)

    @event("DepositForfeited")
    def _deposit_forfeited(self, auction_id: UUID, breach_notice: str, entry: JournalEntry) -> None:
        self._post(entry)
        self._breaches[breach_notice] = entry.entry_id

    @event("BreachPenaltyCharged")
    def _breach_penalty_charged(self, breach_notice: str, entry: JournalEntry) -> None:
        self._post(entry)
        self._breaches[breach_notice] = entry.entry_id

    @event("Compensated")
    def _compensated(self, key: str, entry: JournalEntry) -> None:
        self._post(entry)
        self._compensations[key] = entry.entry_id

    @event("RebateCredited")
    def _rebate_credited(self, reference: str, entry: JournalEntry) -> None:
        self._post(entry)
        self._rebates[reference] = entry.entry_id

    @event("FundsReserved")
    def _funds_reserved(
        self, contract_id: UUID, reservation: Reservation, entry: JournalEntry
    ) -> None:
        self._post(entry)
        self._reservations[contract_id] = reservation

    @event("RebateApplied")
    def _rebate_applied(
        self, contract_id: UUID, reservation: Reservation, entry: JournalEntry
    ) -> None:
        self._post(entry)
        self._reservations[contract_id] = reservation

    @event("ReservationReleased")
    def _reservation_released(
        self, contract_id: UUID, reservation: Reservation, entry: JournalEntry
    ) -> None:
        self._post(entry)
        self._reservations[contract_id] = reservation

    @event("ReservationSettled")
    def _reservation_settled(
        self, contract_id: UUID, reservation: Reservation, entry: JournalEntry
    ) -> None:
        self._post(entry)
        self._reservations[contract_id] = reservation

    @event("ContractPostSettled")
    def _post_settled(
        self, contract_id: UUID, final_amount: Money, reservation: Reservation, entry: JournalEntry
    ) -> None:
        self._post(entry)
        self._reservations[contract_id] = reservation

    @event("TransferRequested")
    def _transfer_requested(self, transfer: TransferRequest, entry: JournalEntry) -> None:
        self._post(entry)
        self._transfers[transfer.transfer_id] = transfer

    @event("TransferApproved")
    def _transfer_approved(self, transfer_id: UUID, entry: JournalEntry) -> None:
        self._post(entry)
        self._set_transfer(transfer_id, RequestStatus.APPROVED)

    @event("TransferRejected")
    def _transfer_rejected(self, transfer_id: UUID, reason: str, entry: JournalEntry) -> None:
        self._post(entry)
        self._set_transfer(transfer_id, RequestStatus.REJECTED, reason=reason)

    @event("TransferReceived")
    def _transfer_received(
        self, transfer_id: UUID, from_company_id: UUID, entry: JournalEntry
    ) -> None:
        self._post(entry)
        self._received.add(transfer_id)

    @event("RefundRequested")
    def _refund_requested(self, refund: RefundRequest, entry: JournalEntry) -> None:
        self._post(entry)
        self._refunds[refund.refund_id] = refund

    @event("RefundApproved")
    def _refund_approved(self, refund_id: UUID) -> None:
        self._set_refund(refund_id, RequestStatus.APPROVED)

    @event("RefundRejected")
    def _refund_rejected(self, refund_id: UUID, reason: str, entry: JournalEntry) -> None:
        self._post(entry)
        self._set_refund(refund_id, RequestStatus.REJECTED, reason=reason)

    @event("RefundPaid")
    def _refund_paid(self, refund_id: UUID, bank_reference: str, entry: JournalEntry) -> None:
        self._post(entry)
        self._set_refund(refund_id, RequestStatus.PAID, bank_reference=bank_reference)

    @event("CreditLineSet")
    def _credit_line_set(self, terms: CreditTerms) -> None:
        frozen = self.credit_line.frozen if self.credit_line else False
        self.credit_line = CreditLine(terms, open=True, frozen=frozen)

    @event("CreditLineClosed")
    def _credit_line_closed(self) -> None:
        self._set_line(open=False)

    @event("CreditBilled")
    def _credit_billed(self, bill: Bill) -> None:
        self._bills.append(bill)

    @event("CreditRepaid")
    def _credit_repaid(self, entry: JournalEntry) -> None:
        self._post(entry)

    @event("LateFeeCharged")
    def _late_fee_charged(self, bill_id: UUID, through: date, entry: JournalEntry) -> None:
        self._post(entry)
        self._fees_through[bill_id] = through

    @event("CreditLineFrozen")
    def _credit_line_frozen(self, bill_ids: tuple[UUID, ...], reason: str) -> None:
        self._set_line(frozen=True)

    @event("CreditLineUnfrozen")
    def _credit_line_unfrozen(self) -> None:
        self._set_line(frozen=False)
