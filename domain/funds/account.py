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

Bounded (issue 15): the account holds what its rules decide on — the non-zero buckets, the open
reservations and requests, the credit line with its last and unpaid bills, the debt added since
the last bill by day — never its history. The journal is its events (``projections/balances``:
the read model and ``replay_funds``); references that must stay unique forever are store-wide
claims (``domain/funds/spent.py``) the service saves in the same write. The state's
``class_version`` 2 drops what version 1 snapshots held (``upcast_v1_v2``); ``Opened`` version 2
says whether the account's references were claimed from its start (accounts opened before were
not: ``domain/funds/legacy.py`` claims them once, recorded by ``ReferencesClaimed``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Aggregate, CopiesCheaply
from domain.errors import ValidationError
from domain.funds.credit import Bill, CreditCommands, CreditLine, CreditTerms, bill_remaining
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


def compensation_key(kind: str, reference: object) -> str:
    """ "objection:<id>" or "return:<id>": what a compensation is for, compensated once."""
    if kind not in ("objection", "return"):
        raise ValidationError("invalid_kind", "Compensation is for an objection or a return.")
    return f"{kind}:{require_text(reference, 'invalid_reference', 'reference', 64)}"


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

    class_version = 2  # 1 held the journal, payments, closed records and spent references

    class Opened(Aggregate.Created):
        class_version = 2  # 1 had no claims_references (accounts opened before issue 15)
        company_id: UUID
        claims_references: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["claims_references"] = False

    @event(Opened)
    def __init__(self, company_id: UUID, claims_references: bool = True) -> None:
        # the types of the parts' state are declared on them (FundsState and the mixins)
        self.company_id = company_id
        self.credit_line = None
        self._balances = {}
        self._reservations = {}
        self._transfers = {}
        self._refunds = {}
        self._bills = []
        self._fees_through = {}
        self._debt_added = _ZERO
        self._debt_by_day = {}
        # False: references of its history are only in its events (domain/funds/legacy.py)
        self.references_claimed = claims_references

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A snapshot of version 1 (the whole past inside): keep what the rules decide on."""
        journal = state.pop("_journal", [])
        for past in ("_payments", "_received", "_rebates", "_breaches", "_compensations"):
            state.pop(past, None)
        state["_balances"] = {b: a for b, a in state["_balances"].items() if a != 0}
        state["_reservations"] = {c: r for c, r in state["_reservations"].items() if not r.closed}
        state["_transfers"] = {
            t: r for t, r in state["_transfers"].items() if r.status is RequestStatus.REQUESTED
        }
        state["_refunds"] = {
            r: q
            for r, q in state["_refunds"].items()
            if q.status in (RequestStatus.REQUESTED, RequestStatus.APPROVED)
        }
        bills = state["_bills"]
        since = bills[-1].period_end if bills else date.min
        by_day: dict[date, Decimal] = {}
        for entry in journal:
            added = -min(_ZERO, entry.delta(CREDIT_USED))
            if added and entry.posted_on >= since:
                by_day[entry.posted_on] = by_day.get(entry.posted_on, _ZERO) + added
        state["_debt_by_day"] = by_day
        state["references_claimed"] = False
        used = _ZERO - state["_balances"].get(CREDIT_USED, _ZERO)
        reduced = state["_debt_added"] - used
        state["_bills"] = [
            b for b in bills[:-1] if bill_remaining(b, reduced).is_positive()
        ] + bills[-1:]
        kept = {b.bill_id for b in state["_bills"]}
        state["_fees_through"] = {b: d for b, d in state["_fees_through"].items() if b in kept}

    # queries (``balance(bucket)`` is FundsState's)

    def balances(self) -> dict[str, Money]:
        """Every bucket that holds something, by name."""
        return {b: Money(a) for b, a in sorted(self._balances.items()) if a != 0}

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

    def reservation(self, contract_id: UUID) -> Reservation | None:
        """The open reservation of a contract (None: none, or post-settled)."""
        return self._reservations.get(contract_id)

    # commands: payments, allocation, rebates

    def record_payment(
        self,
        amount: Money,
        bank_reference: str,
        category_code: str | None = None,
        purpose: PaymentPurpose = PaymentPurpose.FUNDS,
    ) -> PaymentRecord:
        """Money received by bank transfer. A bank reference is recorded once: the service
        checks its store-wide claim and makes it in the same write."""
        require_amount(amount)
        reference = require_text(bank_reference, "invalid_reference", "bank reference", 64)
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
        """返利调账: rebate credited by finance under a reference (e.g. its policy period), once
        per account and reference (the service's claim)."""
        require_amount(amount)
        ref = require_text(reference, "invalid_reference", "rebate reference", 64)
        entry = self._checked("rebate_credited", move(SELLER_REBATES, REBATE, amount), "", ref)
        self._rebate_credited(reference=ref, entry=entry)
        return entry

    def compensate(
        self, amount: Money, kind: str, reference: str, category_code: str | None = None
    ) -> JournalEntry:
        """Money the seller gives back: an accepted objection's compensation, or the refund of
        returned goods. Credited to a category (or unallocated), once per kind and reference
        (the composition's claim)."""
        require_amount(amount)
        key = compensation_key(kind, reference)
        target = category(category_code) if category_code else UNALLOCATED
        entry = self._checked("compensated", move(SELLER_COMPENSATIONS, target, amount), kind, key)
        self._compensated(key=key, entry=entry)
        return entry

    # helpers of the appliers (``_checked`` and ``_memo`` are FundsState's)

    def claim_references(self, claimed: int) -> None:
        """The references of this account's history before issue 15 are claimed now
        (``domain/funds/legacy.py`` made ``claimed`` claims in this write)."""
        if not self.references_claimed:
            self._references_claimed(claimed=claimed)

    def _set_line(self, **changes: bool) -> None:
        if self.credit_line is not None:
            self.credit_line = replace(self.credit_line, **changes)  # type: ignore[arg-type]

    # appliers: replay runs only these

    @event("PaymentRecorded")
    def _payment_recorded(self, payment: PaymentRecord, entry: JournalEntry) -> None:
        self._post(entry)

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

    @event("BreachPenaltyCharged")
    def _breach_penalty_charged(self, breach_notice: str, entry: JournalEntry) -> None:
        self._post(entry)

    @event("Compensated")
    def _compensated(self, key: str, entry: JournalEntry) -> None:
        self._post(entry)

    @event("RebateCredited")
    def _rebate_credited(self, reference: str, entry: JournalEntry) -> None:
        self._post(entry)

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
        self._reservations.pop(contract_id, None)  # closed: its record is in this event

    @event("TransferRequested")
    def _transfer_requested(self, transfer: TransferRequest, entry: JournalEntry) -> None:
        self._post(entry)
        self._transfers[transfer.transfer_id] = transfer

    @event("TransferApproved")
    def _transfer_approved(self, transfer_id: UUID, entry: JournalEntry) -> None:
        self._post(entry)
        self._transfers.pop(transfer_id, None)  # decided: the events say how

    @event("TransferRejected")
    def _transfer_rejected(self, transfer_id: UUID, reason: str, entry: JournalEntry) -> None:
        self._post(entry)
        self._transfers.pop(transfer_id, None)

    @event("TransferReceived")
    def _transfer_received(
        self, transfer_id: UUID, from_company_id: UUID, entry: JournalEntry
    ) -> None:
        self._post(entry)

    @event("RefundRequested")
    def _refund_requested(self, refund: RefundRequest, entry: JournalEntry) -> None:
        self._post(entry)
        self._refunds[refund.refund_id] = refund

    @event("RefundApproved")
    def _refund_approved(self, refund_id: UUID) -> None:
        refund = self._refunds[refund_id]
        self._refunds[refund_id] = replace(refund, status=RequestStatus.APPROVED)

    @event("RefundRejected")
    def _refund_rejected(self, refund_id: UUID, reason: str, entry: JournalEntry) -> None:
        self._post(entry)
        self._refunds.pop(refund_id, None)

    @event("RefundPaid")
    def _refund_paid(self, refund_id: UUID, bank_reference: str, entry: JournalEntry) -> None:
        self._post(entry)
        self._refunds.pop(refund_id, None)

    @event("CreditLineSet")
    def _credit_line_set(self, terms: CreditTerms) -> None:
        frozen = self.credit_line.frozen if self.credit_line else False
        self.credit_line = CreditLine(terms, open=True, frozen=frozen)

    @event("CreditLineClosed")
    def _credit_line_closed(self) -> None:
        self._set_line(open=False)

    @event("CreditBilled")
    def _credit_billed(self, bill: Bill) -> None:
        self._billed(bill)

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

    @event("ReferencesClaimed")
    def _references_claimed(self, claimed: int) -> None:
        self.references_claimed = True
