"""An auction session (场次): a set of lots under one deposit rule, and every bidder's deposit.

The deposit (default ¥3,000) is per session: a customer's first bid on any lot of the session
locks it (in the funds account, bucket ``deposit.locked:<session id>``), and it stays locked
while the customer has a stake in the session: a lot it bid on that is not yet closed, or a lot
it won and has not paid. When the last stake ends the deposit is released; if a won lot goes
unpaid past its day it is forfeited under a breach notice, and the customer may not bid in this
session again. A customer whose deposit was released and who bids on a later lot locks it anew.

Each command returns what the funds side must do (lock this amount, release these bidders,
forfeit or not), and records it, so a service runs lot, session and funds in one write and
running a command twice changes nothing twice. The session holds one small record per bidder
and one flag per lot, never the bids.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.auctions.errors import DepositForfeitedError, SessionCancelledError
from domain.auctions.values import DEFAULT_DEPOSIT
from domain.base import Aggregate, CopiesCheaply
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.values import Money

LOCKED = "locked"
RELEASED = "released"
FORFEITED = "forfeited"


@dataclass(frozen=True)
class DepositHolding:
    """One bidder's deposit in the session: locked, released or forfeited, and what holds it."""

    bidder_id: UUID
    state: str  # locked | released | forfeited
    open_lots: frozenset[UUID] = frozenset()  # bid on, not yet closed or cancelled
    awards_due: frozenset[UUID] = frozenset()  # won, not yet paid or forfeited
    breach_notice: str | None = None

    @property
    def is_held(self) -> bool:
        return bool(self.open_lots or self.awards_due)


