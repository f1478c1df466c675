"""Close and award by the scheduler with a moved clock: the winner's contract effective at once,
losers released, payment releasing the winner's deposit, forfeit with a breach notice after the
payment day, 流拍, the soft close capped at the end of the business day; running twice changes
nothing twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from domain.auctions import AuctionLot
from domain.catalog.listing import Listing
from domain.context import SHANGHAI
from domain.trading.contract import Contract
from domain.unit_of_work import UnitOfWork
from domain.values import Money, UnitPrice
from tests.api.auction_support import AuctionStage

THREE_THOUSAND = Money.parse("3000.00")


def lot_of(s: AuctionStage, lot_id: UUID) -> AuctionLot:
    return UnitOfWork(s.services.ledger).get(AuctionLot, lot_id)


def listing(s: AuctionStage) -> Listing:
    return UnitOfWork(s.services.ledger).get(Listing, s.listing_id)


def bid_round(s: AuctionStage) -> tuple[UUID, UUID]:
    """Alice 4000, Bob 4010, Carol 4050, Alice 4060: Alice wins at 4060."""
    session_id = s.session()
    lot_id = s.lot(session_id, quantity="100.000")
    alice, bob, carol = s.bidders
    for bidder, price in ((alice, "4000.00"), (bob, "4010.00"), (carol, "4050.00"),
                          (alice, "4060.00")):  # fmt: skip
        s.bid(bidder, lot_id, price)
    return session_id, lot_id


def close(s: AuctionStage) -> dict[str, object]:
    s.api.clock.advance(hours=1)  # the lot's end
    return s.run_scheduler()["close_due_auctions"]  # type: ignore[no-any-return]


def test_close_awards_the_highest_bid_with_an_effective_contract(stage: AuctionStage) -> None:
    session_id, lot_id = bid_round(stage)
    alice, bob, carol = stage.bidders
    assert close(stage) == {"due": 1, "closed": 1, "failed": []}
    lot = lot_of(stage, lot_id)
    assert lot.decided is not None and lot.decided.value == "awarded"
    assert lot.winner_id == alice.account_id
    contract = UnitOfWork(stage.services.ledger).get(Contract, lot.contract_id)  # type: ignore[arg-type]
    assert contract.state.value == "effective"  # effective at once
    assert contract.buyer_id == alice.account_id
    assert contract.facts.lines[0].unit_price == UnitPrice.parse("4060.00")
    assert contract.total_amount == Money.parse("406000.00")
    for loser in (bob, carol):  # released in the close's write
        assert stage.locked(loser, session_id) == Money.zero()
        assert stage.deposit_free(loser) == THREE_THOUSAND
    assert stage.locked(alice, session_id) == THREE_THOUSAND  # until the contract is paid
    assert listing(stage).stock.remaining.tonnes == 900  # still out of spot sale


def test_closing_twice_changes_nothing_twice(stage: AuctionStage) -> None:
    bid_round(stage)
    close(stage)
    head = stage.services.ledger.head()
    assert stage.run_scheduler()["close_due_auctions"] == {"due": 0, "closed": 0, "failed": []}
    assert stage.services.ledger.head() == head


def test_paying_the_contract_releases_the_winners_deposit(stage: AuctionStage) -> None:
    session_id, lot_id = bid_round(stage)
    alice = stage.bidders[0]
    close(stage)
    contract_id = lot_of(stage, lot_id).contract_id
    paid = stage.api.post(f"/contracts/{contract_id}/pay", stage.login(alice))
    assert paid.status_code == 200, paid.text
    assert stage.locked(alice, session_id) == Money.zero()
    assert stage.deposit_free(alice) == THREE_THOUSAND
    lot = lot_of(stage, lot_id)
    assert lot.decided is not None and lot.decided.value == "paid"
    stock = listing(stage).stock
    assert (stock.sold.tonnes, stock.remaining.tonnes) == (100, 900)  # sold to the winner
    stage.api.clock.advance(days=3)  # paid: nothing to forfeit, ever
    assert stage.run_scheduler()["forfeit_overdue_awards"]["forfeited"] == 0


def test_an_unpaid_award_is_forfeited_after_its_day_with_a_breach_notice(
    stage: AuctionStage,
) -> None:
    session_id, lot_id = bid_round(stage)
    alice, bob, _ = stage.bidders
    close(stage)
    stage.api.clock.advance(hours=12)  # still the payment day (the close's day + 1)
    assert stage.run_scheduler()["forfeit_overdue_awards"]["forfeited"] == 0
    stage.api.clock.at = datetime(2026, 11, 28, 0, 1, tzinfo=SHANGHAI)  # the day after it
    assert stage.run_scheduler()["forfeit_overdue_awards"] == {
        "due": 1, "forfeited": 1, "failed": [],
    }  # fmt: skip
    lot = lot_of(stage, lot_id)
    assert lot.decided is not None and lot.decided.value == "forfeited"
    assert stage.locked(alice, session_id) == Money.zero()
    assert stage.deposit_free(alice) == Money.zero()  # taken by the seller
    assert stage.buckets(alice).get("seller.penalties") == THREE_THOUSAND
    contract = UnitOfWork(stage.services.ledger).get(Contract, lot.contract_id)  # type: ignore[arg-type]
    assert contract.state.value == "void"
    assert listing(stage).stock.remaining.tonnes == 1000  # back on sale
    head = stage.services.ledger.head()
    assert stage.run_scheduler()["forfeit_overdue_awards"]["forfeited"] == 0
    assert stage.services.ledger.head() == head
    # the breach notice: the customer and its manager see it, another customer does not
    for token in (stage.login(alice), stage.login("13900000004")):  # the manager
        notices = stage.api.get(f"/breach-notices?wait_for={head}", token).json()
        assert notices["count"] == 1, notices
        notice = notices["data"][0]
        assert (notice["company_id"], notice["penalty"]) == (str(alice.account_id), "3000.00")
        assert notice["notice_no"] == lot.breach_notice
    assert stage.api.get("/breach-notices", stage.login(bob)).json()["count"] == 0
    history = stage.api.get("/auctions/history", stage.login(alice)).json()["data"]
    assert [(h["outcome"], h["breach_notice"]) for h in history] == [("won", lot.breach_notice)]


def test_a_lot_without_a_valid_bid_is_unsold_and_every_deposit_released(
    stage: AuctionStage,
) -> None:
    session_id = stage.session()
    reserved = stage.lot(session_id, lot_no="R", reserve_price=UnitPrice.parse("4500.00"))
    empty = stage.lot(session_id, lot_no="E", quantity="50.000")
    alice, bob, _ = stage.bidders
    stage.bid(alice, reserved, "4100.00")
    stage.bid(bob, reserved, "4200.00")
    assert close(stage)["closed"] == 2
    below, nobody = lot_of(stage, reserved), lot_of(stage, empty)
    assert below.outcome is not None and below.outcome.unsold_reasons == ("below_reserve",)
    assert nobody.outcome is not None and nobody.outcome.unsold_reasons == ("no_bids",)
    for bidder in (alice, bob):
        assert stage.locked(bidder, session_id) == Money.zero()
        assert stage.deposit_free(bidder) == THREE_THOUSAND
    assert listing(stage).stock.remaining.tonnes == 1000  # both lots back on sale
    token = stage.login(alice)
    row = stage.api.get(f"/auctions/{reserved}?wait_for={stage.services.ledger.head()}", token)
    row = row.json()
    assert (row["state"], row["state_label"], row["unsold_reasons"]) == (
        "unsold", "流拍", ["below_reserve"],
    )  # fmt: skip
    history = stage.api.get("/auctions/history", token).json()["data"]
    assert [(h["lot_no"], h["outcome"], h["outcome_label"]) for h in history] == [
        ("R", "unsold", "流拍"),
    ]  # fmt: skip


def test_the_soft_close_is_capped_at_the_end_of_the_business_day(stage: AuctionStage) -> None:
    alice, bob, _ = stage.bidders
    stage.api.clock.at = datetime(2026, 11, 26, 23, 0, tzinfo=SHANGHAI)
    midnight = datetime(2026, 11, 27, 0, 0, tzinfo=SHANGHAI)
    lot_id = stage.lot(stage.session(), ends=datetime(2026, 11, 26, 23, 58, tzinfo=SHANGHAI))
    stage.api.clock.at = datetime(2026, 11, 26, 23, 57, tzinfo=SHANGHAI)
    first = stage.bid(alice, lot_id, "4000.00").result
    assert (first["extended"], first["extension_capped"]) == (True, True)
    assert first["ends_at"] == midnight  # not 00:02: the business day ends first
    stage.api.clock.at = datetime(2026, 11, 26, 23, 59, 30, tzinfo=SHANGHAI)
    second = stage.bid(bob, lot_id, "4010.00").result
    assert second["extended"] is False and second["ends_at"] == midnight
    stage.api.clock.at = midnight
    assert stage.run_scheduler()["close_due_auctions"]["closed"] == 1
    lot = lot_of(stage, lot_id)
    assert lot.winner_id == bob.account_id and lot.ends_at == midnight
    assert lot.extension_count == 1


def test_a_bid_well_before_the_end_does_not_extend(stage: AuctionStage) -> None:
    alice = stage.bidders[0]
    lot_id = stage.lot(stage.session())
    stage.api.clock.advance(minutes=54)  # 6 minutes before the end
    assert stage.bid(alice, lot_id, "4000.00").result["extended"] is False
    stage.api.clock.advance(minutes=2)  # 4 minutes before: extended to 5 minutes after it
    result = stage.bid(alice, lot_id, "4010.00").result
    assert result["extended"] is True
    assert result["ends_at"] == stage.api.clock.at + timedelta(minutes=5)
