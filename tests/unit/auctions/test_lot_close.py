"""Closing a lot, without I/O: who wins and why, unsold lots (流拍), cancellation, and what a
winner owes after: payment, or forfeit under a breach notice after the payment day."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from domain.auctions import AuctionLot, LotState
from domain.auctions.errors import (
    AuctionNotEndedError,
    AwardSettledError,
    PaymentNotOverdueError,
)
from domain.context import SHANGHAI, FrozenClock
from domain.errors import ConflictError, InvalidTransitionError, ValidationError
from domain.values import Money
from tests.unit.auctions.support import (
    ALICE,
    BOB,
    CAROL,
    ENDS,
    code_of,
    event_names,
    open_lot,
    price,
)

CONTRACT = UUID(int=0xC0)


def closed(lot: AuctionLot, clock: FrozenClock) -> AuctionLot:
    clock.at = max(clock.at, lot.ends_at)
    lot.close()
    return lot


def awarded(clock: FrozenClock) -> AuctionLot:
    lot = open_lot(clock)
    lot.bid(ALICE, price("4000.00"))
    lot.bid(BOB, price("4100.00"))
    return closed(lot, clock)


# ---- the close ------------------------------------------------------------------------------
def test_close_before_end_is_refused(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    with pytest.raises(AuctionNotEndedError) as error:
        lot.close()
    assert code_of(error) == "auction_not_ended"


def test_close_waits_for_the_extended_end(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    clock.at = ENDS - timedelta(minutes=1)
    lot.bid(ALICE, price("4000.00"))
    clock.at = ENDS
    with pytest.raises(AuctionNotEndedError):
        lot.close()
    assert not lot.is_due_to_close(clock.at)
    clock.at = lot.ends_at
    assert lot.is_due_to_close(clock.at)
    assert lot.close() is not None


def test_highest_bid_wins_at_close(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    lot.bid(ALICE, price("4000.00"))
    winning = lot.bid(BOB, price("4120.00")).bid
    clock.at = ENDS + timedelta(seconds=30)
    lot.collect_events()
    outcome = lot.close()
    assert outcome is not None and outcome.sold and outcome.unsold_reasons == ()
    assert outcome.highest == winning and outcome.winner_id == BOB == lot.winner_id
    assert outcome.amount == Money(Decimal("412000.00"))  # 100 t × 4,120.00
    assert (outcome.bidder_count, outcome.bid_count, outcome.closed_at) == (2, 2, clock.at)
    assert lot.state(clock.at) is LotState.AWARDED and lot.is_closed
    assert event_names(lot) == ["Awarded"]


def test_winner_pays_within_one_business_day_by_default(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    lot.bid(ALICE, price("4000.00"))
    clock.at = datetime(2026, 11, 27, 0, 30, tzinfo=SHANGHAI)  # closed after midnight in Shanghai
    outcome = lot.close()
    assert outcome is not None and outcome.payment_due_on == date(2026, 11, 28)


def test_payment_days_follow_the_lot_terms(clock: FrozenClock) -> None:
    lot = open_lot(clock, payment_days=3)
    lot.bid(ALICE, price("4000.00"))
    closed(lot, clock)
    assert lot.outcome is not None and lot.outcome.payment_due_on == date(2026, 11, 29)


def test_closing_a_closed_lot_changes_nothing(clock: FrozenClock) -> None:
    lot = awarded(clock)
    lot.collect_events()
    clock.advance(hours=1)
    assert lot.close() is None
    assert lot.collect_events() == []
    assert lot.winner_id == BOB


def test_close_with_no_bids_is_unsold_for_no_bids(clock: FrozenClock) -> None:
    lot = closed(open_lot(clock), clock)
    assert lot.outcome is not None and not lot.outcome.sold
    assert lot.outcome.unsold_reasons == ("no_bids",)
    assert lot.outcome.winner_id is None and lot.outcome.amount is None
    assert lot.state(clock.at) is LotState.UNSOLD


def test_highest_bid_below_reserve_is_unsold(clock: FrozenClock) -> None:
    lot = open_lot(clock, reserve_price=price("4200.00"))
    lot.bid(ALICE, price("4100.00"))
    lot.bid(BOB, price("4190.00"))
    closed(lot, clock)
    assert lot.outcome is not None and lot.outcome.unsold_reasons == ("below_reserve",)
    assert lot.outcome.highest is not None and lot.outcome.highest.bidder_id == BOB
    assert lot.winner_id is None and lot.outcome.payment_due_on is None


def test_a_bid_at_the_reserve_wins(clock: FrozenClock) -> None:
    lot = open_lot(clock, reserve_price=price("4200.00"))
    lot.bid(ALICE, price("4200.00"))
    closed(lot, clock)
    assert lot.winner_id == ALICE


def test_fewer_bidders_than_the_minimum_is_unsold(clock: FrozenClock) -> None:
    lot = open_lot(clock, min_bidders=3)
    for n, bidder in enumerate((ALICE, BOB, ALICE, BOB)):
        lot.bid(bidder, price(f"{4000 + 10 * n}.00"))  # four bids, but two bidders
    closed(lot, clock)
    assert lot.outcome is not None and lot.outcome.unsold_reasons == ("too_few_bidders",)
    assert (lot.outcome.bidder_count, lot.outcome.min_bidders) == (2, 3)


def test_every_failed_rule_is_named(clock: FrozenClock) -> None:
    lot = open_lot(clock, min_bidders=2, reserve_price=price("5000.00"))
    lot.bid(ALICE, price("4000.00"))
    closed(lot, clock)
    assert lot.outcome is not None
    assert lot.outcome.unsold_reasons == ("too_few_bidders", "below_reserve")


def test_enough_bidders_at_the_reserve_sells(clock: FrozenClock) -> None:
    lot = open_lot(clock, min_bidders=3, reserve_price=price("4010.00"))
    for n, bidder in enumerate((ALICE, BOB, CAROL)):
        lot.bid(bidder, price(f"{4000 + 10 * n}.00"))
    closed(lot, clock)
    assert lot.winner_id == CAROL


# ---- cancellation ---------------------------------------------------------------------------
def test_cancel_names_every_bidder_for_the_deposit_release(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    lot.bid(ALICE, price("4000.00"))
    lot.bid(BOB, price("4010.00"))
    lot.collect_events()
    assert lot.cancel("  stock found damaged  ")
    [cancelled] = lot.collect_events()
    assert cancelled.bidders == (ALICE, BOB)  # type: ignore[attr-defined]
    assert lot.cancel_reason == "stock found damaged"
    assert lot.state(clock.at) is LotState.CANCELLED


def test_cancel_needs_a_reason(clock: FrozenClock) -> None:
    with pytest.raises(ValidationError) as error:
        open_lot(clock).cancel(" ")
    assert code_of(error) == "reason_required"


def test_cancelling_twice_changes_nothing(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    lot.cancel("withdrawn by the mill")
    assert not lot.cancel("again")
    assert lot.cancel_reason == "withdrawn by the mill"


def test_a_lot_past_its_end_may_still_be_cancelled_before_the_close(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    clock.at = ENDS + timedelta(minutes=1)
    assert lot.cancel("the scheduler was down; the operator calls it off")
    assert lot.close() is None  # nothing to close: the scheduler treats it as done


def test_a_closed_lot_cannot_be_cancelled(clock: FrozenClock) -> None:
    with pytest.raises(InvalidTransitionError):
        awarded(clock).cancel("too late")


# ---- after the award ------------------------------------------------------------------------
def test_award_is_linked_to_its_contract_once(clock: FrozenClock) -> None:
    lot = awarded(clock)
    assert lot.link_contract(CONTRACT)
    assert not lot.link_contract(CONTRACT)
    with pytest.raises(ConflictError) as error:
        lot.link_contract(UUID(int=0xC1))
    assert code_of(error) == "contract_already_linked"
    assert lot.contract_id == CONTRACT


def test_an_unsold_lot_has_no_contract_and_cannot_be_paid(clock: FrozenClock) -> None:
    lot = closed(open_lot(clock), clock)
    with pytest.raises(ConflictError) as error:
        lot.link_contract(CONTRACT)
    assert code_of(error) == "not_awarded"
    with pytest.raises(InvalidTransitionError):
        lot.mark_paid()


def test_paying_the_award_is_recorded_once(clock: FrozenClock) -> None:
    lot = awarded(clock)
    assert lot.mark_paid()
    assert not lot.mark_paid()
    assert lot.state(clock.at) is LotState.PAID


def test_a_paid_award_cannot_be_forfeited(clock: FrozenClock) -> None:
    lot = awarded(clock)
    lot.mark_paid()
    clock.advance(days=5)
    with pytest.raises(AwardSettledError) as error:
        lot.forfeit("BN-2026-0001")
    assert code_of(error) == "award_settled"


def test_forfeit_only_after_the_payment_day_has_passed(clock: FrozenClock) -> None:
    lot = awarded(clock)  # closed 26 Nov, due 27 Nov
    clock.at = datetime(2026, 11, 27, 23, 59, tzinfo=SHANGHAI)
    with pytest.raises(PaymentNotOverdueError) as error:
        lot.forfeit("BN-2026-0001")
    assert error.value.extra == {"payment_due_on": date(2026, 11, 27)}
    clock.at = datetime(2026, 11, 28, 0, 0, tzinfo=SHANGHAI)
    lot.collect_events()
    assert lot.forfeit("BN-2026-0001")
    [forfeited] = lot.collect_events()
    assert forfeited.winner_id == BOB  # type: ignore[attr-defined]
    assert lot.state(clock.at) is LotState.FORFEITED and lot.breach_notice == "BN-2026-0001"


def test_forfeiting_twice_under_one_notice_changes_nothing(clock: FrozenClock) -> None:
    lot = awarded(clock)
    clock.advance(days=2)
    lot.forfeit("BN-2026-0001")
    assert not lot.forfeit("BN-2026-0001")
    with pytest.raises(AwardSettledError):
        lot.forfeit("BN-2026-0002")


def test_a_forfeited_award_cannot_be_paid_after(clock: FrozenClock) -> None:
    lot = awarded(clock)
    clock.advance(days=2)
    lot.forfeit("BN-2026-0001")
    with pytest.raises(AwardSettledError):
        lot.mark_paid()


def test_forfeit_needs_a_breach_notice(clock: FrozenClock) -> None:
    lot = awarded(clock)
    clock.advance(days=2)
    with pytest.raises(ValidationError) as error:
        lot.forfeit("  ")
    assert code_of(error) == "breach_notice_required"


# ---- the two views --------------------------------------------------------------------------
def test_public_board_names_no_bidder(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    lot.bid(ALICE, price("4000.00"))
    lot.bid(BOB, price("4050.00"))
    lot.bid(ALICE, price("4100.00"))
    board = lot.board(clock.at)
    assert (board.state, board.label) == (LotState.OPEN, "竞拍中")
    assert board.highest_price == price("4100.00") and board.next_minimum_bid == price("4110.00")
    assert (board.bid_count, board.bidder_count, board.ends_at) == (3, 2, ENDS)
    values = {str(v) for v in asdict(board).values()}
    assert str(ALICE) not in values and str(BOB) not in values


def test_the_board_of_a_closed_lot_offers_no_next_bid(clock: FrozenClock) -> None:
    board = awarded(clock).board(clock.at)
    assert (board.state, board.label, board.next_minimum_bid) == (
        LotState.AWARDED,
        "已成交",
        None,
    )
    assert board.highest_price == price("4100.00")


def test_bidder_sees_its_own_bids_and_whether_it_leads(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    lot.bid(ALICE, price("4000.00"))
    clock.advance(seconds=5)
    lot.bid(ALICE, price("4020.00"))
    lot.bid(BOB, price("4030.00"))
    alice = lot.bidder_view(ALICE, clock.at)
    assert (alice.bids, alice.best_price, alice.leading, alice.result) == (
        2,
        price("4020.00"),
        False,
        None,
    )
    assert alice.last_bid_at == clock.at
    assert lot.bidder_view(BOB, clock.at).leading
    stranger = lot.bidder_view(CAROL, clock.at)
    assert (stranger.bids, stranger.best_price, stranger.leading) == (0, None, False)


def test_after_the_close_each_bidder_sees_whether_it_won(clock: FrozenClock) -> None:
    lot = awarded(clock)
    assert lot.bidder_view(BOB, clock.at).result == "won"
    alice = lot.bidder_view(ALICE, clock.at)
    assert (alice.result, alice.leading) == ("lost", False)
    lot.mark_paid()
    assert lot.bidder_view(BOB, clock.at).result == "won"
