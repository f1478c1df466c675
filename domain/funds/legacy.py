"""Accounts opened before issue 15 kept their references inside: claim them, once.

Until then a funds account remembered its rebate references, breach notices, compensation keys
and decided requests in its own state (so in its snapshots); only bank references had a
store-wide ``Claim``. The bounded account forgets them, so on the first command under this code
an account whose ``Opened`` event says its references were not claimed (version 1) has its
stored events read once, and every such reference becomes a ``SpentReference`` in that
command's write, with ``ReferencesClaimed`` on the account: from then on a reused old reference
is refused by its claim, like a new one. The account's later events need no reading again.

A bank reference of before has its plain Claim but not the payment's details; a repeat of such a
payment is answered from the account's stored ``PaymentRecorded`` event (``legacy_payment``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from domain.funds.account import FundsAccount, PaymentRecord
from domain.funds.spent import (
    BREACH_NOTICE,
    COMPENSATION,
    FUNDS_REQUEST,
    REBATE_REFERENCE,
    RESERVATION_CLOSED,
    claim_value,
    spend,
)
from domain.ledger import Claim
from domain.unit_of_work import UnitOfWork
from domain.values import Money

_DECISIONS = {
    "TransferApproved": ("transfer_id", "approved"),
    "TransferRejected": ("transfer_id", "rejected"),
    "RefundRejected": ("refund_id", "rejected"),
    "RefundPaid": ("refund_id", "paid"),
}

Spent = tuple[str, str, UUID | None, Money | None, str]  # kind, value, entry, amount, detail


def claim_legacy_references(uow: UnitOfWork, funds: FundsAccount) -> None:
    """If this account's references of before are not claimed yet, claim them in this write."""
    if funds.references_claimed:
        return
    claimed = 0
    stored = uow.app.repository.event_store.get(originator_id=funds.id)
    for kind, value, entry_id, amount, detail in _references(stored):
        claim_id = Claim.create_id(kind, claim_value(kind, funds.id, value))
        if uow.find(Claim, claim_id) is None:
            spend(uow, kind, funds.id, value, entry_id, amount, detail)
            claimed += 1
    funds.claim_references(claimed)


def _references(events: Any) -> Iterator[Spent]:
    for event in events:
        name = type(event).__name__
        entry = getattr(event, "entry", None)
        entry_id = entry.entry_id if entry is not None else None
        if name == "RebateCredited":
            amount = Money(event.entry.delta("rebate"))
            yield REBATE_REFERENCE, event.reference, entry_id, amount, ""
        elif name in ("DepositForfeited", "BreachPenaltyCharged"):
            yield BREACH_NOTICE, event.breach_notice, entry_id, None, ""
        elif name == "Compensated":
            yield COMPENSATION, event.key, entry_id, None, ""
        elif name == "ContractPostSettled":
            yield RESERVATION_CLOSED, str(event.contract_id), entry_id, None, ""
        elif name in _DECISIONS:
            field, status = _DECISIONS[name]
            yield FUNDS_REQUEST, str(getattr(event, field)), entry_id, None, status


def legacy_payment(uow: UnitOfWork, funds_id: UUID, reference: str) -> PaymentRecord | None:
    """The payment recorded under a bank reference before its details were claimed with it."""
    for event in uow.app.repository.event_store.get(originator_id=funds_id):
        payment = getattr(event, "payment", None)
        if isinstance(payment, PaymentRecord) and payment.bank_reference == reference:
            return payment
    return None
