"""Property: whatever bids arrive, at whatever times, the accepted ones rise strictly, the lot's
highest is the last accepted, the end only moves later and never past the bid's business day,
and the close awards the last accepted bid."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.auctions import Bid, end_of_business_day
from domain.auctions.errors import AuctionClosedError, BidOffIncrementError, BidTooLowError
from domain.context import CommandContext, FrozenClock, acting
from domain.values import UnitPrice
from tests.unit.auctions.support import ALICE, BOB, CAROL, ENDS, OPENS, new_lot

BIDDERS = (ALICE, BOB, CAROL)

bids = st.lists(
    st.tuples(
        st.integers(0, 2),  # who
        st.integers(-2, 4),  # increments above (or below) the next minimum
        st.booleans(),  # off the grid by 5.00
        st.integers(0, 900),  # seconds since the previous attempt
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(bids)
def test_any_bid_sequence_keeps_the_lot_consistent(attempts: list) -> None:
    clock = FrozenClock(OPENS - timedelta(minutes=1))
    with acting(CommandContext(clock=clock)):
        lot = new_lot(ends=ENDS - timedelta(minutes=40))  # 10:00–10:20: late bids are common
        clock.at = OPENS + timedelta(minutes=15)
        accepted: list[Bid] = []
        for who, steps, off_grid, wait in attempts:
            clock.advance(seconds=wait)
            offer = lot.next_minimum_bid().per_tonne + steps * lot.terms.increment.per_tonne
            end_before = lot.ends_at
            try:
                receipt = lot.bid(BIDDERS[who], UnitPrice(offer + (5 if off_grid else 0)))
            except (AuctionClosedError, BidOffIncrementError, BidTooLowError):
                assert lot.ends_at == end_before
                continue
            accepted.append(receipt.bid)
            assert end_before <= lot.ends_at
            assert lot.ends_at <= max(end_before, end_of_business_day(clock.at))
            assert clock.at < end_before  # only an open lot took it
        prices = [b.price for b in accepted]
        assert prices == sorted(set(prices))
        assert lot.bid_count == len(accepted)
        assert lot.highest == (accepted[-1] if accepted else None)
        for bidder, standing in lot.standings.items():
            assert standing.best == [b for b in accepted if b.bidder_id == bidder][-1]
        clock.at = max(clock.at, lot.ends_at)
        outcome = lot.close()
        assert outcome is not None
        assert outcome.winner_id == (accepted[-1].bidder_id if accepted else None)
