"""What an auction lot is made of: its goods and terms, its bids, extensions and outcome, its
states with their names, and the two views of it (the public board, a bidder's own standing).

All are frozen values, so they can sit in events and in the aggregate's state alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from uuid import UUID

from domain.errors import ValidationError
from domain.values import Money, Quantity, UnitPrice

DEFAULT_DEPOSIT = Money(Decimal("3000.00"))  # per session (场次), the mill's published rule
DEFAULT_SOFT_CLOSE_SECONDS = 5 * 60
DEFAULT_PAYMENT_DAYS = 1

# Why a lot went unsold (流拍), in the order they are checked.
NO_BIDS = "no_bids"
TOO_FEW_BIDDERS = "too_few_bidders"
BELOW_RESERVE = "below_reserve"


class LotState(Enum):
    SCHEDULED = "scheduled"  # before its start
    OPEN = "open"  # bidding: start ≤ now < end
    ENDED = "ended"  # past its end, not yet closed by the scheduler
    AWARDED = "awarded"  # closed with a winner, who has yet to pay
    PAID = "paid"  # the winner paid: its deposit may be released
    FORFEITED = "forfeited"  # the winner did not pay in time: deposit forfeited, breach notice
    UNSOLD = "unsold"  # closed without a valid winning bid (流拍)
    CANCELLED = "cancelled"  # by an operator, with a reason


STATE_LABELS: dict[LotState, str] = {
    LotState.SCHEDULED: "未开始",
    LotState.OPEN: "竞拍中",
    LotState.ENDED: "已截止",
    LotState.AWARDED: "已成交",
    LotState.PAID: "已付款",
    LotState.FORFEITED: "已违约",
    LotState.UNSOLD: "流拍",
    LotState.CANCELLED: "已取消",
}

CLOSED_STATES = (LotState.AWARDED, LotState.PAID, LotState.FORFEITED, LotState.UNSOLD)


@dataclass(frozen=True)
class LotGoods:
    """What is sold: a quantity of one listing's product (the contract's one line)."""

    listing_id: UUID
    product_id: UUID
    category: str  # the product's category code, e.g. HRC
    description: str  # grade, size, standard … as the buyer reads it
    warehouse: str
    quantity: Quantity

    def check(self) -> None:
        for value, what in ((self.category, "category"), (self.description, "description"),
                            (self.warehouse, "warehouse")):  # fmt: skip
            if not (value or "").strip():
                raise ValidationError("required", f"A lot needs a {what}.")
        if not isinstance(self.quantity, Quantity) or self.quantity.tonnes <= 0:
            raise ValidationError("invalid_quantity", "A lot's quantity must be above zero.")


@dataclass(frozen=True)
class LotTerms:
    """How the lot is bid and paid. Prices are CNY per tonne; the soft-close window in seconds
    (0 turns the extension off); the winner pays within ``payment_days`` business days."""

    starting_price: UnitPrice
    increment: UnitPrice
    reserve_price: UnitPrice | None = None
    min_bidders: int = 1
    soft_close_seconds: int = DEFAULT_SOFT_CLOSE_SECONDS
    payment_days: int = DEFAULT_PAYMENT_DAYS

    @property
    def soft_close(self) -> timedelta:
        return timedelta(seconds=self.soft_close_seconds)

    def check(self) -> None:
        if self.starting_price.per_tonne <= 0 or self.increment.per_tonne <= 0:
            raise ValidationError(
                "invalid_terms", "The starting price and the increment must be above zero."
            )
        if self.reserve_price is not None and self.reserve_price < self.starting_price:
            raise ValidationError(
                "invalid_terms", "A reserve price below the starting price means nothing."
            )
        for value, low, what in ((self.min_bidders, 1, "minimum bidders"),
                                 (self.soft_close_seconds, 0, "soft-close window"),
                                 (self.payment_days, 0, "payment days")):  # fmt: skip
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValidationError("invalid_terms", f"The {what} must be a whole {low} or more.")

    def on_grid(self, price: UnitPrice) -> bool:
        """The starting price plus a whole (possibly zero) number of increments."""
        steps = (price.per_tonne - self.starting_price.per_tonne) / self.increment.per_tonne
        return steps >= 0 and steps == steps.to_integral_value()


@dataclass(frozen=True)
class Bid:
    sequence: int  # 1, 2, … in the order the lot accepted them (the store's order)
    bidder_id: UUID  # the customer company
    price: UnitPrice
    placed_at: datetime


@dataclass(frozen=True)
class Extension:
    """A bid inside the soft-close window moved the end."""

    old_end: datetime
    new_end: datetime
    bid_sequence: int  # the bid that caused it
    capped: bool  # True when the end of the business day stopped it short of bid + window


@dataclass(frozen=True)
class BidderStanding:
    """What the lot keeps per bidder. Every accepted bid beats the highest, so a bidder's
    latest bid is also its best; the full list of its bids is in the events."""

    bidder_id: UUID
    best: Bid
    bids: int
    first_sequence: int


@dataclass(frozen=True)
class BidReceipt:
    bid: Bid
    extension: Extension | None
    first_bid_by_bidder: bool  # its first bid on this lot


@dataclass(frozen=True)
class LotOutcome:
    """How the lot closed and why: the facts the decision used, so anyone can re-check it."""

    sold: bool
    unsold_reasons: tuple[str, ...]  # () when sold; else some of no_bids, too_few_bidders …
    highest: Bid | None  # the winning bid when sold
    bidder_count: int
    bid_count: int
    reserve_price: UnitPrice | None
    min_bidders: int
    closed_at: datetime
    amount: Money | None  # winning price × quantity, when sold
    payment_due_on: date | None  # the last business date (Asia/Shanghai) to pay, when sold

    @property
    def winner_id(self) -> UUID | None:
        return self.highest.bidder_id if self.sold and self.highest else None


@dataclass(frozen=True)
class LotBoard:
    """The public view (every bidder and passer-by sees it): no bidder is named."""

    lot_id: UUID
    session_id: UUID
    lot_no: str
    state: LotState
    label: str
    starts_at: datetime
    ends_at: datetime  # with extensions
    scheduled_end: datetime  # as created
    extensions: int
    highest_price: UnitPrice | None
    next_minimum_bid: UnitPrice | None  # None once bidding is over
    bid_count: int
    bidder_count: int
    quantity: Quantity


@dataclass(frozen=True)
class BidderView:
    """One bidder's own standing on a lot: its bids, and whether it leads (or won)."""

    bidder_id: UUID
    bids: int
    best_price: UnitPrice | None
    last_bid_at: datetime | None
    leading: bool  # holds the highest bid (while open), or is the winner (once sold)
    result: str | None  # None while undecided; "won", "lost", "unsold", "cancelled"
