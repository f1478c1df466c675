"""A lot and a session survive the store's encoding: their events, stored through the
project's transcoder and replayed, rebuild the same state, and so does a snapshot of it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import Mapper

from domain.auctions import AuctionLot, AuctionSession
from domain.context import FrozenClock
from interfaces.persistence.transcoder import OrjsonTranscoder
from tests.unit.auctions.support import ALICE, BOB, CAROL, ENDS, open_lot, price

MAPPER: Mapper[UUID] = Mapper(transcoder=OrjsonTranscoder())


def state(aggregate: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def replayed(events: Any) -> Any:
    aggregate = None
    for domain_event in events:
        stored = MAPPER.to_stored_event(domain_event)
        restored: Any = MAPPER.to_domain_event(stored)
        aggregate = restored.mutate(aggregate)
    return aggregate


def through_a_snapshot(aggregate: Any) -> Any:
    stored = MAPPER.to_stored_event(Snapshot.take(aggregate))
    snapshot: Any = MAPPER.to_domain_event(stored)
    return snapshot.mutate(None)


def a_forfeited_lot(clock: FrozenClock) -> tuple[AuctionLot, AuctionSession]:
    lot = open_lot(clock, reserve_price=price("4010.00"))
    session = AuctionSession.create("Rizhao coil, 26 Nov")
    session.add_lot(lot.id)
    for bidder, offer in ((ALICE, "4000.00"), (BOB, "4010.00"), (ALICE, "4050.00")):
        lot.bid(bidder, price(offer))
        session.admit(bidder, lot.id)
    clock.at = ENDS - timedelta(minutes=1)
    lot.bid(CAROL, price("4100.00"))  # extends the end
    session.admit(CAROL, lot.id)
    clock.at = lot.ends_at
    lot.close()
    session.settle_lot(lot.id, lot.winner_id)
    lot.link_contract(UUID(int=0xC0))
    clock.advance(days=2)
    lot.forfeit("BN-2026-0001")
    session.forfeit(lot.id, CAROL, "BN-2026-0001")
    return lot, session


def test_a_lot_and_its_session_replay_to_the_same_state(clock: FrozenClock) -> None:
    lot, session = a_forfeited_lot(clock)
    for aggregate in (lot, session):
        events = aggregate.collect_events()
        assert state(replayed(events)) == state(aggregate)


def test_a_lot_and_its_session_survive_a_snapshot(clock: FrozenClock) -> None:
    lot, session = a_forfeited_lot(clock)
    for aggregate in (lot, session):
        assert state(through_a_snapshot(aggregate)) == state(aggregate)
    restored = through_a_snapshot(lot)
    assert restored.board(clock.at) == lot.board(clock.at)
    assert restored.bidder_view(CAROL, clock.at).result == "won"
