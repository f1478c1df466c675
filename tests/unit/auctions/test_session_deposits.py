"""A session's deposits, without I/O: locked on a customer's first bid in the session, released
when nothing in the session holds it any more, kept for an unpaid award, forfeited after it."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import pytest

from domain.auctions import DEFAULT_DEPOSIT, AuctionSession
from domain.auctions.errors import DepositForfeitedError, SessionCancelledError
from domain.context import FrozenClock
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.values import Money
from tests.unit.auctions.support import ALICE, BOB, CAROL, code_of, event_names

LOT_A, LOT_B, LOT_C = UUID(int=0x1A), UUID(int=0x1B), UUID(int=0x1C)


def session(*lots: UUID) -> AuctionSession:
    s = AuctionSession.create("Rizhao coil, 26 Nov")
    for lot in lots or (LOT_A, LOT_B):
        s.add_lot(lot)
    return s


def test_the_deposit_is_three_thousand_yuan_per_session_by_default(clock: FrozenClock) -> None:
    assert Money(Decimal("3000.00")) == DEFAULT_DEPOSIT
    assert session().deposit == DEFAULT_DEPOSIT
    assert AuctionSession.create("Plate", Money.parse("5000")).deposit == Money.parse("5000")


def test_a_session_needs_a_name_and_a_positive_deposit(clock: FrozenClock) -> None:
    with pytest.raises(ValidationError):
        AuctionSession.create(" ")
    with pytest.raises(ValidationError) as error:
        AuctionSession.create("Coil", Money.zero())
    assert code_of(error) == "invalid_amount"


def test_a_lot_is_added_once(clock: FrozenClock) -> None:
    s = session()
    with pytest.raises(ConflictError) as error:
        s.add_lot(LOT_A)
    assert code_of(error) == "duplicate_lot"
    assert s.lot_ids == (LOT_A, LOT_B)


def test_first_bid_in_session_locks_the_deposit(clock: FrozenClock) -> None:
    s = session()
    s.collect_events()
    assert s.admit(ALICE, LOT_A) == DEFAULT_DEPOSIT
    assert s.deposit_locked_for(ALICE) and not s.deposit_locked_for(BOB)
    assert event_names(s) == ["DepositLocked"]


def test_later_bids_in_the_session_lock_nothing_more(clock: FrozenClock) -> None:
    s = session()
    s.admit(ALICE, LOT_A)
    s.collect_events()
    assert s.admit(ALICE, LOT_A) is None
    assert event_names(s) == []  # a raise on the same lot does not write the session
    assert s.admit(ALICE, LOT_B) is None  # another lot of the same session: same deposit
    assert event_names(s) == ["LotJoined"]
    holding = s.holding(ALICE)
    assert holding is not None and holding.open_lots == {LOT_A, LOT_B}


def test_a_bid_on_a_lot_not_in_the_session_is_refused(clock: FrozenClock) -> None:
    with pytest.raises(NotFoundError):
        session().admit(ALICE, LOT_C)


def test_losers_deposit_released_at_close_of_their_only_lot(clock: FrozenClock) -> None:
    s = session()
    for bidder in (ALICE, BOB, CAROL):
        s.admit(bidder, LOT_A)
    assert s.settle_lot(LOT_A, winner_id=BOB) == (ALICE, CAROL)
    assert not s.deposit_locked_for(ALICE) and not s.deposit_locked_for(CAROL)
    assert s.deposit_locked_for(BOB)


def test_winner_deposit_stays_locked_until_paid(clock: FrozenClock) -> None:
    s = session()
    s.admit(BOB, LOT_A)
    s.settle_lot(LOT_A, winner_id=BOB)
    holding = s.holding(BOB)
    assert holding is not None and holding.awards_due == {LOT_A} and s.deposit_locked_for(BOB)
    assert s.award_paid(LOT_A, BOB)
    assert not s.deposit_locked_for(BOB)


def test_paying_twice_releases_nothing_twice(clock: FrozenClock) -> None:
    s = session()
    s.admit(BOB, LOT_A)
    s.settle_lot(LOT_A, winner_id=BOB)
    s.award_paid(LOT_A, BOB)
    s.collect_events()
    assert not s.award_paid(LOT_A, BOB)
    assert event_names(s) == []


def test_only_the_winner_has_an_award_to_pay(clock: FrozenClock) -> None:
    s = session()
    s.admit(ALICE, LOT_A)
    s.admit(BOB, LOT_A)
    s.settle_lot(LOT_A, winner_id=BOB)
    with pytest.raises(ConflictError) as error:
        s.award_paid(LOT_A, ALICE)
    assert code_of(error) == "not_awarded"


def test_the_winner_must_have_bid_on_the_lot(clock: FrozenClock) -> None:
    s = session()
    s.admit(ALICE, LOT_A)
    with pytest.raises(ConflictError) as error:
        s.settle_lot(LOT_A, winner_id=CAROL)
    assert code_of(error) == "not_a_bidder"


def test_a_loser_still_bidding_in_another_lot_keeps_its_deposit(clock: FrozenClock) -> None:
    s = session()
    s.admit(ALICE, LOT_A)
    s.admit(ALICE, LOT_B)
    s.admit(BOB, LOT_A)
    assert s.settle_lot(LOT_A, winner_id=BOB) == ()
    assert s.deposit_locked_for(ALICE)
    assert s.settle_lot(LOT_B, winner_id=None) == (ALICE,)  # its last lot, unsold


def test_a_winner_with_another_open_lot_is_released_when_that_one_ends(
    clock: FrozenClock,
) -> None:
    s = session()
    s.admit(BOB, LOT_A)
    s.admit(BOB, LOT_B)
    s.admit(ALICE, LOT_B)
    s.settle_lot(LOT_A, winner_id=BOB)
    assert not s.award_paid(LOT_A, BOB)  # paid, but lot B still holds the deposit
    assert s.settle_lot(LOT_B, winner_id=ALICE) == (BOB,)


def test_settling_a_lot_twice_releases_nothing_twice(clock: FrozenClock) -> None:
    s = session()
    s.admit(ALICE, LOT_A)
    assert s.settle_lot(LOT_A, winner_id=None) == (ALICE,)
    s.collect_events()
    assert s.settle_lot(LOT_A, winner_id=None) == ()
    assert event_names(s) == []


def test_a_settled_lot_takes_no_more_bidders(clock: FrozenClock) -> None:
    s = session()
    s.settle_lot(LOT_A, winner_id=None)
    with pytest.raises(ConflictError) as error:
        s.admit(ALICE, LOT_A)
    assert code_of(error) == "lot_settled"


def test_a_released_bidder_locks_again_on_a_later_lot(clock: FrozenClock) -> None:
    s = session()
    s.admit(ALICE, LOT_A)
    s.settle_lot(LOT_A, winner_id=None)
    assert s.admit(ALICE, LOT_B) == DEFAULT_DEPOSIT
    assert s.deposit_locked_for(ALICE)


def test_unpaid_award_forfeits_the_deposit_and_bars_the_bidder(clock: FrozenClock) -> None:
    s = session()
    s.admit(BOB, LOT_A)
    s.settle_lot(LOT_A, winner_id=BOB)
    assert s.forfeit(LOT_A, BOB, "BN-2026-0001")
    holding = s.holding(BOB)
    assert holding is not None and holding.state == "forfeited"
    assert holding.breach_notice == "BN-2026-0001" and not holding.awards_due
    with pytest.raises(DepositForfeitedError) as error:
        s.admit(BOB, LOT_B)
    assert code_of(error) == "deposit_forfeited"


def test_forfeiting_twice_forfeits_nothing_twice(clock: FrozenClock) -> None:
    s = session()
    s.admit(BOB, LOT_A)
    s.settle_lot(LOT_A, winner_id=BOB)
    s.forfeit(LOT_A, BOB, "BN-2026-0001")
    s.collect_events()
    assert not s.forfeit(LOT_A, BOB, "BN-2026-0001")
    assert event_names(s) == []
    assert not s.award_paid(LOT_A, BOB)  # settled already: nothing to release


def test_a_second_unpaid_award_finds_no_deposit_left_to_forfeit(clock: FrozenClock) -> None:
    s = session()
    s.admit(BOB, LOT_A)
    s.admit(BOB, LOT_B)
    s.settle_lot(LOT_A, winner_id=BOB)
    s.settle_lot(LOT_B, winner_id=BOB)
    assert s.forfeit(LOT_A, BOB, "BN-1")
    assert not s.forfeit(LOT_B, BOB, "BN-2")  # recorded, but the deposit went with BN-1
    holding = s.holding(BOB)
    assert holding is not None and holding.breach_notice == "BN-1" and not holding.awards_due


def test_a_cancelled_lot_releases_every_bidder(clock: FrozenClock) -> None:
    s = session()
    s.admit(ALICE, LOT_A)
    s.admit(BOB, LOT_A)
    assert s.settle_lot(LOT_A, winner_id=None) == (ALICE, BOB)


def test_a_cancelled_session_takes_no_lots_nor_bids_and_names_its_open_ones(
    clock: FrozenClock,
) -> None:
    s = session(LOT_A, LOT_B)
    s.settle_lot(LOT_A, winner_id=None)
    assert s.cancel("the mill postponed the sale") == (LOT_B,)
    with pytest.raises(SessionCancelledError) as error:
        s.add_lot(LOT_C)
    assert code_of(error) == "session_cancelled"
    with pytest.raises(SessionCancelledError):
        s.admit(ALICE, LOT_B)
    s.collect_events()
    assert s.cancel("again") == (LOT_B,)  # still open until the service settles it
    assert event_names(s) == []
    assert s.cancel_reason == "the mill postponed the sale"
