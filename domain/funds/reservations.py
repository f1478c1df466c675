"""Money held for contracts: reserve, release, settle, post-settle, apply rebate.

A ``Reservation`` remembers where its money came from: cash from the contract's category, credit
drawn on the line, rebate applied. Settling spends rebate first, then cash, then credit; releasing
gives back in the other order — the credit draw is repaid first. A draw the customer has repaid
meanwhile (``credit.used`` is already back at zero) comes back as category money instead.

The account holds the reservations still open: a post-settled one is closed and leaves it (the
events and the balances read model keep it); the composition refuses a closed contract from a
store-wide claim made when it closed (``domain/funds/spent.py``).

These are commands of ``FundsAccount`` (a mixin over ``FundsState``, whose credit-line helpers
``domain/funds/credit.py`` defines): the events stay on the aggregate class, whose ``@event``
appliers override the stubs declared here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.funds.journal import (
    CREDIT_USED,
    REBATE,
    SELLER_REVENUE,
    UNALLOCATED,
    JournalEntry,
    category,
    move,
    require_amount,
    reserved,
)
from domain.funds.state import FundsState
from domain.values import Money

SETTLEMENT_ORDER = ("rebate", "cash", "credit")
RELEASE_ORDER = ("credit", "cash", "rebate")

Moves = list[tuple[str, Money]]


@dataclass(frozen=True)
class Reservation:
    """Money held for one contract, by where it came from, and what was settled of it."""

    contract_id: UUID
    category: str | None  # None while only rebate was applied
    cash: Money  # from the category
    credit: Money  # drawn on the credit line
    rebate: Money  # applied from the rebate bucket
    settled: Money  # moved to the seller's revenue
    closed: bool = False  # post-settled: nothing more may be reserved, released or settled

    @classmethod
    def empty(cls, contract_id: UUID, category: str | None) -> Reservation:
        zero = Money.zero()
        return cls(contract_id, category, zero, zero, zero, zero)

    @property
    def remaining(self) -> Money:
        return self.cash + self.credit + self.rebate

    def adding(self, cash: Money, credit: Money, rebate: Money) -> Reservation:
        return replace(
            self, cash=self.cash + cash, credit=self.credit + credit, rebate=self.rebate + rebate
        )

    def taking(self, amount: Money, order: tuple[str, ...]) -> tuple[Reservation, dict[str, Money]]:
        """Take an amount from the sources in the given order: the new record and the parts."""
        left = amount
        parts: dict[str, Money] = {}
        for name in order:
            parts[name] = min(getattr(self, name), left)
            left = left - parts[name]
        rest = {name: getattr(self, name) - parts[name] for name in order}
        return replace(self, **rest), parts


class ReservationCommands(FundsState):
    _reservations: dict[UUID, Reservation]  # open ones, by contract

    def reserve(self, contract_id: UUID, category_code: str, amount: Money) -> Reservation:
        """Hold money for a contract from its category, drawing on credit for the rest."""
        require_amount(amount)
        bucket = category(category_code)
        current = self._open_reservation(contract_id, category_code)
        cash, credit = self._split_with_credit(bucket, amount)
        moves = [(bucket, -cash), (CREDIT_USED, -credit), (reserved(contract_id), amount)]
        entry = self._checked("reserved", moves, reference=str(contract_id))
        after = replace(current.adding(cash, credit, Money.zero()), category=category_code)
        self._funds_reserved(contract_id=contract_id, reservation=after, entry=entry)
        return after

    def apply_rebate(self, contract_id: UUID, amount: Money) -> Reservation:
        """Use credited rebate (返利) towards a contract: rebate → reserved:<contract>."""
        require_amount(amount)
        current = self._open_reservation(contract_id, None)
        entry = self._checked(
            "rebate_applied",
            move(REBATE, reserved(contract_id), amount),
            reference=str(contract_id),
        )
        after = current.adding(Money.zero(), Money.zero(), amount)
        self._rebate_applied(contract_id=contract_id, reservation=after, entry=entry)
        return after

    def release(self, contract_id: UUID, amount: Money | None = None) -> Reservation:
        """Give back what a contract held (all of it when no amount is given)."""
        current = self._live_reservation(contract_id)
        if not current.remaining.is_positive():
            raise ConflictError("nothing_reserved", "Nothing is reserved for this contract.")
        amount = current.remaining if amount is None else require_amount(amount)
        self._require_within(current, amount)
        after, moves = self._release_moves(current, amount)
        entry = self._checked("released", moves, reference=str(contract_id))
        self._reservation_released(contract_id=contract_id, reservation=after, entry=entry)
        self._unfreeze_if_nothing_overdue()
        return after

    def settle(self, contract_id: UUID, amount: Money, memo: str = "") -> Reservation:
        """On shipment: move (part of) what the contract holds to the seller's revenue."""
        current = self._live_reservation(contract_id)
        self._require_within(current, require_amount(amount))
        taken, _ = current.taking(amount, SETTLEMENT_ORDER)
        after = replace(taken, settled=current.settled + amount)
        moves = move(reserved(contract_id), SELLER_REVENUE, amount)
        entry = self._checked("settled", moves, self._memo(memo), str(contract_id))
        self._reservation_settled(contract_id=contract_id, reservation=after, entry=entry)
        return after

    def post_settle(self, contract_id: UUID, final_amount: Money) -> Reservation:
        """后结算: the contract's final amount on actual weight. Settles what is due, releases
        the surplus, charges a shortfall (from the category, then credit) or gives back what was
        over-settled; the reservation is closed afterwards."""
        current = self._live_reservation(contract_id)
        if not isinstance(final_amount, Money) or final_amount.is_negative():
            raise ValidationError("invalid_amount", "The final amount must be zero or more CNY.")
        back = category(current.category) if current.category else UNALLOCATED
        difference = final_amount - current.settled
        if difference.is_negative():
            after, moves = self._release_moves(current, current.remaining)
            moves += move(SELLER_REVENUE, back, -difference)
        else:
            settle_now = min(difference, current.remaining)
            taken, _ = current.taking(settle_now, SETTLEMENT_ORDER)
            after, moves = self._release_moves(taken, taken.remaining)
            moves += move(reserved(contract_id), SELLER_REVENUE, settle_now)
            moves += self._shortfall_moves(back, difference - settle_now)
        after = replace(after, settled=final_amount, closed=True)
        entry = self._checked("post_settled", moves, reference=str(contract_id))
        self._post_settled(
            contract_id=contract_id, final_amount=final_amount, reservation=after, entry=entry
        )
        self._unfreeze_if_nothing_overdue()
        return after

    # helpers

    def _open_reservation(self, contract_id: UUID, category_code: str | None) -> Reservation:
        current = self._reservations.get(contract_id)
        if current is None:
            return Reservation.empty(contract_id, category_code)
        if current.closed:
            raise ConflictError("reservation_closed", "This contract was post-settled already.")
        if category_code is not None and current.category not in (None, category_code):
            raise ConflictError(
                "category_mismatch",
                f"This contract holds {current.category} money, not {category_code}.",
            )
        return current

    def _live_reservation(self, contract_id: UUID) -> Reservation:
        current = self._reservations.get(contract_id)
        if current is None:
            raise NotFoundError("reservation")
        if current.closed:
            raise ConflictError("reservation_closed", "This contract was post-settled already.")
        return current

    @staticmethod
    def _require_within(current: Reservation, amount: Money) -> None:
        if amount > current.remaining:
            raise ConflictError(
                "exceeds_reserved",
                f"Only {current.remaining} is reserved for this contract, not {amount}.",
            )

    def _release_moves(self, current: Reservation, amount: Money) -> tuple[Reservation, Moves]:
        after, parts = current.taking(amount, RELEASE_ORDER)
        repay = min(parts["credit"], self.credit_used())
        back = category(current.category) if current.category else UNALLOCATED
        moves: Moves = [
            (reserved(current.contract_id), -amount),
            (CREDIT_USED, repay),
            (back, parts["cash"] + parts["credit"] - repay),
            (REBATE, parts["rebate"]),
        ]
        return after, moves

    def _shortfall_moves(self, back: str, shortfall: Money) -> Moves:
        if not shortfall.is_positive():
            return []
        if back == UNALLOCATED:
            return move(UNALLOCATED, SELLER_REVENUE, shortfall)
        cash, credit = self._split_with_credit(back, shortfall)
        return [(back, -cash), (CREDIT_USED, -credit), (SELLER_REVENUE, shortfall)]

    # appliers: the ``@event`` methods of FundsAccount

    def _funds_reserved(
        self, contract_id: UUID, reservation: Reservation, entry: JournalEntry
    ) -> None:
        raise NotImplementedError

    def _rebate_applied(
        self, contract_id: UUID, reservation: Reservation, entry: JournalEntry
    ) -> None:
        raise NotImplementedError

    def _reservation_released(
        self, contract_id: UUID, reservation: Reservation, entry: JournalEntry
    ) -> None:
        raise NotImplementedError

    def _reservation_settled(
        self, contract_id: UUID, reservation: Reservation, entry: JournalEntry
    ) -> None:
        raise NotImplementedError

    def _post_settled(
        self, contract_id: UUID, final_amount: Money, reservation: Reservation, entry: JournalEntry
    ) -> None:
        raise NotImplementedError