class AuctionSession(CopiesCheaply, Aggregate):
    @classmethod
    def create(cls, name: str, deposit: Money = DEFAULT_DEPOSIT) -> AuctionSession:
        if not (name or "").strip():
            raise ValidationError("required", "A session needs a name.")
        if not isinstance(deposit, Money) or not deposit.is_positive():
            raise ValidationError("invalid_amount", "The deposit must be a positive amount.")
        return cls(name=name.strip(), deposit=deposit)

    @event("Created")
    def __init__(self, name: str, deposit: Money) -> None:
        self.name = name
        self.deposit = deposit
        self.lots: dict[UUID, bool] = {}  # lot id → settled (closed or cancelled)
        self.winners: dict[UUID, UUID] = {}  # lot id → its winner, once awarded
        self.holdings: dict[UUID, DepositHolding] = {}  # by bidder
        self.cancel_reason: str | None = None

    # ---- queries -----------------------------------------------------------------------
    @property
    def is_cancelled(self) -> bool:
        return self.cancel_reason is not None

    @property
    def lot_ids(self) -> tuple[UUID, ...]:
        return tuple(self.lots)

    @property
    def open_lot_ids(self) -> tuple[UUID, ...]:
        return tuple(lot for lot, settled in self.lots.items() if not settled)

    def holding(self, bidder_id: UUID) -> DepositHolding | None:
        return self.holdings.get(bidder_id)

    def deposit_locked_for(self, bidder_id: UUID) -> bool:
        found = self.holdings.get(bidder_id)
        return found is not None and found.state == LOCKED

    # ---- commands ----------------------------------------------------------------------
    def add_lot(self, lot_id: UUID) -> None:
        if self.is_cancelled:
            raise SessionCancelledError("This session was cancelled.")
        if lot_id in self.lots:
            raise ConflictError("duplicate_lot", "This lot is in the session already.")
        self._lot_added(lot_id=lot_id)

    def admit(self, bidder_id: UUID, lot_id: UUID) -> Money | None:
        """A bidder bids on a lot of this session. Returns the deposit the service must lock
        now (the bidder's first stake in the session), or None when it is locked already."""
        if self.is_cancelled:
            raise SessionCancelledError("This session was cancelled.")
        self._require_open_lot(lot_id)
        found = self.holdings.get(bidder_id)
        if found is not None and found.state == FORFEITED:
            raise DepositForfeitedError(
                "Your deposit in this session was forfeited; you may not bid in it again.",
                breach_notice=found.breach_notice,
            )
        if found is None or found.state == RELEASED:
            self._deposit_locked(bidder_id=bidder_id, lot_id=lot_id, amount=self.deposit)
            return self.deposit
        if lot_id not in found.open_lots:
            self._lot_joined(bidder_id=bidder_id, lot_id=lot_id)
        return None

    def settle_lot(self, lot_id: UUID, winner_id: UUID | None) -> tuple[UUID, ...]:
        """The lot closed (``winner_id`` when sold) or was cancelled. Returns the bidders whose
        deposit the service must release now: every bidder of the lot but the winner, unless
        another open lot or unpaid award of the session still holds it. () if already settled."""
        if self._require_lot(lot_id):
            return ()
        winner = self.holdings.get(winner_id) if winner_id is not None else None
        if winner_id is not None and (winner is None or lot_id not in winner.open_lots):
            raise ConflictError("not_a_bidder", "The winner did not bid on this lot.")
        released = tuple(
            h.bidder_id
            for h in self.holdings.values()
            if lot_id in h.open_lots and h.bidder_id != winner_id
            and h.state == LOCKED and not (h.open_lots - {lot_id}) and not h.awards_due
        )  # fmt: skip
        self._lot_settled(lot_id=lot_id, winner_id=winner_id, released=released)
        return released

    def award_paid(self, lot_id: UUID, bidder_id: UUID) -> bool:
        """The winner paid: True when the service must release its deposit now. False when
        nothing changes (already recorded, or another stake in the session still holds it)."""
        found = self._award_due(lot_id, bidder_id)
        if found is None:
            return False
        others = (found.awards_due - {lot_id}) | found.open_lots
        release = found.state == LOCKED and not others
        self._award_settled(lot_id=lot_id, bidder_id=bidder_id, released=release)
        return release

    def forfeit(self, lot_id: UUID, bidder_id: UUID, breach_notice: str) -> bool:
        """The winner did not pay in time: True when the service must forfeit its locked
        deposit now; False when already recorded, or forfeited before (nothing left to take)."""
        notice = (breach_notice or "").strip()
        if not notice:
            raise ValidationError("breach_notice_required", "Give the breach notice's number.")
        found = self._award_due(lot_id, bidder_id)
        if found is None:
            return False
        forfeit = found.state == LOCKED
        self._deposit_forfeited(
            lot_id=lot_id, bidder_id=bidder_id, breach_notice=notice, forfeited=forfeit
        )
        return forfeit

    def cancel(self, reason: str) -> tuple[UUID, ...]:
        """No lots may be added; returns the lots still open, for the service to cancel (and
        settle here, one by one). Cancelling again returns what is still open."""
        if not (reason or "").strip():
            raise ValidationError("reason_required", "Give a reason.")
        if not self.is_cancelled:
            self._cancelled(reason=reason.strip())
        return self.open_lot_ids

    # ---- helpers -----------------------------------------------------------------------
    def _require_lot(self, lot_id: UUID) -> bool:
        """Is the lot settled? (NotFound when it is not in this session.)"""
        if lot_id not in self.lots:
            raise NotFoundError("lot in this session")
        return self.lots[lot_id]

    def _require_open_lot(self, lot_id: UUID) -> None:
        if self._require_lot(lot_id):
            raise ConflictError("lot_settled", "This lot is closed.")

    def _award_due(self, lot_id: UUID, bidder_id: UUID) -> DepositHolding | None:
        """The winner's holding while the award is due; None once it is settled."""
        self._require_lot(lot_id)
        if self.winners.get(lot_id) != bidder_id:
            raise ConflictError("not_awarded", "This bidder did not win this lot.")
        found = self.holdings[bidder_id]
        return found if lot_id in found.awards_due else None  # None: settled before

    def _update(self, bidder_id: UUID, **changes: Any) -> None:
        self.holdings[bidder_id] = replace(self.holdings[bidder_id], **changes)

    # ---- appliers ----------------------------------------------------------------------
    @event("LotAdded")
    def _lot_added(self, lot_id: UUID) -> None:
        self.lots[lot_id] = False

    @event("DepositLocked")
    def _deposit_locked(self, bidder_id: UUID, lot_id: UUID, amount: Money) -> None:
        self.holdings[bidder_id] = DepositHolding(bidder_id, LOCKED, frozenset({lot_id}))

    @event("LotJoined")
    def _lot_joined(self, bidder_id: UUID, lot_id: UUID) -> None:
        self._update(bidder_id, open_lots=self.holdings[bidder_id].open_lots | {lot_id})

    @event("LotSettled")
    def _lot_settled(
        self, lot_id: UUID, winner_id: UUID | None, released: tuple[UUID, ...]
    ) -> None:
        self.lots[lot_id] = True
        if winner_id is not None:
            self.winners[lot_id] = winner_id
        for holding in list(self.holdings.values()):
            if lot_id not in holding.open_lots:
                continue
            won = holding.awards_due | {lot_id} if holding.bidder_id == winner_id else None
            self._update(
                holding.bidder_id,
                open_lots=holding.open_lots - {lot_id},
                awards_due=won if won is not None else holding.awards_due,
                state=RELEASED if holding.bidder_id in released else holding.state,
            )

    @event("AwardSettled")
    def _award_settled(self, lot_id: UUID, bidder_id: UUID, released: bool) -> None:
        holding = self.holdings[bidder_id]
        state = RELEASED if released else holding.state
        self._update(bidder_id, awards_due=holding.awards_due - {lot_id}, state=state)

    @event("DepositForfeited")
    def _deposit_forfeited(
        self, lot_id: UUID, bidder_id: UUID, breach_notice: str, forfeited: bool
    ) -> None:
        holding = self.holdings[bidder_id]
        self._update(
            bidder_id,
            awards_due=holding.awards_due - {lot_id},
            state=FORFEITED,
            breach_notice=holding.breach_notice or breach_notice,
        )

    @event("Cancelled")
    def _cancelled(self, reason: str) -> None:
        self.cancel_reason = reason
