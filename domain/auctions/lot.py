"""An auction lot (竞拍标的): a quantity of one listing's product sold to the highest bidder
within a time window, inside a session (场次, ``AuctionSession``) that holds the deposits.

    scheduled ─(start)→ open ─(end, with extensions)→ ended ─close→ awarded ─paid→ paid
                                                                  │         └forfeit→ forfeited
                                                                  └→ unsold (流拍)
    cancel (with a reason) from any state before the close.

Scheduled, open and ended follow from the clock (no event); the rest are recorded. Bidding is
open on [start, end): a bid at the end instant is refused. A bid inside the soft-close window
(when bid time + window passes the end) moves the end to bid time + window, but never past the
end of the bid's business day: 00:00 of the next Asia/Shanghai calendar day, exclusive, so the
last bid that day can be accepted at 23:59:59.999999 local. An end is never moved earlier.

The lot keeps only what its rules need (the highest bid, each bidder's best, counts and the
current end); every accepted bid and extension is an event, so the history explains the winner.
Times come from the command context's clock; the bidder is the customer company's id.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from eventsourcing.domain import event

from domain import context
from domain.auctions.errors import (
    AuctionCancelledError,
    AuctionClosedError,
    AuctionNotEndedError,
    AuctionNotOpenError,
    AwardSettledError,
    BidOffIncrementError,
    BidTooLowError,
    PaymentNotOverdueError,
)
from domain.auctions.values import (
    BELOW_RESERVE,
    CLOSED_STATES,
    NO_BIDS,
    STATE_LABELS,
    TOO_FEW_BIDDERS,
    Bid,
    BidderStanding,
    BidderView,
    BidReceipt,
    Extension,
    LotBoard,
    LotGoods,
    LotOutcome,
    LotState,
    LotTerms,
)
from domain.base import Aggregate, CopiesCheaply
from domain.context import SHANGHAI
from domain.errors import ConflictError, InvalidTransitionError, ValidationError
from domain.values import UnitPrice

S = LotState


def end_of_business_day(at: datetime) -> datetime:
    """00:00 of the next Asia/Shanghai day (exclusive), in UTC."""
    day = at.astimezone(SHANGHAI).date() + timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=SHANGHAI).astimezone(UTC)


class AuctionLot(CopiesCheaply, Aggregate):
    @classmethod
    def create(
        cls,
        session_id: UUID,
        lot_no: str,
        goods: LotGoods,
        starts_at: datetime,
        ends_at: datetime,
        terms: LotTerms,
    ) -> AuctionLot:
        """By an operator; the service adds the lot to its session in the same write."""
        if not (lot_no or "").strip():
            raise ValidationError("required", "A lot needs a number.")
        goods.check()
        terms.check()
        if starts_at.tzinfo is None or ends_at.tzinfo is None:
            raise ValidationError("invalid_window", "Start and end need a time zone.")
        if ends_at <= starts_at or ends_at <= context.current().now():
            raise ValidationError("invalid_window", "The end must be after the start and now.")
        return cls(
            session_id=session_id,
            lot_no=lot_no.strip(),
            goods=goods,
            starts_at=starts_at.astimezone(UTC),
            ends_at=ends_at.astimezone(UTC),
            terms=terms,
        )

    @event("Created")
    def __init__(
        self,
        session_id: UUID,
        lot_no: str,
        goods: LotGoods,
        starts_at: datetime,
        ends_at: datetime,
        terms: LotTerms,
    ) -> None:
        self.session_id = session_id
        self.lot_no = lot_no
        self.goods = goods
        self.terms = terms
        self.starts_at = starts_at
        self.scheduled_end = ends_at
        self.ends_at = ends_at  # moved by extensions
        self.extension_count = 0
        self.highest: Bid | None = None
        self.bid_count = 0
        self.standings: dict[UUID, BidderStanding] = {}  # by bidder, in order of first bid
        self.decided: LotState | None = None  # awarded, paid, forfeited, unsold or cancelled
        self.outcome: LotOutcome | None = None
        self.contract_id: UUID | None = None
        self.cancel_reason: str | None = None
        self.breach_notice: str | None = None

    # ---- queries -----------------------------------------------------------------------
    def state(self, now: datetime) -> LotState:
        if self.decided is not None:
            return self.decided
        if now < self.starts_at:
            return S.SCHEDULED
        return S.OPEN if now < self.ends_at else S.ENDED

    @property
    def is_closed(self) -> bool:
        return self.decided in CLOSED_STATES

    def is_due_to_close(self, now: datetime) -> bool:
        return self.state(now) is S.ENDED

    @property
    def bidders(self) -> tuple[UUID, ...]:
        """Every bidder, in the order of its first bid."""
        return tuple(self.standings)

    @property
    def winner_id(self) -> UUID | None:
        return self.outcome.winner_id if self.outcome else None

    def next_minimum_bid(self) -> UnitPrice:
        if self.highest is None:
            return self.terms.starting_price
        return UnitPrice(self.highest.price.per_tonne + self.terms.increment.per_tonne)

    def board(self, now: datetime) -> LotBoard:
        state = self.state(now)
        biddable = state in (S.SCHEDULED, S.OPEN)
        return LotBoard(
            lot_id=self.id,
            session_id=self.session_id,
            lot_no=self.lot_no,
            state=state,
            label=STATE_LABELS[state],
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            scheduled_end=self.scheduled_end,
            extensions=self.extension_count,
            highest_price=self.highest.price if self.highest else None,
            next_minimum_bid=self.next_minimum_bid() if biddable else None,
            bid_count=self.bid_count,
            bidder_count=len(self.standings),
            quantity=self.goods.quantity,
        )

    def bidder_view(self, bidder_id: UUID, now: datetime) -> BidderView:
        standing = self.standings.get(bidder_id)
        leads = self.highest is not None and self.highest.bidder_id == bidder_id
        result = self._result_for(bidder_id) if standing else None
        return BidderView(
            bidder_id=bidder_id,
            bids=standing.bids if standing else 0,
            best_price=standing.best.price if standing else None,
            last_bid_at=standing.best.placed_at if standing else None,
            leading=result == "won" if self.decided else leads,
            result=result,
        )

    def _result_for(self, bidder_id: UUID) -> str | None:
        if self.decided is None:
            return None
        if self.decided is S.CANCELLED:
            return "cancelled"
        if self.decided is S.UNSOLD:
            return "unsold"
        return "won" if self.winner_id == bidder_id else "lost"

    # ---- bidding -----------------------------------------------------------------------
    def bid(self, bidder_id: UUID, price: UnitPrice) -> BidReceipt:
        """A bid at the context's time. The service locks the bidder's session deposit (see
        ``AuctionSession.admit``) in the same write."""
        now = context.current().now()
        self._check_biddable(now)
        self._check_price(price)
        first = bidder_id not in self.standings
        bid = Bid(self.bid_count + 1, bidder_id, price, now)
        self._bid_placed(bid=bid)
        extension = self._extension_for(bid)
        if extension is not None:
            self._end_extended(extension=extension)
        return BidReceipt(bid, extension, first)

    def _check_biddable(self, now: datetime) -> None:
        state = self.state(now)
        if state is S.CANCELLED:
            raise AuctionCancelledError("This lot was cancelled.", reason=self.cancel_reason)
        if state is S.SCHEDULED:
            raise AuctionNotOpenError(
                "Bidding on this lot has not started.", starts_at=self.starts_at
            )
        if state is not S.OPEN:
            raise AuctionClosedError("Bidding on this lot has ended.", ends_at=self.ends_at)

    def _check_price(self, price: UnitPrice) -> None:
        minimum = self.next_minimum_bid()
        if not isinstance(price, UnitPrice):
            raise ValidationError("invalid_price", "A bid is a price per tonne.")
        if not self.terms.on_grid(price) and price >= self.terms.starting_price:
            raise BidOffIncrementError(
                f"Bid the starting price {self.terms.starting_price} plus whole increments of "
                f"{self.terms.increment}.",
                starting_price=str(self.terms.starting_price),
                increment=str(self.terms.increment),
            )
        if price < minimum:
            highest = self.highest.price if self.highest else None
            raise BidTooLowError(
                f"The lowest acceptable bid is {minimum}.",
                minimum_bid=str(minimum),
                highest=str(highest) if highest else None,
            )

    def _extension_for(self, bid: Bid) -> Extension | None:
        window = self.terms.soft_close
        if not window or bid.placed_at + window <= self.ends_at:
            return None
        cap = end_of_business_day(bid.placed_at)
        new_end = min(bid.placed_at + window, cap)
        if new_end <= self.ends_at:
            return None
        return Extension(self.ends_at, new_end, bid.sequence, capped=new_end == cap)

    # ---- close and after ---------------------------------------------------------------
    def close(self) -> LotOutcome | None:
        """The scheduler's command, at or after the end: the highest bid wins if it is at or
        above the reserve and at least the minimum number of customers bid; otherwise the lot
        is unsold. None when the lot is already closed or cancelled (nothing to do)."""
        ctx = context.current()
        now = ctx.now()
        if self.decided is not None:
            return None
        if now < self.ends_at:
            raise AuctionNotEndedError("This lot is still open.", ends_at=self.ends_at)
        outcome = self._decide(now, ctx.today())
        if outcome.sold:
            self._awarded(outcome=outcome)
        else:
            self._unsold(outcome=outcome)
        return outcome

    def _decide(self, now: datetime, today: date) -> LotOutcome:
        reasons = self._unsold_reasons()
        highest = self.highest
        sold = highest is not None and not reasons
        amount = highest.price.times(self.goods.quantity) if sold and highest else None
        due = today + timedelta(days=self.terms.payment_days) if sold else None
        return LotOutcome(
            sold, reasons, highest, len(self.standings), self.bid_count,
            self.terms.reserve_price, self.terms.min_bidders, now, amount, due,
        )  # fmt: skip

    def _unsold_reasons(self) -> tuple[str, ...]:
        if self.highest is None:
            return (NO_BIDS,)
        reasons: list[str] = []
        if len(self.standings) < self.terms.min_bidders:
            reasons.append(TOO_FEW_BIDDERS)
        reserve = self.terms.reserve_price
        if reserve is not None and self.highest.price < reserve:
            reasons.append(BELOW_RESERVE)
        return tuple(reasons)

    def link_contract(self, contract_id: UUID) -> bool:
        """The award's contract (generated in the same write as the close). False if this
        contract is already linked."""
        if not self.is_closed or self.winner_id is None:
            raise ConflictError("not_awarded", "Only an awarded lot has a contract.")
        if self.contract_id == contract_id:
            return False
        if self.contract_id is not None:
            raise ConflictError("contract_already_linked", "This award has its contract.")
        self._contract_linked(contract_id=contract_id)
        return True

    def mark_paid(self) -> bool:
        """The winner paid the award's contract. False if already recorded."""
        if self.decided is S.PAID:
            return False
        if self.decided is S.FORFEITED:
            raise AwardSettledError("The deposit was already forfeited for non-payment.")
        self._require_awarded("mark paid")
        self._paid()
        return True

    def forfeit(self, breach_notice: str) -> bool:
        """After the payment day passed unpaid: the award is forfeited under a breach notice
        (违约通知); the service forfeits the deposit. False if forfeited under this notice."""
        notice = (breach_notice or "").strip()
        if not notice:
            raise ValidationError("breach_notice_required", "Give the breach notice's number.")
        if self.decided is S.FORFEITED:
            if notice == self.breach_notice:
                return False
            raise AwardSettledError("This award was already forfeited.", notice=self.breach_notice)
        if self.decided is S.PAID:
            raise AwardSettledError("The winner has paid.")
        self._require_awarded("forfeit")
        due = self.outcome.payment_due_on if self.outcome else None
        if due is None or context.current().today() <= due:
            raise PaymentNotOverdueError("The winner may still pay.", payment_due_on=due)
        self._forfeited(breach_notice=notice, winner_id=self.winner_id)
        return True

    def cancel(self, reason: str) -> bool:
        """By an operator, before the close; the service releases the deposits and the stock.
        False if already cancelled."""
        if self.decided is S.CANCELLED:
            return False
        if self.decided is not None:
            raise InvalidTransitionError("auction lot", self.decided.value, "cancel")
        if not (reason or "").strip():
            raise ValidationError("reason_required", "Give a reason.")
        self._cancelled(reason=reason.strip(), bidders=self.bidders)
        return True

    def _require_awarded(self, action: str) -> None:
        if self.decided is not S.AWARDED:
            state = self.decided.value if self.decided else "not closed"
            raise InvalidTransitionError("auction lot", state, action)

    # ---- appliers: state only, replayed as they were recorded --------------------------
    @event("BidPlaced")
    def _bid_placed(self, bid: Bid) -> None:
        before = self.standings.get(bid.bidder_id)
        bids = before.bids + 1 if before else 1
        first = before.first_sequence if before else bid.sequence
        self.standings[bid.bidder_id] = BidderStanding(bid.bidder_id, bid, bids, first)
        self.highest = bid
        self.bid_count = bid.sequence

    @event("EndExtended")
    def _end_extended(self, extension: Extension) -> None:
        self.ends_at = extension.new_end
        self.extension_count += 1

    @event("Awarded")
    def _awarded(self, outcome: LotOutcome) -> None:
        self.decided = S.AWARDED
        self.outcome = outcome

    @event("Unsold")
    def _unsold(self, outcome: LotOutcome) -> None:
        self.decided = S.UNSOLD
        self.outcome = outcome

    @event("ContractLinked")
    def _contract_linked(self, contract_id: UUID) -> None:
        self.contract_id = contract_id

    @event("AwardPaid")
    def _paid(self) -> None:
        self.decided = S.PAID

    @event("AwardForfeited")
    def _forfeited(self, breach_notice: str, winner_id: UUID | None) -> None:
        self.decided = S.FORFEITED
        self.breach_notice = breach_notice

    @event("Cancelled")
    def _cancelled(self, reason: str, bidders: tuple[UUID, ...]) -> None:
        self.decided = S.CANCELLED
        self.cancel_reason = reason
