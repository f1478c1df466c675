"""Auctions through HTTP: an operator sets up a session and a lot, buyers bid, the scheduler
closes and awards, the winner pays its contract; the public board, history, breach notices and
the auditor's replay read what happened. Refusals are problem+json and write nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from domain.context import Role
from tests.api.auction_support import AuctionStage, Bidder, auction_stage
from tests.api.conftest import Api


@pytest.fixture
def stage(api: Api) -> AuctionStage:
    return auction_stage(api, bidders=3)


def post_bid(s: AuctionStage, bidder: Bidder, lot_id: UUID, price: str) -> Any:
    return s.api.post(f"/auctions/{lot_id}/bids", bidder.token, json={"price": price})


def board_row(s: AuctionStage, lot_id: UUID, token: str, position: int) -> dict[str, Any]:
    response = s.api.get(f"/auctions/{lot_id}?wait_for={position}", token)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_an_operator_creates_a_session_and_a_lot_over_http(stage: AuctionStage) -> None:
    api, op = stage.api, stage.base.operator
    created = api.post("/auctions/sessions", op, json={"name": "Rizhao coil, 26 Nov"})
    assert created.status_code == 201, created.text
    assert created.json()["deposit"] == "3000.00"  # the mill's default per session
    session_id = created.json()["session_id"]
    now = api.clock.at
    lot = api.post(
        f"/auctions/sessions/{session_id}/lots",
        op,
        json={
            "lot_no": "A-01", "listing_id": str(stage.listing_id), "quantity": "100.000",
            "starts_at": now.isoformat(), "ends_at": (now + timedelta(hours=1)).isoformat(),
            "starting_price": "4000.00", "increment": "10.00",
        },
    )  # fmt: skip
    assert lot.status_code == 201, lot.text
    body = lot.json()
    assert (body["state"], body["state_label"]) == ("open", "竞拍中")
    listing = api.get(f"/listings/{stage.listing_id}?wait_for={body['position']}", op).json()
    assert listing["stock"]["remaining"] == "900.000"  # out of spot sale while the lot is open


def test_a_lot_on_more_stock_than_the_listing_has_is_oversold(stage: AuctionStage) -> None:
    session_id = stage.session()
    head = stage.services.ledger.head()
    response = stage.api.post(
        f"/auctions/sessions/{session_id}/lots",
        stage.base.operator,
        json={
            "lot_no": "A-02", "listing_id": str(stage.listing_id), "quantity": "1000.001",
            "starts_at": stage.api.clock.at.isoformat(),
            "ends_at": (stage.api.clock.at + timedelta(hours=1)).isoformat(),
            "starting_price": "4000.00", "increment": "10.00",
        },
    )  # fmt: skip
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "oversold"
    assert stage.services.ledger.head() == head  # nothing written


def test_first_bid_locks_the_session_deposit_and_the_board_shows_it(stage: AuctionStage) -> None:
    alice, bob, _ = stage.bidders
    lot_id = stage.lot(stage.session())
    first = post_bid(stage, alice, lot_id, "4000.00")
    assert first.status_code == 201, first.text
    assert first.json()["deposit_locked"] == "3000.00"
    again = post_bid(stage, alice, lot_id, "4020.00")  # a raise locks nothing more
    assert again.json()["deposit_locked"] is None
    outbid = post_bid(stage, bob, lot_id, "4030.00")
    row = board_row(stage, lot_id, bob.token, outbid.json()["position"])
    assert (row["highest_price"], row["bid_count"], row["bidder_count"]) == ("4030.00", 3, 2)
    assert row["next_minimum_bid"] == "4040.00"
    assert "bidder_id" not in row and "winner_id" not in row  # bidders are anonymous
    mine = stage.api.get(f"/auctions/{lot_id}/my-bids", alice.token).json()
    assert [b["price"] for b in mine["bids"]] == ["4000.00", "4020.00"]
    assert mine["standing"]["outcome"] == "outbid" and not mine["standing"]["leading"]
    dashboard = stage.api.get(
        f"/me/balances?wait_for={outbid.json()['position']}", alice.token
    ).json()
    assert Decimal(dashboard["deposit_locked"]) == Decimal("3000.00")  # at once
    assert Decimal(dashboard["deposit_free"]) == Decimal("0.00")


@pytest.mark.parametrize(
    ("price", "status", "code"),
    [("4005.00", 422, "bid_off_increment"), ("3990.00", 409, "bid_too_low"),
     ("abc", 422, "invalid_price")],
)  # fmt: skip
def test_bad_bids_are_refused_and_write_nothing(
    stage: AuctionStage, price: str, status: int, code: str
) -> None:
    alice = stage.bidders[0]
    lot_id = stage.lot(stage.session())
    head = stage.services.ledger.head()
    response = post_bid(stage, alice, lot_id, price)
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    assert stage.services.ledger.head() == head


def test_a_bid_not_above_the_highest_is_too_low(stage: AuctionStage) -> None:
    alice, bob, _ = stage.bidders
    lot_id = stage.lot(stage.session())
    post_bid(stage, alice, lot_id, "4050.00")
    response = post_bid(stage, bob, lot_id, "4050.00")
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["minimum_bid"]) == ("bid_too_low", "4060.00")


def test_bids_before_the_start_after_the_end_and_on_a_cancelled_lot(stage: AuctionStage) -> None:
    alice = stage.bidders[0]
    session_id = stage.session()
    now = stage.api.clock.at
    later = stage.lot(session_id, now + timedelta(hours=1), now + timedelta(hours=2), lot_no="L")
    assert post_bid(stage, alice, later, "4000.00").json()["code"] == "auction_not_open"
    soon = stage.lot(session_id, now, now + timedelta(minutes=30), lot_no="S")
    stage.api.clock.advance(minutes=30)
    assert post_bid(stage, alice, soon, "4000.00").json()["code"] == "auction_closed"
    cancelled = stage.api.post(f"/auctions/{later}/cancel", stage.base.operator,
                               json={"reason": "stock recalled"})  # fmt: skip
    assert cancelled.status_code == 200, cancelled.text
    assert post_bid(stage, alice, later, "4000.00").json()["code"] == "auction_cancelled"


def test_without_enough_free_deposit_the_bid_is_refused(api: Api) -> None:
    s = auction_stage(api, bidders=1, deposit="1000.00")
    lot_id = s.lot(s.session())
    head = s.services.ledger.head()
    response = post_bid(s, s.bidders[0], lot_id, "4000.00")
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["available"], body["needed"]) == (
        "insufficient_deposit", "1000.00", "3000.00",
    )  # fmt: skip
    assert s.services.ledger.head() == head


def test_an_uncertified_or_unbound_customer_may_not_bid(stage: AuctionStage) -> None:
    api = stage.api
    lot_id = stage.lot(stage.session())
    account_id, token = api.register("13800009999")  # not in the registry: awaits an operator
    api.post(f"/accounts/{account_id}/company", token, json=api.company(9999))
    response = api.post(f"/auctions/{lot_id}/bids", token, json={"price": "4000.00"})
    assert (response.status_code, response.json()["code"]) == (409, "not_certified")
    staff = api.post(f"/auctions/{lot_id}/bids", stage.base.manager, json={"price": "4000.00"})
    assert staff.status_code == 404  # only customers bid


def test_soft_close_extends_the_end_and_the_board_shows_it(stage: AuctionStage) -> None:
    alice, bob, _ = stage.bidders
    now = stage.api.clock.at
    lot_id = stage.lot(stage.session(), now, now + timedelta(minutes=30))
    stage.api.clock.advance(minutes=27)  # 3 minutes before the end
    response = post_bid(stage, alice, lot_id, "4000.00")
    assert response.json()["extended"] is True
    row = board_row(stage, lot_id, bob.token, response.json()["position"])
    assert row["ends_at"] == _z(now + timedelta(minutes=32))  # bid time + 5 minutes
    assert row["extensions"] == 1 and row["scheduled_end"] == _z(now + timedelta(minutes=30))
    stage.api.clock.advance(minutes=4)  # past the original end, inside the extension
    assert post_bid(stage, bob, lot_id, "4010.00").status_code == 201


def test_cancelling_a_lot_releases_every_deposit_and_the_stock(stage: AuctionStage) -> None:
    alice, bob, _ = stage.bidders
    session_id = stage.session()
    lot_id = stage.lot(session_id)
    post_bid(stage, alice, lot_id, "4000.00")
    post_bid(stage, bob, lot_id, "4010.00")
    response = stage.api.post(f"/auctions/{lot_id}/cancel", stage.base.operator,
                              json={"reason": "stock recalled"})  # fmt: skip
    assert response.status_code == 200, response.text
    assert sorted(response.json()["released"]) == sorted([str(alice.account_id),
                                                          str(bob.account_id)])  # fmt: skip
    for bidder in (alice, bob):
        assert not stage.locked(bidder, session_id).is_positive()
        assert str(stage.deposit_free(bidder)) == "3000.00"
    position = response.json()["position"]
    row = board_row(stage, lot_id, alice.token, position)
    assert (row["state"], row["state_label"], row["cancel_reason"]) == (
        "cancelled", "已取消", "stock recalled",
    )  # fmt: skip
    listing = stage.api.get(f"/listings/{stage.listing_id}", stage.base.operator).json()
    assert listing["stock"]["remaining"] == "1000.000"


def test_only_operators_manage_auctions(stage: AuctionStage) -> None:
    alice = stage.bidders[0]
    response = stage.api.post("/auctions/sessions", alice.token, json={"name": "mine"})
    assert response.status_code == 403


def _z(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_a_customer_without_a_bound_manager_may_not_bid(api: Api) -> None:
    """Certified by the registry while no manager exists: not bound, so no bids."""
    _, operator = api.enroll("13900000001", Role.OPERATOR)
    api.import_registry(operator, (1, "east"))
    account_id, token = api.register("13800000001")
    bound = api.post(f"/accounts/{account_id}/company", token, json=api.company(1))
    assert bound.json()["manager_id"] is None, bound.text
    session = api.post("/auctions/sessions", operator, json={"name": "S"}).json()["session_id"]
    listing = _listing(api, operator)
    now = api.clock.at
    lot = api.post(f"/auctions/sessions/{session}/lots", operator, json={
        "lot_no": "A-01", "listing_id": listing, "quantity": "10.000",
        "starts_at": now.isoformat(), "ends_at": (now + timedelta(hours=1)).isoformat(),
        "starting_price": "4000.00", "increment": "10.00",
    }).json()["lot_id"]  # fmt: skip
    response = api.post(f"/auctions/{lot}/bids", token, json={"price": "4000.00"})
    assert (response.status_code, response.json()["code"]) == (409, "no_manager")


def test_cancelling_a_session_cancels_its_open_lots(stage: AuctionStage) -> None:
    alice, bob, _ = stage.bidders
    session_id = stage.session()
    first, second = stage.lot(session_id, lot_no="A"), stage.lot(session_id, lot_no="B")
    post_bid(stage, alice, first, "4000.00")
    post_bid(stage, bob, second, "4000.00")
    response = stage.api.post(f"/auctions/sessions/{session_id}/cancel", stage.base.operator,
                              json={"reason": "mill outage"})  # fmt: skip
    assert response.status_code == 200 and response.json()["cancelled"], response.text
    for bidder in (alice, bob):
        assert stage.deposit_free(bidder) == stage.deposit_free(stage.bidders[2])
    refused = post_bid(stage, alice, first, "4010.00")
    assert (refused.status_code, refused.json()["code"]) == (409, "auction_cancelled")
    board = stage.api.get(
        f"/auctions?session_id={session_id}&wait_for={response.json()['position']}", alice.token
    ).json()
    assert [row["state"] for row in board["data"]] == ["cancelled", "cancelled"]


def test_the_same_idempotency_key_bids_once(stage: AuctionStage) -> None:
    alice = stage.bidders[0]
    lot_id = stage.lot(stage.session())
    headers = {"Idempotency-Key": "bid-1"}
    first = stage.api.post(f"/auctions/{lot_id}/bids", alice.token, json={"price": "4000.00"},
                           headers=headers)  # fmt: skip
    again = stage.api.post(f"/auctions/{lot_id}/bids", alice.token, json={"price": "4000.00"},
                           headers=headers)  # fmt: skip
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["sequence"] == first.json()["sequence"] == 1
    assert stage.api.get(f"/auctions/{lot_id}/my-bids?wait_for={again.json()['position']}",
                         alice.token).json()["standing"]["bids"] == 1  # fmt: skip


def _listing(api: Api, operator: str) -> str:
    categories = api.post("/catalog/categories/defaults", operator)
    assert categories.status_code in (200, 201), categories.text
    product = api.post("/catalog/products", operator, json={
        "category": "HRC", "name": "Hot-rolled coil",
        "attributes": {"grade": "Q235B", "thickness": "3.0", "width": "1500",
                       "standard": "GB/T 3274"},
    })  # fmt: skip
    assert product.status_code == 201, product.text
    listing = api.post("/listings", operator, json={
        "product_id": product.json()["product_id"], "warehouse": "Rizhao", "quantity": "100.000",
        "list_price": "4100.00",
    })  # fmt: skip
    assert listing.status_code == 201, listing.text
    published = api.post(f"/listings/{listing.json()['listing_id']}/publish", operator, json={})
    assert published.status_code == 200, published.text
    return str(listing.json()["listing_id"])
