"""A hot lot: 50 clients bid concurrently on one lot for a few seconds, each raising on the
highest it last saw. The only refusal is the documented ``bid_too_low`` (someone got there
first); the highest accepted bid wins; each bidder's deposit is locked exactly once; every loser
is released at the close; the funds reconcile; the replay equals the live lot."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from uuid import UUID

from domain.auctions import AuctionLot
from domain.errors import DomainError
from domain.funds.account import FundsAccount
from domain.unit_of_work import UnitOfWork
from domain.values import Money, UnitPrice
from interfaces.reconcile import reconciler
from projections.balances.replay import replay_funds
from tests.api.auction_support import AuctionStage, Bidder, auction_stage
from tests.api.conftest import Api

CLIENTS = 50
SECONDS = 3.0


def race(s: AuctionStage, lot_id: UUID) -> tuple[list[tuple[UUID, Decimal]], Counter[str]]:
    accepted: list[tuple[UUID, Decimal]] = []
    refused: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)
    increment = Decimal("10.00")

    def client(bidder: Bidder) -> None:
        rng = random.Random(bidder.account_id.int)
        with s.as_bidder(bidder):
            start.wait()
            stop = time.monotonic() + SECONDS
            while time.monotonic() < stop:
                seen = s.services.auctions.get_lot(lot_id).next_minimum_bid().per_tonne
                price = UnitPrice(seen + increment * rng.randint(0, 2))
                try:
                    s.services.auctions.bid(lot_id, price)
                except DomainError as refusal:
                    with lock:
                        refused[refusal.code] += 1
                    continue
                with lock:
                    accepted.append((bidder.account_id, price.per_tonne))

    threads = [threading.Thread(target=client, args=(b,)) for b in s.bidders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 60)
    return accepted, refused


def deposit_locks(s: AuctionStage, company_id: UUID, session_id: UUID) -> int:
    events = s.services.ledger.repository.event_store.get(FundsAccount.id_for(company_id))
    return sum(
        1
        for e in replay_funds(events).entries
        if e.kind == "deposit_locked" and e.reference == str(session_id)
    )


def test_fifty_clients_on_one_hot_lot(api: Api) -> None:
    s = auction_stage(api, bidders=CLIENTS, funds="")
    session_id = s.session()
    lot_id = s.lot(session_id, ends=api.clock.at + timedelta(hours=1))
    accepted, refused = race(s, lot_id)

    assert set(refused) <= {"bid_too_low"}, refused  # nothing but the documented refusal
    assert len(accepted) >= 20, (len(accepted), refused)  # many bids really raced
    lot = UnitOfWork(s.services.ledger).get(AuctionLot, lot_id)
    assert lot.bid_count == len(accepted)
    top_bidder, top_price = max(accepted, key=lambda bid: bid[1])
    assert lot.highest is not None and lot.highest.price.per_tonne == top_price

    api.clock.advance(hours=1)
    assert s.run_scheduler()["close_due_auctions"]["closed"] == 1
    lot = UnitOfWork(s.services.ledger).get(AuctionLot, lot_id)
    assert lot.winner_id == top_bidder  # the highest valid bid wins

    bidders = {company for company, _ in accepted}
    three_thousand = Money.parse("3000.00")
    for bidder in s.bidders:
        if bidder.account_id not in bidders:
            assert s.deposit_free(bidder) == three_thousand  # never bid: never locked
            continue
        assert deposit_locks(s, bidder.account_id, session_id) == 1  # exactly once
        held = s.locked(bidder, session_id)
        assert held == (three_thousand if bidder.account_id == top_bidder else Money.zero())

    assert s.services.projections.wait(s.services.ledger.head(), 10)
    result = reconciler(s.services).run()
    assert result.ok, result.differences

    with s.as_auditor():
        replay = s.services.auctions.replay(lot_id)
    assert replay.proven, replay.problems
    assert vars(replay.lot) == vars(lot)  # the replay equals the live state
    assert sum(1 for step in replay.steps if step.kind == "bid") == len(accepted)
    assert sum(1 for step in replay.steps if step.kind == "deposit_locked") == len(bidders)
    assert sum(1 for step in replay.steps if step.kind == "deposit_released") == len(bidders) - 1
