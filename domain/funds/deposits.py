"""Deposits (保证金) and breach penalties of a funds account.

A deposit is topped up from unallocated money (or paid straight in), locked per auction while
bidding, released after it, or forfeited to the seller under a breach notice (违约通知). A breach
penalty can also be charged from the free deposit, unallocated money or a category. Each breach
notice is charged once: a store-wide claim per account and notice, made by the composition in
the same write (``domain/funds/spent.py``), not a set that grows inside the account.

These are commands of ``FundsAccount`` (a mixin over ``FundsState``): the events stay on the
aggregate class, whose ``@event`` appliers override the stubs declared here.
"""

from __future__ import annotations

from uuid import UUID

from domain.errors import ConflictError
from domain.funds.journal import (
    DEPOSIT_FREE,
    SELLER_PENALTIES,
    UNALLOCATED,
    JournalEntry,
    deposit_locked,
    move,
    require_amount,
    require_text,
    source_bucket,
)
from domain.funds.state import FundsState
from domain.values import Money


def breach_notice_text(breach_notice: object) -> str:
    return require_text(breach_notice, "breach_notice_required", "breach notice", 64)


class DepositCommands(FundsState):
    def deposit_locked_for(self, auction_id: UUID) -> Money:
        return self.balance(deposit_locked(auction_id))

    def top_up_deposit(self, amount: Money) -> JournalEntry:
        """Move unallocated money to the free deposit (a payment can go there directly, too)."""
        require_amount(amount)
        entry = self._checked("deposit_top_up", move(UNALLOCATED, DEPOSIT_FREE, amount))
        self._deposit_topped_up(entry=entry)
        return entry

    def lock_deposit(self, auction_id: UUID, amount: Money) -> JournalEntry:
        """Lock deposit for bidding in an auction (refused with insufficient_deposit)."""
        require_amount(amount)
        if self.deposit_locked_for(auction_id).is_positive():
            raise ConflictError("deposit_already_locked", "Deposit is locked for it already.")
        moves = move(DEPOSIT_FREE, deposit_locked(auction_id), amount)
        entry = self._checked("deposit_locked", moves, reference=str(auction_id))
        self._deposit_locked(auction_id=auction_id, entry=entry)
        return entry

    def release_deposit(self, auction_id: UUID) -> JournalEntry:
        locked = self._locked_or_refuse(auction_id)
        moves = move(deposit_locked(auction_id), DEPOSIT_FREE, locked)
        entry = self._checked("deposit_released", moves, reference=str(auction_id))
        self._deposit_released(auction_id=auction_id, entry=entry)
        return entry

    def forfeit_deposit(self, auction_id: UUID, breach_notice: str) -> JournalEntry:
        """The locked deposit goes to the seller as a penalty, under a breach notice (违约通知)."""
        notice = breach_notice_text(breach_notice)
        locked = self._locked_or_refuse(auction_id)
        moves = move(deposit_locked(auction_id), SELLER_PENALTIES, locked)
        entry = self._checked("deposit_forfeited", moves, str(auction_id), notice)
        self._deposit_forfeited(auction_id=auction_id, breach_notice=notice, entry=entry)
        return entry

    def charge_breach_penalty(
        self, amount: Money, breach_notice: str, source: str = "deposit"
    ) -> JournalEntry:
        """A breach penalty from the free deposit ("deposit"), "unallocated" or a category."""
        require_amount(amount)
        notice = breach_notice_text(breach_notice)
        moves = move(source_bucket(source), SELLER_PENALTIES, amount)
        entry = self._checked("breach_penalty", moves, reference=notice)
        self._breach_penalty_charged(breach_notice=notice, entry=entry)
        return entry

    # helpers

    def _locked_or_refuse(self, auction_id: UUID) -> Money:
        locked = self.deposit_locked_for(auction_id)
        if not locked.is_positive():
            raise ConflictError("deposit_not_locked", "No deposit is locked for this auction.")
        return locked

    # appliers: the ``@event`` methods of FundsAccount

    def _deposit_topped_up(self, entry: JournalEntry) -> None:
        raise NotImplementedError

    def _deposit_locked(self, auction_id: UUID, entry: JournalEntry) -> None:
        raise NotImplementedError

    def _deposit_released(self, auction_id: UUID, entry: JournalEntry) -> None:
        raise NotImplementedError

    def _deposit_forfeited(self, auction_id: UUID, breach_notice: str, entry: JournalEntry) -> None:
        raise NotImplementedError

    def _breach_penalty_charged(self, breach_notice: str, entry: JournalEntry) -> None:
        raise NotImplementedError
