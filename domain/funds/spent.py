"""References a funds account spends once and forever, kept store-wide instead of inside it.

A bank reference is one payment, a rebate reference one credit, a breach notice one penalty, a
compensation key one compensation; a decided transfer or refund is not decided again, a
post-settled reservation not reopened. Each of those is a ``SpentReference``: a ``Claim``
(``domain/ledger.py``, a deterministic id per kind and value, so two writers cannot both make it)
saved in the same atomic write as the account's event, with what a repeat needs to be answered
(the entry, the amount, a detail). The account itself stays the size of what it decides on.

Kinds and values (the account's references are scoped to it, as they were when they lived in
it; a bank reference is unique across the store, as it always was):

    bank_reference      <reference>                   detail "<purpose>:<category>"
    rebate_reference    <funds id>:<reference>        entry, amount
    breach_notice       <funds id>:<notice>           entry
    compensation        <funds id>:<kind>:<reference> entry
    funds_request       <request id>                  detail: its final status
    reservation_closed  <funds id>:<contract id>

A bank reference recorded before these existed has a plain ``Claim`` (payments always made one);
the other references of such an account are claimed by ``domain/funds/legacy.py`` on its first
command under this code.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from domain.ledger import Claim
from domain.unit_of_work import UnitOfWork
from domain.values import Money

BANK_REFERENCE = "bank_reference"
REBATE_REFERENCE = "rebate_reference"
BREACH_NOTICE = "breach_notice"
COMPENSATION = "compensation"
FUNDS_REQUEST = "funds_request"
RESERVATION_CLOSED = "reservation_closed"

# kinds whose value is scoped to one funds account
ACCOUNT_SCOPED = frozenset({REBATE_REFERENCE, BREACH_NOTICE, COMPENSATION, RESERVATION_CLOSED})


class SpentReference(Claim):
    """A Claim with what its first use recorded."""

    @event("Made")
    def __init__(
        self,
        kind: str,
        value: str,
        owner_id: UUID,
        entry_id: UUID | None = None,
        amount: Money | None = None,
        detail: str = "",
    ) -> None:
        self.kind = kind
        self.value = value
        self.owner_id: UUID | None = owner_id
        self.entry_id = entry_id
        self.amount = amount
        self.detail = detail


def claim_value(kind: str, funds_id: UUID, value: str) -> str:
    return f"{funds_id}:{value}" if kind in ACCOUNT_SCOPED else value


def find_spent(uow: UnitOfWork, kind: str, funds_id: UUID, value: str) -> Claim | None:
    """The claim of a reference (a plain Claim for a bank reference of before), or None."""
    claim_id = Claim.create_id(kind, claim_value(kind, funds_id, value))
    return uow.find(Claim, claim_id)


def spend(
    uow: UnitOfWork,
    kind: str,
    funds_id: UUID,
    value: str,
    entry_id: UUID | None = None,
    amount: Money | None = None,
    detail: str = "",
) -> None:
    """Claim a reference for this account in the command's write (checked free beforehand)."""
    scoped = claim_value(kind, funds_id, value)
    uow.add(
        SpentReference(
            kind=kind,
            value=scoped,
            owner_id=funds_id,
            entry_id=entry_id,
            amount=amount,
            detail=detail,
        )
    )
