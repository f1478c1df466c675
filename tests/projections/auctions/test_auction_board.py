"""The auction read model against the lots' own histories: every board row says what the lot
aggregate says (state, highest, counts, end with extensions), for lots awarded, forfeited,
unsold, cancelled and open; and a rebuild from the first event gives the same rows."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from domain.auctions import AuctionLot
from domain.context import SHANGHAI
from domain.unit_of_work import UnitOfWork
from domain.values import UnitPrice
from projections.auctions import AuctionsProjection
from tests.api.auction_support import AuctionStage, auction_stage
from tests.api.conftest import Api, api, clock  # noqa: F401 (fixtures)


def lots_in_every_state(s: AuctionStage) -> list[UUID]:
    alice, bob, carol = s.bidders
    now = s.api.clock.at
    session = s.session()
    won = s.lot(session, lot_no="W", ends=now + timedelta(minutes=30))
    forfeited = s.lot(session, lot_no="F", ends=now + timedelta(minutes=30))
    unsold = s.lot(session, lot_no="U", ends=now + timedelta(minutes=30),
                   reserve_price=UnitPrice.parse("9000.00"))  # fmt: skip
    cancelled = s.lot(session, lot_no="C")
    still_open = s.lot(s.session(), lot_no="O", ends=now + timedelta(days=5))
    bids = (
        (alice, won, "4000.00"), (bob, won, "4010.00"), (carol, forfeited, "4000.00"),
        (alice, unsold, "4100.00"), (bob, cancelled, "4000.00"), (carol, still_open, "4000.00"),
    )  # fmt: skip
    for bidder, lot, price in bids:
        s.bid(bidder, lot, price)
    s.api.clock.advance(minutes=27)
    s.bid(alice, won, "4020.00")  # extends W's end
    with s.as_operator():
        s.services.auctions.cancel_lot(cancelled, "stock recalled")
    s.api.clock.advance(minutes=10)
    s.run_scheduler()
    contract = UnitOfWork(s.services.ledger).get(AuctionLot, won).contract_id
    s.api.post(f"/contracts/{contract}/pay", s.login(alice))
    s.api.clock.at = datetime(2026, 11, 28, 8, 0, tzinfo=SHANGHAI)
    s.run_scheduler()
    return [won, forfeited, unsold, cancelled, still_open]


def test_every_board_row_says_what_its_lot_says(api: Api) -> None:  # noqa: F811
    s = auction_stage(api, deposit="6000.00")  # two sessions
    lot_ids = lots_in_every_state(s)
    assert s.services.projections.wait(s.services.ledger.head(), 10)
    now = api.clock.at
    states = []
    for lot_id in lot_ids:
        row = s.services.auction_views.lot(lot_id, now)
        board = UnitOfWork(s.services.ledger).get(AuctionLot, lot_id).board(now)
        highest = board.highest_price.per_tonne if board.highest_price else None
        assert row is not None
        assert (row["state"], row["state_label"], row["highest_price"], row["bid_count"],
                row["bidder_count"], row["ends_at"], row["extensions"]) == (
            board.state.value, board.label, highest, board.bid_count, board.bidder_count,
            board.ends_at, board.extensions,
        )  # fmt: skip
        minimum = board.next_minimum_bid.per_tonne if board.next_minimum_bid else None
        assert row["next_minimum_bid"] == minimum
        states.append(row["state"])
    assert states == ["paid", "forfeited", "unsold", "cancelled", "open"]
    assert s.services.auction_views.lot(lot_ids[-1], now)["next_minimum_bid"] == Decimal(  # type: ignore[index]
        "4010.00"
    )


def test_a_rebuild_gives_the_same_rows(api: Api) -> None:  # noqa: F811
    s = auction_stage(api, deposit="6000.00")  # two sessions
    lots_in_every_state(s)
    runner = s.services.projections
    runner.catch_up()
    projection = AuctionsProjection()
    before = projection.digest(s.services.views)
    assert runner.rebuild("auctions") > 0
    assert projection.digest(s.services.views) == before
