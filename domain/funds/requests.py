"""Transfers (转款) and refunds (清退): requested by the buyer, decided by finance.

The requested amount is held from the request on (``held:transfer:<id>`` / ``held:refund:<id>``):
approval, payment or rejection moves it on or back. So approval never overdraws, and requested
money cannot be reserved, transferred or refunded a second time meanwhile.

Transfer: requested → approved (money moved; to another company's account too, in the same save)
or rejected. Only allocated (category) money may be transferred.
Refund: requested → approved → paid (with the outgoing bank reference), or requested → rejected.
Only free money may be refunded: unallocated, a category or the free deposit.

The account holds only the requests still open (a transfer requested, a refund requested or
approved): a decided one is in the events and the read models, and the service answers a second
decision on it from a store-wide claim made with the first (``domain/funds/spent.py``).

These are commands of ``FundsAccount`` (a mixin over ``FundsState``): the events stay on the
aggregate class, whose ``@event`` appliers override the stubs declared here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from uuid import UUID, uuid4

from domain.errors import ConflictError, InvalidTransitionError, NotFoundError, ValidationError
from domain.funds.journal import (
    SELLER_BANK,
    SELLER_TRANSFERS,
    UNALLOCATED,
    JournalEntry,
    category,
    held,
    move,
    require_amount,
    require_text,
    source_bucket,
)
from domain.funds.state import FundsState
from domain.values import Money


class RequestStatus(Enum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"


@dataclass(frozen=True)
class TransferRequest:
    transfer_id: UUID
    source: str  # always category:<CODE>
    amount: Money
    to_company_id: UUID  # this company for a transfer between its own categories
    target: str  # bucket in the receiving account
    memo: str
    status: RequestStatus = RequestStatus.REQUESTED
    reason: str = ""


@dataclass(frozen=True)
class RefundRequest:
    refund_id: UUID
    source: str  # unallocated, category:<CODE> or deposit.free
    amount: Money
    memo: str
    status: RequestStatus = RequestStatus.REQUESTED
    reason: str = ""
    bank_reference: str = ""


def _require_status(
    what: str, status: RequestStatus, action: str, allowed: RequestStatus = RequestStatus.REQUESTED
) -> None:
    if status is not allowed:
        raise InvalidTransitionError(what, status.value, action)


class RequestCommands(FundsState):
    _transfers: dict[UUID, TransferRequest]  # open: requested
    _refunds: dict[UUID, RefundRequest]  # open: requested or approved

    def request_transfer(
        self,
        amount: Money,
        source: str,
        to_category: str | None = None,
        to_company_id: UUID | None = None,
        memo: str = "",
    ) -> TransferRequest:
        """Ask to move allocated money to another category, or to another company."""
        require_amount(amount)
        if source in (UNALLOCATED, "deposit"):
            raise ValidationError(
                "not_allocated", "Only money allocated to a category can be transferred."
            )
        from_bucket = category(source)
        to_company = to_company_id or self.company_id
        if to_company == self.company_id and (
            to_category is None or category(to_category) == from_bucket
        ):
            raise ValidationError(
                "invalid_transfer", "Name another category of yours to transfer to."
            )
        target = category(to_category) if to_category is not None else UNALLOCATED
        request = TransferRequest(
            uuid4(), from_bucket, amount, to_company, target, self._memo(memo)
        )
        hold = held("transfer", request.transfer_id)
        entry = self._checked(
            "transfer_requested",
            move(from_bucket, hold, amount),
            request.memo,
            str(request.transfer_id),
        )
        self._transfer_requested(transfer=request, entry=entry)
        return request

    def approve_transfer(self, transfer_id: UUID) -> TransferRequest:
        """Finance approves: the held money moves on (to the seller's transfer account when it
        goes to another company, whose account then records ``receive_transfer``)."""
        request = self.transfer(transfer_id)
        _require_status("transfer", request.status, "approve")
        internal = request.to_company_id == self.company_id
        target = request.target if internal else SELLER_TRANSFERS
        moves = move(held("transfer", transfer_id), target, request.amount)
        entry = self._checked("transfer_approved", moves, request.memo, str(transfer_id))
        self._transfer_approved(transfer_id=transfer_id, entry=entry)
        return replace(request, status=RequestStatus.APPROVED)

    def receive_transfer(self, request: TransferRequest, from_company_id: UUID) -> None:
        """The receiving side of an approved transfer from another company (in the write that
        approves it; a transfer is approved once, so it is received once)."""
        if (
            request.status is not RequestStatus.APPROVED
            or request.to_company_id != self.company_id
            or from_company_id == self.company_id
        ):
            raise ConflictError("invalid_transfer", "This transfer is not for this account.")
        moves = move(SELLER_TRANSFERS, request.target, request.amount)
        entry = self._checked("transfer_received", moves, request.memo, str(request.transfer_id))
        self._transfer_received(
            transfer_id=request.transfer_id, from_company_id=from_company_id, entry=entry
        )

    def reject_transfer(self, transfer_id: UUID, reason: str) -> TransferRequest:
        request = self.transfer(transfer_id)
        reason = require_text(reason, "reason_required", "reason")
        _require_status("transfer", request.status, "reject")
        moves = move(held("transfer", transfer_id), request.source, request.amount)
        entry = self._checked("transfer_rejected", moves, reason, str(transfer_id))
        self._transfer_rejected(transfer_id=transfer_id, reason=reason, entry=entry)
        return replace(request, status=RequestStatus.REJECTED, reason=reason)

    def request_refund(
        self, amount: Money, source: str = UNALLOCATED, memo: str = ""
    ) -> RefundRequest:
        """Ask for free money back: ``source`` is "unallocated", "deposit" or a category code."""
        require_amount(amount)
        bucket = source_bucket(source)
        request = RefundRequest(uuid4(), bucket, amount, self._memo(memo))
        hold = held("refund", request.refund_id)
        entry = self._checked(
            "refund_requested", move(bucket, hold, amount), request.memo, str(request.refund_id)
        )
        self._refund_requested(refund=request, entry=entry)
        return request

    def approve_refund(self, refund_id: UUID) -> RefundRequest:
        _require_status("refund", self.refund(refund_id).status, "approve")
        self._refund_approved(refund_id=refund_id)
        return self.refund(refund_id)

    def reject_refund(self, refund_id: UUID, reason: str) -> RefundRequest:
        request = self.refund(refund_id)
        reason = require_text(reason, "reason_required", "reason")
        _require_status("refund", request.status, "reject")
        moves = move(held("refund", refund_id), request.source, request.amount)
        entry = self._checked("refund_rejected", moves, reason, str(refund_id))
        self._refund_rejected(refund_id=refund_id, reason=reason, entry=entry)
        return replace(request, status=RequestStatus.REJECTED, reason=reason)

    def mark_refund_paid(self, refund_id: UUID, bank_reference: str) -> RefundRequest:
        """The approved refund went out of the seller's bank: the held money leaves the account."""
        request = self.refund(refund_id)
        reference = require_text(bank_reference, "invalid_reference", "bank reference", 64)
        _require_status("refund", request.status, "pay", RequestStatus.APPROVED)
        moves = move(held("refund", refund_id), SELLER_BANK, request.amount)
        entry = self._checked("refund_paid", moves, request.memo, reference)
        self._refund_paid(refund_id=refund_id, bank_reference=reference, entry=entry)
        return replace(request, status=RequestStatus.PAID, bank_reference=reference)

    # queries

    def transfer(self, transfer_id: UUID) -> TransferRequest:
        """An open transfer request (NotFoundError for a decided or unknown one)."""
        found = self._transfers.get(transfer_id)
        if found is None:
            raise NotFoundError("transfer")
        return found

    def refund(self, refund_id: UUID) -> RefundRequest:
        """An open refund request (NotFoundError for a decided or unknown one)."""
        found = self._refunds.get(refund_id)
        if found is None:
            raise NotFoundError("refund")
        return found

    # appliers: the ``@event`` methods of FundsAccount

    def _transfer_requested(self, transfer: TransferRequest, entry: JournalEntry) -> None:
        raise NotImplementedError

    def _transfer_approved(self, transfer_id: UUID, entry: JournalEntry) -> None:
        raise NotImplementedError

    def _transfer_rejected(self, transfer_id: UUID, reason: str, entry: JournalEntry) -> None:
        raise NotImplementedError

    def _transfer_received(
        self, transfer_id: UUID, from_company_id: UUID, entry: JournalEntry
    ) -> None:
        raise NotImplementedError

    def _refund_requested(self, refund: RefundRequest, entry: JournalEntry) -> None:
        raise NotImplementedError

    def _refund_approved(self, refund_id: UUID) -> None:
        raise NotImplementedError

    def _refund_rejected(self, refund_id: UUID, reason: str, entry: JournalEntry) -> None:
        raise NotImplementedError

    def _refund_paid(self, refund_id: UUID, bank_reference: str, entry: JournalEntry) -> None:
        raise NotImplementedError
