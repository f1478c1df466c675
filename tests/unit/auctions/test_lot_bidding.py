"""Bidding on a lot, without I/O: when it is open, what price is accepted, and the soft close."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from domain.auctions import AuctionLot, Extension, LotState, end_of_business_day
from domain.auctions.errors import (
    AuctionCancelledError,
    AuctionClosedError,
    AuctionNotOpenError,
    BidOffIncrementError,
    BidTooLowError,
)
from domain.context import SHANGHAI, FrozenClock
from domain.errors import ValidationError
from tests.unit.auctions.support import (
    ALICE,
    BOB,
    ENDS,
    GOODS,
    OPENS,
    TERMS,
    code_of,
    event_names,
    new_lot,
    open_lot,
    price,
)

FIVE_MINUTES = timedelta(minutes=5)


# ---- creation ------------------------------------------------------------------------------
def test_a_new_lot_is_scheduled_until_its_start_then_open_until_its_end(
    clock: FrozenClock,
) -> None:
    lot = new_lot()
    assert lot.state(clock.at) is LotState.SCHEDULED
    assert lot.state(OPENS) is LotState.OPEN
    assert lot.state(ENDS) is LotState.ENDED
    assert (lot.ends_at, lot.scheduled_end) == (ENDS, ENDS)
    assert lot.ends_at.tzinfo is UTC


def test_a_lot_must_end_after_its_start_and_after_now(clock: FrozenClock) -> None:
    with pytest.raises(ValidationError) as error:
        new_lot(starts=ENDS, ends=OPENS)
    assert code_of(error) == "invalid_window"
    clock.at = ENDS
    with pytest.raises(ValidationError):
        new_lot()


def test_a_lot_needs_times_with_a_zone(clock: FrozenClock) -> None:
    with pytest.raises(ValidationError) as error:
        new_lot(starts=datetime(2026, 11, 26, 10), ends=datetime(2026, 11, 26, 11))
    assert code_of(error) == "invalid_window"


@pytest.mark.parametrize(
    "terms",
    [
        {"increment": price("0")},
        {"starting_price": price("0")},
        {"reserve_price": price("3990.00")},
        {"min_bidders": 0},
        {"soft_close_seconds": -1},
        {"payment_days": -1},
    ],
)
def test_lot_terms_that_make_no_sense_are_refused(clock: FrozenClock, terms: dict) -> None:
    with pytest.raises(ValidationError) as error:
        new_lot(**terms)
    assert code_of(error) == "invalid_terms"


def test_a_lot_of_nothing_is_refused(clock: FrozenClock) -> None:
    goods = replace(GOODS, quantity=GOODS.quantity - GOODS.quantity)
    with pytest.raises(ValidationError) as error:
        AuctionLot.create(UUID(int=99), "A-01", goods, OPENS, ENDS, TERMS)
    assert code_of(error) == "invalid_quantity"


# ---- when a bid is taken --------------------------------------------------------------------
def test_bid_before_start_is_refused(clock: FrozenClock) -> None:
    lot = new_lot()
    with pytest.raises(AuctionNotOpenError) as error:
        lot.bid(ALICE, price("4000.00"))
    assert code_of(error) == "auction_not_open"
    assert lot.bid_count == 0


def test_bid_at_the_end_instant_is_refused(clock: FrozenClock) -> None:
    lot = new_lot(soft_close_seconds=0)
    clock.at = ENDS - timedelta(microseconds=1)
    lot.bid(ALICE, price("4000.00"))  # the last instant is still open
    clock.at = ENDS
    with pytest.raises(AuctionClosedError) as error:
        lot.bid(BOB, price("4100.00"))
    assert code_of(error) == "auction_closed"


def test_bid_after_end_is_refused_even_before_the_close(clock: FrozenClock) -> None:
    lot = new_lot()
    clock.at = ENDS + timedelta(seconds=1)
    with pytest.raises(AuctionClosedError):
        lot.bid(ALICE, price("4000.00"))


def test_bid_on_a_closed_lot_is_refused(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    lot.bid(ALICE, price("4000.00"))
    clock.at = ENDS
    lot.close()
    with pytest.raises(AuctionClosedError):
        lot.bid(BOB, price("4500.00"))


def test_bid_on_a_cancelled_lot_is_refused(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    lot.cancel("the listing was damaged in the yard")
    with pytest.raises(AuctionCancelledError) as error:
        lot.bid(ALICE, price("4000.00"))
    assert code_of(error) == "auction_cancelled"


# ---- what price is taken --------------------------------------------------------------------
def test_first_bid_may_be_the_starting_price(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    receipt = lot.bid(ALICE, price("4000.00"))
    assert receipt.bid.sequence == 1 and receipt.first_bid_by_bidder
    assert receipt.bid.placed_at == clock.at
    assert lot.highest == receipt.bid
    assert lot.next_minimum_bid() == price("4010.00")


def test_bid_below_the_starting_price_is_too_low(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    with pytest.raises(BidTooLowError) as error:
        lot.bid(ALICE, price("3990.00"))
    assert error.value.extra["minimum_bid"] == "4000.00"


def test_bid_off_the_increment_grid_is_refused(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    with pytest.raises(BidOffIncrementError) as error:
        lot.bid(ALICE, price("4005.00"))
    assert code_of(error) == "bid_off_increment"
    assert error.value.extra == {"starting_price": "4000.00", "increment": "10.00"}
    lot.bid(ALICE, price("4730.00"))  # 73 whole increments


def test_bid_must_beat_the_current_highest(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    lot.bid(ALICE, price("4100.00"))
    with pytest.raises(BidTooLowError) as error:
        lot.bid(BOB, price("4090.00"))
    assert code_of(error) == "bid_too_low"
    assert error.value.extra == {"minimum_bid": "4110.00", "highest": "4100.00"}


def test_tie_goes_to_earlier_bid(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    first = lot.bid(ALICE, price("4100.00")).bid
    with pytest.raises(BidTooLowError):
        lot.bid(BOB, price("4100.00"))  # the same price cannot beat it
    assert lot.highest == first
    clock.at = ENDS
    outcome = lot.close()
    assert outcome is not None and outcome.winner_id == ALICE


def test_same_bidder_may_raise_its_own_bid(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    lot.bid(ALICE, price("4000.00"))
    receipt = lot.bid(ALICE, price("4050.00"))
    assert not receipt.first_bid_by_bidder
    assert lot.highest == receipt.bid
    assert lot.standings[ALICE].bids == 2 and lot.bidders == (ALICE,)


def test_refused_bids_record_nothing(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    lot.collect_events()
    for bad in ("4005.00", "3990.00"):
        with pytest.raises((ValidationError, BidTooLowError)):
            lot.bid(ALICE, price(bad))
    assert lot.collect_events() == []


# ---- soft close -----------------------------------------------------------------------------
def test_bid_in_last_five_minutes_extends_end(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    clock.at = ENDS - timedelta(minutes=2)
    lot.collect_events()
    receipt = lot.bid(ALICE, price("4000.00"))
    assert receipt.extension == Extension(ENDS, clock.at + FIVE_MINUTES, 1, capped=False)
    assert lot.ends_at == clock.at + FIVE_MINUTES
    assert lot.extension_count == 1 and lot.scheduled_end == ENDS
    assert event_names(lot) == ["BidPlaced", "EndExtended"]


def test_bid_before_the_last_five_minutes_does_not_extend(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    clock.at = ENDS - FIVE_MINUTES - timedelta(seconds=1)
    assert lot.bid(ALICE, price("4000.00")).extension is None
    clock.at = ENDS - FIVE_MINUTES  # exactly five minutes before: its end would be the end
    assert lot.bid(BOB, price("4010.00")).extension is None
    assert lot.ends_at == ENDS


def test_every_late_bid_moves_the_end_again(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    clock.at = ENDS - timedelta(minutes=1)
    lot.bid(ALICE, price("4000.00"))
    clock.at = ENDS + timedelta(minutes=3)  # inside the extension
    receipt = lot.bid(BOB, price("4010.00"))
    assert receipt.extension is not None and receipt.extension.bid_sequence == 2
    assert receipt.extension.old_end == ENDS + timedelta(minutes=4)
    assert lot.ends_at == clock.at + FIVE_MINUTES and lot.extension_count == 2


def test_extension_never_passes_end_of_business_day(clock: FrozenClock) -> None:
    late = datetime(2026, 11, 26, 23, 58, tzinfo=SHANGHAI)
    midnight = datetime(2026, 11, 27, 0, 0, tzinfo=SHANGHAI)
    lot = new_lot(ends=late)
    clock.at = late - timedelta(minutes=1)
    receipt = lot.bid(ALICE, price("4000.00"))
    assert receipt.extension == Extension(late, midnight, 1, capped=True)
    assert lot.ends_at == midnight == end_of_business_day(clock.at)
    clock.at = midnight - timedelta(microseconds=1)  # 23:59:59.999999: still that day, still open
    assert lot.bid(BOB, price("4010.00")).extension is None  # at the cap: no further extension
    assert lot.ends_at == midnight
    clock.at = midnight
    with pytest.raises(AuctionClosedError):
        lot.bid(ALICE, price("4020.00"))


def test_the_cap_is_the_shanghai_day_not_the_utc_day(clock: FrozenClock) -> None:
    # 07:58 UTC is 15:58 in Shanghai: a late bid moves the end freely, no cap near.
    ends = datetime(2026, 11, 26, 7, 58, tzinfo=UTC)
    lot = new_lot(ends=ends)
    clock.at = ends - timedelta(minutes=1)
    assert lot.bid(ALICE, price("4000.00")).extension == Extension(
        ends, clock.at + FIVE_MINUTES, 1, capped=False
    )


def test_an_end_past_the_bids_business_day_is_never_moved_earlier(clock: FrozenClock) -> None:
    ends = datetime(2026, 11, 27, 0, 2, tzinfo=SHANGHAI)  # two minutes into the next day
    lot = new_lot(ends=ends)
    clock.at = datetime(2026, 11, 26, 23, 59, tzinfo=SHANGHAI)
    assert lot.bid(ALICE, price("4000.00")).extension is None
    assert lot.ends_at == ends


def test_a_zero_window_turns_the_soft_close_off(clock: FrozenClock) -> None:
    lot = open_lot(clock, soft_close_seconds=0)
    clock.at = ENDS - timedelta(seconds=10)
    assert lot.bid(ALICE, price("4000.00")).extension is None
    assert lot.ends_at == ENDS


def test_a_wider_window_extends_by_its_own_length(clock: FrozenClock) -> None:
    lot = open_lot(clock, soft_close_seconds=600)
    clock.at = ENDS - timedelta(minutes=8)
    lot.bid(ALICE, price("4000.00"))
    assert lot.ends_at == clock.at + timedelta(minutes=10)


# ---- what the lot keeps ---------------------------------------------------------------------
def test_lot_keeps_one_standing_per_bidder_not_every_bid(clock: FrozenClock) -> None:
    lot = open_lot(clock)
    for n in range(200):
        lot.bid((ALICE, BOB)[n % 2], price(f"{4000 + 10 * n}.00"))
    assert lot.bid_count == 200 and len(lot.standings) == 2
    assert lot.standings[BOB].best.price == price("5990.00")
    assert lot.standings[BOB].bids == 100 and lot.standings[BOB].first_sequence == 2
    assert len(lot.collect_events()) == 201  # every bid is in the history
